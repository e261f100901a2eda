use crate::support::*;
use ward_core::account::{Email, Session, User};
use ward_core::audit::ChainVerifier;
use ward_core::job::{Job, JobStatus};
use ward_core::{JobId, UserId};
use ward_store::{
    AccountStore, AdminStore, AuditStore, InventoryStore, JobStore, OrgStore, Scope, StoreError,
};

async fn populate(s: &ward_store_postgres::PgStore) {
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let mut moved = s.get_org(&Scope::All, oid(4)).await.unwrap();
    moved.parent = Some(oid(7));
    s.upsert_orgs(&[moved], jiff::civil::date(2025, 1, 1), &meta())
        .await
        .unwrap();
    let mut blank = software("openssl", "3.0.1");
    blank.vendor = Some(String::new());
    let assets = vec![
        asset(
            1,
            oid(4),
            vec![software("zlib", "1.3"), blank, software("openssl", "3.0.1")],
        ),
        asset(2, oid(8), vec![software("zlib", "1.3")]),
    ];
    s.insert_assets(&Scope::All, &assets, &meta()).await.unwrap();
    let user = User {
        id: UserId::from_uuid(id(900)),
        email: Email::parse("lead@nhs.example").unwrap(),
        display_name: "Lead".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        totp_secret: None,
        totp_last_step: Some(57_000_000),
        disabled: false,
        failed_logins: 2,
        locked_until: Some(t0()),
        created_at: t0(),
    };
    s.create_user(&user, &meta()).await.unwrap();
    s.create_session(&Session {
        id_hash: "abc".into(),
        user: user.id,
        acting_grant: None,
        mfa_pending: true,
        csrf_token: "csrf".into(),
        pending_totp_secret: None,
        created_at: t0(),
        last_seen_at: t0(),
        expires_at: t0(),
    })
    .await
    .unwrap();
    let job = Job {
        id: JobId::from_uuid(id(77)),
        kind: ward_core::job::JobKind::FeedsSync,
        payload: serde_json::json!({"feed": "osv", "since": [2024, 1]}),
        status: JobStatus::Queued,
        run_at: t0(),
        attempts: 0,
        max_attempts: 5,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: t0(),
    };
    s.enqueue_job(&job, Some("feed:osv")).await.unwrap();
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_database_identically() {
    let Some(source) = PgDatabase::create().await else {
        return;
    };
    populate(&source.store).await;
    let mut first = Vec::new();
    let counts = source.store.backup(&mut first).await.unwrap();
    assert_eq!(counts.tables.get("assets"), Some(&2));
    assert_eq!(counts.tables.get("asset_software"), Some(&4));
    assert_eq!(counts.tables.get("software"), Some(&3));
    assert_eq!(counts.tables.get("org_links"), Some(&8));
    let text = String::from_utf8(first.clone()).unwrap();
    let mut lines = text.lines();
    let header = format!(
        r#"{{"backend":"postgres","key":"{}","ward_backup":2}}"#,
        crate::support::test_key().fingerprint()
    );
    assert_eq!(lines.next(), Some(header.as_str()));
    let mut tail = text.lines().rev();
    assert!(
        tail.next().unwrap().starts_with(r#"{"ward_backup_mac":""#),
        "the MAC trailer comes last"
    );
    assert!(
        tail.next().unwrap().starts_with(r#"{"table":"jobs","#),
        "jobs come last"
    );
    let org_line = text
        .lines()
        .find(|l| l.contains(r#""table":"organisations""#))
        .unwrap();
    assert!(
        org_line.starts_with(r#"{"table":"organisations","row":{"closed":null,"code":"X26","#),
        "{org_line}"
    );
    assert!(org_line.contains(r#""opened":"2020-04-01""#), "{org_line}");
    assert!(
        text.contains(r#""at":1750000000123456"#),
        "timestamps are integer micros"
    );
    assert!(
        text.contains(r#""payload":{"feed":"osv","since":[2024,1]}"#),
        "payload is JSON, not a string"
    );
    let link = text
        .lines()
        .find(|l| l.contains(r#""table":"asset_software""#))
        .unwrap();
    assert!(
        link.contains(&format!(r#""org_id":"{}""#, id(4))),
        "link rows carry their asset's organisation: {link}"
    );

    let Some(target) = PgDatabase::create().await else {
        return;
    };
    let restored = target
        .store
        .restore(&mut first.as_slice(), &crate::support::restore_meta())
        .await
        .unwrap();
    assert_eq!(restored, counts);
    let mut second = Vec::new();
    target.store.backup(&mut second).await.unwrap();
    // Byte-identical but for the restore's own audit record and the MAC over it.
    let rows = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| {
                !l.contains(r#""action":"backup.restore""#) && !l.starts_with(r#"{"ward_backup_mac""#)
            })
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        rows(&String::from_utf8(second).unwrap()),
        rows(&text),
        "backup of the restore is byte-identical"
    );

    // The restored database works: the chain verifies and continues, software ids keep counting.
    let mut v = ChainVerifier::new(ward_core::audit::AuditKeys::new(&crate::support::test_key()));
    for r in target.store.audit_page(1, 1000).await.unwrap() {
        v.check(&r).unwrap();
    }
    let next = target
        .store
        .append_audit(&meta().change("x.y", "x", "1").build())
        .await
        .unwrap();
    assert_eq!(next.seq, v.next_seq());
    target
        .store
        .insert_assets(
            &Scope::All,
            &[asset(3, oid(5), vec![software("new", "1")])],
            &meta(),
        )
        .await
        .unwrap();
    assert_eq!(
        target
            .store
            .get_asset(&Scope::All, ward_core::AssetId::from_uuid(id(1)))
            .await
            .unwrap(),
        source
            .store
            .get_asset(&Scope::All, ward_core::AssetId::from_uuid(id(1)))
            .await
            .unwrap()
    );

    // Restoring into a database with data is refused.
    let err = target
        .store
        .restore(&mut first.as_slice(), &crate::support::restore_meta())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Snapshot(_)), "{err}");
}

#[tokio::test]
async fn damaged_backups_are_refused_and_leave_nothing_behind() {
    let Some(source) = PgDatabase::create().await else {
        return;
    };
    populate(&source.store).await;
    let mut full = Vec::new();
    source.store.backup(&mut full).await.unwrap();
    let text = String::from_utf8(full).unwrap();
    let Some(target) = PgDatabase::create().await else {
        return;
    };

    let number_for_text = text.replacen(r#""code":"X26""#, r#""code":26"#, 1);
    let err = target
        .store
        .restore(
            &mut crate::support::resign(&number_for_text).as_bytes(),
            &crate::support::restore_meta(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("organisations.code"), "{err}");
    let bad_column = text.replacen(r#""hostname""#, r#""host""#, 1);
    let err = target
        .store
        .restore(
            &mut crate::support::resign(&bad_column).as_bytes(),
            &crate::support::restore_meta(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line"), "{err}");
    let not_ward = "{\"hello\":1}\n";
    assert!(matches!(
        target
            .store
            .restore(
                &mut crate::support::resign(not_ward).as_bytes(),
                &crate::support::restore_meta()
            )
            .await,
        Err(StoreError::Snapshot(_))
    ));
    // A row pointing at a missing organisation fails the deferred foreign-key check.
    let orphan = text.replacen(&id(8).to_string(), &id(4242).to_string(), 1);
    assert!(matches!(
        target
            .store
            .restore(
                &mut crate::support::resign(&orphan).as_bytes(),
                &crate::support::restore_meta()
            )
            .await,
        Err(StoreError::Snapshot(_))
    ));
    // assets.org_id has no row-level foreign key either; the restore checks it as a whole.
    let asset_line = text.lines().find(|l| l.contains(r#""table":"assets""#)).unwrap();
    let foreign = asset_line.replacen(&id(4).to_string(), &id(4244).to_string(), 1);
    assert!(
        foreign.contains(&format!(r#""org_id":"{}""#, id(4244))),
        "{foreign}"
    );
    let err = target
        .store
        .restore(
            &mut crate::support::resign(&text.replacen(asset_line, &foreign, 1)).as_bytes(),
            &crate::support::restore_meta(),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "org_id {} names no organisation in the backup",
            id(4244)
        )),
        "{err}"
    );
    // Link rows have no row-level foreign keys; the restore checks them as a whole.
    let link = text
        .lines()
        .find(|l| l.contains(r#""table":"asset_software""#))
        .unwrap();
    for (broken, expected) in [
        (
            link.replacen(&id(1).to_string(), &id(4243).to_string(), 1),
            "table asset_software (rows from line 23): a required value is missing",
        ),
        (
            link.replacen(r#""software_id":"#, r#""software_id":9999"#, 1),
            "asset_software names software that does not exist",
        ),
    ] {
        assert_ne!(broken, link, "the test edits the line");
        let damaged = text.replacen(link, &broken, 1);
        let err = target
            .store
            .restore(
                &mut crate::support::resign(&damaged).as_bytes(),
                &crate::support::restore_meta(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Snapshot(_)), "{err}");
        assert!(err.to_string().contains(expected), "{err} for {broken}");
    }
    assert_eq!(
        target.store.audit_page(1, 10).await.unwrap().len(),
        0,
        "nothing was stored"
    );
    // And the good backup still restores afterwards.
    target
        .store
        .restore(
            &mut crate::support::resign(&text).as_bytes(),
            &crate::support::restore_meta(),
        )
        .await
        .unwrap();
}

/// Every table of the migrated schema is either written to a backup or rebuilt by a restore, so a
/// migration that adds a table must say which (in `ward_store::backup`).
#[tokio::test]
async fn every_table_is_backed_up_or_rebuilt() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'
          ORDER BY 1",
    )
    .fetch_all(db.store.pool())
    .await
    .unwrap();
    let rebuilt = |name: &str| {
        ward_store::backup::REBUILT_ON_RESTORE
            .iter()
            .any(|(n, _)| *n == name)
    };
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| ward_store::backup::table(n).is_none() && !rebuilt(n))
        .collect();
    assert!(
        missing.is_empty(),
        "tables neither backed up nor rebuilt: {missing:?}"
    );
    for t in ward_store::backup::TABLES {
        assert!(
            names.iter().any(|n| n == t.name),
            "{} is not in the schema",
            t.name
        );
    }
}
