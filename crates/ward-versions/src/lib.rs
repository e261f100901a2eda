//! Version parsing, ordering and ranges per package ecosystem.
//!
//! - [`parse`] and [`compare`] order versions under the rules of an [`Ecosystem`] (OSV's names); each
//!   scheme lives in its own module and documents its rules: [`semantic`] (SemVer and Go), [`npm`]
//!   (versions and node-semver ranges), [`pypi`] (PEP 440 with a legacy fallback), [`maven`],
//!   [`nuget`], [`rubygems`], [`debian`], [`rpm`], [`alpine`], [`packagist`] and [`generic`] (vendor
//!   and operating-system versions).
//! - [`osv`] evaluates OSV `affected` entries exactly as the OSV schema's evaluation pseudo-code does.
//! - [`vers`] evaluates purl `vers:` range specifiers.
//! - [`cpe`] evaluates NVD CPE match ranges.
//!
//! Every comparator is a total order (property-tested), so sorting never misbehaves, and no input
//! makes this crate panic (fuzzed): bad input is a [`VersionError`] that names it.
//!
//! Choices where a specification is silent or a reference tool is inconsistent, each documented in
//! its module:
//! - PyPI: legacy (non-PEP 440) strings sort before every valid version, among themselves as the
//!   Python `packaging` library's `LegacyVersion` (before 22.0) ordered them ([`pypi`]).
//! - Maven: the POM reference's version order specification, with Maven 3.9's `.qualifier` =
//!   `-qualifier`; groups emptied by normalisation vanish (`1-ga-1` = `1-1`) ([`maven`]).
//! - Alpine: apk-tools' token reading, compared as a strict lexicographic order; apk-tools 2's own
//!   comparison is not transitive around post-release suffixes ([`alpine`]).
//! - Packagist: Composer's four-part padding plus PHP `version_compare` ranks ([`packagist`]).
//! - Generic: numbers by value, words case-insensitively, words before numbers, end first ([`generic`]).
//! - OSV: at equal versions `fixed` replays before `introduced`, so adjacent intervals join ([`osv`]).
//! - `vers`: a range of only `!=` constraints contains nothing, as the specification's algorithm
//!   says ([`vers`]).

pub mod alpine;
pub mod cpe;
pub mod debian;
mod digits;
mod ecosystem;
mod error;
pub mod generic;
pub mod maven;
pub mod npm;
pub mod nuget;
pub mod osv;
pub mod packagist;
pub mod pypi;
pub mod rpm;
pub mod rubygems;
pub mod semantic;
pub mod vers;

use std::cmp::Ordering;
use std::fmt;

pub use cpe::CpeRange;
pub use ecosystem::{Ecosystem, Scheme};
pub use error::VersionError;
pub use osv::{OsvAffected, OsvEvent, OsvRange, RangeKind, osv_affects};
pub use vers::{VersRange, vers_contains};

/// A parsed version of one scheme, ordered by that scheme's rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Parsed {
    Semver(semantic::SemverVersion),
    Go(semantic::GoVersion),
    Npm(npm::NpmVersion),
    Pypi(pypi::PypiVersion),
    Maven(maven::MavenVersion),
    NuGet(nuget::NugetVersion),
    RubyGems(rubygems::GemVersion),
    Debian(debian::DebianVersion),
    Rpm(rpm::RpmVersion),
    Alpine(alpine::ApkVersion),
    Packagist(packagist::ComposerVersion),
    Generic(generic::GenericVersion),
}

impl Parsed {
    fn parse(scheme: Scheme, text: &str) -> Result<Self, VersionError> {
        Ok(match scheme {
            Scheme::Semver => Self::Semver(semantic::SemverVersion::parse(text)?),
            Scheme::Go => Self::Go(semantic::GoVersion::parse(text)?),
            Scheme::Npm => Self::Npm(npm::NpmVersion::parse(text)?),
            Scheme::Pep440 => Self::Pypi(pypi::PypiVersion::parse(text)?),
            Scheme::Maven => Self::Maven(maven::MavenVersion::parse(text)?),
            Scheme::NuGet => Self::NuGet(nuget::NugetVersion::parse(text)?),
            Scheme::RubyGems => Self::RubyGems(rubygems::GemVersion::parse(text)?),
            Scheme::Debian => Self::Debian(debian::DebianVersion::parse(text)?),
            Scheme::Rpm => Self::Rpm(rpm::RpmVersion::parse(text)?),
            Scheme::Alpine => Self::Alpine(alpine::ApkVersion::parse(text)?),
            Scheme::Packagist => Self::Packagist(packagist::ComposerVersion::parse(text)?),
            Scheme::Generic => Self::Generic(generic::GenericVersion::parse(text)?),
        })
    }
}

/// A version of one ecosystem: the parsed form plus the original text.
///
/// Equality and order are those of the ecosystem's scheme: `1.0` and `1.0.0` are equal for PyPI and
/// Maven, while crates.io rejects `1.0` as invalid SemVer. Versions of different schemes are never equal; they are ordered by scheme first, which is arbitrary but total,
/// so that mixed collections still sort deterministically.
#[derive(Debug, Clone)]
pub struct Version {
    ecosystem: Ecosystem,
    original: Box<str>,
    parsed: Parsed,
}

impl Version {
    /// Parses `text` under the rules of `ecosystem`.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Self, VersionError> {
        Self::parse_with_scheme(ecosystem, ecosystem.scheme(), text)
    }

    /// Parses `text` under `scheme`, labelled with `ecosystem` (OSV `SEMVER` ranges of any ecosystem).
    pub(crate) fn parse_with_scheme(
        ecosystem: Ecosystem,
        scheme: Scheme,
        text: &str,
    ) -> Result<Self, VersionError> {
        Ok(Self {
            ecosystem,
            original: text.into(),
            parsed: Parsed::parse(scheme, text)?,
        })
    }

    /// The ecosystem the version was parsed for.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// The text the version was parsed from, unchanged.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    /// For PyPI: whether the version is a legacy (non-PEP 440) string.
    pub fn is_legacy(&self) -> bool {
        matches!(&self.parsed, Parsed::Pypi(v) if v.is_legacy())
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parsed == other.parsed
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed.cmp(&other.parsed)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

/// Parses `text` as a version of `ecosystem`.
pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Version, VersionError> {
    Version::parse(ecosystem, text)
}

/// Compares two versions of `ecosystem`.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(ecosystem, a)?.cmp(&parse(ecosystem, b)?))
}

/// Parses every line of `versions` and returns them sorted (stable for equal versions), or the first
/// error. Handy for `ward versions sort`.
pub fn sort<'a>(
    ecosystem: Ecosystem,
    versions: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Version>, VersionError> {
    let mut parsed = versions
        .into_iter()
        .map(|v| parse(ecosystem, v))
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort();
    Ok(parsed)
}
