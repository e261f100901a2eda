//! CPE names: the 2.3 formatted string (and the older 2.2 URI form that inventories still carry),
//! and matching of installed software against NVD `cpeMatch` criteria.
//!
//! # Parsing
//! `cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other`.
//! Fields are split on `:` not preceded by `\`; `*` alone is ANY, `-` alone is NA; `\x` escapes `x`;
//! an unescaped `*` or `?` inside a value is a wildcard. Values compare case-insensitively, so they are
//! stored lower-cased. Missing trailing fields are ANY. The 2.2 URI (`cpe:/a:vendor:product:1.0`) is
//! read with `%xx` decoding; empty fields are ANY.
//!
//! # Matching rule (the guard against ambiguous matches)
//! A software CPE matches a criterion when **the criterion names a concrete part, vendor and
//! product, and the software's part, vendor and product are equal to them** (wildcards in the
//! criterion's vendor or product are refused: NVD never needs them, and they would match across
//! vendors). The remaining attributes follow CPE name matching: a criterion attribute that is ANY
//! matches anything; NA matches only NA; a value (possibly with wildcards) matches an equal value, and
//! does not match a software attribute that is ANY (the software might be anything). The version is
//! then checked against the criterion's range bounds with [`ward_versions::CpeRange`] (generic vendor
//! ordering). A software version that is ANY or NA cannot be evaluated against bounds and is reported
//! as such, never assumed affected.
//!
//! Software known only by name is given a CPE only through a curated alias ([`crate::alias`]); a
//! product name alone never matches across vendors.

use std::fmt;

use ward_core::vuln::CpeMatch;
use ward_versions::{CpeRange, Ecosystem};

/// Why a string is not a CPE name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CPE {input:?}: {reason}")]
pub struct CpeError {
    /// The input (cut to 200 characters).
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl CpeError {
    fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input.chars().take(200).collect(),
            reason: reason.into(),
        }
    }
}

/// One attribute value of a CPE name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CpeValue {
    /// `*`: any value.
    Any,
    /// `-`: not applicable.
    Na,
    /// A value, unescaped and lower-cased; `wildcard` when it holds an unescaped `*` or `?`.
    Value {
        /// The text, unescaped, lower-cased.
        text: String,
        /// Whether the text contains wildcards (then `*` and `?` in `text` are wildcards).
        wildcard: bool,
    },
}

impl CpeValue {
    /// The text of a concrete value without wildcards.
    pub fn concrete(&self) -> Option<&str> {
        match self {
            Self::Value {
                text,
                wildcard: false,
            } => Some(text),
            _ => None,
        }
    }

    fn value(text: String) -> Self {
        Self::Value {
            text,
            wildcard: false,
        }
    }
}

impl fmt::Display for CpeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Na => f.write_str("-"),
            Self::Value { text, wildcard } => {
                for c in text.chars() {
                    let keep = c.is_ascii_alphanumeric() || c == '_' || (*wildcard && matches!(c, '*' | '?'));
                    if !keep {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            }
        }
    }
}

/// A parsed CPE name (all eleven attributes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpe {
    /// `a` (application), `o` (operating system) or `h` (hardware), or ANY.
    pub part: CpeValue,
    /// The vendor.
    pub vendor: CpeValue,
    /// The product.
    pub product: CpeValue,
    /// The version.
    pub version: CpeValue,
    /// update, edition, language, sw_edition, target_sw, target_hw, other.
    pub rest: [CpeValue; 7],
}

impl Cpe {
    /// Parses a CPE 2.3 formatted string or a CPE 2.2 URI.
    pub fn parse(input: &str) -> Result<Self, CpeError> {
        let text = input.trim();
        if let Some(rest) = strip_prefix_ci(text, "cpe:2.3:") {
            Self::parse_formatted(input, rest)
        } else if let Some(rest) = strip_prefix_ci(text, "cpe:/") {
            Self::parse_uri(input, rest)
        } else {
            Err(CpeError::new(input, "must start with 'cpe:2.3:' or 'cpe:/'"))
        }
    }

    fn parse_formatted(input: &str, rest: &str) -> Result<Self, CpeError> {
        let mut fields = Vec::with_capacity(11);
        let mut current = String::new();
        let mut wildcard = false;
        let mut chars = rest.chars();
        let mut raw = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(next) = chars.next() else {
                        return Err(CpeError::new(input, "ends with a lone backslash"));
                    };
                    current.extend(next.to_lowercase());
                    raw.push('\\');
                    raw.push(next);
                }
                ':' => {
                    fields.push(field_value(std::mem::take(&mut current), &raw, wildcard));
                    raw.clear();
                    wildcard = false;
                }
                '*' | '?' => {
                    wildcard = true;
                    current.push(c);
                    raw.push(c);
                }
                _ => {
                    current.extend(c.to_lowercase());
                    raw.push(c);
                }
            }
        }
        fields.push(field_value(current, &raw, wildcard));
        if fields.len() > 11 {
            return Err(CpeError::new(
                input,
                format!("has {} fields; at most 11", fields.len()),
            ));
        }
        Self::from_fields(input, fields)
    }

    fn parse_uri(input: &str, rest: &str) -> Result<Self, CpeError> {
        let mut fields = Vec::with_capacity(11);
        for field in rest.split(':') {
            let decoded = uri_decode(field).ok_or_else(|| CpeError::new(input, "bad %xx escape"))?;
            fields.push(match decoded.as_str() {
                "" | "*" => CpeValue::Any,
                "-" => CpeValue::Na,
                _ => CpeValue::value(decoded.to_lowercase()),
            });
        }
        if fields.len() > 7 {
            return Err(CpeError::new(input, "a CPE 2.2 URI has at most 7 fields"));
        }
        Self::from_fields(input, fields)
    }

    fn from_fields(input: &str, fields: Vec<CpeValue>) -> Result<Self, CpeError> {
        let mut fields = fields.into_iter();
        let mut next = || fields.next().unwrap_or(CpeValue::Any);
        let part = next();
        if let Some(p) = part.concrete()
            && !matches!(p, "a" | "o" | "h")
        {
            return Err(CpeError::new(input, format!("part {p:?} is not a, o or h")));
        }
        Ok(Self {
            part,
            vendor: next(),
            product: next(),
            version: next(),
            rest: std::array::from_fn(|_| next()),
        })
    }

    /// The (vendor, product) pair when both are concrete: the key of the inventory's CPE index.
    pub fn vendor_product(&self) -> Option<(&str, &str)> {
        Some((self.vendor.concrete()?, self.product.concrete()?))
    }

    /// The version text, when concrete.
    pub fn version_text(&self) -> Option<&str> {
        self.version.concrete()
    }

    /// A copy with the version replaced (aliases build a CPE for name-only software this way).
    pub fn with_version(&self, version: &str) -> Self {
        let mut copy = self.clone();
        copy.version = CpeValue::value(version.to_lowercase());
        copy
    }
}

impl fmt::Display for Cpe {
    /// The CPE 2.3 formatted string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cpe:2.3:{}:{}:{}:{}",
            self.part, self.vendor, self.product, self.version
        )?;
        for v in &self.rest {
            write!(f, ":{v}")?;
        }
        Ok(())
    }
}

fn field_value(text: String, raw: &str, wildcard: bool) -> CpeValue {
    match raw {
        "*" | "" => CpeValue::Any,
        "-" => CpeValue::Na,
        _ => CpeValue::Value { text, wildcard },
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

fn uri_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(text.get(i + 1..i + 3)?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The outcome of checking one software CPE against one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpeVerdict {
    /// The software matches the criterion, version range included.
    Matches,
    /// It does not.
    NoMatch,
    /// Vendor and product agree, but the version cannot be compared; the reason says why.
    CannotEvaluate(String),
}

/// A parsed NVD criterion with its version bounds.
#[derive(Debug, Clone)]
pub struct Criterion {
    /// The `criteria` CPE.
    pub cpe: Cpe,
    /// The version bounds.
    pub range: CpeRange,
    /// Whether matching software is vulnerable (`false`: a platform condition).
    pub vulnerable: bool,
}

impl Criterion {
    /// Parses an NVD `cpeMatch`. Criteria whose part, vendor or product is not concrete are refused
    /// (see the module's matching rule).
    pub fn from_match(m: &CpeMatch) -> Result<Self, CpeError> {
        let cpe = Cpe::parse(&m.criteria)?;
        if cpe.part.concrete().is_none() || cpe.vendor_product().is_none() {
            return Err(CpeError::new(
                &m.criteria,
                "part, vendor and product must be concrete for an unambiguous match",
            ));
        }
        Ok(Self {
            cpe,
            range: CpeRange {
                start_including: m.version_start_including.clone(),
                start_excluding: m.version_start_excluding.clone(),
                end_including: m.version_end_including.clone(),
                end_excluding: m.version_end_excluding.clone(),
            },
            vulnerable: m.vulnerable,
        })
    }

    /// Checks `software` against this criterion (see the module's matching rule).
    pub fn check(&self, software: &Cpe) -> CpeVerdict {
        let c = &self.cpe;
        if c.part != software.part || c.vendor != software.vendor || c.product != software.product {
            return CpeVerdict::NoMatch;
        }
        if !c
            .rest
            .iter()
            .zip(&software.rest)
            .all(|(a, b)| attribute_matches(a, b))
        {
            return CpeVerdict::NoMatch;
        }
        let constrained = c.version != CpeValue::Any || !self.range.is_unbounded();
        if constrained && software.version == CpeValue::Any {
            return CpeVerdict::CannotEvaluate("the software's CPE has no version (*)".to_owned());
        }
        if !attribute_matches(&c.version, &software.version) {
            return CpeVerdict::NoMatch;
        }
        if self.range.is_unbounded() {
            return CpeVerdict::Matches;
        }
        let Some(version) = software.version_text() else {
            return CpeVerdict::CannotEvaluate(format!(
                "the software's CPE version {} cannot be compared with a range",
                software.version
            ));
        };
        let version_check = self.range.contains_generic(version);
        match version_check {
            Ok(true) => CpeVerdict::Matches,
            Ok(false) => CpeVerdict::NoMatch,
            Err(e) => CpeVerdict::CannotEvaluate(e.to_string()),
        }
    }

    /// The first version outside the range above it (`versionEndExcluding`), when stated.
    pub fn fixed(&self) -> Option<&str> {
        self.range.end_excluding.as_deref()
    }

    /// The ecosystem used to compare versions: always the generic vendor ordering.
    pub fn ordering(&self) -> Ecosystem {
        Ecosystem::Generic
    }
}

/// CPE attribute comparison: criterion `source` against software `target`.
fn attribute_matches(source: &CpeValue, target: &CpeValue) -> bool {
    match (source, target) {
        (CpeValue::Any, _) => true,
        (CpeValue::Na, t) => *t == CpeValue::Na,
        (CpeValue::Value { .. }, CpeValue::Any | CpeValue::Na) => false,
        (
            CpeValue::Value {
                text,
                wildcard: false,
            },
            CpeValue::Value { text: t, .. },
        ) => text == t,
        (CpeValue::Value { text, wildcard: true }, CpeValue::Value { text: t, .. }) => glob(text, t),
    }
}

/// `*` matches any run (possibly empty), `?` exactly one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('?') => {
                pi += 1;
                ti += 1;
            }
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpe(text: &str) -> Cpe {
        Cpe::parse(text).unwrap()
    }

    fn criterion(criteria: &str, start: Option<&str>, end_excl: Option<&str>) -> Criterion {
        Criterion::from_match(&CpeMatch {
            criteria: criteria.into(),
            version_start_including: start.map(Into::into),
            version_start_excluding: None,
            version_end_including: None,
            version_end_excluding: end_excl.map(Into::into),
            vulnerable: true,
        })
        .unwrap()
    }

    #[test]
    fn parses_escapes_any_and_na() {
        let c = cpe("cpe:2.3:a:Microsoft:Internet_Explorer:8.0.6001:beta:*:-:*:*:*:*");
        assert_eq!(c.vendor.concrete(), Some("microsoft"));
        assert_eq!(c.product.concrete(), Some("internet_explorer"));
        assert_eq!(c.rest[0].concrete(), Some("beta"));
        assert_eq!(c.rest[1], CpeValue::Any);
        assert_eq!(c.rest[2], CpeValue::Na);
        let escaped = cpe(r"cpe:2.3:a:hp:insight_diagnostics:7\.4\.0\.1570:-:*:*:online:win2003:x64:*");
        assert_eq!(escaped.version_text(), Some("7.4.0.1570"));
        assert_eq!(
            escaped.to_string(),
            r"cpe:2.3:a:hp:insight_diagnostics:7\.4\.0\.1570:-:*:*:online:win2003:x64:*"
        );
        let colon = cpe(r"cpe:2.3:a:foo\:bar:baz:1:*:*:*:*:*:*:*");
        assert_eq!(colon.vendor.concrete(), Some("foo:bar"));
        let uri = cpe("cpe:/o:microsoft:windows_10:1607");
        assert_eq!(uri.vendor_product(), Some(("microsoft", "windows_10")));
        assert_eq!(uri.version_text(), Some("1607"));
        assert_eq!(uri.rest[0], CpeValue::Any);
    }

    #[test]
    fn rejects_malformed_names() {
        assert!(Cpe::parse("cpe:2.3:x:a:b").is_err());
        assert!(Cpe::parse("cpe:2.3:a:b:c:1:*:*:*:*:*:*:*:extra").is_err());
        assert!(Cpe::parse("cpe:2.3:a:b\\").is_err());
        assert!(Cpe::parse("openssl 3.0").is_err());
    }

    #[test]
    fn ranges_and_versions() {
        let c = criterion(
            "cpe:2.3:a:citrix:netscaler_application_delivery_controller:*:*:*:*:*:*:*:*",
            Some("13.1"),
            Some("13.1-51.15"),
        );
        let sw = |v: &str| {
            cpe(&format!(
                "cpe:2.3:a:citrix:netscaler_application_delivery_controller:{v}:*:*:*:*:*:*:*"
            ))
        };
        assert_eq!(c.check(&sw("13.1-49.13")), CpeVerdict::Matches);
        assert_eq!(c.check(&sw("13.1-51.15")), CpeVerdict::NoMatch);
        assert_eq!(c.check(&sw("14.1-4.42")), CpeVerdict::NoMatch);
        assert!(matches!(c.check(&sw("*")), CpeVerdict::CannotEvaluate(_)));
        assert_eq!(c.fixed(), Some("13.1-51.15"));
        let exact = criterion("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", None, None);
        assert_eq!(
            exact.check(&cpe("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")),
            CpeVerdict::Matches
        );
        assert_eq!(
            exact.check(&cpe("cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*")),
            CpeVerdict::NoMatch
        );
        let rc = criterion("cpe:2.3:a:apache:log4j:2.0:rc1:*:*:*:*:*:*", None, None);
        assert_eq!(
            rc.check(&cpe("cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*")),
            CpeVerdict::NoMatch
        );
    }

    #[test]
    fn never_matches_across_vendors_or_on_wildcard_vendors() {
        let c = criterion("cpe:2.3:a:jenkins:git:*:*:*:*:*:*:*:*", None, Some("4.0"));
        assert_eq!(
            c.check(&cpe("cpe:2.3:a:git-scm:git:2.30:*:*:*:*:*:*:*")),
            CpeVerdict::NoMatch
        );
        let wild = CpeMatch {
            criteria: "cpe:2.3:a:*:git:*:*:*:*:*:*:*:*".into(),
            version_start_including: None,
            version_start_excluding: None,
            version_end_including: None,
            version_end_excluding: None,
            vulnerable: true,
        };
        assert!(Criterion::from_match(&wild).is_err());
        let glob_vendor = CpeMatch {
            criteria: "cpe:2.3:a:git*:git:*:*:*:*:*:*:*:*".into(),
            ..wild
        };
        assert!(Criterion::from_match(&glob_vendor).is_err());
    }

    #[test]
    fn wildcards_in_other_attributes() {
        assert!(glob("win*", "windows"));
        assert!(glob("x?4", "x64"));
        assert!(!glob("x?4", "x644"));
        assert!(glob("*", ""));
        let c = criterion("cpe:2.3:o:microsoft:windows_10:*:*:*:*:*:*:x6?:*", None, None);
        assert_eq!(
            c.check(&cpe("cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*")),
            CpeVerdict::Matches
        );
        assert_eq!(
            c.check(&cpe("cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*")),
            CpeVerdict::NoMatch
        );
    }
}
