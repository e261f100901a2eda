//! endoflife.date product Markdown: any text. Nothing may panic; every release has a cycle.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = ward_feeds::parse_eol_product("products/fuzz.md", &text) {
        assert_eq!(doc.value.product, "fuzz");
        assert!(doc.value.releases.iter().all(|r| !r.cycle.trim().is_empty()));
    }
});
