//! Upgrading a database written by the first schema: assets keep their links when the link tables
//! are rekeyed by asset number (`migrations/0003_asset_numbers.sql`).

use sqlx::{ConnectOptions, Connection};
use std::path::Path;
use ward_core::asset::SoftwareSource;
use ward_core::{AssetId, ServiceId};
use ward_store::{AdminStore, AssetFilter, InventoryStore, PageRequest, Scope};
use ward_store_sqlite::SqliteStore;

const ORG: &str = "0190a000-0000-7000-8000-000000000001";
const SERVICE_A: &str = "0190a000-0000-7000-8000-0000000000a1";
const SERVICE_B: &str = "0190a000-0000-7000-8000-0000000000a2";
/// Written in this order, which is not id order.
const ASSETS: [&str; 3] = [
    "0190a000-0000-7000-8000-00000000ff03",
    "0190a000-0000-7000-8000-00000000ff01",
    "0190a000-0000-7000-8000-00000000ff02",
];

/// A database at the first migration only, holding three assets with links, as the first schema
/// stored them.
async fn first_schema_database(dir: &Path) -> String {
    let only_first = dir.join("migrations");
    std::fs::create_dir(&only_first).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/0001_initial.sql"),
        only_first.join("0001_initial.sql"),
    )
    .unwrap();
    let path = dir.join("old.db");
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(only_first.as_path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    let statements = [
        format!(
            "INSERT INTO organisations (id, code, name, kind) VALUES ('{ORG}', 'RJZ', 'Trust', 'nhs_trust')"
        ),
        format!(
            "INSERT INTO services (id, org_id, name, kind, criticality, daily_throughput, throughput_unit) \
             VALUES ('{SERVICE_A}', '{ORG}', 'Pathology', 'clinical', 4, 100, 'patients'), \
                    ('{SERVICE_B}', '{ORG}', 'Imaging', 'clinical', 3, 50, 'patients')"
        ),
        "INSERT INTO software (id, name, vendor, version, purl, cpe) VALUES \
         (1, 'openssl', 'OpenSSL', '3.0.2', NULL, NULL), (2, 'log4j-core', 'Apache', '2.14.1', NULL, NULL)"
            .to_owned(),
    ];
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    for (i, id) in ASSETS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assets (id, org_id, name, kind, hostname, internet_facing) VALUES (?, ?, ?, 'server', NULL, 0)",
        )
        .bind(id)
        .bind(ORG)
        .bind(format!("server {i}"))
        .execute(&mut conn)
        .await
        .unwrap();
        // Asset i carries i + 1 packages (openssl first) and services B then A.
        for position in 0..=i {
            sqlx::query("INSERT INTO asset_software (asset_id, position, software_id, source) VALUES (?, ?, ?, 'import')")
                .bind(id)
                .bind(i64::try_from(position).unwrap())
                .bind(if position == 0 { 1_i64 } else { 2 })
                .execute(&mut conn)
                .await
                .unwrap();
        }
        for (position, service) in [SERVICE_B, SERVICE_A].iter().enumerate() {
            sqlx::query("INSERT INTO asset_services (asset_id, position, service_id) VALUES (?, ?, ?)")
                .bind(id)
                .bind(i64::try_from(position).unwrap())
                .bind(service)
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    conn.close().await.unwrap();
    format!("sqlite://{}", path.display())
}

#[tokio::test]
async fn links_survive_the_renumbering_migration() {
    let dir = tempfile::tempdir().unwrap();
    let url = first_schema_database(dir.path()).await;
    let store = SqliteStore::open(&url, &crate::test_key()).await.unwrap();
    store.migrate().await.unwrap();

    let services: Vec<ServiceId> = [SERVICE_B, SERVICE_A]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    for (i, id) in ASSETS.iter().enumerate() {
        let asset = store
            .get_asset(&Scope::All, id.parse::<AssetId>().unwrap())
            .await
            .unwrap();
        assert_eq!(asset.name, format!("server {i}"));
        assert_eq!(asset.services, services, "services of {id}, in order");
        let names: Vec<&str> = asset.software.iter().map(|s| s.name.as_str()).collect();
        let mut expected = vec!["openssl"];
        expected.extend(std::iter::repeat_n("log4j-core", i));
        assert_eq!(names, expected, "software of {id}, in order");
        assert!(asset.software.iter().all(|s| s.source == SoftwareSource::Import));
    }
    let page = store
        .list_assets(
            &Scope::All,
            &AssetFilter::default(),
            PageRequest { offset: 0, limit: 10 },
        )
        .await
        .unwrap();
    let counts: Vec<(String, u32, u32)> = page
        .items
        .iter()
        .map(|a| (a.name.clone(), a.software_count, a.service_count))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("server 0".to_owned(), 1, 2),
            ("server 1".to_owned(), 2, 2),
            ("server 2".to_owned(), 3, 2)
        ]
    );

    // Numbers follow id order, and deleting an asset still removes its links.
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let by_num: Vec<String> = sqlx::query_scalar("SELECT id FROM assets ORDER BY num")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let mut sorted: Vec<String> = ASSETS.iter().map(|s| (*s).to_owned()).collect();
    sorted.sort();
    assert_eq!(by_num, sorted);
    let meta = ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("upgrade-test"),
        at: jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        request_id: None,
    };
    store
        .delete_asset(&Scope::All, ASSETS[2].parse().unwrap(), &meta)
        .await
        .unwrap();
    let links: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM asset_software) + (SELECT count(*) FROM asset_services)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        links,
        (1 + 2) + (2 + 2),
        "only the deleted asset's links are gone"
    );
    conn.close().await.unwrap();
    store.close().await;
}
