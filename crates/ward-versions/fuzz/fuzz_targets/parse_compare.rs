//! Feeds arbitrary text to every entry point of ward-versions: parsing and comparing under every
//! ecosystem, npm ranges, purl `vers`, OSV `affected` JSON and CPE ranges. Nothing may panic, and
//! comparisons must be antisymmetric and agree with equality.

#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use ward_versions::{CpeRange, Ecosystem, OsvAffected, compare, npm, osv_affects, parse, vers_contains};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Up to three fields separated by newlines: two versions (or a range and a version) and a third.
    let mut fields = text.splitn(3, '\n');
    let a = fields.next().unwrap_or("");
    let b = fields.next().unwrap_or("");
    let c = fields.next().unwrap_or("");

    let _ = a.parse::<Ecosystem>();
    let affected = serde_json::from_str::<OsvAffected>(c).ok();
    for &eco in Ecosystem::ALL {
        let (pa, pb) = (parse(eco, a), parse(eco, b));
        if let (Ok(x), Ok(y)) = (&pa, &pb) {
            let ord = x.cmp(y);
            assert_eq!(ord, y.cmp(x).reverse(), "antisymmetry for {eco}: {a:?} {b:?}");
            assert_eq!(ord == Ordering::Equal, x == y, "equality for {eco}: {a:?} {b:?}");
            assert_eq!(x.cmp(x), Ordering::Equal);
        }
        let _ = compare(eco, a, b);
        let range = CpeRange {
            start_including: Some(a.to_owned()),
            end_excluding: Some(c.to_owned()),
            ..CpeRange::default()
        };
        let _ = range.contains(b, eco);
        if let Some(affected) = &affected {
            let _ = osv_affects(eco, affected, b);
        }
    }
    let _ = npm::satisfies(a, b);
    let _ = vers_contains(a, b);
    let _ = ward_versions::sort(Ecosystem::Maven, [a, b, c]);
});
