//! Conversions between stored columns and domain values, and the row decoders shared by the areas.

use sqlx::Row;
use sqlx::postgres::PgRow;
use ward_store::StoreResult;

use crate::error::{corrupt, map_db_error};

/// Read a column, mapping decode errors.
pub(crate) fn col<'r, T>(row: &'r PgRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(name).map_err(map_db_error)
}

/// Parse a stored enum text column with its `FromStr`.
pub(crate) fn parse_col<T: std::str::FromStr>(row: &PgRow, name: &str) -> StoreResult<T> {
    let s: String = col(row, name)?;
    s.parse::<T>().map_err(|_| corrupt(name))
}

/// A `u64` count from a bigint column.
pub(crate) fn count_col(row: &PgRow, name: &str) -> StoreResult<u64> {
    let v: i64 = col(row, name)?;
    u64::try_from(v).map_err(|_| corrupt(name))
}
