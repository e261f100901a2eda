//! Uploads and bombs: any bytes as an uploaded SBOM under each name (JSON, XML, SPDX YAML, gzip of
//! each), as OSV YAML, and as gzip EPSS, all within small limits. Nothing may panic, and no parse may
//! get past its limits: libFuzzer's RSS limit catches a bomb that is counted wrongly.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ward_feeds::Limits {
        max_bytes: 1 << 20,
        max_nodes: 100_000,
        deadline: None,
    };
    for name in ["fuzz.cdx.json", "fuzz.cdx.xml", "fuzz.spdx.yaml", "fuzz.cdx.json.gz", "fuzz.spdx.yml.gz"] {
        if let Ok(doc) = ward_feeds::parse_sbom(name, data, &limits) {
            assert!(doc.value.components.len() <= limits.max_nodes);
        }
    }
    let _ = ward_feeds::parse_file_bytes_with("fuzz.yaml", data, &limits);
    if let Ok(epss) = ward_feeds::parse_epss_with("fuzz.csv.gz", data, &limits) {
        assert!(epss.scores.problems.len() <= ward_feeds::limits::MAX_PROBLEMS + 1);
    }
});
