//! Dry-run trials per second on the default demo sector (an example, not a test: it prints
//! numbers). Builds the impact graph of `ward demo` (the small scale), runs each built-in
//! scenario for the given number of trials with a fixed seed, and prints the trials per second
//! and a digest of the output (so two builds can be checked to give the same figures).
//!
//! Run: `cargo run -p ward-engine --example simulate_rate -- [trials] [scale]` (default 2000
//! trials over the `small` demo; `region` builds the region-scale demo in memory first). Debug
//! builds are fine for comparing two versions on the same machine: compare the ratio.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use ward_engine::impact::simulate::{Scenario, SimulationParams};
use ward_engine::impact::{AssetRef, GraphInput, ImpactGraph};

fn main() {
    let trials: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000)
        .max(1);
    let scale = match std::env::args().nth(2).map(|a| a.parse::<ward_demo::Scale>()) {
        None => ward_demo::Scale::Small,
        Some(Ok(scale)) => scale,
        Some(Err(e)) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let today = jiff::civil::date(2026, 12, 1);
    let plan = ward_demo::DemoPlan::new(2017, scale, today);
    let (mut services, mut dependencies, mut assets, mut asset_services) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..plan.orgs.len() {
        let inv = plan.inventory(i);
        asset_services.extend(
            inv.assets
                .iter()
                .flat_map(|a| a.services.iter().map(move |s| (a.id, *s))),
        );
        assets.extend(inv.assets.into_iter().map(|a| AssetRef {
            id: a.id,
            org: a.org,
            name: a.name,
        }));
        services.extend(inv.services);
        dependencies.extend(inv.dependencies);
    }
    let graph = match ImpactGraph::build(GraphInput {
        orgs: &plan.orgs,
        services: &services,
        products: &plan.products,
        assets: &assets,
        dependencies: &dependencies,
        asset_services: &asset_services,
    }) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("the demo graph is inconsistent: {e}");
            std::process::exit(1);
        }
    };
    for scenario in [
        Scenario::Wannacry2017,
        Scenario::Advanced2022,
        Scenario::Synnovis2024,
    ] {
        let params = SimulationParams::builtin(scenario, trials, 2017, Vec::new());
        let t = Instant::now();
        let result = match graph.simulate(&params, trials) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let secs = t.elapsed().as_secs_f64();
        let json = serde_json::to_string(&result).unwrap_or_default();
        let mut h = DefaultHasher::new();
        json.hash(&mut h);
        println!(
            "{:<14} {trials} trials in {secs:.2} s: {:.0} trials/s; output digest {:016x}; top trusts outpatients {} electives {}, redirected {}",
            params.scenario.name,
            f64::from(trials) / secs,
            h.finish(),
            result
                .most_affected_trusts
                .outpatient_appointments_postponed
                .median,
            result.most_affected_trusts.elective_procedures_postponed.median,
            result.patients_redirected.median,
        );
    }
}
