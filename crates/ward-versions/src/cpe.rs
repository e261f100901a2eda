//! NVD CPE match ranges (`versionStartIncluding`, `versionStartExcluding`, `versionEndIncluding`,
//! `versionEndExcluding` of a `cpeMatch`).
//!
//! Every bound that is present must hold; a range without bounds contains every version (it stands
//! for a CPE whose version is `*`). Versions compare with the generic vendor rule
//! ([`crate::generic`]) unless an ecosystem is given.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{Ecosystem, Version, VersionError};

/// Whether the comparison of the version with a bound satisfies that bound.
type BoundTest = fn(Ordering) -> bool;

/// The version bounds of one NVD `cpeMatch`; deserialises from NVD API 2.0 JSON field names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CpeRange {
    /// `versionStartIncluding`: the version must be at or above this.
    #[serde(
        rename = "versionStartIncluding",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub start_including: Option<String>,
    /// `versionStartExcluding`: the version must be above this.
    #[serde(
        rename = "versionStartExcluding",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub start_excluding: Option<String>,
    /// `versionEndIncluding`: the version must be at or below this.
    #[serde(
        rename = "versionEndIncluding",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end_including: Option<String>,
    /// `versionEndExcluding`: the version must be below this.
    #[serde(
        rename = "versionEndExcluding",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end_excluding: Option<String>,
}

impl CpeRange {
    /// Whether the range has no bound at all.
    pub fn is_unbounded(&self) -> bool {
        self.start_including.is_none()
            && self.start_excluding.is_none()
            && self.end_including.is_none()
            && self.end_excluding.is_none()
    }

    /// Whether `version` lies in the range, comparing with `ecosystem`'s rules
    /// ([`Ecosystem::Generic`] for vendor software).
    pub fn contains(&self, version: &str, ecosystem: Ecosystem) -> Result<bool, VersionError> {
        let v = Version::parse(ecosystem, version)?;
        let checks: [(&Option<String>, BoundTest); 4] = [
            (&self.start_including, |o| o != Ordering::Less),
            (&self.start_excluding, |o| o == Ordering::Greater),
            (&self.end_including, |o| o != Ordering::Greater),
            (&self.end_excluding, |o| o == Ordering::Less),
        ];
        for (bound, holds) in checks {
            if let Some(bound) = bound
                && !holds(v.cmp(&Version::parse(ecosystem, bound)?))
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// [`CpeRange::contains`] with the generic vendor ordering.
    pub fn contains_generic(&self, version: &str) -> Result<bool, VersionError> {
        self.contains(version, Ecosystem::Generic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nvd_bounds() {
        let netscaler: CpeRange = serde_json::from_str(
            r#"{"versionStartIncluding":"13.1","versionEndExcluding":"13.1-51.15","criteria":"cpe:2.3:a:x"}"#,
        )
        .unwrap();
        assert!(netscaler.contains_generic("13.1-49.13").unwrap());
        assert!(!netscaler.contains_generic("13.1-51.15").unwrap());
        assert!(!netscaler.contains_generic("14.1-4.42").unwrap());
        assert!(!netscaler.contains_generic("13.0-92.21").unwrap());
        let windows = CpeRange {
            start_excluding: Some("10.0.19044".into()),
            end_including: Some("10.0.19045.4170".into()),
            ..CpeRange::default()
        };
        assert!(!windows.contains_generic("10.0.19044").unwrap());
        assert!(windows.contains_generic("10.0.19045.4170").unwrap());
        assert!(!windows.contains_generic("10.0.19045.4291").unwrap());
        assert!(CpeRange::default().contains_generic("1.0").unwrap());
        assert!(CpeRange::default().is_unbounded());
        let maven = CpeRange {
            end_excluding: Some("2.15.0".into()),
            ..CpeRange::default()
        };
        assert!(maven.contains("2.15.0-rc1", Ecosystem::Maven).unwrap());
        assert!(maven.contains_generic("?").is_err());
    }
}
