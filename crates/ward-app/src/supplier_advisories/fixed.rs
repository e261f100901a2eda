//! What a supplier states is *fixed* (CSAF `fixed` or `first_fixed`, CycloneDX `analysis.state`
//! `resolved`, the form's fixed version): kept with the advisory and, once it is released,
//! recorded as the supplier's own VEX statements with the status `fixed` (the VEX/CSAF status
//! Ward reads from every feed), through the one path every VEX statement entered in Ward takes
//! ([`App::record_vex`](crate::App)). A supplier's statement applies to its product wherever it
//! is installed, so customers on a fixed version are not exposed to the advisory (nor to another
//! feed's advisory naming the same vulnerability), while those on affected versions still are.

use ward_core::OrgId;
use ward_core::vuln::{ProductRef, VexStatement, VexStatus};

use super::affected::fixed_cpe;
use crate::error::FieldProblem;
use crate::exposure::statements::VexInput;

/// The statement as Ward records it for `supplier`, or why it cannot be.
pub(super) fn input(supplier: OrgId, s: &VexStatement) -> Result<VexInput, String> {
    let input = VexInput {
        org: supplier,
        vulnerability: s.vulnerability.clone(),
        purl: None,
        cpe: Some(fixed_cpe(&s.product)?),
        status: VexStatus::Fixed,
        justification: None,
        detail: s.detail.as_deref().map(|d| d.chars().take(2000).collect()),
    };
    super::stated::checked(input)
}

/// The statements of `statements` that say a product is fixed, once each; a statement that
/// cannot be recorded is a problem at `root` naming its product.
pub(super) fn from_statements(
    root: &str,
    statements: &[VexStatement],
    problems: &mut Vec<FieldProblem>,
) -> Vec<VexStatement> {
    super::stated::of_status(root, statements, VexStatus::Fixed, input, problems)
}

/// The form's fixed version as statements: the product's CPE at that version, fixed for each
/// CVE named, or (none named) for the advisory itself (`vulnerability` left empty until the
/// advisory has its id: [`name_advisory`]).
pub(super) fn from_form(
    product_name: &str,
    cpe: &str,
    cves: &[String],
    fixed_version: &str,
) -> Vec<VexStatement> {
    let statement = |vulnerability: &str| VexStatement {
        vulnerability: vulnerability.to_owned(),
        aliases: Vec::new(),
        product: ProductRef {
            name: Some(product_name.to_owned()),
            cpe: Some(cpe.to_owned()),
            version: Some(fixed_version.to_owned()),
            ..ProductRef::default()
        },
        status: VexStatus::Fixed,
        source_status: "fixed".to_owned(),
        justification: None,
        detail: None,
        actions: Vec::new(),
        source: "supplier advisory form".to_owned(),
    };
    if cves.is_empty() {
        vec![statement("")]
    } else {
        cves.iter().map(|c| statement(c)).collect()
    }
}

/// Statements about the advisory itself (no CVE named) take its id once it has one.
pub(super) fn name_advisory(statements: &mut [VexStatement], id: &str) {
    for s in statements.iter_mut().filter(|s| s.vulnerability.is_empty()) {
        s.vulnerability = id.to_owned();
    }
}
