//! Recognise a feed file's format from its name and content, and parse it (for `ward feeds import`).
//!
//! JSON is parsed once and recognised by its keys: `bomFormat` (CycloneDX), `spdxVersion` (SPDX),
//! `document.csaf_version` (CSAF), `cveMetadata` (CVE JSON 5), `format: NVD_CVE` or
//! `vulnerabilities[].cve` (NVD), `catalogVersion` or `vulnerabilities[].cveID` (KEV), and `id` with
//! `affected`/`modified` (OSV, also as an array). `.yaml`/`.yml` is OSV YAML, `.md` an endoflife.date
//! product, content starting with `<` CycloneDX XML, and `.csv`, `.csv.gz` or gzip content EPSS.
//!
//! Uploads are not feeds: [`parse_sbom`] reads SBOM formats only.

use serde_json::Value;
use ward_core::vuln::{Advisory, EolProduct, Sbom};

use crate::csaf::Csaf;
use crate::epss::Epss;
use crate::kev::Kev;
use crate::limits::Limits;
use crate::problem::{Doc, FeedError, Parsed};

/// A recognised format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OSV JSON.
    OsvJson,
    /// OSV YAML.
    OsvYaml,
    /// CVE JSON 5.
    Cve5,
    /// NVD API 2.0.
    Nvd,
    /// CISA KEV.
    Kev,
    /// EPSS CSV, plain or gzip.
    Epss,
    /// CSAF 2.0.
    Csaf,
    /// CycloneDX JSON.
    CycloneDxJson,
    /// CycloneDX XML.
    CycloneDxXml,
    /// SPDX JSON.
    SpdxJson,
    /// endoflife.date product Markdown.
    EolMarkdown,
}

/// What a file held.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// Advisories (OSV, CVE JSON 5, NVD).
    Advisories(Parsed<Advisory>),
    /// The KEV catalogue.
    Kev(Kev),
    /// EPSS scores.
    Epss(Epss),
    /// A CSAF document.
    Csaf(Doc<Csaf>),
    /// An SBOM (CycloneDX or SPDX).
    Sbom(Doc<Sbom>),
    /// An endoflife.date product.
    Eol(Doc<EolProduct>),
}

fn json_format(value: &Value) -> Option<Format> {
    let first = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let m = first.as_object()?;
    if m.contains_key("bomFormat") {
        return Some(Format::CycloneDxJson);
    }
    if m.contains_key("spdxVersion") {
        return Some(Format::SpdxJson);
    }
    if m.get("document").and_then(|d| d.get("csaf_version")).is_some() {
        return Some(Format::Csaf);
    }
    if m.contains_key("cveMetadata") {
        return Some(Format::Cve5);
    }
    let first_vuln = m
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .and_then(|v| v.first());
    if m.get("format").and_then(Value::as_str) == Some("NVD_CVE")
        || first_vuln.is_some_and(|v| v.get("cve").is_some())
    {
        return Some(Format::Nvd);
    }
    if m.contains_key("catalogVersion") || first_vuln.is_some_and(|v| v.get("cveID").is_some()) {
        return Some(Format::Kev);
    }
    if m.contains_key("id") && (m.contains_key("affected") || m.contains_key("modified")) {
        return Some(Format::OsvJson);
    }
    None
}

/// The format of a file, from its name and its first bytes (without parsing JSON). `None` for JSON,
/// whose format [`parse_file_bytes`] tells from its keys, and for what is not recognised.
pub fn format_from_name(name: &str, bytes: &[u8]) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(Format::OsvYaml)
    } else if lower.ends_with(".md") {
        Some(Format::EolMarkdown)
    } else if lower.ends_with(".csv") || lower.ends_with(".csv.gz") || bytes.starts_with(&[0x1f, 0x8b]) {
        Some(Format::Epss)
    } else if bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'<')
    {
        Some(Format::CycloneDxXml)
    } else {
        None
    }
}

fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, FeedError> {
    std::str::from_utf8(bytes).map_err(|e| FeedError::Syntax {
        file: file.to_owned(),
        at: format!("byte {}", e.valid_up_to()),
        reason: "not UTF-8".to_owned(),
    })
}

/// Recognise and parse one file's bytes within the default [`Limits`]. `file` names it in problems and
/// errors.
pub fn parse_file_bytes(file: &str, bytes: &[u8]) -> Result<Feed, FeedError> {
    parse_file_bytes_with(file, bytes, &Limits::default())
}

/// Recognise and parse one file's bytes within `limits`. `file` names it in problems and errors.
pub fn parse_file_bytes_with(file: &str, bytes: &[u8], limits: &Limits) -> Result<Feed, FeedError> {
    match format_from_name(file, bytes) {
        Some(Format::Epss) => return crate::epss::parse_epss_with(file, bytes, limits).map(Feed::Epss),
        Some(Format::OsvYaml) => {
            let value = crate::yaml::to_json_with(file, text(file, bytes)?, limits)?;
            return Ok(Feed::Advisories(crate::osv::from_value(file, &value)));
        }
        Some(Format::EolMarkdown) => {
            return crate::eol::parse_eol_product(file, text(file, bytes)?).map(Feed::Eol);
        }
        Some(Format::CycloneDxXml) => {
            return crate::cyclonedx_xml::parse_cyclonedx_xml_with(file, text(file, bytes)?, limits)
                .map(Feed::Sbom);
        }
        _ => {}
    }
    let value = crate::json::parse_bytes_with(file, bytes, limits)?;
    match json_format(&value) {
        Some(Format::CycloneDxJson) => crate::cyclonedx::from_value(file, &value).map(Feed::Sbom),
        Some(Format::SpdxJson) => crate::spdx::from_value(file, &value).map(Feed::Sbom),
        Some(Format::Csaf) => crate::csaf::from_value(file, &value).map(Feed::Csaf),
        Some(Format::Cve5) => Ok(Feed::Advisories(crate::cve5::from_value(file, &value))),
        Some(Format::Nvd) => crate::nvd::from_value(file, &value).map(Feed::Advisories),
        Some(Format::Kev) => crate::kev::from_value(file, &value).map(Feed::Kev),
        Some(Format::OsvJson) => Ok(Feed::Advisories(crate::osv::from_value(file, &value))),
        _ => Err(FeedError::Format {
            file: file.to_owned(),
            expected: "a known feed format",
            reason: "JSON, but not OSV, CVE 5, NVD, KEV, CSAF, CycloneDX or SPDX".to_owned(),
        }),
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const NOT_AN_SBOM: &str = "an SBOM (CycloneDX JSON or XML, SPDX 2.3 JSON or YAML, plain or gzip)";

/// Parse an uploaded SBOM, and nothing else: CycloneDX JSON or XML, or SPDX 2.3 JSON or YAML, each
/// plain or gzip-compressed (`.gz`). The format is decided from the name and the first bytes; an
/// upload is never handed to the feed parsers (EPSS, OSV, KEV, CSAF, ...). Decompression, YAML
/// aliases, XML and JSON are all bounded by `limits`, and its deadline is looked at throughout.
pub fn parse_sbom(file: &str, bytes: &[u8], limits: &Limits) -> Result<Doc<Sbom>, FeedError> {
    let lower = file.to_ascii_lowercase();
    let gzip = bytes.starts_with(&GZIP_MAGIC);
    if gzip {
        let inner = lower.strip_suffix(".gz").unwrap_or(&lower);
        let data = crate::limits::gunzip(file, bytes, limits)?;
        if data.starts_with(&GZIP_MAGIC) {
            return Err(FeedError::Format {
                file: file.to_owned(),
                expected: NOT_AN_SBOM,
                reason: "gzip inside gzip is not read".to_owned(),
            });
        }
        return sbom_plain(file, inner, &data, limits);
    }
    if lower.ends_with(".gz") {
        return Err(FeedError::Format {
            file: file.to_owned(),
            expected: NOT_AN_SBOM,
            reason: "the name ends in .gz but the content is not gzip".to_owned(),
        });
    }
    sbom_plain(file, &lower, bytes, limits)
}

/// An uncompressed SBOM; `name` (lower case) tells YAML from the rest.
fn sbom_plain(file: &str, name: &str, bytes: &[u8], limits: &Limits) -> Result<Doc<Sbom>, FeedError> {
    let not_sbom = |reason: &str| FeedError::Format {
        file: file.to_owned(),
        expected: NOT_AN_SBOM,
        reason: reason.to_owned(),
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let doc = if name.ends_with(".yaml") || name.ends_with(".yml") {
        let value = crate::yaml::to_json_with(file, text(file, body)?, limits)?;
        if value.get("spdxVersion").is_none() {
            return Err(not_sbom("YAML without spdxVersion (only SPDX is read as YAML)"));
        }
        crate::spdx::from_value(file, &value)?
    } else if first == Some(b'<') {
        crate::cyclonedx_xml::parse_cyclonedx_xml_with(file, text(file, body)?, limits)?
    } else if first == Some(b'{') {
        let value = crate::json::parse_bytes_with(file, body, limits)?;
        match json_format(&value) {
            Some(Format::CycloneDxJson) => crate::cyclonedx::from_value(file, &value)?,
            Some(Format::SpdxJson) => crate::spdx::from_value(file, &value)?,
            _ => return Err(not_sbom("a JSON object without bomFormat or spdxVersion")),
        }
    } else {
        return Err(not_sbom(
            "the content starts with neither '{' (JSON) nor '<' (XML), and the name does not end in .yaml",
        ));
    };
    limits.check_deadline(file)?;
    Ok(doc)
}
