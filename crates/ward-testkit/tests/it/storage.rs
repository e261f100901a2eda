//! Attacks on the stored audit trail and on backups by someone who can write the database or a
//! backup file but lacks the instance key, on SQLite and, when `WARD_TEST_POSTGRES_URL` names a
//! server, on PostgreSQL. (The storage contract itself is in `contract.rs`.)

use sqlx::Connection;
use std::sync::Arc;
use ward_core::audit::ChainBreak;
use ward_store::Store;
use ward_testkit::contract::{self, chain_break};
use ward_testkit::{TestStore, fresh_sqlite, fresh_stores, sqlite_path};

/// Edit `audit_log` behind the store's back, the way someone with file access could.
async fn tamper(dir: &tempfile::TempDir, sql: &'static str, seq: i64) -> anyhow::Result<u64> {
    let url = format!("sqlite://{}", sqlite_path(dir).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    let done = sqlx::query(sql).bind(seq).execute(&mut conn).await?;
    conn.close().await?;
    Ok(done.rows_affected())
}

async fn store_with_history() -> anyhow::Result<(Arc<dyn Store>, tempfile::TempDir)> {
    let (store, dir) = fresh_sqlite().await;
    contract::orgs_round_trip(store.clone()).await?;
    let total = contract::verify_chain(&store).await?;
    anyhow::ensure!(total >= 5, "enough history to tamper with: {total}");
    Ok((store, dir))
}

#[tokio::test]
async fn an_edited_audit_row_is_named() {
    let (store, dir) = store_with_history().await.unwrap();
    let edited = tamper(&dir, "UPDATE audit_log SET action = 'org.view' WHERE seq = ?", 3)
        .await
        .unwrap();
    assert_eq!(edited, 1);
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Content { seq: 3 })
    );
}

#[tokio::test]
async fn a_deleted_audit_row_is_named() {
    let (store, dir) = store_with_history().await.unwrap();
    let deleted = tamper(&dir, "DELETE FROM audit_log WHERE seq = ?", 4)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Gap { seq: 5, expected: 4 })
    );
}

#[tokio::test]
async fn a_rehashed_audit_row_breaks_the_next_link() {
    let (store, dir) = store_with_history().await.unwrap();
    // A tamperer who also recomputes the edited row's own hash passes that row's content check but
    // breaks the link from the row after it.
    let mut record = store.audit_page(2, 1).await.unwrap().remove(0);
    record.event.action = "org.view".into();
    let forged = ward_core::audit::AuditKeys::new(&ward_testkit::test_key()).chain_hash(
        &record.prev_hash,
        2,
        &record.event,
    );
    let url = format!("sqlite://{}", sqlite_path(&dir).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE audit_log SET action = 'org.view', hash = ? WHERE seq = 2")
        .bind(&forged)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Link { seq: 3 })
    );
}

// ---- Attacks by someone who can write the database (or a backup file) but lacks the instance key.
// Each runs on SQLite and, when configured, on PostgreSQL.

/// A raw connection string to the database behind a store, for tampering with it directly.
enum Raw {
    Sqlite(String),
    Pg(String),
}

impl Raw {
    async fn exec(&self, sql: &str) -> anyhow::Result<u64> {
        Ok(match self {
            Raw::Sqlite(url) => {
                let mut c = sqlx::SqliteConnection::connect(url).await?;
                let n = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut c)
                    .await?
                    .rows_affected();
                c.close().await?;
                n
            }
            Raw::Pg(url) => {
                let mut c = sqlx::PgConnection::connect(url).await?;
                let n = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&mut c)
                    .await?
                    .rows_affected();
                c.close().await?;
                n
            }
        })
    }

    /// The first column of the first row, as text (NULL and no row read as None).
    async fn text(&self, sql: &str) -> anyhow::Result<Option<String>> {
        Ok(match self {
            Raw::Sqlite(url) => {
                let mut c = sqlx::SqliteConnection::connect(url).await?;
                let v: Option<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_optional(&mut c)
                    .await?;
                c.close().await?;
                v.flatten()
            }
            Raw::Pg(url) => {
                let mut c = sqlx::PgConnection::connect(url).await?;
                let v: Option<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_optional(&mut c)
                    .await?;
                c.close().await?;
                v.flatten()
            }
        })
    }
}

/// A fresh store with raw access to its database, on each backend ([`fresh_stores`]).
async fn fresh_backends() -> Vec<(Arc<dyn Store>, Raw, TestStore)> {
    fresh_stores().await.into_iter().map(with_raw).collect()
}

/// The store, raw access to its database, and what keeps the database alive.
fn with_raw(db: TestStore) -> (Arc<dyn Store>, Raw, TestStore) {
    let raw = if db.url.starts_with("postgres") {
        Raw::Pg(db.url.clone())
    } else {
        Raw::Sqlite(db.url.clone())
    };
    (db.store.clone(), raw, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cutting_the_tail_of_the_audit_trail_is_detected() {
    for (store, raw, _db) in fresh_backends().await {
        contract::orgs_round_trip(store.clone()).await.unwrap();
        let before = contract::verify_chain(&store).await.unwrap();
        assert!(before >= 5, "history to cut: {before}");
        let cut = raw
            .exec("DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)")
            .await
            .unwrap();
        assert_eq!(cut, 3);
        let verdict = chain_break(&store).await.unwrap();
        assert!(
            verdict.is_err(),
            "the last 3 records were deleted but the chain verified: {verdict:?}"
        );
    }
}

/// A user who holds one organisation-admin grant, with a live session; returns the session's hash.
async fn user_with_grant_and_session(store: &Arc<dyn Store>) -> anyhow::Result<String> {
    use ward_core::account::{Email, Session, User};
    use ward_core::role::{Role, RoleGrant};
    use ward_testkit::contract::fixtures::{Fixture, at, new_id};
    let fx = Fixture::new(store.clone(), "TB");
    let [_, _, _, trust, _] = fx.small_tree().await?;
    let user = User {
        id: new_id(ward_core::UserId::new_at),
        email: Email::parse("ada@trust.example")?,
        display_name: "Ada".into(),
        password_hash: "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        totp_secret: None,
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: at(1),
    };
    store.create_user(&user, &fx.meta(1)).await?;
    let grant = RoleGrant {
        id: new_id(ward_core::GrantId::new_at),
        user: user.id,
        role: Role::OrgAdmin,
        org: trust.id,
        created_at: at(2),
        expires_at: None,
        granted_by: None,
    };
    store.add_grant(&grant, &fx.meta(2)).await?;
    let session = Session {
        id_hash: "f".repeat(64),
        user: user.id,
        acting_grant: Some(grant.id),
        mfa_pending: false,
        csrf_token: "c".repeat(64),
        pending_totp_secret: None,
        created_at: at(3),
        last_seen_at: at(3),
        expires_at: at(3 + 3600 * 24 * 365 * 50),
    };
    store.create_session(&session).await?;
    Ok(session.id_hash)
}

async fn backup_text(store: &Arc<dyn Store>) -> String {
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

async fn restore_text(
    target: &Arc<dyn Store>,
    text: &str,
) -> ward_store::StoreResult<ward_store::BackupCounts> {
    let mut input = std::io::Cursor::new(text.as_bytes().to_vec());
    target.restore(&mut input, &ward_testkit::restore_meta()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_edited_to_grant_national_analyst_is_refused() {
    for (store, _, db) in fresh_backends().await {
        user_with_grant_and_session(&store).await.unwrap();
        let text = backup_text(&store).await;
        let tampered: String = text
            .lines()
            .map(|l| {
                if l.contains("\"table\":\"role_grants\"") {
                    l.replace("\"org_admin\"", "\"national_analyst\"")
                } else {
                    l.to_owned()
                }
            })
            .map(|l| l + "\n")
            .collect();
        assert_ne!(tampered, text, "the grant row was found and edited");
        let (target, target_raw, _target) = with_raw(db.another().await);
        let result = restore_text(&target, &tampered).await;
        assert!(result.is_err(), "a tampered backup restored: {result:?}");
        let users = target_raw
            .text("SELECT CAST(count(*) AS TEXT) FROM users")
            .await
            .unwrap();
        assert_eq!(
            users.as_deref(),
            Some("0"),
            "nothing is stored from a refused backup"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_is_audited_and_leaves_no_live_session() {
    for (store, _, db) in fresh_backends().await {
        let session = user_with_grant_and_session(&store).await.unwrap();
        assert!(store.get_session(&session).await.unwrap().is_some());
        let text = backup_text(&store).await;
        let (target, _target_raw, _target) = with_raw(db.another().await);
        restore_text(&target, &text).await.unwrap();
        assert!(
            target.get_session(&session).await.unwrap().is_none(),
            "a restored session is live"
        );
        let total = contract::verify_chain(&target).await.unwrap();
        let last = target.audit_page(i64::try_from(total).unwrap(), 1).await.unwrap();
        assert_eq!(
            last.first().map(|r| r.event.action.as_str()),
            Some("backup.restore"),
            "the restore is the last audit record"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_secrets_are_not_stored_in_clear() {
    use ward_testkit::app::{Backend, spawn_app_with};
    for (store, raw, _db) in fresh_backends().await {
        let clock = ward_core::clock::ManualClock::new(ward_testkit::contract::fixtures::at(0));
        let app = spawn_app_with(Backend::Store(store), Arc::new(clock)).await;
        let member = &app.world.users[&ward_core::role::Role::OrgMember];
        assert!(member.totp.is_none());
        let signed_in = app
            .app
            .login(&member.email, ward_testkit::fixtures::PASSWORD, "attack-test")
            .await
            .unwrap();
        let view = app.app.session(&signed_in.cookie).await.unwrap();
        let (secret, _uri) = app.app.begin_mfa_enrolment(&view).await.unwrap();
        let pending = raw
            .text(&format!(
                "SELECT pending_totp_secret FROM sessions WHERE id_hash = '{}'",
                view.session.id_hash
            ))
            .await
            .unwrap()
            .expect("the pending secret is kept on the session");
        assert!(!pending.contains(&secret), "pending TOTP secret stored in clear");
        let view = app.app.session(&signed_in.cookie).await.unwrap();
        let code = ward_app::accounts::totp::code_at(&secret, app.app.now()).unwrap();
        app.app.confirm_mfa_enrolment(&view, &code).await.unwrap();
        let stored = raw
            .text(&format!(
                "SELECT totp_secret FROM users WHERE id = '{}'",
                member.id
            ))
            .await
            .unwrap()
            .expect("enrolled");
        assert!(!stored.contains(&secret), "TOTP secret stored in clear");
        assert!(stored.starts_with("v1:"), "versioned sealed text: {stored}");
    }
}

/// Rewrite every stored record's links and hashes with `hash`, and the head row to match with
/// `mac`: what someone with database access but without the instance key can do.
async fn rewrite_chain(
    store: &Arc<dyn Store>,
    raw: &Raw,
    hash: impl Fn(&str, &ward_core::audit::AuditRecord) -> String,
    mac: impl Fn(i64, &str) -> String,
) {
    let records = store.audit_page(1, 10_000).await.unwrap();
    let mut prev = ward_core::audit::GENESIS_HASH.to_owned();
    let mut sql = String::new();
    for r in &records {
        let h = hash(&prev, r);
        sql.push_str(&format!(
            "UPDATE audit_log SET prev_hash = '{prev}', hash = '{h}' WHERE seq = {};\n",
            r.seq
        ));
        prev = h;
    }
    let last = records.last().map_or(0, |r| r.seq);
    sql.push_str(&format!(
        "UPDATE audit_head SET seq = {last}, hash = '{prev}', mac = '{}';",
        mac(last, &prev)
    ));
    raw.exec(&sql).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_rewritten_without_the_key_is_detected() {
    use ward_core::audit::{AuditKeys, chain_encoding, sha256_hex};
    let forger = AuditKeys::new(&ward_core::keys::InstanceKey::from_bytes([0x11; 32]));
    for (store, raw, _db) in fresh_backends().await {
        contract::orgs_round_trip(store.clone()).await.unwrap();
        contract::verify_chain(&store).await.unwrap();
        // Plain SHA-256 over the same encoding, as the chain was before it was keyed.
        rewrite_chain(
            &store,
            &raw,
            |prev, r| sha256_hex(&chain_encoding(prev, r.seq, &r.event)),
            |seq, h| sha256_hex(format!("{seq}{h}").as_bytes()),
        )
        .await;
        assert_eq!(
            chain_break(&store).await.unwrap(),
            Err(ChainBreak::Content { seq: 1 }),
            "a chain recomputed with plain SHA-256"
        );
        // Recomputed and signed with a key that is not this instance's.
        rewrite_chain(
            &store,
            &raw,
            |prev, r| forger.chain_hash(prev, r.seq, &r.event),
            |seq, h| forger.sign_head(seq, h).mac,
        )
        .await;
        assert_eq!(
            chain_break(&store).await.unwrap(),
            Err(ChainBreak::Content { seq: 1 }),
            "a chain recomputed with another key"
        );
        // Writes stop rather than sign the damage into a genuine head.
        let meta = ward_testkit::contract::Fixture::new(store.clone(), "RW").meta(1);
        let e = meta.change("probe.write", "probe", "1").build();
        assert!(
            store.append_audit(&e).await.is_err(),
            "appending onto a forged head"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_head_replayed_after_cutting_the_tail_is_caught_by_a_checkpoint() {
    let keys = ward_core::audit::AuditKeys::new(&ward_testkit::test_key());
    for (store, raw, _db) in fresh_backends().await {
        contract::orgs_round_trip(store.clone()).await.unwrap();
        let old = store.audit_head().await.unwrap().expect("a head after writes");
        // More history, and a checkpoint of it kept outside the database.
        let meta = ward_testkit::contract::Fixture::new(store.clone(), "RP").meta(1);
        for n in 0..3 {
            let e = meta.change("probe.write", "probe", n.to_string()).build();
            store.append_audit(&e).await.unwrap();
        }
        let checkpoint = store.audit_head().await.unwrap().expect("head");
        assert!(checkpoint.seq > old.seq);
        // The attacker cuts the newest records and puts back the head row they saved earlier.
        raw.exec(&format!(
            "DELETE FROM audit_log WHERE seq > {0}; UPDATE audit_head SET seq = {0}, hash = '{1}', mac = '{2}';",
            old.seq, old.hash, old.mac
        ))
        .await
        .unwrap();
        // The database alone is consistent again: only the checkpoint tells.
        assert!(chain_break(&store).await.unwrap().is_ok());
        let report =
            ward_app::audit::verify_chain(store.as_ref(), &keys, std::slice::from_ref(&checkpoint), |_| {})
                .await
                .unwrap();
        assert_eq!(
            report.first_break_seq,
            Some(old.seq + 1),
            "{:?}",
            report.first_break
        );
        // A checkpoint the attacker forges with another key is itself refused.
        let forged = ward_core::audit::AuditKeys::new(&ward_core::keys::InstanceKey::from_bytes([3; 32]))
            .sign_head(old.seq, &old.hash);
        let report = ward_app::audit::verify_chain(store.as_ref(), &keys, &[forged], |_| {})
            .await
            .unwrap();
        assert!(report.first_break.is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_foreign_backups_are_refused() {
    use ward_testkit::contract::backup::{sign, sign_with};
    for (store, _, db) in fresh_backends().await {
        user_with_grant_and_session(&store).await.unwrap();
        let text = backup_text(&store).await;
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with("{\"ward_backup_mac\""))
            .map(|l| {
                if l.contains("\"table\":\"role_grants\"") {
                    l.replace("\"org_admin\"", "\"national_analyst\"") + "\n"
                } else {
                    l.to_owned() + "\n"
                }
            })
            .collect();
        // Signed with this very key: the MAC is right, but the grant breaks the rules.
        let (target, target_raw, _target) = with_raw(db.another().await);
        let err = restore_text(&target, &sign(&body)).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("national analyst role cannot be held on a nhs trust"),
            "{err}"
        );
        // Re-MAC'd with another key (the header still names this one). A row that breaks no rule
        // is edited here, so it is the MAC that refuses it (a restore checks rows as they stream
        // and the MAC at the end; `ward restore` checks the MAC first).
        let renamed: String = text
            .lines()
            .filter(|l| !l.starts_with("{\"ward_backup_mac\""))
            .map(|l| l.replace("\"display_name\":\"Ada\"", "\"display_name\":\"Eve\"") + "\n")
            .collect();
        assert!(renamed.contains("Eve"));
        let other = ward_core::keys::InstanceKey::from_bytes([0x22; 32]);
        let err = restore_text(&target, &sign_with(&renamed, &other))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("MAC does not match"), "{err}");
        // Made by another deployment: refused by the header, naming both keys.
        let foreign = renamed.replace(&ward_testkit::test_key().fingerprint(), &other.fingerprint());
        let err = restore_text(&target, &sign_with(&foreign, &other))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("different instance key"), "{err}");
        let users = target_raw
            .text("SELECT CAST(count(*) AS TEXT) FROM users")
            .await
            .unwrap();
        assert_eq!(
            users.as_deref(),
            Some("0"),
            "nothing is stored from refused backups"
        );
        // The genuine backup still restores.
        restore_text(&target, &text).await.unwrap();
    }
}
