//! Backup and restore in Ward's backend-neutral snapshot format.
//!
//! # Format (version 1)
//!
//! UTF-8 JSON lines:
//!
//! 1. A header: `{"ward_backup":1,"backend":"sqlite"}` (`backend` names the writer, for humans;
//!    any backend restores any backup).
//! 2. One line per row, tables in the order of [`BACKUP_TABLES`] (foreign-key order) and rows in
//!    primary-key order (organisations parents first, by depth then id):
//!    `{"table":"assets","row":{"id":"…","org_id":"…",…}}`. Every column listed for the table
//!    appears as a key, keys sorted (as `serde_json` writes a map, so both backends write the same
//!    bytes for the same row); NULL is `null`. On restore a missing key reads as NULL and an unknown
//!    key or table is refused, naming the line.
//!
//! The `org_id` of `asset_services` and `asset_software` rows is the owning asset's organisation.
//! SQLite does not store it on the link rows (at national scale that is tens of millions of copies):
//! a backup derives it from `assets`, and a restore checks that it is a UUID and otherwise ignores
//! it (the asset row is the truth). SQLite keys link rows by the asset's internal number
//! (`asset_num`, see `migrations/0003_asset_numbers.sql`); a backup writes the asset's `id` in its
//! place and a restore looks the number up, so the format does not change. Link tables have no
//! foreign keys (`migrations/0007_link_rows_without_foreign_keys.sql`): a restore checks their
//! software and service ids once all rows are loaded.
//!
//! Column values by [`ColumnType`]:
//!
//! | type | JSON |
//! |---|---|
//! | `Uuid` | lower-case hyphenated string |
//! | `Text` | string |
//! | `Integer` | number (64-bit signed) |
//! | `Timestamp` | number: microseconds since 1970-01-01T00:00:00Z |
//! | `Date` | string `YYYY-MM-DD` |
//! | `Boolean` | `true` / `false` |
//! | `Json` | the JSON value itself (not a string holding JSON) |
//!
//! Tables and columns (the PostgreSQL backend writes and reads exactly these names):
//!
//! | table | columns |
//! |---|---|
//! | organisations | id uuid, code text, name text, kind text, parent_id uuid, postcode text, opened date, closed date |
//! | org_links | child_id uuid, parent_id uuid, valid_from date, valid_to date |
//! | services | id uuid, org_id uuid, name text, kind text, criticality integer, daily_throughput integer, throughput_unit text |
//! | software | id integer, name text, vendor text, version text, purl text, cpe text |
//! | assets | id uuid, org_id uuid, name text, kind text, hostname text, internet_facing boolean |
//! | asset_services | asset_id uuid, service_id uuid, org_id uuid, position integer |
//! | asset_software | asset_id uuid, software_id integer, org_id uuid, source text, position integer |
//! | products | id uuid, supplier_id uuid, name text, category text, cpe text |
//! | dependencies | id uuid, org_id uuid, service_id uuid, target_kind text, target_id uuid, note text |
//! | users | id uuid, email text, display_name text, password_hash text, totp_secret text, totp_last_step integer, disabled boolean, failed_logins integer, locked_until timestamp, created_at timestamp |
//! | role_grants | id uuid, user_id uuid, role text, org_id uuid, created_at timestamp, expires_at timestamp, granted_by uuid |
//! | sessions | id_hash text, user_id uuid, acting_grant_id uuid, mfa_pending boolean, csrf_token text, pending_totp_secret text, created_at timestamp, last_seen_at timestamp, expires_at timestamp |
//! | api_tokens | id uuid, name text, token_hash text, created_by uuid, role text, org_id uuid, created_at timestamp, expires_at timestamp, revoked_at timestamp, last_used_at timestamp |
//! | audit_log | seq integer, at timestamp, actor_principal text, actor_role text, actor_org uuid, action text, entity text, entity_id text, org_id uuid, before_digest text, after_digest text, detail text, request_id text, prev_hash text, hash text |
//! | jobs | id uuid, kind text, payload json, status text, run_at timestamp, attempts integer, max_attempts integer, lease_owner text, lease_until timestamp, last_error text, created_at timestamp, dedupe_key text |
//!
//! Restore loads into an empty, migrated database inside one transaction (a non-empty database is
//! refused with `StoreError::Snapshot`). Software ids are kept, so a backend with a sequence behind
//! `software.id` must move the sequence past the largest restored id.

use crate::codec::{DbResult, get};
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::query_builder::Separated;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use ward_store::{BackupCounts, StoreError, StoreResult};

/// The `ward_backup` value in the header line.
pub const BACKUP_FORMAT_VERSION: u64 = 1;

/// How a column is written in a backup; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Uuid,
    Text,
    Integer,
    Timestamp,
    Date,
    Boolean,
    Json,
}

/// Where SQLite keeps a backed-up column of a link table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnSource {
    /// A column of the table itself, under the same name.
    Stored,
    /// `asset_id`: stored as the owning asset's number (`asset_num`); written as the asset's id,
    /// and turned back into a number on restore.
    AssetNumber,
    /// `org_id`: not stored; written from the owning asset's row and ignored on restore.
    AssetOrg,
}

/// One column of a backed-up table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupColumn {
    pub name: &'static str,
    pub ty: ColumnType,
    /// How SQLite stores it.
    pub source: ColumnSource,
}

impl BackupColumn {
    /// Whether the column is read from the owning asset's row rather than from this table.
    fn read_from_asset(&self) -> bool {
        self.source != ColumnSource::Stored
    }

    /// The expression that reads the column in a backup query over `x` joined to its asset `a`.
    fn select_expr(&self) -> String {
        match self.source {
            ColumnSource::Stored => format!("x.{}", self.name),
            ColumnSource::AssetNumber => format!("a.id AS {}", self.name),
            ColumnSource::AssetOrg => format!("a.org_id AS {}", self.name),
        }
    }
}

/// One backed-up table: its columns and the order rows are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupTable {
    pub name: &'static str,
    pub columns: &'static [BackupColumn],
    /// Primary-key order (ignored for `organisations`, which is written parents first).
    pub order_by: &'static str,
}

const fn col(name: &'static str, ty: ColumnType) -> BackupColumn {
    BackupColumn {
        name,
        ty,
        source: ColumnSource::Stored,
    }
}

/// The asset a link row belongs to.
const ASSET_ID: BackupColumn = BackupColumn {
    name: "asset_id",
    ty: ColumnType::Uuid,
    source: ColumnSource::AssetNumber,
};

/// The asset's organisation on a link row.
const ASSET_ORG: BackupColumn = BackupColumn {
    name: "org_id",
    ty: ColumnType::Uuid,
    source: ColumnSource::AssetOrg,
};

use ColumnType::{Boolean, Date, Integer, Json, Text, Timestamp, Uuid};

/// Every table in a backup, in foreign-key order.
pub const BACKUP_TABLES: &[BackupTable] = &[
    BackupTable {
        name: "organisations",
        columns: &[
            col("id", Uuid),
            col("code", Text),
            col("name", Text),
            col("kind", Text),
            col("parent_id", Uuid),
            col("postcode", Text),
            col("opened", Date),
            col("closed", Date),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "org_links",
        columns: &[
            col("child_id", Uuid),
            col("parent_id", Uuid),
            col("valid_from", Date),
            col("valid_to", Date),
        ],
        order_by: "child_id, valid_from",
    },
    BackupTable {
        name: "services",
        columns: &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("criticality", Integer),
            col("daily_throughput", Integer),
            col("throughput_unit", Text),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "software",
        columns: &[
            col("id", Integer),
            col("name", Text),
            col("vendor", Text),
            col("version", Text),
            col("purl", Text),
            col("cpe", Text),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "assets",
        columns: &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("hostname", Text),
            col("internet_facing", Boolean),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "asset_services",
        columns: &[
            ASSET_ID,
            col("service_id", Uuid),
            ASSET_ORG,
            col("position", Integer),
        ],
        order_by: "asset_id, position",
    },
    BackupTable {
        name: "asset_software",
        columns: &[
            ASSET_ID,
            col("software_id", Integer),
            ASSET_ORG,
            col("source", Text),
            col("position", Integer),
        ],
        order_by: "asset_id, position",
    },
    BackupTable {
        name: "products",
        columns: &[
            col("id", Uuid),
            col("supplier_id", Uuid),
            col("name", Text),
            col("category", Text),
            col("cpe", Text),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "dependencies",
        columns: &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("service_id", Uuid),
            col("target_kind", Text),
            col("target_id", Uuid),
            col("note", Text),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "users",
        columns: &[
            col("id", Uuid),
            col("email", Text),
            col("display_name", Text),
            col("password_hash", Text),
            col("totp_secret", Text),
            col("totp_last_step", Integer),
            col("disabled", Boolean),
            col("failed_logins", Integer),
            col("locked_until", Timestamp),
            col("created_at", Timestamp),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "role_grants",
        columns: &[
            col("id", Uuid),
            col("user_id", Uuid),
            col("role", Text),
            col("org_id", Uuid),
            col("created_at", Timestamp),
            col("expires_at", Timestamp),
            col("granted_by", Uuid),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "sessions",
        columns: &[
            col("id_hash", Text),
            col("user_id", Uuid),
            col("acting_grant_id", Uuid),
            col("mfa_pending", Boolean),
            col("csrf_token", Text),
            col("pending_totp_secret", Text),
            col("created_at", Timestamp),
            col("last_seen_at", Timestamp),
            col("expires_at", Timestamp),
        ],
        order_by: "id_hash",
    },
    BackupTable {
        name: "api_tokens",
        columns: &[
            col("id", Uuid),
            col("name", Text),
            col("token_hash", Text),
            col("created_by", Uuid),
            col("role", Text),
            col("org_id", Uuid),
            col("created_at", Timestamp),
            col("expires_at", Timestamp),
            col("revoked_at", Timestamp),
            col("last_used_at", Timestamp),
        ],
        order_by: "id",
    },
    BackupTable {
        name: "audit_log",
        columns: &[
            col("seq", Integer),
            col("at", Timestamp),
            col("actor_principal", Text),
            col("actor_role", Text),
            col("actor_org", Uuid),
            col("action", Text),
            col("entity", Text),
            col("entity_id", Text),
            col("org_id", Uuid),
            col("before_digest", Text),
            col("after_digest", Text),
            col("detail", Text),
            col("request_id", Text),
            col("prev_hash", Text),
            col("hash", Text),
        ],
        order_by: "seq",
    },
    BackupTable {
        name: "jobs",
        columns: &[
            col("id", Uuid),
            col("kind", Text),
            col("payload", Json),
            col("status", Text),
            col("run_at", Timestamp),
            col("attempts", Integer),
            col("max_attempts", Integer),
            col("lease_owner", Text),
            col("lease_until", Timestamp),
            col("last_error", Text),
            col("created_at", Timestamp),
            col("dedupe_key", Text),
        ],
        order_by: "id",
    },
];

/// The columns a backup reads straight from the table, each with `prefix`.
fn column_list(t: &BackupTable, prefix: &str) -> String {
    t.columns
        .iter()
        .filter(|c| !c.read_from_asset())
        .map(|c| format!("{prefix}{}", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns a restore inserts into: the stored ones and `asset_num`.
fn insert_column_list(t: &BackupTable) -> String {
    t.columns
        .iter()
        .filter_map(|c| match c.source {
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
    } else if t.columns.iter().any(BackupColumn::read_from_asset) {
        let columns = t
            .columns
            .iter()
            .map(BackupColumn::select_expr)
            .collect::<Vec<_>>()
            .join(", ");
        // Order by the backed-up values (the asset's id, not its number) so both backends write
        // the same bytes.
        let order = t
            .order_by
            .split(", ")
            .map(|name| match t.columns.iter().find(|c| c.name == name) {
                Some(c) if c.source == ColumnSource::AssetNumber => "a.id".to_owned(),
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
            t.order_by
        )
    }
}

fn column_value(row: &SqliteRow, c: &BackupColumn) -> StoreResult<Value> {
    Ok(match c.ty {
        Uuid | Text | Date => get::<Option<String>>(row, c.name)?.map_or(Value::Null, Value::String),
        Integer | Timestamp => get::<Option<i64>>(row, c.name)?.map_or(Value::Null, Value::from),
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
) -> StoreResult<BackupCounts> {
    let mut tx = pool.begin().await.db()?;
    write_line(
        out,
        &serde_json::json!({ "ward_backup": BACKUP_FORMAT_VERSION, "backend": "sqlite" }),
    )?;
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
        (Boolean, Value::Bool(b)) => Bound::Bool(*b),
        (Json, other) => Bound::Text(other.to_string()),
        (Uuid | Date | Text, _) => return Err(bad("a string")),
        (Integer | Timestamp, _) => return Err(bad("a number")),
        (Boolean, _) => return Err(bad("true or false")),
    })
}

fn push_bound(b: &mut Separated<'_, Sqlite, &'static str>, v: Bound) {
    match v {
        Bound::Null => b.push_bind(None::<String>),
        Bound::Text(s) => b.push_bind(s),
        Bound::Int(i) => b.push_bind(i),
        Bound::Bool(x) => b.push_bind(x),
    };
}

fn push_bound_unseparated(b: &mut Separated<'_, Sqlite, &'static str>, v: Bound) {
    match v {
        Bound::Null => b.push_bind_unseparated(None::<String>),
        Bound::Text(s) => b.push_bind_unseparated(s),
        Bound::Int(i) => b.push_bind_unseparated(i),
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
            .filter(|c| c.source != ColumnSource::AssetOrg)
            .collect();
        qb.push_values(self.rows.drain(..), |mut b, row| {
            for (v, c) in row.into_iter().zip(&stored) {
                if c.source == ColumnSource::AssetNumber {
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

/// Load a backup into the (empty, migrated) database behind `conn`, inside the caller's transaction.
pub(crate) async fn read_backup(
    conn: &mut SqliteConnection,
    input: &mut (dyn BufRead + Send),
) -> StoreResult<BackupCounts> {
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
    let mut header_seen = false;
    let mut line_no = 0_usize;
    let mut text = String::new();
    loop {
        text.clear();
        let read = input
            .read_line(&mut text)
            .map_err(|e| StoreError::Snapshot(format!("reading backup: {e}")))?;
        if read == 0 {
            break;
        }
        line_no += 1;
        if text.trim().is_empty() {
            continue;
        }
        let obj = parse_line(line_no, &text)?;
        if !header_seen {
            let version = obj.get("ward_backup").and_then(Value::as_u64);
            if version != Some(BACKUP_FORMAT_VERSION) {
                return Err(StoreError::Snapshot(format!(
                    "line {line_no}: not a Ward backup of format version {BACKUP_FORMAT_VERSION}"
                )));
            }
            header_seen = true;
            continue;
        }
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
        let mut values = Vec::with_capacity(table.columns.len());
        for c in table.columns {
            let v = decode(line_no, table.name, c, row.get(c.name).unwrap_or(&Value::Null))?;
            if c.source != ColumnSource::AssetOrg {
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
    if !header_seen {
        return Err(StoreError::Snapshot("the backup is empty".into()));
    }
    crate::assets::check_link_rows(conn).await?;
    Ok(BackupCounts { tables: counts })
}
