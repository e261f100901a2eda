//! Risk registers: created only in scope and with links to the organisation's own things, read
//! back equal, invisible outside scope, an acceptance approved only by someone other than the
//! owner and lost when the score changes, filters and roll-ups set-based, the vocabulary extended
//! once per code; every change audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, asset, at, new_id, service};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::RiskId;
use ward_core::asset::AssetKind;
use ward_core::org::OrgKind;
use ward_core::risk::register::{
    ConsequenceDomain, Control, ExposureRef, Risk, RiskDetails, RiskLinks, RiskScore, Treatment,
};
use ward_core::risk::vocabulary::{VocabularyEntry, VocabularyKind};
use ward_core::risk::{Consequence, Likelihood, RiskGrade};
use ward_core::service::ServiceKind;
use ward_store::risks::RiskFilter;
use ward_store::{Scope, Store, StoreError};

fn score(c: u8, l: u8) -> anyhow::Result<RiskScore> {
    Ok(RiskScore::patient_safety(
        Consequence::new(c)?,
        Likelihood::new(l)?,
    ))
}

pub(super) fn risk(
    org: ward_core::OrgId,
    owner: ward_core::UserId,
    current: (u8, u8),
    secs: i64,
) -> anyhow::Result<Risk> {
    let mut cur = score(current.0, current.1)?;
    cur.consequences
        .insert(ConsequenceDomain::Finance, Consequence::new(current.0)?);
    Ok(Risk {
        id: new_id(RiskId::new_at),
        org,
        details: RiskDetails {
            title: "Ransomware through a supplier, \"quoted\" é".into(),
            description: "line one\nline two".into(),
            source: "external-compromised-supplier".into(),
            event: "malware-ransomware".into(),
            consequence: "service-disruption".into(),
            inherent: score(5, 5)?,
            current: cur,
            target: score(1, 1)?,
            owner,
            review_date: jiff::civil::date(2026, 3, 31),
            treatment: Treatment::Reduce,
            treatment_plan: "Segment the network".into(),
            controls: vec![Control {
                description: "Offline backups".into(),
                caf_outcome: Some("B5.c".into()),
            }],
            links: RiskLinks::default(),
        },
        acceptance: None,
        created_at: at(secs),
        updated_at: at(secs),
    })
}

/// The whole register round trip on one backend.
pub async fn risks_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "RK");
    let [national, region, icb, a, b] = fx.small_tree().await?;
    let supplier = fx
        .save_orgs(vec![fx.org("S", "Supplier", OrgKind::Supplier, None)?])
        .await?
        .remove(0);
    let owner = user("risk-owner")?;
    let approver = user("risk-approver")?;
    store.create_user(&owner, &fx.meta(1)).await?;
    store.create_user(&approver, &fx.meta(1)).await?;
    let svc = service(a.id, "Pathology", ServiceKind::Clinical, 4)?;
    store
        .insert_services(&Scope::All, std::slice::from_ref(&svc), &fx.meta(1))
        .await?;
    let server = asset(a.id, "LIMS", AssetKind::Server, vec![], vec![]);
    let other = asset(b.id, "Other trusts server", AssetKind::Server, vec![], vec![]);
    store
        .insert_assets(&Scope::All, &[server.clone(), other.clone()], &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    let mut r1 = risk(a.id, owner.id, (4, 4), 10)?;
    r1.details.links = RiskLinks {
        assets: vec![server.id],
        services: vec![svc.id],
        suppliers: vec![supplier.id],
        exposures: vec![ExposureRef {
            advisory: "CVE-2021-44228".into(),
            asset: server.id,
        }],
    };
    store.create_risk(&scope_a, &r1, &fx.meta(10)).await?;
    let r2 = risk(a.id, owner.id, (2, 2), 11)?;
    store.create_risk(&scope_a, &r2, &fx.meta(11)).await?;
    let r3 = risk(b.id, owner.id, (3, 5), 12)?;
    store
        .create_risk(&Scope::subtree(b.id), &r3, &fx.meta(12))
        .await?;
    cursor
        .expect(
            &store,
            "creates",
            &[
                ("risk.create", Some(a.id)),
                ("risk.create", Some(a.id)),
                ("risk.create", Some(b.id)),
            ],
        )
        .await?;
    check_eq!(store.get_risk(&scope_a, r1.id).await?, r1, "read back equal");

    // Refusals write nothing.
    check_err!(
        store
            .create_risk(&scope_a, &risk(b.id, owner.id, (1, 1), 13)?, &fx.meta(13))
            .await,
        StoreError::NotFound { .. },
        "a risk for an organisation outside the scope"
    );
    let mut foreign_link = risk(a.id, owner.id, (1, 1), 13)?;
    foreign_link.details.links.assets = vec![other.id];
    check_err!(
        store.create_risk(&scope_a, &foreign_link, &fx.meta(13)).await,
        StoreError::Invalid(_),
        "a link to another organisation's asset"
    );
    foreign_link.details.links = RiskLinks {
        suppliers: vec![b.id],
        ..RiskLinks::default()
    };
    check_err!(
        store.create_risk(&scope_a, &foreign_link, &fx.meta(13)).await,
        StoreError::Invalid(_),
        "a supplier link to an organisation that is not a supplier"
    );
    check_err!(
        store.get_risk(&Scope::subtree(b.id), r1.id).await,
        StoreError::NotFound { .. },
        "read from the sibling"
    );
    check_err!(
        store
            .update_risk(&Scope::subtree(b.id), r1.id, &r1.details, &fx.meta(13))
            .await,
        StoreError::NotFound { .. },
        "edit from the sibling"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    // Lists: scope, order, filters.
    let ids = |v: Vec<Risk>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    check_eq!(
        ids(store.list_risks(&scope_a, &RiskFilter::default()).await?),
        vec![r1.id, r2.id],
        "highest score first, own organisation only"
    );
    check_eq!(
        ids(store
            .list_risks(&Scope::subtree(icb.id), &RiskFilter::default())
            .await?),
        vec![r1.id, r3.id, r2.id],
        "the ICB sees both trusts"
    );
    let high = RiskFilter {
        grade: Some(RiskGrade::Extreme),
        org: Some(a.id),
        ..RiskFilter::default()
    };
    check_eq!(
        ids(store.list_risks(&Scope::All, &high).await?),
        vec![r1.id],
        "grade and organisation filter"
    );
    let overdue = RiskFilter {
        review_before: Some(jiff::civil::date(2026, 4, 1)),
        org: Some(icb.id),
        ..RiskFilter::default()
    };
    check_eq!(
        store.list_risks(&Scope::All, &overdue).await?.len(),
        3,
        "review before a day"
    );
    let not_yet = RiskFilter {
        review_before: Some(jiff::civil::date(2026, 3, 31)),
        ..overdue
    };
    check_eq!(
        store.list_risks(&Scope::All, &not_yet).await?.len(),
        0,
        "due on the day is not overdue"
    );

    // Acceptance: never by the owner; lost when the current score changes.
    let mut accepted = r2.details.clone();
    accepted.treatment = Treatment::Accept;
    store
        .update_risk(&scope_a, r2.id, &accepted, &fx.meta(14))
        .await?;
    check_err!(
        store.approve_risk(&scope_a, r2.id, owner.id, &fx.meta(15)).await,
        StoreError::Invalid(_),
        "the owner approving its own acceptance"
    );
    let approved = store
        .approve_risk(&scope_a, r2.id, approver.id, &fx.meta(16))
        .await?;
    check_eq!(
        approved.acceptance.as_ref().map(|x| x.approver),
        Some(approver.id),
        "approved"
    );
    check_eq!(
        store.get_risk(&scope_a, r2.id).await?,
        approved,
        "approval stored"
    );
    check_err!(
        store
            .approve_risk(&scope_a, r2.id, approver.id, &fx.meta(17))
            .await,
        StoreError::Invalid(_),
        "approved twice"
    );
    let mut rescored = accepted.clone();
    rescored.current = score(3, 2)?;
    let after = store
        .update_risk(&scope_a, r2.id, &rescored, &fx.meta(18))
        .await?;
    check_eq!(after.acceptance, None, "a new score needs approval again");
    check_eq!(after.updated_at, at(18), "updated at the change");
    let mut unlinked = r1.details.clone();
    unlinked.links = RiskLinks::default();
    let after = store
        .update_risk(&scope_a, r1.id, &unlinked, &fx.meta(19))
        .await?;
    check_eq!(store.get_risk(&scope_a, r1.id).await?, after, "links removed");
    cursor
        .expect(
            &store,
            "changes",
            &[
                ("risk.update", Some(a.id)),
                ("risk.approve", Some(a.id)),
                ("risk.update", Some(a.id)),
                ("risk.update", Some(a.id)),
            ],
        )
        .await?;

    // Roll-up: own counts per organisation, and ICB, region and nation counting everything below.
    let (own, up) = store.risk_grade_counts(&Scope::subtree(national.id)).await?;
    let of = |v: &[ward_store::risks::GradeCount], org: ward_core::OrgId| {
        let mut x: Vec<(RiskGrade, u64)> = v
            .iter()
            .filter(|c| c.org == org)
            .map(|c| (c.grade, c.risks))
            .collect();
        x.sort();
        x
    };
    check_eq!(
        of(&own, a.id),
        vec![(RiskGrade::Moderate, 1), (RiskGrade::Extreme, 1)],
        "trust A's own"
    );
    let all = vec![(RiskGrade::Moderate, 1), (RiskGrade::Extreme, 2)];
    check_eq!(of(&up, icb.id), all.clone(), "the ICB");
    check_eq!(of(&up, region.id), all.clone(), "the region");
    check_eq!(of(&up, national.id), all, "the nation");
    check_eq!(of(&up, a.id), vec![], "trusts are not roll-up levels");
    let (own_b, up_b) = store.risk_grade_counts(&Scope::subtree(b.id)).await?;
    check_eq!(own_b.len(), 1, "trust B sees its own only");
    check_eq!(up_b.len(), 0, "and no level above it");

    // Names shown beside risks, in one read; unknown accounts left out.
    let names = store
        .people_names(&[owner.id, approver.id, new_id(ward_core::UserId::new_at)])
        .await?;
    check_eq!(names.len(), 2, "two known accounts");
    check_eq!(
        names.get(&owner.id).map(String::as_str),
        Some(owner.display_name.as_str()),
        "the owner's name"
    );

    let labels = store.org_labels(&ward_store::Scope::All, &[a.id, b.id]).await?;
    check_eq!(
        labels.get(&a.id).map(|l| l.1.as_str()),
        Some("Trust A"),
        "an organisation's name"
    );

    // Vocabulary.
    let entry = VocabularyEntry {
        kind: VocabularyKind::Event,
        code: format!("contract-event-{}", super::fixtures::next_number()),
        label: "Contract event".into(),
        built_in: false,
    };
    store.add_risk_vocabulary(&entry, &fx.meta(20)).await?;
    check_err!(
        store.add_risk_vocabulary(&entry, &fx.meta(21)).await,
        StoreError::Conflict(_),
        "the same code twice"
    );
    check_eq!(
        store.risk_vocabulary().await?.contains(&entry),
        true,
        "the entry is listed"
    );
    cursor
        .expect(&store, "vocabulary", &[("risk_vocabulary.add", None)])
        .await?;
    Ok(())
}
