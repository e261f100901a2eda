//! Exploitation signals: the KEV catalogue and EPSS scores, written with UNNEST.

use std::collections::{HashMap, HashSet};

use sqlx::postgres::PgRow;
use ward_core::vuln::{EpssHeader, EpssScore, KevCatalog, KevEntry};
use ward_store::vuln::{StoredEpss, VulnCounts};
use ward_store::{AuditMeta, StoreError, StoreResult};

use super::{batch_digest, check_key, from_doc, lock_writers, to_doc};
use crate::PgStore;
use crate::audit::append_event;
use crate::error::{corrupt, map_db_error};
use crate::rows::{col, date_text, parse_date};

/// KEV entries per UNNEST statement.
const KEV_CHUNK: usize = 2_000;
/// EPSS scores per UNNEST statement.
const EPSS_CHUNK: usize = 50_000;

const KEV_SELECT: &str = "SELECT cve, vendor, product, name, to_char(date_added, 'YYYY-MM-DD') AS date_added,
     to_char(due_date, 'YYYY-MM-DD') AS due_date, known_ransomware, description, required_action, notes, cwes
     FROM kev WHERE cve = ANY($1) ORDER BY cve COLLATE \"C\"";

pub(crate) fn kev_from_row(row: &PgRow) -> StoreResult<KevEntry> {
    let cwes: String = col(row, "cwes")?;
    Ok(KevEntry {
        cve: col(row, "cve")?,
        vendor: col(row, "vendor")?,
        product: col(row, "product")?,
        name: col(row, "name")?,
        date_added: parse_date(col(row, "date_added")?)?.ok_or_else(|| corrupt("kev date_added"))?,
        due_date: parse_date(col(row, "due_date")?)?,
        known_ransomware: col(row, "known_ransomware")?,
        description: col(row, "description")?,
        required_action: col(row, "required_action")?,
        notes: col(row, "notes")?,
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

impl PgStore {
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
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        lock_writers(&mut tx).await?;
        let stored: HashMap<String, String> = sqlx::query_as("SELECT cve, digest FROM kev")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?
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
        for chunk in rows.chunks(KEV_CHUNK) {
            let e = || chunk.iter().map(|r| r.0);
            sqlx::query(
                "INSERT INTO kev (cve, vendor, product, name, date_added, due_date, known_ransomware, description,
                                  required_action, notes, cwes, digest)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]::date[],
                                      $6::text[]::date[], $7::boolean[], $8::text[], $9::text[], $10::text[],
                                      $11::text[], $12::text[])
                 ON CONFLICT (cve) DO UPDATE SET vendor = EXCLUDED.vendor, product = EXCLUDED.product,
                     name = EXCLUDED.name, date_added = EXCLUDED.date_added, due_date = EXCLUDED.due_date,
                     known_ransomware = EXCLUDED.known_ransomware, description = EXCLUDED.description,
                     required_action = EXCLUDED.required_action, notes = EXCLUDED.notes, cwes = EXCLUDED.cwes,
                     digest = EXCLUDED.digest",
            )
            .bind(e().map(|x| x.cve.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.vendor.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.product.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.name.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.date_added.to_string()).collect::<Vec<_>>())
            .bind(e().map(|x| date_text(x.due_date)).collect::<Vec<_>>())
            .bind(e().map(|x| x.known_ransomware).collect::<Vec<_>>())
            .bind(e().map(|x| x.description.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.required_action.clone()).collect::<Vec<_>>())
            .bind(e().map(|x| x.notes.clone()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|r| r.2.clone()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        }
        if replace {
            let listed: HashSet<&str> = entries.iter().map(|e| e.cve.as_str()).collect();
            let gone: Vec<String> = stored
                .keys()
                .filter(|c| !listed.contains(c.as_str()))
                .cloned()
                .collect();
            counts.removed = gone.len() as u64;
            sqlx::query("DELETE FROM kev WHERE cve = ANY($1)")
                .bind(gone)
                .execute(&mut *tx)
                .await
                .map_err(map_db_error)?;
        }
        sqlx::query(
            "INSERT INTO kev_catalog (id, title, catalog_version, date_released, count) VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, catalog_version = EXCLUDED.catalog_version,
                 date_released = EXCLUDED.date_released, count = EXCLUDED.count",
        )
        .bind(&catalog.title)
        .bind(&catalog.catalog_version)
        .bind(&catalog.date_released)
        .bind(catalog.count.and_then(|c| i64::try_from(c).ok()))
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
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
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(counts)
    }

    pub(super) async fn kev_for_impl(&self, cves: &[String]) -> StoreResult<Vec<KevEntry>> {
        let rows = sqlx::query(KEV_SELECT)
            .bind(cves)
            .fetch_all(&self.pool)
            .await
            .map_err(map_db_error)?;
        rows.iter().map(kev_from_row).collect()
    }

    pub(super) async fn kev_catalog_impl(&self) -> StoreResult<Option<KevCatalog>> {
        let row =
            sqlx::query("SELECT title, catalog_version, date_released, count FROM kev_catalog WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(map_db_error)?;
        row.map(|r| {
            let count: Option<i64> = col(&r, "count")?;
            Ok(KevCatalog {
                title: col(&r, "title")?,
                catalog_version: col(&r, "catalog_version")?,
                date_released: col(&r, "date_released")?,
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
        let date = date_text(header.score_date);
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        lock_writers(&mut tx).await?;
        let before: i64 = sqlx::query_scalar("SELECT count(*) FROM epss")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let mut changed = 0_u64;
        for chunk in kept.chunks(EPSS_CHUNK) {
            let s = || chunk.iter().map(|&i| &scores[i]);
            changed += sqlx::query(
                "INSERT INTO epss (cve, epss, percentile, score_date)
                 SELECT u.*, $4::date FROM UNNEST($1::text[], $2::float8[], $3::float8[]) AS u
                 ON CONFLICT (cve) DO UPDATE SET epss = EXCLUDED.epss, percentile = EXCLUDED.percentile,
                     score_date = EXCLUDED.score_date
                 WHERE epss.epss IS DISTINCT FROM EXCLUDED.epss OR epss.percentile IS DISTINCT FROM EXCLUDED.percentile
                    OR epss.score_date IS DISTINCT FROM EXCLUDED.score_date",
            )
            .bind(s().map(|x| x.cve.clone()).collect::<Vec<_>>())
            .bind(s().map(|x| x.epss).collect::<Vec<_>>())
            .bind(s().map(|x| x.percentile).collect::<Vec<_>>())
            .bind(&date)
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?
            .rows_affected();
        }
        let after: i64 = sqlx::query_scalar("SELECT count(*) FROM epss")
            .fetch_one(&mut *tx)
            .await
            .map_err(map_db_error)?;
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
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(counts)
    }

    pub(super) async fn epss_for_impl(&self, cves: &[String]) -> StoreResult<Vec<StoredEpss>> {
        let rows = sqlx::query(
            "SELECT cve, epss, percentile, to_char(score_date, 'YYYY-MM-DD') AS score_date FROM epss
             WHERE cve = ANY($1) ORDER BY cve COLLATE \"C\"",
        )
        .bind(cves)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter()
            .map(|r| {
                Ok(StoredEpss {
                    cve: col(r, "cve")?,
                    epss: col(r, "epss")?,
                    percentile: col(r, "percentile")?,
                    score_date: parse_date(col(r, "score_date")?)?,
                })
            })
            .collect()
    }
}
