//! Escalation of overdue answers end to end: a test clock moves past the deadlines, the
//! `alerts.escalate` job runs (twice each time, and from two runners at once), and each step
//! appears once, in order, on the alert's timeline, in the API and on the page, with its e-mail to
//! the people of that level and nobody else. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use crate::notify::{log4shell, run_due, smtp_receiver, with_mail};
use jiff::SignedDuration;
use serde_json::Value;
use ward_app::Actor;
use ward_core::alert::Clock;
use ward_core::alert::EventKind;
use ward_core::alert::escalation::EscalationLevel;
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_core::{AlertId, OrgId};
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

/// The steps recorded so far, as (organisation, clock, level, told), in the order taken.
async fn steps(app: &TestApp, alert: AlertId) -> Vec<(OrgId, Clock, EscalationLevel, Option<OrgId>)> {
    let national = Actor::system("test", app.world.national);
    let view = app.app.alert(&national, alert).await.unwrap();
    let on_timeline = view
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Escalated)
        .count();
    assert_eq!(on_timeline, view.escalations.len(), "one timeline entry per step");
    view.escalations
        .iter()
        .map(|e| (e.step.org, e.step.clock, e.step.level, e.step.notified))
        .collect()
}

/// The escalation job as the servers run it: queued, then run by two runners (two replicas), then
/// once more directly.
async fn escalate_twice(app: &TestApp) {
    app.app.queue_alert_escalation().await.unwrap();
    let a = ward_app::jobs::JobRunner::new(app.app.clone(), "replica-a".into());
    let b = ward_app::jobs::JobRunner::new(app.app.clone(), "replica-b".into());
    let (x, y) = tokio::join!(a.run_once(), b.run_once());
    x.unwrap();
    y.unwrap();
    let system = Actor::system("test", app.world.national);
    let (x, y) = tokio::join!(app.app.escalate_alerts(&system), app.app.escalate_alerts(&system));
    x.unwrap();
    y.unwrap();
    run_due(app).await;
}

fn mails_to(got: &std::sync::Mutex<Vec<crate::notify::Received>>, email: &str) -> Vec<String> {
    got.lock()
        .unwrap()
        .iter()
        .filter(|m| m.rcpt.contains(&email.to_ascii_lowercase()))
        .map(|m| m.data.replace("=\n", ""))
        .collect()
}

#[tokio::test]
async fn overdue_answers_escalate_to_the_organisation_then_its_area_then_nationally_once_each() {
    use Clock::{Acknowledge as Ack, FirstUpdate as Upd};
    use EscalationLevel::{Area, National, Organisation as Org};
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-06-01T09:00:00Z".parse().unwrap());
        got.lock().unwrap().clear();
        let w = app.world.clone();
        let national = Actor::system("test", w.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        run_due(&app).await;
        got.lock().unwrap().clear();
        let hours = |h| {
            clock.set(
                "2026-06-01T09:00:00Z"
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    .checked_add(SignedDuration::from_hours(h))
                    .unwrap()
                    .checked_add(SignedDuration::from_mins(1))
                    .unwrap(),
            )
        };

        // Before the acknowledgement deadline (48 hours) nothing happens.
        hours(47);
        escalate_twice(&app).await;
        assert!(
            steps(&app, issued.alert).await.is_empty(),
            "{b}: nothing before the deadline"
        );

        // Past it: each trust is told, once, whatever the runners do.
        hours(48);
        escalate_twice(&app).await;
        let mut expected = vec![
            (w.trust, Ack, Org, Some(w.trust)),
            (w.foreign_trust, Ack, Org, Some(w.foreign_trust)),
        ];
        let mut got_steps = steps(&app, issued.alert).await;
        got_steps.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(got_steps, want, "{b}: the organisation step for each trust");
        let admin = w.users[&Role::OrgAdmin].email.clone();
        let told = mails_to(&got, &admin);
        assert_eq!(told.len(), 1, "{b}: the trust's admin is told once");
        assert!(
            told[0].contains("has not given its acknowledgement"),
            "{b}: {}",
            told[0]
        );
        assert!(
            mails_to(&got, &w.users[&Role::RegionalLead].email).is_empty(),
            "{b}: the region is not told yet"
        );

        // The trust acknowledges through the API; the foreign trust still says nothing.
        let s = as_role(&app, Role::OrgAdmin).await;
        let res = with_session(
            client().post(app.url(&format!(
                "/api/v1/alerts/{}/orgs/{}/responses",
                issued.alert, w.trust
            ))),
            &s,
        )
        .json(&serde_json::json!({"action": "acknowledge"}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 200, "{b}");

        // A day later: the foreign trust's acknowledgement goes to its ICB (no lead there holds a
        // role, nor in its region: the ICB is named); both first updates are now late (72 hours).
        hours(72);
        escalate_twice(&app).await;
        expected.extend([
            (w.trust, Upd, Org, Some(w.trust)),
            (w.foreign_trust, Upd, Org, Some(w.foreign_trust)),
            (w.foreign_trust, Ack, Area, Some(w.foreign_icb)),
        ]);
        // Two days after: national for the foreign acknowledgement; the trust's first update goes
        // to London, where the regional lead holds a role (its ICB has none).
        hours(96);
        escalate_twice(&app).await;
        expected.extend([
            (w.trust, Upd, Area, Some(w.london)),
            (w.foreign_trust, Ack, National, Some(w.national)),
            (w.foreign_trust, Upd, Area, Some(w.foreign_icb)),
        ]);
        hours(120);
        escalate_twice(&app).await;
        escalate_twice(&app).await;
        expected.extend([
            (w.trust, Upd, National, Some(w.national)),
            (w.foreign_trust, Upd, National, Some(w.national)),
        ]);
        let all = steps(&app, issued.alert).await;
        assert_eq!(all.len(), expected.len(), "{b}: each step once: {all:?}");
        for org in [w.trust, w.foreign_trust] {
            let theirs: Vec<_> = all.iter().filter(|s| s.0 == org).cloned().collect();
            let want: Vec<_> = expected.iter().filter(|s| s.0 == org).cloned().collect();
            let mut sorted_theirs = theirs.clone();
            sorted_theirs.sort_by_key(|s| (s.1, s.2));
            let mut sorted_want = want.clone();
            sorted_want.sort_by_key(|s| (s.1, s.2));
            assert_eq!(sorted_theirs, sorted_want, "{b}: the steps of {org}");
            for clock in [Ack, Upd] {
                let levels: Vec<_> = theirs.iter().filter(|s| s.1 == clock).map(|s| s.2).collect();
                let mut in_order = levels.clone();
                in_order.sort();
                assert_eq!(levels, in_order, "{b}: organisation, then area, then national");
            }
        }
        assert!(
            !all.iter().any(|s| s.0 == w.trust && s.1 == Ack && s.2 != Org),
            "{b}: an answer stops its clock's escalation"
        );
        let lead = mails_to(&got, &w.users[&Role::RegionalLead].email);
        assert_eq!(
            lead.len(),
            1,
            "{b}: London's lead is told once, of the trust's update"
        );
        assert!(
            lead[0].contains("Riverside Hospitals NHS Trust"),
            "{b}: {}",
            lead[0]
        );
        assert_eq!(
            mails_to(&got, &w.users[&Role::NationalAnalyst].email).len(),
            3,
            "{b}: the national team is told of each of the three national steps"
        );
        assert!(
            mails_to(&got, &w.users[&Role::Auditor].email).is_empty(),
            "{b}: auditors are not chased"
        );

        // The API and the page show the steps; the trust sees only its own.
        let s = as_role(&app, Role::OrgMember).await;
        let res = with_session(
            client().get(app.url(&format!("/api/v1/alerts/{}", issued.alert))),
            &s,
        )
        .send()
        .await
        .unwrap();
        let view: Value = res.json().await.unwrap();
        let escalations = view["escalations"].as_array().unwrap();
        assert_eq!(escalations.len(), 4, "{b}: the trust's four steps");
        assert!(
            escalations
                .iter()
                .all(|e| e["step"]["org"] == Value::String(w.trust.to_string())),
            "{b}: none of the foreign trust's"
        );
        let page = with_session(client().get(app.url(&format!("/alerts/{}", issued.alert))), &s)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Escalation of overdue answers"), "{b}");
        assert!(
            page.contains("ICB or region") && page.contains("London (Y56)"),
            "{b}"
        );
        assert!(!page.contains("first_update"), "{b}: no enum value on the page");

        // Remediation by the alert's date (14 days for a critical alert): not closed by then, it
        // escalates like the other clocks; closing the record stops it.
        let remediation = |all: &[(OrgId, Clock, EscalationLevel, Option<OrgId>)], org: OrgId| {
            all.iter()
                .filter(|s| s.0 == org && s.1 == Clock::Remediate)
                .map(|s| s.2)
                .collect::<Vec<_>>()
        };
        hours(14 * 24 - 1);
        escalate_twice(&app).await;
        assert!(
            remediation(&steps(&app, issued.alert).await, w.trust).is_empty(),
            "{b}: not yet"
        );
        hours(14 * 24);
        escalate_twice(&app).await;
        let all = steps(&app, issued.alert).await;
        assert_eq!(remediation(&all, w.trust), vec![Org], "{b}");
        assert_eq!(remediation(&all, w.foreign_trust), vec![Org], "{b}");
        let told = mails_to(&got, &admin);
        assert!(
            told.iter()
                .any(|m| m.contains("has not closed this alert as remediated")),
            "{b}: the trust's admin is told of the remediation"
        );
        let s = as_role(&app, Role::OrgAdmin).await;
        let res = with_session(
            client().post(app.url(&format!(
                "/api/v1/alerts/{}/orgs/{}/responses",
                issued.alert, w.trust
            ))),
            &s,
        )
        .json(&serde_json::json!({"action": "close", "reason": "patched; the scanner lags"}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status(), 200, "{b}: {}", res.text().await.unwrap_or_default());
        hours(14 * 24 + 48);
        escalate_twice(&app).await;
        let all = steps(&app, issued.alert).await;
        assert_eq!(
            remediation(&all, w.trust),
            vec![Org],
            "{b}: closed, so no further step"
        );
        assert_eq!(
            remediation(&all, w.foreign_trust),
            vec![Org, Area, National],
            "{b}: the foreign trust's remediation goes up to the national team"
        );
    }
}
