//! The real public data in `../shared/data` imported through `ward_app::feeds` on both backends:
//! counts against what the parsers read, idempotent re-import, withdrawn advisories, alias lookups.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use ward_app::feeds::FeedImportSummary;
use ward_core::vuln::Advisory;
use ward_feeds::Feed;
use ward_store::Store;

use crate::support::{app_over, files, operator, shared_data};

/// Every file the test imports, by kind, and what the parsers read from them.
struct RealData {
    osv: Vec<PathBuf>,
    kev: PathBuf,
    csaf: Vec<PathBuf>,
    eol: Vec<PathBuf>,
    advisories: BTreeMap<String, Advisory>,
    kev_entries: usize,
    vex_statements: u64,
}

fn load() -> Option<RealData> {
    let osv_dir = shared_data("osv")?;
    let kev = shared_data("kev/known_exploited_vulnerabilities.json")?;
    let csaf_dir = shared_data("csaf")?;
    let eol_dir = shared_data("eol/products")?;
    let osv = files(&osv_dir, &[".json", ".yaml"]);
    let csaf = files(&csaf_dir, &[".json"]);
    let eol = files(&eol_dir, &[".md"]);
    let mut advisories = BTreeMap::new();
    let mut vex_statements = 0;
    for path in osv.iter().chain(&csaf) {
        let name = path.display().to_string();
        match ward_feeds::parse_file_bytes(&name, &std::fs::read(path).unwrap()).unwrap() {
            Feed::Advisories(p) => advisories.extend(p.items.into_iter().map(|a| (a.id.clone(), a))),
            Feed::Csaf(doc) => {
                vex_statements += doc.value.statements.len() as u64;
                advisories.insert(doc.value.advisory.id.clone(), doc.value.advisory);
            }
            other => panic!("{name}: unexpected {other:?}"),
        }
    }
    let text = std::fs::read_to_string(&kev).unwrap();
    let kev_entries = ward_feeds::parse_kev("kev", &text).unwrap().entries.items.len();
    Some(RealData {
        osv,
        kev,
        csaf,
        eol,
        advisories,
        kev_entries,
        vex_statements,
    })
}

async fn import_all(app: &ward_app::App, paths: &[&PathBuf]) -> FeedImportSummary {
    let actor = operator();
    let mut import = app.feed_import(&actor).unwrap();
    for path in paths {
        let bytes = std::fs::read(path).unwrap();
        import
            .add_bytes(&path.display().to_string(), &bytes)
            .await
            .unwrap();
    }
    import.finish().await.unwrap()
}

fn kind(s: &FeedImportSummary, k: &str) -> ward_app::feeds::KindCounts {
    s.by_kind.get(k).copied().unwrap_or_default()
}

async fn real_data_round_trip(store: Arc<dyn Store>) {
    let Some(data) = load() else { return };
    let app = app_over(store.clone());
    let paths: Vec<&PathBuf> = data
        .osv
        .iter()
        .chain(std::iter::once(&data.kev))
        .chain(&data.csaf)
        .chain(&data.eol)
        .collect();
    let started = Instant::now();
    let first = import_all(&app, &paths).await;
    let first_time = started.elapsed();
    for p in first.problems.iter().take(20) {
        println!("  problem: {p}");
    }
    println!(
        "{}: first import of {} files in {first_time:?}: {:?}",
        store.backend(),
        first.files,
        first.by_kind
    );
    assert!(first.is_clean(), "{:?}", first.problems);
    assert_eq!(first.files, paths.len() as u64);

    let advisories = kind(&first, "advisories");
    let files_with_advisories = (data.osv.len() + data.csaf.len()) as u64;
    assert_eq!(advisories.records, files_with_advisories);
    assert_eq!(advisories.inserted, data.advisories.len() as u64);
    assert_eq!(
        advisories.stale,
        files_with_advisories - data.advisories.len() as u64
    );
    let withdrawn = data.advisories.values().filter(|a| a.withdrawn.is_some()).count();
    assert!(withdrawn > 0, "the real data has withdrawn advisories");
    assert_eq!(first.withdrawn, withdrawn as u64);
    let kev = kind(&first, "kev");
    assert_eq!(
        (kev.records, kev.inserted),
        (data.kev_entries as u64, data.kev_entries as u64)
    );
    let vex = kind(&first, "vex");
    assert_eq!(vex.records, data.vex_statements);
    assert!(vex.inserted > 0);
    assert_eq!(vex.inserted + vex.stale, vex.records);
    let eol = kind(&first, "eol");
    assert_eq!(
        (eol.records, eol.inserted),
        (data.eol.len() as u64, data.eol.len() as u64)
    );

    let totals = store.vuln_totals().await.unwrap();
    assert_eq!(totals.advisories, data.advisories.len() as u64);
    assert_eq!(totals.withdrawn, withdrawn as u64);
    assert_eq!(totals.kev, data.kev_entries as u64);
    assert_eq!(totals.vex, vex.inserted);
    assert_eq!(totals.eol_products, data.eol.len() as u64);

    // The second time, everything is unchanged.
    let started = Instant::now();
    let second = import_all(&app, &paths).await;
    println!("{}: second import in {:?}", store.backend(), started.elapsed());
    assert!(second.is_clean());
    assert_eq!(
        (second.inserted, second.updated, second.removed),
        (0, 0, 0),
        "{:?}",
        second.by_kind
    );
    assert_eq!(second.unchanged + second.stale, second.records);
    assert_eq!(store.vuln_totals().await.unwrap(), totals);

    check_lookups(&store, &data).await;
}

/// Aliases lead from a CVE to the RUSTSEC and PYSEC records; withdrawn records are stored but match
/// nothing.
async fn check_lookups(store: &Arc<dyn Store>, data: &RealData) {
    for prefix in ["RUSTSEC-", "PYSEC-"] {
        let (id, cve) = data
            .advisories
            .values()
            .filter(|a| a.id.starts_with(prefix) && a.withdrawn.is_none())
            .find_map(|a| {
                a.aliases
                    .iter()
                    .find(|x| x.starts_with("CVE-"))
                    .map(|c| (&a.id, c))
            })
            .unwrap();
        let found: BTreeSet<String> = store
            .find_advisories(cve)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert!(found.contains(id), "{cve} finds {id}: {found:?}");
        let expected: BTreeSet<String> = data
            .advisories
            .values()
            .filter(|a| a.id == *cve || a.aliases.contains(cve))
            .map(|a| a.id.clone())
            .collect();
        assert_eq!(found, expected, "{cve}");
        let stored = store.get_advisory(id).await.unwrap();
        assert_eq!(&stored, &data.advisories[id]);
    }
    let gone = data.advisories.values().find(|a| a.withdrawn.is_some()).unwrap();
    assert_eq!(&store.get_advisory(&gone.id).await.unwrap(), gone);
    let package = gone.affected.iter().find_map(|e| e.package.clone()).unwrap();
    let matching = store
        .advisories_for_package(&package.ecosystem, &package.name)
        .await
        .unwrap();
    assert!(matching.iter().all(|a| a.id != gone.id && a.withdrawn.is_none()));
    let live = data
        .advisories
        .values()
        .find(|a| a.withdrawn.is_none() && a.affected.iter().any(|e| e.package.is_some()))
        .unwrap();
    let p = live.affected.iter().find_map(|e| e.package.clone()).unwrap();
    let ids: Vec<String> = store
        .advisories_for_package(&p.ecosystem, &p.name)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(ids.contains(&live.id), "{} {} -> {ids:?}", p.ecosystem, p.name);
    let log4shell = store.get_kev("CVE-2021-44228").await.unwrap().unwrap();
    assert_eq!(log4shell.vendor, "Apache");
    let nginx = store.get_eol_product("nginx").await.unwrap();
    assert!(!nginx.releases.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_feeds_on_sqlite() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    real_data_round_trip(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_feeds_on_postgres() {
    let Some(db) = ward_testkit::fresh_postgres().await else {
        return;
    };
    real_data_round_trip(db.store.clone()).await;
}

#[tokio::test]
async fn only_national_roles_import_feeds() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let mut actor = operator();
    actor.principal = ward_app::Principal::Token(ward_core::TokenId::from_uuid(uuid::Uuid::nil()));
    actor.role = ward_core::role::Role::OrgAdmin;
    let denied = app.import_feed(&actor, "kev.json", b"{}").await;
    assert!(
        matches!(denied, Err(ward_app::AppError::Forbidden(_))),
        "{denied:?}"
    );
    actor.role = ward_core::role::Role::NationalAnalyst;
    let summary = app
        .import_feed(&actor, "x.json", b"{\"not\": \"a feed\"}")
        .await
        .unwrap();
    assert_eq!(summary.files_rejected, 1);
    assert!(
        summary.problems[0].reason.contains("not OSV"),
        "{:?}",
        summary.problems
    );
}
