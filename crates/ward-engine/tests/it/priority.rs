//! Prioritisation: every factor visible, defaults documented, weights configurable.

use jiff::civil::date;
use strum::IntoEnumIterator;
use ward_core::ServiceId;
use ward_core::risk::Consequence;
use ward_core::vuln::{EpssScore, KevEntry, Severity, SeverityKind};
use ward_engine::priority::cvss_value;
use ward_engine::{FactorKind, PriorityInput, PriorityWeights, ServiceGraph, Unsupported, prioritise};

use crate::helpers::asset;

fn service(n: u128) -> ServiceId {
    ServiceId::from_uuid(uuid::Uuid::from_u128(2 << 64 | n))
}

fn severity(kind: SeverityKind, score: &str, base: Option<f64>) -> Severity {
    Severity {
        kind,
        score: score.into(),
        base_score: base,
        assigned_by: None,
    }
}

const V3: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

fn kev(ransomware: bool) -> KevEntry {
    KevEntry {
        cve: "CVE-2023-4966".into(),
        vendor: "Citrix".into(),
        product: "NetScaler".into(),
        name: "Citrix Bleed".into(),
        date_added: date(2023, 10, 18),
        due_date: Some(date(2023, 11, 8)),
        known_ransomware: ransomware,
        description: None,
        required_action: "Apply updates".into(),
        notes: None,
        cwes: vec![],
    }
}

#[test]
fn factors_add_up_and_explain_themselves() {
    let severity = vec![
        severity(SeverityKind::CvssV3, V3, None),
        severity(
            SeverityKind::CvssV4,
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            Some(9.3),
        ),
    ];
    let epss = EpssScore {
        cve: "CVE-2023-4966".into(),
        epss: 0.94,
        percentile: 0.999,
    };
    let kev = kev(true);
    let unsupported = Unsupported {
        product: "windows-server".into(),
        cycle: "2012-r2".into(),
        eol: Some(date(2023, 10, 10)),
        eoas: None,
        eoes: None,
        via: "name",
    };
    let graph = ServiceGraph::new(
        [
            (service(1), Consequence::MODERATE),
            (service(2), Consequence::CATASTROPHIC),
        ],
        [(asset(1), service(1))],
        [(service(2), service(1))],
    );
    let impact = graph.worst_consequence(asset(1)).unwrap();
    assert_eq!(impact.service, service(2));
    assert_eq!(
        impact.path,
        vec![service(1), service(2)],
        "inherited through the dependency"
    );
    let input = PriorityInput {
        severity: &severity,
        epss: Some(&epss),
        kev: Some(&kev),
        internet_facing: true,
        unsupported: Some(&unsupported),
        impact: Some(&impact),
        today: date(2024, 1, 1),
    };
    let p = prioritise(&input, &PriorityWeights::default());
    let kinds: Vec<FactorKind> = p.factors.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        FactorKind::iter().collect::<Vec<_>>(),
        "every factor, in order"
    );
    let names: Vec<String> = p.factors.iter().map(|f| f.kind.to_string()).collect();
    assert_eq!(
        names,
        [
            "cvss",
            "epss",
            "kev",
            "ransomware",
            "internet_facing",
            "unsupported",
            "consequence"
        ]
    );
    let sum: f64 = p.factors.iter().map(|f| f.contribution).sum();
    assert!((p.score - sum).abs() < 1e-9);
    assert!(
        (p.factors[0].value - 0.93).abs() < 1e-9,
        "v4 preferred: {:?}",
        p.factors[0]
    );
    assert!(p.factors[0].explanation.contains("v4"));
    assert!(p.factors[2].explanation.contains("2023-11-08") && p.factors[2].explanation.contains("passed"));
    assert!(
        p.factors[1].explanation.contains("percentile 100"),
        "{}",
        p.factors[1].explanation
    );
    assert!(p.factors[6].explanation.contains("Catastrophic"));
    let expected = 0.93 * 30.0 + 0.94 * 20.0 + 20.0 + 5.0 + 10.0 + 5.0 + 10.0;
    assert!((p.score - expected).abs() < 1e-9, "{} vs {expected}", p.score);
    assert!(graph.worst_consequence(asset(9)).is_none());
}

#[test]
fn missing_signals_lower_the_score_and_say_so() {
    let v3 = vec![severity(SeverityKind::CvssV3, V3, None)];
    let input = PriorityInput {
        severity: &v3,
        epss: None,
        kev: None,
        internet_facing: false,
        unsupported: None,
        impact: None,
        today: date(2024, 1, 1),
    };
    let p = prioritise(&input, &PriorityWeights::default());
    assert!(
        (p.score - 29.4).abs() < 1e-9,
        "CVSS 9.8 computed from the v3 vector: {}",
        p.score
    );
    assert!(p.factors.iter().skip(1).all(|f| f.contribution == 0.0));
    let (v, why) = cvss_value(&[severity(SeverityKind::Other("GHSA".into()), "MODERATE", None)]);
    assert!((v - 0.55).abs() < 1e-9 && why.contains("moderate"));
    let (v, why) = cvss_value(&[]);
    assert!((v - 0.5).abs() < 1e-9 && why.contains("assumed"));
}

#[test]
fn weights_have_documented_defaults_and_can_be_overridden() {
    let d = PriorityWeights::default();
    let total = d.cvss + d.epss + d.kev + d.ransomware + d.internet_facing + d.unsupported + d.consequence;
    assert!((total - 100.0).abs() < 1e-9);
    let custom: PriorityWeights = serde_json::from_str(r#"{"kev": 40, "consequence": 25}"#).unwrap();
    assert_eq!(custom.kev, 40.0);
    assert_eq!(custom.cvss, d.cvss);
    assert!(
        serde_json::from_str::<PriorityWeights>(r#"{"kevv": 1}"#).is_err(),
        "typos are rejected"
    );
}

#[test]
fn a_factor_is_named_as_its_weight_and_serialises_under_that_name() {
    ward_core::text::check_serde_agrees::<FactorKind>().unwrap();
    let weights = PriorityWeights {
        cvss: 1.0,
        epss: 2.0,
        kev: 3.0,
        ransomware: 4.0,
        internet_facing: 5.0,
        unsupported: 6.0,
        consequence: 7.0,
    };
    let fields = serde_json::to_value(weights).unwrap();
    for k in FactorKind::iter() {
        assert_eq!(fields[k.to_string()].as_f64(), Some(weights.of(k)), "{k}");
    }
    let p = prioritise(
        &PriorityInput {
            severity: &[],
            epss: None,
            kev: None,
            internet_facing: true,
            unsupported: None,
            impact: None,
            today: date(2024, 1, 1),
        },
        &weights,
    );
    let json = serde_json::to_value(&p.factors[4]).unwrap();
    assert_eq!(json["name"], "internet_facing");
    assert_eq!(json["weight"], 5.0);
}
