//! Roles, scoped to a place in the organisation hierarchy.

use crate::org::OrgKind;
use crate::{GrantId, OrgId, UserId, ValidationError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use strum::IntoEnumIterator;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// The national team: the whole sector.
    NationalAnalyst,
    /// A region's or ICB's cyber lead: that subtree.
    RegionalLead,
    /// An organisation's administrator (the SIRO's delegate): their organisation and its sites.
    OrgAdmin,
    /// Staff of an organisation: read and everyday edits in their organisation.
    OrgMember,
    /// Read-only evidence for an assessment, within the granted subtree.
    Auditor,
    /// A supplier's security contact: their own products only.
    SupplierContact,
    /// A deployed responder: one organisation, until the grant expires.
    IncidentResponder,
}

impl Role {
    /// The stored name (`national_analyst`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::NationalAnalyst => "National analyst",
            Self::RegionalLead => "Regional lead",
            Self::OrgAdmin => "Organisation admin",
            Self::OrgMember => "Organisation member",
            Self::Auditor => "Auditor",
            Self::SupplierContact => "Supplier contact",
            Self::IncidentResponder => "Incident responder",
        }
    }
    /// Roles that may only be used after a second factor.
    pub fn requires_mfa(self) -> bool {
        matches!(
            self,
            Self::NationalAnalyst | Self::RegionalLead | Self::OrgAdmin | Self::IncidentResponder
        )
    }
    /// Roles whose grants must carry an expiry.
    pub fn requires_expiry(self) -> bool {
        matches!(self, Self::IncidentResponder)
    }

    /// The kinds of organisation this role may be held on. A role's reach is the subtree under the
    /// organisation it is granted on, so the kind decides how far it reaches: an organisation admin
    /// on a region node would administer every trust of the region, so it does not fit there.
    pub fn fits(self, kind: OrgKind) -> bool {
        use OrgKind::*;
        match self {
            Self::NationalAnalyst => kind == NationalBody,
            Self::RegionalLead => matches!(kind, Region | Icb),
            Self::OrgAdmin | Self::OrgMember | Self::IncidentResponder => {
                matches!(kind, NhsTrust | GpPractice | CareProvider | CareSite)
            }
            Self::Auditor => kind != Supplier,
            Self::SupplierContact => kind == Supplier,
        }
    }

    /// The grant rule every write path (granting, issuing tokens, restoring a backup) checks: the
    /// role fits the kind of organisation, and roles that must expire carry an expiry.
    pub fn check_grant(self, kind: OrgKind, expires_at: Option<Timestamp>) -> Result<(), ValidationError> {
        if !self.fits(kind) {
            let kinds: Vec<&str> = OrgKind::iter()
                .filter(|k| self.fits(*k))
                .map(OrgKind::label)
                .collect();
            return Err(ValidationError::new(
                "org",
                format!(
                    "the {} role cannot be held on a {}; it fits: {}",
                    self.label().to_lowercase(),
                    kind.label().to_lowercase(),
                    kinds.join(", ").to_lowercase()
                ),
            ));
        }
        if self.requires_expiry() && expires_at.is_none() {
            return Err(ValidationError::new(
                "expires_at",
                format!("{} access must expire", self.label().to_lowercase()),
            ));
        }
        Ok(())
    }
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s).ok_or_else(|| ValidationError::new("role", format!("unknown role '{s}'")))
    }
}

/// A user holds `role` over `org` (and, for subtree roles, everything under it) until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoleGrant {
    pub id: GrantId,
    pub user: UserId,
    pub role: Role,
    pub org: OrgId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<Timestamp>,
    pub granted_by: Option<UserId>,
}

impl RoleGrant {
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|e| now < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn every_role_fits_some_kind_and_admins_never_fit_region_nodes() {
        for r in Role::iter() {
            assert!(OrgKind::iter().any(|k| r.fits(k)), "{r:?}");
        }
        for r in [Role::OrgAdmin, Role::OrgMember, Role::IncidentResponder] {
            for k in [
                OrgKind::NationalBody,
                OrgKind::Region,
                OrgKind::Icb,
                OrgKind::Supplier,
            ] {
                assert!(!r.fits(k), "{r:?} on {k:?}");
                assert!(r.check_grant(k, None).is_err());
            }
        }
        assert!(Role::OrgAdmin.check_grant(OrgKind::NhsTrust, None).is_ok());
        let e = Role::IncidentResponder
            .check_grant(OrgKind::NhsTrust, None)
            .unwrap_err();
        assert_eq!(e.field, "expires_at");
    }

    #[test]
    fn role_text_is_one_spelling() {
        crate::text::check_serde_agrees::<Role>().unwrap();
        assert_eq!(Role::VARIANTS.len(), Role::iter().count());
        for r in Role::iter() {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert_eq!(" Org-Admin ".parse::<Role>().unwrap(), Role::OrgAdmin);
        assert_eq!(Role::IncidentResponder.as_str(), "incident_responder");
        assert_eq!(
            "admin".parse::<Role>().unwrap_err().message,
            "unknown role 'admin'"
        );
    }
}
