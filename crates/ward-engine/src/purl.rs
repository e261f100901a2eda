//! Package URLs: parsing, normalisation per the purl specification, and the link from a purl type to
//! the OSV ecosystem whose advisories apply to it.
//!
//! Parsing follows the specification's order: `pkg:` scheme, `#subpath`, `?qualifiers`, `@version`,
//! then `type/namespace/name`, each segment percent-decoded. One tolerance: the `@` of an npm scope
//! may be written literally (`pkg:npm/@babel/core@7.0.0`), as many real SBOMs do; an `@` counts as
//! the version separator only when it comes after the last `/`.
//!
//! Normalisation ([`Purl::normalised`]) applies the spec's rules: the type is lower-cased; qualifier
//! keys are lower-cased and sorted, empty qualifiers dropped; and per type:
//!
//! | type | rule |
//! |---|---|
//! | `pypi` | name lower-cased, runs of `_`, `-`, `.` become one `-` (PEP 503) |
//! | `npm`, `composer`, `github`, `bitbucket`, `hex`, `pub`, `apk`, `deb`, `golang` namespace host | lower-cased |
//! | `nuget` | name lower-cased (NuGet ids are case-insensitive) |
//! | `maven`, `gem`, `cargo`, `golang` path, `rpm`, `swift`, `conan` | case kept (case-sensitive registries) |
//!
//! Vendor namespaces of OS packages (`deb/debian`, `rpm/redhat`, `apk/alpine`) are lower-cased too.
//! Normalising twice gives the same result (property-tested).
//!
//! The package name used for matching ([`package_name`]) is the name as OSV writes it: Maven
//! `group:artifact`, npm `@scope/name`, Go and Composer `namespace/name`; [`normalise_package_name`]
//! applies the same per-ecosystem rules to advisory package names so both sides meet.

use std::collections::BTreeMap;
use std::fmt;

use ward_versions::Ecosystem;

/// Why a string is not a package URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL {input:?}: {reason}")]
pub struct PurlError {
    /// The input (cut to 200 characters).
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl PurlError {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input.chars().take(200).collect(),
            reason: reason.into(),
        }
    }
}

/// A parsed package URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    /// The package type (`npm`, `maven`, ...), lower-cased.
    pub ty: String,
    /// The namespace segments joined with `/`, decoded (`@babel`, `org.apache.logging.log4j`).
    pub namespace: Option<String>,
    /// The name, decoded.
    pub name: String,
    /// The version, decoded.
    pub version: Option<String>,
    /// Qualifiers by lower-cased key, decoded.
    pub qualifiers: BTreeMap<String, String>,
    /// The subpath, decoded, without leading or trailing `/`.
    pub subpath: Option<String>,
}

impl Purl {
    /// Parses a package URL (not yet normalised beyond the type's case; see [`Purl::normalised`]).
    pub fn parse(input: &str) -> Result<Self, PurlError> {
        let text = input.trim();
        let Some(rest) = text
            .get(..4)
            .filter(|s| s.eq_ignore_ascii_case("pkg:"))
            .map(|_| &text[4..])
        else {
            return Err(PurlError::new(input, "must start with 'pkg:'"));
        };
        let rest = rest.trim_start_matches('/');
        let (rest, subpath) = match rest.split_once('#') {
            Some((r, s)) => (r, Some(s)),
            None => (rest, None),
        };
        let (rest, qualifiers) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (rest, version) = match (rest.rfind('@'), rest.rfind('/')) {
            (Some(at), slash) if slash.is_none_or(|s| at > s) => (&rest[..at], Some(&rest[at + 1..])),
            _ => (rest, None),
        };
        let Some((ty, path)) = rest.split_once('/') else {
            return Err(PurlError::new(input, "needs a type and a name (pkg:type/name)"));
        };
        let ty = ty.to_ascii_lowercase();
        if ty.is_empty()
            || !ty
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
        {
            return Err(PurlError::new(input, format!("type {ty:?} is not valid")));
        }
        let mut segments = Vec::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            segments.push(decode(segment).map_err(|r| PurlError::new(input, r))?);
        }
        let Some(name) = segments.pop() else {
            return Err(PurlError::new(input, "the name is empty"));
        };
        let namespace = (!segments.is_empty()).then(|| segments.join("/"));
        let version = match version {
            Some(v) if !v.is_empty() => Some(decode(v).map_err(|r| PurlError::new(input, r))?),
            Some(_) => return Err(PurlError::new(input, "the version after '@' is empty")),
            None => None,
        };
        let mut parsed_qualifiers = BTreeMap::new();
        for pair in qualifiers
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter(|p| !p.is_empty())
        {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(PurlError::new(
                    input,
                    format!("qualifier {pair:?} is not key=value"),
                ));
            };
            let value = decode(value).map_err(|r| PurlError::new(input, r))?;
            if !value.is_empty() {
                parsed_qualifiers.insert(key.to_ascii_lowercase(), value);
            }
        }
        let subpath = match subpath {
            Some(s) => {
                let mut parts = Vec::new();
                for part in s.split('/').filter(|p| !p.is_empty() && *p != "." && *p != "..") {
                    parts.push(decode(part).map_err(|r| PurlError::new(input, r))?);
                }
                (!parts.is_empty()).then(|| parts.join("/"))
            }
            None => None,
        };
        Ok(Self {
            ty,
            namespace,
            name,
            version,
            qualifiers: parsed_qualifiers,
            subpath,
        })
    }

    /// This purl normalised per the specification and its type's rules (see the module docs).
    pub fn normalised(mut self) -> Self {
        let lower = |s: &mut String| *s = s.to_lowercase();
        match self.ty.as_str() {
            "pypi" => self.name = pep503(&self.name),
            "npm" | "composer" | "github" | "bitbucket" | "hex" | "pub" | "apk" | "deb" => {
                self.namespace.as_mut().map(lower);
                lower(&mut self.name);
            }
            "nuget" => lower(&mut self.name),
            "rpm" | "alpm" | "qpkg" => {
                self.namespace.as_mut().map(lower);
            }
            "golang" => {
                // The host part of a module path is case-insensitive; the rest is not.
                if let Some(ns) = self.namespace.as_mut() {
                    let (host, rest) = ns.split_once('/').unwrap_or((ns.as_str(), ""));
                    let host = host.to_lowercase();
                    *ns = if rest.is_empty() {
                        host
                    } else {
                        format!("{host}/{rest}")
                    };
                }
            }
            _ => {}
        }
        self
    }

    /// The OSV ecosystem whose advisories apply to this purl, when Ward knows one (see [`osv_ecosystem`]).
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        osv_ecosystem(&self.ty, self.namespace.as_deref())
    }

    /// The OSV-style package name of this purl (see [`package_name`]).
    pub fn package_name(&self) -> String {
        package_name(&self.ty, self.namespace.as_deref(), &self.name)
    }

    /// The same purl without version, qualifiers or subpath: the package, not one release of it.
    pub fn without_version(&self) -> Self {
        Self {
            ty: self.ty.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            version: None,
            qualifiers: BTreeMap::new(),
            subpath: None,
        }
    }
}

impl fmt::Display for Purl {
    /// The canonical string form: percent-encoded segments, sorted qualifiers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(ns) = &self.namespace {
            for segment in ns.split('/') {
                write!(f, "{}/", encode(segment, false))?;
            }
        }
        f.write_str(&encode(&self.name, false))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", encode(v, false))?;
        }
        for (i, (k, v)) in self.qualifiers.iter().enumerate() {
            write!(f, "{}{k}={}", if i == 0 { '?' } else { '&' }, encode(v, true))?;
        }
        if let Some(s) = &self.subpath {
            write!(f, "#{}", encode(s, true))?;
        }
        Ok(())
    }
}

/// Parses and normalises `input`, returning the canonical string.
pub fn normalise(input: &str) -> Result<String, PurlError> {
    Ok(Purl::parse(input)?.normalised().to_string())
}

/// The OSV ecosystem for a purl type (and, for OS packages, its vendor namespace).
///
/// `pypi`→PyPI, `cargo`→crates.io, `golang`→Go, `npm`→npm, `maven`→Maven, `nuget`→NuGet,
/// `gem`→RubyGems, `composer`→Packagist, `hex`→Hex, `pub`→Pub, `swift`→SwiftURL, `cran`→CRAN,
/// `hackage`→Hackage, `deb/debian`→Debian, `deb/ubuntu`→Ubuntu, `rpm/redhat`→Red Hat,
/// `rpm/rocky-linux`→Rocky Linux, `rpm/almalinux`→AlmaLinux, `rpm/opensuse`→openSUSE, `rpm/suse`→SUSE,
/// `rpm/mageia`→Mageia, `rpm/openeuler`→openEuler, `rpm/photon`→Photon OS, `apk/alpine`→Alpine,
/// `apk/wolfi`→Wolfi, `apk/chainguard`→Chainguard, `apk/minimos`→MinimOS. Anything else: `None`.
pub fn osv_ecosystem(ty: &str, namespace: Option<&str>) -> Option<Ecosystem> {
    let ns = namespace.map(str::to_ascii_lowercase);
    let ns = ns.as_deref();
    Some(match ty.to_ascii_lowercase().as_str() {
        "pypi" => Ecosystem::PyPI,
        "cargo" => Ecosystem::CratesIo,
        "golang" => Ecosystem::Go,
        "npm" => Ecosystem::Npm,
        "maven" => Ecosystem::Maven,
        "nuget" => Ecosystem::NuGet,
        "gem" => Ecosystem::RubyGems,
        "composer" => Ecosystem::Packagist,
        "hex" => Ecosystem::Hex,
        "pub" => Ecosystem::Pub,
        "swift" => Ecosystem::SwiftURL,
        "cran" => Ecosystem::Cran,
        "hackage" => Ecosystem::Hackage,
        "deb" => match ns? {
            "debian" => Ecosystem::Debian,
            "ubuntu" => Ecosystem::Ubuntu,
            _ => return None,
        },
        "rpm" => match ns? {
            "redhat" => Ecosystem::RedHat,
            "rocky-linux" | "rocky" => Ecosystem::RockyLinux,
            "almalinux" => Ecosystem::AlmaLinux,
            "opensuse" => Ecosystem::OpenSuse,
            "suse" | "sles" => Ecosystem::Suse,
            "mageia" => Ecosystem::Mageia,
            "openeuler" => Ecosystem::OpenEuler,
            "photon" => Ecosystem::PhotonOs,
            _ => return None,
        },
        "apk" => match ns? {
            "alpine" => Ecosystem::Alpine,
            "wolfi" => Ecosystem::Wolfi,
            "chainguard" => Ecosystem::Chainguard,
            "minimos" => Ecosystem::MinimOS,
            _ => return None,
        },
        _ => return None,
    })
}

/// The package name as OSV writes it, from purl parts: Maven `group:artifact`, npm `@scope/name`,
/// Go, Composer, Swift `namespace/name`; OS packages and the rest: the bare name (their namespace
/// is a vendor or distribution, not part of the name).
pub fn package_name(ty: &str, namespace: Option<&str>, name: &str) -> String {
    match (ty, namespace) {
        ("maven", Some(ns)) => format!("{ns}:{name}"),
        ("npm", Some(ns)) if ns.starts_with('@') => format!("{ns}/{name}"),
        ("npm", Some(ns)) => format!("@{ns}/{name}"),
        (
            "golang" | "composer" | "swift" | "github" | "bitbucket" | "githubactions" | "generic" | "docker",
            Some(ns),
        ) => {
            format!("{ns}/{name}")
        }
        _ => name.to_owned(),
    }
}

/// Normalises an OSV package name of `ecosystem` so that it equals the name derived from a
/// normalised purl: PyPI by PEP 503, npm, NuGet, Packagist, Hex and Pub lower-cased, the rest as
/// written.
pub fn normalise_package_name(ecosystem: Ecosystem, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::Npm | Ecosystem::NuGet | Ecosystem::Packagist | Ecosystem::Hex | Ecosystem::Pub => {
            name.to_lowercase()
        }
        Ecosystem::Go => match name.split_once('/') {
            Some((host, rest)) => format!("{}/{rest}", host.to_lowercase()),
            None => name.to_owned(),
        },
        _ => name.to_owned(),
    }
}

/// PEP 503 name normalisation: lower case, every run of `-`, `_`, `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// Percent-decodes one component; invalid escapes and non-UTF-8 results are errors.
fn decode(text: &str) -> Result<String, String> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(byte) = hex else {
                return Err(format!("bad percent escape in {text:?}"));
            };
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} does not decode to UTF-8"))
}

/// Percent-encodes what the canonical form must encode; `/` is kept inside qualifier values and
/// subpaths when `keep_slash` is set.
fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let plain = byte.is_ascii_alphanumeric()
            || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':' | b'+')
            || (keep_slash && byte == b'/');
        if plain {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalise(text).unwrap()
    }

    #[test]
    fn parses_components() {
        let p =
            Purl::parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar&classifier=").unwrap();
        assert_eq!(p.ty, "maven");
        assert_eq!(p.namespace.as_deref(), Some("org.apache.logging.log4j"));
        assert_eq!(p.name, "log4j-core");
        assert_eq!(p.version.as_deref(), Some("2.14.1"));
        assert_eq!(p.qualifiers.len(), 1, "empty qualifier values are dropped");
        assert_eq!(p.package_name(), "org.apache.logging.log4j:log4j-core");
        assert_eq!(p.ecosystem(), Some(Ecosystem::Maven));
    }

    #[test]
    fn npm_scopes_encoded_or_literal() {
        for text in ["pkg:npm/%40Babel/Core@7.0.0", "pkg:npm/@babel/core@7.0.0"] {
            let p = Purl::parse(text).unwrap().normalised();
            assert_eq!(p.package_name(), "@babel/core", "{text}");
            assert_eq!(p.version.as_deref(), Some("7.0.0"));
            assert_eq!(p.to_string(), "pkg:npm/%40babel/core@7.0.0");
        }
        let unversioned = Purl::parse("pkg:npm/@angular/animation").unwrap();
        assert_eq!(unversioned.version, None);
        assert_eq!(unversioned.namespace.as_deref(), Some("@angular"));
    }

    #[test]
    fn per_type_case_rules() {
        assert_eq!(
            n("pkg:PyPI/Django_REST.framework@3.0"),
            "pkg:pypi/django-rest-framework@3.0"
        );
        assert_eq!(
            n("pkg:nuget/Newtonsoft.Json@13.0.1"),
            "pkg:nuget/newtonsoft.json@13.0.1"
        );
        assert_eq!(n("pkg:maven/Org.Foo/Bar@1"), "pkg:maven/Org.Foo/Bar@1");
        assert_eq!(n("pkg:gem/Rails@7"), "pkg:gem/Rails@7");
        assert_eq!(
            n("pkg:golang/GitHub.com/Sirupsen/logrus@v1.0.0"),
            "pkg:golang/github.com/Sirupsen/logrus@v1.0.0"
        );
        assert_eq!(
            n("pkg:composer/Laravel/Framework@7.12.0"),
            "pkg:composer/laravel/framework@7.12.0"
        );
        assert_eq!(
            n("pkg:deb/Debian/openssl@3.0.11-1?distro=debian-12&Arch=amd64"),
            "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12"
        );
    }

    #[test]
    fn ecosystems_follow_the_type_and_vendor() {
        let eco = |t: &str| Purl::parse(t).unwrap().ecosystem();
        assert_eq!(eco("pkg:cargo/serde@1"), Some(Ecosystem::CratesIo));
        assert_eq!(eco("pkg:deb/debian/curl@7"), Some(Ecosystem::Debian));
        assert_eq!(eco("pkg:rpm/redhat/openssl@3"), Some(Ecosystem::RedHat));
        assert_eq!(eco("pkg:apk/alpine/musl@1"), Some(Ecosystem::Alpine));
        assert_eq!(eco("pkg:gem/rack@2"), Some(Ecosystem::RubyGems));
        assert_eq!(eco("pkg:deb/kali/curl@7"), None);
        assert_eq!(eco("pkg:generic/openssl@3"), None);
    }

    #[test]
    fn advisory_names_meet_purl_names() {
        assert_eq!(
            normalise_package_name(Ecosystem::PyPI, "Flask_Cors"),
            "flask-cors"
        );
        assert_eq!(
            normalise_package_name(Ecosystem::NuGet, "System.Text.Json"),
            "system.text.json"
        );
        assert_eq!(normalise_package_name(Ecosystem::Maven, "org.X:y"), "org.X:y");
        let p = Purl::parse("pkg:pypi/flask.cors@3").unwrap().normalised();
        assert_eq!(
            p.package_name(),
            normalise_package_name(Ecosystem::PyPI, "Flask_Cors")
        );
    }

    #[test]
    fn rejects_bad_input_with_reasons() {
        for bad in [
            "npm/lodash@1",
            "pkg:",
            "pkg:npm",
            "pkg:npm/",
            "pkg:npm/a%zz",
            "pkg:npm/a@",
            "pkg:n$m/a",
        ] {
            let err = Purl::parse(bad).unwrap_err();
            assert!(!err.reason.is_empty(), "{bad}");
        }
        assert!(
            Purl::parse("pkg:npm/a?x")
                .unwrap_err()
                .reason
                .contains("key=value")
        );
    }

    #[test]
    fn round_trips_encoded_characters() {
        let p = Purl::parse("pkg:generic/my%20tool@1.0%2Bbuild#sub/dir/").unwrap();
        assert_eq!(p.name, "my tool");
        assert_eq!(p.version.as_deref(), Some("1.0+build"));
        assert_eq!(p.subpath.as_deref(), Some("sub/dir"));
        let again = Purl::parse(&p.to_string()).unwrap();
        assert_eq!(again, p);
    }
}
