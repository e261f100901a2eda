//! Conversions between domain values and SQLite columns, and the one mapping of database errors.

use jiff::civil::Date;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite};
use std::str::FromStr;
use ward_store::{StoreError, StoreResult};

/// Map a database error: the one mapping, shared with PostgreSQL (`ward_store::sql::db_error`).
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    ward_store::sql::db_error(e)
}

/// `.db()?` on sqlx results.
pub(crate) trait DbResult<T> {
    fn db(self) -> StoreResult<T>;
}

impl<T> DbResult<T> for Result<T, sqlx::Error> {
    fn db(self) -> StoreResult<T> {
        self.map_err(db_err)
    }
}

pub(crate) fn date_text(d: Date) -> String {
    d.to_string()
}

/// Parse a stored text value with `FromStr`, naming the column when it fails.
pub(crate) fn parse<T: FromStr>(column: &str, s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::Backend(format!("stored {column} '{s}' cannot be read")))
}

/// Read a column from a row, naming the column when it is missing or of the wrong type.
pub(crate) fn get<'r, T>(row: &'r SqliteRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    row.try_get(column)
        .map_err(|e| StoreError::Backend(format!("reading column {column}: {e}")))
}

/// Read a text column and parse it.
pub(crate) fn get_parsed<T: FromStr>(row: &SqliteRow, column: &str) -> StoreResult<T> {
    let s: String = get(row, column)?;
    parse(column, &s)
}

/// Read a nullable text column and parse it.
pub(crate) fn get_parsed_opt<T: FromStr>(row: &SqliteRow, column: &str) -> StoreResult<Option<T>> {
    let s: Option<String> = get(row, column)?;
    s.map(|v| parse(column, &v)).transpose()
}

/// A count that must fit the target integer type.
pub(crate) fn to_u32(column: &str, v: i64) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::Backend(format!("stored {column} {v} is out of range")))
}

pub(crate) fn to_u64(column: &str, v: i64) -> StoreResult<u64> {
    u64::try_from(v).map_err(|_| StoreError::Backend(format!("stored {column} {v} is out of range")))
}

/// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped (use `ESCAPE '\'`).
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(like_pattern("  ward "), "%ward%");
    }

    #[test]
    fn dates_are_iso() {
        let d = jiff::civil::date(2024, 3, 7);
        assert_eq!(date_text(d), "2024-03-07");
        assert_eq!(parse::<Date>("opened", "2024-03-07").unwrap(), d);
    }
}
