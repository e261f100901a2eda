//! What an exposure row tells people: the organisation and the one it is part of (where rows span
//! organisations), the version to move to, a legend for the priority, and the NHS timescale (the
//! alert's clocks for the organisation with an overdue flag, else Ward's allowance for the
//! vulnerability's severity).

use std::sync::Arc;

use crate::web::Visitor;
use reqwest::StatusCode;
use ward_app::alerts::NewAlert;
use ward_app::exposure::timescales::Timescale;
use ward_app::exposure::{ExposureFilter, Sort};
use ward_core::alert::{Clock, Severity};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_testkit::app::{Backend, spawn_app_with};
use ward_testkit::{TestApp, spawn_app};

fn actor(t: &TestApp, role: Role) -> ward_app::Actor {
    let user = &t.world.users[&role];
    ward_app::Actor {
        principal: ward_app::Principal::User(user.id),
        role,
        org: user.org,
        grant: None,
        expires_at: None,
        request_id: None,
    }
}

#[tokio::test]
async fn rows_name_the_parent_the_fix_the_legend_and_the_timescale() {
    let t = spawn_app().await;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let page = n.get("/exposures").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains("Riverside Hospitals NHS Trust, part of North East London ICB"),
        "{body}"
    );
    assert!(
        body.contains("Upgrade to 2.15.0 or later"),
        "the fix from the OSV range: {body}"
    );
    assert!(body.contains("How the priority is worked out"));
    assert!(body.contains("Attackers are known to be exploiting it") && body.contains("20 points"));
    assert!(
        body.contains("No alert yet: remediate within 14 days"),
        "Log4Shell is critical: {body}"
    );
    assert!(
        body.contains("its US federal deadline was 24 Dec 2021"),
        "CISA's date stays a secondary fact"
    );
    let unsupported = n.get("/unsupported").await;
    assert!(
        unsupported.body.contains("Part of North East London ICB"),
        "{}",
        unsupported.body
    );
    let assets = n.get("/assets").await;
    assert!(
        assets.body.contains("Part of North East London ICB"),
        "{}",
        assets.body
    );

    // An organisation admin does not see the ICB, so it is not named.
    let mut a = Visitor::new(&t);
    a.sign_in_as(Role::OrgAdmin).await;
    for path in ["/exposures", "/unsupported", "/assets"] {
        let page = a.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("North East London ICB"),
            "{path}: {}",
            page.body
        );
    }

    // Once an alert reaches the trust, its clocks are the timescale.
    let national = actor(&t, Role::NationalAnalyst);
    t.app
        .issue_alert(
            &national,
            NewAlert {
                severity: Severity::Critical,
                title: "Log4Shell".into(),
                summary: String::new(),
                advisories: vec![t.world.advisory.into()],
                actions: vec![],
                references: vec![],
                tlp: None,
                add_kinds: vec![],
                add_area: None,
                clocks: None,
            },
        )
        .await
        .unwrap();
    let page = a.get("/exposures").await;
    assert!(
        page.body.contains("(alert \u{201c}Log4Shell\u{201d}, critical)")
            && page.body.contains("Acknowledge by"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Overdue:"), "just issued");
}

#[tokio::test]
async fn alert_clocks_run_out_into_an_overdue_flag_and_the_default_follows_severity() {
    let clock = ManualClock::new("2026-06-01T09:00:00Z".parse().unwrap());
    let t = spawn_app_with(Backend::Sqlite, Arc::new(clock.clone())).await;
    let admin = actor(&t, Role::OrgAdmin);
    let page = ward_store::PageRequest { offset: 0, limit: 50 };
    let rows = t
        .app
        .list_exposures(&admin, &ExposureFilter::default(), Sort::Priority, page)
        .await
        .unwrap()
        .items;
    assert!(!rows.is_empty());
    let before = t.app.exposure_timescales(&admin, &rows).await.unwrap();
    assert_eq!(
        before[0],
        Timescale::Default {
            severity: Severity::Critical,
            remediate_days: 14
        }
    );

    t.app
        .issue_alert(
            &actor(&t, Role::NationalAnalyst),
            NewAlert {
                severity: Severity::High,
                title: "Log4Shell".into(),
                summary: String::new(),
                advisories: vec!["GHSA-jfh8-c2jp-5v3q".into()],
                actions: vec![],
                references: vec![],
                tlp: None,
                add_kinds: vec![],
                add_area: None,
                clocks: None,
            },
        )
        .await
        .unwrap();
    let issued = t.app.exposure_timescales(&admin, &rows).await.unwrap();
    let Timescale::Alert(clocks) = &issued[0] else {
        panic!("the alert's clocks: {issued:?}");
    };
    assert_eq!(clocks.remediate_by, "2026-06-15T09:00:00Z".parse().unwrap());
    assert!(clocks.overdue.is_empty());

    clock.advance(jiff::SignedDuration::from_hours(15 * 24));
    let late = t.app.exposure_timescales(&admin, &rows).await.unwrap();
    let Timescale::Alert(clocks) = &late[0] else {
        panic!("{late:?}");
    };
    assert_eq!(
        clocks.overdue,
        [Clock::Acknowledge, Clock::FirstUpdate, Clock::Remediate]
    );
}
