//! Parse all of the real public data in `../shared/data` and check the counts.

use std::collections::BTreeMap;

use ward_feeds::{Action, parse_osv_json, parse_osv_yaml};

use crate::{files, shared_data};

#[test]
fn every_osv_advisory_parses() {
    let Some(dir) = shared_data("osv") else { return };
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in files(&dir, &[".json", ".yaml"]) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let (kind, parsed) = if name.ends_with(".json") {
            ("json", parse_osv_json(&name, &text).unwrap())
        } else {
            ("yaml", parse_osv_yaml(&name, &text).unwrap())
        };
        assert_eq!(parsed.items.len(), 1, "{name}: {:?}", parsed.problems);
        let a = &parsed.items[0];
        assert!(!a.id.is_empty());
        assert!(path.file_stem().unwrap().to_string_lossy().contains(&a.id) || a.id.len() > 3);
        let entry = by_kind.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += a.affected.len();
        problems.extend(parsed.problems);
    }
    println!("OSV files by kind (files, affected entries): {by_kind:?}");
    for p in &problems {
        println!("  {p}");
    }
    assert_eq!(by_kind.get("json").map(|c| c.0), Some(1206));
    assert_eq!(by_kind.get("yaml").map(|c| c.0), Some(2661));
    let skipped: Vec<_> = problems.iter().filter(|p| p.action == Action::Skipped).collect();
    assert!(skipped.is_empty(), "{skipped:#?}");
}
