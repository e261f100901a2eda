//! The named SIRO and assessments' sign-offs, once for both backends.

use async_trait::async_trait;
use ward_core::assurance::AssessmentStatus;
use ward_core::assurance::signoff::{SignOff, Siro};
use ward_core::{AssessmentId, OrgId, UserId};

use super::assessments::head_in_scope;
use super::people::org_in_scope;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::assurance::refusals as assessment_refusals;
use crate::signoff::{SignOffStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

#[async_trait]
impl<B: SqlBackend> SignOffStore for B {
    async fn siro_of(&self, scope: &Scope, org: OrgId) -> StoreResult<Option<Siro>> {
        let mut db = self.read().await?;
        org_in_scope(&mut db, scope, org).await?;
        let row = db
            .fetch_optional(
                Sql::new(
                    "SELECT s.user_id, u.display_name, s.named_by, s.named_at FROM org_siros s \
                     JOIN users u ON u.id = s.user_id WHERE s.org_id = $1",
                )
                .arg(org),
            )
            .await?;
        row.map(|r| {
            Ok(Siro {
                org,
                user: r.id("user_id")?,
                name: r.text("display_name")?,
                named_by: r.text("named_by")?,
                named_at: r.ts("named_at")?,
            })
        })
        .transpose()
    }

    async fn name_siro(&self, scope: &Scope, org: OrgId, user: UserId, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        org_in_scope(&mut tx, scope, org).await?;
        tx.execute(
            Sql::new(
                "INSERT INTO org_siros (org_id, user_id, named_by, named_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id) DO UPDATE SET user_id = excluded.user_id, \
                 named_by = excluded.named_by, named_at = excluded.named_at",
            )
            .arg(org)
            .arg(user)
            .arg(meta.actor.principal.clone())
            .arg(meta.at),
        )
        .await?;
        let detail = serde_json::json!({ "user": user });
        let event = meta
            .change("siro.name", "organisation", org.to_string())
            .org(org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn sign_off_assessment(
        &self,
        scope: &Scope,
        id: AssessmentId,
        signer: UserId,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, id).await?;
        let siro = tx
            .fetch_optional(
                Sql::new(
                    "SELECT u.display_name FROM org_siros s JOIN users u ON u.id = s.user_id \
                     WHERE s.org_id = $1 AND s.user_id = $2",
                )
                .arg(h.org)
                .arg(signer),
            )
            .await?;
        let Some(siro) = siro else {
            return Err(refusals::not_the_siro());
        };
        let from = AssessmentStatus::Submitted;
        let to = AssessmentStatus::SignedOff;
        let moved = tx
            .execute(
                Sql::new("UPDATE assessments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                    .arg(<&str>::from(to))
                    .arg(meta.at)
                    .arg(id)
                    .arg(<&str>::from(from)),
            )
            .await?;
        if moved == 0 {
            return Err(if h.status == from {
                assessment_refusals::moved_meanwhile(from, h.status)
            } else {
                StoreError::Conflict(format!("the assessment is {}; it cannot become {to}", h.status))
            });
        }
        let name = siro.text("display_name")?;
        tx.execute(
            Sql::new(
                "INSERT INTO assessment_signoffs (assessment_id, user_id, signer_name, signed_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (assessment_id) DO UPDATE SET \
                 user_id = excluded.user_id, signer_name = excluded.signer_name, signed_at = excluded.signed_at",
            )
            .arg(id)
            .arg(signer)
            .arg(name.clone())
            .arg(meta.at),
        )
        .await?;
        let detail = serde_json::json!({ "from": from, "to": to, "signer": signer, "signer_name": name });
        let event = meta
            .change("assessment.sign_off", "assessment", id.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn signoff_of(&self, scope: &Scope, id: AssessmentId) -> StoreResult<Option<SignOff>> {
        let mut db = self.read().await?;
        head_in_scope(&mut db, scope, id).await?;
        let row = db
            .fetch_optional(
                Sql::new("SELECT user_id, signer_name, signed_at FROM assessment_signoffs WHERE assessment_id = $1")
                    .arg(id),
            )
            .await?;
        row.map(|r| {
            Ok(SignOff {
                assessment: id,
                user: r.id("user_id")?,
                name: r.text("signer_name")?,
                signed_at: r.ts("signed_at")?,
            })
        })
        .transpose()
    }
}
