//! Users, role grants, sessions, API tokens and sign-in throttling, once for both backends.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::clock::truncate_to_micros;
use ward_core::role::RoleGrant;
use ward_core::{GrantId, OrgId, TokenId, UserId};

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::{
    AccountStanding, AccountStore, AuditMeta, AuthEpoch, Scope, SessionChange, StoreError, StoreResult,
    TokenWithOwner,
};

const USER_COLUMNS: &str = "id, email, display_name, password_hash, totp_secret, totp_last_step, disabled, \
     failed_logins, locked_until, created_at";
const GRANT_COLUMNS: &str = "id, user_id, role, org_id, created_at, expires_at, granted_by";
const SESSION_COLUMNS: &str = "id_hash, user_id, acting_grant_id, mfa_pending, csrf_token, pending_totp_secret, \
     created_at, last_seen_at, expires_at";
const TOKEN_COLUMNS: &str =
    "id, name, token_hash, created_by, role, org_id, created_at, expires_at, revoked_at, last_used_at";

/// The names of a grant's columns in a result, in [`RoleGrant`]'s field order, without the user
/// (the caller knows it, or reads it apart).
type GrantColumns = [&'static str; 6];
const GRANT_NAMES: GrantColumns = ["id", "role", "org_id", "created_at", "expires_at", "granted_by"];
/// As [`GRANT_NAMES`], where a join names them apart from the other tables' (`g_`).
const JOINED_GRANT_NAMES: GrantColumns = [
    "g_id",
    "g_role",
    "g_org_id",
    "g_created_at",
    "g_expires_at",
    "g_granted_by",
];

/// The full check of a bearer request whose verdict is not known at the token's epoch: the token
/// (its hash is what was looked up, so it is not read back) with its epoch, its owner's state and
/// every grant of the owner, oldest first, in one statement, so the epoch is the one the rest was
/// read at. The grants come from the covering index `role_grants_owner_covering` (user, created,
/// id, and the other columns read here), without touching the table.
const TOKEN_WITH_OWNER: &str = "SELECT t.id AS id, t.name AS name, t.created_by AS created_by, t.role AS role, \
     t.org_id AS org_id, t.created_at AS created_at, t.expires_at AS expires_at, t.revoked_at AS revoked_at, \
     t.last_used_at AS last_used_at, t.auth_epoch AS auth_epoch, u.disabled AS owner_disabled, \
     g.id AS g_id, g.role AS g_role, \
     g.org_id AS g_org_id, g.created_at AS g_created_at, g.expires_at AS g_expires_at, \
     g.granted_by AS g_granted_by \
     FROM api_tokens t JOIN users u ON u.id = t.created_by \
     LEFT JOIN role_grants g ON g.user_id = u.id \
     WHERE t.token_hash = $1 ORDER BY g.created_at, g.id";

/// The read every bearer request makes: the token row (by its unique hash) and its epoch.
const TOKEN_WITH_EPOCH: &str = "SELECT id, name, created_by, role, org_id, created_at, expires_at, revoked_at, \
     last_used_at, auth_epoch FROM api_tokens WHERE token_hash = $1";

fn user_from_row<R: RowRead>(row: &R) -> StoreResult<User> {
    Ok(User {
        id: row.id("id")?,
        email: Email::parse(&row.text("email")?).map_err(|_| corrupt_column("email"))?,
        display_name: row.text("display_name")?,
        password_hash: row.text("password_hash")?,
        totp_secret: row.opt_text("totp_secret")?,
        totp_last_step: row.opt_i64("totp_last_step")?,
        disabled: row.bool("disabled")?,
        failed_logins: row.u32("failed_logins")?,
        locked_until: row.opt_ts("locked_until")?,
        created_at: row.ts("created_at")?,
    })
}

fn grant_from_row<R: RowRead>(row: &R) -> StoreResult<RoleGrant> {
    grant_from_columns(row, &GRANT_NAMES, row.id("user_id")?)
}

/// A grant of `user` from the named columns. The names are fixed: this runs for every grant on
/// every bearer request (`token_with_owner`), where building each name with `format!` was a
/// measurable share.
fn grant_from_columns<R: RowRead>(row: &R, names: &GrantColumns, user: UserId) -> StoreResult<RoleGrant> {
    let [id, role, org, created_at, expires_at, granted_by] = *names;
    Ok(RoleGrant {
        id: row.id(id)?,
        user,
        role: row.parsed(role)?,
        org: row.id(org)?,
        created_at: row.ts(created_at)?,
        expires_at: row.opt_ts(expires_at)?,
        granted_by: row.opt_id(granted_by)?,
    })
}

/// The grants of `user` from joined rows (a user without grants gives one row of nulls).
fn joined_grants<R: RowRead>(rows: &[R], names: &GrantColumns, user: UserId) -> StoreResult<Vec<RoleGrant>> {
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        if row.opt_uuid(names[0])?.is_some() {
            grants.push(grant_from_columns(row, names, user)?);
        }
    }
    Ok(grants)
}

fn session_from_row<R: RowRead>(row: &R) -> StoreResult<Session> {
    Ok(Session {
        id_hash: row.text("id_hash")?,
        user: row.id("user_id")?,
        acting_grant: row.opt_id("acting_grant_id")?,
        mfa_pending: row.bool("mfa_pending")?,
        csrf_token: row.text("csrf_token")?,
        pending_totp_secret: row.opt_text("pending_totp_secret")?,
        created_at: row.ts("created_at")?,
        last_seen_at: row.ts("last_seen_at")?,
        expires_at: row.ts("expires_at")?,
    })
}

/// A token whose hash is `token_hash` (read from the row, or known to the caller).
fn token_with_hash<R: RowRead>(row: &R, token_hash: String) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: row.id("id")?,
        name: row.text("name")?,
        token_hash,
        created_by: row.id("created_by")?,
        role: row.parsed("role")?,
        org: row.id("org_id")?,
        created_at: row.ts("created_at")?,
        expires_at: row.ts("expires_at")?,
        revoked_at: row.opt_ts("revoked_at")?,
        last_used_at: row.opt_ts("last_used_at")?,
    })
}

fn token_from_row<R: RowRead>(row: &R) -> StoreResult<ApiToken> {
    token_with_hash(row, row.text("token_hash")?)
}

/// `FOR NO KEY UPDATE` on PostgreSQL, so a read-then-write keeps the row until commit; SQLite's
/// write transaction holds the whole database already.
fn lock_row<E: Exec + ?Sized>(db: &E) -> &'static str {
    db.dialect().pick("", " FOR NO KEY UPDATE")
}

async fn load_user<E: Exec + ?Sized>(db: &mut E, id: UserId, lock: &str) -> StoreResult<User> {
    let q = Sql::new(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1{lock}")).arg(id);
    match db.fetch_optional(q).await? {
        Some(row) => user_from_row(&row),
        None => Err(StoreError::not_found("user", id)),
    }
}

async fn load_token<E: Exec + ?Sized>(db: &mut E, id: TokenId, lock: &str) -> StoreResult<ApiToken> {
    let q = Sql::new(format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1{lock}"
    ))
    .arg(id);
    match db.fetch_optional(q).await? {
        Some(row) => token_from_row(&row),
        None => Err(StoreError::not_found("api token", id)),
    }
}

/// Fail with `NotFound` when a statement changed no row.
fn changed(n: u64, entity: &'static str, id: impl ToString) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::not_found(entity, id))
    } else {
        Ok(())
    }
}

fn bind_user(q: Sql, user: &User) -> Sql {
    q.arg(user.id)
        .arg(user.email.as_str())
        .arg(&user.display_name)
        .arg(&user.password_hash)
        .arg(user.totp_secret.as_deref())
        .arg(user.totp_last_step)
        .arg(user.disabled)
        .arg(user.failed_logins)
        .arg(user.locked_until)
        .arg(user.created_at)
}

async fn insert_user<E: Exec + ?Sized>(
    db: &mut E,
    user: &User,
    audit: &AuditMeta,
) -> StoreResult<AuditEvent> {
    let q = Sql::new(format!(
        "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ));
    db.execute(bind_user(q, user)).await?;
    Ok(audit
        .change("user.create", "user", user.id.to_string())
        .after(digest_json(user))
        .build())
}

pub(crate) async fn insert_grant<E: Exec + ?Sized>(
    db: &mut E,
    grant: &RoleGrant,
    audit: &AuditMeta,
) -> StoreResult<AuditEvent> {
    let q = Sql::new(format!(
        "INSERT INTO role_grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .arg(grant.id)
    .arg(grant.user)
    .arg(grant.role.as_str())
    .arg(grant.org)
    .arg(grant.created_at)
    .arg(grant.expires_at)
    .arg(grant.granted_by);
    db.execute(q).await?;
    Ok(audit
        .change("grant.add", "role_grant", grant.id.to_string())
        .org(grant.org)
        .after(digest_json(grant))
        .build())
}

async fn insert_session<E: Exec + ?Sized>(db: &mut E, s: &Session) -> StoreResult<()> {
    let q = Sql::new(format!(
        "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .arg(&s.id_hash)
    .arg(s.user)
    .arg(s.acting_grant)
    .arg(s.mfa_pending)
    .arg(&s.csrf_token)
    .arg(s.pending_totp_secret.as_deref())
    .arg(s.created_at)
    .arg(s.last_seen_at)
    .arg(s.expires_at);
    db.execute(q).await?;
    Ok(())
}

async fn update_session_row<E: Exec + ?Sized>(db: &mut E, s: &Session) -> StoreResult<()> {
    let q = Sql::new(
        "UPDATE sessions SET user_id = $2, acting_grant_id = $3, mfa_pending = $4, csrf_token = $5, \
         pending_totp_secret = $6, created_at = $7, last_seen_at = $8, expires_at = $9 WHERE id_hash = $1",
    )
    .arg(&s.id_hash)
    .arg(s.user)
    .arg(s.acting_grant)
    .arg(s.mfa_pending)
    .arg(&s.csrf_token)
    .arg(s.pending_totp_secret.as_deref())
    .arg(s.created_at)
    .arg(s.last_seen_at)
    .arg(s.expires_at);
    if db.execute(q).await? == 0 {
        return Err(crate::refusals::session_not_found());
    }
    Ok(())
}

async fn delete_session_row<E: Exec + ?Sized>(db: &mut E, id_hash: &str) -> StoreResult<()> {
    db.execute(Sql::new("DELETE FROM sessions WHERE id_hash = $1").arg(id_hash))
        .await?;
    Ok(())
}

/// Run one statement in its own write transaction; the number of rows it changed.
async fn write_one<B: SqlBackend + ?Sized>(backend: &B, q: Sql) -> StoreResult<u64> {
    let mut tx = backend.write().await?;
    let n = tx.execute(q).await?;
    tx.commit().await?;
    Ok(n)
}

/// Append `events` and commit.
async fn commit_with<B: SqlBackend + ?Sized>(
    backend: &B,
    mut tx: B::Write,
    events: Vec<AuditEvent>,
) -> StoreResult<()> {
    audit::append_events(&mut tx, backend.keys(), events).await?;
    tx.commit().await
}

#[async_trait]
impl<B: SqlBackend> AccountStore for B {
    async fn create_user(&self, user: &User, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let event = insert_user(&mut tx, user, audit).await?;
        commit_with(self, tx, vec![event]).await
    }

    async fn create_user_with_grant(
        &self,
        user: &User,
        grant: &RoleGrant,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let mut created = insert_user(&mut tx, user, audit).await?;
        // The account is created into the organisation of its first role: its administrators see
        // the record in their audit trail.
        created.org = Some(grant.org);
        let granted = insert_grant(&mut tx, grant, audit).await?;
        commit_with(self, tx, vec![created, granted]).await
    }

    async fn record_mfa_failure(&self, id: UserId) -> StoreResult<u32> {
        let mut tx = self.write().await?;
        let q = Sql::new("UPDATE users SET failed_mfa = failed_mfa + 1 WHERE id = $1 RETURNING failed_mfa")
            .arg(id);
        let count = match tx.fetch_optional(q).await? {
            Some(row) => row.u32("failed_mfa")?,
            None => return Err(StoreError::not_found("user", id)),
        };
        tx.commit().await?;
        Ok(count)
    }

    async fn set_mfa_state(
        &self,
        id: UserId,
        failed_mfa: u32,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let q = Sql::new("UPDATE users SET failed_mfa = $2, totp_last_step = $3 WHERE id = $1")
            .arg(id)
            .arg(failed_mfa)
            .arg(totp_last_step);
        changed(write_one(self, q).await?, "user", id)
    }

    async fn lock_user(
        &self,
        id: UserId,
        until: Timestamp,
        detail: &str,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let q = Sql::new("UPDATE users SET locked_until = $2 WHERE id = $1")
            .arg(id)
            .arg(until);
        changed(tx.execute(q).await?, "user", id)?;
        let event = audit
            .change("user.locked", "user", id.to_string())
            .detail(detail.to_owned())
            .build();
        commit_with(self, tx, vec![event]).await
    }

    async fn account_standing(&self, user: UserId) -> StoreResult<Option<AccountStanding>> {
        let q = Sql::new(
            "SELECT u.disabled AS disabled, g.id AS g_id, g.role AS g_role, g.org_id AS g_org_id, \
             g.created_at AS g_created_at, g.expires_at AS g_expires_at, g.granted_by AS g_granted_by \
             FROM users u LEFT JOIN role_grants g ON g.user_id = u.id WHERE u.id = $1 \
             ORDER BY g.created_at, g.id",
        )
        .arg(user);
        let rows = self.read().await?.fetch_all(q).await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(AccountStanding {
            disabled: first.bool("disabled")?,
            grants: joined_grants(&rows, &JOINED_GRANT_NAMES, user)?,
        }))
    }

    async fn token_with_owner(&self, token_hash: &str) -> StoreResult<Option<TokenWithOwner>> {
        let rows = self
            .read()
            .await?
            .fetch_all(Sql::new(TOKEN_WITH_OWNER).arg(token_hash))
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let token = token_with_hash(first, token_hash.to_owned())?;
        let owner = AccountStanding {
            disabled: first.bool("owner_disabled")?,
            grants: joined_grants(&rows, &JOINED_GRANT_NAMES, token.created_by)?,
        };
        Ok(Some(TokenWithOwner {
            epoch: AuthEpoch(first.i64("auth_epoch")?),
            token,
            owner,
        }))
    }

    async fn token_with_epoch(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, AuthEpoch)>> {
        let q = Sql::new(TOKEN_WITH_EPOCH).arg(token_hash);
        let Some(row) = self.read().await?.fetch_optional(q).await? else {
            return Ok(None);
        };
        let token = token_with_hash(&row, token_hash.to_owned())?;
        Ok(Some((token, AuthEpoch(row.i64("auth_epoch")?))))
    }

    async fn change_session(&self, change: &SessionChange, event: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.write().await?;
        match change {
            SessionChange::Open(s) => insert_session(&mut tx, s).await?,
            SessionChange::Rotate { old_hash, new } => {
                insert_session(&mut tx, new).await?;
                delete_session_row(&mut tx, old_hash).await?;
            }
            SessionChange::Update(s) => update_session_row(&mut tx, s).await?,
            SessionChange::Close(hash) => delete_session_row(&mut tx, hash).await?,
        }
        commit_with(self, tx, vec![event.clone()]).await
    }

    async fn get_token(&self, id: TokenId) -> StoreResult<ApiToken> {
        load_token(&mut self.read().await?, id, "").await
    }

    async fn list_tokens_in(&self, scope: &Scope) -> StoreResult<Vec<ApiToken>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY created_at, id");
        db.fetch_all(q).await?.iter().map(token_from_row).collect()
    }

    async fn count_attempt(&self, key: &str, window_start: Timestamp) -> StoreResult<u32> {
        let mut tx = self.write().await?;
        let q = Sql::new(
            "INSERT INTO login_throttle AS t (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET count = t.count + 1 RETURNING count",
        )
        .arg(key)
        .arg(window_start);
        let n = tx.fetch_one(q).await?.u32("count")?;
        tx.commit().await?;
        Ok(n)
    }

    async fn prune_attempts(&self, before: Timestamp) -> StoreResult<u64> {
        write_one(
            self,
            Sql::new("DELETE FROM login_throttle WHERE window_start < $1").arg(before),
        )
        .await
    }

    async fn update_user(&self, user: &User, action: &str, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let lock = lock_row(&tx);
        let stored = load_user(&mut tx, user.id, lock).await?;
        let q = Sql::new(
            "UPDATE users SET email = $2, display_name = $3, password_hash = $4, totp_secret = $5, \
             totp_last_step = $6, disabled = $7, failed_logins = $8, locked_until = $9, created_at = $10 \
             WHERE id = $1",
        );
        tx.execute(bind_user(q, user)).await?;
        let event = audit
            .change(action, "user", user.id.to_string())
            .before(digest_json(&stored))
            .after(digest_json(user))
            .build();
        commit_with(self, tx, vec![event]).await
    }

    async fn set_login_state(
        &self,
        id: UserId,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()> {
        let q = Sql::new(
            "UPDATE users SET failed_logins = $2, locked_until = $3, totp_last_step = $4 WHERE id = $1",
        )
        .arg(id)
        .arg(failed_logins)
        .arg(locked_until)
        .arg(totp_last_step);
        changed(write_one(self, q).await?, "user", id)
    }

    async fn get_user(&self, id: UserId) -> StoreResult<User> {
        load_user(&mut self.read().await?, id, "").await
    }

    async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let q = Sql::new(format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1")).arg(email.as_str());
        let row = self.read().await?.fetch_optional(q).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {USER_COLUMNS} FROM users WHERE 1 = 1"));
        if !matches!(scope, Scope::All) {
            q.push(" AND id IN (SELECT user_id FROM role_grants WHERE 1 = 1");
            db.scope_filter(&mut q, scope, "org_id");
            q.push(")");
        }
        q.push(" ORDER BY email");
        db.fetch_all(q).await?.iter().map(user_from_row).collect()
    }

    async fn add_grant(&self, grant: &RoleGrant, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let event = insert_grant(&mut tx, grant, audit).await?;
        commit_with(self, tx, vec![event]).await
    }

    async fn revoke_grant(&self, id: GrantId, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let q = Sql::new(format!(
            "DELETE FROM role_grants WHERE id = $1 RETURNING {GRANT_COLUMNS}"
        ))
        .arg(id);
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("role grant", id));
        };
        let stored = grant_from_row(&row)?;
        let event = audit
            .change("grant.revoke", "role_grant", id.to_string())
            .org(stored.org)
            .before(digest_json(&stored))
            .build();
        commit_with(self, tx, vec![event]).await
    }

    async fn grants_of(&self, user: UserId) -> StoreResult<Vec<RoleGrant>> {
        let q = Sql::new(format!(
            "SELECT {GRANT_COLUMNS} FROM role_grants WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .arg(user);
        let rows = self.read().await?.fetch_all(q).await?;
        rows.iter()
            .map(|r| grant_from_columns(r, &GRANT_NAMES, user))
            .collect()
    }

    async fn grants_at(&self, orgs: &[OrgId]) -> StoreResult<Vec<RoleGrant>> {
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let mut out = Vec::new();
        for chunk in orgs.chunks(500) {
            let mut q = Sql::new(
                "SELECT g.id, g.user_id, g.role, g.org_id, g.created_at, g.expires_at, g.granted_by \
                 FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.disabled = $1 AND ",
            )
            .arg(false);
            q.in_list(
                dialect,
                "g.org_id",
                super::Arg::Uuids(chunk.iter().map(|o| *o.as_uuid()).collect()),
            );
            q.push(" ORDER BY g.org_id, g.user_id, g.created_at, g.id");
            for r in db.fetch_all(q).await? {
                out.push(grant_from_columns(&r, &GRANT_NAMES, r.id("user_id")?)?);
            }
        }
        Ok(out)
    }

    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_session(&mut tx, session).await?;
        tx.commit().await
    }

    async fn get_session(&self, id_hash: &str) -> StoreResult<Option<Session>> {
        let q = Sql::new(format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = $1"
        ))
        .arg(id_hash);
        let row = self.read().await?.fetch_optional(q).await?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn update_session(&self, session: &Session) -> StoreResult<()> {
        let mut tx = self.write().await?;
        update_session_row(&mut tx, session).await?;
        tx.commit().await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        delete_session_row(&mut tx, id_hash).await?;
        tx.commit().await
    }

    async fn delete_sessions_of(&self, user: UserId) -> StoreResult<u64> {
        write_one(
            self,
            Sql::new("DELETE FROM sessions WHERE user_id = $1").arg(user),
        )
        .await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        write_one(
            self,
            Sql::new("DELETE FROM sessions WHERE expires_at <= $1").arg(now),
        )
        .await
    }

    async fn create_token(&self, token: &ApiToken, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let q = Sql::new(format!(
            "INSERT INTO api_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .arg(token.id)
        .arg(&token.name)
        .arg(&token.token_hash)
        .arg(token.created_by)
        .arg(token.role.as_str())
        .arg(token.org)
        .arg(token.created_at)
        .arg(token.expires_at)
        .arg(token.revoked_at)
        .arg(token.last_used_at);
        tx.execute(q).await?;
        // ApiToken's JSON form leaves out the hash, so the digest holds no secret.
        let event = audit
            .change("token.create", "api_token", token.id.to_string())
            .org(token.org)
            .after(digest_json(token))
            .build();
        commit_with(self, tx, vec![event]).await
    }

    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let q = Sql::new(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"
        ))
        .arg(token_hash);
        let row = self.read().await?.fetch_optional(q).await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_tokens(&self, created_by: Option<UserId>) -> StoreResult<Vec<ApiToken>> {
        let mut q = Sql::new(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE 1 = 1"));
        if let Some(user) = created_by {
            q.push(" AND created_by = ").bind(user);
        }
        q.push(" ORDER BY created_at, id");
        let rows = self.read().await?.fetch_all(q).await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: TokenId, at: Timestamp, audit: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let lock = lock_row(&tx);
        let stored = load_token(&mut tx, id, lock).await?;
        if stored.revoked_at.is_some() {
            return Ok(());
        }
        let at = truncate_to_micros(at);
        tx.execute(
            Sql::new("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1")
                .arg(id)
                .arg(at),
        )
        .await?;
        let revoked = ApiToken {
            revoked_at: Some(at),
            ..stored.clone()
        };
        let event = audit
            .change("token.revoke", "api_token", id.to_string())
            .org(stored.org)
            .before(digest_json(&stored))
            .after(digest_json(&revoked))
            .build();
        commit_with(self, tx, vec![event]).await
    }

    async fn touch_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()> {
        let q = Sql::new("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .arg(id)
            .arg(at);
        changed(write_one(self, q).await?, "api token", id)
    }
}
