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
