//! Framework imports through the app: the real files, importing twice, broken files refused whole,
//! and the permission checked before any parsing.

use ward_app::Actor;
use ward_app::error::AppError;
use ward_core::role::Role;
use ward_store::assurance::FrameworkPut;

use crate::support::{app_over, operator, shared_data};

/// A signed-in user holding `role` (not Ward itself, which may do anything).
fn as_role(role: Role) -> Actor {
    let mut a = operator();
    a.principal = ward_app::actor::Principal::User(ward_core::UserId::from_uuid(uuid::Uuid::now_v7()));
    a.role = role;
    a
}

#[tokio::test]
async fn real_frameworks_import_once_and_list() {
    let Some(dir) = shared_data("frameworks") else {
        return;
    };
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let op = operator();
    let mut expected = Vec::new();
    for (name, outcomes, indicators, warnings) in [
        ("webcaf-caf-3.2.yaml", 39, 449, 0),
        ("webcaf-caf-4.0.yaml", 41, 555, 4),
        ("ncsc-caf-4.0.yaml", 41, 225, 0),
        ("cyber_essentials.yaml", 0, 100, 0),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let got = app
            .import_framework(&op, name, bytes.clone(), None)
            .await
            .unwrap();
        assert_eq!(got.result, FrameworkPut::Created, "{name}");
        if outcomes > 0 {
            assert_eq!(got.outcomes, outcomes, "{name}");
        }
        assert_eq!(got.indicators, indicators, "{name}");
        assert_eq!(got.warnings.len(), warnings, "{name}: {:?}", got.warnings);
        let again = app.import_framework(&op, name, bytes, None).await.unwrap();
        assert_eq!(again.result, FrameworkPut::Unchanged, "{name} twice");
        expected.push((got.framework, got.version));
    }
    let listed: Vec<(String, String)> = app
        .frameworks(&as_role(Role::OrgMember))
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.version))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    let caf = app
        .framework(&as_role(Role::Auditor), "ncsc-caf", "4.0")
        .await
        .unwrap();
    assert!(caf.indicators().any(|(_, i)| i.id == "B2.b.PA.3#B2.b.8"));
}

#[tokio::test]
async fn a_broken_file_is_refused_whole_and_nothing_is_stored() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let broken = "objectives:\n  A:\n    title: Risk\n    principles:\n      A1:\n        title: Gov\n        outcomes:\n          B1.a:\n            title: x\n            indicators:\n              achieved:\n                B1.a.1: {ncsc-index: B1.a.A.1}\n              sometimes: {}\n";
    let err = app
        .import_framework(&operator(), "caf-1.0.yaml", broken.as_bytes().to_vec(), None)
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = err else {
        panic!("{err}")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators/achieved/B1.a.1",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators/sometimes",
            "caf-1.0.yaml:/objectives/A/principles/A1/outcomes/B1.a/indicators",
        ]
    );
    assert!(app.frameworks(&operator()).await.unwrap().is_empty());
}

/// The attack: an organisation admin uploads an alias bomb as a framework. Refused as forbidden,
/// before a byte of it is parsed (a parse would have failed on size instead).
#[tokio::test]
async fn only_national_roles_import_and_permission_comes_before_parsing() {
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store);
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    for role in [
        Role::OrgAdmin,
        Role::RegionalLead,
        Role::Auditor,
        Role::SupplierContact,
        Role::OrgMember,
    ] {
        let err = app
            .import_framework(&as_role(role), "bomb-1.0.yaml", bomb.clone().into_bytes(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{role:?}: {err}");
    }
    let err = app
        .import_framework(
            &as_role(Role::NationalAnalyst),
            "bomb-1.0.yaml",
            bomb.into_bytes(),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::TooLarge { .. }), "{err}");
}

/// An assessment through its workflow with the real CAF 4.0: unknown indicators listed, the
/// derived status beside an override, submission refused while anything is unanswered.
#[tokio::test]
async fn an_assessment_of_caf_4_0_from_draft_to_published() {
    use ward_app::assurance::assessments::NewAssessment;
    use ward_core::assurance::{Answer, AssessmentKind, AssessmentStatus, Level, OutcomeNote};
    let Some(dir) = shared_data("frameworks/webcaf-caf-4.0.yaml") else {
        return;
    };
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store.clone());
    let op = operator();
    let f = app
        .import_framework(&op, "webcaf-caf-4.0.yaml", std::fs::read(dir).unwrap(), None)
        .await
        .unwrap();
    let org = ward_core::OrgId::from_uuid(uuid::Uuid::now_v7());
    let trust = ward_core::org::Organisation {
        id: org,
        code: ward_core::org::OdsCode::parse("RWA").unwrap(),
        name: "Trust".into(),
        kind: ward_core::org::OrgKind::NhsTrust,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    store
        .upsert_orgs(&[trust], jiff::civil::date(2025, 1, 1), &op.audit(app.now()))
        .await
        .unwrap();
    let head = app
        .start_assessment(
            &op,
            NewAssessment {
                org,
                framework: f.framework,
                version: f.version,
                year: 2026,
                kind: AssessmentKind::Final,
            },
        )
        .await
        .unwrap();
    let yes = |v: bool| Answer {
        value: Some(v),
        comment: String::new(),
        evidence: vec![],
    };

    let err = app
        .answer_assessment(
            &op,
            head.id,
            [
                ("Z9.z.A.1".to_owned(), yes(true)),
                ("A1.a.A.1".to_owned(), yes(true)),
            ]
            .into(),
        )
        .await
        .unwrap_err();
    let AppError::Invalid(problems) = err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "answers.Z9.z.A.1");

    // Every achieved statement of A1.a true, every not-achieved false: Achieved.
    let caf = app.framework(&op, "ncsc-caf", "4.0").await.unwrap();
    let a1a = caf.outcome("A1.a").unwrap();
    let answers = a1a
        .indicators
        .iter()
        .map(|i| (i.id.clone(), yes(i.level == Level::Achieved)))
        .collect();
    let v = app.answer_assessment(&op, head.id, answers).await.unwrap();
    let o = v.outcomes.iter().find(|o| o.code == "A1.a").unwrap();
    assert_eq!((o.derived.derived, o.status), (Level::Achieved, Level::Achieved));

    let err = app
        .note_outcome(
            &op,
            head.id,
            "A1.a",
            OutcomeNote {
                override_status: Some(Level::NotAchieved),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("justification"), "{err}");
    let note = OutcomeNote {
        override_status: Some(Level::PartiallyAchieved),
        justification: Some("board papers are a year old".into()),
        owner: Some("SIRO".into()),
    };
    let v = app.note_outcome(&op, head.id, "A1.a", note).await.unwrap();
    let o = v.outcomes.iter().find(|o| o.code == "A1.a").unwrap();
    assert_eq!(
        (o.derived.derived, o.status),
        (Level::Achieved, Level::PartiallyAchieved),
        "both kept"
    );

    // Submitting lists every unanswered indicator.
    let err = app
        .move_assessment(&op, head.id, AssessmentStatus::Submitted)
        .await
        .unwrap_err();
    let AppError::Invalid(missing) = err else {
        panic!("{err}")
    };
    assert_eq!(missing.len(), 555 - a1a.indicators.len());
    assert!(missing.iter().any(|p| p.path == "answers.B2.b.PA.3#B2.b.8"));

    let all = caf
        .indicators()
        .map(|(_, i)| (i.id.clone(), yes(false)))
        .collect();
    app.answer_assessment(&op, head.id, all).await.unwrap();
    let v = app
        .move_assessment(&op, head.id, AssessmentStatus::Submitted)
        .await
        .unwrap();
    assert_eq!(v.assessment.head.status, AssessmentStatus::Submitted);

    // Only the named SIRO signs off: not Ward's own command line, not before one is named.
    let err = app
        .move_assessment(&op, head.id, AssessmentStatus::SignedOff)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");
    let (siro, _, grant) = app
        .create_user(
            &op,
            ward_app::accounts::users::NewUser {
                email: "siro@trust.example".into(),
                display_name: "Dr Jane Siro".into(),
                password: None,
            },
            Role::OrgAdmin,
            org,
            None,
        )
        .await
        .unwrap();
    let as_siro = Actor {
        principal: ward_app::actor::Principal::User(siro.id),
        role: Role::OrgAdmin,
        org,
        grant: Some(grant.id),
        expires_at: None,
        request_id: None,
    };
    let err = app
        .move_assessment(&as_siro, head.id, AssessmentStatus::SignedOff)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Forbidden(m) if m.contains("not named its SIRO")),
        "{err}"
    );
    let named = app.name_siro(&op, org, siro.id).await.unwrap();
    assert_eq!(named.name, "Dr Jane Siro");
    let err = app
        .move_assessment(
            &Actor {
                principal: ward_app::actor::Principal::User(ward_core::UserId::from_uuid(
                    uuid::Uuid::now_v7(),
                )),
                grant: None,
                ..as_siro.clone()
            },
            head.id,
            AssessmentStatus::SignedOff,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Forbidden(m) if m.contains("Dr Jane Siro")),
        "another admin is refused, naming the SIRO: {err}"
    );
    for to in [AssessmentStatus::SignedOff, AssessmentStatus::Published] {
        let v = app.move_assessment(&as_siro, head.id, to).await.unwrap();
        assert_eq!(v.assessment.head.status, to);
    }
    let v = app.assessment(&op, head.id).await.unwrap();
    assert_eq!(
        v.signed_off.map(|s| (s.user, s.name)),
        Some((siro.id, "Dr Jane Siro".to_owned())),
        "the sign-off names the SIRO"
    );
    let err = app
        .move_assessment(&op, head.id, AssessmentStatus::Draft)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");

    // A profile for trusts: the first version asks for partially achieved on A1.a (the override
    // stands there), the second for achieved, which this trust falls below.
    use ward_app::assurance::profiles::ProfileDraft;
    use ward_core::assurance::ProfileCategory;
    let draft = |level: Level| ProfileDraft {
        framework: "ncsc-caf".into(),
        framework_version: "4.0".into(),
        category: ProfileCategory::TrustsAndIcbs,
        effective_from: jiff::civil::date(2026, 4, 1),
        targets: [("A1.a".to_owned(), level)].into(),
    };
    let v1 = app
        .publish_profile(&op, draft(Level::PartiallyAchieved))
        .await
        .unwrap();
    assert_eq!(
        (
            v1.profile.version,
            v1.organisations_assessed,
            v1.organisations_below
        ),
        (1, 1, 0)
    );
    let preview = app.preview_profile(&op, draft(Level::Achieved)).await.unwrap();
    assert_eq!(
        (
            preview.profile.version,
            preview.organisations_below,
            preview.organisations_below_before
        ),
        (2, 1, 0)
    );
    assert_eq!(preview.changes.len(), 1);
    assert!(preview.changes[0].raises());
    assert_eq!(
        app.profile_versions(&op, "ncsc-caf", "4.0", ProfileCategory::TrustsAndIcbs)
            .await
            .unwrap()
            .len(),
        1,
        "a preview stores nothing"
    );
    let mut bad = draft(Level::Achieved);
    bad.targets.insert("Q9.q".into(), Level::Achieved);
    let err = app.publish_profile(&op, bad).await.unwrap_err();
    assert!(err.to_string().contains("Q9.q"), "{err}");
    // Version 1 takes effect on 2026-04-01; the test clock is in 2025.
    let before = app.assessment(&op, head.id).await.unwrap();
    assert!(before.standard.is_none(), "no profile in effect yet");
    let err = app
        .publish_profile(&as_role(Role::RegionalLead), draft(Level::Achieved))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err}");

    let mut in_effect = draft(Level::Achieved);
    in_effect.effective_from = jiff::civil::date(2025, 1, 1);
    app.publish_profile(&op, in_effect.clone()).await.unwrap();
    let s = app.assessment(&op, head.id).await.unwrap().standard.unwrap();
    assert_eq!((s.profile_version, s.met, s.shortfalls.len()), (2, false, 1));
    assert_eq!(s.shortfalls[0].outcome, "A1.a");
    in_effect.targets.insert("A1.a".into(), Level::PartiallyAchieved);
    app.publish_profile(&op, in_effect).await.unwrap();
    let s = app.assessment(&op, head.id).await.unwrap().standard.unwrap();
    assert_eq!((s.profile_version, s.met), (3, true));
}

/// A CAF 3.2 assessment carried into a 4.0 draft: unchanged statements keep their answers under
/// their 4.0 identifiers; the rest are listed to answer again.
#[tokio::test]
async fn a_caf_3_2_assessment_carries_into_a_4_0_draft() {
    use ward_app::assurance::assessments::NewAssessment;
    use ward_core::assurance::{Answer, AssessmentKind};
    let (Some(v32), Some(v40)) = (
        shared_data("frameworks/webcaf-caf-3.2.yaml"),
        shared_data("frameworks/webcaf-caf-4.0.yaml"),
    ) else {
        return;
    };
    let (store, _dir) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store.clone());
    let op = operator();
    for (name, path) in [("webcaf-caf-3.2.yaml", v32), ("webcaf-caf-4.0.yaml", v40)] {
        app.import_framework(&op, name, std::fs::read(path).unwrap(), None)
            .await
            .unwrap();
    }
    let org = ward_core::OrgId::from_uuid(uuid::Uuid::now_v7());
    let practice = ward_core::org::Organisation {
        id: org,
        code: ward_core::org::OdsCode::parse("Y01234").unwrap(),
        name: "Practice".into(),
        kind: ward_core::org::OrgKind::GpPractice,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    store
        .upsert_orgs(&[practice], jiff::civil::date(2025, 1, 1), &op.audit(app.now()))
        .await
        .unwrap();
    let new = |version: &str| NewAssessment {
        org,
        framework: "ncsc-caf".into(),
        version: version.into(),
        year: 2026,
        kind: AssessmentKind::Interim,
    };
    let old = app.start_assessment(&op, new("3.2")).await.unwrap();
    let caf32 = app.framework(&op, "ncsc-caf", "3.2").await.unwrap();
    let all = caf32
        .indicators()
        .map(|(_, i)| {
            (
                i.id.clone(),
                Answer {
                    value: Some(true),
                    comment: String::new(),
                    evidence: vec![],
                },
            )
        })
        .collect();
    app.answer_assessment(&op, old.id, all).await.unwrap();

    let (draft, not_carried) = app.carry_assessment(&op, old.id, "4.0").await.unwrap();
    let head = &draft.assessment.head;
    assert_eq!(
        (head.version.as_str(), head.year, head.kind),
        ("4.0", 2026, AssessmentKind::Interim)
    );
    let carried = draft.assessment.answers.len();
    assert!(carried > 150, "{carried} answers carried");
    assert_eq!(carried + not_carried.len(), 449);
    assert!(
        not_carried.iter().any(|id| id.starts_with("C2.b.")),
        "a removed outcome does not carry"
    );
    assert!(
        draft
            .assessment
            .answers
            .values()
            .all(|a| a.comment == "carried from ncsc-caf 3.2")
    );
    // Carrying twice would make a second interim 4.0 assessment for the year: refused.
    let err = app.carry_assessment(&op, old.id, "4.0").await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err}");
}
