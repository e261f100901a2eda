//! endoflife.date product files: Markdown with YAML front matter between two `---` lines.
//!
//! The product's short name is the file name without `.md`. `identifiers` is a list of one-key maps
//! (`- purl: pkg:deb/debian/nginx`). Each `releases[]` entry needs a `releaseCycle`; `eol`, `eoas`,
//! `eoes` and `lts` are a date or a boolean. A release without a cycle is skipped; a support field that
//! is neither a date nor a boolean is flagged and dropped, the release kept.

use serde_json::{Map, Value};
use ward_core::vuln::{EolDate, EolProduct, EolRelease, ProductIdentifier};

use crate::json::{Bad, at, clip, kind, object, opt_arr, opt_str};
use crate::problem::{Ctx, Doc, FeedError};
use crate::time::parse_date;

/// Parse one endoflife.date product file. `file` names it; the product's short name is the file
/// name without directories and `.md`.
pub fn parse_eol_product(file: &str, text: &str) -> Result<Doc<EolProduct>, FeedError> {
    let mut ctx = Ctx::new(file);
    let front = front_matter(text).ok_or_else(|| {
        ctx.format_error(
            "an endoflife.date product file",
            "no YAML front matter between '---' lines",
        )
    })?;
    let value = crate::yaml::to_json(file, front)?;
    let doc =
        object(&value, "/").map_err(|b| ctx.format_error("an endoflife.date product file", b.reason))?;
    let product = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .trim_end_matches(".md")
        .to_owned();
    let mut identifiers = Vec::new();
    for (i, item) in ctx
        .keep(opt_arr(doc, "", "identifiers"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at("/identifiers", i);
        match item.as_object().map(|m| m.iter().collect::<Vec<_>>()).as_deref() {
            Some([(key, Value::String(value))]) => identifiers.push(ProductIdentifier {
                kind: (*key).clone(),
                value: value.clone(),
            }),
            _ => ctx.skip(path, "an identifier must be a map with one key and a text value"),
        }
    }
    let mut releases = Vec::new();
    for (i, r) in ctx
        .keep(opt_arr(doc, "", "releases"))
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = at("/releases", i);
        match release(&mut ctx, r, &path, &product) {
            Ok(r) => releases.push(r),
            Err(bad) => ctx.skip(bad.path, format!("release skipped: {}", bad.reason)),
        }
    }
    let title = ctx.keep(opt_str(doc, "", "title")).flatten();
    let category = ctx.keep(opt_str(doc, "", "category")).flatten();
    Ok(ctx.finish_doc(EolProduct {
        title,
        category,
        product,
        identifiers,
        releases,
    }))
}

/// The text between the first line `---` and the next.
fn front_matter(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return rest.get(..offset);
        }
        offset += line.len();
    }
    None
}

fn release(ctx: &mut Ctx, v: &Value, path: &str, product: &str) -> Result<EolRelease, Bad> {
    let m = object(v, path)?;
    let cycle = crate::json::req_str(m, path, "releaseCycle")?;
    let date = |ctx: &mut Ctx, key: &str| -> Option<jiff::civil::Date> {
        let raw = ctx.keep(opt_str(m, path, key)).flatten()?;
        let d = parse_date(&raw);
        if d.is_none() {
            ctx.flag(at(path, key), format!("'{}' is not a date; ignored", clip(&raw)));
        }
        d
    };
    Ok(EolRelease {
        product: product.to_owned(),
        codename: ctx.keep(opt_str(m, path, "codename")).flatten(),
        release_date: date(ctx, "releaseDate"),
        eol: support(ctx, m, path, "eol"),
        eoas: support(ctx, m, path, "eoas"),
        eoes: support(ctx, m, path, "eoes"),
        lts: support(ctx, m, path, "lts"),
        latest: ctx.keep(opt_str(m, path, "latest")).flatten(),
        latest_release_date: date(ctx, "latestReleaseDate"),
        cycle,
    })
}

fn support(ctx: &mut Ctx, m: &Map<String, Value>, path: &str, key: &str) -> Option<EolDate> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(EolDate::Flag(*b)),
        Some(Value::String(s)) => match parse_date(s) {
            Some(d) => Some(EolDate::Date(d)),
            None => {
                ctx.flag(
                    at(path, key),
                    format!("'{}' is neither a date nor a boolean; ignored", clip(s)),
                );
                None
            }
        },
        Some(other) => {
            ctx.flag(
                at(path, key),
                format!("expected a date or a boolean, found {}; ignored", kind(other)),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_list_indentation_and_support_fields() {
        let text = "---\ntitle: X\nidentifiers:\n-   purl: pkg:generic/x\n-   cpe: cpe:2.3:a:x:x\nreleases:\n-   releaseCycle: \"2.5\"\n    releaseDate: 2026-04-28\n    eol: 2028-04-28\n    lts: true\n\n-   releaseCycle: 8\n    eol: false\n    eoas: banana\n---\n\n# Body\n";
        let doc = parse_eol_product("products/x.md", text).unwrap();
        let p = &doc.value;
        assert_eq!(p.product, "x");
        assert_eq!(p.identifiers.len(), 2);
        assert_eq!(p.releases.len(), 2, "{:?}", doc.problems);
        assert_eq!(p.releases[0].cycle, "2.5");
        assert_eq!(
            p.releases[0].eol,
            Some(EolDate::Date(jiff::civil::date(2028, 4, 28)))
        );
        assert_eq!(p.releases[0].lts, Some(EolDate::Flag(true)));
        assert_eq!(p.releases[1].cycle, "8");
        assert_eq!(p.releases[1].eol, Some(EolDate::Flag(false)));
        assert_eq!(p.releases[1].eoas, None);
        assert_eq!(doc.flagged(), 1);
        assert_eq!(doc.problems[0].path, "/releases/1/eoas");
    }
}
