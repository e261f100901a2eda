//! The names people give famous vulnerabilities ("Log4Shell"), so that a search for the name
//! finds the advisory. Each name is a fact: the CVE identifiers it is commonly used for.

/// (common name, the CVE identifiers it refers to). Names are matched ignoring case, spaces and
/// hyphens.
const NAMES: &[(&str, &[&str])] = &[
    ("Log4Shell", &["CVE-2021-44228", "CVE-2021-45046"]),
    ("Heartbleed", &["CVE-2014-0160"]),
    ("Shellshock", &["CVE-2014-6271"]),
    ("EternalBlue", &["CVE-2017-0144"]),
    ("BlueKeep", &["CVE-2019-0708"]),
    ("Zerologon", &["CVE-2020-1472"]),
    ("ProxyLogon", &["CVE-2021-26855"]),
    (
        "ProxyShell",
        &["CVE-2021-34473", "CVE-2021-34523", "CVE-2021-31207"],
    ),
    ("PrintNightmare", &["CVE-2021-34527"]),
    ("Spring4Shell", &["CVE-2022-22965"]),
    ("Follina", &["CVE-2022-30190"]),
    ("Text4Shell", &["CVE-2022-42889"]),
    ("Citrix Bleed", &["CVE-2023-4966"]),
    ("regreSSHion", &["CVE-2024-6387"]),
    ("MOVEit", &["CVE-2023-34362"]),
    ("XZ backdoor", &["CVE-2024-3094"]),
];

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The common name of the vulnerability `id` is known by, if it has one.
pub fn common_name(id: &str) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|(_, ids)| ids.iter().any(|x| x.eq_ignore_ascii_case(id)))
        .map(|(name, _)| *name)
}

/// The CVE identifiers a common name stands for (empty when `name` is not one).
pub fn ids_named(name: &str) -> &'static [&'static str] {
    let key = squash(name);
    if key.is_empty() {
        return &[];
    }
    NAMES
        .iter()
        .find(|(n, _)| squash(n) == key)
        .map_or(&[], |(_, ids)| *ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_whatever_their_spelling() {
        assert_eq!(ids_named("log4shell"), &["CVE-2021-44228", "CVE-2021-45046"]);
        assert_eq!(ids_named("Citrix-Bleed"), &["CVE-2023-4966"]);
        assert_eq!(ids_named(" citrixbleed "), &["CVE-2023-4966"]);
        assert!(ids_named("log4j").is_empty());
        assert!(ids_named("").is_empty());
        assert_eq!(common_name("cve-2021-44228"), Some("Log4Shell"));
        assert_eq!(common_name("CVE-1999-0001"), None);
    }

    #[test]
    fn every_name_is_distinct_and_names_cves() {
        let mut seen = std::collections::HashSet::new();
        for (name, ids) in NAMES {
            assert!(seen.insert(squash(name)), "{name} twice");
            assert!(!ids.is_empty() && ids.iter().all(|i| i.starts_with("CVE-")));
        }
    }
}
