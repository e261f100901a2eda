//! VEX statements: feed statements (no organisation) and those organisations enter (scoped).

use std::collections::BTreeSet;

use sqlx::PgConnection;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::vuln::VexStatement;
use ward_store::vuln::{StoredVex, VulnCounts, vex_product_key};
use ward_store::{AuditMeta, Scope, StoreResult};

use super::signals::last_per_key;
use super::{batch_digest, check_key, from_doc, lock_writers, to_doc};
use crate::audit::append_event;
use crate::error::map_db_error;
use crate::rows::{col, from_micros, micros};
use crate::{PgStore, scope_binds};

/// The statement's key within its organisation: source, vulnerability, product digest.
fn key_of(s: &VexStatement) -> String {
    format!("{}\n{}\n{}", s.source, s.vulnerability, vex_product_key(s))
}

async fn write_ids(conn: &mut PgConnection, id: i64, s: &VexStatement) -> StoreResult<()> {
    let ids: BTreeSet<String> = std::iter::once(s.vulnerability.clone())
        .chain(s.aliases.iter().cloned())
        .collect();
    sqlx::query(
        "INSERT INTO vex_ids (vuln_id, statement_id) SELECT u, $2 FROM UNNEST($1::text[]) AS u
         ON CONFLICT DO NOTHING",
    )
    .bind(ids.into_iter().collect::<Vec<_>>())
    .bind(id)
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

impl PgStore {
    async fn require_vex_scope(
        conn: &mut PgConnection,
        scope: &Scope,
        org: Option<OrgId>,
    ) -> StoreResult<()> {
        let in_scope = match org {
            Some(o) => Self::org_in_scope(conn, scope, o).await?.is_some(),
            None => false,
        };
        ward_store::vuln::support::check_vex_scope(scope, org, in_scope)
    }

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
        let org_uuid: Option<Uuid> = org.map(|o| *o.as_uuid());
        let now = micros(audit.at);
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        Self::require_vex_scope(&mut tx, scope, org).await?;
        lock_writers(&mut tx).await?;
        for &i in &kept {
            let s = &statements[i];
            let product_key = vex_product_key(s);
            let digest = ward_core::audit::digest_json(s);
            let stored: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, digest FROM vex_statements WHERE org_id IS NOT DISTINCT FROM $1 AND source = $2
                 AND vulnerability = $3 AND product_key = $4",
            )
            .bind(org_uuid)
            .bind(&s.source)
            .bind(&s.vulnerability)
            .bind(&product_key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_db_error)?;
            let doc = to_doc(s)?;
            match stored {
                Some((_, d)) if d == digest => counts.unchanged += 1,
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE vex_statements SET status = $1, digest = $2, doc = $3, updated_at = $4 WHERE id = $5",
                    )
                    .bind(s.status.as_str())
                    .bind(&digest)
                    .bind(&doc)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_db_error)?;
                    sqlx::query("DELETE FROM vex_ids WHERE statement_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_db_error)?;
                    write_ids(&mut tx, id, s).await?;
                    counts.updated += 1;
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO vex_statements (org_id, source, vulnerability, product_key, status, digest,
                                                     doc, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(org_uuid)
                    .bind(&s.source)
                    .bind(&s.vulnerability)
                    .bind(&product_key)
                    .bind(s.status.as_str())
                    .bind(&digest)
                    .bind(&doc)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_db_error)?;
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
        append_event(&mut tx, &self.keys, event).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(counts)
    }

    pub(super) async fn vex_for_impl(
        &self,
        scope: &Scope,
        vulnerability: &str,
    ) -> StoreResult<Vec<StoredVex>> {
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(
            "SELECT s.org_id, s.doc, s.updated_at FROM vex_ids i JOIN vex_statements s ON s.id = i.statement_id
             WHERE i.vuln_id = $3
               AND ($1 = 'all' OR s.org_id IS NULL OR s.org_id IN (SELECT id FROM ward_scope($1, $2)))
             ORDER BY s.org_id IS NOT NULL, s.org_id, s.source COLLATE \"C\", s.vulnerability COLLATE \"C\",
                      s.product_key COLLATE \"C\"",
        )
        .bind(mode)
        .bind(&roots)
        .bind(vulnerability)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter()
            .map(|r| {
                Ok(StoredVex {
                    org: col::<Option<Uuid>>(r, "org_id")?.map(OrgId::from_uuid),
                    statement: from_doc("vex statement", &col::<String>(r, "doc")?)?,
                    updated_at: from_micros(col(r, "updated_at")?)?,
                })
            })
            .collect()
    }
}
