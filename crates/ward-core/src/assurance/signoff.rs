//! Who signs an assessment off: the Senior Information Risk Owner (SIRO) an organisation names.
//!
//! An organisation names one SIRO at a time, an account holding a grant there whose role may sign
//! assessments off. Only that person moves a submitted assessment to signed off; the sign-off keeps
//! their name as it was when they signed, so renaming or replacing the SIRO later leaves the record
//! of who signed each assessment as it was.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AssessmentId, OrgId, UserId};

/// The SIRO an organisation has named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Siro {
    pub org: OrgId,
    pub user: UserId,
    /// Their display name now.
    pub name: String,
    /// Who named them (the audit principal, such as `user:…`).
    pub named_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub named_at: Timestamp,
}

/// Who signed an assessment off, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignOff {
    pub assessment: AssessmentId,
    pub user: UserId,
    /// Their display name when they signed.
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub signed_at: Timestamp,
}
