//! `ward impact` on the small demo sector.

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

#[test]
fn impact_on_the_demo_sector_follows_the_pathology_supplier_into_practices() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("ward.db").display());
    let o = ward(dir.path(), &url, &["--database-url", &url, "demo", "--no-serve"]);
    assert!(o.status.success(), "{}", text(&o));

    // The shared pathology supplier: its LIMS behind the city's labs, and through the hub
    // trusts' pathology services into GP referrals.
    let v = json(&ward(
        dir.path(),
        &url,
        &[
            "--json",
            "impact",
            "--supplier",
            "Capital Pathology Partnership LLP",
        ],
    ));
    let orgs = v["organisations"].as_u64().unwrap();
    let services = v["services"].as_u64().unwrap();
    let patients = v["patients_per_day"].as_u64().unwrap();
    assert!(orgs >= 5, "organisations {orgs}: {v}");
    assert!(services > orgs, "services {services} over {orgs} organisations");
    assert!(patients > 1_000, "patients_per_day {patients}");
    assert_eq!(
        v["worst_consequence"], 5,
        "pathology and transfusion are catastrophic"
    );
    let list = v["affected_services"].as_array().unwrap();
    assert_eq!(list.len() as u64, services);
    let kinds: std::collections::BTreeSet<&str> = v["affected_organisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["kind"].as_str())
        .collect();
    assert!(
        kinds.contains("nhs_trust") && kinds.contains("gp_practice"),
        "{kinds:?}"
    );
    // Inside a trust the cascade runs on: the ED through the trust's own pathology.
    assert!(
        list.iter()
            .any(|s| s["depth"].as_u64() >= Some(2) && s["why"]["via"]["type"] == "service"),
        "no transitive step"
    );
    assert_eq!(v["seen"], "sector");

    // The same supplier's product by CPE (any version) affects the same services or fewer.
    let p = json(&ward(
        dir.path(),
        &url,
        &[
            "--json",
            "impact",
            "--product",
            "cpe:2.3:a:capital_pathology:capitallab_lims:7.4.0:*:*:*:*:*:*:*",
        ],
    ));
    let product_services = p["services"].as_u64().unwrap();
    assert!(product_services > 0 && product_services <= services);

    // Losing one of those trusts stops its own services, and a hub trust's loss reaches the
    // practices that send it their tests: a step through another organisation's service.
    let trusts: Vec<String> = v["affected_organisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "nhs_trust")
        .map(|o| o["code"].as_str().unwrap().to_owned())
        .collect();
    let mut crossed = false;
    for code in &trusts {
        let one = json(&ward(dir.path(), &url, &["--json", "impact", "--org", code]));
        assert!(one["stopped"].as_u64().unwrap() >= 5, "{code}: {one}");
        assert_eq!(one["worst_consequence"], 5);
        crossed |= one["affected_services"].as_array().unwrap().iter().any(|s| {
            s["effect"] == "degraded"
                && s["why"]["via"]["org_code"].as_str() == Some(code.as_str())
                && s["org_code"].as_str() != Some(code.as_str())
        });
    }
    assert!(
        crossed,
        "no trust among {trusts:?} is a hub for another organisation"
    );

    // People's output names the numbers too.
    let o = ward(dir.path(), &url, &["impact", "--supplier", "8CP05"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!("{orgs} organisations, {services} services affected")),
        "{out}"
    );

    // Unknown names and ambiguous questions are refused.
    let o = ward(dir.path(), &url, &["impact", "--supplier", "No Such Supplier"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let o = ward(dir.path(), &url, &["impact", "--org", "RJZ", "--supplier", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // The dry run: the same seed prints the same bytes; the shared pathology system is out for
    // weeks; backups shorten it; too many trials are refused before anything runs.
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--json",
            "simulate",
            "--scenario",
            "synnovis-2024",
            "--trials",
            "300",
        ];
        args.extend_from_slice(extra);
        ward(dir.path(), &url, &args)
    };
    let (a, b) = (run(&["--seed", "11"]), run(&["--seed", "11"]));
    assert!(a.status.success(), "{}", text(&a));
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    let v = json(&a);
    assert_eq!((v["trials"].as_u64(), v["seed"].as_u64()), (Some(300), Some(11)));
    for key in [
        "outpatient_appointments_postponed",
        "elective_procedures_postponed",
        "days_to_recover",
    ] {
        assert!(
            v[key]["median"].is_number() && v[key]["p90"].is_number(),
            "{key}: {v}"
        );
    }
    let days = v["days_to_recover"]["median"].as_f64().unwrap();
    assert!((40.0..120.0).contains(&days), "days_to_recover {days}");
    assert!(
        v["elective_procedures_postponed"]["median"].as_f64().unwrap() > 100.0,
        "{v}"
    );
    let backed = json(&run(&["--seed", "11", "--mitigation", "offline-backups"]));
    assert!(backed["days_to_recover"]["median"].as_f64().unwrap() < days);
    let o = ward(
        dir.path(),
        &url,
        &["simulate", "--scenario", "synnovis-2024", "--trials", "10001"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("10000"), "{}", text(&o));
    let o = ward(dir.path(), &url, &["simulate", "--scenario", "notpetya-2017"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("wannacry-2017"),
        "names the built-in scenarios: {}",
        text(&o)
    );
}
