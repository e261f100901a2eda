//! Who sees what of a dry run, on both backends: a regional lead's figures count only its region
//! (the foreign trust's own loss is not counted), an organisation's people are refused, and a
//! scenario file naming an organisation the sector lacks is refused with its path.

use ward_app::AppError;
use ward_app::actor::Principal;
use ward_app::simulation::{ScenarioSource, SimulationRequest};
use ward_app::{Actor, AppSettings};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, test_settings};
use ward_testkit::on_each_backend;

/// The fixture user of `role`, acting on its own grant's organisation (a person, not the
/// operator: the operator's CLI sees the sector whatever the role).
fn actor(app: &TestApp, role: Role) -> Actor {
    let user = &app.world.users[&role];
    Actor {
        principal: Principal::User(user.id),
        role,
        org: user.org,
        grant: None,
        expires_at: None,
        request_id: None,
    }
}

fn file(text: &str, trials: u32) -> SimulationRequest {
    SimulationRequest {
        scenario: ScenarioSource::File {
            name: "scenario.yaml".into(),
            text: text.into(),
        },
        trials,
        seed: 3,
        mitigations: vec![],
    }
}

const FOREIGN_TRUST_LOST: &str =
    "name: foreign\nnodes:\n  - {name: a, org: RA7, recovery: {median_days: 10}}\n";

async fn check(app: &TestApp) {
    assert_eq!(app.world.users[&Role::RegionalLead].org, app.world.london);
    let national = app
        .app
        .simulate(&actor(app, Role::NationalAnalyst), file(FOREIGN_TRUST_LOST, 20))
        .await
        .unwrap();
    let regional = app
        .app
        .simulate(&actor(app, Role::RegionalLead), file(FOREIGN_TRUST_LOST, 20))
        .await
        .unwrap();
    assert!(national.organisations_affected.median >= 1.0, "{national:?}");
    assert!(
        regional.organisations_affected.median + 1.0 <= national.organisations_affected.median,
        "the foreign trust is not counted for London: {regional:?} against {national:?}"
    );
    assert!(regional.patient_days_lost.median < national.patient_days_lost.median);
    for role in [Role::OrgAdmin, Role::OrgMember, Role::Auditor] {
        let e = app
            .app
            .simulate(&actor(app, role), file(FOREIGN_TRUST_LOST, 20))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{role:?}: {e:?}");
    }
    let unknown = "name: x\nnodes:\n  - {name: a, org: ZZZ99, recovery: {median_days: 3}}\n";
    let e = app
        .app
        .simulate(&actor(app, Role::NationalAnalyst), file(unknown, 20))
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = e else {
        panic!("{e:?}")
    };
    assert_eq!(problems[0].path, "nodes[0].org");
    // More trials than the maximum: refused before the file is parsed (this one is not a scenario).
    let e = app
        .app
        .simulate(&actor(app, Role::NationalAnalyst), file("{", 10_001))
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = e else {
        panic!("{e:?}")
    };
    assert_eq!(problems[0].path, "trials");
}

#[tokio::test]
async fn a_dry_run_counts_the_callers_footprint_on_both_backends() {
    let clock = ManualClock::new("2026-06-01T09:00:00Z".parse().unwrap());
    let settings: AppSettings = test_settings();
    for app in on_each_backend(&clock, settings, ServerSettings::default()).await {
        check(&app).await;
    }
}
