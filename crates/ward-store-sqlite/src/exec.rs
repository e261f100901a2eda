//! Running `ward_store::sql` statements on SQLite: each value bound in the form the schema stores
//! (UUIDs as text, dates as `YYYY-MM-DD` text, lists as JSON text for `json_each`).

use async_trait::async_trait;
use jiff::civil::Date;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Row, Sqlite, SqliteConnection};
use uuid::Uuid;
use ward_store::StoreResult;
use ward_store::sql::{Arg, Dialect, RowRead, corrupt_column, db_error, list_json};

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
    let (text, args) = if args.len() > POSITIONAL_FROM {
        positional(&text, &args).unwrap_or((text, args))
    } else {
        (text, args)
    };
    args.into_iter()
        .fold(sqlx::query(sqlx::AssertSqlSafe(text)), bind)
}

/// Statements with more bound values than this are rewritten by [`positional`]. sqlx asks SQLite
/// for the name of every numbered parameter, and SQLite finds a name by walking its list of
/// names, so binding `n` numbered values costs `n * n / 2` steps: 5.7 s for the 270,000 values of
/// a 30,000-organisation import in statements of 4,500, against a few milliseconds as `?`.
const POSITIONAL_FROM: usize = 64;

/// The statement with each `$n` outside quotes and comments replaced by `?` and the values
/// reordered (and repeated) to match, or None when a placeholder names no value.
fn positional(text: &str, args: &[Arg]) -> Option<(String, Vec<Arg>)> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut values = Vec::with_capacity(args.len());
    let (mut i, mut copied) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\'' | b'"' => i = skip_past(bytes, i + 1, &[b]),
            b'-' if bytes.get(i + 1) == Some(&b'-') => i = skip_past(bytes, i + 2, b"\n"),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_past(bytes, i + 2, b"*/"),
            b'$' => {
                let digits = bytes[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                let n: usize = text.get(i + 1..i + 1 + digits)?.parse().ok()?;
                values.push(args.get(n.checked_sub(1)?)?.clone());
                out.push_str(text.get(copied..i)?);
                out.push('?');
                i += 1 + digits;
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(text.get(copied..)?);
    // A statement already written with `?` (or none at all) is left as it is.
    (!values.is_empty()).then_some((out, values))
}

/// The index just past the next `end` at or after `from` (or the end of the text).
fn skip_past(bytes: &[u8], from: usize, end: &[u8]) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.windows(end.len()).position(|w| w == end))
        .map_or(bytes.len(), |p| from + p + end.len())
}

ward_store::impl_sqlx_exec!(SqliteExec, SqliteConnection, SqlRow, Dialect::Sqlite);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_positional() {
        let args = vec![Arg::I64(Some(1)), Arg::Text(Some("b".into()))];
        let (text, values) = positional("SELECT $2, '$1', \"$1\" -- $1\n, /* $1 */ $1, $2", &args).unwrap();
        assert_eq!(text, "SELECT ?, '$1', \"$1\" -- $1\n, /* $1 */ ?, ?");
        assert_eq!(values, vec![args[1].clone(), args[0].clone(), args[1].clone()]);
        assert!(positional("SELECT $3", &args).is_none());
        assert!(positional("SELECT $0", &args).is_none());
        assert!(
            positional("SELECT ?, ?", &args).is_none(),
            "anonymous statements are left alone"
        );
    }
}
