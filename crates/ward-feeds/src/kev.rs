//! CISA's Known Exploited Vulnerabilities catalogue (JSON, schema version 1).
//!
//! An entry without a CVE id, vendor, product, name, required action or a valid `dateAdded` is
//! skipped and reported; a bad `dueDate` is flagged and dropped. `known_ransomware` is true exactly
//! when `knownRansomwareCampaignUse` is `Known`.

use serde_json::Value;
use ward_core::vuln::{KevCatalog, KevEntry};

use crate::json::{Bad, at, object, opt_str, req_str, str_list};
use crate::problem::{Ctx, FeedError, Parsed};
use crate::time::parse_date;

/// A parsed catalogue: its header and its entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Kev {
    /// The header fields.
    pub catalog: KevCatalog,
    /// The entries read, and the problems met.
    pub entries: Parsed<KevEntry>,
}

/// Parse the KEV catalogue JSON.
pub fn parse_kev(file: &str, text: &str) -> Result<Kev, FeedError> {
    let value = crate::json::parse_document(file, text)?;
    from_value(file, &value)
}

/// Read the KEV catalogue from a parsed document.
pub fn from_value(file: &str, value: &Value) -> Result<Kev, FeedError> {
    let mut ctx = Ctx::new(file);
    let doc = object(value, "/").map_err(|b| ctx.format_error("a KEV catalogue", b.reason))?;
    let list = match doc.get("vulnerabilities") {
        Some(Value::Array(list)) => list,
        _ => return Err(ctx.format_error("a KEV catalogue", "no 'vulnerabilities' array")),
    };
    let catalog = KevCatalog {
        title: ctx.keep(opt_str(doc, "", "title")).flatten(),
        catalog_version: ctx.keep(opt_str(doc, "", "catalogVersion")).flatten(),
        date_released: ctx.keep(opt_str(doc, "", "dateReleased")).flatten(),
        count: doc.get("count").and_then(Value::as_u64),
    };
    let mut items = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let path = at("/vulnerabilities", i);
        match entry(&mut ctx, v, &path) {
            Ok(e) => items.push(e),
            Err(bad) => ctx.skip(bad.path, bad.reason),
        }
    }
    if let Some(count) = catalog.count
        && count != list.len() as u64
    {
        ctx.flag(
            "/count",
            format!("the header says {count} entries, the file has {}", list.len()),
        );
    }
    Ok(Kev {
        catalog,
        entries: ctx.finish(items),
    })
}

fn entry(ctx: &mut Ctx, v: &Value, path: &str) -> Result<KevEntry, Bad> {
    let m = object(v, path)?;
    let date_added_raw = req_str(m, path, "dateAdded")?;
    let date_added = parse_date(&date_added_raw)
        .ok_or_else(|| Bad::new(at(path, "dateAdded"), format!("'{date_added_raw}' is not a date")))?;
    let due_date = match opt_str(m, path, "dueDate")? {
        None => None,
        Some(raw) => {
            let parsed = parse_date(&raw);
            if parsed.is_none() {
                ctx.flag(at(path, "dueDate"), format!("'{raw}' is not a date; ignored"));
            }
            parsed
        }
    };
    let ransomware = ctx.keep(opt_str(m, path, "knownRansomwareCampaignUse")).flatten();
    let cve = req_str(m, path, "cveID")?;
    if !cve.starts_with("CVE-") {
        ctx.flag(at(path, "cveID"), format!("'{cve}' does not look like a CVE id"));
    }
    Ok(KevEntry {
        cve,
        vendor: req_str(m, path, "vendorProject")?,
        product: req_str(m, path, "product")?,
        name: req_str(m, path, "vulnerabilityName")?,
        date_added,
        due_date,
        known_ransomware: ransomware.as_deref() == Some("Known"),
        description: ctx.keep(opt_str(m, path, "shortDescription")).flatten(),
        required_action: req_str(m, path, "requiredAction")?,
        notes: ctx.keep(opt_str(m, path, "notes")).flatten(),
        cwes: ctx.keep(str_list(m, path, "cwes")).unwrap_or_default(),
    })
}
