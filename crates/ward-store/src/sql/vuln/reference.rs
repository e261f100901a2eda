//! End-of-life dates, feed source state and table totals.

use async_trait::async_trait;
use ward_core::vuln::{EolDate, EolProduct, EolRelease};

use super::{
    Import, batch_digest, batch_name, by_code_point, check_key, commit_import, from_doc, last_per_key,
    lock_writers, single, to_doc,
};
use crate::sql::bulk::{Column, Rows};
use crate::sql::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::vuln::{EolStore, FeedSourceState, FeedSourceStore, VulnCounts, VulnTotals};
use crate::{AuditMeta, StoreError, StoreResult, refusals};

pub(super) const RELEASE_COLUMNS: &str =
    "product, cycle, codename, release_date, eol, eoas, eoes, lts, latest, latest_release_date";

const FEED_COLUMNS: &str =
    "url, name, etag, last_modified, version, last_checked, last_success, last_error, bytes";

/// A support date as stored: `YYYY-MM-DD`, `true` or `false`.
pub fn eol_date_text(d: Option<EolDate>) -> Option<String> {
    d.map(|d| match d {
        EolDate::Date(date) => date.to_string(),
        EolDate::Flag(flag) => flag.to_string(),
    })
}

/// A stored support date read back (`column` names it if it does not read).
pub fn eol_date_from_text(column: &str, s: Option<String>) -> StoreResult<Option<EolDate>> {
    s.map(|s| match s.as_str() {
        "true" => Ok(EolDate::Flag(true)),
        "false" => Ok(EolDate::Flag(false)),
        other => other
            .parse()
            .map(EolDate::Date)
            .map_err(|_| corrupt_column(column)),
    })
    .transpose()
}

/// Check an end-of-life product before it is stored: a valid name, and every release cycle
/// belongs to it and names its cycle.
pub fn check_eol_product(i: usize, p: &EolProduct) -> StoreResult<()> {
    check_key(&format!("eol[{i}].product"), &p.product)?;
    for (j, r) in p.releases.iter().enumerate() {
        if r.product != p.product {
            return Err(refusals::eol_release_of_other_product(
                i, j, &r.product, &p.product,
            ));
        }
        check_key(&format!("eol[{i}].releases[{j}].cycle"), &r.cycle)?;
    }
    Ok(())
}

/// Check a feed source's state before it is stored.
pub fn check_feed_source(s: &FeedSourceState) -> StoreResult<()> {
    check_key("feed.name", &s.name)?;
    if s.url.trim().is_empty() || s.url.len() > 2000 {
        return Err(refusals::bad_feed_url());
    }
    Ok(())
}

pub(super) fn release_from_row<R: RowRead>(row: &R) -> StoreResult<EolRelease> {
    let eol = |c: &str| eol_date_from_text(c, row.opt_text(c)?);
    Ok(EolRelease {
        product: row.text("product")?,
        cycle: row.text("cycle")?,
        codename: row.opt_text("codename")?,
        release_date: row.opt_date("release_date")?,
        eol: eol("eol")?,
        eoas: eol("eoas")?,
        eoes: eol("eoes")?,
        lts: eol("lts")?,
        latest: row.opt_text("latest")?,
        latest_release_date: row.opt_date("latest_release_date")?,
    })
}

/// A product row (without its releases) read back.
pub(super) fn product_from_row<R: RowRead>(row: &R) -> StoreResult<EolProduct> {
    Ok(EolProduct {
        product: row.text("product")?,
        title: row.opt_text("title")?,
        category: row.opt_text("category")?,
        identifiers: from_doc("eol identifiers", &row.text("identifiers")?)?,
        releases: Vec::new(),
    })
}

fn feed_from_row<R: RowRead>(row: &R) -> StoreResult<FeedSourceState> {
    Ok(FeedSourceState {
        url: row.text("url")?,
        name: row.text("name")?,
        etag: row.opt_text("etag")?,
        last_modified: row.opt_text("last_modified")?,
        version: row.opt_text("version")?,
        last_checked: row.opt_ts("last_checked")?,
        last_success: row.opt_ts("last_success")?,
        last_error: row.opt_text("last_error")?,
        bytes: row
            .opt_i64("bytes")?
            .map(|b| u64::try_from(b).map_err(|_| corrupt_column("bytes")))
            .transpose()?,
    })
}

/// Replace one product and all its release cycles.
async fn write_product<E: Exec + ?Sized>(db: &mut E, p: &EolProduct, digest: &str) -> StoreResult<()> {
    db.execute(
        Sql::new(
            "INSERT INTO eol_products (product, title, category, identifiers, digest) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (product) DO UPDATE SET title = excluded.title, category = excluded.category, \
             identifiers = excluded.identifiers, digest = excluded.digest",
        )
        .arg(&p.product)
        .arg(p.title.as_deref())
        .arg(p.category.as_deref())
        .arg(to_doc(&p.identifiers)?)
        .arg(digest),
    )
    .await?;
    db.execute(Sql::new("DELETE FROM eol_releases WHERE product = $1").arg(&p.product))
        .await?;
    let r = || p.releases.iter();
    let rows = Rows::new("eol_releases")
        .column("product", Column::text(r().map(|_| p.product.clone())))
        .column("position", Column::i64((0_i64..).take(p.releases.len())))
        .column("cycle", Column::text(r().map(|x| x.cycle.clone())))
        .column("codename", Column::text(r().map(|x| x.codename.clone())))
        .column("release_date", Column::date(r().map(|x| x.release_date)))
        .column("eol", Column::text(r().map(|x| eol_date_text(x.eol))))
        .column("eoas", Column::text(r().map(|x| eol_date_text(x.eoas))))
        .column("eoes", Column::text(r().map(|x| eol_date_text(x.eoes))))
        .column("lts", Column::text(r().map(|x| eol_date_text(x.lts))))
        .column("latest", Column::text(r().map(|x| x.latest.clone())))
        .column(
            "latest_release_date",
            Column::date(r().map(|x| x.latest_release_date)),
        );
    db.insert_rows(rows).await?;
    Ok(())
}

/// Release cycles of one product or of all, by product then in import order.
async fn releases<E: Exec + ?Sized>(db: &mut E, product: Option<&str>) -> StoreResult<Vec<EolRelease>> {
    let mut q = Sql::new(format!("SELECT {RELEASE_COLUMNS} FROM eol_releases"));
    if let Some(p) = product {
        q.push(" WHERE product = ").bind(p);
    }
    q.push(" ORDER BY product")
        .push(by_code_point(db.dialect()))
        .push(", position");
    db.fetch_all(q).await?.iter().map(release_from_row).collect()
}

#[async_trait]
impl<B: SqlBackend> EolStore for B {
    async fn upsert_eol(&self, products: &[EolProduct], audit: &AuditMeta) -> StoreResult<VulnCounts> {
        for (i, p) in products.iter().enumerate() {
            check_eol_product(i, p)?;
        }
        let (kept, dropped) = last_per_key(products.iter().map(|p| p.product.as_str()));
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let mut tx = self.write().await?;
        lock_writers(&mut tx).await?;
        for &i in &kept {
            let p = &products[i];
            let digest = ward_core::audit::digest_json(p);
            let q = Sql::new("SELECT digest FROM eol_products WHERE product = $1").arg(&p.product);
            let stored = tx
                .fetch_optional(q)
                .await?
                .map(|r| r.text("digest"))
                .transpose()?;
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
        let import = Import {
            action: "eol.import",
            entity: "eol_product",
            entity_id: batch_name(&digest, single(products, |p| &p.product)),
            digest,
            org: None,
            detail: counts.detail(&[("records", products.len().to_string())]),
        };
        commit_import(tx, self.keys(), audit, import).await?;
        Ok(counts)
    }

    async fn get_eol_product(&self, product: &str) -> StoreResult<EolProduct> {
        let mut db = self.read().await?;
        let q = Sql::new("SELECT product, title, category, identifiers FROM eol_products WHERE product = $1")
            .arg(product);
        let row = db
            .fetch_optional(q)
            .await?
            .ok_or_else(|| StoreError::not_found("end-of-life product", product))?;
        let mut p = product_from_row(&row)?;
        p.releases = releases(&mut db, Some(product)).await?;
        Ok(p)
    }

    async fn list_eol_releases(&self, product: Option<&str>) -> StoreResult<Vec<EolRelease>> {
        releases(&mut self.read().await?, product).await
    }
}

#[async_trait]
impl<B: SqlBackend> FeedSourceStore for B {
    async fn get_feed_source(&self, url: &str) -> StoreResult<Option<FeedSourceState>> {
        let q = Sql::new(format!("SELECT {FEED_COLUMNS} FROM feed_sources WHERE url = $1")).arg(url);
        let row = self.read().await?.fetch_optional(q).await?;
        row.as_ref().map(feed_from_row).transpose()
    }

    async fn put_feed_source(&self, s: &FeedSourceState, audit: &AuditMeta) -> StoreResult<()> {
        check_feed_source(s)?;
        let mut tx = self.write().await?;
        // PostgreSQL holds the row until commit (SQLite's writer already holds the database).
        let lock = tx.dialect().pick("", " FOR UPDATE");
        let q = Sql::new(format!(
            "SELECT {FEED_COLUMNS} FROM feed_sources WHERE url = $1{lock}"
        ))
        .arg(&s.url);
        let before = tx
            .fetch_optional(q)
            .await?
            .map(|row| feed_from_row(&row).map(|f| ward_core::audit::digest_json(&f)))
            .transpose()?;
        tx.execute(
            Sql::new(
                "INSERT INTO feed_sources (url, name, etag, last_modified, version, last_checked, last_success, \
                 last_error, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (url) DO UPDATE SET \
                 name = excluded.name, etag = excluded.etag, last_modified = excluded.last_modified, \
                 version = excluded.version, last_checked = excluded.last_checked, \
                 last_success = excluded.last_success, last_error = excluded.last_error, bytes = excluded.bytes",
            )
            .arg(&s.url)
            .arg(&s.name)
            .arg(s.etag.as_deref())
            .arg(s.last_modified.as_deref())
            .arg(s.version.as_deref())
            .arg(s.last_checked)
            .arg(s.last_success)
            .arg(s.last_error.as_deref())
            .arg(s.bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX))),
        )
        .await?;
        let event = audit
            .change("feed_source.update", "feed_source", s.url.clone())
            .before_opt(before)
            .after(ward_core::audit::digest_json(s))
            .detail(s.name.clone())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_feed_sources(&self) -> StoreResult<Vec<FeedSourceState>> {
        let mut db = self.read().await?;
        let c = by_code_point(db.dialect());
        let q = Sql::new(format!(
            "SELECT {FEED_COLUMNS} FROM feed_sources ORDER BY name{c}, url{c}"
        ));
        db.fetch_all(q).await?.iter().map(feed_from_row).collect()
    }

    async fn vuln_totals(&self) -> StoreResult<VulnTotals> {
        let row = self
            .read()
            .await?
            .fetch_one(Sql::new(
                "SELECT (SELECT count(*) FROM advisories) AS advisories, \
                 (SELECT count(*) FROM advisories WHERE withdrawn IS NOT NULL) AS withdrawn, \
                 (SELECT count(*) FROM advisory_aliases) AS aliases, (SELECT count(*) FROM kev) AS kev, \
                 (SELECT count(*) FROM epss) AS epss, (SELECT count(*) FROM vex_statements) AS vex, \
                 (SELECT count(*) FROM eol_products) AS eol_products, \
                 (SELECT count(*) FROM eol_releases) AS eol_releases, \
                 (SELECT count(*) FROM feed_sources) AS feed_sources",
            ))
            .await?;
        Ok(VulnTotals {
            advisories: row.u64("advisories")?,
            withdrawn: row.u64("withdrawn")?,
            aliases: row.u64("aliases")?,
            kev: row.u64("kev")?,
            epss: row.u64("epss")?,
            vex: row.u64("vex")?,
            eol_products: row.u64("eol_products")?,
            eol_releases: row.u64("eol_releases")?,
            feed_sources: row.u64("feed_sources")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_dates_are_dates_or_flags() {
        let d = EolDate::Date(jiff::civil::date(2025, 4, 30));
        assert_eq!(eol_date_text(Some(d)).as_deref(), Some("2025-04-30"));
        assert_eq!(
            eol_date_from_text("eol", eol_date_text(Some(d))).unwrap(),
            Some(d)
        );
        let f = Some(EolDate::Flag(false));
        assert_eq!(eol_date_from_text("eol", eol_date_text(f)).unwrap(), f);
        assert!(eol_date_from_text("eol", Some("soon".into())).is_err());
    }

    #[test]
    fn releases_belong_to_their_product() {
        let mut p: EolProduct = serde_json::from_value(serde_json::json!({
            "product": "nodejs", "identifiers": [], "releases": [{"product": "nodejs", "cycle": "20"}],
        }))
        .unwrap();
        assert!(check_eol_product(0, &p).is_ok());
        p.releases[0].product = "python".into();
        let e = check_eol_product(3, &p).unwrap_err();
        let want = refusals::eol_release_of_other_product(3, 0, "python", "nodejs");
        assert_eq!(e.to_string(), want.to_string());
    }
}
