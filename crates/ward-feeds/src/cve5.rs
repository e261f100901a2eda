//! CVE JSON 5 records (the CVE programme's record format, `dataType: CVE_RECORD`), one record or an
//! array.
//!
//! Mapping onto [`Advisory`]:
//! - `cveMetadata.cveId` is the id; a `REJECTED` record is kept with `withdrawn` set.
//! - `containers.cna` and every `containers.adp[]` contribute metrics (CVSS v2, v3.0, v3.1, v4.0,
//!   with the container's provider as `assigned_by`), CWE ids and references.
//! - Each `cna.affected[]` entry becomes one [`Affected`]: `vendor`/`product` always; a package when
//!   `packageName` and a known `collectionURL` name an OSV ecosystem; `cpes` as plain CPE criteria;
//!   each `versions[]` entry with status `affected` becomes a range (`version` introduced, `lessThan`
//!   fixed, `lessThanOrEqual` last affected, `*` meaning unbounded) or, without bounds, an entry of
//!   the explicit `versions` list. Entries with status `unaffected` or `unknown` and `defaultStatus`
//!   are not turned into ranges (see the crate's report of what is missing).

use serde_json::{Map, Value};
use ward_core::vuln::{
    Advisory, AdvisorySource, Affected, CpeMatch, Event, PackageRef, Range, RangeKind, Reference, Severity,
    SeverityKind, VendorProduct,
};

use crate::check::{fill_severity, flag_affected};
use crate::json::{Bad, at, clip, object, opt_arr, opt_f64, opt_obj, opt_str, req_str, str_list};
use crate::problem::{Ctx, FeedError, Parsed};
use crate::time::parse_timestamp;

/// Parse CVE JSON 5: one record or an array of records.
pub fn parse_cve5(file: &str, text: &str) -> Result<Parsed<Advisory>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    Ok(from_value(file, &value))
}

/// Read CVE JSON 5 records from a parsed document.
pub fn from_value(file: &str, value: &Value) -> Parsed<Advisory> {
    let mut ctx = Ctx::new(file);
    let mut items = Vec::new();
    let records: Vec<(String, &Value)> = match value {
        Value::Array(list) => list.iter().enumerate().map(|(i, v)| (at("", i), v)).collect(),
        other => vec![(String::new(), other)],
    };
    for (path, v) in records {
        match record(&mut ctx, v, &path) {
            Ok(a) => items.push(a),
            Err(bad) => ctx.skip(bad.path, format!("record skipped: {}", bad.reason)),
        }
    }
    ctx.finish(items)
}

fn record(ctx: &mut Ctx, v: &Value, path: &str) -> Result<Advisory, Bad> {
    let m = object(v, if path.is_empty() { "/" } else { path })?;
    if let Some(kind) = ctx.keep(opt_str(m, path, "dataType")).flatten()
        && kind != "CVE_RECORD"
    {
        return Err(Bad::new(
            at(path, "dataType"),
            format!("'{}' is not CVE_RECORD", clip(&kind)),
        ));
    }
    let meta_path = at(path, "cveMetadata");
    let meta = opt_obj(m, path, "cveMetadata")?.ok_or_else(|| Bad::new(&meta_path, "missing"))?;
    let id = req_str(meta, &meta_path, "cveId")?;
    let state = ctx.keep(opt_str(meta, &meta_path, "state")).flatten();
    let time = |ctx: &mut Ctx, key: &str| {
        let raw = ctx.keep(opt_str(meta, &meta_path, key)).flatten()?;
        let t = parse_timestamp(&raw);
        if t.is_none() {
            ctx.flag(
                at(&meta_path, key),
                format!("'{}' is not a timestamp; ignored", clip(&raw)),
            );
        }
        t
    };
    let published = time(ctx, "datePublished");
    let modified = time(ctx, "dateUpdated");
    let rejected = time(ctx, "dateRejected");
    let withdrawn = match state.as_deref() {
        Some("REJECTED") => rejected.or(modified).or(published),
        _ => None,
    };
    let containers_path = at(path, "containers");
    let containers = opt_obj(m, path, "containers")?.ok_or_else(|| Bad::new(&containers_path, "missing"))?;
    let cna_path = at(&containers_path, "cna");
    let cna = opt_obj(containers, &containers_path, "cna")?.ok_or_else(|| Bad::new(&cna_path, "missing"))?;

    let mut advisory = Advisory {
        id,
        aliases: Vec::new(),
        related: Vec::new(),
        summary: ctx.keep(opt_str(cna, &cna_path, "title")).flatten(),
        details: english(ctx, cna, &cna_path, "descriptions"),
        published,
        modified,
        withdrawn,
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        cwes: Vec::new(),
        source: AdvisorySource::Cve5,
    };
    if advisory.details.is_none() && withdrawn.is_some() {
        advisory.details = english(ctx, cna, &cna_path, "rejectedReasons");
    }
    let adps = ctx
        .keep(opt_arr(containers, &containers_path, "adp"))
        .unwrap_or_default();
    let mut sources: Vec<(String, &Map<String, Value>)> = vec![(cna_path.clone(), cna)];
    for (i, adp) in adps.iter().enumerate() {
        let p = at(&at(&containers_path, "adp"), i);
        if let Some(adp) = ctx.keep(object(adp, &p)) {
            sources.push((p, adp));
        }
    }
    for (p, container) in &sources {
        container_details(ctx, container, p, &mut advisory);
    }
    for (i, a) in ctx
        .keep(opt_arr(cna, &cna_path, "affected"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at(&at(&cna_path, "affected"), i);
        match affected(ctx, a, &p) {
            Ok(entry) => {
                flag_affected(ctx, &p, &entry);
                advisory.affected.push(entry);
            }
            Err(bad) => ctx.skip(bad.path, format!("affected entry skipped: {}", bad.reason)),
        }
    }
    Ok(advisory)
}

/// The English (or else the first) `value` of a `[{lang, value}]` list.
fn english(ctx: &mut Ctx, m: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
    let list = ctx.keep(opt_arr(m, path, key)).unwrap_or_default();
    let texts: Vec<(Option<String>, String)> = list
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|d| {
            let value = d.get("value")?.as_str()?.to_owned();
            Some((d.get("lang").and_then(Value::as_str).map(str::to_owned), value))
        })
        .collect();
    texts
        .iter()
        .find(|(lang, _)| lang.as_deref().is_some_and(|l| l.starts_with("en")))
        .or(texts.first())
        .map(|(_, v)| v.clone())
}

/// Metrics, problem types and references of one container.
fn container_details(ctx: &mut Ctx, c: &Map<String, Value>, path: &str, advisory: &mut Advisory) {
    let provider = c
        .get("providerMetadata")
        .and_then(|p| p.get("shortName"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    for (i, metric) in ctx
        .keep(opt_arr(c, path, "metrics"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at(&at(path, "metrics"), i);
        let Some(metric) = ctx.keep(object(metric, &p)) else {
            continue;
        };
        for (key, kind) in [
            ("cvssV4_0", SeverityKind::CvssV4),
            ("cvssV3_1", SeverityKind::CvssV3),
            ("cvssV3_0", SeverityKind::CvssV3),
            ("cvssV2_0", SeverityKind::CvssV2),
        ] {
            let Some(cvss) = ctx.keep(opt_obj(metric, &p, key)).flatten() else {
                continue;
            };
            let cp = at(&p, key);
            match (
                req_str(cvss, &cp, "vectorString"),
                opt_f64(cvss, &cp, "baseScore"),
            ) {
                (Ok(vector), Ok(score)) => {
                    let mut severity = Severity {
                        kind: kind.clone(),
                        score: vector,
                        base_score: score,
                        assigned_by: provider.clone(),
                    };
                    fill_severity(ctx, &cp, &mut severity);
                    advisory.severity.push(severity);
                }
                (Err(bad), _) | (_, Err(bad)) => {
                    ctx.skip(bad.path, format!("metric skipped: {}", bad.reason))
                }
            }
        }
    }
    for problem_type in ctx.keep(opt_arr(c, path, "problemTypes")).unwrap_or_default() {
        let descriptions = problem_type.get("descriptions").and_then(Value::as_array);
        for d in descriptions.into_iter().flatten() {
            if let Some(cwe) = d.get("cweId").and_then(Value::as_str)
                && !advisory.cwes.iter().any(|c| c == cwe)
            {
                advisory.cwes.push(cwe.to_owned());
            }
        }
    }
    for (i, r) in ctx
        .keep(opt_arr(c, path, "references"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at(&at(path, "references"), i);
        let reference = object(r, &p).and_then(|m| {
            let url = req_str(m, &p, "url")?;
            let tags = str_list(m, &p, "tags")?;
            Ok(Reference {
                kind: (!tags.is_empty()).then(|| tags.join(",")),
                url,
            })
        });
        match reference {
            Ok(r) if !advisory.references.iter().any(|x| x.url == r.url) => advisory.references.push(r),
            Ok(_) => {}
            Err(bad) => ctx.skip(bad.path, format!("reference skipped: {}", bad.reason)),
        }
    }
}

/// The OSV ecosystem of a CVE 5 `collectionURL`, for the registries that have one.
fn ecosystem_of(collection: &str) -> Option<&'static str> {
    let host = collection
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let known = [
        ("repo.maven.apache.org", "Maven"),
        ("repo1.maven.org", "Maven"),
        ("central.sonatype.com", "Maven"),
        ("pypi.org", "PyPI"),
        ("pypi.python.org", "PyPI"),
        ("www.npmjs.com", "npm"),
        ("registry.npmjs.org", "npm"),
        ("npmjs.com", "npm"),
        ("crates.io", "crates.io"),
        ("pkg.go.dev", "Go"),
        ("proxy.golang.org", "Go"),
        ("rubygems.org", "RubyGems"),
        ("www.nuget.org", "NuGet"),
        ("api.nuget.org", "NuGet"),
        ("packagist.org", "Packagist"),
        ("hex.pm", "Hex"),
        ("pub.dev", "Pub"),
    ];
    known
        .iter()
        .find(|(prefix, _)| host == *prefix || host.starts_with(&format!("{prefix}/")))
        .map(|(_, eco)| *eco)
}

fn affected(ctx: &mut Ctx, v: &Value, path: &str) -> Result<Affected, Bad> {
    let m = object(v, path)?;
    let vendor = opt_str(m, path, "vendor")?;
    let product = opt_str(m, path, "product")?;
    let package_name = opt_str(m, path, "packageName")?;
    let collection = opt_str(m, path, "collectionURL")?;
    let package = match (&package_name, collection.as_deref().and_then(ecosystem_of)) {
        (Some(name), Some(eco)) => Some(PackageRef {
            ecosystem: eco.to_owned(),
            name: name.clone(),
            purl: None,
        }),
        (Some(name), None) => {
            ctx.flag(
                at(path, "collectionURL"),
                format!(
                    "package '{}' has no collectionURL of a known registry; kept as vendor/product only",
                    clip(name)
                ),
            );
            None
        }
        _ => None,
    };
    let vendor_product = match (vendor, product.or(package_name)) {
        (Some(vendor), Some(product)) => Some(VendorProduct { vendor, product }),
        (None, Some(product)) => Some(VendorProduct {
            vendor: String::new(),
            product,
        }),
        _ => None,
    };
    let cpes = str_list(m, path, "cpes")?
        .into_iter()
        .map(|criteria| CpeMatch {
            criteria,
            version_start_including: None,
            version_start_excluding: None,
            version_end_including: None,
            version_end_excluding: None,
            vulnerable: true,
        })
        .collect();
    let mut out = Affected {
        package,
        vendor_product,
        cpes,
        ranges: Vec::new(),
        versions: Vec::new(),
    };
    for (i, version) in opt_arr(m, path, "versions")?.iter().enumerate() {
        let p = at(&at(path, "versions"), i);
        match version_entry(version, &p) {
            Ok(Some(VersionEntry::Range(r))) => out.ranges.push(r),
            Ok(Some(VersionEntry::Exact(v))) => out.versions.push(v),
            Ok(None) => {}
            Err(bad) => ctx.skip(bad.path, format!("version entry skipped: {}", bad.reason)),
        }
    }
    if out.vendor_product.is_none() && out.package.is_none() && out.cpes.is_empty() {
        return Err(Bad::new(path, "names no vendor, product, package or CPE"));
    }
    Ok(out)
}

enum VersionEntry {
    Range(Range),
    Exact(String),
}

fn version_entry(v: &Value, path: &str) -> Result<Option<VersionEntry>, Bad> {
    let m = object(v, path)?;
    let version = req_str(m, path, "version")?;
    let status = req_str(m, path, "status")?;
    match status.as_str() {
        "affected" => {}
        "unaffected" | "unknown" => return Ok(None),
        other => {
            return Err(Bad::new(
                at(path, "status"),
                format!("'{}' is not affected, unaffected or unknown", clip(other)),
            ));
        }
    }
    let kind = match opt_str(m, path, "versionType")?.as_deref() {
        Some("git") => RangeKind::Git,
        Some("semver") => RangeKind::Semver,
        _ => RangeKind::Ecosystem,
    };
    let less_than = opt_str(m, path, "lessThan")?;
    let less_or_equal = opt_str(m, path, "lessThanOrEqual")?;
    if less_than.is_some() && less_or_equal.is_some() {
        return Err(Bad::new(path, "has both lessThan and lessThanOrEqual"));
    }
    if less_than.is_none() && less_or_equal.is_none() {
        return Ok(Some(VersionEntry::Exact(version)));
    }
    let start = if matches!(version.as_str(), "0" | "*" | "unspecified" | "n/a") {
        "0".to_owned()
    } else {
        version
    };
    let mut events = vec![Event::Introduced(start)];
    match (less_than, less_or_equal) {
        (Some(end), _) if end != "*" => events.push(Event::Fixed(end)),
        (_, Some(end)) if end != "*" => events.push(Event::LastAffected(end)),
        _ => {}
    }
    Ok(Some(VersionEntry::Range(Range {
        kind,
        repo: None,
        events,
    })))
}
