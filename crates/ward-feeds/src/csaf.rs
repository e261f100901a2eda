//! CSAF 2.0 documents (security advisories and the VEX profile).
//!
//! - The product tree is resolved to [`ProductRef`]s: every `product` in `branches` (with the version
//!   or `vers:` range of its `product_version` / `product_version_range` branch), every
//!   `full_product_names` entry, and every `relationships` product, which takes the component's
//!   identifiers and names the platform it is part of or installed on. Purls and CPEs come from
//!   `product_identification_helper`.
//! - Each product listed in a vulnerability's `product_status` becomes a [`VexStatement`]:
//!   `known_affected`, `first_affected`, `last_affected` → affected; `known_not_affected` → not
//!   affected; `fixed`, `first_fixed` → fixed; `under_investigation` → under investigation
//!   (`recommended` is not a status and yields none). Justifications come from `flags` (the VEX
//!   profile's labels), details from `impact` threats, actions from `remediations`, each matched by
//!   `product_ids` or `group_ids`.
//! - The document also becomes an [`Advisory`] (tracking id, CVE aliases, scores, CWEs, references).
//!   Its `affected` list is empty: what a CSAF document says per product is in the statements.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use ward_core::vuln::{
    Advisory, AdvisorySource, Justification, ProductRef, Reference, Severity, SeverityKind, VexStatement,
    VexStatus,
};

use crate::check::fill_severity;
use crate::json::{Bad, at, clip, object, opt_arr, opt_f64, opt_obj, opt_str, req_str, str_list};
use crate::problem::{Ctx, Doc, FeedError};
use crate::time::parse_timestamp;

/// A parsed CSAF document.
#[derive(Debug, Clone, PartialEq)]
pub struct Csaf {
    /// The document as an advisory.
    pub advisory: Advisory,
    /// Every product of the product tree, resolved, in tree order.
    pub products: Vec<ProductRef>,
    /// One statement per product per status per vulnerability.
    pub statements: Vec<VexStatement>,
}

/// Parse a CSAF 2.0 JSON document.
pub fn parse_csaf(file: &str, text: &str) -> Result<Doc<Csaf>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    from_value(file, &value)
}

/// Read a CSAF document from a parsed JSON value.
pub fn from_value(file: &str, value: &Value) -> Result<Doc<Csaf>, FeedError> {
    let mut ctx = Ctx::new(file);
    let doc = object(value, "/").map_err(|b| ctx.format_error("a CSAF document", b.reason))?;
    let Some(document) = doc.get("document").and_then(Value::as_object) else {
        return Err(ctx.format_error("a CSAF document", "no 'document' object"));
    };
    let tracking = document.get("tracking").and_then(Value::as_object);
    let Some(id) = tracking.and_then(|t| t.get("id")).and_then(Value::as_str) else {
        return Err(ctx.format_error("a CSAF document", "no '/document/tracking/id'"));
    };
    match document.get("csaf_version").and_then(Value::as_str) {
        Some("2.0") => {}
        other => ctx.flag(
            "/document/csaf_version",
            format!("'{}' is read as CSAF 2.0", clip(other.unwrap_or("missing"))),
        ),
    }
    let publisher = document
        .get("publisher")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("unknown publisher");
    let source = format!("{publisher} {id}");
    let time = |ctx: &mut Ctx, key: &str| {
        let raw = tracking.and_then(|t| t.get(key)).and_then(Value::as_str)?;
        let t = parse_timestamp(raw);
        if t.is_none() {
            ctx.flag(
                at("/document/tracking", key),
                format!("'{}' is not a timestamp", clip(raw)),
            );
        }
        t
    };
    let mut advisory = Advisory {
        id: id.to_owned(),
        aliases: Vec::new(),
        related: Vec::new(),
        summary: document.get("title").and_then(Value::as_str).map(str::to_owned),
        details: document_summary(document),
        published: time(&mut ctx, "initial_release_date"),
        modified: time(&mut ctx, "current_release_date"),
        withdrawn: None,
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        cwes: Vec::new(),
        source: AdvisorySource::Csaf,
    };
    for r in ctx
        .keep(opt_arr(document, "/document", "references"))
        .unwrap_or_default()
    {
        if let Some(url) = r.get("url").and_then(Value::as_str) {
            push_reference(&mut advisory, url, r.get("category").and_then(Value::as_str));
        }
    }
    let products = match ctx.keep(opt_obj(doc, "", "product_tree")).flatten() {
        Some(tree) => product_tree(&mut ctx, tree),
        None => Products::default(),
    };
    let mut statements = Vec::new();
    for (i, v) in ctx
        .keep(opt_arr(doc, "", "vulnerabilities"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at("/vulnerabilities", i);
        match vulnerability(&mut ctx, v, &path, &products, &source, &mut advisory) {
            Ok(list) => statements.extend(list),
            Err(bad) => ctx.skip(bad.path, format!("vulnerability skipped: {}", bad.reason)),
        }
    }
    Ok(ctx.finish_doc(Csaf {
        advisory,
        products: products.list,
        statements,
    }))
}

fn document_summary(document: &Map<String, Value>) -> Option<String> {
    let notes = document.get("notes")?.as_array()?;
    notes
        .iter()
        .find(|n| {
            matches!(
                n.get("category").and_then(Value::as_str),
                Some("summary" | "description")
            )
        })
        .and_then(|n| n.get("text"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn push_reference(advisory: &mut Advisory, url: &str, kind: Option<&str>) {
    if !advisory.references.iter().any(|r| r.url == url) {
        advisory.references.push(Reference {
            kind: kind.map(str::to_owned),
            url: url.to_owned(),
        });
    }
}

/// The resolved product tree: products in order, an index by id, and the product groups.
#[derive(Debug, Default)]
struct Products {
    list: Vec<ProductRef>,
    by_id: BTreeMap<String, usize>,
    groups: BTreeMap<String, Vec<String>>,
}

impl Products {
    fn add(&mut self, ctx: &mut Ctx, path: &str, product: ProductRef) {
        let Some(id) = product.id.clone() else { return };
        if self.by_id.contains_key(&id) {
            ctx.flag(
                path,
                format!("product id '{}' is defined twice; the first is kept", clip(&id)),
            );
            return;
        }
        self.by_id.insert(id, self.list.len());
        self.list.push(product);
    }

    fn get(&self, id: &str) -> Option<&ProductRef> {
        self.by_id.get(id).and_then(|&i| self.list.get(i))
    }

    /// Product ids named directly and through groups.
    fn expand(&self, ids: Vec<String>, groups: Vec<String>) -> Vec<String> {
        let mut out = ids;
        for g in groups {
            out.extend(self.groups.get(&g).cloned().unwrap_or_default());
        }
        out
    }
}

/// A `full_product_name` object as a product, with the version context of its branch.
fn full_product_name(
    m: &Map<String, Value>,
    path: &str,
    version: Option<&Branch>,
) -> Result<ProductRef, Bad> {
    let helper = opt_obj(m, path, "product_identification_helper")?;
    let hp = at(path, "product_identification_helper");
    let (purl, cpe) = match helper {
        Some(h) => (opt_str(h, &hp, "purl")?, opt_str(h, &hp, "cpe")?),
        None => (None, None),
    };
    Ok(ProductRef {
        id: Some(req_str(m, path, "product_id")?),
        name: opt_str(m, path, "name")?,
        purl,
        cpe,
        version: version.and_then(|b| b.version.clone()),
        version_range: version.and_then(|b| b.range.clone()),
        platform: None,
    })
}

/// Version context inherited down the branches.
#[derive(Debug, Clone, Default)]
struct Branch {
    version: Option<String>,
    range: Option<String>,
}

fn product_tree(ctx: &mut Ctx, tree: &Map<String, Value>) -> Products {
    let mut products = Products::default();
    let root = "/product_tree";
    let top = ctx.keep(opt_arr(tree, root, "branches")).unwrap_or_default();
    let mut stack: Vec<(&Value, String, Branch)> = top
        .iter()
        .enumerate()
        .rev()
        .map(|(i, b)| (b, at(&at(root, "branches"), i), Branch::default()))
        .collect();
    while let Some((v, path, inherited)) = stack.pop() {
        let Some(m) = ctx.keep(object(v, &path)) else {
            continue;
        };
        let mut context = inherited;
        let name = ctx.keep(opt_str(m, &path, "name")).flatten();
        match m.get("category").and_then(Value::as_str) {
            Some("product_version") => context.version = name,
            Some("product_version_range") => context.range = name,
            _ => {}
        }
        if let Some(p) = ctx.keep(opt_obj(m, &path, "product")).flatten() {
            let pp = at(&path, "product");
            match full_product_name(p, &pp, Some(&context)) {
                Ok(product) => products.add(ctx, &pp, product),
                Err(bad) => ctx.skip(bad.path, format!("product skipped: {}", bad.reason)),
            }
        }
        let children = ctx.keep(opt_arr(m, &path, "branches")).unwrap_or_default();
        for (i, child) in children.iter().enumerate().rev() {
            stack.push((child, at(&at(&path, "branches"), i), context.clone()));
        }
    }
    for (i, p) in ctx
        .keep(opt_arr(tree, root, "full_product_names"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at(&at(root, "full_product_names"), i);
        match object(p, &path).and_then(|m| full_product_name(m, &path, None)) {
            Ok(product) => products.add(ctx, &path, product),
            Err(bad) => ctx.skip(bad.path, format!("product skipped: {}", bad.reason)),
        }
    }
    let relationships = ctx.keep(opt_arr(tree, root, "relationships")).unwrap_or_default();
    for (i, r) in relationships.iter().enumerate() {
        let path = at(&at(root, "relationships"), i);
        match relationship(r, &path, &products) {
            Ok(product) => products.add(ctx, &path, product),
            Err(bad) => ctx.skip(bad.path, format!("relationship skipped: {}", bad.reason)),
        }
    }
    for (i, g) in ctx
        .keep(opt_arr(tree, root, "product_groups"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at(&at(root, "product_groups"), i);
        let group = object(g, &path)
            .and_then(|m| Ok((req_str(m, &path, "group_id")?, str_list(m, &path, "product_ids")?)));
        match group {
            Ok((id, members)) => {
                products.groups.insert(id, members);
            }
            Err(bad) => ctx.skip(bad.path, format!("product group skipped: {}", bad.reason)),
        }
    }
    products
}

fn relationship(v: &Value, path: &str, products: &Products) -> Result<ProductRef, Bad> {
    let m = object(v, path)?;
    let fp = at(path, "full_product_name");
    let fpn = opt_obj(m, path, "full_product_name")?.ok_or_else(|| Bad::new(&fp, "missing"))?;
    let own = full_product_name(fpn, &fp, None)?;
    let component_id = req_str(m, path, "product_reference")?;
    let platform_id = req_str(m, path, "relates_to_product_reference")?;
    let component = products.get(&component_id).ok_or_else(|| {
        Bad::new(
            at(path, "product_reference"),
            format!("unknown product '{}'", clip(&component_id)),
        )
    })?;
    let platform = products.get(&platform_id).ok_or_else(|| {
        Bad::new(
            at(path, "relates_to_product_reference"),
            format!("unknown product '{}'", clip(&platform_id)),
        )
    })?;
    Ok(ProductRef {
        id: own.id,
        name: own.name.or_else(|| component.name.clone()),
        purl: own.purl.or_else(|| component.purl.clone()),
        cpe: own.cpe.or_else(|| component.cpe.clone()),
        version: component.version.clone(),
        version_range: component.version_range.clone(),
        platform: Some(Box::new(platform.clone())),
    })
}

const STATUSES: [(&str, VexStatus); 7] = [
    ("known_affected", VexStatus::Affected),
    ("first_affected", VexStatus::Affected),
    ("last_affected", VexStatus::Affected),
    ("known_not_affected", VexStatus::NotAffected),
    ("fixed", VexStatus::Fixed),
    ("first_fixed", VexStatus::Fixed),
    ("under_investigation", VexStatus::UnderInvestigation),
];

/// Per product id: the values of `list[]` entries that name it by `product_ids` or `group_ids`.
fn by_product(
    ctx: &mut Ctx,
    m: &Map<String, Value>,
    path: &str,
    key: &str,
    products: &Products,
    value: impl Fn(&Map<String, Value>) -> Option<String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, item) in ctx
        .keep(opt_arr(m, path, key))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let ip = at(&at(path, key), i);
        let Some(item) = ctx.keep(object(item, &ip)) else {
            continue;
        };
        let ids = ctx.keep(str_list(item, &ip, "product_ids")).unwrap_or_default();
        let groups = ctx.keep(str_list(item, &ip, "group_ids")).unwrap_or_default();
        if let Some(v) = value(item) {
            for id in products.expand(ids, groups) {
                out.entry(id).or_default().push(v.clone());
            }
        }
    }
    out
}

fn vulnerability(
    ctx: &mut Ctx,
    v: &Value,
    path: &str,
    products: &Products,
    source: &str,
    advisory: &mut Advisory,
) -> Result<Vec<VexStatement>, Bad> {
    let m = object(v, path)?;
    let other_ids: Vec<String> = opt_arr(m, path, "ids")?
        .iter()
        .filter_map(|i| i.get("text").and_then(Value::as_str))
        .filter(|t| !t.starts_with("http"))
        .map(str::to_owned)
        .collect();
    let cve = opt_str(m, path, "cve")?;
    let id = cve
        .clone()
        .or_else(|| other_ids.first().cloned())
        .ok_or_else(|| Bad::new(path, "names no CVE and no other id"))?;
    if !advisory.aliases.contains(&id) && id != advisory.id {
        advisory.aliases.push(id.clone());
    }
    if let Some(cwe) = opt_obj(m, path, "cwe")?
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        && !advisory.cwes.iter().any(|c| c == cwe)
    {
        advisory.cwes.push(cwe.to_owned());
    }
    for r in opt_arr(m, path, "references")? {
        if let Some(url) = r.get("url").and_then(Value::as_str) {
            push_reference(advisory, url, r.get("category").and_then(Value::as_str));
        }
    }
    for (i, s) in opt_arr(m, path, "scores")?.iter().enumerate() {
        let sp = at(&at(path, "scores"), i);
        let Some(s) = ctx.keep(object(s, &sp)) else {
            continue;
        };
        for (key, kind) in [
            ("cvss_v3", SeverityKind::CvssV3),
            ("cvss_v2", SeverityKind::CvssV2),
        ] {
            let Some(c) = ctx.keep(opt_obj(s, &sp, key)).flatten() else {
                continue;
            };
            let cp = at(&sp, key);
            let (Some(vector), score) = (
                ctx.keep(req_str(c, &cp, "vectorString")),
                ctx.keep(opt_f64(c, &cp, "baseScore")).flatten(),
            ) else {
                continue;
            };
            if advisory.severity.iter().any(|x| x.score == vector) {
                continue;
            }
            let mut severity = Severity {
                kind: kind.clone(),
                score: vector,
                base_score: score,
                assigned_by: None,
            };
            fill_severity(ctx, &cp, &mut severity);
            advisory.severity.push(severity);
        }
    }
    let flags = by_product(ctx, m, path, "flags", products, |f| {
        f.get("label").and_then(Value::as_str).map(str::to_owned)
    });
    let impacts = by_product(ctx, m, path, "threats", products, |t| {
        (t.get("category").and_then(Value::as_str) == Some("impact"))
            .then(|| {
                t.get("details")
                    .and_then(Value::as_str)
                    .map(|d| d.trim().to_owned())
            })
            .flatten()
    });
    let remediations = by_product(ctx, m, path, "remediations", products, |r| {
        let category = r.get("category").and_then(Value::as_str).unwrap_or("remediation");
        let details = r.get("details").and_then(Value::as_str).unwrap_or("").trim();
        let url = r.get("url").and_then(Value::as_str);
        Some(match url {
            Some(url) => format!("{category}: {details} ({url})"),
            None => format!("{category}: {details}"),
        })
    });
    let mut aliases = other_ids;
    aliases.retain(|a| *a != id);
    let mut out = Vec::new();
    let sp = at(path, "product_status");
    let Some(status) = opt_obj(m, path, "product_status")? else {
        return Ok(out);
    };
    for (key, vex_status) in STATUSES {
        for (i, product_id) in str_list(status, &sp, key)?.into_iter().enumerate() {
            let product = match products.get(&product_id) {
                Some(p) => p.clone(),
                None => {
                    ctx.flag(
                        at(&at(&sp, key), i),
                        format!(
                            "product '{}' is not in the product tree; kept by id",
                            clip(&product_id)
                        ),
                    );
                    ProductRef {
                        id: Some(product_id.clone()),
                        ..ProductRef::default()
                    }
                }
            };
            let justification = match vex_status {
                VexStatus::NotAffected => flags
                    .get(&product_id)
                    .and_then(|labels| labels.first())
                    .map(|l| Justification::from_label(l)),
                _ => None,
            };
            out.push(VexStatement {
                vulnerability: id.clone(),
                aliases: aliases.clone(),
                product,
                status: vex_status,
                source_status: key.to_owned(),
                justification,
                detail: impacts.get(&product_id).map(|d| d.join("\n")),
                actions: remediations.get(&product_id).cloned().unwrap_or_default(),
                source: source.to_owned(),
            });
        }
    }
    Ok(out)
}
