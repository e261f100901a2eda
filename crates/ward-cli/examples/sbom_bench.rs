//! SBOM ingest rate: the real SBOMs in `../shared/data/sbom` uploaded as assets' software lists,
//! through the same use case as the API and the asset page (`App::upload_sbom`: parse, turn
//! components into software records, replace the asset's earlier SBOM software, store with an
//! audit record).
//!
//! ```sh
//! cargo run --release -p ward-cli --example sbom_bench -- --rounds 20
//! cargo run --release -p ward-cli --example sbom_bench -- --rounds 20 \
//!     --database-url postgres://postgres@127.0.0.1:5432/ward_bench_sbom
//! ```
//! Each round uploads every SBOM to a fresh asset (so every upload writes its components), and the
//! figure is components stored per second over all rounds, with the parse share reported apart.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use ward_app::imports::orgs::{OrgFormat, parse as parse_orgs};
use ward_app::{Actor, App, AppSettings};
use ward_core::asset::{Asset, AssetKind};
use ward_core::clock::SystemClock;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn sbom_files() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/sbom");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") || name.ends_with(".xml") {
            out.push((name, std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
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
    let rounds: usize = arg("--rounds").map_or(10, |r| r.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (store, _url, _) = ward_testkit::db::bench_store(arg("--database-url"), dir.path())
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
    let orgs = "code,name,kind,parent_code\nX26,National,national_body,\nY56,Region,region,X26\nQMF,ICB,icb,Y56\nRJZ,Bench Trust,nhs_trust,QMF\n";
    let recs = parse_orgs(OrgFormat::WardCsv, "orgs.csv", orgs.as_bytes()).unwrap();
    app.import_orgs(&actor, "orgs.csv", &recs, today).await.unwrap();
    let trust = store
        .get_org_by_code(
            &ward_store::Scope::All,
            &ward_core::org::OdsCode::parse("RJZ").unwrap(),
        )
        .await
        .unwrap()
        .id;

    let files = sbom_files();
    let mut parse_secs = 0.0;
    for (name, bytes) in &files {
        let start = Instant::now();
        let feed = ward_feeds::parse_file_bytes(name, bytes).unwrap();
        parse_secs += start.elapsed().as_secs_f64();
        let ward_feeds::Feed::Sbom(doc) = feed else {
            panic!("{name} is not an SBOM")
        };
        println!("{name}: {} components", doc.value.components.len());
    }
    let mut stored = 0_u64;
    let mut components = 0_u64;
    let start = Instant::now();
    for round in 0..rounds {
        for (i, (name, bytes)) in files.iter().enumerate() {
            let asset = Asset {
                id: ward_core::AssetId::from_uuid(uuid::Uuid::now_v7()),
                org: trust,
                name: format!("SBOM host {round}-{i}"),
                kind: AssetKind::Server,
                hostname: None,
                internet_facing: false,
                services: vec![],
                software: vec![],
            };
            app.create_assets(&actor, std::slice::from_ref(&asset))
                .await
                .unwrap();
            let s = app
                .upload_sbom(&actor, asset.id, name, bytes.clone())
                .await
                .unwrap();
            stored += s.stored;
            components += s.components;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "backend {}: {rounds} rounds x {} SBOMs, {components} components, {stored} software records stored in {secs:.2} s: \
         {:.0} components/s, {:.0} records/s (parsing alone: {:.0} components/s)",
        store.backend(),
        files.len(),
        components as f64 / secs,
        stored as f64 / secs,
        (components / rounds as u64) as f64 / parse_secs
    );
}
