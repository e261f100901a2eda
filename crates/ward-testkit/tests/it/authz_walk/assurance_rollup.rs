//! The walk's rule and request for the assurance roll-up.

use ward_core::role::Role;
use ward_store::Scope;
use ward_testkit::TestApp;

use super::fixtures::walk_framework;

pub(super) fn is_assurance_rollup(path: &str) -> bool {
    path == "/api/v1/assurance/rollup"
}

/// The national team rolls up anything; a regional lead, an auditor or an organisation's admin
/// (who may make auditors) only inside their footprint (another region's organisation is not
/// found); nobody else at all.
pub(super) fn allowed(role: Role, own: bool) -> bool {
    use Role::*;
    role == NationalAnalyst || (matches!(role, RegionalLead | Auditor | OrgAdmin) && own)
}

pub(super) async fn call(
    app: &TestApp,
    org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let version = walk_framework(app, n).await;
    let code = app.app.store().get_org(&Scope::All, org).await.unwrap().code;
    (
        format!("/api/v1/assurance/rollup?org={code}&framework=ncsc-caf&version={version}"),
        None,
    )
}
