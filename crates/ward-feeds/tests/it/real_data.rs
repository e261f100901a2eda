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

#[test]
fn kev_catalogue_parses_completely() {
    let Some(dir) = shared_data("kev") else { return };
    let path = dir.join("known_exploited_vulnerabilities.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let kev = ward_feeds::parse_kev(&path.display().to_string(), &text).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let listed = raw["vulnerabilities"].as_array().unwrap();
    let ransomware = listed
        .iter()
        .filter(|v| v["knownRansomwareCampaignUse"] == "Known")
        .count();
    println!(
        "KEV {:?}: {} entries, {} with known ransomware use, problems: {:?}",
        kev.catalog.catalog_version,
        kev.entries.items.len(),
        ransomware,
        kev.entries.problems
    );
    assert_eq!(kev.entries.items.len(), 1404);
    assert_eq!(kev.entries.items.len(), listed.len());
    assert_eq!(kev.catalog.count, Some(1404));
    assert_eq!(kev.entries.problems, vec![]);
    assert_eq!(
        kev.entries.items.iter().filter(|e| e.known_ransomware).count(),
        ransomware
    );
    assert!(ransomware > 0 && ransomware < listed.len());
    let log4shell = kev
        .entries
        .items
        .iter()
        .find(|e| e.cve == "CVE-2021-44228")
        .unwrap();
    assert_eq!(log4shell.vendor, "Apache");
    assert!(log4shell.due_date.unwrap() > log4shell.date_added);
}

/// Components as `jq '[.. | objects | .components[]?]'` counts them, minus the metadata component's.
fn json_component_count(value: &serde_json::Value) -> usize {
    let mut count = 0;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Array(list)) = m.get("components") {
                    count += list.len();
                }
                todo.extend(m.values());
            }
            serde_json::Value::Array(list) => todo.extend(list.iter()),
            _ => {}
        }
    }
    count
}

#[test]
fn every_sbom_parses_with_all_its_components() {
    let Some(dir) = shared_data("sbom") else { return };
    let mut seen = 0;
    for path in files(&dir, &[".json", ".xml"]) {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = if name.ends_with(".xml") {
            ward_feeds::parse_cyclonedx_xml(&name, &text).unwrap()
        } else {
            ward_feeds::parse_cyclonedx_json(&name, &text).unwrap()
        };
        let sbom = &doc.value;
        let expected = if name.ends_with(".xml") {
            // Every <component> element except the one in <metadata>.
            text.matches("<component ").count() + text.matches("<component>").count() - 1
        } else {
            json_component_count(&serde_json::from_str(&text).unwrap())
        };
        let with_purl = sbom.components.iter().filter(|c| c.purl.is_some()).count();
        println!(
            "{}: {:?}, {} components ({} with purl), {} dependency nodes, problems {:?}",
            path.file_name().unwrap().to_string_lossy(),
            sbom.format,
            sbom.components.len(),
            with_purl,
            sbom.dependencies.len(),
            doc.problems
        );
        assert_eq!(sbom.components.len(), expected, "{name}");
        assert!(doc.problems.is_empty(), "{name}: {:?}", doc.problems);
        assert!(
            with_purl * 10 >= sbom.components.len() * 9,
            "{name}: most components carry purls"
        );
        seen += 1;
    }
    assert_eq!(seen, 8);
}

#[test]
fn cyclonedx_xml_and_json_of_the_same_sbom_agree() {
    let Some(dir) = shared_data("sbom") else { return };
    let json = std::fs::read_to_string(dir.join("laravel-7.12.0_bom.1.4.json")).unwrap();
    let xml = std::fs::read_to_string(dir.join("laravel-7.12.0_bom.1.4.xml")).unwrap();
    let a = ward_feeds::parse_cyclonedx_json("laravel.json", &json)
        .unwrap()
        .value;
    let b = ward_feeds::parse_cyclonedx_xml("laravel.xml", &xml)
        .unwrap()
        .value;
    assert_eq!(a.components, b.components);
    assert_eq!(a.subject, b.subject);
    assert_eq!(a.format, b.format);
    let mut da = a.dependencies.clone();
    let mut db = b.dependencies.clone();
    da.sort();
    db.sort();
    assert_eq!(da, db);
    assert!(!da.is_empty());
}

use ward_core::vuln::{Justification, VexStatus};

/// The statuses CISA's VEX use case 3 describes in prose (product GHI 17.4 and the Ripple20 CVEs).
fn cisa_case_3_expected() -> BTreeMap<String, VexStatus> {
    let mut expected = BTreeMap::new();
    for (status, numbers) in [
        (
            VexStatus::NotAffected,
            &[11897, 11902, 11899, 11905, 11906, 11913][..],
        ),
        (VexStatus::Affected, &[11898, 11907, 11909, 11910, 11911][..]),
        (
            VexStatus::UnderInvestigation,
            &[11896, 11900, 11904, 11903, 11908][..],
        ),
        (VexStatus::Fixed, &[11901, 11912, 11914][..]),
    ] {
        for n in numbers {
            expected.insert(format!("CVE-2020-{n}"), status);
        }
    }
    expected
}

#[test]
fn cisa_vex_use_cases_in_cyclonedx_give_the_expected_statuses() {
    let Some(dir) = shared_data("vex") else { return };
    let read = |rel: &str| {
        let path = dir.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        ward_feeds::parse_cyclonedx_json(rel, &text).unwrap()
    };
    for (file, status) in [
        ("vex-affected.json", VexStatus::Affected),
        ("vex-fixed.json", VexStatus::Fixed),
        ("vex-not_affected.json", VexStatus::NotAffected),
        ("vex-under_investigation.json", VexStatus::UnderInvestigation),
    ] {
        let doc = read(&format!("CISA-Use-Cases/Case-1/{file}"));
        assert_eq!(doc.value.vex.len(), 1, "{file}");
        let s = &doc.value.vex[0];
        assert_eq!(
            (s.vulnerability.as_str(), s.status),
            ("CVE-2021-44228", status),
            "{file}"
        );
        let subject = doc.value.subject.as_ref().unwrap();
        assert_eq!(s.product.id, subject.bom_ref);
        assert_eq!(
            s.product.name.as_ref(),
            Some(&subject.name),
            "resolved from the metadata component"
        );
    }
    let case3 = read("CISA-Use-Cases/Case-3/vex.json");
    let got: BTreeMap<String, VexStatus> = case3
        .value
        .vex
        .iter()
        .map(|s| (s.vulnerability.clone(), s.status))
        .collect();
    assert_eq!(got, cisa_case_3_expected());
    assert_eq!(case3.value.vex.len(), 19);

    let case6 = read("CISA-Use-Cases/Case-6/vex.json");
    let affected: Vec<(Option<&str>, Option<&str>)> = case6
        .value
        .vex
        .iter()
        .filter(|s| s.status == VexStatus::Affected)
        .map(|s| (s.product.version.as_deref(), s.product.version_range.as_deref()))
        .collect();
    assert_eq!(
        affected,
        vec![
            (Some("2.4"), None),
            (Some("2.6"), None),
            (None, Some("vers:generic/>=2.9|<=4.1"))
        ]
    );
    let not_affected: Vec<_> = case6
        .value
        .vex
        .iter()
        .filter(|s| s.status == VexStatus::NotAffected)
        .collect();
    assert_eq!(not_affected.len(), 4);
    assert!(
        not_affected
            .iter()
            .all(|s| s.justification == Some(Justification::CodeNotPresent))
    );

    // Case 7: one VEX about two products in other BOMs (BOM-Links), four statements of three states.
    let case7 = read("CISA-Use-Cases/Case-7/vex.json");
    let jkl: Vec<_> = case7
        .value
        .vex
        .iter()
        .filter(|s| {
            s.product
                .id
                .as_deref()
                .is_some_and(|id| id.ends_with("#product-JKL"))
        })
        .map(|s| s.status)
        .collect();
    assert_eq!(
        jkl,
        vec![VexStatus::Affected, VexStatus::NotAffected, VexStatus::Fixed]
    );

    // Every VEX document in the folder parses without skipping anything.
    let mut statements = 0;
    for path in files(&dir, &[".json"]) {
        let name = path.display().to_string();
        let doc = ward_feeds::parse_cyclonedx_json(&name, &std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(doc.skipped(), 0, "{name}: {:?}", doc.problems);
        statements += doc.value.vex.len();
        for p in &doc.problems {
            println!("  {p}");
        }
    }
    println!("CycloneDX VEX statements in the vex folder: {statements}");
    assert!(statements > 100);
}

/// product_id → (purl, cpe) for every product definition in a CSAF document, found by a plain walk.
fn csaf_identifiers(value: &serde_json::Value) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        match v {
            serde_json::Value::Object(m) => {
                if let (Some(id), Some(helper)) = (
                    m.get("product_id").and_then(|i| i.as_str()),
                    m.get("product_identification_helper"),
                ) {
                    let get = |k: &str| helper.get(k).and_then(|x| x.as_str()).map(str::to_owned);
                    out.insert(id.to_owned(), (get("purl"), get("cpe")));
                }
                todo.extend(m.values());
            }
            serde_json::Value::Array(list) => todo.extend(list.iter()),
            _ => {}
        }
    }
    out
}

#[test]
fn every_csaf_document_resolves_its_product_statuses() {
    let Some(dir) = shared_data("csaf") else { return };
    let mut total = 0;
    let mut with_identifier = 0;
    for path in files(&dir, &[".json"]) {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        let doc = ward_feeds::parse_csaf(&name, &text).unwrap();
        let expected: usize = raw["vulnerabilities"]
            .as_array()
            .map(|list| {
                list.iter()
                    .flat_map(|v| v["product_status"].as_object().into_iter().flatten())
                    .filter(|(k, _)| k.as_str() != "recommended")
                    .map(|(_, ids)| ids.as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(doc.value.statements.len(), expected, "{name}");
        assert_eq!(doc.skipped(), 0, "{name}: {:?}", doc.problems);
        let identifiers = csaf_identifiers(&raw);
        for s in &doc.value.statements {
            let id = s.product.id.as_deref().unwrap();
            if let Some((purl, cpe)) = identifiers.get(id) {
                assert_eq!((&s.product.purl, &s.product.cpe), (purl, cpe), "{name}: {id}");
            }
            if s.product.purl.is_some() || s.product.cpe.is_some() {
                with_identifier += 1;
            } else if let Some(platform) = &s.product.platform
                && (platform.purl.is_some() || platform.cpe.is_some())
            {
                with_identifier += 1;
            }
        }
        println!(
            "{}: {} products, {} statements, problems {:?}",
            path.file_name().unwrap().to_string_lossy(),
            doc.value.products.len(),
            doc.value.statements.len(),
            doc.problems
        );
        total += doc.value.statements.len();
    }
    println!("CSAF statements: {total}, {with_identifier} with a purl or CPE (own or platform's)");
    assert!(with_identifier > 0);
}

#[test]
fn csaf_relationships_and_vex_profile() {
    let Some(dir) = shared_data("csaf") else { return };
    let read =
        |rel: &str| ward_feeds::parse_csaf(rel, &std::fs::read_to_string(dir.join(rel)).unwrap()).unwrap();
    let rhsa = read("rhsa-2021_5186.json");
    let fixed = rhsa
        .value
        .statements
        .iter()
        .find(|s| s.vulnerability == "CVE-2021-4104" && s.status == VexStatus::Fixed)
        .unwrap();
    let platform = fixed.product.platform.as_deref().unwrap();
    assert_eq!(platform.cpe.as_deref(), Some("cpe:/a:redhat:openshift:4.6::el8"));
    assert!(fixed.actions.iter().any(|a| a.starts_with("vendor_fix:")));
    assert_eq!(rhsa.value.advisory.id, "RHSA-2021:5186");
    assert!(rhsa.value.advisory.aliases.contains(&"CVE-2021-4104".to_owned()));

    let flagged = read("csaf_vex/sec-vex-2022-0001.json");
    assert!(
        flagged
            .value
            .statements
            .iter()
            .all(|s| s.status == VexStatus::NotAffected
                && s.justification == Some(Justification::ComponentNotPresent))
    );
    assert_eq!(
        flagged.value.statements[0].product.version_range.as_deref(),
        Some("<=1.14.0")
    );

    let case3 = read("csaf_vex/2022-evd-uc-03-ms-001.json");
    let got: BTreeMap<String, VexStatus> = case3
        .value
        .statements
        .iter()
        .map(|s| (s.vulnerability.clone(), s.status))
        .collect();
    assert_eq!(got, cisa_case_3_expected());
    for (file, status) in [
        ("2022-evd-uc-01-a-001.json", VexStatus::Affected),
        ("2022-evd-uc-01-f-001.json", VexStatus::Fixed),
        ("2022-evd-uc-01-na-001.json", VexStatus::NotAffected),
        ("2022-evd-uc-01-ui-001.json", VexStatus::UnderInvestigation),
    ] {
        let doc = read(&format!("csaf_vex/{file}"));
        let statuses: Vec<_> = doc.value.statements.iter().map(|s| s.status).collect();
        assert_eq!(statuses, vec![status], "{file}");
    }
}

#[test]
fn every_endoflife_product_parses() {
    let Some(dir) = shared_data("eol/products") else {
        return;
    };
    let (mut products, mut releases, mut with_cpe_or_purl) = (0, 0, 0);
    let mut problems = Vec::new();
    for path in files(&dir, &[".md"]) {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = ward_feeds::parse_eol_product(&name, &text).unwrap();
        let expected = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('-'))
            .filter(|rest| rest.trim_start().starts_with("releaseCycle:"))
            .count();
        assert_eq!(doc.value.releases.len(), expected, "{name}: {:?}", doc.problems);
        assert_eq!(doc.value.product, path.file_stem().unwrap().to_string_lossy());
        products += 1;
        releases += doc.value.releases.len();
        if doc
            .value
            .identifiers
            .iter()
            .any(|i| i.kind == "purl" || i.kind == "cpe")
        {
            with_cpe_or_purl += 1;
        }
        problems.extend(doc.problems);
    }
    println!(
        "endoflife.date: {products} products, {releases} release cycles, {with_cpe_or_purl} with purl/CPE"
    );
    for p in &problems {
        println!("  {p}");
    }
    assert_eq!(products, 464);
    assert!(problems.iter().all(|p| p.action == Action::Kept), "{problems:#?}");
}
