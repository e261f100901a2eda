//! Administration in the web UI: an organisation admin adds a person (a mistake is shown beside
//! the form with what was typed kept), gives and withdraws roles, disables and enables, issues and
//! revokes an API token (which then stops working), and reads the audit trail; the national team
//! verifies the trail. Nobody reaches what their role does not allow.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

/// The `action` of the first form whose action contains `part`.
fn form_with(body: &str, part: &str) -> Option<String> {
    body.split("<form method=\"post\" action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|a| a.contains(part))
        .map(str::to_owned)
}

#[tokio::test]
async fn an_organisation_admin_manages_people_tokens_and_reads_the_audit_trail() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let home = v.get("/").await;
    assert!(home.body.contains("href=\"/admin\""));
    let to = v.get("/admin").await;
    assert_eq!(to.location.as_deref(), Some("/admin/users"));
    let people = v.get("/admin/users").await;
    assert_eq!(people.status, StatusCode::OK);
    assert!(
        people
            .body
            .contains("Organisation admin at Riverside Hospitals NHS Trust (RJZ)"),
        "{}",
        people.body
    );
    assert!(
        !people.body.contains("National analyst at"),
        "only grants inside the footprint"
    );
    let csrf = hidden(&people.body, "csrf");

    // A mistake is shown beside the form, with what was typed kept.
    let bad = v
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("email", "not an address"),
                ("display_name", "Sam Patel"),
                ("role", "org_member"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"add-problem\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"Sam Patel\"") && bad.body.contains("value=\"not an address\""));
    assert!(
        bad.body.contains("<h1>People</h1>"),
        "the same page, not an error page"
    );

    // A role above the admin's own is refused.
    let above = v
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("email", "sam@test.ward.example"),
                ("display_name", "Sam Patel"),
                ("role", "national_analyst"),
            ],
        )
        .await;
    assert_eq!(above.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!v.get("/admin/users").await.body.contains("sam@test.ward.example"));

    let added = v
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("email", "sam@test.ward.example"),
                ("display_name", "Sam Patel"),
                ("role", "org_member"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(added.body.contains("Initial password for sam@test.ward.example"));
    let password = added
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the password is shown once")
        .to_owned();
    assert!(password.len() >= 12);
    assert!(
        added
            .body
            .contains("Organisation member at Riverside Hospitals NHS Trust (RJZ)")
    );

    // Find Sam's row and act on it.
    let sam_row = |body: &str| {
        body.split("<tr>")
            .skip(1)
            .find(|r| r.contains("sam@test.ward.example"))
            .unwrap_or_else(|| panic!("no row for Sam in {body}"))
            .to_owned()
    };
    let row = sam_row(&added.body);
    let disable = form_with(&row, "/disable").expect("a disable form");
    let r = v.post(&disable, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = v.get("/admin/users?done=disabled").await;
    assert!(sam_row(&page.body).contains("Disabled"));
    let mut sam = Visitor::new(&t);
    let refused = sam.sign_in("sam@test.ward.example", &password).await;
    assert_ne!(
        refused.location.as_deref(),
        Some("/"),
        "a disabled account cannot sign in"
    );
    let enable = form_with(&sam_row(&page.body), "/enable").expect("an enable form");
    let r = v.post(&enable, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = v.get("/admin/users").await;
    assert!(sam_row(&page.body).contains("Active"));
    // The give-role form (the withdraw forms' addresses also contain "/grants/").
    let give = sam_row(&page.body)
        .split("action=\"")
        .filter_map(|r| r.split('"').next())
        .find(|a| a.ends_with("/grants"))
        .map(str::to_owned)
        .expect("a give-role form");
    let r = v.post(&give, &[("csrf", &csrf), ("role", "auditor")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = v.get("/admin/users").await;
    let row = sam_row(&page.body);
    assert!(row.contains("Auditor at Riverside"));
    let withdraw = form_with(&row, "/revoke").expect("a withdraw form");
    v.post(&withdraw, &[("csrf", &csrf)]).await;

    // Another trust's admin cannot touch Sam.
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    let fcsrf = foreign.csrf().await;
    assert!(
        !foreign
            .get("/admin/users")
            .await
            .body
            .contains("sam@test.ward.example")
    );
    let tamper = foreign.post(&disable, &[("csrf", &fcsrf)]).await;
    assert_eq!(tamper.status, StatusCode::NOT_FOUND);

    // A token: issued with its secret shown once, works, is revoked, stops working.
    let issued = v
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("name", "asset sync"),
                ("role", "org_member"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let secret = issued
        .body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the secret is shown once")
        .to_owned();
    assert!(secret.starts_with("ward_"));
    let api = reqwest::Client::new();
    let use_token = || api.get(t.url("/api/v1/assets")).bearer_auth(&secret).send();
    assert_eq!(use_token().await.unwrap().status(), StatusCode::OK);
    let tokens = v.get("/admin/tokens").await;
    assert!(
        tokens.body.contains("asset sync") && !tokens.body.contains(&secret),
        "never shown again"
    );
    let revoke = form_with(&tokens.body, "/revoke").expect("a revoke form");
    v.post(&revoke, &[("csrf", &csrf)]).await;
    assert!(v.get("/admin/tokens").await.body.contains("Revoked"));
    assert_eq!(use_token().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let too_long = v
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("name", "forever"),
                ("role", "org_member"),
                ("days", "100000"),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_long.body.contains("value=\"forever\""),
        "what was typed is kept"
    );

    // The audit trail shows what happened, in words; the admin cannot verify (national only).
    let audit = v.get("/admin/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        audit.body.contains("User: create")
            && audit.body.contains("Grant: add")
            && audit.body.contains("Token: create")
            && audit.body.contains("Token: revoke"),
        "{}",
        audit.body
    );
    assert!(
        audit.body.contains("admin, Organisation admin"),
        "who did it, by name and role"
    );
    assert!(!audit.body.contains("/admin/audit/verify"));
    assert_eq!(
        v.post("/admin/audit/verify", &[("csrf", &csrf)]).await.status,
        StatusCode::FORBIDDEN
    );

    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let ncsrf = n.csrf().await;
    let verified = n.post("/admin/audit/verify", &[("csrf", &ncsrf)]).await;
    assert_eq!(verified.status, StatusCode::OK);
    assert!(
        verified.body.contains("The audit trail is intact"),
        "{}",
        verified.body
    );

    // A member has no administration at all.
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    assert!(!m.get("/").await.body.contains("href=\"/admin\""));
    assert_eq!(m.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(m.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    let mcsrf = m.csrf().await;
    let member_add = m
        .post(
            "/admin/users",
            &[
                ("csrf", &mcsrf),
                ("email", "x@test.ward.example"),
                ("display_name", "X"),
                ("role", "org_member"),
            ],
        )
        .await;
    assert_eq!(member_add.status, StatusCode::FORBIDDEN);
}
