//! Ward's use cases. Every function takes the calling [`Actor`] (or a credential to turn into one),
//! decides whether it is allowed ([`authz`]), and writes through the store with an audit record.

pub mod accounts;
pub mod actor;
pub mod alerts;
pub mod assurance;
pub mod audit;
pub mod authz;
pub mod board_pack;
mod cached;
pub mod coordinated;
pub mod deployments;
pub mod error;
pub mod exercise_injects;
pub mod exercise_participants;
pub mod exercises;
pub mod exposure;
pub mod feeds;
pub mod heavy;
pub mod impact;
pub mod imports;
pub mod incident_choices;
pub mod incident_link_choices;
pub mod incident_reminders;
pub mod incident_tasks;
pub mod incidents;
pub mod inventory;
pub mod jobs;
pub mod notices;
pub mod notify;
pub mod people;
pub mod products;
pub mod recovery;
pub mod risks;
pub mod sealed;
pub mod settings;
pub mod simulation;
pub mod supplier_advisories;
pub mod suppliers;
pub mod tech_assessment_choices;
pub mod tech_assessments;
pub mod throttle;

pub use actor::{Actor, Principal};
pub use error::{AppError, AppResult, FieldProblem};
pub use settings::AppSettings;

use std::sync::Arc;
use ward_core::audit::AuditKeys;
use ward_core::clock::Clock;
use ward_core::keys::InstanceKey;
use ward_store::Store;

/// The application: storage, a clock and settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: AppSettings,
    /// A real argon2 hash compared against when the e-mail is unknown, so timing does not reveal it.
    dummy_hash: String,
    /// Bumped by every change in this process that can alter the values below: see [`cached`].
    data_generation: std::sync::atomic::AtomicU64,
    /// The in-memory exposure index.
    exposure: cached::Cached<exposure::ExposureIndex>,
    /// The sector's dependency graph, for blast radius and simulation.
    impact_graph: cached::Cached<impact::BuiltGraph>,
    /// Background dry runs: see [`simulation`].
    simulation_runs: simulation::Runs,
    /// Permits for heavy requests (uploads, imports, exports): see [`heavy`].
    heavy: Arc<tokio::sync::Semaphore>,
    /// TOTP secrets at rest, sealed with the instance key.
    totp_sealer: sealed::TotpSealer,
    /// The audit chain's keys, for `verify_audit`.
    audit_keys: AuditKeys,
    /// Verdicts of the full bearer-token check, per token and epoch: see [`accounts::verdicts`].
    token_verdicts: accounts::verdicts::TokenVerdicts,
    /// The pooled SMTP transport: see [`notify::smtp`].
    mailer: notify::smtp::Mailer,
}

impl App {
    /// `key` is the deployment's instance key: the same one the store was opened with.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: AppSettings,
        key: &InstanceKey,
    ) -> AppResult<Self> {
        settings
            .alert_escalation
            .check()
            .map_err(|e| AppError::invalid(format!("alert_escalation.{}", e.field), e.message))?;
        let dummy_hash = accounts::password::hash("ward-dummy-password-for-timing", settings.password_cost)?;
        let heavy = heavy::semaphore(settings.max_concurrent_heavy_requests);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                clock,
                settings,
                dummy_hash,
                data_generation: Default::default(),
                exposure: Default::default(),
                impact_graph: Default::default(),
                simulation_runs: simulation::Runs::new(),
                heavy,
                totp_sealer: sealed::TotpSealer::new(key),
                audit_keys: AuditKeys::new(key),
                token_verdicts: accounts::verdicts::TokenVerdicts::default(),
                mailer: notify::smtp::Mailer::default(),
            }),
        })
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }
    pub fn store_arc(&self) -> Arc<dyn Store> {
        Arc::clone(&self.inner.store)
    }
    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }
    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.inner.clock)
    }
    pub fn settings(&self) -> &AppSettings {
        &self.inner.settings
    }
    /// The verdicts of the bearer-token check this process keeps (tests look at it to know a
    /// token's next request is answered from it).
    pub fn token_verdicts(&self) -> &accounts::verdicts::TokenVerdicts {
        &self.inner.token_verdicts
    }
    /// Seals and opens TOTP secrets at rest.
    pub fn totp_sealer(&self) -> &sealed::TotpSealer {
        &self.inner.totp_sealer
    }
    /// The audit chain's keys.
    pub fn audit_keys(&self) -> &AuditKeys {
        &self.inner.audit_keys
    }
    /// The pooled SMTP transport.
    pub(crate) fn mailer(&self) -> &notify::smtp::Mailer {
        &self.inner.mailer
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("backend", &self.inner.store.backend())
            .finish_non_exhaustive()
    }
}
