//! The whole-sector read of vulnerability data the exposure index is built from.

use ward_core::vuln::{Advisory, EolProduct};

use super::by_code_point;
use super::reference::{RELEASE_COLUMNS, product_from_row, release_from_row};
use super::signals::{KEV_COLUMNS, epss_from_row, kev_from_row};
use super::vex::vex_from_row;
use crate::StoreResult;
use crate::sector::ThreatSnapshot;
use crate::sql::{Exec, RowRead, Sql};

/// Every advisory not withdrawn, KEV entry, EPSS score, VEX statement and end-of-life product,
/// read on `db`: the backend runs it inside one read-only transaction so the parts agree.
pub async fn read_threat_snapshot<E: Exec + ?Sized>(db: &mut E) -> StoreResult<ThreatSnapshot> {
    let c = by_code_point(db.dialect());
    let rows = db
        .fetch_all(Sql::new(format!(
            "SELECT doc FROM advisories WHERE withdrawn IS NULL ORDER BY id{c}"
        )))
        .await?;
    let advisories = rows
        .iter()
        .map(|r| super::from_doc::<Advisory>("advisory", &r.text("doc")?))
        .collect::<StoreResult<Vec<_>>>()?;
    let rows = db
        .fetch_all(Sql::new(format!("SELECT {KEV_COLUMNS} FROM kev ORDER BY cve{c}")))
        .await?;
    let kev = rows.iter().map(kev_from_row).collect::<StoreResult<Vec<_>>>()?;
    let rows = db
        .fetch_all(Sql::new(format!(
            "SELECT cve, epss, percentile, score_date FROM epss ORDER BY cve{c}"
        )))
        .await?;
    let epss = rows.iter().map(epss_from_row).collect::<StoreResult<Vec<_>>>()?;
    let rows = db
        .fetch_all(Sql::new(
            "SELECT org_id, doc, updated_at FROM vex_statements ORDER BY id",
        ))
        .await?;
    let vex = rows.iter().map(vex_from_row).collect::<StoreResult<Vec<_>>>()?;
    let rows = db
        .fetch_all(Sql::new(format!(
            "SELECT product, title, category, identifiers FROM eol_products ORDER BY product{c}"
        )))
        .await?;
    let mut eol = rows
        .iter()
        .map(product_from_row)
        .collect::<StoreResult<Vec<EolProduct>>>()?;
    let rows = db
        .fetch_all(Sql::new(format!(
            "SELECT {RELEASE_COLUMNS} FROM eol_releases ORDER BY product{c}, position"
        )))
        .await?;
    // Both lists are in product order: hand each product its run of releases.
    let mut products = eol.iter_mut().peekable();
    for row in &rows {
        let release = release_from_row(row)?;
        while products.next_if(|p| p.product != release.product).is_some() {}
        if let Some(p) = products.peek_mut() {
            p.releases.push(release);
        }
    }
    Ok(ThreatSnapshot {
        advisories,
        kev,
        epss,
        vex,
        eol,
    })
}
