//! Frameworks and assessments. Frameworks: stored whole, read back equal, the same content again changes nothing (and is not
//! audited), changed content replaces the version with a `framework.replace` record.

use super::fixtures::{AuditCursor, Fixture, at, new_id, next_number};
use crate::{check_eq, check_err};
use std::collections::BTreeMap;
use std::sync::Arc;
use ward_core::AssessmentId;
use ward_core::assurance::{
    Answer, AssessmentHead, AssessmentKind, AssessmentStatus, Framework, FrameworkFormat, Indicator, Level,
    Objective, Outcome, OutcomeNote, Principle, Profile, ProfileCategory,
};
use ward_store::assurance::FrameworkPut;
use ward_store::{Scope, Store, StoreError};

pub(super) fn framework(id: &str, version: &str, statements: usize) -> Framework {
    let indicators = (1..=statements)
        .map(|k| Indicator {
            id: format!("A1.a.A.{k}"),
            level: Level::Achieved,
            text: format!("Statement {k}, with \"quotes\" and é"),
        })
        .chain(std::iter::once(Indicator {
            id: "A1.a.NA.1".into(),
            level: Level::NotAchieved,
            text: "Nobody owns it.".into(),
        }))
        .collect();
    Framework {
        id: id.into(),
        version: version.into(),
        name: format!("Contract framework {id}"),
        format: FrameworkFormat::Webcaf,
        objectives: vec![Objective {
            code: "A".into(),
            title: "Managing risk".into(),
            description: String::new(),
            principles: vec![Principle {
                code: "A1".into(),
                title: "Governance".into(),
                description: "d".into(),
                outcomes: vec![Outcome {
                    code: "A1.a".into(),
                    title: "Board direction".into(),
                    description: String::new(),
                    indicators,
                    profiles: [("baseline".to_owned(), Level::PartiallyAchieved)].into(),
                }],
            }],
        }],
    }
}

/// Put, put again, replace, list and get.
pub async fn frameworks_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "FW");
    let id = format!("contract-{}", next_number());
    let mut cursor = AuditCursor::at_end(&store).await?;

    let v1 = framework(&id, "1.0", 2);
    check_eq!(
        store.put_framework(&v1, &fx.meta(1)).await?,
        FrameworkPut::Created,
        "first put"
    );
    let records = cursor
        .expect(&store, "first put", &[("framework.import", None)])
        .await?;
    check_eq!(records[0].event.entity_id, format!("{id}@1.0"), "audited entity");

    check_eq!(
        store.put_framework(&v1, &fx.meta(2)).await?,
        FrameworkPut::Unchanged,
        "same content"
    );
    cursor.expect(&store, "same content", &[]).await?;

    let v2 = framework(&id, "2.0", 3);
    check_eq!(
        store.put_framework(&v2, &fx.meta(3)).await?,
        FrameworkPut::Created,
        "another version"
    );
    let changed = framework(&id, "1.0", 4);
    check_eq!(
        store.put_framework(&changed, &fx.meta(4)).await?,
        FrameworkPut::Replaced,
        "changed content"
    );
    cursor
        .expect(
            &store,
            "new version, then replaced",
            &[("framework.import", None), ("framework.replace", None)],
        )
        .await?;

    check_eq!(
        store.get_framework(&id, "1.0").await?,
        Some(changed.clone()),
        "read back whole"
    );
    check_eq!(store.get_framework(&id, "2.0").await?, Some(v2), "other version");
    check_eq!(store.get_framework(&id, "9.9").await?, None, "no such version");

    let mine: Vec<_> = store
        .list_frameworks()
        .await?
        .into_iter()
        .filter(|s| s.id == id)
        .collect();
    check_eq!(
        mine.iter()
            .map(|s| (s.version.as_str(), s.outcomes, s.indicators))
            .collect::<Vec<_>>(),
        vec![("1.0", 1, 5), ("2.0", 1, 4)],
        "listed by version with counts"
    );
    check_eq!(mine[0].format, FrameworkFormat::Webcaf, "format");
    check_eq!(
        mine[0].imported_at,
        super::fixtures::at(4),
        "import time is the last change"
    );
    Ok(())
}

pub(super) fn head(org: ward_core::OrgId, framework: &str, year: i32, secs: i64) -> AssessmentHead {
    AssessmentHead {
        id: new_id(AssessmentId::new_at),
        org,
        framework: framework.into(),
        version: "1.0".into(),
        year,
        kind: AssessmentKind::Final,
        status: AssessmentStatus::Draft,
        created_at: at(secs),
        updated_at: at(secs),
    }
}

fn answer(value: Option<bool>) -> Answer {
    Answer {
        value,
        comment: "seen at the board, minutes of 3 March".into(),
        evidence: vec!["https://intranet.example/board/2026-03".into()],
    }
}

/// Assessments: created only in scope and once per year and kind, answered while a draft, moved
/// only along the workflow and only from the status the caller saw; invisible outside scope.
pub async fn assessments_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AM");
    let [_, _, icb, a, b] = fx.small_tree().await?;
    let fw = format!("contract-{}", next_number());
    let fwk = framework(&fw, "1.0", 2);
    store.put_framework(&fwk, &fx.meta(1)).await?;
    let rule = ward_app::assurance::derived::WebCafRule(&fwk);
    let scope_a = Scope::subtree(a.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    let h = head(a.id, &fw, 2026, 2);
    store.create_assessment(&scope_a, &h, &fx.meta(2)).await?;
    cursor
        .expect(&store, "create", &[("assessment.create", Some(a.id))])
        .await?;
    check_err!(
        store
            .create_assessment(&scope_a, &head(a.id, &fw, 2026, 3), &fx.meta(3))
            .await,
        StoreError::Conflict(_),
        "a second final assessment for the same year"
    );
    check_err!(
        store
            .create_assessment(&scope_a, &head(b.id, &fw, 2026, 3), &fx.meta(3))
            .await,
        StoreError::NotFound { .. },
        "an assessment for an organisation outside the scope"
    );
    check_err!(
        store
            .create_assessment(&scope_a, &head(a.id, "not-loaded", 2026, 3), &fx.meta(3))
            .await,
        StoreError::Invalid(_),
        "an assessment of a framework not loaded"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    let answers: BTreeMap<String, Answer> = [
        ("A1.a.A.1".to_owned(), answer(Some(true))),
        ("A1.a.NA.1".to_owned(), answer(Some(false))),
        ("A1.a.A.2".to_owned(), answer(None)),
    ]
    .into();
    store
        .save_answers(&scope_a, h.id, &answers, &rule, &fx.meta(4))
        .await?;
    let changed: BTreeMap<String, Answer> = [("A1.a.A.2".to_owned(), answer(Some(true)))].into();
    store
        .save_answers(&scope_a, h.id, &changed, &rule, &fx.meta(5))
        .await?;
    let note = OutcomeNote {
        override_status: Some(Level::PartiallyAchieved),
        justification: Some("the board minutes are a year old".into()),
        owner: Some("Director of IT".into()),
    };
    store
        .save_outcome_note(&scope_a, h.id, "A1.a", &note, &fx.meta(6))
        .await?;
    let got = store.get_assessment(&scope_a, h.id).await?;
    check_eq!(got.answers.len(), 3, "answers kept per indicator");
    check_eq!(
        got.answers["A1.a.A.2"],
        answer(Some(true)),
        "a later answer replaces the earlier"
    );
    check_eq!(
        got.answers["A1.a.NA.1"],
        answer(Some(false)),
        "false is kept as false"
    );
    check_eq!(got.outcomes["A1.a"], note, "outcome note");
    check_eq!(got.head.updated_at, at(6), "updated at the last change");

    // Scope: the ICB above sees it; the sibling trust does not.
    check_eq!(
        store
            .list_assessments(&Scope::subtree(icb.id))
            .await?
            .iter()
            .filter(|x| x.id == h.id)
            .count(),
        1,
        "the ICB lists it"
    );
    let scope_b = Scope::subtree(b.id);
    check_eq!(
        store.list_assessments(&scope_b).await?.len(),
        0,
        "the sibling lists nothing"
    );
    check_err!(
        store.get_assessment(&scope_b, h.id).await,
        StoreError::NotFound { .. },
        "read from the sibling"
    );
    check_err!(
        store
            .save_answers(&scope_b, h.id, &changed, &rule, &fx.meta(7))
            .await,
        StoreError::NotFound { .. },
        "answers from the sibling"
    );

    use AssessmentStatus::*;
    store
        .move_assessment(&scope_a, h.id, Draft, Submitted, &fx.meta(8))
        .await?;
    check_err!(
        store
            .save_answers(&scope_a, h.id, &changed, &rule, &fx.meta(9))
            .await,
        StoreError::Conflict(_),
        "answers once submitted"
    );
    check_err!(
        store
            .move_assessment(&scope_a, h.id, Draft, Submitted, &fx.meta(9))
            .await,
        StoreError::Conflict(_),
        "a move from a status it no longer has"
    );
    check_err!(
        store
            .move_assessment(&scope_a, h.id, Submitted, Published, &fx.meta(9))
            .await,
        StoreError::Invalid(_),
        "a move the workflow does not allow"
    );
    check_err!(
        store
            .move_assessment(&scope_a, h.id, Submitted, SignedOff, &fx.meta(10))
            .await,
        StoreError::Invalid(_),
        "signing off is the named SIRO's, not a move"
    );
    let siro = super::accounts::user("siro")?;
    store.create_user(&siro, &fx.meta(10)).await?;
    store.name_siro(&scope_a, a.id, siro.id, &fx.meta(10)).await?;
    store
        .sign_off_assessment(&scope_a, h.id, siro.id, &fx.meta(10))
        .await?;
    store
        .move_assessment(&scope_a, h.id, SignedOff, Published, &fx.meta(11))
        .await?;
    check_err!(
        store
            .save_outcome_note(&scope_a, h.id, "A1.a", &note, &fx.meta(12))
            .await,
        StoreError::Conflict(_),
        "notes once published"
    );
    cursor
        .expect(
            &store,
            "the changes",
            &[
                ("assessment.answer", Some(a.id)),
                ("assessment.answer", Some(a.id)),
                ("assessment.outcome", Some(a.id)),
                ("assessment.submit", Some(a.id)),
                ("user.create", None),
                ("siro.name", Some(a.id)),
                ("assessment.sign_off", Some(a.id)),
                ("assessment.publish", Some(a.id)),
            ],
        )
        .await?;
    check_eq!(
        store.get_assessment(&scope_a, h.id).await?.head.status,
        Published,
        "published"
    );
    Ok(())
}

/// Profiles: numbered by the store from 1 per framework version and category, every version kept,
/// audited; a framework version not loaded is refused.
pub async fn profiles_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "PF");
    let fw = format!("contract-{}", next_number());
    store
        .put_framework(&framework(&fw, "1.0", 2), &fx.meta(1))
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;
    let mut p = Profile {
        framework: fw.clone(),
        framework_version: "1.0".into(),
        category: ProfileCategory::GpPractices,
        version: 99,
        effective_from: jiff::civil::date(2026, 4, 1),
        targets: [("A1.a".to_owned(), Level::PartiallyAchieved)].into(),
    };
    check_eq!(store.publish_profile(&p, &fx.meta(2)).await?, 1, "first version");
    p.targets.insert("A1.a".into(), Level::Achieved);
    p.effective_from = jiff::civil::date(2027, 4, 1);
    check_eq!(store.publish_profile(&p, &fx.meta(3)).await?, 2, "second version");
    let mut other = p.clone();
    other.category = ProfileCategory::SocialCare;
    check_eq!(
        store.publish_profile(&other, &fx.meta(4)).await?,
        1,
        "numbered per category"
    );
    cursor
        .expect(
            &store,
            "publications",
            &[
                ("profile.publish", None),
                ("profile.publish", None),
                ("profile.publish", None),
            ],
        )
        .await?;
    let versions = store
        .profile_versions(&fw, "1.0", ProfileCategory::GpPractices)
        .await?;
    check_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.effective_from, v.targets["A1.a"]))
            .collect::<Vec<_>>(),
        vec![
            (1, jiff::civil::date(2026, 4, 1), Level::PartiallyAchieved),
            (2, jiff::civil::date(2027, 4, 1), Level::Achieved)
        ],
        "both versions kept"
    );
    let mut missing = p.clone();
    missing.framework = "not-loaded".into();
    check_err!(
        store.publish_profile(&missing, &fx.meta(5)).await,
        StoreError::Invalid(_),
        "a profile of a framework not loaded"
    );
    Ok(())
}
