//! VEX statements: feed statements (no organisation) and those organisations enter (scoped).

use std::collections::BTreeSet;

use async_trait::async_trait;
use ward_core::OrgId;
use ward_core::vuln::VexStatement;

use super::{
    Import, batch_digest, batch_name, by_code_point, check_key, commit_import, from_doc, last_per_key,
    lock_writers, single, to_doc,
};
use crate::sql::bulk::{Column, Rows};
use crate::sql::{Dialect, Exec, RowRead, Sql, SqlBackend};
use crate::vuln::{StoredVex, VexStore, VulnCounts, vex_product_key};
use crate::{AuditMeta, Scope, StoreError, StoreResult, refusals};

/// Whether the caller may write VEX statements for `org`: feed statements (no organisation)
/// need the whole sector; an organisation's need it inside `scope` (`in_scope`, looked up in the
/// database). An unknown organisation under the whole sector's scope is invalid.
pub fn check_vex_scope(scope: &Scope, org: Option<OrgId>, in_scope: bool) -> StoreResult<()> {
    match org {
        None if matches!(scope, Scope::All) => Ok(()),
        None => Err(refusals::vex_feed_forbidden()),
        Some(_) if in_scope => Ok(()),
        Some(o) if matches!(scope, Scope::All) => Err(refusals::vex_org_unknown(o)),
        Some(o) => Err(StoreError::forbidden("organisation", o)),
    }
}

/// The statement's key within its organisation: source, vulnerability, product digest.
pub fn vex_key(s: &VexStatement) -> String {
    format!("{}\n{}\n{}", s.source, s.vulnerability, vex_product_key(s))
}

/// Whether `org` exists and lies inside `scope`.
async fn org_in_scope<E: Exec + ?Sized>(db: &mut E, scope: &Scope, org: OrgId) -> StoreResult<bool> {
    let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = ");
    q.bind(org);
    db.scope_filter(&mut q, scope, "id");
    Ok(db.fetch_optional(q).await?.is_some())
}

/// The statement's stored id and digest, if stored.
async fn stored<E: Exec + ?Sized>(
    db: &mut E,
    org: Option<OrgId>,
    s: &VexStatement,
    product_key: &str,
) -> StoreResult<Option<(i64, String)>> {
    // SQLite's unique index is on `coalesce(org_id, '')`; PostgreSQL's on `org_id` itself.
    let org_matches = match db.dialect() {
        Dialect::Sqlite => "coalesce(org_id, '') = coalesce($1, '')",
        Dialect::Postgres => "org_id IS NOT DISTINCT FROM $1",
    };
    let q = Sql::new(format!(
        "SELECT id, digest FROM vex_statements WHERE {org_matches} AND source = $2 \
         AND vulnerability = $3 AND product_key = $4"
    ))
    .arg(org)
    .arg(&s.source)
    .arg(&s.vulnerability)
    .arg(product_key);
    db.fetch_optional(q)
        .await?
        .map(|r| Ok((r.i64("id")?, r.text("digest")?)))
        .transpose()
}

/// Index the statement under its vulnerability and each alias.
async fn write_ids<E: Exec + ?Sized>(db: &mut E, id: i64, s: &VexStatement) -> StoreResult<()> {
    let ids: BTreeSet<&str> = std::iter::once(s.vulnerability.as_str())
        .chain(s.aliases.iter().map(String::as_str))
        .collect();
    let rows = Rows::new("vex_ids")
        .column("vuln_id", Column::text(ids.iter().map(|v| (*v).to_owned())))
        .column("statement_id", Column::i64(ids.iter().map(|_| id)));
    db.insert_rows(rows).await?;
    Ok(())
}

#[async_trait]
impl<B: SqlBackend> VexStore for B {
    async fn upsert_vex(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
        statements: &[VexStatement],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        for (i, s) in statements.iter().enumerate() {
            check_key(&format!("vex[{i}].vulnerability"), &s.vulnerability)?;
            check_key(&format!("vex[{i}].source"), &s.source)?;
        }
        let keys: Vec<String> = statements.iter().map(vex_key).collect();
        let (kept, dropped) = last_per_key(keys.iter().map(String::as_str));
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let mut tx = self.write().await?;
        let in_scope = match org {
            Some(o) => org_in_scope(&mut tx, scope, o).await?,
            None => false,
        };
        check_vex_scope(scope, org, in_scope)?;
        lock_writers(&mut tx).await?;
        for &i in &kept {
            let s = &statements[i];
            let product_key = vex_product_key(s);
            let digest = ward_core::audit::digest_json(s);
            match stored(&mut tx, org, s, &product_key).await? {
                Some((_, d)) if d == digest => counts.unchanged += 1,
                Some((id, _)) => {
                    let q = Sql::new(
                        "UPDATE vex_statements SET status = $1, digest = $2, doc = $3, updated_at = $4 \
                         WHERE id = $5",
                    )
                    .arg(s.status.as_str())
                    .arg(&digest)
                    .arg(to_doc(s)?)
                    .arg(audit.at)
                    .arg(id);
                    tx.execute(q).await?;
                    tx.execute(Sql::new("DELETE FROM vex_ids WHERE statement_id = $1").arg(id))
                        .await?;
                    write_ids(&mut tx, id, s).await?;
                    counts.updated += 1;
                }
                None => {
                    let q = Sql::new(
                        "INSERT INTO vex_statements (org_id, source, vulnerability, product_key, status, \
                         digest, doc, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .arg(org)
                    .arg(&s.source)
                    .arg(&s.vulnerability)
                    .arg(&product_key)
                    .arg(s.status.as_str())
                    .arg(&digest)
                    .arg(to_doc(s)?)
                    .arg(audit.at);
                    let id = tx.fetch_one(q).await?.i64("id")?;
                    write_ids(&mut tx, id, s).await?;
                    counts.inserted += 1;
                }
            }
        }
        let digest = batch_digest(keys.iter().map(String::as_str));
        let import = Import {
            action: "vex.import",
            entity: "vex",
            entity_id: batch_name(&digest, single(statements, |s| &s.vulnerability)),
            digest,
            org,
            detail: counts.detail(&[("records", statements.len().to_string())]),
        };
        commit_import(tx, self.keys(), audit, import).await?;
        Ok(counts)
    }

    async fn vex_for(&self, scope: &Scope, vulnerability: &str) -> StoreResult<Vec<StoredVex>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(
            "SELECT s.org_id, s.doc, s.updated_at FROM vex_ids i JOIN vex_statements s ON s.id = i.statement_id \
             WHERE i.vuln_id = ",
        );
        q.bind(vulnerability);
        if !matches!(scope, Scope::All) {
            q.push(" AND (s.org_id IS NULL OR s.org_id IN (SELECT o.id FROM organisations o WHERE 1 = 1");
            db.scope_filter(&mut q, scope, "o.id");
            q.push("))");
        }
        let c = by_code_point(db.dialect());
        q.push(&format!(
            " ORDER BY s.org_id IS NOT NULL, s.org_id, s.source{c}, s.vulnerability{c}, s.product_key{c}"
        ));
        let rows = db.fetch_all(q).await?;
        rows.iter().map(vex_from_row).collect()
    }
}

pub(super) fn vex_from_row<R: RowRead>(row: &R) -> StoreResult<StoredVex> {
    Ok(StoredVex {
        org: row.opt_id("org_id")?,
        statement: from_doc("vex statement", &row.text("doc")?)?,
        updated_at: row.ts("updated_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_statements_need_the_whole_sector() {
        let org = OrgId::from_uuid(uuid::Uuid::nil());
        assert!(check_vex_scope(&Scope::All, None, false).is_ok());
        let e = check_vex_scope(&Scope::subtree(org), None, false).unwrap_err();
        assert_eq!(e.to_string(), refusals::vex_feed_forbidden().to_string());
        assert!(check_vex_scope(&Scope::subtree(org), Some(org), true).is_ok());
        let e = check_vex_scope(&Scope::All, Some(org), false).unwrap_err();
        assert_eq!(e.kind(), crate::StoreErrorKind::Invalid);
        let e = check_vex_scope(&Scope::subtree(org), Some(org), false).unwrap_err();
        assert_eq!(e.kind(), crate::StoreErrorKind::Forbidden);
    }
}
