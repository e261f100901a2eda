//! PyPI versions: PEP 440, with the old `packaging` library's fallback for legacy strings.
//!
//! Valid PEP 440 versions (after PEP 440's own normalisation: case, `v` prefix, `-`/`_` separators,
//! implicit numbers, `alpha`/`c`/`pre`/`rev` spellings) are ordered as PEP 440 says: epoch, release
//! (trailing zeros ignored), then `.devN` < `aN` < `bN` < `rcN` < release < `.postN`, then the local
//! label (`1.0 < 1.0+abc < 1.0+5`).
//!
//! **Legacy fallback.** Strings that are not PEP 440 (old uploads such as `2004d`, `1.0-SNAPSHOT-foo`,
//! `0.3.0.dev-r123`) still occur in advisories and inventories. They are ordered exactly as the Python
//! `packaging` library's `LegacyVersion` ordered them (packaging before 22.0, and setuptools'
//! `parse_version` before it), which is what pip and the advisories of that era used:
//! - every legacy string sorts **before every valid version** (packaging gave them epoch -1);
//! - among themselves, the lower-cased string is cut into runs of ASCII digits, runs of ASCII letters,
//!   `.`, `-`, and runs of anything else; `.` and empty pieces are dropped; the words `pre`, `preview`
//!   and `rc` become `c`, `dev` becomes `@` and `-` becomes `final-`; a number is left-padded with
//!   zeros to eight digits, every other piece is prefixed with `*`, and `*final` ends the list;
//! - before each non-number piece, trailing zero numbers (`00000000`) are dropped, and before a piece
//!   that sorts below `*final` (a pre-release word such as `*a` or `*@`) trailing `*final-` are too;
//! - the resulting lists of text compare element by element, by code point, a shorter prefix first.
//!
//! So `1.0-foo.bar` < `1.0-foo` (`*bar` < `*final`) and `1.0dev-x` < `1.0a-x` (`*@` < `*a`). The
//! quirks are kept on purpose: numbers of more than eight digits compare as text (`1234567890x` <
//! `987654321x`), and characters other than letters, digits, `.` and `-` count (`1.0_1` differs from
//! `1.0.1x`). One difference remains: Python's `\d` also matched non-ASCII decimal digits (`٣`), which
//! here count as "anything else". A string that has neither an ASCII digit nor a letter is rejected.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A PyPI version: PEP 440 or, failing that, a legacy string.
#[derive(Debug, Clone)]
pub enum PypiVersion {
    /// A string that PEP 440 rejects; sorts before every [`PypiVersion::Pep440`].
    Legacy(LegacyVersion),
    /// A valid PEP 440 version.
    Pep440(pep440_rs::Version),
}

impl PypiVersion {
    /// Parses a PyPI version; non-PEP 440 strings become [`PypiVersion::Legacy`].
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if let Ok(version) = pep440_rs::Version::from_str(input.trim()) {
            return Ok(Self::Pep440(version));
        }
        LegacyVersion::parse(input).map(Self::Legacy)
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

/// A legacy (non-PEP 440) PyPI version: the comparison key `packaging`'s `LegacyVersion` built (see
/// the module documentation), compared element by element.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LegacyVersion {
    parts: Vec<Box<str>>,
}

/// The piece that ends every key, and the one `-` becomes.
const FINAL: &str = "*final";
const FINAL_DASH: &str = "*final-";
/// A zero number after padding: the only number dropped as a trailing zero.
const ZERO: &str = "00000000";

impl LegacyVersion {
    /// Builds the key of any string that has an ASCII digit or a letter (used as given, untrimmed).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        if !input.chars().any(|c| c.is_ascii_digit() || c.is_alphabetic()) {
            return Err(VersionError::invalid(
                Scheme::Pep440,
                input,
                "neither PEP 440 nor a legacy version (no digits or letters)",
            ));
        }
        let mut parts: Vec<Box<str>> = Vec::new();
        for piece in legacy_pieces(&input.to_lowercase()).chain([FINAL.to_owned()]) {
            if piece.starts_with('*') {
                if piece.as_str() < FINAL {
                    while parts.last().is_some_and(|p| &**p == FINAL_DASH) {
                        parts.pop();
                    }
                }
                while parts.last().is_some_and(|p| &**p == ZERO) {
                    parts.pop();
                }
            }
            parts.push(piece.into());
        }
        Ok(Self { parts })
    }
}

/// The pieces of a lower-cased legacy string, substituted and padded, without the closing `*final`.
fn legacy_pieces(lower: &str) -> impl Iterator<Item = String> + '_ {
    #[derive(PartialEq)]
    enum Kind {
        Digits,
        Letters,
        Single,
        Other,
    }
    let kind = |c: char| match c {
        '0'..='9' => Kind::Digits,
        'a'..='z' => Kind::Letters,
        '.' | '-' => Kind::Single,
        _ => Kind::Other,
    };
    let mut rest = lower;
    std::iter::from_fn(move || {
        loop {
            let first = rest.chars().next()?;
            let first_kind = kind(first);
            let end = if first_kind == Kind::Single {
                first.len_utf8()
            } else {
                rest.find(|c| kind(c) != first_kind).unwrap_or(rest.len())
            };
            let (piece, tail) = rest.split_at(end);
            rest = tail;
            let piece = match piece {
                "." => continue,
                "pre" | "preview" | "rc" => "c",
                "dev" => "@",
                "-" => "final-",
                other => other,
            };
            return Some(if first_kind == Kind::Digits {
                format!("{piece:0>8}")
            } else {
                format!("*{piece}")
            });
        }
    })
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

    /// Orders `packaging` 21.3's `LegacyVersion` gave (checked with it); the first four came out the
    /// other way round, or equal, under the generic rule this module used before.
    #[test]
    fn legacy_strings_order_as_packaging_legacy_version() {
        assert_eq!(cmp("1.0-foo.bar", "1.0-foo"), Ordering::Less, "*bar < *final");
        assert_eq!(
            cmp("1.0dev-x", "1.0a-x"),
            Ordering::Less,
            "dev is @, before every word"
        );
        assert_eq!(cmp("1.0-x", "1.0x"), Ordering::Less, "- is final-");
        assert_eq!(cmp("1.0_x", "1.0.x"), Ordering::Less, "_ is a piece, . is not");
        assert_eq!(
            cmp("1234567890x", "987654321x"),
            Ordering::Less,
            "long numbers compare as text"
        );
        assert_eq!(
            cmp(" 1.0-x", "1.0-x"),
            Ordering::Less,
            "legacy strings are not trimmed"
        );
        assert_eq!(cmp("1.0-final-x", "1.0-x"), Ordering::Less);
        assert_eq!(cmp("1.0pre-x", "1.0c-x"), Ordering::Equal, "pre is c");
        assert_eq!(
            cmp("1.0preview-x", "1.0rc-x"),
            Ordering::Equal,
            "preview and rc are c"
        );
        assert_eq!(
            cmp("1.0-a-x", "1.0a-x"),
            Ordering::Equal,
            "- before a pre-release word drops"
        );
        assert_eq!(cmp("1.0.0-foo", "1-foo"), Ordering::Equal, "trailing zeros drop");
        assert_eq!(cmp("1.0-SNAPSHOT", "1.0.snapshot"), Ordering::Less);
    }
}
