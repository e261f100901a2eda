//! Telling people of a supplier advisory outside its alert: the national team when an advisory
//! arrives under embargo, and the organisations its alert already reached when a released
//! advisory is revised. Both go the one way notifications go ([`App::tell`]: an in-app notice
//! each, and a `notify.email` job for those who want e-mail straight away); the e-mail job reads
//! the advisory when it runs, so a failing mail server never holds the advisory up.

use serde::{Deserialize, Serialize};
use ward_core::job::JobKind;
use ward_core::notice::NoticeTopic;
use ward_core::org::OrgKind;
use ward_core::role::Role;
use ward_core::supplier::advisory::SupplierAdvisory;
use ward_core::{OrgId, UserId};
use ward_store::{OrgFilter, PageRequest, Scope};

use crate::App;
use crate::error::AppResult;
use crate::notices::fan_out::Telling;
use crate::notify::{EMAIL_ATTEMPTS, MailSettings, json};

/// What one `notify.email` job about a supplier advisory delivers, to one user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AdvisoryEmail {
    /// The supplier advisory's id.
    pub(crate) supplier_advisory: String,
    /// The revision told of; none for the arrival of an advisory under embargo.
    #[serde(default)]
    pub(crate) revision: Option<u32>,
    /// The organisation whose role makes the user a recipient.
    pub(crate) org: OrgId,
    pub(crate) user: UserId,
}

impl App {
    /// Tell the national team (its analysts) that an advisory arrived under embargo. A failure is
    /// logged: the advisory is kept, and the national team still sees it listed.
    pub(super) async fn tell_national_of_embargo_logged(&self, record: &SupplierAdvisory) {
        if let Err(e) = self.tell_national_of_embargo(record).await {
            tracing::warn!(advisory = %record.id, error = %e, "the national team was not told of an embargoed advisory");
        }
    }

    async fn tell_national_of_embargo(&self, record: &SupplierAdvisory) -> AppResult<u64> {
        let now = self.now();
        let national = self
            .store()
            .list_orgs(
                &Scope::All,
                &OrgFilter {
                    kind: Some(OrgKind::NationalBody),
                    ..OrgFilter::default()
                },
                PageRequest { offset: 0, limit: 20 },
            )
            .await?;
        let supplier = self.store().get_org(&Scope::All, record.supplier).await?;
        let until = record.embargo_until.map(|d| d.to_string()).unwrap_or_default();
        let mut queued = 0;
        for org in national.items {
            let users = self.holders(org.id, &[Role::NationalAnalyst], now).await?;
            let telling = Telling {
                topic: NoticeTopic::of_alert(record.severity),
                org: org.id,
                title: format!("Supplier advisory under embargo until {until}: {}", record.title),
                body: format!(
                    "{} ({}) published {} under embargo until {until}. Only the national team sees it; \
                     release it early, or Ward releases it on that date.",
                    supplier.name, supplier.code, record.id
                ),
                link: "/supplier-advisories".to_owned(),
                key: format!("notify.email:supplier_advisory:{}:embargo:{}", record.id, org.id),
                kind: JobKind::NotifyEmail,
                attempts: EMAIL_ATTEMPTS,
            };
            let mut each = Vec::with_capacity(users.len());
            for user in users {
                let payload = AdvisoryEmail {
                    supplier_advisory: record.id.clone(),
                    revision: None,
                    org: org.id,
                    user,
                };
                each.push((user, json(serde_json::to_value(&payload))?));
            }
            queued += self.tell(&telling, each).await?;
        }
        Ok(queued)
    }

    /// Tell the people of each of `orgs` (already reached by the advisory's alert) what revision
    /// `number` changed. Returns how many e-mail jobs were queued.
    pub(super) async fn tell_of_revision(
        &self,
        record: &SupplierAdvisory,
        number: u32,
        changes: &[String],
        orgs: &[OrgId],
    ) -> AppResult<u64> {
        let now = self.now();
        let mut people: Vec<(OrgId, UserId)> = self
            .people_at(orgs, now)
            .await?
            .into_iter()
            .map(|g| (g.org, g.user))
            .collect();
        people.sort();
        people.dedup();
        let link = record
            .alert
            .map_or_else(|| "/supplier-advisories".to_owned(), |a| format!("/alerts/{a}"));
        let mut queued = 0;
        for chunk in people.chunk_by(|a, b| a.0 == b.0) {
            let org = chunk[0].0;
            let telling = Telling {
                topic: NoticeTopic::of_alert(record.severity),
                org,
                title: format!("Updated (version {}): {}", record.version, record.title),
                body: format!(
                    "The supplier revised this advisory, which reached your organisation: {}",
                    changes.join("; ")
                ),
                link: link.clone(),
                key: format!("notify.email:supplier_advisory:{}:{number}:{org}", record.id),
                kind: JobKind::NotifyEmail,
                attempts: EMAIL_ATTEMPTS,
            };
            let mut each = Vec::with_capacity(chunk.len());
            for &(_, user) in chunk {
                let payload = AdvisoryEmail {
                    supplier_advisory: record.id.clone(),
                    revision: Some(number),
                    org,
                    user,
                };
                each.push((user, json(serde_json::to_value(&payload))?));
            }
            queued += self.tell(&telling, each).await?;
        }
        Ok(queued)
    }

    /// Send one e-mail about a supplier advisory: its arrival under embargo, or one revision.
    pub(crate) async fn send_advisory_email(
        &self,
        mail: &MailSettings,
        p: &AdvisoryEmail,
    ) -> Result<(), String> {
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        if user.disabled {
            return Ok(());
        }
        let record = self
            .store()
            .get_supplier_advisory(&Scope::All, &p.supplier_advisory)
            .await
            .map_err(|e| e.to_string())?;
        let supplier = self
            .store()
            .get_org(&Scope::All, record.supplier)
            .await
            .map_err(|e| e.to_string())?;
        let (subject, body) = match p.revision {
            None => {
                let until = record.embargo_until.map(|d| d.to_string()).unwrap_or_default();
                (
                    format!(
                        "[Ward supplier advisory] Under embargo until {until}: {}",
                        record.title
                    ),
                    format!(
                        "{} ({}) published an advisory under embargo.\n\n\
                         Advisory: {}\nTitle: {}\nSeverity: {}\nCVEs: {}\nEmbargo until: {until}\n\n\
                         Only the national team sees it until then. Release it early, or Ward releases it \
                         and alerts the organisations exposed on that date: /supplier-advisories\n",
                        supplier.name,
                        supplier.code,
                        record.id,
                        record.title,
                        record.severity,
                        record.advisory.aliases.join(", "),
                    ),
                )
            }
            Some(number) => {
                let revisions = self
                    .store()
                    .supplier_advisory_revisions(&Scope::All, &record.id)
                    .await
                    .map_err(|e| e.to_string())?;
                let Some(revision) = revisions.iter().find(|r| r.number == number) else {
                    return Ok(());
                };
                let mut body = format!(
                    "{} ({}) revised its advisory {} (now version {}).\n\nTitle: {}\nSeverity: {}\n\nWhat changed:\n",
                    supplier.name,
                    supplier.code,
                    record.id,
                    revision.version,
                    revision.title,
                    revision.severity,
                );
                for c in &revision.changes {
                    body.push_str(&format!("  - {c}\n"));
                }
                if !revision.actions.is_empty() {
                    body.push_str("\nRequired actions:\n");
                    for a in &revision.actions {
                        body.push_str(&format!("  - {a}\n"));
                    }
                }
                let link = record
                    .alert
                    .map_or_else(|| "/supplier-advisories".to_owned(), |a| format!("/alerts/{a}"));
                body.push_str(&format!("\nOpen it in Ward: {link}\n"));
                (
                    format!(
                        "[Ward {} alert] Updated (version {}): {}",
                        revision.severity, revision.version, revision.title
                    ),
                    body,
                )
            }
        };
        self.send_mail(mail, user.email.as_str(), subject, body).await
    }
}
