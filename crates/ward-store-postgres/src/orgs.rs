//! Organisations and the hierarchy.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use jiff::civil::Date;
use sqlx::PgConnection;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::org::{OdsCode, OrgLink, Organisation};
use ward_store::{
    AuditMeta, OrgFilter, OrgOverview, OrgStore, Page, PageRequest, Scope, StoreError, StoreResult,
    UpsertCounts,
};

use crate::audit::append_events;
use crate::error::{corrupt, map_db_error};
use crate::rollups::{self, Deltas};
use crate::rows::{col, count_col, date_text, org_columns, org_from_row, parse_date};
use crate::{PgStore, page_bounds, scope_binds};

/// Rows per INSERT/UPDATE in an organisation import.
const CHUNK: usize = 5_000;

/// One organisation of an import: what was stored before (if anything) and the state to store.
#[derive(Debug)]
struct Pending {
    before: Option<Organisation>,
    current: Organisation,
}

impl PgStore {
    /// The organisation `id` if it lies inside `scope`.
    pub(crate) async fn org_in_scope(
        conn: &mut PgConnection,
        scope: &Scope,
        id: OrgId,
    ) -> StoreResult<Option<Organisation>> {
        let (mode, roots) = scope_binds(scope);
        let row = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations o WHERE o.id = $3 AND ",
            in_scope!("o.id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(org_from_row).transpose()
    }
}

/// Insert new organisations with their paths (`paths` maps each id to its path).
async fn insert_orgs(
    conn: &mut PgConnection,
    orgs: &[&Organisation],
    paths: &HashMap<Uuid, String>,
) -> StoreResult<()> {
    for chunk in orgs.chunks(CHUNK) {
        let cols = OrgArrays::new(chunk);
        let path: Vec<&str> = chunk
            .iter()
            .map(|o| {
                paths
                    .get(o.id.as_uuid())
                    .map(String::as_str)
                    .ok_or_else(|| corrupt("path"))
            })
            .collect::<StoreResult<_>>()?;
        sqlx::query(
            "INSERT INTO organisations (id, code, name, kind, parent_id, postcode, opened, closed, path)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                                  $7::text[]::date[], $8::text[]::date[], $9::text[])",
        )
        .bind(cols.id)
        .bind(cols.code)
        .bind(cols.name)
        .bind(cols.kind)
        .bind(cols.parent)
        .bind(cols.postcode)
        .bind(cols.opened)
        .bind(cols.closed)
        .bind(path)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    Ok(())
}

/// Paths for the organisations a batch inserts, in batch order: the parent's path (computed earlier
/// in the batch, or stored) followed by the code. A parent that the same batch moves has a stale
/// stored path here; [`rollups::refresh_paths`] corrects such batches at their end.
fn new_paths(plan: &Plan, stored_paths: &HashMap<Uuid, String>) -> StoreResult<HashMap<Uuid, String>> {
    let mut known: HashMap<Uuid, String> = HashMap::new();
    let mut out = HashMap::new();
    for p in &plan.pending {
        let cur = &p.current;
        let parent_path = match cur.parent {
            None => "/".to_owned(),
            Some(parent) => {
                let parent = parent.as_uuid();
                known
                    .get(parent)
                    .or_else(|| stored_paths.get(parent))
                    .cloned()
                    .ok_or_else(|| corrupt("parent path"))?
            }
        };
        let path = format!("{parent_path}{}/", cur.code.as_str());
        if p.before.is_none() {
            out.insert(*cur.id.as_uuid(), path.clone());
        }
        known.insert(*cur.id.as_uuid(), path);
    }
    Ok(out)
}

async fn update_orgs(conn: &mut PgConnection, orgs: &[&Organisation]) -> StoreResult<()> {
    for chunk in orgs.chunks(CHUNK) {
        let cols = OrgArrays::new(chunk);
        sqlx::query(
            "UPDATE organisations o
                SET name = u.name, kind = u.kind, parent_id = u.parent_id,
                    postcode = u.postcode, opened = u.opened, closed = u.closed
               FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                           $7::text[]::date[], $8::text[]::date[])
                    AS u(id, code, name, kind, parent_id, postcode, opened, closed)
              WHERE o.id = u.id",
        )
        .bind(cols.id)
        .bind(cols.code)
        .bind(cols.name)
        .bind(cols.kind)
        .bind(cols.parent)
        .bind(cols.postcode)
        .bind(cols.opened)
        .bind(cols.closed)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    Ok(())
}

/// Column arrays for UNNEST.
struct OrgArrays {
    id: Vec<Uuid>,
    code: Vec<String>,
    name: Vec<String>,
    kind: Vec<String>,
    parent: Vec<Option<Uuid>>,
    postcode: Vec<Option<String>>,
    opened: Vec<Option<String>>,
    closed: Vec<Option<String>>,
}

impl OrgArrays {
    fn new(orgs: &[&Organisation]) -> Self {
        Self {
            id: orgs.iter().map(|o| *o.id.as_uuid()).collect(),
            code: orgs.iter().map(|o| o.code.as_str().to_owned()).collect(),
            name: orgs.iter().map(|o| o.name.clone()).collect(),
            kind: orgs.iter().map(|o| o.kind.as_str().to_owned()).collect(),
            parent: orgs.iter().map(|o| o.parent.map(|p| *p.as_uuid())).collect(),
            postcode: orgs.iter().map(|o| o.postcode.clone()).collect(),
            opened: orgs.iter().map(|o| date_text(o.opened)).collect(),
            closed: orgs.iter().map(|o| date_text(o.closed)).collect(),
        }
    }
}

/// Record new parents from `effective` on: each re-parented child's open link is closed on that
/// day (or dropped when it only started on or after it), then the new links open.
async fn relink(
    conn: &mut PgConnection,
    children: &[Uuid],
    new_links: &[(Uuid, Uuid)],
    effective: Date,
) -> StoreResult<()> {
    let day = effective.to_string();
    for chunk in children.chunks(CHUNK) {
        sqlx::query(
            "DELETE FROM org_links
              WHERE child_id = ANY($1) AND valid_to IS NULL AND valid_from >= $2::text::date",
        )
        .bind(chunk)
        .bind(&day)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
        sqlx::query(
            "UPDATE org_links SET valid_to = $2::text::date WHERE child_id = ANY($1) AND valid_to IS NULL",
        )
        .bind(chunk)
        .bind(&day)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    for chunk in new_links.chunks(CHUNK) {
        let child: Vec<Uuid> = chunk.iter().map(|l| l.0).collect();
        let parent: Vec<Uuid> = chunk.iter().map(|l| l.1).collect();
        sqlx::query(
            "INSERT INTO org_links (child_id, parent_id, valid_from, valid_to)
             SELECT c, p, $3::text::date, NULL FROM UNNEST($1::uuid[], $2::uuid[]) AS u(c, p)
             ON CONFLICT (child_id, valid_from) DO UPDATE SET parent_id = EXCLUDED.parent_id, valid_to = NULL",
        )
        .bind(child)
        .bind(parent)
        .bind(&day)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    Ok(())
}

/// What an import will do: one pending row per code (in order of first appearance), the counts
/// and audit events as if the items were applied one after another.
#[derive(Debug)]
struct Plan {
    pending: Vec<Pending>,
    counts: UpsertCounts,
    events: Vec<AuditEvent>,
}

/// Fold the slice into one pending state per code. Existing rows keep their id, also where later
/// items name the given id as a parent. A parent must be stored already (`stored_parents`) or come
/// earlier in the slice, and may not be the organisation itself.
fn plan_upsert(
    orgs: &[Organisation],
    stored: HashMap<String, Organisation>,
    stored_parents: &HashSet<OrgId>,
    audit: &AuditMeta,
) -> StoreResult<Plan> {
    let mut plan = Plan {
        pending: Vec::with_capacity(orgs.len()),
        counts: UpsertCounts::default(),
        events: Vec::new(),
    };
    let mut by_code: HashMap<String, usize> = HashMap::with_capacity(orgs.len());
    let mut id_map: HashMap<OrgId, OrgId> = HashMap::new();
    let mut seen: HashSet<OrgId> = HashSet::new();
    let mut stored = stored;
    for (index, given) in orgs.iter().enumerate() {
        let mut current = given.clone();
        current.parent = current.parent.map(|p| id_map.get(&p).copied().unwrap_or(p));
        let code = given.code.as_str().to_owned();
        let slot = by_code.get(&code).copied();
        let before = match slot.and_then(|i| plan.pending.get(i)) {
            Some(p) => Some(p.current.clone()),
            None => stored.remove(&code),
        };
        if let Some(b) = &before {
            current.id = b.id;
        }
        if current.id != given.id {
            id_map.insert(given.id, current.id);
        }
        if let Some(parent) = current.parent
            && before.as_ref().is_none_or(|b| b.parent != current.parent)
        {
            if parent == current.id {
                return Err(StoreError::Invalid(format!(
                    "orgs[{index}].parent: an organisation cannot be its own parent"
                )));
            }
            if !stored_parents.contains(&parent) && !seen.contains(&parent) {
                return Err(StoreError::Invalid(format!(
                    "orgs[{index}].parent: organisation {parent} does not exist (parents must come first)"
                )));
            }
        }
        seen.insert(current.id);
        let id = current.id.to_string();
        match &before {
            None => {
                plan.counts.inserted += 1;
                let after = Some(digest_json(&current));
                plan.events.push(audit.event(
                    "org.create",
                    "organisation",
                    id,
                    Some(current.id),
                    None,
                    after,
                    None,
                ));
            }
            Some(b) if *b == current => plan.counts.unchanged += 1,
            Some(b) => {
                plan.counts.updated += 1;
                let (before, after) = (Some(digest_json(b)), Some(digest_json(&current)));
                plan.events.push(audit.event(
                    "org.update",
                    "organisation",
                    id,
                    Some(current.id),
                    before,
                    after,
                    None,
                ));
            }
        }
        match slot.and_then(|i| plan.pending.get_mut(i)) {
            Some(p) => p.current = current,
            None => {
                by_code.insert(code, plan.pending.len());
                plan.pending.push(Pending { before, current });
            }
        }
    }
    Ok(plan)
}

/// Fail with `Invalid` if any of `ids` now sits beneath itself.
async fn check_no_cycles(conn: &mut PgConnection, ids: &[Uuid]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let row = sqlx::query(
        "WITH RECURSIVE up(start, id, depth) AS (
             SELECT o.id, o.parent_id, 1 FROM organisations o WHERE o.id = ANY($1) AND o.parent_id IS NOT NULL
           UNION ALL
             SELECT up.start, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id
              WHERE o.parent_id IS NOT NULL AND up.id <> up.start AND up.depth < 64
         )
         SELECT start FROM up WHERE id = start LIMIT 1",
    )
    .bind(ids)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_db_error)?;
    match row {
        Some(r) => Err(ward_store::refusals::org_cycle(OrgId::from_uuid(col::<Uuid>(
            &r, "start",
        )?))),
        None => Ok(()),
    }
}

#[async_trait]
impl OrgStore for PgStore {
    async fn upsert_orgs(
        &self,
        orgs: &[Organisation],
        effective: Date,
        audit: &AuditMeta,
    ) -> StoreResult<UpsertCounts> {
        if orgs.is_empty() {
            return Ok(UpsertCounts::default());
        }
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let codes: Vec<String> = orgs.iter().map(|o| o.code.as_str().to_owned()).collect();
        let rows = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations o WHERE o.code = ANY($1) ORDER BY o.code FOR NO KEY UPDATE"
        ))
        .bind(&codes)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let mut stored = HashMap::with_capacity(rows.len());
        for row in &rows {
            let o = org_from_row(row)?;
            stored.insert(o.code.as_str().to_owned(), o);
        }
        let mut parents: Vec<Uuid> = orgs
            .iter()
            .filter_map(|o| o.parent.map(|p| *p.as_uuid()))
            .collect();
        parents.sort_unstable();
        parents.dedup();
        let rows = sqlx::query("SELECT id, path FROM organisations WHERE id = ANY($1)")
            .bind(&parents)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let mut stored_paths: HashMap<Uuid, String> = HashMap::with_capacity(rows.len());
        for r in &rows {
            stored_paths.insert(col(r, "id")?, col(r, "path")?);
        }
        let stored_parents: HashSet<OrgId> = stored_paths.keys().map(|id| OrgId::from_uuid(*id)).collect();
        let plan = plan_upsert(orgs, stored, &stored_parents, audit)?;
        let paths = new_paths(&plan, &stored_paths)?;

        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        let mut relinked = Vec::new();
        let mut new_links = Vec::new();
        let mut counts = Deltas::default();
        for p in &plan.pending {
            let cur = &p.current;
            let moved = match &p.before {
                None => {
                    inserts.push(cur);
                    counts.open_org(cur, 1);
                    cur.parent.is_some()
                }
                Some(b) if b == cur => false,
                Some(b) => {
                    updates.push(cur);
                    counts.open_org(b, -1);
                    counts.open_org(cur, 1);
                    if b.parent != cur.parent {
                        relinked.push(*cur.id.as_uuid());
                    }
                    b.parent != cur.parent
                }
            };
            if moved && let Some(parent) = cur.parent {
                new_links.push((*cur.id.as_uuid(), *parent.as_uuid()));
            }
        }
        insert_orgs(&mut tx, &inserts, &paths).await?;
        update_orgs(&mut tx, &updates).await?;
        check_no_cycles(&mut tx, &relinked).await?;
        relink(&mut tx, &relinked, &new_links, effective).await?;
        append_events(&mut tx, &self.keys, plan.events).await?;
        // Paths and counters after the audit append, under its lock (see `rollups`).
        if relinked.is_empty() {
            rollups::apply(&mut tx, &counts).await?;
        } else {
            let mut touched = rollups::with_ancestors(&mut tx, &relinked).await?;
            let mut changed: Vec<Uuid> = inserts.iter().map(|o| *o.id.as_uuid()).collect();
            changed.extend(relinked.iter().copied());
            rollups::refresh_paths(&mut tx, &changed, &relinked).await?;
            rollups::apply(&mut tx, &counts).await?;
            touched.extend(rollups::with_ancestors(&mut tx, &relinked).await?);
            rollups::recompute(&mut tx, &touched).await?;
        }
        tx.commit().await.map_err(map_db_error)?;
        Ok(plan.counts)
    }

    async fn get_org(&self, scope: &Scope, id: OrgId) -> StoreResult<Organisation> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        Self::org_in_scope(&mut conn, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", id))
    }

    async fn get_org_by_code(&self, scope: &Scope, code: &OdsCode) -> StoreResult<Organisation> {
        let (mode, roots) = scope_binds(scope);
        let row = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations o WHERE o.code = $3 AND ",
            in_scope!("o.id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(code.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
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
        let (mode, roots) = scope_binds(scope);
        let (limit, offset) = page_bounds(page);
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let kind = filter.kind.map(|k| k.as_str());
        let parent = filter.parent.map(|p| *p.as_uuid());
        let rows = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            ", count(*) OVER () AS total FROM organisations o WHERE ",
            in_scope!("o.id"),
            " AND ($3::text IS NULL OR strpos(lower(o.name), $3) > 0 OR strpos(lower(o.code), $3) > 0)
              AND ($4::text IS NULL OR o.kind = $4)
              AND ($5::uuid IS NULL OR o.parent_id = $5)
              AND ($6 OR o.closed IS NULL)
              ORDER BY o.name, o.code LIMIT $7 OFFSET $8"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(&text)
        .bind(kind)
        .bind(parent)
        .bind(filter.include_closed)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        let total = match rows.first() {
            Some(r) => count_col(r, "total")?,
            // The page is past the end (or nothing matches): count separately.
            None if page.offset > 0 => {
                let row = sqlx::query(concat!(
                    "SELECT count(*) AS total FROM organisations o WHERE ",
                    in_scope!("o.id"),
                    " AND ($3::text IS NULL OR strpos(lower(o.name), $3) > 0 OR strpos(lower(o.code), $3) > 0)
                      AND ($4::text IS NULL OR o.kind = $4)
                      AND ($5::uuid IS NULL OR o.parent_id = $5)
                      AND ($6 OR o.closed IS NULL)"
                ))
                .bind(mode)
                .bind(&roots)
                .bind(&text)
                .bind(kind)
                .bind(parent)
                .bind(filter.include_closed)
                .fetch_one(&self.pool)
                .await
                .map_err(map_db_error)?;
                count_col(&row, "total")?
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
        // Depth-limited so a cycle in bad data cannot loop forever.
        let rows = sqlx::query(
            "WITH RECURSIVE up(id, parent_id, depth) AS (
                 SELECT o.id, o.parent_id, 0 FROM organisations o WHERE o.id = $1
               UNION ALL
                 SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id
                  WHERE up.depth < 64
             )
             SELECT id, depth FROM up ORDER BY depth",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows.iter().skip(1) {
            out.push(OrgId::from_uuid(col(r, "id")?));
        }
        Ok(out)
    }

    async fn org_links(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<OrgLink>> {
        // The organisation joined to its links: no row at all means it is not in scope.
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT l.child_id, l.parent_id, to_char(l.valid_from, 'YYYY-MM-DD') AS valid_from,
                    to_char(l.valid_to, 'YYYY-MM-DD') AS valid_to
               FROM organisations o LEFT JOIN org_links l ON l.child_id = o.id
              WHERE o.id = $3 AND ",
            in_scope!("o.id"),
            " ORDER BY l.valid_from, l.valid_to NULLS LAST, l.parent_id"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut links = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(child) = col::<Option<Uuid>>(r, "child_id")? else {
                continue;
            };
            links.push(OrgLink {
                child: OrgId::from_uuid(child),
                parent: OrgId::from_uuid(col(r, "parent_id")?),
                valid_from: parse_date(col(r, "valid_from")?)?.ok_or_else(|| corrupt("link date"))?,
                valid_to: parse_date(col(r, "valid_to")?)?,
            });
        }
        Ok(links)
    }

    async fn org_children(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<Organisation>> {
        // The organisation joined to its children in scope: no row at all means it is not in scope.
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations p LEFT JOIN organisations o ON o.parent_id = p.id AND ",
            in_scope!("o.id"),
            " WHERE p.id = $3 AND ",
            in_scope!("p.id"),
            " ORDER BY o.name, o.code"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        if rows.is_empty() {
            return Err(StoreError::not_found("organisation", id));
        }
        let mut children = Vec::with_capacity(rows.len());
        for r in &rows {
            if col::<Option<Uuid>>(r, "id")?.is_some() {
                children.push(org_from_row(r)?);
            }
        }
        Ok(children)
    }

    async fn org_overview(&self, scope: &Scope, id: OrgId) -> StoreResult<OrgOverview> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        rollups::overview(&mut conn, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::audit::AuditActor;
    use ward_core::org::OrgKind;

    fn org(code: &str, id: u128, parent: Option<u128>) -> Organisation {
        Organisation {
            id: OrgId::from_uuid(Uuid::from_u128(id)),
            code: OdsCode::parse(code).unwrap(),
            name: code.into(),
            kind: OrgKind::NhsTrust,
            parent: parent.map(|p| OrgId::from_uuid(Uuid::from_u128(p))),
            postcode: None,
            opened: None,
            closed: None,
        }
    }

    fn meta() -> AuditMeta {
        AuditMeta {
            actor: AuditActor::system("test"),
            at: jiff::Timestamp::UNIX_EPOCH,
            request_id: None,
        }
    }

    #[test]
    fn existing_codes_keep_their_id_and_children_follow() {
        let stored = HashMap::from([("RJZ".to_owned(), org("RJZ", 1, None))]);
        let plan = plan_upsert(
            &[org("RJZ", 9, None), org("RJZ01", 10, Some(9))],
            stored,
            &HashSet::new(),
            &meta(),
        )
        .unwrap();
        assert_eq!(plan.pending.len(), 2);
        assert_eq!(plan.pending[0].current.id, OrgId::from_uuid(Uuid::from_u128(1)));
        assert!(plan.pending[0].before.is_some());
        assert_eq!(
            plan.pending[1].current.parent,
            Some(OrgId::from_uuid(Uuid::from_u128(1)))
        );
        assert_eq!((plan.counts.inserted, plan.counts.unchanged), (1, 1));
        assert_eq!(plan.events.len(), 1);
    }

    #[test]
    fn a_repeated_code_counts_as_an_update_of_the_first() {
        let mut second = org("RJZ", 2, None);
        second.name = "Renamed".into();
        let plan = plan_upsert(
            &[org("RJZ", 1, None), second],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap();
        assert_eq!(plan.pending.len(), 1);
        assert_eq!(plan.pending[0].current.name, "Renamed");
        assert_eq!(plan.pending[0].current.id, OrgId::from_uuid(Uuid::from_u128(1)));
        assert_eq!((plan.counts.inserted, plan.counts.updated), (1, 1));
        let actions: Vec<_> = plan.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["org.create", "org.update"]);
    }

    #[test]
    fn unknown_and_self_parents_are_named() {
        let e = plan_upsert(
            &[org("RJZ", 1, Some(5))],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("orgs[0].parent"), "{e}");
        let e = plan_upsert(
            &[org("RJZ", 1, None), org("RJY", 2, Some(2))],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("orgs[1].parent"), "{e}");
        let known = HashSet::from([OrgId::from_uuid(Uuid::from_u128(5))]);
        assert!(plan_upsert(&[org("RJZ", 1, Some(5))], HashMap::new(), &known, &meta()).is_ok());
    }
}
