//! Restore checks what the link tables' missing foreign keys (migration 0007) no longer check.

use jiff::Timestamp;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::AuditActor;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::{AssetId, OrgId};
use ward_store::{AdminStore, AuditMeta, InventoryStore, OrgStore, Scope, StoreError};
use ward_store_sqlite::SqliteStore;

fn meta() -> AuditMeta {
    AuditMeta {
        actor: AuditActor::system("restore-test"),
        at: Timestamp::from_second(1_750_000_000).unwrap(),
        request_id: None,
    }
}

async fn fresh(dir: &tempfile::TempDir, name: &str) -> SqliteStore {
    let url = format!("sqlite://{}", dir.path().join(name).display());
    let store = SqliteStore::open(&url, &crate::test_key()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A backup of one organisation holding one asset with two packages.
async fn backup_text(dir: &tempfile::TempDir) -> String {
    let store = fresh(dir, "source.db").await;
    let org = Organisation {
        id: OrgId::from_uuid(uuid::Uuid::from_u128(1)),
        code: OdsCode::parse("RJZ").unwrap(),
        name: "Trust".into(),
        kind: OrgKind::NhsTrust,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    store
        .upsert_orgs(std::slice::from_ref(&org), jiff::civil::date(2025, 1, 1), &meta())
        .await
        .unwrap();
    let package = |name: &str| InstalledSoftware {
        name: name.into(),
        vendor: None,
        version: "1.0".into(),
        purl: None,
        cpe: None,
        source: SoftwareSource::Import,
    };
    let asset = Asset {
        id: AssetId::from_uuid(uuid::Uuid::from_u128(2)),
        org: org.id,
        name: "server".into(),
        kind: AssetKind::Server,
        hostname: None,
        internet_facing: false,
        services: vec![],
        software: vec![package("openssl"), package("zlib")],
    };
    store.insert_assets(&Scope::All, &[asset], &meta()).await.unwrap();
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn links_to_missing_software_or_assets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = backup_text(&dir).await;
    let link = text
        .lines()
        .find(|l| l.contains(r#""table":"asset_software""#))
        .unwrap();
    let asset = uuid::Uuid::from_u128(2).to_string();
    let cases = [
        (
            link.replacen(r#""software_id":"#, r#""software_id":9999"#, 1),
            "asset_software names software that does not exist",
        ),
        (
            link.replacen(&asset, &uuid::Uuid::from_u128(3).to_string(), 1),
            "restoring asset_software: a required value is missing",
        ),
    ];
    for (i, (broken, expected)) in cases.iter().enumerate() {
        assert_ne!(broken, link, "the test edits the line");
        let target = fresh(&dir, &format!("target{i}.db")).await;
        let damaged = text.replacen(link, broken, 1);
        let err = target
            .restore(&mut crate::resign(&damaged).as_bytes(), &crate::restore_meta())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Snapshot(_)), "{err}");
        assert!(err.to_string().contains(expected), "{err} for {broken}");
    }
    // The undamaged backup restores.
    let target = fresh(&dir, "good.db").await;
    target
        .restore(&mut crate::resign(&text).as_bytes(), &crate::restore_meta())
        .await
        .unwrap();
}

/// Every table of the migrated schema is either written to a backup or rebuilt by a restore, so a
/// migration that adds a table must say which (in `ward_store::backup`).
#[tokio::test]
async fn every_table_is_backed_up_or_rebuilt() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let store = fresh(&dir, "schema.db").await;
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let rebuilt: Vec<&str> = ward_store::backup::REBUILT_ON_RESTORE
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let listed = |name: &str| ward_store::backup::table(name).is_some() || rebuilt.contains(&name);
    // FTS5 keeps each index in shadow tables named after it (`asset_text_data`, ...).
    let shadow = |name: &str| {
        rebuilt
            .iter()
            .any(|r| name.strip_prefix(r).is_some_and(|rest| rest.starts_with('_')))
    };
    let missing: Vec<&String> = names.iter().filter(|n| !listed(n) && !shadow(n)).collect();
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
    assert!(names.iter().any(|n| n == "epss"), "{names:?}");
    drop(store);
}
