//! Organisations, the hierarchy and its dated parent links.

use crate::SqliteStore;
use crate::audit::{append, push_page};
use crate::codec::{
    DbResult, date_text, get, get_parsed, get_parsed_opt, like_pattern, opt_date_text, to_u64,
};
use crate::rollups::{self, Deltas};
use crate::scope;
use async_trait::async_trait;
use jiff::civil::Date;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use ward_core::OrgId;
use ward_core::audit::digest_json;
use ward_core::org::{OdsCode, OrgLink, Organisation};
use ward_store::{
    AuditMeta, OrgFilter, OrgOverview, OrgStore, Page, PageRequest, Scope, StoreError, StoreKeys,
    StoreResult, UpsertCounts,
};

pub(crate) const ORG_COLUMNS: &str = "id, code, name, kind, parent_id, postcode, opened, closed";
/// Deepest hierarchy walked when listing ancestors (guards against a corrupted cyclic table).
const MAX_DEPTH: i64 = 64;

pub(crate) fn org_from_row(row: &SqliteRow) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: get_parsed(row, "id")?,
        code: get::<String>(row, "code").and_then(|c| {
            OdsCode::parse(&c).map_err(|_| StoreError::Backend(format!("stored code '{c}' cannot be read")))
        })?,
        name: get(row, "name")?,
        kind: get_parsed(row, "kind")?,
        parent: get_parsed_opt(row, "parent_id")?,
        postcode: get(row, "postcode")?,
        opened: get_parsed_opt(row, "opened")?,
        closed: get_parsed_opt(row, "closed")?,
    })
}

async fn org_by_code(conn: &mut SqliteConnection, code: &OdsCode) -> StoreResult<Option<Organisation>> {
    let row = sqlx::query(
        "SELECT id, code, name, kind, parent_id, postcode, opened, closed FROM organisations WHERE code = ?",
    )
    .bind(code.as_str())
    .fetch_optional(&mut *conn)
    .await
    .db()?;
    row.as_ref().map(org_from_row).transpose()
}

async fn org_exists(conn: &mut SqliteConnection, id: OrgId) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM organisations WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    Ok(found.is_some())
}

/// Ancestors of `id`, nearest first.
async fn ancestors(conn: &mut SqliteConnection, id: OrgId) -> StoreResult<Vec<OrgId>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "WITH RECURSIVE up(id, depth) AS ( \
           SELECT parent_id, 1 FROM organisations WHERE id = ? AND parent_id IS NOT NULL \
           UNION ALL \
           SELECT o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id \
           WHERE o.parent_id IS NOT NULL AND up.depth < ? \
         ) SELECT id FROM up ORDER BY depth",
    )
    .bind(id.to_string())
    .bind(MAX_DEPTH)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    ids.iter().map(|s| crate::codec::parse("parent_id", s)).collect()
}

async fn insert_org(conn: &mut SqliteConnection, o: &Organisation) -> StoreResult<()> {
    let path = rollups::path_for(conn, o).await?;
    sqlx::query(
        "INSERT INTO organisations (id, code, name, kind, parent_id, postcode, opened, closed, path) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(o.id.to_string())
    .bind(o.code.as_str())
    .bind(&o.name)
    .bind(o.kind.as_str())
    .bind(o.parent.map(|p| p.to_string()))
    .bind(&o.postcode)
    .bind(opt_date_text(o.opened))
    .bind(opt_date_text(o.closed))
    .bind(path)
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

async fn update_org(conn: &mut SqliteConnection, o: &Organisation) -> StoreResult<()> {
    sqlx::query(
        "UPDATE organisations SET name = ?, kind = ?, parent_id = ?, postcode = ?, opened = ?, closed = ? \
         WHERE id = ?",
    )
    .bind(&o.name)
    .bind(o.kind.as_str())
    .bind(o.parent.map(|p| p.to_string()))
    .bind(&o.postcode)
    .bind(opt_date_text(o.opened))
    .bind(opt_date_text(o.closed))
    .bind(o.id.to_string())
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

/// Record that `child` sits under `parent` (or under nothing) from `effective` on: the open link is
/// closed on `effective`, or rewritten when it started on or after that day.
async fn move_parent(
    conn: &mut SqliteConnection,
    child: OrgId,
    parent: Option<OrgId>,
    effective: Date,
) -> StoreResult<()> {
    let child_s = child.to_string();
    let day = date_text(effective);
    let open: Option<String> =
        sqlx::query_scalar("SELECT valid_from FROM org_links WHERE child_id = ? AND valid_to IS NULL")
            .bind(&child_s)
            .fetch_optional(&mut *conn)
            .await
            .db()?;
    if let Some(from) = open {
        if from >= day {
            // The open link started on or after the effective day: it never really held.
            sqlx::query("DELETE FROM org_links WHERE child_id = ? AND valid_from = ?")
                .bind(&child_s)
                .bind(&from)
                .execute(&mut *conn)
                .await
                .db()?;
        } else {
            sqlx::query("UPDATE org_links SET valid_to = ? WHERE child_id = ? AND valid_from = ?")
                .bind(&day)
                .bind(&child_s)
                .bind(&from)
                .execute(&mut *conn)
                .await
                .db()?;
        }
    }
    if let Some(p) = parent {
        sqlx::query(
            "INSERT INTO org_links (child_id, parent_id, valid_from, valid_to) VALUES (?, ?, ?, NULL) \
             ON CONFLICT (child_id, valid_from) DO UPDATE SET parent_id = excluded.parent_id, valid_to = NULL",
        )
        .bind(&child_s)
        .bind(p.to_string())
        .bind(&day)
        .execute(&mut *conn)
        .await
        .db()?;
    }
    Ok(())
}

/// Check the new parent of `org` exists and is not `org` or one of its descendants.
async fn check_parent(
    conn: &mut SqliteConnection,
    index: usize,
    org: OrgId,
    parent: OrgId,
) -> StoreResult<()> {
    if parent == org {
        return Err(StoreError::Invalid(format!(
            "orgs[{index}].parent: an organisation cannot be its own parent"
        )));
    }
    if !org_exists(conn, parent).await? {
        return Err(StoreError::Invalid(format!(
            "orgs[{index}].parent: organisation {parent} does not exist (parents must come first)"
        )));
    }
    if ancestors(conn, parent).await?.contains(&org) {
        return Err(ward_store::refusals::org_cycle(org));
    }
    Ok(())
}

async fn upsert_one(
    conn: &mut SqliteConnection,
    index: usize,
    org: &mut Organisation,
    effective: Date,
    audit: &AuditMeta,
    keys: &StoreKeys,
    changes: &mut Changes,
) -> StoreResult<Outcome> {
    match org_by_code(conn, &org.code).await? {
        None => {
            if let Some(p) = org.parent {
                check_parent(conn, index, org.id, p).await?;
            }
            insert_org(conn, org).await?;
            changes.inserted.push(org.id);
            changes.counts.open_org(org, 1);
            if org.parent.is_some() {
                move_parent(conn, org.id, org.parent, effective).await?;
            }
            let event = audit.event(
                "org.create",
                "organisation",
                org.id.to_string(),
                Some(org.id),
                None,
                Some(digest_json(org)),
                None,
            );
            append(conn, keys, &event).await?;
            Ok(Outcome::Inserted)
        }
        Some(stored) => {
            org.id = stored.id;
            if *org == stored {
                return Ok(Outcome::Unchanged);
            }
            if org.parent != stored.parent {
                if let Some(p) = org.parent {
                    check_parent(conn, index, org.id, p).await?;
                }
                move_parent(conn, org.id, org.parent, effective).await?;
                changes.moved.push(org.id);
            }
            update_org(conn, org).await?;
            changes.counts.open_org(&stored, -1);
            changes.counts.open_org(org, 1);
            let event = audit.event(
                "org.update",
                "organisation",
                org.id.to_string(),
                Some(org.id),
                Some(digest_json(&stored)),
                Some(digest_json(org)),
                None,
            );
            append(conn, keys, &event).await?;
            Ok(Outcome::Updated)
        }
    }
}

enum Outcome {
    Inserted,
    Updated,
    Unchanged,
}

/// What a batch of upserts changed, for paths and counters at its end.
#[derive(Default)]
struct Changes {
    inserted: Vec<OrgId>,
    /// Organisations whose parent changed.
    moved: Vec<OrgId>,
    counts: Deltas,
}

impl Changes {
    /// Bring paths and counters up to date with the batch: recompute the paths of moved organisations
    /// and everything beneath them (and of organisations inserted beneath a moved one), apply the
    /// counts of open organisations, then sum the subtrees of the old and new ancestors again.
    async fn finish(self, conn: &mut SqliteConnection) -> StoreResult<()> {
        if self.moved.is_empty() {
            return rollups::apply(conn, &self.counts).await;
        }
        let mut touched = rollups::with_ancestors(conn, &self.moved).await?;
        let mut changed = self.inserted;
        changed.extend(self.moved.iter().copied());
        rollups::refresh_paths(conn, &changed, &self.moved).await?;
        rollups::apply(conn, &self.counts).await?;
        touched.extend(rollups::with_ancestors(conn, &self.moved).await?);
        rollups::recompute(conn, &touched).await
    }
}

fn push_org_filter(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, filter: &OrgFilter) {
    qb.push(" FROM organisations WHERE 1");
    scope::push_filter(qb, scope, "id");
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = like_pattern(text);
        qb.push(" AND (name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        qb.push(" OR code LIKE ").push_bind(pattern).push(" ESCAPE '\\')");
    }
    if let Some(kind) = filter.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(parent) = filter.parent {
        qb.push(" AND parent_id = ").push_bind(parent.to_string());
    }
    if !filter.include_closed {
        qb.push(" AND closed IS NULL");
    }
}

#[async_trait]
impl OrgStore for SqliteStore {
    async fn upsert_orgs(
        &self,
        orgs: &[Organisation],
        effective: Date,
        audit: &AuditMeta,
    ) -> StoreResult<UpsertCounts> {
        let mut tx = self.begin_write().await?;
        // Ids given for codes that already exist are replaced by the stored ids, also where later
        // rows of the same batch name them as parents.
        let mut renamed: HashMap<OrgId, OrgId> = HashMap::new();
        let mut counts = UpsertCounts::default();
        let mut changes = Changes::default();
        for (index, given) in orgs.iter().enumerate() {
            let mut org = given.clone();
            org.parent = org.parent.map(|p| renamed.get(&p).copied().unwrap_or(p));
            match upsert_one(
                &mut tx,
                index,
                &mut org,
                effective,
                audit,
                &self.keys,
                &mut changes,
            )
            .await?
            {
                Outcome::Inserted => counts.inserted += 1,
                Outcome::Updated => counts.updated += 1,
                Outcome::Unchanged => counts.unchanged += 1,
            }
            if org.id != given.id {
                renamed.insert(given.id, org.id);
            }
        }
        changes.finish(&mut tx).await?;
        tx.commit().await.db()?;
        Ok(counts)
    }

    async fn get_org(&self, scope: &Scope, id: OrgId) -> StoreResult<Organisation> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ")
            .push(ORG_COLUMNS)
            .push(" FROM organisations WHERE id = ")
            .push_bind(id.to_string());
        scope::push_filter(&mut qb, scope, "id");
        let row = qb.build().fetch_optional(&self.read).await.db()?;
        match row {
            Some(r) => org_from_row(&r),
            None => Err(StoreError::not_found("organisation", id)),
        }
    }

    async fn get_org_by_code(&self, scope: &Scope, code: &OdsCode) -> StoreResult<Organisation> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ")
            .push(ORG_COLUMNS)
            .push(" FROM organisations WHERE code = ")
            .push_bind(code.as_str());
        scope::push_filter(&mut qb, scope, "id");
        let row = qb.build().fetch_optional(&self.read).await.db()?;
        match row {
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
        let mut conn = self.read.acquire().await.db()?;
        let mut count = QueryBuilder::new("");
        scope::push_with(&mut count, scope);
        count.push("SELECT count(*)");
        push_org_filter(&mut count, scope, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await.db()?;

        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ").push(ORG_COLUMNS);
        push_org_filter(&mut qb, scope, filter);
        push_page(&mut qb, " ORDER BY name, code", page);
        let rows = qb.build().fetch_all(&mut *conn).await.db()?;
        let items = rows.iter().map(org_from_row).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total: to_u64("count", total)?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn org_ancestors(&self, id: OrgId) -> StoreResult<Vec<OrgId>> {
        // One walk that starts at the organisation itself, so a missing one returns no rows.
        let ids: Vec<String> = sqlx::query_scalar(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM organisations WHERE id = ? \
               UNION ALL \
               SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id \
               WHERE up.depth < ? \
             ) SELECT id FROM up ORDER BY depth",
        )
        .bind(id.to_string())
        .bind(MAX_DEPTH)
        .fetch_all(&self.read)
        .await
        .db()?;
        if ids.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        ids.iter()
            .skip(1)
            .map(|s| crate::codec::parse("parent_id", s))
            .collect()
    }

    async fn org_links(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<OrgLink>> {
        // The organisation joined to its links: no row at all means it is not in scope.
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push(
            "SELECT l.child_id, l.parent_id, l.valid_from, l.valid_to FROM organisations o \
             LEFT JOIN org_links l ON l.child_id = o.id WHERE o.id = ",
        );
        qb.push_bind(id.to_string());
        scope::push_filter(&mut qb, scope, "o.id");
        qb.push(" ORDER BY l.valid_from");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut links = Vec::with_capacity(rows.len());
        for r in &rows {
            if get::<Option<String>>(r, "child_id")?.is_none() {
                continue;
            }
            links.push(OrgLink {
                child: get_parsed(r, "child_id")?,
                parent: get_parsed(r, "parent_id")?,
                valid_from: get_parsed(r, "valid_from")?,
                valid_to: get_parsed_opt(r, "valid_to")?,
            });
        }
        Ok(links)
    }

    async fn org_children(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<Organisation>> {
        // The organisation joined to its children in scope: no row at all means it is not in scope.
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push(
            "SELECT c.id, c.code, c.name, c.kind, c.parent_id, c.postcode, c.opened, c.closed \
             FROM organisations p LEFT JOIN organisations c ON c.parent_id = p.id",
        );
        scope::push_filter(&mut qb, scope, "c.id");
        qb.push(" WHERE p.id = ").push_bind(id.to_string());
        scope::push_filter(&mut qb, scope, "p.id");
        qb.push(" ORDER BY c.name, c.code");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut children = Vec::with_capacity(rows.len());
        for r in &rows {
            if get::<Option<String>>(r, "id")?.is_some() {
                children.push(org_from_row(r)?);
            }
        }
        Ok(children)
    }

    async fn org_overview(&self, scope: &Scope, id: OrgId) -> StoreResult<OrgOverview> {
        let mut conn = self.read.acquire().await.db()?;
        rollups::overview(&mut conn, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", id))
    }
}
