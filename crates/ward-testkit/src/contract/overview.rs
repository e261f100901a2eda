//! Overview counts stay exact through every write that changes them: service and asset inserts,
//! asset updates and deletes, re-parenting, closing and re-kinding organisations. Each expected
//! overview is computed here from the check's own model of the tree and its inventory, never read
//! back from the store; restores are covered by `backup_restore`, which compares every overview.

use super::fixtures::{Fixture, asset, package, service};
use crate::check_eq;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use ward_core::OrgId;
use ward_core::asset::{Asset, AssetKind};
use ward_core::org::{OrgKind, Organisation};
use ward_core::service::{Service, ServiceKind};
use ward_core::text::ByText;
use ward_store::{AssetFilter, OrgOverview, PageRequest, Scope, Store};

/// The check's model: organisations by id, services, assets.
#[derive(Default)]
struct Model {
    orgs: HashMap<OrgId, Organisation>,
    services: Vec<Service>,
    assets: Vec<Asset>,
}

impl Model {
    fn set_orgs(&mut self, orgs: &[Organisation]) {
        for o in orgs {
            self.orgs.insert(o.id, o.clone());
        }
    }

    /// Whether `org` lies in `root`'s subtree (itself included), by the model's parents.
    fn under(&self, org: OrgId, root: OrgId) -> bool {
        let mut cur = Some(org);
        for _ in 0..64 {
            match cur {
                Some(c) if c == root => return true,
                Some(c) => cur = self.orgs.get(&c).and_then(|o| o.parent),
                None => return false,
            }
        }
        false
    }

    /// The overview of `root` over the organisations `visible` admits.
    fn overview(&self, root: OrgId, visible: impl Fn(OrgId) -> bool) -> OrgOverview {
        let inside = |o: OrgId| self.under(o, root) && visible(o);
        let mut out = OrgOverview::default();
        for o in self.orgs.values() {
            if o.id != root && o.closed.is_none() && inside(o.id) {
                *out.orgs_by_kind.entry(ByText(o.kind)).or_default() += 1;
            }
        }
        for s in self.services.iter().filter(|s| inside(s.org)) {
            out.services += 1;
            out.clinical_services += u64::from(s.kind == ServiceKind::Clinical);
            out.critical_services += u64::from(s.criticality.value() >= 4);
        }
        for a in self.assets.iter().filter(|a| inside(a.org)) {
            out.assets += 1;
            *out.assets_by_kind.entry(ByText(a.kind)).or_default() += 1;
            out.internet_facing_assets += u64::from(a.internet_facing);
            out.software_installs += a.software.len() as u64;
        }
        out
    }
}

/// Compare the store's overview of every organisation in `orgs` with the model's, under
/// `Scope::All`, the organisation's own subtree scope, and (for the first) an explicit list.
async fn expect_overviews(
    store: &Arc<dyn Store>,
    model: &Model,
    orgs: &[OrgId],
    when: &str,
) -> anyhow::Result<()> {
    for &id in orgs {
        check_eq!(
            store.org_overview(&Scope::All, id).await?,
            model.overview(id, |_| true),
            "overview of {id} under Scope::All {when}"
        );
        check_eq!(
            store.org_overview(&Scope::subtree(id), id).await?,
            model.overview(id, |_| true),
            "overview of {id} under its own subtree scope {when}"
        );
    }
    if let Some(&root) = orgs.first() {
        // An explicit list: the root and every other organisation of the model except the second.
        let skip = orgs.get(1).copied();
        let listed: Vec<OrgId> = model.orgs.keys().copied().filter(|o| Some(*o) != skip).collect();
        check_eq!(
            store.org_overview(&Scope::Orgs(listed.clone()), root).await?,
            model.overview(root, |o| listed.contains(&o)),
            "overview of {root} under an explicit list {when}"
        );
    }
    Ok(())
}

/// Asset ids visible under `scope` (first 1000).
async fn asset_ids(store: &Arc<dyn Store>, scope: &Scope) -> anyhow::Result<Vec<String>> {
    let page = store
        .list_assets(
            scope,
            &AssetFilter::default(),
            PageRequest {
                offset: 0,
                limit: 1000,
            },
        )
        .await?;
    let mut ids: Vec<String> = page.items.iter().map(|s| s.id.to_string()).collect();
    ids.sort();
    Ok(ids)
}

/// Overviews after inserts, updates, deletes, moves, closing and re-kinding.
pub async fn overview_counts_follow_writes(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "OV");
    let mut model = Model::default();
    let [n, r, icb, a, b] = fx.small_tree().await?;
    let provider = fx.org("CP", "Care provider", OrgKind::CareProvider, Some(icb.id))?;
    let site = fx.org("CS", "Care site", OrgKind::CareSite, Some(provider.id))?;
    let icb2 = fx.org("I2", "Second ICB", OrgKind::Icb, Some(r.id))?;
    fx.save_orgs(vec![provider.clone(), site.clone(), icb2.clone()])
        .await?;
    model.set_orgs(&[
        n.clone(),
        r.clone(),
        icb.clone(),
        a.clone(),
        b.clone(),
        provider.clone(),
        site.clone(),
        icb2.clone(),
    ]);
    let everyone = [n.id, r.id, icb.id, a.id, b.id, provider.id, site.id, icb2.id];
    expect_overviews(&store, &model, &everyone, "with organisations only").await?;

    // Services.
    let services = vec![
        service(a.id, "Emergency department", ServiceKind::Clinical, 5)?,
        service(a.id, "Payroll", ServiceKind::Business, 2)?,
        service(b.id, "Pathology", ServiceKind::Clinical, 3)?,
        service(site.id, "Home care", ServiceKind::Clinical, 4)?,
    ];
    store
        .insert_services(&Scope::All, &services, &fx.meta(10))
        .await?;
    model.services.extend(services);
    expect_overviews(&store, &model, &everyone, "after services").await?;

    // Assets: a batch across organisations, then a single one.
    let mut portal = asset(
        a.id,
        "Patient portal",
        AssetKind::System,
        vec![package("ov-nginx", "1.18"), package("ov-openssl", "3.0.2")],
        vec![],
    );
    portal.internet_facing = true;
    let batch = vec![
        portal.clone(),
        asset(
            a.id,
            "Ward PC",
            AssetKind::EndUserDevice,
            vec![package("ov-office", "16")],
            vec![],
        ),
        asset(b.id, "Infusion pump", AssetKind::MedicalDevice, vec![], vec![]),
        asset(
            site.id,
            "Care tablet",
            AssetKind::EndUserDevice,
            vec![package("ov-android", "13"), package("ov-care-app", "2")],
            vec![],
        ),
    ];
    store.insert_assets(&Scope::All, &batch, &fx.meta(11)).await?;
    model.assets.extend(batch.iter().cloned());
    let single = asset(
        b.id,
        "Lab server",
        AssetKind::Server,
        vec![package("ov-openssl", "3.0.2")],
        vec![],
    );
    store
        .insert_assets(&Scope::All, std::slice::from_ref(&single), &fx.meta(12))
        .await?;
    model.assets.push(single.clone());
    expect_overviews(&store, &model, &everyone, "after asset inserts").await?;

    // An update that changes kind, exposure and installs.
    let mut changed = portal.clone();
    changed.kind = AssetKind::Server;
    changed.internet_facing = false;
    changed.software = vec![package("ov-nginx", "1.24")];
    store.update_asset(&Scope::All, &changed, &fx.meta(13)).await?;
    for m in model.assets.iter_mut().filter(|m| m.id == changed.id) {
        *m = changed.clone();
    }
    expect_overviews(&store, &model, &everyone, "after an asset update").await?;

    // A delete.
    store.delete_asset(&Scope::All, single.id, &fx.meta(14)).await?;
    model.assets.retain(|m| m.id != single.id);
    expect_overviews(&store, &model, &everyone, "after an asset delete").await?;

    // Re-parent trust B (with its assets) and the care provider (with its site) to the second ICB.
    let mut b2 = b.clone();
    b2.parent = Some(icb2.id);
    let mut provider2 = provider.clone();
    provider2.parent = Some(icb2.id);
    fx.save_orgs(vec![b2.clone(), provider2.clone()]).await?;
    model.set_orgs(&[b2, provider2]);
    expect_overviews(
        &store,
        &model,
        &everyone,
        "after moving a trust and a care provider",
    )
    .await?;
    // Scopes follow the move: the site's assets are now beneath the second ICB only.
    let in_icb2 = asset_ids(&store, &Scope::subtree(icb2.id)).await?;
    let in_icb = asset_ids(&store, &Scope::subtree(icb.id)).await?;
    let expect_ids = |root: OrgId| {
        let mut ids: Vec<String> = model
            .assets
            .iter()
            .filter(|m| model.under(m.org, root))
            .map(|m| m.id.to_string())
            .collect();
        ids.sort();
        ids
    };
    check_eq!(
        in_icb2,
        expect_ids(icb2.id),
        "assets beneath the second ICB after the move"
    );
    check_eq!(
        in_icb,
        expect_ids(icb.id),
        "assets beneath the first ICB after the move"
    );

    // Close the site, turn trust A into a care provider, move the provider back under the first ICB,
    // all in one batch.
    let mut closed_site = site.clone();
    closed_site.closed = Some(jiff::civil::date(2025, 6, 30));
    let mut a2 = a.clone();
    a2.kind = OrgKind::CareProvider;
    let mut provider3 = provider.clone();
    provider3.parent = Some(icb.id);
    fx.save_orgs(vec![closed_site.clone(), a2.clone(), provider3.clone()])
        .await?;
    model.set_orgs(&[closed_site, a2, provider3]);
    expect_overviews(
        &store,
        &model,
        &everyone,
        "after closing, re-kinding and moving back",
    )
    .await?;

    // New organisations beneath a moved one, in the batch that moves it.
    let mut b3 = model.orgs.get(&b.id).cloned().unwrap_or(b.clone());
    b3.parent = Some(icb.id);
    let unit = fx.org("TU", "Trust unit", OrgKind::CareSite, Some(b.id))?;
    fx.save_orgs(vec![b3.clone(), unit.clone()]).await?;
    model.set_orgs(&[b3, unit.clone()]);
    let unit_asset = asset(unit.id, "Unit PC", AssetKind::EndUserDevice, vec![], vec![]);
    store
        .insert_assets(&Scope::All, std::slice::from_ref(&unit_asset), &fx.meta(15))
        .await?;
    model.assets.push(unit_asset);
    let mut all_orgs = everyone.to_vec();
    all_orgs.push(unit.id);
    expect_overviews(&store, &model, &all_orgs, "after adding beneath a moved trust").await?;
    let totals: BTreeMap<ByText<AssetKind>, u64> =
        store.org_overview(&Scope::All, n.id).await?.assets_by_kind;
    check_eq!(
        totals.values().sum::<u64>(),
        model.assets.len() as u64,
        "every asset is counted once at the top"
    );
    Ok(())
}
