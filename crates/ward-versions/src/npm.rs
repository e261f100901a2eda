//! npm versions and npm (node-semver) range syntax.
//!
//! Versions are SemVer 2.0; like node-semver's `clean`, surrounding whitespace and leading `=` or `v`
//! are dropped. Ranges follow node-semver's grammar: `||` between comparator sets, space-separated
//! comparators inside a set (all must hold), hyphen ranges `A - B`, X-ranges (`1.x`, `1.2.*`, `*`,
//! empty), tilde (`~1.2.3`, `~>1.2`), caret (`^0.2.3`) and primitives (`>=1.2`, `<1`, `=1.2.3`).
//!
//! As in node-semver (without `includePrerelease`), a pre-release version only satisfies a set when
//! some comparator of that set carries a pre-release on the same `major.minor.patch`: `1.3.0-beta`
//! does not satisfy `>=1.2.0`, but `1.2.3-beta.4` satisfies `>=1.2.3-beta.2 <1.3.0`.

use std::cmp::Ordering;

use crate::semantic::{SemverVersion, parse_semver};
use crate::{Scheme, VersionError};

/// An npm package version (SemVer precedence, build metadata ignored).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NpmVersion {
    semver: SemverVersion,
}

impl NpmVersion {
    /// Parses an npm version such as `1.2.3`, `v1.2.3-beta.1` or `=1.2.3`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let text = input.trim().trim_start_matches(['=', 'v', 'V']).trim_start();
        parse_semver(Scheme::Npm, input, text).map(|semver| Self { semver })
    }

    fn as_semver(&self) -> &semver::Version {
        self.semver.as_semver()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Debug, Clone)]
struct Comparator {
    op: Op,
    version: SemverVersion,
}

impl Comparator {
    fn new(op: Op, major: u64, minor: u64, patch: u64, pre: Option<semver::Prerelease>) -> Self {
        let mut version = semver::Version::new(major, minor, patch);
        if let Some(pre) = pre {
            version.pre = pre;
        }
        Self {
            op,
            version: SemverVersion::from_semver(version),
        }
    }

    /// `<M.m.p-0`: below every pre-release of `M.m.p`.
    fn below(major: u64, minor: u64, patch: u64) -> Self {
        Self::new(Op::Lt, major, minor, patch, Some(zero_pre()))
    }

    fn matches(&self, version: &SemverVersion) -> bool {
        let ord = version.cmp(&self.version);
        match self.op {
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
            Op::Eq => ord == Ordering::Equal,
        }
    }
}

fn zero_pre() -> semver::Prerelease {
    semver::Prerelease::new("0").unwrap_or(semver::Prerelease::EMPTY)
}

/// A parsed npm range: a union of comparator sets. A set with no comparators matches every version.
#[derive(Debug, Clone)]
pub struct NpmRange {
    sets: Vec<Vec<Comparator>>,
}

impl NpmRange {
    /// Parses a node-semver range expression.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let mut sets = Vec::new();
        for part in input.split("||") {
            sets.push(parse_set(input, part)?);
        }
        Ok(Self { sets })
    }

    /// Whether `version` satisfies the range (node-semver's `satisfies` without `includePrerelease`).
    pub fn satisfies(&self, version: &NpmVersion) -> bool {
        self.sets.iter().any(|set| set_matches(set, version))
    }
}

/// Parses `range` and `version` and tells whether the version satisfies the range.
pub fn satisfies(range: &str, version: &str) -> Result<bool, VersionError> {
    Ok(NpmRange::parse(range)?.satisfies(&NpmVersion::parse(version)?))
}

fn set_matches(set: &[Comparator], version: &NpmVersion) -> bool {
    if !set.iter().all(|c| c.matches(&version.semver)) {
        return false;
    }
    let v = version.as_semver();
    if v.pre.is_empty() {
        return true;
    }
    set.iter().any(|c| {
        let allowed = c.version.as_semver();
        !allowed.pre.is_empty()
            && allowed.major == v.major
            && allowed.minor == v.minor
            && allowed.patch == v.patch
    })
}

fn parse_set(whole: &str, part: &str) -> Result<Vec<Comparator>, VersionError> {
    let raw: Vec<&str> = part.split_whitespace().collect();
    // Glue operators written apart from their version (`>= 1.2.3`) back to it.
    let mut tokens: Vec<String> = Vec::with_capacity(raw.len());
    let mut pending = String::new();
    for token in raw {
        let is_operator = token.chars().all(|c| matches!(c, '<' | '>' | '=' | '~' | '^'));
        if is_operator && !pending.is_empty() {
            return Err(VersionError::range(
                whole,
                format!("operator {pending:?} has no version"),
            ));
        }
        if is_operator {
            pending.push_str(token);
            continue;
        }
        tokens.push(format!("{pending}{token}"));
        pending.clear();
    }
    if !pending.is_empty() {
        return Err(VersionError::range(
            whole,
            format!("operator {pending:?} has no version"),
        ));
    }
    if tokens.len() == 3 && tokens[1] == "-" {
        return hyphen(whole, &tokens[0], &tokens[2]);
    }
    let mut set = Vec::new();
    for token in &tokens {
        if token == "-" {
            return Err(VersionError::range(
                whole,
                "a hyphen range needs one version on each side",
            ));
        }
        simple(whole, token, &mut set)?;
    }
    Ok(set)
}

/// A partial version: missing or wildcard parts are `None`; anything after a wildcard is a wildcard.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Option<semver::Prerelease>,
}

fn partial(whole: &str, text: &str) -> Result<Partial, VersionError> {
    let text = text.trim_start_matches(['=', 'v', 'V']);
    let core_end = text.find(['-', '+']).unwrap_or(text.len());
    let mut parts = [None, None, None];
    let mut wildcard = false;
    let core = &text[..core_end];
    let pieces: Vec<&str> = if core.is_empty() {
        Vec::new()
    } else {
        core.split('.').collect()
    };
    if pieces.len() > 3 {
        return Err(VersionError::range(
            whole,
            format!("{text:?} has more than three numeric parts"),
        ));
    }
    for (slot, piece) in parts.iter_mut().zip(&pieces) {
        if matches!(*piece, "x" | "X" | "*") {
            wildcard = true;
        } else if !wildcard {
            let number = piece
                .parse::<u64>()
                .ok()
                .filter(|_| piece.bytes().all(|c| c.is_ascii_digit()))
                .ok_or_else(|| {
                    VersionError::range(whole, format!("{piece:?} in {text:?} is not a number"))
                })?;
            *slot = Some(number);
        }
    }
    let [major, minor, patch] = parts;
    let mut pre = None;
    if core_end < text.len() {
        if patch.is_none() {
            return Err(VersionError::range(
                whole,
                format!("{text:?}: a qualifier needs a full version"),
            ));
        }
        let full = semver::Version::parse(text)
            .map_err(|err| VersionError::range(whole, format!("{text:?}: {err}")))?;
        pre = (!full.pre.is_empty()).then_some(full.pre);
    }
    Ok(Partial {
        major,
        minor,
        patch,
        pre,
    })
}

fn bump(whole: &str, n: u64) -> Result<u64, VersionError> {
    n.checked_add(1)
        .ok_or_else(|| VersionError::range(whole, "version number too large"))
}

fn simple(whole: &str, token: &str, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    let (op, rest) = split_operator(token);
    let p = partial(whole, rest)?;
    match op {
        "~" | "~>" => tilde(whole, &p, out),
        "^" => caret(whole, &p, out),
        "" | "=" => x_range(whole, &p, out),
        ">" | ">=" | "<" | "<=" => primitive(whole, op, &p, out),
        other => Err(VersionError::range(whole, format!("unknown operator {other:?}"))),
    }
}

fn split_operator(token: &str) -> (&str, &str) {
    let end = token
        .find(|c: char| !matches!(c, '<' | '>' | '=' | '~' | '^'))
        .unwrap_or(token.len());
    token.split_at(end)
}

fn x_range(whole: &str, p: &Partial, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    match (p.major, p.minor, p.patch) {
        (None, _, _) => {}
        (Some(ma), None, _) => {
            out.push(Comparator::new(Op::Ge, ma, 0, 0, None));
            out.push(Comparator::below(bump(whole, ma)?, 0, 0));
        }
        (Some(ma), Some(mi), None) => {
            out.push(Comparator::new(Op::Ge, ma, mi, 0, None));
            out.push(Comparator::below(ma, bump(whole, mi)?, 0));
        }
        (Some(ma), Some(mi), Some(pa)) => out.push(Comparator::new(Op::Eq, ma, mi, pa, p.pre.clone())),
    }
    Ok(())
}

fn tilde(whole: &str, p: &Partial, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    match (p.major, p.minor, p.patch) {
        (None, _, _) => {}
        (Some(ma), None, _) => {
            out.push(Comparator::new(Op::Ge, ma, 0, 0, None));
            out.push(Comparator::below(bump(whole, ma)?, 0, 0));
        }
        (Some(ma), Some(mi), pa) => {
            out.push(Comparator::new(Op::Ge, ma, mi, pa.unwrap_or(0), p.pre.clone()));
            out.push(Comparator::below(ma, bump(whole, mi)?, 0));
        }
    }
    Ok(())
}

fn caret(whole: &str, p: &Partial, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    let Some(ma) = p.major else { return Ok(()) };
    let lower = Comparator::new(
        Op::Ge,
        ma,
        p.minor.unwrap_or(0),
        p.patch.unwrap_or(0),
        p.pre.clone(),
    );
    let upper = match (ma, p.minor, p.patch) {
        (0, None, _) => Comparator::below(1, 0, 0),
        (0, Some(0), None) => Comparator::below(0, 1, 0),
        (0, Some(0), Some(pa)) => Comparator::below(0, 0, bump(whole, pa)?),
        (0, Some(mi), _) => Comparator::below(0, bump(whole, mi)?, 0),
        (ma, _, _) => Comparator::below(bump(whole, ma)?, 0, 0),
    };
    out.push(lower);
    out.push(upper);
    Ok(())
}

fn primitive(whole: &str, op: &str, p: &Partial, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    let (Some(ma), minor, patch) = (p.major, p.minor, p.patch) else {
        // `>*` and `<*` match nothing; `>=*` and `<=*` match everything.
        if matches!(op, ">" | "<") {
            out.push(Comparator::below(0, 0, 0));
        }
        return Ok(());
    };
    match (op, minor, patch) {
        (_, Some(mi), Some(pa)) => {
            let op = match op {
                ">" => Op::Gt,
                ">=" => Op::Ge,
                "<" => Op::Lt,
                _ => Op::Le,
            };
            out.push(Comparator::new(op, ma, mi, pa, p.pre.clone()));
        }
        (">", None, _) => out.push(Comparator::new(Op::Ge, bump(whole, ma)?, 0, 0, None)),
        (">", Some(mi), None) => out.push(Comparator::new(Op::Ge, ma, bump(whole, mi)?, 0, None)),
        (">=", mi, _) => out.push(Comparator::new(Op::Ge, ma, mi.unwrap_or(0), 0, None)),
        ("<", mi, _) => out.push(Comparator::below(ma, mi.unwrap_or(0), 0)),
        (_, None, _) => out.push(Comparator::below(bump(whole, ma)?, 0, 0)),
        (_, Some(mi), None) => out.push(Comparator::below(ma, bump(whole, mi)?, 0)),
    }
    Ok(())
}

fn hyphen(whole: &str, low: &str, high: &str) -> Result<Vec<Comparator>, VersionError> {
    let lo = partial(whole, low)?;
    let hi = partial(whole, high)?;
    let mut set = Vec::new();
    if let Some(ma) = lo.major {
        set.push(Comparator::new(
            Op::Ge,
            ma,
            lo.minor.unwrap_or(0),
            lo.patch.unwrap_or(0),
            lo.pre.clone(),
        ));
    }
    match (hi.major, hi.minor, hi.patch) {
        (None, _, _) => {}
        (Some(ma), None, _) => set.push(Comparator::below(bump(whole, ma)?, 0, 0)),
        (Some(ma), Some(mi), None) => set.push(Comparator::below(ma, bump(whole, mi)?, 0)),
        (Some(ma), Some(mi), Some(pa)) => set.push(Comparator::new(Op::Le, ma, mi, pa, hi.pre.clone())),
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(range: &str, version: &str) -> bool {
        satisfies(range, version).unwrap_or_else(|err| panic!("{range} / {version}: {err}"))
    }

    #[test]
    fn caret_tilde_and_x_ranges() {
        assert!(sat("^1.2.3", "1.9.9"));
        assert!(!sat("^1.2.3", "2.0.0"));
        assert!(!sat("^1.2.3", "1.2.2"));
        assert!(sat("^0.2.3", "0.2.9"));
        assert!(!sat("^0.2.3", "0.3.0"));
        assert!(sat("^0.0.3", "0.0.3"));
        assert!(!sat("^0.0.3", "0.0.4"));
        assert!(sat("^0.0", "0.0.9"));
        assert!(!sat("^0.0", "0.1.0"));
        assert!(sat("^1.x", "1.5.0"));
        assert!(sat("~1.2.3", "1.2.9"));
        assert!(!sat("~1.2.3", "1.3.0"));
        assert!(sat("~1", "1.9.0"));
        assert!(sat("~> 1.2", "1.2.7"));
        assert!(sat("1.x", "1.4.0"));
        assert!(!sat("1.2.x", "1.3.0"));
        assert!(sat("*", "3.0.0"));
        assert!(sat("", "0.0.1"));
        assert!(sat("1", "1.0.0"));
    }

    #[test]
    fn primitives_with_partial_versions() {
        assert!(sat(">1", "2.0.0"));
        assert!(!sat(">1", "1.9.9"));
        assert!(sat("<=1.2", "1.2.99"));
        assert!(!sat("<=1.2", "1.3.0"));
        assert!(!sat("<1", "1.0.0"));
        assert!(sat(">= 1.2.3 < 2", "1.5.0"));
        assert!(!sat(">*", "1.0.0"));
        assert!(sat("=1.2.3", "v1.2.3"));
    }

    #[test]
    fn hyphen_and_or_ranges() {
        assert!(sat("1.2.3 - 2.3.4", "2.3.4"));
        assert!(!sat("1.2.3 - 2.3.4", "2.3.5"));
        assert!(sat("1.2 - 2.3", "2.3.9"));
        assert!(!sat("1.2 - 2.3", "2.4.0"));
        assert!(sat("<1.0.0 || >=2.0.0 <2.1.0", "2.0.5"));
        assert!(!sat("<1.0.0 || >=2.0.0 <2.1.0", "1.5.0"));
    }

    #[test]
    fn prereleases_need_an_opt_in_on_the_same_tuple() {
        assert!(!sat(">=1.2.0", "1.3.0-beta"));
        assert!(sat(">=1.2.3-beta.2 <1.3.0", "1.2.3-beta.4"));
        assert!(!sat(">=1.2.3-beta.2 <1.3.0", "1.2.4-beta.4"));
        assert!(!sat("^1.2.3", "2.0.0-alpha"));
        assert!(sat("~1.2.3-beta.2", "1.2.3-beta.3"));
    }

    #[test]
    fn bad_ranges_are_errors() {
        assert!(NpmRange::parse(">=").is_err());
        assert!(NpmRange::parse("1.2.3.4").is_err());
        assert!(NpmRange::parse("abc").is_err());
        assert!(NpmRange::parse("1 - ").is_err());
    }
}
