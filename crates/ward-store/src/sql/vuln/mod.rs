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

use super::{Dialect, Exec, Sql};
use crate::{AuditMeta, StoreError, StoreResult, refusals};

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

/// The audit record of one import call: the batch's `digest` as the after-digest, `detail` the
/// call's counts, and as `entity_id` the one record's name (`single`, when one was given) or the
/// digest's start.
fn import_event(
    audit: &AuditMeta,
    action: &str,
    entity: &str,
    digest: String,
    single: Option<&str>,
    org: Option<ward_core::OrgId>,
    detail: String,
) -> ward_core::audit::AuditEvent {
    let entity_id = match single {
        Some(one) => one.to_owned(),
        None => format!("batch-{}", &digest[..16]),
    };
    audit.event(action, entity, entity_id, org, None, Some(digest), Some(detail))
}

/// The one record of a call given exactly one, for [`import_event`].
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
        let meta = AuditMeta {
            actor: ward_core::audit::AuditActor::system("test"),
            at: jiff::Timestamp::UNIX_EPOCH,
            request_id: None,
        };
        let ids = ["CVE-1".to_owned(), "CVE-2".to_owned()];
        let digest = batch_digest(ids.iter().map(String::as_str));
        let one = single(&ids[..1], |s| s.as_str());
        let e = import_event(&meta, "vex.import", "vex", digest.clone(), one, None, "{}".into());
        assert_eq!(e.entity_id, "CVE-1");
        let none = single(&ids, |s| s.as_str());
        let e = import_event(
            &meta,
            "vex.import",
            "vex",
            digest.clone(),
            none,
            None,
            "{}".into(),
        );
        assert_eq!(e.entity_id, format!("batch-{}", &digest[..16]));
        assert_eq!(e.after, Some(digest));
    }
}
