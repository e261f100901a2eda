//! The one place a notification reaches people: each recipient gets an in-app notice, and an
//! e-mail job only when their preference for the notification's topic is "e-mail straight away"
//! (and a mail server is configured). Topics sent to the digest or kept in Ward get no job here.

use ward_core::job::JobKind;
use ward_core::notice::{Channel, Notice, NoticeTopic};
use ward_core::{NoticeId, OrgId, UserId};

use crate::App;
use crate::error::AppResult;

/// One notification, told to several people of one organisation.
pub(crate) struct Telling {
    pub(crate) topic: NoticeTopic,
    /// The organisation whose role makes each person a recipient.
    pub(crate) org: OrgId,
    pub(crate) title: String,
    pub(crate) body: String,
    pub(crate) link: String,
    /// Names the notification (the notice's key; the e-mail job's dedupe key adds the user).
    pub(crate) key: String,
    /// The e-mail job's kind and its attempts.
    pub(crate) kind: JobKind,
    pub(crate) attempts: u32,
}

impl App {
    /// Tell `people` (each with the payload of their e-mail job): write their notices, then queue
    /// the e-mail jobs of those who want e-mail straight away. Returns how many jobs were queued.
    pub(crate) async fn tell(&self, t: &Telling, people: Vec<(UserId, serde_json::Value)>) -> AppResult<u64> {
        if people.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let users: Vec<UserId> = people.iter().map(|(u, _)| *u).collect();
        let mut notices = Vec::with_capacity(people.len());
        for &user in &users {
            notices.push(Notice {
                id: NoticeId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
                user,
                org: t.org,
                topic: t.topic,
                title: t.title.clone(),
                body: t.body.clone(),
                link: t.link.clone(),
                created_at: now,
                read_at: None,
                key: t.key.clone(),
            });
        }
        self.store().add_notices(&notices).await?;
        if self.settings().mail.is_none() {
            return Ok(0);
        }
        let prefs = self.store().notice_preferences_of(&users).await?;
        let mut queued = 0;
        for (user, payload) in people {
            let channel = prefs.get(&user).map_or(Channel::Email, |p| p.channel(t.topic));
            if channel != Channel::Email {
                continue;
            }
            self.enqueue_job(
                t.kind,
                payload,
                None,
                t.attempts,
                Some(&format!("{}:{user}", t.key)),
            )
            .await?;
            queued += 1;
        }
        Ok(queued)
    }
}
