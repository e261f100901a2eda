//! The walk's rules and requests for people (training, board) and the questionnaire routes, kept
//! apart from the main table so it stays under the house limit.

use serde_json::json;
use ward_core::role::Role;
use ward_testkit::TestApp;

/// Routes under these prefixes are decided here.
pub(super) fn is_people(path: &str) -> bool {
    ["/api/v1/training", "/api/v1/board", "/api/v1/questionnaires"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Whether `role` may call `route` on its own organisation (`own`) or a foreign one.
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    // Training figures and board members: an organisation's own people, its ICB and region, the
    // national team and auditors; suppliers and responders do not.
    let people_reader = matches!(
        role,
        NationalAnalyst | RegionalLead | OrgAdmin | OrgMember | Auditor
    );
    let answerer = matches!(role, OrgAdmin | OrgMember | SupplierContact) && own;
    match route {
        ("GET", "/api/v1/training/requirements" | "/api/v1/training/rollup") => people_reader,
        ("PUT", "/api/v1/training/requirements") => national,
        ("GET", "/api/v1/training" | "/api/v1/board") => people_reader && (own || national),
        // Only the organisation's own admins keep its training record and name its board.
        ("POST", "/api/v1/training/import" | "/api/v1/board") | ("DELETE", "/api/v1/board/{id}") => {
            role == OrgAdmin && own
        }
        // The questionnaire is an assessment: the same rules.
        ("GET", "/api/v1/questionnaires/{id}") => own || national,
        (
            "POST" | "PUT",
            "/api/v1/questionnaires"
            | "/api/v1/questionnaires/{id}/answers/{question}"
            | "/api/v1/questionnaires/{id}/submit",
        ) => answerer,
        _ => panic!("route {route:?} has no rule in the walk"),
    }
}

/// A year no earlier questionnaire of this walk used: at most one final assessment per
/// organisation, framework version and year, and years run 2000 to 2100.
fn fresh_year() -> i32 {
    static NEXT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
    2000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 101
}

/// A questionnaire of `org`, with `answered` questions answered (by an organisation admin).
async fn disposable_questionnaire(app: &TestApp, org: ward_core::OrgId, answered: bool) -> String {
    ward_testkit::questionnaire::load_framework(&app.app, app.world.national).await;
    let actor = ward_app::Actor::system("walk", app.world.national);
    let year = fresh_year();
    let q = app
        .app
        .start_questionnaire(
            &actor,
            ward_app::assurance::questionnaire::NewQuestionnaire { org, year },
        )
        .await
        .unwrap();
    if answered {
        let by = app.world.users[&Role::OrgAdmin].id;
        let meta = actor.audit(app.app.now());
        let framework = app
            .store
            .get_framework(
                ward_core::questionnaire::FRAMEWORK,
                ward_core::questionnaire::VERSION,
            )
            .await
            .unwrap()
            .unwrap();
        let no = ward_core::questionnaire::QuestionAnswer::No;
        for question in ward_core::questionnaire::QUESTIONS {
            let outcome = framework.outcome(question.outcome).unwrap();
            let indicators = ward_core::questionnaire::indicator_answers(outcome, no)
                .into_iter()
                .map(|(k, v)| {
                    let a = ward_core::assurance::Answer {
                        value: Some(v),
                        comment: String::new(),
                        evidence: vec![],
                    };
                    (k, a)
                })
                .collect();
            app.store
                .save_question_answer(
                    &ward_store::Scope::All,
                    q.assessment.id,
                    &ward_store::people::SavedAnswer {
                        question: question.id,
                        answer: no,
                        indicators: &indicators,
                        by,
                        rule: &ward_app::assurance::derived::WebCafRule(&framework),
                    },
                    &meta,
                )
                .await
                .unwrap();
        }
    }
    q.assessment.id.to_string()
}

/// The request for a people route: path and body.
pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    match route {
        ("PUT", "/api/v1/training/requirements") => (
            route.1.to_owned(),
            j(json!({"role": "staff", "course": format!("walk-{n}"), "title": "Walk course"})),
        ),
        ("POST", "/api/v1/training/import") => (
            format!("/api/v1/training/import?org={org}&file=walk.csv"),
            Some((
                format!(
                    "person_ref,role,course,completed_on\nW{n},staff,data-security-awareness,2026-01-01\n"
                ),
                "text/csv",
            )),
        ),
        ("GET", "/api/v1/training") => (format!("/api/v1/training?org={org}"), None),
        ("GET", "/api/v1/board") => (format!("/api/v1/board?org={org}"), None),
        ("POST", "/api/v1/board") => (
            route.1.to_owned(),
            j(json!({"org": org, "name": format!("Walk Member {n}"), "board_role": "Chair"})),
        ),
        ("DELETE", "/api/v1/board/{id}") => {
            let actor = ward_app::Actor::system("walk", app.world.national);
            let m = app
                .app
                .add_board_member(
                    &actor,
                    ward_core::training::NewBoardMember {
                        org,
                        name: format!("Walk Member {n}"),
                        board_role: "Chair".into(),
                    },
                )
                .await
                .unwrap();
            (format!("/api/v1/board/{}", m.id), None)
        }
        ("POST", "/api/v1/questionnaires") => {
            ward_testkit::questionnaire::load_framework(&app.app, app.world.national).await;
            let year = fresh_year();
            (route.1.to_owned(), j(json!({"org": org, "year": year})))
        }
        ("GET", "/api/v1/questionnaires/{id}") => (
            format!(
                "/api/v1/questionnaires/{}",
                disposable_questionnaire(app, org, false).await
            ),
            None,
        ),
        ("PUT", "/api/v1/questionnaires/{id}/answers/{question}") => (
            format!(
                "/api/v1/questionnaires/{}/answers/q05",
                disposable_questionnaire(app, org, false).await
            ),
            j(json!({"answer": "partly"})),
        ),
        ("POST", "/api/v1/questionnaires/{id}/submit") => (
            format!(
                "/api/v1/questionnaires/{}/submit",
                disposable_questionnaire(app, org, true).await
            ),
            None,
        ),
        (_, p) => (p.to_owned(), None),
    }
}
