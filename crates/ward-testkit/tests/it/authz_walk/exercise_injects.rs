//! The walk's rules and requests for removing participants or changing their role, and for a
//! participant's own injects and responses.

use serde_json::json;
use ward_core::exercise::{ExerciseRole, ExerciseStatus, Participant, ScenarioId};
use ward_core::role::Role;
use ward_testkit::TestApp;

use super::fixtures::disposable_exercise;

pub(super) fn is_exercise_injects(path: &str) -> bool {
    path == "/api/v1/exercises/{id}/participants/{number}"
        || path.starts_with("/api/v1/exercises/{id}/my-injects")
}

/// Participants are removed or given another role by whoever runs the exercise; a participant's
/// injects are read, and responded to, only by the account taking part (the walk makes the
/// role's own account a participant of an exercise of its own trust, and no one of the foreign
/// trust's exercise).
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    match route {
        (_, "/api/v1/exercises/{id}/participants/{number}") => {
            role == NationalAnalyst || (matches!(role, RegionalLead | OrgAdmin) && own)
        }
        _ => own,
    }
}

/// A running exercise of `org` with `account` playing the first inject's role, that inject
/// released.
async fn played_by(
    app: &TestApp,
    org: ward_core::OrgId,
    account: ward_core::UserId,
    n: usize,
) -> ward_core::ExerciseId {
    let (id, _) = disposable_exercise(app, org, ExerciseStatus::Planned, n).await;
    let target = ScenarioId::Synnovis2024.scenario().injects[0].target;
    let actor = ward_app::Actor::system("walk", app.world.national);
    let (all, meta) = (ward_store::Scope::All, actor.audit(app.app.now()));
    let p = Participant {
        number: 0,
        name: format!("Walk player {n}"),
        role: target,
        account: Some(account),
    };
    app.store
        .add_exercise_participant(&all, id, &p, &meta)
        .await
        .unwrap();
    app.store
        .move_exercise(&all, id, ExerciseStatus::Running, &meta)
        .await
        .unwrap();
    let by = app.world.users[&Role::OrgAdmin].id;
    app.store.release_inject(&all, id, 1, by, &meta).await.unwrap();
    id
}

pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    role: Role,
    own: bool,
    write_org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    match route {
        (_, "/api/v1/exercises/{id}/participants/{number}") => {
            let (e, _) = disposable_exercise(app, write_org, ExerciseStatus::Planned, n).await;
            let actor = ward_app::Actor::system("walk", app.world.national);
            let guest = Participant {
                number: 0,
                name: format!("Walk guest {n}"),
                role: ExerciseRole::IncidentLead,
                account: None,
            };
            let added = app
                .store
                .add_exercise_participant(&ward_store::Scope::All, e, &guest, &actor.audit(app.app.now()))
                .await
                .unwrap();
            let number = added.participants[0].number;
            let body = (route.0 == "PATCH").then(|| json!({"role": "executive"}));
            (
                format!("/api/v1/exercises/{e}/participants/{number}"),
                body.and_then(j),
            )
        }
        _ => {
            let (org, account) = if own {
                (write_org, app.world.users[&role].id)
            } else {
                (write_org, app.world.foreign_admin.id)
            };
            let e = played_by(app, org, account, n).await;
            match route.0 {
                "GET" => (format!("/api/v1/exercises/{e}/my-injects"), None),
                _ => (
                    format!("/api/v1/exercises/{e}/my-injects/1/responses"),
                    j(json!({"text": format!("Walk response {n}")})),
                ),
            }
        }
    }
}
