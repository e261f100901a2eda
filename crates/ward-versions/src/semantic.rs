//! SemVer 2.0 versions (crates.io, Hex, Pub, SwiftURL, OSV `SEMVER` ranges) and Go module versions.

use std::cmp::Ordering;

use crate::{Scheme, VersionError};

/// A SemVer 2.0 version ordered by precedence (section 11 of the specification): build metadata is
/// kept but ignored, so `1.0.0+a` and `1.0.0+b` are equal.
#[derive(Debug, Clone)]
pub struct SemverVersion {
    inner: semver::Version,
}

impl SemverVersion {
    /// Parses a strict SemVer 2.0 version; one leading `v` or `V` is tolerated (Swift and GitHub tags).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        parse_semver(Scheme::Semver, input, strip_v(input.trim()))
    }

    /// The underlying `semver` value.
    pub fn as_semver(&self) -> &semver::Version {
        &self.inner
    }

    pub(crate) fn from_semver(inner: semver::Version) -> Self {
        Self { inner }
    }
}

pub(crate) fn strip_v(text: &str) -> &str {
    text.strip_prefix(['v', 'V']).unwrap_or(text)
}

pub(crate) fn parse_semver(
    scheme: Scheme,
    original: &str,
    text: &str,
) -> Result<SemverVersion, VersionError> {
    semver::Version::parse(text)
        .map(SemverVersion::from_semver)
        .map_err(|err| VersionError::invalid(scheme, original, err.to_string()))
}

impl Ord for SemverVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.inner, &other.inner);
        a.major
            .cmp(&b.major)
            .then(a.minor.cmp(&b.minor))
            .then(a.patch.cmp(&b.patch))
            .then_with(|| a.pre.cmp(&b.pre))
    }
}

impl PartialOrd for SemverVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemverVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemverVersion {}

/// The parts of a Go pseudo-version (`v0.0.0-20191109021931-daa7c04131f5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoPseudo {
    /// The commit time, `yyyymmddhhmmss` (UTC).
    pub timestamp: String,
    /// The 12-character abbreviated commit hash.
    pub revision: String,
}

/// A Go module version.
///
/// Go orders module versions by SemVer precedence; the `v` prefix is required by Go but OSV omits it,
/// so both spellings are accepted. `vMAJOR` and `vMAJOR.MINOR` are shorthands for `.0` (as in
/// `golang.org/x/mod/semver`), and `+incompatible` (like any build metadata) does not affect the order.
/// Pseudo-versions need no special rule: their pre-release fields (`0.yyyymmddhhmmss-hash`) sort after
/// the base version's pre-releases, before the next release, and by commit time among themselves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoVersion {
    semver: SemverVersion,
}

impl GoVersion {
    /// Parses a Go module version, with or without the `v` prefix.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let text = strip_v(input.trim());
        let core_end = text.find(['-', '+']).unwrap_or(text.len());
        let dots = text[..core_end].matches('.').count();
        let padded;
        let text = match dots {
            0 if core_end == text.len() => {
                padded = format!("{text}.0.0");
                padded.as_str()
            }
            1 if core_end == text.len() => {
                padded = format!("{text}.0");
                padded.as_str()
            }
            _ => text,
        };
        parse_semver(Scheme::Go, input, text).map(|semver| Self { semver })
    }

    /// Whether the version carries `+incompatible` (a v2+ module without a `/vN` path).
    pub fn is_incompatible(&self) -> bool {
        self.semver.inner.build.as_str() == "incompatible"
    }

    /// The timestamp and revision when this is a pseudo-version, `None` otherwise.
    pub fn pseudo(&self) -> Option<GoPseudo> {
        let pre = self.semver.inner.pre.as_str();
        // The last dot-separated identifier (or the whole pre-release) is `timestamp-revision`.
        let tail = pre.rsplit('.').next().unwrap_or(pre);
        let (timestamp, revision) = tail.split_once('-')?;
        let is_pseudo = timestamp.len() == 14
            && timestamp.bytes().all(|c| c.is_ascii_digit())
            && revision.len() == 12
            && revision
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        // `vX.0.0-ts-hash` has nothing before; the other two forms end in `.0.ts-hash` / `0.ts-hash`.
        let prefix_ok = tail.len() == pre.len() || pre[..pre.len() - tail.len()].ends_with("0.");
        (is_pseudo && prefix_ok).then(|| GoPseudo {
            timestamp: timestamp.to_owned(),
            revision: revision.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn semver_cmp(a: &str, b: &str) -> Ordering {
        SemverVersion::parse(a)
            .unwrap()
            .cmp(&SemverVersion::parse(b).unwrap())
    }

    #[test]
    fn semver_precedence_follows_section_11() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(semver_cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(semver_cmp("1.0.0+build.1", "1.0.0+build.2"), Ordering::Equal);
        assert_eq!(semver_cmp("v1.2.3", "1.2.3"), Ordering::Equal);
        assert!(SemverVersion::parse("1.2").is_err());
        assert!(SemverVersion::parse("01.2.3").is_err());
    }

    #[test]
    fn go_pseudo_versions_are_recognised() {
        let plain = GoVersion::parse("v0.0.0-20191109021931-daa7c04131f5").unwrap();
        assert_eq!(
            plain.pseudo().map(|p| p.timestamp),
            Some("20191109021931".to_owned())
        );
        let after_release = GoVersion::parse("v1.2.4-0.20191109021931-daa7c04131f5").unwrap();
        assert!(after_release.pseudo().is_some());
        let after_pre = GoVersion::parse("v1.2.4-pre.0.20191109021931-daa7c04131f5").unwrap();
        assert!(after_pre.pseudo().is_some());
        assert!(GoVersion::parse("v1.2.4-rc.1").unwrap().pseudo().is_none());
        assert!(GoVersion::parse("v2.0.0+incompatible").unwrap().is_incompatible());
        assert_eq!(GoVersion::parse("v1"), GoVersion::parse("1.0.0"));
        assert_eq!(GoVersion::parse("v1.2"), GoVersion::parse("v1.2.0"));
    }
}
