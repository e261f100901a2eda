//! The incident pages: a trust's member records an incident (through the API, with the session's
//! CSRF token), then the list shows it with its reporting clocks and the incident page shows the
//! timeline as written; another trust sees nothing of it.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn incidents_are_listed_with_their_clocks_and_read_within_the_footprint() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let csrf = v.csrf().await;
    let post = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(t.url(path))
            .header("x-csrf-token", csrf.clone())
            .json(&body)
    };
    // Detected long ago, the initial report made late, NIS and ICO never made: both overdue.
    let req = post(
        "/api/v1/incidents",
        json!({"org": t.world.trust, "details": {
            "title": "Pathology supplier ransomware", "category": "significant", "severity": "critical",
            "tlp": "AMBER", "status": "open", "patient_harm": 4, "services": [],
            "impact": "Blood tests sent to other providers",
            "detected_at": "2026-06-03T08:00:00Z", "reported_at": "2026-06-04T20:00:00Z"
        }}),
    );
    let created = v.send(req).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    let id = body["incident"]["id"].as_str().unwrap().to_owned();
    let req = post(
        &format!("/api/v1/incidents/{id}/timeline"),
        json!({"at": "2026-06-03T09:15:00+01:00[Europe/London]", "text": "LIMS encrypted"}),
    );
    assert_eq!(v.send(req).await.status, StatusCode::OK);

    assert!(v.get("/").await.body.contains("href=\"/incidents\""));
    let list = v.get("/incidents").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Pathology supplier ransomware"));
    assert!(list.body.contains("Category 3: Significant"), "{}", list.body);
    assert!(list.body.contains("Report overdue"));
    assert!(list.body.contains("Major (4)"));
    let page = v.get(&format!("/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Reported 4 Jun 2026 21:00 BST, late"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2026-06-03T09:15:00+01:00[Europe/London]"));
    assert!(page.body.contains("LIMS encrypted"));

    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    assert!(
        !foreign
            .get("/incidents")
            .await
            .body
            .contains("Pathology supplier ransomware")
    );
    assert_eq!(
        foreign.get(&format!("/incidents/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut supplier = Visitor::new(&t);
    supplier.sign_in_as(Role::SupplierContact).await;
    assert_eq!(supplier.get("/incidents").await.status, StatusCode::FORBIDDEN);
}

/// The response-team page: the region sees who is deployed where and until when, and who is free;
/// an organisation's member has neither the link nor the page.
#[tokio::test]
async fn the_capacity_page_shows_who_is_deployed_where_and_who_is_free() {
    let t = spawn_app().await;
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let csrf = m.csrf().await;
    let req = reqwest::Client::new()
        .post(t.url("/api/v1/incidents"))
        .header("x-csrf-token", csrf)
        .json(&json!({"org": t.world.trust, "details": {
            "title": "Worm on the trust network", "category": "substantial", "severity": "high",
            "tlp": "AMBER", "status": "open", "patient_harm": 2, "detected_at": "2026-06-03T08:00:00Z"
        }}));
    let created = m.send(req).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["incident"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut r = Visitor::new(&t);
    r.sign_in_as(Role::RegionalLead).await;
    let csrf = r.csrf().await;
    let ends = t.app.now() + jiff::SignedDuration::from_hours(24);
    let req = reqwest::Client::new()
        .post(t.url(&format!("/api/v1/incidents/{id}/deployments")))
        .header("x-csrf-token", csrf)
        .json(&json!({"responder": t.world.users[&Role::OrgMember].id, "ends_at": ends}));
    let deployed = r.send(req).await;
    assert_eq!(deployed.status, StatusCode::OK, "{}", deployed.body);
    assert!(r.get("/").await.body.contains("href=\"/deployments\""));
    let page = r.get("/deployments").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Worm on the trust network"), "{}", page.body);
    assert!(
        page.body
            .contains(&ends.strftime("%-d %b %Y %H:%M UTC").to_string())
    );
    // The fixture responder holds the responder role on the trust and is on no deployment: free.
    let free = page.body.split("<h2>Free</h2>").nth(1).unwrap();
    assert!(free.contains("<li>responder</li>"), "{}", page.body);
    assert!(
        !free.contains("<li>member</li>"),
        "the deployed member is not free"
    );
    assert!(!page.body.contains("incident_responder"));

    assert!(!m.get("/").await.body.contains("href=\"/deployments\""));
    assert_eq!(m.get("/deployments").await.status, StatusCode::FORBIDDEN);
}

/// The incident forms over plain HTTP: a refused report keeps what was typed and names the field;
/// times are typed and shown in London time (one the clocks pass twice is refused); the timeline,
/// status, task and link forms work; another trust's admin cannot post to them; the region reads
/// the incident without the forms.
#[tokio::test]
async fn a_member_reports_edits_and_works_an_incident_through_the_forms() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let list = v.get("/incidents").await;
    assert!(
        list.body.contains("href=\"/incidents/new\""),
        "the member may report"
    );
    let form = v.get("/incidents/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = hidden(&form.body, "csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "Typed title kept"),
        ("category", "significant"),
        ("severity", "critical"),
        ("tlp", "TLP:AMBER"),
        ("status", "open"),
        ("patient_harm", "4"),
        ("impact", "Blood tests sent elsewhere"),
        ("detected_at", ""),
        ("contained_at", ""),
        ("nis_applies", "yes"),
    ];
    let bad = v.post("/incidents/new", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("value=\"Typed title kept\""), "input kept");
    assert!(bad.body.contains("Detected: give the time"), "{}", bad.body);
    assert!(bad.body.contains("class=\"field-error\""));

    // A containment before the detection: the app's rule, beside its field.
    for (k, val) in fields.iter_mut() {
        match *k {
            "detected_at" => *val = "2026-06-03T09:00",
            "contained_at" => *val = "2026-06-03T08:00",
            _ => {}
        }
    }
    let bad = v.post("/incidents/new", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Contained: "), "{}", bad.body);
    assert!(
        bad.body.contains("value=\"2026-06-03T08:00\""),
        "times kept as typed"
    );

    fields.retain(|(k, _)| *k != "contained_at");
    let ok = v.post("/incidents/new", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let at = ok.location.clone().unwrap();
    let id = at
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = v.get(&at).await;
    assert!(page.body.contains("Saved."), "{}", page.body);
    assert!(
        page.body.contains("3 Jun 2026 09:00 BST"),
        "London time: {}",
        page.body
    );
    assert!(
        page.body.contains("Does not apply"),
        "the ICO box was left unticked"
    );

    // The timeline, in London time; a time the clocks pass twice is refused, the text kept.
    let csrf = hidden(&page.body, "csrf");
    let entry = |at: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("at", at.to_owned()),
            ("text", "LIMS encrypted".to_owned()),
        ]
    };
    let bad = post(
        &mut v,
        &format!("/incidents/{id}/timeline"),
        entry("2026-10-25T01:30"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("passed twice"), "{}", bad.body);
    assert!(bad.body.contains("LIMS encrypted</textarea>"), "text kept");
    let ok = post(
        &mut v,
        &format!("/incidents/{id}/timeline"),
        entry("2026-06-03T09:15"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&format!("/incidents/{id}")).await;
    assert!(
        page.body.contains("2026-06-03T09:15:00+01:00[Europe/London]"),
        "{}",
        page.body
    );

    // Status: contained since a London time.
    let moved = post(
        &mut v,
        &format!("/incidents/{id}/status"),
        vec![
            ("csrf", csrf.clone()),
            ("status", "contained".into()),
            ("at", "2026-06-04T10:00".into()),
        ],
    )
    .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = v.get(&format!("/incidents/{id}")).await;
    assert!(
        page.body.contains("Contained: 4 Jun 2026 10:00 BST"),
        "{}",
        page.body
    );

    // A task: refused without a title (the owner kept), then added.
    let member = t.world.users[&Role::OrgMember].id.to_string();
    let task = |title: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_owned()),
            ("owner", member.clone()),
            ("due_on", "2026-06-05".to_owned()),
        ]
    };
    let bad = post(&mut v, &format!("/incidents/{id}/tasks"), task("")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("The task was not added"), "{}", bad.body);
    assert!(
        bad.body.contains(&format!("value=\"{member}\" selected")),
        "owner kept"
    );
    let ok = post(
        &mut v,
        &format!("/incidents/{id}/tasks"),
        task("Call the supplier"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&format!("/incidents/{id}")).await;
    assert!(page.body.contains("Call the supplier") && page.body.contains("Mark done"));

    // A link to something that is not the trust's is refused on the form, not stored.
    let bad = post(
        &mut v,
        &format!("/incidents/{id}/links"),
        vec![
            ("csrf", csrf.clone()),
            ("kind", "exposure".into()),
            ("advisory", "CVE-2021-44228".into()),
            ("asset", t.world.foreign_assets[0].to_string()),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("No such asset"), "{}", bad.body);

    // The pickers offer the trust's own exposures; one picked is linked and shown by its name.
    // Another trust's exposure sent in the picker's field is refused like the typed one.
    let page = v.get(&format!("/incidents/{id}")).await;
    let offered = options(&page.body, "link-exposure");
    assert!(
        !offered.is_empty(),
        "the trust's exposures are offered: {}",
        page.body
    );
    let foreign = t.world.foreign_assets[0].to_string();
    assert!(
        offered.iter().all(|o| !o.contains(&foreign)),
        "never another trust's"
    );
    let picked = post(
        &mut v,
        &format!("/incidents/{id}/links"),
        vec![
            ("csrf", csrf.clone()),
            ("kind", "exposure".into()),
            ("target", offered[0].clone()),
        ],
    )
    .await;
    assert_eq!(picked.status, StatusCode::SEE_OTHER, "{}", picked.body);
    let page = v.get(&format!("/incidents/{id}")).await;
    assert!(
        page.body.contains(">Exposure: "),
        "a linked exposure is named: {}",
        page.body
    );
    let smuggled = post(
        &mut v,
        &format!("/incidents/{id}/links"),
        vec![
            ("csrf", csrf.clone()),
            ("kind", "exposure".into()),
            ("target", format!("CVE-2021-44228@{foreign}")),
        ],
    )
    .await;
    assert_eq!(smuggled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(smuggled.body.contains("No such asset"), "{}", smuggled.body);

    // Another trust's admin cannot post to the forms; the region reads without them.
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    let theirs = hidden(&foreign.get("/incidents").await.body, "csrf");
    let r = foreign
        .post(
            &format!("/incidents/{id}/timeline"),
            &[("csrf", &theirs), ("at", "2026-06-03T09:15"), ("text", "Planted")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut region = Visitor::new(&t);
    region.sign_in_as(Role::RegionalLead).await;
    let seen = region.get(&format!("/incidents/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("LIMS encrypted") && !seen.body.contains("Edit the incident"));
    assert!(!v.get(&format!("/incidents/{id}")).await.body.contains("Planted"));
}

/// The values of the options of the select `id`, the empty "Choose" option left out.
fn options(body: &str, id: &str) -> Vec<String> {
    let Some(start) = body.find(&format!("<select id=\"{id}\"")) else {
        return Vec::new();
    };
    let select = &body[start..];
    let select = &select[..select.find("</select>").unwrap_or(select.len())];
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .filter(|v| !v.is_empty())
        .map(|v| v.replace("&#64;", "@"))
        .collect()
}

/// Post a form whose values are owned strings.
async fn post(v: &mut Visitor<'_>, path: &str, f: Vec<(&'static str, String)>) -> crate::web::Reply {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, x)| (*k, x.as_str())).collect();
    v.post(path, &pairs).await
}
