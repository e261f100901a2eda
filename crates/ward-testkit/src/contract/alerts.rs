//! Alerts: stored with their records and timeline, visible only where a record or the issuer lies
//! in scope, answered only inside scope and never once closed, extended without touching records
//! already there, every change audited.

use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::AlertId;
use ward_core::alert::{
    AffectedAsset, Alert, Applicability, ClockSettings, EventKind, Recipient, RecipientState, Response,
    Severity, TargetReason,
};
use ward_core::tlp::Tlp;
use ward_store::{Scope, Store, StoreError};

fn alert(issuer: ward_core::OrgId, area: Option<ward_core::OrgId>) -> Alert {
    Alert {
        id: new_id(AlertId::new_at),
        severity: Severity::High,
        title: "Log4Shell in pathology systems, \"urgent\" é".into(),
        summary: "Patch now.".into(),
        advisories: vec!["CVE-2021-44228".into()],
        actions: vec!["Upgrade log4j-core to 2.17.1".into()],
        references: vec!["https://example.org/advisory".into()],
        tlp: Tlp::AmberStrict,
        issuer,
        area,
        issued_by: "user:contract".into(),
        issued_at: at(10),
        policy: ClockSettings::default().high,
        kev_due: Some(jiff::civil::date(2021, 12, 24)),
    }
}

fn asset(name: &str) -> AffectedAsset {
    AffectedAsset {
        asset: new_id(ward_core::AssetId::new_at),
        name: name.into(),
        advisory: "CVE-2021-44228".into(),
        purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
        cpe: None,
    }
}

pub async fn alerts_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AL");
    let [national, region, icb, a, b] = fx.small_tree().await?;
    let other_region = fx
        .save_orgs(vec![fx.org(
            "R2",
            "Other region",
            ward_core::org::OrgKind::Region,
            Some(national.id),
        )?])
        .await?
        .remove(0);
    let mut cursor = AuditCursor::at_end(&store).await?;

    // A regional issuer cannot reach outside its region: nothing is stored.
    let regional = alert(region.id, Some(region.id));
    let outside = Recipient::new(&regional, other_region.id, TargetReason::Added, vec![], at(10));
    check_err!(
        store
            .create_alert(&Scope::subtree(region.id), &regional, &[outside], &fx.meta(10))
            .await,
        StoreError::NotFound { .. },
        "a record outside the issuer's scope"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    check_eq!(store.any_alert().await?, false, "no alert yet");
    let x = alert(national.id, None);
    let ra = Recipient::new(&x, a.id, TargetReason::Exposed, vec![asset("LIMS")], at(10));
    store
        .create_alert(&Scope::All, &x, std::slice::from_ref(&ra), &fx.meta(10))
        .await?;
    cursor
        .expect(&store, "issue", &[("alert.issue", Some(national.id))])
        .await?;
    check_eq!(store.any_alert().await?, true, "an alert");
    let got = store.get_alert(&Scope::All, x.id).await?;
    check_eq!(got.alert, x, "the alert reads back");
    check_eq!(got.recipients, vec![ra.clone()], "the record reads back");
    check_eq!(
        got.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EventKind::Issued, EventKind::Targeted],
        "timeline"
    );

    // Extension adds only organisations not reached yet.
    let rb = Recipient::new(&x, b.id, TargetReason::Extended, vec![asset("PAS")], at(20));
    let again = Recipient::new(&x, a.id, TargetReason::Extended, vec![], at(20));
    check_eq!(
        store
            .extend_alert(&Scope::All, x.id, &[again, rb.clone()], &fx.meta(20))
            .await?,
        1,
        "one organisation added"
    );
    check_eq!(
        store
            .extend_alert(&Scope::All, x.id, std::slice::from_ref(&rb), &fx.meta(21))
            .await?,
        0,
        "nothing new the second time"
    );
    cursor
        .expect(&store, "extend", &[("alert.extend", Some(national.id))])
        .await?;
    check_eq!(
        store.get_alert(&Scope::All, x.id).await?.recipients[0],
        ra,
        "the first record is untouched"
    );

    // Scope: trust B sees the alert, its own record and the issue, nothing of trust A.
    let scope_b = Scope::subtree(b.id);
    let seen = store.get_alert(&scope_b, x.id).await?;
    check_eq!(
        seen.recipients.iter().map(|r| r.org).collect::<Vec<_>>(),
        vec![b.id],
        "B sees only its record"
    );
    check_eq!(
        seen.events.iter().all(|e| e.org.is_none() || e.org == Some(b.id)),
        true,
        "B sees only its timeline entries"
    );
    let outsider = Scope::subtree(other_region.id);
    check_err!(
        store.get_alert(&outsider, x.id).await,
        StoreError::NotFound { .. },
        "an alert read from outside"
    );
    check_eq!(
        store
            .list_alerts(&outsider, at(30))
            .await?
            .iter()
            .filter(|s| s.alert.id == x.id)
            .count(),
        0,
        "an alert listed outside"
    );
    check_err!(
        store
            .respond_to_alert(&scope_b, x.id, a.id, &Response::Acknowledge, &fx.meta(30))
            .await,
        StoreError::NotFound { .. },
        "B answering for A"
    );

    // Answers.
    let scope_a = Scope::subtree(a.id);
    let r = store
        .respond_to_alert(
            &scope_a,
            x.id,
            a.id,
            &Response::Update {
                text: "patching tonight".into(),
            },
            &fx.meta(40),
        )
        .await?;
    check_eq!(r.acknowledged_at, Some(at(40)), "an update acknowledges");
    check_eq!(r.first_update_at, Some(at(40)), "first update");
    check_err!(
        store
            .respond_to_alert(&scope_a, x.id, a.id, &Response::Acknowledge, &fx.meta(41))
            .await,
        StoreError::Conflict(_),
        "a second acknowledgement"
    );
    store
        .respond_to_alert(
            &scope_a,
            x.id,
            a.id,
            &Response::Applicability {
                applicability: Applicability::Affected,
                reason: None,
                justification: None,
            },
            &fx.meta(42),
        )
        .await?;
    let closed = store
        .respond_to_alert(
            &scope_a,
            x.id,
            a.id,
            &Response::Close {
                reason: Some("scanner lags".into()),
            },
            &fx.meta(43),
        )
        .await?;
    check_eq!(closed.state(), RecipientState::Closed, "closed");
    check_eq!(
        closed.close_reason.as_deref(),
        Some("scanner lags"),
        "reason kept"
    );
    check_err!(
        store
            .respond_to_alert(
                &scope_a,
                x.id,
                a.id,
                &Response::Update { text: "more".into() },
                &fx.meta(44)
            )
            .await,
        StoreError::Conflict(_),
        "an answer once closed"
    );
    cursor
        .expect(
            &store,
            "answers",
            &[
                ("alert.update", Some(a.id)),
                ("alert.applicability", Some(a.id)),
                ("alert.close", Some(a.id)),
            ],
        )
        .await?;

    // Figures over the scope: the ICB sees both records, one closed; B's clocks ran out by then.
    let late = at(10 + 30 * 24 * 3600);
    let listed = store.list_alerts(&Scope::subtree(icb.id), late).await?;
    let s = listed
        .iter()
        .find(|s| s.alert.id == x.id)
        .ok_or_else(|| anyhow::anyhow!("the ICB does not list the alert"))?;
    check_eq!(
        (s.organisations, s.acknowledged, s.closed, s.overdue, s.assets),
        (2, 1, 1, 1, 2),
        "figures"
    );
    let reread = store.get_alert(&Scope::All, x.id).await?;
    check_eq!(
        reread.recipients.iter().find(|r| r.org == a.id),
        Some(&closed),
        "the answered record reads back"
    );
    Ok(())
}
