//! Asset CSV import throughput against a plain bulk insert of the same rows into the same database.
//!
//! ```sh
//! cargo run --release -p ward-cli --example import_bench -- --rows 200000
//! cargo run --release -p ward-cli --example import_bench -- --rows 200000 \
//!     --database-url postgres://postgres@127.0.0.1:5432/ward_bench
//! ```
//! The database must be empty (a temporary SQLite file is used when no URL is given; a PostgreSQL
//! database is created when missing and dropped afterwards). Ward's path parses the CSV, checks every
//! row, resolves organisations, deduplicates software and writes assets, links and one audit record
//! in one transaction. The baseline inserts the same CSV rows, unchecked, into a plain table with
//! multi-row INSERTs in one transaction. The figure is Ward's rows/s divided by the baseline's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use std::fmt::Write;
use std::sync::Arc;
use std::time::Instant;
use ward_app::imports::assets::{AssetFormat, parse};
use ward_app::imports::orgs::{OrgFormat, parse as parse_orgs};
use ward_app::{Actor, App, AppSettings};
use ward_core::clock::SystemClock;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ORGS: usize = 200;
const SOFTWARE_PER_ASSET: usize = 5;
const PACKAGES: [(&str, &str, &str); 8] = [
    (
        "log4j-core",
        "Apache",
        "pkg:maven/org.apache.logging.log4j/log4j-core@",
    ),
    (
        "jackson-databind",
        "FasterXML",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@",
    ),
    ("lodash", "", "pkg:npm/lodash@"),
    ("express", "", "pkg:npm/express@"),
    ("requests", "", "pkg:pypi/requests@"),
    ("django", "", "pkg:pypi/django@"),
    ("openssl", "OpenSSL", ""),
    (
        "spring-core",
        "VMware",
        "pkg:maven/org.springframework/spring-core@",
    ),
];

fn csv(rows: usize) -> String {
    let mut s = String::from(
        "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n",
    );
    for r in 0..rows {
        let asset = r / SOFTWARE_PER_ASSET;
        let org = asset % ORGS;
        let (name, vendor, purl) = PACKAGES[(r * 7 + asset) % PACKAGES.len()];
        let version = format!("{}.{}.{}", 1 + r % 3, (asset * 13) % 20, r % 11);
        let purl = if purl.is_empty() {
            String::new()
        } else {
            format!("{purl}{version}")
        };
        let kind = if asset.is_multiple_of(4) {
            "server"
        } else {
            "end_user_device"
        };
        let _ = writeln!(
            s,
            "B{org:04},host-{asset:07},{kind},h{asset}.bench.nhs.uk,{},,{name},{vendor},{version},{purl},",
            if asset.is_multiple_of(50) { "yes" } else { "no" }
        );
    }
    s
}

fn orgs_csv() -> String {
    let mut s = String::from(
        "code,name,kind,parent_code\nX26,National,national_body,\nY56,Region,region,X26\nQMF,ICB,icb,Y56\n",
    );
    for o in 0..ORGS {
        let _ = writeln!(s, "B{o:04},Bench Trust {o},nhs_trust,QMF");
    }
    s
}

async fn plain_insert(url: &str, data: &str) -> f64 {
    let mut rdr = csv::ReaderBuilder::new().from_reader(data.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let start = Instant::now();
    if url.starts_with("postgres") {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query("CREATE TABLE plain_rows (org_code text, asset_name text, kind text, hostname text, internet_facing text, services text, software_name text, software_vendor text, software_version text, purl text, cpe text)").execute(&mut c).await.unwrap();
        let mut tx = c.begin().await.unwrap();
        for chunk in rows.chunks(500) {
            let mut q = String::from("INSERT INTO plain_rows VALUES ");
            for (i, _) in chunk.iter().enumerate() {
                let b = i * 11;
                let ph: Vec<String> = (1..=11).map(|k| format!("${}", b + k)).collect();
                let _ = write!(q, "{}({})", if i > 0 { "," } else { "" }, ph.join(","));
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(q));
            for r in chunk {
                for f in r.iter() {
                    query = query.bind(f.to_owned());
                }
            }
            query.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    } else {
        use sqlx::ConnectOptions;
        let path = url.trim_start_matches("sqlite://");
        let mut c = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE plain_rows (org_code, asset_name, kind, hostname, internet_facing, services, software_name, software_vendor, software_version, purl, cpe)").execute(&mut c).await.unwrap();
        use sqlx::Connection;
        let mut tx = c.begin().await.unwrap();
        for chunk in rows.chunks(500) {
            let mut q = String::from("INSERT INTO plain_rows VALUES ");
            for (i, _) in chunk.iter().enumerate() {
                let _ = write!(q, "{}(?,?,?,?,?,?,?,?,?,?,?)", if i > 0 { "," } else { "" });
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(q));
            for r in chunk {
                for f in r.iter() {
                    query = query.bind(f.to_owned());
                }
            }
            query.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rows: usize = arg("--rows").map_or(200_000, |r| r.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (store, url, pg_admin) = ward_testkit::db::bench_store(arg("--database-url"), dir.path())
        .await
        .unwrap();
    let app = App::new(
        Arc::clone(&store),
        Arc::new(SystemClock),
        AppSettings::default(),
        &ward_testkit::test_key(),
    )
    .unwrap();
    let actor = Actor::system("bench", ward_core::OrgId::from_uuid(uuid::Uuid::nil()));
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let recs = parse_orgs(OrgFormat::WardCsv, "orgs.csv", orgs_csv().as_bytes()).unwrap();
    app.import_orgs(&actor, "orgs.csv", &recs, today).await.unwrap();

    let data = csv(rows);
    let start = Instant::now();
    let records = parse(AssetFormat::Csv, "bench.csv", data.as_bytes()).unwrap();
    let parsed = start.elapsed().as_secs_f64();
    let summary = app.import_assets(&actor, "bench.csv", &records).await.unwrap();
    let ward = start.elapsed().as_secs_f64();
    eprintln!(
        "  (parse and check {parsed:.2}s, resolve and store {:.2}s)",
        ward - parsed
    );
    assert_eq!(summary.inserted as usize, rows / SOFTWARE_PER_ASSET);
    if args.iter().any(|a| a == "--ward-only") {
        println!("ward import {ward:.2}s");
        return;
    }
    let plain = plain_insert(&url, &data).await;
    let backend = store.backend();
    println!(
        "{backend}: {rows} rows ({} assets): ward import {:.2}s = {:.0} rows/s; plain bulk insert {:.2}s = {:.0} rows/s; ratio {:.2}",
        rows / SOFTWARE_PER_ASSET,
        ward,
        rows as f64 / ward,
        plain,
        rows as f64 / plain,
        plain / ward
    );
    drop((app, store));
    if let Some((admin, name)) = pg_admin {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut c)
        .await;
    }
}
