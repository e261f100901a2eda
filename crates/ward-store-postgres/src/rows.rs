//! Conversions between stored columns and domain values, and the row decoders shared by the areas.

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;
use ward_core::org::{OdsCode, Organisation};
use ward_store::StoreResult;

use crate::error::{corrupt, map_db_error};

/// Microseconds since the epoch: the stored form of every timestamp.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn opt_micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(micros)
}

pub(crate) fn from_micros(m: i64) -> StoreResult<Timestamp> {
    Timestamp::from_microsecond(m).map_err(|_| corrupt("timestamp"))
}

pub(crate) fn from_opt_micros(m: Option<i64>) -> StoreResult<Option<Timestamp>> {
    m.map(from_micros).transpose()
}

/// Dates travel as `YYYY-MM-DD` text and are cast to `date` in SQL.
pub(crate) fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub(crate) fn parse_date(s: Option<String>) -> StoreResult<Option<Date>> {
    s.map(|s| s.parse::<Date>().map_err(|_| corrupt("date")))
        .transpose()
}

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

pub(crate) fn u32_col(row: &PgRow, name: &str) -> StoreResult<u32> {
    let v: i64 = col(row, name)?;
    u32::try_from(v).map_err(|_| corrupt(name))
}

/// A `u64` count from a bigint column.
pub(crate) fn count_col(row: &PgRow, name: &str) -> StoreResult<u64> {
    let v: i64 = col(row, name)?;
    u64::try_from(v).map_err(|_| corrupt(name))
}

/// Columns selected for an [`Organisation`] (dates come back as ISO text), as a macro so queries
/// built with `concat!` stay `&'static str`.
macro_rules! org_columns {
    () => {
        "o.id, o.code, o.name, o.kind, o.parent_id, o.postcode, \
         to_char(o.opened, 'YYYY-MM-DD') AS opened, to_char(o.closed, 'YYYY-MM-DD') AS closed"
    };
}
pub(crate) use org_columns;

pub(crate) fn org_from_row(row: &PgRow) -> StoreResult<Organisation> {
    let code: String = col(row, "code")?;
    Ok(Organisation {
        id: ward_core::OrgId::from_uuid(col(row, "id")?),
        code: OdsCode::parse(&code).map_err(|_| corrupt("organisation code"))?,
        name: col(row, "name")?,
        kind: parse_col(row, "kind")?,
        parent: col::<Option<Uuid>>(row, "parent_id")?.map(ward_core::OrgId::from_uuid),
        postcode: col(row, "postcode")?,
        opened: parse_date(col(row, "opened")?)?,
        closed: parse_date(col(row, "closed")?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_micros() {
        let t = Timestamp::from_microsecond(1_700_000_000_123_456).unwrap();
        assert_eq!(from_micros(micros(t)).unwrap(), t);
    }

    #[test]
    fn dates_round_trip_through_text() {
        let d = jiff::civil::date(2024, 2, 29);
        assert_eq!(parse_date(date_text(Some(d))).unwrap(), Some(d));
        assert!(parse_date(Some("2024-13-01".into())).is_err());
    }
}
