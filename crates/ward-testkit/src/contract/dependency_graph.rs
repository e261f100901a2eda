//! The dependency graph for the impact engine: the snapshot holds every service and dependency
//! with its workaround, the assets dependencies point at, and leaves out (counting) a dependency
//! on an asset that has been deleted; the whole snapshot builds into a consistent graph whose
//! blast radius follows the stored dependencies.

use super::fixtures::{Fixture, asset, new_id, service};
use crate::check_eq;
use std::sync::Arc;
use ward_app::impact::{Effect, ImpactQuery, blast_radius_view};
use ward_core::DependencyId;
use ward_core::asset::AssetKind;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::service::ServiceKind;
use ward_store::{Scope, Store};

pub async fn dependency_snapshot_holds_the_graph(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "DG");
    let [_n, _r, _icb, a, b] = fx.small_tree().await?;
    let lab = service(a.id, "Graph pathology", ServiceKind::Clinical, 5)?;
    let ed = service(b.id, "Graph emergency department", ServiceKind::Clinical, 4)?;
    store
        .insert_services(&Scope::All, &[lab.clone(), ed.clone()], &fx.meta(80))
        .await?;
    let (kept, gone) = (
        asset(a.id, "Graph LIMS", AssetKind::Server, vec![], vec![]),
        asset(b.id, "Graph kiosk", AssetKind::EndUserDevice, vec![], vec![]),
    );
    store
        .insert_assets(&Scope::All, &[kept.clone(), gone.clone()], &fx.meta(81))
        .await?;
    let dep = |org, service, target, note: Option<&str>| Dependency {
        id: new_id(DependencyId::new_at),
        org,
        service,
        target,
        note: note.map(str::to_owned),
    };
    let on_lab = dep(
        b.id,
        ed.id,
        DependencyTarget::Service(lab.id),
        Some("Point-of-care tests"),
    );
    let on_lims = dep(a.id, lab.id, DependencyTarget::Asset(kept.id), None);
    let on_kiosk = dep(b.id, ed.id, DependencyTarget::Asset(gone.id), None);
    store
        .insert_dependencies(
            &Scope::All,
            &[on_lab.clone(), on_lims.clone(), on_kiosk.clone()],
            &fx.meta(82),
        )
        .await?;
    let before = store.dependency_snapshot().await?;
    store.delete_asset(&Scope::All, gone.id, &fx.meta(83)).await?;
    let snap = store.dependency_snapshot().await?;

    check_eq!(
        snap.dangling,
        before.dangling + 1,
        "the deleted asset's dependency is counted"
    );
    let has = |d: &Dependency| snap.dependencies.iter().any(|x| x == d);
    anyhow::ensure!(
        has(&on_lab) && has(&on_lims),
        "dependencies round-trip with their notes"
    );
    anyhow::ensure!(!has(&on_kiosk), "a dependency on a deleted asset is left out");
    anyhow::ensure!(
        snap.assets
            .iter()
            .any(|x| x.id == kept.id && x.org == a.id && x.name == "Graph LIMS"),
        "the asset a dependency points at is read with its owner"
    );
    anyhow::ensure!(
        !snap.assets.iter().any(|x| x.id == gone.id),
        "a deleted asset is not read"
    );
    anyhow::ensure!(
        snap.services.iter().any(|s| s == &lab) && snap.orgs.iter().any(|o| o.id == a.id),
        "services and organisations are read whole"
    );

    // Everything the store holds (this check's rows and every other check's) is one consistent
    // graph, and losing trust A stops its pathology and degrades B's department through the
    // workaround.
    let view = blast_radius_view(&snap, &ImpactQuery::Org(a.code.to_string()), &Scope::All)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let effect = |id| {
        view.affected_services
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.effect)
    };
    check_eq!(
        effect(lab.id),
        Some(Effect::Stopped),
        "the lost trust's pathology"
    );
    check_eq!(
        effect(ed.id),
        Some(Effect::Degraded),
        "the other trust's department"
    );
    Ok(())
}
