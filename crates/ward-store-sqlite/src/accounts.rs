//! Users, role grants, sessions and API tokens.

use crate::SqliteStore;
use crate::audit::append;
use crate::codec::{DbResult, get, get_parsed, get_parsed_opt, get_ts, get_ts_opt, opt_ts, to_u32, ts};
use crate::scope;
use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::audit::AuditEvent;
use ward_core::audit::digest_json;
use ward_core::clock::truncate_to_micros;
use ward_core::role::RoleGrant;
use ward_core::{GrantId, TokenId, UserId};
use ward_store::{
    AccountStanding, AccountStore, AuditMeta, Scope, SessionChange, StoreError, StoreKeys, StoreResult,
};

const USER_COLUMNS: &str = "id, email, display_name, password_hash, totp_secret, totp_last_step, disabled, \
     failed_logins, locked_until, created_at";
const GRANT_COLUMNS: &str = "id, user_id, role, org_id, created_at, expires_at, granted_by";
const SESSION_COLUMNS: &str = "id_hash, user_id, acting_grant_id, mfa_pending, csrf_token, pending_totp_secret, \
     created_at, last_seen_at, expires_at";
const TOKEN_COLUMNS: &str =
    "id, name, token_hash, created_by, role, org_id, created_at, expires_at, revoked_at, last_used_at";

fn user_from_row(row: &SqliteRow) -> StoreResult<User> {
    Ok(User {
        id: get_parsed(row, "id")?,
        email: get_parsed::<String>(row, "email").and_then(|e| {
            Email::parse(&e).map_err(|_| StoreError::Backend("stored email cannot be read".into()))
        })?,
        display_name: get(row, "display_name")?,
        password_hash: get(row, "password_hash")?,
        totp_secret: get(row, "totp_secret")?,
        totp_last_step: get(row, "totp_last_step")?,
        disabled: get(row, "disabled")?,
        failed_logins: to_u32("failed_logins", get(row, "failed_logins")?)?,
        locked_until: get_ts_opt(row, "locked_until")?,
        created_at: get_ts(row, "created_at")?,
    })
}

/// The names of a grant's columns in a result, in [`RoleGrant`]'s field order.
type GrantColumns = [&'static str; 7];
const GRANT_NAMES: GrantColumns = [
    "id",
    "user_id",
    "role",
    "org_id",
    "created_at",
    "expires_at",
    "granted_by",
];
/// As [`GRANT_NAMES`], where a join names them apart from the other table's (`g_`).
const JOINED_GRANT_NAMES: GrantColumns = [
    "g_id",
    "g_user_id",
    "g_role",
    "g_org_id",
    "g_created_at",
    "g_expires_at",
    "g_granted_by",
];

fn grant_from_row(row: &SqliteRow) -> StoreResult<RoleGrant> {
    grant_from_columns(row, &GRANT_NAMES)
}

/// A grant from the named columns. The names are fixed: this runs for every grant on every bearer
/// request (`token_with_owner`), where building each name with `format!` was a measurable share.
fn grant_from_columns(row: &SqliteRow, names: &GrantColumns) -> StoreResult<RoleGrant> {
    let [id, user, role, org, created_at, expires_at, granted_by] = *names;
    Ok(RoleGrant {
        id: get_parsed(row, id)?,
        user: get_parsed(row, user)?,
        role: get_parsed(row, role)?,
        org: get_parsed(row, org)?,
        created_at: get_ts(row, created_at)?,
        expires_at: get_ts_opt(row, expires_at)?,
        granted_by: get_parsed_opt(row, granted_by)?,
    })
}

fn session_from_row(row: &SqliteRow) -> StoreResult<Session> {
    Ok(Session {
        id_hash: get(row, "id_hash")?,
        user: get_parsed(row, "user_id")?,
        acting_grant: get_parsed_opt(row, "acting_grant_id")?,
        mfa_pending: get(row, "mfa_pending")?,
        csrf_token: get(row, "csrf_token")?,
        pending_totp_secret: get(row, "pending_totp_secret")?,
        created_at: get_ts(row, "created_at")?,
        last_seen_at: get_ts(row, "last_seen_at")?,
        expires_at: get_ts(row, "expires_at")?,
    })
}

fn token_from_row(row: &SqliteRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: get_parsed(row, "id")?,
        name: get(row, "name")?,
        token_hash: get(row, "token_hash")?,
        created_by: get_parsed(row, "created_by")?,
        role: get_parsed(row, "role")?,
        org: get_parsed(row, "org_id")?,
        created_at: get_ts(row, "created_at")?,
        expires_at: get_ts(row, "expires_at")?,
        revoked_at: get_ts_opt(row, "revoked_at")?,
        last_used_at: get_ts_opt(row, "last_used_at")?,
    })
}

async fn load_user(conn: &mut SqliteConnection, id: UserId) -> StoreResult<User> {
    let mut qb = QueryBuilder::new("SELECT ");
    qb.push(USER_COLUMNS)
        .push(" FROM users WHERE id = ")
        .push_bind(id.to_string());
    match qb.build().fetch_optional(&mut *conn).await.db()? {
        Some(row) => user_from_row(&row),
        None => Err(StoreError::not_found("user", id)),
    }
}

async fn load_grant(conn: &mut SqliteConnection, id: GrantId) -> StoreResult<RoleGrant> {
    let mut qb = QueryBuilder::new("SELECT ");
    qb.push(GRANT_COLUMNS)
        .push(" FROM role_grants WHERE id = ")
        .push_bind(id.to_string());
    match qb.build().fetch_optional(&mut *conn).await.db()? {
        Some(row) => grant_from_row(&row),
        None => Err(StoreError::not_found("role grant", id)),
    }
}

async fn load_token(conn: &mut SqliteConnection, id: TokenId) -> StoreResult<ApiToken> {
    let mut qb = QueryBuilder::new("SELECT ");
    qb.push(TOKEN_COLUMNS)
        .push(" FROM api_tokens WHERE id = ")
        .push_bind(id.to_string());
    match qb.build().fetch_optional(&mut *conn).await.db()? {
        Some(row) => token_from_row(&row),
        None => Err(StoreError::not_found("api token", id)),
    }
}

async fn insert_user(
    conn: &mut SqliteConnection,
    keys: &StoreKeys,
    user: &User,
    audit: &AuditMeta,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, totp_secret, totp_last_step, disabled, \
         failed_logins, locked_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.to_string())
    .bind(user.email.as_str())
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(&user.totp_secret)
    .bind(user.totp_last_step)
    .bind(user.disabled)
    .bind(i64::from(user.failed_logins))
    .bind(opt_ts(user.locked_until))
    .bind(ts(user.created_at))
    .execute(&mut *conn)
    .await
    .db()?;
    let event = audit.event(
        "user.create",
        "user",
        user.id.to_string(),
        None,
        None,
        Some(digest_json(user)),
        None,
    );
    append(conn, keys, &event).await?;
    Ok(())
}

async fn insert_grant(
    conn: &mut SqliteConnection,
    keys: &StoreKeys,
    grant: &RoleGrant,
    audit: &AuditMeta,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO role_grants (id, user_id, role, org_id, created_at, expires_at, granted_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(grant.id.to_string())
    .bind(grant.user.to_string())
    .bind(grant.role.as_str())
    .bind(grant.org.to_string())
    .bind(ts(grant.created_at))
    .bind(opt_ts(grant.expires_at))
    .bind(grant.granted_by.map(|u| u.to_string()))
    .execute(&mut *conn)
    .await
    .db()?;
    let event = audit.event(
        "grant.add",
        "role_grant",
        grant.id.to_string(),
        Some(grant.org),
        None,
        Some(digest_json(grant)),
        None,
    );
    append(conn, keys, &event).await?;
    Ok(())
}

async fn insert_session(conn: &mut SqliteConnection, session: &Session) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, acting_grant_id, mfa_pending, csrf_token, pending_totp_secret, \
         created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&session.id_hash)
    .bind(session.user.to_string())
    .bind(session.acting_grant.map(|g| g.to_string()))
    .bind(session.mfa_pending)
    .bind(&session.csrf_token)
    .bind(&session.pending_totp_secret)
    .bind(ts(session.created_at))
    .bind(ts(session.last_seen_at))
    .bind(ts(session.expires_at))
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

async fn update_session_row(conn: &mut SqliteConnection, session: &Session) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE sessions SET user_id = ?, acting_grant_id = ?, mfa_pending = ?, csrf_token = ?, \
         pending_totp_secret = ?, created_at = ?, last_seen_at = ?, expires_at = ? WHERE id_hash = ?",
    )
    .bind(session.user.to_string())
    .bind(session.acting_grant.map(|g| g.to_string()))
    .bind(session.mfa_pending)
    .bind(&session.csrf_token)
    .bind(&session.pending_totp_secret)
    .bind(ts(session.created_at))
    .bind(ts(session.last_seen_at))
    .bind(ts(session.expires_at))
    .bind(&session.id_hash)
    .execute(&mut *conn)
    .await
    .db()?;
    if done.rows_affected() == 0 {
        return Err(ward_store::refusals::session_not_found());
    }
    Ok(())
}

async fn delete_session_row(conn: &mut SqliteConnection, id_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
        .bind(id_hash)
        .execute(&mut *conn)
        .await
        .db()?;
    Ok(())
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_user(&self, user: &User, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_user(&mut tx, &self.keys, user, audit).await?;
        tx.commit().await.db()
    }

    async fn create_user_with_grant(
        &self,
        user: &User,
        grant: &RoleGrant,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_user(&mut tx, &self.keys, user, audit).await?;
        insert_grant(&mut tx, &self.keys, grant, audit).await?;
        tx.commit().await.db()
    }

    async fn record_mfa_failure(&self, id: UserId) -> StoreResult<u32> {
        let count: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_mfa = failed_mfa + 1 WHERE id = ? RETURNING failed_mfa",
        )
        .bind(id.to_string())
        .fetch_optional(&self.write)
        .await
        .db()?;
        match count {
            Some(n) => to_u32("failed_mfa", n),
            None => Err(StoreError::not_found("user", id)),
        }
    }

    async fn set_mfa_state(
        &self,
        id: UserId,
        failed_mfa: u32,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET failed_mfa = ?, totp_last_step = ? WHERE id = ?")
            .bind(i64::from(failed_mfa))
            .bind(totp_last_step)
            .bind(id.to_string())
            .execute(&self.write)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn lock_user(
        &self,
        id: UserId,
        until: Timestamp,
        detail: &str,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET locked_until = ? WHERE id = ?")
            .bind(ts(until))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", id));
        }
        let event = audit.event(
            "user.locked",
            "user",
            id.to_string(),
            None,
            None,
            None,
            Some(detail.to_owned()),
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()
    }

    async fn account_standing(&self, user: UserId) -> StoreResult<Option<AccountStanding>> {
        let rows = sqlx::query(
            "SELECT u.disabled AS disabled, g.id AS id, g.user_id AS user_id, g.role AS role, g.org_id AS org_id, \
             g.created_at AS created_at, g.expires_at AS expires_at, g.granted_by AS granted_by \
             FROM users u LEFT JOIN role_grants g ON g.user_id = u.id WHERE u.id = ? ORDER BY g.created_at, g.id",
        )
        .bind(user.to_string())
        .fetch_all(&self.read)
        .await
        .db()?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let disabled: bool = get(first, "disabled")?;
        let mut grants = Vec::with_capacity(rows.len());
        for row in &rows {
            if get::<Option<String>>(row, "id")?.is_some() {
                grants.push(grant_from_row(row)?);
            }
        }
        Ok(Some(AccountStanding { disabled, grants }))
    }

    async fn token_with_owner(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, AccountStanding)>> {
        let rows = sqlx::query(
            "SELECT t.id AS id, t.name AS name, t.token_hash AS token_hash, t.created_by AS created_by, t.role AS role, t.org_id AS org_id, t.created_at AS created_at, t.expires_at AS expires_at, t.revoked_at AS revoked_at, t.last_used_at AS last_used_at, u.disabled AS owner_disabled, g.id AS g_id, g.user_id AS g_user_id, g.role AS g_role, g.org_id AS g_org_id, g.created_at AS g_created_at, g.expires_at AS g_expires_at, g.granted_by AS g_granted_by \
             FROM api_tokens t JOIN users u ON u.id = t.created_by \
             LEFT JOIN role_grants g ON g.user_id = u.id \
             WHERE t.token_hash = ? ORDER BY g.created_at, g.id",
        )
        .bind(token_hash)
        .fetch_all(&self.read)
        .await
        .db()?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let token = token_from_row(first)?;
        let disabled: bool = get(first, "owner_disabled")?;
        let mut grants = Vec::with_capacity(rows.len());
        for row in &rows {
            if get::<Option<String>>(row, "g_id")?.is_some() {
                grants.push(grant_from_columns(row, &JOINED_GRANT_NAMES)?);
            }
        }
        Ok(Some((token, AccountStanding { disabled, grants })))
    }

    async fn change_session(&self, change: &SessionChange, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        match change {
            SessionChange::Open(s) => insert_session(&mut tx, s).await?,
            SessionChange::Rotate { old_hash, new } => {
                insert_session(&mut tx, new).await?;
                delete_session_row(&mut tx, old_hash).await?;
            }
            SessionChange::Update(s) => update_session_row(&mut tx, s).await?,
            SessionChange::Close(hash) => delete_session_row(&mut tx, hash).await?,
        }
        append(&mut tx, &self.keys, event).await?;
        tx.commit().await.db()
    }

    async fn get_token(&self, id: TokenId) -> StoreResult<ApiToken> {
        let mut conn = self.read.acquire().await.db()?;
        load_token(&mut conn, id).await
    }

    async fn list_tokens_in(&self, scope: &Scope) -> StoreResult<Vec<ApiToken>> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ")
            .push(TOKEN_COLUMNS)
            .push(" FROM api_tokens WHERE 1");
        scope::push_filter(&mut qb, scope, "org_id");
        qb.push(" ORDER BY created_at, id");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(token_from_row).collect()
    }

    async fn count_attempt(&self, key: &str, window_start: Timestamp) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO login_throttle (key, window_start, count) VALUES (?, ?, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count",
        )
        .bind(key)
        .bind(ts(window_start))
        .fetch_one(&self.write)
        .await
        .db()?;
        to_u32("count", n)
    }

    async fn prune_attempts(&self, before: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM login_throttle WHERE window_start < ?")
            .bind(ts(before))
            .execute(&self.write)
            .await
            .db()?;
        Ok(done.rows_affected())
    }

    async fn update_user(&self, user: &User, action: &str, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let stored = load_user(&mut tx, user.id).await?;
        sqlx::query(
            "UPDATE users SET email = ?, display_name = ?, password_hash = ?, totp_secret = ?, totp_last_step = ?, \
             disabled = ?, failed_logins = ?, locked_until = ?, created_at = ? WHERE id = ?",
        )
        .bind(user.email.as_str())
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.totp_secret)
        .bind(user.totp_last_step)
        .bind(user.disabled)
        .bind(i64::from(user.failed_logins))
        .bind(opt_ts(user.locked_until))
        .bind(ts(user.created_at))
        .bind(user.id.to_string())
        .execute(&mut *tx)
        .await
        .db()?;
        let event = audit.event(
            action,
            "user",
            user.id.to_string(),
            None,
            Some(digest_json(&stored)),
            Some(digest_json(user)),
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()
    }

    async fn set_login_state(
        &self,
        id: UserId,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE users SET failed_logins = ?, locked_until = ?, totp_last_step = ? WHERE id = ?",
        )
        .bind(i64::from(failed_logins))
        .bind(opt_ts(locked_until))
        .bind(totp_last_step)
        .bind(id.to_string())
        .execute(&self.write)
        .await
        .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("user", id));
        }
        Ok(())
    }

    async fn get_user(&self, id: UserId) -> StoreResult<User> {
        let mut conn = self.read.acquire().await.db()?;
        load_user(&mut conn, id).await
    }

    async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(USER_COLUMNS)
            .push(" FROM users WHERE email = ")
            .push_bind(email.as_str());
        let row = qb.build().fetch_optional(&self.read).await.db()?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ").push(USER_COLUMNS).push(" FROM users WHERE 1");
        if !matches!(scope, Scope::All) {
            qb.push(" AND id IN (SELECT user_id FROM role_grants WHERE 1");
            scope::push_filter(&mut qb, scope, "org_id");
            qb.push(")");
        }
        qb.push(" ORDER BY email");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(user_from_row).collect()
    }

    async fn add_grant(&self, grant: &RoleGrant, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_grant(&mut tx, &self.keys, grant, audit).await?;
        tx.commit().await.db()
    }

    async fn revoke_grant(&self, id: GrantId, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let stored = load_grant(&mut tx, id).await?;
        sqlx::query("DELETE FROM role_grants WHERE id = ?")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        let event = audit.event(
            "grant.revoke",
            "role_grant",
            id.to_string(),
            Some(stored.org),
            Some(digest_json(&stored)),
            None,
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()
    }

    async fn grants_of(&self, user: UserId) -> StoreResult<Vec<RoleGrant>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(GRANT_COLUMNS)
            .push(" FROM role_grants WHERE user_id = ")
            .push_bind(user.to_string());
        qb.push(" ORDER BY created_at, id");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(grant_from_row).collect()
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let mut conn = self.write.acquire().await.db()?;
        insert_session(&mut conn, session).await
    }

    async fn get_session(&self, id_hash: &str) -> StoreResult<Option<Session>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(SESSION_COLUMNS)
            .push(" FROM sessions WHERE id_hash = ")
            .push_bind(id_hash);
        let row = qb.build().fetch_optional(&self.read).await.db()?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn update_session(&self, session: &Session) -> StoreResult<()> {
        let mut conn = self.write.acquire().await.db()?;
        update_session_row(&mut conn, session).await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut conn = self.write.acquire().await.db()?;
        delete_session_row(&mut conn, id_hash).await
    }

    async fn delete_sessions_of(&self, user: UserId) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.to_string())
            .execute(&self.write)
            .await
            .db()?;
        Ok(done.rows_affected())
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(ts(now))
            .execute(&self.write)
            .await
            .db()?;
        Ok(done.rows_affected())
    }

    async fn create_token(&self, token: &ApiToken, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, name, token_hash, created_by, role, org_id, created_at, expires_at, \
             revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token.id.to_string())
        .bind(&token.name)
        .bind(&token.token_hash)
        .bind(token.created_by.to_string())
        .bind(token.role.as_str())
        .bind(token.org.to_string())
        .bind(ts(token.created_at))
        .bind(ts(token.expires_at))
        .bind(opt_ts(token.revoked_at))
        .bind(opt_ts(token.last_used_at))
        .execute(&mut *tx)
        .await
        .db()?;
        let event = audit.event(
            "token.create",
            "api_token",
            token.id.to_string(),
            Some(token.org),
            None,
            Some(digest_json(token)),
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()
    }

    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(TOKEN_COLUMNS)
            .push(" FROM api_tokens WHERE token_hash = ")
            .push_bind(token_hash);
        let row = qb.build().fetch_optional(&self.read).await.db()?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self, created_by: Option<UserId>) -> StoreResult<Vec<ApiToken>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(TOKEN_COLUMNS).push(" FROM api_tokens WHERE 1");
        if let Some(user) = created_by {
            qb.push(" AND created_by = ").push_bind(user.to_string());
        }
        qb.push(" ORDER BY created_at, id");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let stored = load_token(&mut tx, id).await?;
        if stored.revoked_at.is_some() {
            return Ok(());
        }
        sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ?")
            .bind(ts(at))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        let revoked = ApiToken {
            revoked_at: Some(truncate_to_micros(at)),
            ..stored.clone()
        };
        let event = audit.event(
            "token.revoke",
            "api_token",
            id.to_string(),
            Some(stored.org),
            Some(digest_json(&stored)),
            Some(digest_json(&revoked)),
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()
    }

    async fn touch_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(ts(at))
            .bind(id.to_string())
            .execute(&self.write)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("api token", id));
        }
        Ok(())
    }
}
