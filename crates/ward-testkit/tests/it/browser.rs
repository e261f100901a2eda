//! End-to-end tests in headless Chromium driven through chromedriver (Debian's `chromium` and
//! `chromium-driver`). Skipped, with a `SKIPPED:` line, when either is not installed. Each step saves a
//! screenshot under `<target>/screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use ward_core::clock::{Clock, SystemClock};
use ward_core::role::Role;
use ward_testkit::fixtures::PASSWORD;
use ward_testkit::skip::program;
use ward_testkit::{TestApp, spawn_app};

/// A chromedriver child process on a free port, killed (by its own handle) when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

pub(crate) async fn start_driver(chromedriver: &Path) -> Driver {
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    // Wait until it listens (generous bound: a slow machine is not a failure).
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start listening on port {port}");
}

async fn open_browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    open_browser_with(driver, chromium, profile, None).await
}

/// [`open_browser`], saving downloads into `downloads` without asking when given.
pub(crate) async fn open_browser_with(
    driver: &Driver,
    chromium: &Path,
    profile: &Path,
    downloads: Option<&Path>,
) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--lang=en-GB",
        "--window-size=1280,1000",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    let mut options = serde_json::json!({ "binary": chromium.display().to_string(), "args": args });
    if let Some(dir) = downloads {
        options["prefs"] = serde_json::json!({
            "download.default_directory": dir.display().to_string(),
            "download.prompt_for_download": false,
            "download.directory_upgrade": true,
            "safebrowsing.enabled": false,
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
    let http = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(http)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("browser session")
}

/// Where screenshots go: `$CARGO_TARGET_DIR/screenshots` or `<workspace>/target/screenshots`.
pub(crate) fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// One browser on one running Ward, saving numbered screenshots.
pub(crate) struct Tour<'a> {
    pub(crate) t: &'a TestApp,
    pub(crate) c: Client,
    pub(crate) dir: PathBuf,
    pub(crate) step: u32,
}

impl Tour<'_> {
    pub(crate) async fn shot(&mut self, name: &str) {
        self.words_for_people(name).await;
        self.step += 1;
        let png = self.c.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        let path = self.dir.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).expect("write screenshot");
        println!("screenshot: {}", path.display());
    }

    /// What the page shows a person (the text of `main`, not the markup) holds no stored enum
    /// value (`not_affected`, `nhs_trust`), no CPE string and no JSON.
    pub(crate) async fn words_for_people(&self, name: &str) {
        let Ok(main) = self.c.find(Locator::Css("main")).await else {
            return;
        };
        let text = main.text().await.expect("text of main");
        for word in text.split(|c: char| c.is_whitespace() || ",.;:()[]\"'".contains(c)) {
            let snake = word.contains('_')
                && word.starts_with(|c: char| c.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && word.trim_matches('_').contains('_');
            assert!(
                !snake,
                "{name}: the page shows the stored value {word:?} to a person:\n{text}"
            );
        }
        assert!(
            !text.contains("cpe:2.3:"),
            "{name}: the page shows a CPE string:\n{text}"
        );
        assert!(!text.contains("{\""), "{name}: the page shows JSON:\n{text}");
    }

    pub(crate) async fn go(&self, path: &str) {
        self.c.goto(&self.t.url(path)).await.expect("navigate");
    }

    /// The text of the first element matching `css`. A click that submits a form returns before
    /// the next page replaces the old one, so an element found on the outgoing page can vanish
    /// between finding and reading it; that is retried (for up to ten seconds), anything else fails.
    pub(crate) async fn text(&self, css: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            match self.c.find(Locator::Css(css)).await {
                Ok(e) => match e.text().await {
                    Ok(t) => return t,
                    Err(err) => last = err.to_string(),
                },
                Err(err) => last = err.to_string(),
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no readable element for {css}: {last}");
    }

    /// Waits (up to ten seconds) for the first element matching `css` to have text that
    /// satisfies `want`, and returns that text; an assertion made just after a form submission
    /// so looks at the new page rather than the one being left. Fails with what it last saw.
    pub(crate) async fn wait_text(&self, css: &str, want: impl Fn(&str) -> bool) -> String {
        let mut seen = String::from("(no such element)");
        for _ in 0..100 {
            if let Ok(e) = self.c.find(Locator::Css(css)).await
                && let Ok(t) = e.text().await
            {
                if want(&t) {
                    return t;
                }
                seen = t;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{css} never showed the expected text; it shows {seen:?}");
    }

    /// Waits (up to ten seconds) for the browser to arrive at a URL whose query has `part`.
    pub(crate) async fn wait_query(&self, part: &str) {
        for _ in 0..100 {
            let url = self.c.current_url().await.expect("url");
            if url.query().is_some_and(|q| q.contains(part)) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the browser never reached a page with {part} in its query");
    }

    pub(crate) async fn heading_is(&self, expected: &str) {
        self.wait_text("h1", |t| t == expected).await;
    }

    pub(crate) async fn page(&self) -> String {
        self.c.source().await.expect("page source")
    }

    pub(crate) async fn fill(&self, id: &str, value: &str) {
        let e = self.c.wait().for_element(Locator::Id(id)).await.expect(id);
        e.clear().await.expect("clear");
        e.send_keys(value).await.expect("type");
    }

    pub(crate) async fn press(&self, css: &str) {
        self.c
            .wait()
            .for_element(Locator::Css(css))
            .await
            .expect(css)
            .click()
            .await
            .expect("click");
    }

    pub(crate) async fn path(&self) -> String {
        self.c.current_url().await.expect("url").path().to_owned()
    }

    /// Sign in through the forms, typing the authenticator code when asked.
    pub(crate) async fn sign_in(&mut self, role: Role, shots: bool) {
        let user = self.t.world.users[&role].clone();
        self.go("/login").await;
        self.fill("email", &user.email).await;
        self.fill("password", PASSWORD).await;
        if shots {
            self.shot("sign-in").await;
        }
        self.press("form[action='/login'] button[type=submit]").await;
        if let Some(secret) = user.totp {
            self.heading_is("Enter your security code").await;
            assert_eq!(self.path().await, "/mfa");
            let code = ward_app::accounts::totp::code_at(&secret, SystemClock.now()).expect("code");
            self.fill("code", &code).await;
            if shots {
                self.shot("security-code").await;
            }
            self.press("form[action='/mfa'] button[type=submit]").await;
        }
        self.c
            .wait()
            .for_element(Locator::Css(".site-nav"))
            .await
            .expect("signed in");
        assert_eq!(self.path().await, "/");
    }

    pub(crate) async fn sign_out(&self) {
        self.press("form.signout button").await;
        self.c
            .wait()
            .for_element(Locator::Id("email"))
            .await
            .expect("back at sign-in");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tour_in_headless_chromium() {
    let install = "apt-get install chromium chromium-driver";
    let Some(chromium) = program(&["chromium", "chromium-browser"], install) else {
        return;
    };
    let Some(chromedriver) = program(&["chromedriver"], install) else {
        return;
    };
    let t = spawn_app().await;
    let driver = start_driver(&chromedriver).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = open_browser(&driver, &chromium, profile.path()).await;
    let mut tour = Tour {
        t: &t,
        c,
        dir: screenshot_dir(),
        step: 0,
    };

    // The first Tab lands on the skip link, which is then visible.
    tour.go("/login").await;
    tour.c
        .perform_actions(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down {
                    value: Key::Tab.into(),
                })
                .then(KeyAction::Up {
                    value: Key::Tab.into(),
                }),
        )
        .await
        .expect("press Tab");
    let focused = tour.c.active_element().await.expect("focused element");
    assert_eq!(
        focused.attr("class").await.expect("class").as_deref(),
        Some("skip-link")
    );
    assert!(focused.is_displayed().await.expect("displayed"));
    tour.shot("skip-link-focused").await;

    // A wrong password gets the one message for every failure.
    tour.fill("email", &t.world.users[&Role::OrgAdmin].email).await;
    tour.fill("password", "not the password").await;
    tour.press("form[action='/login'] button[type=submit]").await;
    tour.wait_text("[role=alert]", |t| {
        t.contains("E-mail or password not recognised")
    })
    .await;
    tour.shot("sign-in-failed").await;

    // An organisation admin signs in with a code from their authenticator.
    tour.sign_in(Role::OrgAdmin, true).await;
    tour.heading_is("Riverside Hospitals NHS Trust").await;
    let stats = tour.text(".stats").await;
    assert!(
        stats.contains("Critical services") && stats.contains("Reachable from the internet"),
        "{stats}"
    );
    assert!(
        tour.text("footer")
            .await
            .contains("Organisation admin at Riverside Hospitals NHS Trust")
    );
    tour.shot("overview-admin").await;

    // Asset search: finds the trust's LIMS server and nothing of the foreign trust.
    tour.press("a[href='/assets']").await;
    tour.fill("q", "server").await;
    tour.press("form[action='/assets'] button[type=submit]").await;
    tour.wait_text(".result-count", |t| t == "Showing 1–1 of 1").await;
    let page = tour.page().await;
    assert!(page.contains("LIMS server"));
    assert!(
        !page.contains("Patient administration server"),
        "the foreign trust's asset is not listed"
    );
    tour.shot("asset-search").await;
    tour.c
        .find(Locator::LinkText("LIMS server"))
        .await
        .expect("result link")
        .click()
        .await
        .expect("open");
    tour.heading_is("LIMS server").await;
    assert!(
        tour.text("#software-h + .table-wrap")
            .await
            .contains("log4j-core")
    );
    tour.shot("asset-detail").await;

    // A statement with a mistake: the problem shows beside its field and nothing typed is lost.
    tour.c
        .find(Locator::LinkText("Say whether this affects you"))
        .await
        .expect("statement link")
        .click()
        .await
        .expect("open the statement form");
    tour.heading_is("Does CVE-2021-44228 affect LIMS server?").await;
    tour.c
        .find(Locator::Css("#status option[value='not_affected']"))
        .await
        .expect("not affected option")
        .click()
        .await
        .expect("choose not affected");
    tour.fill("detail", "JNDI lookups are switched off on every node")
        .await;
    tour.press("form.statement-form button[type=submit]").await;
    tour.wait_text(".alert-error .alert-title", |t| {
        t == "The statement was not recorded"
    })
    .await;
    assert!(tour.text("#justification-problem").await.contains("say why"));
    let kept = tour
        .c
        .find(Locator::Id("detail"))
        .await
        .expect("detail")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        kept.as_deref(),
        Some("JNDI lookups are switched off on every node")
    );
    tour.shot("statement-problem-kept").await;
    tour.c
        .find(Locator::Css(
            "#justification option[value='vulnerable_code_not_in_execute_path']",
        ))
        .await
        .expect("justification option")
        .click()
        .await
        .expect("choose a justification");
    tour.press("form.statement-form button[type=submit]").await;
    tour.heading_is("LIMS server").await;
    assert!(
        tour.page()
            .await
            .contains("JNDI lookups are switched off on every node")
    );

    // An import with a mistake: every problem listed with its place, nothing stored.
    let csv = profile.path().join("new-assets.csv");
    std::fs::write(
        &csv,
        "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n\
         RJZ,Theatre PC 1,end_user_device,,no,,Chrome,Google,120,,\n\
         RJZ,Theatre PC 2,laptop,,maybe,,,,,,\n\
         RA7,Scanner,medical_device,,no,,,,,,\n",
    )
    .expect("write the CSV");
    tour.press("a[href='/import']").await;
    let file = tour.c.find(Locator::Id("asset-file")).await.expect("file input");
    file.send_keys(&csv.display().to_string())
        .await
        .expect("choose the file");
    tour.press("form[action='/import'] button[type=submit]").await;
    tour.wait_text(".alert-error .alert-title", |t| t == "Nothing was imported")
        .await;
    let problems = tour.text(".problems").await;
    assert!(problems.contains("new-assets.csv:3:3"), "{problems}");
    tour.shot("import-problems").await;

    // Access denied: the foreign trust's asset reads as not found.
    tour.go(&format!("/assets/{}", t.world.foreign_assets[0])).await;
    tour.heading_is("Page not found").await;
    assert!(!tour.page().await.contains("Patient administration server"));
    tour.shot("foreign-asset-not-found").await;
    tour.sign_out().await;

    // The auditor sees the import page without any form.
    tour.sign_in(Role::Auditor, false).await;
    tour.go("/import").await;
    tour.wait_text(".alert-title", |t| t == "Your role cannot import")
        .await;
    assert!(
        tour.c
            .find_all(Locator::Css("form[action='/import']"))
            .await
            .expect("query")
            .is_empty()
    );
    tour.shot("auditor-import").await;
    tour.sign_out().await;

    // The national analyst: the hierarchy from the top, and the overview on a phone-sized screen.
    tour.sign_in(Role::NationalAnalyst, false).await;
    tour.heading_is("NHS England").await;
    tour.shot("overview-national").await;
    tour.press("a[href='/orgs']").await;
    tour.fill("q", "hospital").await;
    tour.press("form[action='/orgs'] button[type=submit]").await;
    tour.wait_query("q=hospital").await;
    let page = tour.page().await;
    assert!(page.contains("Riverside Hospitals NHS Trust") && page.contains("Harbour University Hospitals"));
    tour.shot("organisations-search").await;
    // Who is exposed to Log4Shell, and the ranked exposure list with its reasons.
    tour.go("/advisories/CVE-2021-44228").await;
    tour.heading_is("GHSA-jfh8-c2jp-5v3q").await;
    tour.wait_text("#who-h", |t| t == "Who is exposed").await;
    let page = tour.page().await;
    assert!(page.contains("Riverside Hospitals NHS Trust") && page.contains("Harbour University Hospitals"));
    tour.shot("advisory-who-is-exposed").await;
    // "Which known-exploited vulnerabilities affect the most organisations": one click from the
    // overview, the answer checked against the use case the API serves.
    tour.go("/").await;
    tour.press("a[href='/advisories?kev=yes']").await;
    tour.heading_is("Known-exploited vulnerabilities affecting the most organisations")
        .await;
    let first = tour.text("table.data tbody tr").await;
    let national = ward_app::Actor::system("tour", t.world.national);
    let query = ward_app::exposure::advisory_index::AdvisoryQuery {
        kev: true,
        ..Default::default()
    };
    let page = ward_store::PageRequest { offset: 0, limit: 1 };
    let answer = t
        .app
        .advisory_index(&national, &query, page)
        .await
        .expect("the index");
    let top = &answer.items[0];
    assert!(
        first.contains("CVE-2021-44228") && first.contains("Log4Shell"),
        "{first}"
    );
    assert!(
        first.contains(&format!("\n{}\n", top.open_orgs))
            || first.contains(&format!("{}\nNHS trust", top.open_orgs)),
        "the page and the API agree on {} organisations: {first:?}",
        top.open_orgs
    );
    tour.shot("advisories-known-exploited").await;
    tour.press("a[href='/exposures']").await;
    tour.heading_is("Exposure").await;
    assert!(tour.page().await.contains("Known to be exploited"));
    tour.shot("exposure-national").await;
    tour.go("/").await;
    tour.c.set_window_size(390, 1100).await.expect("resize");
    tour.shot("overview-national-phone").await;
    // Every page the national analyst opens fits a phone's width: wide tables scroll inside
    // their own region, the page itself never scrolls sideways.
    let icb_page = format!("/orgs/{}", t.world.icb);
    let trust_page = format!("/orgs/{}", t.world.trust);
    let asset_page = format!("/assets/{}", t.world.trust_assets[0]);
    let impact_page = format!("/impact?org={}", "RJZ");
    ward_testkit::questionnaire::load_framework(&t.app, t.world.national).await;
    let questionnaire = t
        .app
        .start_questionnaire(
            &ward_app::Actor::system("tour", t.world.national),
            ward_app::assurance::questionnaire::NewQuestionnaire {
                org: t.world.trust,
                year: 2026,
            },
        )
        .await
        .expect("a questionnaire");
    let questionnaire_page = format!("/questionnaire/{}", questionnaire.assessment.id);
    let board_pack_page = format!("/orgs/{}/board-pack", t.world.trust);
    for path in [
        "/",
        icb_page.as_str(),
        trust_page.as_str(),
        asset_page.as_str(),
        impact_page.as_str(),
        "/exposures?severity=critical&kev=yes",
        "/advisories?unsupported=yes",
        "/exercises",
        "/deployments",
        "/risks/new",
        "/admin",
        "/orgs",
        "/services",
        "/assets",
        "/exposures",
        "/exposures?group=advisory",
        "/exposures?group=org",
        "/advisories",
        "/advisories/CVE-2021-44228",
        "/unsupported",
        "/products",
        "/assurance",
        "/alerts",
        "/alerts/figures",
        "/risks",
        "/incidents",
        "/incidents/new",
        "/recovery",
        "/admin/users",
        "/admin/tokens",
        "/admin/audit",
        "/admin/deliveries",
        "/notices",
        "/notices/preferences",
        "/people",
        "/questionnaire",
        questionnaire_page.as_str(),
        "/suppliers",
        "/suppliers/SUP001",
        board_pack_page.as_str(),
        "/assurance/rollup",
    ] {
        tour.go(path).await;
        tour.c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await
            .expect("a heading");
        let width = tour
            .c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .expect("width");
        let width = width.as_u64().expect("a number");
        let viewport = tour
            .c
            .execute("return document.documentElement.clientWidth;", vec![])
            .await
            .expect("viewport")
            .as_u64()
            .expect("a number");
        if width > viewport {
            let culprits = tour
                .c
                .execute(
                    "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > w + 1 && Array.from(e.children).every(c => c.getBoundingClientRect().right <= w + 1)).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                    vec![],
                )
                .await
                .expect("culprits");
            panic!("{path} is {width}px wide on a {viewport}px screen: {culprits}");
        }
        tour.words_for_people(path).await;
    }
    tour.c.set_window_size(1280, 1000).await.expect("resize");

    tour.sign_out().await;

    // A new admin sets up their authenticator app at first sign-in.
    crate::web::add_unenrolled_admin(&t, "new.admin@test.ward.example", 0x998).await;
    tour.go("/login").await;
    tour.fill("email", "new.admin@test.ward.example").await;
    tour.fill("password", PASSWORD).await;
    tour.press("form[action='/login'] button[type=submit]").await;
    tour.heading_is("Set up your security code").await;
    assert!(tour.c.find(Locator::Css("img.qr")).await.is_ok(), "a QR code");
    tour.shot("mfa-enrolment").await;
    let details = tour
        .c
        .find(Locator::Css("details summary"))
        .await
        .expect("set-up link toggle");
    details.click().await.expect("open the details");
    let uri = tour.text(".uri").await;
    let secret = uri
        .split("secret=")
        .nth(1)
        .and_then(|r| r.split('&').next())
        .expect("secret in URI")
        .to_owned();
    let code = ward_app::accounts::totp::code_at(&secret, SystemClock.now()).expect("code");
    tour.fill("code", &code).await;
    tour.press("form[action='/mfa/enrol'] button[type=submit]").await;
    tour.heading_is("Riverside Hospitals NHS Trust").await;

    tour.c.close().await.expect("close the browser");
}
