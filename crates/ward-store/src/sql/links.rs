//! What a record's link table holds (`risk_links`, `incident_links`: the owner's id, the kind of
//! thing linked, the target as text), read for many owners at once, and the check that linked
//! targets lie where they should. Each domain folds the rows into its own link type.

use uuid::Uuid;

use super::{Arg, Exec, RowRead, Sql};
use crate::StoreResult;

/// One row of a link table.
pub(super) struct LinkRow {
    pub(super) owner: Uuid,
    pub(super) kind: String,
    pub(super) target: String,
}

/// The rows of `table` (keyed by the column `owner`) for the given owners, ordered by owner, kind
/// and target; none for no owners.
pub(super) async fn link_rows<E: Exec + ?Sized>(
    db: &mut E,
    table: &str,
    owner: &str,
    owners: Vec<Uuid>,
) -> StoreResult<Vec<LinkRow>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(format!("SELECT {owner}, kind, target FROM {table} WHERE "));
    q.in_list(db.dialect(), owner, Arg::Uuids(owners));
    q.push(&format!(" ORDER BY {owner}, kind, target"));
    db.fetch_all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(LinkRow {
                owner: r.id(owner)?,
                kind: r.text("kind")?,
                target: r.text("target")?,
            })
        })
        .collect()
}

/// How many of `ids` are not rows of `table` that `condition` (with `$1` bound to `first`) admits.
pub(super) async fn count_in<E: Exec + ?Sized>(
    db: &mut E,
    table: &str,
    condition: &str,
    first: Arg,
    ids: Vec<Uuid>,
) -> StoreResult<usize> {
    let n = ids.len();
    let mut q = Sql::new(format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE {condition} AND "
    ))
    .arg(first);
    q.in_list(db.dialect(), "id", Arg::Uuids(ids));
    let found = db.fetch_one(q).await?.u64("n")?;
    Ok(n.saturating_sub(usize::try_from(found).unwrap_or(n)))
}
