//! Advisories with their alias and package indexes.

use std::collections::{BTreeSet, HashMap};

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ward_core::vuln::Advisory;
use ward_store::vuln::{
    AdvisoryFilter, AdvisorySummary, VulnCounts, advisory_index_keys, ecosystem_base, package_key,
};
use ward_store::{AuditMeta, Page, PageRequest, StoreError, StoreResult};

use super::{batch_digest, check_key, from_doc, to_doc};
use crate::SqliteStore;
use crate::audit::{append, push_page};
use crate::codec::{DbResult, get, like_pattern, opt_ts, to_u64, ts};

/// Advisories per multi-row statement (9 parameters each).
const ROWS: usize = 400;
/// Index rows per multi-row statement (2 or 3 parameters each).
const INDEX_ROWS: usize = 3_000;
/// Identifiers per `IN (...)` list.
const IN_CHUNK: usize = 500;

/// What is stored about an advisory already, to decide whether to write it.
struct Stored {
    digest: String,
    modified: Option<i64>,
}

/// Keep one advisory per id: the newest by `modified`, the later one on a tie. Returns the indexes
/// kept, in input order, and how many were dropped.
pub(super) fn newest_per_id(advisories: &[Advisory]) -> (Vec<usize>, u64) {
    let mut chosen: HashMap<&str, usize> = HashMap::with_capacity(advisories.len());
    for (i, a) in advisories.iter().enumerate() {
        match chosen.get(a.id.as_str()) {
            Some(&j) if advisories[j].modified > a.modified => {}
            _ => {
                chosen.insert(&a.id, i);
            }
        }
    }
    let mut kept: Vec<usize> = chosen.into_values().collect();
    kept.sort_unstable();
    let dropped = (advisories.len() - kept.len()) as u64;
    (kept, dropped)
}

async fn load_stored(conn: &mut SqliteConnection, ids: &[&str]) -> StoreResult<HashMap<String, Stored>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new("SELECT id, digest, modified FROM advisories WHERE id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            out.insert(
                get(&row, "id")?,
                Stored {
                    digest: get(&row, "digest")?,
                    modified: get(&row, "modified")?,
                },
            );
        }
    }
    Ok(out)
}

/// One advisory ready to write.
struct Row<'a> {
    advisory: &'a Advisory,
    digest: String,
    doc: String,
}

async fn delete_index(conn: &mut SqliteConnection, ids: &[&str]) -> StoreResult<()> {
    for table in ["advisory_aliases", "advisory_packages"] {
        for chunk in ids.chunks(IN_CHUNK) {
            let mut qb = QueryBuilder::new("DELETE FROM ");
            qb.push(table).push(" WHERE advisory_id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build().execute(&mut *conn).await.db()?;
        }
    }
    Ok(())
}

async fn write_rows(conn: &mut SqliteConnection, rows: &[Row<'_>], stored_at: i64) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO advisories (id, source, summary, published, modified, withdrawn, digest, doc, \
             stored_at) ",
        );
        qb.push_values(chunk, |mut b, r| {
            let a = r.advisory;
            b.push_bind(a.id.as_str())
                .push_bind(super::source_str(a.source))
                .push_bind(a.summary.as_deref())
                .push_bind(opt_ts(a.published))
                .push_bind(opt_ts(a.modified))
                .push_bind(opt_ts(a.withdrawn))
                .push_bind(r.digest.as_str())
                .push_bind(r.doc.as_str())
                .push_bind(stored_at);
        });
        qb.push(
            " ON CONFLICT (id) DO UPDATE SET source = excluded.source, summary = excluded.summary, \
             published = excluded.published, modified = excluded.modified, withdrawn = excluded.withdrawn, \
             digest = excluded.digest, doc = excluded.doc, stored_at = excluded.stored_at",
        );
        qb.build().execute(&mut *conn).await.db()?;
    }
    let mut aliases: Vec<(&str, &str)> = Vec::new();
    let mut packages: Vec<(String, String, &str)> = Vec::new();
    for r in rows {
        let a = r.advisory;
        let unique: BTreeSet<&str> = a
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|x| *x != a.id)
            .collect();
        aliases.extend(unique.into_iter().map(|alias| (alias, a.id.as_str())));
        packages.extend(
            advisory_index_keys(a)
                .into_iter()
                .map(|(eco, key)| (key, eco, a.id.as_str())),
        );
    }
    for chunk in aliases.chunks(INDEX_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO advisory_aliases (alias, advisory_id) ");
        qb.push_values(chunk, |mut b, (alias, id)| {
            b.push_bind(*alias).push_bind(*id);
        });
        qb.build().execute(&mut *conn).await.db()?;
    }
    for chunk in packages.chunks(INDEX_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO advisory_packages (name_key, ecosystem, advisory_id) ");
        qb.push_values(chunk, |mut b, (key, eco, id)| {
            b.push_bind(key.as_str()).push_bind(eco.as_str()).push_bind(*id);
        });
        qb.build().execute(&mut *conn).await.db()?;
    }
    Ok(())
}

fn summary_from_row(row: &SqliteRow) -> StoreResult<AdvisorySummary> {
    let doc: String = get(row, "doc")?;
    Ok(AdvisorySummary::of(&from_doc::<Advisory>("advisory", &doc)?))
}

fn push_filter(qb: &mut QueryBuilder<Sqlite>, f: &AdvisoryFilter) {
    qb.push(" FROM advisories a WHERE 1");
    if !f.include_withdrawn {
        qb.push(" AND a.withdrawn IS NULL");
    }
    if let Some(since) = f.modified_since {
        qb.push(" AND a.modified >= ").push_bind(ts(since));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = like_pattern(text);
        qb.push(" AND (a.id LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR a.summary LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR a.id IN (SELECT advisory_id FROM advisory_aliases WHERE alias LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'))");
    }
    let ecosystem = f
        .ecosystem
        .as_deref()
        .map(ecosystem_base)
        .filter(|e| !e.is_empty());
    let package = f.package.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if ecosystem.is_some() || package.is_some() {
        qb.push(" AND a.id IN (SELECT advisory_id FROM advisory_packages WHERE 1");
        if let Some(eco) = ecosystem {
            qb.push(" AND ecosystem = ").push_bind(eco.to_owned());
        }
        if let Some(name) = package {
            let exact = package_key(ecosystem.unwrap_or(""), name);
            let pypi = package_key("PyPI", name);
            qb.push(" AND name_key IN (")
                .push_bind(exact)
                .push(", ")
                .push_bind(pypi)
                .push(")");
        }
        qb.push(")");
    }
}

impl SqliteStore {
    pub(super) async fn upsert_advisories_impl(
        &self,
        advisories: &[Advisory],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, a) in advisories.iter().enumerate() {
            check_key(&format!("advisories[{i}].id"), &a.id)?;
        }
        let (kept, dropped) = newest_per_id(advisories);
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let mut tx = self.begin_write().await?;
        let ids: Vec<&str> = kept.iter().map(|&i| advisories[i].id.as_str()).collect();
        let stored = load_stored(&mut tx, &ids).await?;
        let mut rows = Vec::new();
        let mut replaced = Vec::new();
        for &i in &kept {
            let a = &advisories[i];
            let digest = ward_core::audit::digest_json(a);
            match stored.get(&a.id) {
                Some(s) if s.digest == digest => counts.unchanged += 1,
                Some(s) if a.modified.is_some() && opt_ts(a.modified) < s.modified => counts.stale += 1,
                found => {
                    if found.is_some() {
                        counts.updated += 1;
                        replaced.push(a.id.as_str());
                    } else {
                        counts.inserted += 1;
                    }
                    rows.push(Row {
                        advisory: a,
                        digest,
                        doc: to_doc(a)?,
                    });
                }
            }
        }
        delete_index(&mut tx, &replaced).await?;
        write_rows(&mut tx, &rows, ts(audit.at)).await?;
        let digest = batch_digest(advisories.iter().map(|a| a.id.as_str()));
        let entity_id = match advisories {
            [one] => one.id.clone(),
            _ => format!("batch-{}", &digest[..16]),
        };
        let detail = counts.detail(&[("records", advisories.len().to_string())]);
        let event = audit.event(
            "advisories.import",
            "advisory",
            entity_id,
            None,
            None,
            Some(digest),
            Some(detail),
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()?;
        Ok(counts)
    }

    pub(super) async fn get_advisory_impl(&self, id: &str) -> StoreResult<Advisory> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM advisories WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?;
        match doc {
            Some(doc) => from_doc("advisory", &doc),
            None => Err(StoreError::not_found("advisory", id)),
        }
    }

    pub(super) async fn find_advisories_impl(&self, id: &str) -> StoreResult<Vec<Advisory>> {
        let rows = sqlx::query(
            "SELECT id, doc FROM advisories WHERE id = ?1 UNION \
             SELECT a.id, a.doc FROM advisory_aliases x JOIN advisories a ON a.id = x.advisory_id \
             WHERE x.alias = ?1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut out = rows
            .iter()
            .map(|r| from_doc::<Advisory>("advisory", &get::<String>(r, "doc")?))
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by(|a, b| (a.id != id, &a.id).cmp(&(b.id != id, &b.id)));
        Ok(out)
    }

    pub(super) async fn list_advisories_impl(
        &self,
        filter: &AdvisoryFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AdvisorySummary>> {
        let mut conn = self.read.acquire().await.db()?;
        let mut count = QueryBuilder::new("SELECT count(*)");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await.db()?;
        let mut qb = QueryBuilder::new("SELECT a.doc");
        push_filter(&mut qb, filter);
        push_page(&mut qb, " ORDER BY a.modified DESC NULLS LAST, a.id", page);
        let rows = qb.build().fetch_all(&mut *conn).await.db()?;
        let items = rows
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total: to_u64("count", total)?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    pub(super) async fn advisories_for_package_impl(
        &self,
        ecosystem: &str,
        name: &str,
    ) -> StoreResult<Vec<Advisory>> {
        let docs: Vec<String> = sqlx::query_scalar(
            "SELECT a.doc FROM advisory_packages p JOIN advisories a ON a.id = p.advisory_id \
             WHERE p.name_key = ? AND p.ecosystem = ? AND a.withdrawn IS NULL ORDER BY a.id",
        )
        .bind(package_key(ecosystem, name))
        .bind(ecosystem_base(ecosystem))
        .fetch_all(&self.read)
        .await
        .db()?;
        docs.iter().map(|d| from_doc("advisory", d)).collect()
    }
}
