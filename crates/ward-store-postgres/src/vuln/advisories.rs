//! Advisories with their alias and package indexes.

use std::collections::{BTreeSet, HashMap};

use sqlx::PgConnection;
use ward_core::vuln::Advisory;
use ward_store::vuln::{
    AdvisoryFilter, AdvisorySummary, VulnCounts, advisory_index_keys, ecosystem_base, package_key,
};
use ward_store::{AuditMeta, Page, PageRequest, StoreError, StoreResult};

use super::{batch_digest, check_key, from_doc, lock_writers, to_doc};
use crate::audit::append_event;
use crate::error::map_db_error;
use crate::rows::{col, count_col, micros, opt_micros};
use crate::{PgStore, page_bounds};

/// Rows per UNNEST statement.
const CHUNK: usize = 5_000;

/// What is stored about an advisory already, to decide whether to write it.
struct Stored {
    digest: String,
    modified: Option<i64>,
}

/// Keep one advisory per id: the newest by `modified`, the later one on a tie. Returns the indexes
/// kept, in input order, and how many were dropped.
fn newest_per_id(advisories: &[Advisory]) -> (Vec<usize>, u64) {
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

async fn load_stored(conn: &mut PgConnection, ids: Vec<String>) -> StoreResult<HashMap<String, Stored>> {
    let rows = sqlx::query("SELECT id, digest, modified FROM advisories WHERE id = ANY($1)")
        .bind(ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        out.insert(
            col(&row, "id")?,
            Stored {
                digest: col(&row, "digest")?,
                modified: col(&row, "modified")?,
            },
        );
    }
    Ok(out)
}

/// One advisory ready to write.
struct Row<'a> {
    advisory: &'a Advisory,
    digest: String,
    doc: String,
}

async fn write_rows(
    conn: &mut PgConnection,
    rows: &[Row<'_>],
    replaced: Vec<String>,
    stored_at: i64,
) -> StoreResult<()> {
    for table in [
        "DELETE FROM advisory_aliases WHERE advisory_id = ANY($1)",
        "DELETE FROM advisory_packages WHERE advisory_id = ANY($1)",
    ] {
        sqlx::query(table)
            .bind(&replaced)
            .execute(&mut *conn)
            .await
            .map_err(map_db_error)?;
    }
    for chunk in rows.chunks(CHUNK) {
        let adv = || chunk.iter().map(|r| r.advisory);
        sqlx::query(
            "INSERT INTO advisories (id, source, summary, published, modified, withdrawn, digest, doc, stored_at)
             SELECT u.*, $9 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[],
                                        $6::bigint[], $7::text[], $8::text[]) AS u
             ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, summary = EXCLUDED.summary,
                 published = EXCLUDED.published, modified = EXCLUDED.modified, withdrawn = EXCLUDED.withdrawn,
                 digest = EXCLUDED.digest, doc = EXCLUDED.doc, stored_at = EXCLUDED.stored_at",
        )
        .bind(adv().map(|a| a.id.clone()).collect::<Vec<_>>())
        .bind(adv().map(|a| super::source_str(a.source)).collect::<Vec<_>>())
        .bind(adv().map(|a| a.summary.clone()).collect::<Vec<_>>())
        .bind(adv().map(|a| opt_micros(a.published)).collect::<Vec<_>>())
        .bind(adv().map(|a| opt_micros(a.modified)).collect::<Vec<_>>())
        .bind(adv().map(|a| opt_micros(a.withdrawn)).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.digest.clone()).collect::<Vec<_>>())
        .bind(chunk.iter().map(|r| r.doc.clone()).collect::<Vec<_>>())
        .bind(stored_at)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    let (mut alias, mut alias_of) = (Vec::new(), Vec::new());
    let (mut key, mut eco, mut key_of) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        let a = r.advisory;
        let unique: BTreeSet<&str> = a
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|x| *x != a.id)
            .collect();
        for x in unique {
            alias.push(x.to_owned());
            alias_of.push(a.id.clone());
        }
        for (e, k) in advisory_index_keys(a) {
            key.push(k);
            eco.push(e);
            key_of.push(a.id.clone());
        }
    }
    for (a, b) in alias.chunks(CHUNK).zip(alias_of.chunks(CHUNK)) {
        sqlx::query(
            "INSERT INTO advisory_aliases (alias, advisory_id) SELECT * FROM UNNEST($1::text[], $2::text[])
             ON CONFLICT DO NOTHING",
        )
        .bind(a)
        .bind(b)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    for ((k, e), id) in key.chunks(CHUNK).zip(eco.chunks(CHUNK)).zip(key_of.chunks(CHUNK)) {
        sqlx::query(
            "INSERT INTO advisory_packages (name_key, ecosystem, advisory_id)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
        )
        .bind(k)
        .bind(e)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    Ok(())
}

fn docs(rows: &[sqlx::postgres::PgRow]) -> StoreResult<Vec<Advisory>> {
    rows.iter()
        .map(|r| from_doc::<Advisory>("advisory", &col::<String>(r, "doc")?))
        .collect()
}

/// The filter's parameters: include withdrawn, modified since, lower-case text, ecosystem, name keys.
const LIST_WHERE: &str = "($1 OR a.withdrawn IS NULL)
      AND ($2::bigint IS NULL OR a.modified >= $2)
      AND ($3::text IS NULL OR strpos(lower(a.id), $3) > 0 OR strpos(lower(coalesce(a.summary, '')), $3) > 0
           OR EXISTS (SELECT 1 FROM advisory_aliases x WHERE x.advisory_id = a.id AND strpos(lower(x.alias), $3) > 0))
      AND (($4::text IS NULL AND $5::text[] IS NULL) OR EXISTS (SELECT 1 FROM advisory_packages p
           WHERE p.advisory_id = a.id AND ($4::text IS NULL OR p.ecosystem = $4)
             AND ($5::text[] IS NULL OR p.name_key = ANY($5))))";

impl PgStore {
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
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        lock_writers(&mut tx).await?;
        let ids: Vec<String> = kept.iter().map(|&i| advisories[i].id.clone()).collect();
        let stored = load_stored(&mut tx, ids).await?;
        let mut rows = Vec::new();
        let mut replaced = Vec::new();
        for &i in &kept {
            let a = &advisories[i];
            let digest = ward_core::audit::digest_json(a);
            match stored.get(&a.id) {
                Some(s) if s.digest == digest => counts.unchanged += 1,
                Some(s) if a.modified.is_some() && opt_micros(a.modified) < s.modified => counts.stale += 1,
                found => {
                    if found.is_some() {
                        counts.updated += 1;
                        replaced.push(a.id.clone());
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
        write_rows(&mut tx, &rows, replaced, micros(audit.at)).await?;
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
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(counts)
    }

    pub(super) async fn get_advisory_impl(&self, id: &str) -> StoreResult<Advisory> {
        let doc: Option<String> = sqlx::query_scalar("SELECT doc FROM advisories WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_db_error)?;
        match doc {
            Some(doc) => from_doc("advisory", &doc),
            None => Err(StoreError::not_found("advisory", id)),
        }
    }

    pub(super) async fn find_advisories_impl(&self, id: &str) -> StoreResult<Vec<Advisory>> {
        let rows = sqlx::query(
            "SELECT id, doc FROM advisories WHERE id = $1 UNION
             SELECT a.id, a.doc FROM advisory_aliases x JOIN advisories a ON a.id = x.advisory_id
             WHERE x.alias = $1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        let mut out = docs(&rows)?;
        out.sort_by(|a, b| (a.id != id, &a.id).cmp(&(b.id != id, &b.id)));
        Ok(out)
    }

    pub(super) async fn list_advisories_impl(
        &self,
        filter: &AdvisoryFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AdvisorySummary>> {
        let (limit, offset) = page_bounds(page);
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let ecosystem = filter
            .ecosystem
            .as_deref()
            .map(ecosystem_base)
            .filter(|e| !e.is_empty());
        let keys = filter
            .package
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|name| {
                vec![
                    package_key(ecosystem.unwrap_or(""), name),
                    package_key("PyPI", name),
                ]
            });
        let bind = |q: sqlx::query::Query<'static, sqlx::Postgres, sqlx::postgres::PgArguments>| {
            q.bind(filter.include_withdrawn)
                .bind(opt_micros(filter.modified_since))
                .bind(text.clone())
                .bind(ecosystem.map(str::to_owned))
                .bind(keys.clone())
        };
        let total = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) AS total FROM advisories a WHERE {LIST_WHERE}"
        ))))
        .fetch_one(&self.pool)
        .await
        .map_err(map_db_error)?;
        let rows = bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.doc FROM advisories a WHERE {LIST_WHERE}
             ORDER BY a.modified DESC NULLS LAST, a.id COLLATE \"C\" LIMIT $6 OFFSET $7"
        ))))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(Page {
            items: docs(&rows)?.iter().map(AdvisorySummary::of).collect(),
            total: count_col(&total, "total")?,
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
        let rows = sqlx::query(
            "SELECT a.doc FROM advisory_packages p JOIN advisories a ON a.id = p.advisory_id
             WHERE p.name_key = $1 AND p.ecosystem = $2 AND a.withdrawn IS NULL ORDER BY a.id COLLATE \"C\"",
        )
        .bind(package_key(ecosystem, name))
        .bind(ecosystem_base(ecosystem))
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        docs(&rows)
    }
}
