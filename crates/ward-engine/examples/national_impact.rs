//! Blast radius on the national demo graph (an example, not a test: it prints numbers).
//!
//! Generates the national demo sector (`ward demo --scale national`: about 30,000 organisations),
//! builds the impact graph from its organisations, services, products and dependencies, finds the
//! most-used supplier (the one whose products the most dependencies point at), and times its blast
//! radius: the propagation and the sector-wide report (totals, organisations, services with their
//! causes, concentration by region), which is what `GET /api/v1/impact` computes after reading the
//! graph. Prints p50 and p99 over the rounds.
//!
//! Run: `cargo run --release -p ward-engine --example national_impact -- [rounds]` (default 50).

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;
use ward_engine::impact::{AssetRef, GraphInput, ImpactGraph, Loss, Visibility};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50)
        .max(1);
    let started = Instant::now();
    let today = jiff::civil::date(2026, 12, 1);
    let plan = ward_demo::DemoPlan::new(2017, ward_demo::Scale::National, today);
    let inventories: Vec<ward_demo::OrgInventory> = (0..plan.orgs.len())
        .into_par_iter()
        .map(|i| plan.inventory(i))
        .collect();
    let mut services = Vec::new();
    let mut dependencies = Vec::new();
    let mut assets = Vec::new();
    let mut asset_services = Vec::new();
    for inv in inventories {
        let wanted: std::collections::HashSet<ward_core::AssetId> = inv
            .dependencies
            .iter()
            .filter_map(|d| match d.target {
                ward_core::dependency::DependencyTarget::Asset(a) => Some(a),
                _ => None,
            })
            .collect();
        asset_services.extend(
            inv.assets
                .iter()
                .flat_map(|a| a.services.iter().map(move |s| (a.id, *s))),
        );
        assets.extend(
            inv.assets
                .into_iter()
                .filter(|a| wanted.contains(&a.id) || !a.services.is_empty())
                .map(|a| AssetRef {
                    id: a.id,
                    org: a.org,
                    name: a.name,
                }),
        );
        services.extend(inv.services);
        dependencies.extend(inv.dependencies);
    }
    let generated = started.elapsed();
    let t = Instant::now();
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
    let built = t.elapsed();
    let size = graph.size();
    // The most-used supplier: the most dependencies on its products.
    let supplier_of: HashMap<ward_core::ProductId, ward_core::OrgId> =
        plan.products.iter().map(|p| (p.id, p.supplier)).collect();
    let mut uses: HashMap<ward_core::OrgId, usize> = HashMap::new();
    for d in &dependencies {
        if let ward_core::dependency::DependencyTarget::Product(p) = d.target
            && let Some(s) = supplier_of.get(&p)
        {
            *uses.entry(*s).or_default() += 1;
        }
    }
    let Some((supplier, used)) = uses.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))) else {
        eprintln!("no supplier is used");
        std::process::exit(1);
    };
    let name = plan
        .orgs
        .iter()
        .find(|o| o.id == supplier)
        .map_or_else(String::new, |o| o.name.clone());
    let loss = [Loss::Org(supplier)];
    let mut times = Vec::with_capacity(rounds);
    let mut propagation = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds {
        let t = Instant::now();
        let Ok(radius) = graph.blast_radius(&loss) else {
            eprintln!("the supplier is not in the graph");
            std::process::exit(1);
        };
        propagation.push(t.elapsed().as_secs_f64() * 1000.0);
        let report = radius.report(&Visibility::All);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(report.totals);
    }
    times.sort_by(f64::total_cmp);
    propagation.sort_by(f64::total_cmp);
    let at = |v: &[f64], q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    let pick = |q: f64| at(&times, q);
    println!(
        "graph: {} organisations, {} services, {} products, {} assets, {} dependencies (generated in {:.1} s, built in {} ms)",
        size.organisations,
        size.services,
        size.products,
        size.assets,
        size.dependencies,
        generated.as_secs_f64(),
        built.as_millis()
    );
    println!("most-used supplier: {name} ({used} dependencies on its products)");
    if let Some(t) = last {
        println!(
            "affected: {} organisations, {} services ({} stopped, {} degraded), {} patients and {} appointments a day, worst consequence {:?}",
            t.organisations,
            t.services,
            t.stopped,
            t.degraded,
            t.patients_per_day,
            t.appointments_per_day,
            t.worst_consequence
        );
    }
    println!(
        "propagation alone: p50 {:.1} ms, p99 {:.1} ms",
        at(&propagation, 0.5),
        at(&propagation, 0.99)
    );
    println!(
        "blast radius + report over {rounds} rounds: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pick(0.5),
        pick(0.99),
        times[times.len() - 1]
    );
}
