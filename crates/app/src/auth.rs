//! Sign-in, token rotation, API keys, and turning a bearer credential into an Actor.

use std::collections::BTreeSet;

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use loopdesk_domain::locale::Locale;
use loopdesk_domain::policy::{self, Actor, Permission, UserKind};
use loopdesk_persistence::models::{NewApiKey, UserRow};
use loopdesk_persistence::queries::{auth as q, directory};
use loopdesk_persistence::{DbConn, Json, tx};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use validator::Validate;

use crate::views::{ApiKeyView, CreatedApiKeyView, TokenView};
use crate::{App, AppError, AppResult, utc};

/// Every API key starts with this, so a bearer is told apart from a JWT without parsing,
/// and a leaked key is recognisable by secret scanners.
pub const API_KEY_PREFIX: &str = "ldk_";
const REFRESH_TOKEN_PREFIX: &str = "ldr_";
/// last_used_at is written at most this often per key, so a busy key does not write per request.
const API_KEY_TOUCH_INTERVAL_SECS: i64 = 60;
/// How long a rotated refresh token may still be presented without counting as reuse. Two tabs (or a retry after
/// a lost response) that refresh with the same token at once each get new tokens of the same session; after this,
/// presenting it again revokes the session.
pub const REFRESH_REUSE_GRACE_SECS: i64 = 20;
/// Every this many sign-ins, back-offs quiet for [`BACKOFF_FORGET_AFTER_HOURS`] are deleted.
const BACKOFF_PRUNE_EVERY: u64 = 256;
/// A back-off nobody touched for this long is forgotten (its failures start again from zero).
pub const BACKOFF_FORGET_AFTER_HOURS: i64 = 24;

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct LoginInput {
    #[schema(example = "admin@loopdesk.local")]
    #[validate(length(min = 1, max = 254, message = "is required"))]
    pub email: String,
    #[schema(example = "loopdesk-demo")]
    #[validate(length(min = 1, max = 1024, message = "is required"))]
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct RefreshInput {
    #[validate(length(min = 1, max = 512, message = "is required"))]
    pub refresh_token: String,
}

/// The language the server writes to you in.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LocaleInput {
    pub locale: Locale,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
pub struct NewApiKeyInput {
    #[schema(example = "CRM 同步")]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub name: String,
    /// what the key may do; at most what its creator may do
    #[schema(example = json!(["tickets_read_all", "tickets_create", "comments_public"]))]
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    sub: i64,
    sid: i64,
    iat: i64,
    exp: i64,
}

pub fn hash_password(password: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// The library's own verification, which allocates its memory per call (the tests compare against it).
#[cfg(test)]
fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

/// [`verify_password`] computing into `memory` (resized to the hash's cost once, then reused), so a verification
/// allocates nothing large: Argon2's 19 MiB per call, freed on whichever thread ran it, is what the allocator kept
/// under a flood.
pub(crate) fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else { return false };
    let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm.as_str()) else { return false };
    let version = match parsed.version.map(argon2::Version::try_from) {
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
        None => argon2::Version::default(),
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else { return false };
    if memory.len() != params.block_count() {
        *memory = vec![argon2::Block::default(); params.block_count()];
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    if argon.hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut out, &mut memory[..]).is_err() {
        return false;
    }
    // Output's equality is constant-time.
    argon2::password_hash::phc::Output::new(&out).is_ok_and(|computed| &computed == expected)
}

/// A hash to verify against when the e-mail is unknown, so timing does not reveal which e-mails exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn password_errors(password: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    if chars < 8 {
        Some("must be at least 8 characters")
    } else if chars > 256 {
        Some("must be at most 256 characters")
    } else {
        None
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The permissions a stored list names. Unknown names (from a newer version) are ignored rather than failing
/// every request.
pub(crate) fn known_permissions(names: &[String]) -> Vec<Permission> {
    names.iter().filter_map(|p| Permission::parse(p)).collect()
}

/// Permissions as a role or key stores them: by their stable names.
pub(crate) fn permission_names(perms: &[Permission]) -> Json<Vec<String>> {
    Json(perms.iter().map(|p| p.as_str().to_string()).collect())
}

fn actor_from(conn: &mut DbConn, principal: q::PrincipalRow) -> AppResult<Actor> {
    let kind = UserKind::parse(&principal.user.kind)
        .ok_or_else(|| AppError::Internal(format!("user {} has unknown kind", principal.user.id)))?;
    Ok(Actor {
        user_id: principal.user.id,
        kind,
        permissions: known_permissions(&principal.role.permissions).into_iter().collect(),
        group_ids: directory::group_ids_of_user(conn, principal.user.id)?,
        organization_id: principal.user.organization_id,
        organization_shares_tickets: principal.organization_shares_tickets,
        api_key_id: None,
    })
}

/// The user as the policy sees them (their role's permissions and groups), for deciding what they may be told.
pub(crate) fn actor_of_user(conn: &mut DbConn, user_id: i64) -> AppResult<Option<Actor>> {
    match q::load_principal(conn, user_id)? {
        Some(principal) => actor_from(conn, principal).map(Some),
        None => Ok(None),
    }
}

impl App {
    /// Checks e-mail and password from the client at `client` (its address, as
    /// [`loopdesk_domain::net::client_key`] writes it); opens a session.
    ///
    /// In order: the client's and the e-mail's rate limits (429), then one attempt is claimed from the
    /// (e-mail, client) back-off, atomically, before the password is checked — however many guesses arrive at once,
    /// only those the back-off allows check a password; the rest get 429 with when to try again. Known and unknown
    /// e-mails go through the same steps (an unknown one is checked against a dummy hash), so they cannot be told
    /// apart. The hash runs behind the hashing gate and without holding a database connection.
    pub fn login(&self, input: &LoginInput, client: &str) -> AppResult<TokenView> {
        let now = self.now_naive();
        let email = normalize_email(&input.email);
        let bad_credentials = || AppError::Unauthenticated("wrong e-mail or password".into());
        self.sign_in.admit(client, &email)?;
        let backoff = self.auth.backoff;
        let next_attempt_at =
            |failures: i32| now + chrono::Duration::seconds(backoff.delay_after(u32::try_from(failures).unwrap_or(0)));
        let user = {
            let mut conn = self.conn()?;
            if self.sign_in.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed).is_multiple_of(BACKOFF_PRUNE_EVERY)
            {
                let quiet_since = now - chrono::Duration::hours(BACKOFF_FORGET_AFTER_HOURS);
                let pruned = directory::prune_sign_in_backoffs(&mut conn, now, quiet_since)?;
                if pruned > 0 {
                    log::info!("forgot {pruned} sign-in back-offs quiet for {BACKOFF_FORGET_AFTER_HOURS} hours");
                }
            }
            let claim =
                tx::write(&mut conn, |c| directory::claim_sign_in_attempt(c, &email, client, now, next_attempt_at))?;
            if let directory::SignInClaim::Wait { until } = claim {
                let wait = (until - now).num_milliseconds().max(0);
                return Err(crate::sign_in::too_many(u64::try_from((wait + 999) / 1000).unwrap_or(1)));
            }
            directory::find_user_by_email(&mut conn, &email)?
        };
        // No connection is held from here to the verdict: a slow hash never starves other requests of one.
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        let password_ok = self.sign_in.verify(|memory| match stored {
            Some(hash) => verify_password_in(&input.password, hash, memory),
            None => {
                verify_password_in(&input.password, dummy_hash(), memory);
                false
            }
        });
        let Some(user) = user.filter(|u| password_ok && u.active) else {
            return Err(bad_credentials());
        };
        let mut conn = self.conn()?;
        let tokens = tx::write(&mut conn, |conn| {
            directory::clear_sign_in_backoff(conn, &email, client)?;
            directory::record_successful_login(conn, user.id, now)?;
            let session = q::insert_session(conn, user.id, now)?;
            self.issue_tokens(conn, &user, session.id)
        })?;
        Ok(tokens)
    }

    /// Clears the sign-in back-off of a user from every client (`users_manage`, and only for a user who holds
    /// nothing the caller does not): whoever was being slowed down may try again at once.
    pub fn unlock_sign_in(&self, actor: &Actor, id: loopdesk_domain::ids::UserId) -> AppResult<crate::views::UserView> {
        policy::require(actor, Permission::UsersManage)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let user = directory::find_user(conn, id.get())?.ok_or(AppError::NotFound("user"))?;
            let held = directory::find_role(conn, user.role_id)?.map(|r| known_permissions(&r.permissions));
            policy::may_manage_user(actor, &held.unwrap_or_default())?;
            let cleared = directory::clear_sign_in_backoffs(conn, &user.email)?;
            log::info!("user {} cleared the sign-in back-off of user {} ({cleared} clients)", actor.user_id, user.id);
            self.user_view(conn, &user)
        })
    }

    fn issue_tokens(&self, conn: &mut DbConn, user: &UserRow, session_id: i64) -> AppResult<TokenView> {
        let now = self.now();
        let claims = AccessClaims {
            sub: user.id,
            sid: session_id,
            iat: now.timestamp(),
            exp: (now + self.auth.access_token_ttl).timestamp(),
        };
        let access_token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.auth.jwt_secret),
        )
        .map_err(|e| AppError::Internal(format!("token signing failed: {e}")))?;
        let refresh_token = format!("{REFRESH_TOKEN_PREFIX}{}", random_secret(32));
        let now_naive = self.now_naive();
        q::insert_refresh_token(
            conn,
            session_id,
            &sha256_hex(&refresh_token),
            now_naive,
            now_naive + self.auth.refresh_token_ttl,
        )?;
        Ok(TokenView {
            access_token,
            refresh_token,
            token_type: "Bearer".into(),
            expires_in: self.auth.access_token_ttl.num_seconds(),
            user: self.user_view(conn, user)?,
        })
    }

    /// Rotates a refresh token. Presenting one that was already rotated means it
    /// leaked: the whole session (every token of the family) is revoked — unless it was rotated less than
    /// [`REFRESH_REUSE_GRACE_SECS`] ago, which is two refreshes racing (two tabs, a retried request): then the
    /// latecomer gets new tokens of the same session too.
    pub fn refresh(&self, input: &RefreshInput) -> AppResult<TokenView> {
        let mut conn = self.conn()?;
        let now = self.now_naive();
        let invalid = || AppError::Unauthenticated("the refresh token is invalid or expired".into());
        let hash = sha256_hex(&input.refresh_token);

        tx::write(&mut conn, |conn| -> AppResult<Result<TokenView, AppError>> {
            let Some(token) = q::find_refresh_token(conn, &hash)? else {
                return Ok(Err(invalid()));
            };
            let session = q::find_session(conn, token.session_id)?.ok_or_else(invalid)?;
            if session.revoked_at.is_some() || token.expires_at <= now {
                return Ok(Err(invalid()));
            }
            let first_use = token.used_at.is_none() && q::mark_refresh_token_used(conn, token.id, now)?;
            // A rotation that lost the race (on PostgreSQL it waited for the winner to commit) reads when it was used.
            let used_at = match (first_use, token.used_at) {
                (true, _) => None,
                (false, Some(at)) => Some(at),
                (false, None) => q::find_refresh_token(conn, &hash)?.and_then(|t| t.used_at),
            };
            let racing = used_at.is_some_and(|at| (now - at).num_seconds() < REFRESH_REUSE_GRACE_SECS);
            if racing {
                log::info!("refresh token presented again within the grace window: session {} continues", session.id);
            } else if !first_use {
                q::revoke_session(conn, session.id, now)?;
                log::warn!("refresh token reuse detected: session {} of user {} revoked", session.id, session.user_id);
                // Commit the revocation, then refuse.
                return Ok(Err(AppError::Unauthenticated(
                    "the refresh token was already used; the session has been revoked, sign in again".into(),
                )));
            }
            let user = directory::find_user(conn, session.user_id)?.filter(|u| u.active).ok_or_else(invalid)?;
            Ok(Ok(self.issue_tokens(conn, &user, session.id)?))
        })?
    }

    /// Ends the session the refresh token belongs to (its access tokens stop working too).
    pub fn logout(&self, actor: &Actor, input: &RefreshInput) -> AppResult<()> {
        let mut conn = self.conn()?;
        let now = self.now_naive();
        if let Some(token) = q::find_refresh_token(&mut conn, &sha256_hex(&input.refresh_token))?
            && let Some(session) = q::find_session(&mut conn, token.session_id)?
            && session.user_id == actor.user_id
        {
            q::revoke_session(&mut conn, session.id, now)?;
        }
        Ok(())
    }

    /// Turns `Authorization: Bearer <credential>` into an Actor: an API key
    /// (SHA-256 lookup: microseconds, never a password hash per request) or an access JWT.
    pub fn authenticate(&self, credential: &str) -> AppResult<Actor> {
        if credential.starts_with(API_KEY_PREFIX) {
            return self.authenticate_api_key(credential);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        // `sub` is numeric here; jsonwebtoken only recognises string subjects, and serde requires it anyway.
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<AccessClaims>(
            credential,
            &DecodingKey::from_secret(&self.auth.jwt_secret),
            &validation,
        )
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                AppError::Unauthenticated("the access token has expired; refresh it".into())
            }
            _ => AppError::Unauthenticated("the access token is invalid".into()),
        })?
        .claims;
        let now = self.now().timestamp();
        if claims.exp < now - 5 {
            return Err(AppError::Unauthenticated("the access token has expired; refresh it".into()));
        }
        // No token lives longer than Loopdesk issues them for, whoever signed it: one that claims to is forged
        // (or made with a leaked secret) and is refused.
        if claims.exp > now + self.auth.access_token_ttl.num_seconds() + 5 || claims.iat > now + 5 {
            return Err(AppError::Unauthenticated("the access token is invalid".into()));
        }
        let mut conn = self.conn()?;
        let principal = q::load_session_principal(&mut conn, claims.sid, claims.sub)?
            .ok_or_else(|| AppError::Unauthenticated("the session has ended; sign in again".into()))?;
        actor_from(&mut conn, principal)
    }

    fn authenticate_api_key(&self, key: &str) -> AppResult<Actor> {
        let invalid = || AppError::Unauthenticated("the API key is invalid or revoked".into());
        let mut conn = self.conn()?;
        let row = q::find_api_key_by_hash(&mut conn, &sha256_hex(key))?.ok_or_else(invalid)?;
        if row.revoked_at.is_some() {
            return Err(invalid());
        }
        let principal = q::load_principal(&mut conn, row.user_id)?.ok_or_else(invalid)?;
        let mut actor = actor_from(&mut conn, principal)?;
        // The key can never do more than the user it acts for can do now.
        let scope: BTreeSet<Permission> = known_permissions(&row.permissions).into_iter().collect();
        actor.permissions = actor.permissions.intersection(&scope).copied().collect();
        actor.api_key_id = Some(row.id);
        let now = self.now_naive();
        let stale = row.last_used_at.is_none_or(|t| (now - t).num_seconds() >= API_KEY_TOUCH_INTERVAL_SECS);
        if stale {
            q::touch_api_key(&mut conn, row.id, now)?;
        }
        Ok(actor)
    }

    pub fn me(&self, actor: &Actor) -> AppResult<crate::views::UserView> {
        let mut conn = self.conn()?;
        let user = directory::find_user(&mut conn, actor.user_id)?.ok_or(AppError::NotFound("user"))?;
        self.user_view(&mut conn, &user)
    }

    /// Sets the language the server writes to the caller in (their e-mail and notification titles).
    pub fn set_my_locale(&self, actor: &Actor, input: &LocaleInput) -> AppResult<crate::views::UserView> {
        policy::may_change_personal_state(actor)?;
        let mut conn = self.conn()?;
        tx::write(&mut conn, |conn| {
            let changes = directory::UserChanges { locale: Some(input.locale.as_str().into()), ..Default::default() };
            let user = directory::update_user(conn, actor.user_id, &changes)?;
            self.user_view(conn, &user)
        })
    }

    pub fn create_api_key(&self, actor: &Actor, input: &NewApiKeyInput) -> AppResult<CreatedApiKeyView> {
        policy::require(actor, Permission::ApiKeysManage)?;
        if actor.api_key_id.is_some() {
            return Err(AppError::Forbidden("an API key cannot create API keys; sign in as a person".into()));
        }
        if input.permissions.is_empty() {
            return Err(AppError::invalid("permissions", "must name at least one permission"));
        }
        policy::may_grant(actor, &input.permissions)?;
        let key = format!(
            "{API_KEY_PREFIX}{}",
            hex::encode({
                let mut bytes = [0u8; 24];
                rand::rng().fill_bytes(&mut bytes);
                bytes
            })
        );
        let prefix: String = key.chars().take(API_KEY_PREFIX.len() + 6).collect();
        let mut perms = input.permissions.clone();
        perms.sort();
        perms.dedup();
        let mut conn = self.conn()?;
        let row = q::insert_api_key(
            &mut conn,
            &NewApiKey {
                name: input.name.trim(),
                prefix: &prefix,
                key_hash: &sha256_hex(&key),
                permissions: permission_names(&perms),
                user_id: actor.user_id,
                created_at: self.now_naive(),
            },
        )?;
        Ok(CreatedApiKeyView { api_key: api_key_view(&row), key })
    }

    pub fn list_api_keys(&self, actor: &Actor) -> AppResult<Vec<ApiKeyView>> {
        policy::require(actor, Permission::ApiKeysManage)?;
        let mut conn = self.conn()?;
        Ok(q::list_api_keys(&mut conn)?.iter().map(api_key_view).collect())
    }

    pub fn revoke_api_key(&self, actor: &Actor, id: i64) -> AppResult<ApiKeyView> {
        policy::require(actor, Permission::ApiKeysManage)?;
        let mut conn = self.conn()?;
        q::find_api_key(&mut conn, id)?.ok_or(AppError::NotFound("API key"))?;
        q::revoke_api_key(&mut conn, id, self.now_naive())?;
        let row = q::find_api_key(&mut conn, id)?.ok_or(AppError::NotFound("API key"))?;
        Ok(api_key_view(&row))
    }
}

fn api_key_view(row: &loopdesk_persistence::models::ApiKeyRow) -> ApiKeyView {
    ApiKeyView {
        id: row.id,
        name: row.name.clone(),
        prefix: row.prefix.clone(),
        permissions: known_permissions(&row.permissions),
        user_id: row.user_id,
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
        revoked_at: row.revoked_at.map(utc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifying_into_reused_memory_agrees_with_the_library() {
        let hash = hash_password("correct horse battery").unwrap();
        let mut memory = Vec::new();
        for _ in 0..2 {
            assert!(verify_password_in("correct horse battery", &hash, &mut memory));
            assert!(!verify_password_in("correct horse battery!", &hash, &mut memory));
        }
        assert_eq!(memory.len(), argon2::Params::default().block_count(), "allocated once, kept");
        assert!(!verify_password_in("x", "not a hash", &mut memory));
        assert!(verify_password("correct horse battery", &hash));
    }
}
