//! What a supplier sees of its advisories: aggregate acknowledgement and remediation across the
//! organisations its alert reached, and the names only of organisations whose admins agreed to be
//! named to suppliers ([`App::set_naming_consent`]). The national team sees every advisory,
//! embargoed too, and every name.

use serde::Serialize;
use ward_core::OrgId;
use ward_core::alert::{Applicability, Recipient};
use ward_core::supplier::advisory::{AdvisoryState, NamingConsent, SupplierAdvisory};
use ward_store::Scope;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;
use crate::exposure::view::OrgRef;

/// Counts over the organisations an advisory's alert reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub targeted: u64,
    pub acknowledged: u64,
    pub not_affected: u64,
    /// Closed as remediated (not counting those that said they were not affected).
    pub remediated: u64,
    /// With a clock run out and no answer to it.
    pub overdue: u64,
}

impl Progress {
    /// The counts of `recipients` at `now`.
    pub fn of(recipients: &[Recipient], now: jiff::Timestamp) -> Self {
        let mut p = Self::default();
        for r in recipients {
            p.targeted += 1;
            if r.acknowledged_at.is_some() {
                p.acknowledged += 1;
            }
            let not_affected = r.applicability == Some(Applicability::NotAffected);
            if not_affected {
                p.not_affected += 1;
            } else if r.closed_at.is_some() {
                p.remediated += 1;
            }
            if !r.overdue(now).is_empty() {
                p.overdue += 1;
            }
        }
        p
    }
}

/// One organisation that may be named, and where it stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedCustomer {
    pub org: OrgRef,
    pub acknowledged: bool,
    pub not_affected: bool,
    pub remediated: bool,
    pub overdue: bool,
}

/// One advisory as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AdvisoryProgress {
    pub advisory: SupplierAdvisory,
    pub supplier: OrgRef,
    pub state: AdvisoryState,
    pub progress: Progress,
    /// Organisations named: those that agreed (for the national team, every one).
    pub named: Vec<NamedCustomer>,
    /// Organisations reached but not named because they have not agreed.
    pub unnamed: u64,
}

impl App {
    /// The advisories the caller may see (a supplier contact: its own), newest first, each with
    /// its progress.
    pub async fn supplier_advisories(&self, actor: &Actor) -> AppResult<Vec<AdvisoryProgress>> {
        let scope = authorise(actor, Action::ReadSupplierAdvisories, self.now())?;
        let mut out = Vec::new();
        for a in self.store().list_supplier_advisories(&scope).await? {
            out.push(self.progress_of(&scope, a).await?);
        }
        Ok(out)
    }

    /// One advisory and its progress; not found outside the caller's scope.
    pub async fn supplier_advisory(&self, actor: &Actor, id: &str) -> AppResult<AdvisoryProgress> {
        let scope = authorise(actor, Action::ReadSupplierAdvisories, self.now())?;
        let a = self.store().get_supplier_advisory(&scope, id).await?;
        self.progress_of(&scope, a).await
    }

    async fn progress_of(&self, scope: &Scope, a: SupplierAdvisory) -> AppResult<AdvisoryProgress> {
        let now = self.now();
        let index = self.exposure_index().await?;
        let recipients = match a.alert {
            // The records are read whole (a system read): the caller's scope was decided on the
            // advisory, and what it sees of them is decided below.
            Some(alert) => self.store().get_alert(&Scope::All, alert).await?.recipients,
            None => Vec::new(),
        };
        let progress = Progress::of(&recipients, now);
        let orgs: Vec<OrgId> = recipients.iter().map(|r| r.org).collect();
        let everyone = matches!(scope, Scope::All);
        let consenting = if everyone {
            orgs.clone()
        } else {
            self.store().orgs_consenting_to_be_named(&orgs).await?
        };
        let named: Vec<NamedCustomer> = recipients
            .iter()
            .filter(|r| consenting.contains(&r.org))
            .map(|r| NamedCustomer {
                org: index.org_ref_of(r.org),
                acknowledged: r.acknowledged_at.is_some(),
                not_affected: r.applicability == Some(Applicability::NotAffected),
                remediated: r.closed_at.is_some() && r.applicability != Some(Applicability::NotAffected),
                overdue: !r.overdue(now).is_empty(),
            })
            .collect();
        Ok(AdvisoryProgress {
            supplier: index.org_ref_of(a.supplier),
            state: a.state(),
            unnamed: progress.targeted - named.len() as u64,
            advisory: a,
            progress,
            named,
        })
    }

    /// An organisation's admin chooses whether suppliers may see its name (audited as
    /// `org.naming_consent`).
    pub async fn set_naming_consent(
        &self,
        actor: &Actor,
        org: OrgId,
        may_be_named: bool,
    ) -> AppResult<NamingConsent> {
        let now = self.now();
        let scope = authorise_on(self.store(), actor, Action::SetNamingConsent, org, now).await?;
        let consent = NamingConsent {
            org,
            may_be_named,
            changed_by: actor.audit_actor().principal,
            changed_at: now,
        };
        self.store()
            .set_naming_consent(&scope, &consent, &actor.audit(now))
            .await?;
        Ok(consent)
    }

    /// The organisation's current choice (not named unless it agreed), for its admins.
    pub async fn naming_consent(&self, actor: &Actor, org: OrgId) -> AppResult<NamingConsent> {
        let now = self.now();
        authorise_on(self.store(), actor, Action::SetNamingConsent, org, now).await?;
        Ok(self.store().naming_consent(org).await?.unwrap_or(NamingConsent {
            org,
            may_be_named: false,
            changed_by: String::new(),
            changed_at: jiff::Timestamp::UNIX_EPOCH,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::alert::{Alert, ClockPolicy, Severity, TargetReason};
    use ward_core::tlp::Tlp;

    #[test]
    fn progress_counts_each_answer_once() {
        let at: jiff::Timestamp = "2026-06-01T09:00:00Z".parse().unwrap();
        let alert = Alert {
            id: ward_core::AlertId::from_uuid(uuid::Uuid::nil()),
            severity: Severity::High,
            title: "t".into(),
            summary: String::new(),
            advisories: vec![],
            actions: vec![],
            references: vec![],
            tlp: Tlp::Amber,
            issuer: OrgId::from_uuid(uuid::Uuid::nil()),
            area: None,
            issued_by: "user:x".into(),
            issued_at: at,
            policy: ClockPolicy {
                acknowledge_hours: 48,
                first_update_hours: 72,
                remediate_days: 14,
            },
            kev_due: None,
        };
        let org = |n: u128| OrgId::from_uuid(uuid::Uuid::from_u128(n));
        let mut acked = Recipient::new(&alert, org(1), TargetReason::Exposed, vec![], at);
        acked.acknowledged_at = Some(at);
        let mut fixed = Recipient::new(&alert, org(2), TargetReason::Exposed, vec![], at);
        fixed.acknowledged_at = Some(at);
        fixed.closed_at = Some(at);
        let mut spared = Recipient::new(&alert, org(3), TargetReason::Exposed, vec![], at);
        spared.applicability = Some(Applicability::NotAffected);
        spared.closed_at = Some(at);
        let silent = Recipient::new(&alert, org(4), TargetReason::Exposed, vec![], at);
        let later = at + jiff::SignedDuration::from_hours(49);
        let p = Progress::of(&[acked, fixed, spared, silent], later);
        assert_eq!(
            p,
            Progress {
                targeted: 4,
                acknowledged: 2,
                not_affected: 1,
                remediated: 1,
                overdue: 1,
            }
        );
    }
}
