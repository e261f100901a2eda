//! OSV JSON and YAML: any text, read as both. Nothing may panic; every item keeps an id.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for parsed in [
        ward_feeds::parse_osv_json("fuzz.json", &text),
        ward_feeds::parse_osv_yaml("fuzz.yaml", &text),
    ]
    .into_iter()
    .flatten()
    {
        assert!(parsed.items.iter().all(|a| !a.id.trim().is_empty()));
        assert!(parsed.problems.iter().all(|p| p.file.starts_with("fuzz.")));
    }
});
