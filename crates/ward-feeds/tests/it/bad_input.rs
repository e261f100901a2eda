//! Bad input: a malformed entry is reported (file, path, reason) and skipped while the rest is kept;
//! unknown ecosystems and unparsable versions are kept and flagged; unreadable files are errors that
//! name the file.

use std::io::{Cursor, Write};

use ward_feeds::{Action, FeedError, Problem, ZipEntries};

fn problem_at<'a>(problems: &'a [Problem], path: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no problem at {path}: {problems:#?}"))
}

#[test]
fn truncated_json_is_an_error_naming_file_and_position() {
    let text = r#"{"id": "GHSA-xxxx", "affected": [{"package": {"ecosystem": "npm", "na"#;
    for result in [
        ward_feeds::parse_osv_json("cut.json", text).map(|_| ()),
        ward_feeds::parse_kev("cut.json", text).map(|_| ()),
        ward_feeds::parse_nvd("cut.json", text).map(|_| ()),
        ward_feeds::parse_csaf("cut.json", text).map(|_| ()),
        ward_feeds::parse_cyclonedx_json("cut.json", text).map(|_| ()),
        ward_feeds::parse_spdx_json("cut.json", text).map(|_| ()),
        ward_feeds::parse_cve5("cut.json", text).map(|_| ()),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, FeedError::Syntax { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("cut.json: line 1, column "), "{message}");
    }
    let yaml = "id: PYSEC-1\naffected:\n  - package: {ecosystem: PyPI, name: x\n";
    let err = ward_feeds::parse_osv_yaml("cut.yaml", yaml).unwrap_err();
    assert!(err.to_string().starts_with("cut.yaml: line "), "{err}");
    let xml = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component>";
    let err = ward_feeds::parse_cyclonedx_xml("cut.xml", xml).unwrap_err();
    assert!(err.to_string().starts_with("cut.xml: "), "{err}");
}

#[test]
fn well_formed_json_of_another_format_is_a_format_error() {
    let err = ward_feeds::parse_kev("sbom.json", r#"{"bomFormat":"CycloneDX"}"#).unwrap_err();
    assert!(matches!(err, FeedError::Format { .. }), "{err:?}");
    assert!(err.to_string().contains("sbom.json"), "{err}");
    let err = ward_feeds::parse_cyclonedx_json("kev.json", r#"{"vulnerabilities":[]}"#).unwrap_err();
    assert!(err.to_string().contains("CycloneDX"), "{err}");
    assert!(ward_feeds::parse_spdx_json("x.json", "[]").is_err());
    assert!(ward_feeds::parse_csaf("x.json", r#"{"document":{}}"#).is_err());
    assert!(ward_feeds::parse_eol_product("x.md", "# no front matter\n").is_err());
}

const OSV_WITH_ONE_BAD_ENTRY: &str = r#"{
  "id": "GHSA-35jh-r3h4-6jhm",
  "modified": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2021-23337"],
  "affected": [
    {"package": {"ecosystem": "npm", "name": "lodash"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]},
    {"package": {"ecosystem": "npm", "name": 42},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]},
    {"package": {"ecosystem": "npm", "name": "lodash-es"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]},
                {"type": "BOGUS", "events": [{"introduced": "0"}]}]},
    {"package": {"ecosystem": "Zephyr", "name": "zephyr-kernel"},
     "versions": ["3.4.0"]},
    {"package": {"ecosystem": "crates.io", "name": "weird"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "not.a.version"}]}]}
  ],
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"},
               {"type": "CVSS_V3", "score": "CVSS:3.1/AV:Q"}],
  "references": [{"type": "WEB", "url": "https://github.com/lodash/lodash/issues/5085"}, {"type": "WEB"}]
}"#;

#[test]
fn one_bad_affected_entry_is_skipped_and_the_rest_kept() {
    let parsed = ward_feeds::parse_osv_json("lodash.json", OSV_WITH_ONE_BAD_ENTRY).unwrap();
    assert_eq!(parsed.items.len(), 1);
    let a = &parsed.items[0];
    let names: Vec<_> = a
        .affected
        .iter()
        .map(|x| x.package.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(names, vec!["lodash", "lodash-es", "zephyr-kernel", "weird"]);

    let bad_name = problem_at(&parsed.problems, "/affected/1/package/name");
    assert_eq!(bad_name.action, Action::Skipped);
    assert_eq!(bad_name.file, "lodash.json");
    assert!(
        bad_name.reason.contains("expected a string, found a number"),
        "{bad_name}"
    );

    let bad_range = problem_at(&parsed.problems, "/affected/2/ranges/1/type");
    assert_eq!(bad_range.action, Action::Skipped);
    assert_eq!(
        a.affected[1].ranges.len(),
        1,
        "the good range of that entry is kept"
    );

    let unknown = problem_at(&parsed.problems, "/affected/3/package/ecosystem");
    assert_eq!(unknown.action, Action::Kept);
    assert!(unknown.reason.contains("Zephyr"), "{unknown}");

    let unparsable = problem_at(&parsed.problems, "/affected/4/ranges/0/events/1");
    assert_eq!(unparsable.action, Action::Kept);
    assert!(unparsable.reason.contains("not.a.version"), "{unparsable}");
    assert_eq!(a.affected[3].fixed_versions(), vec!["not.a.version"]);

    // The valid CVSS vector gets a computed base score, the invalid one is kept and flagged.
    assert_eq!(a.severity.len(), 2);
    assert_eq!(a.severity[0].base_score, Some(7.2));
    assert_eq!(a.severity[1].base_score, None);
    assert_eq!(
        problem_at(&parsed.problems, "/severity/1/score").action,
        Action::Kept
    );
    assert_eq!(a.references.len(), 1);
    assert_eq!(
        problem_at(&parsed.problems, "/references/1/url").action,
        Action::Skipped
    );

    assert_eq!(parsed.skipped(), 3);
    assert_eq!(parsed.flagged(), 3);
    for p in &parsed.problems {
        assert!(p.to_string().starts_with("lodash.json /"), "{p}");
    }
}

#[test]
fn osv_arrays_skip_records_without_an_id() {
    let text = r#"[{"id":"A-1","affected":[]}, {"summary":"no id"}, 7, {"id":"A-2"}]"#;
    let parsed = ward_feeds::parse_osv_json("list.json", text).unwrap();
    let ids: Vec<_> = parsed.items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, vec!["A-1", "A-2"]);
    assert_eq!(parsed.skipped(), 2);
    problem_at(&parsed.problems, "/1/id");
    problem_at(&parsed.problems, "/2");
}

#[test]
fn osv_yaml_keeps_version_text_and_flags_like_json() {
    let yaml = "id: PYSEC-2099-1\naffected:\n- package:\n    ecosystem: PyPI\n    name: demo\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 1.0\n    - fixed: 1.10\n  versions:\n  - 1.0\n  - 1.9\n";
    let parsed = ward_feeds::parse_osv_yaml("demo.yaml", yaml).unwrap();
    let a = &parsed.items[0].affected[0];
    assert_eq!(a.fixed_versions(), vec!["1.10"]);
    assert_eq!(a.versions, vec!["1.0", "1.9"]);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn kev_entries_of_the_wrong_type_are_skipped() {
    let text = r#"{"title":"t","catalogVersion":"1","count":3,"vulnerabilities":[
      {"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Log4Shell",
       "dateAdded":"2021-12-10","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","requiredAction":"Patch"},
      {"cveID":"CVE-2023-34362","vendorProject":"Progress","product":"MOVEit Transfer","vulnerabilityName":"SQLi",
       "dateAdded":20230602,"requiredAction":"Patch"},
      {"cveID":"CVE-2019-19781","vendorProject":"Citrix","product":"ADC","vulnerabilityName":"Traversal",
       "dateAdded":"2021-11-03","dueDate":"soon","knownRansomwareCampaignUse":"Unknown","requiredAction":"Patch"}
    ]}"#;
    let kev = ward_feeds::parse_kev("kev.json", text).unwrap();
    let cves: Vec<_> = kev.entries.items.iter().map(|e| e.cve.as_str()).collect();
    assert_eq!(cves, vec!["CVE-2021-44228", "CVE-2019-19781"]);
    assert!(kev.entries.items[0].known_ransomware);
    assert!(!kev.entries.items[1].known_ransomware);
    assert_eq!(kev.entries.items[1].due_date, None);
    assert_eq!(
        problem_at(&kev.entries.problems, "/vulnerabilities/1/dateAdded").action,
        Action::Skipped
    );
    assert_eq!(
        problem_at(&kev.entries.problems, "/vulnerabilities/2/dueDate").action,
        Action::Kept
    );
}

#[test]
fn epss_bad_lines_are_skipped_by_line_number() {
    let text = "#model_version:v1,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.9,0.99\nCVE-2019-19781,abc,0.5\nCVE-2023-34362,0.9\nnot-a-cve,0.1,0.2\nCVE-2020-25649,1.5,0.2\nCVE-2022-22965,0.94,0.99\n";
    let epss = ward_feeds::parse_epss("epss.csv", text.as_bytes()).unwrap();
    assert_eq!(epss.scores.items.len(), 2);
    let lines: Vec<_> = epss.scores.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(lines, vec!["line 4", "line 5", "line 6", "line 7"]);
    let corrupt = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3];
    let err = ward_feeds::parse_epss("broken.csv.gz", &corrupt[..]).unwrap_err();
    assert!(err.to_string().starts_with("broken.csv.gz"), "{err}");
    let err = ward_feeds::parse_epss("x.csv", "cve,score\nCVE-2021-1,0.1\n".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("cve,epss,percentile"), "{err}");
}

#[test]
fn cyclonedx_nameless_component_is_skipped_and_its_children_kept() {
    let text = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
      {"type":"library","name":"lodash","version":"4.17.15","purl":"pkg:npm/lodash@4.17.15"},
      {"type":"application","version":"1","components":[{"name":"inner","purl":"pkg:npm/inner@1.0.0"}]},
      {"type":"library","name":"outer","components":[{"name":"leaf","cpe":"cpe:2.3:a:x:leaf:1:*:*:*:*:*:*:*"}]}
    ],"dependencies":[{"ref":"a","dependsOn":["b"]},{"dependsOn":["c"]}]}"#;
    let doc = ward_feeds::parse_cyclonedx_json("bom.json", text).unwrap();
    let names: Vec<_> = doc
        .value
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.parent))
        .collect();
    assert_eq!(
        names,
        vec![
            ("lodash", None),
            ("inner", None),
            ("outer", None),
            ("leaf", Some(2))
        ]
    );
    assert_eq!(
        problem_at(&doc.problems, "/components/1/name").action,
        Action::Skipped
    );
    assert_eq!(doc.value.dependencies.len(), 1);
    problem_at(&doc.problems, "/dependencies/1/ref");
}

#[test]
fn csaf_unknown_product_ids_are_kept_by_id_and_flagged() {
    let text = r#"{"document":{"category":"csaf_vex","csaf_version":"2.0","title":"t",
      "publisher":{"name":"Example PSIRT"},"tracking":{"id":"EX-1"}},
      "product_tree":{"full_product_names":[{"name":"Box 1.0","product_id":"P1",
         "product_identification_helper":{"purl":"pkg:generic/example/box@1.0"}}]},
      "vulnerabilities":[{"cve":"CVE-2021-44228","product_status":{"known_not_affected":["P1","P9"]},
         "flags":[{"label":"vulnerable_code_not_in_execute_path","product_ids":["P1"]}]},
        {"notes":[]}]}"#;
    let doc = ward_feeds::parse_csaf("ex.json", text).unwrap();
    let statements = &doc.value.statements;
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[0].product.purl.as_deref(),
        Some("pkg:generic/example/box@1.0")
    );
    assert_eq!(statements[0].source, "Example PSIRT EX-1");
    assert_eq!(statements[1].product.id.as_deref(), Some("P9"));
    assert_eq!(
        problem_at(
            &doc.problems,
            "/vulnerabilities/0/product_status/known_not_affected/1"
        )
        .action,
        Action::Kept
    );
    assert_eq!(
        problem_at(&doc.problems, "/vulnerabilities/1").action,
        Action::Skipped
    );
}

#[test]
fn spdx_package_without_id_is_skipped() {
    let text = r#"{"spdxVersion":"SPDX-2.3","name":"d","packages":[{"name":"a","SPDXID":"SPDXRef-a"},{"name":"b"}]}"#;
    let doc = ward_feeds::parse_spdx_json("d.json", text).unwrap();
    assert_eq!(doc.value.components.len(), 1);
    assert_eq!(
        problem_at(&doc.problems, "/packages/1/SPDXID").action,
        Action::Skipped
    );
}

#[test]
fn nvd_bad_cpe_matches_and_negated_nodes_are_reported() {
    let text = r#"{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2019-19781","descriptions":[],
      "configurations":[{"nodes":[{"operator":"OR","cpeMatch":[
        {"vulnerable":true,"criteria":"cpe:2.3:a:citrix:gateway:13.0:*:*:*:*:*:*:*"},
        {"vulnerable":"yes","criteria":"cpe:2.3:a:citrix:gateway:12.1:*:*:*:*:*:*:*"},
        {"vulnerable":true,"criteria":"not a cpe"}]},
        {"operator":"OR","negate":true,"cpeMatch":[{"vulnerable":false,"criteria":"cpe:2.3:h:x:y:-:*:*:*:*:*:*:*"}]}]}]}},
      {"cve":{"descriptions":[]}}]}"#;
    let parsed = ward_feeds::parse_nvd("nvd.json", text).unwrap();
    assert_eq!(parsed.items.len(), 1);
    assert_eq!(parsed.items[0].affected[0].cpes.len(), 1);
    problem_at(
        &parsed.problems,
        "/vulnerabilities/0/cve/configurations/0/nodes/0/cpeMatch/1/vulnerable",
    );
    problem_at(
        &parsed.problems,
        "/vulnerabilities/0/cve/configurations/0/nodes/0/cpeMatch/2/criteria",
    );
    problem_at(
        &parsed.problems,
        "/vulnerabilities/0/cve/configurations/0/nodes/1/negate",
    );
    problem_at(&parsed.problems, "/vulnerabilities/1/cve/id");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn zip_entries_are_read_one_at_a_time_with_a_size_limit() {
    let osv = br#"{"id":"RUSTSEC-2021-0001","affected":[]}"#;
    let archive = zip_of(&[
        ("a/RUSTSEC-2021-0001.json", osv),
        ("b.json", b"{\"id\":\"X\"}"),
        ("big.bin", &[b'x'; 4096]),
    ]);
    let entries = ZipEntries::open("all.zip", Cursor::new(archive.clone())).unwrap();
    assert_eq!(entries.len(), 3);
    let mut names = Vec::new();
    for entry in entries.with_max_entry(1024) {
        match entry {
            Ok(e) => {
                let parsed =
                    ward_feeds::parse_osv_json(&e.file, std::str::from_utf8(&e.bytes).unwrap()).unwrap();
                assert_eq!(parsed.items.len(), 1);
                names.push(e.file);
            }
            Err(err) => assert_too_large(&err, "all.zip!big.bin", "expanded bytes"),
        }
    }
    assert_eq!(names, vec!["all.zip!a/RUSTSEC-2021-0001.json", "all.zip!b.json"]);
    let err = ZipEntries::open("junk.zip", Cursor::new(b"not a zip".to_vec())).unwrap_err();
    assert!(err.to_string().starts_with("junk.zip"), "{err}");
}

// ---- Hostile input: expansion bombs, deadlines, uploads that are not SBOMs -------------------------

/// A YAML document of `levels` levels of anchors, each a list of ten aliases to the level below; the
/// bottom is one scalar of `scalar` bytes. It is a few hundred bytes whatever its expanded size, which
/// is `scalar * 10^levels` bytes but only about `1.1 * 10^levels` nodes.
fn yaml_alias_bomb(scalar: usize, levels: usize) -> String {
    let mut bomb = format!("spdxVersion: SPDX-2.3\nl0: &l0 \"{}\"\n", "x".repeat(scalar));
    for i in 1..=levels {
        let prev = format!("*l{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        bomb.push_str(&format!("l{i}: &l{i} [{items}]\n"));
    }
    bomb
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// `member` repeated `times`: a multi-member gzip stream that expands to `times` times the member's
/// content, built without compressing that much.
fn repeated_gzip(member_content: &[u8], times: usize) -> Vec<u8> {
    gzip(member_content).repeat(times)
}

fn assert_too_large(err: &FeedError, file: &str, limit: &str) {
    match err {
        FeedError::TooLarge {
            file: f, limit: l, ..
        } => {
            assert_eq!(f, file, "{err}");
            assert_eq!(*l, limit, "{err}");
        }
        other => panic!("expected a {limit} limit error for {file}, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.starts_with(file) && message.contains(limit), "{message}");
}

#[test]
fn a_yaml_alias_bomb_is_refused_by_its_expanded_bytes_not_only_its_nodes() {
    // 10^4 copies of a 1 KiB scalar: 10 MiB of text in ~11,000 nodes, far below the node limit.
    let bomb = yaml_alias_bomb(1024, 4);
    assert!(bomb.len() < 2_000);
    let limits = ward_feeds::Limits::default().with_max_bytes(1024 * 1024);
    let err = ward_feeds::parse_file_bytes_with("bomb.yaml", bomb.as_bytes(), &limits).unwrap_err();
    assert_too_large(&err, "bomb.yaml", "expanded bytes");
    // The default limits refuse one that would expand to 400 MB, before copying it.
    let bomb = yaml_alias_bomb(4096, 5);
    let err = ward_feeds::parse_osv_yaml("big-bomb.yaml", &bomb).unwrap_err();
    assert_too_large(&err, "big-bomb.yaml", "expanded bytes");
    // The same shape, small enough, is read.
    let fine = yaml_alias_bomb(8, 2);
    assert!(ward_feeds::parse_file_bytes_with("fine.yaml", fine.as_bytes(), &limits).is_ok());
}

#[test]
fn a_gzip_bomb_stops_at_the_byte_limit_naming_the_file() {
    // 2 MiB of zeros (and of line breaks) against a 1 MiB limit, in every reader of gzip.
    let bomb = repeated_gzip(&[0u8; 64 * 1024], 32);
    let lines = repeated_gzip(&[b'\n'; 64 * 1024], 32);
    let limits = ward_feeds::Limits::default().with_max_bytes(1024 * 1024);
    let err = ward_feeds::parse_epss_with("lines.csv.gz", Cursor::new(&lines), &limits).unwrap_err();
    assert_too_large(&err, "lines.csv.gz", "expanded bytes");
    let err = ward_feeds::parse_file_bytes_with("lines.csv.gz", &lines, &limits).unwrap_err();
    assert_too_large(&err, "lines.csv.gz", "expanded bytes");
    let err = ward_feeds::parse_sbom("zeros.cdx.json.gz", &bomb, &limits).unwrap_err();
    assert_too_large(&err, "zeros.cdx.json.gz", "expanded bytes");
    // Under the default limits, a stream without line breaks is refused at the line-length limit
    // instead of becoming one line as large as the stream.
    let err = ward_feeds::parse_epss("zeros.csv.gz", Cursor::new(&bomb)).unwrap_err();
    assert_too_large(&err, "zeros.csv.gz", "line length");
    // Lines that are each a problem do not pile up problems without bound.
    let junk = repeated_gzip(&b"0\n".repeat(32 * 1024), 8);
    let parsed = ward_feeds::parse_epss("junk.csv.gz", Cursor::new(&junk)).unwrap();
    assert!(parsed.scores.problems.len() <= ward_feeds::limits::MAX_PROBLEMS + 1);
    let last = parsed.scores.problems.last().unwrap();
    assert!(last.reason.contains("more problems"), "{last}");
    // A gzip stream within the limits is read.
    let epss = gzip(b"cve,epss,percentile\nCVE-2021-44228,0.97,0.99\n");
    let parsed = ward_feeds::parse_epss_with("ok.csv.gz", Cursor::new(&epss), &limits).unwrap();
    assert_eq!(parsed.scores.items.len(), 1);
}

#[test]
fn json_and_xml_are_bounded_too() {
    let limits = ward_feeds::Limits {
        max_nodes: 1000,
        ..ward_feeds::Limits::default()
    };
    let many = format!("{{\"bomFormat\":\"CycloneDX\",\"x\":[{}[]]}}", "[],".repeat(2000));
    let err = ward_feeds::parse_sbom("many.cdx.json", many.as_bytes(), &limits).unwrap_err();
    assert_too_large(&err, "many.cdx.json", "nodes");
    let elements = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components>{}</components></bom>",
        "<component/>".repeat(2000)
    );
    let err = ward_feeds::parse_sbom("many.cdx.xml", elements.as_bytes(), &limits).unwrap_err();
    assert_too_large(&err, "many.cdx.xml", "nodes");
    let small = ward_feeds::Limits::default().with_max_bytes(1000);
    let text = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><metadata>{}</metadata></bom>",
        "x".repeat(2000)
    );
    let err = ward_feeds::parse_sbom("long.cdx.xml", text.as_bytes(), &small).unwrap_err();
    assert_too_large(&err, "long.cdx.xml", "expanded bytes");
    // XML entities are not expanded: a "billion laughs" stays as written.
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>
<component type="library"><name>&lol2;</name><version>1</version></component></components></bom>"#;
    let doc = ward_feeds::parse_sbom("laughs.cdx.xml", laughs.as_bytes(), &small).unwrap();
    assert_eq!(doc.value.components[0].name, "&lol2;");
}

fn past_deadline() -> ward_feeds::Limits {
    let now = jiff::Timestamp::from_second(1_750_000_000).unwrap();
    let clock = std::sync::Arc::new(ward_core::clock::ManualClock::new(now));
    let deadline = ward_feeds::Deadline::new(clock, now - jiff::SignedDuration::from_secs(1));
    ward_feeds::Limits::default().with_deadline(deadline)
}

#[test]
fn a_parser_given_a_deadline_in_the_past_stops_with_a_deadline_error() {
    let limits = past_deadline();
    let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}"#;
    let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>"#;
    let yaml = b"spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\n";
    let epss = b"cve,epss,percentile\nCVE-2021-44228,0.97,0.99\n";
    let results = [
        (
            "a.cdx.json",
            ward_feeds::parse_sbom("a.cdx.json", sbom, &limits).map(|_| ()),
        ),
        (
            "a.cdx.xml",
            ward_feeds::parse_sbom("a.cdx.xml", xml, &limits).map(|_| ()),
        ),
        (
            "a.spdx.yaml",
            ward_feeds::parse_sbom("a.spdx.yaml", yaml, &limits).map(|_| ()),
        ),
        (
            "a.cdx.json.gz",
            ward_feeds::parse_sbom("a.cdx.json.gz", &gzip(sbom), &limits).map(|_| ()),
        ),
        (
            "e.csv",
            ward_feeds::parse_epss_with("e.csv", Cursor::new(epss), &limits).map(|_| ()),
        ),
    ];
    for (file, result) in results {
        match result {
            Err(FeedError::Deadline { file: f }) => assert_eq!(f, file),
            other => panic!("{file}: expected a deadline error, got {other:?}"),
        }
    }
    // Without a deadline the same inputs are read.
    let open = ward_feeds::Limits::default();
    assert!(ward_feeds::parse_sbom("a.cdx.json", sbom, &open).is_ok());
    assert!(ward_feeds::parse_sbom("a.spdx.yaml", yaml, &open).is_ok());
}

#[test]
fn an_sbom_upload_is_never_read_as_a_feed() {
    let limits = ward_feeds::Limits::default();
    let epss = gzip(b"cve,epss,percentile\nCVE-2021-44228,0.97,0.99\n");
    let osv_yaml = b"id: PYSEC-1\naffected: []\n";
    let kev = br#"{"catalogVersion":"1","vulnerabilities":[]}"#;
    for (file, bytes) in [
        ("scores.csv.gz", epss.as_slice()),
        ("scores.csv", b"cve,epss,percentile\n".as_slice()),
        ("osv.yaml", osv_yaml.as_slice()),
        ("kev.json", kev.as_slice()),
        ("notes.md", b"# hello\n".as_slice()),
    ] {
        let err = ward_feeds::parse_sbom(file, bytes, &limits).unwrap_err();
        assert!(matches!(err, FeedError::Format { .. }), "{file}: {err:?}");
        assert!(err.to_string().contains("not an SBOM"), "{err}");
    }
    let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a","version":"1"}]}"#;
    for (file, bytes) in [
        ("a.json", cdx.to_vec()),
        ("a.cdx.json.gz", gzip(cdx)),
        ("blob", gzip(cdx)),
    ] {
        let doc = ward_feeds::parse_sbom(file, &bytes, &limits).unwrap();
        assert_eq!(doc.value.components.len(), 1, "{file}");
    }
}
