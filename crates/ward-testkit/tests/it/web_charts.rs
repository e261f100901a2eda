//! Pictures on organisation pages: exposure by severity (known-exploited marked), the organisations
//! beneath a region or ICB compared (each bar a link), unsupported software by product. Drawn by
//! the server as SVG with a title and a description, the figures also in a table, the same figures
//! the application counts, and nothing from outside the person's footprint.

use crate::web::Visitor;
use reqwest::StatusCode;
use ward_app::actor::{Actor, Principal};
use ward_core::role::Role;
use ward_testkit::spawn_app;

/// The chart with `id` on a page (its figure element).
fn chart<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let start = body.find(&format!("<title id=\"{id}-title\">"))?;
    let rest = &body[start..];
    Some(&rest[..rest.find("</figure>").unwrap_or(rest.len())])
}

#[tokio::test]
async fn region_and_icb_pages_draw_severity_comparison_and_unsupported_software() {
    let t = spawn_app().await;
    let w = &t.world;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;

    // The ICB: Log4Shell on the trust's LIMS server, a critical known-exploited exposure.
    let icb = n.get(&format!("/orgs/{}", w.icb)).await;
    assert_eq!(icb.status, StatusCode::OK);
    let severity = chart(&icb.body, "chart-severity").expect("a severity chart");
    assert!(
        icb.body.contains("<svg class=\"chart-svg\" viewBox=\"0 0 400 ")
            && icb.body.contains(
                "width=\"100%\" role=\"img\" aria-labelledby=\"chart-severity-title chart-severity-desc\""
            ),
        "{}",
        icb.body
    );
    assert!(
        severity.contains("<desc id=\"chart-severity-desc\">Critical: 1 (1 known to be exploited); High: 0; Medium: 0; Low: 0.</desc>"),
        "{severity}"
    );
    assert!(
        severity.contains("<th scope=\"row\"><a href=\"/exposures?org=QMF&#38;severity=critical\">Critical</a></th><td class=\"num\">1</td><td class=\"num\">1</td>"),
        "{severity}"
    );
    let compared = chart(&icb.body, "chart-compared").expect("the organisations beneath compared");
    assert!(
        compared.contains(&format!(
            "<a href=\"/orgs/{}\">Riverside Hospitals NHS Trust (RJZ)</a></th><td class=\"num\">1</td>",
            w.trust
        )),
        "{compared}"
    );
    assert!(
        compared.contains(&format!("<a href=\"/orgs/{}\">", w.practice)),
        "organisations with nothing open are drawn too"
    );
    assert!(!compared.contains("Harbour"), "only the organisations beneath");
    // The trust's gateway runs FortiOS 7.2, past its end of security support: named by its title.
    let unsupported = chart(&icb.body, "chart-unsupported").expect("unsupported software by product");
    assert!(
        unsupported.contains("<desc id=\"chart-unsupported-desc\">FortiOS: 1.</desc>"),
        "{unsupported}"
    );

    // The national body compares its regions, each counting its whole subtree.
    let national = n.get(&format!("/orgs/{}", w.national)).await;
    let regions = chart(&national.body, "chart-compared").expect("regions compared");
    assert!(
        regions.contains(&format!(
            "<a href=\"/orgs/{}\">London (Y56)</a></th><td class=\"num\">1</td>",
            w.london
        )) && regions.contains(&format!(
            "<a href=\"/orgs/{}\">South West (Y58)</a></th><td class=\"num\">1</td>",
            w.south_west
        )),
        "{regions}"
    );

    // A trust's page has no comparison; its figures are the application's.
    let trust = n.get(&format!("/orgs/{}", w.trust)).await;
    assert!(chart(&trust.body, "chart-severity").is_some());
    assert!(chart(&trust.body, "chart-compared").is_none());
    let actor = Actor::system("test", w.national);
    let p = t.app.org_pictures(&actor, w.london, 10).await.unwrap();
    let critical = p
        .by_severity
        .iter()
        .find(|s| s.band == ward_core::vuln::CvssBand::Critical)
        .unwrap();
    assert_eq!((critical.open, critical.kev), (1, 1));
    let c = p.compared.expect("a region compares its ICBs");
    assert_eq!(c.shown.len(), 1);
    assert_eq!((c.shown[0].org.id, c.shown[0].critical_high), (w.icb, 1));
    assert_eq!(c.rest_orgs, 0);
}

#[tokio::test]
async fn pictures_stay_inside_the_footprint() {
    let t = spawn_app().await;
    let w = &t.world;
    // The regional lead for London: the national page is not theirs, their region's is.
    let mut r = Visitor::new(&t);
    r.sign_in_as(Role::RegionalLead).await;
    assert_eq!(
        r.get(&format!("/orgs/{}", w.national)).await.status,
        StatusCode::NOT_FOUND
    );
    let london = r.get(&format!("/orgs/{}", w.london)).await;
    let compared = chart(&london.body, "chart-compared").expect("ICBs compared");
    assert!(!compared.contains("Avon") && !compared.contains("Harbour"));
    // The trust's admin sees their own pictures on their home page, and not the foreign trust's.
    let mut a = Visitor::new(&t);
    a.sign_in_as(Role::OrgAdmin).await;
    let home = a.get("/").await;
    assert!(chart(&home.body, "chart-severity").is_some_and(|c| c.contains("Critical: 1")));
    assert_eq!(
        a.get(&format!("/orgs/{}", w.foreign_trust)).await.status,
        StatusCode::NOT_FOUND
    );
    // The use case itself refuses an organisation outside the footprint, as one that does not exist.
    let lead = Actor {
        principal: Principal::User(w.users[&Role::RegionalLead].id),
        role: Role::RegionalLead,
        org: w.london,
        ..Actor::system("test", w.national)
    };
    assert!(t.app.org_pictures(&lead, w.london, 10).await.is_ok());
    assert!(matches!(
        t.app.org_pictures(&lead, w.south_west, 10).await,
        Err(ward_app::AppError::NotFound(_))
    ));
    // A role without exposure (the supplier contact) gets no pictures at all.
    let mut s = Visitor::new(&t);
    s.sign_in_as(Role::SupplierContact).await;
    let page = s.get("/").await;
    assert!(chart(&page.body, "chart-severity").is_none());
}

/// Each bar of the severity chart opens the exposures of its band, and counts them.
#[tokio::test]
async fn each_severity_bar_opens_the_rows_it_counts() {
    let t = spawn_app().await;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let mut checked = 0;
    for org in [t.world.icb, t.world.trust, t.world.london] {
        let page = n.get(&format!("/orgs/{org}")).await;
        let severity = chart(&page.body, "chart-severity").expect("a severity chart");
        let table = &severity[severity.find("<table").expect("the chart's table")..];
        for row in table.split("<th scope=\"row\"><a href=\"").skip(1) {
            let href = row
                .split('"')
                .next()
                .unwrap_or("")
                .replace("&#38;", "&")
                .replace("&amp;", "&");
            assert!(href.contains("&severity="), "{href}");
            let value: u64 = row
                .split("<td class=\"num\">")
                .nth(1)
                .and_then(|v| v.split('<').next())
                .and_then(|v| v.replace(',', "").parse().ok())
                .expect("the bar's number");
            assert_eq!(crate::web_cards::count_rows(&mut n, &href).await, value, "{href}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "four bands on three pages: {checked}");
    // The API takes the same filter.
    let critical = n.get("/api/v1/exposures?severity=critical").await;
    assert_eq!(critical.status, StatusCode::OK, "{}", critical.body);
    let v: serde_json::Value = serde_json::from_str(&critical.body).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    let low = n.get("/api/v1/exposures?severity=low").await;
    let v: serde_json::Value = serde_json::from_str(&low.body).unwrap();
    assert_eq!(v["total"], 0, "nothing low in the test sector: {v}");
    let bad = n.get("/api/v1/exposures?severity=dreadful").await;
    assert!(bad.status.is_client_error(), "{}", bad.status);
    let bad = n.get("/exposures?severity=dreadful").await;
    assert!(bad.status.is_client_error(), "{}", bad.status);
    assert!(bad.body.contains("dreadful"), "the value is named");
}
