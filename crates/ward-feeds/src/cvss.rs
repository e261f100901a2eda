//! CVSS base scores: v3 by Ward's own implementation of the specification (in `ward-core`), v4 by the
//! RustSec `cvss` crate, which implements the v4.0 macro-vector scoring.

use std::str::FromStr;

use ward_core::vuln::CvssVector;

/// The base score of a parsed vector, rounded to one decimal, or `None` when it cannot be computed.
pub fn base_score(vector: &CvssVector) -> Option<f64> {
    match vector {
        CvssVector::V3(v) => Some(v.base_score()),
        CvssVector::V4(v) => v4_base_score(&v.to_string()),
    }
}

/// The CVSS v4.0 score of a vector string (`CVSS:4.0/AV:N/...`). With threat or environmental metrics
/// present this is the CVSS-BTE score the specification defines for the full vector.
pub fn v4_base_score(vector: &str) -> Option<f64> {
    let parsed = cvss::v4::Vector::from_str(vector).ok()?;
    let score = parsed.score().value();
    score.is_finite().then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_scores_of_reference_vectors() {
        // The highest possible vector scores 10; a vector with no impact scores 0.
        assert_eq!(
            v4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"),
            Some(10.0)
        );
        assert_eq!(
            v4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"),
            Some(0.0)
        );
        let mid = v4_base_score("CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N").unwrap();
        assert!(mid > 0.0 && mid < 4.0, "{mid}");
        assert_eq!(v4_base_score("CVSS:4.0/AV:N"), None);
    }

    #[test]
    fn ward_v3_scores_agree_with_the_cvss_crate() {
        let values = ["N", "A", "L", "P"];
        let mut checked = 0;
        for av in values {
            for ac in ["L", "H"] {
                for pr in ["N", "L", "H"] {
                    for ui in ["N", "R"] {
                        for s in ["U", "C"] {
                            for c in ["H", "L", "N"] {
                                for i in ["H", "L", "N"] {
                                    for a in ["H", "L", "N"] {
                                        let v = format!(
                                            "CVSS:3.1/AV:{av}/AC:{ac}/PR:{pr}/UI:{ui}/S:{s}/C:{c}/I:{i}/A:{a}"
                                        );
                                        let ours = CvssVector::parse(&v).unwrap().base_score().unwrap();
                                        let theirs = cvss::v3::Vector::from_str(&v).unwrap().score().value();
                                        assert_eq!(ours, theirs, "{v}");
                                        checked += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 2 * 3 * 2 * 2 * 27);
    }
}
