//! The dry-run page over plain HTTP: the form, the background run with its progress endpoint and
//! no-script refresh, the results with the recovery curve drawn by the server, the mitigation
//! difference, the trials limit on the page, who may open it, and that the page, the API and the
//! use case the CLI calls give the same figures for the same seed.

use crate::web::{Reply, Visitor};
use reqwest::StatusCode;
use ward_app::impact::{Mitigation, Scenario};
use ward_app::simulation::{ScenarioSource, SimulationRequest};
use ward_core::role::Role;
use ward_testkit::app::client;
use ward_testkit::spawn_app;

/// Asks for the run until its page shows the results (each ask moves nothing on: the run goes on
/// in the background; the bound only stops a broken run from hanging the test).
async fn finished(v: &mut Visitor<'_>, query: &str) -> Reply {
    for _ in 0..600 {
        let p = v.get(&format!("/simulate/progress?{query}")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let json: serde_json::Value = serde_json::from_str(&p.body).unwrap();
        assert!(json["done"].as_u64() <= json["trials"].as_u64(), "{json}");
        if json["finished"] == true {
            return v.get(&format!("/simulate/run?{query}")).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the run did not finish");
}

#[tokio::test]
async fn the_simulation_page_runs_in_the_background_and_draws_the_recovery_curve() {
    let t = spawn_app().await;
    // Made before any run: the runs are kept per graph, and nothing after this changes the data.
    let token = t.role_token(Role::NationalAnalyst).await;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let form = n.get("/simulate").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for s in [
        "wannacry-2017",
        "advanced-2022",
        "synnovis-2024",
        "offline-backups",
    ] {
        assert!(form.body.contains(s), "{s} offered");
    }
    assert!(!form.body.contains("<script"), "no script on the form");
    assert!(
        n.get("/exercises").await.body.contains("href=\"/simulate\""),
        "linked"
    );

    // While it runs: a progress bar, the script that polls, and a refresh for no script.
    let query = "scenario=wannacry-2017&trials=3000&seed=5&offline-backups=on";
    let first = n.get(&format!("/simulate/run?{query}")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    if first.body.contains("<progress") {
        assert!(
            first.body.contains("<noscript><meta http-equiv=\"refresh\""),
            "{}",
            first.body
        );
        assert!(first.body.contains("/static/simulation.js?v="), "{}", first.body);
        assert!(
            first
                .body
                .contains("data-progress=\"/simulate/progress?scenario=wannacry-2017")
        );
    }
    let page = finished(&mut n, query).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<progress"), "finished: {}", page.body);
    assert!(
        page.body.contains("class=\"chart-svg recovery-curve\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("class=\"curve-median\" points=\"44.0,"),
        "drawn from the origin"
    );
    assert!(page.body.contains("class=\"curve-band\""));
    assert!(
        page.body.contains("class=\"curve-without\""),
        "the run without backups, dashed"
    );
    assert!(page.body.contains("Median without the mitigations"));
    assert!(page.body.contains("Tested offline backups"));
    assert!(
        !page.body.contains("offline_backups") && !page.body.contains("{\""),
        "no raw values"
    );

    // The page's figures are the use case's (what `ward simulate` prints) for the same seed.
    let op = ward_app::Actor::system("test", t.world.national);
    let direct = t
        .app
        .simulate(
            &op,
            SimulationRequest {
                scenario: ScenarioSource::Builtin(Scenario::Wannacry2017),
                trials: 3000,
                seed: 5,
                mitigations: vec![Mitigation::OfflineBackups],
            },
        )
        .await
        .unwrap();
    let days = format!(
        "<th scope=\"row\">Days until the last lost system is back</th><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td>",
        direct.days_to_recover.median, direct.days_to_recover.p90
    );
    assert!(page.body.contains(&days), "{days} in {}", page.body);
    // And the API's, byte for byte.
    let api = client()
        .post(t.url("/api/v1/simulations"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"scenario": "wannacry-2017", "trials": 3000, "seed": 5, "mitigations": ["offline-backups"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK, "the same run, already finished");
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["state"], "finished");
    assert_eq!(body["result"], serde_json::to_value(&direct).unwrap());

    // More trials than the maximum: refused on the page, with the form and the reason.
    let many = n
        .get("/simulate/run?scenario=synnovis-2024&trials=10001&seed=1")
        .await;
    assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", many.body);
    assert!(
        many.body.contains("10000") && many.body.contains("name=\"trials\""),
        "{}",
        many.body
    );
    let p = n
        .get("/simulate/progress?scenario=synnovis-2024&trials=10001&seed=1")
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = n.get("/simulate/run?scenario=notpetya&trials=10&seed=1").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A regional lead runs it over its region; an organisation's people may not.
    let mut r = Visitor::new(&t);
    r.sign_in_as(Role::RegionalLead).await;
    assert_eq!(r.get("/simulate").await.status, StatusCode::OK);
    let regional = finished(&mut r, "scenario=wannacry-2017&trials=50&seed=5").await;
    assert_eq!(regional.status, StatusCode::OK, "{}", regional.body);
    for role in [
        Role::OrgAdmin,
        Role::OrgMember,
        Role::Auditor,
        Role::SupplierContact,
    ] {
        let mut m = Visitor::new(&t);
        m.sign_in_as(role).await;
        assert_eq!(m.get("/simulate").await.status, StatusCode::FORBIDDEN, "{role:?}");
        let run = m
            .get("/simulate/run?scenario=wannacry-2017&trials=10&seed=1")
            .await;
        assert_eq!(run.status, StatusCode::FORBIDDEN, "{role:?}");
        let progress = m
            .get("/simulate/progress?scenario=wannacry-2017&trials=10&seed=1")
            .await;
        assert_eq!(progress.status, StatusCode::FORBIDDEN, "{role:?}");
    }

    let js = client().get(t.url("/static/simulation.js")).send().await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
}

const GOOD_FILE: &str = "name: foreign-trust\nmutual_aid: {spare_share: 0.2, travel_share: 1}\nnodes:\n  - {name: a, org: RA7, recovery: {median_days: 10}}\n";

const BAD_FILE: &str = "name: bad\nmutual_aid: {spare_share: 1.5}\nnodes:\n  - {name: a, org: ZZZ99, recovery: {median_days: 10}}\n";

#[tokio::test]
async fn a_scenario_file_uploaded_or_pasted_on_the_page_runs_or_is_refused_with_its_paths() {
    let t = spawn_app().await;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let form = n.get("/simulate").await;
    assert!(
        form.body.contains("action=\"/simulate/file\"")
            && form.body.contains("enctype=\"multipart/form-data\""),
        "the file form is offered: {}",
        form.body
    );
    let csrf = n.csrf().await;

    // A good file, uploaded: it runs like a built-in scenario, with the mitigation's difference.
    let good = n
        .post_file(
            "/simulate/file",
            &[
                ("csrf", &csrf),
                ("trials", "40"),
                ("seed", "3"),
                ("extra-response-team", "on"),
            ],
            "foreign.yaml",
            GOOD_FILE,
        )
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    assert!(good.body.contains("Dry run: foreign-trust"), "{}", good.body);
    assert!(good.body.contains("class=\"chart-svg recovery-curve\""));
    assert!(good.body.contains("Median without the mitigations"));
    assert!(good.body.contains("Patients redirected to providers nearby"));
    // The figures are the use case's for the same file, trials and seed.
    let op = ward_app::Actor::system("test", t.world.national);
    let direct = t
        .app
        .simulate(
            &op,
            SimulationRequest {
                scenario: ScenarioSource::File {
                    name: "foreign.yaml".into(),
                    text: GOOD_FILE.into(),
                },
                trials: 40,
                seed: 3,
                mitigations: vec![Mitigation::ExtraResponseTeam],
            },
        )
        .await
        .unwrap();
    let days = format!(
        "<th scope=\"row\">Days until the last lost system is back</th><td class=\"num\">{:.1}</td>",
        direct.days_to_recover.median
    );
    assert!(good.body.contains(&days), "{days} in {}", good.body);

    // A bad file, pasted: refused with every problem's path in the file, the text kept.
    let bad = n
        .post_file(
            "/simulate/file",
            &[("csrf", &csrf), ("text", BAD_FILE), ("trials", "10")],
            "",
            "",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("<code>mutual_aid.spare_share</code>") && bad.body.contains("0 to 1"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("spare_share: 1.5"), "the pasted text is kept");
    // Valid values naming what the sector lacks: refused against the graph, with the path.
    let unknown = n
        .post_file(
            "/simulate/file",
            &[("csrf", &csrf), ("trials", "10")],
            "unknown.json",
            r#"{"name": "x", "nodes": [{"name": "a", "org": "ZZZ99", "recovery": {"median_days": 3}}]}"#,
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert!(
        unknown.body.contains("<code>nodes[0].org</code>") && unknown.body.contains("ZZZ99"),
        "{}",
        unknown.body
    );
    assert!(
        unknown.body.contains("unknown.json was not run"),
        "{}",
        unknown.body
    );
    // Too many trials and nothing sent are refused too.
    let many = n
        .post_file(
            "/simulate/file",
            &[("csrf", &csrf), ("trials", "10001")],
            "f.yaml",
            GOOD_FILE,
        )
        .await;
    assert_eq!(many.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", many.body);
    assert!(many.body.contains("<code>trials</code>"), "{}", many.body);
    let empty = n.post_file("/simulate/file", &[("csrf", &csrf)], "", "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    // Without the form's token: refused before the file is read.
    let forged = n
        .post_file("/simulate/file", &[("csrf", "forged")], "f.yaml", GOOD_FILE)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);

    // Roles that may not run simulations are refused, the file unread.
    for role in [Role::OrgAdmin, Role::OrgMember, Role::Auditor] {
        let mut m = Visitor::new(&t);
        m.sign_in_as(role).await;
        let token = m.csrf().await;
        let r = m
            .post_file("/simulate/file", &[("csrf", &token)], "f.yaml", GOOD_FILE)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}: {}", r.body);
        assert!(!r.body.contains("foreign-trust"), "{role:?}");
    }
}
