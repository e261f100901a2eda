//! People: requirements stored and replaced by role and course; an organisation's training record
//! replaced whole, only inside the scope; tallies per organisation and per ICB, region and nation
//! that add up, with the current/overdue line at the given day; board members named, listed and
//! removed only inside the scope; questionnaire answers saved one at a time with the indicator
//! answers they give, only while the assessment is a draft. Every change audited, refusals
//! writing nothing.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::collections::BTreeMap;
use std::sync::Arc;
use ward_core::assurance::{Answer, AssessmentStatus};
use ward_core::questionnaire::QuestionAnswer;
use ward_core::training::{BoardMember, CourseCode, Requirement, StaffRole, TrainingRecord};
use ward_core::{BoardMemberId, OrgId};
use ward_store::people::TrainingTally;
use ward_store::{Scope, Store, StoreError};

fn d(s: &str) -> jiff::civil::Date {
    s.parse().unwrap_or_default()
}

fn record(people: &[(&str, StaffRole)], done: &[(&str, &str, &str)]) -> anyhow::Result<TrainingRecord> {
    Ok(TrainingRecord {
        people: people.iter().map(|(p, r)| ((*p).to_owned(), *r)).collect(),
        completions: done
            .iter()
            .map(|(p, c, on)| Ok(((*p).to_owned(), CourseCode::parse(c)?, d(on))))
            .collect::<anyhow::Result<_>>()?,
    })
}

fn course(c: &str) -> CourseCode {
    CourseCode::parse(c).unwrap_or_else(|_| unreachable!("a fixed course code"))
}

fn tally_of(tallies: &[TrainingTally], org: OrgId) -> Option<&TrainingTally> {
    tallies.iter().find(|t| t.org.id == org)
}

/// The people round trip on one backend.
pub async fn people_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "PE");
    let [national, region, icb, a, b] = fx.small_tree().await?;
    let (scope_a, scope_b) = (Scope::subtree(a.id), Scope::subtree(b.id));
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Requirements: stored by role and course, a second put replaces.
    let mut req = Requirement::new(StaffRole::Staff, "phishing-awareness", "Spotting phishing")?;
    store.put_training_requirement(&req, &fx.meta(1)).await?;
    req.title = "Spotting phishing (2027)".into();
    req.active = false;
    store.put_training_requirement(&req, &fx.meta(2)).await?;
    let stored = store.training_requirements().await?;
    check_eq!(
        stored
            .iter()
            .filter(|r| r.course == req.course && r.role == req.role)
            .cloned()
            .collect::<Vec<_>>(),
        vec![req.clone()],
        "one row per role and course, the latest kept"
    );

    // Training records: replaced whole, inside the scope only.
    let first = record(
        &[("E1", StaffRole::Staff), ("E9", StaffRole::Staff)],
        &[("E1", "data-security-awareness", "2020-01-01")],
    )?;
    store
        .replace_training_record(&scope_a, a.id, "old.csv", &first, &fx.meta(3))
        .await?;
    let rec_a = record(
        &[
            ("E1", StaffRole::Staff),
            ("E2", StaffRole::Staff),
            ("E3", StaffRole::Staff),
            ("E1", StaffRole::BoardMember),
        ],
        &[
            ("E1", "data-security-awareness", "2026-06-01"),
            ("E2", "data-security-awareness", "2025-06-01"),
            ("E1", "board-cyber", "2025-11-30"),
        ],
    )?;
    let done = store
        .replace_training_record(&scope_a, a.id, "a.csv", &rec_a, &fx.meta(4))
        .await?;
    check_eq!((done.people, done.completions), (4, 3), "what was stored");
    check_err!(
        store
            .replace_training_record(&scope_b, a.id, "x.csv", &rec_a, &fx.meta(5))
            .await,
        StoreError::NotFound { .. },
        "another trust replacing a trust's record"
    );
    let rec_b = record(
        &[
            ("F1", StaffRole::Staff),
            ("F2", StaffRole::Staff),
            ("F3", StaffRole::CyberLead),
        ],
        &[
            ("F1", "data-security-awareness", "2026-07-01"),
            ("F3", "cyber-specialist", "2024-01-01"),
        ],
    )?;
    store
        .replace_training_record(&scope_b, b.id, "b.csv", &rec_b, &fx.meta(6))
        .await?;

    // Tallies: current from the given day, earlier overdue; own and rolled up.
    let since = d("2025-12-01");
    let own = store.training_tallies(&scope_a, since, false).await?;
    let ta = tally_of(&own, a.id).ok_or_else(|| anyhow::anyhow!("no tally of trust A"))?;
    check_eq!(ta.org.code, a.code.as_str().to_owned(), "named by code");
    check_eq!(
        ta.people.clone(),
        BTreeMap::from([(StaffRole::Staff, 3), (StaffRole::BoardMember, 1)]),
        "people per role, the earlier record gone"
    );
    check_eq!(
        ta.done
            .get(&(StaffRole::Staff, course("data-security-awareness")))
            .copied(),
        Some((1, 1)),
        "one current, one overdue"
    );
    check_eq!(
        ta.done
            .get(&(StaffRole::BoardMember, course("board-cyber")))
            .copied(),
        Some((0, 1)),
        "completed the day before the line: overdue"
    );
    check_eq!(own.len(), 1, "trust A sees only itself");

    let all = Scope::subtree(national.id);
    let orgs = store.training_tallies(&all, since, false).await?;
    let areas = store.training_tallies(&all, since, true).await?;
    for area in [icb.id, region.id, national.id] {
        let t = tally_of(&areas, area).ok_or_else(|| anyhow::anyhow!("no tally of {area}"))?;
        let mut people: BTreeMap<StaffRole, u64> = BTreeMap::new();
        let mut done: BTreeMap<(StaffRole, CourseCode), (u64, u64)> = BTreeMap::new();
        for o in &orgs {
            for (r, n) in &o.people {
                *people.entry(*r).or_default() += n;
            }
            for (k, (c, v)) in &o.done {
                let e = done.entry(k.clone()).or_default();
                e.0 += c;
                e.1 += v;
            }
        }
        check_eq!(t.people, people, "people of {area} add up");
        check_eq!(t.done, done, "completions of {area} add up");
    }
    check_eq!(
        tally_of(&areas, icb.id).map(|t| t.people.get(&StaffRole::Staff).copied()),
        Some(Some(5)),
        "the ICB counts both trusts' staff"
    );
    check_eq!(
        store.training_tallies(&scope_a, since, true).await?.len(),
        0,
        "a trust's scope holds no area"
    );

    // Board members.
    let m = BoardMember {
        id: new_id(BoardMemberId::new_at),
        org: a.id,
        name: "Dr Ada Lovelace".into(),
        board_role: "Medical Director and SIRO".into(),
        added_at: at(7),
    };
    store.add_board_member(&scope_a, &m, &fx.meta(7)).await?;
    let mut foreign = m.clone();
    foreign.id = new_id(BoardMemberId::new_at);
    check_err!(
        store.add_board_member(&scope_b, &foreign, &fx.meta(8)).await,
        StoreError::NotFound { .. },
        "naming a board member of another trust"
    );
    check_eq!(
        store.board_members(&scope_a, a.id).await?,
        vec![m.clone()],
        "listed"
    );
    check_eq!(
        store.board_members(&scope_b, a.id).await?,
        vec![],
        "not to another trust"
    );
    check_err!(
        store.remove_board_member(&scope_b, m.id, &fx.meta(9)).await,
        StoreError::NotFound { .. },
        "another trust removing one"
    );
    cursor
        .expect(
            &store,
            "every change audited, refusals writing nothing",
            &[
                ("training.requirement", None),
                ("training.requirement", None),
                ("training.import", Some(a.id)),
                ("training.import", Some(a.id)),
                ("training.import", Some(b.id)),
                ("board.add", Some(a.id)),
            ],
        )
        .await?;
    store.remove_board_member(&scope_a, m.id, &fx.meta(10)).await?;
    check_eq!(store.board_members(&scope_a, a.id).await?, vec![], "removed");
    cursor
        .expect(&store, "removal", &[("board.remove", Some(a.id))])
        .await?;
    Ok(())
}

/// Questionnaire answers on one backend.
pub async fn questionnaire_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "QN");
    let [_, _, _, a, b] = fx.small_tree().await?;
    let manager = user("questionnaire-manager")?;
    store.create_user(&manager, &fx.meta(1)).await?;
    let fw = format!("contract-{}", super::fixtures::next_number());
    let fwk = framework(&fw, "1.0", 2);
    store.put_framework(&fwk, &fx.meta(1)).await?;
    let rule = ward_app::assurance::derived::WebCafRule(&fwk);
    let (scope_a, scope_b) = (Scope::subtree(a.id), Scope::subtree(b.id));
    let mut cursor = AuditCursor::at_end(&store).await?;

    let h = head(a.id, &fw, 2026, 2);
    check_err!(
        store.start_questionnaire(&scope_b, &h, &fx.meta(2)).await,
        StoreError::NotFound { .. },
        "another trust starting it"
    );
    store.start_questionnaire(&scope_a, &h, &fx.meta(2)).await?;
    check_eq!(store.is_questionnaire(&scope_a, h.id).await?, true, "marked");
    check_eq!(
        store.is_questionnaire(&scope_b, h.id).await?,
        false,
        "invisible to another trust"
    );
    let plain = head(a.id, &fw, 2026, 3);
    let plain = ward_core::assurance::AssessmentHead {
        kind: ward_core::assurance::AssessmentKind::Interim,
        ..plain
    };
    store.create_assessment(&scope_a, &plain, &fx.meta(3)).await?;
    check_eq!(
        store.is_questionnaire(&scope_a, plain.id).await?,
        false,
        "a plain assessment"
    );

    let yes: BTreeMap<String, Answer> = [("A1.a.A.1", true), ("A1.a.A.2", true), ("A1.a.NA.1", false)]
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                Answer {
                    value: Some(v),
                    comment: "Questionnaire q01: Yes".into(),
                    evidence: vec![],
                },
            )
        })
        .collect();
    store
        .save_question_answer(
            &scope_a,
            h.id,
            &ward_store::people::SavedAnswer {
                question: "q01",
                answer: QuestionAnswer::Partly,
                indicators: &BTreeMap::new(),
                by: manager.id,
                rule: &rule,
            },
            &fx.meta(4),
        )
        .await?;
    store
        .save_question_answer(
            &scope_a,
            h.id,
            &ward_store::people::SavedAnswer {
                question: "q01",
                answer: QuestionAnswer::Yes,
                indicators: &yes,
                by: manager.id,
                rule: &rule,
            },
            &fx.meta(5),
        )
        .await?;
    check_eq!(
        store.question_answers(&scope_a, h.id).await?,
        BTreeMap::from([("q01".to_owned(), QuestionAnswer::Yes)]),
        "the latest answer kept"
    );
    check_eq!(
        store.get_assessment(&scope_a, h.id).await?.answers,
        yes,
        "with the indicator answers it gives"
    );
    check_err!(
        store
            .save_question_answer(
                &scope_b,
                h.id,
                &ward_store::people::SavedAnswer {
                    question: "q02",
                    answer: QuestionAnswer::No,
                    indicators: &BTreeMap::new(),
                    by: manager.id,
                    rule: &rule,
                },
                &fx.meta(6)
            )
            .await,
        StoreError::NotFound { .. },
        "another trust answering"
    );
    check_err!(
        store
            .save_question_answer(
                &scope_a,
                plain.id,
                &ward_store::people::SavedAnswer {
                    question: "q02",
                    answer: QuestionAnswer::No,
                    indicators: &BTreeMap::new(),
                    by: manager.id,
                    rule: &rule,
                },
                &fx.meta(6)
            )
            .await,
        StoreError::NotFound { .. },
        "answering questions on a plain assessment"
    );
    store
        .move_assessment(
            &scope_a,
            h.id,
            AssessmentStatus::Draft,
            AssessmentStatus::Submitted,
            &fx.meta(7),
        )
        .await?;
    check_err!(
        store
            .save_question_answer(
                &scope_a,
                h.id,
                &ward_store::people::SavedAnswer {
                    question: "q02",
                    answer: QuestionAnswer::No,
                    indicators: &BTreeMap::new(),
                    by: manager.id,
                    rule: &rule,
                },
                &fx.meta(8)
            )
            .await,
        StoreError::Conflict(_),
        "answering once submitted"
    );
    cursor
        .expect(
            &store,
            "every change audited, refusals writing nothing",
            &[
                ("assessment.create", Some(a.id)),
                ("questionnaire.start", Some(a.id)),
                ("assessment.create", Some(a.id)),
                ("questionnaire.answer", Some(a.id)),
                ("questionnaire.answer", Some(a.id)),
                ("assessment.submit", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
