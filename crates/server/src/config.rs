//! Settings from the environment (documented in docs/configuration.md).

use std::path::{Path, PathBuf};

use loopdesk_persistence::DbConfig;

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: DbConfig,
    pub static_dir: PathBuf,
    pub jwt_secret: Option<String>,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub workers: usize,
    /// how often the background workers look for due work (acceptance deadlines, SLA warnings and breaches)
    pub scan_every: std::time::Duration,
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    pub public_url: Option<String>,
    /// internal networks robots and webhooks may be called on (LOOPDESK_OUTBOUND_ALLOW)
    pub outbound_allow: loopdesk_domain::net::OutboundAllow,
    /// the language of group-robot and webhook messages (LOOPDESK_ROBOT_LOCALE: zh-CN, the default, or en)
    pub robot_locale: loopdesk_domain::locale::Locale,
    /// when the daily reminder goes out; None: never
    pub digest: Option<loopdesk_app::reminders::DigestSchedule>,
    /// `Strict-Transport-Security` max-age in seconds; None: no HSTS header (the default: plain HTTP must work)
    pub hsts_max_age: Option<u64>,
    /// proxies whose X-Forwarded-For names the client (LOOPDESK_TRUSTED_PROXIES); empty: the TCP peer is the client
    pub trusted_proxies: loopdesk_domain::net::TrustedProxies,
    /// where attachments' contents are kept (`LOOPDESK_FILES_DIR`, default `<data dir>/files`)
    pub files_dir: PathBuf,
    /// `LOOPDESK_ATTACHMENT_MAX_FILE_MB` (25) and `LOOPDESK_ATTACHMENT_MAX_TICKET_MB` (250)
    pub attachment_limits: loopdesk_domain::attachments::Limits,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A size setting in whole megabytes (≥ 1), as bytes.
fn megabytes(name: &str) -> Result<Option<u64>, String> {
    match env(name) {
        None => Ok(None),
        Some(v) => match v.parse::<u64>() {
            Ok(mb) if (1..=100_000).contains(&mb) => Ok(Some(mb * 1024 * 1024)),
            _ => Err(format!("{name} must be a whole number of megabytes from 1 to 100000, got {v}")),
        },
    }
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let data_dir = PathBuf::from(env("LOOPDESK_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let pool_size = match env("LOOPDESK_DB_POOL_SIZE") {
            Some(v) => v.parse::<u32>().map_err(|_| format!("LOOPDESK_DB_POOL_SIZE must be a number, got {v}"))?,
            None => 16,
        };
        let workers = match env("LOOPDESK_WORKERS") {
            Some(v) => v.parse::<usize>().map_err(|_| format!("LOOPDESK_WORKERS must be a number, got {v}"))?,
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        };
        let scan_every = match env("LOOPDESK_SCAN_SECONDS") {
            Some(v) => match v.parse::<u64>() {
                Ok(seconds) if seconds >= 1 => std::time::Duration::from_secs(seconds),
                _ => return Err(format!("LOOPDESK_SCAN_SECONDS must be a whole number ≥ 1, got {v}")),
            },
            None => std::time::Duration::from_secs(15),
        };
        let hsts_max_age = match env("LOOPDESK_HSTS_MAX_AGE").as_deref() {
            None | Some("off") => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| {
                format!("LOOPDESK_HSTS_MAX_AGE must be a number of seconds (e.g. 31536000) or off, got {v}")
            })?),
        };
        let files_dir = env("LOOPDESK_FILES_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("files"));
        let mut attachment_limits = loopdesk_domain::attachments::Limits::default();
        if let Some(mb) = megabytes("LOOPDESK_ATTACHMENT_MAX_FILE_MB")? {
            attachment_limits.max_file_bytes = mb;
        }
        if let Some(mb) = megabytes("LOOPDESK_ATTACHMENT_MAX_TICKET_MB")? {
            attachment_limits.max_ticket_bytes = mb;
        }
        Ok(Config {
            files_dir,
            attachment_limits,
            database: DbConfig::from_env_or_data_dir(env("DATABASE_URL"), &data_dir, pool_size),
            static_dir: PathBuf::from(env("LOOPDESK_STATIC_DIR").unwrap_or_else(|| "./frontend/dist".into())),
            jwt_secret: env("LOOPDESK_JWT_SECRET"),
            admin_email: env("LOOPDESK_ADMIN_EMAIL"),
            admin_password: env("LOOPDESK_ADMIN_PASSWORD"),
            data_dir,
            workers,
            scan_every,
            smtp_url: env("LOOPDESK_SMTP_URL"),
            smtp_from: env("LOOPDESK_SMTP_FROM").unwrap_or_else(|| "Loopdesk <loopdesk@localhost>".into()),
            public_url: env("LOOPDESK_PUBLIC_URL"),
            outbound_allow: loopdesk_domain::net::OutboundAllow::parse(
                &env("LOOPDESK_OUTBOUND_ALLOW").unwrap_or_default(),
            )
            .map_err(|e| format!("LOOPDESK_OUTBOUND_ALLOW: {e}"))?,
            robot_locale: match env("LOOPDESK_ROBOT_LOCALE") {
                None => loopdesk_domain::locale::Locale::default(),
                Some(tag) => loopdesk_domain::locale::Locale::parse(&tag)
                    .ok_or_else(|| format!("LOOPDESK_ROBOT_LOCALE: {tag:?} is not zh-CN or en"))?,
            },
            digest: digest_schedule()?,
            hsts_max_age,
            trusted_proxies: loopdesk_domain::net::TrustedProxies::parse(
                &env("LOOPDESK_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("LOOPDESK_TRUSTED_PROXIES: {e}"))?,
        })
    }

    /// The site is served over HTTPS (a public address of https://…, or HSTS turned on): the refresh cookie is
    /// always `Secure`, even when a proxy in front does not say the request came over HTTPS.
    pub fn https_site(&self) -> bool {
        self.hsts_max_age.is_some() || self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// The access-token secret: LOOPDESK_JWT_SECRET, or one generated once and kept
    /// in the data dir (instances sharing a database must share it: set the variable).
    pub fn jwt_secret(&self) -> Result<Vec<u8>, String> {
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < 32 {
                return Err("LOOPDESK_JWT_SECRET must be at least 32 characters".into());
            }
            return Ok(secret.as_bytes().to_vec());
        }
        secret_file(&self.data_dir.join("jwt-secret"))
    }
}

/// LOOPDESK_DIGEST_AT (`08:30`, or `off`) in LOOPDESK_DIGEST_TIME_ZONE (`Asia/Shanghai`).
fn digest_schedule() -> Result<Option<loopdesk_app::reminders::DigestSchedule>, String> {
    let mut schedule = loopdesk_app::reminders::DigestSchedule::default();
    match env("LOOPDESK_DIGEST_AT").as_deref() {
        Some("off") => return Ok(None),
        Some(at) => {
            schedule.at = chrono::NaiveTime::parse_from_str(at, "%H:%M")
                .map_err(|_| format!("LOOPDESK_DIGEST_AT must be a time like 08:30 or off, got {at}"))?;
        }
        None => {}
    }
    if let Some(zone) = env("LOOPDESK_DIGEST_TIME_ZONE") {
        schedule.time_zone = zone
            .parse()
            .map_err(|_| format!("LOOPDESK_DIGEST_TIME_ZONE must be an IANA zone like Asia/Shanghai, got {zone}"))?;
    }
    Ok(Some(schedule))
}

fn secret_file(path: &Path) -> Result<Vec<u8>, String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut bytes = [0u8; 48];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let secret = hex::encode(bytes);
    write_private(path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    log::info!("generated a token secret in {}", path.display());
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
