//! `GET /api/v1/impact`: the footprint rule end to end, across organisations.

use crate::api::{as_role, with_session};
use serde_json::Value;
use ward_core::DependencyId;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::role::Role;
use ward_store::Scope;
use ward_testkit::app::client;
use ward_testkit::spawn_app;

async fn get(app: &ward_testkit::TestApp, s: &(String, String), q: &str) -> (u16, Value) {
    let res = with_session(client().get(app.url(&format!("/api/v1/impact?{q}"))), s)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_trust_sees_what_losing_a_foreign_service_it_depends_on_does_to_it_and_no_more() {
    let app = spawn_app().await;
    let w = &app.world;
    let member = as_role(&app, Role::OrgMember).await;
    // Before any dependency, the foreign trust's service is unknown to the member.
    let foreign = w.foreign_services[0];
    let (status, _) = get(&app, &member, &format!("service={foreign}")).await;
    assert_eq!(status, 404);

    // The member's emergency department comes to depend on the foreign trust's (mutual aid).
    let dep = Dependency {
        id: DependencyId::from_uuid(uuid::Uuid::now_v7()),
        org: w.trust,
        service: w.trust_services[0],
        target: DependencyTarget::Service(foreign),
        note: None,
    };
    app.store
        .insert_dependencies(&Scope::All, &[dep], &ward_testkit::db::restore_meta())
        .await
        .unwrap();
    // Written past the application (as an import in another process would): tell it, as the
    // exposure tests do, so its graph is built again.
    app.app.exposure_changed();

    let (status, v) = get(&app, &member, &format!("service={foreign}")).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["seen"], "footprint");
    assert_eq!(v["services"], 1, "{v}");
    assert_eq!(v["stopped"], 1, "no workaround recorded: it stops");
    assert_eq!(
        v["services_elsewhere"], 1,
        "the foreign service itself, counted not named"
    );
    assert_eq!(v["affected_services"][0]["org_code"], "RJZ");
    assert_eq!(v["affected_services"][0]["why"]["via"]["org_code"], "RA7");
    assert_eq!(v["worst_consequence"], 5);
    // The foreign trust as a whole may be named now too, and shows the same footprint.
    let (status, v) = get(&app, &member, "org=RA7").await;
    assert_eq!((status, v["services"].clone()), (200, Value::from(1)), "{v}");

    // The national analyst sees both trusts.
    let national = as_role(&app, Role::NationalAnalyst).await;
    let (status, v) = get(&app, &national, &format!("service={foreign}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (v["services"].clone(), v["organisations"].clone()),
        (Value::from(2), Value::from(2))
    );

    // Questions with nothing, or two things, are refused with the rule.
    let (status, v) = get(&app, &member, "").await;
    assert_eq!(status, 422, "{v}");
    let (status, _) = get(&app, &member, "org=RJZ&supplier=x").await;
    assert_eq!(status, 422);
    let (status, _) = get(&app, &member, "product=not-a-cpe").await;
    assert_eq!(status, 422);
    let (status, _) = get(&app, &member, &format!("product={}", uuid::Uuid::now_v7())).await;
    assert_eq!(status, 404, "an identifier of no product is not found");
}
