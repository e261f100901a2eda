//! KEV, EPSS, VEX statements, end-of-life dates and feed source state (see `vuln.rs`).

use super::fixtures::{AuditCursor, Fixture, at, next_number};
use crate::{check_eq, check_err};
use jiff::civil::date;
use std::sync::Arc;
use ward_core::vuln::{
    EolDate, EolProduct, EolRelease, EpssHeader, EpssScore, Justification, KevCatalog, KevEntry,
    ProductIdentifier, ProductRef, VexStatement, VexStatus,
};
use ward_store::vuln::{FeedSourceState, VulnCounts};
use ward_store::{Scope, Store, StoreError};

pub(super) fn kev(cve: &str, ransomware: bool) -> KevEntry {
    KevEntry {
        cve: cve.to_owned(),
        vendor: "Acme".into(),
        product: "Widget".into(),
        name: "Acme Widget remote code execution".into(),
        date_added: date(2024, 1, 10),
        due_date: Some(date(2024, 1, 31)),
        known_ransomware: ransomware,
        description: Some("A flaw.".into()),
        required_action: "Apply updates.".into(),
        notes: None,
        cwes: vec!["CWE-787".into()],
    }
}

/// The KEV catalogue replaced as a set, and EPSS scores in bulk.
pub async fn vuln_kev_and_epss(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "VK");
    let n = next_number();
    let cves: Vec<String> = (0..3).map(|i| format!("CVE-2098-{n}{i}")).collect();
    let catalog = KevCatalog {
        title: Some("CISA Catalog of Known Exploited Vulnerabilities".into()),
        catalog_version: Some(format!("2025.08.{n}")),
        date_released: Some("2025-08-25T15:01:48.6769Z".into()),
        count: Some(2),
    };
    let mut cursor = AuditCursor::at_end(&store).await?;
    let first = [kev(&cves[0], false), kev(&cves[1], true)];
    let c = store.upsert_kev(&catalog, &first, true, &fx.meta(10)).await?;
    check_eq!((c.inserted, c.updated, c.unchanged), (2, 0, 0), "first catalogue");
    cursor
        .expect(&store, "kev audit", &[("kev.import", None)])
        .await?;
    check_eq!(
        store.get_kev(&cves[1]).await?,
        Some(first[1].clone()),
        "KEV round trip"
    );
    check_eq!(
        store.kev_catalog().await?,
        Some(catalog.clone()),
        "catalogue header"
    );
    let mut changed = kev(&cves[0], true);
    changed.due_date = None;
    let second = [changed.clone(), kev(&cves[2], false)];
    let c = store.upsert_kev(&catalog, &second, true, &fx.meta(11)).await?;
    check_eq!((c.inserted, c.updated, c.removed), (1, 1, 1), "replacement");
    check_eq!(store.get_kev(&cves[1]).await?, None, "removed entry");
    check_eq!(
        store.kev_for(&[cves[2].clone(), cves[0].clone()]).await?,
        vec![changed.clone(), kev(&cves[2], false)],
        "lookup by CVE list, ordered"
    );
    let c = store
        .upsert_kev(&catalog, &first[..1], false, &fx.meta(12))
        .await?;
    check_eq!(
        (c.updated, c.removed),
        (1, 0),
        "without replace nothing is removed"
    );
    check_eq!(store.kev_for(&cves).await?.len(), 2, "entries kept");

    let header = EpssHeader {
        model_version: Some("v2025.03.14".into()),
        score_date: Some(date(2025, 8, 25)),
    };
    let score = |cve: &str, epss: f64| EpssScore {
        cve: cve.to_owned(),
        epss,
        percentile: 0.5,
    };
    let bulk: Vec<EpssScore> = (0..12_000)
        .map(|i| score(&format!("CVE-2097-{n}{i:06}"), f64::from(i) / 12_000.0))
        .collect();
    let c = store.upsert_epss(&header, &bulk, &fx.meta(20)).await?;
    check_eq!((c.inserted, c.updated, c.unchanged), (12_000, 0, 0), "bulk EPSS");
    let mut next = bulk.clone();
    next[7].epss = 0.99;
    next.push(score(&bulk[8].cve, 0.25));
    let c = store.upsert_epss(&header, &next, &fx.meta(21)).await?;
    check_eq!(
        c,
        VulnCounts {
            inserted: 0,
            updated: 2,
            unchanged: 11_998,
            stale: 1,
            removed: 0
        },
        "EPSS changes and a repeated CVE"
    );
    let got = store.get_epss(&bulk[7].cve).await?;
    check_eq!(
        got.as_ref().map(|s| (s.epss, s.percentile)),
        Some((0.99, 0.5)),
        "EPSS round trip"
    );
    check_eq!(got.and_then(|s| s.score_date), header.score_date, "score date");
    check_eq!(
        store.get_epss(&bulk[8].cve).await?.map(|s| s.epss),
        Some(0.25),
        "last copy wins"
    );
    check_err!(
        store
            .upsert_epss(&header, &[score("CVE-1-1", 1.5)], &fx.meta(22))
            .await,
        StoreError::Invalid(_),
        "out of range"
    );
    cursor.take(&store).await?;
    Ok(())
}

pub(super) fn statement(vuln: &str, product: &str, status: VexStatus, source: &str) -> VexStatement {
    VexStatement {
        vulnerability: vuln.to_owned(),
        aliases: vec![format!("{vuln}-ALIAS")],
        product: ProductRef {
            id: Some(product.to_owned()),
            name: Some(format!("{product} appliance")),
            purl: Some(format!("pkg:generic/{product}@1.0")),
            version: Some("1.0".into()),
            ..ProductRef::default()
        },
        status,
        source_status: status.as_str().to_owned(),
        justification: (status == VexStatus::NotAffected).then_some(Justification::VulnerableCodeNotPresent),
        detail: Some("Checked by the vendor.".into()),
        actions: vec!["Upgrade to 1.1".into()],
        source: source.to_owned(),
    }
}

/// Feed statements need the whole sector; organisation statements stay inside their scope.
pub async fn vuln_vex_statements(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "VV");
    let [_, _, _, trust_a, trust_b] = fx.small_tree().await?;
    let n = next_number();
    let vuln = format!("CVE-2096-{n}");
    let feed = statement(&vuln, "router", VexStatus::NotAffected, "Vendor CSAF-1");
    let own = statement(&vuln, "router", VexStatus::Affected, "Trust A security team");
    let (scope_a, scope_b) = (Scope::subtree(trust_a.id), Scope::subtree(trust_b.id));
    let mut cursor = AuditCursor::at_end(&store).await?;

    let c = store
        .upsert_vex(&Scope::All, None, std::slice::from_ref(&feed), &fx.meta(10))
        .await?;
    check_eq!(c.inserted, 1, "feed statement");
    let c = store
        .upsert_vex(
            &scope_a,
            Some(trust_a.id),
            std::slice::from_ref(&own),
            &fx.meta(11),
        )
        .await?;
    check_eq!(c.inserted, 1, "organisation statement");
    cursor
        .expect(
            &store,
            "vex audit",
            &[("vex.import", None), ("vex.import", Some(trust_a.id))],
        )
        .await?;
    check_err!(
        store
            .upsert_vex(&scope_a, None, std::slice::from_ref(&feed), &fx.meta(12))
            .await,
        StoreError::Forbidden { .. },
        "feed statements need national scope"
    );
    check_err!(
        store
            .upsert_vex(
                &scope_b,
                Some(trust_a.id),
                std::slice::from_ref(&own),
                &fx.meta(12)
            )
            .await,
        StoreError::Forbidden { .. },
        "another organisation's statements"
    );
    cursor
        .expect(&store, "refused writes leave no record", &[])
        .await?;

    let seen_by_a = store.vex_for(&scope_a, &vuln).await?;
    check_eq!(seen_by_a.len(), 2, "A sees the feed and its own statement");
    check_eq!(seen_by_a[0].org, None, "feed first");
    check_eq!(seen_by_a[0].statement, feed, "feed statement round trip");
    check_eq!(seen_by_a[1].org, Some(trust_a.id), "own statement");
    check_eq!(seen_by_a[1].statement, own, "own statement round trip");
    check_eq!(seen_by_a[1].updated_at, at(11), "written at");
    let seen_by_b = store.vex_for(&scope_b, &vuln).await?;
    check_eq!(seen_by_b.len(), 1, "B sees only the feed statement");
    check_eq!(
        store.vex_for(&Scope::All, &format!("{vuln}-ALIAS")).await?.len(),
        2,
        "by alias"
    );

    let fixed = VexStatement {
        status: VexStatus::Fixed,
        source_status: "fixed".into(),
        justification: None,
        ..feed.clone()
    };
    let other_product = statement(&vuln, "switch", VexStatus::UnderInvestigation, "Vendor CSAF-1");
    let c = store
        .upsert_vex(
            &Scope::All,
            None,
            &[fixed.clone(), other_product, feed.clone()],
            &fx.meta(13),
        )
        .await?;
    check_eq!(
        (c.inserted, c.unchanged, c.stale),
        (1, 1, 1),
        "same product repeated: last wins"
    );
    let c = store
        .upsert_vex(&Scope::All, None, std::slice::from_ref(&fixed), &fx.meta(14))
        .await?;
    check_eq!(c.updated, 1, "status change of the same product");
    let statuses: Vec<VexStatus> = store
        .vex_for(&scope_b, &vuln)
        .await?
        .iter()
        .map(|s| s.statement.status)
        .collect();
    check_eq!(statuses.len(), 2, "two feed products");
    anyhow::ensure!(
        statuses.contains(&VexStatus::Fixed),
        "status updated: {statuses:?}"
    );
    cursor.take(&store).await?;
    Ok(())
}

pub(super) fn release(product: &str, cycle: &str, eol: Option<EolDate>) -> EolRelease {
    EolRelease {
        product: product.to_owned(),
        cycle: cycle.to_owned(),
        codename: Some("Bookworm".into()),
        release_date: Some(date(2023, 6, 10)),
        eol,
        eoas: Some(EolDate::Flag(false)),
        eoes: None,
        lts: Some(EolDate::Flag(true)),
        latest: Some(format!("{cycle}.9")),
        latest_release_date: Some(date(2025, 1, 2)),
    }
}

/// End-of-life products replaced whole; feed source state round trips.
pub async fn vuln_eol_and_feed_sources(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "VE");
    let n = next_number();
    let name = format!("product-{n}");
    let mut product = EolProduct {
        product: name.clone(),
        title: Some("Product".into()),
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
    };
    let mut cursor = AuditCursor::at_end(&store).await?;
    let c = store
        .upsert_eol(std::slice::from_ref(&product), &fx.meta(10))
        .await?;
    check_eq!(c.inserted, 1, "new product");
    cursor
        .expect(&store, "eol audit", &[("eol.import", None)])
        .await?;
    check_eq!(store.get_eol_product(&name).await?, product, "product round trip");
    let c = store
        .upsert_eol(std::slice::from_ref(&product), &fx.meta(11))
        .await?;
    check_eq!(c.unchanged, 1, "unchanged product");
    product.releases.truncate(1);
    product.releases[0].eol = Some(EolDate::Flag(false));
    let c = store
        .upsert_eol(std::slice::from_ref(&product), &fx.meta(12))
        .await?;
    check_eq!(c.updated, 1, "changed product");
    check_eq!(
        store.list_eol_releases(Some(&name)).await?,
        product.releases,
        "releases replaced"
    );
    let everything = store.list_eol_releases(None).await?;
    anyhow::ensure!(
        everything.iter().any(|r| r.product == name),
        "listed among all releases"
    );
    check_err!(
        store.get_eol_product("no-such-product").await,
        StoreError::NotFound { .. },
        "unknown"
    );
    let mut wrong = product.clone();
    wrong.releases[0].product = "other".into();
    check_err!(
        store.upsert_eol(&[wrong], &fx.meta(13)).await,
        StoreError::Invalid(_),
        "release of another product"
    );

    cursor
        .expect(
            &store,
            "unchanged and changed products, nothing for the refused one",
            &[("eol.import", None), ("eol.import", None)],
        )
        .await?;

    let url = format!("https://feeds.example/{n}/all.zip");
    check_eq!(store.get_feed_source(&url).await?, None, "no state yet");
    let mut state = FeedSourceState {
        url: url.clone(),
        name: "osv-pypi".into(),
        etag: Some("\"abc\"".into()),
        last_modified: Some("Mon, 25 Aug 2025 10:00:00 GMT".into()),
        version: None,
        last_checked: Some(at(20)),
        last_success: Some(at(20)),
        last_error: None,
        bytes: Some(123_456),
    };
    store.put_feed_source(&state, &fx.meta(20)).await?;
    check_eq!(
        store.get_feed_source(&url).await?,
        Some(state.clone()),
        "state round trip"
    );
    state.last_error = Some("HTTP 503".into());
    state.last_checked = Some(at(30));
    store.put_feed_source(&state, &fx.meta(30)).await?;
    check_eq!(
        store.get_feed_source(&url).await?,
        Some(state.clone()),
        "state updated"
    );
    let records = cursor
        .expect(
            &store,
            "feed state audit",
            &[("feed_source.update", None), ("feed_source.update", None)],
        )
        .await?;
    anyhow::ensure!(
        records[1].event.before.is_some(),
        "the update records the state before"
    );
    anyhow::ensure!(
        store.list_feed_sources().await?.contains(&state),
        "listed feed sources"
    );
    let totals = store.vuln_totals().await?;
    anyhow::ensure!(
        totals.eol_products >= 1 && totals.feed_sources >= 1,
        "totals: {totals:?}"
    );
    Ok(())
}
