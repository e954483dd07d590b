//! The `loopdesk` binary: serve the API and SPA, migrate, print the OpenAPI
//! document, create an admin, load demo data.

mod config;
mod workers;

use std::process::ExitCode;

use actix_web::HttpServer;
use clap::{Parser, Subcommand};
use loopdesk_app::{App, AuthConfig};
use loopdesk_demo::SeedDemo;
use loopdesk_http::HttpConfig;
use loopdesk_persistence::{Backend, build_pool, run_migrations};

use crate::config::Config;

#[derive(Parser)]
#[command(name = "loopdesk", version, about = "Loopdesk work-order management server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, Swagger UI and the SPA (the default)
    Serve {
        /// address to listen on
        #[arg(long, default_value = "127.0.0.1:8080", env = "LOOPDESK_BIND")]
        bind: String,
    },
    /// Apply pending database migrations and exit
    Migrate,
    /// Print the OpenAPI document (the contract in openapi/openapi.json)
    Openapi,
    /// Create an administrator
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Load the demo data set (departments, agents, customers, ticket types, tickets)
    SeedDemo {
        /// how many tickets to create
        #[arg(long, default_value_t = 300)]
        tickets: usize,
    },
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info,actix_server=warn")).init();
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve { bind: default_bind() })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("loopdesk: {message}");
            ExitCode::FAILURE
        }
    }
}

fn default_bind() -> String {
    std::env::var("LOOPDESK_BIND").unwrap_or_else(|_| "127.0.0.1:8080".into())
}

fn run(command: Command) -> Result<(), String> {
    if let Command::Openapi = command {
        print!("{}", loopdesk_http::openapi::document_json());
        return Ok(());
    }
    let config = Config::from_env()?;
    let app = open(&config)?;
    match command {
        Command::Openapi => unreachable!("handled above"),
        Command::Migrate => Ok(()),
        Command::CreateAdmin { email, password, name } => {
            let user =
                app.create_admin(&email, &name, &password).map_err(|e| format!("cannot create the admin: {e}"))?;
            println!("created admin {} (id {})", user.email, user.id);
            Ok(())
        }
        Command::SeedDemo { tickets } => {
            let summary = app.seed_demo(tickets).map_err(|e| format!("cannot load the demo data: {e}"))?;
            println!("{summary}");
            Ok(())
        }
        Command::Serve { bind } => serve(app, &config, &bind),
    }
}

/// Connects, migrates and prepares the application.
fn open(config: &Config) -> Result<App, String> {
    let backend = config.database.backend();
    if backend == Backend::Sqlite {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    }
    let pool = build_pool(&config.database).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
    drop(conn);
    if applied > 0 {
        log::info!("applied {applied} migration(s)");
    }
    let notify = loopdesk_app::delivery::NotifyConfig {
        smtp_url: config.smtp_url.clone(),
        from: config.smtp_from.clone(),
        public_url: config.public_url.clone(),
        outbound_allow: config.outbound_allow.clone(),
        robot_locale: config.robot_locale,
    };
    let store = loopdesk_app::attachments::FileStore::local(&config.files_dir)
        .map_err(|e| format!("cannot prepare the file store at {}: {e}", config.files_dir.display()))?;
    let mut files = loopdesk_app::attachments::FileSettings::new(store);
    files.limits = config.attachment_limits;
    let app = App::new(pool, AuthConfig::with_secret(config.jwt_secret()?)).with_notify(notify).with_files(files);
    app.ensure_builtin_roles().map_err(|e| format!("cannot prepare roles: {e}"))?;
    app.recount_workloads().map_err(|e| format!("cannot recount agents' workload: {e}"))?;
    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password)
        && let Some(admin) =
            app.bootstrap_admin(email, password).map_err(|e| format!("cannot create the first admin: {e}"))?
    {
        log::info!("created the first admin {}", admin.email);
    }
    Ok(app)
}

fn serve(app: App, config: &Config, bind: &str) -> Result<(), String> {
    let static_dir = config.static_dir.join("index.html").is_file().then(|| config.static_dir.clone());
    match &static_dir {
        Some(dir) => log::info!("serving the web app from {}", dir.display()),
        None => log::info!("no web app at {} (build frontend/ to serve it)", config.static_dir.display()),
    }
    let http_config = HttpConfig {
        static_dir,
        live: Some(loopdesk_http::live::Live::start(&app)),
        hsts_max_age: config.hsts_max_age,
        secure_cookies: config.https_site(),
        trusted_proxies: config.trusted_proxies.clone(),
    };
    let backend = match config.database.backend() {
        Backend::Sqlite => format!("SQLite at {}", config.database.url),
        Backend::Postgres => "PostgreSQL".to_string(),
    };
    log::info!("Loopdesk listening on http://{bind} ({backend}); Swagger UI at http://{bind}/swagger-ui/");
    let _workers = workers::start(app.clone(), config.scan_every, config.digest);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || loopdesk_http::loopdesk_service!(app.clone(), http_config.clone()))
            .workers(config.workers)
            // SIGINT/SIGTERM: stop accepting, let in-flight requests finish for up to 30 s.
            .shutdown_timeout(30)
            .bind(bind)
            .map_err(|e| format!("cannot listen on {bind}: {e}"))?
            .run()
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}
