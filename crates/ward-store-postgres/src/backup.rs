//! Backup and restore (format in `backup_format.rs`), and the rest of `AdminStore`.
//!
//! Backup reads every table inside one `REPEATABLE READ READ ONLY` transaction through a cursor, so
//! the snapshot is consistent and memory stays flat however large the database. Restore loads an
//! empty, migrated database in one transaction with foreign keys deferred (so table and row order
//! do not matter), in batches through `jsonb_to_recordset`, checks the asset and link rows that
//! have no row-level foreign keys (`ward_store::sql::assets::check_loaded_rows`), rebuilds the tables of
//! [`ward_store::backup::REBUILT_ON_RESTORE`] that exist here (`org_rollups`), then moves the
//! sequences of kept serial ids (`backup_format::SEQUENCES`) past the restored ids.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::{AssertSqlSafe, PgConnection};
use ward_core::audit::SignedHead;
use ward_store::backup::{BackupReader, BackupTable, MacWriter, TABLES, header_line};
use ward_store::restore_check::RestoreChecker;
use ward_store::{AdminStore, AuditMeta, BackupCounts, StoreError, StoreKeys, StoreResult};

use crate::PgStore;
use crate::backup_format::{SEQUENCES, declare_sql, insert_sql, needs_rewrite, parse_line, rewrite_row};
use crate::error::map_db_error;
use crate::rows::col;

/// Rows fetched from the cursor per round trip, and the statement that fetches them.
const FETCH_ROWS: usize = 5_000;
const FETCH_STATEMENT: &str = "FETCH 5000 FROM ward_backup";
/// Rows inserted per statement on restore.
const RESTORE_BATCH: usize = 2_000;

fn write_line(out: &mut (dyn std::io::Write + Send), line: &str) -> StoreResult<()> {
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| StoreError::Snapshot(format!("writing the backup failed: {e}")))
}

async fn dump_table(
    conn: &mut PgConnection,
    t: &BackupTable,
    out: &mut (dyn std::io::Write + Send),
) -> StoreResult<u64> {
    sqlx::query(AssertSqlSafe(declare_sql(t)))
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    let prefix = format!("{{\"table\":\"{}\",\"row\":", t.name);
    // PostgreSQL prints jsonb and floats its own way; rewrite those rows as the format writes them.
    let reformat = needs_rewrite(t);
    let mut n = 0u64;
    loop {
        let rows = sqlx::query(FETCH_STATEMENT)
            .fetch_all(&mut *conn)
            .await
            .map_err(map_db_error)?;
        for r in &rows {
            let mut row: String = col(r, "line")?;
            if reformat {
                row = rewrite_row(t, &row)?;
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

/// Rows of one table waiting to be inserted.
struct Batch {
    table: &'static BackupTable,
    rows: Vec<Value>,
    first_line: usize,
}

async fn flush(conn: &mut PgConnection, batch: &mut Batch) -> StoreResult<()> {
    if batch.rows.is_empty() {
        return Ok(());
    }
    let rows = Value::Array(std::mem::take(&mut batch.rows));
    sqlx::query(AssertSqlSafe(insert_sql(batch.table)))
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

/// Fail with `Snapshot` unless every table is empty.
async fn require_empty(conn: &mut PgConnection) -> StoreResult<()> {
    let exists: Vec<String> = TABLES
        .iter()
        .map(|t| format!("EXISTS (SELECT 1 FROM {})", t.name))
        .collect();
    let busy = sqlx::query(AssertSqlSafe(format!("SELECT {} AS busy", exists.join(" OR "))))
        .fetch_one(&mut *conn)
        .await
        .map_err(map_db_error)?;
    if col::<bool>(&busy, "busy")? {
        return Err(StoreError::Snapshot(
            "the database is not empty; restore needs a new, migrated database".into(),
        ));
    }
    Ok(())
}

/// Read every line of `input` into the database on `conn`, checking the MAC as it streams and
/// re-checking every row; returns rows per table and the restored chain's signed head.
async fn load_lines(
    conn: &mut PgConnection,
    input: &mut (dyn std::io::BufRead + Send),
    keys: &StoreKeys,
) -> StoreResult<(BTreeMap<String, u64>, Option<SignedHead>)> {
    let mut counts: BTreeMap<String, u64> = TABLES.iter().map(|t| (t.name.to_owned(), 0)).collect();
    let mut batch: Option<Batch> = None;
    let mut reader = BackupReader::new(input, keys);
    let mut checker = RestoreChecker::new(keys);
    let mut line = String::new();
    while let Some(n) = reader.next_line(&mut line)? {
        let (t, row) = parse_line(line.trim(), n)?;
        if let Value::Object(fields) = &row {
            checker.row(n, t.name, fields)?;
        }
        if let Some(b) = batch.as_mut()
            && (b.table.name != t.name || b.rows.len() >= RESTORE_BATCH)
        {
            flush(conn, b).await?;
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
    if let Some(b) = batch.as_mut() {
        flush(conn, b).await?;
    }
    Ok((counts, checker.finish()))
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
        let mut out = MacWriter::new(out, &self.keys);
        write_line(&mut out, &header_line("postgres", &self.keys))?;
        let mut counts = BTreeMap::new();
        for t in TABLES {
            let n = dump_table(&mut tx, t, &mut out).await?;
            counts.insert(t.name.to_owned(), n);
        }
        tx.commit().await.map_err(map_db_error)?;
        out.finish()?;
        Ok(BackupCounts { tables: counts })
    }

    async fn restore(
        &self,
        input: &mut (dyn std::io::BufRead + Send),
        meta: &AuditMeta,
    ) -> StoreResult<BackupCounts> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        sqlx::query("SET CONSTRAINTS ALL DEFERRED")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        require_empty(&mut tx).await?;
        let (counts, head) = load_lines(&mut tx, input, &self.keys).await?;
        ward_store::sql::assets::check_loaded_rows(&mut crate::exec::PgExec(&mut *tx)).await?;
        // Paths and counters are derived data, not part of the backup.
        ward_store::sql::rollups::rebuild(&mut crate::exec::PgExec(&mut *tx)).await?;
        for (table, column) in SEQUENCES {
            // Names come from the constant list only.
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), coalesce(max({column}), 0) + 1, false) \
                 FROM {table}"
            );
            sqlx::query(AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .map_err(map_db_error)?;
        }
        // Deferred foreign keys are checked here: a failure means the backup's rows do not fit.
        sqlx::query("SET CONSTRAINTS ALL IMMEDIATE")
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::Snapshot(format!(
                    "the backup's rows do not fit together: {}",
                    map_db_error(e)
                ))
            })?;
        // The restored chain's head, signed with this key, then the restore's own record.
        if let Some(h) = &head {
            crate::audit::write_head(&mut tx, h).await?;
        }
        let counts = BackupCounts { tables: counts };
        let event = meta
            .change("backup.restore", "database", self.keys.fingerprint().to_owned())
            .detail(ward_store::restore_check::restore_detail(&counts))
            .build();
        crate::audit::append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(counts)
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fetch_statement_matches_the_batch_size() {
        assert!(FETCH_STATEMENT.contains(&FETCH_ROWS.to_string()));
    }
}
