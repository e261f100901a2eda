//! CycloneDX 1.2 to 1.6 in JSON (and, through [`crate::cyclonedx_xml`], XML): components with their
//! nested components, purls and CPEs, the dependency graph, and VEX (`vulnerabilities[].analysis`).
//!
//! A component without a name is skipped (its nested components are still read, under no parent). A
//! vulnerability with `analysis.state` yields one VEX statement per `affects[]` target and version;
//! the statement's product carries the purl and CPE of the component the `ref` names, when the
//! document has it (a BOM-Link `urn:cdx:serial/version#ref` is resolved by its fragment). A
//! vulnerability without analysis and without per-version status says nothing VEX-wise and is
//! reported as such.

use serde_json::{Map, Value};
use ward_core::vuln::{
    Component, DependencyEdge, Justification, ProductRef, Sbom, SbomFormat, VexStatement, VexStatus,
};

use crate::json::{Bad, at, clip, object, opt_arr, opt_obj, opt_str, req_str, str_list};
use crate::problem::{Ctx, Doc, FeedError};

/// Parse a CycloneDX JSON document.
pub fn parse_cyclonedx_json(file: &str, text: &str) -> Result<Doc<Sbom>, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    from_value(file, &value)
}

/// Read a CycloneDX document already parsed into a JSON value (of the JSON format's shape).
pub fn from_value(file: &str, value: &Value) -> Result<Doc<Sbom>, FeedError> {
    let mut ctx = Ctx::new(file);
    let doc = object(value, "/").map_err(|b| ctx.format_error("a CycloneDX document", b.reason))?;
    match doc.get("bomFormat").and_then(Value::as_str) {
        Some("CycloneDX") => {}
        _ => return Err(ctx.format_error("a CycloneDX document", "'bomFormat' is not 'CycloneDX'")),
    }
    let spec_version = match doc.get("specVersion") {
        Some(Value::String(v)) => v.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            ctx.flag("/specVersion", "missing; read as the latest supported (1.6)");
            "1.6".to_owned()
        }
    };
    if !matches!(
        spec_version.as_str(),
        "1.0" | "1.1" | "1.2" | "1.3" | "1.4" | "1.5" | "1.6"
    ) {
        ctx.flag(
            "/specVersion",
            format!("spec version '{}' is not one Ward knows", clip(&spec_version)),
        );
    }
    let metadata = ctx.keep(opt_obj(doc, "", "metadata")).flatten();
    let subject = metadata.and_then(|m| {
        let v = m.get("component")?;
        match component(v, "/metadata/component", None) {
            Ok(c) => Some(c),
            Err(bad) => {
                ctx.flag(bad.path, format!("metadata component ignored: {}", bad.reason));
                None
            }
        }
    });
    let components = components(&mut ctx, doc);
    let mut sbom = Sbom {
        format: SbomFormat::CycloneDx { spec_version },
        name: subject.as_ref().map(|c| c.name.clone()),
        serial_number: ctx.keep(opt_str(doc, "", "serialNumber")).flatten(),
        subject,
        components,
        dependencies: Vec::new(),
        vex: Vec::new(),
    };
    for (i, d) in ctx
        .keep(opt_arr(doc, "", "dependencies"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at("/dependencies", i);
        let edge = object(d, &p).and_then(|m| {
            Ok(DependencyEdge {
                from: req_str(m, &p, "ref")?,
                to: str_list(m, &p, "dependsOn")?,
            })
        });
        match edge {
            Ok(e) => sbom.dependencies.push(e),
            Err(bad) => ctx.skip(bad.path, format!("dependency skipped: {}", bad.reason)),
        }
    }
    let source = sbom
        .subject
        .as_ref()
        .map(|s| s.name.clone())
        .or_else(|| sbom.serial_number.clone())
        .unwrap_or_else(|| file.to_owned());
    for (i, v) in ctx
        .keep(opt_arr(doc, "", "vulnerabilities"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = at("/vulnerabilities", i);
        match vulnerability(&mut ctx, v, &p, &sbom, &source) {
            Ok(statements) => sbom.vex.extend(statements),
            Err(bad) => ctx.skip(bad.path, format!("vulnerability skipped: {}", bad.reason)),
        }
    }
    Ok(ctx.finish_doc(sbom))
}

/// Every component, nested ones after their parent (depth first), read without recursion.
fn components(ctx: &mut Ctx, doc: &Map<String, Value>) -> Vec<Component> {
    let mut out = Vec::new();
    let top = ctx.keep(opt_arr(doc, "", "components")).unwrap_or_default();
    let mut stack: Vec<(&Value, String, Option<usize>)> = top
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| (v, at("/components", i), None))
        .collect();
    while let Some((v, path, parent)) = stack.pop() {
        let me = match component(v, &path, parent) {
            Ok(c) => {
                out.push(c);
                Some(out.len() - 1)
            }
            Err(bad) => {
                ctx.skip(bad.path, format!("component skipped: {}", bad.reason));
                None
            }
        };
        let Some(m) = v.as_object() else { continue };
        let nested = ctx.keep(opt_arr(m, &path, "components")).unwrap_or_default();
        for (i, child) in nested.iter().enumerate().rev() {
            stack.push((child, at(&at(&path, "components"), i), me.or(parent)));
        }
    }
    out
}

fn component(v: &Value, path: &str, parent: Option<usize>) -> Result<Component, Bad> {
    let m = object(v, path)?;
    let supplier = match m.get("supplier") {
        Some(Value::Object(s)) => s.get("name").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
    .or(opt_str(m, path, "publisher")?)
    .or(opt_str(m, path, "author")?);
    Ok(Component {
        bom_ref: opt_str(m, path, "bom-ref")?,
        kind: opt_str(m, path, "type")?,
        name: req_str(m, path, "name")?,
        version: opt_str(m, path, "version")?,
        group: opt_str(m, path, "group")?,
        purl: opt_str(m, path, "purl")?,
        cpe: opt_str(m, path, "cpe")?,
        supplier,
        scope: opt_str(m, path, "scope")?,
        parent,
    })
}

/// An `affects[]` target: its reference, its object (none for the document's subject), its path.
type Target<'v> = (String, Option<&'v Map<String, Value>>, String);

/// The VEX status of a CycloneDX `analysis.state`.
pub(crate) fn status_of_state(state: &str) -> Option<VexStatus> {
    Some(match state {
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "exploitable" => VexStatus::Affected,
        "in_triage" => VexStatus::UnderInvestigation,
        "false_positive" | "not_affected" => VexStatus::NotAffected,
        _ => return None,
    })
}

fn status_of_version(status: &str) -> Option<VexStatus> {
    Some(match status {
        "affected" => VexStatus::Affected,
        "unaffected" => VexStatus::NotAffected,
        "unknown" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

/// The product a `ref` names, with identifiers from the document's components.
fn product_for(reference: &str, sbom: &Sbom) -> ProductRef {
    let local = reference
        .rsplit_once('#')
        .map_or(reference, |(_, fragment)| fragment);
    let mut product = ProductRef {
        id: Some(reference.to_owned()),
        ..ProductRef::default()
    };
    if let Some(c) = sbom.component(local).or_else(|| sbom.component(reference)) {
        product.name = Some(c.name.clone());
        product.purl.clone_from(&c.purl);
        product.cpe.clone_from(&c.cpe);
        product.version.clone_from(&c.version);
    } else if reference.starts_with("pkg:") {
        product.purl = Some(reference.to_owned());
    } else if reference.starts_with("cpe:") {
        product.cpe = Some(reference.to_owned());
    }
    product
}

fn vulnerability(
    ctx: &mut Ctx,
    v: &Value,
    path: &str,
    sbom: &Sbom,
    source: &str,
) -> Result<Vec<VexStatement>, Bad> {
    let m = object(v, path)?;
    let id = req_str(m, path, "id")?;
    let mut aliases = Vec::new();
    for r in opt_arr(m, path, "references")? {
        if let Some(alias) = r.get("id").and_then(Value::as_str)
            && alias != id
        {
            aliases.push(alias.to_owned());
        }
    }
    let ap = at(path, "analysis");
    let analysis = opt_obj(m, path, "analysis")?;
    let state = match analysis {
        Some(a) => opt_str(a, &ap, "state")?,
        None => None,
    };
    let analysis_status = match &state {
        Some(s) => Some(status_of_state(s).ok_or_else(|| {
            Bad::new(
                at(&ap, "state"),
                format!("'{}' is not a CycloneDX analysis state", clip(s)),
            )
        })?),
        None => None,
    };
    let justification = match analysis {
        Some(a) => opt_str(a, &ap, "justification")?.map(|j| Justification::from_label(&j)),
        None => None,
    };
    let detail = match analysis {
        Some(a) => opt_str(a, &ap, "detail")?,
        None => None,
    };
    let actions = match analysis {
        Some(a) => str_list(a, &ap, "response")?,
        None => Vec::new(),
    };
    let mut out = Vec::new();
    let affects = opt_arr(m, path, "affects")?;
    // Without `affects`, a statement can only be about what the document describes.
    let subject_target = match (affects.is_empty(), &sbom.subject) {
        (true, Some(subject)) => subject.bom_ref.clone().or_else(|| subject.purl.clone()),
        _ => None,
    };
    if affects.is_empty() && subject_target.is_none() {
        ctx.flag(
            path,
            format!("{id}: no 'affects' and no metadata component; no product to state it for"),
        );
    }
    let targets: Vec<Target<'_>> = match subject_target {
        Some(reference) => vec![(reference, None, path.to_owned())],
        None => {
            let mut list = Vec::new();
            for (i, target) in affects.iter().enumerate() {
                let tp = at(&at(path, "affects"), i);
                let t = object(target, &tp)?;
                list.push((req_str(t, &tp, "ref")?, Some(t), tp));
            }
            list
        }
    };
    for (reference, target, tp) in targets {
        let mut base = product_for(&reference, sbom);
        if target.is_none()
            && let Some(subject) = &sbom.subject
        {
            base.name = Some(subject.name.clone());
            base.purl.clone_from(&subject.purl);
            base.cpe.clone_from(&subject.cpe);
            base.version.clone_from(&subject.version);
        }
        let versions = match target {
            Some(t) => opt_arr(t, &tp, "versions")?,
            None => &[],
        };
        let mut variants: Vec<(ProductRef, Option<String>)> = Vec::new();
        if versions.is_empty() {
            variants.push((base.clone(), None));
        }
        for (j, version) in versions.iter().enumerate() {
            let vp = at(&at(&tp, "versions"), j);
            let vm = object(version, &vp)?;
            let mut product = base.clone();
            product.version = opt_str(vm, &vp, "version")?;
            product.version_range = opt_str(vm, &vp, "range")?;
            if product.version.is_none() && product.version_range.is_none() {
                return Err(Bad::new(vp, "a version entry needs 'version' or 'range'"));
            }
            variants.push((product, opt_str(vm, &vp, "status")?));
        }
        for (product, version_status) in variants {
            let (status, source_status) = match (analysis_status, &state, &version_status) {
                (Some(status), Some(state), _) => (status, state.clone()),
                (_, _, Some(vs)) => match status_of_version(vs) {
                    Some(status) => (status, vs.clone()),
                    None => {
                        ctx.skip(&tp, format!("'{}' is not a CycloneDX version status", clip(vs)));
                        continue;
                    }
                },
                _ => {
                    ctx.flag(
                        &tp,
                        format!("{id}: no analysis state or version status; no VEX statement"),
                    );
                    continue;
                }
            };
            out.push(VexStatement {
                vulnerability: id.clone(),
                aliases: aliases.clone(),
                product,
                status,
                source_status,
                justification: justification.clone(),
                detail: detail.clone(),
                actions: actions.clone(),
                source: source.to_owned(),
            });
        }
    }
    Ok(out)
}
