//! The risk register pages over plain HTTP: the register with its heat map, the new-risk form that
//! keeps what was typed and names each problem beside its field, a risk raised from an exposure
//! row, approving an acceptance, and the loss exceedance curve.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn a_member_records_a_risk_through_the_form_and_sees_it_on_the_heat_map() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let empty = v.get("/risks").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("<h1>Risk register</h1>") && empty.body.contains("<svg"));
    assert!(empty.body.contains("0 risk(s)"));

    let form = v.get("/risks/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = hidden(&form.body, "csrf");
    let owner = t.world.users[&Role::OrgMember].id.to_string();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("org", ""),
        ("title", "Typed title kept"),
        ("source", "external-criminal"),
        ("event", "malware-ransomware"),
        ("consequence", "service-disruption"),
        ("inherent_likelihood", "4"),
        ("inherent_patient_safety", "4"),
        ("current_likelihood", "3"),
        ("current_patient_safety", ""),
        ("current_finance", "4"),
        ("target_likelihood", "2"),
        ("target_patient_safety", "2"),
        ("owner", owner.as_str()),
        ("review_date", "2027-01-31"),
        ("treatment", "reduce"),
        ("controls", "B5.c: Offline backups\nB4: not an outcome"),
    ];
    fields.retain(|(k, _)| *k != "org");
    let bad = v.post("/risks/new", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("value=\"Typed title kept\""), "input kept");
    assert!(
        bad.body.contains("patient-safety harm must always be scored"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("class=\"field-error\""), "errors inline");

    for (k, val) in fields.iter_mut() {
        if *k == "current_patient_safety" {
            *val = "3";
        }
        if *k == "controls" {
            *val = "B5.c: Offline backups";
        }
    }
    let ok = v.post("/risks/new", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let at = ok.location.clone().unwrap();
    let page = v.get(&at).await;
    assert!(
        page.body.contains("Saved.") && page.body.contains("12 High"),
        "{}",
        page.body
    );
    assert!(page.body.contains("B5.c: Offline backups"));

    let list = v.get("/risks").await;
    assert!(list.body.contains("Typed title kept") && list.body.contains("grade-high"));
    assert!(
        list.body
            .contains("1 risk(s), consequence 4 by likelihood 3, score 12")
    );

    // The quantitative view draws its curve; the same seed draws the same one.
    let q = format!(
        "{}&fmin=0.1&fmode=0.5&fmax=2&mmin=10000&mmode=50000&mmax=900000&seed=4",
        at.replace("?saved=1", "?x=1")
    );
    let a = v.get(&q).await;
    assert!(a.body.contains("<polyline points=\""), "{}", a.body);
    let b = v.get(&q).await;
    let curve = |s: &str| {
        s[s.find("<polyline").unwrap()..]
            .split('>')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(curve(&a.body), curve(&b.body));
    let bad = v.get(&q.replace("fmode=0.5", "fmode=9")).await;
    assert!(
        bad.body.contains("frequency: needs min &#60;= mode &#60;= max"),
        "{}",
        bad.body
    );
}

#[tokio::test]
async fn a_risk_raised_from_an_exposure_row_is_approved_by_an_admin() {
    let t = spawn_app().await;
    let mut member = Visitor::new(&t);
    member.sign_in_as(Role::OrgMember).await;
    let list = member.get("/exposures").await;
    assert!(list.body.contains("Raise a risk"), "{}", list.body);
    let csrf = hidden(&list.body, "csrf");
    let asset = t.world.trust_assets[0].to_string();
    let raised = member
        .post(
            "/risks/raise",
            &[("csrf", &csrf), ("advisory", "CVE-2021-44228"), ("asset", &asset)],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let at = raised.location.unwrap();
    let page = member.get(&at).await;
    assert!(
        page.body.contains("CVE-2021-44228 on LIMS server"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Approve the acceptance"));

    // Accept it; the member owns it, so only someone else may approve.
    let form = member.get(&at).await;
    let id = at
        .trim_start_matches("/risks/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "title",
        "source",
        "event",
        "consequence",
        "review_date",
        "owner",
        "inherent_likelihood",
        "inherent_patient_safety",
        "current_likelihood",
        "current_patient_safety",
        "target_likelihood",
        "target_patient_safety",
    ] {
        fields.push((name.to_owned(), selected_or_value(&form.body, name)));
    }
    fields.push(("treatment".into(), "accept".into()));
    fields.push(("csrf".into(), hidden(&form.body, "csrf")));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = member.post(&format!("/risks/{id}"), &refs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let mut admin = Visitor::new(&t);
    admin.sign_in_as(Role::OrgAdmin).await;
    let page = admin.get(&format!("/risks/{id}")).await;
    assert!(page.body.contains("Approve the acceptance"), "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let done = admin
        .post(&format!("/risks/{id}/approve"), &[("csrf", &csrf)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = admin.get(&format!("/risks/{id}")).await;
    assert!(page.body.contains("acceptance approved by"), "{}", page.body);

    // The auditor reads the register but gets no form to write.
    let mut auditor = Visitor::new(&t);
    auditor.sign_in_as(Role::Auditor).await;
    let page = auditor.get(&format!("/risks/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Save changes") && page.body.contains("<fieldset disabled>"));
}

/// The value a form shows for `name`: a text input's value or a select's selected option.
fn selected_or_value(body: &str, name: &str) -> String {
    let start = body
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name}"));
    let rest = &body[start..];
    if let Some(v) = rest.strip_prefix(&format!("name=\"{name}\" type=\"")) {
        let at = v.find("value=\"").unwrap() + 7;
        return v[at..].split('"').next().unwrap().to_owned();
    }
    let end = rest.find("</select>").unwrap_or(rest.len());
    let sel = &rest[..end];
    match sel.find("\" selected>") {
        Some(i) => {
            let before = &sel[..i];
            before[before.rfind("value=\"").unwrap() + 7..].to_owned()
        }
        None => {
            let at = rest.find("value=\"").unwrap() + 7;
            rest[at..].split('"').next().unwrap().to_owned()
        }
    }
}
