//! In-app notices and preferences end to end: an alert lands as a notice for each person told;
//! each reads and marks only their own (another's is not found, by id, through the API); a
//! person who loses the role that made them a recipient no longer sees the notice; preferences
//! decide who gets e-mail straight away, and the daily digest goes once per person per day
//! whatever the reruns and replicas. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use crate::notify::{log4shell, run_due, smtp_receiver, with_mail};
use serde_json::{Value, json};
use ward_app::{Actor, Principal};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend};

async fn get(app: &TestApp, s: &(String, String), path: &str) -> (u16, Value) {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn send(
    app: &TestApp,
    s: &(String, String),
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = with_session(client().request(method, app.url(path)), s);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

#[tokio::test]
async fn each_person_reads_and_marks_only_their_own_notices_while_they_hold_the_role() {
    let clock = clock();
    let (url, _got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        let national = Actor::system("test", app.world.national);
        app.app.issue_alert(&national, log4shell(&app)).await.unwrap();

        let member = as_role(&app, Role::OrgMember).await;
        let (status, list) = get(&app, &member, "/api/v1/notices").await;
        assert_eq!(status, 200, "{b}: {list}");
        assert_eq!(list["unread"], 1, "{b}: {list}");
        let notice = &list["notices"][0];
        assert_eq!(notice["title"], "Critical alert: Log4Shell", "{b}");
        assert_eq!(notice["topic"], "alert_critical", "{b}");
        assert_eq!(notice["org"], json!(app.world.trust), "{b}");
        assert!(notice["link"].as_str().unwrap().starts_with("/alerts/"), "{b}");
        let id = notice["id"].as_str().unwrap().to_owned();

        // The national analyst was not told (the alert reached two trusts), so has none.
        let analyst = as_role(&app, Role::NationalAnalyst).await;
        let (_, theirs) = get(&app, &analyst, "/api/v1/notices").await;
        assert_eq!(theirs["notices"].as_array().unwrap().len(), 0, "{b}");

        // Another person (the foreign trust's admin, told of the same alert, and the member's
        // own organisation's admin) cannot mark the member's notice: not found.
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let (_, f) = get(&app, &foreign, "/api/v1/notices").await;
        assert_eq!(f["unread"], 1, "{b}: the foreign admin has their own");
        assert_ne!(f["notices"][0]["id"], json!(id), "{b}: a notice of their own");
        let read = format!("/api/v1/notices/{id}/read");
        for s in [&foreign, &as_role(&app, Role::OrgAdmin).await] {
            let (status, _) = send(&app, s, reqwest::Method::POST, &read, None).await;
            assert_eq!(status, 404, "{b}: another person's notice");
        }
        let (_, still) = get(&app, &member, "/api/v1/notices").await;
        assert_eq!(still["unread"], 1, "{b}: the attempts changed nothing");

        // The member marks it read; the header count follows.
        let (status, n) = send(&app, &member, reqwest::Method::POST, &read, None).await;
        assert_eq!(status, 200, "{b}: {n}");
        assert!(n["read_at"].is_string(), "{b}");
        let (_, after) = get(&app, &member, "/api/v1/notices").await;
        assert_eq!(after["unread"], 0, "{b}");
        let (status, all) = send(
            &app,
            &foreign,
            reqwest::Method::POST,
            "/api/v1/notices/read-all",
            None,
        )
        .await;
        assert_eq!((status, all["marked"].as_u64()), (200, Some(1)), "{b}");

        // A person who loses the role that made them a recipient no longer sees the notice.
        let member_id = app.world.users[&Role::OrgMember].id;
        let as_member = Actor {
            principal: Principal::User(member_id),
            role: Role::OrgMember,
            org: app.world.trust,
            grant: None,
            expires_at: None,
            request_id: None,
        };
        assert_eq!(app.app.notices(&as_member).await.unwrap().notices.len(), 1, "{b}");
        for g in app.store.grants_of(member_id).await.unwrap() {
            app.store
                .revoke_grant(g.id, &national.audit(app.app.now()))
                .await
                .unwrap();
        }
        assert!(
            app.app.notices(&as_member).await.unwrap().notices.is_empty(),
            "{b}"
        );
        let id: ward_core::NoticeId = id.parse().unwrap();
        assert!(
            app.app.mark_notice_read(&as_member, id).await.is_err(),
            "{b}: nor marks it"
        );

        // Marking is audited.
        let (_, audit) = get(&app, &analyst, "/api/v1/audit?action=notice.read").await;
        assert_eq!(audit["total"], 1, "{b}: {audit}");
    }
}

#[tokio::test]
async fn preferences_choose_the_channel_and_the_digest_goes_once_a_day() {
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-06-01T09:00:00Z".parse().unwrap());
        got.lock().unwrap().clear();
        let member = as_role(&app, Role::OrgMember).await;
        let member_email = app.world.users[&Role::OrgMember].email.to_ascii_lowercase();
        let admin = as_role(&app, Role::OrgAdmin).await;
        let admin_email = app.world.users[&Role::OrgAdmin].email.to_ascii_lowercase();

        // The member sends critical alerts to the digest; the admin keeps them in Ward only.
        let prefs = "/api/v1/notices/preferences";
        let (status, p) = send(
            &app,
            &member,
            reqwest::Method::PUT,
            prefs,
            Some(json!({"channels": {"alert_critical": "digest"}})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {p}");
        send(
            &app,
            &admin,
            reqwest::Method::PUT,
            prefs,
            Some(json!({"channels": {"alert_critical": "in_app"}})),
        )
        .await;
        let (status, bad) = send(
            &app,
            &member,
            reqwest::Method::PUT,
            prefs,
            Some(json!({"channels": {"alert_critical": "pigeon"}})),
        )
        .await;
        assert_eq!(status, 422, "{b}: {bad}");
        let (_, p) = get(&app, &member, prefs).await;
        assert_eq!(
            p["channels"]["alert_critical"], "digest",
            "{b}: the refusal changed nothing"
        );

        let national = Actor::system("test", app.world.national);
        app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        run_due(&app).await;
        let mails: Vec<_> = got.lock().unwrap().drain(..).collect();
        let told: Vec<&String> = mails.iter().flat_map(|m| &m.rcpt).collect();
        assert_eq!(
            mails.len(),
            2,
            "{b}: the responder and the foreign admin only: {told:?}"
        );
        assert!(
            !told.contains(&&member_email) && !told.contains(&&admin_email),
            "{b}"
        );
        let (_, list) = get(&app, &member, "/api/v1/notices").await;
        assert_eq!(list["unread"], 1, "{b}: the notice is in Ward all the same");

        // Before the digest hour (07:00 UTC) nothing goes; after it, the member's digest, once,
        // whoever runs it and however often.
        clock.set("2026-06-02T06:30:00Z".parse().unwrap());
        app.app.queue_notice_digest().await.unwrap();
        run_due(&app).await;
        assert!(got.lock().unwrap().is_empty(), "{b}: not yet");
        clock.set("2026-06-02T07:30:00Z".parse().unwrap());
        let replica = app.replica().await;
        let (one, two) = tokio::join!(app.app.send_notice_digests(), async {
            match &replica {
                Some(r) => r.send_notice_digests().await,
                None => app.app.send_notice_digests().await,
            }
        });
        assert_eq!(
            one.unwrap().queued + two.unwrap().queued,
            1,
            "{b}: one digest queued"
        );
        app.app.queue_notice_digest().await.unwrap();
        run_due(&app).await;
        app.app.queue_notice_digest().await.unwrap();
        run_due(&app).await;
        let mails: Vec<_> = got.lock().unwrap().drain(..).collect();
        assert_eq!(mails.len(), 1, "{b}: one digest");
        assert_eq!(mails[0].rcpt, vec![member_email.clone()], "{b}");
        assert!(mails[0].data.contains("daily digest"), "{b}: {}", mails[0].data);
        assert!(mails[0].data.contains("Log4Shell"), "{b}");

        // The next day has no new notices: no digest.
        clock.set("2026-06-03T07:30:00Z".parse().unwrap());
        app.app.queue_notice_digest().await.unwrap();
        run_due(&app).await;
        assert!(got.lock().unwrap().is_empty(), "{b}: nothing new, nothing sent");

        let analyst = as_role(&app, Role::NationalAnalyst).await;
        let (_, audit) = get(&app, &analyst, "/api/v1/audit?action=notice.preferences").await;
        assert_eq!(audit["total"], 2, "{b}: each change audited: {audit}");
        let (_, audit) = get(&app, &analyst, "/api/v1/audit?action=notice.digest").await;
        assert_eq!(audit["total"], 1, "{b}: {audit}");
    }
}

#[tokio::test]
async fn the_pages_show_the_unread_count_mark_read_and_save_choices() {
    let clock = clock();
    let (url, _got) = smtp_receiver().await;
    let app = on_each_backend(&clock, with_mail(url), ServerSettings::default())
        .await
        .remove(0);
    let national = Actor::system("test", app.world.national);
    app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
    let mut v = crate::web::Visitor::new(&app);
    v.sign_in_as(Role::OrgMember).await;
    let home = v.get("/").await;
    assert!(home.body.contains("href=\"/notices\""), "{}", home.body);
    assert!(
        home.body.contains("1<span class=\"visually-hidden\"> unread"),
        "the count"
    );
    let page = v.get("/notices").await;
    assert!(page.body.contains("Critical alert: Log4Shell"), "{}", page.body);
    assert!(page.body.contains("Critical alerts"), "the topic in words");
    assert!(!page.body.contains("alert_critical"), "no raw enum text");
    let csrf = crate::web::hidden(&page.body, "csrf");
    let done = v.post("/notices/read-all", &[("csrf", &csrf)]).await;
    assert_eq!(done.location.as_deref(), Some("/notices"));
    let page = v.get("/notices").await;
    assert!(page.body.contains("All read."), "{}", page.body);
    assert!(!page.body.contains("visually-hidden\"> unread"), "no count left");

    let prefs = v.get("/notices/preferences").await;
    assert!(prefs.body.contains("Daily digest e-mail only"), "{}", prefs.body);
    let saved = v
        .post(
            "/notices/preferences",
            &[("csrf", &csrf), ("alert_low", "digest"), ("reminder", "in_app")],
        )
        .await;
    assert_eq!(saved.location.as_deref(), Some("/notices/preferences?saved=1"));
    let member = app.world.users[&Role::OrgMember].id;
    let p = app.store.notice_preferences(member).await.unwrap();
    assert_eq!(
        p.channel(ward_core::notice::NoticeTopic::AlertLow),
        ward_core::notice::Channel::Digest
    );
    assert_eq!(
        p.channel(ward_core::notice::NoticeTopic::Reminder),
        ward_core::notice::Channel::InApp
    );
    let forged = v
        .post(
            "/notices/preferences",
            &[("csrf", "forged"), ("alert_low", "email")],
        )
        .await;
    assert_eq!(forged.status.as_u16(), 403, "a forged post is refused");
    let bad = v
        .post(
            "/notices/preferences",
            &[("csrf", &csrf), ("alert_low", "pigeon")],
        )
        .await;
    assert_eq!(bad.status.as_u16(), 422);
    let p = app.store.notice_preferences(member).await.unwrap();
    assert_eq!(
        p.channel(ward_core::notice::NoticeTopic::AlertLow),
        ward_core::notice::Channel::Digest,
        "unchanged"
    );
}
