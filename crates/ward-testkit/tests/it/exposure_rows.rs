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
        body.contains("No alert yet: remediate by")
            && body.contains("14 days from when Ward first saw it here"),
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
    let start: jiff::Timestamp = "2026-06-01T09:00:00Z".parse().unwrap();
    assert_eq!(
        before[0],
        Timescale::Default {
            severity: Severity::Critical,
            remediate_days: 14,
            first_seen: Some(start),
            remediate_by: Some("2026-06-15T09:00:00Z".parse().unwrap()),
            overdue: false,
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

/// Without an alert, the allowance counts from when Ward first saw the organisation exposed to the
/// vulnerability: a later rebuild of the index does not restart it, the flag goes up when it runs
/// out, and an exposure that appears later gets its own, later date.
#[tokio::test]
async fn the_default_allowance_counts_from_the_first_sighting_and_runs_out_into_an_overdue_flag() {
    let clock = ManualClock::new("2026-06-01T09:00:00Z".parse().unwrap());
    let t = spawn_app_with(Backend::Sqlite, Arc::new(clock.clone())).await;
    let admin = actor(&t, Role::OrgAdmin);
    let page = ward_store::PageRequest { offset: 0, limit: 50 };
    let list = || async {
        t.app
            .list_exposures(&admin, &ExposureFilter::default(), Sort::Priority, page)
            .await
            .unwrap()
            .items
    };
    let rows = list().await;
    let first = t.app.exposure_timescales(&admin, &rows).await.unwrap();
    let Timescale::Default {
        first_seen,
        remediate_by,
        overdue,
        remediate_days,
        ..
    } = &first[0]
    else {
        panic!("{first:?}");
    };
    assert_eq!(*first_seen, Some("2026-06-01T09:00:00Z".parse().unwrap()));
    assert!(!overdue);
    let due = remediate_by.expect("a date");
    assert_eq!(
        due,
        first_seen.unwrap() + jiff::SignedDuration::from_hours(24 * i64::from(*remediate_days))
    );

    // A change rebuilds the index days later: the first sighting stays.
    clock.advance(jiff::SignedDuration::from_hours(
        24 * i64::from(*remediate_days) + 1,
    ));
    t.app.exposure_changed();
    let rows = list().await;
    let later = t.app.exposure_timescales(&admin, &rows).await.unwrap();
    let Timescale::Default {
        first_seen: again,
        overdue,
        ..
    } = &later[0]
    else {
        panic!("{later:?}");
    };
    assert_eq!(again, first_seen, "the clock does not start again");
    assert!(*overdue, "past {due}");
    let web = {
        // A member: no second factor, whose code would follow the real clock, not the test's.
        let mut v = crate::web::Visitor::new(&t);
        v.sign_in_as(Role::OrgMember).await;
        let page = v.get("/exposures").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.body
    };
    assert!(web.contains("Overdue: Remediation"), "{web}");
    assert!(web.contains("first saw it here, 1 Jun 2026"), "{web}");

    // Rows of one organisation and vulnerability share one date; the store keeps one row per pair.
    let keys: std::collections::BTreeSet<_> = rows
        .iter()
        .map(|r| {
            let name = ward_app::exposure::advisory::vulnerability_name(&r.advisory, &r.aliases);
            (r.org.id, name.to_owned())
        })
        .collect();
    let stored = t
        .store
        .first_seen(&ward_store::Scope::All, &keys.iter().cloned().collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(stored.len(), keys.len(), "{stored:?}");
    assert!(
        stored.iter().all(|(_, at)| *at == first_seen.unwrap()),
        "{stored:?}"
    );
    // Another organisation's scope reads none of them.
    let elsewhere = t
        .store
        .first_seen(
            &ward_store::Scope::subtree(t.world.foreign_trust),
            &keys.iter().cloned().collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    assert!(elsewhere.is_empty(), "{elsewhere:?}");
}
