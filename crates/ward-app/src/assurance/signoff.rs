//! The SIRO an organisation names, and signing an assessment off as that person.
//!
//! Who may be named: an account holding an active grant at the organisation itself whose role
//! may sign assessments off there (an organisation's admins; a supplier's contacts for its own
//! supplier assessment). Who may name: whoever manages that organisation's users (its admins, its
//! region, the national team). Who may sign off: only the person named, signed in (not an API
//! token, not Ward's own command line), and only while their grant lasts. The check that the
//! signer is the named SIRO is made by the store inside the sign-off's transaction
//! (`ward_store::SignOffStore`), so naming someone else meanwhile cannot let the earlier SIRO sign.

use serde::Serialize;
use ward_core::assurance::signoff::{SignOff, Siro};
use ward_core::{AssessmentId, OrgId, UserId};
use ward_store::StoreError;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, scope_contains, scope_for};
use crate::error::{AppError, AppResult};

/// Someone who could be named SIRO of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SiroCandidate {
    pub user: UserId,
    pub name: String,
}

impl App {
    /// The SIRO named for `org`, if any (for anyone who reads its assessments).
    pub async fn siro(&self, actor: &Actor, org: OrgId) -> AppResult<Option<Siro>> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        Ok(self.store().siro_of(&scope, org).await?)
    }

    /// Everyone who could be named SIRO of `org`, by name (for whoever manages its users).
    pub async fn siro_candidates(&self, actor: &Actor, org: OrgId) -> AppResult<Vec<SiroCandidate>> {
        let scope = authorise(actor, Action::ManageUsers, self.now())?;
        if !scope_contains(self.store(), &scope, org).await? {
            return Err(AppError::NotFound("organisation".into()));
        }
        self.eligible_siros(org).await
    }

    async fn eligible_siros(&self, org: OrgId) -> AppResult<Vec<SiroCandidate>> {
        let mut users: Vec<UserId> = self
            .people_at(&[org], self.now())
            .await?
            .into_iter()
            .filter(|g| g.org == org && scope_for(g.role, org, Action::SignOffAssessments).is_some())
            .map(|g| g.user)
            .collect();
        users.sort();
        users.dedup();
        let mut out = Vec::with_capacity(users.len());
        for user in users {
            let u = self.store().get_user(user).await?;
            out.push(SiroCandidate {
                user,
                name: u.display_name,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.user.cmp(&b.user)));
        Ok(out)
    }

    /// Name `user` the SIRO of `org` (replacing any earlier one). Refused unless the caller
    /// manages the organisation's users and `user` may sign its assessments off.
    pub async fn name_siro(&self, actor: &Actor, org: OrgId, user: UserId) -> AppResult<Siro> {
        let scope = authorise(actor, Action::ManageUsers, self.now())?;
        if !scope_contains(self.store(), &scope, org).await? {
            return Err(AppError::NotFound("organisation".into()));
        }
        if !self.eligible_siros(org).await?.iter().any(|c| c.user == user) {
            return Err(AppError::invalid(
                "user",
                "this person holds no current grant at the organisation that may sign assessments off",
            ));
        }
        self.store()
            .name_siro(&scope, org, user, &actor.audit(self.now()))
            .await?;
        self.store()
            .siro_of(&scope, org)
            .await?
            .ok_or_else(|| AppError::Internal("the SIRO just named is not stored".into()))
    }

    /// Sign a submitted assessment off as the signed-in person, who must be its organisation's
    /// named SIRO.
    pub(crate) async fn sign_off(&self, actor: &Actor, id: AssessmentId) -> AppResult<()> {
        let scope = authorise(actor, Action::SignOffAssessments, self.now())?;
        let Some(signer) = actor.user_id() else {
            return Err(AppError::forbidden(
                "an assessment is signed off by a named person: sign in as the organisation's SIRO",
            ));
        };
        match self
            .store()
            .sign_off_assessment(&scope, id, signer, &actor.audit(self.now()))
            .await
        {
            Err(StoreError::Forbidden {
                entity: "sign-off", ..
            }) => {
                // Only on a refusal: whose SIRO it is, to name them.
                let org = self.store().get_assessment(&scope, id).await?.head.org;
                Err(match self.store().siro_of(&scope, org).await? {
                    Some(s) => AppError::forbidden(format!(
                        "only the organisation's named SIRO, {}, may sign this assessment off",
                        s.name
                    )),
                    None => AppError::forbidden(
                        "the organisation has not named its SIRO yet: an admin names one first",
                    ),
                })
            }
            other => Ok(other?),
        }
    }

    /// Who signed an assessment off, if anyone has.
    pub async fn signoff(&self, actor: &Actor, id: AssessmentId) -> AppResult<Option<SignOff>> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        Ok(self.store().signoff_of(&scope, id).await?)
    }
}
