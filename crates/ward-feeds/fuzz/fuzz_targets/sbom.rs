//! CycloneDX JSON and XML and SPDX JSON: any text, read as each. Nothing may panic; parents point
//! backwards into the component list.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for doc in [
        ward_feeds::parse_cyclonedx_json("fuzz.json", &text),
        ward_feeds::parse_cyclonedx_xml("fuzz.xml", &text),
        ward_feeds::parse_spdx_json("fuzz.json", &text),
    ]
    .into_iter()
    .flatten()
    {
        for (i, c) in doc.value.components.iter().enumerate() {
            assert!(c.parent.is_none_or(|p| p < doc.value.components.len() && p != i));
        }
    }
});
