//! VEX statements: feed statements (no organisation) and those organisations enter (scoped).

use std::collections::BTreeSet;

use sqlx::{QueryBuilder, SqliteConnection};
use ward_core::OrgId;
use ward_core::vuln::VexStatement;
use ward_store::vuln::{StoredVex, VulnCounts, vex_product_key};
use ward_store::{AuditMeta, Scope, StoreResult};

use super::signals::last_per_key;
use super::{batch_digest, check_key, from_doc, to_doc};
use crate::SqliteStore;
use crate::audit::append;
use crate::codec::{DbResult, get, get_parsed_opt, get_ts, ts};
use crate::scope;

/// Check that the caller may write statements for `org` (feed statements need the whole sector).
pub(super) async fn require_vex_scope(
    conn: &mut SqliteConnection,
    scope: &Scope,
    org: Option<OrgId>,
) -> StoreResult<()> {
    let in_scope = match org {
        Some(o) => scope::org_in_scope(conn, scope, o).await?,
        None => false,
    };
    ward_store::vuln::support::check_vex_scope(scope, org, in_scope)
}

/// The statement's key within its organisation: source, vulnerability, product digest.
fn key_of(s: &VexStatement) -> String {
    format!("{}\n{}\n{}", s.source, s.vulnerability, vex_product_key(s))
}

async fn write_ids(conn: &mut SqliteConnection, id: i64, s: &VexStatement) -> StoreResult<()> {
    let ids: BTreeSet<&str> = std::iter::once(s.vulnerability.as_str())
        .chain(s.aliases.iter().map(String::as_str))
        .collect();
    let mut qb = QueryBuilder::new("INSERT INTO vex_ids (vuln_id, statement_id) ");
    qb.push_values(ids, |mut b, v| {
        b.push_bind(v).push_bind(id);
    });
    qb.build().execute(&mut *conn).await.db()?;
    Ok(())
}

impl SqliteStore {
    pub(super) async fn upsert_vex_impl(
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
        let keys: Vec<String> = statements.iter().map(key_of).collect();
        let (kept, dropped) = last_per_key(keys.iter().map(String::as_str));
        let mut counts = VulnCounts {
            stale: dropped,
            ..VulnCounts::default()
        };
        let org_text = org.map(|o| o.to_string());
        let org_key = org_text.clone().unwrap_or_default();
        let now = ts(audit.at);
        let mut tx = self.begin_write().await?;
        require_vex_scope(&mut tx, scope, org).await?;
        for &i in &kept {
            let s = &statements[i];
            let product_key = vex_product_key(s);
            let digest = ward_core::audit::digest_json(s);
            let stored: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, digest FROM vex_statements WHERE coalesce(org_id, '') = ? AND source = ? \
                 AND vulnerability = ? AND product_key = ?",
            )
            .bind(&org_key)
            .bind(&s.source)
            .bind(&s.vulnerability)
            .bind(&product_key)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
            let doc = to_doc(s)?;
            match stored {
                Some((_, d)) if d == digest => counts.unchanged += 1,
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE vex_statements SET status = ?, digest = ?, doc = ?, updated_at = ? WHERE id = ?",
                    )
                    .bind(s.status.as_str())
                    .bind(&digest)
                    .bind(&doc)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .db()?;
                    sqlx::query("DELETE FROM vex_ids WHERE statement_id = ?")
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .db()?;
                    write_ids(&mut tx, id, s).await?;
                    counts.updated += 1;
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO vex_statements (org_id, source, vulnerability, product_key, status, digest, \
                         doc, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    )
                    .bind(org_text.as_deref())
                    .bind(&s.source)
                    .bind(&s.vulnerability)
                    .bind(&product_key)
                    .bind(s.status.as_str())
                    .bind(&digest)
                    .bind(&doc)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .db()?;
                    write_ids(&mut tx, id, s).await?;
                    counts.inserted += 1;
                }
            }
        }
        let digest = batch_digest(keys.iter().map(String::as_str));
        let detail = counts.detail(&[("records", statements.len().to_string())]);
        let entity_id = match statements {
            [one] => one.vulnerability.clone(),
            _ => format!("batch-{}", &digest[..16]),
        };
        let event = audit.event(
            "vex.import",
            "vex",
            entity_id,
            org,
            None,
            Some(digest),
            Some(detail),
        );
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()?;
        Ok(counts)
    }

    pub(super) async fn vex_for_impl(
        &self,
        scope: &Scope,
        vulnerability: &str,
    ) -> StoreResult<Vec<StoredVex>> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push(
            "SELECT s.org_id, s.doc, s.updated_at FROM vex_ids i JOIN vex_statements s ON s.id = i.statement_id \
             WHERE i.vuln_id = ",
        )
        .push_bind(vulnerability);
        if !matches!(scope, Scope::All) {
            qb.push(" AND (s.org_id IS NULL OR s.org_id IN (SELECT id FROM scope_orgs))");
        }
        qb.push(" ORDER BY s.org_id IS NOT NULL, s.org_id, s.source, s.vulnerability, s.product_key");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter()
            .map(|r| {
                Ok(StoredVex {
                    org: get_parsed_opt(r, "org_id")?,
                    statement: from_doc("vex statement", &get::<String>(r, "doc")?)?,
                    updated_at: get_ts(r, "updated_at")?,
                })
            })
            .collect()
    }
}
