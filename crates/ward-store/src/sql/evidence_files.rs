//! Evidence files kept with assessments, once for both backends. The content is stored as
//! base64 text (see the migration), encoded and decoded here only.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ward_core::assurance::AssessmentStatus;
use ward_core::assurance::attachment::{EvidenceFile, MAX_FILES_PER_ASSESSMENT};
use ward_core::{AssessmentId, EvidenceFileId};

use super::assessments::head_in_scope;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::assurance::refusals;
use crate::evidence_files::EvidenceFileStore;
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, assessment_id, outcome, file_name, kind, size, sha256, uploaded_by, uploaded_at";

fn file(r: &impl RowRead) -> StoreResult<EvidenceFile> {
    Ok(EvidenceFile {
        id: r.id("id")?,
        assessment: r.id("assessment_id")?,
        outcome: r.opt_text("outcome")?,
        file_name: r.text("file_name")?,
        kind: r.parsed("kind")?,
        size: u64::try_from(r.i64("size")?).map_err(|_| super::corrupt_column("size"))?,
        sha256: r.text("sha256")?,
        uploaded_by: r.opt_id("uploaded_by")?,
        uploaded_at: r.ts("uploaded_at")?,
    })
}

fn editable(status: AssessmentStatus) -> bool {
    matches!(status, AssessmentStatus::Draft | AssessmentStatus::Submitted)
}

#[async_trait]
impl<B: SqlBackend> EvidenceFileStore for B {
    async fn add_evidence_file(
        &self,
        scope: &Scope,
        f: &EvidenceFile,
        content: &[u8],
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, f.assessment).await?;
        if !editable(h.status) {
            return Err(refusals::not_editable(h.status, "evidence files"));
        }
        let held = tx
            .fetch_one(
                Sql::new("SELECT COUNT(*) AS n FROM assessment_files WHERE assessment_id = $1")
                    .arg(f.assessment),
            )
            .await?
            .i64("n")?;
        if usize::try_from(held).unwrap_or(usize::MAX) >= MAX_FILES_PER_ASSESSMENT {
            return Err(StoreError::Conflict(format!(
                "the assessment already keeps {MAX_FILES_PER_ASSESSMENT} files: remove one first"
            )));
        }
        let size = i64::try_from(f.size).map_err(|_| StoreError::Invalid("size: too large".into()))?;
        tx.execute(
            Sql::new(
                "INSERT INTO assessment_files (id, assessment_id, outcome, file_name, kind, size, sha256, content, \
                 uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .arg(f.id)
            .arg(f.assessment)
            .arg(f.outcome.clone())
            .arg(f.file_name.clone())
            .arg(<&str>::from(f.kind))
            .arg(size)
            .arg(f.sha256.clone())
            .arg(STANDARD.encode(content))
            .arg(f.uploaded_by)
            .arg(f.uploaded_at),
        )
        .await?;
        let detail = serde_json::json!({
            "file": f.id, "name": f.file_name, "kind": f.kind, "size": f.size, "sha256": f.sha256,
            "outcome": f.outcome,
        });
        let event = meta
            .change("assessment.file_add", "assessment", f.assessment.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn evidence_files(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
    ) -> StoreResult<Vec<EvidenceFile>> {
        let mut db = self.read().await?;
        head_in_scope(&mut db, scope, assessment).await?;
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM assessment_files WHERE assessment_id = $1 ORDER BY uploaded_at, id"
        ))
        .arg(assessment);
        db.fetch_all(q).await?.iter().map(file).collect()
    }

    async fn evidence_file(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        id: EvidenceFileId,
    ) -> StoreResult<(EvidenceFile, Vec<u8>)> {
        let mut db = self.read().await?;
        head_in_scope(&mut db, scope, assessment).await?;
        let q = Sql::new(format!(
            "SELECT {COLUMNS}, content FROM assessment_files WHERE assessment_id = $1 AND id = $2"
        ))
        .arg(assessment)
        .arg(id);
        let Some(r) = db.fetch_optional(q).await? else {
            return Err(StoreError::not_found("evidence file", id.to_string()));
        };
        let content = STANDARD
            .decode(r.text("content")?)
            .map_err(|_| super::corrupt_column("content"))?;
        Ok((file(&r)?, content))
    }

    async fn remove_evidence_file(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        id: EvidenceFileId,
        meta: &AuditMeta,
    ) -> StoreResult<EvidenceFile> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, assessment).await?;
        if !editable(h.status) {
            return Err(refusals::not_editable(h.status, "evidence files"));
        }
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM assessment_files WHERE assessment_id = $1 AND id = $2"
        ))
        .arg(assessment)
        .arg(id);
        let Some(r) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("evidence file", id.to_string()));
        };
        let f = file(&r)?;
        tx.execute(
            Sql::new("DELETE FROM assessment_files WHERE assessment_id = $1 AND id = $2")
                .arg(assessment)
                .arg(id),
        )
        .await?;
        let detail = serde_json::json!({ "file": f.id, "name": f.file_name, "sha256": f.sha256 });
        let event = meta
            .change("assessment.file_remove", "assessment", assessment.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(f)
    }
}
