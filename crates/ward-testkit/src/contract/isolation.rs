//! Cross-organisation isolation, the security core: a caller scoped to organisation A must not
//! read, list, change, delete or create anything of organisation B, through any method.

use super::fixtures::{AuditCursor, Fixture, asset, at, new_id, service};
use crate::{check_eq, check_err};
use std::collections::BTreeSet;
use std::sync::Arc;
use ward_core::account::{Email, User};
use ward_core::asset::{Asset, AssetKind};
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::{OrgKind, Organisation};
use ward_core::role::{Role, RoleGrant};
use ward_core::service::ServiceKind;
use ward_core::supplier::{Product, ProductCategory};
use ward_core::{DependencyId, GrantId, OrgId, ProductId, UserId};
use ward_store::{
    AssetFilter, AuditFilter, OrgFilter, PageRequest, ProductFilter, Scope, ServiceFilter, Store, StoreError,
};

const ALL_ROWS: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

/// Everything one organisation owns in the isolation check.
struct Estate {
    org: Organisation,
    service: ward_core::service::Service,
    asset: Asset,
    dependency: Dependency,
}

async fn estate(fx: &Fixture, org: Organisation, label: &str, product: ProductId) -> anyhow::Result<Estate> {
    let svc = service(org.id, &format!("{label} clinic"), ServiceKind::Clinical, 4)?;
    fx.store
        .insert_services(&Scope::All, std::slice::from_ref(&svc), &fx.meta(50))
        .await?;
    let a = asset(
        org.id,
        &format!("{label} server"),
        AssetKind::Server,
        vec![super::fixtures::package("openssl", "3.0.13")],
        vec![svc.id],
    );
    fx.store
        .insert_assets(&Scope::All, std::slice::from_ref(&a), &fx.meta(51))
        .await?;
    let dep = Dependency {
        id: new_id(DependencyId::new_at),
        org: org.id,
        service: svc.id,
        target: DependencyTarget::Product(product),
        note: Some(format!("{label} falls back to paper")),
    };
    fx.store
        .insert_dependencies(&Scope::All, std::slice::from_ref(&dep), &fx.meta(52))
        .await?;
    Ok(Estate {
        org,
        service: svc,
        asset: a,
        dependency: dep,
    })
}

fn user(label: &str) -> anyhow::Result<User> {
    Ok(User {
        id: new_id(UserId::new_at),
        email: Email::parse(&format!(
            "isolation.{label}.{}@contract.example",
            super::fixtures::next_number()
        ))?,
        display_name: format!("Isolation {label}"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        totp_secret: None,
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: at(0),
    })
}

/// Run the whole isolation check.
pub async fn isolation_between_organisations(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "IS");
    let n = fx.org("N", "Isolation national", OrgKind::NationalBody, None)?;
    let r = fx.org("R", "Isolation region", OrgKind::Region, Some(n.id))?;
    let icb1 = fx.org("I1", "Isolation ICB one", OrgKind::Icb, Some(r.id))?;
    let icb2 = fx.org("I2", "Isolation ICB two", OrgKind::Icb, Some(r.id))?;
    let a = fx.org("A", "Provider A", OrgKind::CareProvider, Some(icb1.id))?;
    let a1 = fx.org("A1", "Provider A site", OrgKind::CareSite, Some(a.id))?;
    let c = fx.org("C", "Provider C", OrgKind::CareProvider, Some(icb1.id))?;
    let b = fx.org("B", "Trust B", OrgKind::NhsTrust, Some(icb2.id))?;
    let s = fx.org("S", "Isolation supplier", OrgKind::Supplier, None)?;
    fx.save_orgs(vec![
        n,
        r,
        icb1.clone(),
        icb2.clone(),
        a.clone(),
        a1.clone(),
        c.clone(),
        b.clone(),
        s.clone(),
    ])
    .await?;
    let product = Product {
        id: new_id(ProductId::new_at),
        supplier: s.id,
        name: "Isolation LIMS".into(),
        category: ProductCategory::Pathology,
        cpe: None,
        status: ward_core::supplier::ProductStatus::Confirmed,
    };
    store
        .upsert_products(&Scope::All, std::slice::from_ref(&product), &fx.meta(49))
        .await?;
    let ea = estate(&fx, a.clone(), "A", product.id).await?;
    let ea1 = estate(&fx, a1.clone(), "A1", product.id).await?;
    let ec = estate(&fx, c.clone(), "C", product.id).await?;
    let eb = estate(&fx, b.clone(), "B", product.id).await?;
    let (ua, ub) = (user("a")?, user("b")?);
    for (u, org) in [(&ua, a.id), (&ub, b.id)] {
        store.create_user(u, &fx.meta(53)).await?;
        let grant = RoleGrant {
            id: new_id(GrantId::new_at),
            user: u.id,
            role: Role::OrgMember,
            org,
            created_at: at(1),
            expires_at: None,
            granted_by: None,
        };
        store.add_grant(&grant, &fx.meta(54)).await?;
    }

    // Subtree of A sees A and its site; exactly-A sees A alone.
    let subtree = Scope::subtree(a.id);
    let exact = Scope::Orgs(vec![a.id]);
    check_scope(&fx, &subtree, &[&ea, &ea1], &[&eb, &ec], &ua, &ub, &product).await?;
    check_scope(&fx, &exact, &[&ea], &[&eb, &ec, &ea1], &ua, &ub, &product).await?;

    // A subtree of the ICB sees A, its site and C, never B.
    let icb_scope = Scope::subtree(icb1.id);
    let visible: BTreeSet<String> = store
        .list_assets(&icb_scope, &AssetFilter::default(), ALL_ROWS)
        .await?
        .items
        .into_iter()
        .map(|x| x.name)
        .collect();
    let expected: BTreeSet<String> = [&ea, &ea1, &ec].iter().map(|e| e.asset.name.clone()).collect();
    check_eq!(visible, expected, "assets seen from the ICB");
    check_err!(
        store.get_asset(&icb_scope, eb.asset.id).await,
        StoreError::NotFound { .. },
        "ICB reading B's asset"
    );

    // An empty scope sees nothing at all.
    let nothing = Scope::Subtrees(vec![]);
    check_eq!(
        store
            .list_assets(&nothing, &AssetFilter::default(), ALL_ROWS)
            .await?
            .total,
        0,
        "empty scope assets"
    );
    check_eq!(
        store
            .list_services(&nothing, &ServiceFilter::default(), ALL_ROWS)
            .await?
            .total,
        0,
        "empty scope services"
    );
    check_eq!(
        store
            .list_orgs(&nothing, &OrgFilter::default(), ALL_ROWS)
            .await?
            .total,
        0,
        "empty scope orgs"
    );
    check_eq!(
        store.list_dependencies(&nothing, None).await?.len(),
        0,
        "empty scope dependencies"
    );
    check_eq!(store.list_users(&nothing).await?.len(), 0, "empty scope users");
    check_eq!(
        store
            .audit_for_scope(&nothing, &AuditFilter::default(), ALL_ROWS)
            .await?
            .total,
        0,
        "empty scope audit"
    );
    check_err!(
        store.get_asset(&nothing, ea.asset.id).await,
        StoreError::NotFound { .. },
        "empty scope get"
    );
    check_err!(
        store
            .insert_assets(
                &nothing,
                &[asset(a.id, "Nowhere", AssetKind::Server, vec![], vec![])],
                &fx.meta(55)
            )
            .await,
        StoreError::Forbidden { .. },
        "empty scope insert"
    );
    Ok(())
}

/// Everything `scope` must and must not do. `mine` lie inside the scope, `theirs` outside.
async fn check_scope(
    fx: &Fixture,
    scope: &Scope,
    mine: &[&Estate],
    theirs: &[&Estate],
    my_user: &User,
    their_user: &User,
    product: &Product,
) -> anyhow::Result<()> {
    let store = &fx.store;
    let home = &mine[0].org;
    let mut cursor = AuditCursor::at_end(store).await?;

    // Reads of organisations.
    let my_orgs: BTreeSet<OrgId> = mine.iter().map(|e| e.org.id).collect();
    let listed: BTreeSet<OrgId> = store
        .list_orgs(scope, &OrgFilter::default(), ALL_ROWS)
        .await?
        .items
        .iter()
        .map(|o| o.id)
        .collect();
    check_eq!(listed, my_orgs, "organisations listed in {scope:?}");
    check_err!(
        store.get_org(scope, home.parent.unwrap_or(home.id)).await,
        StoreError::NotFound { .. },
        "reading the parent"
    );
    for e in theirs {
        let what = format!("{scope:?} on {}", e.org.code);
        check_err!(
            store.get_org(scope, e.org.id).await,
            StoreError::NotFound { .. },
            "get_org {what}"
        );
        check_err!(
            store.get_org_by_code(scope, &e.org.code).await,
            StoreError::NotFound { .. },
            "get_org_by_code {what}"
        );
        check_err!(
            store.org_links(scope, e.org.id).await,
            StoreError::NotFound { .. },
            "org_links {what}"
        );
        check_err!(
            store.org_children(scope, e.org.id).await,
            StoreError::NotFound { .. },
            "org_children {what}"
        );
        check_err!(
            store.org_overview(scope, e.org.id).await,
            StoreError::NotFound { .. },
            "org_overview {what}"
        );
        let by_text = OrgFilter {
            text: Some(e.org.name.clone()),
            include_closed: true,
            ..Default::default()
        };
        check_eq!(
            store.list_orgs(scope, &by_text, ALL_ROWS).await?.total,
            0,
            "list_orgs by name {what}"
        );
        let by_parent = OrgFilter {
            parent: e.org.parent,
            include_closed: true,
            ..Default::default()
        };
        let under: Vec<OrgId> = store
            .list_orgs(scope, &by_parent, ALL_ROWS)
            .await?
            .items
            .iter()
            .map(|o| o.id)
            .collect();
        if under.contains(&e.org.id) {
            anyhow::bail!("list_orgs by parent shows {what}");
        }
    }
    let overview = store.org_overview(scope, home.id).await?;
    check_eq!(overview.assets, mine.len() as u64, "overview assets of {scope:?}");
    check_eq!(
        overview.services,
        mine.len() as u64,
        "overview services of {scope:?}"
    );

    // Reads of services, assets and dependencies.
    let my_services: BTreeSet<_> = mine.iter().map(|e| e.service.id).collect();
    let listed: BTreeSet<_> = store
        .list_services(scope, &ServiceFilter::default(), ALL_ROWS)
        .await?
        .items
        .iter()
        .map(|s| s.id)
        .collect();
    check_eq!(listed, my_services, "services listed in {scope:?}");
    let my_assets: BTreeSet<_> = mine.iter().map(|e| e.asset.id).collect();
    let listed: BTreeSet<_> = store
        .list_assets(scope, &AssetFilter::default(), ALL_ROWS)
        .await?
        .items
        .iter()
        .map(|x| x.id)
        .collect();
    check_eq!(listed, my_assets, "assets listed in {scope:?}");
    let my_deps: BTreeSet<_> = mine.iter().map(|e| e.dependency.id).collect();
    let listed: BTreeSet<_> = store
        .list_dependencies(scope, None)
        .await?
        .iter()
        .map(|d| d.id)
        .collect();
    check_eq!(listed, my_deps, "dependencies listed in {scope:?}");
    for e in mine {
        check_eq!(
            store.get_asset(scope, e.asset.id).await?,
            e.asset,
            "reading my asset in {scope:?}"
        );
        check_eq!(
            store.get_service(scope, e.service.id).await?,
            e.service,
            "reading my service in {scope:?}"
        );
    }
    for e in theirs {
        let what = format!("{scope:?} on {}", e.org.code);
        check_err!(
            store.get_service(scope, e.service.id).await,
            StoreError::NotFound { .. },
            "get_service {what}"
        );
        check_err!(
            store.get_asset(scope, e.asset.id).await,
            StoreError::NotFound { .. },
            "get_asset {what}"
        );
        let f = ServiceFilter {
            org: Some(e.org.id),
            ..Default::default()
        };
        check_eq!(
            store.list_services(scope, &f, ALL_ROWS).await?.total,
            0,
            "list_services by org {what}"
        );
        let f = ServiceFilter {
            text: Some(e.service.name.clone()),
            ..Default::default()
        };
        check_eq!(
            store.list_services(scope, &f, ALL_ROWS).await?.total,
            0,
            "list_services by name {what}"
        );
        for f in [
            AssetFilter {
                org: Some(e.org.id),
                ..Default::default()
            },
            AssetFilter {
                text: Some(e.asset.name.clone()),
                ..Default::default()
            },
            AssetFilter {
                service: Some(e.service.id),
                ..Default::default()
            },
        ] {
            check_eq!(
                store.list_assets(scope, &f, ALL_ROWS).await?.total,
                0,
                "list_assets {f:?} {what}"
            );
        }
        check_eq!(
            store.list_dependencies(scope, Some(e.service.id)).await?.len(),
            0,
            "list_dependencies {what}"
        );
    }

    // Changes to their rows are refused and leave them as they were.
    let mine0 = mine[0];
    for e in theirs {
        let what = format!("{scope:?} on {}", e.org.code);
        let renamed = Asset {
            name: "Renamed by a neighbour".into(),
            ..e.asset.clone()
        };
        check_err!(
            store.update_asset(scope, &renamed, &fx.meta(60)).await,
            StoreError::NotFound { .. },
            "update_asset {what}"
        );
        check_err!(
            store.delete_asset(scope, e.asset.id, &fx.meta(60)).await,
            StoreError::NotFound { .. },
            "delete_asset {what}"
        );
        check_eq!(
            store.get_asset(&Scope::All, e.asset.id).await?,
            e.asset,
            "their asset untouched {what}"
        );

        let theirs_new = asset(e.org.id, "Planted asset", AssetKind::Server, vec![], vec![]);
        let mine_new = asset(home.id, "Would-be asset", AssetKind::Server, vec![], vec![]);
        check_err!(
            store
                .insert_assets(scope, std::slice::from_ref(&theirs_new), &fx.meta(61))
                .await,
            StoreError::Forbidden { .. },
            "insert_assets {what}"
        );
        check_err!(
            store
                .insert_assets(scope, &[mine_new.clone(), theirs_new.clone()], &fx.meta(61))
                .await,
            StoreError::Forbidden { .. },
            "mixed insert_assets {what}"
        );
        let linked = asset(
            home.id,
            "Linked to theirs",
            AssetKind::Server,
            vec![],
            vec![e.service.id],
        );
        check_err!(
            store
                .insert_assets(scope, std::slice::from_ref(&linked), &fx.meta(61))
                .await,
            StoreError::Forbidden { .. },
            "linking their service {what}"
        );
        for id in [theirs_new.id, mine_new.id, linked.id] {
            check_err!(
                store.get_asset(&Scope::All, id).await,
                StoreError::NotFound { .. },
                "refused asset stored {what}"
            );
        }
        let relinked = Asset {
            services: vec![e.service.id],
            ..mine0.asset.clone()
        };
        check_err!(
            store.update_asset(scope, &relinked, &fx.meta(62)).await,
            StoreError::Forbidden { .. },
            "update linking their service {what}"
        );
        let moved = Asset {
            org: e.org.id,
            ..mine0.asset.clone()
        };
        if store.update_asset(scope, &moved, &fx.meta(62)).await.is_ok() {
            anyhow::bail!("moving my asset into {what} was accepted");
        }
        check_eq!(
            store.get_asset(&Scope::All, mine0.asset.id).await?,
            mine0.asset,
            "my asset untouched {what}"
        );

        let theirs_svc = service(e.org.id, "Planted service", ServiceKind::Business, 1)?;
        let mine_svc = service(home.id, "Would-be service", ServiceKind::Business, 1)?;
        check_err!(
            store
                .insert_services(scope, std::slice::from_ref(&theirs_svc), &fx.meta(63))
                .await,
            StoreError::Forbidden { .. },
            "insert_services {what}"
        );
        check_err!(
            store
                .insert_services(scope, &[mine_svc.clone(), theirs_svc.clone()], &fx.meta(63))
                .await,
            StoreError::Forbidden { .. },
            "mixed insert_services {what}"
        );
        for id in [theirs_svc.id, mine_svc.id] {
            check_err!(
                store.get_service(&Scope::All, id).await,
                StoreError::NotFound { .. },
                "refused service stored {what}"
            );
        }

        let dep = |org: OrgId, service, target| Dependency {
            id: new_id(DependencyId::new_at),
            org,
            service,
            target,
            note: None,
        };
        for (d, case) in [
            (
                dep(e.org.id, e.service.id, DependencyTarget::Product(product.id)),
                "their dependency",
            ),
            (
                dep(home.id, e.service.id, DependencyTarget::Product(product.id)),
                "my dependency on their service row",
            ),
            (
                dep(home.id, mine0.service.id, DependencyTarget::Asset(e.asset.id)),
                "my service on their asset",
            ),
        ] {
            check_err!(
                store
                    .insert_dependencies(scope, std::slice::from_ref(&d), &fx.meta(64))
                    .await,
                StoreError::Forbidden { .. },
                "{case} {what}"
            );
        }

        let planted = Product {
            id: new_id(ProductId::new_at),
            supplier: product.supplier,
            name: "Planted product".into(),
            category: ProductCategory::Other,
            cpe: None,
            status: ward_core::supplier::ProductStatus::Unconfirmed,
        };
        check_err!(
            store
                .upsert_products(scope, std::slice::from_ref(&planted), &fx.meta(65))
                .await,
            StoreError::Forbidden { .. },
            "upsert_products for a supplier outside {what}"
        );
        let hijack = Product {
            supplier: home.id,
            ..product.clone()
        };
        check_err!(
            store
                .upsert_products(scope, std::slice::from_ref(&hijack), &fx.meta(65))
                .await,
            StoreError::Forbidden { .. },
            "taking over a product {what}"
        );
    }
    cursor
        .expect(store, &format!("refused changes in {scope:?}"), &[])
        .await?;

    // Products are a shared catalogue: readable from any scope.
    let f = ProductFilter {
        supplier: Some(product.supplier),
        ..Default::default()
    };
    check_eq!(
        store.list_products(&f, ALL_ROWS).await?.items,
        vec![product.clone()],
        "catalogue unchanged and readable"
    );

    // The audit trail and the user list stay inside the scope.
    let records = store
        .audit_for_scope(scope, &AuditFilter::default(), ALL_ROWS)
        .await?;
    if records.items.is_empty() {
        anyhow::bail!("audit_for_scope {scope:?} shows none of its own records");
    }
    for rec in &records.items {
        if !rec.event.org.is_some_and(|o| my_orgs.contains(&o)) {
            anyhow::bail!(
                "audit_for_scope {scope:?} shows record {} about {:?}",
                rec.seq,
                rec.event.org
            );
        }
    }
    let seqs: Vec<i64> = records.items.iter().map(|r| r.seq).collect();
    let mut newest_first = seqs.clone();
    newest_first.sort_unstable_by(|x, y| y.cmp(x));
    check_eq!(seqs, newest_first, "audit_for_scope is newest first");
    let users: Vec<UserId> = store.list_users(scope).await?.iter().map(|u| u.id).collect();
    if !users.contains(&my_user.id) || users.contains(&their_user.id) {
        anyhow::bail!("list_users {scope:?} gave {users:?}");
    }
    Ok(())
}
