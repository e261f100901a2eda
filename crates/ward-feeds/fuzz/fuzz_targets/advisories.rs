//! CVE JSON 5, NVD API 2.0 and KEV: any text, read as each. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = ward_feeds::parse_cve5("fuzz.json", &text) {
        assert!(parsed.items.iter().all(|a| !a.id.is_empty()));
    }
    if let Ok(parsed) = ward_feeds::parse_nvd("fuzz.json", &text) {
        for a in &parsed.items {
            assert!(a.affected.iter().all(|x| x.cpes.iter().any(|c| c.vulnerable)));
        }
    }
    if let Ok(kev) = ward_feeds::parse_kev("fuzz.json", &text) {
        assert!(kev.entries.items.iter().all(|e| !e.cve.is_empty()));
    }
});
