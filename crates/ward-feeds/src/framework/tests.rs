//! Framework files: the real ones in `../shared/data/frameworks` when present, and small broken
//! ones written here.

use super::*;
use crate::limits::Limits;

fn shared(name: &str) -> Option<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/frameworks")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some((format!("frameworks/{name}"), text)),
        Err(e) => {
            println!(
                "SKIPPED: {} not readable ({e}); the real framework files are not here",
                path.display()
            );
            None
        }
    }
}

fn parse(file: &str, text: &str) -> Result<Doc<Framework>, FeedError> {
    parse_framework(file, text, &Limits::default(), None)
}

#[test]
fn webcaf_4_0_reads_whole_with_its_anomalies_as_warnings() {
    let Some((file, text)) = shared("webcaf-caf-4.0.yaml") else {
        return;
    };
    let doc = parse(&file, &text).unwrap();
    let f = &doc.value;
    assert_eq!((f.id.as_str(), f.version.as_str()), ("ncsc-caf", "4.0"));
    assert_eq!(f.format, FrameworkFormat::Webcaf);
    assert_eq!(f.outcomes().count(), 41);
    assert_eq!(f.indicators().count(), 555);
    let ids: HashSet<&str> = f.indicators().map(|(_, i)| i.id.as_str()).collect();
    assert_eq!(ids.len(), 555, "every indicator has its own identifier");
    for id in [
        "B2.b.PA.3",
        "B2.b.PA.3#B2.b.8",
        "D2.b.A.5",
        "D2.b.A.5#D2.b.10",
        "B3.a.PA#B3.a.9",
    ] {
        assert!(ids.contains(id), "{id} missing");
    }
    let warnings: Vec<String> = doc
        .problems
        .iter()
        .map(|p| format!("{} {}", p.path, p.reason))
        .collect();
    assert_eq!(doc.flagged(), 4, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("local id A4.a.11 is used again")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("B3.a.9") && w.contains("no identifier")),
        "{warnings:#?}"
    );
    // Same file, same identifiers: stable across imports.
    assert_eq!(parse(&file, &text).unwrap().value, doc.value);
    // A4.a has no partially-achieved column in 4.0? It has; B2.b's partial column survives whole.
    let b2b = f.outcome("B2.b").unwrap();
    assert_eq!(
        b2b.indicators
            .iter()
            .filter(|i| i.level == Level::PartiallyAchieved)
            .count(),
        5
    );
    let a1a = f.outcome("A1.a").unwrap();
    assert!(
        !a1a.has(Level::PartiallyAchieved),
        "A1.a has an empty partial column"
    );
}

#[test]
fn webcaf_3_2_reads_clean_with_profiles() {
    let Some((file, text)) = shared("webcaf-caf-3.2.yaml") else {
        return;
    };
    let doc = parse(&file, &text).unwrap();
    assert!(doc.problems.is_empty(), "{:#?}", doc.problems);
    let f = &doc.value;
    assert_eq!(f.version, "3.2");
    assert_eq!(f.outcomes().count(), 39);
    assert_eq!(f.indicators().count(), 449);
    let a1a = f.outcome("A1.a").unwrap();
    assert_eq!(a1a.profiles.get("baseline"), Some(&Level::Achieved));
    assert_eq!(a1a.indicators[0].id, "A1.a.NA.1");
}

#[test]
fn ciso_assistant_libraries_read() {
    let Some((file, text)) = shared("ncsc-caf-4.0.yaml") else {
        return;
    };
    let doc = parse(&file, &text).unwrap();
    let f = &doc.value;
    assert_eq!((f.id.as_str(), f.version.as_str()), ("ciso-ncsc-caf", "4.0"));
    assert_eq!(f.outcomes().count(), 41);
    assert_eq!(f.indicators().count(), 225);
    assert!(f.indicators().all(|(_, i)| i.level == Level::Achieved));
    assert_eq!(f.outcome("A1.a").unwrap().indicators[0].id, "A1.a.1");

    let Some((file, text)) = shared("cyber_essentials.yaml") else {
        return;
    };
    let doc = parse(&file, &text).unwrap();
    let f = &doc.value;
    assert_eq!(f.version, "3.1");
    assert!(f.id.starts_with("ciso-cyber-essentials"), "{}", f.id);
    assert_eq!(f.indicators().count(), 100);
    assert!(doc.problems.is_empty(), "{:#?}", doc.problems);
}

const SMALL: &str = "objectives:
  A:
    code: A
    title: Managing risk
    principles:
      A1:
        code: A1
        title: Governance
        outcomes:
          A1.a:
            code: A1.a
            title: Board direction
            indicators:
              not-achieved:
                A1.a.1:
                  description: Nobody at board level talks about it.
                  ncsc-index: A1.a.NA.1
              achieved:
                A1.a.2:
                  description: The board owns it.
                  ncsc-index: A1.a.A.1
";

#[test]
fn a_small_file_reads_and_the_version_comes_from_the_name_or_the_caller() {
    let doc = parse("caf-9.1.yaml", SMALL).unwrap();
    assert_eq!(doc.value.version, "9.1");
    let doc = parse_framework("caf.yaml", SMALL, &Limits::default(), Some("2.0")).unwrap();
    assert_eq!(doc.value.version, "2.0");
    let err = parse("caf.yaml", SMALL).unwrap_err();
    assert!(err.to_string().contains("version"), "{err}");
}

#[test]
fn broken_structure_is_refused_with_every_path() {
    let broken = SMALL
        .replace(
            "          A1.a:\n            code: A1.a",
            "          A2.a:\n            code: A2.a",
        )
        .replace("              achieved:", "              nearly:")
        .replace(
            "description: Nobody at board level talks about it.",
            "ncsc-note: none",
        );
    let err = parse("caf-1.0.yaml", &broken).unwrap_err();
    let FeedError::Rejected { problems, .. } = &err else {
        panic!("{err}")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.contains(&"/objectives/A/principles/A1/outcomes/A2.a"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/objectives/A/principles/A1/outcomes/A2.a/indicators/nearly"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/objectives/A/principles/A1/outcomes/A2.a/indicators/not-achieved/A1.a.1"),
        "{paths:?}"
    );
    assert!(
        err.to_string().contains("does not belong to principle A1"),
        "{err}"
    );
}

#[test]
fn no_outcomes_and_not_a_framework_are_refused() {
    let err = parse("caf-1.0.yaml", "objectives: {}\n").unwrap_err();
    assert!(err.to_string().contains("no outcomes"), "{err}");
    let err = parse("caf-1.0.yaml", "- just\n- a list\n").unwrap_err();
    assert!(matches!(err, FeedError::Format { .. }), "{err}");
    let err = parse("caf-1.0.yaml", "objectives: [1, 2\n").unwrap_err();
    assert!(matches!(err, FeedError::Syntax { .. }), "{err}");
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    bomb.push_str("objectives: {}\n");
    let err = parse("bomb-1.0.yaml", &bomb).unwrap_err();
    assert!(matches!(err, FeedError::TooLarge { .. }), "{err}");
}

#[test]
fn identifiers_stay_distinct_however_often_they_repeat() {
    let mut text = String::from(
        "objectives:\n  A:\n    title: R\n    principles:\n      A1:\n        title: G\n        outcomes:\n          A1.a:\n            title: B\n            indicators:\n              achieved:\n",
    );
    // The same local id and index over and over (a YAML mapping with repeated keys), plus one
    // whose fallback name equals another's.
    for k in 0..5 {
        text.push_str(&format!("                A1.a.1:\n                  description: S{k}\n                  ncsc-index: A1.a.A.1\n"));
    }
    let doc = parse_framework("x-1.0.yaml", &text, &Limits::default(), None).unwrap();
    let ids: Vec<&str> = doc.value.indicators().map(|(_, i)| i.id.as_str()).collect();
    let distinct: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 5);
    assert_eq!(distinct.len(), 5, "{ids:?}");
    assert_eq!(ids[0], "A1.a.A.1");
    assert_eq!(ids[1], "A1.a.A.1#A1.a.1");
}
