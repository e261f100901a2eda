//! Technology assessments: a request moved through its statuses by the one rule, findings (an
//! exposure naming the organisation's own assets; a risk written to the register in the same
//! transaction), a remediation plan that moves reported findings to remediating and blocks closing
//! while open unless a reason is recorded; every change audited; nothing readable or writable
//! outside the scope.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, asset, at, new_id};
use super::risks::risk;
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::Severity;
use ward_core::asset::AssetKind;
use ward_core::org::OrgKind;
use ward_core::tech_assessment::{
    FindingKind, RemediationAction, RemediationStatus, StatusChange, TechAssessment, TechFinding, TechKind,
    TechPriority, TechStatus,
};
use ward_core::{OrgId, RemediationActionId, TechAssessmentId, TechFindingId};
use ward_store::tech_assessments::TechAssessmentFilter;
use ward_store::{Scope, Store, StoreError};

fn request(org: OrgId, supplier: Option<OrgId>, secs: i64) -> TechAssessment {
    TechAssessment {
        id: new_id(TechAssessmentId::new_at),
        org,
        technology: "Infusion pump \"XR-200\", é".into(),
        kind: TechKind::MedicalDevice,
        supplier,
        product: None,
        description: "Pumps for the critical care unit".into(),
        wanted_by: Some(jiff::civil::date(2026, 12, 1)),
        status: TechStatus::Requested,
        priority: None,
        assessor: None,
        reason: None,
        requested_by: None,
        created_at: at(secs),
        updated_at: at(secs),
    }
}

fn to(status: TechStatus) -> StatusChange {
    StatusChange {
        to: status,
        priority: None,
        assessor: None,
        reason: None,
    }
}

/// The whole life of a request on one backend.
pub async fn tech_assessments_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "TQ");
    let [_, region, _, a, b] = fx.small_tree().await?;
    let supplier = fx
        .save_orgs(vec![fx.org("S", "Pump Supplier", OrgKind::Supplier, None)?])
        .await?
        .remove(0);
    let assessor = user("tech-assessor")?;
    let owner = user("tech-risk-owner")?;
    store.create_user(&assessor, &fx.meta(1)).await?;
    store.create_user(&owner, &fx.meta(1)).await?;
    let pump = asset(a.id, "Pump gateway", AssetKind::MedicalDevice, vec![], vec![]);
    let other = asset(b.id, "Trust B gateway", AssetKind::MedicalDevice, vec![], vec![]);
    store
        .insert_assets(&Scope::All, &[pump.clone(), other.clone()], &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let scope_b = Scope::subtree(b.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Asked for by the organisation; a supplier that is not one, or another's organisation, refused.
    let r = request(a.id, Some(supplier.id), 10);
    check_err!(
        store.create_tech_assessment(&scope_b, &r, &fx.meta(10)).await,
        StoreError::NotFound { .. },
        "a request for an organisation outside the scope"
    );
    check_err!(
        store
            .create_tech_assessment(&scope_a, &request(a.id, Some(b.id), 10), &fx.meta(10))
            .await,
        StoreError::Invalid(_),
        "a supplier that is a trust"
    );
    store.create_tech_assessment(&scope_a, &r, &fx.meta(10)).await?;
    cursor
        .expect(&store, "request", &[("tech_assessment.request", Some(a.id))])
        .await?;
    let read = store.tech_assessment(&Scope::subtree(region.id), r.id).await?;
    check_eq!(read.assessment, r, "the request reads back whole in the region");
    check_err!(
        store.tech_assessment(&scope_b, r.id).await,
        StoreError::NotFound { .. },
        "another trust reads the request"
    );
    let listed = store
        .tech_assessments(&scope_a, &TechAssessmentFilter::default())
        .await?;
    check_eq!(
        listed.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![r.id],
        "listed in scope"
    );
    check_eq!(
        store
            .tech_assessments(&scope_b, &TechAssessmentFilter::default())
            .await?
            .len(),
        0,
        "nothing listed outside the scope"
    );
    check_eq!(
        store
            .tech_assessments(
                &scope_a,
                &TechAssessmentFilter {
                    status: Some(TechStatus::Closed)
                }
            )
            .await?
            .len(),
        0,
        "filtered by status"
    );

    // Out of order, and without what triage needs: refused, nothing written.
    check_err!(
        store
            .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::Closed), &fx.meta(11))
            .await,
        StoreError::Conflict(_),
        "closing a request that was never assessed"
    );
    check_err!(
        store
            .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::Triaged), &fx.meta(11))
            .await,
        StoreError::Invalid(_),
        "triage without priority or assessor"
    );
    let triage = StatusChange {
        priority: Some(TechPriority::High),
        assessor: Some(assessor.id),
        ..to(TechStatus::Triaged)
    };
    check_err!(
        store
            .change_tech_assessment_status(&scope_b, r.id, &triage, &fx.meta(12))
            .await,
        StoreError::NotFound { .. },
        "triage from outside the scope"
    );
    let triaged = store
        .change_tech_assessment_status(&Scope::All, r.id, &triage, &fx.meta(12))
        .await?;
    check_eq!(
        (triaged.status, triaged.priority, triaged.assessor),
        (TechStatus::Triaged, Some(TechPriority::High), Some(assessor.id)),
        "triaged"
    );
    let finding = TechFinding {
        id: new_id(TechFindingId::new_at),
        assessment: r.id,
        org: a.id,
        title: "Default credentials on the gateway".into(),
        severity: Severity::High,
        description: "The vendor account is enabled".into(),
        kind: FindingKind::Exposure,
        advisory: Some("CVE-2021-44228".into()),
        assets: vec![pump.id],
        risk: None,
        recorded_by: Some(assessor.id),
        created_at: at(13),
    };
    check_err!(
        store
            .add_tech_finding(&Scope::All, &finding, None, &fx.meta(13))
            .await,
        StoreError::Conflict(_),
        "a finding before the assessment starts"
    );
    store
        .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::InAssessment), &fx.meta(14))
        .await?;
    cursor
        .expect(
            &store,
            "triage and start",
            &[
                ("tech_assessment.status", Some(a.id)),
                ("tech_assessment.status", Some(a.id)),
            ],
        )
        .await?;

    // Findings: another trust's assets refused; a risk finding writes the risk too.
    let foreign = TechFinding {
        id: new_id(TechFindingId::new_at),
        assets: vec![other.id],
        ..finding.clone()
    };
    check_err!(
        store
            .add_tech_finding(&Scope::All, &foreign, None, &fx.meta(15))
            .await,
        StoreError::Invalid(_),
        "a finding naming another trust's asset"
    );
    store
        .add_tech_finding(&Scope::All, &finding, None, &fx.meta(15))
        .await?;
    let raised = risk(a.id, owner.id, (4, 3), 16)?;
    let as_risk = TechFinding {
        id: new_id(TechFindingId::new_at),
        kind: FindingKind::Risk,
        advisory: None,
        assets: vec![],
        risk: Some(raised.id),
        created_at: at(16),
        ..finding.clone()
    };
    store
        .add_tech_finding(&Scope::All, &as_risk, Some(&raised), &fx.meta(16))
        .await?;
    cursor
        .expect(
            &store,
            "findings",
            &[
                ("tech_assessment.finding", Some(a.id)),
                ("risk.create", Some(a.id)),
                ("tech_assessment.finding", Some(a.id)),
            ],
        )
        .await?;
    check_eq!(
        store.get_risk(&scope_a, raised.id).await?.details.title,
        raised.details.title,
        "the risk is in the organisation's register"
    );
    let record = store.tech_assessment(&scope_a, r.id).await?;
    check_eq!(
        record.findings,
        vec![finding.clone(), as_risk.clone()],
        "findings read back in order"
    );

    // The plan: only once findings are reported; the first action moves it to remediating.
    let action = RemediationAction {
        id: new_id(RemediationActionId::new_at),
        assessment: r.id,
        org: a.id,
        title: "Disable the vendor account".into(),
        owner: "Head of clinical engineering".into(),
        due: jiff::civil::date(2026, 10, 1),
        status: RemediationStatus::Open,
        created_at: at(17),
        updated_at: at(17),
    };
    check_err!(
        store
            .add_remediation_action(&scope_a, &action, &fx.meta(17))
            .await,
        StoreError::Conflict(_),
        "an action before findings are reported"
    );
    store
        .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::FindingsReported), &fx.meta(18))
        .await?;
    check_err!(
        store
            .add_remediation_action(&scope_b, &action, &fx.meta(19))
            .await,
        StoreError::NotFound { .. },
        "an action added from outside the scope"
    );
    let after = store
        .add_remediation_action(&scope_a, &action, &fx.meta(19))
        .await?;
    check_eq!(
        after.status,
        TechStatus::Remediating,
        "the first action starts remediation"
    );
    check_err!(
        store
            .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::Closed), &fx.meta(20))
            .await,
        StoreError::Invalid(_),
        "closing with an open action and no reason"
    );
    check_err!(
        store
            .set_remediation_status(&scope_b, r.id, action.id, RemediationStatus::Done, &fx.meta(21))
            .await,
        StoreError::NotFound { .. },
        "marking another trust's action done"
    );
    let done = store
        .set_remediation_status(&scope_a, r.id, action.id, RemediationStatus::Done, &fx.meta(21))
        .await?;
    check_eq!(
        (done.status, done.updated_at),
        (RemediationStatus::Done, at(21)),
        "done"
    );
    let closed = store
        .change_tech_assessment_status(&Scope::All, r.id, &to(TechStatus::Closed), &fx.meta(22))
        .await?;
    check_eq!(
        (closed.status, closed.reason),
        (TechStatus::Closed, None),
        "closed once done"
    );
    check_err!(
        store
            .set_remediation_status(&scope_a, r.id, action.id, RemediationStatus::Open, &fx.meta(23))
            .await,
        StoreError::Conflict(_),
        "reopening an action of a closed request"
    );
    cursor
        .expect(
            &store,
            "plan and close",
            &[
                ("tech_assessment.status", Some(a.id)),
                ("tech_assessment.action", Some(a.id)),
                ("tech_assessment.action_status", Some(a.id)),
                ("tech_assessment.status", Some(a.id)),
            ],
        )
        .await?;

    // Closing with an action still open, with the reason recorded.
    let second = request(a.id, None, 30);
    store
        .create_tech_assessment(&scope_a, &second, &fx.meta(30))
        .await?;
    store
        .change_tech_assessment_status(&Scope::All, second.id, &triage, &fx.meta(31))
        .await?;
    for (s, status) in [(32, TechStatus::InAssessment), (33, TechStatus::FindingsReported)] {
        store
            .change_tech_assessment_status(&Scope::All, second.id, &to(status), &fx.meta(s))
            .await?;
    }
    let open = RemediationAction {
        id: new_id(RemediationActionId::new_at),
        assessment: second.id,
        ..action.clone()
    };
    store
        .add_remediation_action(&Scope::All, &open, &fx.meta(34))
        .await?;
    let with_reason = StatusChange {
        reason: Some("The trust chose another product".into()),
        ..to(TechStatus::Closed)
    };
    let closed = store
        .change_tech_assessment_status(&Scope::All, second.id, &with_reason, &fx.meta(35))
        .await?;
    check_eq!(
        (closed.status, closed.reason.as_deref()),
        (TechStatus::Closed, Some("The trust chose another product")),
        "closed with the reason recorded"
    );
    let listed = store
        .tech_assessments(&scope_a, &TechAssessmentFilter::default())
        .await?;
    check_eq!(
        listed.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![second.id, r.id],
        "newest first"
    );
    Ok(())
}
