//! Ecosystems (named as OSV names them) and the ordering scheme each one uses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::VersionError;

/// How versions are ordered. Several ecosystems share one scheme (Ubuntu orders like Debian, Rocky
/// Linux like Red Hat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// SemVer 2.0 precedence (build metadata ignored), optional leading `v`.
    Semver,
    /// Go module versions: SemVer with a `v` prefix (optional here), `+incompatible`, pseudo-versions.
    Go,
    /// npm: SemVer with node-semver's tolerance for a leading `v` or `=`.
    Npm,
    /// PEP 440, with legacy (non-PEP 440) strings ordered before every valid version.
    Pep440,
    /// Maven's ComparableVersion rules.
    Maven,
    /// NuGet: SemVer 2 with up to four numeric parts and case-insensitive pre-release labels.
    NuGet,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// Debian policy ordering (dpkg): epoch, upstream, revision; `~` sorts before everything.
    Debian,
    /// RPM ordering (rpmvercmp) with epoch, `~` and `^`.
    Rpm,
    /// Alpine apk ordering.
    Alpine,
    /// Composer's normalised versions compared with PHP's `version_compare` rules.
    Packagist,
    /// Generic vendor versions (appliances, operating systems).
    Generic,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Semver => "SemVer",
            Self::Go => "Go",
            Self::Npm => "npm",
            Self::Pep440 => "PEP 440",
            Self::Maven => "Maven",
            Self::NuGet => "NuGet",
            Self::RubyGems => "RubyGems",
            Self::Debian => "Debian",
            Self::Rpm => "RPM",
            Self::Alpine => "Alpine",
            Self::Packagist => "Packagist",
            Self::Generic => "generic",
        };
        f.write_str(name)
    }
}

macro_rules! ecosystems {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal => $scheme:ident ),+ $(,)?) => {
        /// A package ecosystem, named exactly as the OSV schema names it (plus [`Ecosystem::Generic`]
        /// for vendor and operating-system versions that no OSV ecosystem covers).
        ///
        /// Parsing accepts OSV's optional `:<suffix>` (for example `Debian:12`, `Alpine:v3.18`,
        /// `Red Hat:rhel_aus:8.4::appstream`); the suffix scopes a release and does not change the
        /// ordering, so it is dropped here (see [`Ecosystem::split_release`] to keep it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Ecosystem {
            $( $(#[$doc])* $variant, )+
        }

        impl Ecosystem {
            /// Every ecosystem this crate knows, in declaration order.
            pub const ALL: &'static [Ecosystem] = &[$(Ecosystem::$variant),+];

            /// The OSV name of the ecosystem (without release suffix).
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)+ }
            }

            /// The ordering scheme used for versions of this ecosystem.
            pub fn scheme(self) -> Scheme {
                match self { $(Self::$variant => Scheme::$scheme,)+ }
            }
        }
    };
}

ecosystems! {
    /// Rust crates.
    CratesIo = "crates.io" => Semver,
    /// Go modules.
    Go = "Go" => Go,
    /// npm packages.
    Npm = "npm" => Npm,
    /// Python packages.
    PyPI = "PyPI" => Pep440,
    /// Maven artifacts.
    Maven = "Maven" => Maven,
    /// NuGet packages.
    NuGet = "NuGet" => NuGet,
    /// Ruby gems.
    RubyGems = "RubyGems" => RubyGems,
    /// Composer packages.
    Packagist = "Packagist" => Packagist,
    /// Erlang/Elixir packages (SemVer).
    Hex = "Hex" => Semver,
    /// Dart packages (SemVer).
    Pub = "Pub" => Semver,
    /// Swift packages (SemVer tags).
    SwiftURL = "SwiftURL" => Semver,
    /// Debian source packages.
    Debian = "Debian" => Debian,
    /// Ubuntu source packages (Debian ordering).
    Ubuntu = "Ubuntu" => Debian,
    /// Alpine packages.
    Alpine = "Alpine" => Alpine,
    /// Wolfi packages (apk ordering).
    Wolfi = "Wolfi" => Alpine,
    /// Chainguard packages (apk ordering).
    Chainguard = "Chainguard" => Alpine,
    /// MinimOS packages (apk ordering).
    MinimOS = "MinimOS" => Alpine,
    /// Red Hat RPMs.
    RedHat = "Red Hat" => Rpm,
    /// Rocky Linux RPMs.
    RockyLinux = "Rocky Linux" => Rpm,
    /// AlmaLinux RPMs.
    AlmaLinux = "AlmaLinux" => Rpm,
    /// openSUSE RPMs.
    OpenSuse = "openSUSE" => Rpm,
    /// SUSE RPMs.
    Suse = "SUSE" => Rpm,
    /// Mageia RPMs.
    Mageia = "Mageia" => Rpm,
    /// openEuler RPMs.
    OpenEuler = "openEuler" => Rpm,
    /// Photon OS RPMs.
    PhotonOs = "Photon OS" => Rpm,
    /// R packages (numeric parts separated by `.` or `-`; generic ordering).
    Cran = "CRAN" => Generic,
    /// Bioconductor R packages (generic ordering).
    Bioconductor = "Bioconductor" => Generic,
    /// Haskell packages (numeric dotted versions; generic ordering).
    Hackage = "Hackage" => Generic,
    /// Vendor, appliance and operating-system versions (`13.1-49.13`, `10.0.19045`, `22.7R2.1`).
    Generic = "Generic" => Generic,
}

impl Ecosystem {
    /// Splits an OSV ecosystem string into the ecosystem and its optional release suffix:
    /// `Debian:12` gives `(Debian, Some("12"))`.
    pub fn split_release(text: &str) -> Result<(Self, Option<&str>), VersionError> {
        let (base, release) = match text.split_once(':') {
            Some((base, release)) => (base, Some(release)),
            None => (text, None),
        };
        let base = base.trim();
        let found = Self::ALL
            .iter()
            .find(|eco| eco.name() == base)
            .or_else(|| Self::ALL.iter().find(|eco| eco.name().eq_ignore_ascii_case(base)));
        match found {
            Some(eco) => Ok((*eco, release)),
            None => Err(VersionError::UnknownEcosystem(crate::error::echo(text))),
        }
    }
}

impl FromStr for Ecosystem {
    type Err = VersionError;

    /// Parses an OSV ecosystem name (exact spelling, or the same letters in another case), with an
    /// optional `:<release>` suffix that is dropped.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::split_release(text).map(|(eco, _)| eco)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Ecosystem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Ecosystem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for eco in Ecosystem::ALL {
            assert_eq!(eco.name().parse::<Ecosystem>(), Ok(*eco));
        }
    }

    #[test]
    fn release_suffixes_are_split_off() {
        assert_eq!(
            Ecosystem::split_release("Debian:12"),
            Ok((Ecosystem::Debian, Some("12")))
        );
        assert_eq!(
            Ecosystem::split_release("Alpine:v3.18"),
            Ok((Ecosystem::Alpine, Some("v3.18")))
        );
        assert_eq!("Red Hat:rhel_aus:8.4::appstream".parse(), Ok(Ecosystem::RedHat));
        assert_eq!(
            "Ubuntu:22.04:LTS".parse::<Ecosystem>().map(Ecosystem::scheme),
            Ok(Scheme::Debian)
        );
        assert_eq!("pypi".parse(), Ok(Ecosystem::PyPI));
        assert!(matches!(
            "Nonsense".parse::<Ecosystem>(),
            Err(VersionError::UnknownEcosystem(_))
        ));
    }
}
