//! Profiles, once for both backends.

use async_trait::async_trait;
use ward_core::assurance::{Profile, ProfileCategory};

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::assurance::{ProfileStore, refusals};
use crate::{AuditMeta, StoreError, StoreResult};

fn profile(r: &impl RowRead) -> StoreResult<Profile> {
    Ok(Profile {
        framework: r.text("framework")?,
        framework_version: r.text("framework_version")?,
        category: r.parsed("category")?,
        version: r.u32("version")?,
        effective_from: r.date("effective_from")?,
        targets: serde_json::from_str(&r.text("targets")?).map_err(|_| super::corrupt_column("targets"))?,
    })
}

#[async_trait]
impl<B: SqlBackend> ProfileStore for B {
    async fn publish_profile(&self, p: &Profile, meta: &AuditMeta) -> StoreResult<u32> {
        let targets = serde_json::to_string(&p.targets)
            .map_err(|e| StoreError::Backend(format!("targets cannot be written as JSON: {e}")))?;
        let mut tx = self.write().await?;
        let loaded = Sql::new("SELECT 1 AS n FROM frameworks WHERE id = $1 AND version = $2")
            .arg(p.framework.as_str())
            .arg(p.framework_version.as_str());
        if tx.fetch_optional(loaded).await?.is_none() {
            return Err(refusals::framework_not_loaded(&p.framework, &p.framework_version));
        }
        let last = tx
            .fetch_one(
                Sql::new(
                    "SELECT COALESCE(MAX(version), 0) AS n FROM profiles \
                     WHERE framework = $1 AND framework_version = $2 AND category = $3",
                )
                .arg(p.framework.as_str())
                .arg(p.framework_version.as_str())
                .arg(<&str>::from(p.category)),
            )
            .await?
            .u32("n")?;
        let version = last + 1;
        tx.execute(
            Sql::new(
                "INSERT INTO profiles (framework, framework_version, category, version, effective_from, targets, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .arg(p.framework.as_str())
            .arg(p.framework_version.as_str())
            .arg(<&str>::from(p.category))
            .arg(version)
            .arg(p.effective_from)
            .arg(targets)
            .arg(meta.at),
        )
        .await?;
        let detail = serde_json::json!({
            "framework": p.framework, "framework_version": p.framework_version, "category": p.category,
            "version": version, "effective_from": p.effective_from.to_string(), "targets": p.targets.len(),
        });
        let event = meta
            .change(
                "profile.publish",
                "profile",
                format!("{}@{}/{}/{version}", p.framework, p.framework_version, p.category),
            )
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn profile_versions(
        &self,
        framework: &str,
        framework_version: &str,
        category: ProfileCategory,
    ) -> StoreResult<Vec<Profile>> {
        let rows = self
            .read()
            .await?
            .fetch_all(
                Sql::new(
                    "SELECT framework, framework_version, category, version, effective_from, targets FROM profiles \
                     WHERE framework = $1 AND framework_version = $2 AND category = $3 ORDER BY version",
                )
                .arg(framework)
                .arg(framework_version)
                .arg(<&str>::from(category)),
            )
            .await?;
        rows.iter().map(profile).collect()
    }
}
