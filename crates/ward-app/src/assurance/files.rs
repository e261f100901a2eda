//! Files of evidence kept with an assessment: added by those who answer it while it may still
//! change, read by everyone who reads it.
//!
//! The caller's right to add files, the assessment's scope and that it still takes files are all
//! checked before the content is looked at; the content is then checked off the async workers
//! (`ward_core::assurance::attachment::identify`: its name and its first bytes must agree on a
//! kind Ward keeps) and hashed there.

use ward_core::assurance::AssessmentStatus;
use ward_core::assurance::attachment::{EvidenceFile, MAX_EVIDENCE_BYTES, clean_file_name, identify};
use ward_core::{AssessmentId, EvidenceFileId};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// A file to keep with an assessment.
#[derive(Debug, Clone)]
pub struct NewEvidenceFile {
    pub assessment: AssessmentId,
    /// The outcome it supports (`A1.a`), or none for the assessment as a whole.
    pub outcome: Option<String>,
    pub file_name: String,
    pub content: Vec<u8>,
}

impl App {
    /// Keep a file of evidence with an assessment (its answerers, while it is a draft or
    /// submitted).
    pub async fn add_evidence_file(&self, actor: &Actor, new: NewEvidenceFile) -> AppResult<EvidenceFile> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        let file_name = clean_file_name(&new.file_name)?;
        let a = self.store().get_assessment(&scope, new.assessment).await?;
        if !matches!(
            a.head.status,
            AssessmentStatus::Draft | AssessmentStatus::Submitted
        ) {
            return Err(AppError::Conflict(format!(
                "the assessment is {}: its evidence files can no longer change",
                a.head.status
            )));
        }
        let outcome = match new.outcome.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => {
                let f = self.framework_of(&a.head.framework, &a.head.version).await?;
                if f.outcome(code).is_none() {
                    return Err(AppError::invalid(
                        "outcome",
                        format!("{} {} has no outcome {code}", f.id, f.version),
                    ));
                }
                Some(code.to_owned())
            }
        };
        if new.content.len() > MAX_EVIDENCE_BYTES {
            return Err(AppError::TooLarge {
                path: file_name,
                message: format!("evidence files may be at most {MAX_EVIDENCE_BYTES} bytes"),
            });
        }
        let permit = self.heavy_permit()?;
        let content = new.content;
        let name = file_name.clone();
        let (kind, sha256, content) = self
            .parse_off_workers(&permit, &file_name, move |_| {
                let kind = identify(&name, &content)?;
                Ok((kind, ward_core::audit::sha256_hex(&content), content))
            })
            .await?;
        let now = self.now();
        let file = EvidenceFile {
            id: EvidenceFileId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            assessment: new.assessment,
            outcome,
            file_name,
            kind,
            size: u64::try_from(content.len()).unwrap_or(u64::MAX),
            sha256,
            uploaded_by: actor.user_id(),
            uploaded_at: now,
        };
        self.store()
            .add_evidence_file(&scope, &file, &content, &actor.audit(now))
            .await?;
        Ok(file)
    }

    /// The files kept with an assessment.
    pub async fn evidence_files(
        &self,
        actor: &Actor,
        assessment: AssessmentId,
    ) -> AppResult<Vec<EvidenceFile>> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        Ok(self.store().evidence_files(&scope, assessment).await?)
    }

    /// One file with its content, for download.
    pub async fn evidence_file(
        &self,
        actor: &Actor,
        assessment: AssessmentId,
        id: EvidenceFileId,
    ) -> AppResult<(EvidenceFile, Vec<u8>)> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        Ok(self.store().evidence_file(&scope, assessment, id).await?)
    }

    /// Remove a file (its answerers, while the assessment is a draft or submitted).
    pub async fn remove_evidence_file(
        &self,
        actor: &Actor,
        assessment: AssessmentId,
        id: EvidenceFileId,
    ) -> AppResult<EvidenceFile> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        Ok(self
            .store()
            .remove_evidence_file(&scope, assessment, id, &actor.audit(self.now()))
            .await?)
    }
}
