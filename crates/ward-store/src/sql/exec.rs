//! Running statements: the one trait each backend implements over its connection.

use async_trait::async_trait;

use super::{RowRead, Sql};
use crate::{Scope, StoreError, StoreResult};

/// The SQL dialect of an [`Exec`], for the few places where the text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The text for this dialect.
    pub fn pick<'a>(self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self {
            Self::Sqlite => sqlite,
            Self::Postgres => postgres,
        }
    }
}

/// A connection (or a transaction on one) that runs [`Sql`] statements. Errors come back already
/// mapped by [`super::db_error`], so they read the same on both backends.
#[async_trait]
pub trait Exec: Send {
    type Row: RowRead + Send;

    fn dialect(&self) -> Dialect;

    /// Run a statement; the number of rows it changed.
    async fn execute(&mut self, q: Sql) -> StoreResult<u64>;

    async fn fetch_all(&mut self, q: Sql) -> StoreResult<Vec<Self::Row>>;

    async fn fetch_optional(&mut self, q: Sql) -> StoreResult<Option<Self::Row>>;

    /// The one row a statement must return (an aggregate, a `RETURNING`).
    async fn fetch_one(&mut self, q: Sql) -> StoreResult<Self::Row> {
        self.fetch_optional(q)
            .await?
            .ok_or_else(|| StoreError::Backend("a statement returned no row".into()))
    }

    /// Insert many rows of one table (a bulk load); the rows it changed. The default runs
    /// multi-row `VALUES` statements ([`super::bulk::insert_values`]); PostgreSQL overrides it
    /// with `UNNEST`.
    async fn insert_rows(&mut self, rows: super::bulk::Rows) -> StoreResult<u64> {
        super::bulk::insert_values(self, rows).await
    }

    /// Append ` AND <column> IN (<the organisations the scope covers>)`, nothing under
    /// [`Scope::All`]. A subtree is a range of materialised paths (`organisations.path`).
    fn scope_filter(&self, q: &mut Sql, scope: &Scope, column: &str) {
        scope_filter(self.dialect(), q, scope, column);
    }
}

/// See [`Exec::scope_filter`].
pub fn scope_filter(dialect: Dialect, q: &mut Sql, scope: &Scope, column: &str) {
    let ids = |v: &[ward_core::OrgId]| super::Arg::Uuids(v.iter().map(|o| *o.as_uuid()).collect());
    match scope {
        Scope::All => {}
        Scope::Orgs(v) => {
            q.push(" AND ");
            q.in_list(dialect, column, ids(v));
        }
        Scope::Subtrees(roots) => {
            q.push(" AND ").push(column).push(
                " IN (SELECT d.id FROM organisations r \
                 JOIN organisations d ON d.path >= r.path AND d.path < r.path || '~' \
                 WHERE r.path <> '' AND ",
            );
            q.in_list(dialect, "r.id", ids(roots));
            q.push(")");
        }
    }
}
