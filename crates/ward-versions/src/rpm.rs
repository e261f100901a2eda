//! RPM package versions (Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, Mageia, openEuler, Photon).
//!
//! `[epoch:]version[-release]`: the epoch is a number (default 0), the release is everything after the
//! last hyphen (default empty). Epochs compare numerically, then version and release with rpm's
//! `rpmvercmp`: characters other than ASCII letters, digits, `~` and `^` only separate segments;
//! segments are maximal runs of digits (compared by value) or of letters (compared by byte); at the
//! same position `~` sorts before everything (even the end), the end before `^`, `^` before a letter
//! segment, and a letter segment before a digit segment. So `1.0~rc1` < `1.0` < `1.0^git1` < `1.0a`
//! < `1.0.1`.

use std::cmp::Ordering;

use crate::digits::cmp_digit_runs;
use crate::{Scheme, VersionError};

/// An RPM `epoch:version-release`.
#[derive(Debug, Clone)]
pub struct RpmVersion {
    epoch: u64,
    version: Box<str>,
    release: Box<str>,
}

impl RpmVersion {
    /// Parses an RPM EVR string.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: &str| VersionError::invalid(Scheme::Rpm, input, reason);
        let text = input.trim();
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                if epoch.is_empty() || !epoch.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(err("epoch must be a number"));
                }
                (epoch.parse::<u64>().map_err(|_| err("epoch too large"))?, rest)
            }
            None => (0, text),
        };
        let (version, release) = rest.rsplit_once('-').unwrap_or((rest, ""));
        if version.is_empty() {
            return Err(err("empty version"));
        }
        if rest.ends_with('-') {
            return Err(err("empty release after '-'"));
        }
        if version.contains(':') || release.contains(':') {
            return Err(err("more than one ':'"));
        }
        Ok(Self {
            epoch,
            version: version.into(),
            release: release.into(),
        })
    }
}

/// One step of `rpmvercmp`: what comes next in a string.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Segment<'a> {
    // Declaration order is the order at one position.
    Tilde,
    End,
    Caret,
    Letters(&'a [u8]),
    Digits(&'a [u8]),
}

fn next_segment<'a>(s: &'a [u8], i: &mut usize) -> Segment<'a> {
    while *i < s.len() && !(s[*i].is_ascii_alphanumeric() || s[*i] == b'~' || s[*i] == b'^') {
        *i += 1;
    }
    let Some(&c) = s.get(*i) else { return Segment::End };
    let start = *i;
    *i += 1;
    match c {
        b'~' => Segment::Tilde,
        b'^' => Segment::Caret,
        c if c.is_ascii_digit() => {
            while *i < s.len() && s[*i].is_ascii_digit() {
                *i += 1;
            }
            Segment::Digits(&s[start..*i])
        }
        _ => {
            while *i < s.len() && s[*i].is_ascii_alphabetic() {
                *i += 1;
            }
            Segment::Letters(&s[start..*i])
        }
    }
}

/// rpm's `rpmvercmp`, as a lexicographic comparison of segments.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    loop {
        let (x, y) = (next_segment(a, &mut i), next_segment(b, &mut j));
        let ord = match (&x, &y) {
            (Segment::Digits(p), Segment::Digits(q)) => cmp_digit_runs(p, q),
            _ => x.cmp(&y),
        };
        if ord != Ordering::Equal || x == Segment::End {
            return ord;
        }
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| rpmvercmp(self.release.as_bytes(), other.release.as_bytes()))
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        RpmVersion::parse(a).unwrap().cmp(&RpmVersion::parse(b).unwrap())
    }

    #[test]
    fn rpmvercmp_order() {
        let chain = [
            "1.0~rc1", "1.0~rc2", "1.0", "1.0^", "1.0^git1", "1.0^git2", "1.0a", "1.0.1", "1.1", "1:0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0", "1_0"), Ordering::Equal);
        assert_eq!(cmp("1.01", "1.1"), Ordering::Equal);
        assert_eq!(cmp("0:1.0-1", "1.0-1"), Ordering::Equal);
        assert_eq!(cmp("1.0-1.el8", "1.0-1.el8_2"), Ordering::Less);
        assert_eq!(
            cmp("2.4.37-43.module+el8.5.0", "2.4.37-43.module+el8.10.0"),
            Ordering::Less
        );
        assert_eq!(cmp("1.0~rc1^git1", "1.0~rc1"), Ordering::Greater);
        assert!(RpmVersion::parse("x:1").is_err());
        assert!(RpmVersion::parse("").is_err());
    }
}
