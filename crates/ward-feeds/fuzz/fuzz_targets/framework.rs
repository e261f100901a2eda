//! Framework files (WebCAF and CISO Assistant YAML): any text. Nothing may panic; what is read has
//! outcomes, every indicator has text, and no two indicators share an identifier.

#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let limits = ward_feeds::Limits::default();
    if let Ok(doc) = ward_feeds::parse_framework("fuzz-1.0.yaml", &text, &limits, None) {
        let f = doc.value;
        assert!(f.outcomes().next().is_some());
        let mut ids = HashSet::new();
        for (_, i) in f.indicators() {
            assert!(!i.text.trim().is_empty());
            assert!(ids.insert(i.id.clone()), "identifier {} used twice", i.id);
        }
    }
});
