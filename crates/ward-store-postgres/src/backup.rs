//! Backup and restore in Ward's backend-neutral JSON-lines format, and the rest of `AdminStore`.
//!
//! The format is the one documented in `ward-store-sqlite`'s backup module: a header line
//! `{"ward_backup":1,"backend":"postgres"}`, one line per row `{"table":"<name>","row":{...}}`
//! (tables in foreign-key order, organisations parents first, other rows in key order), and a
//! closing line `{"counts":{<table>:<rows>,...}}`. Values: uuids as strings, timestamps as integer
//! microseconds, dates as `YYYY-MM-DD`, booleans as JSON booleans, job payloads as JSON values,
//! software ids as integers. JSON keys are the shared names, mapped here to this schema's columns.
//!
//! Backup reads every table inside one `REPEATABLE READ READ ONLY` transaction through a cursor, so
//! the snapshot is consistent and memory stays flat. Restore loads an empty, migrated database in one
//! transaction with foreign keys deferred, in batches through `jsonb_to_recordset`; the link tables'
//! `org_id` (not in the shared format) is taken from their asset.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, PgConnection};
use ward_store::{AdminStore, BackupCounts, StoreError, StoreResult};

use crate::PgStore;
use crate::error::map_db_error;
use crate::rows::col;

/// The format version written in the header.
const FORMAT_VERSION: u64 = 1;
/// Rows fetched from the cursor per round trip, and the statement that fetches them.
const FETCH_ROWS: usize = 5_000;
const FETCH_STATEMENT: &str = "FETCH 5000 FROM ward_backup";
/// Rows inserted per statement on restore.
const RESTORE_BATCH: usize = 2_000;

/// One column as it appears in a backup: its JSON key, the PostgreSQL column it comes from, and
/// the SQL type the JSON value is read back as.
#[derive(Debug)]
struct Col {
    json: &'static str,
    column: &'static str,
    ty: &'static str,
}

const fn c(json: &'static str, column: &'static str, ty: &'static str) -> Col {
    Col { json, column, ty }
}

/// One backed-up table.
#[derive(Debug)]
struct TableSpec {
    name: &'static str,
    cols: &'static [Col],
    /// The FROM clause (table aliased `t`) and the row order.
    from: &'static str,
    order_by: &'static str,
    /// Link tables carry the asset's org_id here but not in the backup: restore derives it.
    org_from_asset: bool,
}

impl TableSpec {
    fn has_key(&self, k: &str) -> bool {
        self.cols.iter().any(|c| c.json == k)
    }

    /// The cursor over the table's rows, each as one compact JSON object text with its keys in
    /// sorted order (as `serde_json` writes a map, so both backends write the same bytes).
    fn declare_sql(&self) -> String {
        let mut cols: Vec<&Col> = self.cols.iter().collect();
        cols.sort_by_key(|c| c.json);
        let fields: Vec<String> = cols
            .iter()
            .map(|c| format!("t.{} AS \"{}\"", c.column, c.json))
            .collect();
        format!(
            "DECLARE ward_backup NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS line FROM {} \
             CROSS JOIN LATERAL (SELECT {}) r ORDER BY {}",
            self.from,
            fields.join(", "),
            self.order_by
        )
    }

    /// The batch insert from a JSON array of row objects bound as `$1`.
    fn insert_sql(&self) -> String {
        let mut targets: Vec<&str> = self.cols.iter().map(|c| c.column).collect();
        let mut values: Vec<String> = self.cols.iter().map(|c| format!("r.\"{}\"", c.json)).collect();
        let defs: Vec<String> = self
            .cols
            .iter()
            .map(|c| format!("\"{}\" {}", c.json, c.ty))
            .collect();
        let mut join = String::new();
        if self.org_from_asset {
            targets.push("org_id");
            values.push("a.org_id".to_owned());
            join.push_str(" LEFT JOIN assets a ON a.id = r.asset_id");
        }
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM jsonb_to_recordset($1::jsonb) AS r({}){}",
            self.name,
            targets.join(", "),
            values.join(", "),
            defs.join(", "),
            join
        )
    }
}

/// Every table, in foreign-key order, with the JSON names of the shared format (see the module
/// documentation of `ward-store-sqlite`'s backup). Organisations are written parents first.
const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "organisations",
        cols: &[
            c("id", "id", "uuid"),
            c("code", "code", "text"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("parent_id", "parent_id", "uuid"),
            c("postcode", "postcode", "text"),
            c("opened", "opened", "date"),
            c("closed", "closed", "date"),
        ],
        from: "organisations t LEFT JOIN (
                   WITH RECURSIVE tree(id, depth) AS (
                       SELECT id, 0 FROM organisations WHERE parent_id IS NULL
                     UNION ALL
                       SELECT o.id, tree.depth + 1 FROM organisations o JOIN tree ON o.parent_id = tree.id
                        WHERE tree.depth < 64
                   )
                   SELECT id, min(depth) AS depth FROM tree GROUP BY id
               ) x ON x.id = t.id",
        order_by: "coalesce(x.depth, 1000), t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "org_links",
        cols: &[
            c("child", "child_id", "uuid"),
            c("parent", "parent_id", "uuid"),
            c("valid_from", "valid_from", "date"),
            c("valid_to", "valid_to", "date"),
        ],
        from: "org_links t",
        order_by: "t.child_id, t.valid_from",
        org_from_asset: false,
    },
    TableSpec {
        name: "services",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("criticality", "criticality", "integer"),
            c("daily_throughput", "daily_throughput", "bigint"),
            c("throughput_unit", "throughput_unit", "text"),
        ],
        from: "services t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "software",
        cols: &[
            c("id", "id", "bigint"),
            c("name", "name", "text"),
            c("vendor", "vendor", "text"),
            c("version", "version", "text"),
            c("purl", "purl", "text"),
            c("cpe", "cpe", "text"),
        ],
        from: "software t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "assets",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("hostname", "hostname", "text"),
            c("internet_facing", "internet_facing", "boolean"),
        ],
        from: "assets t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "asset_services",
        cols: &[
            c("asset_id", "asset_id", "uuid"),
            c("service_id", "service_id", "uuid"),
            c("position", "position", "integer"),
        ],
        from: "asset_services t",
        order_by: "t.asset_id, t.service_id",
        org_from_asset: true,
    },
    TableSpec {
        name: "asset_software",
        cols: &[
            c("asset_id", "asset_id", "uuid"),
            c("position", "position", "integer"),
            c("software_id", "software_id", "bigint"),
            c("source", "source", "text"),
        ],
        from: "asset_software t",
        order_by: "t.asset_id, t.position",
        org_from_asset: true,
    },
    TableSpec {
        name: "products",
        cols: &[
            c("id", "id", "uuid"),
            c("supplier_id", "supplier_id", "uuid"),
            c("name", "name", "text"),
            c("category", "category", "text"),
            c("cpe", "cpe", "text"),
        ],
        from: "products t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "dependencies",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("service_id", "service_id", "uuid"),
            c("target_kind", "target_kind", "text"),
            c("target_id", "target_id", "uuid"),
            c("note", "note", "text"),
        ],
        from: "dependencies t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "users",
        cols: &[
            c("id", "id", "uuid"),
            c("email", "email", "text"),
            c("display_name", "display_name", "text"),
            c("password_hash", "password_hash", "text"),
            c("totp_secret", "totp_secret", "text"),
            c("totp_last_step", "totp_last_step", "bigint"),
            c("disabled", "disabled", "boolean"),
            c("failed_logins", "failed_logins", "bigint"),
            c("locked_until", "locked_until", "bigint"),
            c("created_at", "created_at", "bigint"),
        ],
        from: "users t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "role_grants",
        cols: &[
            c("id", "id", "uuid"),
            c("user_id", "user_id", "uuid"),
            c("role", "role", "text"),
            c("org_id", "org_id", "uuid"),
            c("created_at", "created_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
            c("granted_by", "granted_by", "uuid"),
        ],
        from: "role_grants t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "sessions",
        cols: &[
            c("id_hash", "id_hash", "text"),
            c("user_id", "user_id", "uuid"),
            c("acting_grant", "acting_grant_id", "uuid"),
            c("mfa_pending", "mfa_pending", "boolean"),
            c("csrf_token", "csrf_token", "text"),
            c("created_at", "created_at", "bigint"),
            c("last_seen_at", "last_seen_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
        ],
        from: "sessions t",
        order_by: "t.id_hash",
        org_from_asset: false,
    },
    TableSpec {
        name: "api_tokens",
        cols: &[
            c("id", "id", "uuid"),
            c("name", "name", "text"),
            c("token_hash", "token_hash", "text"),
            c("created_by", "created_by", "uuid"),
            c("role", "role", "text"),
            c("org_id", "org_id", "uuid"),
            c("created_at", "created_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
            c("revoked_at", "revoked_at", "bigint"),
            c("last_used_at", "last_used_at", "bigint"),
        ],
        from: "api_tokens t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "audit_log",
        cols: &[
            c("seq", "seq", "bigint"),
            c("at_us", "at", "bigint"),
            c("actor", "actor_principal", "text"),
            c("actor_role", "actor_role", "text"),
            c("acting_org", "actor_org", "uuid"),
            c("action", "action", "text"),
            c("entity", "entity", "text"),
            c("entity_id", "entity_id", "text"),
            c("org_id", "org_id", "uuid"),
            c("before_digest", "before_digest", "text"),
            c("after_digest", "after_digest", "text"),
            c("detail", "detail", "text"),
            c("request_id", "request_id", "text"),
            c("prev_hash", "prev_hash", "text"),
            c("hash", "hash", "text"),
        ],
        from: "audit_log t",
        order_by: "t.seq",
        org_from_asset: false,
    },
    TableSpec {
        name: "jobs",
        cols: &[
            c("id", "id", "uuid"),
            c("kind", "kind", "text"),
            c("payload", "payload", "jsonb"),
            c("status", "status", "text"),
            c("run_at", "run_at", "bigint"),
            c("attempts", "attempts", "bigint"),
            c("max_attempts", "max_attempts", "bigint"),
            c("lease_owner", "lease_owner", "text"),
            c("lease_until", "lease_until", "bigint"),
            c("last_error", "last_error", "text"),
            c("created_at", "created_at", "bigint"),
            c("dedupe_key", "dedupe_key", "text"),
        ],
        from: "jobs t",
        order_by: "t.id",
        org_from_asset: false,
    },
];

fn spec(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

fn write_line(out: &mut (dyn std::io::Write + Send), line: &str) -> StoreResult<()> {
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| StoreError::Snapshot(format!("writing the backup failed: {e}")))
}

async fn dump_table(
    conn: &mut PgConnection,
    t: &TableSpec,
    out: &mut (dyn std::io::Write + Send),
) -> StoreResult<u64> {
    // Built only from the constant table specs above.
    sqlx::query(AssertSqlSafe(t.declare_sql()))
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    let prefix = format!("{{\"table\":\"{}\",\"row\":", t.name);
    // PostgreSQL prints jsonb with spaces and its own key order; rewrite those rows compactly.
    let reformat = t.cols.iter().any(|c| c.ty == "jsonb");
    let mut n = 0u64;
    loop {
        let rows = sqlx::query(FETCH_STATEMENT)
            .fetch_all(&mut *conn)
            .await
            .map_err(map_db_error)?;
        for r in &rows {
            let mut row: String = col(r, "line")?;
            if reformat {
                row = compact_json(&row)?;
            }
            let mut line = String::with_capacity(prefix.len() + row.len() + 1);
            line.push_str(&prefix);
            line.push_str(&row);
            line.push('}');
            write_line(out, &line)?;
            n += 1;
        }
        if rows.len() < FETCH_ROWS {
            break;
        }
    }
    sqlx::query("CLOSE ward_backup")
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    Ok(n)
}

/// `text` re-serialised by `serde_json`: compact, map keys sorted.
fn compact_json(text: &str) -> StoreResult<String> {
    let v: Value =
        serde_json::from_str(text).map_err(|_| StoreError::Backend("a stored row is not JSON".into()))?;
    Ok(v.to_string())
}

/// Rows of one table waiting to be inserted.
struct Batch {
    table: &'static TableSpec,
    rows: Vec<Value>,
    first_line: usize,
}

async fn flush(conn: &mut PgConnection, batch: &mut Batch) -> StoreResult<()> {
    if batch.rows.is_empty() {
        return Ok(());
    }
    let rows = Value::Array(std::mem::take(&mut batch.rows));
    sqlx::query(AssertSqlSafe(batch.table.insert_sql()))
        .bind(&rows)
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            StoreError::Snapshot(format!(
                "table {} (rows from line {}): {}",
                batch.table.name,
                batch.first_line,
                map_db_error(e)
            ))
        })?;
    Ok(())
}

/// Check the header line.
fn check_header(line: &str) -> StoreResult<()> {
    let v: Value = serde_json::from_str(line)
        .map_err(|_| StoreError::Snapshot("line 1: not a Ward backup header".into()))?;
    match v.get("ward_backup").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(StoreError::Snapshot(format!(
            "line 1: backup format {other} is not supported"
        ))),
        None => Err(StoreError::Snapshot("line 1: not a Ward backup header".into())),
    }
}

/// One line after the header.
enum Line {
    Row(&'static TableSpec, Value),
    /// The closing line with every table's row count.
    Counts(Map<String, Value>),
}

/// Parse a line after the header, naming the line on error.
fn parse_line(line: &str, n: usize) -> StoreResult<Line> {
    let v: Value =
        serde_json::from_str(line).map_err(|e| StoreError::Snapshot(format!("line {n}: not JSON ({e})")))?;
    let Value::Object(mut obj) = v else {
        return Err(StoreError::Snapshot(format!("line {n}: expected an object")));
    };
    if let Some(Value::Object(counts)) = obj.remove("counts") {
        return Ok(Line::Counts(counts));
    }
    let table = obj
        .get("table")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let t = spec(&table).ok_or_else(|| StoreError::Snapshot(format!("line {n}: unknown table '{table}'")))?;
    let row = obj.remove("row").unwrap_or(Value::Null);
    let Value::Object(fields) = &row else {
        return Err(StoreError::Snapshot(format!("line {n}: 'row' must be an object")));
    };
    if let Some(k) = fields.keys().find(|k| !t.has_key(k)) {
        return Err(StoreError::Snapshot(format!(
            "line {n}: table {table} has no column '{k}'"
        )));
    }
    Ok(Line::Row(t, row))
}

/// Compare the closing counts with the rows read.
fn check_counts(expected: Option<&Map<String, Value>>, read: &BTreeMap<String, u64>) -> StoreResult<()> {
    let Some(expected) = expected else {
        return Err(StoreError::Snapshot(
            "the backup is truncated: its closing counts line is missing".into(),
        ));
    };
    for (table, n) in read {
        let want = expected.get(table).and_then(Value::as_u64).unwrap_or(0);
        if want != *n {
            return Err(StoreError::Snapshot(format!(
                "table {table}: the backup says {want} rows but holds {n}"
            )));
        }
    }
    Ok(())
}

#[async_trait]
impl AdminStore for PgStore {
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!()
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_db_error)?;
        Ok(())
    }

    async fn backup(&self, out: &mut (dyn std::io::Write + Send)) -> StoreResult<BackupCounts> {
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(map_db_error)?;
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let header = serde_json::json!({ "ward_backup": FORMAT_VERSION, "backend": "postgres" });
        write_line(out, &header.to_string())?;
        let mut counts = BTreeMap::new();
        for t in TABLES {
            let n = dump_table(&mut tx, t, out).await?;
            counts.insert(t.name.to_owned(), n);
        }
        write_line(out, &serde_json::json!({ "counts": counts }).to_string())?;
        out.flush()
            .map_err(|e| StoreError::Snapshot(format!("writing the backup failed: {e}")))?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(BackupCounts { tables: counts })
    }

    async fn restore(&self, input: &mut (dyn std::io::BufRead + Send)) -> StoreResult<BackupCounts> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        sqlx::query("SET CONSTRAINTS ALL DEFERRED")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let exists: Vec<String> = TABLES
            .iter()
            .map(|t| format!("EXISTS (SELECT 1 FROM {})", t.name))
            .collect();
        let busy = sqlx::query(AssertSqlSafe(format!("SELECT {} AS busy", exists.join(" OR "))))
            .fetch_one(&mut *tx)
            .await
            .map_err(map_db_error)?;
        if col::<bool>(&busy, "busy")? {
            return Err(StoreError::Snapshot(
                "the database is not empty; restore needs a new, migrated database".into(),
            ));
        }

        let mut counts: BTreeMap<String, u64> = TABLES.iter().map(|t| (t.name.to_owned(), 0)).collect();
        let mut batch: Option<Batch> = None;
        let mut line = String::new();
        let mut n = 0usize;
        let mut seen_header = false;
        let mut closing: Option<Map<String, Value>> = None;
        loop {
            line.clear();
            let read = input
                .read_line(&mut line)
                .map_err(|e| StoreError::Snapshot(format!("line {}: reading failed: {e}", n + 1)))?;
            if read == 0 {
                break;
            }
            n += 1;
            let text = line.trim();
            if text.is_empty() {
                continue;
            }
            if !seen_header {
                check_header(text)?;
                seen_header = true;
                continue;
            }
            if closing.is_some() {
                return Err(StoreError::Snapshot(format!(
                    "line {n}: content after the closing counts line"
                )));
            }
            let (t, row) = match parse_line(text, n)? {
                Line::Counts(c) => {
                    closing = Some(c);
                    continue;
                }
                Line::Row(t, row) => (t, row),
            };
            if let Some(b) = batch.as_mut()
                && (b.table.name != t.name || b.rows.len() >= RESTORE_BATCH)
            {
                flush(&mut tx, b).await?;
            }
            let b = batch.get_or_insert_with(|| Batch {
                table: t,
                rows: Vec::new(),
                first_line: n,
            });
            if b.rows.is_empty() {
                b.table = t;
                b.first_line = n;
            }
            b.rows.push(row);
            *counts.entry(t.name.to_owned()).or_insert(0) += 1;
        }
        if !seen_header {
            return Err(StoreError::Snapshot("the backup is empty".into()));
        }
        if let Some(b) = batch.as_mut() {
            flush(&mut tx, b).await?;
        }
        check_counts(closing.as_ref(), &counts)?;
        sqlx::query("SELECT setval(pg_get_serial_sequence('software', 'id'), coalesce(max(id), 0) + 1, false) FROM software")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        // Deferred foreign keys are checked here; name the failure as a snapshot problem.
        sqlx::query("SET CONSTRAINTS ALL IMMEDIATE")
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::Snapshot(format!(
                    "the backup's rows do not fit together: {}",
                    map_db_error(e)
                ))
            })?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(BackupCounts { tables: counts })
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_listed_once_and_its_sql_names_every_column() {
        let mut names: Vec<_> = TABLES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLES.len());
        for t in TABLES {
            let (declare, insert) = (t.declare_sql(), t.insert_sql());
            for c in t.cols {
                assert!(
                    declare.contains(&format!("t.{} AS \"{}\"", c.column, c.json)),
                    "{}.{}",
                    t.name,
                    c.json
                );
                assert!(
                    insert.contains(&format!("\"{}\" {}", c.json, c.ty)),
                    "{}.{}",
                    t.name,
                    c.json
                );
            }
            assert_eq!(insert.contains("a.org_id"), t.org_from_asset);
        }
        assert!(spec("org_links").is_some_and(|t| t.has_key("child") && !t.has_key("child_id")));
        assert!(FETCH_STATEMENT.contains(&FETCH_ROWS.to_string()));
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_line(r#"{"table":"nope","row":{}}"#, 7).err().unwrap();
        assert!(e.to_string().contains("line 7"));
        let e = parse_line(r#"{"table":"users","row":{"shoe_size":1}}"#, 3)
            .err()
            .unwrap();
        assert!(e.to_string().contains("shoe_size"));
        assert!(matches!(
            parse_line(r#"{"counts":{"users":1}}"#, 4),
            Ok(Line::Counts(_))
        ));
        assert!(check_header(r#"{"ward_backup":2}"#).is_err());
        assert!(check_header(r#"{"ward_backup":1,"backend":"sqlite"}"#).is_ok());
    }

    #[test]
    fn counts_must_match_the_rows_read() {
        let read = BTreeMap::from([("users".to_owned(), 2u64), ("jobs".to_owned(), 0)]);
        assert!(check_counts(None, &read).is_err());
        let mut expected = Map::new();
        expected.insert("users".into(), Value::from(2));
        assert!(check_counts(Some(&expected), &read).is_ok());
        expected.insert("users".into(), Value::from(3));
        assert!(
            check_counts(Some(&expected), &read)
                .unwrap_err()
                .to_string()
                .contains("users")
        );
    }
}
