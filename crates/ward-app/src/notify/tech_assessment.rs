//! Telling an organisation that the national team reported the findings of a technology
//! assessment it asked for. It goes the one way notifications go ([`App::tell`]): an in-app notice
//! for each admin and member of the requesting organisation, and a `notify.email` job for those
//! whose preference for the topic is e-mail straight away (those who chose the digest get it
//! there). The job reads the request when it runs, so a failing mail server never holds the
//! status change up; a delivery that gives up is kept, as every other, to be replayed.

use serde::{Deserialize, Serialize};
use ward_core::job::JobKind;
use ward_core::notice::NoticeTopic;
use ward_core::role::Role;
use ward_core::tech_assessment::TechAssessment;
use ward_core::{OrgId, TechAssessmentId, UserId};
use ward_store::Scope;

use super::{EMAIL_ATTEMPTS, MailSettings, json};
use crate::App;
use crate::error::AppResult;
use crate::notices::fan_out::Telling;

/// What one `notify.email` job about a technology assessment delivers, to one user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TechAssessmentEmail {
    /// The request whose findings were reported.
    pub(crate) tech_assessment: TechAssessmentId,
    /// The requesting organisation (whose role makes the user a recipient).
    pub(crate) org: OrgId,
    pub(crate) user: UserId,
}

impl App {
    /// Tell the requesting organisation's admins and members that the findings of their request
    /// are reported (one notice each however often this runs: the key names the request). The
    /// status change it follows is what the audit chain records. Returns how many e-mail jobs
    /// were queued.
    pub(crate) async fn tell_findings_reported(&self, a: &TechAssessment, findings: usize) -> AppResult<u64> {
        let now = self.now();
        let people = self
            .holders(a.org, &[Role::OrgAdmin, Role::OrgMember], now)
            .await?;
        let telling = Telling {
            topic: NoticeTopic::TechAssessment,
            org: a.org,
            title: format!("Findings reported: {}", a.technology),
            body: format!(
                "The national team reported {findings} finding(s) from its assessment of {}. \
                 Plan the remediation in Ward.",
                a.technology
            ),
            link: format!("/technology-assessments/{}", a.id),
            key: format!("tech_assessment.findings:{}", a.id),
            kind: JobKind::NotifyEmail,
            attempts: EMAIL_ATTEMPTS,
        };
        let mut each = Vec::with_capacity(people.len());
        for user in people {
            let payload = TechAssessmentEmail {
                tech_assessment: a.id,
                org: a.org,
                user,
            };
            each.push((user, json(serde_json::to_value(&payload))?));
        }
        self.tell(&telling, each).await
    }

    /// Send one e-mail telling of a technology assessment's reported findings.
    pub(crate) async fn send_tech_assessment_email(
        &self,
        mail: &MailSettings,
        p: &TechAssessmentEmail,
    ) -> Result<(), String> {
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        if user.disabled {
            return Ok(());
        }
        let record = self
            .store()
            .tech_assessment(&Scope::All, p.tech_assessment)
            .await
            .map_err(|e| e.to_string())?;
        let a = &record.assessment;
        let org = self
            .store()
            .get_org(&Scope::All, a.org)
            .await
            .map_err(|e| e.to_string())?;
        let subject = format!("[Ward technology assessment] Findings reported: {}", a.technology);
        let body = findings_body(&record, &format!("{} ({})", org.name, org.code));
        self.send_mail(mail, user.email.as_str(), subject, body).await
    }
}

/// The plain-text body: which request, each finding by severity and title, and where to plan the
/// remediation. Nothing secret: the findings' titles, not their descriptions.
fn findings_body(record: &ward_core::tech_assessment::TechAssessmentRecord, org_name: &str) -> String {
    let a = &record.assessment;
    let mut b = format!(
        "Ward technology assessment for {org_name}\n\n\
         Technology: {}\nKind: {}\n\n\
         The national team reported {} finding(s) from its assessment:\n",
        a.technology,
        a.kind.label(),
        record.findings.len(),
    );
    for f in &record.findings {
        b.push_str(&format!("  - [{}] {}\n", f.severity.label(), f.title));
    }
    b.push_str(&format!(
        "\nPlan the remediation in Ward: /technology-assessments/{}\n",
        a.id
    ));
    b
}
