//! CycloneDX XML (1.2 to 1.6): read into a small element tree with `quick-xml`, rewritten into the
//! JSON format's shape, then read by the same code as JSON ([`crate::cyclonedx`]). Problem paths are
//! therefore JSON pointers of the equivalent JSON document (`/components/3/name`).
//!
//! The spec version comes from the namespace (`http://cyclonedx.org/schema/bom/1.4`). Nesting deeper
//! than [`crate::yaml::MAX_DEPTH`] is refused, and the tree's size (elements and attributes, bytes of
//! names, attribute values and text) is counted against [`Limits`] as it is read.
//!
//! There is no entity expansion to bomb: a document type declaration is passed over, only the five
//! predefined entities and character references are resolved, and any other `&name;` stays as
//! written.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value, json};
use ward_core::vuln::Sbom;

use crate::limits::{Budget, Limits};
use crate::problem::{Doc, FeedError};

/// One XML element: local name, attributes, text and children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }
}

/// Parse a CycloneDX XML document within the default [`Limits`].
pub fn parse_cyclonedx_xml(file: &str, text: &str) -> Result<Doc<Sbom>, FeedError> {
    parse_cyclonedx_xml_with(file, text, &Limits::default())
}

/// Parse a CycloneDX XML document within `limits`.
pub fn parse_cyclonedx_xml_with(file: &str, text: &str, limits: &Limits) -> Result<Doc<Sbom>, FeedError> {
    crate::cyclonedx::from_value(file, &bom_value_with(file, text, limits)?)
}

/// A CycloneDX XML document rewritten into the JSON format's shape, within `limits`: what
/// [`crate::cyclonedx`] reads, and what a supplier's VEX in XML is checked as
/// ([`crate::supplier_document`]).
pub fn bom_value_with(file: &str, text: &str, limits: &Limits) -> Result<Value, FeedError> {
    let root = read_tree(file, text, limits)?;
    if root.name != "bom" {
        return Err(FeedError::Format {
            file: file.to_owned(),
            expected: "a CycloneDX document",
            reason: format!(
                "the root element is <{}>, not <bom>",
                crate::json::clip(&root.name)
            ),
        });
    }
    Ok(bom_to_json(&root))
}

fn read_tree(file: &str, text: &str, limits: &Limits) -> Result<Element, FeedError> {
    let mut budget = Budget::new(file, limits);
    let mut reader = Reader::from_str(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut stack: Vec<Element> = Vec::new();
    let syntax = |reader: &Reader<&[u8]>, reason: String| FeedError::Syntax {
        file: file.to_owned(),
        at: format!("byte {}", reader.error_position()),
        reason,
    };
    loop {
        budget.step()?;
        let event = reader.read_event().map_err(|e| syntax(&reader, e.to_string()))?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                if stack.len() >= crate::yaml::MAX_DEPTH {
                    return Err(syntax(&reader, "elements nested too deeply".to_owned()));
                }
                let mut element = Element {
                    name: start.local_name().as_ref().to_owned(),
                    ..Element::default()
                };
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| syntax(&reader, e.to_string()))?;
                    let key = attribute.key.as_ref().to_owned();
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| syntax(&reader, e.to_string()))?
                        .into_owned();
                    budget.spend((key.len() + value.len()) as u64, 1)?;
                    element.attributes.push((key, value));
                }
                budget.spend(element.name.len() as u64, 1)?;
                if is_empty {
                    if stack.is_empty() {
                        return Ok(element);
                    }
                    attach(&mut stack, element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(syntax(&reader, "closing tag without opening tag".to_owned()));
                };
                if stack.is_empty() {
                    return Ok(done);
                }
                attach(&mut stack, done);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let text = t.xml10_content();
                    budget.spend(text.len() as u64, 0)?;
                    top.text.push_str(&text);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    let text = c.xml10_content();
                    budget.spend(text.len() as u64, 0)?;
                    top.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| syntax(&reader, e.to_string()))?
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    let name = r.xml10_content();
                    match name.as_ref() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => format!("&{other};"),
                    }
                };
                if let Some(top) = stack.last_mut() {
                    budget.spend(resolved.len() as u64, 0)?;
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => {
                return Err(syntax(
                    &reader,
                    "the document ends before its root element closes".to_owned(),
                ));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}

fn attach(stack: &mut [Element], element: Element) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(element);
    }
}

fn text(value: Option<String>) -> Value {
    value.map_or(Value::Null, Value::String)
}

fn bom_to_json(bom: &Element) -> Value {
    let spec_version = bom
        .attribute("xmlns")
        .and_then(|ns| ns.strip_prefix("http://cyclonedx.org/schema/bom/"))
        .map(str::to_owned);
    let mut out = Map::new();
    out.insert("bomFormat".into(), json!("CycloneDX"));
    out.insert("specVersion".into(), text(spec_version));
    // The BOM's revision: a number when it reads as one, else the text, for the reader to refuse.
    if let Some(v) = bom.attribute("version") {
        let version = v
            .trim()
            .parse::<u64>()
            .map_or_else(|_| Value::String(v.to_owned()), |n| json!(n));
        out.insert("version".into(), version);
    }
    out.insert(
        "serialNumber".into(),
        text(bom.attribute("serialNumber").map(str::to_owned)),
    );
    if let Some(c) = bom.child("metadata").and_then(|m| m.child("component")) {
        out.insert("metadata".into(), json!({ "component": component(c) }));
    }
    if let Some(list) = bom.child("components") {
        out.insert("components".into(), components(list));
    }
    if let Some(deps) = bom.child("dependencies") {
        let edges: Vec<Value> = deps
            .children("dependency")
            .map(|d| {
                json!({
                    "ref": d.attribute("ref"),
                    "dependsOn": d.children("dependency").filter_map(|c| c.attribute("ref")).collect::<Vec<_>>(),
                })
            })
            .collect();
        out.insert("dependencies".into(), Value::Array(edges));
    }
    if let Some(vulns) = bom.child("vulnerabilities") {
        let list: Vec<Value> = vulns.children("vulnerability").map(vulnerability).collect();
        out.insert("vulnerabilities".into(), Value::Array(list));
    }
    Value::Object(out)
}

/// A `<components>` list. Nested components are converted by the JSON reader's own walk, which does
/// not recurse; here nesting is bounded by the tree's depth limit.
fn components(list: &Element) -> Value {
    Value::Array(list.children("component").map(component).collect())
}

fn component(c: &Element) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), text(c.attribute("type").map(str::to_owned)));
    m.insert("bom-ref".into(), text(c.attribute("bom-ref").map(str::to_owned)));
    for key in [
        "name",
        "version",
        "group",
        "purl",
        "cpe",
        "publisher",
        "author",
        "scope",
    ] {
        m.insert(key.into(), text(c.text_of(key)));
    }
    if let Some(supplier) = c.child("supplier") {
        m.insert("supplier".into(), json!({ "name": supplier.text_of("name") }));
    }
    if let Some(nested) = c.child("components") {
        m.insert("components".into(), components(nested));
    }
    Value::Object(m)
}

fn vulnerability(v: &Element) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), text(v.text_of("id")));
    for key in ["description", "detail", "recommendation"] {
        m.insert(key.into(), text(v.text_of(key)));
    }
    if let Some(ratings) = v.child("ratings") {
        let list: Vec<Value> = ratings
            .children("rating")
            .map(|r| {
                // A score that is not a number stays text, for the reader to refuse.
                let score = r.text_of("score").map(|s| match s.parse::<f64>() {
                    Ok(n) if n.is_finite() => json!(n),
                    _ => Value::String(s),
                });
                json!({
                    "score": score,
                    "severity": r.text_of("severity"),
                    "method": r.text_of("method"),
                    "vector": r.text_of("vector"),
                })
            })
            .collect();
        m.insert("ratings".into(), Value::Array(list));
    }
    if let Some(advisories) = v.child("advisories") {
        let list: Vec<Value> = advisories
            .children("advisory")
            .map(|a| json!({ "title": a.text_of("title"), "url": a.text_of("url") }))
            .collect();
        m.insert("advisories".into(), Value::Array(list));
    }
    if let Some(refs) = v.child("references") {
        let list: Vec<Value> = refs
            .children("reference")
            .map(|r| json!({ "id": r.text_of("id") }))
            .collect();
        m.insert("references".into(), Value::Array(list));
    }
    if let Some(a) = v.child("analysis") {
        let responses: Vec<String> = a
            .child("responses")
            .map(|r| r.children("response").map(|x| x.text.trim().to_owned()).collect())
            .unwrap_or_default();
        m.insert(
            "analysis".into(),
            json!({
                "state": a.text_of("state"),
                "justification": a.text_of("justification"),
                "response": responses,
                "detail": a.text_of("detail"),
            }),
        );
    }
    if let Some(affects) = v.child("affects") {
        let targets: Vec<Value> = affects
            .children("target")
            .map(|t| {
                let versions: Vec<Value> = t
                    .child("versions")
                    .map(|vs| {
                        vs.children("version")
                            .map(|x| {
                                json!({
                                    "version": x.text_of("version"),
                                    "range": x.text_of("range"),
                                    "status": x.text_of("status"),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({ "ref": t.text_of("ref"), "versions": versions })
            })
            .collect();
        m.insert("affects".into(), Value::Array(targets));
    }
    Value::Object(m)
}
