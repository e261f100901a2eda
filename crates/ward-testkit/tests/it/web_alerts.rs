//! The alert pages over plain HTTP: the national team issues from the list page, an organisation
//! answers from the alert's page and sees only its own record, the list's counts follow.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn issue_answer_and_count_through_the_pages() {
    let t = spawn_app().await;
    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    let list = national.get("/alerts").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Issue an alert"),
        "the national team gets the form"
    );
    let csrf = hidden(&list.body, "csrf");
    // An advisory Ward does not know is refused by name, beside its field, the form kept.
    let refused = national
        .post(
            "/alerts",
            &[
                ("csrf", &csrf),
                ("severity", "critical"),
                ("title", "Patch now"),
                ("advisories", "CVE-2099-0001"),
                ("actions", "Patch"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("The alert was not issued"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("id=\"a-advisories-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("CVE-2099-0001 is not an advisory Ward knows"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Patch now\""), "the title is kept");
    assert!(
        refused.body.contains("<option value=\"critical\" selected>"),
        "the severity stays chosen"
    );
    let issued = national
        .post(
            "/alerts",
            &[
                ("csrf", &csrf),
                ("severity", "critical"),
                ("title", "Log4Shell <urgent>"),
                ("advisories", "CVE-2021-44228"),
                ("actions", "Upgrade log4j-core\nRestart the service"),
            ],
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let at = issued.location.clone().expect("redirect to the alert");
    assert!(at.starts_with("/alerts/"), "{at}");

    let mut member = Visitor::new(&t);
    member.sign_in_as(Role::OrgMember).await;
    let mine = member.get("/alerts").await;
    assert!(!mine.body.contains("Issue an alert"), "members do not issue");
    assert!(
        mine.body.contains("Log4Shell") && !mine.body.contains("<urgent>"),
        "the title is listed, escaped"
    );
    let page = member.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Riverside Hospitals NHS Trust") && page.body.contains("LIMS server"));
    assert!(
        !page.body.contains("Harbour University Hospitals"),
        "the foreign trust's record is not shown"
    );
    let form = format!("{at}/orgs/{}", t.world.trust);
    let csrf = hidden(&page.body, "csrf");
    let closed = member.post(&form, &[("csrf", &csrf), ("action", "close")]).await;
    assert_eq!(closed.status, StatusCode::CONFLICT, "still exposed");
    assert!(closed.body.contains("give a reason"), "{}", closed.body);
    let ack = member
        .post(&form, &[("csrf", &csrf), ("action", "acknowledge")])
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.body);
    let page = member.get(&at).await;
    assert!(page.body.contains(">acknowledged<"), "the record shows it");
    // Another organisation's record is not answerable from this session.
    let foreign = format!("{at}/orgs/{}", t.world.foreign_trust);
    let refused = member
        .post(&foreign, &[("csrf", &csrf), ("action", "acknowledge")])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let list = national.get("/alerts").await;
    assert!(
        list.body
            .contains("<td class=\"num\">2</td>\n    <td class=\"num\">1</td>"),
        "two organisations, one acknowledged: {}",
        list.body
    );
}
