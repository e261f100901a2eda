//! Refusals both backends make, each worded once so they read the same on SQLite and PostgreSQL
//! (the contract suite compares every refusal across the two).

use ward_core::OrgId;

use crate::StoreError;

/// A session that does not exist; its hash is a secret, so it is never named.
pub fn session_not_found() -> StoreError {
    StoreError::not_found("session", "(hidden)")
}

/// A key of vulnerability data (an advisory id, a CVE, a source, a product name) at `path` that is
/// empty, longer than 200 characters or holds control characters (`problem` says which).
pub fn bad_vuln_key(path: &str, problem: &str) -> StoreError {
    StoreError::Invalid(format!("{path}: {problem}"))
}

/// An EPSS value (`field` of record `i`) outside 0..=1.
pub fn epss_out_of_range(i: usize, field: &str, value: f64) -> StoreError {
    StoreError::Invalid(format!("epss[{i}].{field}: {value} is not within 0..=1"))
}

/// A release cycle listed under an end-of-life product it does not name.
pub fn eol_release_of_other_product(i: usize, j: usize, release: &str, product: &str) -> StoreError {
    StoreError::Invalid(format!(
        "eol[{i}].releases[{j}].product: '{release}' is not the product '{product}'"
    ))
}

/// A feed URL that is empty or too long.
pub fn bad_feed_url() -> StoreError {
    StoreError::Invalid("feed.url: must be 1..=2000 characters".into())
}

/// Feed VEX statements (no organisation) written without the whole sector's scope.
pub fn vex_feed_forbidden() -> StoreError {
    StoreError::forbidden("vex", "feed statements")
}

/// VEX statements for an organisation that does not exist (under the whole sector's scope).
pub fn vex_org_unknown(org: OrgId) -> StoreError {
    StoreError::Invalid(format!("organisation {org} does not exist"))
}

/// An update that would move an asset to another organisation.
pub fn asset_cannot_move() -> StoreError {
    StoreError::Invalid("org: an asset cannot move to another organisation".into())
}

/// A new parent that lies beneath `org`, which would put `org` beneath itself.
pub fn org_cycle(org: OrgId) -> StoreError {
    StoreError::Invalid(format!(
        "parent: organisation {org} would sit beneath itself, which would make a cycle"
    ))
}
