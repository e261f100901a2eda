//! Reading and verifying the audit trail.

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;
use ward_core::audit::{AuditRecord, ChainBreak, ChainVerifier};
use ward_store::{Page, PageRequest, Store};

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub checked: u64,
    /// The first broken record, if any.
    pub first_break: Option<String>,
    pub first_break_seq: Option<i64>,
}

/// Walk the whole chain in pages. Works without an actor so the CLI can run it offline.
pub async fn verify_chain(store: &dyn Store, mut progress: impl FnMut(u64)) -> AppResult<VerifyReport> {
    let mut v = ChainVerifier::default();
    loop {
        let page = store.audit_page(v.next_seq(), 5000).await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            if let Err(b) = v.check(r) {
                return Ok(broken(&v, &b));
            }
        }
        progress(v.checked());
    }
    Ok(VerifyReport {
        checked: v.checked(),
        first_break: None,
        first_break_seq: None,
    })
}

fn broken(v: &ChainVerifier, b: &ChainBreak) -> VerifyReport {
    VerifyReport {
        checked: v.checked(),
        first_break: Some(b.to_string()),
        first_break_seq: Some(b.seq()),
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
        verify_chain(self.store(), |_| {}).await
    }
}
