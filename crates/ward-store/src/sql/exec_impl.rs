//! The one way a backend runs statements through sqlx, as a macro: the `Exec` methods are the same
//! calls on every engine (bind the values, run, map the error through [`super::db_error`]); what
//! differs is the binding, which each backend's `query` function does. Written once here so the
//! two backends cannot drift.

/// Implement [`Exec`](crate::sql::Exec) for `$exec<C>` over a connection type `$conn`: statements
/// are built by the calling crate's `query(text, args)` (its binding of each `Arg`), rows wrapped
/// in `$row`. Items after `;` are added to the impl (an engine's own `insert_rows`).
#[macro_export]
macro_rules! impl_sqlx_exec {
    ($exec:ident, $conn:ty, $row:ident, $dialect:expr $(; $($extra:item)*)?) => {
        #[async_trait::async_trait]
        impl<C> $crate::sql::Exec for $exec<C>
        where
            C: std::ops::DerefMut<Target = $conn> + Send,
        {
            type Row = $row;

            fn dialect(&self) -> $crate::sql::Dialect {
                $dialect
            }

            async fn execute(&mut self, q: $crate::sql::Sql) -> $crate::StoreResult<u64> {
                let (text, args) = q.into_parts();
                let done = query(text, args)
                    .execute(&mut *self.0)
                    .await
                    .map_err($crate::sql::db_error)?;
                Ok(done.rows_affected())
            }

            async fn fetch_all(&mut self, q: $crate::sql::Sql) -> $crate::StoreResult<Vec<$row>> {
                let (text, args) = q.into_parts();
                let rows = query(text, args)
                    .fetch_all(&mut *self.0)
                    .await
                    .map_err($crate::sql::db_error)?;
                Ok(rows.into_iter().map($row).collect())
            }

            async fn fetch_optional(&mut self, q: $crate::sql::Sql) -> $crate::StoreResult<Option<$row>> {
                let (text, args) = q.into_parts();
                let row = query(text, args)
                    .fetch_optional(&mut *self.0)
                    .await
                    .map_err($crate::sql::db_error)?;
                Ok(row.map($row))
            }

            $($($extra)*)?
        }
    };
}
