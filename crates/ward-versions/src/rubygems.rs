//! RubyGems versions, ordered like `Gem::Version#<=>`.
//!
//! A version is digits followed by `.`-separated alphanumeric parts, optionally with a `-` suffix
//! (which RubyGems rewrites to `.pre.`); an empty string means `0`. It is cut into segments: runs of
//! digits (numbers) and runs of letters (strings). A version is a pre-release when it contains a
//! letter. Trailing zero segments are dropped from the release part and from the pre-release part;
//! then segments are compared in order, padding the shorter with `0`: numbers by value, strings by
//! byte order (case-sensitive, as Ruby does), and a string before any number (`1.0.a` < `1.0`).

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    // Declaration order is the order between kinds: strings before numbers.
    Text(Box<str>),
    Number(Digits),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Self::Number(n) if n.is_zero())
    }
}

/// A RubyGems version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GemVersion {
    segments: Vec<Segment>,
}

impl GemVersion {
    /// Parses a gem version (`Gem::Version::ANCHORED_VERSION_PATTERN`).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: &str| VersionError::invalid(Scheme::RubyGems, input, reason);
        let text = input.trim();
        if !text.is_empty() {
            validate(text).map_err(err)?;
        }
        let rewritten = text.replace('-', ".pre.");
        let mut segments = Vec::new();
        let bytes = rewritten.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Segment::Number(Digits::new(&rewritten[start..i])));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Segment::Text(rewritten[start..i].into()));
            } else {
                i += 1;
            }
        }
        // Canonical segments: strip trailing zeros from the release part and from the pre-release part.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Text(_)))
            .unwrap_or(segments.len());
        let mut pre = segments.split_off(split);
        while segments.last().is_some_and(Segment::is_zero) {
            segments.pop();
        }
        while pre.last().is_some_and(Segment::is_zero) {
            pre.pop();
        }
        segments.extend(pre);
        Ok(Self { segments })
    }

    /// Whether the version is a pre-release (contains a letter).
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Text(_)))
    }
}

/// Checks `\A[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\z`.
fn validate(text: &str) -> Result<(), &'static str> {
    let (release, suffix) = match text.split_once('-') {
        Some((release, suffix)) => (release, Some(suffix)),
        None => (text, None),
    };
    let mut parts = release.split('.');
    let first = parts.next().unwrap_or("");
    if first.is_empty() || !first.bytes().all(|c| c.is_ascii_digit()) {
        return Err("must start with a number");
    }
    if !parts.all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric())) {
        return Err("parts must be non-empty and alphanumeric");
    }
    if let Some(suffix) = suffix
        && !suffix
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
    {
        return Err("pre-release parts must be non-empty [0-9A-Za-z-]");
    }
    Ok(())
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(Digits::new("0"));
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let ord = a.cmp(b);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        GemVersion::parse(a).unwrap().cmp(&GemVersion::parse(b).unwrap())
    }

    #[test]
    fn gem_order() {
        let chain = [
            "0.9", "1.0.a", "1.0.a.1", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1", "1.10",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0", "1"), Ordering::Equal);
        assert_eq!(cmp("1.0.0", "1"), Ordering::Equal);
        assert_eq!(cmp("", "0"), Ordering::Equal);
        assert_eq!(cmp("1-beta", "1.pre.beta"), Ordering::Equal);
        assert_eq!(cmp("1.0.b1", "1.0.b.1"), Ordering::Equal);
        assert_eq!(cmp("1.0.A", "1.0.a"), Ordering::Less);
        assert!(GemVersion::parse("1.0.rc1").unwrap().is_prerelease());
        assert!(GemVersion::parse("junk").is_err());
        assert!(GemVersion::parse("1..2").is_err());
    }
}
