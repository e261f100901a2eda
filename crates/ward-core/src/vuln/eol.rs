//! End-of-life and end-of-support dates for product release cycles (endoflife.date's model).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A product and its release cycles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolProduct {
    /// The product's short name (the endoflife.date file name without `.md`: `nginx`).
    pub product: String,
    /// The display title (`title`).
    #[serde(default)]
    pub title: Option<String>,
    /// The category (`category`: `os`, `server-app`, `framework`, ...).
    #[serde(default)]
    pub category: Option<String>,
    /// Identifiers that name the product in inventories (`identifiers`: purl, CPE, repology).
    #[serde(default)]
    pub identifiers: Vec<ProductIdentifier>,
    /// The release cycles, newest first as the source lists them.
    #[serde(default)]
    pub releases: Vec<EolRelease>,
}

/// One identifier of a product (`- purl: pkg:deb/debian/nginx`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductIdentifier {
    /// The kind: `purl`, `cpe`, `repology`, or whatever the source writes.
    pub kind: String,
    /// The identifier (a purl without version, a CPE prefix, ...).
    pub value: String,
}

/// One release cycle of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EolRelease {
    /// The product's short name.
    pub product: String,
    /// The cycle (`releaseCycle`: `1.24`, `22.04`, `8`).
    pub cycle: String,
    /// A codename, when given (`codename`).
    #[serde(default)]
    pub codename: Option<String>,
    /// When the cycle was first released (`releaseDate`).
    #[serde(default)]
    pub release_date: Option<Date>,
    /// End of life: no more security fixes (`eol`).
    #[serde(default)]
    pub eol: Option<EolDate>,
    /// End of active support: bug fixes stop, security fixes may continue (`eoas`).
    #[serde(default)]
    pub eoas: Option<EolDate>,
    /// End of extended (usually paid) support (`eoes`).
    #[serde(default)]
    pub eoes: Option<EolDate>,
    /// Long-term support: a flag or the date it became LTS (`lts`).
    #[serde(default)]
    pub lts: Option<EolDate>,
    /// The latest version in the cycle (`latest`).
    #[serde(default)]
    pub latest: Option<String>,
    /// When the latest version was released (`latestReleaseDate`).
    #[serde(default)]
    pub latest_release_date: Option<Date>,
}

/// A date or a yes/no, as endoflife.date writes its support fields (`eol: 2024-04-23`, `eol: false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EolDate {
    /// The event happens (or happened) on this date.
    Date(Date),
    /// `true`: it has happened, date unknown; `false`: it has not happened and no date is set.
    Flag(bool),
}

impl EolDate {
    /// Whether the event has happened by `today` (the date is today or earlier, or the flag is `true`).
    pub fn reached(self, today: Date) -> bool {
        match self {
            Self::Date(d) => d <= today,
            Self::Flag(flag) => flag,
        }
    }

    /// The date, when one is set.
    pub fn date(self) -> Option<Date> {
        match self {
            Self::Date(d) => Some(d),
            Self::Flag(_) => None,
        }
    }
}

impl EolRelease {
    /// Whether security support has ended by `today`: `eol` is reached (extended support, which is
    /// usually paid, is not assumed).
    pub fn is_end_of_life(&self, today: Date) -> bool {
        self.eol.is_some_and(|e| e.reached(today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn eol_dates_and_flags() {
        let today = date(2025, 6, 1);
        assert!(EolDate::Date(date(2025, 6, 1)).reached(today));
        assert!(!EolDate::Date(date(2025, 6, 2)).reached(today));
        assert!(EolDate::Flag(true).reached(today));
        assert!(!EolDate::Flag(false).reached(today));
        let parsed: Vec<EolDate> = serde_json::from_str(r#"["2024-04-23", false, true]"#).unwrap();
        assert_eq!(parsed[0], EolDate::Date(date(2024, 4, 23)));
        assert_eq!(parsed[1], EolDate::Flag(false));
    }
}
