//! `ward simulate` on the default demo sector: the calibration against Synnovis 2024, scenario
//! files (the documented example, and files refused with their paths).

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

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// Within the same order of magnitude: no more than a factor of √10 (about 3.2) either way.
fn same_magnitude(modelled: f64, published: f64) -> bool {
    let ratio = modelled / published;
    (10f64.powf(-0.5)..=10f64.powf(0.5)).contains(&ratio)
}

fn example() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/scenario.yaml")
}

#[test]
fn synnovis_on_the_default_demo_lands_in_the_published_order_of_magnitude_and_files_run_or_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ward.db").display());
    let o = ward(dir.path(), &url, &["--database-url", &url, "demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));

    // Calibration (docs/impact.md): over 10,000 outpatient appointments and 1,693 elective
    // procedures postponed at the two most affected trusts in about ten weeks.
    let v = json(&ward(
        dir.path(),
        &url,
        &[
            "--json",
            "simulate",
            "--scenario",
            "synnovis-2024",
            "--trials",
            "1000",
            "--seed",
            "2017",
        ],
    ));
    let top = &v["most_affected_trusts"];
    let outpatients = top["outpatient_appointments_postponed"]["median"]
        .as_f64()
        .unwrap();
    let electives = top["elective_procedures_postponed"]["median"].as_f64().unwrap();
    assert!(
        same_magnitude(outpatients, 10_000.0),
        "outpatients {outpatients}: {v}"
    );
    assert!(same_magnitude(electives, 1_693.0), "electives {electives}: {v}");
    let days = v["days_to_recover"]["median"].as_f64().unwrap();
    assert!((50.0..=100.0).contains(&days), "about ten weeks: {days}");
    let curve = v["recovery_curve"].as_array().unwrap();
    assert_eq!(curve.len(), 20);
    assert_eq!(curve[19]["share"], 1.0);

    // The documented example file runs, the same seed prints the same bytes.
    let file = example();
    let file = file.to_str().unwrap();
    let run = || {
        ward(
            dir.path(),
            &url,
            &[
                "--json",
                "simulate",
                "--scenario",
                file,
                "--trials",
                "300",
                "--seed",
                "7",
            ],
        )
    };
    let (a, b) = (run(), run());
    let e = json(&a);
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    assert_eq!(e["scenario"], "london-pathology-and-hub");
    assert!(
        e["elective_procedures_postponed"]["median"].as_f64().unwrap() > 0.0,
        "{e}"
    );
    let people = ward(
        dir.path(),
        &url,
        &["simulate", "--scenario", file, "--trials", "50"],
    );
    assert!(people.status.success(), "{}", text(&people));
    assert!(String::from_utf8_lossy(&people.stdout).contains("share of affected services back"));

    // Files naming what the sector lacks, or impossible values, are refused with the path.
    let bad = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let o = ward(
            dir.path(),
            &url,
            &["simulate", "--scenario", path.to_str().unwrap(), "--trials", "10"],
        );
        assert_eq!(o.status.code(), Some(3), "{name}: {}", text(&o));
        text(&o)
    };
    let out = bad(
        "unknown.yaml",
        "name: x\nnodes:\n  - {name: a, product_category: pathology, recovery: {median_days: 3}}\n  - {name: b, org: ZZZ99, recovery: {median_days: 3}}\n  - {name: c, service: {org: 8CP05, name: Dialysis}, recovery: {median_days: 3}}\n",
    );
    assert!(out.contains("nodes[1].org") && out.contains("ZZZ99"), "{out}");
    assert!(
        out.contains("nodes[2].service") && out.contains("Dialysis"),
        "{out}"
    );
    let out = bad(
        "cycle.json",
        r#"{"name": "x", "nodes": [{"name": "a", "org": "8CP05", "after": ["b"], "recovery": {"median_days": 3}},
            {"name": "b", "org": "8CP05", "after": ["a"], "recovery": {"median_days": 3}}]}"#,
    );
    assert!(out.contains("nodes[0].after") && out.contains("cycle"), "{out}");
    let out = bad(
        "values.yaml",
        "name: x\nworkarounds: [{service: Outpatients, keeps: 1.2}]\nnodes:\n  - {name: a, org: 8CP05, lag_days: -1, recovery: {median_days: 3}}\n",
    );
    assert!(
        out.contains("nodes[0].lag_days") && out.contains("negative"),
        "{out}"
    );
    assert!(out.contains("workarounds[0].keeps"), "{out}");
    // Too many trials is refused before the file is parsed or anything runs.
    let o = ward(
        dir.path(),
        &url,
        &["simulate", "--scenario", file, "--trials", "10001"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("10000"), "{}", text(&o));
    let o = ward(dir.path(), &url, &["simulate", "--scenario", "no-such-file.yaml"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("synnovis-2024"), "{}", text(&o));
}
