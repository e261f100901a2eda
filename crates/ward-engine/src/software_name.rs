//! Software named for people: "Fortinet FortiOS 7.2.4" rather than
//! `cpe:2.3:o:fortinet:fortios:7\.2\.4:*:*:*:*:*:*:*`, "log4j-core 2.14.1" rather than
//! `pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1`. The identifiers stay available beside
//! the name; this is only how a page says it.

use crate::cpe::{Cpe, CpeValue};
use crate::purl::Purl;

/// `windows_server_2008` as `Windows Server 2008`: underscores as spaces, each word capitalised.
fn words(text: &str) -> String {
    text.split(['_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn value(v: &CpeValue) -> Option<&str> {
    match v {
        CpeValue::Value { text, .. } => Some(text),
        CpeValue::Any | CpeValue::Na => None,
    }
}

/// A CPE as "Vendor Product Version", the vendor left out when the product already starts with
/// it (`openssl:openssl` reads "Openssl", not "Openssl Openssl").
pub fn cpe_name(cpe: &Cpe) -> String {
    let vendor = value(&cpe.vendor).unwrap_or("");
    let product = value(&cpe.product).unwrap_or("");
    let mut out = if product.starts_with(vendor) && !vendor.is_empty() {
        words(product)
    } else {
        [words(vendor), words(product)]
            .into_iter()
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for v in std::iter::once(&cpe.version).chain(cpe.rest.iter().take(1)) {
        if let Some(v) = value(v) {
            out.push(' ');
            out.push_str(v);
        }
    }
    out
}

/// A package URL as "name version".
pub fn purl_name(purl: &Purl) -> String {
    match &purl.version {
        Some(v) => format!("{} {v}", purl.name),
        None => purl.name.clone(),
    }
}

/// The name to show for software known by a package URL or a CPE (tried in that order), else
/// by `fallback` (a name and version as recorded).
pub fn software_name(purl: Option<&str>, cpe: Option<&str>, fallback: &str) -> String {
    if let Some(p) = purl.and_then(|p| Purl::parse(p).ok()) {
        return purl_name(&p);
    }
    if let Some(c) = cpe.and_then(|c| Cpe::parse(c).ok()) {
        return cpe_name(&c);
    }
    fallback.to_owned()
}

/// The name to show for software recorded as one text: a package URL, a CPE, or a name and
/// version (shown as it is).
pub fn name_of_identifier(recorded: &str) -> String {
    if recorded.starts_with("pkg:") {
        software_name(Some(recorded), None, recorded)
    } else if recorded.starts_with("cpe:") {
        software_name(None, Some(recorded), recorded)
    } else {
        recorded.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_people_say_them() {
        assert_eq!(
            software_name(
                None,
                Some(r"cpe:2.3:o:fortinet:fortios:7\.2\.4:*:*:*:*:*:*:*"),
                "x"
            ),
            "Fortinet Fortios 7.2.4"
        );
        assert_eq!(
            software_name(
                None,
                Some("cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"),
                "x"
            ),
            "Microsoft Windows Server 2008 r2 sp1"
        );
        assert_eq!(
            software_name(
                None,
                Some(r"cpe:2.3:a:openssl:openssl:1\.1\.1k:*:*:*:*:*:*:*"),
                "x"
            ),
            "Openssl 1.1.1k"
        );
        assert_eq!(
            software_name(
                Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
                None,
                "x"
            ),
            "log4j-core 2.14.1"
        );
        assert_eq!(
            software_name(Some("not a purl"), None, "Chrome 120"),
            "Chrome 120"
        );
        assert_eq!(name_of_identifier("pkg:npm/lodash@4.17.20"), "lodash 4.17.20");
        assert_eq!(name_of_identifier("Chrome 120"), "Chrome 120");
    }
}
