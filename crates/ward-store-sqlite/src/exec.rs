//! Running `ward_store::sql` statements on SQLite: each value bound in the form the schema stores
//! (UUIDs as text, dates as `YYYY-MM-DD` text, lists as JSON text for `json_each`).

use async_trait::async_trait;
use jiff::civil::Date;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Row, Sqlite, SqliteConnection};
use uuid::Uuid;
use ward_store::StoreResult;
use ward_store::sql::{Arg, Dialect, Exec, RowRead, Sql, corrupt_column, db_error, list_json};

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// A SQLite connection (or a transaction: it derefs to one) running shared statements.
///
/// `C` is `&mut SqliteConnection`, a pooled connection or a transaction.
pub struct SqliteExec<C>(pub(crate) C);

fn bind(q: Query<'_>, a: Arg) -> Query<'_> {
    match a {
        Arg::Bool(v) => q.bind(v),
        Arg::I64(v) => q.bind(v),
        Arg::F64(v) => q.bind(v),
        Arg::Text(v) => q.bind(v),
        Arg::Uuid(v) => q.bind(v.map(|u| u.to_string())),
        Arg::Date(v) => q.bind(v.map(|d| d.to_string())),
        list @ (Arg::Uuids(_) | Arg::Texts(_)) => q.bind(list_json(&list)),
    }
}

fn query(text: String, args: Vec<Arg>) -> Query<'static> {
    args.into_iter()
        .fold(sqlx::query(sqlx::AssertSqlSafe(text)), bind)
}

#[async_trait]
impl<C> Exec for SqliteExec<C>
where
    C: std::ops::DerefMut<Target = SqliteConnection> + Send,
{
    type Row = SqlRow;

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, q: Sql) -> StoreResult<u64> {
        let (text, args) = q.into_parts();
        let done = query(text, args).execute(&mut *self.0).await.map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn fetch_all(&mut self, q: Sql) -> StoreResult<Vec<SqlRow>> {
        let (text, args) = q.into_parts();
        let rows = query(text, args)
            .fetch_all(&mut *self.0)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(SqlRow).collect())
    }

    async fn fetch_optional(&mut self, q: Sql) -> StoreResult<Option<SqlRow>> {
        let (text, args) = q.into_parts();
        let row = query(text, args)
            .fetch_optional(&mut *self.0)
            .await
            .map_err(db_error)?;
        Ok(row.map(SqlRow))
    }
}

/// A SQLite result row read through [`RowRead`].
pub struct SqlRow(pub(crate) SqliteRow);

impl SqlRow {
    fn get<'r, T>(&'r self, column: &str) -> StoreResult<T>
    where
        T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        self.0.try_get(column).map_err(|_| corrupt_column(column))
    }
}

impl RowRead for SqlRow {
    fn i64(&self, column: &str) -> StoreResult<i64> {
        self.get(column)
    }
    fn opt_i64(&self, column: &str) -> StoreResult<Option<i64>> {
        self.get(column)
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
        self.get::<Option<&str>>(column)?
            .map(|s| Uuid::parse_str(s).map_err(|_| corrupt_column(column)))
            .transpose()
    }
    fn opt_date(&self, column: &str) -> StoreResult<Option<Date>> {
        self.get::<Option<&str>>(column)?
            .map(|s| s.parse::<Date>().map_err(|_| corrupt_column(column)))
            .transpose()
    }
}

#[async_trait]
impl ward_store::sql::Tx for SqliteExec<sqlx::Transaction<'static, Sqlite>> {
    async fn commit(self) -> StoreResult<()> {
        self.0.commit().await.map_err(db_error)
    }
}
