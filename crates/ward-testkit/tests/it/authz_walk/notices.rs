//! The walk's requests for the notice routes: "own" marks a notice of the caller's own, at the
//! organisation of their role; "foreign" marks one of the foreign trust's admin (another person),
//! which must be refused whoever asks.

use serde_json::json;
use ward_core::notice::{Notice, NoticeTopic};
use ward_core::role::Role;
use ward_core::{NoticeId, OrgId, UserId};
use ward_testkit::TestApp;

/// A fresh notice for `user` at `org`.
async fn notice_for(app: &TestApp, user: UserId, org: OrgId, n: usize) -> NoticeId {
    let id = NoticeId::from_uuid(uuid::Uuid::now_v7());
    let notice = Notice {
        id,
        user,
        org,
        topic: NoticeTopic::AlertHigh,
        title: format!("Walk notice {n}"),
        body: "For the walk.".into(),
        link: "/alerts".into(),
        created_at: app.app.now(),
        read_at: None,
        key: format!("walk:{n}"),
    };
    app.store.add_notices(&[notice]).await.unwrap();
    id
}

pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    role: Role,
    own: bool,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    match route {
        ("PUT", "/api/v1/notices/preferences") => (
            route.1.to_owned(),
            j(json!({"channels": {"alert_low": "digest"}})),
        ),
        ("POST", "/api/v1/notices/{id}/read") => {
            let (user, org) = if own {
                let me = &app.world.users[&role];
                (me.id, me.org)
            } else {
                let other = &app.world.foreign_admin;
                (other.id, other.org)
            };
            let id = notice_for(app, user, org, n).await;
            (format!("/api/v1/notices/{id}/read"), None)
        }
        (_, path) => (path.to_owned(), None),
    }
}
