//! What a supplier states is *not* affected (CSAF `known_not_affected` with a flag, CycloneDX
//! `analysis.state` `not_affected` with a justification): kept with the advisory and, once it is
//! released, recorded as the supplier's own VEX statements through the one path every VEX
//! statement entered in Ward takes ([`App::record_vex`]). A supplier's statement applies to its
//! product wherever it is installed, so the matching exposures of every customer close, and the
//! exposure pages show them as the supplier's statement.

use ward_core::OrgId;
use ward_core::vuln::{VexStatement, VexStatus};
use ward_store::{AuditMeta, Scope};

use super::affected::not_affected_cpe;
use crate::App;
use crate::error::{AppError, AppResult, FieldProblem};
use crate::exposure::statements::VexInput;
use ward_core::supplier::advisory::SupplierAdvisory;

/// The statement as Ward records it for `supplier`, or why it cannot be.
pub(super) fn input(supplier: OrgId, s: &VexStatement) -> Result<VexInput, String> {
    if s.justification.is_none() {
        return Err(format!(
            "stated not affected by {} without a justification: give a CSAF flag (such as \
             vulnerable_code_not_in_execute_path) or a CycloneDX analysis.justification",
            s.vulnerability
        ));
    }
    let input = VexInput {
        org: supplier,
        vulnerability: s.vulnerability.clone(),
        purl: None,
        cpe: Some(not_affected_cpe(&s.product)?),
        status: VexStatus::NotAffected,
        justification: s.justification.clone(),
        detail: s.detail.as_deref().map(|d| d.chars().take(2000).collect()),
    };
    super::stated::checked(input)
}

/// The statements of `statements` that say a product is not affected, once each; a statement
/// that cannot be recorded is a problem at `root` naming its product.
pub(super) fn from_statements(
    root: &str,
    statements: &[VexStatement],
    problems: &mut Vec<FieldProblem>,
) -> Vec<VexStatement> {
    super::stated::of_status(root, statements, VexStatus::NotAffected, input, problems)
}

impl App {
    /// Record what a released advisory states not affected and fixed as the supplier's VEX
    /// statements, together (a newer statement on the same vulnerability and product replaces the
    /// older).
    pub(super) async fn record_supplier_vex(
        &self,
        record: &SupplierAdvisory,
        meta: &AuditMeta,
    ) -> AppResult<()> {
        if record.not_affected.is_empty() && record.fixed.is_empty() {
            return Ok(());
        }
        let mut inputs = record
            .not_affected
            .iter()
            .map(|s| input(record.supplier, s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|reason| AppError::invalid("not_affected", reason))?;
        for s in &record.fixed {
            inputs.push(
                super::fixed::input(record.supplier, s)
                    .map_err(|reason| AppError::invalid("fixed", reason))?,
            );
        }
        self.record_vex(&Scope::All, record.supplier, &inputs, meta)
            .await
            .map(|_| ())
    }
}
