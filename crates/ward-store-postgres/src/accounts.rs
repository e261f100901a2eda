//! Users, role grants, sessions and API tokens.

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::postgres::PgRow;
use uuid::Uuid;
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::audit::AuditEvent;
use ward_core::audit::digest_json;
use ward_core::clock::truncate_to_micros;
use ward_core::role::RoleGrant;
use ward_core::{GrantId, OrgId, TokenId, UserId};
use ward_store::{
    AccountStanding, AccountStore, AuditMeta, Scope, SessionChange, StoreError, StoreKeys, StoreResult,
};

use crate::audit::append_event;
use crate::error::{corrupt, map_db_error};
use crate::rows::{col, from_micros, from_opt_micros, micros, opt_micros, parse_col, u32_col};
use crate::{PgStore, scope_binds};

macro_rules! user_columns {
    () => {
        "u.id, u.email, u.display_name, u.password_hash, u.totp_secret, u.totp_last_step, \
         u.disabled, u.failed_logins, u.locked_until, u.created_at"
    };
}
macro_rules! grant_columns {
    () => {
        "g.id, g.user_id, g.role, g.org_id, g.created_at, g.expires_at, g.granted_by"
    };
}
macro_rules! session_columns {
    () => {
        "id_hash, user_id, acting_grant_id, mfa_pending, csrf_token, pending_totp_secret, created_at, \
         last_seen_at, expires_at"
    };
}
macro_rules! token_columns {
    () => {
        "id, name, token_hash, created_by, role, org_id, created_at, expires_at, revoked_at, last_used_at"
    };
}

fn user_from_row(row: &PgRow) -> StoreResult<User> {
    let email: String = col(row, "email")?;
    Ok(User {
        id: UserId::from_uuid(col(row, "id")?),
        email: Email::parse(&email).map_err(|_| corrupt("e-mail address"))?,
        display_name: col(row, "display_name")?,
        password_hash: col(row, "password_hash")?,
        totp_secret: col(row, "totp_secret")?,
        totp_last_step: col(row, "totp_last_step")?,
        disabled: col(row, "disabled")?,
        failed_logins: u32_col(row, "failed_logins")?,
        locked_until: from_opt_micros(col(row, "locked_until")?)?,
        created_at: from_micros(col(row, "created_at")?)?,
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

fn grant_from_row(row: &PgRow) -> StoreResult<RoleGrant> {
    grant_from_columns(row, &GRANT_NAMES)
}

/// A grant from the named columns. The names are fixed: this runs for every grant on every bearer
/// request (`token_with_owner`), where building each name with `format!` was a measurable share.
fn grant_from_columns(row: &PgRow, names: &GrantColumns) -> StoreResult<RoleGrant> {
    let [id, user, role, org, created_at, expires_at, granted_by] = *names;
    Ok(RoleGrant {
        id: GrantId::from_uuid(col(row, id)?),
        user: UserId::from_uuid(col(row, user)?),
        role: parse_col(row, role)?,
        org: OrgId::from_uuid(col(row, org)?),
        created_at: from_micros(col(row, created_at)?)?,
        expires_at: from_opt_micros(col(row, expires_at)?)?,
        granted_by: col::<Option<Uuid>>(row, granted_by)?.map(UserId::from_uuid),
    })
}

fn session_from_row(row: &PgRow) -> StoreResult<Session> {
    Ok(Session {
        id_hash: col(row, "id_hash")?,
        user: UserId::from_uuid(col(row, "user_id")?),
        acting_grant: col::<Option<Uuid>>(row, "acting_grant_id")?.map(GrantId::from_uuid),
        mfa_pending: col(row, "mfa_pending")?,
        csrf_token: col(row, "csrf_token")?,
        pending_totp_secret: col(row, "pending_totp_secret")?,
        created_at: from_micros(col(row, "created_at")?)?,
        last_seen_at: from_micros(col(row, "last_seen_at")?)?,
        expires_at: from_micros(col(row, "expires_at")?)?,
    })
}

fn token_from_row(row: &PgRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: TokenId::from_uuid(col(row, "id")?),
        name: col(row, "name")?,
        token_hash: col(row, "token_hash")?,
        created_by: UserId::from_uuid(col(row, "created_by")?),
        role: parse_col(row, "role")?,
        org: OrgId::from_uuid(col(row, "org_id")?),
        created_at: from_micros(col(row, "created_at")?)?,
        expires_at: from_micros(col(row, "expires_at")?)?,
        revoked_at: from_opt_micros(col(row, "revoked_at")?)?,
        last_used_at: from_opt_micros(col(row, "last_used_at")?)?,
    })
}

fn rows_affected_or_not_found(n: u64, entity: &'static str, id: impl ToString) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::not_found(entity, id))
    } else {
        Ok(())
    }
}

impl PgStore {
    async fn fetch_user(conn: &mut sqlx::PgConnection, id: UserId, lock: bool) -> StoreResult<User> {
        let sql: &'static str = if lock {
            concat!(
                "SELECT ",
                user_columns!(),
                " FROM users u WHERE u.id = $1 FOR NO KEY UPDATE"
            )
        } else {
            concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id = $1")
        };
        let row = sqlx::query(sql)
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_db_error)?;
        match row {
            Some(r) => user_from_row(&r),
            None => Err(StoreError::not_found("user", id)),
        }
    }
}

async fn insert_user(
    conn: &mut sqlx::PgConnection,
    keys: &StoreKeys,
    user: &User,
    audit: &AuditMeta,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, totp_secret, totp_last_step, disabled,
                            failed_logins, locked_until, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(user.id.as_uuid())
    .bind(user.email.as_str())
    .bind(&user.display_name)
    .bind(&user.password_hash)
    .bind(&user.totp_secret)
    .bind(user.totp_last_step)
    .bind(user.disabled)
    .bind(i64::from(user.failed_logins))
    .bind(opt_micros(user.locked_until))
    .bind(micros(user.created_at))
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    let after = Some(digest_json(user));
    append_event(
        &mut *conn,
        keys,
        audit.event(
            "user.create",
            "user",
            user.id.to_string(),
            None,
            None,
            after,
            None,
        ),
    )
    .await?;
    Ok(())
}

async fn insert_grant(
    conn: &mut sqlx::PgConnection,
    keys: &StoreKeys,
    grant: &RoleGrant,
    audit: &AuditMeta,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO role_grants (id, user_id, role, org_id, created_at, expires_at, granted_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(grant.id.as_uuid())
    .bind(grant.user.as_uuid())
    .bind(grant.role.as_str())
    .bind(grant.org.as_uuid())
    .bind(micros(grant.created_at))
    .bind(opt_micros(grant.expires_at))
    .bind(grant.granted_by.map(|u| *u.as_uuid()))
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    let after = Some(digest_json(grant));
    let event = audit.event(
        "grant.add",
        "role_grant",
        grant.id.to_string(),
        Some(grant.org),
        None,
        after,
        None,
    );
    append_event(&mut *conn, keys, event).await?;
    Ok(())
}

async fn insert_session(conn: &mut sqlx::PgConnection, s: &Session) -> StoreResult<()> {
    sqlx::query(concat!(
        "INSERT INTO sessions (",
        session_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&s.id_hash)
    .bind(s.user.as_uuid())
    .bind(s.acting_grant.map(|g| *g.as_uuid()))
    .bind(s.mfa_pending)
    .bind(&s.csrf_token)
    .bind(&s.pending_totp_secret)
    .bind(micros(s.created_at))
    .bind(micros(s.last_seen_at))
    .bind(micros(s.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

async fn update_session_row(conn: &mut sqlx::PgConnection, s: &Session) -> StoreResult<()> {
    let n = sqlx::query(
        "UPDATE sessions SET user_id = $2, acting_grant_id = $3, mfa_pending = $4, csrf_token = $5,
                pending_totp_secret = $6, created_at = $7, last_seen_at = $8, expires_at = $9
          WHERE id_hash = $1",
    )
    .bind(&s.id_hash)
    .bind(s.user.as_uuid())
    .bind(s.acting_grant.map(|g| *g.as_uuid()))
    .bind(s.mfa_pending)
    .bind(&s.csrf_token)
    .bind(&s.pending_totp_secret)
    .bind(micros(s.created_at))
    .bind(micros(s.last_seen_at))
    .bind(micros(s.expires_at))
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?
    .rows_affected();
    if n == 0 {
        return Err(ward_store::refusals::session_not_found());
    }
    Ok(())
}

async fn delete_session_row(conn: &mut sqlx::PgConnection, id_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    Ok(())
}

#[async_trait]
impl AccountStore for PgStore {
    async fn create_user(&self, user: &User, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        insert_user(&mut tx, &self.keys, user, audit).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn create_user_with_grant(
        &self,
        user: &User,
        grant: &RoleGrant,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        insert_user(&mut tx, &self.keys, user, audit).await?;
        insert_grant(&mut tx, &self.keys, grant, audit).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn record_mfa_failure(&self, id: UserId) -> StoreResult<u32> {
        let count: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_mfa = failed_mfa + 1 WHERE id = $1 RETURNING failed_mfa",
        )
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        let n = count.ok_or_else(|| StoreError::not_found("user", id))?;
        u32::try_from(n).map_err(|_| corrupt("failed_mfa"))
    }

    async fn set_mfa_state(
        &self,
        id: UserId,
        failed_mfa: u32,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let n = sqlx::query("UPDATE users SET failed_mfa = $2, totp_last_step = $3 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(i64::from(failed_mfa))
            .bind(totp_last_step)
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?
            .rows_affected();
        rows_affected_or_not_found(n, "user", id)
    }

    async fn lock_user(
        &self,
        id: UserId,
        until: Timestamp,
        detail: &str,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let n = sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(micros(until))
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?
            .rows_affected();
        rows_affected_or_not_found(n, "user", id)?;
        let event = audit.event(
            "user.locked",
            "user",
            id.to_string(),
            None,
            None,
            None,
            Some(detail.to_owned()),
        );
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn account_standing(&self, user: UserId) -> StoreResult<Option<AccountStanding>> {
        let rows = sqlx::query(concat!(
            "SELECT u.disabled AS disabled, ",
            grant_columns!(),
            " FROM users u LEFT JOIN role_grants g ON g.user_id = u.id WHERE u.id = $1
              ORDER BY g.created_at, g.id"
        ))
        .bind(user.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let disabled: bool = col(first, "disabled")?;
        let mut grants = Vec::with_capacity(rows.len());
        for row in &rows {
            if col::<Option<Uuid>>(row, "id")?.is_some() {
                grants.push(grant_from_row(row)?);
            }
        }
        Ok(Some(AccountStanding { disabled, grants }))
    }

    async fn token_with_owner(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, AccountStanding)>> {
        let rows = sqlx::query(concat!(
            "SELECT t.id AS id, t.name AS name, t.token_hash AS token_hash, t.created_by AS created_by, t.role AS role, t.org_id AS org_id, t.created_at AS created_at, t.expires_at AS expires_at, t.revoked_at AS revoked_at, t.last_used_at AS last_used_at, u.disabled AS owner_disabled, g.id AS g_id, g.user_id AS g_user_id, g.role AS g_role, g.org_id AS g_org_id, g.created_at AS g_created_at, g.expires_at AS g_expires_at, g.granted_by AS g_granted_by ",
            "FROM api_tokens t JOIN users u ON u.id = t.created_by ",
            "LEFT JOIN role_grants g ON g.user_id = u.id ",
            "WHERE t.token_hash = $1 ORDER BY g.created_at, g.id"
        ))
        .bind(token_hash)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let token = token_from_row(first)?;
        let disabled: bool = col(first, "owner_disabled")?;
        let mut grants = Vec::with_capacity(rows.len());
        for row in &rows {
            if col::<Option<Uuid>>(row, "g_id")?.is_some() {
                grants.push(grant_from_columns(row, &JOINED_GRANT_NAMES)?);
            }
        }
        Ok(Some((token, AccountStanding { disabled, grants })))
    }

    async fn change_session(&self, change: &SessionChange, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        match change {
            SessionChange::Open(s) => insert_session(&mut tx, s).await?,
            SessionChange::Rotate { old_hash, new } => {
                insert_session(&mut tx, new).await?;
                delete_session_row(&mut tx, old_hash).await?;
            }
            SessionChange::Update(s) => update_session_row(&mut tx, s).await?,
            SessionChange::Close(hash) => delete_session_row(&mut tx, hash).await?,
        }
        append_event(&mut tx, &self.keys, event.clone()).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn get_token(&self, id: TokenId) -> StoreResult<ApiToken> {
        let row = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE id = $1"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        match row {
            Some(r) => token_from_row(&r),
            None => Err(StoreError::not_found("api token", id)),
        }
    }

    async fn list_tokens_in(&self, scope: &Scope) -> StoreResult<Vec<ApiToken>> {
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE $1 = 'all' OR org_id IN (SELECT id FROM ward_scope($1, $2))
              ORDER BY created_at, id"
        ))
        .bind(mode)
        .bind(&roots)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn count_attempt(&self, key: &str, window_start: Timestamp) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO login_throttle AS t (key, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET count = t.count + 1 RETURNING t.count",
        )
        .bind(key)
        .bind(micros(window_start))
        .fetch_one(&self.pool)
        .await
        .map_err(map_db_error)?;
        u32::try_from(n).map_err(|_| corrupt("count"))
    }

    async fn prune_attempts(&self, before: Timestamp) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM login_throttle WHERE window_start < $1")
            .bind(micros(before))
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?;
        Ok(r.rows_affected())
    }

    async fn update_user(&self, user: &User, action: &str, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let before = Self::fetch_user(&mut tx, user.id, true).await?;
        sqlx::query(
            "UPDATE users SET email = $2, display_name = $3, password_hash = $4, totp_secret = $5,
                    totp_last_step = $6, disabled = $7, failed_logins = $8, locked_until = $9, created_at = $10
              WHERE id = $1",
        )
        .bind(user.id.as_uuid())
        .bind(user.email.as_str())
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.totp_secret)
        .bind(user.totp_last_step)
        .bind(user.disabled)
        .bind(i64::from(user.failed_logins))
        .bind(opt_micros(user.locked_until))
        .bind(micros(user.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let (b, a) = (Some(digest_json(&before)), Some(digest_json(user)));
        append_event(
            &mut tx,
            &self.keys,
            audit.event(action, "user", user.id.to_string(), None, b, a, None),
        )
        .await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn set_login_state(
        &self,
        id: UserId,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let n = sqlx::query(
            "UPDATE users SET failed_logins = $2, locked_until = $3, totp_last_step = $4 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(i64::from(failed_logins))
        .bind(opt_micros(locked_until))
        .bind(totp_last_step)
        .execute(&self.pool)
        .await
        .map_err(map_db_error)?
        .rows_affected();
        rows_affected_or_not_found(n, "user", id)
    }

    async fn get_user(&self, id: UserId) -> StoreResult<User> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        Self::fetch_user(&mut conn, id, false).await
    }

    async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE $1 = 'all' OR EXISTS (
                 SELECT 1 FROM role_grants g WHERE g.user_id = u.id
                    AND g.org_id IN (SELECT id FROM ward_scope($1, $2)))
              ORDER BY u.email"
        ))
        .bind(mode)
        .bind(&roots)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn add_grant(&self, grant: &RoleGrant, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        insert_grant(&mut tx, &self.keys, grant, audit).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn revoke_grant(&self, id: GrantId, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let row = sqlx::query(concat!(
            "DELETE FROM role_grants g WHERE g.id = $1 RETURNING ",
            grant_columns!()
        ))
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let Some(row) = row else {
            return Err(StoreError::not_found("role grant", id));
        };
        let before = grant_from_row(&row)?;
        let b = Some(digest_json(&before));
        let event = audit.event(
            "grant.revoke",
            "role_grant",
            id.to_string(),
            Some(before.org),
            b,
            None,
            None,
        );
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn grants_of(&self, user: UserId) -> StoreResult<Vec<RoleGrant>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            grant_columns!(),
            " FROM role_grants g WHERE g.user_id = $1 ORDER BY g.created_at, g.id"
        ))
        .bind(user.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(grant_from_row).collect()
    }

    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        insert_session(&mut conn, s).await
    }

    async fn get_session(&self, id_hash: &str) -> StoreResult<Option<Session>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            session_columns!(),
            " FROM sessions WHERE id_hash = $1"
        ))
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn update_session(&self, s: &Session) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        update_session_row(&mut conn, s).await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        delete_session_row(&mut conn, id_hash).await
    }

    async fn delete_sessions_of(&self, user: UserId) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.as_uuid())
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?;
        Ok(r.rows_affected())
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?;
        Ok(r.rows_affected())
    }

    async fn create_token(&self, t: &ApiToken, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        sqlx::query(concat!(
            "INSERT INTO api_tokens (",
            token_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(t.id.as_uuid())
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(t.created_by.as_uuid())
        .bind(t.role.as_str())
        .bind(t.org.as_uuid())
        .bind(micros(t.created_at))
        .bind(micros(t.expires_at))
        .bind(opt_micros(t.revoked_at))
        .bind(opt_micros(t.last_used_at))
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
        // ApiToken's JSON form leaves out the hash, so the digest holds no secret.
        let after = Some(digest_json(t));
        let event = audit.event(
            "token.create",
            "api_token",
            t.id.to_string(),
            Some(t.org),
            None,
            after,
            None,
        );
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self, created_by: Option<UserId>) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE $1::uuid IS NULL OR created_by = $1 ORDER BY created_at, id"
        ))
        .bind(created_by.map(|u| *u.as_uuid()))
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let row = sqlx::query(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE id = $1 FOR NO KEY UPDATE"
        ))
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let Some(row) = row else {
            return Err(StoreError::not_found("api token", id));
        };
        let before = token_from_row(&row)?;
        if before.revoked_at.is_some() {
            return Ok(());
        }
        let at = truncate_to_micros(at);
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(micros(at))
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let after = ApiToken {
            revoked_at: Some(at),
            ..before.clone()
        };
        let (b, a) = (Some(digest_json(&before)), Some(digest_json(&after)));
        let event = audit.event(
            "token.revoke",
            "api_token",
            id.to_string(),
            Some(before.org),
            b,
            a,
            None,
        );
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)
    }

    async fn touch_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        let n = sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id.as_uuid())
            .bind(micros(at))
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?
            .rows_affected();
        rows_affected_or_not_found(n, "api token", id)
    }
}
