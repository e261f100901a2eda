//! Exploitation signals: the KEV catalogue and EPSS scores.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};
use ward_core::vuln::{EpssHeader, EpssScore, KevCatalog, KevEntry};
use ward_store::vuln::{StoredEpss, VulnCounts};
use ward_store::{AuditMeta, StoreError, StoreResult};

use super::{batch_digest, check_key, from_doc, to_doc};
use crate::SqliteStore;
use crate::audit::append;
use crate::codec::{DbResult, date_text, get, opt_date_text, parse};

/// KEV entries per multi-row statement (12 parameters each).
const KEV_ROWS: usize = 200;
/// EPSS scores per multi-row statement (4 parameters each).
const EPSS_ROWS: usize = 5_000;
/// CVEs per `IN (...)` list.
const IN_CHUNK: usize = 500;

pub(crate) const KEV_COLUMNS: &str = "cve, vendor, product, name, date_added, due_date, known_ransomware, description, \
     required_action, notes, cwes, digest";

pub(crate) fn kev_from_row(row: &SqliteRow) -> StoreResult<KevEntry> {
    let due: Option<String> = get(row, "due_date")?;
    let cwes: String = get(row, "cwes")?;
    Ok(KevEntry {
        cve: get(row, "cve")?,
        vendor: get(row, "vendor")?,
        product: get(row, "product")?,
        name: get(row, "name")?,
        date_added: parse("date_added", &get::<String>(row, "date_added")?)?,
        due_date: due.map(|d| parse::<Date>("due_date", &d)).transpose()?,
        known_ransomware: get(row, "known_ransomware")?,
        description: get(row, "description")?,
        required_action: get(row, "required_action")?,
        notes: get(row, "notes")?,
        cwes: from_doc("kev cwes", &cwes)?,
    })
}

/// Keep the last of each key; returns the kept indexes in input order and how many were dropped.
pub(super) fn last_per_key<'a>(keys: impl Iterator<Item = &'a str>) -> (Vec<usize>, u64) {
    let mut last: HashMap<&str, usize> = HashMap::new();
    let mut n = 0;
    for (i, k) in keys.enumerate() {
        last.insert(k, i);
        n += 1;
    }
    let mut kept: Vec<usize> = last.into_values().collect();
    kept.sort_unstable();
    let dropped = (n - kept.len()) as u64;
    (kept, dropped)
}

async fn write_kev(conn: &mut SqliteConnection, rows: &[(&KevEntry, String, String)]) -> StoreResult<()> {
    for chunk in rows.chunks(KEV_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO kev (");
        qb.push(KEV_COLUMNS).push(") ");
        qb.push_values(chunk, |mut b, (e, cwes, digest)| {
            b.push_bind(e.cve.as_str())
                .push_bind(e.vendor.as_str())
                .push_bind(e.product.as_str())
                .push_bind(e.name.as_str())
                .push_bind(date_text(e.date_added))
                .push_bind(opt_date_text(e.due_date))
                .push_bind(e.known_ransomware)
                .push_bind(e.description.as_deref())
                .push_bind(e.required_action.as_str())
                .push_bind(e.notes.as_deref())
                .push_bind(cwes.as_str())
                .push_bind(digest.as_str());
        });
        qb.push(
            " ON CONFLICT (cve) DO UPDATE SET vendor = excluded.vendor, product = excluded.product, \
             name = excluded.name, date_added = excluded.date_added, due_date = excluded.due_date, \
             known_ransomware = excluded.known_ransomware, description = excluded.description, \
             required_action = excluded.required_action, notes = excluded.notes, cwes = excluded.cwes, \
             digest = excluded.digest",
        );
        qb.build().execute(&mut *conn).await.db()?;
    }
    Ok(())
}

impl SqliteStore {
    pub(super) async fn upsert_kev_impl(
        &self,
        catalog: &KevCatalog,
        entries: &[KevEntry],
        replace: bool,
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, e) in entries.iter().enumerate() {
            check_key(&format!("kev[{i}].cve"), &e.cve)?;
        }
        let (kept, dropped) = last_per_key(entries.iter().map(|e| e.cve.as_str()));
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let mut tx = self.begin_write().await?;
        let stored: HashMap<String, String> = sqlx::query_as("SELECT cve, digest FROM kev")
            .fetch_all(&mut *tx)
            .await
            .db()?
            .into_iter()
            .collect();
        let mut rows = Vec::new();
        for &i in &kept {
            let e = &entries[i];
            let digest = ward_core::audit::digest_json(e);
            match stored.get(&e.cve) {
                Some(d) if *d == digest => counts.unchanged += 1,
                found => {
                    if found.is_some() {
                        counts.updated += 1;
                    } else {
                        counts.inserted += 1;
                    }
                    rows.push((e, to_doc(&e.cwes)?, digest));
                }
            }
        }
        write_kev(&mut tx, &rows).await?;
        if replace {
            let listed: HashSet<&str> = entries.iter().map(|e| e.cve.as_str()).collect();
            let gone: Vec<&String> = stored.keys().filter(|c| !listed.contains(c.as_str())).collect();
            for chunk in gone.chunks(IN_CHUNK) {
                let mut qb = QueryBuilder::new("DELETE FROM kev WHERE cve IN (");
                let mut list = qb.separated(", ");
                for cve in chunk {
                    list.push_bind(cve.as_str());
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await.db()?;
            }
            counts.removed = gone.len() as u64;
        }
        sqlx::query(
            "INSERT INTO kev_catalog (id, title, catalog_version, date_released, count) VALUES (1, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, catalog_version = excluded.catalog_version, \
             date_released = excluded.date_released, count = excluded.count",
        )
        .bind(&catalog.title)
        .bind(&catalog.catalog_version)
        .bind(&catalog.date_released)
        .bind(catalog.count.and_then(|c| i64::try_from(c).ok()))
        .execute(&mut *tx)
        .await
        .db()?;
        let digest = batch_digest(entries.iter().map(|e| e.cve.as_str()));
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
        let event = audit.event(
            "kev.import",
            "kev",
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

    pub(super) async fn kev_for_impl(&self, cves: &[String]) -> StoreResult<Vec<KevEntry>> {
        let mut out = Vec::new();
        for chunk in cves.chunks(IN_CHUNK) {
            let mut qb = QueryBuilder::new("SELECT ");
            qb.push(KEV_COLUMNS).push(" FROM kev WHERE cve IN (");
            let mut list = qb.separated(", ");
            for cve in chunk {
                list.push_bind(cve.as_str());
            }
            qb.push(")");
            for row in qb.build().fetch_all(&self.read).await.db()? {
                out.push(kev_from_row(&row)?);
            }
        }
        out.sort_by(|a, b| a.cve.cmp(&b.cve));
        out.dedup_by(|a, b| a.cve == b.cve);
        Ok(out)
    }

    pub(super) async fn kev_catalog_impl(&self) -> StoreResult<Option<KevCatalog>> {
        let row =
            sqlx::query("SELECT title, catalog_version, date_released, count FROM kev_catalog WHERE id = 1")
                .fetch_optional(&self.read)
                .await
                .db()?;
        row.map(|r| {
            let count: Option<i64> = get(&r, "count")?;
            Ok(KevCatalog {
                title: get(&r, "title")?,
                catalog_version: get(&r, "catalog_version")?,
                date_released: get(&r, "date_released")?,
                count: count.and_then(|c| u64::try_from(c).ok()),
            })
        })
        .transpose()
    }

    pub(super) async fn upsert_epss_impl(
        &self,
        header: &EpssHeader,
        scores: &[EpssScore],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, s) in scores.iter().enumerate() {
            check_key(&format!("epss[{i}].cve"), &s.cve)?;
            for (field, v) in [("epss", s.epss), ("percentile", s.percentile)] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(StoreError::Invalid(format!(
                        "epss[{i}].{field}: {v} is not within 0..=1"
                    )));
                }
            }
        }
        let (kept, dropped) = last_per_key(scores.iter().map(|s| s.cve.as_str()));
        let date = opt_date_text(header.score_date);
        let mut tx = self.begin_write().await?;
        let before: i64 = sqlx::query_scalar("SELECT count(*) FROM epss")
            .fetch_one(&mut *tx)
            .await
            .db()?;
        let mut changed = 0_u64;
        for chunk in kept.chunks(EPSS_ROWS) {
            let mut qb = QueryBuilder::new("INSERT INTO epss (cve, epss, percentile, score_date) ");
            qb.push_values(chunk, |mut b, &i| {
                let s = &scores[i];
                b.push_bind(s.cve.as_str())
                    .push_bind(s.epss)
                    .push_bind(s.percentile)
                    .push_bind(date.as_deref());
            });
            qb.push(
                " ON CONFLICT (cve) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile, \
                 score_date = excluded.score_date WHERE epss.epss IS NOT excluded.epss \
                 OR epss.percentile IS NOT excluded.percentile OR epss.score_date IS NOT excluded.score_date",
            );
            changed += qb.build().execute(&mut *tx).await.db()?.rows_affected();
        }
        let after: i64 = sqlx::query_scalar("SELECT count(*) FROM epss")
            .fetch_one(&mut *tx)
            .await
            .db()?;
        let inserted = u64::try_from(after - before).unwrap_or(0);
        let counts = VulnCounts {
            inserted,
            updated: changed.saturating_sub(inserted),
            unchanged: (kept.len() as u64).saturating_sub(changed),
            stale: dropped,
            removed: 0,
        };
        let digest = batch_digest(scores.iter().map(|s| s.cve.as_str()));
        let detail = counts.detail(&[
            ("records", scores.len().to_string()),
            ("score_date", date.clone().unwrap_or_default()),
            ("model_version", header.model_version.clone().unwrap_or_default()),
        ]);
        let entity_id = date.unwrap_or_else(|| "scores".to_owned());
        let event = audit.event(
            "epss.import",
            "epss",
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

    pub(crate) async fn epss_for_impl(&self, cves: &[String]) -> StoreResult<Vec<StoredEpss>> {
        let mut out = Vec::new();
        for chunk in cves.chunks(IN_CHUNK) {
            let mut qb =
                QueryBuilder::new("SELECT cve, epss, percentile, score_date FROM epss WHERE cve IN (");
            let mut list = qb.separated(", ");
            for cve in chunk {
                list.push_bind(cve.as_str());
            }
            qb.push(")");
            for row in qb.build().fetch_all(&self.read).await.db()? {
                let date: Option<String> = get(&row, "score_date")?;
                out.push(StoredEpss {
                    cve: get(&row, "cve")?,
                    epss: get(&row, "epss")?,
                    percentile: get(&row, "percentile")?,
                    score_date: date.map(|d| parse::<Date>("score_date", &d)).transpose()?,
                });
            }
        }
        out.sort_by(|a, b| a.cve.cmp(&b.cve));
        out.dedup_by(|a, b| a.cve == b.cve);
        Ok(out)
    }
}
