//! Organisations, the hierarchy and its dated parent links, once for both backends.
//!
//! An import ([`OrgStore::upsert_orgs`]) is planned without the database ([`super::org_plan`])
//! and written set by set: the stored rows of its codes are read (and locked on PostgreSQL) in one
//! statement, new organisations inserted and changed ones updated many rows per statement, cycles
//! checked once, dated links closed and opened for every moved organisation at once. At national
//! scale (about 30,000 organisations) that is a few dozen statements, not several per row.
//!
//! `organisations.path` (`/X26/Y56/QKK/RJZ/`) makes a subtree an index range; new organisations
//! get their path on insert, and `rollups::refresh_paths` recomputes moved ones and everything
//! beneath them; the per-organisation counters are kept by [`super::rollups`].

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::OrgId;
use ward_core::org::{OdsCode, OrgLink, Organisation};

use super::org_plan::{Plan, new_paths, plan_upsert};
use super::{Arg, Dialect, Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column, rollups};
use crate::rollup::Deltas;
use crate::{
    AuditMeta, OrgFilter, OrgOverview, OrgStore, Page, PageRequest, Scope, StoreError, StoreResult,
    UpsertCounts,
};

/// The columns of an [`Organisation`], in the order [`org_from_row`] reads them.
const ORG_FIELDS: [&str; 8] = [
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "postcode",
    "opened",
    "closed",
];
/// Deepest hierarchy walked (guards against a corrupted cyclic table).
const MAX_DEPTH: i64 = 64;
/// Organisations per multi-row INSERT (9 values each) or UPDATE (7 values each), well under both
/// engines' parameter limits.
const WRITE_ROWS: usize = 500;
/// Links per multi-row INSERT (3 values each).
const LINK_ROWS: usize = 1_000;

/// The organisation columns, each prefixed with `alias.` when one is given.
pub fn org_columns(alias: &str) -> String {
    let prefix = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    ORG_FIELDS
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One organisation from a row holding [`org_columns`].
pub fn org_from_row<R: RowRead>(row: &R) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: row.id("id")?,
        code: OdsCode::parse(&row.text("code")?).map_err(|_| corrupt_column("code"))?,
        name: row.text("name")?,
        kind: row.parsed("kind")?,
        parent: row.opt_id("parent_id")?,
        postcode: row.opt_text("postcode")?,
        opened: row.opt_date("opened")?,
        closed: row.opt_date("closed")?,
    })
}

fn ids_arg(ids: impl IntoIterator<Item = OrgId>) -> Arg {
    Arg::Uuids(ids.into_iter().map(|o| *o.as_uuid()).collect())
}

/// The stored organisations of `codes`, by code; on PostgreSQL their rows stay locked (in code
/// order) until the import commits.
async fn stored_by_code<E: Exec + ?Sized>(
    db: &mut E,
    codes: Vec<String>,
) -> StoreResult<HashMap<String, Organisation>> {
    let mut q = Sql::new(format!("SELECT {} FROM organisations WHERE ", org_columns("")));
    q.in_list(db.dialect(), "code", Arg::Texts(codes));
    q.push(" ORDER BY code");
    q.push(db.dialect().pick("", " FOR NO KEY UPDATE"));
    let rows = db.fetch_all(q).await?;
    let mut stored = HashMap::with_capacity(rows.len());
    for row in &rows {
        let o = org_from_row(row)?;
        stored.insert(o.code.as_str().to_owned(), o);
    }
    Ok(stored)
}

/// The stored paths of `ids`.
async fn paths_of<E: Exec + ?Sized>(db: &mut E, ids: Vec<OrgId>) -> StoreResult<HashMap<OrgId, String>> {
    let mut q = Sql::new("SELECT id, path FROM organisations WHERE ");
    q.in_list(db.dialect(), "id", ids_arg(ids));
    let rows = db.fetch_all(q).await?;
    rows.iter().map(|r| Ok((r.id("id")?, r.text("path")?))).collect()
}

fn bind_org_values(q: &mut Sql, o: &Organisation) {
    q.bind(o.id).push(", ").bind(o.code.as_str()).push(", ");
    q.bind(&o.name).push(", ").bind(o.kind.as_str()).push(", ");
    q.bind(o.parent).push(", ").bind(o.postcode.as_deref()).push(", ");
    q.bind(o.opened).push(", ").bind(o.closed);
}

/// Insert new organisations with their paths (`paths` holds one for each).
async fn insert_orgs<E: Exec + ?Sized>(
    db: &mut E,
    orgs: &[&Organisation],
    paths: &HashMap<OrgId, String>,
) -> StoreResult<()> {
    for chunk in orgs.chunks(WRITE_ROWS) {
        let mut q = Sql::new(
            "INSERT INTO organisations (id, code, name, kind, parent_id, postcode, opened, closed, path) VALUES ",
        );
        for (i, o) in chunk.iter().enumerate() {
            let path = paths.get(&o.id).ok_or_else(|| corrupt_column("path"))?;
            q.push(if i == 0 { "(" } else { ", (" });
            bind_org_values(&mut q, o);
            q.push(", ").bind(path.as_str()).push(")");
        }
        db.execute(q).await?;
    }
    Ok(())
}

/// Replace the stored fields of existing organisations (codes and paths stay).
async fn update_orgs<E: Exec + ?Sized>(db: &mut E, orgs: &[&Organisation]) -> StoreResult<()> {
    for chunk in orgs.chunks(WRITE_ROWS) {
        let mut q = Sql::new("WITH u(id, code, name, kind, parent_id, postcode, opened, closed) AS (VALUES ");
        for (i, o) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            bind_org_values(&mut q, o);
            q.push(")");
        }
        q.push(
            ") UPDATE organisations SET name = u.name, kind = u.kind, parent_id = u.parent_id, \
             postcode = u.postcode, opened = u.opened, closed = u.closed \
             FROM u WHERE organisations.id = u.id",
        );
        db.execute(q).await?;
    }
    Ok(())
}

/// Fail if any of `ids` now sits beneath itself.
async fn check_no_cycles<E: Exec + ?Sized>(db: &mut E, ids: &[OrgId]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new(
        "WITH RECURSIVE up(start, id, depth) AS ( \
           SELECT o.id, o.parent_id, 1 FROM organisations o WHERE o.parent_id IS NOT NULL AND ",
    );
    q.in_list(db.dialect(), "o.id", ids_arg(ids.iter().copied()));
    q.push(
        " UNION ALL \
           SELECT up.start, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id \
            WHERE o.parent_id IS NOT NULL AND up.id <> up.start AND up.depth < ",
    );
    q.bind(MAX_DEPTH);
    q.push(") SELECT start FROM up WHERE id = start LIMIT 1");
    match db.fetch_optional(q).await? {
        Some(r) => Err(crate::refusals::org_cycle(r.id("start")?)),
        None => Ok(()),
    }
}

/// Record new parents from `effective` on: each moved child's open link is closed on that day (or
/// dropped when it only started on or after it), then the new links open.
async fn relink<E: Exec + ?Sized>(
    db: &mut E,
    moved: &[OrgId],
    new_links: &[(OrgId, OrgId)],
    effective: Date,
) -> StoreResult<()> {
    if !moved.is_empty() {
        let mut q = Sql::new("DELETE FROM org_links WHERE valid_to IS NULL AND valid_from >= ");
        q.bind(effective).push(" AND ");
        q.in_list(db.dialect(), "child_id", ids_arg(moved.iter().copied()));
        db.execute(q).await?;
        let mut q = Sql::new("UPDATE org_links SET valid_to = ");
        q.bind(effective).push(" WHERE valid_to IS NULL AND ");
        q.in_list(db.dialect(), "child_id", ids_arg(moved.iter().copied()));
        db.execute(q).await?;
    }
    for chunk in new_links.chunks(LINK_ROWS) {
        let mut q = Sql::new("INSERT INTO org_links (child_id, parent_id, valid_from, valid_to) VALUES ");
        for (i, (child, parent)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(*child).push(", ").bind(*parent).push(", ").bind(effective);
            q.push(", NULL)");
        }
        q.push(
            " ON CONFLICT (child_id, valid_from) DO UPDATE SET parent_id = excluded.parent_id, valid_to = NULL",
        );
        db.execute(q).await?;
    }
    Ok(())
}

/// What writing a plan does to the tables, split into sets.
#[derive(Default)]
struct Writes<'a> {
    inserts: Vec<&'a Organisation>,
    updates: Vec<&'a Organisation>,
    /// Stored organisations whose parent changes.
    moved: Vec<OrgId>,
    /// (child, parent) links that open on the effective day.
    new_links: Vec<(OrgId, OrgId)>,
    counts: Deltas,
}

impl<'a> Writes<'a> {
    fn of(plan: &'a Plan) -> Self {
        let mut w = Self::default();
        for p in &plan.pending {
            let current = &p.current;
            match &p.before {
                None => {
                    w.inserts.push(current);
                    w.counts.open_org(current, 1);
                }
                Some(b) if b == current => continue,
                Some(b) => {
                    w.updates.push(current);
                    w.counts.open_org(b, -1);
                    w.counts.open_org(current, 1);
                    if p.moves() {
                        w.moved.push(current.id);
                    }
                }
            }
            if p.moves()
                && let Some(parent) = current.parent
            {
                w.new_links.push((current.id, parent));
            }
        }
        w
    }
}

/// Bring paths and counters up to date with an import: with no move, apply the counts of open
/// organisations; after moves, recompute the paths of moved organisations and everything beneath
/// them (and of organisations inserted beneath a moved one), apply the counts, then sum the
/// subtrees of the old and new ancestors again.
async fn finish_rollups<E: Exec + ?Sized>(tx: &mut E, w: &Writes<'_>) -> StoreResult<()> {
    if w.moved.is_empty() {
        return rollups::apply(tx, &w.counts).await;
    }
    let mut touched = rollups::with_ancestors(tx, &w.moved).await?;
    let mut changed: Vec<OrgId> = w.inserts.iter().map(|o| o.id).collect();
    changed.extend(w.moved.iter().copied());
    rollups::refresh_paths(tx, &changed, &w.moved).await?;
    rollups::apply(tx, &w.counts).await?;
    touched.extend(rollups::with_ancestors(tx, &w.moved).await?);
    rollups::recompute(tx, &touched).await
}

/// Append the organisation filter's conditions (the text matched case-insensitively in the name
/// or the code).
fn push_org_filter(q: &mut Sql, dialect: Dialect, filter: &OrgFilter) {
    if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        match dialect {
            Dialect::Sqlite => {
                // LIKE is case-insensitive for ASCII on SQLite.
                let pattern = like_pattern(text);
                q.push(" AND (name LIKE ")
                    .bind(pattern.as_str())
                    .push(" ESCAPE '\\'");
                q.push(" OR code LIKE ").bind(pattern).push(" ESCAPE '\\')");
            }
            Dialect::Postgres => {
                let text = text.to_lowercase();
                q.push(" AND (strpos(lower(name), ")
                    .bind(text.as_str())
                    .push(") > 0");
                q.push(" OR strpos(lower(code), ").bind(text).push(") > 0)");
            }
        }
    }
    if let Some(kind) = filter.kind {
        q.push(" AND kind = ").bind(kind.as_str());
    }
    if let Some(parent) = filter.parent {
        q.push(" AND parent_id = ").bind(parent);
    }
    if !filter.include_closed {
        q.push(" AND closed IS NULL");
    }
}

/// `%text%` for LIKE with `\` escaping the wildcards in `text`.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[async_trait]
impl<B: SqlBackend> OrgStore for B {
    async fn upsert_orgs(
        &self,
        orgs: &[Organisation],
        effective: Date,
        audit: &AuditMeta,
    ) -> StoreResult<UpsertCounts> {
        if orgs.is_empty() {
            return Ok(UpsertCounts::default());
        }
        let mut tx = self.write().await?;
        let codes = orgs.iter().map(|o| o.code.as_str().to_owned()).collect();
        let stored = stored_by_code(&mut tx, codes).await?;
        let parents: BTreeSet<OrgId> = orgs.iter().filter_map(|o| o.parent).collect();
        let stored_paths = paths_of(&mut tx, parents.into_iter().collect()).await?;
        let stored_parents: HashSet<OrgId> = stored_paths.keys().copied().collect();
        let mut plan = plan_upsert(orgs, stored, &stored_parents, audit)?;
        let paths = new_paths(&plan, &stored_paths)?;
        let events = std::mem::take(&mut plan.events);
        let w = Writes::of(&plan);
        insert_orgs(&mut tx, &w.inserts, &paths).await?;
        update_orgs(&mut tx, &w.updates).await?;
        check_no_cycles(&mut tx, &w.moved).await?;
        relink(&mut tx, &w.moved, &w.new_links, effective).await?;
        audit::append_events(&mut tx, self.keys(), events).await?;
        // Paths and counters after the audit append, under its lock on PostgreSQL: writers then
        // touch the counters near the top of the tree one at a time, always in the same order.
        finish_rollups(&mut tx, &w).await?;
        tx.commit().await?;
        Ok(plan.counts)
    }

    async fn get_org(&self, scope: &Scope, id: OrgId) -> StoreResult<Organisation> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {} FROM organisations WHERE id = $1",
            org_columns("")
        ))
        .arg(id);
        db.scope_filter(&mut q, scope, "id");
        match db.fetch_optional(q).await? {
            Some(r) => org_from_row(&r),
            None => Err(StoreError::not_found("organisation", id)),
        }
    }

    async fn get_org_by_code(&self, scope: &Scope, code: &OdsCode) -> StoreResult<Organisation> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {} FROM organisations WHERE code = $1",
            org_columns("")
        ))
        .arg(code.as_str());
        db.scope_filter(&mut q, scope, "id");
        match db.fetch_optional(q).await? {
            Some(r) => org_from_row(&r),
            None => Err(StoreError::not_found("organisation", code)),
        }
    }

    async fn list_orgs(
        &self,
        scope: &Scope,
        filter: &OrgFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Organisation>> {
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let mut q = Sql::new(format!(
            "SELECT {}, count(*) OVER () AS total FROM organisations WHERE 1 = 1",
            org_columns("")
        ));
        db.scope_filter(&mut q, scope, "id");
        push_org_filter(&mut q, dialect, filter);
        q.push(" ORDER BY name, code LIMIT ")
            .bind(page.clamped_limit())
            .push(" OFFSET ")
            .bind(i64::try_from(page.offset).unwrap_or(i64::MAX));
        let rows = db.fetch_all(q).await?;
        let total = match rows.first() {
            Some(r) => r.u64("total")?,
            // The page is past the end (or nothing matches): count separately.
            None if page.offset > 0 => {
                let mut q = Sql::new("SELECT count(*) AS total FROM organisations WHERE 1 = 1");
                db.scope_filter(&mut q, scope, "id");
                push_org_filter(&mut q, dialect, filter);
                db.fetch_one(q).await?.u64("total")?
            }
            None => 0,
        };
        Ok(Page {
            items: rows.iter().map(org_from_row).collect::<StoreResult<_>>()?,
            total,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn org_ancestors(&self, id: OrgId) -> StoreResult<Vec<OrgId>> {
        // One walk that starts at the organisation itself, so a missing one returns no rows.
        let q = Sql::new(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM organisations WHERE id = $1 \
               UNION ALL \
               SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id \
               WHERE up.depth < $2 \
             ) SELECT id FROM up ORDER BY depth",
        )
        .arg(id)
        .arg(MAX_DEPTH);
        let rows = self.read().await?.fetch_all(q).await?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        rows.iter().skip(1).map(|r| r.id("id")).collect()
    }

    async fn org_links(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<OrgLink>> {
        // The organisation joined to its links: no row at all means it is not in scope.
        let mut db = self.read().await?;
        let mut q = Sql::new(
            "SELECT l.child_id, l.parent_id, l.valid_from, l.valid_to FROM organisations o \
             LEFT JOIN org_links l ON l.child_id = o.id WHERE o.id = $1",
        )
        .arg(id);
        db.scope_filter(&mut q, scope, "o.id");
        q.push(" ORDER BY l.valid_from");
        let rows = db.fetch_all(q).await?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut links = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(child) = r.opt_id("child_id")? else {
                continue;
            };
            links.push(OrgLink {
                child,
                parent: r.id("parent_id")?,
                valid_from: r.date("valid_from")?,
                valid_to: r.opt_date("valid_to")?,
            });
        }
        Ok(links)
    }

    async fn org_children(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<Organisation>> {
        // The organisation joined to its children in scope: no row at all means it is not in scope.
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {} FROM organisations p LEFT JOIN organisations c ON c.parent_id = p.id",
            org_columns("c")
        ));
        db.scope_filter(&mut q, scope, "c.id");
        q.push(" WHERE p.id = ").bind(id);
        db.scope_filter(&mut q, scope, "p.id");
        q.push(" ORDER BY c.name, c.code");
        let rows = db.fetch_all(q).await?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut children = Vec::with_capacity(rows.len());
        for r in &rows {
            if r.opt_uuid("id")?.is_some() {
                children.push(org_from_row(r)?);
            }
        }
        Ok(children)
    }

    async fn org_overview(&self, scope: &Scope, id: OrgId) -> StoreResult<OrgOverview> {
        let mut db = self.read().await?;
        rollups::overview(&mut db, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_take_an_alias() {
        assert!(org_columns("").starts_with("id, code, name"));
        assert!(org_columns("c").ends_with("c.opened, c.closed"));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
    }
}
