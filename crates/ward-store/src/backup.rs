//! Ward's backend-neutral backup format: the one list of tables and columns both backends write and
//! read, so a backup taken on SQLite restores into PostgreSQL and the other way round.
//!
//! # Format (version 2)
//!
//! UTF-8 JSON lines:
//!
//! 1. A header: `{"backend":"sqlite","key":"<fingerprint>","ward_backup":2}` (`backend` names the
//!    writer, for humans; any backend restores any backup; `key` is the fingerprint of the instance
//!    key that made it, so a restore under another key is refused with a clear message).
//! 2. One line per row, tables in the order of [`TABLES`] (parents before the rows that refer to
//!    them) and rows in the order of [`BackupTable::key`] (organisations parents first, by depth
//!    then id; text keys compared byte by byte): `{"table":"assets","row":{"id":"…",…}}`. Every
//!    column listed for the table appears as a key, keys sorted (as `serde_json` writes a map), so
//!    both backends write the same bytes for the same data; NULL is `null`. On restore a missing
//!    key reads as NULL and an unknown key or table is refused, naming the line.
//!
//! Column values by [`ColumnType`]:
//!
//! | type | JSON |
//! |---|---|
//! | `Uuid` | lower-case hyphenated string |
//! | `Text` | string (records kept whole as JSON text, such as `advisories.doc`, stay strings) |
//! | `Integer` | number (64-bit signed) |
//! | `Float` | number as `serde_json` writes an `f64` (shortest form that reads back exactly) |
//! | `Timestamp` | number: microseconds since 1970-01-01T00:00:00Z |
//! | `Date` | string `YYYY-MM-DD` |
//! | `Boolean` | `true` / `false` |
//! | `Json` | the JSON value itself (not a string holding JSON) |
//!
//! 3. A trailer: `{"ward_backup_mac":"<hex>"}`, HMAC-SHA256 with the instance key's backup
//!    sub-key over every byte before it. A restore feeds each line to the MAC as it reads it
//!    ([`BackupReader`]) and refuses, inside its one transaction so nothing is stored, when the MAC
//!    differs, the trailer is missing or anything follows it. Writers wrap their output in a
//!    [`MacWriter`] and call [`MacWriter::finish`].
//!
//! A restore also re-checks what a normal write checks ([`crate::restore_check`]): grants fit
//! their organisation's kind, e-mails are valid, rows refer to rows that exist, and the audit chain
//! verifies under this instance's key; then it signs the restored chain's head and appends a
//! `backup.restore` record. Sessions are never written: nobody stays signed in across a restore.
//!
//! Link rows of assets ([`BackupTable::org_from_asset`]) carry the asset's organisation as `org_id`;
//! a restore takes the organisation from the restored asset, whatever the row says.
//!
//! Restore loads into an empty, migrated database inside one transaction: all or nothing. Serial
//! ids (`software.id`, `vex_statements.id`) are kept, and a backend with a sequence behind them
//! moves it past the largest restored id. Tables that hold only data derived from the backed-up
//! ones are listed in [`REBUILT_ON_RESTORE`] instead.

use crate::keys::StoreKeys;
use crate::{StoreError, StoreResult};
use serde_json::Value;
use std::io::{BufRead, Write};
use ward_core::keys::StreamingMac;

/// The `ward_backup` value in the header line.
pub const FORMAT_VERSION: u64 = 2;
/// The key of the trailer line's MAC.
const TRAILER_KEY: &str = "ward_backup_mac";

/// The header line (without its newline) a backend writes first.
pub fn header_line(backend: &str, keys: &StoreKeys) -> String {
    serde_json::json!({ "ward_backup": FORMAT_VERSION, "backend": backend, "key": keys.fingerprint() })
        .to_string()
}

/// An output that MACs every byte written through it; [`Self::finish`] appends the trailer.
pub struct MacWriter<'a> {
    inner: &'a mut (dyn Write + Send),
    mac: StreamingMac,
}

impl<'a> MacWriter<'a> {
    pub fn new(inner: &'a mut (dyn Write + Send), keys: &StoreKeys) -> Self {
        Self {
            inner,
            mac: keys.backup.streaming(),
        }
    }

    /// Write the trailer line (the MAC of everything before it) and flush.
    pub fn finish(self) -> StoreResult<()> {
        let line = serde_json::json!({ TRAILER_KEY: self.mac.finish_hex() }).to_string();
        self.inner
            .write_all(line.as_bytes())
            .and_then(|()| self.inner.write_all(b"\n"))
            .and_then(|()| self.inner.flush())
            .map_err(|e| StoreError::Snapshot(format!("writing the backup's trailer: {e}")))
    }
}

impl Write for MacWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.mac.update(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads a backup line by line, checking the header and feeding every line to the MAC; returns
/// `None` at a trailer whose MAC matches, and an error (naming the line) for anything else.
pub struct BackupReader<'a> {
    input: &'a mut (dyn BufRead + Send),
    keys: &'a StoreKeys,
    mac: Option<StreamingMac>,
    line_no: usize,
    header_seen: bool,
}

impl<'a> BackupReader<'a> {
    pub fn new(input: &'a mut (dyn BufRead + Send), keys: &'a StoreKeys) -> Self {
        Self {
            input,
            keys,
            mac: Some(keys.backup.streaming()),
            line_no: 0,
            header_seen: false,
        }
    }

    /// The number of the line last returned.
    pub fn line_no(&self) -> usize {
        self.line_no
    }

    /// The next row line (header and blank lines are consumed here) with its number; `None` after
    /// a trailer whose MAC is right.
    pub fn next_line(&mut self, text: &mut String) -> StoreResult<Option<usize>> {
        loop {
            text.clear();
            let read = self.input.read_line(text).map_err(|e| {
                StoreError::Snapshot(format!(
                    "line {}: reading the backup failed: {e}",
                    self.line_no + 1
                ))
            })?;
            if read == 0 {
                return Err(StoreError::Snapshot(if self.header_seen {
                    "the backup has no MAC trailer: it was cut short, or not written by `ward backup` \
                     of this version; nothing was restored"
                        .into()
                } else {
                    "the backup is empty".into()
                }));
            }
            self.line_no += 1;
            let trimmed = text.trim();
            if self.header_seen && trimmed.starts_with(&format!("{{\"{TRAILER_KEY}\"")) {
                return self.check_trailer(trimmed);
            }
            if let Some(mac) = self.mac.as_mut() {
                mac.update(text.as_bytes());
            }
            if trimmed.is_empty() {
                continue;
            }
            if !self.header_seen {
                self.check_header(trimmed)?;
                self.header_seen = true;
                continue;
            }
            return Ok(Some(self.line_no));
        }
    }

    fn check_header(&self, line: &str) -> StoreResult<()> {
        let n = self.line_no;
        let header: Value = serde_json::from_str(line)
            .map_err(|_| StoreError::Snapshot(format!("line {n}: not a Ward backup header")))?;
        let version = header.get("ward_backup").and_then(Value::as_u64);
        if version != Some(FORMAT_VERSION) {
            return Err(StoreError::Snapshot(format!(
                "line {n}: not a Ward backup of format version {FORMAT_VERSION} (found {}); \
                 older backups carry no MAC and cannot be restored",
                version.map_or_else(|| "none".to_owned(), |v| v.to_string())
            )));
        }
        match header.get("key").and_then(Value::as_str) {
            Some(fp) if fp == self.keys.fingerprint() => Ok(()),
            Some(fp) => Err(StoreError::Snapshot(format!(
                "this backup was made with a different instance key (fingerprint {fp}; this \
                 instance's key is {}); restore it with the key that made it",
                self.keys.fingerprint()
            ))),
            None => Err(StoreError::Snapshot(format!(
                "line {n}: the header names no instance key"
            ))),
        }
    }

    fn check_trailer(&mut self, line: &str) -> StoreResult<Option<usize>> {
        let n = self.line_no;
        let trailer: Value = serde_json::from_str(line)
            .map_err(|_| StoreError::Snapshot(format!("line {n}: the MAC trailer is not JSON")))?;
        let claimed = trailer
            .get(TRAILER_KEY)
            .and_then(Value::as_str)
            .unwrap_or_default();
        let actual = self.mac.take().map(StreamingMac::finish_hex).unwrap_or_default();
        if actual.is_empty() || !ward_core::keys::constant_time_eq(actual.as_bytes(), claimed.as_bytes()) {
            return Err(StoreError::Snapshot(
                "the backup's MAC does not match: it was changed after it was written, or made with a \
                 different instance key; nothing was restored"
                    .into(),
            ));
        }
        // Only blank lines may follow.
        let mut rest = String::new();
        loop {
            rest.clear();
            let read = self
                .input
                .read_line(&mut rest)
                .map_err(|e| StoreError::Snapshot(format!("reading the backup failed: {e}")))?;
            if read == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            if !rest.trim().is_empty() {
                return Err(StoreError::Snapshot(format!(
                    "line {}: nothing may follow the MAC trailer",
                    self.line_no
                )));
            }
        }
    }
}

/// Check a whole backup's header and MAC without storing anything (a first pass before a
/// restore, so a forged file is refused with the clearest message).
pub fn verify_mac(input: &mut (dyn BufRead + Send), keys: &StoreKeys) -> StoreResult<u64> {
    let mut reader = BackupReader::new(input, keys);
    let mut text = String::new();
    let mut rows = 0;
    while reader.next_line(&mut text)?.is_some() {
        rows += 1;
    }
    Ok(rows)
}

/// How a column is written in a backup; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Uuid,
    Text,
    Integer,
    Float,
    Timestamp,
    Date,
    Boolean,
    Json,
}

/// One column of a backed-up table: its name in the backup (and in both schemas) and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupColumn {
    pub name: &'static str,
    pub ty: ColumnType,
}

/// One backed-up table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupTable {
    pub name: &'static str,
    pub columns: &'static [BackupColumn],
    /// The columns whose values order the rows (the primary key). `organisations` is written
    /// parents first instead, by depth in the hierarchy and then by id.
    pub key: &'static [&'static str],
    /// A link row of an asset (`asset_id`): its `org_id` is the asset's organisation, written from
    /// the asset and taken from the restored asset on restore.
    pub org_from_asset: bool,
}

impl BackupTable {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&'static BackupColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether any column has this type.
    pub fn has_type(&self, ty: ColumnType) -> bool {
        self.columns.iter().any(|c| c.ty == ty)
    }
}

/// The table of this name in [`TABLES`].
pub fn table(name: &str) -> Option<&'static BackupTable> {
    TABLES.iter().find(|t| t.name == name)
}

/// Tables that hold data but are not written to a backup, each with what rebuilds it on restore.
/// Together with [`TABLES`] these are every table of both schemas (each backend's tests check
/// its schema against the two lists, so a migration adding a table must name it in one of them).
pub const REBUILT_ON_RESTORE: &[(&str, &str)] = &[
    (
        "org_rollups",
        "per-organisation counters, recounted from organisations, services, assets and links",
    ),
    (
        "asset_text",
        "SQLite's trigram index of asset names and hostnames, rebuilt from assets",
    ),
    (
        "login_throttle",
        "sign-in and second-factor throttle counters: short-lived, they start again empty",
    ),
    (
        "software_text",
        "SQLite's trigram index of software names, filled by a trigger as software rows load",
    ),
    (
        "audit_head",
        "the signed head of the audit chain, signed again from the restored chain's last record",
    ),
    (
        "sessions",
        "never kept: a restore signs everyone out, so no session outlives it",
    ),
    (
        "assessment_derived_statuses",
        "each outcome's status derived from the answers: left empty, derived again from the \
         restored answers by the assurance roll-up's next read, which stores them",
    ),
];

mod tables;
pub use tables::TABLES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_columns_are_named_once() {
        let mut names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        names.extend(REBUILT_ON_RESTORE.iter().map(|(n, _)| *n));
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a table is listed twice");
        for t in TABLES {
            let mut cols: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            cols.sort_unstable();
            cols.dedup();
            assert_eq!(
                cols.len(),
                t.columns.len(),
                "{}: a column is listed twice",
                t.name
            );
            assert!(!t.key.is_empty(), "{} has no key", t.name);
            for k in t.key {
                assert!(t.column(k).is_some(), "{}: key {k} is not a column", t.name);
            }
            assert_eq!(
                t.org_from_asset,
                t.column("asset_id").is_some() && t.column("org_id").is_some(),
                "{}",
                t.name
            );
        }
    }

    #[test]
    fn tables_are_found_by_name() {
        assert_eq!(table("epss").map(|t| t.has_type(ColumnType::Float)), Some(true));
        assert_eq!(table("kev").map(|t| t.has_type(ColumnType::Float)), Some(false));
        assert!(table("org_rollups").is_none());
        assert!(table("secrets").is_none());
    }

    #[test]
    fn parents_come_before_the_rows_that_refer_to_them() {
        let pos = |n: &str| TABLES.iter().position(|t| t.name == n);
        for (child, parent) in [
            ("org_links", "organisations"),
            ("assets", "organisations"),
            ("asset_software", "software"),
            ("advisory_aliases", "advisories"),
            ("advisory_packages", "advisories"),
            ("vex_statements", "organisations"),
            ("vex_ids", "vex_statements"),
            ("eol_releases", "eol_products"),
            ("risks", "organisations"),
            ("risks", "users"),
            ("risk_links", "risks"),
            ("incidents", "organisations"),
            ("incidents", "users"),
            ("incident_links", "incidents"),
            ("incident_timeline", "incidents"),
            ("exercises", "users"),
            ("exercise_orgs", "exercises"),
            ("exercise_orgs", "organisations"),
            ("exercise_participants", "exercises"),
            ("exercise_injects", "exercises"),
            ("exercise_entries", "exercises"),
            ("exercise_actions", "exercises"),
            ("exercise_actions", "risks"),
            ("deployments", "incidents"),
            ("training_people", "organisations"),
            ("board_members", "organisations"),
            ("questionnaires", "assessments"),
            ("questionnaire_answers", "questionnaires"),
            ("questionnaire_answers", "users"),
            ("incident_tasks", "incidents"),
            ("incident_reminders", "incidents"),
            ("coordinated_members", "coordinated_incidents"),
            ("coordinated_members", "incidents"),
            ("coordinated_timeline", "coordinated_incidents"),
            ("alerts", "organisations"),
            ("alert_recipients", "alerts"),
            ("alert_events", "alerts"),
            ("alert_escalations", "alert_recipients"),
            ("dead_deliveries", "alerts"),
            ("supplier_advisories", "alerts"),
            ("certificate_reminders", "certificates"),
            ("improvement_actions", "assessments"),
            ("assessment_signoffs", "assessments"),
            ("assessment_files", "assessments"),
            ("notices", "users"),
            ("exposure_first_seen", "organisations"),
            ("tech_findings", "risks"),
            ("tech_findings", "tech_assessments"),
            ("tech_remediation_actions", "tech_assessments"),
        ] {
            assert!(pos(parent) < pos(child), "{parent} before {child}");
        }
    }
}
