//! Reading and verifying the audit trail.

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult, FieldProblem};
use ward_core::audit::{AuditKeys, AuditRecord, ChainBreak, ChainVerifier, SignedHead};
use ward_store::{AuditFilter, Page, PageRequest, Store};

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

/// A filter of the audit trail from what a person typed (a page's form or the API's query):
/// an action or entity (`user.create`, `user`), a principal (`user:<id>`), and days from and to
/// (`2026-12-07`, both included, in UTC). Empty texts mean no filter; every problem names its field.
pub fn audit_filter(
    action: Option<&str>,
    actor: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<AuditFilter> {
    let text = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let mut problems = Vec::new();
    let mut day = |field: &str, v: Option<&str>| -> Option<jiff::civil::Date> {
        let v = text(v)?;
        match v.parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(FieldProblem {
                    path: field.to_owned(),
                    message: format!("'{v}' is not a date: write it as 2026-12-07"),
                });
                None
            }
        }
    };
    let from = day("from", from);
    let to = day("to", to);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        problems.push(FieldProblem {
            path: "to".into(),
            message: "the last day is before the first day".into(),
        });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let start = |d: jiff::civil::Date| d.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp());
    let before = to
        .and_then(|t| t.tomorrow().ok())
        .map(start)
        .transpose()
        .map_err(|_| AppError::invalid("to", "the date is out of range"))?;
    let from = from
        .map(start)
        .transpose()
        .map_err(|_| AppError::invalid("from", "the date is out of range"))?;
    Ok(AuditFilter {
        action: text(action),
        actor: text(actor),
        from,
        before,
    })
}

impl App {
    /// Audit records about organisations in the actor's footprint that `filter` admits, newest
    /// first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> AppResult<Page<AuditRecord>> {
        let scope = authorise(actor, Action::ReadAudit, self.now())?;
        Ok(self.store().audit_for_scope(&scope, filter, page).await?)
    }

    /// The actions recorded about organisations in the actor's footprint (what a filter by
    /// action can choose from).
    pub async fn audit_actions(&self, actor: &Actor) -> AppResult<Vec<String>> {
        let scope = authorise(actor, Action::ReadAudit, self.now())?;
        Ok(self.store().audit_actions(&scope).await?)
    }

    pub async fn verify_audit(&self, actor: &Actor) -> AppResult<VerifyReport> {
        authorise(actor, Action::VerifyAudit, self.now())?;
        verify_chain(self.store(), self.audit_keys(), &[], |_| {}).await
    }
}

#[cfg(test)]
mod tests {
    use super::audit_filter;
    use crate::AppError;

    #[test]
    fn a_typed_filter_becomes_a_store_filter_or_names_its_fields() {
        let f = audit_filter(Some(" user "), Some(""), Some("2026-12-07"), Some("2026-12-07")).unwrap();
        assert_eq!(f.action.as_deref(), Some("user"));
        assert_eq!(f.actor, None);
        assert_eq!(f.from.unwrap().to_string(), "2026-12-07T00:00:00Z");
        assert_eq!(
            f.before.unwrap().to_string(),
            "2026-12-08T00:00:00Z",
            "the last day included"
        );
        let Err(AppError::Invalid(p)) = audit_filter(None, None, Some("7 Dec"), Some("2026-13-01")) else {
            panic!("bad dates accepted")
        };
        let fields: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(fields, vec!["from", "to"]);
        let Err(AppError::Invalid(p)) = audit_filter(None, None, Some("2026-12-08"), Some("2026-12-07"))
        else {
            panic!("a backwards range accepted")
        };
        assert_eq!(p[0].path, "to");
    }
}
