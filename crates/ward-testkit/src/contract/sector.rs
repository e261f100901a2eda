//! Whole-sector reads for the exposure index: the snapshot holds every organisation with its path,
//! every asset with its installed software (shared identities stored once), the services assets
//! support (directly and through dependencies) and service-to-service dependencies.

use super::fixtures::{Fixture, asset, new_id, package, service};
use crate::check_eq;
use std::collections::BTreeSet;
use std::sync::Arc;
use ward_core::asset::AssetKind;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::service::ServiceKind;
use ward_core::{AssetId, DependencyId, ServiceId};
use ward_store::{Scope, Store};

pub async fn sector_snapshot_holds_the_inventory(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SN");
    let [_n, _r, icb, a, b] = fx.small_tree().await?;
    let lab = service(a.id, "Pathology", ServiceKind::Clinical, 5)?;
    let ed = service(b.id, "Emergency department", ServiceKind::Clinical, 4)?;
    store
        .insert_services(&Scope::All, &[lab.clone(), ed.clone()], &fx.meta(70))
        .await?;
    let shared = package("snapshot-shared-lib", "1.2.3");
    let x1 = asset(
        a.id,
        "Snapshot LIMS",
        AssetKind::Server,
        vec![shared.clone(), package("snapshot-only-a", "9")],
        vec![lab.id],
    );
    let x2 = asset(
        b.id,
        "Snapshot PAS",
        AssetKind::Server,
        vec![shared.clone()],
        vec![],
    );
    store
        .insert_assets(&Scope::All, &[x1.clone(), x2.clone()], &fx.meta(71))
        .await?;
    let deps = [
        Dependency {
            id: new_id(DependencyId::new_at),
            org: b.id,
            service: ed.id,
            target: DependencyTarget::Service(lab.id),
            note: None,
        },
        Dependency {
            id: new_id(DependencyId::new_at),
            org: b.id,
            service: ed.id,
            target: DependencyTarget::Asset(x2.id),
            note: None,
        },
    ];
    store
        .insert_dependencies(&Scope::All, &deps, &fx.meta(72))
        .await?;

    let snap = store.sector_snapshot().await?;
    let org = |id| snap.orgs.iter().find(|o| o.id == id);
    let (Some(oa), Some(oicb)) = (org(a.id), org(icb.id)) else {
        anyhow::bail!("the snapshot lacks the check's organisations");
    };
    anyhow::ensure!(
        oa.path.starts_with(&oicb.path) && oa.path.ends_with(&format!("/{}/", oa.code)),
        "trust path {} is not under the ICB path {}",
        oa.path,
        oicb.path
    );
    let find_asset = |id: AssetId| snap.assets.iter().position(|x| x.id == id);
    let (Some(i1), Some(i2)) = (find_asset(x1.id), find_asset(x2.id)) else {
        anyhow::bail!("the snapshot lacks the check's assets");
    };
    check_eq!(snap.orgs[snap.assets[i1].org as usize].id, a.id, "asset owner");
    let software_of = |i: usize| -> BTreeSet<(String, String)> {
        snap.installs
            .iter()
            .filter(|(x, _)| *x as usize == i)
            .map(|(_, s)| {
                let s = &snap.software[*s as usize];
                (s.name.clone(), s.version.clone())
            })
            .collect()
    };
    check_eq!(
        software_of(i1),
        BTreeSet::from([
            ("snapshot-only-a".to_owned(), "9".to_owned()),
            ("snapshot-shared-lib".to_owned(), "1.2.3".to_owned())
        ]),
        "LIMS software"
    );
    check_eq!(
        software_of(i2),
        BTreeSet::from([("snapshot-shared-lib".to_owned(), "1.2.3".to_owned())]),
        "PAS software"
    );
    let shared_entries = snap
        .software
        .iter()
        .filter(|s| s.name == "snapshot-shared-lib")
        .count();
    check_eq!(shared_entries, 1, "a shared identity is listed once");
    let supports: BTreeSet<(AssetId, ServiceId)> = snap
        .asset_services
        .iter()
        .filter(|(x, _)| *x == x1.id || *x == x2.id)
        .copied()
        .collect();
    check_eq!(
        supports,
        BTreeSet::from([(x1.id, lab.id), (x2.id, ed.id)]),
        "assets' services, from their lists and from dependencies"
    );
    anyhow::ensure!(
        snap.service_dependencies.contains(&(ed.id, lab.id)),
        "the emergency department's dependency on pathology is in the snapshot"
    );
    anyhow::ensure!(
        snap.services
            .iter()
            .any(|s| s.id == lab.id && s.criticality.value() == 5),
        "services carry their criticality"
    );

    // Threat data: whatever the store holds, withdrawn advisories left out.
    let threats = store.threat_snapshot().await?;
    anyhow::ensure!(
        threats.advisories.iter().all(|a| a.withdrawn.is_none()),
        "withdrawn advisories are left out"
    );
    let totals = store.vuln_totals().await?;
    check_eq!(threats.kev.len() as u64, totals.kev, "every KEV entry");
    check_eq!(threats.epss.len() as u64, totals.epss, "every EPSS score");
    check_eq!(
        threats.advisories.len() as u64,
        totals.advisories - totals.withdrawn,
        "every current advisory"
    );
    check_eq!(threats.vex.len() as u64, totals.vex, "every VEX statement");
    check_eq!(
        threats.eol.len() as u64,
        totals.eol_products,
        "every end-of-life product"
    );
    Ok(())
}
