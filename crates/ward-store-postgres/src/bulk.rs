//! PostgreSQL's bulk path for [`ward_store::sql::Exec::insert_rows`]: one array per column,
//! `INSERT ... SELECT * FROM UNNEST($1::text[], ...)`, so a statement carries thousands of rows in
//! a handful of parameters.

use sqlx::PgConnection;
use ward_store::StoreResult;
use ward_store::sql::bulk::{Column, Rows};
use ward_store::sql::db_error;

/// Rows per statement at most.
const MAX_ROWS: usize = 50_000;
/// Bytes of values per statement to aim for (a row is counted as its texts plus 8 per other value).
const TARGET_BYTES: usize = 16 << 20;

fn cast(c: &Column) -> &'static str {
    match c {
        Column::Text(_) => "text[]",
        Column::I64(_) => "int8[]",
        Column::F64(_) => "float8[]",
        Column::Bool(_) => "bool[]",
        Column::Date(_) => "text[]::date[]",
        Column::Uuid(_) => "uuid[]",
    }
}

/// Rows per statement: as many as fit [`TARGET_BYTES`] on average, at most [`MAX_ROWS`].
fn rows_per_statement(rows: &Rows) -> usize {
    let n = rows.len().max(1);
    let bytes: usize = rows
        .columns
        .iter()
        .map(|(_, c)| match c {
            Column::Text(v) => v.iter().map(|s| s.as_ref().map_or(1, String::len)).sum(),
            other => 8 * other.len(),
        })
        .sum();
    (TARGET_BYTES / (bytes / n).max(1)).clamp(1, MAX_ROWS)
}

/// Split `v` into runs of `per` values.
fn runs<T>(mut v: Vec<T>, per: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(v.len() / per + 1);
    while v.len() > per {
        let rest = v.split_off(per);
        out.push(std::mem::replace(&mut v, rest));
    }
    out.push(v);
    out
}

type Query = sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Each column's values split into runs, to bind run by run.
enum Runs {
    Text(std::vec::IntoIter<Vec<Option<String>>>),
    I64(std::vec::IntoIter<Vec<Option<i64>>>),
    F64(std::vec::IntoIter<Vec<Option<f64>>>),
    Bool(std::vec::IntoIter<Vec<Option<bool>>>),
    Uuid(std::vec::IntoIter<Vec<Option<uuid::Uuid>>>),
}

impl Runs {
    fn of(c: Column, per: usize) -> Self {
        match c {
            Column::Text(v) => Self::Text(runs(v, per).into_iter()),
            Column::I64(v) => Self::I64(runs(v, per).into_iter()),
            Column::F64(v) => Self::F64(runs(v, per).into_iter()),
            Column::Bool(v) => Self::Bool(runs(v, per).into_iter()),
            Column::Uuid(v) => Self::Uuid(runs(v, per).into_iter()),
            Column::Date(v) => {
                let text = v.into_iter().map(|d| d.map(|d| d.to_string())).collect();
                Self::Text(runs(text, per).into_iter())
            }
        }
    }

    /// Bind the next run.
    fn bind_next(&mut self, q: Query) -> Query {
        match self {
            Self::Text(r) => q.bind(r.next().unwrap_or_default()),
            Self::I64(r) => q.bind(r.next().unwrap_or_default()),
            Self::F64(r) => q.bind(r.next().unwrap_or_default()),
            Self::Bool(r) => q.bind(r.next().unwrap_or_default()),
            Self::Uuid(r) => q.bind(r.next().unwrap_or_default()),
        }
    }
}

/// Insert the rows with `UNNEST`, many per statement; the rows they changed.
pub(crate) async fn insert_unnest(conn: &mut PgConnection, rows: Rows) -> StoreResult<u64> {
    let n = rows.len();
    if n == 0 {
        return Ok(0);
    }
    let per = rows_per_statement(&rows);
    let arrays: Vec<String> = rows
        .columns
        .iter()
        .enumerate()
        .map(|(i, (_, c))| format!("${}::{}", i + 1, cast(c)))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM UNNEST({}) {}",
        rows.table,
        rows.names(),
        arrays.join(", "),
        rows.on_conflict
    );
    let mut columns: Vec<Runs> = rows.columns.into_iter().map(|(_, c)| Runs::of(c, per)).collect();
    let mut changed = 0;
    for _ in 0..n.div_ceil(per) {
        let q = columns
            .iter_mut()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, c| {
                c.bind_next(q)
            });
        changed += q.execute(&mut *conn).await.map_err(db_error)?.rows_affected();
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_value_in_order() {
        assert_eq!(
            runs(vec![1, 2, 3, 4, 5], 2),
            vec![vec![1, 2], vec![3, 4], vec![5]]
        );
        assert_eq!(runs(vec![1, 2], 2), vec![vec![1, 2]]);
    }

    #[test]
    fn big_rows_make_small_statements() {
        let small = Rows::new("t").column("a", Column::i64((0..10).map(Some)));
        assert_eq!(rows_per_statement(&small), MAX_ROWS);
        let doc = "x".repeat(1 << 20);
        let big = Rows::new("t").column("doc", Column::text(vec![doc; 4]));
        assert_eq!(rows_per_statement(&big), 16);
    }
}
