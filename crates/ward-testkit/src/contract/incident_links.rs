//! What an incident is linked to: risks in its organisation's register and exposures of its assets
//! to known advisories are stored and read back; another organisation's risk or asset, or an
//! unknown advisory, is refused as not found and nothing is written; editing the incident keeps
//! the links; the change is audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, asset, next_number};
use super::incident_tasks::incident;
use super::risks::risk;
use super::vuln::osv_advisory;
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::asset::AssetKind;
use ward_core::incident::IncidentLinks;
use ward_core::risk::register::ExposureRef;
use ward_store::{Scope, Store, StoreError};

/// The link round trip on one backend.
pub async fn incident_links_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "IL");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let owner = user("link-owner")?;
    store.create_user(&owner, &fx.meta(1)).await?;
    let own_risk = risk(a.id, owner.id, (4, 3), 5)?;
    let other_risk = risk(b.id, owner.id, (4, 3), 5)?;
    store.create_risk(&Scope::All, &own_risk, &fx.meta(5)).await?;
    store.create_risk(&Scope::All, &other_risk, &fx.meta(5)).await?;
    let server = asset(a.id, "LIMS", AssetKind::Server, vec![], vec![]);
    let other = asset(b.id, "Other trust's server", AssetKind::Server, vec![], vec![]);
    store
        .insert_assets(&Scope::All, &[server.clone(), other.clone()], &fx.meta(6))
        .await?;
    let advisory = format!("GHSA-link-{}", next_number());
    store
        .upsert_advisories(&[osv_advisory(&advisory, &[], "PyPI", "linked", 7)], &fx.meta(7))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let i = incident(a.id, owner.id);
    store.create_incident(&scope_a, &i, &fx.meta(10)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    let exposure = |asset| ExposureRef {
        advisory: advisory.clone(),
        asset,
    };
    let links = IncidentLinks {
        alerts: vec![],
        exposures: vec![exposure(server.id)],
        risks: vec![own_risk.id],
    };
    check_eq!(
        store
            .set_incident_links(&scope_a, i.id, &links, &fx.meta(20))
            .await?,
        links,
        "links stored"
    );
    cursor
        .expect(&store, "links set", &[("incident.links", Some(a.id))])
        .await?;
    // Refusals write nothing.
    for (what, bad) in [
        (
            "another trust's risk",
            IncidentLinks {
                risks: vec![own_risk.id, other_risk.id],
                ..IncidentLinks::default()
            },
        ),
        (
            "another trust's asset",
            IncidentLinks {
                exposures: vec![exposure(other.id)],
                ..IncidentLinks::default()
            },
        ),
        (
            "an unknown advisory",
            IncidentLinks {
                exposures: vec![ExposureRef {
                    advisory: "GHSA-none-such".into(),
                    asset: server.id,
                }],
                ..IncidentLinks::default()
            },
        ),
    ] {
        check_err!(
            store.set_incident_links(&scope_a, i.id, &bad, &fx.meta(21)).await,
            StoreError::NotFound { .. },
            "a link to {what}"
        );
    }
    check_err!(
        store
            .set_incident_links(
                &Scope::subtree(b.id),
                i.id,
                &IncidentLinks::default(),
                &fx.meta(21)
            )
            .await,
        StoreError::NotFound { .. },
        "links set from the sibling"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    // Editing the incident's details keeps its links.
    let mut d = i.details.clone();
    d.assets = vec![server.id];
    store.update_incident(&scope_a, i.id, &d, &fx.meta(30)).await?;
    check_eq!(
        store.incident_links(&Scope::subtree(icb.id), i.id).await?,
        links,
        "links kept through an edit, read by the ICB"
    );
    check_eq!(
        store.get_incident(&scope_a, i.id).await?.details.assets,
        vec![server.id],
        "the affected assets beside the links"
    );
    check_err!(
        store.incident_links(&Scope::subtree(b.id), i.id).await,
        StoreError::NotFound { .. },
        "links read from the sibling"
    );
    cursor
        .expect(&store, "the edit", &[("incident.update", Some(a.id))])
        .await?;
    Ok(())
}
