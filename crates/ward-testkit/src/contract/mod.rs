//! The storage contract: behaviour every `ward_store::Store` backend must show. Each check is a
//! `pub async fn` taking the store under test and returning an error that says what differed.
//!
//! The checks share one database: each makes its own organisations (with its own code prefix)
//! and users, the two job checks each keep to a job kind of their own, and checks compare counts
//! before and after rather than assuming an empty database. [`run_all`] runs every check that needs one store; [`backup_restore`] and
//! [`vuln_backup_restore`] also need an empty second store.

mod account_security;
mod accounts;
mod audit;
pub mod backup;
pub mod fixtures;
mod inventory;
mod isolation;
mod jobs;
mod orgs;
mod overview;
mod products;
mod search;
mod sector;
mod vuln;
mod vuln_backup;
mod vuln_signals;

pub use account_security::account_security_round_trip;
pub use accounts::accounts_round_trip;
pub use audit::{audit_chain_verifies, audit_records_every_change, chain_break, verify_chain};
pub use backup::{backup_restore, restore_refuses_bad_input};
pub use fixtures::{AuditCursor, Fixture};
pub use inventory::{assets_round_trip, services_round_trip, software_is_deduplicated};
pub use isolation::isolation_between_organisations;
pub use jobs::{jobs_claimed_once_under_concurrency, jobs_lifecycle};
pub use orgs::{org_hierarchy_and_links, orgs_round_trip};
pub use overview::overview_counts_follow_writes;
pub use products::product_confirmation;
pub use search::{asset_search_follows_writes, search_totals_stop_at_the_cap};
pub use sector::sector_snapshot_holds_the_inventory;
pub use vuln::*;
pub use vuln_backup::vuln_backup_restore;

use std::sync::Arc;
use ward_store::Store;

/// Run every single-store check, in an order that leaves a varied database behind (useful as the
/// source of [`backup_restore`]). Ends by verifying the whole audit chain.
pub async fn run_all(store: Arc<dyn Store>) -> anyhow::Result<()> {
    orgs_round_trip(store.clone()).await?;
    org_hierarchy_and_links(store.clone()).await?;
    services_round_trip(store.clone()).await?;
    assets_round_trip(store.clone()).await?;
    software_is_deduplicated(store.clone()).await?;
    overview_counts_follow_writes(store.clone()).await?;
    asset_search_follows_writes(store.clone()).await?;
    search_totals_stop_at_the_cap(store.clone()).await?;
    isolation_between_organisations(store.clone()).await?;
    product_confirmation(store.clone()).await?;
    accounts_round_trip(store.clone()).await?;
    account_security_round_trip(store.clone()).await?;
    audit_records_every_change(store.clone()).await?;
    jobs_lifecycle(store.clone()).await?;
    jobs_claimed_once_under_concurrency(store.clone()).await?;
    vuln_round_trips(store.clone()).await?;
    sector_snapshot_holds_the_inventory(store.clone()).await?;
    audit_chain_verifies(store).await?;
    Ok(())
}

/// `ensure!` with both sides shown: fails with `what`, the left and the right value.
#[macro_export]
macro_rules! check_eq {
    ($left:expr, $right:expr, $($what:tt)+) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            anyhow::bail!("{}: left {:?} != right {:?}", format!($($what)+), l, r);
        }
    }};
}

/// A database's refusal (`StoreError::Database`) as the variant of its kind, so checks match
/// refusals by kind whether a rule or the database made them; the message is kept.
pub fn by_kind(e: ward_store::StoreError) -> ward_store::StoreError {
    use ward_store::{StoreError, StoreErrorKind};
    match e {
        StoreError::Database { kind, .. } => match kind.store_kind() {
            StoreErrorKind::Conflict => StoreError::Conflict(kind.to_string()),
            StoreErrorKind::Invalid => StoreError::Invalid(kind.to_string()),
            _ => StoreError::Backend(kind.to_string()),
        },
        other => other,
    }
}

/// Fail unless `result` is an error matching `pattern`.
#[macro_export]
macro_rules! check_err {
    ($result:expr, $pattern:pat, $($what:tt)+) => {{
        let r = $result.map_err($crate::contract::by_kind);
        if !matches!(r, Err($pattern)) {
            anyhow::bail!("{}: expected {}, got {:?}", format!($($what)+), stringify!($pattern), r);
        }
    }};
}
