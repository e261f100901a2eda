//! Vulnerability intelligence: advisories (dedupe by id, modified/digest rules, aliases, package and
//! CPE lookups, withdrawn records, listing), the KEV catalogue, EPSS in bulk, VEX statements with
//! their scoping, end-of-life dates and feed source state; one audit record per write.
//!
//! Ids carry a per-run number so the check can share a database with the other checks.

use super::fixtures::{AuditCursor, Fixture, at, next_number};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::vuln::{
    Advisory, AdvisorySource, Affected, CpeMatch, Event, PackageRef, Range, RangeKind, Severity, SeverityKind,
};
use ward_store::vuln::{AdvisoryFilter, VulnCounts};
use ward_store::{PageRequest, Store, StoreError};

pub use super::vuln_signals::{vuln_eol_and_feed_sources, vuln_kev_and_epss, vuln_vex_statements};

fn counts(inserted: u64, updated: u64, unchanged: u64, stale: u64) -> VulnCounts {
    VulnCounts {
        inserted,
        updated,
        unchanged,
        stale,
        removed: 0,
    }
}

/// An OSV-shaped advisory of one package.
pub fn osv_advisory(id: &str, aliases: &[&str], ecosystem: &str, package: &str, modified: i64) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        related: vec![],
        summary: Some(format!("Flaw in {package}")),
        details: Some("Details with \"quotes\", é and a\nnewline.".into()),
        published: Some(at(0)),
        modified: Some(at(modified)),
        withdrawn: None,
        severity: vec![Severity {
            kind: SeverityKind::CvssV3,
            score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
            base_score: Some(9.8),
            assigned_by: None,
        }],
        affected: vec![Affected {
            package: Some(PackageRef {
                ecosystem: ecosystem.to_owned(),
                name: package.to_owned(),
                purl: None,
            }),
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                repo: None,
                events: vec![Event::Introduced("0".into()), Event::Fixed("2.0.1".into())],
            }],
            versions: vec!["1.0".into()],
            ..Affected::default()
        }],
        references: vec![],
        cwes: vec!["CWE-79".into()],
        source: AdvisorySource::Osv,
    }
}

pub(super) fn nvd_advisory(id: &str, vendor: &str, product: &str) -> Advisory {
    Advisory {
        affected: vec![Affected {
            cpes: vec![CpeMatch {
                criteria: format!("cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*"),
                version_start_including: Some("1.0".into()),
                version_start_excluding: None,
                version_end_including: None,
                version_end_excluding: Some("1.4".into()),
                vulnerable: true,
            }],
            ..Affected::default()
        }],
        source: AdvisorySource::Nvd,
        ..osv_advisory(id, &[], "PyPI", "unused", 5)
    }
}

fn ids(list: Vec<Advisory>) -> Vec<String> {
    list.into_iter().map(|a| a.id).collect()
}

/// Advisories: counts, replacement rules, alias and package lookups, withdrawn, listing, audit.
pub async fn vuln_advisories(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "VA");
    let n = next_number();
    let cve = format!("CVE-2099-{n:05}");
    let ghsa = format!("GHSA-ctr{n}-aaaa");
    let rustsec = format!("RUSTSEC-2099-{n:04}");
    let nvd_id = format!("CVE-2099-{:05}", n + 50_000);
    let vendor = format!("acme{n}");
    let pypi_name = format!("Django_Rest.Thing{n}");
    let crate_name = format!("serde-like-{n}");
    let a = osv_advisory(&ghsa, &[cve.as_str()], "PyPI", &pypi_name, 10);
    let mut b = osv_advisory(&rustsec, &[cve.as_str()], "crates.io", &crate_name, 10);
    b.withdrawn = Some(at(20));
    let c = nvd_advisory(&nvd_id, &vendor, "Widget");
    let mut cursor = AuditCursor::at_end(&store).await?;

    let first = store
        .upsert_advisories(&[a.clone(), b.clone(), c.clone()], &fx.meta(30))
        .await?;
    check_eq!(first, counts(3, 0, 0, 0), "first import");
    let records = cursor
        .expect(&store, "one record per batch", &[("advisories.import", None)])
        .await?;
    let detail: serde_json::Value = serde_json::from_str(records[0].event.detail.as_deref().unwrap_or("{}"))?;
    check_eq!(detail["inserted"], serde_json::json!(3), "audit detail counts");
    check_eq!(store.get_advisory(&ghsa).await?, a, "advisory round trip");
    check_eq!(
        store.get_advisory(&rustsec).await?,
        b,
        "withdrawn advisory round trip"
    );
    check_err!(
        store.get_advisory("GHSA-none").await,
        StoreError::NotFound { .. },
        "unknown id"
    );

    let again = store
        .upsert_advisories(&[a.clone(), b.clone(), c.clone()], &fx.meta(31))
        .await?;
    check_eq!(again, counts(0, 0, 3, 0), "the same records again");
    cursor
        .expect(
            &store,
            "unchanged import still audited",
            &[("advisories.import", None)],
        )
        .await?;

    // An older copy with other content does not replace the stored record.
    let mut older = a.clone();
    older.modified = Some(at(5));
    older.summary = Some("an older text".into());
    check_eq!(
        store.upsert_advisories(&[older], &fx.meta(32)).await?,
        counts(0, 0, 0, 1),
        "older record"
    );
    check_eq!(store.get_advisory(&ghsa).await?, a, "older copy ignored");

    // A newer copy replaces it, and its aliases replace the old ones.
    let new_alias = format!("PYSEC-2099-{n}");
    let mut newer = a.clone();
    newer.modified = Some(at(40));
    newer.aliases = vec![new_alias.clone()];
    // Two copies in one batch: the newest wins and the other counts as stale.
    check_eq!(
        store
            .upsert_advisories(&[a.clone(), newer.clone()], &fx.meta(33))
            .await?,
        counts(0, 1, 0, 1),
        "newer record with a duplicate in the batch"
    );
    check_eq!(store.get_advisory(&ghsa).await?, newer, "newer copy stored");
    check_eq!(
        ids(store.find_advisories(&cve).await?),
        vec![rustsec.clone()],
        "old alias dropped"
    );
    check_eq!(
        ids(store.find_advisories(&new_alias).await?),
        vec![ghsa.clone()],
        "new alias"
    );
    check_eq!(
        ids(store.find_advisories(&ghsa).await?),
        vec![ghsa.clone()],
        "by own id"
    );

    // Same modified time, different content: replaced (the digest differs).
    let mut relabelled = newer.clone();
    relabelled.aliases.push(cve.clone());
    check_eq!(
        store
            .upsert_advisories(&[relabelled.clone()], &fx.meta(34))
            .await?,
        counts(0, 1, 0, 0),
        "same modified, new content"
    );
    check_eq!(
        ids(store.find_advisories(&cve).await?),
        vec![ghsa.clone(), rustsec.clone()],
        "alias finds both, by id"
    );

    // Package and CPE lookups: names normalised, withdrawn records left out.
    let spelled = pypi_name.to_lowercase().replace(['_', '.'], "-");
    check_eq!(
        ids(store.advisories_for_package("PyPI", &spelled).await?),
        vec![ghsa.clone()],
        "PyPI name by PEP 503"
    );
    check_eq!(
        store.advisories_for_package("crates.io", &crate_name).await?,
        vec![],
        "withdrawn advisories match nothing"
    );
    check_eq!(
        store.advisories_for_package("npm", &pypi_name).await?,
        vec![],
        "other ecosystem"
    );
    check_eq!(
        ids(store.advisories_for_cpe(&vendor.to_uppercase(), "WIDGET").await?),
        vec![nvd_id.clone()],
        "CPE vendor and product"
    );

    list_checks(&store, n, &ghsa, &rustsec, &nvd_id, &pypi_name).await?;

    check_err!(
        store
            .upsert_advisories(&[osv_advisory("", &[], "PyPI", "x", 1)], &fx.meta(35))
            .await,
        StoreError::Invalid(_),
        "empty id"
    );
    check_err!(
        store
            .upsert_advisories(&[osv_advisory("BAD\u{7}ID", &[], "PyPI", "x", 1)], &fx.meta(35))
            .await,
        StoreError::Invalid(_),
        "control characters"
    );
    cursor.take(&store).await?;
    Ok(())
}

async fn list_checks(
    store: &Arc<dyn Store>,
    n: u64,
    ghsa: &str,
    rustsec: &str,
    nvd_id: &str,
    pypi_name: &str,
) -> anyhow::Result<()> {
    let all = PageRequest {
        offset: 0,
        limit: 1000,
    };
    let text = AdvisoryFilter {
        text: Some(rustsec.to_lowercase()),
        include_withdrawn: true,
        ..AdvisoryFilter::default()
    };
    let page = store.list_advisories(&text, all).await?;
    let got: Vec<&str> = page.items.iter().map(|s| s.id.as_str()).collect();
    check_eq!(got, vec![rustsec], "text search over ids, withdrawn included");
    let by_alias = AdvisoryFilter {
        text: Some(format!("pysec-2099-{n}")),
        ..AdvisoryFilter::default()
    };
    let page = store.list_advisories(&by_alias, all).await?;
    check_eq!(page.items.len(), 1, "text search over aliases, case-insensitive");
    check_eq!(page.items[0].id, ghsa, "alias search finds the advisory");
    check_eq!(page.items[0].aliases.len(), 2, "summary carries aliases");
    let by_package = AdvisoryFilter {
        ecosystem: Some("PyPI".into()),
        package: Some(pypi_name.to_uppercase()),
        ..AdvisoryFilter::default()
    };
    let page = store.list_advisories(&by_package, all).await?;
    check_eq!(page.total, 1, "ecosystem and package filter");
    let cpe = AdvisoryFilter {
        ecosystem: Some("CPE".into()),
        modified_since: Some(at(5)),
        text: Some(nvd_id.to_lowercase()),
        ..AdvisoryFilter::default()
    };
    check_eq!(
        store.list_advisories(&cpe, all).await?.total,
        1,
        "CPE index and modified since"
    );
    let late = AdvisoryFilter {
        modified_since: Some(at(6)),
        ..cpe
    };
    check_eq!(
        store.list_advisories(&late, all).await?.total,
        0,
        "modified since excludes older"
    );
    let hidden = AdvisoryFilter {
        text: Some(rustsec.to_owned()),
        ..AdvisoryFilter::default()
    };
    check_eq!(
        store.list_advisories(&hidden, all).await?.total,
        0,
        "withdrawn left out by default"
    );
    let everything = AdvisoryFilter::default();
    let first = store
        .list_advisories(&everything, PageRequest { offset: 0, limit: 1 })
        .await?;
    let second = store
        .list_advisories(&everything, PageRequest { offset: 1, limit: 1 })
        .await?;
    check_eq!(first.total, second.total, "total is the same on every page");
    check_eq!(first.items.len(), 1, "page size");
    let ordered = first.items[0].modified >= second.items.first().and_then(|s| s.modified);
    anyhow::ensure!(ordered, "newest modified first");
    Ok(())
}
