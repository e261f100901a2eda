//! A supplier's advisory document, read strictly: a CSAF 2.0 document (`csaf_security_advisory`
//! or `csaf_vex`) or a CycloneDX VEX (JSON, spec 1.4 to 1.6). Feeds are read leniently (one bad
//! entry never costs the rest); an advisory a supplier publishes to the sector is not: every field
//! the standard requires must be there, every reference must resolve, and anything the parser had
//! to skip or flag refuses the whole document, each reason with its JSON pointer.
//!
//! The checks are the CSAF 2.0 schema's required properties (`/document/category`,
//! `/document/csaf_version`, `/document/publisher/{category,name,namespace}`, `/document/title`,
//! `/document/tracking/{id,status,version,initial_release_date,current_release_date,
//! revision_history}`), the mandatory test "definition of product id" (6.1.1, through the
//! parser), CVE ids in their pattern (`^CVE-[0-9]{4}-[0-9]{4,}$`), and for CycloneDX the
//! `bomFormat`, `specVersion` and each vulnerability's `id`, `analysis.state` and `affects`.

use serde_json::{Map, Value};
use ward_core::vuln::{Advisory, VexStatement};

use crate::json::at;
use crate::limits::Limits;
use crate::problem::{Doc, FeedError, Problem};

/// Which standard the document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupplierDocumentKind {
    /// CSAF 2.0.
    Csaf,
    /// CycloneDX VEX.
    CycloneDxVex,
}

/// How the document is written. A CycloneDX VEX may be JSON or XML; CSAF is JSON only. The
/// problems of an XML document are located by an XPath-like path
/// (`/bom/vulnerabilities/vulnerability[1]/affects`), those of JSON by a JSON pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentSyntax {
    Json,
    Xml,
}

/// What a valid document says.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierDocument {
    pub kind: SupplierDocumentKind,
    pub syntax: DocumentSyntax,
    /// The document's own id: the CSAF tracking id (none for CycloneDX).
    pub id: Option<String>,
    /// The document's revision: the CSAF `/document/tracking/version`, the CycloneDX `version`
    /// (an integer; none when the document leaves it out, which CycloneDX reads as 1).
    pub version: Option<String>,
    /// The CSAF title (none for CycloneDX).
    pub title: Option<String>,
    /// The CSAF summary note, or the first CycloneDX vulnerability's description.
    pub summary: Option<String>,
    /// The CVE ids the document is about, in order, once each.
    pub cves: Vec<String>,
    /// The highest CVSS base score the document gives, if any.
    pub highest_score: Option<f64>,
    /// Links (http or https) the document gives.
    pub references: Vec<String>,
    /// What customers must do: the CSAF remediations of affected products, the CycloneDX
    /// `recommendation`s, in order, once each.
    pub actions: Vec<String>,
    /// What the supplier says of each product: one statement per product per status.
    pub statements: Vec<VexStatement>,
    /// The CSAF document as an advisory (scores, CWEs, references); none for CycloneDX.
    pub advisory: Option<Advisory>,
}

/// Why a document was refused.
#[derive(Debug)]
pub enum SupplierDocumentError {
    /// It could not be read at all (not JSON, too large, the deadline passed).
    Unreadable(FeedError),
    /// It reads, but does not validate: every reason, each with its JSON pointer.
    Invalid(Vec<Problem>),
}

/// A CVE id in its pattern.
pub fn is_cve_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let mut parts = rest.splitn(2, '-');
    let (Some(year), Some(number)) = (parts.next(), parts.next()) else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}

struct Checker {
    file: String,
    problems: Vec<Problem>,
}

impl Checker {
    fn bad(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            path: path.into(),
            reason: reason.into(),
            action: crate::problem::Action::Skipped,
        });
    }

    /// The string at `key` of `m`, or a problem naming `path/key`.
    fn required_str<'a>(
        &mut self,
        m: Option<&'a Map<String, Value>>,
        path: &str,
        key: &str,
    ) -> Option<&'a str> {
        match m.and_then(|m| m.get(key)) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            Some(Value::String(_)) => {
                self.bad(at(path, key), "must not be empty");
                None
            }
            Some(_) => {
                self.bad(at(path, key), "must be a string");
                None
            }
            None => {
                self.bad(at(path, key), "is required");
                None
            }
        }
    }
}

/// At most this many actions are kept, each at most 2000 characters.
const MAX_ACTIONS: usize = 50;

fn push_action(actions: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if !text.is_empty()
        && text.chars().count() <= 2000
        && actions.len() < MAX_ACTIONS
        && !actions.iter().any(|a| a == text)
    {
        actions.push(text.to_owned());
    }
}

fn obj(v: Option<&Value>) -> Option<&Map<String, Value>> {
    v.and_then(Value::as_object)
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether the first byte that is not white space (after a byte-order mark) opens an element.
fn looks_like_xml(bytes: &[u8]) -> bool {
    bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'<')
}

/// Read an uploaded supplier advisory: CSAF 2.0 (JSON), or a CycloneDX VEX in JSON or XML, plain
/// or gzip-compressed, and nothing else, within `limits` (bytes after decompression, nodes and
/// deadline).
pub fn read_supplier_document(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<SupplierDocument, SupplierDocumentError> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let data = crate::limits::gunzip(file, bytes, limits).map_err(SupplierDocumentError::Unreadable)?;
        if data.starts_with(&GZIP_MAGIC) {
            return Err(SupplierDocumentError::Unreadable(FeedError::Format {
                file: file.to_owned(),
                expected: "a CSAF 2.0 document or a CycloneDX VEX",
                reason: "gzip inside gzip is not read".to_owned(),
            }));
        }
        return read_plain(file, &data, limits);
    }
    read_plain(file, bytes, limits)
}

fn read_plain(file: &str, bytes: &[u8], limits: &Limits) -> Result<SupplierDocument, SupplierDocumentError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(SupplierDocumentError::Unreadable(FeedError::TooLarge {
            file: file.to_owned(),
            limit: "expanded bytes",
            reason: format!("{} bytes, more than {} allowed", bytes.len(), limits.max_bytes),
        }));
    }
    if looks_like_xml(bytes) {
        return read_xml(file, bytes, limits);
    }
    let value =
        crate::json::parse_bytes_with(file, bytes, limits).map_err(SupplierDocumentError::Unreadable)?;
    let mut c = Checker {
        file: file.to_owned(),
        problems: Vec::new(),
    };
    let Some(root) = value.as_object() else {
        c.bad(
            "",
            "a supplier advisory is a JSON object (a CSAF 2.0 document or a CycloneDX VEX)",
        );
        return Err(SupplierDocumentError::Invalid(c.problems));
    };
    let doc = if root.get("document").is_some() {
        csaf(&mut c, file, &value)
    } else if root.get("bomFormat").is_some() {
        cyclonedx(&mut c, file, &value)
    } else {
        c.bad(
            "",
            "neither a CSAF 2.0 document ('/document') nor a CycloneDX VEX ('/bomFormat')",
        );
        None
    };
    limits
        .check_deadline(file)
        .map_err(SupplierDocumentError::Unreadable)?;
    match doc {
        Some(d) if c.problems.is_empty() => Ok(d),
        _ => Err(SupplierDocumentError::Invalid(c.problems)),
    }
}

/// A CycloneDX VEX in XML: rewritten into the JSON shape and checked as JSON is, each problem's
/// JSON pointer then given as the XML path it stands for.
fn read_xml(file: &str, bytes: &[u8], limits: &Limits) -> Result<SupplierDocument, SupplierDocumentError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        SupplierDocumentError::Unreadable(FeedError::Syntax {
            file: file.to_owned(),
            at: format!("byte {}", e.valid_up_to()),
            reason: "not UTF-8".to_owned(),
        })
    })?;
    let value = crate::cyclonedx_xml::bom_value_with(file, text, limits)
        .map_err(SupplierDocumentError::Unreadable)?;
    let mut c = Checker {
        file: file.to_owned(),
        problems: Vec::new(),
    };
    let doc = cyclonedx(&mut c, file, &value);
    limits
        .check_deadline(file)
        .map_err(SupplierDocumentError::Unreadable)?;
    match doc {
        Some(mut d) if c.problems.is_empty() => {
            d.syntax = DocumentSyntax::Xml;
            Ok(d)
        }
        _ => Err(SupplierDocumentError::Invalid(
            c.problems
                .into_iter()
                .map(|mut p| {
                    if p.path == "/specVersion" {
                        p.reason = "the namespace must be http://cyclonedx.org/schema/bom/1.4, 1.5 or 1.6"
                            .to_owned();
                    }
                    p.path = xml_path(&p.path);
                    p
                })
                .collect(),
        )),
    }
}

/// The XML names of a JSON list: the wrapping element and the element of each item.
fn xml_list(list: &str) -> Option<(&'static str, &'static str)> {
    Some(match list {
        "vulnerabilities" => ("vulnerabilities", "vulnerability"),
        "components" => ("components", "component"),
        "affects" => ("affects", "target"),
        "versions" => ("versions", "version"),
        "ratings" => ("ratings", "rating"),
        "advisories" => ("advisories", "advisory"),
        "references" => ("references", "reference"),
        "response" => ("responses", "response"),
        "dependencies" => ("dependencies", "dependency"),
        _ => return None,
    })
}

/// The XML path standing for a JSON pointer of the rewritten document: `/vulnerabilities/0/affects`
/// is `/bom/vulnerabilities/vulnerability[1]/affects` (positions count from 1, as in XPath);
/// `bomFormat` and `specVersion` are the root element and its namespace, `bom-ref` an attribute.
pub fn xml_path(pointer: &str) -> String {
    let mut out = String::from("/bom");
    let mut segments = pointer.split('/').skip(1).peekable();
    while let Some(segment) = segments.next() {
        match (segment, xml_list(segment)) {
            ("" | "bomFormat", _) => {}
            ("specVersion", _) => out.push_str("/@xmlns"),
            ("bom-ref", _) => out.push_str("/@bom-ref"),
            ("version" | "serialNumber", _) if out == "/bom" => {
                out.push_str("/@");
                out.push_str(segment);
            }
            (_, Some((wrapper, item))) => {
                out.push('/');
                out.push_str(wrapper);
                if let Some(i) = segments.peek().and_then(|i| i.parse::<usize>().ok()) {
                    segments.next();
                    out.push_str(&format!("/{item}[{}]", i + 1));
                }
            }
            (other, None) => {
                out.push('/');
                out.push_str(other);
            }
        }
    }
    out
}

/// Every problem the lenient parser met refuses the document.
fn parser_problems<T>(c: &mut Checker, parsed: Doc<T>) -> T {
    for p in parsed.problems {
        c.bad(p.path, p.reason);
    }
    parsed.value
}

fn cves_of(c: &mut Checker, statements: &[VexStatement], named: &[(String, String)]) -> Vec<String> {
    let mut cves: Vec<String> = Vec::new();
    for (path, id) in named {
        if is_cve_id(id) {
            if !cves.contains(id) {
                cves.push(id.clone());
            }
        } else if id.to_ascii_uppercase().starts_with("CVE") {
            c.bad(path.clone(), format!("'{id}' is not a CVE id (CVE-YYYY-NNNN)"));
        }
    }
    for s in statements {
        if is_cve_id(&s.vulnerability) && !cves.contains(&s.vulnerability) {
            cves.push(s.vulnerability.clone());
        }
    }
    cves
}

fn csaf(c: &mut Checker, file: &str, value: &Value) -> Option<SupplierDocument> {
    let document = obj(value.get("document"));
    if document.is_none() {
        c.bad("/document", "must be an object");
        return None;
    }
    match c.required_str(document, "/document", "category") {
        Some("csaf_security_advisory" | "csaf_vex") | None => {}
        Some(other) => c.bad(
            "/document/category",
            format!("'{other}': a supplier advisory is a csaf_security_advisory or csaf_vex document"),
        ),
    }
    match c.required_str(document, "/document", "csaf_version") {
        Some("2.0") | None => {}
        Some(other) => c.bad(
            "/document/csaf_version",
            format!("'{other}': only CSAF 2.0 is read"),
        ),
    }
    let publisher = obj(document.and_then(|d| d.get("publisher")));
    if publisher.is_none() {
        c.bad("/document/publisher", "is required");
    } else {
        for key in ["category", "name", "namespace"] {
            c.required_str(publisher, "/document/publisher", key);
        }
    }
    let title = c.required_str(document, "/document", "title").map(str::to_owned);
    let tracking = obj(document.and_then(|d| d.get("tracking")));
    if tracking.is_none() {
        c.bad("/document/tracking", "is required");
    }
    let id = c
        .required_str(tracking, "/document/tracking", "id")
        .map(str::to_owned);
    match c.required_str(tracking, "/document/tracking", "status") {
        Some("final" | "interim") | None => {}
        Some("draft") => c.bad(
            "/document/tracking/status",
            "a draft is not published: set the status to interim or final",
        ),
        Some(other) => c.bad(
            "/document/tracking/status",
            format!("'{other}' is not a CSAF status"),
        ),
    }
    let version = c
        .required_str(tracking, "/document/tracking", "version")
        .map(str::to_owned);
    for key in ["initial_release_date", "current_release_date"] {
        c.required_str(tracking, "/document/tracking", key);
    }
    match tracking.and_then(|t| t.get("revision_history")) {
        Some(Value::Array(items)) if !items.is_empty() => {}
        Some(_) => c.bad(
            "/document/tracking/revision_history",
            "must list at least one revision",
        ),
        None if tracking.is_some() => c.bad("/document/tracking/revision_history", "is required"),
        None => {}
    }
    if obj(value.get("product_tree")).is_none() {
        c.bad(
            "/product_tree",
            "is required: name your products (with their CPE)",
        );
    }
    let vulns = value.get("vulnerabilities").and_then(Value::as_array);
    if vulns.is_none_or(Vec::is_empty) {
        c.bad("/vulnerabilities", "must list at least one vulnerability");
    }
    let mut named = Vec::new();
    for (i, v) in vulns.into_iter().flatten().enumerate() {
        let path = at("/vulnerabilities", i);
        match v.get("cve").and_then(Value::as_str) {
            Some(cve) => named.push((at(&path, "cve"), cve.to_owned())),
            None if v.get("ids").is_none() => c.bad(&path, "names no vulnerability ('cve' or 'ids')"),
            None => {}
        }
        if obj(v.get("product_status")).is_none_or(Map::is_empty) {
            c.bad(
                at(&path, "product_status"),
                "is required: say which products are affected",
            )
        }
    }
    let parsed = match crate::csaf::from_value(file, value) {
        Ok(doc) => parser_problems(c, doc),
        Err(e) => {
            c.bad("", e.to_string());
            return None;
        }
    };
    let cves = cves_of(c, &parsed.statements, &named);
    // What to do, in the supplier's words: each remediation's details (and link).
    let mut actions = Vec::new();
    for v in vulns.into_iter().flatten() {
        for r in v
            .get("remediations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let details = r.get("details").and_then(Value::as_str).unwrap_or("").trim();
            match r.get("url").and_then(Value::as_str) {
                Some(url) if !details.is_empty() => push_action(&mut actions, &format!("{details} ({url})")),
                _ => push_action(&mut actions, details),
            }
        }
    }
    let highest_score = parsed
        .advisory
        .severity
        .iter()
        .filter_map(|s| s.base_score)
        .reduce(f64::max);
    Some(SupplierDocument {
        kind: SupplierDocumentKind::Csaf,
        syntax: DocumentSyntax::Json,
        id,
        version,
        title,
        summary: parsed.advisory.details.clone(),
        cves,
        highest_score,
        references: parsed.advisory.references.iter().map(|r| r.url.clone()).collect(),
        actions,
        statements: parsed.statements,
        advisory: Some(parsed.advisory),
    })
}

fn cyclonedx(c: &mut Checker, file: &str, value: &Value) -> Option<SupplierDocument> {
    let root = value.as_object();
    match c.required_str(root, "", "bomFormat") {
        Some("CycloneDX") | None => {}
        Some(other) => c.bad("/bomFormat", format!("'{other}' is not CycloneDX")),
    }
    match c.required_str(root, "", "specVersion") {
        Some("1.4" | "1.5" | "1.6") | None => {}
        Some(other) => c.bad(
            "/specVersion",
            format!("'{other}': VEX is read from CycloneDX 1.4, 1.5 and 1.6"),
        ),
    }
    let version = match root.and_then(|r| r.get("version")) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => Some(n.to_string()),
        Some(_) => {
            c.bad("/version", "the BOM's version is a whole number from 1");
            None
        }
    };
    let vulns = value.get("vulnerabilities").and_then(Value::as_array);
    if vulns.is_none_or(Vec::is_empty) {
        c.bad("/vulnerabilities", "must list at least one vulnerability");
    }
    let mut named = Vec::new();
    let mut highest_score: Option<f64> = None;
    let mut summary = None;
    let mut references = Vec::new();
    let mut actions = Vec::new();
    for (i, v) in vulns.into_iter().flatten().enumerate() {
        let path = at("/vulnerabilities", i);
        let m = v.as_object();
        if let Some(id) = c.required_str(m, &path, "id") {
            named.push((at(&path, "id"), id.to_owned()));
        }
        if v.get("affects")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            c.bad(at(&path, "affects"), "must name at least one of your products");
        }
        for r in v.get("ratings").and_then(Value::as_array).into_iter().flatten() {
            if let Some(score) = r.get("score").and_then(Value::as_f64) {
                highest_score = Some(highest_score.map_or(score, |h| h.max(score)));
            }
        }
        if summary.is_none() {
            summary = v.get("description").and_then(Value::as_str).map(str::to_owned);
        }
        if let Some(r) = v.get("recommendation").and_then(Value::as_str) {
            push_action(&mut actions, r);
        }
        for a in v
            .get("advisories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(url) = a.get("url").and_then(Value::as_str)
                && !references.iter().any(|r| r == url)
            {
                references.push(url.to_owned());
            }
        }
    }
    let sbom = match crate::cyclonedx::from_value(file, value) {
        Ok(doc) => parser_problems(c, doc),
        Err(e) => {
            c.bad("", e.to_string());
            return None;
        }
    };
    let cves = cves_of(c, &sbom.vex, &named);
    Some(SupplierDocument {
        kind: SupplierDocumentKind::CycloneDxVex,
        syntax: DocumentSyntax::Json,
        id: None,
        version,
        title: None,
        summary,
        cves,
        highest_score,
        references,
        actions,
        statements: sbom.vex,
        advisory: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_follow_their_pattern() {
        assert!(is_cve_id("CVE-2026-12345"));
        assert!(is_cve_id("CVE-1999-0001"));
        for bad in [
            "CVE-26-1234",
            "CVE-2026-123",
            "cve-2026-1234",
            "CVE-2026-12a4",
            "GHSA-x",
        ] {
            assert!(!is_cve_id(bad), "{bad}");
        }
    }

    #[test]
    fn neither_csaf_nor_cyclonedx_is_refused_at_the_root() {
        let err = read_supplier_document("x.json", br#"{"id": "OSV-1"}"#, &Limits::default()).unwrap_err();
        let SupplierDocumentError::Invalid(p) = err else {
            panic!("invalid expected")
        };
        assert_eq!(p[0].path, "");
    }

    #[test]
    fn json_pointers_become_xml_paths() {
        assert_eq!(
            xml_path("/vulnerabilities/0/affects"),
            "/bom/vulnerabilities/vulnerability[1]/affects"
        );
        assert_eq!(
            xml_path("/vulnerabilities/2/affects/1/versions/0"),
            "/bom/vulnerabilities/vulnerability[3]/affects/target[2]/versions/version[1]"
        );
        assert_eq!(
            xml_path("/vulnerabilities/0/analysis/state"),
            "/bom/vulnerabilities/vulnerability[1]/analysis/state"
        );
        assert_eq!(xml_path("/specVersion"), "/bom/@xmlns");
        assert_eq!(xml_path(""), "/bom");
        assert_eq!(xml_path("/version"), "/bom/@version");
        assert_eq!(
            xml_path("/components/3/bom-ref"),
            "/bom/components/component[4]/@bom-ref"
        );
    }

    const VEX_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="3">
  <components>
    <component type="application" bom-ref="lims">
      <name>LIMS</name>
      <cpe>cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*</cpe>
    </component>
  </components>
  <vulnerabilities>
    <vulnerability>
      <id>CVE-2026-41001</id>
      <description>A flaw in the results interface.</description>
      <recommendation>Upgrade to 4.3</recommendation>
      <ratings><rating><score>9.1</score><severity>critical</severity><method>CVSSv31</method></rating></ratings>
      <advisories><advisory><url>https://pathlab.example/sa/1</url></advisory></advisories>
      <analysis><state>exploitable</state></analysis>
      <affects>
        <target><ref>lims</ref><versions><version><version>4.2</version></version></versions></target>
      </affects>
    </vulnerability>
    <vulnerability>
      <id>CVE-2026-41002</id>
      <analysis><state>not_affected</state><justification>code_not_reachable</justification></analysis>
      <affects><target><ref>lims</ref></target></affects>
    </vulnerability>
  </vulnerabilities>
</bom>"#;

    #[test]
    fn a_cyclonedx_vex_in_xml_reads_as_its_json_would() {
        let doc = read_supplier_document("vex.xml", VEX_XML.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.kind, SupplierDocumentKind::CycloneDxVex);
        assert_eq!(doc.syntax, DocumentSyntax::Xml);
        assert_eq!(doc.version.as_deref(), Some("3"));
        assert_eq!(doc.cves, ["CVE-2026-41001", "CVE-2026-41002"]);
        assert_eq!(doc.highest_score, Some(9.1));
        assert_eq!(doc.actions, ["Upgrade to 4.3"]);
        assert_eq!(doc.references, ["https://pathlab.example/sa/1"]);
        assert_eq!(doc.summary.as_deref(), Some("A flaw in the results interface."));
        assert_eq!(doc.statements.len(), 2);
        assert_eq!(doc.statements[1].status, ward_core::vuln::VexStatus::NotAffected);
    }

    #[test]
    fn an_invalid_xml_vex_names_each_problem_by_its_xml_path() {
        let bad = VEX_XML
            .replace("<state>exploitable</state>", "<state>sort_of</state>")
            .replace("<affects><target><ref>lims</ref></target></affects>", "");
        let err = read_supplier_document("vex.xml", bad.as_bytes(), &Limits::default()).unwrap_err();
        let SupplierDocumentError::Invalid(problems) = err else {
            panic!("invalid expected, got {err:?}")
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.contains(&"/bom/vulnerabilities/vulnerability[2]/affects"),
            "{problems:?}"
        );
        assert!(paths.iter().all(|p| p.starts_with("/bom")), "{problems:?}");
        let unversioned = VEX_XML.replace("http://cyclonedx.org/schema/bom/1.5", "urn:other");
        let err = read_supplier_document("vex.xml", unversioned.as_bytes(), &Limits::default()).unwrap_err();
        let SupplierDocumentError::Invalid(problems) = err else {
            panic!("invalid expected, got {err:?}")
        };
        assert_eq!(problems[0].path, "/bom/@xmlns");
    }

    #[test]
    fn a_gzipped_document_is_bounded_after_decompression() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(VEX_XML.as_bytes()).unwrap();
        let packed = gz.finish().unwrap();
        assert!(read_supplier_document("vex.xml.gz", &packed, &Limits::default()).is_ok());
        let small = Limits::default().with_max_bytes(VEX_XML.len() as u64 - 1);
        assert!(packed.len() < VEX_XML.len());
        let err = read_supplier_document("vex.xml.gz", &packed, &small).unwrap_err();
        assert!(matches!(
            err,
            SupplierDocumentError::Unreadable(FeedError::TooLarge { .. })
        ));
    }

    #[test]
    fn an_oversized_document_is_refused_before_it_is_parsed() {
        let err = read_supplier_document("x.json", &[b' '; 100], &Limits::default().with_max_bytes(10))
            .unwrap_err();
        assert!(matches!(
            err,
            SupplierDocumentError::Unreadable(FeedError::TooLarge { .. })
        ));
    }
}
