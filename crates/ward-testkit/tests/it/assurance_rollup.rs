//! The assurance roll-up through the API: correct counts on a small sector (an override that
//! lifts an outcome, an outcome below target, organisations with no assessment), the CSV export,
//! and the attacks (a regional lead asking for another region, the nation or another region's
//! trust; roles without the right). Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use std::collections::BTreeMap;

use crate::api::{as_role, with_session};
use serde_json::{Value, json};
use ward_core::assurance::{Answer, AssessmentKind, Level, OutcomeNote};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};
use ward_testkit::fixtures::SMALL_CAF;

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

async fn get(app: &TestApp, s: &(String, String), path: &str) -> (u16, String) {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn get_json(app: &TestApp, s: &(String, String), path: &str) -> (u16, Value) {
    let (status, text) = get(app, s, path).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// An assessment of `org` with these indicators answered (true or false), and overrides.
async fn assess(app: &TestApp, org: ward_core::OrgId, answers: &[(&str, bool)], overrides: &[(&str, Level)]) {
    let system = ward_app::Actor::system("test", app.world.national);
    let head = app
        .app
        .start_assessment(
            &system,
            ward_app::assurance::assessments::NewAssessment {
                org,
                framework: "ncsc-caf".into(),
                version: "4.0".into(),
                year: 2026,
                kind: AssessmentKind::Final,
            },
        )
        .await
        .unwrap();
    let answers: BTreeMap<String, Answer> = answers
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
        .collect();
    app.app
        .answer_assessment(&system, head.id, answers)
        .await
        .unwrap();
    for (outcome, level) in overrides {
        let note = OutcomeNote {
            override_status: Some(*level),
            justification: Some("The board minutes show it.".into()),
            owner: None,
        };
        app.app
            .note_outcome(&system, head.id, outcome, note)
            .await
            .unwrap();
    }
}

/// The sector: the London trust lifted to achieved on A1.a by an override (its answers give
/// partially achieved), the London ICB not achieved on A1.a (below target), the South West trust
/// achieved throughout; everyone else unassessed. Trusts and ICBs must reach achieved on A1.a and
/// partially achieved on A1.b.
async fn sector(app: &TestApp) {
    let w = &app.world;
    let system = ward_app::Actor::system("test", w.national);
    app.app
        .import_framework(&system, "caf.yaml", SMALL_CAF.into(), Some("4.0".into()))
        .await
        .unwrap();
    let draft: ward_app::assurance::profiles::ProfileDraft = serde_json::from_value(json!({
        "framework": "ncsc-caf", "framework_version": "4.0", "category": "trusts-and-icbs",
        "effective_from": "2026-04-01",
        "targets": {"A1.a": "achieved", "A1.b": "partially-achieved"},
    }))
    .unwrap();
    app.app.publish_profile(&system, draft).await.unwrap();
    assess(
        app,
        w.trust,
        &[
            ("A1.a.NA.1", false),
            ("A1.a.PA.1", true),
            ("A1.a.A.1", false),
            ("A1.b.A.1", true),
        ],
        &[("A1.a", Level::Achieved)],
    )
    .await;
    assess(
        app,
        w.icb,
        &[
            ("A1.a.NA.1", true),
            ("A1.a.PA.1", true),
            ("A1.a.A.1", false),
            ("A1.b.A.1", true),
        ],
        &[],
    )
    .await;
    assess(
        app,
        w.foreign_trust,
        &[
            ("A1.a.NA.1", false),
            ("A1.a.PA.1", true),
            ("A1.a.A.1", true),
            ("A1.b.A.1", true),
        ],
        &[],
    )
    .await;
}

fn area<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == code)
        .unwrap_or_else(|| panic!("no area {code} in {r}"))
}

fn outcome<'a>(a: &'a Value, code: &str) -> &'a Value {
    a["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn the_rollup_counts_standing_and_outcomes_per_area_and_in_total() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        sector(&app).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, r) = get_json(&app, &national, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        assert_eq!(r["total"]["code"], "X26", "{backend}: the nation by default");
        let t = &r["total"]["standing"];
        // Counted: the ICBs, trusts, the practice and the care provider (not its site, which
        // assesses as the provider, nor the supplier outside the national body, nor regions).
        assert_eq!(t["organisations"], 6, "{backend}: {t}");
        assert_eq!(t["by_standing"]["met"], 2, "{backend}: {t}");
        assert_eq!(t["by_standing"]["not-met"], 1, "{backend}: {t}");
        assert_eq!(t["by_standing"]["exceeded"], 0, "{backend}: {t}");
        assert_eq!(t["no_current_assessment"], 3, "{backend}: {t}");
        let a = outcome(&r["total"], "A1.a");
        // The trust's override (achieved over its derived partially achieved) counts.
        assert_eq!(
            (
                &a["achieved"],
                &a["partially_achieved"],
                &a["not_achieved"],
                &a["below_target"]
            ),
            (&json!(2), &json!(0), &json!(1), &json!(1)),
            "{backend}: {a}"
        );
        let b = outcome(&r["total"], "A1.b");
        assert_eq!(
            (&b["achieved"], &b["below_target"]),
            (&json!(3), &json!(0)),
            "{backend}: {b}"
        );

        let london = area(&r, "Y56");
        assert_eq!(london["standing"]["organisations"], 4, "{backend}: {london}");
        assert_eq!(london["standing"]["by_standing"]["met"], 1, "{backend}");
        assert_eq!(london["standing"]["by_standing"]["not-met"], 1, "{backend}");
        assert_eq!(london["standing"]["no_current_assessment"], 2, "{backend}");
        let south_west = area(&r, "Y58");
        assert_eq!(south_west["standing"]["organisations"], 2, "{backend}");
        assert_eq!(south_west["standing"]["by_standing"]["met"], 1, "{backend}");
        assert_eq!(outcome(south_west, "A1.a")["below_target"], 0, "{backend}");
        assert!(
            r["total"]["risks"].is_object(),
            "{backend}: the risk grades beside"
        );

        // The areas add up to the total.
        let sum: u64 = r["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["standing"]["organisations"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, 6, "{backend}");

        // CSV: one line per area and the total, then the outcomes.
        let res = with_session(
            client().get(app.url("/api/v1/assurance/rollup?org=Y56&format=csv")),
            &national,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv"),
            "{backend}"
        );
        let csv = res.text().await.unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "area_code,area_name,organisations,not-met,not-met-with-plan,approaching,met,exceeded,no-profile,no-current-assessment",
            "{backend}"
        );
        assert!(
            csv.contains("QMF,North East London ICB,4,1,0,0,1,0,0,2\r\n"),
            "{backend}: {csv}"
        );
        assert!(
            csv.contains("Y56,London (total),4,1,0,0,1,0,0,2\r\n"),
            "{backend}: {csv}"
        );
        assert!(
            csv.contains("QMF,A1.a,Board direction,1,0,1,1\r\n"),
            "{backend}: {csv}"
        );

        // Bad input names the field.
        let (status, body) = get(&app, &national, "/api/v1/assurance/rollup?format=pdf").await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.contains("format"), "{backend}: {body}");
        let (status, body) = get(&app, &national, "/api/v1/assurance/rollup?version=9.9").await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.contains("framework"), "{backend}: {body}");
    }
}

#[tokio::test]
async fn a_regional_lead_sees_its_region_and_never_another() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        sector(&app).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let (status, r) = get_json(&app, &regional, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        assert_eq!(r["total"]["code"], "Y56", "{backend}: its own region by default");
        assert_eq!(r["total"]["standing"]["organisations"], 4, "{backend}");
        assert_eq!(
            r["total"]["standing"]["by_standing"]["met"], 1,
            "{backend}: the other region's trust is not counted"
        );
        // Another region, the nation above it, another region's trust: as if they did not exist.
        for code in ["Y58", "X26", "RA7", "QUY"] {
            let (status, body) = get(&app, &regional, &format!("/api/v1/assurance/rollup?org={code}")).await;
            assert_eq!(
                status, 404,
                "{backend}: the regional lead rolled up {code}: {body}"
            );
            assert!(!body.contains("Harbour"), "{backend}: {body}");
        }
        // Roles without the right are refused outright.
        for role in [Role::OrgMember, Role::SupplierContact, Role::IncidentResponder] {
            let s = as_role(&app, role).await;
            let (status, _) = get(&app, &s, "/api/v1/assurance/rollup?org=Y56").await;
            assert_eq!(status, 403, "{backend}: {role:?}");
        }
        // An organisation's admin (who may make auditors) rolls up its own organisation only.
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, r) = get_json(&app, &admin, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        let (status, _) = get(&app, &admin, "/api/v1/assurance/rollup?org=Y56").await;
        assert_eq!(status, 404, "{backend}: an admin rolled up its region");
        // An auditor at the ICB sees the ICB's organisations only.
        let auditor = as_role(&app, Role::Auditor).await;
        let (status, r) = get_json(&app, &auditor, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        assert_eq!(r["total"]["code"], "QMF", "{backend}");
        let (status, _) = get(&app, &auditor, "/api/v1/assurance/rollup?org=Y56").await;
        assert_eq!(status, 404, "{backend}: an auditor rolled up above its footprint");
    }
}

/// What the roll-up's total should be, worked out from each assessment as its own page derives
/// it from the answers (`App::assessment`): organisations by standing, and per outcome achieved,
/// partially achieved, not achieved and below target.
async fn expected_from_answers(app: &TestApp) -> (Value, BTreeMap<String, [u64; 4]>) {
    let system = ward_app::Actor::system("test", app.world.national);
    let mut by_standing: BTreeMap<String, u64> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for h in app.app.assessments(&system).await.unwrap() {
        let v = app.app.assessment(&system, h.id).await.unwrap();
        if let Some(s) = &v.standard {
            let key = serde_json::to_value(s.status).unwrap();
            *by_standing.entry(key.as_str().unwrap().to_owned()).or_default() += 1;
        }
        for o in &v.outcomes {
            let cell = outcomes.entry(o.code.clone()).or_default();
            match o.status {
                Level::Achieved => cell[0] += 1,
                Level::PartiallyAchieved => cell[1] += 1,
                Level::NotAchieved => cell[2] += 1,
            }
            let below = v
                .standard
                .as_ref()
                .is_some_and(|s| s.shortfalls.iter().any(|f| f.outcome == o.code));
            if below {
                cell[3] += 1;
            }
        }
    }
    (serde_json::to_value(by_standing).unwrap(), outcomes)
}

/// The roll-up's total in the same shape (standings with organisations left out where zero).
fn rolled_total(r: &Value) -> (Value, BTreeMap<String, [u64; 4]>) {
    let t = &r["total"];
    let by_standing: BTreeMap<String, u64> = t["standing"]["by_standing"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, n)| n.as_u64() != Some(0))
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect();
    let outcomes = t["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let n = |k: &str| o[k].as_u64().unwrap();
            (
                o["code"].as_str().unwrap().to_owned(),
                [
                    n("achieved"),
                    n("partially_achieved"),
                    n("not_achieved"),
                    n("below_target"),
                ],
            )
        })
        .collect();
    (serde_json::to_value(by_standing).unwrap(), outcomes)
}

/// Whether every current assessment of the nation has its statuses stored.
async fn all_stored(app: &TestApp) -> bool {
    let kinds = ward_app::assurance::rollup::counted_kinds();
    let facts = app
        .store
        .assurance_rollup_facts(
            &ward_store::Scope::All,
            app.world.national,
            &kinds,
            "ncsc-caf",
            "4.0",
            &["A1.a".to_owned(), "A1.b".to_owned()],
            &std::collections::HashMap::new(),
        )
        .await
        .unwrap();
    assert!(!facts.assessments.is_empty());
    facts.assessments.iter().all(|a| a.derived.is_some())
}

#[tokio::test]
async fn the_rollup_of_stored_statuses_equals_the_statuses_derived_from_answers() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        sector(&app).await;
        let w = &app.world;
        // More organisations, answered through the normal answer save.
        assess(
            &app,
            w.practice,
            &[("A1.a.PA.1", true), ("A1.a.A.1", false), ("A1.b.A.1", false)],
            &[],
        )
        .await;
        assess(
            &app,
            w.provider,
            &[("A1.a.NA.1", true), ("A1.a.A.1", true), ("A1.b.A.1", true)],
            &[("A1.b", Level::NotAchieved)],
        )
        .await;
        assess(
            &app,
            w.foreign_icb,
            &[
                ("A1.a.NA.1", false),
                ("A1.a.PA.1", true),
                ("A1.a.A.1", true),
                ("A1.b.A.1", false),
            ],
            &[],
        )
        .await;
        assert!(
            all_stored(&app).await,
            "{backend}: every save stored its statuses"
        );
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, r) = get_json(&app, &national, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        assert_eq!(r["total"]["standing"]["no_current_assessment"], 0, "{backend}");
        let expected = expected_from_answers(&app).await;
        assert_eq!(rolled_total(&r), expected, "{backend}");
        let before = rolled_total(&r).1["A1.a"];

        // One answer changed: the stored status, and so the roll-up, follow.
        let system = ward_app::Actor::system("test", w.national);
        let foreign = app
            .app
            .assessments(&system)
            .await
            .unwrap()
            .into_iter()
            .find(|h| h.org == w.foreign_trust)
            .unwrap();
        let flip: BTreeMap<String, Answer> = [(
            "A1.a.NA.1".to_owned(),
            Answer {
                value: Some(true),
                comment: String::new(),
                evidence: vec![],
            },
        )]
        .into();
        app.app
            .answer_assessment(&system, foreign.id, flip)
            .await
            .unwrap();
        let (_, r) = get_json(&app, &national, "/api/v1/assurance/rollup").await;
        let after = rolled_total(&r);
        assert_eq!(after, expected_from_answers(&app).await, "{backend}");
        assert_eq!(
            (after.1["A1.a"][0], after.1["A1.a"][2]),
            (before[0] - 1, before[2] + 1),
            "{backend}: the South West trust's A1.a went from achieved to not achieved"
        );

        // The framework version replaced: statuses are forgotten, derived from the answers on
        // the next roll-up (the same figures) and stored again.
        let reworded = SMALL_CAF.replace("reviews it.", "reviews it each quarter.");
        app.app
            .import_framework(&system, "caf.yaml", reworded.into(), Some("4.0".into()))
            .await
            .unwrap();
        assert!(!all_stored(&app).await, "{backend}: forgotten on replace");
        let (status, r) = get_json(&app, &national, "/api/v1/assurance/rollup").await;
        assert_eq!(status, 200, "{backend}: {r}");
        assert_eq!(rolled_total(&r), after, "{backend}: derived from the answers");
        assert!(all_stored(&app).await, "{backend}: stored by the roll-up");
        let (_, r) = get_json(&app, &national, "/api/v1/assurance/rollup").await;
        assert_eq!(
            rolled_total(&r),
            after,
            "{backend}: read from the stored statuses"
        );
    }
}
