//! Advisories with their alias and package indexes.

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::vuln::Advisory;

use super::{
    Import, batch_digest, batch_name, by_code_point, check_key, commit_import, from_doc, lock_writers,
    single, to_doc,
};
use crate::sql::bulk::{Column, Rows};
use crate::sql::{Arg, Dialect, Exec, RowRead, Sql, SqlBackend};
use crate::vuln::{
    AdvisoryFilter, AdvisoryStore, AdvisorySummary, VulnCounts, advisory_index_keys, ecosystem_base,
    package_key,
};
use crate::{AuditMeta, Page, PageRequest, StoreError, StoreResult};

/// What is stored about an advisory already, to decide whether to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAdvisory {
    pub digest: String,
    pub modified: Option<Timestamp>,
}

/// Keep one advisory per id: the newest by `modified`, the later one on a tie. Returns the indexes
/// kept, in input order, and how many were dropped.
pub fn newest_per_id(advisories: &[Advisory]) -> (Vec<usize>, u64) {
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

/// What an advisory import writes: the records to store (with their digests), the ids whose
/// stored record they replace (their indexes are rewritten), and the counts.
#[derive(Debug, PartialEq)]
pub struct AdvisoryPlan<'a> {
    pub write: Vec<(&'a Advisory, String)>,
    pub replaced: Vec<&'a str>,
    pub counts: VulnCounts,
}

/// Decide what to do with each advisory given what is stored: skip repeats in the batch and
/// records identical to the stored one, keep the stored one when it is newer, write the rest.
pub fn plan_advisories<'a>(
    advisories: &'a [Advisory],
    stored: &HashMap<String, StoredAdvisory>,
) -> AdvisoryPlan<'a> {
    let (kept, dropped) = newest_per_id(advisories);
    let mut plan = AdvisoryPlan {
        write: Vec::new(),
        replaced: Vec::new(),
        counts: VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        },
    };
    for i in kept {
        let a = &advisories[i];
        let digest = ward_core::audit::digest_json(a);
        match stored.get(&a.id) {
            Some(s) if s.digest == digest => plan.counts.unchanged += 1,
            Some(s) if a.modified.is_some() && a.modified < s.modified => plan.counts.stale += 1,
            found => {
                if found.is_some() {
                    plan.counts.updated += 1;
                    plan.replaced.push(&a.id);
                } else {
                    plan.counts.inserted += 1;
                }
                plan.write.push((a, digest));
            }
        }
    }
    plan
}

async fn load_stored<E: Exec + ?Sized>(
    db: &mut E,
    advisories: &[Advisory],
) -> StoreResult<HashMap<String, StoredAdvisory>> {
    let ids: HashSet<&str> = advisories.iter().map(|a| a.id.as_str()).collect();
    let mut q = Sql::new("SELECT id, digest, modified FROM advisories WHERE ");
    q.in_list(
        db.dialect(),
        "id",
        Arg::Texts(ids.into_iter().map(str::to_owned).collect()),
    );
    let mut out = HashMap::new();
    for row in db.fetch_all(q).await? {
        let stored = StoredAdvisory {
            digest: row.text("digest")?,
            modified: row.opt_ts("modified")?,
        };
        out.insert(row.text("id")?, stored);
    }
    Ok(out)
}

/// Store the plan's records and rewrite their alias and package indexes.
async fn write_plan<E: Exec + ?Sized>(db: &mut E, plan: &AdvisoryPlan<'_>, at: Timestamp) -> StoreResult<()> {
    if !plan.replaced.is_empty() {
        for table in ["advisory_aliases", "advisory_packages"] {
            let mut q = Sql::new(format!("DELETE FROM {table} WHERE "));
            let ids = plan.replaced.iter().map(|id| (*id).to_owned()).collect();
            q.in_list(db.dialect(), "advisory_id", Arg::Texts(ids));
            db.execute(q).await?;
        }
    }
    if plan.write.is_empty() {
        return Ok(());
    }
    let adv = || plan.write.iter().map(|(a, _)| *a);
    let micros = |t: Option<Timestamp>| t.map(|t| t.as_microsecond());
    let mut docs = Vec::with_capacity(plan.write.len());
    for (a, _) in &plan.write {
        docs.push(to_doc(a)?);
    }
    let rows = Rows::new("advisories")
        .column("id", Column::text(adv().map(|a| a.id.clone())))
        .column(
            "source",
            Column::text(adv().map(|a| a.source.as_str().to_owned())),
        )
        .column("summary", Column::text(adv().map(|a| a.summary.clone())))
        .column("published", Column::i64(adv().map(|a| micros(a.published))))
        .column("modified", Column::i64(adv().map(|a| micros(a.modified))))
        .column("withdrawn", Column::i64(adv().map(|a| micros(a.withdrawn))))
        .column("digest", Column::text(plan.write.iter().map(|(_, d)| d.clone())))
        .column("doc", Column::text(docs))
        .column("stored_at", Column::i64(adv().map(|_| at.as_microsecond())))
        .on_conflict(
            "ON CONFLICT (id) DO UPDATE SET source = excluded.source, summary = excluded.summary, \
             published = excluded.published, modified = excluded.modified, withdrawn = excluded.withdrawn, \
             digest = excluded.digest, doc = excluded.doc, stored_at = excluded.stored_at",
        );
    db.insert_rows(rows).await?;
    let (mut alias, mut alias_of) = (Vec::new(), Vec::new());
    let (mut key, mut eco, mut key_of) = (Vec::new(), Vec::new(), Vec::new());
    for a in adv() {
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
    let aliases = Rows::new("advisory_aliases")
        .column("alias", Column::text(alias))
        .column("advisory_id", Column::text(alias_of))
        .on_conflict("ON CONFLICT DO NOTHING");
    db.insert_rows(aliases).await?;
    let packages = Rows::new("advisory_packages")
        .column("name_key", Column::text(key))
        .column("ecosystem", Column::text(eco))
        .column("advisory_id", Column::text(key_of))
        .on_conflict("ON CONFLICT DO NOTHING");
    db.insert_rows(packages).await?;
    Ok(())
}

/// Append the filter's `FROM ... WHERE ...` to a list or count query.
fn push_filter(q: &mut Sql, dialect: Dialect, f: &AdvisoryFilter) {
    q.push(" FROM advisories a WHERE 1 = 1");
    if !f.include_withdrawn {
        q.push(" AND a.withdrawn IS NULL");
    }
    if let Some(since) = f.modified_since {
        q.push(" AND a.modified >= ").bind(since);
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Case-insensitive substring: `instr` on SQLite, `strpos` on PostgreSQL.
        let find = dialect.pick("instr", "strpos");
        let needle = text.to_lowercase();
        q.push(" AND (")
            .push(find)
            .push("(lower(a.id), ")
            .bind(needle.as_str());
        q.push(") > 0 OR ")
            .push(find)
            .push("(lower(coalesce(a.summary, '')), ");
        q.bind(needle.as_str())
            .push(") > 0 OR EXISTS (SELECT 1 FROM advisory_aliases x ");
        q.push("WHERE x.advisory_id = a.id AND ")
            .push(find)
            .push("(lower(x.alias), ");
        q.bind(needle).push(") > 0))");
    }
    let ecosystem = f
        .ecosystem
        .as_deref()
        .map(ecosystem_base)
        .filter(|e| !e.is_empty());
    let package = f.package.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if ecosystem.is_some() || package.is_some() {
        q.push(" AND EXISTS (SELECT 1 FROM advisory_packages p WHERE p.advisory_id = a.id");
        if let Some(eco) = ecosystem {
            q.push(" AND p.ecosystem = ").bind(eco);
        }
        if let Some(name) = package {
            let keys = vec![
                package_key(ecosystem.unwrap_or(""), name),
                package_key("PyPI", name),
            ];
            q.push(" AND ").in_list(dialect, "p.name_key", Arg::Texts(keys));
        }
        q.push(")");
    }
}

fn docs<R: RowRead>(rows: &[R]) -> StoreResult<Vec<Advisory>> {
    rows.iter()
        .map(|r| from_doc("advisory", &r.text("doc")?))
        .collect()
}

#[async_trait]
impl<B: SqlBackend> AdvisoryStore for B {
    async fn upsert_advisories(&self, advisories: &[Advisory], audit: &AuditMeta) -> StoreResult<VulnCounts> {
        for (i, a) in advisories.iter().enumerate() {
            check_key(&format!("advisories[{i}].id"), &a.id)?;
        }
        let mut tx = self.write().await?;
        lock_writers(&mut tx).await?;
        let stored = load_stored(&mut tx, advisories).await?;
        let plan = plan_advisories(advisories, &stored);
        write_plan(&mut tx, &plan, audit.at).await?;
        let counts = plan.counts;
        let digest = batch_digest(advisories.iter().map(|a| a.id.as_str()));
        let import = Import {
            action: "advisories.import",
            entity: "advisory",
            entity_id: batch_name(&digest, single(advisories, |a| &a.id)),
            digest,
            org: None,
            detail: counts.detail(&[("records", advisories.len().to_string())]),
        };
        commit_import(tx, self.keys(), audit, import).await?;
        Ok(counts)
    }

    async fn get_advisory(&self, id: &str) -> StoreResult<Advisory> {
        let q = Sql::new("SELECT doc FROM advisories WHERE id = $1").arg(id);
        match self.read().await?.fetch_optional(q).await? {
            Some(row) => from_doc("advisory", &row.text("doc")?),
            None => Err(StoreError::not_found("advisory", id)),
        }
    }

    async fn find_advisories(&self, id: &str) -> StoreResult<Vec<Advisory>> {
        let q = Sql::new(
            "SELECT id, doc FROM advisories WHERE id = $1 UNION \
             SELECT a.id, a.doc FROM advisory_aliases x JOIN advisories a ON a.id = x.advisory_id \
             WHERE x.alias = $1",
        )
        .arg(id);
        let mut out = docs(&self.read().await?.fetch_all(q).await?)?;
        out.sort_by(|a, b| (a.id != id, &a.id).cmp(&(b.id != id, &b.id)));
        Ok(out)
    }

    async fn list_advisories(
        &self,
        filter: &AdvisoryFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AdvisorySummary>> {
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let mut count = Sql::new("SELECT count(*) AS n");
        push_filter(&mut count, dialect, filter);
        let total = db.fetch_one(count).await?.u64("n")?;
        let mut q = Sql::new("SELECT a.doc");
        push_filter(&mut q, dialect, filter);
        q.push(" ORDER BY a.modified DESC NULLS LAST, a.id")
            .push(by_code_point(dialect))
            .push(" LIMIT ")
            .bind(page.clamped_limit())
            .push(" OFFSET ")
            .bind(i64::try_from(page.offset).unwrap_or(i64::MAX));
        let items = docs(&db.fetch_all(q).await?)?;
        Ok(Page {
            items: items.iter().map(AdvisorySummary::of).collect(),
            total,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn advisories_for_package(&self, ecosystem: &str, name: &str) -> StoreResult<Vec<Advisory>> {
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT a.doc FROM advisory_packages p JOIN advisories a ON a.id = p.advisory_id \
             WHERE p.name_key = $1 AND p.ecosystem = $2 AND a.withdrawn IS NULL ORDER BY a.id{}",
            by_code_point(db.dialect())
        ))
        .arg(package_key(ecosystem, name))
        .arg(ecosystem_base(ecosystem));
        docs(&db.fetch_all(q).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::vuln::AdvisorySource;

    fn advisory(id: &str, modified: i64) -> Advisory {
        let mut a: Advisory = serde_json::from_value(serde_json::json!({
            "id": id, "source": AdvisorySource::Osv, "aliases": [], "affected": [], "references": [],
        }))
        .unwrap();
        a.modified = Some(Timestamp::from_second(modified).unwrap());
        a
    }

    #[test]
    fn the_newest_copy_of_an_id_wins_and_the_later_on_a_tie() {
        let batch = [
            advisory("A", 2),
            advisory("A", 1),
            advisory("B", 1),
            advisory("B", 1),
        ];
        assert_eq!(newest_per_id(&batch), (vec![0, 3], 2));
    }

    #[test]
    fn plans_count_and_skip() {
        let batch = [
            advisory("NEW", 5),
            advisory("SAME", 5),
            advisory("OLD", 1),
            advisory("UPD", 9),
        ];
        let stored_of = |a: &Advisory, digest: Option<String>| StoredAdvisory {
            digest: digest.unwrap_or_else(|| "other".into()),
            modified: a.modified,
        };
        let mut stored = HashMap::new();
        stored.insert(
            "SAME".to_owned(),
            stored_of(&batch[1], Some(ward_core::audit::digest_json(&batch[1]))),
        );
        let mut newer = stored_of(&batch[2], None);
        newer.modified = Some(Timestamp::from_second(3).unwrap());
        stored.insert("OLD".to_owned(), newer);
        stored.insert("UPD".to_owned(), stored_of(&batch[0], None));
        let plan = plan_advisories(&batch, &stored);
        let written: Vec<&str> = plan.write.iter().map(|(a, _)| a.id.as_str()).collect();
        assert_eq!(written, vec!["NEW", "UPD"]);
        assert_eq!(plan.replaced, vec!["UPD"]);
        assert_eq!(
            plan.counts,
            VulnCounts {
                inserted: 1,
                updated: 1,
                unchanged: 1,
                stale: 1,
                removed: 0
            }
        );
    }
}
