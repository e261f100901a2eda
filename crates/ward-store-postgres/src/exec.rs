//! Running `ward_store::sql` statements on PostgreSQL: UUIDs, dates and lists bound natively.

use async_trait::async_trait;
use jiff::civil::Date;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgRow, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Encode, PgConnection, Postgres, Row, Type};
use uuid::Uuid;
use ward_store::StoreResult;
use ward_store::sql::{Arg, Dialect, RowRead, corrupt_column, db_error};

type Query<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// A PostgreSQL connection (or a transaction: it derefs to one) running shared statements.
///
/// `C` is `&mut PgConnection`, a pooled connection or a transaction.
pub struct PgExec<C>(pub(crate) C);

fn bind(q: Query<'_>, a: Arg) -> Query<'_> {
    match a {
        Arg::Bool(v) => q.bind(v),
        Arg::I64(v) => q.bind(v),
        Arg::F64(v) => q.bind(v),
        Arg::Text(v) => q.bind(v),
        Arg::Uuid(v) => q.bind(v),
        Arg::Date(v) => q.bind(v.map(PgDate)),
        Arg::Uuids(v) => q.bind(v),
        Arg::Texts(v) => q.bind(v),
    }
}

fn query(text: String, args: Vec<Arg>) -> Query<'static> {
    args.into_iter()
        .fold(sqlx::query(sqlx::AssertSqlSafe(text)), bind)
}

ward_store::impl_sqlx_exec!(PgExec, PgConnection, SqlRow, Dialect::Postgres;
    async fn insert_rows(&mut self, rows: ward_store::sql::bulk::Rows) -> StoreResult<u64> {
        crate::bulk::insert_unnest(&mut self.0, rows).await
    }
);

/// A PostgreSQL result row read through [`RowRead`].
pub struct SqlRow(pub(crate) PgRow);

impl SqlRow {
    fn get<'r, T>(&'r self, column: &str) -> StoreResult<T>
    where
        T: Decode<'r, Postgres> + Type<Postgres>,
    {
        self.0.try_get(column).map_err(|_| corrupt_column(column))
    }
}

impl RowRead for SqlRow {
    fn i64(&self, column: &str) -> StoreResult<i64> {
        self.opt_i64(column)?.ok_or_else(|| corrupt_column(column))
    }
    /// `bigint`, or `integer`/`smallint` (what PostgreSQL gives literals and some expressions).
    fn opt_i64(&self, column: &str) -> StoreResult<Option<i64>> {
        match self.0.try_get::<Option<i64>, _>(column) {
            Ok(v) => Ok(v),
            Err(_) => match self.0.try_get::<Option<i32>, _>(column) {
                Ok(v) => Ok(v.map(i64::from)),
                Err(_) => Ok(self.get::<Option<i16>>(column)?.map(i64::from)),
            },
        }
    }
    fn f64(&self, column: &str) -> StoreResult<f64> {
        self.get(column)
    }
    fn opt_f64(&self, column: &str) -> StoreResult<Option<f64>> {
        self.get(column)
    }
    fn bool(&self, column: &str) -> StoreResult<bool> {
        self.get(column)
    }
    fn text(&self, column: &str) -> StoreResult<String> {
        self.get(column)
    }
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column)
    }
    fn opt_uuid(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self.get(column)
    }
    fn opt_date(&self, column: &str) -> StoreResult<Option<Date>> {
        Ok(self.get::<Option<PgDate>>(column)?.map(|d| d.0))
    }
}

/// A civil date in PostgreSQL's `date` type: days since 2000-01-01 on the wire (binary format).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PgDate(pub(crate) Date);

/// The `date` type's object id in `pg_type`.
const DATE_OID: u32 = 1082;

fn pg_epoch() -> Date {
    jiff::civil::date(2000, 1, 1)
}

impl Type<Postgres> for PgDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(DATE_OID))
    }
}

impl Encode<'_, Postgres> for PgDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let days = self.0.duration_since(pg_epoch()).as_secs() / 86_400;
        let days = i32::try_from(days).map_err(|_| "date out of range")?;
        buf.extend_from_slice(&days.to_be_bytes());
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, Postgres> for PgDate {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 4] = value.as_bytes()?.try_into().map_err(|_| "date is not 4 bytes")?;
                let days = i32::from_be_bytes(bytes);
                let date = pg_epoch().checked_add(jiff::Span::new().try_days(i64::from(days))?)?;
                Ok(Self(date))
            }
            PgValueFormat::Text => Ok(Self(value.as_str()?.parse()?)),
        }
    }
}

#[async_trait]
impl ward_store::sql::Tx for PgExec<sqlx::Transaction<'static, Postgres>> {
    async fn commit(self) -> StoreResult<()> {
        self.0.commit().await.map_err(db_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_postgres_epoch() {
        let d = jiff::civil::date(2024, 2, 29);
        assert_eq!(d.duration_since(pg_epoch()).as_secs() / 86_400, 8_825);
        assert_eq!(pg_epoch().checked_add(jiff::Span::new().days(8_825)).unwrap(), d);
    }
}
