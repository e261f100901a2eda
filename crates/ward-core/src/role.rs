//! Roles, scoped to a place in the organisation hierarchy.

use crate::{GrantId, OrgId, UserId, ValidationError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
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
    pub const ALL: [Role; 7] = [
        Self::NationalAnalyst,
        Self::RegionalLead,
        Self::OrgAdmin,
        Self::OrgMember,
        Self::Auditor,
        Self::SupplierContact,
        Self::IncidentResponder,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NationalAnalyst => "national_analyst",
            Self::RegionalLead => "regional_lead",
            Self::OrgAdmin => "org_admin",
            Self::OrgMember => "org_member",
            Self::Auditor => "auditor",
            Self::SupplierContact => "supplier_contact",
            Self::IncidentResponder => "incident_responder",
        }
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
}

impl FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == k)
            .ok_or_else(|| ValidationError::new("role", format!("unknown role '{s}'")))
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
