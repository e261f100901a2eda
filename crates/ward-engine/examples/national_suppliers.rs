//! The critical supplier register on the national demo sector (an example, not a test: it prints
//! numbers).
//!
//! Generates the national demo sector in memory, builds the inventory index (as the exposure index
//! does) and from it each product's use by CPE, then times `SupplierRegister::build` (what the app
//! does once per exposure index) and the per-request work: the national view, a region's view and
//! one supplier's figures by area. Prints p50 and p99 over the rounds.
//!
//! Run: `cargo run --release -p ward-engine --example national_suppliers -- [rounds]` (default 50).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use rayon::prelude::*;
use ward_core::org::OrgKind;
use ward_engine::impact::Visibility;
use ward_engine::supplier_register::{ProductUse, RegisterInput, SupplierRegister};
use ward_engine::{Cpe, InventoryBuilder};

fn quantiles(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    )
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50)
        .max(1);
    let started = Instant::now();
    let plan = ward_demo::DemoPlan::new(2017, ward_demo::Scale::National, jiff::civil::date(2026, 12, 1));
    let inventories: Vec<ward_demo::OrgInventory> = (0..plan.orgs.len())
        .into_par_iter()
        .map(|i| plan.inventory(i))
        .collect();
    let mut services = Vec::new();
    let mut dependencies = Vec::new();
    let mut builder = InventoryBuilder::default();
    let mut asset_services = std::collections::HashMap::new();
    let mut assets = 0usize;
    for inv in &inventories {
        for a in &inv.assets {
            builder.add_asset(a.id, a.org);
            asset_services.insert(a.id, a.services.clone());
            assets += 1;
        }
    }
    for inv in inventories {
        for a in &inv.assets {
            for s in &a.software {
                builder.add(a.id, a.org, s);
            }
        }
        services.extend(inv.services);
        dependencies.extend(inv.dependencies);
    }
    let inventory = builder.finish();
    println!(
        "sector: {} organisations, {} services, {} dependencies, {} assets (generated and indexed in {:.1} s)",
        plan.orgs.len(),
        services.len(),
        dependencies.len(),
        assets,
        started.elapsed().as_secs_f64()
    );

    // What the app reads from the exposure index's inventory: each product's use by CPE.
    let t = Instant::now();
    let mut uses = Vec::new();
    for p in &plan.products {
        let Some((vendor, name)) = p
            .cpe
            .as_deref()
            .and_then(|c| Cpe::parse(c).ok())
            .and_then(|c| c.vendor_product().map(|(v, n)| (v.to_owned(), n.to_owned())))
        else {
            continue;
        };
        let mut per_org: BTreeMap<ward_core::OrgId, (u32, BTreeSet<ward_core::ServiceId>)> = BTreeMap::new();
        for &cpe in inventory.cpes_for(&vendor, &name) {
            for &asset in inventory.assets_of_cpe(cpe) {
                let (Some(org), Some(id)) = (inventory.org_of(asset), inventory.asset_id(asset)) else {
                    continue;
                };
                let e = per_org.entry(org).or_default();
                e.0 += 1;
                if let Some(s) = asset_services.get(&id) {
                    e.1.extend(s.iter().copied());
                }
            }
        }
        uses.extend(per_org.into_iter().map(|(org, (n, s))| ProductUse {
            product: p.id,
            org,
            assets: n,
            services: s.into_iter().collect(),
        }));
    }
    let read = t.elapsed();
    let t = Instant::now();
    let register = SupplierRegister::build(RegisterInput {
        orgs: &plan.orgs,
        services: &services,
        products: &plan.products,
        dependencies: &dependencies,
        uses: &uses,
        releases: &[],
    });
    println!(
        "register: {} suppliers from {} (product, organisation) uses; uses read in {} ms, built in {} ms",
        register.len(),
        uses.len(),
        read.as_millis(),
        t.elapsed().as_millis()
    );

    let region = plan.orgs.iter().find(|o| o.kind == OrgKind::Region).map(|o| o.id);
    let national = register.view(&Visibility::All);
    let Some(top) = national.suppliers.first().map(|s| s.supplier) else {
        eprintln!("no supplier");
        std::process::exit(1);
    };
    for s in national.suppliers.iter().take(5) {
        println!(
            "  {:<36} {:<8} {:>6} organisations {:>7} services {:>6} patient-critical",
            s.name,
            s.criticality.label(),
            s.organisations,
            s.services,
            s.patient_critical_services
        );
    }
    let mut all = Vec::with_capacity(rounds);
    let mut regional = Vec::with_capacity(rounds);
    let mut one = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let v = register.view(&Visibility::All);
        all.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(v);
        if let Some(r) = region {
            let t = Instant::now();
            let v = register.view(&Visibility::Subtrees(vec![r]));
            regional.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(v);
        }
        let t = Instant::now();
        let f = register.figures(top, &Visibility::All);
        one.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(f);
    }
    println!("national view ({} rounds): {}", rounds, quantiles(all));
    if !regional.is_empty() {
        println!("one region's view: {}", quantiles(regional));
    }
    println!("the most critical supplier's figures by area: {}", quantiles(one));
}
