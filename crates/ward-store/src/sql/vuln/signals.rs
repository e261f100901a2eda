//! Exploitation signals: the KEV catalogue and EPSS scores.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use ward_core::vuln::{EpssHeader, EpssScore, KevCatalog, KevEntry};

use super::{
    Import, batch_digest, by_code_point, check_key, commit_import, from_doc, last_per_key, lock_writers,
    to_doc,
};
use crate::sql::bulk::{Column, Rows};
use crate::sql::{Arg, Exec, RowRead, Sql, SqlBackend};
use crate::vuln::{ExploitSignalStore, StoredEpss, VulnCounts};
use crate::{AuditMeta, StoreResult, refusals};

pub(super) const KEV_COLUMNS: &str = "cve, vendor, product, name, date_added, due_date, known_ransomware, \
     description, required_action, notes, cwes";

pub(super) fn kev_from_row<R: RowRead>(row: &R) -> StoreResult<KevEntry> {
    Ok(KevEntry {
        cve: row.text("cve")?,
        vendor: row.text("vendor")?,
        product: row.text("product")?,
        name: row.text("name")?,
        date_added: row.date("date_added")?,
        due_date: row.opt_date("due_date")?,
        known_ransomware: row.bool("known_ransomware")?,
        description: row.opt_text("description")?,
        required_action: row.text("required_action")?,
        notes: row.opt_text("notes")?,
        cwes: from_doc("kev cwes", &row.text("cwes")?)?,
    })
}

pub(super) fn epss_from_row<R: RowRead>(row: &R) -> StoreResult<StoredEpss> {
    Ok(StoredEpss {
        cve: row.text("cve")?,
        epss: row.f64("epss")?,
        percentile: row.f64("percentile")?,
        score_date: row.opt_date("score_date")?,
    })
}

/// What a KEV import writes: the entries to store with their digests, the stored CVEs the
/// catalogue no longer lists (with `replace`), and the counts.
#[derive(Debug, PartialEq)]
pub struct KevPlan<'a> {
    pub write: Vec<(&'a KevEntry, String)>,
    pub remove: Vec<String>,
    pub counts: VulnCounts,
}

/// Decide what a KEV import writes given the stored digests by CVE: repeats in the file keep the
/// last entry, identical entries are skipped; with `replace`, stored entries not listed go.
pub fn plan_kev<'a>(entries: &'a [KevEntry], stored: &HashMap<String, String>, replace: bool) -> KevPlan<'a> {
    let (kept, dropped) = last_per_key(entries.iter().map(|e| e.cve.as_str()));
    let mut plan = KevPlan {
        write: Vec::new(),
        remove: Vec::new(),
        counts: VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        },
    };
    for i in kept {
        let e = &entries[i];
        let digest = ward_core::audit::digest_json(e);
        match stored.get(&e.cve) {
            Some(d) if *d == digest => plan.counts.unchanged += 1,
            found => {
                if found.is_some() {
                    plan.counts.updated += 1;
                } else {
                    plan.counts.inserted += 1;
                }
                plan.write.push((e, digest));
            }
        }
    }
    if replace {
        let listed: HashSet<&str> = entries.iter().map(|e| e.cve.as_str()).collect();
        plan.remove = stored
            .keys()
            .filter(|c| !listed.contains(c.as_str()))
            .cloned()
            .collect();
        plan.remove.sort();
        plan.counts.removed = plan.remove.len() as u64;
    }
    plan
}

/// Check EPSS scores before they are stored: a valid CVE, and both values within 0..=1.
pub fn check_epss(scores: &[EpssScore]) -> StoreResult<()> {
    for (i, s) in scores.iter().enumerate() {
        check_key(&format!("epss[{i}].cve"), &s.cve)?;
        for (field, v) in [("epss", s.epss), ("percentile", s.percentile)] {
            if !(0.0..=1.0).contains(&v) {
                return Err(refusals::epss_out_of_range(i, field, v));
            }
        }
    }
    Ok(())
}

async fn write_kev<E: Exec + ?Sized>(db: &mut E, plan: &KevPlan<'_>) -> StoreResult<()> {
    if plan.write.is_empty() {
        return Ok(());
    }
    let e = || plan.write.iter().map(|(e, _)| *e);
    let mut cwes = Vec::with_capacity(plan.write.len());
    for entry in e() {
        cwes.push(to_doc(&entry.cwes)?);
    }
    let rows = Rows::new("kev")
        .column("cve", Column::text(e().map(|x| x.cve.clone())))
        .column("vendor", Column::text(e().map(|x| x.vendor.clone())))
        .column("product", Column::text(e().map(|x| x.product.clone())))
        .column("name", Column::text(e().map(|x| x.name.clone())))
        .column("date_added", Column::date(e().map(|x| x.date_added)))
        .column("due_date", Column::date(e().map(|x| x.due_date)))
        .column("known_ransomware", Column::bool(e().map(|x| x.known_ransomware)))
        .column("description", Column::text(e().map(|x| x.description.clone())))
        .column(
            "required_action",
            Column::text(e().map(|x| x.required_action.clone())),
        )
        .column("notes", Column::text(e().map(|x| x.notes.clone())))
        .column("cwes", Column::text(cwes))
        .column("digest", Column::text(plan.write.iter().map(|(_, d)| d.clone())))
        .on_conflict(
            "ON CONFLICT (cve) DO UPDATE SET vendor = excluded.vendor, product = excluded.product, \
             name = excluded.name, date_added = excluded.date_added, due_date = excluded.due_date, \
             known_ransomware = excluded.known_ransomware, description = excluded.description, \
             required_action = excluded.required_action, notes = excluded.notes, cwes = excluded.cwes, \
             digest = excluded.digest",
        );
    db.insert_rows(rows).await?;
    Ok(())
}

/// Rows of `table` whose `cve` is one of `cves`, by CVE.
async fn by_cve<E: Exec + ?Sized>(
    db: &mut E,
    columns: &str,
    table: &str,
    cves: &[String],
) -> StoreResult<Vec<E::Row>> {
    let dialect = db.dialect();
    let mut q = Sql::new(format!("SELECT {columns} FROM {table} WHERE "));
    q.in_list(dialect, "cve", Arg::Texts(cves.to_vec()));
    q.push(" ORDER BY cve").push(by_code_point(dialect));
    db.fetch_all(q).await
}

async fn count<E: Exec + ?Sized>(db: &mut E, table: &str) -> StoreResult<u64> {
    db.fetch_one(Sql::new(format!("SELECT count(*) AS n FROM {table}")))
        .await?
        .u64("n")
}

#[async_trait]
impl<B: SqlBackend> ExploitSignalStore for B {
    async fn upsert_kev(
        &self,
        catalog: &KevCatalog,
        entries: &[KevEntry],
        replace: bool,
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, e) in entries.iter().enumerate() {
            check_key(&format!("kev[{i}].cve"), &e.cve)?;
        }
        let mut tx = self.write().await?;
        lock_writers(&mut tx).await?;
        let mut stored = HashMap::new();
        for row in tx.fetch_all(Sql::new("SELECT cve, digest FROM kev")).await? {
            stored.insert(row.text("cve")?, row.text("digest")?);
        }
        let plan = plan_kev(entries, &stored, replace);
        write_kev(&mut tx, &plan).await?;
        if !plan.remove.is_empty() {
            let mut q = Sql::new("DELETE FROM kev WHERE ");
            q.in_list(tx.dialect(), "cve", Arg::Texts(plan.remove.clone()));
            tx.execute(q).await?;
        }
        tx.execute(
            Sql::new(
                "INSERT INTO kev_catalog (id, title, catalog_version, date_released, count) \
                 VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
                 catalog_version = excluded.catalog_version, date_released = excluded.date_released, \
                 count = excluded.count",
            )
            .arg(catalog.title.as_deref())
            .arg(catalog.catalog_version.as_deref())
            .arg(catalog.date_released.as_deref())
            .arg(catalog.count.and_then(|c| i64::try_from(c).ok())),
        )
        .await?;
        let counts = plan.counts;
        let version = catalog.catalog_version.clone().unwrap_or_default();
        let detail = counts.detail(&[
            ("records", entries.len().to_string()),
            ("catalog_version", version.clone()),
        ]);
        let entity_id = if version.is_empty() {
            "catalogue".to_owned()
        } else {
            version
        };
        let import = Import {
            action: "kev.import",
            entity: "kev",
            entity_id,
            digest: batch_digest(entries.iter().map(|e| e.cve.as_str())),
            org: None,
            detail,
        };
        commit_import(tx, self.keys(), audit, import).await?;
        Ok(counts)
    }

    async fn kev_for(&self, cves: &[String]) -> StoreResult<Vec<KevEntry>> {
        let rows = by_cve(&mut self.read().await?, KEV_COLUMNS, "kev", cves).await?;
        rows.iter().map(kev_from_row).collect()
    }

    async fn kev_catalog(&self) -> StoreResult<Option<KevCatalog>> {
        let q = Sql::new("SELECT title, catalog_version, date_released, count FROM kev_catalog WHERE id = 1");
        let row = self.read().await?.fetch_optional(q).await?;
        row.map(|r| {
            Ok(KevCatalog {
                title: r.opt_text("title")?,
                catalog_version: r.opt_text("catalog_version")?,
                date_released: r.opt_text("date_released")?,
                count: r.opt_i64("count")?.and_then(|c| u64::try_from(c).ok()),
            })
        })
        .transpose()
    }

    async fn upsert_epss(
        &self,
        header: &EpssHeader,
        scores: &[EpssScore],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        check_epss(scores)?;
        let (kept, dropped) = last_per_key(scores.iter().map(|s| s.cve.as_str()));
        let mut tx = self.write().await?;
        lock_writers(&mut tx).await?;
        let before = count(&mut tx, "epss").await?;
        let s = || kept.iter().map(|&i| &scores[i]);
        let rows = Rows::new("epss")
            .column("cve", Column::text(s().map(|x| x.cve.clone())))
            .column("epss", Column::f64(s().map(|x| x.epss)))
            .column("percentile", Column::f64(s().map(|x| x.percentile)))
            .column("score_date", Column::date(s().map(|_| header.score_date)))
            .on_conflict(
                "ON CONFLICT (cve) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile, \
                 score_date = excluded.score_date WHERE epss.epss IS DISTINCT FROM excluded.epss \
                 OR epss.percentile IS DISTINCT FROM excluded.percentile \
                 OR epss.score_date IS DISTINCT FROM excluded.score_date",
            );
        let changed = tx.insert_rows(rows).await?;
        let inserted = count(&mut tx, "epss").await?.saturating_sub(before);
        let counts = VulnCounts {
            inserted,
            updated: changed.saturating_sub(inserted),
            unchanged: (kept.len() as u64).saturating_sub(changed),
            stale: dropped,
            removed: 0,
        };
        let date = header.score_date.map(|d| d.to_string());
        let detail = counts.detail(&[
            ("records", scores.len().to_string()),
            ("score_date", date.clone().unwrap_or_default()),
            ("model_version", header.model_version.clone().unwrap_or_default()),
        ]);
        let import = Import {
            action: "epss.import",
            entity: "epss",
            entity_id: date.unwrap_or_else(|| "scores".to_owned()),
            digest: batch_digest(scores.iter().map(|s| s.cve.as_str())),
            org: None,
            detail,
        };
        commit_import(tx, self.keys(), audit, import).await?;
        Ok(counts)
    }

    async fn epss_for(&self, cves: &[String]) -> StoreResult<Vec<StoredEpss>> {
        let columns = "cve, epss, percentile, score_date";
        let rows = by_cve(&mut self.read().await?, columns, "epss", cves).await?;
        rows.iter().map(epss_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kev(cve: &str, name: &str) -> KevEntry {
        KevEntry {
            cve: cve.into(),
            vendor: "v".into(),
            product: "p".into(),
            name: name.into(),
            date_added: jiff::civil::date(2024, 1, 2),
            due_date: None,
            known_ransomware: false,
            description: None,
            required_action: "patch".into(),
            notes: None,
            cwes: Vec::new(),
        }
    }

    #[test]
    fn kev_plans_keep_the_last_repeat_and_remove_what_is_no_longer_listed() {
        let entries = [kev("CVE-1", "a"), kev("CVE-2", "b"), kev("CVE-1", "c")];
        let mut stored = HashMap::new();
        stored.insert("CVE-2".to_owned(), ward_core::audit::digest_json(&entries[1]));
        stored.insert("CVE-9".to_owned(), "x".to_owned());
        let plan = plan_kev(&entries, &stored, true);
        assert_eq!(plan.write.len(), 1);
        assert_eq!(plan.write[0].0.name, "c");
        assert_eq!(plan.remove, vec!["CVE-9".to_owned()]);
        assert_eq!((plan.counts.inserted, plan.counts.unchanged), (1, 1));
        assert_eq!((plan.counts.stale, plan.counts.removed), (1, 1));
        assert!(plan_kev(&entries, &stored, false).remove.is_empty());
    }

    #[test]
    fn epss_values_are_probabilities() {
        let ok = EpssScore {
            cve: "CVE-1".into(),
            epss: 0.5,
            percentile: 1.0,
        };
        assert!(check_epss(std::slice::from_ref(&ok)).is_ok());
        let bad = EpssScore {
            percentile: 1.5,
            ..ok.clone()
        };
        let e = check_epss(&[ok, bad]).unwrap_err();
        assert_eq!(
            e.to_string(),
            refusals::epss_out_of_range(1, "percentile", 1.5).to_string()
        );
    }
}
