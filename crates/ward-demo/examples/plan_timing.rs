//! Quick timing of plan and inventory generation: `cargo run -p ward-demo --example plan_timing`.
//! Prints organisation and asset counts per scale and how long generation took (debug builds are
//! several times slower than release ones).

use std::time::Instant;
use strum::IntoEnumIterator;
use ward_demo::{DemoPlan, Scale};

fn main() {
    let today = jiff::civil::date(2025, 6, 1);
    let full_for = std::env::args().nth(1).unwrap_or_else(|| "small".to_owned());
    for scale in Scale::iter() {
        let started = Instant::now();
        let plan = DemoPlan::new(42, scale, today);
        let planned = started.elapsed();
        let (orgs, assets) = plan.expected_counts();
        println!("{scale}: {orgs} organisations, {assets} assets planned, plan built in {planned:?}");
        if scale.as_str() == full_for || full_for == "all" {
            let started = Instant::now();
            let (mut generated, mut software, mut deps) = (0usize, 0usize, 0usize);
            for i in 0..plan.orgs.len() {
                let inv = plan.inventory(i);
                generated += inv.assets.len();
                software += inv.assets.iter().map(|a| a.software.len()).sum::<usize>();
                deps += inv.dependencies.len();
            }
            println!(
                "  inventories: {generated} assets, {software} software items, {deps} dependencies in {:?}",
                started.elapsed()
            );
        }
    }
}
