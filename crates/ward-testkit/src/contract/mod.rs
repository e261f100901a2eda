//! The storage contract: behaviour every `ward_store::Store` backend must show. Each check is a
//! `pub async fn` taking the store under test and returning an error that says what differed.
//!
//! The checks share one database: each makes its own organisations (with its own code prefix),
//! job kinds and users, and compares counts before and after rather than assuming an empty
//! database, so they can run one after another on one database ([`run_all`]) or each on its own
//! (the tests make one test per check and backend from [`contract_checks!`]).
//! [`backup_restore`] and [`vuln_backup_restore`] also need an empty second store.

mod account_security;
mod accounts;
mod alert_escalations;
mod alerts;
mod assurance_rollup;
mod audit;
pub mod backup;
mod coordinated;
mod dependency_graph;
mod deployments;
mod derived_statuses;
mod evidence_files;
mod exercise_participants;
mod exercises;
mod first_seen;
pub mod fixtures;
mod frameworks;
mod improvement;
mod incident_links;
mod incident_tasks;
mod incidents;
mod inventory;
mod isolation;
mod jobs;
mod notices;
mod orgs;
mod overview;
mod people;
mod products;
mod recovery;
mod risks;
mod search;
mod sector;
mod signoff;
mod supplier_advisories;
mod suppliers;
mod tech_assessments;
mod token_epoch;
mod vuln;
mod vuln_backup;
mod vuln_signals;

pub use account_security::account_security_round_trip;
pub use accounts::accounts_round_trip;
pub use alert_escalations::escalations_and_dead_deliveries;
pub use alerts::alerts_round_trip;
pub use assurance_rollup::assurance_rollup_reads;
pub use audit::{audit_chain_verifies, audit_records_every_change, chain_break, verify_chain};
pub use backup::{backup_restore, restore_refuses_bad_input};
pub use coordinated::coordinated_round_trip;
pub use dependency_graph::dependency_snapshot_holds_the_graph;
pub use deployments::deployments_round_trip;
pub use derived_statuses::derived_statuses_round_trip;
pub use evidence_files::evidence_files_round_trip;
pub use exercise_participants::exercise_participant_changes;
pub use exercises::exercises_round_trip;
pub use first_seen::first_seen_round_trip;
pub use fixtures::{AuditCursor, Fixture};
pub use frameworks::{assessments_round_trip, frameworks_round_trip, profiles_round_trip};
pub use improvement::improvement_plans_round_trip;
pub use incident_links::incident_links_round_trip;
pub use incident_tasks::{incident_reminders_recorded_once, incident_tasks_round_trip};
pub use incidents::incidents_round_trip;
pub use inventory::{assets_round_trip, services_round_trip, software_is_deduplicated};
pub use isolation::isolation_between_organisations;
pub use jobs::{jobs_claimed_once_under_concurrency, jobs_lifecycle};
pub use notices::notices_round_trip;
pub use orgs::{org_hierarchy_and_links, orgs_round_trip};
pub use overview::overview_counts_follow_writes;
pub use people::{people_round_trip, questionnaire_round_trip};
pub use products::product_confirmation;
pub use recovery::recovery_round_trip;
pub use risks::risks_round_trip;
pub use search::{asset_search_follows_writes, search_totals_stop_at_the_cap};
pub use sector::sector_snapshot_holds_the_inventory;
pub use signoff::siro_sign_off;
pub use supplier_advisories::supplier_advisories_round_trip;
pub use suppliers::suppliers_round_trip;
pub use tech_assessments::tech_assessments_round_trip;
pub use token_epoch::token_epoch_follows_every_write;
pub use vuln::*;
pub use vuln_backup::vuln_backup_restore;

use std::sync::Arc;
use ward_store::Store;

/// Calls the macro `$then` with the name of every check that needs one store (each a function of
/// this module taking `Arc<dyn Store>`), in the order [`run_all`] runs them. The one list of the
/// checks: tests generate a test per check and backend from it, and [`run_all`] runs it.
#[macro_export]
macro_rules! contract_checks {
    ($then:ident) => {
        $then! {
            orgs_round_trip,
            org_hierarchy_and_links,
            services_round_trip,
            assets_round_trip,
            software_is_deduplicated,
            overview_counts_follow_writes,
            asset_search_follows_writes,
            search_totals_stop_at_the_cap,
            isolation_between_organisations,
            product_confirmation,
            accounts_round_trip,
            account_security_round_trip,
            token_epoch_follows_every_write,
            audit_records_every_change,
            jobs_lifecycle,
            jobs_claimed_once_under_concurrency,
            vuln_advisories,
            vuln_kev_and_epss,
            vuln_vex_statements,
            vuln_eol_and_feed_sources,
            sector_snapshot_holds_the_inventory,
            dependency_snapshot_holds_the_graph,
            frameworks_round_trip,
            assessments_round_trip,
            profiles_round_trip,
            alerts_round_trip,
            escalations_and_dead_deliveries,
            risks_round_trip,
            incidents_round_trip,
            exercises_round_trip,
            deployments_round_trip,
            first_seen_round_trip,
            improvement_plans_round_trip,
            people_round_trip,
            questionnaire_round_trip,
            incident_tasks_round_trip,
            incident_links_round_trip,
            incident_reminders_recorded_once,
            coordinated_round_trip,
            suppliers_round_trip,
            siro_sign_off,
            evidence_files_round_trip,
            recovery_round_trip,
            notices_round_trip,
            supplier_advisories_round_trip,
            tech_assessments_round_trip,
            assurance_rollup_reads,
            derived_statuses_round_trip,
            exercise_participant_changes,
        }
    };
}

/// Run every single-store check on one database, in an order that leaves a varied database behind
/// (useful as the source of [`backup_restore`]). Ends by verifying the whole audit chain. Stops at
/// the first failing check, naming it.
pub async fn run_all(store: Arc<dyn Store>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    macro_rules! run_in_order {
        ($($check:ident),* $(,)?) => {
            $( $check(store.clone()).await.context(stringify!($check))?; )*
        };
    }
    contract_checks!(run_in_order);
    audit_chain_verifies(store).await
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

/// One refusal a check saw: what it tried, the kind of error and its message (identifiers masked,
/// since each run makes its own). The contract asserts that both backends refuse alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub what: String,
    pub kind: ward_store::StoreErrorKind,
    pub message: String,
}

tokio::task_local! {
    static REFUSALS: std::cell::RefCell<Vec<Refusal>>;
}

/// Record a refusal seen by `check_err!` when running under [`collect_refusals`].
pub fn record_refusal(what: String, e: &ward_store::StoreError) {
    let _ = REFUSALS.try_with(|r| {
        r.borrow_mut().push(Refusal {
            what: mask_ids(&what),
            kind: e.kind(),
            message: mask_ids(&e.to_string()),
        })
    });
}

/// Run `fut` and collect every refusal its checks saw (in the task itself, not in tasks it spawns).
pub async fn collect_refusals<T>(fut: impl std::future::Future<Output = T>) -> (T, Vec<Refusal>) {
    REFUSALS
        .scope(std::cell::RefCell::new(Vec::new()), async move {
            let out = fut.await;
            let seen = REFUSALS.with(|r| r.take());
            (out, seen)
        })
        .await
}

/// Replace every UUID in `text` with `<id>` and every run of four or more digits with `<n>`
/// (names the checks number from a counter), so runs on two databases compare.
pub fn mask_ids(text: &str) -> String {
    let text = mask_uuids(text);
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 4 {
            out.push_str("<n>");
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

fn mask_uuids(text: &str) -> String {
    let is_uuid = |w: &str| {
        w.len() == 36
            && w.char_indices().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text.is_char_boundary(i)
            && text.len() >= i + 36
            && text.is_char_boundary(i + 36)
            && is_uuid(&text[i..i + 36])
        {
            out.push_str("<id>");
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
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
        let r = $result;
        if let Err(e) = &r {
            $crate::contract::record_refusal(format!($($what)+), e);
        }
        let r = r.map_err($crate::contract::by_kind);
        if !matches!(r, Err($pattern)) {
            anyhow::bail!("{}: expected {}, got {:?}", format!($($what)+), stringify!($pattern), r);
        }
    }};
}

#[cfg(test)]
mod refusal_tests {
    #[test]
    fn identifiers_are_masked() {
        assert_eq!(
            super::mask_ids("service 0190c0de-0000-7000-8000-00000000000a not found; é"),
            "service <id> not found; é"
        );
        assert_eq!(super::mask_ids("product-66054 at 12"), "product-<n> at 12");
        assert_eq!(super::mask_ids("no id here"), "no id here");
    }
}
