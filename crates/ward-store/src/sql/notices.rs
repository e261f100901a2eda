//! In-app notices, notice preferences and daily digests, once for both backends.
//!
//! Every read and write names the user and the organisations where the user holds an active role
//! now; a notice outside them is not found, whoever asks.

use async_trait::async_trait;
use jiff::Timestamp;
use std::collections::BTreeMap;
use ward_core::job::Job;
use ward_core::notice::{Notice, NoticeTopic, Preferences};
use ward_core::{NoticeId, OrgId, UserId};

use super::jobs::insert_job;
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::notices::{DigestClaim, NoticeStore};
use crate::{AuditMeta, StoreError, StoreResult};

const COLUMNS: &str = "id, user_id, org_id, topic, title, body, link, dedupe_key, created_at, read_at";

fn notice_row(r: &impl RowRead) -> StoreResult<Notice> {
    Ok(Notice {
        id: r.id("id")?,
        user: r.id("user_id")?,
        org: r.id("org_id")?,
        topic: r.parsed("topic")?,
        title: r.text("title")?,
        body: r.text("body")?,
        link: r.text("link")?,
        created_at: r.ts("created_at")?,
        read_at: r.opt_ts("read_at")?,
        key: r.text("dedupe_key")?,
    })
}

fn uuids<T: Copy>(ids: &[T], f: impl Fn(&T) -> uuid::Uuid) -> Arg {
    Arg::Uuids(ids.iter().map(f).collect())
}

/// `SELECT ... FROM notices WHERE user_id = $1 AND org_id IN (orgs)`, to be continued.
fn mine(dialect: super::Dialect, columns: &str, user: UserId, orgs: &[OrgId]) -> Sql {
    let mut q = Sql::new(format!("SELECT {columns} FROM notices WHERE user_id = "));
    q.bind(user).push(" AND ");
    q.in_list(dialect, "org_id", uuids(orgs, |o| *o.as_uuid()));
    q
}

fn prefs_digest(p: &Preferences) -> String {
    ward_core::audit::digest_json(p)
}

#[async_trait]
impl<B: SqlBackend> NoticeStore for B {
    async fn add_notices(&self, notices: &[Notice]) -> StoreResult<u64> {
        if notices.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut added = 0;
        for n in notices {
            added += tx
                .execute(
                    Sql::new(format!(
                        "INSERT INTO notices ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (user_id, dedupe_key) DO NOTHING"
                    ))
                    .arg(n.id)
                    .arg(n.user)
                    .arg(n.org)
                    .arg(n.topic.as_str())
                    .arg(n.title.as_str())
                    .arg(n.body.as_str())
                    .arg(n.link.as_str())
                    .arg(n.key.as_str())
                    .arg(n.created_at)
                    .arg(n.read_at),
                )
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn notices_of(&self, user: UserId, orgs: &[OrgId], limit: u32) -> StoreResult<Vec<Notice>> {
        let mut db = self.read().await?;
        let mut q = mine(db.dialect(), COLUMNS, user, orgs);
        q.push(" ORDER BY created_at DESC, id DESC LIMIT ").bind(limit);
        db.fetch_all(q).await?.iter().map(notice_row).collect()
    }

    async fn unread_notices(&self, user: UserId, orgs: &[OrgId]) -> StoreResult<u64> {
        let mut db = self.read().await?;
        let mut q = mine(db.dialect(), "COUNT(*) AS n", user, orgs);
        q.push(" AND read_at IS NULL");
        db.fetch_one(q).await?.u64("n")
    }

    async fn mark_notice_read(
        &self,
        user: UserId,
        orgs: &[OrgId],
        id: NoticeId,
        meta: &AuditMeta,
    ) -> StoreResult<Notice> {
        let mut tx = self.write().await?;
        let mut q = mine(tx.dialect(), COLUMNS, user, orgs);
        q.push(" AND id = ").bind(id);
        let mut n = match tx.fetch_optional(q).await? {
            Some(r) => notice_row(&r)?,
            None => return Err(StoreError::not_found("notice", id)),
        };
        if n.read_at.is_none() {
            tx.execute(
                Sql::new("UPDATE notices SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
                    .arg(meta.at)
                    .arg(id),
            )
            .await?;
            n.read_at = Some(meta.at);
            let event = meta
                .change("notice.read", "notice", id.to_string())
                .org(n.org)
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn mark_all_notices_read(
        &self,
        user: UserId,
        orgs: &[OrgId],
        meta: &AuditMeta,
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let mut q = Sql::new("UPDATE notices SET read_at = ");
        q.bind(meta.at)
            .push(" WHERE read_at IS NULL AND user_id = ")
            .bind(user)
            .push(" AND ");
        q.in_list(tx.dialect(), "org_id", uuids(orgs, |o| *o.as_uuid()));
        let n = tx.execute(q).await?;
        if n > 0 {
            let event = meta
                .change("notice.read_all", "user", user.to_string())
                .detail(format!("{n} notices marked read"))
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    async fn notice_preferences(&self, user: UserId) -> StoreResult<Preferences> {
        Ok(self
            .notice_preferences_of(&[user])
            .await?
            .remove(&user)
            .unwrap_or_default())
    }

    async fn notice_preferences_of(&self, users: &[UserId]) -> StoreResult<BTreeMap<UserId, Preferences>> {
        let mut out: BTreeMap<UserId, Preferences> = BTreeMap::new();
        if users.is_empty() {
            return Ok(out);
        }
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT user_id, topic, channel FROM notice_preferences WHERE ");
        q.in_list(db.dialect(), "user_id", uuids(users, |u| *u.as_uuid()));
        for r in db.fetch_all(q).await? {
            out.entry(r.id("user_id")?)
                .or_default()
                .channels
                .insert(r.parsed("topic")?, r.parsed("channel")?);
        }
        Ok(out)
    }

    async fn set_notice_preferences(
        &self,
        user: UserId,
        prefs: &Preferences,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let before = self.notice_preferences(user).await?;
        let mut tx = self.write().await?;
        tx.execute(Sql::new("DELETE FROM notice_preferences WHERE user_id = $1").arg(user))
            .await?;
        for (topic, channel) in &prefs.channels {
            tx.execute(
                Sql::new(
                    "INSERT INTO notice_preferences (user_id, topic, channel, updated_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .arg(user)
                .arg(topic.as_str())
                .arg(channel.as_str())
                .arg(meta.at),
            )
            .await?;
        }
        let detail = prefs
            .channels
            .iter()
            .map(|(t, c)| format!("{t}={c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let event = meta
            .change("notice.preferences", "user", user.to_string())
            .before(prefs_digest(&before))
            .after(prefs_digest(prefs))
            .detail(detail)
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn digest_users(&self) -> StoreResult<Vec<UserId>> {
        let mut db = self.read().await?;
        let q =
            Sql::new("SELECT DISTINCT user_id FROM notice_preferences WHERE channel = $1 ORDER BY user_id")
                .arg(ward_core::notice::Channel::Digest.as_str());
        db.fetch_all(q).await?.iter().map(|r| r.id("user_id")).collect()
    }

    async fn notices_between(
        &self,
        user: UserId,
        orgs: &[OrgId],
        topics: &[NoticeTopic],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Notice>> {
        let mut db = self.read().await?;
        let mut q = mine(db.dialect(), COLUMNS, user, orgs);
        q.push(" AND ");
        q.in_list(
            db.dialect(),
            "topic",
            Arg::Texts(topics.iter().map(|t| t.as_str().to_owned()).collect()),
        );
        q.push(" AND created_at >= ")
            .bind(from)
            .push(" AND created_at < ")
            .bind(to);
        q.push(" ORDER BY created_at, id");
        db.fetch_all(q).await?.iter().map(notice_row).collect()
    }

    async fn claim_digest(&self, claim: &DigestClaim, job: &Job, meta: &AuditMeta) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let added = tx
            .execute(
                Sql::new(
                    "INSERT INTO notice_digests (user_id, day, org_id, job_id, notices, queued_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, day) DO NOTHING",
                )
                .arg(claim.user)
                .arg(claim.day)
                .arg(claim.org)
                .arg(job.id)
                .arg(claim.notices)
                .arg(meta.at),
            )
            .await?;
        if added == 0 {
            return Ok(false);
        }
        let payload = serde_json::to_string(&job.payload)
            .map_err(|e| StoreError::Invalid(format!("payload: cannot be written as JSON: {e}")))?;
        insert_job(&mut tx, job, &payload, None).await?;
        let event = meta
            .change("notice.digest", "user", claim.user.to_string())
            .org(claim.org)
            .detail(format!(
                "digest of {} for {} queued (job {})",
                claim.notices, claim.day, job.id
            ))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(true)
    }
}
