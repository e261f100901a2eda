//! Backup and restore in Ward's backend-neutral snapshot format, whose tables, columns and JSON
//! values are defined once in [`ward_store::backup`] (the PostgreSQL backend reads and writes the
//! same list).
//!
//! What is particular to SQLite:
//!
//! * The `org_id` of `asset_services` and `asset_software` rows is the owning asset's organisation.
//!   SQLite does not store it on the link rows (at national scale that is tens of millions of
//!   copies): a backup derives it from `assets`, and a restore checks that it is a UUID and
//!   otherwise ignores it (the asset row is the truth).
//! * Link rows are keyed by the asset's internal number (`asset_num`, see
//!   `migrations/0003_asset_numbers.sql`); a backup writes the asset's `id` in its place and a
//!   restore looks the number up, so the format does not change. Link tables have no foreign keys
//!   (`migrations/0007_link_rows_without_foreign_keys.sql`): a restore checks their software and
//!   service ids once all rows are loaded.
//! * Dates are stored as `YYYY-MM-DD` text and booleans as 0/1; a restore parses every date, so a
//!   backup from either backend loads the same text.
//! * `vex_statements.id` and `software.id` are rowid aliases: restored ids are kept and new rows
//!   continue after the largest.
//!
//! Restore loads into an empty, migrated database inside the caller's transaction with foreign keys
//! deferred to commit (a non-empty database is refused with `StoreError::Snapshot`). The tables of
//! [`ward_store::backup::REBUILT_ON_RESTORE`] are rebuilt by the caller (`lib.rs`).

use crate::codec::{DbResult, get};
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::query_builder::Separated;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use ward_core::audit::SignedHead;
use ward_store::backup::BackupReader;
pub use ward_store::backup::FORMAT_VERSION as BACKUP_FORMAT_VERSION;
pub use ward_store::backup::TABLES as BACKUP_TABLES;
pub use ward_store::backup::{BackupColumn, BackupTable, ColumnType};
use ward_store::restore_check::RestoreChecker;
use ward_store::{BackupCounts, StoreError, StoreKeys, StoreResult};

/// Where SQLite keeps a backed-up column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnSource {
    /// A column of the table itself, under the same name.
    Stored,
    /// `asset_id` of a link row: stored as the owning asset's number (`asset_num`); written as the
    /// asset's id, and turned back into a number on restore.
    AssetNumber,
    /// `org_id` of a link row: not stored; written from the owning asset's row and ignored on
    /// restore.
    AssetOrg,
}

fn source(t: &BackupTable, c: &BackupColumn) -> ColumnSource {
    match (t.org_from_asset, c.name) {
        (true, "asset_id") => ColumnSource::AssetNumber,
        (true, "org_id") => ColumnSource::AssetOrg,
        _ => ColumnSource::Stored,
    }
}

use ColumnType::{Boolean, Date, Float, Integer, Json, Text, Timestamp, Uuid};

/// The columns a backup reads straight from the table, each with `prefix`.
fn column_list(t: &BackupTable, prefix: &str) -> String {
    t.columns
        .iter()
        .map(|c| format!("{prefix}{}", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns a restore inserts into: the stored ones and `asset_num`.
fn insert_column_list(t: &BackupTable) -> String {
    t.columns
        .iter()
        .filter_map(|c| match source(t, c) {
            ColumnSource::Stored => Some(c.name),
            ColumnSource::AssetNumber => Some("asset_num"),
            ColumnSource::AssetOrg => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SELECT that reads a table in backup order. Names come from [`BACKUP_TABLES`] only.
fn select_sql(t: &BackupTable) -> String {
    if t.name == "organisations" {
        format!(
            "WITH RECURSIVE tree(id, depth) AS ( \
               SELECT id, 0 FROM organisations WHERE parent_id IS NULL \
               UNION ALL SELECT o.id, tree.depth + 1 FROM organisations o JOIN tree ON o.parent_id = tree.id \
             ) SELECT {} FROM organisations o JOIN tree ON tree.id = o.id ORDER BY tree.depth, o.id",
            column_list(t, "o.")
        )
    } else if t.org_from_asset {
        let columns = t
            .columns
            .iter()
            .map(|c| match source(t, c) {
                ColumnSource::Stored => format!("x.{}", c.name),
                ColumnSource::AssetNumber => format!("a.id AS {}", c.name),
                ColumnSource::AssetOrg => format!("a.org_id AS {}", c.name),
            })
            .collect::<Vec<_>>()
            .join(", ");
        // Order by the backed-up values (the asset's id, not its number) so both backends write
        // the same bytes.
        let order = t
            .key
            .iter()
            .map(|name| match t.column(name) {
                Some(c) if source(t, c) == ColumnSource::AssetNumber => "a.id".to_owned(),
                _ => format!("x.{name}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "SELECT {columns} FROM {} x JOIN assets a ON a.num = x.asset_num ORDER BY {order}",
            t.name
        )
    } else {
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            column_list(t, ""),
            t.name,
            t.key.join(", ")
        )
    }
}

fn column_value(row: &SqliteRow, c: &BackupColumn) -> StoreResult<Value> {
    Ok(match c.ty {
        Uuid | Text | Date => get::<Option<String>>(row, c.name)?.map_or(Value::Null, Value::String),
        Integer | Timestamp => get::<Option<i64>>(row, c.name)?.map_or(Value::Null, Value::from),
        Float => match get::<Option<f64>>(row, c.name)? {
            None => Value::Null,
            Some(x) => serde_json::Number::from_f64(x)
                .map(Value::Number)
                .ok_or_else(|| StoreError::Snapshot(format!("stored {} is not a finite number", c.name)))?,
        },
        Boolean => get::<Option<bool>>(row, c.name)?.map_or(Value::Null, Value::Bool),
        Json => match get::<Option<String>>(row, c.name)? {
            None => Value::Null,
            Some(s) => serde_json::from_str(&s)
                .map_err(|_| StoreError::Snapshot(format!("stored {} is not JSON", c.name)))?,
        },
    })
}

#[derive(Serialize)]
struct RowLine<'a> {
    table: &'a str,
    row: &'a Map<String, Value>,
}

fn write_line(out: &mut (dyn Write + Send), value: &impl Serialize) -> StoreResult<()> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|e| StoreError::Snapshot(format!("writing backup: {e}")))?;
    out.write_all(b"\n")
        .map_err(|e| StoreError::Snapshot(format!("writing backup: {e}")))
}

/// Write every table inside one read transaction, so the snapshot is consistent.
pub(crate) async fn write_backup(
    pool: &SqlitePool,
    out: &mut (dyn Write + Send),
    keys: &StoreKeys,
) -> StoreResult<BackupCounts> {
    let mut tx = pool.begin().await.db()?;
    let header = ward_store::backup::header_line("sqlite", keys);
    out.write_all(header.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| StoreError::Snapshot(format!("writing backup: {e}")))?;
    let mut counts = BackupCounts::default();
    for table in BACKUP_TABLES {
        let sql = select_sql(table);
        let mut n = 0_u64;
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await.db()? {
            let mut map = Map::new();
            for c in table.columns {
                map.insert(c.name.to_owned(), column_value(&row, c)?);
            }
            write_line(
                out,
                &RowLine {
                    table: table.name,
                    row: &map,
                },
            )?;
            n += 1;
        }
        drop(rows);
        counts.tables.insert(table.name.to_owned(), n);
    }
    if counts.tables.get("organisations").copied() != Some(table_count(&mut tx, "organisations").await?) {
        return Err(StoreError::Snapshot(
            "the organisation hierarchy has a cycle; cannot order it".into(),
        ));
    }
    tx.commit().await.db()?;
    out.flush()
        .map_err(|e| StoreError::Snapshot(format!("writing backup: {e}")))?;
    Ok(counts)
}

async fn table_count(conn: &mut SqliteConnection, table: &str) -> StoreResult<u64> {
    let sql = format!("SELECT count(*) FROM {table}");
    let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await
        .db()?;
    crate::codec::to_u64("count", n)
}

/// A decoded value ready to bind.
enum Bound {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

fn decode(line: usize, table: &str, c: &BackupColumn, v: &Value) -> StoreResult<Bound> {
    let bad = |what: &str| StoreError::Snapshot(format!("line {line}: {table}.{}: expected {what}", c.name));
    Ok(match (c.ty, v) {
        (_, Value::Null) => Bound::Null,
        (Uuid, Value::String(s)) => {
            let u = uuid::Uuid::parse_str(s).map_err(|_| bad("a UUID"))?;
            Bound::Text(u.hyphenated().to_string())
        }
        (Date, Value::String(s)) => {
            let d: jiff::civil::Date = s.parse().map_err(|_| bad("a date YYYY-MM-DD"))?;
            Bound::Text(crate::codec::date_text(d))
        }
        (Text, Value::String(s)) => Bound::Text(s.clone()),
        (Integer | Timestamp, Value::Number(n)) => {
            Bound::Int(n.as_i64().ok_or_else(|| bad("a 64-bit integer"))?)
        }
        (Float, Value::Number(n)) => Bound::Float(n.as_f64().ok_or_else(|| bad("a number"))?),
        (Boolean, Value::Bool(b)) => Bound::Bool(*b),
        (Json, other) => Bound::Text(other.to_string()),
        (Uuid | Date | Text, _) => return Err(bad("a string")),
        (Integer | Timestamp | Float, _) => return Err(bad("a number")),
        (Boolean, _) => return Err(bad("true or false")),
    })
}

fn push_bound(b: &mut Separated<'_, Sqlite, &'static str>, v: Bound) {
    match v {
        Bound::Null => b.push_bind(None::<String>),
        Bound::Text(s) => b.push_bind(s),
        Bound::Int(i) => b.push_bind(i),
        Bound::Float(x) => b.push_bind(x),
        Bound::Bool(x) => b.push_bind(x),
    };
}

fn push_bound_unseparated(b: &mut Separated<'_, Sqlite, &'static str>, v: Bound) {
    match v {
        Bound::Null => b.push_bind_unseparated(None::<String>),
        Bound::Text(s) => b.push_bind_unseparated(s),
        Bound::Int(i) => b.push_bind_unseparated(i),
        Bound::Float(x) => b.push_bind_unseparated(x),
        Bound::Bool(x) => b.push_bind_unseparated(x),
    };
}

/// Rows buffered for one multi-row INSERT.
struct Batch {
    table: &'static BackupTable,
    rows: Vec<Vec<Bound>>,
}

impl Batch {
    fn capacity(&self) -> usize {
        (30_000 / self.table.columns.len()).min(500)
    }

    async fn flush(&mut self, conn: &mut SqliteConnection) -> StoreResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "INSERT INTO {} ({}) ",
            self.table.name,
            insert_column_list(self.table)
        ));
        let stored: Vec<&BackupColumn> = self
            .table
            .columns
            .iter()
            .filter(|c| source(self.table, c) != ColumnSource::AssetOrg)
            .collect();
        qb.push_values(self.rows.drain(..), |mut b, row| {
            for (v, c) in row.into_iter().zip(&stored) {
                if source(self.table, c) == ColumnSource::AssetNumber {
                    // An unknown asset yields NULL, which the NOT NULL column refuses.
                    b.push("(SELECT num FROM assets WHERE id = ");
                    push_bound_unseparated(&mut b, v);
                    b.push_unseparated(")");
                } else {
                    push_bound(&mut b, v);
                }
            }
        });
        qb.build().execute(&mut *conn).await.map_err(|e| {
            StoreError::Snapshot(format!(
                "restoring {}: {}",
                self.table.name,
                crate::codec::db_err(e)
            ))
        })?;
        Ok(())
    }
}

fn parse_line(line_no: usize, text: &str) -> StoreResult<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(StoreError::Snapshot(format!(
            "line {line_no}: expected a JSON object"
        ))),
        Err(e) => Err(StoreError::Snapshot(format!("line {line_no}: not JSON: {e}"))),
    }
}

/// Load a backup into the (empty, migrated) database behind `conn`, inside the caller's
/// transaction, checking its MAC and re-checking every row; returns the counts and the restored
/// chain's signed head.
pub(crate) async fn read_backup(
    conn: &mut SqliteConnection,
    input: &mut (dyn BufRead + Send),
    keys: &StoreKeys,
) -> StoreResult<(BackupCounts, Option<SignedHead>)> {
    for table in BACKUP_TABLES {
        if table_count(conn, table.name).await? > 0 {
            return Err(StoreError::Snapshot(format!(
                "the database is not empty (table {} has rows); restore needs a new, migrated database",
                table.name
            )));
        }
    }
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .db()?;

    let mut counts: BTreeMap<String, u64> = BACKUP_TABLES.iter().map(|t| (t.name.to_owned(), 0)).collect();
    let mut batch: Option<Batch> = None;
    let mut reader = BackupReader::new(input, keys);
    let mut checker = RestoreChecker::new(keys);
    let mut text = String::new();
    while let Some(line_no) = reader.next_line(&mut text)? {
        let obj = parse_line(line_no, &text)?;
        let name = obj
            .get("table")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let Some(table) = BACKUP_TABLES.iter().find(|t| t.name == name) else {
            return Err(StoreError::Snapshot(format!(
                "line {line_no}: unknown table '{name}'"
            )));
        };
        let Some(Value::Object(row)) = obj.get("row") else {
            return Err(StoreError::Snapshot(format!(
                "line {line_no}: missing \"row\" object"
            )));
        };
        if let Some(extra) = row
            .keys()
            .find(|k| !table.columns.iter().any(|c| c.name == k.as_str()))
        {
            return Err(StoreError::Snapshot(format!(
                "line {line_no}: {name} has no column '{extra}'"
            )));
        }
        checker.row(line_no, table.name, row)?;
        let mut values = Vec::with_capacity(table.columns.len());
        for c in table.columns {
            let v = decode(line_no, table.name, c, row.get(c.name).unwrap_or(&Value::Null))?;
            if source(table, c) != ColumnSource::AssetOrg {
                values.push(v);
            }
        }
        if batch
            .as_ref()
            .is_some_and(|b| b.table.name != table.name || b.rows.len() >= b.capacity())
            && let Some(b) = batch.as_mut()
        {
            b.flush(conn).await?;
        }
        match batch.as_mut() {
            Some(b) if b.table.name == table.name => b.rows.push(values),
            _ => {
                batch = Some(Batch {
                    table,
                    rows: vec![values],
                })
            }
        }
        *counts.entry(name).or_default() += 1;
    }
    if let Some(b) = batch.as_mut() {
        b.flush(conn).await?;
    }
    ward_store::sql::assets::check_loaded_rows(&mut crate::exec::SqliteExec(&mut *conn)).await?;
    Ok((BackupCounts { tables: counts }, checker.finish()))
}
