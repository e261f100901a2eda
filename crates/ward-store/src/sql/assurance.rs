//! Frameworks, once for both backends.

use async_trait::async_trait;
use ward_core::assurance::Framework;

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::assurance::{FrameworkPut, FrameworkStore, FrameworkSummary};
use crate::{AuditMeta, StoreError, StoreResult};

const SUMMARY_COLUMNS: &str = "id, version, name, format, outcomes, indicators, digest, imported_at";

/// The stored form of a framework and its digest.
fn document(framework: &Framework) -> StoreResult<(String, String)> {
    let doc = serde_json::to_string(framework)
        .map_err(|e| StoreError::Backend(format!("a framework cannot be written as JSON: {e}")))?;
    let digest = ward_core::audit::sha256_hex(doc.as_bytes());
    Ok((doc, digest))
}

fn summary(r: &impl RowRead) -> StoreResult<FrameworkSummary> {
    Ok(FrameworkSummary {
        id: r.text("id")?,
        version: r.text("version")?,
        name: r.text("name")?,
        format: r.parsed("format")?,
        outcomes: r.u64("outcomes")?,
        indicators: r.u64("indicators")?,
        digest: r.text("digest")?,
        imported_at: r.ts("imported_at")?,
    })
}

#[async_trait]
impl<B: SqlBackend> FrameworkStore for B {
    async fn put_framework(&self, framework: &Framework, meta: &AuditMeta) -> StoreResult<FrameworkPut> {
        let (doc, digest) = document(framework)?;
        let outcomes = framework.outcomes().count() as i64;
        let indicators = framework.indicators().count() as i64;
        let mut tx = self.write().await?;
        let held = tx
            .fetch_optional(
                Sql::new("SELECT digest FROM frameworks WHERE id = $1 AND version = $2")
                    .arg(framework.id.as_str())
                    .arg(framework.version.as_str()),
            )
            .await?
            .map(|r| r.text("digest"))
            .transpose()?;
        let put = match &held {
            Some(d) if *d == digest => return Ok(FrameworkPut::Unchanged),
            Some(_) => FrameworkPut::Replaced,
            None => FrameworkPut::Created,
        };
        tx.execute(
            Sql::new(
                "INSERT INTO frameworks (id, version, name, format, outcomes, indicators, digest, document, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (id, version) DO UPDATE SET name = excluded.name, format = excluded.format, \
                 outcomes = excluded.outcomes, indicators = excluded.indicators, digest = excluded.digest, \
                 document = excluded.document, imported_at = excluded.imported_at",
            )
            .arg(framework.id.as_str())
            .arg(framework.version.as_str())
            .arg(framework.name.as_str())
            .arg(<&str>::from(framework.format))
            .arg(outcomes)
            .arg(indicators)
            .arg(digest.as_str())
            .arg(doc)
            .arg(meta.at),
        )
        .await?;
        if put == FrameworkPut::Replaced {
            // Statuses derived under the old content no longer hold: the roll-up derives them
            // again from the answers on its next read.
            tx.execute(
                Sql::new(
                    "DELETE FROM assessment_derived_statuses WHERE assessment_id IN \
                     (SELECT id FROM assessments WHERE framework = $1 AND version = $2)",
                )
                .arg(framework.id.as_str())
                .arg(framework.version.as_str()),
            )
            .await?;
        }
        let action = match put {
            FrameworkPut::Replaced => "framework.replace",
            _ => "framework.import",
        };
        let detail = serde_json::json!({
            "framework": framework.id,
            "version": framework.version,
            "format": framework.format,
            "outcomes": outcomes,
            "indicators": indicators,
        })
        .to_string();
        audit::append(
            &mut tx,
            self.keys(),
            meta.change(
                action,
                "framework",
                format!("{}@{}", framework.id, framework.version),
            )
            .before_opt(held)
            .after(digest)
            .detail(detail)
            .build(),
        )
        .await?;
        tx.commit().await?;
        Ok(put)
    }

    async fn list_frameworks(&self) -> StoreResult<Vec<FrameworkSummary>> {
        let rows = self
            .read()
            .await?
            .fetch_all(Sql::new(format!(
                "SELECT {SUMMARY_COLUMNS} FROM frameworks ORDER BY id, version"
            )))
            .await?;
        rows.iter().map(summary).collect()
    }

    async fn get_framework(&self, id: &str, version: &str) -> StoreResult<Option<Framework>> {
        let row = self
            .read()
            .await?
            .fetch_optional(
                Sql::new("SELECT document FROM frameworks WHERE id = $1 AND version = $2")
                    .arg(id)
                    .arg(version),
            )
            .await?;
        row.map(|r| {
            serde_json::from_str(&r.text("document")?).map_err(|_| crate::sql::corrupt_column("document"))
        })
        .transpose()
    }
}
