//! Evidence files: kept with an assessment inside the caller's scope, read back byte for byte,
//! refused once the assessment is signed off, audited.

use super::fixtures::{AuditCursor, Fixture, at, new_id, next_number};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::EvidenceFileId;
use ward_core::assurance::AssessmentStatus;
use ward_core::assurance::attachment::{EvidenceFile, EvidenceKind};
use ward_store::{Scope, Store, StoreError};

fn file(assessment: ward_core::AssessmentId, name: &str, content: &[u8], secs: i64) -> EvidenceFile {
    EvidenceFile {
        id: new_id(EvidenceFileId::new_at),
        assessment,
        outcome: Some("A1.a".into()),
        file_name: name.into(),
        kind: EvidenceKind::Pdf,
        size: content.len() as u64,
        sha256: ward_core::audit::sha256_hex(content),
        uploaded_by: None,
        uploaded_at: at(secs),
    }
}

/// The evidence file round trip on one backend.
pub async fn evidence_files_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "EF");
    let [_, _, _icb, a, b] = fx.small_tree().await?;
    let fw = format!("contract-{}", next_number());
    store
        .put_framework(&framework(&fw, "1.0", 2), &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let scope_b = Scope::subtree(b.id);
    let h = head(a.id, &fw, 2026, 2);
    store.create_assessment(&scope_a, &h, &fx.meta(2)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Every byte value, so an encoding that lost any would show.
    let content: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain(0..=255u8).collect();
    let minutes = file(h.id, "Board minutes – March.pdf", &content, 3);
    check_err!(
        store
            .add_evidence_file(&scope_b, &minutes, &content, &fx.meta(3))
            .await,
        StoreError::NotFound { .. },
        "adding from the sibling"
    );
    store
        .add_evidence_file(&scope_a, &minutes, &content, &fx.meta(3))
        .await?;
    let second = file(h.id, "policy.pdf", b"%PDF-1.4 policy", 4);
    store
        .add_evidence_file(&scope_a, &second, b"%PDF-1.4 policy", &fx.meta(4))
        .await?;
    check_eq!(
        store.evidence_files(&scope_a, h.id).await?,
        vec![minutes.clone(), second.clone()],
        "both listed, oldest first"
    );
    let (got, bytes) = store.evidence_file(&scope_a, h.id, minutes.id).await?;
    check_eq!(got, minutes.clone(), "the file's record");
    check_eq!(bytes, content.clone(), "its content, byte for byte");
    check_err!(
        store.evidence_file(&scope_b, h.id, minutes.id).await,
        StoreError::NotFound { .. },
        "read from the sibling"
    );
    check_err!(
        store.evidence_files(&scope_b, h.id).await,
        StoreError::NotFound { .. },
        "list from the sibling"
    );
    let removed = store
        .remove_evidence_file(&scope_a, h.id, second.id, &fx.meta(5))
        .await?;
    check_eq!(removed, second.clone(), "the removed file");
    check_err!(
        store.evidence_file(&scope_a, h.id, second.id).await,
        StoreError::NotFound { .. },
        "gone"
    );

    // Once signed off, the files are part of the record.
    use AssessmentStatus::*;
    store
        .move_assessment(&scope_a, h.id, Draft, Submitted, &fx.meta(6))
        .await?;
    let siro = super::accounts::user("files-siro")?;
    store.create_user(&siro, &fx.meta(6)).await?;
    store.name_siro(&scope_a, a.id, siro.id, &fx.meta(6)).await?;
    store
        .sign_off_assessment(&scope_a, h.id, siro.id, &fx.meta(7))
        .await?;
    let late = file(h.id, "late.pdf", b"%PDF-late", 8);
    check_err!(
        store
            .add_evidence_file(&scope_a, &late, b"%PDF-late", &fx.meta(8))
            .await,
        StoreError::Conflict(_),
        "a file once signed off"
    );
    check_err!(
        store
            .remove_evidence_file(&scope_a, h.id, minutes.id, &fx.meta(8))
            .await,
        StoreError::Conflict(_),
        "removal once signed off"
    );
    cursor
        .expect(
            &store,
            "files",
            &[
                ("assessment.file_add", Some(a.id)),
                ("assessment.file_add", Some(a.id)),
                ("assessment.file_remove", Some(a.id)),
                ("assessment.submit", Some(a.id)),
                ("user.create", None),
                ("siro.name", Some(a.id)),
                ("assessment.sign_off", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
