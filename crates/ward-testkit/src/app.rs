//! `spawn_app()`: the real server on port 0 over a fresh database, with the fixture world loaded.

use crate::db::{TestStore, fresh_sqlite_store, fresh_stores};
use crate::fixtures::{self, World};
use std::net::SocketAddr;
use std::sync::Arc;
use ward_app::accounts::password::PasswordCost;
use ward_app::{App, AppSettings};
use ward_core::clock::{Clock, ManualClock, SystemClock};
use ward_core::role::Role;
use ward_server::{AppState, ServerSettings};
use ward_store::Store;

/// Cheap hashing for tests: the cost of argon2 is not what tests are about.
pub const TEST_COST: PasswordCost = PasswordCost {
    memory_kib: 1024,
    iterations: 1,
};

/// A running Ward.
pub struct TestApp {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub app: App,
    pub store: Arc<dyn Store>,
    pub world: World,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// The database the app was given to keep, removed when the app is dropped.
    _db: Option<TestStore>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Which database a test app runs on.
pub enum Backend {
    /// A fresh SQLite file in a temp dir.
    Sqlite,
    /// A fresh database (from [`crate::db`]) the app keeps until it is dropped.
    Fresh(TestStore),
    /// An already-migrated store the test keeps alive itself.
    Store(Arc<dyn Store>),
}

/// Spawn on a fresh SQLite database with the system clock.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, Arc::new(SystemClock)).await
}

pub async fn spawn_app_with(backend: Backend, clock: Arc<dyn Clock>) -> TestApp {
    spawn_app_configured(backend, clock, test_settings(), ServerSettings::default()).await
}

/// Spawn with the app's settings changed by `tune` (small limits for attack tests, for instance).
pub async fn spawn_app_tuned(
    backend: Backend,
    clock: Arc<dyn Clock>,
    tune: impl FnOnce(&mut AppSettings),
) -> TestApp {
    let mut settings = test_settings();
    tune(&mut settings);
    spawn_app_configured(backend, clock, settings, ServerSettings::default()).await
}

/// The application settings tests run with: defaults, with cheap password hashing.
pub fn test_settings() -> AppSettings {
    AppSettings {
        password_cost: TEST_COST,
        ..AppSettings::default()
    }
}

/// Spawn with explicit settings (limits, trusted proxies); use [`test_settings`] as the base.
pub async fn spawn_app_configured(
    backend: Backend,
    clock: Arc<dyn Clock>,
    settings: AppSettings,
    server: ServerSettings,
) -> TestApp {
    let (store, db) = match backend {
        Backend::Sqlite => {
            let db = fresh_sqlite_store().await;
            (Arc::clone(&db.store), Some(db))
        }
        Backend::Fresh(db) => (Arc::clone(&db.store), Some(db)),
        Backend::Store(s) => (s, None),
    };
    let hash = ward_app::accounts::password::hash(fixtures::PASSWORD, TEST_COST).expect("hash");
    let world = fixtures::build(&store, &hash, clock.now())
        .await
        .expect("fixtures");
    let app = App::new(Arc::clone(&store), clock, settings, &crate::db::test_key()).expect("app");
    let state = AppState::new(app.clone(), server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = ward_server::router(state);
    tokio::spawn(async move {
        let _ = ward_server::serve(listener, router, async {
            let _ = rx.await;
        })
        .await;
    });
    TestApp {
        addr,
        base: format!("http://{addr}"),
        app,
        store,
        world,
        shutdown: Some(tx),
        _db: db,
    }
}

/// The app on a fresh database of each backend, all sharing `clock`: SQLite, then PostgreSQL when
/// a server is configured (printing `SKIPPED:` for the PostgreSQL part when not). For tests, such
/// as the attack tests, whose point must hold on both.
pub async fn on_each_backend(
    clock: &ManualClock,
    settings: AppSettings,
    server: ServerSettings,
) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for db in fresh_stores().await {
        let clock = Arc::new(clock.clone());
        apps.push(spawn_app_configured(Backend::Fresh(db), clock, settings.clone(), server.clone()).await);
    }
    apps
}

impl TestApp {
    /// An API token for `role` over `org`, issued by the national fixture user.
    pub async fn token(&self, role: Role, org: ward_core::OrgId) -> String {
        let national = &self.world.users[&Role::NationalAnalyst];
        let actor = ward_app::Actor {
            principal: ward_app::Principal::User(national.id),
            role: Role::NationalAnalyst,
            org: self.world.national,
            grant: None,
            expires_at: None,
            request_id: None,
        };
        let issued = self
            .app
            .issue_token(
                &actor,
                ward_app::accounts::tokens::NewToken {
                    name: format!("{role:?} test"),
                    role,
                    org,
                    days: 7,
                    owner: None,
                },
            )
            .await
            .expect("issue token");
        issued.secret
    }

    /// The token for a role at its fixture organisation.
    pub async fn role_token(&self, role: Role) -> String {
        let org = self.world.users[&role].org;
        self.token(role, org).await
    }

    /// A signed-in browser session for a fixture user (MFA done), as `(cookie value, csrf token)`.
    /// Written straight to the store so tests can skip the sign-in pages.
    pub async fn session_for(&self, user: &crate::fixtures::TestUser) -> (String, String) {
        let now = self.app.now();
        let grants = self.store.grants_of(user.id).await.expect("grants");
        let grant = grants
            .iter()
            .find(|g| g.role == user.role && g.org == user.org)
            .expect("fixture grant");
        let cookie = ward_app::accounts::secrets::random_token().expect("random");
        let csrf = ward_app::accounts::secrets::random_token().expect("random");
        let session = ward_core::account::Session {
            id_hash: ward_app::accounts::secrets::digest(&cookie),
            user: user.id,
            acting_grant: Some(grant.id),
            mfa_pending: false,
            csrf_token: csrf.clone(),
            pending_totp_secret: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now + jiff::SignedDuration::from_hours(8),
        };
        self.store.create_session(&session).await.expect("session");
        (cookie, csrf)
    }

    /// A second app over the same database with its own store connections and its own memory,
    /// as a replica behind the same load balancer would run (sharing this app's clock). `None`
    /// when the test passed in a store ([`Backend::Store`]) and keeps its database itself.
    pub async fn replica(&self) -> Option<App> {
        let db = self._db.as_ref()?;
        let store = db.second_server().await;
        let app = App::new(
            store,
            self.app.clock(),
            self.app.settings().clone(),
            &crate::db::test_key(),
        )
        .expect("replica app");
        Some(app)
    }

    /// The URL of the app's database, for tests that write to it behind Ward's back; `None` when
    /// the test passed in a store ([`Backend::Store`]).
    pub fn database_url(&self) -> Option<&str> {
        self._db.as_ref().map(|db| db.url.as_str())
    }

    /// Which backend the app runs on: `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A plain HTTP client for tests (no cookies, no redirects followed).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}
