//! Refusals both backends make, each worded once so they read the same on SQLite and PostgreSQL
//! (the contract suite compares every refusal across the two).

use ward_core::OrgId;

use crate::StoreError;

/// A session that does not exist; its hash is a secret, so it is never named.
pub fn session_not_found() -> StoreError {
    StoreError::not_found("session", "(hidden)")
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
