//! Bulk loads: many rows of one table given column by column. What to load is decided once, in
//! the store's rules; how is the one place the engines differ ([`Exec::insert_rows`]): multi-row
//! `VALUES` statements here (SQLite, and any engine without a faster path), `UNNEST` of one array
//! per column on PostgreSQL.

use jiff::civil::Date;

use super::{Arg, Exec, IntoArg, Sql};
use crate::StoreResult;

/// The values of one column, one per row; `None` is NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Text(Vec<Option<String>>),
    I64(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<Date>>),
    Uuid(Vec<Option<uuid::Uuid>>),
}

impl Column {
    pub fn text<T: Into<Option<String>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Text(values.into_iter().map(Into::into).collect())
    }
    pub fn i64<T: Into<Option<i64>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::I64(values.into_iter().map(Into::into).collect())
    }
    pub fn f64<T: Into<Option<f64>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::F64(values.into_iter().map(Into::into).collect())
    }
    pub fn bool<T: Into<Option<bool>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Bool(values.into_iter().map(Into::into).collect())
    }
    pub fn date<T: Into<Option<Date>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Date(values.into_iter().map(Into::into).collect())
    }
    pub fn uuid<T: Into<Option<uuid::Uuid>>>(values: impl IntoIterator<Item = T>) -> Self {
        Self::Uuid(values.into_iter().map(Into::into).collect())
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Text(v) => v.len(),
            Self::I64(v) => v.len(),
            Self::F64(v) => v.len(),
            Self::Bool(v) => v.len(),
            Self::Date(v) => v.len(),
            Self::Uuid(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`'s value, taken out of the column.
    fn take(&mut self, i: usize) -> Arg {
        match self {
            Self::Text(v) => v[i].take().into_arg(),
            Self::I64(v) => v[i].into_arg(),
            Self::F64(v) => v[i].into_arg(),
            Self::Bool(v) => v[i].into_arg(),
            Self::Date(v) => v[i].into_arg(),
            Self::Uuid(v) => v[i].into_arg(),
        }
    }
}

/// Rows for one table, column by column, and what to do on a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub table: &'static str,
    pub columns: Vec<(&'static str, Column)>,
    /// Appended after the rows: an `ON CONFLICT ...` clause (both engines read the same text), or
    /// nothing.
    pub on_conflict: &'static str,
}

impl Rows {
    pub fn new(table: &'static str) -> Self {
        Self {
            table,
            columns: Vec::new(),
            on_conflict: "",
        }
    }

    pub fn column(mut self, name: &'static str, values: Column) -> Self {
        self.columns.push((name, values));
        self
    }

    pub fn on_conflict(mut self, clause: &'static str) -> Self {
        self.on_conflict = clause;
        self
    }

    /// Rows given (the length of the first column; every column must be as long).
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column names, comma-separated.
    pub fn names(&self) -> String {
        self.columns
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Values per multi-row statement (SQLite takes up to 32,766).
const VALUES_PER_STATEMENT: usize = 20_000;
/// Rows per multi-row statement at most.
const ROWS_PER_STATEMENT: usize = 5_000;

/// The rows per statement of a multi-row insert with `columns` values each.
pub fn rows_per_statement(columns: usize) -> usize {
    (VALUES_PER_STATEMENT / columns.max(1)).clamp(1, ROWS_PER_STATEMENT)
}

/// Insert the rows with multi-row `INSERT ... VALUES` statements; the rows they changed.
///
/// SQLite's executor turns the numbered placeholders of a statement this large into anonymous
/// ones (`ward-store-sqlite`'s `exec::positional`): SQLite finds the value of a named one by
/// walking the statement's list of names, so binding thousands costs the square of their number.
pub async fn insert_values<E: Exec + ?Sized>(db: &mut E, mut rows: Rows) -> StoreResult<u64> {
    let n = rows.len();
    let per = rows_per_statement(rows.columns.len());
    let head = format!("INSERT INTO {} ({}) VALUES ", rows.table, rows.names());
    let mut changed = 0;
    let mut start = 0;
    while start < n {
        let end = (start + per).min(n);
        let mut q = Sql::new(head.as_str());
        for i in start..end {
            q.push(if i == start { "(" } else { ", (" });
            for (j, (_, column)) in rows.columns.iter_mut().enumerate() {
                if j > 0 {
                    q.push(", ");
                }
                q.bind(column.take(i));
            }
            q.push(")");
        }
        if !rows.on_conflict.is_empty() {
            q.push(" ").push(rows.on_conflict);
        }
        changed += db.execute(q).await?;
        start = end;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_stay_within_their_values() {
        assert_eq!(rows_per_statement(4), 5_000);
        assert_eq!(rows_per_statement(12), 1_666);
        assert_eq!(rows_per_statement(0), 5_000);
        assert_eq!(rows_per_statement(100_000), 1);
    }

    #[test]
    fn rows_name_their_columns() {
        let rows = Rows::new("t")
            .column("a", Column::text(["x".to_owned()]))
            .column("b", Column::i64([Some(1), None]));
        assert_eq!(rows.names(), "a, b");
        assert_eq!(rows.len(), 1);
    }
}
