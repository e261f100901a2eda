//! Every headline figure counts the rows its link opens (issue 11 saw "68 assets need action" open
//! 115 rows, and "218 unsupported" open 273, the same package listed once by package URL and once
//! by CPE). For each card on the overview and the Exposure page, as a national analyst and as an
//! organisation admin, the test reads the number, follows the link and counts the rows over every
//! page. The test sector gets the cases that broke it: an asset with two vulnerabilities, software
//! recorded with both a package URL and a CPE, and a vulnerability published both by OSV (matched
//! by package) and by NVD (matched by CPE).

use crate::web::Visitor;
use reqwest::StatusCode;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::role::Role;
use ward_core::vuln::{EolDate, EolProduct, EolRelease, ProductIdentifier};
use ward_store::{AuditMeta, Scope};
use ward_testkit::{TestApp, spawn_app};

/// A linked headline figure.
#[derive(Debug)]
struct Card {
    value: u64,
    label: String,
    href: String,
}

fn decode(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&#x3D;", "=")
}

/// Every linked card of a page (the markup the overview and the Exposure page share).
fn cards(body: &str) -> Vec<Card> {
    body.split("<a class=\"stat-main\" href=\"")
        .skip(1)
        .map(|rest| {
            let href = decode(rest.split('"').next().unwrap_or(""));
            let value = rest
                .split("<span class=\"stat-value\">")
                .nth(1)
                .and_then(|v| v.split('<').next())
                .unwrap_or("")
                .replace(',', "");
            let label = rest
                .split("<span class=\"stat-label\">")
                .nth(1)
                .and_then(|v| v.split('<').next())
                .unwrap_or("")
                .to_owned();
            Card {
                value: value
                    .parse()
                    .unwrap_or_else(|_| panic!("a number on the card to {href}: {value:?}")),
                label,
                href,
            }
        })
        .collect()
}

/// The rows of a list page's results table (the first table after the result count, before the
/// pager and the legend: an empty list has no table, and the legend's must not be counted).
fn rows_on(body: &str) -> u64 {
    let Some((_, after)) = body.split_once("class=\"result-count\"") else {
        panic!("not a list page: {body}");
    };
    let results = after.split("<details class=\"legend\"").next().unwrap_or(after);
    match results.split_once("<tbody>") {
        Some((_, table)) => table
            .split("</tbody>")
            .next()
            .unwrap_or("")
            .matches("<tr")
            .count() as u64,
        None => 0,
    }
}

fn next_link(body: &str) -> Option<String> {
    body.split("<a href=\"")
        .skip(1)
        .find(|rest| rest.split('>').next().is_some_and(|a| a.contains("rel=\"next\"")))
        .and_then(|rest| rest.split('"').next())
        .map(decode)
}

/// Follows `href` two rows a page (so paging is exercised too) and counts every row.
pub(crate) async fn count_rows(v: &mut Visitor<'_>, href: &str) -> u64 {
    let sep = if href.contains('?') { '&' } else { '?' };
    let mut next = Some(format!("{href}{sep}limit=2"));
    let mut total = 0;
    let mut pages = 0;
    while let Some(link) = next {
        let page = v.get(&link).await;
        assert_eq!(page.status, StatusCode::OK, "{link}: {}", page.body);
        total += rows_on(&page.body);
        next = next_link(&page.body);
        pages += 1;
        assert!(pages < 500, "{href} never ends");
    }
    total
}

fn install(name: &str, version: &str, purl: &str, cpe: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: name.into(),
        vendor: None,
        version: version.into(),
        purl: Some(purl.into()),
        cpe: Some(cpe.into()),
        source: SoftwareSource::Sbom,
    }
}

/// The cases behind the issue's mismatches, added to the test sector.
async fn add_the_issue_cases(t: &TestApp) {
    let meta = AuditMeta {
        actor: ward_core::audit::AuditActor::system("test"),
        at: t.app.now(),
        request_id: None,
    };
    let results = Asset {
        id: ward_core::AssetId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0999)),
        org: t.world.trust,
        name: "Results server".into(),
        kind: AssetKind::Server,
        hostname: None,
        internet_facing: true,
        services: vec![t.world.trust_services[1]],
        software: vec![
            install(
                "log4j-core",
                "2.14.1",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
            ),
            install(
                "OpenSSL",
                "1.1.1k",
                "pkg:generic/openssl@1.1.1k",
                "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*",
            ),
        ],
    };
    t.store
        .insert_assets(&Scope::All, std::slice::from_ref(&results), &meta)
        .await
        .unwrap();
    // Log4Shell as NVD publishes it (by CPE), beside the fixture's OSV record (by package), and
    // an OpenSSL flaw known only by CPE.
    let nvd = serde_json::json!({"vulnerabilities": [
        {"cve": {
            "id": "CVE-2021-44228", "published": "2021-12-10T00:00:00.000", "lastModified": "2021-12-10T00:00:00.000",
            "descriptions": [{"lang": "en", "value": "Apache Log4j2 JNDI features do not protect against attacker-controlled lookups"}],
            "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
                {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.0.1", "versionEndExcluding": "2.15.0"}
            ]}]}]
        }},
        {"cve": {
            "id": "CVE-2099-0002", "published": "2099-01-01T00:00:00.000", "lastModified": "2099-01-01T00:00:00.000",
            "descriptions": [{"lang": "en", "value": "Test flaw in OpenSSL before 1.1.1l"}],
            "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
                {"vulnerable": true, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "versionEndExcluding": "1.1.1l"}
            ]}]}]
        }}
    ]});
    let parsed = ward_feeds::parse_nvd("test.json", &nvd.to_string()).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    t.store.upsert_advisories(&parsed.items, &meta).await.unwrap();
    // OpenSSL 1.1.1 is past its end of life, and the catalogue knows it by package and by CPE.
    let openssl = EolProduct {
        product: "openssl".into(),
        title: Some("OpenSSL".into()),
        category: Some("lang".into()),
        identifiers: vec![
            ProductIdentifier {
                kind: "purl".into(),
                value: "pkg:generic/openssl".into(),
            },
            ProductIdentifier {
                kind: "cpe".into(),
                value: "cpe:2.3:a:openssl:openssl".into(),
            },
        ],
        releases: vec![EolRelease {
            product: "openssl".into(),
            cycle: "1.1.1".into(),
            codename: None,
            release_date: None,
            eol: Some(EolDate::Date(jiff::civil::date(2023, 9, 11))),
            eoas: None,
            eoes: None,
            lts: None,
            latest: Some("1.1.1w".into()),
            latest_release_date: None,
        }],
    };
    t.store.upsert_eol(&[openssl], &meta).await.unwrap();
    t.app.exposure_changed();
}

async fn check_cards(v: &mut Visitor<'_>, page: &str, who: &str) -> usize {
    let body = v.get(page).await;
    assert_eq!(body.status, StatusCode::OK, "{page}");
    let found = cards(&body.body);
    for card in &found {
        let rows = count_rows(v, &card.href).await;
        assert_eq!(
            card.value, rows,
            "{who} on {page}: the card \"{} {}\" opens {} with {rows} rows",
            card.value, card.label, card.href
        );
    }
    found.len()
}

#[tokio::test]
async fn every_card_counts_the_rows_it_opens() {
    let t = spawn_app().await;
    add_the_issue_cases(&t).await;
    for role in [Role::NationalAnalyst, Role::OrgAdmin] {
        let mut v = Visitor::new(&t);
        v.sign_in_as(role).await;
        let who = format!("{role:?}");
        let home = check_cards(&mut v, "/", &who).await;
        assert!(home >= 7, "{who}: the overview's linked cards ({home})");
        let exposure = check_cards(&mut v, "/exposures", &who).await;
        assert_eq!(exposure, 4, "{who}: the Exposure page's cards");
        check_cards(&mut v, "/exposures?org=RJZ", &who).await;
        // Organisation pages: one with nothing beneath it, and one with organisations beneath.
        for org in [t.world.trust, t.world.icb] {
            if role == Role::NationalAnalyst || org == t.world.trust {
                check_cards(&mut v, &format!("/orgs/{org}"), &who).await;
            }
        }
    }

    // The cases are in play: one asset with two vulnerabilities (so exposures and assets differ),
    // and the package found by purl and by CPE counted once.
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let list = v.get("/exposures?q=results&limit=50").await;
    assert_eq!(
        rows_on(&list.body),
        2,
        "log4j once and the OpenSSL flaw: {}",
        list.body
    );
    let unsupported = v.get("/unsupported?limit=50").await;
    assert_eq!(
        unsupported.body.matches("Results server").count(),
        1,
        "OpenSSL 1.1.1k once: {}",
        unsupported.body
    );
}

/// Each line of a grouped Exposure page counts the rows its link opens; grouping keeps the other
/// filters; exports keep working under grouping.
#[tokio::test]
async fn grouped_lines_count_the_rows_they_open() {
    let t = spawn_app().await;
    add_the_issue_cases(&t).await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::NationalAnalyst).await;
    for query in [
        "group=advisory",
        "group=org",
        "group=advisory&kev=yes",
        "group=org&internet_facing=yes",
        "group=org&status=all",
    ] {
        let page = v.get(&format!("/exposures?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        let body = &page.body;
        let table = body
            .split_once("aria-label=\"Exposures grouped\"")
            .map(|(_, t)| t.split("</tbody>").next().unwrap_or(""))
            .unwrap_or_else(|| panic!("{query}: no grouped table: {body}"));
        let mut lines = 0;
        for line in table.split("<tr>").skip(2) {
            // The second link of a line is its count of rows.
            let links: Vec<&str> = line.split("<a href=\"").skip(1).collect();
            let href = decode(links[1].split('"').next().unwrap());
            let value: u64 = links[1]
                .split('>')
                .nth(1)
                .and_then(|v| v.split('<').next())
                .unwrap()
                .replace(',', "")
                .parse()
                .unwrap();
            assert!(!href.contains("group="), "{href} opens rows");
            for kept in query.split('&').filter(|p| !p.starts_with("group=")) {
                assert!(href.contains(kept), "{href} keeps {kept}");
            }
            assert_eq!(count_rows(&mut v, &href).await, value, "{query}: {href}");
            lines += 1;
        }
        assert!(lines > 0, "{query}: {body}");
        for format in ["csv", "json", "cyclonedx"] {
            let link = body
                .split("href=\"")
                .filter_map(|rest| rest.split('"').next())
                .find(|h| h.starts_with(&format!("/api/v1/exposures/export?format={format}")))
                .map(decode)
                .unwrap_or_else(|| panic!("{query}: no {format} export"));
            let res = v.get(&link).await;
            assert_eq!(res.status, StatusCode::OK, "{link}: {}", res.body);
        }
    }
    let by_org = v.get("/exposures?group=org").await;
    assert!(
        by_org.body.contains("Riverside Hospitals NHS Trust (RJZ)")
            && by_org.body.contains("Part of North East London ICB"),
        "organisations with their parent: {}",
        by_org.body
    );
    let bad = v.get("/exposures?group=asset").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Each line of the advisory index counts the exposure rows its link opens (the issue's cell
/// counted assets while its link opened one row per asset and software item, across every
/// record of the vulnerability).
#[tokio::test]
async fn advisory_lines_count_the_rows_they_open() {
    let t = spawn_app().await;
    add_the_issue_cases(&t).await;
    for role in [Role::NationalAnalyst, Role::OrgAdmin] {
        let mut v = Visitor::new(&t);
        v.sign_in_as(role).await;
        for query in ["kev=any", "kev=yes"] {
            let page = v.get(&format!("/advisories?{query}&limit=100")).await;
            assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
            let mut lines = 0;
            for rest in page.body.split("<a href=\"/exposures?advisory=").skip(1) {
                let id = decode(rest.split('"').next().unwrap());
                let value: u64 = rest
                    .split('>')
                    .nth(1)
                    .and_then(|v| v.split('<').next())
                    .unwrap()
                    .replace(',', "")
                    .parse()
                    .unwrap();
                let href = format!("/exposures?advisory={id}");
                assert_eq!(count_rows(&mut v, &href).await, value, "{role:?} {query}: {href}");
                lines += 1;
            }
            assert!(lines > 0, "{role:?} {query}: {}", page.body);
        }
    }
}

/// A release recorded both by package and by CPE is unsupported whichever identifier found the
/// vulnerability: OpenSSL 1.1.1k is listed as unsupported under its package, and the OpenSSL flaw
/// is matched only by CPE. The row says so, and the advisory index's "unsupported software"
/// filter keeps the flaw (before, both missed it).
#[tokio::test]
async fn a_flaw_matched_by_cpe_on_a_release_recorded_by_package_is_on_unsupported_software() {
    use ward_app::exposure::advisory_index::AdvisoryQuery;
    use ward_app::exposure::{ExposureFilter, Sort};
    let t = spawn_app().await;
    add_the_issue_cases(&t).await;
    let national = ward_app::Actor::system("test", t.world.national);
    let page = ward_store::PageRequest { offset: 0, limit: 50 };
    let rows = t
        .app
        .list_exposures(
            &national,
            &ExposureFilter {
                q: Some("Results server".into()),
                ..ExposureFilter::default()
            },
            Sort::Priority,
            page,
        )
        .await
        .unwrap()
        .items;
    let flaw = rows
        .iter()
        .find(|r| r.advisory == "CVE-2099-0002")
        .expect("the OpenSSL flaw on the results server");
    assert!(flaw.cpe.is_some(), "matched by CPE: {flaw:?}");
    let eol = flaw
        .unsupported
        .as_ref()
        .expect("OpenSSL 1.1.1 is past its end of life");
    assert!(
        flaw.factors
            .iter()
            .any(|f| f.name == ward_app::exposure::FactorKind::Unsupported && f.value > 0.0),
        "the priority counts it: {:?}",
        flaw.factors
    );
    assert!(format!("{eol:?}").contains("1.1.1"), "{eol:?}");
    let log4j = rows
        .iter()
        .find(|r| r.advisory != "CVE-2099-0002")
        .expect("log4j");
    assert!(
        log4j.unsupported.is_none(),
        "log4j 2.14.1 has no end-of-life entry: {log4j:?}"
    );

    let unsupported = AdvisoryQuery {
        unsupported: true,
        ..AdvisoryQuery::default()
    };
    let found = t.app.advisory_index(&national, &unsupported, page).await.unwrap();
    let ids: Vec<&str> = found.items.iter().map(|l| l.link_id.as_str()).collect();
    assert!(ids.contains(&"CVE-2099-0002"), "{ids:?}");
    assert!(
        !ids.contains(&"CVE-2021-44228"),
        "Log4Shell is not on unsupported software: {ids:?}"
    );
    let line = found.items.iter().find(|l| l.link_id == "CVE-2099-0002").unwrap();
    assert_eq!(line.unsupported_assets, 1);
    let all = t
        .app
        .advisory_index(&national, &AdvisoryQuery::default(), page)
        .await
        .unwrap();
    assert!(
        all.total > found.total,
        "the filter narrows: {} vs {}",
        all.total,
        found.total
    );

    // The page's filter keeps its choice and its rows.
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::NationalAnalyst).await;
    let body = v.get("/advisories?unsupported=yes").await;
    assert_eq!(body.status, StatusCode::OK);
    assert!(body.body.contains("CVE-2099-0002"), "{}", body.body);
    assert!(!body.body.contains(">CVE-2021-44228<"), "{}", body.body);
    let bad = v.get("/advisories?unsupported=maybe").await;
    assert!(bad.status.is_client_error(), "{}: {}", bad.status, bad.body);
    assert!(bad.body.contains("maybe"), "the value is named: {}", bad.body);
}
