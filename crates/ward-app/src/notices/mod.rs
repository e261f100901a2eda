//! In-app notices and notice preferences: what a person reads and chooses.
//!
//! A notice is one person's. It names the organisation whose role made them a recipient, and it
//! shows only while they hold an active role there: a person who loses that grant (revoked,
//! expired, a deployment ended) no longer sees the organisation's notices, and neither does any
//! credential of theirs. An API token reads its owner's notices for the token's organisation only.
//! Nobody reads or marks another person's notice: it is not found.
//!
//! The notifications themselves reach people through [`fan_out`] (one place reads preferences),
//! and the daily digest through [`digest`].

pub mod digest;
pub(crate) mod fan_out;

use serde::{Deserialize, Serialize};
use ward_core::notice::{Notice, Preferences};
use ward_core::{NoticeId, OrgId, UserId};

use crate::App;
use crate::actor::{Actor, Principal};
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// Most notices a list returns.
pub const NOTICE_PAGE: u32 = 200;

/// A person's notices and how many are unread.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeList {
    pub unread: u64,
    pub notices: Vec<Notice>,
}

/// A change of preferences: the topics named are set; the others go back to e-mail.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesChange {
    #[schema(value_type = std::collections::BTreeMap<String, ward_core::notice::Channel>)]
    pub channels: std::collections::BTreeMap<ward_core::notice::NoticeTopic, ward_core::notice::Channel>,
}

impl App {
    /// Whose notices the actor reads, and for which organisations: the person behind the
    /// credential and the organisations where they hold an active role now (for a token, only the
    /// token's organisation, and only while its owner still holds a role there).
    async fn notice_reader(&self, actor: &Actor) -> AppResult<(UserId, Vec<OrgId>)> {
        let now = self.now();
        authorise(actor, Action::ReadNotices, now)?;
        let user = match actor.principal {
            Principal::User(u) => u,
            Principal::Token(t) => self.store().get_token(t).await?.created_by,
            Principal::System(_) => return Err(AppError::forbidden("Ward itself has no notices")),
        };
        let mut orgs: Vec<OrgId> = self
            .store()
            .grants_of(user)
            .await?
            .into_iter()
            .filter(|g| g.is_active(now))
            .map(|g| g.org)
            .collect();
        if matches!(actor.principal, Principal::Token(_)) {
            orgs.retain(|o| *o == actor.org);
        }
        orgs.sort();
        orgs.dedup();
        Ok((user, orgs))
    }

    /// The caller's notices, newest first, with the unread count.
    pub async fn notices(&self, actor: &Actor) -> AppResult<NoticeList> {
        let (user, orgs) = self.notice_reader(actor).await?;
        Ok(NoticeList {
            unread: self.store().unread_notices(user, &orgs).await?,
            notices: self.store().notices_of(user, &orgs, NOTICE_PAGE).await?,
        })
    }

    /// How many of the caller's notices are unread (for the page header).
    pub async fn unread_notice_count(&self, actor: &Actor) -> AppResult<u64> {
        let (user, orgs) = self.notice_reader(actor).await?;
        Ok(self.store().unread_notices(user, &orgs).await?)
    }

    /// Mark one of the caller's notices read (audited as `notice.read`). Another person's notice,
    /// or one for an organisation where the caller no longer holds a role, is not found.
    pub async fn mark_notice_read(&self, actor: &Actor, id: NoticeId) -> AppResult<Notice> {
        let (user, orgs) = self.notice_reader(actor).await?;
        Ok(self
            .store()
            .mark_notice_read(user, &orgs, id, &actor.audit(self.now()))
            .await?)
    }

    /// Mark all the caller's unread notices read (audited as `notice.read_all`). Returns how many.
    pub async fn mark_all_notices_read(&self, actor: &Actor) -> AppResult<u64> {
        let (user, orgs) = self.notice_reader(actor).await?;
        Ok(self
            .store()
            .mark_all_notices_read(user, &orgs, &actor.audit(self.now()))
            .await?)
    }

    /// The caller's notice preferences.
    pub async fn notice_preferences(&self, actor: &Actor) -> AppResult<Preferences> {
        let (user, _) = self.notice_reader(actor).await?;
        Ok(self.store().notice_preferences(user).await?)
    }

    /// Replace the caller's notice preferences (audited as `notice.preferences`).
    pub async fn set_notice_preferences(
        &self,
        actor: &Actor,
        change: PreferencesChange,
    ) -> AppResult<Preferences> {
        let (user, _) = self.notice_reader(actor).await?;
        let prefs = Preferences {
            channels: change.channels,
        };
        self.store()
            .set_notice_preferences(user, &prefs, &actor.audit(self.now()))
            .await?;
        Ok(prefs)
    }
}
