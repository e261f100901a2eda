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
use crate::vuln::{Advisory, VexStatement};
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
    /// The current revision's version, as the supplier numbers its revisions (the CSAF
    /// `/document/tracking/version`, the CycloneDX `version`; `1`, `2`, … for the form).
    #[serde(default = "first_version")]
    pub version: String,
    /// What the supplier states is *not* affected (each with its justification): recorded as the
    /// supplier's VEX statements once the advisory is released.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub not_affected: Vec<VexStatement>,
    /// The versions the supplier states are *fixed* (CSAF `fixed`/`first_fixed`, CycloneDX
    /// `resolved`, the form's fixed version): recorded as the supplier's VEX statements (status
    /// `fixed`) once the advisory is released, so customers on those versions are not told they
    /// are affected.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub fixed: Vec<VexStatement>,
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

fn first_version() -> String {
    "1".to_owned()
}

/// One revision of a supplier advisory, as published: the first is the advisory as first
/// published, each later one a new version from the supplier. The advisory record itself always
/// carries the latest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdvisoryRevision {
    /// The advisory's id.
    pub advisory_id: String,
    /// 1 for the first publication, then 2, 3, … in order.
    pub number: u32,
    /// The supplier's version of this revision.
    pub version: String,
    pub title: String,
    pub severity: Severity,
    pub format: AdvisoryFormat,
    /// The advisory as the exposure index matches it, as of this revision.
    #[schema(value_type = Object)]
    pub advisory: Advisory,
    pub actions: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub not_affected: Vec<VexStatement>,
    /// What it states fixed (see [`SupplierAdvisory::fixed`]).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub fixed: Vec<VexStatement>,
    /// What changed from the revision before, in words (`First published` for the first).
    pub changes: Vec<String>,
    /// Who published this revision (`user:…`).
    pub published_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub published_at: Timestamp,
}

impl AdvisoryRevision {
    /// The first revision: the advisory as first published.
    pub fn first(a: &SupplierAdvisory) -> Self {
        Self {
            advisory_id: a.id.clone(),
            number: 1,
            version: a.version.clone(),
            title: a.title.clone(),
            severity: a.severity,
            format: a.format,
            advisory: a.advisory.clone(),
            actions: a.actions.clone(),
            not_affected: a.not_affected.clone(),
            fixed: a.fixed.clone(),
            changes: vec!["First published".to_owned()],
            published_by: a.published_by.clone(),
            published_at: a.published_at,
        }
    }
}

/// One identifier of a version: numbers compare as numbers, below any text.
fn compare_identifier(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// The order of two revision versions as CSAF 2.0 numbers them: an integer (`1`, `2`, …) or a
/// semantic version (`1.0.0`, `1.1.0-rc.1`; build metadata after `+` is ignored, a pre-release
/// comes before its release). `None` when either is neither (it cannot be ordered).
pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    fn split(v: &str) -> Option<(Vec<u64>, Option<&str>)> {
        let v = v.trim();
        let v = v.split_once('+').map_or(v, |(main, _)| main);
        let (main, pre) = match v.split_once('-') {
            Some((m, p)) if !p.is_empty() => (m, Some(p)),
            Some(_) => return None,
            None => (v, None),
        };
        let numbers: Option<Vec<u64>> = main
            .split('.')
            .map(|n| {
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    n.parse().ok()
                }
            })
            .collect();
        Some((numbers?, pre))
    }
    let (na, pa) = split(a)?;
    let (nb, pb) = split(b)?;
    let width = na.len().max(nb.len());
    let pad = |n: &[u64]| {
        (0..width)
            .map(|i| n.get(i).copied().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    let order = pad(&na).cmp(&pad(&nb));
    if order != std::cmp::Ordering::Equal {
        return Some(order);
    }
    Some(match (pa, pb) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (Some(x), Some(y)) => {
            let (xs, ys): (Vec<&str>, Vec<&str>) = (x.split('.').collect(), y.split('.').collect());
            xs.iter()
                .zip(&ys)
                .map(|(p, q)| compare_identifier(p, q))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| xs.len().cmp(&ys.len()))
        }
    })
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
            version: "1".into(),
            not_affected: vec![],
            fixed: vec![],
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

    #[test]
    fn revision_versions_order_as_integers_or_semantic_versions() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        assert_eq!(compare_versions("2", "10"), Some(Less));
        assert_eq!(compare_versions("1.1.0", "1.0.9"), Some(Greater));
        assert_eq!(compare_versions("1.0.0-rc.1", "1.0.0"), Some(Less));
        assert_eq!(compare_versions("1.0.0-rc.2", "1.0.0-rc.10"), Some(Less));
        assert_eq!(compare_versions("1.0.0+build.7", "1.0.0"), Some(Equal));
        assert_eq!(compare_versions("2", "2.0.0"), Some(Equal));
        assert_eq!(compare_versions("v2", "3"), None);
        assert_eq!(compare_versions("", "3"), None);
        assert_eq!(compare_versions("1.-", "3"), None);
    }
}
