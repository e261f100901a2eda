//! One module per command group.

pub(crate) mod alerts;
pub(crate) mod assess;
pub(crate) mod assessments;
pub(crate) mod audit;
pub(crate) mod backup;
pub(crate) mod demo;
pub(crate) mod demo_assurance;
pub(crate) mod demo_exercises;
pub(crate) mod demo_incidents;
pub(crate) mod exercises;
pub(crate) mod feeds;
pub(crate) mod frameworks;
pub(crate) mod impact;
pub(crate) mod imports;
pub(crate) mod incidents;
pub(crate) mod offline;
pub(crate) mod profiles;
pub(crate) mod recovery_metrics;
pub(crate) mod report;
pub(crate) mod risks;
pub(crate) mod serve;
pub(crate) mod simulate;
pub(crate) mod suppliers;
pub(crate) mod tech_assessments;
pub(crate) mod tokens;
pub(crate) mod training;
pub(crate) mod users;

use crate::CliError;
use crate::settings::{Settings, open_store, redact_url};
use std::sync::Arc;
use ward_app::{Actor, App, AppError};
use ward_core::clock::SystemClock;
use ward_core::keys::InstanceKey;
use ward_core::org::OrgKind;
use ward_store::{OrgFilter, PageRequest, Scope, Store};

/// Open the database and build the app. The instance key is created on first start for SQLite;
/// PostgreSQL needs it to exist (see [`open_creating_key`]).
pub(crate) async fn open(settings: &Settings) -> anyhow::Result<App> {
    open_with(settings, !crate::keyfile::is_postgres(&settings.database_url)).await
}

/// Like [`open`], creating the instance key when missing on either backend (`ward migrate`).
pub(crate) async fn open_creating_key(settings: &Settings) -> anyhow::Result<App> {
    open_with(settings, true).await
}

async fn open_with(settings: &Settings, create_key: bool) -> anyhow::Result<App> {
    let key = crate::keyfile::load_key(settings, create_key)?;
    let store = open_store(&settings.database_url, &key).await.map_err(|e| {
        CliError::Database(format!("cannot open {}: {e}", redact_url(&settings.database_url)))
    })?;
    app_over(store, settings, &key)
}

pub(crate) fn app_over(store: Arc<dyn Store>, settings: &Settings, key: &InstanceKey) -> anyhow::Result<App> {
    App::new(store, Arc::new(SystemClock), settings.app_settings(), key).map_err(app_err)
}

/// The operator at the command line: national reach, recorded in the audit trail as `system:cli`.
pub(crate) async fn operator(app: &App) -> anyhow::Result<Actor> {
    let f = OrgFilter {
        kind: Some(OrgKind::NationalBody),
        include_closed: true,
        ..OrgFilter::default()
    };
    let page = app
        .store()
        .list_orgs(&Scope::All, &f, PageRequest { offset: 0, limit: 1 })
        .await?;
    let national = page
        .items
        .first()
        .map_or(ward_core::OrgId::from_uuid(uuid::Uuid::nil()), |o| o.id);
    Ok(Actor::system("cli", national))
}

/// Turn an application error into one with the right exit code, listing input problems.
pub(crate) fn app_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(problems) => {
            crate::output::problems(&problems);
            CliError::Rejected(format!("{} problem(s) found; nothing was stored", problems.len())).into()
        }
        AppError::NotFound(what) => CliError::Rejected(format!("{what} not found")).into(),
        AppError::Conflict(m) | AppError::Forbidden(m) => CliError::Rejected(m).into(),
        other => anyhow::Error::new(other),
    }
}
