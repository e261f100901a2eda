//! Fix advice: the version to move to, from the versions an advisory says fix it.
//!
//! The advice is the lowest fixed version above the installed one, ordered by the ecosystem's own
//! rules (OSV ecosystems through `ward-versions`; CPE matches, whose fixed version is the
//! criterion's exclusive upper bound, by the generic vendor-version order). An advisory with
//! several fixed branches (`2.3.1`, `2.12.2`, `2.15.0`) thus advises the one of the installed
//! release line or the next above it. There is no advice when nothing is known: no fixed version,
//! versions that do not parse, or none above the installed one.

use std::cmp::Ordering;

use ward_versions::Ecosystem;

fn compare(ecosystem: &str, a: &str, b: &str) -> Option<Ordering> {
    match Ecosystem::split_release(ecosystem) {
        Ok((eco, _)) => ward_versions::compare(eco, a, b).ok(),
        Err(_) => ward_versions::generic::compare(a, b).ok(),
    }
}

/// The version to upgrade to (see the module docs), when one is known.
pub fn upgrade_to<'a>(ecosystem: &str, installed: &str, fixed: &'a [String]) -> Option<&'a str> {
    fixed
        .iter()
        .map(String::as_str)
        .filter(|f| !f.trim().is_empty())
        .filter(|f| compare(ecosystem, f, installed) == Some(Ordering::Greater))
        .min_by(|a, b| compare(ecosystem, a, b).unwrap_or(Ordering::Equal))
}

#[cfg(test)]
mod tests {
    use super::upgrade_to;

    fn list(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_lowest_fix_above_the_installed_version() {
        let log4j = list(&["2.3.1", "2.12.2", "2.15.0"]);
        assert_eq!(upgrade_to("Maven", "2.14.1", &log4j), Some("2.15.0"));
        assert_eq!(upgrade_to("Maven", "2.11.0", &log4j), Some("2.12.2"));
        assert_eq!(upgrade_to("Maven", "2.15.0", &log4j), None, "nothing above");
        // Ordered by the ecosystem, not as text: 2.9.1 < 2.10.0.
        assert_eq!(
            upgrade_to("npm", "2.9.0", &list(&["2.10.0", "2.9.1"])),
            Some("2.9.1")
        );
        assert_eq!(upgrade_to("CPE", "7.2.4", &list(&["7.2.5"])), Some("7.2.5"));
        assert_eq!(upgrade_to("Maven", "2.14.1", &[]), None, "unknown: no advice");
        assert_eq!(upgrade_to("npm", "1.0.0", &list(&["not a version"])), None);
    }
}
