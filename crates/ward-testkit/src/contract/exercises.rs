//! Exercises: planned only for organisations in scope, visible to each organisation taking part
//! and the ICB above them, invisible to others, written only by a scope that holds every
//! organisation; the workflow planned, running, completed; each inject released once, entries
//! only against released injects; actions with owners, linking or raising a risk of their own
//! organisation in one transaction; completed exercises listed by date for CAF D1.c; every change
//! audited and refusals writing nothing.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::exercise::{
    ActionStatus, Debrief, EntryKind, Exercise, ExerciseAction, ExerciseEntry, ExerciseKind, ExerciseRole,
    ExerciseStatus, Participant, ScenarioId,
};
use ward_core::risk::register::{Risk, RiskDetails, RiskScore, Treatment};
use ward_core::risk::{Consequence, Likelihood};
use ward_core::{ExerciseActionId, ExerciseEntryId, ExerciseId, OrgId, RiskId, UserId};
use ward_store::exercises::ExerciseFilter;
use ward_store::{Scope, Store, StoreError};

pub(super) fn exercise(orgs: Vec<OrgId>, by: UserId, secs: i64) -> Exercise {
    let mut orgs = orgs;
    orgs.sort();
    Exercise {
        id: new_id(ExerciseId::new_at),
        title: "Pathology drill, \"quoted\" é".into(),
        scenario: ScenarioId::Synnovis2024,
        kind: ExerciseKind::StressTest,
        orgs,
        facilitator: by,
        planned_for: jiff::civil::date(2026, 3, 4),
        participants: vec![
            Participant {
                number: 0,
                name: "Ada".into(),
                role: ExerciseRole::ClinicalLead,
                account: Some(by),
            },
            Participant {
                number: 1,
                name: "Grace".into(),
                role: ExerciseRole::IncidentLead,
                account: None,
            },
        ],
        status: ExerciseStatus::Planned,
        started_at: None,
        completed_at: None,
        debrief: Debrief::default(),
        created_by: by,
        created_at: at(secs),
        updated_at: at(secs),
    }
}

fn action(e: &Exercise, org: OrgId, owner: UserId, risk: Option<RiskId>) -> ExerciseAction {
    ExerciseAction {
        id: new_id(ExerciseActionId::new_at),
        exercise: e.id,
        org,
        lesson: "Test the paper blood protocol quarterly".into(),
        owner,
        due: jiff::civil::date(2026, 6, 30),
        status: ActionStatus::Open,
        risk,
        created_at: at(500),
        updated_at: at(500),
    }
}

fn risk(org: OrgId, owner: UserId) -> Risk {
    let s = RiskScore::patient_safety(Consequence::MODERATE, Likelihood::POSSIBLE);
    Risk {
        id: new_id(RiskId::new_at),
        org,
        details: RiskDetails {
            title: "Blood transfusion without the laboratory system".into(),
            description: String::new(),
            source: "internal-ineffective".into(),
            event: "malware-ransomware".into(),
            consequence: "service-disruption".into(),
            inherent: s.clone(),
            current: s,
            target: RiskScore::patient_safety(Consequence::MODERATE, Likelihood::RARE),
            owner,
            review_date: jiff::civil::date(2026, 6, 30),
            treatment: Treatment::Reduce,
            treatment_plan: String::new(),
            controls: vec![],
            links: Default::default(),
        },
        acceptance: None,
        created_at: at(500),
        updated_at: at(500),
    }
}

/// The exercise round trip on one backend.
pub async fn exercises_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "EX");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let lead = user("exercise-lead")?;
    store.create_user(&lead, &fx.meta(1)).await?;
    let (scope_a, scope_b, scope_icb) = (Scope::subtree(a.id), Scope::subtree(b.id), Scope::subtree(icb.id));
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Planning: in scope only, facilitator an account.
    let solo = exercise(vec![a.id], lead.id, 10);
    store.create_exercise(&scope_a, &solo, &fx.meta(10)).await?;
    let joint = exercise(vec![a.id, b.id], lead.id, 11);
    check_err!(
        store.create_exercise(&scope_a, &joint, &fx.meta(11)).await,
        StoreError::NotFound { .. },
        "a joint exercise planned by one of its organisations"
    );
    let mut ghost = exercise(vec![a.id], lead.id, 11);
    ghost.facilitator = UserId::from_uuid(uuid::Uuid::nil());
    check_err!(
        store.create_exercise(&scope_a, &ghost, &fx.meta(11)).await,
        StoreError::Invalid(_),
        "a facilitator who is not an account"
    );
    store.create_exercise(&scope_icb, &joint, &fx.meta(12)).await?;
    cursor
        .expect(
            &store,
            "plans",
            &[
                ("exercise.create", Some(a.id)),
                ("exercise.create", Some(joint.orgs[0])),
                ("exercise.create", Some(joint.orgs[1])),
            ],
        )
        .await?;
    check_eq!(
        store.get_exercise(&scope_a, solo.id).await?,
        solo,
        "read back equal"
    );
    check_eq!(
        store.get_exercise(&scope_b, joint.id).await?,
        joint,
        "each organisation sees a joint exercise"
    );
    check_err!(
        store.get_exercise(&scope_b, solo.id).await,
        StoreError::NotFound { .. },
        "another trust reading"
    );
    let ids = |v: Vec<Exercise>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
    check_eq!(
        ids(store.list_exercises(&scope_b, &ExerciseFilter::default()).await?),
        vec![joint.id],
        "a trust lists only what it takes part in"
    );
    check_eq!(
        ids(store
            .list_exercises(&scope_icb, &ExerciseFilter::default())
            .await?)
        .len(),
        2,
        "the ICB lists both"
    );

    // Writes: another trust's scope cannot touch the solo exercise; one trust cannot run the joint.
    check_err!(
        store
            .move_exercise(&scope_b, solo.id, ExerciseStatus::Running, &fx.meta(13))
            .await,
        StoreError::NotFound { .. },
        "another trust starting it"
    );
    check_err!(
        store
            .move_exercise(&scope_a, joint.id, ExerciseStatus::Running, &fx.meta(13))
            .await,
        StoreError::Forbidden { .. },
        "one of two trusts starting a joint exercise"
    );
    check_err!(
        store
            .release_inject(&scope_a, solo.id, 1, lead.id, &fx.meta(13))
            .await,
        StoreError::Conflict(_),
        "a release before the start"
    );
    check_err!(
        store
            .move_exercise(&scope_a, solo.id, ExerciseStatus::Completed, &fx.meta(13))
            .await,
        StoreError::Conflict(_),
        "completing a planned exercise"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    // Participants: appended while planned (audited for each organisation), an account must be
    // one, written only by a scope holding every organisation; the exercises an account takes
    // part in are found whatever the scope.
    let guest = Participant {
        number: 0,
        name: "Visiting GP".into(),
        role: ExerciseRole::Executive,
        account: None,
    };
    let added = store
        .add_exercise_participant(&scope_a, solo.id, &guest, &fx.meta(14))
        .await?;
    check_eq!(added.participants.len(), 3, "the guest appended");
    check_eq!(
        store.get_exercise(&scope_a, solo.id).await?.participants,
        added.participants,
        "read back with the guest last"
    );
    let nobody = Participant {
        account: Some(UserId::from_uuid(uuid::Uuid::nil())),
        ..guest.clone()
    };
    check_err!(
        store
            .add_exercise_participant(&scope_a, solo.id, &nobody, &fx.meta(15))
            .await,
        StoreError::Invalid(_),
        "a participant's account that is no account"
    );
    check_err!(
        store
            .add_exercise_participant(&scope_b, solo.id, &guest, &fx.meta(15))
            .await,
        StoreError::NotFound { .. },
        "another trust adding a participant"
    );
    check_err!(
        store
            .add_exercise_participant(&scope_a, joint.id, &guest, &fx.meta(15))
            .await,
        StoreError::Forbidden { .. },
        "one of two trusts adding to a joint exercise"
    );
    cursor
        .expect(
            &store,
            "a participant added",
            &[("exercise.participant", Some(a.id))],
        )
        .await?;
    let mut taking_part = ids(store.exercises_taken_part(lead.id).await?);
    taking_part.sort();
    let mut both = vec![solo.id, joint.id];
    both.sort();
    check_eq!(taking_part, both, "the account's exercises, whatever the scope");
    check_eq!(
        store
            .exercises_taken_part(UserId::from_uuid(uuid::Uuid::nil()))
            .await?
            .len(),
        0,
        "none for someone who takes part in none"
    );

    // Running: injects once each, entries against released ones.
    let running = store
        .move_exercise(&scope_a, solo.id, ExerciseStatus::Running, &fx.meta(20))
        .await?;
    check_err!(
        store
            .add_exercise_participant(&scope_a, solo.id, &guest, &fx.meta(20))
            .await,
        StoreError::Conflict(_),
        "a participant added once the exercise has started"
    );
    check_eq!(running.started_at, Some(at(20)), "started when moved");
    let r1 = store
        .release_inject(&scope_a, solo.id, 1, lead.id, &fx.meta(21))
        .await?;
    check_eq!(r1.released_at, at(21), "released at the audit time");
    check_err!(
        store
            .release_inject(&scope_a, solo.id, 1, lead.id, &fx.meta(22))
            .await,
        StoreError::Conflict(_),
        "an inject released twice"
    );
    check_err!(
        store
            .release_inject(&scope_a, solo.id, 99, lead.id, &fx.meta(22))
            .await,
        StoreError::Invalid(_),
        "an inject the scenario does not have"
    );
    check_err!(
        store
            .release_inject(&scope_b, solo.id, 2, lead.id, &fx.meta(22))
            .await,
        StoreError::NotFound { .. },
        "another trust releasing an inject"
    );
    let entry = |inject: u32, secs: i64, kind: EntryKind| ExerciseEntry {
        id: new_id(ExerciseEntryId::new_at),
        exercise: solo.id,
        inject,
        kind,
        text: format!("Recorded at {secs}"),
        author: lead.id,
        at: at(secs),
    };
    check_err!(
        store
            .add_exercise_entry(&scope_a, &entry(2, 23, EntryKind::Response), &fx.meta(23))
            .await,
        StoreError::Conflict(_),
        "an entry against an inject not released"
    );
    let e2 = entry(1, 25, EntryKind::Decision);
    let e1 = entry(1, 24, EntryKind::Response);
    store.add_exercise_entry(&scope_a, &e2, &fx.meta(25)).await?;
    store.add_exercise_entry(&scope_a, &e1, &fx.meta(24)).await?;
    check_err!(
        store
            .set_debrief(&scope_a, solo.id, &Debrief::default(), &fx.meta(26))
            .await,
        StoreError::Conflict(_),
        "a debrief while running"
    );
    let done = store
        .move_exercise(&scope_a, solo.id, ExerciseStatus::Completed, &fx.meta(30))
        .await?;
    check_eq!(done.completed_at, Some(at(30)), "completed when moved");
    check_err!(
        store
            .release_inject(&scope_a, solo.id, 2, lead.id, &fx.meta(31))
            .await,
        StoreError::Conflict(_),
        "a release after completion"
    );

    // Debrief and actions.
    let debrief = Debrief {
        went_well: "Paper blood protocol\nheld".into(),
        to_improve: "Call tree out of date".into(),
    };
    let after = store
        .set_debrief(&scope_a, solo.id, &debrief, &fx.meta(40))
        .await?;
    check_eq!(after.debrief, debrief, "debrief stored");
    let b_risk = risk(b.id, lead.id);
    store.create_risk(&scope_b, &b_risk, &fx.meta(41)).await?;
    check_err!(
        store
            .add_exercise_action(
                &scope_a,
                &action(&solo, a.id, lead.id, Some(b_risk.id)),
                None,
                &fx.meta(42)
            )
            .await,
        StoreError::Invalid(_),
        "an action linking another organisation's risk"
    );
    check_err!(
        store
            .add_exercise_action(&scope_a, &action(&solo, b.id, lead.id, None), None, &fx.meta(42))
            .await,
        StoreError::Invalid(_),
        "an action for an organisation not taking part"
    );
    check_err!(
        store
            .add_exercise_action(
                &scope_a,
                &action(&solo, a.id, UserId::from_uuid(uuid::Uuid::nil()), None),
                None,
                &fx.meta(42)
            )
            .await,
        StoreError::Invalid(_),
        "an action whose owner is not an account"
    );
    let raised = risk(a.id, lead.id);
    let with_raised = action(&solo, a.id, lead.id, Some(raised.id));
    store
        .add_exercise_action(&scope_a, &with_raised, Some((&scope_a, &raised)), &fx.meta(43))
        .await?;
    check_eq!(
        store.get_risk(&scope_a, raised.id).await?.org,
        a.id,
        "the raised risk is stored"
    );
    let plain = action(&solo, a.id, lead.id, None);
    store
        .add_exercise_action(&scope_a, &plain, None, &fx.meta(44))
        .await?;
    let moved = ExerciseAction {
        status: ActionStatus::Done,
        risk: Some(raised.id),
        ..plain.clone()
    };
    let stored = store
        .update_exercise_action(&scope_a, &moved, &fx.meta(45))
        .await?;
    check_eq!(stored.status, ActionStatus::Done, "action status moved");
    check_eq!(stored.updated_at, at(45), "action stamped");

    let record = store.exercise_record(&scope_icb, solo.id).await?;
    check_eq!(record.released.len(), 1, "one inject released");
    check_eq!(record.entries, vec![e1, e2], "entries earliest first");
    check_eq!(record.actions.len(), 2, "two actions");
    check_err!(
        store.exercise_record(&scope_b, solo.id).await,
        StoreError::NotFound { .. },
        "another trust reading the record"
    );

    // D1.c evidence: completed exercises of an organisation since a time.
    let evidence = |since: i64| ExerciseFilter {
        org: Some(a.id),
        status: Some(ExerciseStatus::Completed),
        completed_since: Some(at(since)),
    };
    check_eq!(
        ids(store.list_exercises(&scope_icb, &evidence(30)).await?),
        vec![solo.id],
        "completed since its completion"
    );
    check_eq!(
        ids(store.list_exercises(&scope_icb, &evidence(31)).await?),
        Vec::<ExerciseId>::new(),
        "nothing completed after it"
    );
    cursor
        .expect(
            &store,
            "workflow",
            &[
                ("exercise.status", Some(a.id)),
                ("exercise.inject", Some(a.id)),
                ("exercise.entry", Some(a.id)),
                ("exercise.entry", Some(a.id)),
                ("exercise.status", Some(a.id)),
                ("exercise.debrief", Some(a.id)),
                ("risk.create", Some(b.id)),
                ("risk.create", Some(a.id)),
                ("exercise.action", Some(a.id)),
                ("exercise.action", Some(a.id)),
                ("exercise.action", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
