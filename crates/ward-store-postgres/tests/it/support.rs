//! A fresh, migrated database per test, and small fixtures.

use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::AuditActor;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_store::{AdminStore, AuditMeta};
use ward_store_postgres::PgStore;

/// A database created for one test; call [`TestDb::finish`] at the end to drop it.
pub struct TestDb {
    pub store: PgStore,
    pub url: String,
    admin_url: String,
    name: String,
}

/// The server URL from `WARD_TEST_POSTGRES_URL`, or `None` (with the reason printed) to skip.
pub fn server_url() -> Option<String> {
    match std::env::var("WARD_TEST_POSTGRES_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            eprintln!(
                "skipped: set WARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres to run"
            );
            None
        }
    }
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{db}{query}")
}

impl TestDb {
    /// Create `ward_test_<uuid>` and migrate it; `None` when no server is configured.
    pub async fn new() -> Option<Self> {
        let admin_url = server_url()?;
        let name = format!("ward_test_{}", Uuid::now_v7().simple());
        let admin = PgStore::connect_with_pool_size(&admin_url, 1, &crate::support::test_key())
            .await
            .expect("connect to the test server");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(admin.pool())
            .await
            .expect("create test database");
        admin.pool().close().await;
        let url = with_database(&admin_url, &name);
        let store = PgStore::connect(&url, &crate::support::test_key())
            .await
            .expect("connect to test database");
        store.migrate().await.expect("migrate");
        Some(Self {
            store,
            url,
            admin_url,
            name,
        })
    }

    /// Another store over the same database: a second server.
    pub async fn second_server(&self) -> PgStore {
        PgStore::connect(&self.url, &crate::support::test_key())
            .await
            .expect("connect second server")
    }

    /// Drop the database.
    pub async fn finish(self) {
        self.store.pool().close().await;
        let admin = PgStore::connect_with_pool_size(&self.admin_url, 1, &crate::support::test_key())
            .await
            .expect("connect to the test server");
        sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(admin.pool())
        .await
        .expect("drop test database");
        admin.pool().close().await;
    }
}

/// Run `body` against a fresh database, or print why it is skipped.
macro_rules! with_db {
    (|$db:ident| $body:block) => {{
        let Some($db) = crate::support::TestDb::new().await else { return };
        $body
        $db.finish().await;
    }};
}
pub(crate) use with_db;

pub fn at(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).expect("valid timestamp")
}

/// A fixed instant with microsecond detail, so truncation bugs show.
pub fn t0() -> Timestamp {
    at(1_750_000_000_123_456)
}

pub fn meta() -> AuditMeta {
    AuditMeta {
        actor: AuditActor::system("test"),
        at: t0(),
        request_id: Some("req-1".into()),
    }
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn org(code: &str, n: u128, kind: OrgKind, parent: Option<OrgId>) -> Organisation {
    Organisation {
        id: OrgId::from_uuid(id(n)),
        code: OdsCode::parse(code).expect("code"),
        name: format!("{code} organisation"),
        kind,
        parent,
        postcode: Some("LS1 4AP".into()),
        opened: Some(jiff::civil::date(2020, 4, 1)),
        closed: None,
    }
}

/// national(1) > region(2) > icb(3) > {trust A(4), trust B(5)}; region2(6) > icb2(7) > trust C(8).
pub fn hierarchy() -> Vec<Organisation> {
    let o = |n| Some(OrgId::from_uuid(id(n)));
    vec![
        org("X26", 1, OrgKind::NationalBody, None),
        org("Y56", 2, OrgKind::Region, o(1)),
        org("QWO", 3, OrgKind::Icb, o(2)),
        org("RR8", 4, OrgKind::NhsTrust, o(3)),
        org("RAE", 5, OrgKind::NhsTrust, o(3)),
        org("Y59", 6, OrgKind::Region, o(1)),
        org("QHM", 7, OrgKind::Icb, o(6)),
        org("RTD", 8, OrgKind::NhsTrust, o(7)),
    ]
}

pub fn oid(n: u128) -> OrgId {
    OrgId::from_uuid(id(n))
}

pub fn software(name: &str, version: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: name.into(),
        vendor: None,
        version: version.into(),
        purl: Some(format!("pkg:generic/{name}@{version}")),
        cpe: None,
        source: SoftwareSource::Import,
    }
}

pub fn asset(n: u128, org: OrgId, software: Vec<InstalledSoftware>) -> Asset {
    Asset {
        id: ward_core::AssetId::from_uuid(id(n)),
        org,
        name: format!("asset-{n:06}"),
        kind: AssetKind::Server,
        hostname: Some(format!("host{n}.nhs.example")),
        internet_facing: n.is_multiple_of(3),
        services: Vec::new(),
        software,
    }
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:5432/postgres", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/postgres?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
}

/// The instance key of these tests.
pub fn test_key() -> ward_core::keys::InstanceKey {
    ward_core::keys::InstanceKey::from_bytes([0x57; 32])
}

/// `text` (a backup, possibly edited) with its MAC trailer made again with the test key, so a test
/// of row checks is not stopped by the MAC.
pub fn resign(text: &str) -> String {
    use std::io::Write;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("{\"ward_backup_mac\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let keys = ward_store::StoreKeys::new(&test_key());
    let mut out: Vec<u8> = Vec::new();
    let mut w = ward_store::backup::MacWriter::new(&mut out, &keys);
    w.write_all(body.as_bytes()).unwrap();
    w.finish().unwrap();
    String::from_utf8(out).unwrap()
}

/// Who restores in these tests.
pub fn restore_meta() -> ward_store::AuditMeta {
    ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("test-restore"),
        at: jiff::Timestamp::from_second(1_760_000_000).unwrap(),
        request_id: None,
    }
}
