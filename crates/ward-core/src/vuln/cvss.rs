//! CVSS vectors: v3.0/v3.1 parsed and scored (base score, by the specification's formula and its
//! round-up), v4.0 parsed and validated (every metric known, every value allowed, each metric at most
//! once, all base metrics present).
//!
//! The v4.0 score needs the specification's table of macro-vector scores; it is not computed here, so
//! callers use the base score the source states alongside the vector when there is one.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A vector that is not a valid CVSS v3 or v4 vector; the message names the metric at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CVSS vector '{vector}': {reason}")]
pub struct CvssError {
    /// The vector as given (cut to 200 characters).
    pub vector: String,
    /// What is wrong with it.
    pub reason: String,
}

impl CvssError {
    fn new(vector: &str, reason: impl Into<String>) -> Self {
        Self {
            vector: vector.chars().take(200).collect(),
            reason: reason.into(),
        }
    }
}

/// A parsed CVSS vector of either supported major version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "version", rename_all = "snake_case")]
pub enum CvssVector {
    /// CVSS v3.0 or v3.1.
    V3(CvssV3),
    /// CVSS v4.0.
    V4(CvssV4),
}

impl CvssVector {
    /// Parse a vector that starts with `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/`.
    pub fn parse(vector: &str) -> Result<Self, CvssError> {
        let v = vector.trim();
        if v.starts_with("CVSS:4.0/") {
            CvssV4::parse(v).map(Self::V4)
        } else {
            CvssV3::parse(v).map(Self::V3)
        }
    }

    /// The base score where Ward computes one (v3); `None` for v4.
    pub fn base_score(&self) -> Option<f64> {
        match self {
            Self::V3(v) => Some(v.base_score()),
            Self::V4(_) => None,
        }
    }
}

/// Metrics of a vector in the order written, after the version prefix.
fn split_metrics<'a>(
    vector: &'a str,
    prefix: &str,
    allowed: &[(&str, &[&str])],
) -> Result<BTreeMap<&'a str, &'a str>, CvssError> {
    let Some(rest) = vector.strip_prefix(prefix) else {
        return Err(CvssError::new(vector, format!("must start with '{prefix}'")));
    };
    let mut metrics = BTreeMap::new();
    for part in rest.split('/') {
        let Some((key, value)) = part.split_once(':') else {
            return Err(CvssError::new(vector, format!("'{part}' is not METRIC:VALUE")));
        };
        let Some((_, values)) = allowed.iter().find(|(k, _)| *k == key) else {
            return Err(CvssError::new(vector, format!("unknown metric '{key}'")));
        };
        if !values.contains(&value) {
            return Err(CvssError::new(
                vector,
                format!(
                    "metric {key} cannot be '{value}' (allowed: {})",
                    values.join(", ")
                ),
            ));
        }
        if metrics.insert(key, value).is_some() {
            return Err(CvssError::new(vector, format!("metric {key} appears twice")));
        }
    }
    Ok(metrics)
}

fn require<'a>(vector: &str, metrics: &BTreeMap<&str, &'a str>, key: &str) -> Result<&'a str, CvssError> {
    metrics
        .get(key)
        .copied()
        .ok_or_else(|| CvssError::new(vector, format!("base metric {key} is missing")))
}

const V3_METRICS: &[(&str, &[&str])] = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "R"]),
    ("S", &["U", "C"]),
    ("C", &["H", "L", "N"]),
    ("I", &["H", "L", "N"]),
    ("A", &["H", "L", "N"]),
    ("E", &["X", "H", "F", "P", "U"]),
    ("RL", &["X", "U", "W", "T", "O"]),
    ("RC", &["X", "C", "R", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "R"]),
    ("MS", &["X", "U", "C"]),
    ("MC", &["X", "H", "L", "N"]),
    ("MI", &["X", "H", "L", "N"]),
    ("MA", &["X", "H", "L", "N"]),
];

const V3_BASE: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

/// A CVSS v3.0 or v3.1 vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvssV3 {
    /// The minor version: 0 or 1.
    pub minor: u8,
    /// Every metric given, by abbreviation (`AV` → `N`), temporal and environmental ones included.
    pub metrics: BTreeMap<String, String>,
}

impl CvssV3 {
    /// Parse `CVSS:3.1/AV:N/AC:L/...` (or `CVSS:3.0/`).
    pub fn parse(vector: &str) -> Result<Self, CvssError> {
        let (minor, prefix) = if vector.starts_with("CVSS:3.1/") {
            (1, "CVSS:3.1/")
        } else if vector.starts_with("CVSS:3.0/") {
            (0, "CVSS:3.0/")
        } else {
            return Err(CvssError::new(
                vector,
                "must start with 'CVSS:3.0/' or 'CVSS:3.1/'",
            ));
        };
        let metrics = split_metrics(vector, prefix, V3_METRICS)?;
        for key in V3_BASE {
            require(vector, &metrics, key)?;
        }
        Ok(Self {
            minor,
            metrics: metrics
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        })
    }

    fn metric(&self, key: &str) -> &str {
        self.metrics.get(key).map_or("", String::as_str)
    }

    /// The base score, 0.0 to 10.0, by the specification's equations (section 7.1 of v3.1), rounded up
    /// to one decimal as the version prescribes (v3.1's floating-point-safe round-up, v3.0's ceiling).
    pub fn base_score(&self) -> f64 {
        let changed = self.metric("S") == "C";
        let cia = |key: &str| -> f64 {
            match self.metric(key) {
                "H" => 0.56,
                "L" => 0.22,
                _ => 0.0,
            }
        };
        let iss: f64 = 1.0 - (1.0 - cia("C")) * (1.0 - cia("I")) * (1.0 - cia("A"));
        let impact: f64 = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        let av = match self.metric("AV") {
            "N" => 0.85,
            "A" => 0.62,
            "L" => 0.55,
            _ => 0.2,
        };
        let ac = if self.metric("AC") == "L" { 0.77 } else { 0.44 };
        let pr = match (self.metric("PR"), changed) {
            ("N", _) => 0.85,
            ("L", false) => 0.62,
            ("L", true) => 0.68,
            (_, false) => 0.27,
            (_, true) => 0.5,
        };
        let ui = if self.metric("UI") == "N" { 0.85 } else { 0.62 };
        let exploitability = 8.22 * av * ac * pr * ui;
        if impact <= 0.0 {
            return 0.0;
        }
        let raw = if changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        if self.minor == 0 {
            (raw * 10.0).ceil() / 10.0
        } else {
            round_up_v31(raw)
        }
    }
}

/// CVSS v3.1 `Roundup`: the smallest one-decimal number not below `x`, computed on integers so that
/// `4.000000001` style float noise does not round up.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn round_up_v31(x: f64) -> f64 {
    let scaled = (x * 100_000.0).round() as i64;
    if scaled % 10_000 == 0 {
        scaled as f64 / 100_000.0
    } else {
        ((scaled / 10_000) + 1) as f64 / 10.0
    }
}

const V4_METRICS: &[(&str, &[&str])] = &[
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
    ("E", &["X", "A", "P", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MAT", &["X", "N", "P"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "P", "A"]),
    ("MVC", &["X", "H", "L", "N"]),
    ("MVI", &["X", "H", "L", "N"]),
    ("MVA", &["X", "H", "L", "N"]),
    ("MSC", &["X", "H", "L", "N"]),
    ("MSI", &["X", "S", "H", "L", "N"]),
    ("MSA", &["X", "S", "H", "L", "N"]),
    ("S", &["X", "N", "P"]),
    ("AU", &["X", "N", "Y"]),
    ("R", &["X", "A", "U", "I"]),
    ("V", &["X", "D", "C"]),
    ("RE", &["X", "L", "M", "H"]),
    ("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

const V4_BASE: [&str; 11] = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

/// A CVSS v4.0 vector, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvssV4 {
    /// Every metric given, by abbreviation, threat, environmental and supplemental ones included.
    pub metrics: BTreeMap<String, String>,
}

impl CvssV4 {
    /// Parse `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N[/...]`.
    pub fn parse(vector: &str) -> Result<Self, CvssError> {
        let metrics = split_metrics(vector, "CVSS:4.0/", V4_METRICS)?;
        for key in V4_BASE {
            require(vector, &metrics, key)?;
        }
        Ok(Self {
            metrics: metrics
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        })
    }

    /// The value of one metric (`E` → `A`), `None` when not given.
    pub fn metric(&self, key: &str) -> Option<&str> {
        self.metrics.get(key).map(String::as_str)
    }
}

impl fmt::Display for CvssV3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVSS:3.{}", self.minor)?;
        for (key, _) in V3_METRICS {
            if let Some(value) = self.metrics.get(*key) {
                write!(f, "/{key}:{value}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for CvssV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVSS:4.0")?;
        for (key, _) in V4_METRICS {
            if let Some(value) = self.metrics.get(*key) {
                write!(f, "/{key}:{value}")?;
            }
        }
        Ok(())
    }
}

/// The qualitative severity band of a CVSS base score (the specification's rating scale: 9.0 and
/// above critical, 7.0 high, 4.0 medium, 0.1 low, 0.0 none), or none at all when the source
/// gives no usable severity. Ordered from the worst.
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
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CvssBand {
    Critical,
    High,
    Medium,
    Low,
    /// A score of 0.0.
    None,
    /// No usable severity from the source.
    Unscored,
}

impl CvssBand {
    /// The band of a base score on the 0 to 10 scale.
    pub fn of_score(score: f64) -> Self {
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::None
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Plain-language label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Critical => "Critical",
            Self::High => "High",
            Self::Medium => "Medium",
            Self::Low => "Low",
            Self::None => "None (score 0)",
            Self::Unscored => "No severity given",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(v: &str) -> f64 {
        CvssV3::parse(v).unwrap().base_score()
    }

    #[test]
    fn v31_base_scores_of_published_vulnerabilities() {
        // Log4Shell (CVE-2021-44228), as NVD rates it.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
        // The common network/no-auth/high-impact shape.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        // Reflected XSS shape.
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        assert_eq!(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), 7.8);
        assert_eq!(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"), 5.9);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"), 7.5);
        assert_eq!(score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N"), 0.0);
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
    }

    #[test]
    fn v31_round_up_avoids_float_noise() {
        assert_eq!(round_up_v31(4.0), 4.0);
        assert_eq!(round_up_v31(4.000_000_000_1), 4.0);
        assert_eq!(round_up_v31(4.02), 4.1);
        assert_eq!(round_up_v31(0.0), 0.0);
    }

    #[test]
    fn invalid_vectors_name_the_metric() {
        let missing = CvssV3::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").unwrap_err();
        assert!(missing.reason.contains("A is missing"), "{missing}");
        let bad = CvssV3::parse("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(bad.reason.contains("AV"), "{bad}");
        let twice = CvssV3::parse("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(twice.reason.contains("twice"), "{twice}");
        assert!(CvssVector::parse("AV:N/AC:L").is_err());
        assert!(CvssVector::parse("").is_err());
        assert!(CvssVector::parse("CVSS:3.1/").is_err());
    }

    #[test]
    fn v4_vectors_parse_and_validate() {
        let v = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Red";
        let CvssVector::V4(parsed) = CvssVector::parse(v).unwrap() else {
            panic!("not v4")
        };
        assert_eq!(parsed.metric("E"), Some("A"));
        assert_eq!(parsed.to_string(), v);
        assert!(CvssV4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N").is_err());
        assert!(CvssV4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").is_err());
        assert!(
            CvssV4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S").is_ok()
        );
    }

    #[test]
    fn v3_display_round_trips() {
        let v = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:H/RL:O/RC:C";
        assert_eq!(CvssV3::parse(v).unwrap().to_string(), v);
    }

    #[test]
    fn scores_fall_into_the_specifications_bands() {
        let bands: Vec<CvssBand> = [10.0, 9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0.0]
            .into_iter()
            .map(CvssBand::of_score)
            .collect();
        use CvssBand::*;
        assert_eq!(
            bands,
            vec![Critical, Critical, High, High, Medium, Medium, Low, Low, None]
        );
        assert!(Critical < High && Low < Unscored, "ordered from the worst");
    }
}
