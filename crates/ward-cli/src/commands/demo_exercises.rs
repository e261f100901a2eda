//! The demo's exercises, at the trust of the demo's organisation admin, who facilitates them: one
//! pathology-outage tabletop run today from start to debrief (three injects released with a
//! decision each, detection, containment and recovery times, a debrief and a tracked action), so
//! the trust has CAF D1.c evidence and the recovery metrics have an exercise; and a worm drill
//! planned for next month with the demo's member taking part through their account, so the
//! member's "taking part" list has something to open.
//!
//! Each step goes through the same use cases as the pages, acting as the admin persona (the
//! console's steps are a person's, never the operator's), so each is authorised and audited.

use jiff::civil::Date;
use ward_app::{Actor, App, Principal};
use ward_core::exercise::{
    ActionInput, Debrief, EntryInput, EntryKind, ExerciseKind, ExercisePlan, ExerciseRole, ExerciseStatus,
    Participant, ScenarioId,
};
use ward_core::recovery::ExerciseTimings;
use ward_core::role::Role;
use ward_core::{GrantId, OrgId, UserId};

use super::app_err;

/// The demo's organisation admin: their account, grant and organisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facilitator {
    pub user: UserId,
    pub grant: GrantId,
    pub org: OrgId,
}

/// What the demo recorded: exercises planned and completed.
pub(crate) struct SeededExercises {
    pub planned: usize,
    pub completed: usize,
}

/// The decisions recorded against the first three injects of the pathology scenario.
const DECISIONS: [&str; 3] = [
    "Urgent-only testing by phone and paper from now; the incident lead is told.",
    "Emergency blood protocols in force; the region is asked for O negative stock.",
    "Tomorrow's elective list goes ahead for cancer and urgent cases only.",
];

/// Record the demo's two exercises. Nothing is recorded without an admin persona.
pub(crate) async fn seed_exercises(
    app: &App,
    facilitator: Option<Facilitator>,
    member: Option<(UserId, OrgId)>,
    today: Date,
) -> anyhow::Result<SeededExercises> {
    let Some(f) = facilitator else {
        return Ok(SeededExercises {
            planned: 0,
            completed: 0,
        });
    };
    let admin = Actor {
        principal: Principal::User(f.user),
        role: Role::OrgAdmin,
        org: f.org,
        grant: Some(f.grant),
        expires_at: None,
        request_id: None,
    };
    // The member takes part through their account where they work at the admin's trust.
    let member_account = member.filter(|(_, org)| *org == f.org).map(|(user, _)| user);

    let tabletop = app
        .plan_exercise(
            &admin,
            ExercisePlan {
                title: "Pathology supplier outage tabletop".to_owned(),
                scenario: ScenarioId::Synnovis2024.as_str().to_owned(),
                kind: Some(ExerciseKind::Tabletop),
                orgs: vec![f.org],
                facilitator: f.user,
                planned_for: today,
                participants: vec![
                    Participant {
                        name: "Blood transfusion lead".to_owned(),
                        role: ExerciseRole::ClinicalLead,
                        account: None,
                        number: 0,
                    },
                    Participant {
                        name: "Director on call".to_owned(),
                        role: ExerciseRole::Executive,
                        account: None,
                        number: 0,
                    },
                ],
            },
        )
        .await
        .map_err(app_err)?;
    let id = tabletop.exercise.id;
    app.move_exercise(&admin, id, ExerciseStatus::Running)
        .await
        .map_err(app_err)?;
    for (number, decision) in (1u32..).zip(DECISIONS) {
        app.release_inject(&admin, id, number).await.map_err(app_err)?;
        app.record_exercise_entry(
            &admin,
            id,
            number,
            EntryInput {
                kind: EntryKind::Decision,
                text: decision.to_owned(),
            },
        )
        .await
        .map_err(app_err)?;
    }
    app.record_exercise_timings(
        &admin,
        id,
        ExerciseTimings {
            org: f.org,
            detected_minutes: 10,
            contained_minutes: Some(95),
            recovered_minutes: Some(420),
        },
    )
    .await
    .map_err(app_err)?;
    app.move_exercise(&admin, id, ExerciseStatus::Completed)
        .await
        .map_err(app_err)?;
    app.debrief_exercise(
        &admin,
        id,
        Debrief {
            went_well: "Urgent testing moved to phone and paper within minutes.".to_owned(),
            to_improve: "Nobody knew who asks the region for blood stock; it took an hour.".to_owned(),
        },
    )
    .await
    .map_err(app_err)?;
    app.add_exercise_action(
        &admin,
        id,
        ActionInput {
            org: f.org,
            lesson: "Name who asks the region for blood stock, and write it into the continuity plan."
                .to_owned(),
            owner: Some(f.user),
            due: today.checked_add(jiff::Span::new().days(60)).ok(),
            status: None,
            risk: None,
            raise_risk: false,
        },
    )
    .await
    .map_err(app_err)?;

    app.plan_exercise(
        &admin,
        ExercisePlan {
            title: "Worm across unpatched systems drill".to_owned(),
            scenario: ScenarioId::Wannacry2017.as_str().to_owned(),
            kind: None,
            orgs: vec![f.org],
            facilitator: f.user,
            planned_for: today.checked_add(jiff::Span::new().days(30)).unwrap_or(today),
            participants: member_account
                .map(|user| Participant {
                    name: String::new(),
                    role: ExerciseRole::IncidentLead,
                    account: Some(user),
                    number: 0,
                })
                .into_iter()
                .collect(),
        },
    )
    .await
    .map_err(app_err)?;
    Ok(SeededExercises {
        planned: 1,
        completed: 1,
    })
}
