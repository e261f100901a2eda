//! End-of-life dates, feed source state and table totals.

use jiff::civil::Date;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, SqliteConnection};
use ward_core::vuln::{EolDate, EolProduct, EolRelease};
use ward_store::vuln::{FeedSourceState, VulnCounts, VulnTotals};
use ward_store::{AuditMeta, StoreError, StoreResult};

use super::signals::last_per_key;
use super::{batch_digest, check_key, from_doc, to_doc};
use crate::SqliteStore;
use crate::audit::append;
use crate::codec::{DbResult, get, get_ts_opt, opt_date_text, opt_ts, parse, to_u64};

/// Release cycles per multi-row statement (11 parameters each).
const RELEASE_ROWS: usize = 500;

const RELEASE_COLUMNS: &str =
    "product, position, cycle, codename, release_date, eol, eoas, eoes, lts, latest, latest_release_date";

/// A support date as stored: `YYYY-MM-DD`, `true` or `false`.
pub(crate) fn eol_text(d: Option<EolDate>) -> Option<String> {
    d.map(|d| match d {
        EolDate::Date(date) => date.to_string(),
        EolDate::Flag(flag) => flag.to_string(),
    })
}

pub(crate) fn eol_from_text(column: &str, s: Option<String>) -> StoreResult<Option<EolDate>> {
    s.map(|s| match s.as_str() {
        "true" => Ok(EolDate::Flag(true)),
        "false" => Ok(EolDate::Flag(false)),
        other => parse::<Date>(column, other).map(EolDate::Date),
    })
    .transpose()
}

fn opt_date(row: &SqliteRow, column: &str) -> StoreResult<Option<Date>> {
    let s: Option<String> = get(row, column)?;
    s.map(|s| parse(column, &s)).transpose()
}

fn release_from_row(row: &SqliteRow) -> StoreResult<EolRelease> {
    Ok(EolRelease {
        product: get(row, "product")?,
        cycle: get(row, "cycle")?,
        codename: get(row, "codename")?,
        release_date: opt_date(row, "release_date")?,
        eol: eol_from_text("eol", get(row, "eol")?)?,
        eoas: eol_from_text("eoas", get(row, "eoas")?)?,
        eoes: eol_from_text("eoes", get(row, "eoes")?)?,
        lts: eol_from_text("lts", get(row, "lts")?)?,
        latest: get(row, "latest")?,
        latest_release_date: opt_date(row, "latest_release_date")?,
    })
}

fn feed_from_row(row: &SqliteRow) -> StoreResult<FeedSourceState> {
    let bytes: Option<i64> = get(row, "bytes")?;
    Ok(FeedSourceState {
        url: get(row, "url")?,
        name: get(row, "name")?,
        etag: get(row, "etag")?,
        last_modified: get(row, "last_modified")?,
        version: get(row, "version")?,
        last_checked: get_ts_opt(row, "last_checked")?,
        last_success: get_ts_opt(row, "last_success")?,
        last_error: get(row, "last_error")?,
        bytes: bytes.map(|b| to_u64("bytes", b)).transpose()?,
    })
}

async fn write_product(conn: &mut SqliteConnection, p: &EolProduct, digest: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO eol_products (product, title, category, identifiers, digest) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (product) DO UPDATE SET title = excluded.title, category = excluded.category, \
         identifiers = excluded.identifiers, digest = excluded.digest",
    )
    .bind(&p.product)
    .bind(&p.title)
    .bind(&p.category)
    .bind(to_doc(&p.identifiers)?)
    .bind(digest)
    .execute(&mut *conn)
    .await
    .db()?;
    sqlx::query("DELETE FROM eol_releases WHERE product = ?")
        .bind(&p.product)
        .execute(&mut *conn)
        .await
        .db()?;
    let numbered: Vec<(i64, &EolRelease)> = (0_i64..).zip(&p.releases).collect();
    for chunk in numbered.chunks(RELEASE_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO eol_releases (");
        qb.push(RELEASE_COLUMNS).push(") ");
        qb.push_values(chunk, |mut b, (pos, r)| {
            b.push_bind(p.product.as_str())
                .push_bind(*pos)
                .push_bind(r.cycle.as_str())
                .push_bind(r.codename.as_deref())
                .push_bind(opt_date_text(r.release_date))
                .push_bind(eol_text(r.eol))
                .push_bind(eol_text(r.eoas))
                .push_bind(eol_text(r.eoes))
                .push_bind(eol_text(r.lts))
                .push_bind(r.latest.as_deref())
                .push_bind(opt_date_text(r.latest_release_date));
        });
        qb.build().execute(&mut *conn).await.db()?;
    }
    Ok(())
}

impl SqliteStore {
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
        let mut tx = self.begin_write().await?;
        for &i in &kept {
            let p = &products[i];
            let digest = ward_core::audit::digest_json(p);
            let stored: Option<String> =
                sqlx::query_scalar("SELECT digest FROM eol_products WHERE product = ?")
                    .bind(&p.product)
                    .fetch_optional(&mut *tx)
                    .await
                    .db()?;
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
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()?;
        Ok(counts)
    }

    pub(crate) async fn get_eol_product_impl(&self, product: &str) -> StoreResult<EolProduct> {
        let mut conn = self.read.acquire().await.db()?;
        let row =
            sqlx::query("SELECT product, title, category, identifiers FROM eol_products WHERE product = ?")
                .bind(product)
                .fetch_optional(&mut *conn)
                .await
                .db()?
                .ok_or_else(|| StoreError::not_found("end-of-life product", product))?;
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(RELEASE_COLUMNS)
            .push(" FROM eol_releases WHERE product = ")
            .push_bind(product)
            .push(" ORDER BY position");
        let releases = qb.build().fetch_all(&mut *conn).await.db()?;
        Ok(EolProduct {
            product: get(&row, "product")?,
            title: get(&row, "title")?,
            category: get(&row, "category")?,
            identifiers: from_doc("eol identifiers", &get::<String>(&row, "identifiers")?)?,
            releases: releases
                .iter()
                .map(release_from_row)
                .collect::<StoreResult<_>>()?,
        })
    }

    pub(super) async fn list_eol_releases_impl(&self, product: Option<&str>) -> StoreResult<Vec<EolRelease>> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(RELEASE_COLUMNS).push(" FROM eol_releases");
        if let Some(p) = product {
            qb.push(" WHERE product = ").push_bind(p);
        }
        qb.push(" ORDER BY product, position");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(release_from_row).collect()
    }

    pub(super) async fn get_feed_source_impl(&self, url: &str) -> StoreResult<Option<FeedSourceState>> {
        let row = sqlx::query("SELECT * FROM feed_sources WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.read)
            .await
            .db()?;
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
        let mut tx = self.begin_write().await?;
        let before = match sqlx::query("SELECT * FROM feed_sources WHERE url = ?")
            .bind(&s.url)
            .fetch_optional(&mut *tx)
            .await
            .db()?
        {
            Some(row) => Some(ward_core::audit::digest_json(&feed_from_row(&row)?)),
            None => None,
        };
        sqlx::query(
            "INSERT INTO feed_sources (url, name, etag, last_modified, version, last_checked, last_success, \
             last_error, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET \
             name = excluded.name, etag = excluded.etag, last_modified = excluded.last_modified, \
             version = excluded.version, last_checked = excluded.last_checked, \
             last_success = excluded.last_success, last_error = excluded.last_error, bytes = excluded.bytes",
        )
        .bind(&s.url)
        .bind(&s.name)
        .bind(&s.etag)
        .bind(&s.last_modified)
        .bind(&s.version)
        .bind(opt_ts(s.last_checked))
        .bind(opt_ts(s.last_success))
        .bind(&s.last_error)
        .bind(s.bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX)))
        .execute(&mut *tx)
        .await
        .db()?;
        let event = audit.event(
            "feed_source.update",
            "feed_source",
            s.url.clone(),
            None,
            before,
            Some(ward_core::audit::digest_json(s)),
            Some(s.name.clone()),
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()?;
        Ok(())
    }

    pub(super) async fn list_feed_sources_impl(&self) -> StoreResult<Vec<FeedSourceState>> {
        let rows = sqlx::query("SELECT * FROM feed_sources ORDER BY name, url")
            .fetch_all(&self.read)
            .await
            .db()?;
        rows.iter().map(feed_from_row).collect()
    }

    pub(super) async fn vuln_totals_impl(&self) -> StoreResult<VulnTotals> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM advisories) AS advisories, \
             (SELECT count(*) FROM advisories WHERE withdrawn IS NOT NULL) AS withdrawn, \
             (SELECT count(*) FROM advisory_aliases) AS aliases, (SELECT count(*) FROM kev) AS kev, \
             (SELECT count(*) FROM epss) AS epss, (SELECT count(*) FROM vex_statements) AS vex, \
             (SELECT count(*) FROM eol_products) AS eol_products, \
             (SELECT count(*) FROM eol_releases) AS eol_releases, \
             (SELECT count(*) FROM feed_sources) AS feed_sources",
        )
        .fetch_one(&self.read)
        .await
        .db()?;
        let n = |c: &str| -> StoreResult<u64> { to_u64(c, get(&row, c)?) };
        Ok(VulnTotals {
            advisories: n("advisories")?,
            withdrawn: n("withdrawn")?,
            aliases: n("aliases")?,
            kev: n("kev")?,
            epss: n("epss")?,
            vex: n("vex")?,
            eol_products: n("eol_products")?,
            eol_releases: n("eol_releases")?,
            feed_sources: n("feed_sources")?,
        })
    }
}
