//! Bulk asset import: correctness at a few thousand assets, and a throughput probe at scale.

use jiff::Timestamp;
use std::time::Instant;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::AuditActor;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::{AssetId, OrgId};
use ward_store::{AdminStore, AssetFilter, AuditMeta, InventoryStore, OrgStore, PageRequest, Scope};
use ward_store_sqlite::SqliteStore;

fn t0() -> Timestamp {
    Timestamp::from_second(1_750_000_000).unwrap()
}

fn meta() -> AuditMeta {
    AuditMeta {
        actor: AuditActor::system("bulk-test"),
        at: t0(),
        request_id: None,
    }
}

fn id_bytes(n: u64) -> [u8; 10] {
    let mut b = [0_u8; 10];
    b[2..].copy_from_slice(&n.to_be_bytes());
    b
}

/// `orgs` trusts under one region, saved.
async fn orgs(store: &SqliteStore, count: u64) -> Vec<OrgId> {
    let region = Organisation {
        id: OrgId::new_at(t0(), id_bytes(1)),
        code: OdsCode::parse("Y99").unwrap(),
        name: "Bulk region".into(),
        kind: OrgKind::Region,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    let mut all = vec![region.clone()];
    for i in 0..count {
        all.push(Organisation {
            id: OrgId::new_at(t0(), id_bytes(10 + i)),
            code: OdsCode::parse(&format!("B{i:05}")).unwrap(),
            name: format!("Bulk trust {i}"),
            kind: OrgKind::NhsTrust,
            parent: Some(region.id),
            ..region.clone()
        });
    }
    store
        .upsert_orgs(&all, jiff::civil::date(2025, 1, 1), &meta())
        .await
        .unwrap();
    all[1..].iter().map(|o| o.id).collect()
}

/// `count` assets spread over `orgs`, each carrying `per_asset` packages drawn from `distinct`.
fn assets(orgs: &[OrgId], first: u64, count: u64, per_asset: u64, distinct: u64) -> Vec<Asset> {
    (first..first + count)
        .map(|n| Asset {
            id: AssetId::new_at(t0(), id_bytes(1_000_000 + n)),
            org: orgs[usize::try_from(n).unwrap() % orgs.len()],
            name: format!("host-{n:07}"),
            kind: AssetKind::EndUserDevice,
            hostname: Some(format!("host-{n:07}.nhs.example")),
            internet_facing: n.is_multiple_of(50),
            services: vec![],
            software: (0..per_asset)
                .map(|k| {
                    // Package p comes in a few versions, like a real estate's mix of releases.
                    let p = (n * 7 + k * 13) % distinct;
                    let name = p / 4;
                    InstalledSoftware {
                        name: format!("pkg-{name}"),
                        vendor: name.is_multiple_of(3).then(|| "Vendor".to_owned()),
                        version: format!("1.{}.{}", p % 4, name % 10),
                        purl: Some(format!("pkg:generic/pkg-{name}@1.{}.{}", p % 4, name % 10)),
                        cpe: None,
                        source: SoftwareSource::Demo,
                    }
                })
                .collect(),
        })
        .collect()
}

#[tokio::test]
async fn thousands_of_assets_import_and_dedupe() {
    let store = SqliteStore::open("sqlite::memory:", &crate::test_key())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let orgs = orgs(&store, 20).await;
    let batch = assets(&orgs, 0, 3_000, 8, 400);
    let distinct: std::collections::HashSet<_> = batch
        .iter()
        .flat_map(|a| {
            a.software
                .iter()
                .map(|s| (s.name.clone(), s.vendor.clone(), s.version.clone()))
        })
        .collect();
    // Two calls: the second reuses software rows made by the first.
    store
        .insert_assets(&Scope::All, &batch[..1_000], &meta())
        .await
        .unwrap();
    store
        .insert_assets(&Scope::All, &batch[1_000..], &meta())
        .await
        .unwrap();

    let mut sink = Vec::new();
    let counts = store.backup(&mut sink).await.unwrap().tables;
    assert_eq!(counts["assets"], 3_000);
    assert_eq!(counts["asset_software"], 3_000 * 8);
    assert_eq!(
        counts["software"],
        distinct.len() as u64,
        "one software row per distinct package"
    );
    for a in [&batch[0], &batch[999], &batch[1_000], &batch[2_999]] {
        assert_eq!(store.get_asset(&Scope::All, a.id).await.unwrap(), *a);
    }
    let page = store
        .list_assets(
            &Scope::subtree(orgs[3]),
            &AssetFilter::default(),
            PageRequest {
                offset: 0,
                limit: 1000,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 150);
    assert!(
        page.items
            .iter()
            .all(|s| s.org == orgs[3] && s.software_count == 8)
    );
}

/// Throughput probe: 100,000 assets with ten packages each into a file database. Ignored by
/// default (it measures speed, which depends on the machine and the build profile); run with
/// `cargo test -p ward-store-sqlite --test it -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "throughput probe; run by hand"]
async fn hundred_thousand_assets_probe() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bulk.db").display());
    let store = SqliteStore::open(&url, &crate::test_key()).await.unwrap();
    store.migrate().await.unwrap();
    let orgs = orgs(&store, 500).await;
    let total: u64 = 100_000;
    let chunk: u64 = 10_000;
    let batches: Vec<Vec<Asset>> = (0..total)
        .step_by(usize::try_from(chunk).unwrap())
        .map(|first| assets(&orgs, first, chunk, 10, 20_000))
        .collect();
    let started = Instant::now();
    for batch in &batches {
        store.insert_assets(&Scope::All, batch, &meta()).await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{total} assets ({} links) in {secs:.1}s: {:.0} assets/min",
        total * 10,
        total as f64 / secs * 60.0
    );
}
