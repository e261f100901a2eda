//! CSAF 2.0: any text. Nothing may panic; every statement names a product id.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = ward_feeds::parse_csaf("fuzz.json", &text) {
        assert!(doc.value.statements.iter().all(|s| s.product.id.is_some()));
    }
});
