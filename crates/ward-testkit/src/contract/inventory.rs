//! Services and assets: exact round trips, listing filters, updates, deletes, software dedup.

use super::fixtures::{AuditCursor, Fixture, asset, new_id, next_number, package, service};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::digest_json;
use ward_core::service::{Service, ServiceKind};
use ward_core::text::ByText;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::{AssetFilter, PageRequest, Scope, ServiceFilter, Store, StoreError};

const ALL_ROWS: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

/// Rows per table according to a fresh backup.
pub(crate) async fn table_counts(
    store: &Arc<dyn Store>,
) -> anyhow::Result<std::collections::BTreeMap<String, u64>> {
    let mut sink: Vec<u8> = Vec::new();
    Ok(store.backup(&mut sink).await?.tables)
}

/// Insert services, read them back, list them with filters and pages; duplicates conflict.
pub async fn services_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SV");
    let [n, _r, icb, a, b] = fx.small_tree().await?;
    let mut cursor = AuditCursor::at_end(&store).await?;
    let ed = service(a.id, "Emergency department", ServiceKind::Clinical, 5)?;
    let pay = service(a.id, "Payroll", ServiceKind::Business, 2)?;
    let path = service(b.id, "Pathology", ServiceKind::Clinical, 4)?;
    let all = vec![ed.clone(), pay.clone(), path.clone()];
    check_eq!(
        store.insert_services(&Scope::All, &all, &fx.meta(20)).await?,
        3,
        "services inserted"
    );
    let expected: Vec<(&str, Option<OrgId>)> = all.iter().map(|s| ("service.create", Some(s.org))).collect();
    let recs = cursor.expect(&store, "insert_services", &expected).await?;
    for (r, s) in recs.iter().zip(&all) {
        check_eq!(
            (r.event.entity.as_str(), r.event.entity_id.clone()),
            ("service", s.id.to_string()),
            "service record"
        );
        check_eq!(r.event.after, Some(digest_json(s)), "service digest");
    }
    for s in &all {
        check_eq!(
            store.get_service(&Scope::All, s.id).await?,
            *s,
            "get_service {}",
            s.name
        );
    }
    check_err!(
        store.get_service(&Scope::All, new_id(ServiceId::new_at)).await,
        StoreError::NotFound { .. },
        "unknown service"
    );

    let scope = Scope::subtree(n.id);
    let list = |filter: ServiceFilter, page: PageRequest| {
        let (store, scope) = (store.clone(), scope.clone());
        async move { anyhow::Ok(store.list_services(&scope, &filter, page).await?) }
    };
    let p = list(ServiceFilter::default(), ALL_ROWS).await?;
    check_eq!(
        (p.items.clone(), p.total),
        (vec![ed.clone(), path.clone(), pay.clone()], 3),
        "services by name"
    );
    let first = list(ServiceFilter::default(), PageRequest { offset: 0, limit: 2 }).await?;
    let second = list(ServiceFilter::default(), PageRequest { offset: 2, limit: 2 }).await?;
    check_eq!(
        (first.items.len(), first.total, second.items.clone()),
        (2, 3, vec![pay.clone()]),
        "service pages"
    );
    let names = |p: ward_store::Page<Service>| p.items.into_iter().map(|s| s.name).collect::<Vec<_>>();
    check_eq!(
        names(
            list(
                ServiceFilter {
                    org: Some(a.id),
                    ..Default::default()
                },
                ALL_ROWS
            )
            .await?
        ),
        ["Emergency department", "Payroll"],
        "org filter"
    );
    check_eq!(
        names(
            list(
                ServiceFilter {
                    kind: Some(ServiceKind::Clinical),
                    ..Default::default()
                },
                ALL_ROWS
            )
            .await?
        ),
        ["Emergency department", "Pathology"],
        "kind filter"
    );
    check_eq!(
        names(
            list(
                ServiceFilter {
                    min_criticality: Some(4),
                    ..Default::default()
                },
                ALL_ROWS
            )
            .await?
        ),
        ["Emergency department", "Pathology"],
        "criticality filter"
    );
    check_eq!(
        names(
            list(
                ServiceFilter {
                    text: Some("PATH".into()),
                    ..Default::default()
                },
                ALL_ROWS
            )
            .await?
        ),
        ["Pathology"],
        "text filter"
    );

    // A duplicate id conflicts and the batch stores nothing.
    let fresh = service(b.id, "Radiology", ServiceKind::Clinical, 3)?;
    check_err!(
        store
            .insert_services(&Scope::All, &[fresh.clone(), ed.clone()], &fx.meta(21))
            .await,
        StoreError::Conflict(_),
        "duplicate service id"
    );
    check_err!(
        store.get_service(&Scope::All, fresh.id).await,
        StoreError::NotFound { .. },
        "batch rolled back"
    );
    let ghost = service(new_id(OrgId::new_at), "Ghost", ServiceKind::Business, 1)?;
    check_err!(
        store.insert_services(&Scope::All, &[ghost], &fx.meta(21)).await,
        StoreError::Invalid(_),
        "unknown org"
    );
    cursor.expect(&store, "refused service inserts", &[]).await?;

    let overview = store.org_overview(&Scope::All, icb.id).await?;
    check_eq!(
        (
            overview.services,
            overview.clinical_services,
            overview.critical_services
        ),
        (3, 2, 2),
        "overview service counts"
    );
    Ok(())
}

/// Assets with software and services round-trip exactly; list, update and delete them.
pub async fn assets_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AS");
    let [n, _r, icb, a, b] = fx.small_tree().await?;
    let s1 = service(a.id, "Theatres", ServiceKind::Clinical, 5)?;
    let s2 = service(a.id, "Outpatients", ServiceKind::Clinical, 3)?;
    store
        .insert_services(&Scope::All, &[s1.clone(), s2.clone()], &fx.meta(30))
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    let vendor_sw = InstalledSoftware {
        name: "Contract PAS".into(),
        vendor: Some("Contract Systems Ltd".into()),
        version: "12.4 build 7".into(),
        purl: None,
        cpe: Some("cpe:2.3:a:contract:pas:12.4:*:*:*:*:*:*:*".into()),
        source: SoftwareSource::Sbom,
    };
    let mut x1 = asset(
        a.id,
        "Theatre server",
        AssetKind::Server,
        vec![package("openssl", "3.0.13"), vendor_sw.clone()],
        vec![s2.id, s1.id],
    );
    x1.internet_facing = true;
    let mut x2 = asset(a.id, "Admin laptop", AssetKind::EndUserDevice, vec![], vec![]);
    x2.hostname = None;
    let twice = InstalledSoftware {
        source: SoftwareSource::Manual,
        ..package("zlib", "1.3.1")
    };
    let x3 = asset(
        b.id,
        "Infusion pump",
        AssetKind::MedicalDevice,
        vec![package("zlib", "1.3.1"), twice],
        vec![],
    );

    check_eq!(
        store
            .insert_assets(&Scope::All, &[x1.clone(), x2.clone()], &fx.meta(31))
            .await?,
        2,
        "assets inserted"
    );
    let recs = cursor
        .expect(&store, "batch import", &[("assets.import", Some(a.id))])
        .await?;
    check_eq!(recs[0].event.entity, "asset", "import entity");
    check_eq!(
        recs[0].event.after,
        Some(digest_json(&[x1.clone(), x2.clone()])),
        "import digest"
    );
    check_eq!(recs[0].event.detail.as_deref(), Some("2 assets"), "import detail");
    store
        .insert_assets(&Scope::All, std::slice::from_ref(&x3), &fx.meta(32))
        .await?;
    let recs = cursor
        .expect(&store, "single insert", &[("asset.create", Some(b.id))])
        .await?;
    check_eq!(
        recs[0].event.entity_id,
        x3.id.to_string(),
        "asset.create entity_id"
    );
    check_eq!(recs[0].event.after, Some(digest_json(&x3)), "asset.create digest");

    for x in [&x1, &x2, &x3] {
        check_eq!(
            store.get_asset(&Scope::All, x.id).await?,
            *x,
            "get_asset {}",
            x.name
        );
    }

    let scope = Scope::subtree(n.id);
    let page = store
        .list_assets(&scope, &AssetFilter::default(), ALL_ROWS)
        .await?;
    let rows: Vec<(String, String, u32, u32, bool)> = page
        .items
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.org_name.clone(),
                s.software_count,
                s.service_count,
                s.internet_facing,
            )
        })
        .collect();
    check_eq!(
        rows,
        vec![
            ("Admin laptop".to_owned(), a.name.clone(), 0, 0, false),
            ("Infusion pump".to_owned(), b.name.clone(), 2, 0, false),
            ("Theatre server".to_owned(), a.name.clone(), 2, 2, true),
        ],
        "asset summaries by name"
    );
    check_eq!(page.total, 3, "asset total");
    check_eq!(
        page.items[2].hostname.as_deref(),
        x1.hostname.as_deref(),
        "summary hostname"
    );
    check_eq!(page.items[2].kind, AssetKind::Server, "summary kind");
    let names = |filter: AssetFilter| {
        let (store, scope) = (store.clone(), scope.clone());
        async move {
            let p = store.list_assets(&scope, &filter, ALL_ROWS).await?;
            anyhow::Ok(p.items.into_iter().map(|s| s.name).collect::<Vec<_>>())
        }
    };
    check_eq!(
        names(AssetFilter {
            org: Some(b.id),
            ..Default::default()
        })
        .await?,
        ["Infusion pump"],
        "org filter"
    );
    check_eq!(
        names(AssetFilter {
            text: Some("OpenSSL".into()),
            ..Default::default()
        })
        .await?,
        ["Theatre server"],
        "software name search"
    );
    check_eq!(
        names(AssetFilter {
            text: Some("admin".into()),
            ..Default::default()
        })
        .await?,
        ["Admin laptop"],
        "name search"
    );
    check_eq!(
        names(AssetFilter {
            text: Some("pump.nhs".into()),
            ..Default::default()
        })
        .await?,
        ["Infusion pump"],
        "hostname search"
    );
    check_eq!(
        names(AssetFilter {
            kind: Some(AssetKind::MedicalDevice),
            ..Default::default()
        })
        .await?,
        ["Infusion pump"],
        "kind filter"
    );
    check_eq!(
        names(AssetFilter {
            internet_facing: Some(true),
            ..Default::default()
        })
        .await?,
        ["Theatre server"],
        "internet-facing filter"
    );
    check_eq!(
        names(AssetFilter {
            service: Some(s1.id),
            ..Default::default()
        })
        .await?,
        ["Theatre server"],
        "service filter"
    );
    let p = store
        .list_assets(
            &scope,
            &AssetFilter::default(),
            PageRequest { offset: 1, limit: 1 },
        )
        .await?;
    check_eq!(
        (p.items.len(), p.total, p.items[0].name.as_str()),
        (1, 3, "Infusion pump"),
        "asset page"
    );

    // Replace an asset: name, flags, software and services all change.
    let mut x1b = x1.clone();
    x1b.name = "Theatre server (rebuilt)".into();
    x1b.internet_facing = false;
    x1b.software = vec![
        vendor_sw.clone(),
        package("openssl", "3.0.15"),
        package("nginx", "1.26.2"),
    ];
    x1b.services = vec![s1.id];
    store.update_asset(&Scope::All, &x1b, &fx.meta(33)).await?;
    check_eq!(
        store.get_asset(&Scope::All, x1.id).await?,
        x1b,
        "asset after update"
    );
    let recs = cursor
        .expect(&store, "update", &[("asset.update", Some(a.id))])
        .await?;
    check_eq!(
        (recs[0].event.before.clone(), recs[0].event.after.clone()),
        (Some(digest_json(&x1)), Some(digest_json(&x1b))),
        "update digests"
    );
    let moved = Asset {
        org: b.id,
        ..x1b.clone()
    };
    check_err!(
        store.update_asset(&Scope::All, &moved, &fx.meta(34)).await,
        StoreError::Invalid(_),
        "moving an asset"
    );
    let unknown = Asset {
        id: new_id(AssetId::new_at),
        ..x1b.clone()
    };
    check_err!(
        store.update_asset(&Scope::All, &unknown, &fx.meta(34)).await,
        StoreError::NotFound { .. },
        "updating an unknown asset"
    );
    let mut bad = x1b.clone();
    bad.name = "   ".into();
    check_err!(
        store.update_asset(&Scope::All, &bad, &fx.meta(34)).await,
        StoreError::Invalid(_),
        "an empty name"
    );
    check_eq!(
        store.get_asset(&Scope::All, x1.id).await?,
        x1b,
        "asset unchanged by refused updates"
    );

    store.delete_asset(&Scope::All, x2.id, &fx.meta(35)).await?;
    check_err!(
        store.get_asset(&Scope::All, x2.id).await,
        StoreError::NotFound { .. },
        "deleted asset"
    );
    check_err!(
        store.delete_asset(&Scope::All, x2.id, &fx.meta(36)).await,
        StoreError::NotFound { .. },
        "deleting twice"
    );
    let recs = cursor
        .expect(&store, "delete", &[("asset.delete", Some(a.id))])
        .await?;
    check_eq!(
        (recs[0].event.before.clone(), recs[0].event.after.clone()),
        (Some(digest_json(&x2)), None),
        "delete digests"
    );

    // Refused inserts store nothing.
    let dup = asset(a.id, "Duplicate", AssetKind::Server, vec![], vec![]);
    check_err!(
        store
            .insert_assets(&Scope::All, &[dup.clone(), x3.clone()], &fx.meta(37))
            .await,
        StoreError::Conflict(_),
        "duplicate asset id"
    );
    let lost = asset(new_id(OrgId::new_at), "Lost", AssetKind::Server, vec![], vec![]);
    check_err!(
        store.insert_assets(&Scope::All, &[lost], &fx.meta(37)).await,
        StoreError::Invalid(_),
        "unknown organisation"
    );
    let dangling = asset(
        a.id,
        "Dangling",
        AssetKind::Server,
        vec![],
        vec![new_id(ServiceId::new_at)],
    );
    check_err!(
        store.insert_assets(&Scope::All, &[dangling], &fx.meta(37)).await,
        StoreError::Invalid(_),
        "unknown service"
    );
    let mut invalid = asset(
        a.id,
        "Bad purl",
        AssetKind::Server,
        vec![package("x", "1")],
        vec![],
    );
    invalid.software[0].purl = Some("not-a-purl".into());
    check_err!(
        store.insert_assets(&Scope::All, &[invalid], &fx.meta(37)).await,
        StoreError::Invalid(_),
        "a bad purl"
    );
    check_err!(
        store.get_asset(&Scope::All, dup.id).await,
        StoreError::NotFound { .. },
        "refused batch rolled back"
    );
    cursor.expect(&store, "refused asset changes", &[]).await?;

    let overview = store.org_overview(&Scope::All, icb.id).await?;
    check_eq!(
        (
            overview.assets,
            overview.internet_facing_assets,
            overview.software_installs
        ),
        (2, 0, 5),
        "overview asset counts"
    );
    let kinds: Vec<(ByText<AssetKind>, u64)> = overview.assets_by_kind.into_iter().collect();
    check_eq!(
        kinds,
        vec![
            (ByText(AssetKind::MedicalDevice), 1),
            (ByText(AssetKind::Server), 1)
        ],
        "overview assets by kind, in the order of their names"
    );
    Ok(())
}

/// Identical packages on different assets share one software row.
pub async fn software_is_deduplicated(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SD");
    let [_n, _r, icb, a, b] = fx.small_tree().await?;
    let before = table_counts(&store).await?;
    let tag = next_number();
    let p1 = package(&format!("dedup-lib-{tag}"), "1.0.0");
    let p2 = package(&format!("dedup-tool-{tag}"), "2.1");
    let p2_vendor = InstalledSoftware {
        vendor: Some("Acme".into()),
        ..p2.clone()
    };
    let x = asset(
        a.id,
        "Dedup one",
        AssetKind::Server,
        vec![p1.clone(), p2.clone()],
        vec![],
    );
    let y = asset(
        b.id,
        "Dedup two",
        AssetKind::Server,
        vec![InstalledSoftware {
            source: SoftwareSource::Api,
            ..p1.clone()
        }],
        vec![],
    );
    store
        .insert_assets(&Scope::All, &[x.clone(), y.clone()], &fx.meta(40))
        .await?;
    let z = asset(
        a.id,
        "Dedup three",
        AssetKind::Server,
        vec![p1.clone(), p2_vendor.clone()],
        vec![],
    );
    store
        .insert_assets(&Scope::All, std::slice::from_ref(&z), &fx.meta(41))
        .await?;
    let after = table_counts(&store).await?;
    let delta = |t: &str| after.get(t).copied().unwrap_or(0) - before.get(t).copied().unwrap_or(0);
    check_eq!(
        delta("software"),
        3,
        "distinct software rows added (p1, p2, p2 by Acme)"
    );
    check_eq!(delta("asset_software"), 5, "installs added");
    for v in [&x, &y, &z] {
        check_eq!(
            store.get_asset(&Scope::All, v.id).await?,
            *v,
            "shared software reads back per asset"
        );
    }
    check_eq!(
        store.org_overview(&Scope::All, icb.id).await?.software_installs,
        5,
        "overview installs"
    );
    Ok(())
}
