//! OSV records (<https://ossf.github.io/osv-schema/>), in JSON or YAML, one record or an array.
//!
//! A record without an `id` is skipped. Within a record, a malformed `affected` entry, range, severity
//! or reference is skipped and reported while the rest of the record is kept. Unknown ecosystems and
//! versions that do not parse under their ecosystem are kept and flagged.

use serde_json::{Map, Value};
use ward_core::vuln::{
    Advisory, AdvisorySource, Affected, Event, PackageRef, Range, RangeKind, Reference, Severity,
    SeverityKind,
};

use crate::check::{fill_severity, flag_affected};
use crate::json::{Bad, at, kind, object, opt_arr, opt_obj, opt_str, req_str, str_list};
use crate::problem::{Ctx, FeedError, Parsed};
use crate::time::parse_timestamp;

/// Parse OSV JSON: one record, or an array of records.
pub fn parse_osv_json(file: &str, text: &str) -> Result<Parsed<Advisory>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    Ok(from_value(file, &value))
}

/// Parse OSV YAML: one record, or a sequence of records. Plain scalars keep their text, so
/// `fixed: 1.10` stays `1.10`.
pub fn parse_osv_yaml(file: &str, text: &str) -> Result<Parsed<Advisory>, FeedError> {
    let value = crate::yaml::to_json(file, text)?;
    Ok(from_value(file, &value))
}

/// Read OSV records from an already parsed document.
pub fn from_value(file: &str, value: &Value) -> Parsed<Advisory> {
    let mut ctx = Ctx::new(file);
    let mut items = Vec::new();
    match value {
        Value::Array(records) => {
            for (i, record) in records.iter().enumerate() {
                if let Some(a) = advisory(&mut ctx, record, &at("", i)) {
                    items.push(a);
                }
            }
        }
        other => {
            if let Some(a) = advisory(&mut ctx, other, "") {
                items.push(a);
            }
        }
    }
    ctx.finish(items)
}

fn advisory(ctx: &mut Ctx, value: &Value, path: &str) -> Option<Advisory> {
    let record = match object(value, if path.is_empty() { "/" } else { path }) {
        Ok(m) => m,
        Err(bad) => {
            ctx.skip(
                bad.path,
                format!("an OSV record must be an object, found {}", kind(value)),
            );
            return None;
        }
    };
    let id = match req_str(record, path, "id") {
        Ok(id) => id,
        Err(bad) => {
            ctx.skip(bad.path, format!("record has no usable id: {}", bad.reason));
            return None;
        }
    };
    let mut severity = Vec::new();
    for (i, s) in list(ctx, record, path, "severity").iter().enumerate() {
        let p = at(&at(path, "severity"), i);
        match parse_severity(s, &p) {
            Ok(mut sev) => {
                fill_severity(ctx, &p, &mut sev);
                severity.push(sev);
            }
            Err(bad) => ctx.skip(bad.path, bad.reason),
        }
    }
    let mut affected = Vec::new();
    for (i, a) in list(ctx, record, path, "affected").iter().enumerate() {
        let p = at(&at(path, "affected"), i);
        if let Some(entry) = parse_affected(ctx, a, &p) {
            flag_affected(ctx, &p, &entry);
            affected.push(entry);
        }
    }
    let mut references = Vec::new();
    for (i, r) in list(ctx, record, path, "references").iter().enumerate() {
        match parse_reference(r, &at(&at(path, "references"), i)) {
            Ok(reference) => references.push(reference),
            Err(bad) => ctx.skip(bad.path, bad.reason),
        }
    }
    let cwes = match opt_obj(record, path, "database_specific") {
        Ok(Some(db)) => ctx
            .keep(str_list(db, &at(path, "database_specific"), "cwe_ids"))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let text = |ctx: &mut Ctx, key: &str| ctx.keep(opt_str(record, path, key)).flatten();
    let time = |ctx: &mut Ctx, key: &str| {
        let raw = text(ctx, key)?;
        let parsed = parse_timestamp(&raw);
        if parsed.is_none() {
            ctx.flag(
                at(path, key),
                format!("'{}' is not an RFC 3339 timestamp; ignored", raw),
            );
        }
        parsed
    };
    Some(Advisory {
        aliases: ctx.keep(str_list(record, path, "aliases")).unwrap_or_default(),
        related: ctx.keep(str_list(record, path, "related")).unwrap_or_default(),
        summary: text(ctx, "summary"),
        details: text(ctx, "details"),
        published: time(ctx, "published"),
        modified: time(ctx, "modified"),
        withdrawn: time(ctx, "withdrawn"),
        severity,
        affected,
        references,
        cwes,
        source: AdvisorySource::Osv,
        id,
    })
}

/// An optional array of the record; a non-array is flagged and read as empty.
fn list<'v>(ctx: &mut Ctx, m: &'v Map<String, Value>, path: &str, key: &str) -> &'v [Value] {
    ctx.keep(opt_arr(m, path, key)).unwrap_or_default()
}

fn parse_severity(v: &Value, path: &str) -> Result<Severity, Bad> {
    let m = object(v, path)?;
    let kind = match req_str(m, path, "type")?.as_str() {
        "CVSS_V2" => SeverityKind::CvssV2,
        "CVSS_V3" => SeverityKind::CvssV3,
        "CVSS_V4" => SeverityKind::CvssV4,
        other => SeverityKind::Other(other.to_owned()),
    };
    Ok(Severity {
        kind,
        score: req_str(m, path, "score")?,
        base_score: None,
        assigned_by: None,
    })
}

fn parse_reference(v: &Value, path: &str) -> Result<Reference, Bad> {
    let m = object(v, path)?;
    Ok(Reference {
        kind: opt_str(m, path, "type")?,
        url: req_str(m, path, "url")?,
    })
}

/// One `affected` entry. A malformed package skips the entry; a malformed range skips that range.
fn parse_affected(ctx: &mut Ctx, v: &Value, path: &str) -> Option<Affected> {
    let m = match object(v, path) {
        Ok(m) => m,
        Err(bad) => {
            ctx.skip(bad.path, bad.reason);
            return None;
        }
    };
    let package = match opt_obj(m, path, "package")
        .and_then(|p| p.map(|p| package(p, &at(path, "package"))).transpose())
    {
        Ok(p) => p,
        Err(bad) => {
            ctx.skip(bad.path, format!("affected entry skipped: {}", bad.reason));
            return None;
        }
    };
    let versions = match str_list(m, path, "versions") {
        Ok(v) => v,
        Err(bad) => {
            ctx.skip(bad.path, format!("affected entry skipped: {}", bad.reason));
            return None;
        }
    };
    let mut ranges = Vec::new();
    let raw_ranges = match opt_arr(m, path, "ranges") {
        Ok(r) => r,
        Err(bad) => {
            ctx.skip(bad.path, format!("affected entry skipped: {}", bad.reason));
            return None;
        }
    };
    for (i, r) in raw_ranges.iter().enumerate() {
        match range(r, &at(&at(path, "ranges"), i)) {
            Ok(range) => ranges.push(range),
            Err(bad) => ctx.skip(bad.path, format!("range skipped: {}", bad.reason)),
        }
    }
    if package.is_none() && ranges.is_empty() && versions.is_empty() {
        ctx.skip(path, "affected entry has no package, ranges or versions");
        return None;
    }
    if !raw_ranges.is_empty() && ranges.is_empty() && versions.is_empty() {
        ctx.skip(path, "affected entry skipped: none of its ranges could be read");
        return None;
    }
    Some(Affected {
        package,
        vendor_product: None,
        cpes: Vec::new(),
        ranges,
        versions,
    })
}

fn package(m: &Map<String, Value>, path: &str) -> Result<PackageRef, Bad> {
    Ok(PackageRef {
        ecosystem: req_str(m, path, "ecosystem")?,
        name: req_str(m, path, "name")?,
        purl: opt_str(m, path, "purl")?,
    })
}

/// One OSV range: a known `type`, and events that each have exactly one known key with a string.
pub(crate) fn range(v: &Value, path: &str) -> Result<Range, Bad> {
    let m = object(v, path)?;
    let kind = match req_str(m, path, "type")?.as_str() {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "GIT" => RangeKind::Git,
        other => {
            return Err(Bad::new(
                at(path, "type"),
                format!("unknown range type '{}'", crate::json::clip(other)),
            ));
        }
    };
    let mut events = Vec::new();
    for (i, e) in opt_arr(m, path, "events")?.iter().enumerate() {
        events.push(event(e, &at(&at(path, "events"), i))?);
    }
    if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
        return Err(Bad::new(
            at(path, "events"),
            "a range needs at least one introduced event",
        ));
    }
    Ok(Range {
        kind,
        repo: opt_str(m, path, "repo")?,
        events,
    })
}

fn event(v: &Value, path: &str) -> Result<Event, Bad> {
    let m = object(v, path)?;
    let mut found = None;
    for (key, value) in m {
        let make: fn(String) -> Event = match key.as_str() {
            "introduced" => Event::Introduced,
            "fixed" => Event::Fixed,
            "last_affected" => Event::LastAffected,
            "limit" => Event::Limit,
            _ => continue,
        };
        let Value::String(text) = value else {
            return Err(Bad::new(
                at(path, key),
                format!("expected a version string, found {}", kind(value)),
            ));
        };
        if found.is_some() {
            return Err(Bad::new(
                path,
                "an event needs exactly one of introduced, fixed, last_affected, limit",
            ));
        }
        found = Some(make(text.clone()));
    }
    found.ok_or_else(|| {
        Bad::new(
            path,
            "an event needs one of introduced, fixed, last_affected, limit",
        )
    })
}
