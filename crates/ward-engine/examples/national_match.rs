//! National-scale matching benchmark (an example, not a test: it prints numbers).
//!
//! Builds a synthetic national inventory: 1,000,000 assets in 30,000 organisations carrying
//! 10,000,000+ components drawn with a heavy-tailed (Zipf-like) popularity from about 250,000
//! distinct packages in nine ecosystems, including every package named by the real OSV corpus in
//! `../shared/data/osv` (with versions taken from those advisories' own events). The advisory set is
//! that real corpus plus synthetic advisories up to 250,000 in total. It reports the index build time,
//! the full `match_all` wall time, peak memory (VmHWM), and the p50/p99 latency of one new advisory to
//! the sorted list of exposed organisations.
//!
//! Run: `CARGO_TARGET_DIR=$HOME/.cache/ward-target cargo run --release -p ward-engine --example national_match`
//! (optional arguments: assets, components per asset, advisories).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::vuln::{Advisory, AdvisorySource, Affected, Event, PackageRef, Range, RangeKind};
use ward_core::{AssetId, OrgId};
use ward_engine::{InventoryBuilder, exposed_orgs, match_advisory, match_all};

const ORGS: u32 = 30_000;
const SYNTHETIC_PACKAGES: usize = 250_000;

/// (purl type and namespace prefix, OSV ecosystem, name builder)
const ECOSYSTEMS: [(&str, &str); 9] = [
    ("npm", "npm"),
    ("maven", "Maven"),
    ("pypi", "PyPI"),
    ("golang", "Go"),
    ("nuget", "NuGet"),
    ("cargo", "crates.io"),
    ("deb/debian", "Debian"),
    ("gem", "RubyGems"),
    ("composer", "Packagist"),
];

struct Package {
    eco: usize,
    purl_name: String,
    osv_name: String,
    versions: Vec<String>,
}

fn vm_hwm_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn load_corpus(dir: &Path) -> Vec<Advisory> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let name = path.display().to_string();
            let parsed = match path.extension().and_then(|e| e.to_str()) {
                Some("json") => ward_feeds::parse_osv_json(&name, &text),
                Some("yaml" | "yml") => ward_feeds::parse_osv_yaml(&name, &text),
                _ => continue,
            };
            if let Ok(p) = parsed {
                out.extend(p.items);
            }
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn semver(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}.{}.{}",
        rng.random_range(0..12),
        rng.random_range(0..30),
        rng.random_range(0..20)
    )
}

fn version_for(eco: usize, base: &str) -> String {
    match ECOSYSTEMS[eco].1 {
        "Go" => format!("v{base}"),
        "Debian" => format!("{base}-1"),
        _ => base.to_owned(),
    }
}

/// Index in `0..n`, heavy-tailed: P(i) roughly proportional to 1/(i+1).
fn zipf(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let u: f64 = rng.random();
    let i = (n as f64).powf(u) as usize;
    i.saturating_sub(1).min(n - 1)
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let assets = args.first().copied().unwrap_or(1_000_000);
    let per_asset = args.get(1).copied().unwrap_or(10);
    let advisory_target = args.get(2).copied().unwrap_or(250_000);
    let mut rng = ChaCha8Rng::seed_from_u64(2026);

    let osv_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osv");
    let t = Instant::now();
    let real = load_corpus(&osv_dir);
    if real.is_empty() {
        println!(
            "note: no real OSV corpus at {} (synthetic advisories only)",
            osv_dir.display()
        );
    }
    println!(
        "real OSV advisories: {} (read in {:.2?})",
        real.len(),
        t.elapsed()
    );

    // Packages: every package the real corpus names (versions from its events), then synthetic ones.
    let mut packages: Vec<Package> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for a in &real {
        for entry in &a.affected {
            let Some(p) = &entry.package else { continue };
            let eco = match p.ecosystem.as_str() {
                "crates.io" => 5,
                "PyPI" => 2,
                _ => continue,
            };
            if !seen.insert((eco, p.name.clone())) {
                continue;
            }
            let mut versions: Vec<String> = entry
                .ranges
                .iter()
                .flat_map(|r| r.events.iter())
                .filter(|e| e.version() != "0")
                .map(|e| e.version().to_owned())
                .chain(entry.versions.iter().take(3).cloned())
                .collect();
            versions.sort();
            versions.dedup();
            versions.truncate(6);
            if versions.is_empty() {
                versions.push("1.0.0".to_owned());
            }
            packages.push(Package {
                eco,
                purl_name: p.name.clone(),
                osv_name: p.name.clone(),
                versions,
            });
        }
    }
    let real_packages = packages.len();
    for i in 0..SYNTHETIC_PACKAGES {
        let eco = i % ECOSYSTEMS.len();
        let (purl_name, osv_name) = match ECOSYSTEMS[eco].1 {
            "Maven" => (
                format!("org.example{}/lib-{i}", i % 997),
                format!("org.example{}:lib-{i}", i % 997),
            ),
            "Go" => (
                format!("github.com/org{}/mod{i}", i % 991),
                format!("github.com/org{}/mod{i}", i % 991),
            ),
            "Packagist" => (
                format!("vendor{}/pkg{i}", i % 983),
                format!("vendor{}/pkg{i}", i % 983),
            ),
            _ => (format!("pkg-{i}"), format!("pkg-{i}")),
        };
        // Popular packages (low ranks) have more versions in use.
        let count = if i < 2_000 {
            rng.random_range(4..16)
        } else {
            rng.random_range(1..3)
        };
        let mut versions: Vec<String> = (0..count).map(|_| version_for(eco, &semver(&mut rng))).collect();
        versions.sort();
        versions.dedup();
        packages.push(Package {
            eco,
            purl_name,
            osv_name,
            versions,
        });
    }
    // Interleave the real packages into the popular head so real advisories hit assets.
    let n = packages.len();
    for (k, i) in (0..real_packages).enumerate() {
        let target = real_packages + (k * 37) % 20_000;
        packages.swap(i, target.min(n - 1));
    }
    let software: Vec<Vec<InstalledSoftware>> = packages
        .iter()
        .map(|p| {
            p.versions
                .iter()
                .map(|v| InstalledSoftware {
                    name: p.osv_name.clone(),
                    vendor: None,
                    version: v.clone(),
                    purl: Some(format!("pkg:{}/{}@{v}", ECOSYSTEMS[p.eco].0, p.purl_name)),
                    cpe: None,
                    source: SoftwareSource::Import,
                })
                .collect()
        })
        .collect();
    println!(
        "packages: {} ({} from the real corpus); distinct package versions offered: {}",
        packages.len(),
        real_packages,
        software.iter().map(Vec::len).sum::<usize>()
    );

    // The inventory.
    let t = Instant::now();
    let mut builder = InventoryBuilder::default();
    let mut rows = 0usize;
    for a in 0..assets {
        let asset = AssetId::from_uuid(uuid::Uuid::from_u128(a as u128 + 1));
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(
            1 << 64 | u128::from(zipf(&mut rng, ORGS as usize) as u32),
        ));
        let count = per_asset + usize::from(rng.random_range(0..10) == 0) * 5;
        for _ in 0..count {
            let p = zipf(&mut rng, packages.len());
            let versions = &software[p];
            let v = rng.random_range(0..versions.len());
            builder.add(asset, org, &versions[v]);
            rows += 1;
        }
    }
    let inventory = builder.finish();
    let stats = inventory.stats();
    println!(
        "inventory: {} assets, {} orgs, {rows} component rows -> {} links, {} packages, {} package versions; built in {:.2?}; VmHWM {:.0} MiB",
        stats.assets,
        stats.orgs,
        stats.links,
        stats.packages,
        stats.package_versions,
        t.elapsed(),
        vm_hwm_mib()
    );

    // Advisories: the real corpus plus synthetic ones up to the target.
    let mut advisories = real.clone();
    let mut i = 0usize;
    while advisories.len() < advisory_target {
        // Most advisories name a package the sector runs (by popularity), some name others.
        let p = if rng.random_range(0..10) < 8 {
            &packages[zipf(&mut rng, packages.len())]
        } else {
            &packages[rng.random_range(0..packages.len())]
        };
        let intro = version_for(p.eco, &semver(&mut rng));
        let fix = version_for(p.eco, &semver(&mut rng));
        let (lo, hi) = if intro <= fix { (intro, fix) } else { (fix, intro) };
        let mut events = vec![
            Event::Introduced(if rng.random_range(0..3) == 0 {
                "0".to_owned()
            } else {
                lo
            }),
            Event::Fixed(hi),
        ];
        if rng.random_range(0..4) == 0 {
            events.push(Event::Introduced(version_for(p.eco, "12.0.0")));
        }
        let kind = if matches!(ECOSYSTEMS[p.eco].1, "npm" | "Go" | "crates.io") {
            RangeKind::Semver
        } else {
            RangeKind::Ecosystem
        };
        let ecosystem = match ECOSYSTEMS[p.eco].1 {
            "Debian" => "Debian:12".to_owned(),
            other => other.to_owned(),
        };
        advisories.push(Advisory {
            id: format!("SYN-{i:06}"),
            aliases: vec![format!("CVE-2099-{i:06}")],
            related: vec![],
            summary: None,
            details: None,
            published: None,
            modified: None,
            withdrawn: None,
            severity: vec![],
            affected: vec![Affected {
                package: Some(PackageRef {
                    ecosystem,
                    name: p.osv_name.clone(),
                    purl: None,
                }),
                ranges: vec![Range {
                    kind,
                    repo: None,
                    events,
                }],
                ..Affected::default()
            }],
            references: vec![],
            cwes: vec![],
            source: AdvisorySource::Osv,
        });
        i += 1;
    }
    println!(
        "advisories: {} ({} real, {} synthetic)",
        advisories.len(),
        real.len(),
        advisories.len() - real.len()
    );

    // Full recompute.
    let t = Instant::now();
    let matches = match_all(&inventory, &advisories);
    let full = t.elapsed();
    let cannot = matches
        .matches
        .iter()
        .filter(|m| m.verdict != ward_engine::Verdict::Affected)
        .count();
    let exposures: usize = matches.matches.iter().map(|m| m.assets(&inventory).len()).sum();
    println!(
        "full match: {:.2?} wall on {} threads; {} matches ({} cannot evaluate), {} asset exposures, {} notes; peak VmHWM {:.0} MiB",
        full,
        rayon::current_num_threads(),
        matches.matches.len(),
        cannot,
        exposures,
        matches.notes.len(),
        vm_hwm_mib()
    );

    // One new advisory -> exposed organisations.
    let sample: Vec<usize> = (0..5_000)
        .map(|_| rng.random_range(0..advisories.len()))
        .collect();
    let mut times = Vec::with_capacity(sample.len());
    let mut total_orgs = 0usize;
    let mut max_orgs = 0usize;
    for &k in &sample {
        let t = Instant::now();
        let found = match_advisory(&inventory, &advisories[k]);
        let orgs = exposed_orgs(&inventory, &found.matches);
        times.push(t.elapsed());
        total_orgs += orgs.len();
        max_orgs = max_orgs.max(orgs.len());
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
    println!(
        "one advisory -> exposed orgs ({} samples): p50 {:.3?}, p99 {:.3?}, max {:.3?}; mean {:.0} orgs, max {} orgs",
        times.len(),
        pct(0.50),
        pct(0.99),
        times[times.len() - 1],
        total_orgs as f64 / times.len() as f64,
        max_orgs
    );
    println!("final VmHWM {:.0} MiB", vm_hwm_mib());
}
