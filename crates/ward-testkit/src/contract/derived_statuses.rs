//! Stored derived statuses (issue 8, `assessment_derived_statuses`): every path that writes
//! answers (the answer save, the questionnaire, the bulk load of seeded assessments) stores each
//! outcome's status derived by the rule it is given, in the same transaction; changing one answer
//! changes the stored status; a rule of another framework version is refused with nothing
//! written; replacing the framework version forgets the statuses, so the roll-up reads the true
//! answers again; and storing the statuses the roll-up derived keeps a full set already stored,
//! stays inside the scope and is audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, next_number};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use ward_app::assurance::derived::WebCafRule;
use ward_core::assurance::{Answer, AssessmentKind, Level};
use ward_core::org::OrgKind;
use ward_core::questionnaire::QuestionAnswer;
use ward_core::{AssessmentId, OrgId};
use ward_store::assurance_rollup::SeededAssessment;
use ward_store::{Scope, Store, StoreError};

fn answers(values: &[(&str, bool)]) -> BTreeMap<String, Answer> {
    values
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                Answer {
                    value: Some(*v),
                    comment: String::new(),
                    evidence: vec![],
                },
            )
        })
        .collect()
}

/// Each current assessment beneath `root`: its stored statuses and the true answers read.
async fn stored(
    store: &Arc<dyn Store>,
    root: OrgId,
    fw: &str,
) -> anyhow::Result<HashMap<AssessmentId, (Option<Vec<Level>>, Vec<u32>)>> {
    let index: HashMap<String, u32> = [("A1.a.A.1", 0), ("A1.a.A.2", 1), ("A1.a.NA.1", 2)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let facts = store
        .assurance_rollup_facts(
            &Scope::All,
            root,
            &[OrgKind::NhsTrust, OrgKind::Icb],
            fw,
            "1.0",
            &["A1.a".to_owned()],
            &index,
        )
        .await?;
    Ok(facts
        .assessments
        .into_iter()
        .map(|a| {
            let mut t = a.true_indicators;
            t.sort_unstable();
            (a.id, (a.derived, t))
        })
        .collect())
}

pub async fn derived_statuses_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "DS");
    let [_, region, icb, a, b] = fx.small_tree().await?;
    let manager = user("derived-statuses-manager")?;
    store.create_user(&manager, &fx.meta(1)).await?;
    let fw = format!("contract-{}", next_number());
    let v1 = framework(&fw, "1.0", 2);
    store.put_framework(&v1, &fx.meta(1)).await?;
    let rule = WebCafRule(&v1);
    let other = framework(&format!("contract-{}", next_number()), "1.0", 2);
    store.put_framework(&other, &fx.meta(1)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // The answer save: achieved, then one answer changed to not achieved, then back.
    let ha = head(a.id, &fw, 2026, 2);
    store.create_assessment(&Scope::All, &ha, &fx.meta(2)).await?;
    let all_true = answers(&[("A1.a.A.1", true), ("A1.a.A.2", true), ("A1.a.NA.1", false)]);
    store
        .save_answers(&Scope::All, ha.id, &all_true, &rule, &fx.meta(3))
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&ha.id].clone(),
        (Some(vec![Level::Achieved]), vec![]),
        "achieved, stored as the answers are saved"
    );
    store
        .save_answers(
            &Scope::All,
            ha.id,
            &answers(&[("A1.a.NA.1", true)]),
            &rule,
            &fx.meta(4),
        )
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&ha.id].0.clone(),
        Some(vec![Level::NotAchieved]),
        "one not-achieved statement made true: the stored status follows"
    );
    store
        .save_answers(
            &Scope::All,
            ha.id,
            &answers(&[("A1.a.NA.1", false)]),
            &rule,
            &fx.meta(5),
        )
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&ha.id].0.clone(),
        Some(vec![Level::Achieved]),
        "derived from every answer of the assessment, not only the ones just saved"
    );
    cursor
        .expect(
            &store,
            "the statuses ride with the answers' audit record",
            &[
                ("assessment.create", Some(a.id)),
                ("assessment.answer", Some(a.id)),
                ("assessment.answer", Some(a.id)),
                ("assessment.answer", Some(a.id)),
            ],
        )
        .await?;

    // A rule of another framework is refused, writing nothing.
    check_err!(
        store
            .save_answers(
                &Scope::All,
                ha.id,
                &answers(&[("A1.a.NA.1", true)]),
                &WebCafRule(&other),
                &fx.meta(6),
            )
            .await,
        StoreError::Invalid(_),
        "the rule of another framework"
    );
    check_eq!(
        store.get_assessment(&Scope::All, ha.id).await?.answers["A1.a.NA.1"].value,
        Some(false),
        "the refused answer is not stored"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    // The questionnaire.
    let hb = head(b.id, &fw, 2026, 7);
    store.start_questionnaire(&Scope::All, &hb, &fx.meta(7)).await?;
    store
        .save_question_answer(
            &Scope::All,
            hb.id,
            &ward_store::people::SavedAnswer {
                question: "q01",
                answer: QuestionAnswer::Partly,
                indicators: &answers(&[("A1.a.A.1", true), ("A1.a.A.2", false)]),
                by: manager.id,
                rule: &rule,
            },
            &fx.meta(8),
        )
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&hb.id].0.clone(),
        Some(vec![Level::NotAchieved]),
        "the questionnaire's answers store their status"
    );

    // The bulk load.
    let mut hi = head(icb.id, &fw, 2026, 9);
    hi.kind = AssessmentKind::Interim;
    let seeded = SeededAssessment {
        head: hi.clone(),
        answers: vec![
            ("A1.a.A.1".into(), true),
            ("A1.a.A.2".into(), true),
            ("A1.a.NA.1".into(), false),
        ],
        overrides: vec![],
    };
    check_err!(
        store
            .seed_assessments(std::slice::from_ref(&seeded), &WebCafRule(&other), &fx.meta(9))
            .await,
        StoreError::Invalid(_),
        "seeding with the rule of another framework"
    );
    store
        .seed_assessments(std::slice::from_ref(&seeded), &rule, &fx.meta(9))
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&hi.id].0.clone(),
        Some(vec![Level::Achieved]),
        "seeded assessments store their status"
    );

    // Replacing the framework version forgets them: the true answers are read instead.
    let v2 = framework(&fw, "1.0", 3);
    store.put_framework(&v2, &fx.meta(10)).await?;
    let now = stored(&store, region.id, &fw).await?;
    check_eq!(
        now[&ha.id].clone(),
        (None, vec![0, 1]),
        "no stored statuses once the framework is replaced; the true answers instead"
    );
    check_eq!(now[&hb.id].clone(), (None, vec![0]), "the questionnaire's");
    let _ = cursor.take(&store).await?;

    // Storing what the roll-up derived: inside the scope only; audited once.
    let derived = vec![
        (ha.id, vec![("A1.a".to_owned(), Level::NotAchieved)]),
        (hb.id, vec![("A1.a".to_owned(), Level::NotAchieved)]),
    ];
    check_err!(
        store
            .store_derived_statuses(&Scope::subtree(b.id), &derived, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "trust B storing trust A's statuses"
    );
    cursor.expect(&store, "refused, nothing written", &[]).await?;
    check_eq!(
        store
            .store_derived_statuses(&Scope::subtree(icb.id), &derived, &fx.meta(11))
            .await?,
        2,
        "both stored"
    );
    cursor
        .expect(&store, "one record", &[("assessment.derive_statuses", None)])
        .await?;
    check_eq!(
        stored(&store, region.id, &fw).await?[&ha.id].clone(),
        (Some(vec![Level::NotAchieved]), vec![]),
        "read back"
    );
    // A full set already stored (answers saved meanwhile) is kept.
    let rule2 = WebCafRule(&v2);
    store
        .save_answers(
            &Scope::All,
            hi.id,
            &answers(&[("A1.a.A.3", true)]),
            &rule2,
            &fx.meta(12),
        )
        .await?;
    let late = vec![(hi.id, vec![("A1.a".to_owned(), Level::NotAchieved)])];
    check_eq!(
        store
            .store_derived_statuses(&Scope::All, &late, &fx.meta(13))
            .await?,
        0,
        "a full set stored meanwhile is kept"
    );
    check_eq!(
        stored(&store, region.id, &fw).await?[&hi.id].0.clone(),
        Some(vec![Level::Achieved]),
        "the later answers' status stands"
    );
    Ok(())
}
