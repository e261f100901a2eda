//! Hand-written fixtures in the real formats that the shared data does not hold: EPSS (plain and
//! gzip), CVE JSON 5, NVD API 2.0, SPDX 2.3.

use std::io::Write;

use ward_core::vuln::{AdvisorySource, Event, SeverityKind};
use ward_feeds::{Feed, parse_file_bytes};

use crate::fixture;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn epss_plain_and_gzip_give_the_same_scores() {
    let text = fixture("epss_scores.csv");
    let plain = ward_feeds::parse_epss("epss_scores.csv", text.as_bytes()).unwrap();
    let zipped = ward_feeds::parse_epss("epss_scores.csv.gz", gzip(text.as_bytes()).as_slice()).unwrap();
    assert_eq!(plain, zipped);
    assert_eq!(plain.header.model_version.as_deref(), Some("v2025.03.14"));
    assert_eq!(plain.header.score_date, Some(jiff::civil::date(2025, 8, 25)));
    let rows = text.lines().filter(|l| l.starts_with("CVE-")).count();
    assert_eq!(plain.scores.items.len(), rows);
    assert!(plain.scores.problems.is_empty());
    let citrix = plain
        .scores
        .items
        .iter()
        .find(|s| s.cve == "CVE-2019-19781")
        .unwrap();
    assert!((citrix.epss - 0.94352).abs() < 1e-9);
    assert!((citrix.percentile - 0.99962).abs() < 1e-9);
}

#[test]
fn cve5_records_map_versions_to_ranges() {
    let parsed = ward_feeds::parse_cve5("cve5_records.json", &fixture("cve5_records.json")).unwrap();
    assert_eq!(parsed.items.len(), 2, "{:?}", parsed.problems);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let log4shell = &parsed.items[0];
    assert_eq!(log4shell.id, "CVE-2021-44228");
    assert_eq!(log4shell.source, AdvisorySource::Cve5);
    assert_eq!(log4shell.cwes, vec!["CWE-502", "CWE-20"]);
    assert_eq!(log4shell.references.len(), 2, "CNA and ADP references");
    let affected = &log4shell.affected[0];
    let package = affected.package.as_ref().unwrap();
    assert_eq!(
        (package.ecosystem.as_str(), package.name.as_str()),
        ("Maven", "org.apache.logging.log4j:log4j-core")
    );
    assert_eq!(affected.vendor_product.as_ref().unwrap().product, "Apache Log4j2");
    assert_eq!(affected.ranges.len(), 3, "the unaffected entry makes no range");
    assert_eq!(
        affected.ranges[0].events,
        vec![
            Event::Introduced("2.0-beta9".into()),
            Event::Fixed("2.3.1".into())
        ]
    );
    assert_eq!(affected.fixed_versions(), vec!["2.3.1", "2.12.2", "2.15.0"]);
    assert_eq!(log4shell.severity[0].base_score, Some(10.0));
    assert_eq!(log4shell.published.unwrap().to_string(), "2021-12-10T00:00:00Z");

    let moveit = &parsed.items[1];
    let affected = &moveit.affected[0];
    assert!(
        affected.package.is_none(),
        "no registry: vendor/product and CPE only"
    );
    assert_eq!(
        affected.cpes[0].criteria,
        "cpe:2.3:a:progress:moveit_transfer:*:*:*:*:*:*:*:*"
    );
    assert_eq!(affected.ranges[0].events[0], Event::Introduced("0".into()));
    assert_eq!(affected.versions, vec!["2023.0.0"]);
    assert_eq!(moveit.severity[0].assigned_by.as_deref(), Some("CISA-ADP"));
}

#[test]
fn nvd_configurations_keep_platforms_and_ranges() {
    let parsed = ward_feeds::parse_nvd("nvd_response.json", &fixture("nvd_response.json")).unwrap();
    assert_eq!(parsed.items.len(), 2);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let citrix = &parsed.items[0];
    assert_eq!(citrix.source, AdvisorySource::Nvd);
    assert_eq!(citrix.affected.len(), 2);
    let and = &citrix.affected[0];
    assert_eq!(and.cpes.iter().filter(|c| c.vulnerable).count(), 5);
    let platform: Vec<_> = and.cpes.iter().filter(|c| !c.vulnerable).collect();
    assert_eq!(platform.len(), 1);
    assert!(
        platform[0]
            .criteria
            .starts_with("cpe:2.3:h:citrix:application_delivery_controller:")
    );
    let gateway = &citrix.affected[1].cpes[0];
    assert_eq!(gateway.version_start_including.as_deref(), Some("13.0"));
    assert_eq!(gateway.version_end_excluding.as_deref(), Some("13.0.47.24"));
    let kinds: Vec<_> = citrix
        .severity
        .iter()
        .map(|s| (s.kind.clone(), s.base_score))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (SeverityKind::CvssV3, Some(9.8)),
            (SeverityKind::CvssV2, Some(7.5))
        ]
    );
    assert_eq!(citrix.cwes, vec!["CWE-22"]);
    assert_eq!(citrix.published.unwrap().to_string(), "2019-12-27T14:15:10.97Z");
    let moveit = &parsed.items[1];
    assert_eq!(moveit.affected[0].cpes.len(), 5);
    assert_eq!(
        moveit.affected[0].cpes[0].version_end_excluding.as_deref(),
        Some("2021.0.6")
    );
}

#[test]
fn spdx_packages_references_and_relationships() {
    let doc = ward_feeds::parse_spdx_json("spdx.json", &fixture("spdx_patient_portal.spdx.json")).unwrap();
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    let sbom = &doc.value;
    assert_eq!(sbom.subject.as_ref().unwrap().name, "patient-portal");
    assert_eq!(sbom.components.len(), 4, "five packages, one of them the subject");
    let log4j = sbom.component("SPDXRef-Package-log4j-core").unwrap();
    assert_eq!(
        log4j.purl.as_deref(),
        Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    );
    assert_eq!(
        log4j.cpe.as_deref(),
        Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")
    );
    assert_eq!(log4j.kind.as_deref(), Some("library"));
    assert_eq!(log4j.supplier.as_deref(), Some("Apache Software Foundation"));
    let lodash = sbom.component("SPDXRef-Package-lodash").unwrap();
    assert_eq!(lodash.cpe.as_deref(), Some("cpe:/a:lodash:lodash:4.17.15"));
    assert_eq!(lodash.supplier, None, "NOASSERTION is no supplier");
    let jackson = sbom.component("SPDXRef-Package-jackson-databind").unwrap();
    let parent = &sbom.components[jackson.parent.unwrap()];
    assert_eq!(parent.name, "spring-core");
    let portal = sbom
        .dependencies
        .iter()
        .find(|d| d.from == "SPDXRef-Package-portal")
        .unwrap();
    assert_eq!(
        portal.to,
        vec![
            "SPDXRef-Package-lodash",
            "SPDXRef-Package-log4j-core",
            "SPDXRef-Package-spring-core"
        ]
    );
}

#[test]
fn format_detection_routes_each_fixture() {
    let cases = [
        ("cve5_records.json", "advisories"),
        ("nvd_response.json", "advisories"),
        ("spdx_patient_portal.spdx.json", "sbom"),
        ("epss_scores.csv", "epss"),
    ];
    for (name, want) in cases {
        let feed = parse_file_bytes(name, fixture(name).as_bytes()).unwrap();
        let got = match feed {
            Feed::Advisories(_) => "advisories",
            Feed::Sbom(_) => "sbom",
            Feed::Epss(_) => "epss",
            Feed::Kev(_) => "kev",
            Feed::Csaf(_) => "csaf",
            Feed::Eol(_) => "eol",
        };
        assert_eq!(got, want, "{name}");
    }
    let gz = gzip(fixture("epss_scores.csv").as_bytes());
    assert!(matches!(
        parse_file_bytes("scores.bin", &gz).unwrap(),
        Feed::Epss(_)
    ));
    let osv = r#"{"id":"RUSTSEC-2021-0001","modified":"2021-01-01T00:00:00Z","affected":[]}"#;
    assert!(matches!(
        parse_file_bytes("x.json", osv.as_bytes()).unwrap(),
        Feed::Advisories(_)
    ));
    let err = parse_file_bytes("x.json", br#"{"hello":"world"}"#).unwrap_err();
    assert!(err.to_string().contains("x.json"), "{err}");
}
