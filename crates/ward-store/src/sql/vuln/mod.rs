//! Vulnerability intelligence, once for both backends: advisories (`advisories.rs`), KEV and EPSS
//! (`signals.rs`), VEX statements (`vex.rs`), end-of-life dates, feed sources and totals
//! (`reference.rs`), and the whole-sector read the exposure index starts from (`snapshot.rs`).
//!
//! Every write validates and plans with the plain functions here and beside it, runs its
//! statements in one transaction and appends one audit record per call. Bulk rows go through
//! [`Exec::insert_rows`], the one place where the engines load differently.

mod advisories;
mod reference;
mod signals;
mod snapshot;
mod vex;

use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use ward_core::audit::AuditEvent;

use super::{Dialect, Exec, Sql, Tx};
use crate::{AuditMeta, StoreError, StoreKeys, StoreResult, refusals};

pub use advisories::{AdvisoryPlan, StoredAdvisory, newest_per_id, plan_advisories};
pub use reference::{check_eol_product, check_feed_source, eol_date_from_text, eol_date_text};
pub use signals::{KevPlan, check_epss, plan_kev};
pub use snapshot::read_threat_snapshot;
pub use vex::{check_vex_scope, vex_key};

/// The advisory lock that serialises writers of vulnerability data on PostgreSQL ("wardvuln" in
/// ASCII), so that two servers importing at once count inserts and updates correctly. SQLite
/// needs none: every write transaction holds the database's one write lock.
const VULN_LOCK_KEY: i64 = 0x7761_7264_7675_6c6e;

/// Take the vulnerability writers' lock inside the caller's write transaction.
async fn lock_writers<E: Exec + ?Sized>(db: &mut E) -> StoreResult<()> {
    if db.dialect() == Dialect::Postgres {
        db.execute(Sql::new("SELECT pg_advisory_xact_lock($1)").arg(VULN_LOCK_KEY))
            .await?;
    }
    Ok(())
}

/// The collation that orders text by code point, as SQLite's default does: appended to an
/// `ORDER BY` term so both engines list in the same order.
fn by_code_point(dialect: Dialect) -> &'static str {
    dialect.pick("", " COLLATE \"C\"")
}

/// Fail with `Invalid` naming `path` unless `value` is 1..=200 characters without control
/// characters (ids, CVE numbers, sources, product names).
pub fn check_key(path: &str, value: &str) -> StoreResult<()> {
    if value.trim().is_empty() {
        return Err(refusals::bad_vuln_key(path, "must not be empty"));
    }
    if value.chars().count() > 200 {
        return Err(refusals::bad_vuln_key(path, "longer than 200 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(refusals::bad_vuln_key(path, "contains control characters"));
    }
    Ok(())
}

/// The JSON text of a record kept whole.
fn to_doc<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(format!("cannot encode record: {e}")))
}

/// A record kept whole, read back.
fn from_doc<T: DeserializeOwned>(what: &str, doc: &str) -> StoreResult<T> {
    serde_json::from_str(doc).map_err(|_| StoreError::Backend(format!("stored {what} cannot be read")))
}

/// A digest naming a batch in its audit record: SHA-256 over the keys in order.
pub fn batch_digest<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let mut buf = Vec::new();
    for k in keys {
        buf.extend_from_slice(k.as_bytes());
        buf.push(b'\n');
    }
    ward_core::audit::sha256_hex(&buf)
}

/// What the audit record of one import call says.
struct Import {
    action: &'static str,
    entity: &'static str,
    /// The one record's name, or the batch's ([`batch_name`]).
    entity_id: String,
    /// [`batch_digest`] of the records' keys: the after-digest.
    digest: String,
    org: Option<ward_core::OrgId>,
    /// The call's counts ([`crate::vuln::VulnCounts::detail`]).
    detail: String,
}

impl Import {
    fn event(self, audit: &AuditMeta) -> AuditEvent {
        let Self {
            action,
            entity,
            entity_id,
            digest,
            org,
            detail,
        } = self;
        audit
            .change(action, entity, entity_id)
            .org_opt(org)
            .after(digest)
            .detail(detail)
            .build()
    }
}

/// Append the import's audit record in its transaction, and commit.
async fn commit_import<T: Tx>(
    mut tx: T,
    keys: &StoreKeys,
    audit: &AuditMeta,
    import: Import,
) -> StoreResult<()> {
    super::audit::append(&mut tx, keys, import.event(audit)).await?;
    tx.commit().await
}

/// A batch's name in its audit record: the one record's name when one was given (`single`),
/// else the start of the batch's digest.
fn batch_name(digest: &str, single: Option<&str>) -> String {
    match single {
        Some(one) => one.to_owned(),
        None => format!("batch-{}", &digest[..16]),
    }
}

/// The one record of a call given exactly one, for [`batch_name`].
fn single<T>(records: &[T], name: impl Fn(&T) -> &str) -> Option<&str> {
    match records {
        [one] => Some(name(one)),
        _ => None,
    }
}

/// Keep the last of each key; returns the kept indexes in input order and how many were dropped.
pub fn last_per_key<'a>(keys: impl Iterator<Item = &'a str>) -> (Vec<usize>, u64) {
    let mut last: HashMap<&str, usize> = HashMap::new();
    let mut n = 0;
    for (i, k) in keys.enumerate() {
        last.insert(k, i);
        n += 1;
    }
    let mut kept: Vec<usize> = last.into_values().collect();
    kept.sort_unstable();
    let dropped = (n - kept.len()) as u64;
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_printable_and_present() {
        assert!(check_key("x", "CVE-2024-1").is_ok());
        let e = check_key("advisories[0].id", " ").unwrap_err();
        assert_eq!(
            e.to_string(),
            StoreError::Invalid("advisories[0].id: must not be empty".into()).to_string()
        );
        assert!(check_key("x", &"a".repeat(201)).is_err());
        assert!(check_key("x", "a\u{7}").is_err());
    }

    #[test]
    fn the_last_of_each_key_is_kept() {
        let (kept, dropped) = last_per_key(["a", "b", "a", "c", "b"].into_iter());
        assert_eq!(kept, vec![2, 3, 4]);
        assert_eq!(dropped, 2);
    }

    #[test]
    fn one_record_names_itself_and_a_batch_its_digest() {
        let ids = ["CVE-1".to_owned(), "CVE-2".to_owned()];
        let digest = batch_digest(ids.iter().map(String::as_str));
        assert_eq!(batch_name(&digest, single(&ids[..1], |s| s.as_str())), "CVE-1");
        let name = batch_name(&digest, single(&ids, |s| s.as_str()));
        assert_eq!(name, format!("batch-{}", &digest[..16]));
        let meta = AuditMeta {
            actor: ward_core::audit::AuditActor::system("test"),
            at: jiff::Timestamp::UNIX_EPOCH,
            request_id: None,
        };
        let import = Import {
            action: "vex.import",
            entity: "vex",
            entity_id: name.clone(),
            digest: digest.clone(),
            org: None,
            detail: "{}".into(),
        };
        let e = import.event(&meta);
        assert_eq!((e.entity_id, e.after, e.before), (name, Some(digest), None));
    }
}
