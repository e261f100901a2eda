//! OSV `affected` evaluation, exactly as the OSV schema's "Evaluation" pseudo-code defines it.
//!
//! A version is affected when it is listed in `versions` or lies in any range:
//! - `GIT` ranges hold commit hashes and never match a package version (only the `versions` list,
//!   which OSV fills from them, counts);
//! - `SEMVER` ranges order by SemVer 2.0 precedence, `ECOSYSTEM` ranges by the ecosystem's rules;
//! - when a range has `limit` events, the version must be below at least one of them (`*` is
//!   infinity); without them the range is unlimited;
//! - the other events are sorted by version (`introduced: "0"` before everything) and replayed: at
//!   or after `introduced` the version is affected, at or after `fixed` and strictly after
//!   `last_affected` it is not. Several `introduced` events therefore describe several intervals.
//!
//! The schema leaves the order of events at equal versions open. Here `fixed` comes first, then
//! `introduced`, then `last_affected`: adjacent intervals `[a, b)` and `[b, c)` (introduced `b` next
//! to fixed `b`, as real advisories write them) join into `[a, c)`, and a single affected version
//! (introduced `b`, last_affected `b`) stays `[b, b]`. The other order would silently drop the second
//! interval. Overlapping intervals in one range are evaluated as the pseudo-code says: the first
//! `fixed` ends both.
//!
//! A version equals a `versions` entry when the strings are identical or both parse and are equal
//! under the ecosystem's rules (`1.0` = `1.0.0` for PyPI).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::{Ecosystem, Scheme, Version, VersionError};

/// One `affected[]` entry of an OSV record: its ranges and its explicit versions list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvAffected {
    /// `affected[].ranges`.
    #[serde(default)]
    pub ranges: Vec<OsvRange>,
    /// `affected[].versions`: versions known to be affected, in the ecosystem's syntax.
    #[serde(default)]
    pub versions: Vec<String>,
}

/// One `affected[].ranges[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    /// `type`: how the event versions are ordered.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository of a `GIT` range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `events`: the timeline of the range.
    #[serde(default)]
    pub events: Vec<OsvEvent>,
}

/// `affected[].ranges[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// SemVer 2.0 versions.
    Semver,
    /// Versions ordered by the ecosystem's own rules.
    Ecosystem,
    /// Git commit hashes.
    Git,
}

/// One event of a range; (de)serialised as OSV writes it, an object with exactly one key
/// (`{"introduced": "1.0.0"}`), in JSON and in YAML alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "EventObject", into = "EventObject")]
pub enum OsvEvent {
    /// The vulnerability starts at this version (`"0"` means before every version).
    Introduced(String),
    /// The vulnerability is fixed in this version.
    Fixed(String),
    /// The last version known to be affected.
    LastAffected(String),
    /// An upper limit on the range (`"*"` means infinity).
    Limit(String),
}

/// The wire form of an event: one of four optional keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EventObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
}

impl TryFrom<EventObject> for OsvEvent {
    type Error = String;

    fn try_from(object: EventObject) -> Result<Self, Self::Error> {
        match object {
            EventObject {
                introduced: Some(v),
                fixed: None,
                last_affected: None,
                limit: None,
            } => Ok(Self::Introduced(v)),
            EventObject {
                introduced: None,
                fixed: Some(v),
                last_affected: None,
                limit: None,
            } => Ok(Self::Fixed(v)),
            EventObject {
                introduced: None,
                fixed: None,
                last_affected: Some(v),
                limit: None,
            } => Ok(Self::LastAffected(v)),
            EventObject {
                introduced: None,
                fixed: None,
                last_affected: None,
                limit: Some(v),
            } => Ok(Self::Limit(v)),
            _ => Err("an event needs exactly one of introduced, fixed, last_affected, limit".to_owned()),
        }
    }
}

impl From<OsvEvent> for EventObject {
    fn from(event: OsvEvent) -> Self {
        match event {
            OsvEvent::Introduced(v) => Self {
                introduced: Some(v),
                ..Self::default()
            },
            OsvEvent::Fixed(v) => Self {
                fixed: Some(v),
                ..Self::default()
            },
            OsvEvent::LastAffected(v) => Self {
                last_affected: Some(v),
                ..Self::default()
            },
            OsvEvent::Limit(v) => Self {
                limit: Some(v),
                ..Self::default()
            },
        }
    }
}

impl OsvEvent {
    /// The version string of the event.
    pub fn version(&self) -> &str {
        match self {
            Self::Introduced(v) | Self::Fixed(v) | Self::LastAffected(v) | Self::Limit(v) => v,
        }
    }

    /// Replay order at equal versions.
    fn tie_rank(&self) -> u8 {
        match self {
            Self::Fixed(_) => 0,
            Self::Introduced(_) => 1,
            Self::LastAffected(_) => 2,
            Self::Limit(_) => 3,
        }
    }
}

/// Whether `version` of a package in `ecosystem` is affected according to `affected`.
///
/// Errors when the version, or an event of a range that has to be evaluated, cannot be parsed under
/// that range's ordering; a match in the `versions` list or in another range still wins over such an
/// error. `GIT` ranges need no parsing, so a package with only `GIT` ranges never errors.
pub fn osv_affects(
    ecosystem: Ecosystem,
    affected: &OsvAffected,
    version: &str,
) -> Result<bool, VersionError> {
    if affected.versions.iter().any(|listed| listed == version) {
        return Ok(true);
    }
    // Beyond identical strings, listed versions match by the ecosystem's equality where both parse;
    // a version that does not parse can still match by its exact text (above), so it is no error here.
    if !affected.versions.is_empty()
        && let Ok(parsed) = Version::parse(ecosystem, version)
        && affected
            .versions
            .iter()
            .filter_map(|v| Version::parse(ecosystem, v).ok())
            .any(|v| v == parsed)
    {
        return Ok(true);
    }
    let mut first_error = None;
    for range in &affected.ranges {
        match range_includes(ecosystem, range, version) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match first_error {
        Some(err) => Err(err),
        None => Ok(false),
    }
}

/// The scheme a range's event versions are ordered by, for a package of `ecosystem`.
fn range_scheme(ecosystem: Ecosystem, kind: RangeKind) -> Option<Scheme> {
    match kind {
        RangeKind::Git => None,
        RangeKind::Ecosystem => Some(ecosystem.scheme()),
        // Go and npm versions are SemVer with a more tolerant syntax; the order is the same.
        RangeKind::Semver => Some(match ecosystem.scheme() {
            scheme @ (Scheme::Go | Scheme::Npm) => scheme,
            _ => Scheme::Semver,
        }),
    }
}

/// Sort key of an event version: `introduced: "0"` and `limit: "*"` are the two infinities.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    Bottom,
    At(Version),
    Top,
}

/// Whether `version` lies in one range (the `IncludedInRanges` body for a single range). `GIT` ranges
/// never include a package version.
pub fn range_includes(ecosystem: Ecosystem, range: &OsvRange, version: &str) -> Result<bool, VersionError> {
    let Some(scheme) = range_scheme(ecosystem, range.kind) else {
        return Ok(false);
    };
    if !range.events.iter().any(|e| matches!(e, OsvEvent::Introduced(_))) {
        return Err(VersionError::range(
            &describe(range),
            "a range needs at least one introduced event",
        ));
    }
    let v = Bound::At(Version::parse_with_scheme(ecosystem, scheme, version)?);
    let bound = |event: &OsvEvent| -> Result<Bound, VersionError> {
        match (event, event.version()) {
            (OsvEvent::Introduced(_), "0") => Ok(Bound::Bottom),
            (OsvEvent::Limit(_), text) if text.contains('*') => Ok(Bound::Top),
            (_, text) => Version::parse_with_scheme(ecosystem, scheme, text).map(Bound::At),
        }
    };
    let mut limits = range
        .events
        .iter()
        .filter(|e| matches!(e, OsvEvent::Limit(_)))
        .peekable();
    if limits.peek().is_some() {
        let mut below_some = false;
        for limit in limits {
            below_some |= v < bound(limit)?;
        }
        if !below_some {
            return Ok(false);
        }
    }
    let mut timeline = Vec::with_capacity(range.events.len());
    for event in range.events.iter().filter(|e| !matches!(e, OsvEvent::Limit(_))) {
        timeline.push((bound(event)?, event));
    }
    timeline.sort_by(|(a, x), (b, y)| a.cmp(b).then(x.tie_rank().cmp(&y.tie_rank())));
    let mut vulnerable = false;
    for (at, event) in &timeline {
        match event {
            OsvEvent::Introduced(_) if v >= *at => vulnerable = true,
            OsvEvent::Fixed(_) if v >= *at => vulnerable = false,
            OsvEvent::LastAffected(_) if v.cmp(at) == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    Ok(vulnerable)
}

fn describe(range: &OsvRange) -> String {
    let events: Vec<String> = range.events.iter().map(|e| format!("{e:?}")).collect();
    format!("{:?} [{}]", range.kind, events.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: RangeKind, events: Vec<OsvEvent>) -> OsvRange {
        OsvRange {
            kind,
            repo: None,
            events,
        }
    }

    fn affected(ranges: Vec<OsvRange>, versions: &[&str]) -> OsvAffected {
        OsvAffected {
            ranges,
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    use OsvEvent::{Fixed, Introduced, LastAffected, Limit};

    fn s(text: &str) -> String {
        text.to_owned()
    }

    #[test]
    fn several_introduced_events_make_several_intervals() {
        let a = affected(
            vec![range(
                RangeKind::Semver,
                vec![
                    Introduced(s("3.0.0")),
                    Fixed(s("3.2.5")),
                    Introduced(s("1.0.0")),
                    Fixed(s("1.0.2")),
                ],
            )],
            &[],
        );
        let hit = |v: &str| osv_affects(Ecosystem::CratesIo, &a, v).unwrap();
        assert!(!hit("0.9.0"));
        assert!(hit("1.0.0"));
        assert!(hit("1.0.1"));
        assert!(!hit("1.0.2"));
        assert!(!hit("2.0.0"));
        assert!(hit("3.1.0"));
        assert!(!hit("3.2.5"));
        assert!(hit("3.2.5-rc.1"));
    }

    #[test]
    fn last_affected_and_limit() {
        let a = affected(
            vec![range(
                RangeKind::Ecosystem,
                vec![Introduced(s("0")), LastAffected(s("2.0"))],
            )],
            &[],
        );
        assert!(osv_affects(Ecosystem::PyPI, &a, "2.0.0").unwrap());
        assert!(osv_affects(Ecosystem::PyPI, &a, "0.0.0.dev0").unwrap());
        assert!(!osv_affects(Ecosystem::PyPI, &a, "2.0.post1").unwrap());
        let limited = affected(
            vec![range(
                RangeKind::Ecosystem,
                vec![Introduced(s("1.0")), Limit(s("1.5")), Limit(s("3.0"))],
            )],
            &[],
        );
        assert!(osv_affects(Ecosystem::PyPI, &limited, "2.0").unwrap());
        assert!(!osv_affects(Ecosystem::PyPI, &limited, "3.0").unwrap());
        let star = affected(
            vec![range(
                RangeKind::Ecosystem,
                vec![Introduced(s("1.0")), Limit(s("*"))],
            )],
            &[],
        );
        assert!(osv_affects(Ecosystem::PyPI, &star, "99").unwrap());
    }

    #[test]
    fn git_ranges_only_count_through_the_versions_list() {
        let git = range(
            RangeKind::Git,
            vec![
                Introduced(s("0")),
                Fixed(s("b1e0b5c6a4e0bca04e1f4e30d0b6a0b2a8e4b9f1")),
            ],
        );
        let a = affected(vec![git], &["1.0", "1.1"]);
        assert!(osv_affects(Ecosystem::PyPI, &a, "1.1").unwrap());
        assert!(osv_affects(Ecosystem::PyPI, &a, "1.1.0").unwrap());
        assert!(!osv_affects(Ecosystem::PyPI, &a, "1.2").unwrap());
        assert!(!osv_affects(Ecosystem::CratesIo, &a, "not semver").unwrap());
    }

    #[test]
    fn adjacent_intervals_join_and_single_versions_stay_single() {
        // The shape of PYSEC-2022-236: [0, 3.1.1) and [3.1.1, 3.1.3), listed out of order.
        let adjacent = affected(
            vec![range(
                RangeKind::Ecosystem,
                vec![
                    Introduced(s("0")),
                    Fixed(s("3.1.1")),
                    Introduced(s("3.2.0")),
                    Fixed(s("3.2.2")),
                ]
                .into_iter()
                .chain([Introduced(s("3.1.1")), Fixed(s("3.1.3"))])
                .collect(),
            )],
            &[],
        );
        let hit = |v: &str| osv_affects(Ecosystem::PyPI, &adjacent, v).unwrap();
        assert!(hit("3.1.1"));
        assert!(hit("3.1.2"));
        assert!(!hit("3.1.3"));
        assert!(hit("3.2.1"));
        let single = affected(
            vec![range(
                RangeKind::Ecosystem,
                vec![Introduced(s("2.0")), LastAffected(s("2.0"))],
            )],
            &[],
        );
        assert!(osv_affects(Ecosystem::PyPI, &single, "2.0").unwrap());
        assert!(!osv_affects(Ecosystem::PyPI, &single, "2.0.1").unwrap());
        assert!(!osv_affects(Ecosystem::PyPI, &single, "1.9").unwrap());
        let all = affected(vec![range(RangeKind::Ecosystem, vec![Introduced(s("0"))])], &[]);
        assert!(osv_affects(Ecosystem::PyPI, &all, "2004d").unwrap());
    }

    #[test]
    fn errors_name_the_problem() {
        let bad = affected(
            vec![range(
                RangeKind::Semver,
                vec![Introduced(s("0")), Fixed(s("banana"))],
            )],
            &[],
        );
        let err = osv_affects(Ecosystem::CratesIo, &bad, "1.0.0").unwrap_err();
        assert!(err.to_string().contains("banana"), "{err}");
        let none = affected(vec![range(RangeKind::Semver, vec![Fixed(s("1.0.0"))])], &[]);
        assert!(osv_affects(Ecosystem::CratesIo, &none, "0.1.0").is_err());
    }

    #[test]
    fn events_need_exactly_one_key() {
        assert!(serde_json::from_str::<OsvEvent>(r#"{"introduced":"1","fixed":"2"}"#).is_err());
        assert!(serde_json::from_str::<OsvEvent>(r#"{}"#).is_err());
        let yaml = "ranges:\n- type: ECOSYSTEM\n  events:\n  - introduced: \"0\"\n  - fixed: 1.10\n";
        let a: OsvAffected = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(a.ranges[0].events[1], Fixed(s("1.10")));
        let back = serde_json::to_string(&a.ranges[0].events).unwrap();
        assert_eq!(back, r#"[{"introduced":"0"},{"fixed":"1.10"}]"#);
    }

    #[test]
    fn deserialises_osv_json() {
        let json = r#"{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}],
                       "versions":[],"package":{"name":"x"}}"#;
        let a: OsvAffected = serde_json::from_str(json).unwrap();
        assert_eq!(a.ranges[0].events[1], Fixed(s("1.2.0")));
        assert!(osv_affects(Ecosystem::CratesIo, &a, "1.1.9").unwrap());
    }
}
