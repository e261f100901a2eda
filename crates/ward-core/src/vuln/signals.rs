//! Exploitation signals: CISA's Known Exploited Vulnerabilities catalogue and FIRST's EPSS scores.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The KEV catalogue's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevCatalog {
    /// `title`.
    pub title: Option<String>,
    /// `catalogVersion` (`2025.08.25`).
    pub catalog_version: Option<String>,
    /// `dateReleased`, as written (an RFC 3339 timestamp).
    pub date_released: Option<String>,
    /// `count`: how many entries the catalogue says it has.
    pub count: Option<u64>,
}

/// One entry of CISA's Known Exploited Vulnerabilities catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// `cveID`.
    pub cve: String,
    /// `vendorProject`.
    pub vendor: String,
    /// `product`.
    pub product: String,
    /// `vulnerabilityName`.
    pub name: String,
    /// `dateAdded`: when CISA listed it.
    pub date_added: Date,
    /// `dueDate`: when US federal agencies must have acted.
    #[serde(default)]
    pub due_date: Option<Date>,
    /// `knownRansomwareCampaignUse == "Known"`.
    pub known_ransomware: bool,
    /// `shortDescription`.
    #[serde(default)]
    pub description: Option<String>,
    /// `requiredAction`.
    pub required_action: String,
    /// `notes` (usually links).
    #[serde(default)]
    pub notes: Option<String>,
    /// `cwes`.
    #[serde(default)]
    pub cwes: Vec<String>,
}

/// The header line of an EPSS CSV file (`#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpssHeader {
    /// `model_version`.
    pub model_version: Option<String>,
    /// The date part of `score_date`.
    pub score_date: Option<Date>,
}

/// One EPSS score: the probability of exploitation activity in the next 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// The CVE id.
    pub cve: String,
    /// The probability, from 0 to 1.
    pub epss: f64,
    /// The score's percentile among all scored CVEs, from 0 to 1.
    pub percentile: f64,
}
