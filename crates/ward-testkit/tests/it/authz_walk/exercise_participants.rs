//! The walk's rules and requests for exercise participants.

use serde_json::json;
use ward_core::exercise::ExerciseStatus;
use ward_core::role::Role;
use ward_testkit::TestApp;

use super::fixtures::disposable_exercise;

pub(super) fn is_exercise_participants(path: &str) -> bool {
    path == "/api/v1/exercises/{id}/participants" || path == "/api/v1/exercises/taking-part"
}

/// Participants are added by whoever runs the exercise (an organisation's admin, a regional lead
/// in its region, the national team); everyone signed in lists the exercises they take part in
/// (their own, so there is no organisation to be outside).
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    match route {
        ("GET", "/api/v1/exercises/taking-part") => true,
        _ => role == NationalAnalyst || (matches!(role, RegionalLead | OrgAdmin) && own),
    }
}

pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    write_org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    match route {
        ("POST", "/api/v1/exercises/{id}/participants") => {
            let (e, _) = disposable_exercise(app, write_org, ExerciseStatus::Planned, n).await;
            (
                format!("/api/v1/exercises/{e}/participants"),
                Some((
                    json!({"name": format!("Walk guest {n}"), "role": "incident_lead"}).to_string(),
                    "application/json",
                )),
            )
        }
        (_, p) => (p.to_owned(), None),
    }
}
