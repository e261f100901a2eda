use crate::support::*;
use ward_core::asset::AssetKind;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::risk::Consequence;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::supplier::{Product, ProductCategory};
use ward_core::{DependencyId, ProductId, ServiceId};
use ward_store::{
    AssetFilter, AuditStore, InventoryStore, OrgStore, PageRequest, ProductFilter, Scope, StoreError,
};

fn service(n: u128, org: u128, crit: u8) -> Service {
    Service {
        id: ServiceId::from_uuid(id(n)),
        org: oid(org),
        name: format!("Service {n}"),
        kind: if crit >= 4 {
            ServiceKind::Clinical
        } else {
            ServiceKind::Business
        },
        criticality: Consequence::new(crit).unwrap(),
        daily_throughput: 120,
        throughput_unit: ThroughputUnit::Patients,
    }
}

async fn seeded() -> Option<PgDatabase> {
    let db = PgDatabase::create().await?;
    db.store
        .upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    Some(db)
}

#[tokio::test]
async fn assets_round_trip_with_ordered_links_and_distinct_nulls() {
    let Some(db) = seeded().await else { return };
    let s = &db.store;
    s.insert_services(&Scope::All, &[service(500, 4, 5), service(501, 4, 2)], &meta())
        .await
        .unwrap();
    let mut a = asset(
        1,
        oid(4),
        vec![software("zlib", "1.3"), software("openssl", "3.0.1")],
    );
    let mut blank_vendor = software("openssl", "3.0.1");
    blank_vendor.vendor = Some(String::new());
    a.software.push(blank_vendor);
    a.services = vec![ServiceId::from_uuid(id(501)), ServiceId::from_uuid(id(500))];
    s.insert_assets(&Scope::subtree(oid(3)), &[a.clone()], &meta())
        .await
        .unwrap();
    assert_eq!(s.get_asset(&Scope::All, a.id).await.unwrap(), a);

    a.software.reverse();
    a.name = "renamed".into();
    a.kind = AssetKind::MedicalDevice;
    s.update_asset(&Scope::subtree(oid(4)), &a, &meta())
        .await
        .unwrap();
    assert_eq!(s.get_asset(&Scope::All, a.id).await.unwrap(), a);
    let mut moved = a.clone();
    moved.org = oid(5);
    assert_eq!(
        s.update_asset(&Scope::All, &moved, &meta())
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ward_store::StoreErrorKind::Invalid)
    );
    assert!(matches!(
        s.update_asset(&Scope::subtree(oid(5)), &a, &meta()).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.delete_asset(&Scope::subtree(oid(7)), a.id, &meta()).await,
        Err(StoreError::NotFound { .. })
    ));
    s.delete_asset(&Scope::subtree(oid(4)), a.id, &meta())
        .await
        .unwrap();
    assert!(matches!(
        s.get_asset(&Scope::All, a.id).await,
        Err(StoreError::NotFound { .. })
    ));
    // Link rows have no cascading foreign key: deleting the asset removes them itself.
    let links: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM asset_software WHERE asset_id = $1)
              + (SELECT count(*) FROM asset_services WHERE asset_id = $1)",
    )
    .bind(a.id.as_uuid())
    .fetch_one(s.pool())
    .await
    .unwrap();
    assert_eq!(links, 0, "the deleted asset's links are gone");
    let actions: Vec<String> = s
        .audit_page(1, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    assert_eq!(
        &actions[actions.len() - 3..],
        ["asset.create", "asset.update", "asset.delete"]
    );
}

#[tokio::test]
async fn out_of_scope_writes_are_forbidden_and_store_nothing() {
    let Some(db) = seeded().await else { return };
    let s = &db.store;
    let trust_a = Scope::subtree(oid(4));
    let before = s.audit_page(1, 1000).await.unwrap().len();
    let err = s
        .insert_services(&trust_a, &[service(600, 4, 3), service(601, 8, 3)], &meta())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err}");
    let assets = vec![
        asset(1, oid(4), vec![software("a", "1")]),
        asset(2, oid(5), vec![software("b", "1")]),
    ];
    assert!(matches!(
        s.insert_assets(&trust_a, &assets, &meta()).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(matches!(
        s.get_asset(&Scope::All, assets[0].id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.get_service(&Scope::All, ServiceId::from_uuid(id(600))).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.audit_page(1, 1000).await.unwrap().len(), before);

    // A service outside the scope may not be linked either.
    s.insert_services(&Scope::All, &[service(602, 8, 3)], &meta())
        .await
        .unwrap();
    let mut linked = asset(3, oid(4), vec![]);
    linked.services = vec![ServiceId::from_uuid(id(602))];
    assert!(matches!(
        s.insert_assets(&trust_a, &[linked.clone()], &meta()).await,
        Err(StoreError::Forbidden { .. })
    ));
    linked.services = vec![ServiceId::from_uuid(id(999))];
    assert_eq!(
        s.insert_assets(&Scope::All, &[linked], &meta())
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ward_store::StoreErrorKind::Invalid)
    );
    // Same id twice is a conflict.
    s.insert_assets(&Scope::All, &[asset(4, oid(4), vec![])], &meta())
        .await
        .unwrap();
    assert_eq!(
        s.insert_assets(&Scope::All, &[asset(4, oid(4), vec![])], &meta())
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ward_store::StoreErrorKind::Conflict)
    );
}

#[tokio::test]
async fn bulk_import_deduplicates_software_and_lists_by_scope() {
    let Some(db) = seeded().await else { return };
    let s = &db.store;
    let assets: Vec<_> = (0..3_000u128)
        .map(|n| {
            let org = if n % 2 == 0 { oid(4) } else { oid(8) };
            let sw = (0..6)
                .map(|k| software(&format!("pkg{}", (n + k) % 40), "1.0"))
                .collect();
            asset(n + 1, org, sw)
        })
        .collect();
    assert_eq!(
        s.insert_assets(&Scope::All, &assets, &meta()).await.unwrap(),
        3_000
    );
    let distinct: i64 = sqlx::query_scalar("SELECT count(*) FROM software")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(distinct, 40);
    // A second import reuses the software rows.
    let more: Vec<_> = (5_000..5_010u128)
        .map(|n| asset(n, oid(5), vec![software("pkg3", "1.0")]))
        .collect();
    s.insert_assets(&Scope::subtree(oid(3)), &more, &meta())
        .await
        .unwrap();
    let distinct: i64 = sqlx::query_scalar("SELECT count(*) FROM software")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(distinct, 40);

    let page = s
        .list_assets(
            &Scope::subtree(oid(3)),
            &AssetFilter::default(),
            PageRequest { offset: 0, limit: 5 },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1_510);
    assert!(page.items.iter().all(|a| a.org == oid(4) || a.org == oid(5)));
    assert_eq!(page.items[0].software_count, 6);
    let by_pkg = AssetFilter {
        text: Some("PKG3".into()),
        ..Default::default()
    };
    let hits = s
        .list_assets(&Scope::All, &by_pkg, PageRequest::default())
        .await
        .unwrap();
    let expected = assets
        .iter()
        .filter(|a| a.software.iter().any(|x| x.name.contains("pkg3")))
        .count()
        + 10;
    assert_eq!(hits.total, expected as u64);
    let facing = AssetFilter {
        internet_facing: Some(true),
        org: Some(oid(8)),
        ..Default::default()
    };
    let hits = s
        .list_assets(&Scope::All, &facing, PageRequest::default())
        .await
        .unwrap();
    assert!(hits.items.iter().all(|a| a.internet_facing && a.org == oid(8)));
    assert_eq!(
        hits.total,
        assets
            .iter()
            .filter(|a| a.internet_facing && a.org == oid(8))
            .count() as u64
    );

    let last = s.audit_page(1, 1000).await.unwrap().pop().unwrap();
    assert_eq!(last.event.action, "assets.import");
    assert_eq!(last.event.org, Some(oid(5)));
    assert_eq!(last.event.after, Some(ward_core::audit::digest_json(&more)));

    let overview = s.org_overview(&Scope::All, oid(3)).await.unwrap();
    assert_eq!(overview.assets, 1_510);
    assert_eq!(
        overview
            .orgs_by_kind
            .get(&ward_core::text::ByText(ward_core::org::OrgKind::NhsTrust)),
        Some(&2)
    );
    assert_eq!(overview.software_installs, 1_500 * 6 + 10);
    let narrowed = s
        .org_overview(&Scope::Orgs(vec![oid(3), oid(5)]), oid(3))
        .await
        .unwrap();
    assert_eq!(narrowed.assets, 10);
}

#[tokio::test]
async fn products_and_dependencies_respect_scope() {
    let Some(db) = seeded().await else { return };
    let s = &db.store;
    let supplier = org("S0001", 50, ward_core::org::OrgKind::Supplier, None);
    s.upsert_orgs(&[supplier], jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let lims = Product {
        id: ProductId::from_uuid(id(70)),
        supplier: oid(50),
        name: "Lab LIMS".into(),
        category: ProductCategory::Pathology,
        cpe: None,
        status: ward_core::supplier::ProductStatus::Unconfirmed,
    };
    assert!(matches!(
        s.upsert_products(&Scope::subtree(oid(4)), std::slice::from_ref(&lims), &meta())
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    assert_eq!(
        s.upsert_products(&Scope::subtree(oid(50)), std::slice::from_ref(&lims), &meta())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.upsert_products(&Scope::subtree(oid(50)), std::slice::from_ref(&lims), &meta())
            .await
            .unwrap(),
        0,
        "unchanged"
    );
    let found = s
        .list_products(
            &ProductFilter {
                text: Some("lims".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(found.items, vec![lims.clone()]);

    s.insert_services(&Scope::All, &[service(500, 4, 5), service(501, 8, 4)], &meta())
        .await
        .unwrap();
    let dep = |n: u128, org: u128, svc: u128, target| Dependency {
        id: DependencyId::from_uuid(id(n)),
        org: oid(org),
        service: ServiceId::from_uuid(id(svc)),
        target,
        note: Some("paper requests, 4 hours".into()),
    };
    let on_lims = dep(80, 4, 500, DependencyTarget::Product(lims.id));
    let on_other = dep(
        81,
        4,
        500,
        DependencyTarget::Service(ServiceId::from_uuid(id(501))),
    );
    s.insert_dependencies(
        &Scope::subtree(oid(4)),
        &[on_lims.clone(), on_other.clone()],
        &meta(),
    )
    .await
    .unwrap();
    let wrong_owner = dep(82, 4, 501, DependencyTarget::Product(lims.id));
    assert!(
        s.insert_dependencies(&Scope::All, &[wrong_owner], &meta())
            .await
            .is_err()
    );
    let foreign = dep(83, 8, 501, DependencyTarget::Product(lims.id));
    assert!(matches!(
        s.insert_dependencies(&Scope::subtree(oid(4)), &[foreign], &meta())
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    assert_eq!(
        s.list_dependencies(&Scope::subtree(oid(4)), None).await.unwrap(),
        vec![on_lims, on_other]
    );
    assert!(
        s.list_dependencies(&Scope::subtree(oid(8)), None)
            .await
            .unwrap()
            .is_empty()
    );
}
