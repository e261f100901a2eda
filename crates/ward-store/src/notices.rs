//! In-app notices, people's notice preferences and daily digests.
//!
//! A notice belongs to one user; every read and write names the user and the organisations where
//! that user holds an active role now (worked out by the app), and a notice for any other user or
//! organisation is not found.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use ward_core::job::Job;
use ward_core::notice::{Notice, NoticeTopic, Preferences};
use ward_core::{NoticeId, OrgId, UserId};

use crate::{AuditMeta, StoreResult};

/// A digest to queue: for whom, which day, on behalf of which organisation, and how many notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestClaim {
    pub user: UserId,
    pub day: Date,
    /// The organisation of the digest's first notice (whose admins see the delivery if it fails).
    pub org: OrgId,
    pub notices: u32,
}

#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// Write notices; one whose (user, key) is already written is skipped. Returns how many were
    /// added. Not audited on its own: the notification it comes from is (`alert.issue`,
    /// `alert.escalate`, `incident.reminder`, `certificate.reminder`).
    async fn add_notices(&self, notices: &[Notice]) -> StoreResult<u64>;
    /// The user's notices for `orgs`, newest first, at most `limit`.
    async fn notices_of(&self, user: UserId, orgs: &[OrgId], limit: u32) -> StoreResult<Vec<Notice>>;
    /// How many of them are unread.
    async fn unread_notices(&self, user: UserId, orgs: &[OrgId]) -> StoreResult<u64>;
    /// Mark one notice read (`notice.read`, audited) and return it; not found when it is not the
    /// user's or not for one of `orgs`. Reading a read notice again changes nothing.
    async fn mark_notice_read(
        &self,
        user: UserId,
        orgs: &[OrgId],
        id: NoticeId,
        audit: &AuditMeta,
    ) -> StoreResult<Notice>;
    /// Mark all the user's unread notices for `orgs` read (`notice.read_all`, audited when any
    /// was unread). Returns how many.
    async fn mark_all_notices_read(
        &self,
        user: UserId,
        orgs: &[OrgId],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    /// The user's choices (topics without a choice are absent).
    async fn notice_preferences(&self, user: UserId) -> StoreResult<Preferences>;
    /// Several users' choices at once (users without any are absent).
    async fn notice_preferences_of(
        &self,
        users: &[UserId],
    ) -> StoreResult<std::collections::BTreeMap<UserId, Preferences>>;
    /// Replace the user's choices (`notice.preferences`, audited with before and after).
    async fn set_notice_preferences(
        &self,
        user: UserId,
        prefs: &Preferences,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The users with at least one topic sent to the digest.
    async fn digest_users(&self) -> StoreResult<Vec<UserId>>;
    /// The user's notices for `orgs` of `topics` written in [`from`, `to`), oldest first.
    async fn notices_between(
        &self,
        user: UserId,
        orgs: &[OrgId],
        topics: &[NoticeTopic],
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Notice>>;
    /// Record the digest of `claim.user` for `claim.day` and queue `job` (its e-mail), with a
    /// `notice.digest` audit record, in one transaction. False (and nothing queued) when that
    /// day's digest was recorded already, by this runner or another.
    async fn claim_digest(&self, claim: &DigestClaim, job: &Job, audit: &AuditMeta) -> StoreResult<bool>;
}
