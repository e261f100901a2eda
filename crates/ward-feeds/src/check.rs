//! Flags on entries that are kept: unknown ecosystems, versions that do not parse, CVSS vectors that
//! are not valid, with the base score filled in where a vector allows it.

use ward_core::vuln::{Affected, CvssVector, Event, RangeKind, Severity, SeverityKind};
use ward_versions::{Ecosystem, Scheme};

use crate::json::{at, clip};
use crate::problem::Ctx;

/// Flag an `Affected` entry whose ecosystem Ward does not know, or whose versions do not parse under
/// its ordering. The entry is kept either way: a matcher can still compare exact strings.
pub(crate) fn flag_affected(ctx: &mut Ctx, path: &str, affected: &Affected) {
    let Some(package) = &affected.package else {
        return;
    };
    let ecosystem = match package.ecosystem.parse::<Ecosystem>() {
        Ok(eco) => eco,
        Err(_) => {
            ctx.flag(
                at(&at(path, "package"), "ecosystem"),
                format!(
                    "unknown ecosystem '{}'; its versions cannot be ordered, only compared as text",
                    clip(&package.ecosystem)
                ),
            );
            return;
        }
    };
    for (r, range) in affected.ranges.iter().enumerate() {
        let check_as = match range.kind {
            RangeKind::Git => continue,
            RangeKind::Ecosystem => ecosystem,
            RangeKind::Semver => match ecosystem.scheme() {
                Scheme::Go | Scheme::Npm => ecosystem,
                _ => Ecosystem::CratesIo,
            },
        };
        for (e, event) in range.events.iter().enumerate() {
            let text = event.version();
            let infinite = matches!((event, text), (Event::Introduced(_), "0"))
                || matches!(event, Event::Limit(v) if v == "*");
            if !infinite && let Err(err) = ward_versions::parse(check_as, text) {
                let p = at(&at(&at(&at(path, "ranges"), r), "events"), e);
                ctx.flag(p, format!("version does not parse as {}: {err}", check_as.name()));
            }
        }
    }
    for (i, v) in affected.versions.iter().enumerate() {
        if let Err(err) = ward_versions::parse(ecosystem, v) {
            ctx.flag(
                at(&at(path, "versions"), i),
                format!("version does not parse as {}: {err}", ecosystem.name()),
            );
        }
    }
}

/// Validate a CVSS severity and fill in its base score when the source gave none. An invalid vector
/// is kept as written and flagged.
pub(crate) fn fill_severity(ctx: &mut Ctx, path: &str, severity: &mut Severity) {
    if !matches!(severity.kind, SeverityKind::CvssV3 | SeverityKind::CvssV4) {
        return;
    }
    match CvssVector::parse(&severity.score) {
        Ok(vector) => {
            if severity.base_score.is_none() {
                severity.base_score = crate::cvss::base_score(&vector);
            }
        }
        Err(err) => ctx.flag(at(path, "score"), err.to_string()),
    }
}
