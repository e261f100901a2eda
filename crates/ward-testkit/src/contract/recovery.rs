//! Recovery facts and exercise timings: suppliers implicated stored as links and refused unless
//! they are suppliers; facts read only inside scope and narrowed by source, category, supplier and
//! time; exercise timings recorded only by a scope holding the whole exercise, once it has
//! started, for an organisation taking part, replaced when recorded again; every write audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::Severity;
use ward_core::exercise::{Debrief, Exercise, ExerciseKind, ExerciseStatus, ScenarioId};
use ward_core::incident::{Incident, IncidentDetails, IncidentStatus, NcscCategory};
use ward_core::org::OrgKind;
use ward_core::recovery::{ExerciseTimings, RecoverySource};
use ward_core::risk::Consequence;
use ward_core::tlp::Tlp;
use ward_core::{ExerciseId, IncidentId, OrgId, UserId};
use ward_store::recovery::RecoveryFilter;
use ward_store::{Scope, Store, StoreError};

fn closed_incident(org: OrgId, author: UserId, detected: i64, category: NcscCategory) -> Incident {
    Incident {
        id: new_id(IncidentId::new_at),
        org,
        details: IncidentDetails {
            title: "Supplier outage".into(),
            category,
            severity: Severity::High,
            tlp: Tlp::Amber,
            status: IncidentStatus::Closed,
            impact: String::new(),
            resolution: String::new(),
            patient_harm: Consequence::MINOR,
            services: vec![],
            assets: vec![],
            suppliers: vec![],
            occurred_at: Some(at(detected - 7200)),
            detected_at: at(detected),
            reported_at: None,
            nis_applies: false,
            ico_applies: false,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: Some(at(detected + 1800)),
            recovered_at: Some(at(detected + 36_000)),
        },
        created_by: author,
        created_at: at(detected),
        updated_at: at(detected),
    }
}

fn exercise(orgs: Vec<OrgId>, by: UserId) -> Exercise {
    let mut orgs = orgs;
    orgs.sort();
    Exercise {
        id: new_id(ExerciseId::new_at),
        title: "Pathology drill".into(),
        scenario: ScenarioId::Synnovis2024,
        kind: ExerciseKind::Tabletop,
        orgs,
        facilitator: by,
        planned_for: jiff::civil::date(2026, 3, 4),
        participants: vec![],
        status: ExerciseStatus::Planned,
        started_at: None,
        completed_at: None,
        debrief: Debrief::default(),
        created_by: by,
        created_at: at(5),
        updated_at: at(5),
    }
}

/// The recovery round trip on one backend.
pub async fn recovery_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "RC");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let supplier = fx
        .save_orgs(vec![fx.org(
            "S",
            "Pathology Supplier",
            OrgKind::Supplier,
            None,
        )?])
        .await?
        .remove(0);
    let author = user("recovery-author")?;
    store.create_user(&author, &fx.meta(1)).await?;
    let (scope_a, scope_b, scope_icb) = (Scope::subtree(a.id), Scope::subtree(b.id), Scope::subtree(icb.id));
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Suppliers implicated: stored, read back, only suppliers.
    let mut i1 = closed_incident(a.id, author.id, 100, NcscCategory::Substantial);
    i1.details.suppliers = vec![supplier.id];
    store.create_incident(&scope_a, &i1, &fx.meta(100)).await?;
    check_eq!(
        store.get_incident(&scope_a, i1.id).await?.details.suppliers,
        vec![supplier.id],
        "supplier read back"
    );
    let i2 = closed_incident(b.id, author.id, 200, NcscCategory::Localised);
    store.create_incident(&scope_b, &i2, &fx.meta(200)).await?;
    let mut not_a_supplier = closed_incident(a.id, author.id, 300, NcscCategory::Moderate);
    not_a_supplier.details.suppliers = vec![b.id];
    check_err!(
        store
            .create_incident(&scope_a, &not_a_supplier, &fx.meta(300))
            .await,
        StoreError::Invalid(_),
        "a trust named as a supplier implicated"
    );
    let mut edited = i1.details.clone();
    edited.suppliers = vec![];
    store
        .update_incident(&scope_a, i1.id, &edited, &fx.meta(101))
        .await?;
    check_eq!(
        store.get_incident(&scope_a, i1.id).await?.details.suppliers,
        Vec::<OrgId>::new(),
        "supplier removed by an edit"
    );
    store
        .update_incident(&scope_a, i1.id, &i1.details, &fx.meta(102))
        .await?;
    cursor
        .expect(
            &store,
            "incident writes",
            &[
                ("incident.create", Some(a.id)),
                ("incident.create", Some(b.id)),
                ("incident.update", Some(a.id)),
                ("incident.update", Some(a.id)),
            ],
        )
        .await?;

    // Facts: scope, measures in minutes, filters.
    let all = RecoveryFilter::default();
    let facts = store.recovery_facts(&scope_a, &all).await?;
    check_eq!(facts.len(), 1, "trust A sees its own incident only");
    check_eq!(
        (
            facts[0].detect_minutes,
            facts[0].contain_minutes,
            facts[0].recover_minutes
        ),
        (Some(120), Some(30), Some(600)),
        "minutes from occurrence, detection"
    );
    check_eq!(
        facts[0].suppliers,
        vec![supplier.id],
        "the fact names the supplier"
    );
    check_eq!(
        store.recovery_facts(&scope_icb, &all).await?.len(),
        2,
        "the ICB sees both"
    );
    let by_supplier = RecoveryFilter {
        supplier: Some(supplier.id),
        ..RecoveryFilter::default()
    };
    check_eq!(
        store.recovery_facts(&scope_icb, &by_supplier).await?.len(),
        1,
        "filtered by supplier"
    );
    let by_category = RecoveryFilter {
        category: Some(NcscCategory::Localised),
        ..RecoveryFilter::default()
    };
    let found = store.recovery_facts(&scope_icb, &by_category).await?;
    check_eq!(
        found.iter().map(|f| f.org).collect::<Vec<_>>(),
        vec![b.id],
        "by category"
    );
    let later = RecoveryFilter {
        since: Some(at(150)),
        ..RecoveryFilter::default()
    };
    check_eq!(store.recovery_facts(&scope_icb, &later).await?.len(), 1, "since");

    // Exercise timings.
    let solo = exercise(vec![a.id], author.id);
    let joint = exercise(vec![a.id, b.id], author.id);
    store.create_exercise(&scope_a, &solo, &fx.meta(400)).await?;
    store.create_exercise(&scope_icb, &joint, &fx.meta(400)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;
    let t = ExerciseTimings {
        org: a.id,
        detected_minutes: 20,
        contained_minutes: Some(50),
        recovered_minutes: Some(200),
    };
    check_err!(
        store
            .record_exercise_timings(&scope_a, solo.id, &t, author.id, &fx.meta(401))
            .await,
        StoreError::Conflict(_),
        "timings before the exercise starts"
    );
    store
        .move_exercise(&scope_a, solo.id, ExerciseStatus::Running, &fx.meta(402))
        .await?;
    store
        .move_exercise(&scope_icb, joint.id, ExerciseStatus::Running, &fx.meta(402))
        .await?;
    check_err!(
        store
            .record_exercise_timings(&scope_b, solo.id, &t, author.id, &fx.meta(403))
            .await,
        StoreError::NotFound { .. },
        "timings from a trust outside the exercise"
    );
    check_err!(
        store
            .record_exercise_timings(&scope_a, joint.id, &t, author.id, &fx.meta(403))
            .await,
        StoreError::Forbidden { .. },
        "timings for a joint exercise from one of its trusts"
    );
    let wrong_org = ExerciseTimings {
        org: b.id,
        ..t.clone()
    };
    check_err!(
        store
            .record_exercise_timings(&scope_icb, solo.id, &wrong_org, author.id, &fx.meta(403))
            .await,
        StoreError::Invalid(_),
        "timings for an organisation not taking part"
    );
    store
        .record_exercise_timings(&scope_a, solo.id, &t, author.id, &fx.meta(404))
        .await?;
    let again = ExerciseTimings {
        recovered_minutes: Some(300),
        ..t.clone()
    };
    let recorded = store
        .record_exercise_timings(&scope_a, solo.id, &again, author.id, &fx.meta(405))
        .await?;
    check_eq!(
        store.exercise_timings(&scope_a, solo.id).await?,
        vec![recorded],
        "recorded again replaces"
    );
    check_eq!(
        store.exercise_timings(&scope_b, solo.id).await?,
        vec![],
        "another trust reads no timings"
    );
    cursor
        .expect(
            &store,
            "timings",
            &[
                ("exercise.status", Some(a.id)),
                ("exercise.status", joint.orgs.first().copied()),
                ("exercise.timings", Some(a.id)),
                ("exercise.timings", Some(a.id)),
            ],
        )
        .await?;
    let exercises_only = RecoveryFilter {
        source: Some(RecoverySource::Exercise),
        ..RecoveryFilter::default()
    };
    let facts = store.recovery_facts(&scope_a, &exercises_only).await?;
    check_eq!(facts.len(), 1, "one exercise fact");
    check_eq!(
        (
            facts[0].detect_minutes,
            facts[0].contain_minutes,
            facts[0].recover_minutes
        ),
        (Some(20), Some(30), Some(280)),
        "exercise minutes from the scenario's start and from detection"
    );
    check_eq!(
        store.recovery_facts(&scope_b, &exercises_only).await?.len(),
        0,
        "another trust sees no exercise facts"
    );
    check_eq!(
        store.recovery_facts(&scope_a, &by_supplier).await?.len(),
        1,
        "a supplier filter leaves exercises out"
    );
    Ok(())
}
