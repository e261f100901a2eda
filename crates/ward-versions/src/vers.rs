//! purl `vers:` version range specifiers (`vers:npm/>=1.0.0|<2.0.0`, `vers:pypi/*`).
//!
//! Parsing follows the specification: the `vers` URI scheme, a versioning scheme named by its purl
//! type, then `|`-separated constraints, each a comparator (`=` when omitted, `!=`, `<`, `<=`, `>`,
//! `>=`) and a percent-encoded version; whitespace is ignored; `*` stands alone; every version occurs
//! once. Containment follows the specification's algorithm step by step (see [`VersRange::contains`]).
//! Note that under that algorithm a range made only of `!=` constraints contains nothing.

use std::cmp::Ordering;

use crate::{Ecosystem, Version, VersionError};

/// A constraint comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl Comparator {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Self::Equal => ord == Ordering::Equal,
            Self::NotEqual => ord != Ordering::Equal,
            Self::Less => ord == Ordering::Less,
            Self::LessOrEqual => ord != Ordering::Greater,
            Self::Greater => ord == Ordering::Greater,
            Self::GreaterOrEqual => ord != Ordering::Less,
        }
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Self::Less | Self::LessOrEqual)
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Self::Greater | Self::GreaterOrEqual)
    }
}

/// A parsed `vers:` range.
#[derive(Debug, Clone)]
pub struct VersRange {
    ecosystem: Ecosystem,
    /// Sorted by version; empty means `*`.
    constraints: Vec<(Comparator, Version)>,
}

/// The ecosystem whose ordering a `vers` versioning scheme (a purl type) uses.
pub fn scheme_ecosystem(scheme: &str) -> Option<Ecosystem> {
    Some(match scheme {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "maven" => Ecosystem::Maven,
        "nuget" => Ecosystem::NuGet,
        "gem" => Ecosystem::RubyGems,
        "golang" => Ecosystem::Go,
        "cargo" | "semver" => Ecosystem::CratesIo,
        "hex" => Ecosystem::Hex,
        "pub" => Ecosystem::Pub,
        "swift" => Ecosystem::SwiftURL,
        "composer" => Ecosystem::Packagist,
        "deb" => Ecosystem::Debian,
        "rpm" => Ecosystem::RedHat,
        "apk" | "alpine" => Ecosystem::Alpine,
        "cran" => Ecosystem::Cran,
        "hackage" => Ecosystem::Hackage,
        "generic" => Ecosystem::Generic,
        _ => return None,
    })
}

impl VersRange {
    /// Parses a `vers:` specifier.
    pub fn parse(spec: &str) -> Result<Self, VersionError> {
        let compact: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = compact
            .strip_prefix("vers:")
            .ok_or_else(|| VersionError::range(spec, "must start with \"vers:\""))?;
        let (scheme, constraints) = rest
            .split_once('/')
            .ok_or_else(|| VersionError::range(spec, "missing '/' after the scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        let ecosystem = scheme_ecosystem(&scheme)
            .ok_or_else(|| VersionError::range(spec, format!("unsupported versioning scheme {scheme:?}")))?;
        let constraints = constraints.trim_matches('|');
        if constraints.is_empty() {
            return Err(VersionError::range(spec, "no constraints"));
        }
        if constraints == "*" {
            return Ok(Self {
                ecosystem,
                constraints: Vec::new(),
            });
        }
        let mut parsed = Vec::new();
        for raw in constraints.split('|') {
            if raw.is_empty() {
                return Err(VersionError::range(spec, "empty constraint"));
            }
            let (comparator, text) = split_comparator(raw);
            if text.is_empty() || text == "*" {
                return Err(VersionError::range(
                    spec,
                    format!("constraint {raw:?} has no usable version"),
                ));
            }
            let decoded = percent_decode(text).ok_or_else(|| {
                VersionError::range(spec, format!("constraint {raw:?} has a bad percent-encoding"))
            })?;
            parsed.push((comparator, Version::parse(ecosystem, &decoded)?));
        }
        parsed.sort_by(|a, b| a.1.cmp(&b.1));
        if parsed.windows(2).any(|w| w[0].1 == w[1].1) {
            return Err(VersionError::range(
                spec,
                "a version occurs in more than one constraint",
            ));
        }
        Ok(Self {
            ecosystem,
            constraints: parsed,
        })
    }

    /// The ecosystem whose ordering the range uses.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// Whether `version` is in the range, by the specification's containment algorithm:
    /// `*` contains everything; equality with an `=`, `<=` or `>=` constraint's version means in, with
    /// a `!=` constraint's version means out; the `=`/`!=` constraints are then set aside; a single
    /// remaining constraint is simply tested; otherwise consecutive pairs are walked: below a first
    /// `<`/`<=`, above a last `>`/`>=`, or between a `>`/`>=` and the following `<`/`<=` means in.
    pub fn contains(&self, version: &Version) -> bool {
        if self.constraints.is_empty() {
            return true;
        }
        for (comparator, bound) in &self.constraints {
            let equal = version == bound;
            if equal
                && matches!(
                    comparator,
                    Comparator::Equal | Comparator::LessOrEqual | Comparator::GreaterOrEqual
                )
            {
                return true;
            }
            if equal && *comparator == Comparator::NotEqual {
                return false;
            }
        }
        let ranges: Vec<&(Comparator, Version)> = self
            .constraints
            .iter()
            .filter(|(c, _)| !matches!(c, Comparator::Equal | Comparator::NotEqual))
            .collect();
        match ranges.as_slice() {
            [] => return false,
            [(comparator, bound)] => return comparator.holds(version.cmp(bound)),
            _ => {}
        }
        let last = ranges.len() - 2;
        for (index, pair) in ranges.windows(2).enumerate() {
            let ((current, low), (next, high)) = (pair[0], pair[1]);
            if index == 0 && current.is_upper_bound() && version < low {
                return true;
            }
            if index == last && next.is_lower_bound() && version > high {
                return true;
            }
            if current.is_lower_bound() && next.is_upper_bound() && version > low && version < high {
                return true;
            }
        }
        false
    }
}

/// Parses `spec` and tells whether `version` (in the range's ecosystem) is in it.
pub fn vers_contains(spec: &str, version: &str) -> Result<bool, VersionError> {
    let range = VersRange::parse(spec)?;
    Ok(range.contains(&Version::parse(range.ecosystem, version)?))
}

fn split_comparator(raw: &str) -> (Comparator, &str) {
    for (prefix, comparator) in [
        (">=", Comparator::GreaterOrEqual),
        ("<=", Comparator::LessOrEqual),
        ("!=", Comparator::NotEqual),
        ("<", Comparator::Less),
        (">", Comparator::Greater),
        ("=", Comparator::Equal),
    ] {
        if let Some(rest) = raw.strip_prefix(prefix) {
            return (comparator, rest);
        }
    }
    (Comparator::Equal, raw)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(spec: &str, version: &str) -> bool {
        vers_contains(spec, version).unwrap_or_else(|err| panic!("{spec} / {version}: {err}"))
    }

    #[test]
    fn intervals_and_stars() {
        assert!(within("vers:npm/>=1.0.0|<2.0.0", "1.5.0"));
        assert!(!within("vers:npm/>=1.0.0|<2.0.0", "2.0.0"));
        assert!(within("vers:npm/>=1.0.0|<2.0.0", "1.0.0"));
        assert!(within("vers:pypi/*", "0.0.1"));
        assert!(within("vers:npm/<1.0.0|>=2.0.0|<3.0.0", "0.5.0"));
        assert!(!within("vers:npm/<1.0.0|>=2.0.0|<3.0.0", "1.5.0"));
        assert!(within("vers:npm/<1.0.0|>=2.0.0|<3.0.0", "2.5.0"));
        assert!(within("vers:npm/<1.0.0|>=2.0.0", "9.0.0"));
        assert!(within("vers:pypi/ >= 1.0 | < 1.4 ", "1.3"));
        assert!(within("vers:maven/>=2.0.0|<=2.14.1", "2.14.1"));
        assert!(within("vers:deb/>=1:1.0-1|<1:1.0-3", "1:1.0-2"));
    }

    #[test]
    fn equality_and_inequality_constraints() {
        assert!(within("vers:npm/1.2.3", "1.2.3"));
        assert!(!within("vers:npm/1.2.3", "1.2.4"));
        assert!(!within("vers:npm/>=1.0.0|!=1.5.0|<2.0.0", "1.5.0"));
        assert!(within("vers:npm/>=1.0.0|!=1.5.0|<2.0.0", "1.6.0"));
        assert!(within("vers:npm/1.0.0|>=2.0.0", "1.0.0"));
        assert!(!within("vers:npm/1.0.0|>=2.0.0", "1.5.0"));
        assert!(!within("vers:npm/!=1.0.0", "2.0.0"));
        assert!(within("vers:pypi/1.0%2Blocal", "1.0+local"));
        assert!(!within("vers:pypi/1.0%2Blocal", "1.0"));
    }

    #[test]
    fn malformed_specifiers_are_errors() {
        for bad in [
            "npm/1.0.0",
            "vers:npm",
            "vers:npm/",
            "vers:nonsense/1.0",
            "vers:npm/>=1.0.0|*",
            "vers:npm/1.0.0|=1.0.0",
            "vers:npm/>=abc",
            "vers:npm/>=1.0.0||<2.0.0",
            "vers:pypi/1.0%zz",
        ] {
            assert!(VersRange::parse(bad).is_err(), "{bad}");
        }
    }
}
