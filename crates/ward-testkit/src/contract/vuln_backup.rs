//! Vulnerability data in a backup: advisories with their alias and package lookups, the KEV
//! catalogue, EPSS scores, VEX statements, end-of-life products and feed source state come back
//! equal from a restore, on the same backend or the other one, and the restored database keeps
//! accepting them.

use super::fixtures::{Fixture, at, next_number};
use super::vuln::{nvd_advisory, osv_advisory};
use super::vuln_signals::{kev, release, statement};
use crate::check_eq;
use jiff::civil::date;
use std::sync::Arc;
use ward_core::OrgId;
use ward_core::vuln::{
    Advisory, EolDate, EolProduct, EpssHeader, EpssScore, KevCatalog, KevEntry, ProductIdentifier,
    VexStatement, VexStatus,
};
use ward_store::vuln::{AdvisoryFilter, FeedSourceState, StoredVex};
use ward_store::{PageRequest, Scope, Store};

/// What [`store_sample`] wrote, to look up again.
struct Sample {
    org: OrgId,
    advisories: Vec<Advisory>,
    alias: String,
    pypi_package: String,
    cpe: (String, String),
    catalog: KevCatalog,
    kev: Vec<KevEntry>,
    epss_header: EpssHeader,
    epss: Vec<EpssScore>,
    vuln: String,
    vex: Vec<VexStatement>,
    eol: Vec<EolProduct>,
    feeds: Vec<FeedSourceState>,
}

impl Sample {
    fn cves(&self) -> Vec<String> {
        self.kev.iter().map(|k| k.cve.clone()).collect()
    }

    fn epss_cves(&self) -> Vec<String> {
        self.epss.iter().map(|s| s.cve.clone()).collect()
    }
}

/// Floats that a careless text round trip changes: integral values, tiny ones, thirds.
const EPSS_VALUES: [f64; 6] = [0.0, 1.0, 0.000_01, 0.1, 1.0 / 3.0, 0.975_310_864_2];

async fn store_sample(store: &Arc<dyn Store>) -> anyhow::Result<Sample> {
    let n = next_number();
    let fx = Fixture::new(store.clone(), &format!("VB{n}"));
    let [_, _, _, trust, _] = fx.small_tree().await?;

    let alias = format!("CVE-2095-{n:05}");
    let pypi_package = format!("Backed_Up.Package{n}");
    let cpe = (format!("vendor{n}"), "appliance".to_owned());
    let first = osv_advisory(
        &format!("GHSA-bk{n}-aaaa"),
        &[alias.as_str()],
        "PyPI",
        &pypi_package,
        10,
    );
    let mut withdrawn = osv_advisory(
        &format!("RUSTSEC-2095-{n:04}"),
        &[alias.as_str()],
        "crates.io",
        &format!("backed-up-{n}"),
        12,
    );
    withdrawn.withdrawn = Some(at(20));
    let nvd = nvd_advisory(&format!("CVE-2095-{:05}", n + 50_000), &cpe.0, &cpe.1);
    let advisories = vec![first, withdrawn, nvd];
    store.upsert_advisories(&advisories, &fx.meta(1)).await?;

    let catalog = KevCatalog {
        title: Some("Known exploited, backed up".into()),
        catalog_version: Some(format!("2025.09.{n}")),
        date_released: Some("2025-09-01T12:00:00.5Z".into()),
        count: Some(2),
    };
    let mut quiet = kev(&format!("CVE-2094-{n}1"), false);
    quiet.due_date = None;
    quiet.description = None;
    quiet.cwes = vec![];
    let kev_entries = vec![kev(&format!("CVE-2094-{n}0"), true), quiet];
    // Without `replace`, so entries other checks stored stay.
    store
        .upsert_kev(&catalog, &kev_entries, false, &fx.meta(2))
        .await?;

    let epss_header = EpssHeader {
        model_version: Some("v2025.03.14".into()),
        score_date: Some(date(2025, 9, 1)),
    };
    let epss: Vec<EpssScore> = EPSS_VALUES
        .iter()
        .enumerate()
        .map(|(i, &x)| EpssScore {
            cve: format!("CVE-2093-{n}{i}"),
            epss: x,
            percentile: 1.0 - x,
        })
        .collect();
    store.upsert_epss(&epss_header, &epss, &fx.meta(3)).await?;

    let vuln = format!("CVE-2092-{n}");
    let feed = statement(&vuln, "router", VexStatus::NotAffected, "Vendor CSAF");
    let own = statement(&vuln, "router", VexStatus::Affected, "Trust security team");
    store
        .upsert_vex(&Scope::All, None, std::slice::from_ref(&feed), &fx.meta(4))
        .await?;
    store
        .upsert_vex(
            &Scope::subtree(trust.id),
            Some(trust.id),
            std::slice::from_ref(&own),
            &fx.meta(5),
        )
        .await?;

    let name = format!("backed-up-os-{n}");
    let eol = vec![
        EolProduct {
            product: name.clone(),
            title: Some("Backed-up OS".into()),
            category: Some("os".into()),
            identifiers: vec![ProductIdentifier {
                kind: "purl".into(),
                value: format!("pkg:deb/debian/{name}"),
            }],
            releases: vec![
                release(&name, "12", Some(EolDate::Date(date(2028, 6, 10)))),
                release(&name, "11", Some(EolDate::Flag(true))),
                release(&name, "10", None),
            ],
        },
        EolProduct {
            product: format!("bare-{n}"),
            title: None,
            category: None,
            identifiers: vec![],
            releases: vec![],
        },
    ];
    store.upsert_eol(&eol, &fx.meta(6)).await?;

    let feeds = vec![
        FeedSourceState {
            url: format!("https://feeds.example/{n}/full.zip"),
            name: "osv-pypi".into(),
            etag: Some("W/\"etag-1\"".into()),
            last_modified: Some("Mon, 01 Sep 2025 10:00:00 GMT".into()),
            version: Some("2025-09-01T10:00:00Z".into()),
            last_checked: Some(at(7)),
            last_success: Some(at(6)),
            last_error: Some("HTTP 503 once".into()),
            bytes: Some(9_876_543_210),
        },
        FeedSourceState {
            url: format!("https://feeds.example/{n}/never.json"),
            name: "kev".into(),
            ..FeedSourceState::default()
        },
    ];
    for (i, f) in feeds.iter().enumerate() {
        store.put_feed_source(f, &fx.meta(7 + i64::try_from(i)?)).await?;
    }
    Ok(Sample {
        org: trust.id,
        advisories,
        alias,
        pypi_package,
        cpe,
        catalog,
        kev: kev_entries,
        epss_header,
        epss,
        vuln,
        vex: vec![feed, own],
        eol,
        feeds,
    })
}

fn ids(list: &[Advisory]) -> Vec<String> {
    list.iter().map(|a| a.id.clone()).collect()
}

/// Every read of the sample, in order, as text.
async fn read_sample(store: &Arc<dyn Store>, s: &Sample) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for a in &s.advisories {
        out.push(format!("{:?}", store.get_advisory(&a.id).await?));
    }
    out.push(format!("{:?}", ids(&store.find_advisories(&s.alias).await?)));
    out.push(format!(
        "{:?}",
        ids(&store.advisories_for_package("PyPI", &s.pypi_package).await?)
    ));
    out.push(format!(
        "{:?}",
        ids(&store.advisories_for_cpe(&s.cpe.0, &s.cpe.1).await?)
    ));
    let filter = AdvisoryFilter {
        text: Some(s.alias.clone()),
        include_withdrawn: true,
        ..AdvisoryFilter::default()
    };
    let page = PageRequest { offset: 0, limit: 50 };
    out.push(format!("{:?}", store.list_advisories(&filter, page).await?));
    out.push(format!("{:?}", store.kev_catalog().await?));
    out.push(format!("{:?}", store.kev_for(&s.cves()).await?));
    out.push(format!("{:?}", store.epss_for(&s.epss_cves()).await?));
    out.push(format!("{:?}", store.vex_for(&Scope::All, &s.vuln).await?));
    out.push(format!(
        "{:?}",
        store
            .vex_for(&Scope::subtree(s.org), &format!("{}-ALIAS", s.vuln))
            .await?
    ));
    for p in &s.eol {
        out.push(format!("{:?}", store.get_eol_product(&p.product).await?));
    }
    out.push(format!("{:?}", store.list_eol_releases(None).await?));
    for f in &s.feeds {
        out.push(format!("{:?}", store.get_feed_source(&f.url).await?));
    }
    out.push(format!("{:?}", store.list_feed_sources().await?));
    out.push(format!("{:?}", store.vuln_totals().await?));
    Ok(out)
}

/// The sample as written, read back from `store` item by item.
async fn check_sample(store: &Arc<dyn Store>, s: &Sample, what: &str) -> anyhow::Result<()> {
    for a in &s.advisories {
        check_eq!(store.get_advisory(&a.id).await?, *a, "{what}: advisory {}", a.id);
    }
    check_eq!(
        ids(&store.find_advisories(&s.alias).await?),
        ids(&s.advisories[..2]),
        "{what}: advisories by alias"
    );
    check_eq!(
        ids(&store.advisories_for_package("PyPI", &s.pypi_package).await?),
        ids(&s.advisories[..1]),
        "{what}: advisories by package"
    );
    check_eq!(
        ids(&store.advisories_for_cpe(&s.cpe.0, &s.cpe.1).await?),
        ids(&s.advisories[2..]),
        "{what}: advisories by CPE"
    );
    check_eq!(
        store.kev_catalog().await?,
        Some(s.catalog.clone()),
        "{what}: KEV catalogue"
    );
    check_eq!(store.kev_for(&s.cves()).await?, s.kev, "{what}: KEV entries");
    let scores = store.epss_for(&s.epss_cves()).await?;
    check_eq!(scores.len(), s.epss.len(), "{what}: EPSS scores");
    for (got, want) in scores.iter().zip(&s.epss) {
        check_eq!(
            (got.cve.as_str(), got.epss.to_bits(), got.percentile.to_bits()),
            (want.cve.as_str(), want.epss.to_bits(), want.percentile.to_bits()),
            "{what}: EPSS score of {} to the bit",
            want.cve
        );
        check_eq!(got.score_date, s.epss_header.score_date, "{what}: EPSS date");
    }
    let vex: Vec<(Option<OrgId>, VexStatement)> = store
        .vex_for(&Scope::All, &s.vuln)
        .await?
        .into_iter()
        .map(|v: StoredVex| (v.org, v.statement))
        .collect();
    check_eq!(
        vex,
        vec![(None, s.vex[0].clone()), (Some(s.org), s.vex[1].clone())],
        "{what}: VEX statements"
    );
    for p in &s.eol {
        check_eq!(
            store.get_eol_product(&p.product).await?,
            *p,
            "{what}: end-of-life product {}",
            p.product
        );
    }
    for f in &s.feeds {
        check_eq!(
            store.get_feed_source(&f.url).await?,
            Some(f.clone()),
            "{what}: feed source {}",
            f.url
        );
    }
    Ok(())
}

/// Store a sample of every kind of vulnerability data in `source`, back it up, restore into the
/// empty `target`, and check that every item reads back equal to what was written and to what the
/// source reads. Then the restored data takes the same writes as the original: identical records
/// are `unchanged` (digests and floats came back exact) and new VEX statements get new ids.
pub async fn vuln_backup_restore(source: Arc<dyn Store>, target: Arc<dyn Store>) -> anyhow::Result<()> {
    let s = store_sample(&source).await?;
    check_sample(&source, &s, "source").await?;
    let mut backup = Vec::new();
    let written = source.backup(&mut backup).await?;
    for (table, at_least) in [
        ("advisories", 3),
        ("advisory_aliases", 2),
        ("advisory_packages", 3),
        ("kev_catalog", 1),
        ("kev", 2),
        ("epss", EPSS_VALUES.len()),
        ("vex_statements", 2),
        ("vex_ids", 2),
        ("eol_products", 2),
        ("eol_releases", 3),
        ("feed_sources", 2),
    ] {
        let n = written.tables.get(table).copied().unwrap_or(0);
        anyhow::ensure!(
            n >= u64::try_from(at_least)?,
            "backup counts {n} rows of {table}, expected at least {at_least}"
        );
    }
    let restored = target
        .restore(&mut backup.as_slice(), &crate::db::restore_meta())
        .await?;
    check_eq!(restored, written, "rows restored per table");
    check_sample(&target, &s, "restored").await?;
    let (before, after) = (read_sample(&source, &s).await?, read_sample(&target, &s).await?);
    if let Some((x, y)) = before.iter().zip(&after).find(|(x, y)| x != y) {
        anyhow::bail!("the restored database reads differently: {x} != {y}");
    }
    check_eq!(before.len(), after.len(), "reads of the sample");

    // The same writes again change nothing; a new statement gets an id of its own.
    let fx = Fixture::new(target.clone(), &format!("VR{}", next_number()));
    let c = target.upsert_advisories(&s.advisories, &fx.meta(40)).await?;
    check_eq!(
        (c.unchanged, c.inserted, c.updated),
        (3, 0, 0),
        "advisories again after restore"
    );
    let c = target.upsert_kev(&s.catalog, &s.kev, false, &fx.meta(41)).await?;
    check_eq!(c.unchanged, 2, "KEV again after restore");
    let c = target.upsert_epss(&s.epss_header, &s.epss, &fx.meta(42)).await?;
    check_eq!(
        (c.unchanged, c.updated),
        (u64::try_from(s.epss.len())?, 0),
        "EPSS again after restore"
    );
    let c = target.upsert_eol(&s.eol, &fx.meta(43)).await?;
    check_eq!(c.unchanged, 2, "end-of-life products again after restore");
    let c = target
        .upsert_vex(&Scope::All, None, &s.vex[..1], &fx.meta(44))
        .await?;
    check_eq!(c.unchanged, 1, "VEX statement again after restore");
    let added = statement(&s.vuln, "switch", VexStatus::Fixed, "Vendor CSAF");
    let c = target
        .upsert_vex(&Scope::All, None, std::slice::from_ref(&added), &fx.meta(45))
        .await?;
    check_eq!(c.inserted, 1, "new VEX statement after restore");
    check_eq!(
        target.vex_for(&Scope::All, &s.vuln).await?.len(),
        3,
        "statements after restore"
    );
    let totals = (source.vuln_totals().await?, target.vuln_totals().await?);
    check_eq!(totals.1.vex, totals.0.vex + 1, "one more VEX statement");
    Ok(())
}
