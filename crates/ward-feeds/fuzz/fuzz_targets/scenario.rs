//! Dry-run scenario files (YAML or JSON): any text. Nothing may panic; what is read has at least one
//! node, an order over every node (no cycle of `after`), and values inside their ranges.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let limits = ward_feeds::Limits::default();
    if let Ok(s) = ward_feeds::parse_scenario("fuzz.yaml", &text, &limits) {
        assert!(!s.nodes().is_empty());
        assert_eq!(s.order().len(), s.nodes().len(), "every node has a place in the order");
        for n in s.nodes() {
            assert!((0.0..=1.0).contains(&n.probability.get()));
            assert!(n.lag.get() >= 0.0 && n.recovery.median_days() > 0.0);
            assert!(n.after.iter().all(|a| *a < s.nodes().len()));
        }
        assert!(s.workarounds.iter().all(|w| (0.0..=1.0).contains(&w.keeps.get())));
        assert!(s.unhelped >= 1.0);
        let aid = s.mutual_aid;
        assert!((0.0..=1.0).contains(&aid.spare.get()) && (0.0..=1.0).contains(&aid.travel.get()));
        if let Some(st) = s.staged_recovery {
            assert!((0.0..=1.0).contains(&st.lost_factor()));
        }
    }
});
