//! The import page over HTTP: problems reported with nothing stored, and only the national team
//! importing organisations.

use crate::web::Visitor;
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn imports_report_problems_and_store_nothing_or_everything() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let page = v.get("/import").await;
    assert!(
        page.body.contains("action=\"/import\""),
        "members may import assets"
    );
    let csrf = v.csrf().await;
    let header = "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n";
    let bad = format!(
        "{header}RJZ,Ward PC 1,end_user_device,,no,,Chrome,Google,120,,\nRJZ,Ward PC 2,toaster,,no,,,,,,\n"
    );
    let r = v
        .post_file(
            "/import",
            &[("csrf", &csrf), ("what", "assets"), ("format", "csv")],
            "pcs.csv",
            &bad,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Nothing was imported"));
    assert!(
        r.body.contains("pcs.csv:3:3"),
        "the problem names file, line and column:\n{}",
        r.body
    );
    assert!(
        !v.get("/assets?q=Ward%20PC").await.body.contains("Ward PC 1"),
        "nothing stored"
    );

    let good = format!("{header}RJZ,Ward PC 1,end_user_device,,no,,Chrome,Google,120,,\n");
    let r = v
        .post_file(
            "/import",
            &[("csrf", &csrf), ("what", "assets"), ("format", "csv")],
            "pcs.csv",
            &good,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Import complete"));
    assert!(v.get("/assets?q=Ward%20PC").await.body.contains("Ward PC 1"));

    let forged = v
        .post_file(
            "/import",
            &[("csrf", "forged"), ("what", "assets"), ("format", "csv")],
            "x.csv",
            &good,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let mut auditor = Visitor::new(&t);
    auditor.sign_in_as(Role::Auditor).await;
    let page = auditor.get("/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("action=\"/import\""),
        "no import form for auditors"
    );
    assert!(page.body.contains("Your role cannot import"));
    assert!(
        !auditor.get("/").await.body.contains("href=\"/import\""),
        "no import link either"
    );
}

#[tokio::test]
async fn only_the_national_team_imports_organisations() {
    let t = spawn_app().await;
    let file = "code,name,kind,parent_code,postcode,opened,closed\nRXX,Meadow Community NHS Trust,nhs_trust,QMF,,2020-01-01,\n";
    let mut member = Visitor::new(&t);
    member.sign_in_as(Role::OrgMember).await;
    assert!(
        !member.get("/import").await.body.contains("value=\"orgs\""),
        "no organisation form for members"
    );
    let csrf = member.csrf().await;
    let r = member
        .post_file(
            "/import",
            &[("csrf", &csrf), ("what", "orgs"), ("format", "csv")],
            "orgs.csv",
            file,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    assert!(national.get("/import").await.body.contains("value=\"orgs\""));
    let csrf = national.csrf().await;
    let r = national
        .post_file(
            "/import",
            &[("csrf", &csrf), ("what", "orgs"), ("format", "csv")],
            "orgs.csv",
            file,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Import complete"));
    assert!(
        national
            .get("/orgs?q=meadow")
            .await
            .body
            .contains("Meadow Community NHS Trust")
    );
    let r = national
        .post_file(
            "/import",
            &[("csrf", &csrf), ("what", "orgs"), ("format", "xlsx")],
            "orgs.xlsx",
            file,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Nothing was imported"));
}
