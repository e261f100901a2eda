//! A supplier's advisory about its own products (issue 9, item 6).
//!
//! A supplier contact publishes it as a CSAF 2.0 document, a CycloneDX VEX file or a web form.
//! Ward keeps it as an [`Advisory`] (so the exposure index matches it like any other) and issues an
//! alert from it to the organisations exposed. Under embargo, until the `embargo_until` date, the
//! advisory is held back: only the national team sees it, and nothing reaches the exposure index
//! or any organisation until it is released (by the national team early, or by Ward at the date).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::alert::Severity;
use crate::vuln::Advisory;
use crate::{AlertId, OrgId};

/// How the supplier sent the advisory in.
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
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AdvisoryFormat {
    /// A CSAF 2.0 document.
    Csaf,
    /// A CycloneDX VEX file.
    CycloneDx,
    /// Ward's web form.
    Form,
}

impl AdvisoryFormat {
    /// The stored name (`cyclone_dx`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Csaf => "CSAF 2.0 document",
            Self::CycloneDx => "CycloneDX VEX",
            Self::Form => "Web form",
        }
    }
}

/// Where an advisory stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdvisoryState {
    /// Held back until its embargo date: the national team alone sees it.
    Embargoed,
    /// Known to Ward and alerted to the organisations exposed.
    Released,
}

impl AdvisoryState {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Embargoed => "Under embargo",
            Self::Released => "Released",
        }
    }
}

/// One supplier advisory as Ward keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupplierAdvisory {
    /// The advisory's id in Ward (the CSAF tracking id, or one Ward gave it).
    pub id: String,
    /// The supplier speaking (an organisation of kind `supplier`).
    pub supplier: OrgId,
    pub title: String,
    pub severity: Severity,
    pub format: AdvisoryFormat,
    /// The advisory as the exposure index will match it: its CVE ids as aliases, one affected
    /// entry per affected product and version range.
    #[schema(value_type = Object)]
    pub advisory: Advisory,
    /// What organisations must do.
    pub actions: Vec<String>,
    /// Held back until this day (UTC) when set.
    #[schema(value_type = Option<String>, format = Date)]
    pub embargo_until: Option<Date>,
    /// Who published it (`user:…`).
    pub published_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub published_at: Timestamp,
    /// When it was released to the sector (at once when there is no embargo).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub released_at: Option<Timestamp>,
    /// Who released it (`user:…`, or `system:supplier_advisories.release` at the date).
    pub released_by: Option<String>,
    /// The alert issued from it.
    pub alert: Option<AlertId>,
}

impl SupplierAdvisory {
    /// Embargoed until released.
    pub fn state(&self) -> AdvisoryState {
        if self.released_at.is_some() {
            AdvisoryState::Released
        } else {
            AdvisoryState::Embargoed
        }
    }

    /// Whether the embargo has ended on `today` (UTC) and the advisory awaits release.
    pub fn release_due(&self, today: Date) -> bool {
        self.released_at.is_none() && self.embargo_until.is_none_or(|d| d <= today)
    }
}

/// An organisation's choice whether suppliers may see its name in their advisories' progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NamingConsent {
    pub org: OrgId,
    pub may_be_named: bool,
    /// Who chose (`user:…`).
    pub changed_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub changed_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embargo_ends_on_its_date_and_release_is_once() {
        let mut a = SupplierAdvisory {
            id: "PL-SA-1".into(),
            supplier: OrgId::from_uuid(uuid::Uuid::nil()),
            title: "t".into(),
            severity: Severity::High,
            format: AdvisoryFormat::Form,
            advisory: Advisory {
                id: "PL-SA-1".into(),
                aliases: vec![],
                related: vec![],
                summary: None,
                details: None,
                published: None,
                modified: None,
                withdrawn: None,
                severity: vec![],
                affected: vec![],
                references: vec![],
                cwes: vec![],
                source: crate::vuln::AdvisorySource::Manual,
            },
            actions: vec![],
            embargo_until: Some(jiff::civil::date(2027, 1, 10)),
            published_by: "user:x".into(),
            published_at: "2027-01-01T00:00:00Z".parse().unwrap(),
            released_at: None,
            released_by: None,
            alert: None,
        };
        assert_eq!(a.state(), AdvisoryState::Embargoed);
        assert!(!a.release_due(jiff::civil::date(2027, 1, 9)));
        assert!(a.release_due(jiff::civil::date(2027, 1, 10)));
        a.released_at = Some("2027-01-10T00:00:00Z".parse().unwrap());
        assert_eq!(a.state(), AdvisoryState::Released);
        assert!(!a.release_due(jiff::civil::date(2027, 1, 11)));
    }
}
