//! Deployments: created with their responder grant in one transaction and only for an incident in
//! scope (a refusal leaves no grant), read and listed only in scope, ended early once (the grant's
//! expiry moves to the end), and the free pool; every change audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::Severity;
use ward_core::deployment::Deployment;
use ward_core::incident::{Incident, IncidentDetails, IncidentStatus, NcscCategory};
use ward_core::risk::Consequence;
use ward_core::role::{Role, RoleGrant};
use ward_core::tlp::Tlp;
use ward_core::{DeploymentId, GrantId, IncidentId, OrgId, UserId};
use ward_store::{Scope, Store, StoreError};

fn incident(org: OrgId, author: UserId) -> Incident {
    Incident {
        id: new_id(IncidentId::new_at),
        org,
        details: IncidentDetails {
            title: "Worm".into(),
            category: NcscCategory::Substantial,
            severity: Severity::High,
            tlp: Tlp::Amber,
            status: IncidentStatus::Open,
            impact: String::new(),
            resolution: String::new(),
            patient_harm: Consequence::MAJOR,
            services: vec![],
            assets: vec![],
            suppliers: vec![],
            occurred_at: None,
            detected_at: at(10),
            reported_at: None,
            nis_applies: true,
            ico_applies: true,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: None,
            recovered_at: None,
        },
        created_by: author,
        created_at: at(10),
        updated_at: at(10),
    }
}

fn deployment(i: &Incident, responder: UserId, ends: i64) -> (Deployment, RoleGrant) {
    let grant = RoleGrant {
        id: new_id(GrantId::new_at),
        user: responder,
        role: Role::IncidentResponder,
        org: i.org,
        created_at: at(20),
        expires_at: Some(at(ends)),
        granted_by: None,
    };
    let d = Deployment {
        id: new_id(DeploymentId::new_at),
        incident: i.id,
        org: i.org,
        responder,
        grant: grant.id,
        starts_at: at(20),
        ends_at: at(ends),
        ended_at: None,
        deployed_by: None,
        created_at: at(20),
    };
    (d, grant)
}

/// The deployment round trip on one backend.
pub async fn deployments_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "DP");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let author = user("deploy-author")?;
    let responder = user("deploy-responder")?;
    let idle = user("deploy-idle")?;
    for u in [&author, &responder, &idle] {
        store.create_user(u, &fx.meta(1)).await?;
    }
    let ia = incident(a.id, author.id);
    let ib = incident(b.id, author.id);
    store.create_incident(&Scope::All, &ia, &fx.meta(2)).await?;
    store.create_incident(&Scope::All, &ib, &fx.meta(2)).await?;
    // The idle person was a responder before, at the sibling trust: in the pool.
    let (_, old) = deployment(&ib, idle.id, 15);
    let old = RoleGrant {
        created_at: at(5),
        ..old
    };
    store.add_grant(&old, &fx.meta(3)).await?;
    let scope_a = Scope::subtree(a.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Refused: the incident outside the scope, and a grant that does not match the deployment.
    let (d_out, g_out) = deployment(&ib, responder.id, 1000);
    check_err!(
        store
            .create_deployment(&scope_a, &d_out, &g_out, &fx.meta(20))
            .await,
        StoreError::NotFound { .. },
        "a deployment for an incident outside the scope"
    );
    let (d_bad, mut g_bad) = deployment(&ia, responder.id, 1000);
    g_bad.role = Role::OrgAdmin;
    check_err!(
        store
            .create_deployment(&scope_a, &d_bad, &g_bad, &fx.meta(20))
            .await,
        StoreError::Invalid(_),
        "a grant that is not the deployment's"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;
    check_eq!(
        store.grants_of(responder.id).await?,
        vec![],
        "refusals grant nothing"
    );

    let (d, g) = deployment(&ia, responder.id, 1000);
    store.create_deployment(&scope_a, &d, &g, &fx.meta(20)).await?;
    cursor
        .expect(
            &store,
            "create",
            &[("grant.add", Some(a.id)), ("deployment.create", Some(a.id))],
        )
        .await?;
    check_eq!(
        store.grants_of(responder.id).await?,
        vec![g.clone()],
        "the grant is stored with the deployment"
    );
    check_eq!(store.get_deployment(&scope_a, d.id).await?, d, "read back equal");
    check_err!(
        store.get_deployment(&Scope::subtree(b.id), d.id).await,
        StoreError::NotFound { .. },
        "deployment read from the sibling"
    );
    check_eq!(
        store.list_deployments(&Scope::subtree(icb.id)).await?,
        vec![d.clone()],
        "the ICB lists it"
    );
    check_eq!(
        store.list_deployments(&Scope::subtree(b.id)).await?,
        vec![],
        "the sibling lists nothing"
    );
    let free =
        |v: Vec<ward_store::deployments::FreeResponder>| v.into_iter().map(|f| f.user).collect::<Vec<_>>();
    check_eq!(
        free(store.free_responders(&Scope::subtree(icb.id), at(30)).await?),
        vec![idle.id],
        "the deployed responder is not free; the former one is"
    );
    check_eq!(
        free(store.free_responders(&scope_a, at(30)).await?),
        vec![],
        "the pool is what is in scope"
    );

    // Ending: not from the sibling, once, and the grant ends with it.
    check_err!(
        store
            .end_deployment(&Scope::subtree(b.id), d.id, &fx.meta(40))
            .await,
        StoreError::NotFound { .. },
        "ending from the sibling"
    );
    let ended = store.end_deployment(&scope_a, d.id, &fx.meta(40)).await?;
    check_eq!(ended.ended_at, Some(at(40)), "ended now");
    check_eq!(
        store.get_deployment(&scope_a, d.id).await?,
        ended,
        "end read back"
    );
    let grants = store.grants_of(responder.id).await?;
    check_eq!(grants.len(), 1, "the grant is kept as a record");
    check_eq!(grants[0].expires_at, Some(at(40)), "the grant expires at the end");
    check_err!(
        store.end_deployment(&scope_a, d.id, &fx.meta(41)).await,
        StoreError::Conflict(_),
        "ending twice"
    );
    cursor
        .expect(
            &store,
            "end",
            &[("deployment.end", Some(a.id)), ("grant.end", Some(a.id))],
        )
        .await?;
    check_eq!(
        free(store.free_responders(&Scope::subtree(icb.id), at(50)).await?),
        vec![idle.id, responder.id],
        "free again after the end (by name)"
    );
    Ok(())
}
