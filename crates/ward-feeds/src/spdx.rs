//! SPDX 2.2/2.3 JSON: packages with their purl and CPE references, and the relationships between them.
//!
//! - Every package becomes a component (`SPDXID` as its reference), except the one the document
//!   `DESCRIBES` (or lists in `documentDescribes`), which becomes the SBOM's subject when there is
//!   exactly one.
//! - `externalRefs` of type `purl` give the purl; `cpe23Type` (preferred) or `cpe22Type` the CPE. A
//!   package with several purls keeps the first and the rest are flagged.
//! - `DEPENDS_ON` (a → b) and `DEPENDENCY_OF` (b → a) relationships make the dependency graph;
//!   `CONTAINS` / `CONTAINED_BY` set the nested component's parent.
//! - A package without a name or `SPDXID` is skipped and reported.

use std::collections::BTreeMap;

use serde_json::Value;
use ward_core::vuln::{Component, DependencyEdge, Sbom, SbomFormat};

use crate::json::{Bad, at, clip, object, opt_arr, opt_str, req_str, str_list};
use crate::problem::{Ctx, Doc, FeedError};

/// Parse an SPDX JSON document.
pub fn parse_spdx_json(file: &str, text: &str) -> Result<Doc<Sbom>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    from_value(file, &value)
}

/// Read an SPDX document from a parsed JSON value.
pub fn from_value(file: &str, value: &Value) -> Result<Doc<Sbom>, FeedError> {
    let mut ctx = Ctx::new(file);
    let doc = object(value, "/").map_err(|b| ctx.format_error("an SPDX document", b.reason))?;
    let version = match doc.get("spdxVersion").and_then(Value::as_str) {
        Some(v) if v.starts_with("SPDX-") => v.to_owned(),
        _ => return Err(ctx.format_error("an SPDX document", "'spdxVersion' is missing or not SPDX-x.y")),
    };
    if !matches!(version.as_str(), "SPDX-2.2" | "SPDX-2.3") {
        ctx.flag(
            "/spdxVersion",
            format!("'{}' is read as SPDX 2.3", clip(&version)),
        );
    }
    let mut components = Vec::new();
    for (i, p) in ctx
        .keep(opt_arr(doc, "", "packages"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at("/packages", i);
        match package(&mut ctx, p, &path) {
            Ok(c) => components.push(c),
            Err(bad) => ctx.skip(bad.path, format!("package skipped: {}", bad.reason)),
        }
    }
    let mut described = ctx
        .keep(str_list(doc, "", "documentDescribes"))
        .unwrap_or_default();
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut contained: Vec<(String, String)> = Vec::new();
    for (i, r) in ctx
        .keep(opt_arr(doc, "", "relationships"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at("/relationships", i);
        let rel = object(r, &path).and_then(|m| {
            Ok((
                req_str(m, &path, "spdxElementId")?,
                req_str(m, &path, "relationshipType")?,
                req_str(m, &path, "relatedSpdxElement")?,
            ))
        });
        let (from, kind, to) = match rel {
            Ok(rel) => rel,
            Err(bad) => {
                ctx.skip(bad.path, format!("relationship skipped: {}", bad.reason));
                continue;
            }
        };
        match kind.as_str() {
            "DESCRIBES" => described.push(to),
            "DESCRIBED_BY" => described.push(from),
            "DEPENDS_ON" => depends.entry(from).or_default().push(to),
            "DEPENDENCY_OF" => depends.entry(to).or_default().push(from),
            "CONTAINS" => contained.push((from, to)),
            "CONTAINED_BY" => contained.push((to, from)),
            _ => {}
        }
    }
    described.sort();
    described.dedup();
    let subject = match described.as_slice() {
        [one] => components
            .iter()
            .position(|c: &Component| c.bom_ref.as_deref() == Some(one.as_str()))
            .map(|i| components.remove(i)),
        _ => None,
    };
    let index: BTreeMap<String, usize> = components
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.bom_ref.clone().map(|r| (r, i)))
        .collect();
    for (parent, child) in contained {
        if let (Some(&p), Some(&c)) = (index.get(&parent), index.get(&child))
            && p != c
            && let Some(component) = components.get_mut(c)
        {
            component.parent = Some(p);
        }
    }
    let dependencies = depends
        .into_iter()
        .map(|(from, mut to)| {
            to.sort();
            to.dedup();
            DependencyEdge { from, to }
        })
        .collect();
    let sbom = Sbom {
        format: SbomFormat::Spdx { version },
        name: ctx.keep(opt_str(doc, "", "name")).flatten(),
        serial_number: ctx.keep(opt_str(doc, "", "documentNamespace")).flatten(),
        subject,
        components,
        dependencies,
        vex: Vec::new(),
    };
    Ok(ctx.finish_doc(sbom))
}

fn package(ctx: &mut Ctx, v: &Value, path: &str) -> Result<Component, Bad> {
    let m = object(v, path)?;
    let mut purls = Vec::new();
    let mut cpe23 = None;
    let mut cpe22 = None;
    for (i, r) in opt_arr(m, path, "externalRefs")?.iter().enumerate() {
        let rp = at(&at(path, "externalRefs"), i);
        let reference = object(r, &rp).and_then(|r| {
            Ok((
                req_str(r, &rp, "referenceType")?,
                req_str(r, &rp, "referenceLocator")?,
            ))
        });
        match reference {
            Ok((kind, locator)) => match kind.as_str() {
                "purl" => purls.push(locator),
                "cpe23Type" => {
                    cpe23.get_or_insert(locator);
                }
                "cpe22Type" => {
                    cpe22.get_or_insert(locator);
                }
                _ => {}
            },
            Err(bad) => ctx.skip(bad.path, format!("external reference skipped: {}", bad.reason)),
        }
    }
    if purls.len() > 1 {
        ctx.flag(
            at(path, "externalRefs"),
            format!("{} purls; the first is used", purls.len()),
        );
    }
    let supplier = opt_str(m, path, "supplier")?.map(|s| {
        s.strip_prefix("Organization:")
            .or_else(|| s.strip_prefix("Person:"))
            .unwrap_or(&s)
            .trim()
            .to_owned()
    });
    let version = opt_str(m, path, "versionInfo")?;
    Ok(Component {
        bom_ref: Some(req_str(m, path, "SPDXID")?),
        kind: opt_str(m, path, "primaryPackagePurpose")?.map(|k| k.to_ascii_lowercase().replace('_', "-")),
        name: req_str(m, path, "name")?,
        version,
        group: None,
        purl: purls.into_iter().next(),
        cpe: cpe23.or(cpe22),
        supplier: supplier.filter(|s| s != "NOASSERTION" && !s.is_empty()),
        scope: None,
        parent: None,
    })
}
