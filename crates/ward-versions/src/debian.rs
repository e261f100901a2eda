//! Debian (and Ubuntu) package versions, ordered as Debian policy §5.6.12 and dpkg define.
//!
//! `[epoch:]upstream_version[-debian_revision]`: the epoch is a number (default 0), the revision is
//! everything after the last hyphen (default empty, which equals `0`). Epochs compare numerically;
//! upstream versions and then revisions compare with dpkg's algorithm: alternately a non-digit run,
//! compared character by character where `~` sorts before everything (even the end), the end sorts
//! before letters, and letters sort before other characters; then a digit run, compared numerically.

use std::cmp::Ordering;

use crate::digits::cmp_digit_runs;
use crate::{Scheme, VersionError};

/// A Debian package version.
#[derive(Debug, Clone)]
pub struct DebianVersion {
    epoch: u64,
    upstream: Box<str>,
    revision: Box<str>,
}

impl DebianVersion {
    /// Parses a Debian version. The upstream part must be non-empty and use only alphanumerics and
    /// `.+-~:` (a hyphen only when there is a revision); the revision only alphanumerics and `.+~`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: &str| VersionError::invalid(Scheme::Debian, input, reason);
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
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(err("empty upstream version"));
        }
        if rest.ends_with('-') {
            return Err(err("empty revision after '-'"));
        }
        if !upstream
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".+-~:".contains(&c))
        {
            return Err(err("upstream version has characters outside [A-Za-z0-9.+~:-]"));
        }
        if !revision
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".+~".contains(&c))
        {
            return Err(err("revision has characters outside [A-Za-z0-9.+~]"));
        }
        Ok(Self {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        })
    }
}

/// dpkg's character weight in a non-digit run: `~` < end < letters < everything else.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            // Both characters are non-digits of equal weight, so neither side is at its end.
            i = (i + 1).min(a.len());
            j = (j + 1).min(b.len());
        }
        let start_a = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let start_b = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let ord = cmp_digit_runs(&a[start_a..i], &b[start_b..j]);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

impl Ord for DebianVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DebianVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DebianVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DebianVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        DebianVersion::parse(a)
            .unwrap()
            .cmp(&DebianVersion::parse(b).unwrap())
    }

    #[test]
    fn dpkg_order() {
        let chain = [
            "1.0~~",
            "1.0~~a",
            "1.0~",
            "1.0~rc1",
            "1.0",
            "1.0-0.1",
            "1.0-1",
            "1.0-1ubuntu0.1",
            "1.0-2",
            "1.0a",
            "1.0+dfsg",
            "1.0.1",
            "1.1",
            "1:0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("0:1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.01", "1.1"), Ordering::Equal);
        assert_eq!(cmp("2.30-1", "2.4-1"), Ordering::Greater);
        assert_eq!(cmp("1:2.30.2-1+deb11u1", "1:2.30.2-1+deb11u2"), Ordering::Less);
        assert!(DebianVersion::parse("a:1.0").is_err());
        assert!(DebianVersion::parse("1.0-").is_err());
        assert!(DebianVersion::parse("1.0 beta").is_err());
        assert!(DebianVersion::parse(":1").is_err());
    }
}
