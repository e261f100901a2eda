//! The blast radius page over plain HTTP: the picture drawn by the server, the footprint rule, and
//! the links that lead to it.

use crate::web::Visitor;
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn the_impact_page_draws_what_stops_within_the_footprint() {
    let t = spawn_app().await;
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let page = n.get("/impact?org=RJZ").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("were lost</h1>"), "{}", page.body);
    assert!(page.body.contains("<svg viewBox="), "the picture is drawn");
    assert!(
        page.body.contains("impact-stopped"),
        "stopped services are marked"
    );
    assert!(page.body.contains("Emergency department") && page.body.contains("Pathology"));
    assert!(!page.body.contains("<script"), "no script");
    // Foreign organisations are fine for the national team.
    assert_eq!(n.get("/impact?org=RA7").await.status, StatusCode::OK);
    // Two things at once is refused with a plain explanation.
    let both = n.get("/impact?org=RJZ&service=x").await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(both.body.contains("exactly one"), "{}", both.body);

    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let own = m.get("/impact?org=RJZ").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body
            .contains("You see the services of your own organisations.")
    );
    // Another region's trust reads like one that does not exist.
    assert_eq!(m.get("/impact?org=RA7").await.status, StatusCode::NOT_FOUND);
    assert_eq!(m.get("/impact?org=ZZZ99").await.status, StatusCode::NOT_FOUND);
    let services = m.get("/services").await;
    assert!(
        services.body.contains("/impact?service="),
        "the services list links to it"
    );

    let mut s = Visitor::new(&t);
    s.sign_in_as(Role::SupplierContact).await;
    assert_eq!(s.get("/impact?org=RJZ").await.status, StatusCode::FORBIDDEN);
}
