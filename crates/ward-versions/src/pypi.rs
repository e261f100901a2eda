//! PyPI versions: PEP 440, with a documented fallback for legacy strings.
//!
//! Valid PEP 440 versions (after PEP 440's own normalisation: case, `v` prefix, `-`/`_` separators,
//! implicit numbers, `alpha`/`c`/`pre`/`rev` spellings) are ordered as PEP 440 says: epoch, release
//! (trailing zeros ignored), then `.devN` < `aN` < `bN` < `rcN` < release < `.postN`, then the local
//! label (`1.0 < 1.0+abc < 1.0+5`).
//!
//! **Legacy fallback.** Strings that are not PEP 440 (old uploads such as `2004d`, `1.0-SNAPSHOT-foo`,
//! `0.3.0.dev-r123`) still occur in advisories and inventories. Following the old setuptools
//! `LegacyVersion` idea, every legacy string sorts **before every valid version**; legacy strings are
//! ordered among themselves by the generic vendor rule ([`crate::generic`]): numeric runs by value,
//! letter runs case-insensitively, letters before digits at the same position, separators ignored. A
//! string that has neither a digit nor a letter is rejected.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::generic::GenericVersion;
use crate::{Scheme, VersionError};

/// A PyPI version: PEP 440 or, failing that, a legacy string.
#[derive(Debug, Clone)]
pub enum PypiVersion {
    /// A string that PEP 440 rejects; sorts before every [`PypiVersion::Pep440`].
    Legacy(GenericVersion),
    /// A valid PEP 440 version.
    Pep440(pep440_rs::Version),
}

impl PypiVersion {
    /// Parses a PyPI version; non-PEP 440 strings become [`PypiVersion::Legacy`].
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if let Ok(version) = pep440_rs::Version::from_str(input.trim()) {
            return Ok(Self::Pep440(version));
        }
        GenericVersion::parse(input)
            .map(Self::Legacy)
            .map_err(|_| VersionError::invalid(Scheme::Pep440, input, "neither PEP 440 nor a legacy version"))
    }

    /// Parses a version and rejects legacy strings.
    pub fn parse_strict(input: &str) -> Result<Self, VersionError> {
        pep440_rs::Version::from_str(input.trim())
            .map(Self::Pep440)
            .map_err(|err| VersionError::invalid(Scheme::Pep440, input, err.to_string()))
    }

    /// Whether this is a legacy (non-PEP 440) string.
    pub fn is_legacy(&self) -> bool {
        matches!(self, Self::Legacy(_))
    }
}

impl Ord for PypiVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Pep440(a), Self::Pep440(b)) => a.cmp(b),
            (Self::Legacy(a), Self::Legacy(b)) => a.cmp(b),
            (Self::Legacy(_), Self::Pep440(_)) => Ordering::Less,
            (Self::Pep440(_), Self::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PypiVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PypiVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PypiVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        PypiVersion::parse(a)
            .unwrap()
            .cmp(&PypiVersion::parse(b).unwrap())
    }

    #[test]
    fn pep440_chain() {
        let chain = [
            "1.0.dev1",
            "1.0a1",
            "1.0a2.dev1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+abc",
            "1.0+5",
            "1.0.post1",
            "1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1!0.1", "2.0"), Ordering::Greater);
        assert_eq!(cmp("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp("v1.0-RC1", "1.0rc1"), Ordering::Equal);
    }

    #[test]
    fn legacy_strings_sort_first() {
        assert!(PypiVersion::parse("2004d-foo bar").unwrap().is_legacy());
        assert_eq!(cmp("2004d-foo bar", "0.0.1"), Ordering::Less);
        assert_eq!(cmp("1.0-foo-1", "1.0-foo-2"), Ordering::Less);
        assert!(PypiVersion::parse("...").is_err());
        assert!(PypiVersion::parse_strict("1.0-foo-1").is_err());
    }
}
