//! The web UI over plain HTTP (no browser): sign-in with its CSRF cookie, the second factor, the
//! switcher, scoping of pages, imports, and the security properties of every response.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};
use std::collections::BTreeMap;
use ward_app::accounts::totp;
use ward_core::clock::{Clock, SystemClock};
use ward_core::role::Role;
use ward_testkit::app::{TEST_COST, client};
use ward_testkit::fixtures::PASSWORD;
use ward_testkit::{TestApp, spawn_app};

/// A cookie jar we can inspect, over a client that does not follow redirects.
pub(crate) struct Visitor<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
    /// Every `Set-Cookie` header seen, verbatim.
    set_cookies: Vec<String>,
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    csp: Option<String>,
    set_cookies: Vec<String>,
    pub(crate) body: String,
}

impl<'a> Visitor<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            http: client(),
            cookies: BTreeMap::new(),
            set_cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) async fn send(&mut self, req: reqwest::RequestBuilder) -> Reply {
        let req = if self.cookies.is_empty() {
            req
        } else {
            req.header(COOKIE, self.cookie_header())
        };
        let res = req.send().await.expect("request");
        let header = |n| {
            res.headers()
                .get(n)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header(LOCATION);
        let csp = header(CONTENT_SECURITY_POLICY);
        let set_cookies: Vec<String> = res
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        for c in &set_cookies {
            let first = c.split(';').next().unwrap_or("");
            let (k, v) = first.split_once('=').expect("cookie has a value");
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        self.set_cookies.extend(set_cookies.iter().cloned());
        let status = res.status();
        let body = res.text().await.expect("body");
        Reply {
            status,
            location,
            csp,
            set_cookies,
            body,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Reply {
        let req = self.http.get(self.app.url(path));
        self.send(req).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let req = self.http.post(self.app.url(path)).form(form);
        self.send(req).await
    }

    /// Post a multipart form built by hand: fields in order, the last one a file.
    pub(crate) async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        data: &str,
    ) -> Reply {
        let boundary = "----ward-test-boundary-7d1f";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: text/csv\r\n\r\n{data}\r\n--{boundary}--\r\n"
        ));
        let req = self
            .http
            .post(self.app.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(req).await
    }

    /// Open the sign-in page and send e-mail and password with the form's token.
    pub(crate) async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let page = self.get("/login").await;
        let token = hidden(&page.body, "csrf");
        self.post(
            "/login",
            &[("csrf", &token), ("email", email), ("password", password)],
        )
        .await
    }

    /// Sign in as the fixture user for `role`, typing the current code when asked for one.
    pub(crate) async fn sign_in_as(&mut self, role: Role) -> Reply {
        let user = self.app.world.users[&role].clone();
        self.sign_in_user(&user).await
    }

    /// Sign in as a fixture user, typing the current code when asked for one.
    pub(crate) async fn sign_in_user(&mut self, user: &ward_testkit::fixtures::TestUser) -> Reply {
        let r = self.sign_in(&user.email, PASSWORD).await;
        if r.location.as_deref() != Some("/mfa") {
            return r;
        }
        let page = self.get("/mfa").await;
        let code = code_now(user.totp.as_deref().expect("fixture MFA users have a secret"));
        self.post("/mfa", &[("csrf", &hidden(&page.body, "csrf")), ("code", &code)])
            .await
    }

    /// The session CSRF token from any signed-in page.
    pub(crate) async fn csrf(&mut self) -> String {
        let page = self.get("/").await;
        hidden(&page.body, "csrf")
    }
}

/// The value of the first hidden input called `name`.
pub(crate) fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in:\n{body}"))
        + marker.len();
    body[start..].split('"').next().unwrap_or("").to_owned()
}

fn code_now(secret: &str) -> String {
    totp::code_at(secret, SystemClock.now()).expect("valid secret")
}

fn session_cookie(r: &Reply) -> Option<&String> {
    r.set_cookies
        .iter()
        .find(|c| c.starts_with("ward_session=") && !c.contains("Max-Age=0"))
}

fn assert_strict_http_only(c: &str) {
    assert!(c.contains("HttpOnly"), "not HttpOnly: {c}");
    assert!(c.contains("SameSite=Strict"), "not SameSite=Strict: {c}");
    assert!(c.contains("Path=/"), "no Path=/: {c}");
}

#[tokio::test]
async fn the_sign_in_page_sets_its_csrf_cookie() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    let r = v.get("/login").await;
    assert_eq!(r.status, StatusCode::OK);
    let c = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("ward_login_csrf="))
        .expect("login CSRF cookie");
    assert_strict_http_only(c);
    let token = hidden(&r.body, "csrf");
    assert!(token.len() >= 32, "token too short: {token}");
    assert_eq!(
        v.cookies["ward_login_csrf"], token,
        "field and cookie carry the same value"
    );
    assert!(r.body.contains("<label for=\"email\">") && r.body.contains("<label for=\"password\">"));
    // A second visit gets a different token.
    let again = Visitor::new(&t).get("/login").await;
    assert_ne!(hidden(&again.body, "csrf"), token);
}

#[tokio::test]
async fn signing_in_without_the_csrf_cookie_is_refused() {
    let t = spawn_app().await;
    let member = &t.world.users[&Role::OrgMember];
    let mut v = Visitor::new(&t);
    let page = v.get("/login").await;
    let token = hidden(&page.body, "csrf");
    // Right password, right field, but the cookie is not sent.
    v.cookies.clear();
    let r = v
        .post(
            "/login",
            &[("csrf", &token), ("email", &member.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(session_cookie(&r).is_none(), "no session without the CSRF cookie");
    // The cookie without a matching field is refused too.
    let mut w = Visitor::new(&t);
    w.get("/login").await;
    let r = w
        .post(
            "/login",
            &[
                ("csrf", "forged"),
                ("email", &member.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(session_cookie(&r).is_none());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_look_the_same() {
    let t = spawn_app().await;
    let member = &t.world.users[&Role::OrgMember];
    let mut v = Visitor::new(&t);
    let page = v.get("/login").await;
    let token = hidden(&page.body, "csrf");
    let wrong = v
        .post(
            "/login",
            &[("csrf", &token), ("email", &member.email), ("password", "not it")],
        )
        .await;
    let unknown = v
        .post(
            "/login",
            &[
                ("csrf", &token),
                ("email", "nobody@test.ward.example"),
                ("password", "not it"),
            ],
        )
        .await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.body.contains("E-mail or password not recognised"));
    assert!(!wrong.body.contains(&member.email), "the address is not echoed");
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
}

#[tokio::test]
async fn a_member_without_mfa_reaches_the_overview() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    let r = v.sign_in_as(Role::OrgMember).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/"));
    assert_strict_http_only(session_cookie(&r).expect("session cookie"));
    assert!(
        !v.cookies.contains_key("ward_login_csrf"),
        "the sign-in token is cleared"
    );
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Riverside Hospitals NHS Trust"));
    assert!(
        home.body.contains("Organisation member"),
        "role shown in the banner"
    );
    // The breadcrumb stops at the edge of the member's footprint: the ICB is outside it.
    assert!(!home.body.contains("North East London ICB"));
}

#[tokio::test]
async fn a_national_analyst_must_enter_a_code() {
    let t = spawn_app().await;
    let national = t.world.users[&Role::NationalAnalyst].clone();
    let mut v = Visitor::new(&t);
    let r = v.sign_in(&national.email, PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/mfa"));
    let pending = session_cookie(&r).expect("a pending session").clone();
    // Not in yet: every page sends them back to the code.
    let home = v.get("/").await;
    assert_eq!(home.location.as_deref(), Some("/mfa"));
    let page = v.get("/mfa").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<label for=\"code\">"));
    let csrf = hidden(&page.body, "csrf");
    let wrong = v.post("/mfa", &[("csrf", &csrf), ("code", "000000")]).await;
    let right_code = code_now(national.totp.as_deref().expect("secret"));
    if right_code != "000000" {
        assert_eq!(wrong.status, StatusCode::OK);
        assert!(wrong.body.contains("That code is not right"));
    }
    let ok = v.post("/mfa", &[("csrf", &csrf), ("code", &right_code)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location.as_deref(), Some("/"));
    let rotated = session_cookie(&ok).expect("a new session cookie");
    assert_ne!(
        rotated, &pending,
        "the session id changes after the second factor"
    );
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("NHS England"));
    // The pre-MFA cookie is dead.
    let mut old = Visitor::new(&t);
    let value = pending
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    old.cookies.insert("ward_session".into(), value);
    assert_eq!(old.get("/").await.location.as_deref(), Some("/login"));
}

/// Add an organisation admin at the fixture trust who has not set up MFA yet.
pub(crate) async fn add_unenrolled_admin(t: &TestApp, email: &str, n: u128) {
    let now = SystemClock.now();
    let hash = ward_app::accounts::password::hash(PASSWORD, TEST_COST).unwrap();
    let meta = ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("test"),
        at: now,
        request_id: None,
    };
    let user = ward_core::account::User {
        id: ward_core::UserId::from_uuid(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0000_0000 | n,
        )),
        email: ward_core::account::Email::parse(email).unwrap(),
        display_name: "New Admin".into(),
        password_hash: hash,
        totp_secret: None,
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
    };
    t.store.create_user(&user, &meta).await.unwrap();
    let grant = ward_core::role::RoleGrant {
        id: ward_core::GrantId::from_uuid(uuid::Uuid::from_u128(
            0x0190_0000_0000_7000_8000_0000_0001_0000 | n,
        )),
        user: user.id,
        role: Role::OrgAdmin,
        org: t.world.trust,
        created_at: now,
        expires_at: None,
        granted_by: None,
    };
    t.store.add_grant(&grant, &meta).await.unwrap();
}

#[tokio::test]
async fn a_new_admin_enrols_an_authenticator() {
    let t = spawn_app().await;
    add_unenrolled_admin(&t, "new.admin@test.ward.example", 0x999).await;
    let mut v = Visitor::new(&t);
    let r = v.sign_in("new.admin@test.ward.example", PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/mfa/enrol"));
    assert_eq!(v.get("/mfa").await.location.as_deref(), Some("/mfa/enrol"));
    let page = v.get("/mfa/enrol").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data:image/svg+xml;base64,"), "QR code shown");
    let uri_at = page.body.find("otpauth://totp/").expect("otpauth URI shown");
    let secret = page.body[uri_at..]
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    // The secret is also printed in groups of four.
    assert!(page.body.contains(&format!("<span>{}</span>", &secret[..4])));
    let csrf = hidden(&page.body, "csrf");
    let ok = v
        .post("/mfa/enrol", &[("csrf", &csrf), ("code", &code_now(&secret))])
        .await;
    assert_eq!(ok.location.as_deref(), Some("/"));
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Organisation admin"));
}

#[tokio::test]
async fn the_switcher_needs_the_csrf_token_and_changes_the_acting_organisation() {
    let t = spawn_app().await;
    let member = t.world.users[&Role::OrgMember].clone();
    // Give the member a second role, as an auditor of the ICB.
    let now = SystemClock.now();
    let meta = ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("test"),
        at: now,
        request_id: None,
    };
    let second = ward_core::role::RoleGrant {
        id: ward_core::GrantId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0997)),
        user: member.id,
        role: Role::Auditor,
        org: t.world.icb,
        created_at: now,
        expires_at: None,
        granted_by: None,
    };
    t.store.add_grant(&second, &meta).await.unwrap();

    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let home = v.get("/").await;
    assert!(
        home.body.contains("<select id=\"switch-role\" name=\"grant\">"),
        "switcher shown with two roles"
    );
    let grant = second.id.to_string();
    let refused = v
        .post("/switch", &[("csrf", "not-the-token"), ("grant", &grant)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("This form has expired"));
    let missing = v.post("/switch", &[("grant", &grant)]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(
        v.get("/")
            .await
            .body
            .contains("<h1>Riverside Hospitals NHS Trust</h1>"),
        "nothing changed"
    );

    let csrf = v.csrf().await;
    let ok = v.post("/switch", &[("csrf", &csrf), ("grant", &grant)]).await;
    assert_eq!(ok.location.as_deref(), Some("/"));
    let home = v.get("/").await;
    assert!(
        home.body.contains("<h1>North East London ICB</h1>"),
        "now acting for the ICB"
    );
    assert!(home.body.contains("Auditor"));
}

#[tokio::test]
async fn a_member_cannot_see_the_foreign_trusts_asset() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let own = v.get(&format!("/assets/{}", t.world.trust_assets[0])).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("LIMS server") && own.body.contains("log4j-core"));
    assert!(
        own.body
            .contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    );
    assert!(own.body.contains("Pathology"), "the service it supports is named");

    let foreign = v.get(&format!("/assets/{}", t.world.foreign_assets[0])).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.body.contains("Patient administration server"));
    let missing_id =
        ward_core::AssetId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0777));
    let missing = v.get(&format!("/assets/{missing_id}")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        foreign.body, missing.body,
        "a foreign record looks exactly like a missing one"
    );
    let org = v.get(&format!("/orgs/{}", t.world.foreign_trust)).await;
    assert_eq!(org.status, StatusCode::NOT_FOUND);
    assert!(!org.body.contains("Harbour University Hospitals"));
    assert_eq!(v.get("/assets/not-an-id").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_supplier_contact_is_told_the_inventory_is_not_for_them() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::SupplierContact).await;
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<h1>Pathlab Systems</h1>"));
    assert!(
        !home.body.contains("href=\"/assets\""),
        "no inventory links for a supplier"
    );
    for path in [
        "/assets",
        "/services",
        &format!("/assets/{}", t.world.trust_assets[0]),
    ] {
        let r = v.get(path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(r.body.contains("You do not have access to this"), "{path}");
        assert!(!r.body.contains("LIMS server"), "{path}");
    }
}

#[tokio::test]
async fn asset_search_stays_inside_the_footprint() {
    let t = spawn_app().await;
    let mut member = Visitor::new(&t);
    member.sign_in_as(Role::OrgMember).await;
    let r = member.get("/assets?q=server").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("LIMS server"));
    assert!(!r.body.contains("Patient administration server"));
    assert!(r.body.contains("Showing 1–1 of 1"));
    let r = member.get("/assets?q=&kind=&internet_facing=yes&org=").await;
    assert!(r.body.contains("Remote access gateway") && !r.body.contains("LIMS server"));
    let r = member.get("/assets?org=RA7").await;
    assert!(
        r.body.contains("No organisation with the code RA7"),
        "a foreign code reads as unknown"
    );
    assert!(!r.body.contains("Patient administration server"));
    let r = member.get("/assets?kind=teapot").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    let r = national.get("/assets?q=log4j&limit=1").await;
    assert!(r.body.contains("Showing 1–1 of 2"), "{}", r.body);
    // A quoted search finds what the words inside the quotes find.
    let quoted = national.get("/assets?q=%22log4j%22&limit=1").await;
    assert!(quoted.body.contains("Showing 1–1 of 2"), "{}", quoted.body);
    let links = r.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains("href=\"/assets?q=log4j&offset=1&limit=1\""),
        "a next link keeps the search"
    );
    let r = national.get("/services?min_criticality=5").await;
    assert!(r.body.contains("Showing 1–3 of 3"));
    // A list across organisations names each row's organisation.
    assert!(r.body.contains("<th scope=\"col\">Organisation</th>"));
    assert!(
        r.body.contains("Riverside Hospitals NHS Trust (RJZ)") && r.body.contains("(RA7)"),
        "{}",
        r.body
    );
    let r = national.get("/orgs?q=harbour").await;
    assert!(r.body.contains("Harbour University Hospitals") && !r.body.contains("Riverside"));
    // Each organisation names the one it is part of, so same-named ones can be told apart.
    assert!(r.body.contains("<th scope=\"col\">Part of</th>"));
    let r = national.get("/orgs?q=riverside").await;
    let row = r
        .body
        .split("<tr>")
        .find(|row| row.contains("Riverside Hospitals NHS Trust"))
        .expect("the trust's row");
    assert!(
        row.contains("<td>North East London ICB (QMF)</td>"),
        "its ICB is named: {row}"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let session = v.cookies["ward_session"].clone();
    let csrf = v.csrf().await;
    assert_eq!(
        v.post("/logout", &[("csrf", "wrong")]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = v.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(
        r.set_cookies
            .iter()
            .any(|c| c.starts_with("ward_session=;") && c.contains("Max-Age=0"))
    );
    let mut replay = Visitor::new(&t);
    replay.cookies.insert("ward_session".into(), session);
    assert_eq!(replay.get("/").await.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn too_many_attempts_get_the_throttled_page() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    let page = v.get("/login").await;
    let token = hidden(&page.body, "csrf");
    let limit = ward_app::AppSettings::default().login_account_limit;
    let mut last = None;
    for _ in 0..=limit {
        last = Some(
            v.post(
                "/login",
                &[
                    ("csrf", &token),
                    ("email", "nobody@test.ward.example"),
                    ("password", "x"),
                ],
            )
            .await,
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.body.contains("too many sign-in attempts"));
}

#[tokio::test]
async fn every_page_carries_the_csp_and_no_inline_script_or_style() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    let login = v.get("/login").await;
    v.sign_in_as(Role::OrgAdmin).await;
    let mut pages = vec![("/login".to_owned(), login)];
    for path in [
        "/".to_owned(),
        "/orgs".to_owned(),
        format!("/orgs/{}", t.world.trust),
        format!("/orgs/{}", t.world.foreign_trust),
        "/services".to_owned(),
        "/assets".to_owned(),
        format!("/assets/{}", t.world.trust_assets[0]),
        "/exposures".to_owned(),
        "/unsupported".to_owned(),
        "/products".to_owned(),
        "/suppliers".to_owned(),
        "/alerts".to_owned(),
        "/advisories/CVE-2021-44228".to_owned(),
        "/import".to_owned(),
        "/risks".to_owned(),
        "/risks/new".to_owned(),
        "/no/such/page".to_owned(),
        "/static/ward.css".to_owned(),
        "/static/favicon.svg".to_owned(),
    ] {
        let r = v.get(&path).await;
        pages.push((path, r));
    }
    for (path, r) in &pages {
        let csp = r.csp.as_deref().unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        if !path.starts_with("/static/") {
            assert!(!r.body.contains("style="), "{path}: inline style attribute");
            assert!(!r.body.contains("<script"), "{path}: script tag");
            assert!(!r.body.contains("<style"), "{path}: style element");
            assert!(
                r.body.contains("<html lang=\"en-GB\">") && r.body.contains("href=\"#main\""),
                "{path}: skip link"
            );
        }
    }
    let css = &pages.iter().find(|(p, _)| p == "/static/ward.css").unwrap().1;
    assert!(css.body.contains(":focus-visible"), "visible focus styles");
    // Static files are cached for a long time; pages are never cached.
    let res = client().get(t.url("/static/ward.css")).send().await.unwrap();
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    let res = client().get(t.url("/login")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(
        pages.iter().find(|(p, _)| p == "/no/such/page").unwrap().1.status,
        StatusCode::NOT_FOUND
    );
}
