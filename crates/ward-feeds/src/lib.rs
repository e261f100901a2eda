//! Parsers for every external vulnerability and inventory format Ward reads, into the plain types of
//! [`ward_core::vuln`].
//!
//! Every parser returns [`Parsed`] (a list of items) or [`Doc`] (one document's value) together with a
//! [`Problem`] (file, path, reason, whether the entry was skipped or kept) for everything it could not
//! read cleanly, so one malformed entry never costs the rest of a file. An input that cannot be read
//! at all (not JSON, truncated, not the format) is a [`FeedError`] that names the file and the place.
//! No input makes a parser panic; each parser family has a fuzz target in `fuzz/`.

mod check;
pub mod cve5;
pub mod cvss;
pub mod cyclonedx;
pub mod epss;
mod json;
pub mod kev;
pub mod nvd;
pub mod osv;
mod problem;
mod time;
mod yaml;

pub use cve5::parse_cve5;
pub use cyclonedx::parse_cyclonedx_json;
pub use epss::{Epss, parse_epss};
pub use kev::{Kev, parse_kev};
pub use nvd::parse_nvd;
pub use osv::{parse_osv_json, parse_osv_yaml};
pub use problem::{Action, Doc, FeedError, Parsed, Problem};
