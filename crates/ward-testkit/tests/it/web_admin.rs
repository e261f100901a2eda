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

/// The row of the person with `email` on the people page.
fn row_of(body: &str, email: &str) -> String {
    body.split("<tr>")
        .skip(1)
        .find(|r| r.contains(email))
        .unwrap_or_else(|| panic!("no row for {email} in {body}"))
        .to_owned()
}

/// The secret shown once on a page.
fn secret_on(body: &str) -> String {
    body.split("<code class=\"secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("no secret shown in {body}"))
        .to_owned()
}

#[tokio::test]
async fn an_admin_resets_a_password_and_a_second_factor_and_another_trusts_admin_cannot() {
    let t = spawn_app().await;
    let member = t.world.users[&Role::OrgMember].clone();
    let responder = t.world.users[&Role::IncidentResponder].clone();
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let people = v.get("/admin/users").await;
    let csrf = hidden(&people.body, "csrf");
    let member_row = row_of(&people.body, &member.email);
    let responder_row = row_of(&people.body, &responder.email);
    assert!(responder_row.contains("Second factor set up"), "{responder_row}");

    // Another trust's admin reaches none of these people through the pages.
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    let fcsrf = foreign.csrf().await;
    let theirs = foreign.get("/admin/users").await;
    assert!(!theirs.body.contains(&member.email) && !theirs.body.contains(&responder.email));
    let reset_password = form_with(&member_row, "/reset-password").expect("a reset-password form");
    let reset_mfa = form_with(&responder_row, "/reset-mfa").expect("a reset-mfa form");
    let give = member_row
        .split("action=\"")
        .filter_map(|r| r.split('"').next())
        .find(|a| a.ends_with("/grants"))
        .expect("a give-role form")
        .to_owned();
    let withdraw = form_with(&member_row, "/revoke").expect("a withdraw form");
    for (path, extra) in [
        (&reset_password, None),
        (&reset_mfa, None),
        (&give, Some(("role", "auditor"))),
        (&withdraw, None),
    ] {
        let mut form = vec![("csrf", fcsrf.as_str())];
        form.extend(extra);
        let r = foreign.post(path, &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
    // Without the session's CSRF token, nothing happens either.
    let forged = v.post(&reset_password, &[("csrf", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut m = Visitor::new(&t);
    assert_eq!(
        m.sign_in_user(&member).await.location.as_deref(),
        Some("/"),
        "the member's password is untouched"
    );
    assert!(
        row_of(&v.get("/admin/users").await.body, &member.email).contains("Organisation member at"),
        "the member's role is untouched"
    );

    // The admin resets the member's password: shown once, the old one stops working.
    let reset = v.post(&reset_password, &[("csrf", &csrf)]).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert!(
        reset
            .body
            .contains(&format!("Initial password for {}", member.email))
    );
    let password = secret_on(&reset.body);
    assert!(password.len() >= 12);
    assert!(
        !v.get("/admin/users").await.body.contains(&password),
        "never shown again"
    );
    let mut old = Visitor::new(&t);
    assert_ne!(
        old.sign_in(&member.email, ward_testkit::fixtures::PASSWORD)
            .await
            .location
            .as_deref(),
        Some("/"),
        "the old password no longer works"
    );
    let mut fresh = Visitor::new(&t);
    assert_eq!(
        fresh.sign_in(&member.email, &password).await.location.as_deref(),
        Some("/"),
        "the new password works"
    );

    // The admin clears the responder's second factor: set up again at the next sign-in.
    let cleared = v.post(&reset_mfa, &[("csrf", &csrf)]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    let after = v.get(cleared.location.as_deref().unwrap()).await;
    assert!(after.body.contains("The second factor is cleared"));
    let row = row_of(&after.body, &responder.email);
    assert!(
        row.contains("No second factor yet") && !row.contains("/reset-mfa"),
        "{row}"
    );
    let mut r = Visitor::new(&t);
    let signed = r
        .sign_in(&responder.email, ward_testkit::fixtures::PASSWORD)
        .await;
    assert_eq!(signed.location.as_deref(), Some("/mfa/enrol"), "enrols again");
}

#[tokio::test]
async fn another_trusts_admin_cannot_revoke_or_see_a_token_through_the_pages() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let csrf = v.csrf().await;
    // A refused token keeps everything typed: name, role and days.
    let refused = v
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("name", "nightly export"),
                ("role", "auditor"),
                ("days", "many"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"issue-problem\""));
    assert!(
        refused.body.contains("value=\"nightly export\"")
            && refused.body.contains("value=\"many\"")
            && refused.body.contains("<option value=\"auditor\" selected>"),
        "{}",
        refused.body
    );
    let issued = v
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("name", "nightly export"),
                ("role", "org_member"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK);
    let secret = secret_on(&issued.body);
    let revoke = form_with(&issued.body, "/revoke").expect("a revoke form");

    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    let fcsrf = foreign.csrf().await;
    assert!(!foreign.get("/admin/tokens").await.body.contains("nightly export"));
    let tamper = foreign.post(&revoke, &[("csrf", &fcsrf)]).await;
    assert_eq!(tamper.status, StatusCode::NOT_FOUND, "{}", tamper.body);
    let api = reqwest::Client::new();
    let works = api
        .get(t.url("/api/v1/assets"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(works.status(), StatusCode::OK, "the token still works");
    assert!(v.get("/admin/tokens").await.body.contains("Active"));
}

#[tokio::test]
async fn the_audit_trail_filters_by_action_person_and_day_and_keeps_a_mistyped_day() {
    let t = spawn_app().await;
    let admin = t.world.users[&Role::OrgAdmin].clone();
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let csrf = v.csrf().await;
    let added = v
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("email", "kim@test.ward.example"),
                ("display_name", "Kim Lee"),
                ("role", "org_member"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK);
    let issued = v
        .post(
            "/admin/tokens",
            &[
                ("csrf", &csrf),
                ("name", "sync"),
                ("role", "org_member"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK);

    let all = v.get("/admin/audit").await;
    assert!(
        all.body
            .contains("<option value=\"token.create\">Token: create</option>")
    );
    assert!(
        all.body
            .contains("<option value=\"user\">User: every action</option>")
    );
    assert!(
        all.body
            .contains(&format!("<option value=\"user:{}\">", admin.id))
    );

    let tokens = v.get("/admin/audit?action=token.create").await;
    assert_eq!(tokens.status, StatusCode::OK);
    assert!(tokens.body.contains("Token: create") && !tokens.body.contains("<th scope=\"row\">User: create"));
    assert!(
        tokens.body.contains("<option value=\"token.create\" selected>"),
        "the choice is kept"
    );
    let users = v.get("/admin/audit?action=user").await;
    assert!(
        users.body.contains("<th scope=\"row\">User: create")
            && !users.body.contains("<th scope=\"row\">Token: create")
    );

    // By person: the admin's own records; another person's are not theirs.
    let by_admin = v
        .get(&format!(
            "/admin/audit?actor=user:{}&action=token.create",
            admin.id
        ))
        .await;
    assert!(by_admin.body.contains("<th scope=\"row\">Token: create"));
    let member = t.world.users[&Role::OrgMember].clone();
    let by_member = v
        .get(&format!(
            "/admin/audit?actor=user:{}&action=token.create",
            member.id
        ))
        .await;
    assert!(!by_member.body.contains("<th scope=\"row\">Token: create"));

    // By day: everything happened after 2000, nothing before.
    let since = v.get("/admin/audit?action=token.create&from=2000-01-01").await;
    assert!(since.body.contains("<th scope=\"row\">Token: create"));
    let until = v.get("/admin/audit?action=token.create&to=2000-01-01").await;
    assert!(!until.body.contains("<th scope=\"row\">Token: create"));
    assert!(
        until.body.contains("value=\"2000-01-01\""),
        "the day typed is kept"
    );

    // A mistyped day is named beside its field, with what was typed kept.
    let bad = v.get("/admin/audit?from=7%20Dec&to=2000-01-01").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"from-problem\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"7 Dec\"") && bad.body.contains("value=\"2000-01-01\""));
    assert!(
        bad.body.contains("<h1>Audit trail</h1>"),
        "the same page, not an error page"
    );
    let backwards = v.get("/admin/audit?from=2026-12-08&to=2026-12-07").await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("id=\"to-problem\""));

    // Pages of a filtered trail keep the filter.
    let first = v.get("/admin/audit?from=2000-01-01&limit=1").await;
    let next = first
        .body
        .split("<a href=\"")
        .filter(|r| r.contains("rel=\"next\""))
        .filter_map(|r| r.split('"').next())
        .next()
        .unwrap_or_else(|| panic!("a next page in {}", first.body));
    assert!(next.contains("from=2000-01-01"), "{next}");

    // The API filters the same way.
    let api = crate::api::as_role(&t, Role::OrgAdmin).await;
    let res = crate::api::with_session(
        ward_testkit::app::client().get(t.url("/api/v1/audit?action=token&from=2000-01-01")),
        &api,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page: serde_json::Value = res.json().await.unwrap();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["event"]["action"].as_str().unwrap())
        .collect();
    assert!(
        !actions.is_empty() && actions.iter().all(|a| a.starts_with("token.")),
        "{actions:?}"
    );
    let wrong = crate::api::with_session(
        ward_testkit::app::client().get(t.url("/api/v1/audit?from=yesterday")),
        &api,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(wrong.status().as_u16(), 422);
    assert!(wrong.text().await.unwrap().contains("from"));
}
