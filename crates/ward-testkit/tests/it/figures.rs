//! Response figures end to end: one alert, one trust answering in time and one silent; the
//! figures per organisation add up to each ICB, region and the nation, every caller sees only its
//! footprint, the CSV carries the same rows, and the page draws its charts as SVG.

use crate::api::{as_role, with_session};
use crate::notify::log4shell;
use serde_json::{Value, json};
use ward_app::Actor;
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

async fn get(app: &TestApp, s: &(String, String), path: &str) -> (u16, String) {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn row<'a>(rows: &'a [Value], level: &str, code: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["level"] == level && r["org"]["code"] == code)
        .unwrap_or_else(|| panic!("no {level} row for {code} in {rows:?}"))
}

#[tokio::test]
async fn figures_add_up_the_tree_within_each_footprint() {
    let clock = ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"));
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-06-01T09:00:00Z".parse().unwrap());
        let national = Actor::system("test", app.world.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        // The trust answers a day later; the foreign trust never does.
        clock.advance(jiff::SignedDuration::from_hours(24));
        let admin = as_role(&app, Role::OrgAdmin).await;
        let res = with_session(
            client().post(app.url(&format!(
                "/api/v1/alerts/{}/orgs/{}/responses",
                issued.alert, app.world.trust
            ))),
            &admin,
        )
        .json(&json!({"action": "applicability", "applicability": "affected"}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 200, "{b}");
        clock.advance(jiff::SignedDuration::from_hours(4 * 24));
        app.app.escalate_alerts(&national).await.unwrap();

        let s = as_role(&app, Role::NationalAnalyst).await;
        let (status, body) = get(&app, &s, "/api/v1/alerts/figures").await;
        assert_eq!(status, 200, "{b}: {body}");
        let rows: Vec<Value> = serde_json::from_str(&body).unwrap();
        let nation = row(&rows, "nation", "X26");
        assert_eq!(nation["figures"]["records"], 2, "{b}");
        assert_eq!(nation["figures"]["acknowledged_within_48h"], 1, "{b}");
        assert_eq!(nation["acknowledged_within_48h_percent"], 50, "{b}");
        assert_eq!(nation["median_applicability"], "within 24 hours", "{b}");
        assert_eq!(nation["figures"]["overdue_acknowledge"], 1, "{b}");
        assert_eq!(nation["figures"]["overdue_first_update"], 2, "{b}");
        assert_eq!(nation["figures"]["open"], 2, "{b}");
        let london = row(&rows, "region", "Y56");
        let south_west = row(&rows, "region", "Y58");
        assert_eq!(london["figures"]["acknowledged_within_48h"], 1, "{b}");
        assert_eq!(south_west["figures"]["acknowledged_within_48h"], 0, "{b}");
        assert!(
            south_west["figures"]["escalations"].as_u64().unwrap() >= 2,
            "{b}: the silent trust's steps are counted: {south_west}"
        );
        for field in [
            "records",
            "acknowledged_within_48h",
            "open",
            "overdue_first_update",
            "escalations",
        ] {
            let sum =
                london["figures"][field].as_u64().unwrap() + south_west["figures"][field].as_u64().unwrap();
            assert_eq!(
                nation["figures"][field].as_u64().unwrap(),
                sum,
                "{b}: {field} adds up"
            );
        }
        assert_eq!(
            row(&rows, "icb", "QMF")["figures"],
            row(&rows, "organisation", "RJZ")["figures"],
            "{b}"
        );
        assert_eq!(rows[0]["level"], "nation", "{b}: the nation first");

        // A regional lead sees its region, its ICB and the trust; an organisation only itself.
        let s = as_role(&app, Role::RegionalLead).await;
        let rows: Vec<Value> =
            serde_json::from_str(&get(&app, &s, "/api/v1/alerts/figures").await.1).unwrap();
        let mut seen: Vec<String> = rows
            .iter()
            .map(|r| r["org"]["code"].as_str().unwrap().to_owned())
            .collect();
        seen.sort();
        assert_eq!(seen, vec!["QMF", "RJZ", "Y56"], "{b}");
        let s = as_role(&app, Role::OrgMember).await;
        let rows: Vec<Value> =
            serde_json::from_str(&get(&app, &s, "/api/v1/alerts/figures").await.1).unwrap();
        assert_eq!(rows.len(), 1, "{b}: {rows:?}");
        assert_eq!(rows[0]["org"]["code"], "RJZ", "{b}");
        let s = as_role(&app, Role::SupplierContact).await;
        assert_eq!(get(&app, &s, "/api/v1/alerts/figures").await.0, 403, "{b}");

        // CSV: a header and one line per row, the same numbers.
        let s = as_role(&app, Role::NationalAnalyst).await;
        let (status, csv) = get(&app, &s, "/api/v1/alerts/figures/export").await;
        assert_eq!(status, 200, "{b}");
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].starts_with("level,code,name,records,acknowledged_within_48h"),
            "{b}: {}",
            lines[0]
        );
        assert_eq!(
            lines.len(),
            1 + 7,
            "{b}: nation, 2 regions, 2 ICBs, 2 trusts: {csv}"
        );
        assert!(
            lines[1].starts_with("Nation,X26,NHS England,2,1,50,"),
            "{b}: {}",
            lines[1]
        );

        // The page: charts drawn as SVG, people's words only.
        let (status, page) = get(&app, &s, "/alerts/figures").await;
        assert_eq!(status, 200, "{b}");
        assert!(
            page.contains("<svg") && page.contains("Acknowledged within 48 hours"),
            "{b}"
        );
        assert!(
            page.contains("within 24 hours") && page.contains("South West (Y58)"),
            "{b}"
        );
        assert!(
            !page.contains("national_body") && !page.contains("\"nation\""),
            "{b}"
        );
    }
}
