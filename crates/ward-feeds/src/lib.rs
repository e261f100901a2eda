//! Parsers for every external vulnerability and inventory format Ward reads, into the plain types of
//! [`ward_core::vuln`].
//!
//! | format | entry point | yields |
//! |---|---|---|
//! | OSV JSON / YAML | [`parse_osv_json`], [`parse_osv_yaml`] | [`Parsed`]`<Advisory>` |
//! | CVE JSON 5 | [`parse_cve5`] | [`Parsed`]`<Advisory>` |
//! | NVD API 2.0 | [`parse_nvd`] | [`Parsed`]`<Advisory>` (CPE configurations) |
//! | CISA KEV | [`parse_kev`] | [`Kev`] (header + [`Parsed`]`<KevEntry>`) |
//! | EPSS CSV, plain or gzip, streamed | [`parse_epss`] | [`Epss`] (header + [`Parsed`]`<EpssScore>`) |
//! | CSAF 2.0 (VEX profile too) | [`parse_csaf`] | [`Doc`]`<`[`Csaf`]`>` (advisory, products, VEX statements) |
//! | CycloneDX 1.2-1.6 JSON / XML | [`parse_cyclonedx_json`], [`parse_cyclonedx_xml`] | [`Doc`]`<Sbom>` (with VEX) |
//! | SPDX 2.3 JSON | [`parse_spdx_json`] | [`Doc`]`<Sbom>` |
//! | endoflife.date Markdown | [`parse_eol_product`] | [`Doc`]`<EolProduct>` |
//! | assurance frameworks (WebCAF, CISO Assistant libraries) | [`parse_framework`] | [`Doc`]`<Framework>` |
//! | dry-run scenarios (YAML or JSON) | [`parse_scenario`] | `ScenarioSpec` (refused whole, with every problem's path) |
//! | a supplier's advisory (CSAF 2.0 or CycloneDX VEX JSON), read strictly | [`read_supplier_document`] | [`SupplierDocument`] |
//! | zip archives | [`ZipEntries`] | one entry at a time |
//! | any of the above | [`parse_file_bytes`] | [`Feed`] |
//! | an uploaded SBOM (CycloneDX JSON/XML, SPDX JSON/YAML, plain or gzip), nothing else | [`parse_sbom`] | [`Doc`]`<Sbom>` |
//!
//! Every parser reports a [`Problem`] (file, JSON pointer or line, reason, whether the entry was
//! skipped or kept) for everything it could not read cleanly, so one malformed entry never costs the
//! rest of a file; unknown ecosystems and unparsable versions are kept and flagged. An input that
//! cannot be read at all (not JSON, truncated, not the format) is a [`FeedError`] naming the file and
//! the place. No input expands without bound: bytes after decompression and alias expansion, nodes
//! and line lengths are counted against [`Limits`], and a [`Deadline`] stops a parse whose caller has
//! given up ([`limits`]). No input makes a parser panic: each parser family has a fuzz target in `fuzz/`.

pub mod archive;
mod check;
pub mod csaf;
pub mod cve5;
pub mod cvss;
pub mod cyclonedx;
pub mod cyclonedx_xml;
pub mod detect;
pub mod eol;
pub mod epss;
pub mod framework;
mod json;
pub mod kev;
pub mod limits;
pub mod nvd;
pub mod osv;
mod problem;
pub mod scenario;
pub mod spdx;
pub mod supplier_document;
mod time;
mod yaml;

pub use archive::{ArchiveEntry, ZipEntries};
pub use csaf::{Csaf, parse_csaf};
pub use cve5::parse_cve5;
pub use cyclonedx::parse_cyclonedx_json;
pub use cyclonedx_xml::parse_cyclonedx_xml;
pub use detect::{Feed, Format, parse_file_bytes, parse_file_bytes_with, parse_sbom};
pub use eol::parse_eol_product;
pub use epss::{Epss, parse_epss, parse_epss_with};
pub use framework::parse_framework;
pub use kev::{Kev, parse_kev};
pub use limits::{Deadline, Limits, gunzip};
pub use nvd::parse_nvd;
pub use osv::{parse_osv_json, parse_osv_yaml};
pub use problem::{Action, Doc, FeedError, Parsed, Problem};
pub use scenario::parse_scenario;
pub use spdx::parse_spdx_json;
pub use supplier_document::{SupplierDocument, SupplierDocumentError, read_supplier_document};
