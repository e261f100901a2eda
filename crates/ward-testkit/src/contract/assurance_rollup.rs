//! The assurance roll-up's reads: members by area (the scope organisation's own row under
//! itself), only open organisations of the kinds asked for, each one's current assessment (the
//! latest year, final before interim) with its true answers as positions, overrides, plan and
//! approval; scope confines everything and a root outside it is not found.

use super::fixtures::{Fixture, at, new_id, next_number};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use ward_core::assurance::improvement::{ImprovementAction, PlanActionStatus};
use ward_core::assurance::{Answer, AssessmentKind, Level, OutcomeNote};
use ward_core::org::OrgKind;
use ward_core::{ImprovementActionId, OrgId};
use ward_store::{Scope, Store, StoreError};

fn yes() -> Answer {
    Answer {
        value: Some(true),
        comment: String::new(),
        evidence: vec![],
    }
}

fn no() -> Answer {
    Answer {
        value: Some(false),
        ..yes()
    }
}

pub async fn assurance_rollup_reads(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AR");
    let [national, region, icb, a, b] = fx.small_tree().await?;
    let closed = {
        let mut o = fx.org("TC", "Closed trust", OrgKind::NhsTrust, Some(icb.id))?;
        o.closed = Some(jiff::civil::date(2025, 3, 31));
        o
    };
    let practice = fx.org("GP", "Practice", OrgKind::GpPractice, Some(icb.id))?;
    fx.save_orgs(vec![closed.clone(), practice.clone()]).await?;
    let fw = format!("contract-{}", next_number());
    let fwk = framework(&fw, "1.0", 2);
    store.put_framework(&fwk, &fx.meta(1)).await?;
    let rule = ward_app::assurance::derived::WebCafRule(&fwk);
    let outcomes = ["A1.a".to_owned()];
    let index: HashMap<String, u32> = [("A1.a.A.1", 0), ("A1.a.A.2", 1), ("A1.a.NA.1", 2)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();

    // Trust A: an interim of 2027 outranks a final of 2026; only the 2027 answers count.
    let old = head(a.id, &fw, 2026, 2);
    let mut current = head(a.id, &fw, 2027, 3);
    current.kind = AssessmentKind::Interim;
    for h in [&old, &current] {
        store.create_assessment(&Scope::All, h, &fx.meta(4)).await?;
    }
    let old_answers: BTreeMap<String, Answer> = [("A1.a.NA.1".to_owned(), yes())].into();
    store
        .save_answers(&Scope::All, old.id, &old_answers, &rule, &fx.meta(5))
        .await?;
    let answers: BTreeMap<String, Answer> = [
        ("A1.a.A.1".to_owned(), yes()),
        ("A1.a.A.2".to_owned(), no()),
        ("A1.a.NA.1".to_owned(), no()),
        ("Z9.z.A.1".to_owned(), yes()),
    ]
    .into();
    store
        .save_answers(&Scope::All, current.id, &answers, &rule, &fx.meta(6))
        .await?;
    let note = OutcomeNote {
        override_status: Some(Level::Achieved),
        justification: Some("seen".into()),
        owner: None,
    };
    store
        .save_outcome_note(&Scope::All, current.id, "A1.a", &note, &fx.meta(7))
        .await?;
    let action = ImprovementAction {
        id: new_id(ImprovementActionId::new_at),
        assessment: current.id,
        org: a.id,
        title: "Fix".into(),
        owner: "CIO".into(),
        due: jiff::civil::date(2027, 3, 31),
        outcomes: vec!["A1.a".into()],
        status: PlanActionStatus::Open,
        created_at: at(8),
        updated_at: at(8),
    };
    store
        .add_improvement_action(&Scope::All, &action, &fx.meta(8))
        .await?;
    // The closed trust's assessment is never read.
    store
        .create_assessment(&Scope::All, &head(closed.id, &fw, 2026, 9), &fx.meta(9))
        .await?;

    let kinds = [OrgKind::NhsTrust, OrgKind::Icb, OrgKind::GpPractice];
    let facts = store
        .assurance_rollup_facts(&Scope::All, region.id, &kinds, &fw, "1.0", &outcomes, &index)
        .await?;
    check_eq!(facts.root.code.as_str(), region.code.as_str(), "the root");
    check_eq!(
        facts.areas.iter().map(|x| x.org).collect::<Vec<_>>(),
        vec![icb.id],
        "the region's children"
    );
    let mut members: Vec<(OrgId, OrgId)> = facts.members.iter().map(|m| (m.org, m.area)).collect();
    members.sort();
    let mut want = vec![
        (icb.id, icb.id),
        (a.id, icb.id),
        (b.id, icb.id),
        (practice.id, icb.id),
    ];
    want.sort();
    check_eq!(members, want, "open members of the kinds asked for, by area");
    check_eq!(facts.assessments.len(), 1, "one current assessment");
    let got = &facts.assessments[0];
    check_eq!(
        got.id,
        current.id,
        "the latest year wins over a final of an earlier year"
    );
    check_eq!(
        got.derived.clone(),
        Some(vec![Level::NotAchieved]),
        "the status derived when the answers were saved"
    );
    check_eq!(
        got.true_indicators.clone(),
        Vec::<u32>::new(),
        "answers are not read where statuses are stored"
    );
    check_eq!(
        got.overrides.clone(),
        vec![("A1.a".to_owned(), Level::Achieved)],
        "the override"
    );
    check_eq!(got.actions.len(), 1, "the plan");
    check_eq!(got.approved, false, "not approved");

    // The ICB as root: its own row counts under itself.
    let facts = store
        .assurance_rollup_facts(&Scope::All, icb.id, &kinds, &fw, "1.0", &outcomes, &index)
        .await?;
    check_eq!(
        facts.members.iter().any(|m| m.org == icb.id && m.area == icb.id),
        true,
        "the root's own row"
    );
    check_eq!(facts.areas.len(), 4, "every child is an area, closed ones too");

    // Scope: trust B's footprint sees nothing of trust A; a root outside it is not found.
    let facts = store
        .assurance_rollup_facts(&Scope::subtree(b.id), b.id, &kinds, &fw, "1.0", &outcomes, &index)
        .await?;
    check_eq!(facts.assessments.len(), 0, "trust B has no assessment");
    check_eq!(facts.members.len(), 1, "trust B alone");
    check_err!(
        store
            .assurance_rollup_facts(
                &Scope::subtree(b.id),
                national.id,
                &kinds,
                &fw,
                "1.0",
                &outcomes,
                &index
            )
            .await,
        StoreError::NotFound { .. },
        "a root outside the scope"
    );
    Ok(())
}
