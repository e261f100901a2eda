//! Files of evidence kept with an assessment.
//!
//! Files are added and removed only while the assessment's answers or notes may still change (a
//! draft, or submitted); once signed off they are part of the record. Every read and write takes
//! the caller's scope and treats an assessment outside it as not found.

use async_trait::async_trait;
use ward_core::assurance::attachment::EvidenceFile;
use ward_core::{AssessmentId, EvidenceFileId};

use crate::{AuditMeta, Scope, StoreResult};

#[async_trait]
pub trait EvidenceFileStore: Send + Sync {
    /// Keep `content` as `file` (audited as `assessment.file_add`). Refused as a conflict once
    /// the assessment is signed off, or when it already keeps the most files allowed
    /// (`MAX_FILES_PER_ASSESSMENT`). The caller has checked the content against `file.kind`,
    /// and `file.size` and `file.sha256` describe `content`.
    async fn add_evidence_file(
        &self,
        scope: &Scope,
        file: &EvidenceFile,
        content: &[u8],
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The files kept with an assessment, oldest first.
    async fn evidence_files(&self, scope: &Scope, assessment: AssessmentId)
    -> StoreResult<Vec<EvidenceFile>>;
    /// One file with its content.
    async fn evidence_file(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        id: EvidenceFileId,
    ) -> StoreResult<(EvidenceFile, Vec<u8>)>;
    /// Remove a file (audited as `assessment.file_remove`), refused once signed off.
    async fn remove_evidence_file(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        id: EvidenceFileId,
        audit: &AuditMeta,
    ) -> StoreResult<EvidenceFile>;
}
