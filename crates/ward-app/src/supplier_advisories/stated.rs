//! What a supplier's document states about its products (not affected, fixed), read the one way
//! for each kind of statement: each kind says how one of its statements becomes the VEX input
//! Ward records ([`not_affected::input`](super::not_affected), [`fixed::input`](super::fixed)),
//! and these check that input and gather a document's statements of the kind.

use ward_core::OrgId;
use ward_core::vuln::{VexStatement, VexStatus};

use crate::error::FieldProblem;
use crate::exposure::statements::{VexInput, check};

/// How a kind of statement becomes the input Ward records for a supplier, or why it cannot.
pub(super) type ToInput = fn(OrgId, &VexStatement) -> Result<VexInput, String>;

/// `input` if Ward would record it, else its problems in one line.
pub(super) fn checked(input: VexInput) -> Result<VexInput, String> {
    check(&input).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(input)
}

/// The statements of `statements` with `status`, once each; a statement that `to_input` cannot
/// record is a problem at `root` naming its product.
pub(super) fn of_status(
    root: &str,
    statements: &[VexStatement],
    status: VexStatus,
    to_input: ToInput,
    problems: &mut Vec<FieldProblem>,
) -> Vec<VexStatement> {
    let mut out: Vec<VexStatement> = Vec::new();
    for s in statements.iter().filter(|s| s.status == status) {
        if let Err(reason) = to_input(OrgId::from_uuid(uuid::Uuid::nil()), s) {
            let named = s
                .product
                .name
                .as_deref()
                .or(s.product.id.as_deref())
                .unwrap_or("a product");
            problems.push(FieldProblem {
                path: root.to_owned(),
                message: format!("{named}: {reason}"),
            });
            continue;
        }
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}
