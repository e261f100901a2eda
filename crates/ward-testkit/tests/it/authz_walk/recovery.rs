//! The walk's rules and requests for recovery metrics and exercise timings.

use serde_json::json;
use ward_core::exercise::ExerciseStatus;
use ward_core::role::Role;
use ward_testkit::TestApp;

use super::fixtures::disposable_exercise;

pub(super) fn is_recovery(path: &str) -> bool {
    path.starts_with("/api/v1/recovery-metrics") || path == "/api/v1/exercises/{id}/timings"
}

/// Recovery metrics: whoever reads incidents, over their footprint (asking for an organisation
/// outside it is not found). Exercise timings: read as the exercise is, recorded by whoever runs
/// it (an organisation's admin, a regional lead in its region, the national team).
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    match route {
        ("GET", "/api/v1/exercises/{id}/timings") => role != SupplierContact && (own || national),
        ("PUT", "/api/v1/exercises/{id}/timings") => {
            national || (matches!(role, RegionalLead | OrgAdmin) && own)
        }
        _ => !matches!(role, Auditor | SupplierContact) && (own || national),
    }
}

pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    org: ward_core::OrgId,
    write_org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    match route {
        ("GET", "/api/v1/exercises/{id}/timings") => {
            let (e, _) = disposable_exercise(app, org, ExerciseStatus::Running, n).await;
            (format!("/api/v1/exercises/{e}/timings"), None)
        }
        ("PUT", "/api/v1/exercises/{id}/timings") => {
            let (e, _) = disposable_exercise(app, write_org, ExerciseStatus::Running, n).await;
            (
                format!("/api/v1/exercises/{e}/timings"),
                Some((
                    json!({"org": write_org, "detected_minutes": 30, "contained_minutes": 90}).to_string(),
                    "application/json",
                )),
            )
        }
        (_, p) => (format!("{p}?org={org}&by=region"), None),
    }
}
