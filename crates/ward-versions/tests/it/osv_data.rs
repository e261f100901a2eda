//! The real OSV advisories in `../shared/data/osv`: every version an advisory lists in `versions`
//! must lie inside its own `ECOSYSTEM`/`SEMVER` ranges, apart from the documented exceptions below;
//! every `SEMVER` event of the RustSec corpus must parse and evaluate.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use ward_versions::{Ecosystem, OsvAffected, OsvRange, RangeKind, osv_affects};

/// Listed versions that the advisory's own ranges exclude: (advisory, versions, why). These are
/// inconsistencies in the data, not in the ordering; each was checked by hand against the file.
const EXCEPTIONS: &[(&str, &[&str], &str)] = &[
    (
        "PYSEC-2023-61",
        &["3.2a1", "3.2b1", "3.2rc1", "4.2a1", "4.2b1", "4.2rc1"],
        "django: the range starts at introduced 3.2 / 4.2, but the list also names the pre-releases of \
         3.2 and 4.2, which PEP 440 orders before them",
    ),
    (
        "PYSEC-2023-177",
        &["23.9.0", "23.9.0.post1"],
        "gevent: the two ranges disagree: the ECOSYSTEM range says fixed in 23.9.0, while the versions \
         list (which appears to follow the GIT range) names 23.9.0 and 23.9.0.post1",
    ),
    (
        "PYSEC-2021-114",
        &["2.11.6"],
        "wagtail: one range holds overlapping intervals [0, 2.11.6) and [2.11, 2.11.7); the schema's \
         replay algorithm ends both at the first fixed (2.11.6), so 2.11.6 is outside",
    ),
];

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    affected: Vec<Affected>,
}

#[derive(Deserialize)]
struct Affected {
    package: Package,
    #[serde(default)]
    ranges: Vec<OsvRange>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

fn read(path: &Path) -> Result<Record, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml_ng::from_str(&text).map_err(|e| e.to_string())
    }
}

#[derive(Default, Debug)]
struct Counts {
    files: usize,
    entries: usize,
    listed_checked: usize,
    listed_inside: usize,
    ranges_evaluated: usize,
    git_only_entries: usize,
}

#[test]
fn listed_versions_fall_inside_their_own_ranges() {
    let Some(dir) = crate::skip::shared_data("osv") else {
        return;
    };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let mut counts = Counts::default();
    let mut unreadable = Vec::new();
    let mut outside = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        let record = match read(path) {
            Ok(record) => record,
            Err(err) => {
                unreadable.push(format!("{}: {err}", path.display()));
                continue;
            }
        };
        counts.files += 1;
        for affected in &record.affected {
            counts.entries += 1;
            let eco: Ecosystem = match affected.package.ecosystem.parse() {
                Ok(eco) => eco,
                Err(err) => {
                    errors.push(format!("{}: {err}", record.id));
                    continue;
                }
            };
            let ranges: Vec<OsvRange> = affected
                .ranges
                .iter()
                .filter(|r| r.kind != RangeKind::Git)
                .cloned()
                .collect();
            if ranges.is_empty() {
                counts.git_only_entries += 1;
                continue;
            }
            // Ranges only: the versions list is what is being checked against them.
            let only_ranges = OsvAffected {
                ranges,
                versions: Vec::new(),
            };
            // Every range must evaluate, even when nothing is listed (RustSec lists nothing).
            for event_version in only_ranges
                .ranges
                .iter()
                .flat_map(|r| r.events.iter().map(|e| e.version()))
            {
                counts.ranges_evaluated += 1;
                if let Err(err) = osv_affects(eco, &only_ranges, event_version) {
                    errors.push(format!("{} {}: {err}", record.id, affected.package.name));
                }
            }
            for version in &affected.versions {
                counts.listed_checked += 1;
                match osv_affects(eco, &only_ranges, version) {
                    Ok(true) => counts.listed_inside += 1,
                    Ok(false) => {
                        outside.push((record.id.clone(), affected.package.name.clone(), version.clone()))
                    }
                    Err(err) => errors.push(format!("{} {}: {err}", record.id, affected.package.name)),
                }
            }
        }
    }
    println!("OSV corpus: {counts:?}");
    println!("listed versions outside their own ranges: {}", outside.len());
    let mut unexplained = Vec::new();
    for (id, package, version) in &outside {
        match EXCEPTIONS
            .iter()
            .find(|(eid, ev, _)| eid == id && ev.contains(&version.as_str()))
        {
            Some((_, _, why)) => println!("  documented exception {id} {package} {version}: {why}"),
            None => unexplained.push(format!("{id} {package} {version}")),
        }
    }
    for (id, versions, _) in EXCEPTIONS {
        for version in *versions {
            if !outside.iter().any(|(oid, _, ov)| oid == id && ov == version) {
                println!("  stale exception (no longer seen): {id} {version}");
            }
        }
    }
    assert!(unreadable.is_empty(), "unreadable advisories: {unreadable:#?}");
    assert!(errors.is_empty(), "evaluation errors: {errors:#?}");
    assert!(
        unexplained.is_empty(),
        "listed versions outside their ranges: {unexplained:#?}"
    );
    assert!(
        EXCEPTIONS.len() <= 5,
        "more than a handful of advisories with exceptions"
    );
    assert!(
        counts.files > 0 && counts.listed_checked > 0,
        "the corpus was not read: {counts:?}"
    );
}
