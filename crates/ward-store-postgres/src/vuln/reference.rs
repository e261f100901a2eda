//! End-of-life dates, feed source state and table totals.

use sqlx::PgConnection;
use sqlx::postgres::PgRow;
use ward_core::vuln::{EolDate, EolProduct, EolRelease};
use ward_store::vuln::{FeedSourceState, VulnCounts, VulnTotals};
use ward_store::{AuditMeta, StoreError, StoreResult};

use super::signals::last_per_key;
use super::{batch_digest, check_key, from_doc, lock_writers, to_doc};
use crate::PgStore;
use crate::audit::append_event;
use crate::error::{corrupt, map_db_error};
use crate::rows::{col, count_col, date_text, from_opt_micros, opt_micros, parse_date};

const RELEASE_SELECT: &str =
    "SELECT product, cycle, codename, to_char(release_date, 'YYYY-MM-DD') AS release_date,
     eol, eoas, eoes, lts, latest, to_char(latest_release_date, 'YYYY-MM-DD') AS latest_release_date
     FROM eol_releases WHERE ($1::text IS NULL OR product = $1) ORDER BY product COLLATE \"C\", position";

const FEED_COLUMNS: &str =
    "url, name, etag, last_modified, version, last_checked, last_success, last_error, bytes";

/// A support date as stored: `YYYY-MM-DD`, `true` or `false`.
fn eol_text(d: Option<EolDate>) -> Option<String> {
    d.map(|d| match d {
        EolDate::Date(date) => date.to_string(),
        EolDate::Flag(flag) => flag.to_string(),
    })
}

fn eol_from_text(s: Option<String>) -> StoreResult<Option<EolDate>> {
    s.map(|s| match s.as_str() {
        "true" => Ok(EolDate::Flag(true)),
        "false" => Ok(EolDate::Flag(false)),
        other => other
            .parse()
            .map(EolDate::Date)
            .map_err(|_| corrupt("end-of-life date")),
    })
    .transpose()
}

fn release_from_row(row: &PgRow) -> StoreResult<EolRelease> {
    Ok(EolRelease {
        product: col(row, "product")?,
        cycle: col(row, "cycle")?,
        codename: col(row, "codename")?,
        release_date: parse_date(col(row, "release_date")?)?,
        eol: eol_from_text(col(row, "eol")?)?,
        eoas: eol_from_text(col(row, "eoas")?)?,
        eoes: eol_from_text(col(row, "eoes")?)?,
        lts: eol_from_text(col(row, "lts")?)?,
        latest: col(row, "latest")?,
        latest_release_date: parse_date(col(row, "latest_release_date")?)?,
    })
}

fn feed_from_row(row: &PgRow) -> StoreResult<FeedSourceState> {
    let bytes: Option<i64> = col(row, "bytes")?;
    Ok(FeedSourceState {
        url: col(row, "url")?,
        name: col(row, "name")?,
        etag: col(row, "etag")?,
        last_modified: col(row, "last_modified")?,
        version: col(row, "version")?,
        last_checked: from_opt_micros(col(row, "last_checked")?)?,
        last_success: from_opt_micros(col(row, "last_success")?)?,
        last_error: col(row, "last_error")?,
        bytes: bytes
            .map(|b| u64::try_from(b).map_err(|_| corrupt("bytes")))
            .transpose()?,
    })
}

async fn write_product(conn: &mut PgConnection, p: &EolProduct, digest: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO eol_products (product, title, category, identifiers, digest) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (product) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category,
             identifiers = EXCLUDED.identifiers, digest = EXCLUDED.digest",
    )
    .bind(&p.product)
    .bind(&p.title)
    .bind(&p.category)
    .bind(to_doc(&p.identifiers)?)
    .bind(digest)
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    sqlx::query("DELETE FROM eol_releases WHERE product = $1")
        .bind(&p.product)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    let r = || p.releases.iter();
    sqlx::query(
        "INSERT INTO eol_releases (product, position, cycle, codename, release_date, eol, eoas, eoes, lts, latest,
                                   latest_release_date)
         SELECT $1, (u.n - 1)::int, u.cycle, u.codename, u.release_date::date, u.eol, u.eoas, u.eoes, u.lts,
                u.latest, u.latest_release_date::date
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[])
              WITH ORDINALITY AS u(cycle, codename, release_date, eol, eoas, eoes, lts, latest,
                                   latest_release_date, n)",
    )
    .bind(&p.product)
    .bind(r().map(|x| x.cycle.clone()).collect::<Vec<_>>())
    .bind(r().map(|x| x.codename.clone()).collect::<Vec<_>>())
    .bind(r().map(|x| date_text(x.release_date)).collect::<Vec<_>>())
    .bind(r().map(|x| eol_text(x.eol)).collect::<Vec<_>>())
    .bind(r().map(|x| eol_text(x.eoas)).collect::<Vec<_>>())
    .bind(r().map(|x| eol_text(x.eoes)).collect::<Vec<_>>())
    .bind(r().map(|x| eol_text(x.lts)).collect::<Vec<_>>())
    .bind(r().map(|x| x.latest.clone()).collect::<Vec<_>>())
    .bind(r().map(|x| date_text(x.latest_release_date)).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

impl PgStore {
    pub(super) async fn upsert_eol_impl(
        &self,
        products: &[EolProduct],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, p) in products.iter().enumerate() {
            ward_store::vuln::support::check_eol_product(i, p)?;
        }
        let (kept, dropped) = last_per_key(products.iter().map(|p| p.product.as_str()));
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        lock_writers(&mut tx).await?;
        for &i in &kept {
            let p = &products[i];
            let digest = ward_core::audit::digest_json(p);
            let stored: Option<String> =
                sqlx::query_scalar("SELECT digest FROM eol_products WHERE product = $1")
                    .bind(&p.product)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_db_error)?;
            match stored {
                Some(d) if d == digest => counts.unchanged += 1,
                found => {
                    write_product(&mut tx, p, &digest).await?;
                    if found.is_some() {
                        counts.updated += 1;
                    } else {
                        counts.inserted += 1;
                    }
                }
            }
        }
        let digest = batch_digest(products.iter().map(|p| p.product.as_str()));
        let detail = counts.detail(&[("records", products.len().to_string())]);
        let entity_id = match products {
            [one] => one.product.clone(),
            _ => format!("batch-{}", &digest[..16]),
        };
        let event = audit.event(
            "eol.import",
            "eol_product",
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

    pub(crate) async fn get_eol_product_impl(&self, product: &str) -> StoreResult<EolProduct> {
        let row =
            sqlx::query("SELECT product, title, category, identifiers FROM eol_products WHERE product = $1")
                .bind(product)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_db_error)?
                .ok_or_else(|| StoreError::not_found("end-of-life product", product))?;
        Ok(EolProduct {
            product: col(&row, "product")?,
            title: col(&row, "title")?,
            category: col(&row, "category")?,
            identifiers: from_doc("eol identifiers", &col::<String>(&row, "identifiers")?)?,
            releases: self.list_eol_releases_impl(Some(product)).await?,
        })
    }

    pub(super) async fn list_eol_releases_impl(&self, product: Option<&str>) -> StoreResult<Vec<EolRelease>> {
        let rows = sqlx::query(RELEASE_SELECT)
            .bind(product)
            .fetch_all(&self.pool)
            .await
            .map_err(map_db_error)?;
        rows.iter().map(release_from_row).collect()
    }

    pub(super) async fn get_feed_source_impl(&self, url: &str) -> StoreResult<Option<FeedSourceState>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FEED_COLUMNS} FROM feed_sources WHERE url = $1"
        )))
        .bind(url)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(feed_from_row).transpose()
    }

    pub(super) async fn put_feed_source_impl(
        &self,
        s: &FeedSourceState,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        check_key("feed.name", &s.name)?;
        if s.url.trim().is_empty() || s.url.len() > 2000 {
            return Err(StoreError::Invalid(
                "feed.url: must be 1..=2000 characters".into(),
            ));
        }
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let before = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FEED_COLUMNS} FROM feed_sources WHERE url = $1 FOR UPDATE"
        )))
        .bind(&s.url)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?
        .map(|row| feed_from_row(&row).map(|f| ward_core::audit::digest_json(&f)))
        .transpose()?;
        sqlx::query(
            "INSERT INTO feed_sources (url, name, etag, last_modified, version, last_checked, last_success,
                                       last_error, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (url) DO UPDATE SET name = EXCLUDED.name, etag = EXCLUDED.etag,
                 last_modified = EXCLUDED.last_modified, version = EXCLUDED.version,
                 last_checked = EXCLUDED.last_checked, last_success = EXCLUDED.last_success,
                 last_error = EXCLUDED.last_error, bytes = EXCLUDED.bytes",
        )
        .bind(&s.url)
        .bind(&s.name)
        .bind(&s.etag)
        .bind(&s.last_modified)
        .bind(&s.version)
        .bind(opt_micros(s.last_checked))
        .bind(opt_micros(s.last_success))
        .bind(&s.last_error)
        .bind(s.bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX)))
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let event = audit.event(
            "feed_source.update",
            "feed_source",
            s.url.clone(),
            None,
            before,
            Some(ward_core::audit::digest_json(s)),
            Some(s.name.clone()),
        );
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(())
    }

    pub(super) async fn list_feed_sources_impl(&self) -> StoreResult<Vec<FeedSourceState>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FEED_COLUMNS} FROM feed_sources ORDER BY name COLLATE \"C\", url COLLATE \"C\""
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(feed_from_row).collect()
    }

    pub(super) async fn vuln_totals_impl(&self) -> StoreResult<VulnTotals> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM advisories) AS advisories,
                    (SELECT count(*) FROM advisories WHERE withdrawn IS NOT NULL) AS withdrawn,
                    (SELECT count(*) FROM advisory_aliases) AS aliases, (SELECT count(*) FROM kev) AS kev,
                    (SELECT count(*) FROM epss) AS epss, (SELECT count(*) FROM vex_statements) AS vex,
                    (SELECT count(*) FROM eol_products) AS eol_products,
                    (SELECT count(*) FROM eol_releases) AS eol_releases,
                    (SELECT count(*) FROM feed_sources) AS feed_sources",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(VulnTotals {
            advisories: count_col(&row, "advisories")?,
            withdrawn: count_col(&row, "withdrawn")?,
            aliases: count_col(&row, "aliases")?,
            kev: count_col(&row, "kev")?,
            epss: count_col(&row, "epss")?,
            vex: count_col(&row, "vex")?,
            eol_products: count_col(&row, "eol_products")?,
            eol_releases: count_col(&row, "eol_releases")?,
            feed_sources: count_col(&row, "feed_sources")?,
        })
    }
}
