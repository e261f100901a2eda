//! Reading and verifying the audit trail.

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;
use ward_core::audit::{AuditKeys, AuditRecord, ChainBreak, ChainVerifier, SignedHead};
use ward_store::{Page, PageRequest, Store};

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    /// The first broken record, if any.
    pub first_break: Option<String>,
    pub first_break_seq: Option<i64>,
    /// Signed checkpoints (kept outside the database) the chain was checked against.
    pub checkpoints: usize,
    /// The verified chain's signed head, when intact and not empty: what a new checkpoint records.
    #[serde(skip)]
    pub head: Option<SignedHead>,
}

/// Walk the whole chain in pages, then check it ends exactly at the signed head stored with it and
/// passes through every checkpoint. Works without an actor so the CLI can run it offline.
/// A checkpoint not signed with this key is reported as a break (the file was tampered with or
/// belongs to another deployment).
pub async fn verify_chain(
    store: &dyn Store,
    keys: &AuditKeys,
    checkpoints: &[SignedHead],
    mut progress: impl FnMut(u64),
) -> AppResult<VerifyReport> {
    let mut v = match ChainVerifier::new(keys.clone()).with_checkpoints(checkpoints) {
        Ok(v) => v,
        Err(i) => {
            return Ok(VerifyReport {
                checked: 0,
                first_break: Some(format!(
                    "checkpoint {} (record {}) is not signed with this instance key",
                    i + 1,
                    checkpoints.get(i).map_or(0, |c| c.seq)
                )),
                first_break_seq: checkpoints.get(i).map(|c| c.seq),
                checkpoints: checkpoints.len(),
                head: None,
            });
        }
    };
    loop {
        let page = store.audit_page(v.next_seq(), 5000).await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            if let Err(b) = v.check(r) {
                return Ok(broken(&v, &b, checkpoints.len()));
            }
        }
        progress(v.checked());
    }
    let head = store.audit_head().await?;
    if let Err(b) = v.finish(head.as_ref()) {
        return Ok(broken(&v, &b, checkpoints.len()));
    }
    Ok(VerifyReport {
        checked: v.checked(),
        first_break: None,
        first_break_seq: None,
        checkpoints: checkpoints.len(),
        head: v.head(),
    })
}

fn broken(v: &ChainVerifier, b: &ChainBreak, checkpoints: usize) -> VerifyReport {
    VerifyReport {
        checked: v.checked(),
        first_break: Some(b.to_string()),
        first_break_seq: Some(b.seq()),
        checkpoints,
        head: None,
    }
}

impl App {
    /// Audit records about organisations in the actor's footprint, newest first.
    pub async fn audit_log(&self, actor: &Actor, page: PageRequest) -> AppResult<Page<AuditRecord>> {
        let scope = authorise(actor, Action::ReadAudit, self.now())?;
        Ok(self.store().audit_for_scope(&scope, page).await?)
    }

    pub async fn verify_audit(&self, actor: &Actor) -> AppResult<VerifyReport> {
        authorise(actor, Action::VerifyAudit, self.now())?;
        verify_chain(self.store(), self.audit_keys(), &[], |_| {}).await
    }
}
