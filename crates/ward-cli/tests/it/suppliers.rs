//! `ward suppliers list` on the small demo sector.

use std::process::{Command, Output};

fn ward(dir: &std::path::Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .env("WARD_DATABASE_URL", url)
        .env_remove("WARD_CONFIG")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_register_of_the_demo_sector_ranks_suppliers_with_their_dependants_and_concentration() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ward.db").display());
    let o = ward(dir.path(), &url, &["--database-url", &url, "demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));

    let o = ward(dir.path(), &url, &["--json", "suppliers", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    let suppliers = v["suppliers"].as_array().unwrap();
    assert_eq!(suppliers.len(), 26, "every demo supplier");
    let lab = suppliers
        .iter()
        .find(|s| s["name"] == "Capital Pathology Partnership LLP")
        .unwrap();
    // 16 organisations and 38% of the region's pathology capacity on the small demo: high.
    assert!(
        ["high", "critical"].contains(&lab["criticality"].as_str().unwrap()),
        "{lab}"
    );
    assert!(lab["organisations"].as_u64().unwrap() >= 5, "{lab}");
    assert!(
        lab["products"][0]["releases"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "installed releases from the inventory: {lab}"
    );
    // Most critical first, and pathology concentration reported per region.
    let rank = |c: &str| {
        ["low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == c)
            .unwrap()
    };
    let ranks: Vec<usize> = suppliers
        .iter()
        .map(|s| rank(s["criticality"].as_str().unwrap()))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    let pathology: Vec<&serde_json::Value> = v["concentration"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["category"] == "pathology")
        .collect();
    assert!(!pathology.is_empty(), "pathology concentration per region");
    for c in pathology {
        assert!(
            c["throughput_per_day"].as_u64() <= c["total_throughput_per_day"].as_u64(),
            "{c}"
        );
        assert!(
            c["organisations"].as_u64() <= c["total_organisations"].as_u64(),
            "{c}"
        );
    }

    // For people: one line per supplier.
    let o = ward(dir.path(), &url, &["suppliers", "list"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("26 supplier(s), most critical first"), "{out}");
    assert!(out.contains("Capital Pathology Partnership LLP"), "{out}");
}
