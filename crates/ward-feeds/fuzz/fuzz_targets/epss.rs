//! EPSS CSV, plain and gzip: any bytes. Nothing may panic; every score lies in 0..=1.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(epss) = ward_feeds::parse_epss("fuzz.csv", data) {
        for s in &epss.scores.items {
            assert!((0.0..=1.0).contains(&s.epss) && (0.0..=1.0).contains(&s.percentile));
        }
    }
});
