//! Version ordering throughput per ecosystem.
//!
//! ```text
//! cargo run --release -p ward-versions --example sort_bench -- [COUNT] [OUTPUT_DIR]
//! python3 crates/ward-versions/bench/reference_sort.py [OUTPUT_DIR]
//! ```
//!
//! For each ecosystem, generates COUNT (default 200000) realistic version strings with a fixed seed,
//! then measures parsing and sorting separately and together, in versions per second. The PyPI list
//! (input order, our sorted order, and our throughput) is written to OUTPUT_DIR (default: the system
//! temporary folder, `ward-versions-bench/`) so that `bench/reference_sort.py` can sort the same list
//! with the `packaging` library and compare orders and speed. Nothing generated is kept in the
//! repository.

use std::path::PathBuf;
use std::time::Instant;

use ward_versions::{Ecosystem, Version, parse};

/// A small deterministic generator (xorshift64*), so runs are comparable without extra crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n`, skewed towards small values like real version parts.
    fn small(&mut self, n: u64) -> u64 {
        let a = self.next() % n.max(1);
        let b = self.next() % n.max(1);
        a.min(b)
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        let len = options.len() as u64;
        options[(self.next() % len.max(1)) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn release(rng: &mut Rng, parts: usize) -> String {
    (0..parts)
        .map(|_| rng.small(30).to_string())
        .collect::<Vec<_>>()
        .join(".")
}

fn generate(eco: Ecosystem, rng: &mut Rng) -> String {
    match eco {
        Ecosystem::CratesIo | Ecosystem::Npm => {
            let mut v = release(rng, 3);
            if rng.chance(15) {
                v = format!("{v}-{}.{}", rng.pick(&["alpha", "beta", "rc"]), rng.small(12));
            }
            v
        }
        Ecosystem::Go => match rng.next() % 10 {
            0 => format!(
                "v0.0.0-2023{:02}{:02}120000-abcdef{:06x}",
                rng.small(12) + 1,
                rng.small(28) + 1,
                rng.small(1 << 20)
            ),
            1 => format!("v{}.0.0+incompatible", rng.small(5) + 2),
            _ => format!("v{}", release(rng, 3)),
        },
        Ecosystem::PyPI => {
            let mut v = {
                let parts = 2 + rng.small(3) as usize;
                release(rng, parts)
            };
            match rng.next() % 12 {
                0 => v.push_str(&format!("a{}", rng.small(5))),
                1 => v.push_str(&format!("b{}", rng.small(5))),
                2 => v.push_str(&format!("rc{}", rng.small(5))),
                3 => v.push_str(&format!(".post{}", rng.small(5))),
                4 => v.push_str(&format!(".dev{}", rng.small(5))),
                5 => v.push_str(&format!("+local.{}", rng.small(5))),
                6 => v = format!("1!{v}"),
                _ => {}
            }
            v
        }
        Ecosystem::Maven => {
            let mut v = {
                let parts = 2 + rng.small(3) as usize;
                release(rng, parts)
            };
            if rng.chance(25) {
                let q = rng.pick(&[
                    "-alpha",
                    "-beta",
                    "-M",
                    "-RC",
                    "-SNAPSHOT",
                    ".Final",
                    "-sp",
                    ".RELEASE",
                    "-jre",
                ]);
                v.push_str(q);
                if rng.chance(60) {
                    v.push_str(&rng.small(5).to_string());
                }
            }
            v
        }
        Ecosystem::NuGet => {
            let mut v = {
                let parts = 3 + rng.small(2) as usize;
                release(rng, parts)
            };
            if rng.chance(15) {
                v = format!(
                    "{v}-{}.{}",
                    rng.pick(&["preview", "Preview", "rc", "beta"]),
                    rng.small(9)
                );
            }
            v
        }
        Ecosystem::RubyGems => {
            let mut v = release(rng, 3);
            if rng.chance(15) {
                v = format!("{v}.{}{}", rng.pick(&["beta", "rc", "pre"]), rng.small(5));
            }
            v
        }
        Ecosystem::Debian => {
            let epoch = if rng.chance(10) {
                format!("{}:", rng.small(3) + 1)
            } else {
                String::new()
            };
            let tilde = if rng.chance(10) {
                format!("~rc{}", rng.small(4))
            } else {
                String::new()
            };
            format!(
                "{epoch}{}{tilde}-{}+deb{}u{}",
                release(rng, 3),
                rng.small(5) + 1,
                rng.small(13),
                rng.small(4)
            )
        }
        Ecosystem::RedHat => {
            let epoch = if rng.chance(10) {
                format!("{}:", rng.small(3) + 1)
            } else {
                String::new()
            };
            format!(
                "{epoch}{}-{}.el{}_{}",
                release(rng, 3),
                rng.small(50),
                rng.small(10),
                rng.small(10)
            )
        }
        Ecosystem::Alpine => {
            let suffix = if rng.chance(10) {
                format!("_{}{}", rng.pick(&["rc", "p", "git"]), rng.small(5))
            } else {
                String::new()
            };
            format!("{}{suffix}-r{}", release(rng, 3), rng.small(10))
        }
        Ecosystem::Packagist => {
            let suffix = if rng.chance(15) {
                format!("-{}{}", rng.pick(&["beta", "RC", "alpha"]), rng.small(5))
            } else {
                String::new()
            };
            format!("v{}{suffix}", release(rng, 3))
        }
        _ => format!(
            "{}.{}-{}.{}",
            rng.small(25),
            rng.small(3),
            rng.small(60),
            rng.small(40)
        ),
    }
}

const ECOSYSTEMS: [Ecosystem; 12] = [
    Ecosystem::CratesIo,
    Ecosystem::Go,
    Ecosystem::Npm,
    Ecosystem::PyPI,
    Ecosystem::Maven,
    Ecosystem::NuGet,
    Ecosystem::RubyGems,
    Ecosystem::Debian,
    Ecosystem::RedHat,
    Ecosystem::Alpine,
    Ecosystem::Packagist,
    Ecosystem::Generic,
];

/// The file-name stem of an ecosystem's lists: its name, lower case, letters and digits only
/// (`crates.io` -> `cratesio`, `Red Hat` -> `redhat`).
fn slug(eco: Ecosystem) -> String {
    eco.name()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn per_second(count: usize, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        f64::INFINITY
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(200_000);
    let out_dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ward-versions-bench"));
    std::fs::create_dir_all(&out_dir)?;
    if cfg!(debug_assertions) {
        println!("note: debug build; use --release for meaningful numbers");
    }
    println!("{count} versions per ecosystem");
    println!(
        "{:<10} {:>16} {:>16} {:>16}",
        "ecosystem", "parse /s", "sort /s", "parse+sort /s"
    );
    for eco in ECOSYSTEMS {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ eco.name().len() as u64);
        let inputs: Vec<String> = (0..count).map(|_| generate(eco, &mut rng)).collect();
        let start = Instant::now();
        let mut versions: Vec<Version> = inputs.iter().map(|s| parse(eco, s)).collect::<Result<_, _>>()?;
        let parsed = start.elapsed().as_secs_f64();
        let start = Instant::now();
        versions.sort();
        let sorted = start.elapsed().as_secs_f64();
        println!(
            "{:<10} {:>16.0} {:>16.0} {:>16.0}",
            eco.name(),
            per_second(count, parsed),
            per_second(count, sorted),
            per_second(count, parsed + sorted)
        );
        // Every list is written for the reference implementations (bench/reference_*.py).
        let slug = slug(eco);
        std::fs::write(
            out_dir.join(format!("{slug}-input.txt")),
            inputs.join("\n") + "\n",
        )?;
        let ours: Vec<&str> = versions.iter().map(Version::as_str).collect();
        std::fs::write(out_dir.join(format!("{slug}-sorted.txt")), ours.join("\n") + "\n")?;
        std::fs::write(
            out_dir.join(format!("{slug}-summary.json")),
            format!(
                "{{\"count\": {count}, \"parse_sort_per_second\": {:.0}}}\n",
                per_second(count, parsed + sorted)
            ),
        )?;
    }
    println!("lists written to {}", out_dir.display());
    Ok(())
}
