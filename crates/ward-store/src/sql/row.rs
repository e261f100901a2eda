//! Reading a result row: a few typed getters per backend, and the conversions into domain values
//! written once on top of them.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// A stored value that does not read back into its domain type. The message names the column,
/// never the value.
pub fn corrupt_column(column: &str) -> StoreError {
    StoreError::Backend(format!("a stored {column} could not be read"))
}

/// A result row. Backends implement the required getters (each names the column on failure);
/// the provided ones convert into domain types the same way on both backends.
pub trait RowRead {
    fn i64(&self, column: &str) -> StoreResult<i64>;
    fn opt_i64(&self, column: &str) -> StoreResult<Option<i64>>;
    fn f64(&self, column: &str) -> StoreResult<f64>;
    fn opt_f64(&self, column: &str) -> StoreResult<Option<f64>>;
    fn bool(&self, column: &str) -> StoreResult<bool>;
    fn text(&self, column: &str) -> StoreResult<String>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn opt_uuid(&self, column: &str) -> StoreResult<Option<Uuid>>;
    fn opt_date(&self, column: &str) -> StoreResult<Option<Date>>;

    fn uuid(&self, column: &str) -> StoreResult<Uuid> {
        self.opt_uuid(column)?.ok_or_else(|| corrupt_column(column))
    }

    fn date(&self, column: &str) -> StoreResult<Date> {
        self.opt_date(column)?.ok_or_else(|| corrupt_column(column))
    }

    /// A timestamp stored as microseconds since the epoch.
    fn ts(&self, column: &str) -> StoreResult<Timestamp> {
        Timestamp::from_microsecond(self.i64(column)?).map_err(|_| corrupt_column(column))
    }

    fn opt_ts(&self, column: &str) -> StoreResult<Option<Timestamp>> {
        self.opt_i64(column)?
            .map(|m| Timestamp::from_microsecond(m).map_err(|_| corrupt_column(column)))
            .transpose()
    }

    /// A text column read with `FromStr` (enums, codes).
    fn parsed<T: FromStr>(&self, column: &str) -> StoreResult<T>
    where
        Self: Sized,
    {
        self.text(column)?.parse().map_err(|_| corrupt_column(column))
    }

    fn opt_parsed<T: FromStr>(&self, column: &str) -> StoreResult<Option<T>>
    where
        Self: Sized,
    {
        self.opt_text(column)?
            .map(|s| s.parse().map_err(|_| corrupt_column(column)))
            .transpose()
    }

    /// A non-negative count or size.
    fn u64(&self, column: &str) -> StoreResult<u64> {
        u64::try_from(self.i64(column)?).map_err(|_| corrupt_column(column))
    }

    fn u32(&self, column: &str) -> StoreResult<u32> {
        u32::try_from(self.i64(column)?).map_err(|_| corrupt_column(column))
    }

    fn opt_u32(&self, column: &str) -> StoreResult<Option<u32>> {
        self.opt_i64(column)?
            .map(|v| u32::try_from(v).map_err(|_| corrupt_column(column)))
            .transpose()
    }

    /// An identifier newtype over a UUID (`OrgId`, `AssetId`, ...).
    fn id<T: From<Uuid>>(&self, column: &str) -> StoreResult<T>
    where
        Self: Sized,
    {
        self.uuid(column).map(T::from)
    }

    fn opt_id<T: From<Uuid>>(&self, column: &str) -> StoreResult<Option<T>>
    where
        Self: Sized,
    {
        Ok(self.opt_uuid(column)?.map(T::from))
    }
}
