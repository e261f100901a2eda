use crate::support::*;
use ward_core::org::OrgKind;
use ward_store::{AuditStore, OrgFilter, OrgStore, PageRequest, Scope, StoreError};

#[tokio::test]
async fn upsert_counts_and_keeps_ids_by_code() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let day = jiff::civil::date(2024, 4, 1);
    let c = s.upsert_orgs(&hierarchy(), day, &meta()).await.unwrap();
    assert_eq!((c.inserted, c.updated, c.unchanged), (8, 0, 0));
    let c = s.upsert_orgs(&hierarchy(), day, &meta()).await.unwrap();
    assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 8));

    // A re-import with fresh ids keeps the stored ids, also for parents named by the fresh id.
    let mut again = hierarchy();
    for (i, o) in again.iter_mut().enumerate() {
        o.id = oid(100 + i as u128);
        o.parent = o.parent.map(|p| oid(100 + p.as_uuid().as_u128() - 1));
    }
    again[4].name = "Renamed trust".into();
    let c = s.upsert_orgs(&again, day, &meta()).await.unwrap();
    assert_eq!((c.inserted, c.updated, c.unchanged), (0, 1, 7));
    let got = s.get_org(&Scope::All, oid(5)).await.unwrap();
    assert_eq!(got.name, "Renamed trust");
    assert_eq!(got.parent, Some(oid(3)));
    assert_eq!(s.get_org_by_code(&Scope::All, &got.code).await.unwrap(), got);
    // 8 creates + 1 update audited.
    assert_eq!(s.audit_page(1, 100).await.unwrap().len(), 9);
}

#[tokio::test]
async fn reparenting_records_dated_links_and_rejects_bad_parents() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let mut moved = s.get_org(&Scope::All, oid(4)).await.unwrap();
    moved.parent = Some(oid(7));
    s.upsert_orgs(&[moved.clone()], jiff::civil::date(2025, 1, 1), &meta())
        .await
        .unwrap();
    let links = s.org_links(&Scope::All, oid(4)).await.unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        (links[0].parent, links[0].valid_to),
        (oid(3), Some(jiff::civil::date(2025, 1, 1)))
    );
    assert_eq!((links[1].parent, links[1].valid_to), (oid(7), None));
    assert_eq!(
        s.org_ancestors(oid(4)).await.unwrap(),
        vec![oid(7), oid(6), oid(1)]
    );

    // Unknown parent, self parent and a cycle are refused and change nothing.
    let mut bad = moved.clone();
    bad.parent = Some(oid(999));
    assert_eq!(
        s.upsert_orgs(&[bad], jiff::civil::date(2025, 2, 1), &meta())
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ward_store::StoreErrorKind::Invalid)
    );
    let mut region = s.get_org(&Scope::All, oid(6)).await.unwrap();
    region.parent = Some(oid(4));
    let err = s
        .upsert_orgs(&[region], jiff::civil::date(2025, 2, 1), &meta())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ward_store::StoreErrorKind::Invalid, "{err}");
    assert_eq!(s.get_org(&Scope::All, oid(6)).await.unwrap().parent, Some(oid(1)));
    assert!(matches!(
        s.org_ancestors(oid(12345)).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn scopes_hide_other_subtrees() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let icb = Scope::subtree(oid(3));
    let page = s
        .list_orgs(&icb, &OrgFilter::default(), PageRequest::default())
        .await
        .unwrap();
    let mut ids: Vec<_> = page.items.iter().map(|o| o.id).collect();
    ids.sort();
    assert_eq!(ids, vec![oid(3), oid(4), oid(5)]);
    assert_eq!(page.total, 3);
    assert!(matches!(
        s.get_org(&icb, oid(8)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.get_org(&icb, oid(2)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(s.get_org(&icb, oid(5)).await.is_ok());

    let exact = Scope::Orgs(vec![oid(3)]);
    assert!(matches!(
        s.get_org(&exact, oid(4)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.org_children(&Scope::All, oid(3)).await.unwrap().len(), 2);
    assert!(s.org_children(&exact, oid(3)).await.unwrap().is_empty());
    assert!(matches!(
        s.org_children(&icb, oid(7)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        s.list_orgs(
            &Scope::Subtrees(vec![]),
            &OrgFilter::default(),
            PageRequest::default()
        )
        .await
        .unwrap()
        .items
        .is_empty()
    );
}

#[tokio::test]
async fn listing_filters_orders_and_pages() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let mut orgs = hierarchy();
    orgs[7].closed = Some(jiff::civil::date(2024, 1, 1));
    s.upsert_orgs(&orgs, jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let trusts = OrgFilter {
        kind: Some(OrgKind::NhsTrust),
        ..Default::default()
    };
    let page = s
        .list_orgs(&Scope::All, &trusts, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, 2, "closed trust hidden by default");
    let all = OrgFilter {
        include_closed: true,
        ..trusts.clone()
    };
    assert_eq!(
        s.list_orgs(&Scope::All, &all, PageRequest::default())
            .await
            .unwrap()
            .total,
        3
    );
    let text = OrgFilter {
        text: Some("rr8".into()),
        ..Default::default()
    };
    let page = s
        .list_orgs(&Scope::All, &text, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![oid(4)]);
    let everything = OrgFilter {
        include_closed: true,
        ..Default::default()
    };
    let p = s
        .list_orgs(&Scope::All, &everything, PageRequest { offset: 2, limit: 3 })
        .await
        .unwrap();
    assert_eq!((p.items.len(), p.total), (3, 8));
    let names: Vec<_> = s
        .list_orgs(&Scope::All, &everything, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let past = s
        .list_orgs(
            &Scope::All,
            &everything,
            PageRequest {
                offset: 50,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert!(past.items.is_empty());
    assert_eq!(past.total, 8);
}
