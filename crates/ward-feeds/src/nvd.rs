//! NVD CVE API 2.0 responses (`format: NVD_CVE`, `vulnerabilities[].cve`).
//!
//! Each `configurations[]` entry becomes one [`Affected`] holding every `cpeMatch` of its nodes, with
//! NVD's `vulnerable` flag: in an `AND` configuration ("X running on Y") the matches with
//! `vulnerable: false` are the platforms. A node with `negate: true` cannot be expressed and is
//! skipped with a problem. Metrics of every CVSS version become severities with NVD's base score and
//! source. A `vulnStatus` of `Rejected` sets `withdrawn`.

use serde_json::{Map, Value};
use ward_core::vuln::{Advisory, AdvisorySource, Affected, CpeMatch, Reference, Severity, SeverityKind};

use crate::check::fill_severity;
use crate::json::{Bad, at, clip, object, opt_arr, opt_bool, opt_f64, opt_obj, opt_str, req_str, str_list};
use crate::problem::{Ctx, FeedError, Parsed};
use crate::time::parse_timestamp;

/// Parse an NVD API 2.0 response (or a single `cve` object).
pub fn parse_nvd(file: &str, text: &str) -> Result<Parsed<Advisory>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    from_value(file, &value)
}

/// Read an NVD API 2.0 response from a parsed document.
pub fn from_value(file: &str, value: &Value) -> Result<Parsed<Advisory>, FeedError> {
    let mut ctx = Ctx::new(file);
    let doc = object(value, "/").map_err(|b| ctx.format_error("an NVD API 2.0 response", b.reason))?;
    let mut items = Vec::new();
    if doc.contains_key("id") && doc.contains_key("descriptions") {
        match cve(&mut ctx, doc, "") {
            Ok(a) => items.push(a),
            Err(bad) => ctx.skip(bad.path, format!("CVE skipped: {}", bad.reason)),
        }
        return Ok(ctx.finish(items));
    }
    let Some(Value::Array(list)) = doc.get("vulnerabilities") else {
        return Err(ctx.format_error("an NVD API 2.0 response", "no 'vulnerabilities' array"));
    };
    for (i, item) in list.iter().enumerate() {
        let p = at("/vulnerabilities", i);
        let result = object(item, &p).and_then(|m| {
            let cp = at(&p, "cve");
            let c = opt_obj(m, &p, "cve")?.ok_or_else(|| Bad::new(&cp, "missing"))?;
            cve(&mut ctx, c, &cp)
        });
        match result {
            Ok(a) => items.push(a),
            Err(bad) => ctx.skip(bad.path, format!("CVE skipped: {}", bad.reason)),
        }
    }
    Ok(ctx.finish(items))
}

fn cve(ctx: &mut Ctx, m: &Map<String, Value>, path: &str) -> Result<Advisory, Bad> {
    let id = req_str(m, path, "id")?;
    let time = |ctx: &mut Ctx, key: &str| {
        let raw = ctx.keep(opt_str(m, path, key)).flatten()?;
        let t = parse_timestamp(&raw);
        if t.is_none() {
            ctx.flag(
                at(path, key),
                format!("'{}' is not a timestamp; ignored", clip(&raw)),
            );
        }
        t
    };
    let published = time(ctx, "published");
    let modified = time(ctx, "lastModified");
    let status = ctx.keep(opt_str(m, path, "vulnStatus")).flatten();
    let details = ctx
        .keep(opt_arr(m, path, "descriptions"))
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_object)
        .find(|d| d.get("lang").and_then(Value::as_str) == Some("en"))
        .and_then(|d| d.get("value"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut advisory = Advisory {
        id,
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        details,
        published,
        modified,
        withdrawn: if status.as_deref() == Some("Rejected") {
            modified.or(published)
        } else {
            None
        },
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        cwes: Vec::new(),
        source: AdvisorySource::Nvd,
    };
    if let Some(metrics) = ctx.keep(opt_obj(m, path, "metrics")).flatten() {
        let mp = at(path, "metrics");
        for (key, kind) in [
            ("cvssMetricV40", SeverityKind::CvssV4),
            ("cvssMetricV31", SeverityKind::CvssV3),
            ("cvssMetricV30", SeverityKind::CvssV3),
            ("cvssMetricV2", SeverityKind::CvssV2),
        ] {
            for (i, metric) in ctx
                .keep(opt_arr(metrics, &mp, key))
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let p = at(&at(&mp, key), i);
                match severity(metric, &p, kind.clone()) {
                    Ok(mut s) => {
                        fill_severity(ctx, &at(&p, "cvssData"), &mut s);
                        advisory.severity.push(s);
                    }
                    Err(bad) => ctx.skip(bad.path, format!("metric skipped: {}", bad.reason)),
                }
            }
        }
    }
    for weakness in ctx.keep(opt_arr(m, path, "weaknesses")).unwrap_or_default() {
        let descriptions = weakness.get("description").and_then(Value::as_array);
        for d in descriptions.into_iter().flatten() {
            if let Some(cwe) = d.get("value").and_then(Value::as_str)
                && cwe.starts_with("CWE-")
                && !advisory.cwes.iter().any(|c| c == cwe)
            {
                advisory.cwes.push(cwe.to_owned());
            }
        }
    }
    for (i, r) in ctx
        .keep(opt_arr(m, path, "references"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at(&at(path, "references"), i);
        let reference = object(r, &p).and_then(|r| {
            let tags = str_list(r, &p, "tags")?;
            Ok(Reference {
                kind: (!tags.is_empty()).then(|| tags.join(",")),
                url: req_str(r, &p, "url")?,
            })
        });
        match reference {
            Ok(r) => advisory.references.push(r),
            Err(bad) => ctx.skip(bad.path, format!("reference skipped: {}", bad.reason)),
        }
    }
    for (i, c) in ctx
        .keep(opt_arr(m, path, "configurations"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at(&at(path, "configurations"), i);
        match configuration(ctx, c, &p) {
            Ok(Some(a)) => advisory.affected.push(a),
            Ok(None) => {}
            Err(bad) => ctx.skip(bad.path, format!("configuration skipped: {}", bad.reason)),
        }
    }
    Ok(advisory)
}

fn severity(v: &Value, path: &str, kind: SeverityKind) -> Result<Severity, Bad> {
    let m = object(v, path)?;
    let dp = at(path, "cvssData");
    let data = opt_obj(m, path, "cvssData")?.ok_or_else(|| Bad::new(&dp, "missing"))?;
    Ok(Severity {
        kind,
        score: req_str(data, &dp, "vectorString")?,
        base_score: opt_f64(data, &dp, "baseScore")?,
        assigned_by: opt_str(m, path, "source")?,
    })
}

fn configuration(ctx: &mut Ctx, v: &Value, path: &str) -> Result<Option<Affected>, Bad> {
    let m = object(v, path)?;
    if opt_bool(m, path, "negate")? == Some(true) {
        return Err(Bad::new(
            at(path, "negate"),
            "negated configurations are not supported",
        ));
    }
    let mut cpes = Vec::new();
    for (n, node) in opt_arr(m, path, "nodes")?.iter().enumerate() {
        let np = at(&at(path, "nodes"), n);
        let node = object(node, &np)?;
        if opt_bool(node, &np, "negate")? == Some(true) {
            ctx.skip(
                at(&np, "negate"),
                "negated node skipped: Ward cannot express 'not running on'",
            );
            continue;
        }
        for (i, c) in opt_arr(node, &np, "cpeMatch")?.iter().enumerate() {
            let cp = at(&at(&np, "cpeMatch"), i);
            match cpe_match(c, &cp) {
                Ok(c) => cpes.push(c),
                Err(bad) => ctx.skip(bad.path, format!("CPE match skipped: {}", bad.reason)),
            }
        }
    }
    if !cpes.iter().any(|c| c.vulnerable) {
        if !cpes.is_empty() {
            ctx.flag(path, "configuration has no vulnerable CPE match; ignored");
        }
        return Ok(None);
    }
    Ok(Some(Affected {
        cpes,
        ..Affected::default()
    }))
}

fn cpe_match(v: &Value, path: &str) -> Result<CpeMatch, Bad> {
    let m = object(v, path)?;
    let criteria = req_str(m, path, "criteria")?;
    if !criteria.starts_with("cpe:2.3:") {
        return Err(Bad::new(
            at(path, "criteria"),
            format!("'{}' is not a CPE 2.3 formatted string", clip(&criteria)),
        ));
    }
    Ok(CpeMatch {
        criteria,
        version_start_including: opt_str(m, path, "versionStartIncluding")?,
        version_start_excluding: opt_str(m, path, "versionStartExcluding")?,
        version_end_including: opt_str(m, path, "versionEndIncluding")?,
        version_end_excluding: opt_str(m, path, "versionEndExcluding")?,
        vulnerable: opt_bool(m, path, "vulnerable")?
            .ok_or_else(|| Bad::new(at(path, "vulnerable"), "missing"))?,
    })
}
