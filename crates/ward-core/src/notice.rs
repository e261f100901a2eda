//! In-app notices and how each person wants to be told.
//!
//! Every notification Ward sends to a person (an alert reaching their organisation, an escalation
//! step, an incident or certificate reminder) also lands as a [`Notice`] for that person. A notice
//! belongs to one user and names the organisation whose role made them a recipient; it shows only
//! while they still hold an active role there. Per [`NoticeTopic`] a person chooses a [`Channel`]:
//! e-mail straight away (the default), the daily digest only, or in Ward only.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::alert::Severity;
use crate::{NoticeId, OrgId, UserId};

/// What a notification is about, as preferences name it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum NoticeTopic {
    AlertCritical,
    AlertHigh,
    AlertMedium,
    AlertLow,
    /// An overdue answer to an alert, escalated to the organisation, its ICB or region, or the
    /// national team.
    Escalation,
    /// An incident's regulatory clock or task, or a certificate nearing expiry.
    Reminder,
    /// The national team reported the findings of a technology assessment the organisation
    /// asked for.
    TechAssessment,
}

impl NoticeTopic {
    /// The topic of an alert of `severity`.
    pub fn of_alert(severity: Severity) -> Self {
        match severity {
            Severity::Critical => Self::AlertCritical,
            Severity::High => Self::AlertHigh,
            Severity::Medium => Self::AlertMedium,
            Severity::Low => Self::AlertLow,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::AlertCritical => "Critical alerts",
            Self::AlertHigh => "High alerts",
            Self::AlertMedium => "Medium alerts",
            Self::AlertLow => "Low alerts",
            Self::Escalation => "Escalations of overdue answers",
            Self::Reminder => "Incident and certificate reminders",
            Self::TechAssessment => "Technology assessment findings",
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// How a person is told of a topic. Every notice lands in Ward whatever the channel.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    /// An e-mail straight away (and the notice in Ward).
    #[default]
    Email,
    /// Only in the daily digest e-mail (and the notice in Ward).
    Digest,
    /// Only the notice in Ward; no e-mail.
    InApp,
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "E-mail straight away",
            Self::Digest => "Daily digest e-mail only",
            Self::InApp => "In Ward only",
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One person's choices; a topic they have not chosen for is e-mailed straight away.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preferences {
    #[schema(value_type = BTreeMap<String, Channel>)]
    pub channels: BTreeMap<NoticeTopic, Channel>,
}

impl Preferences {
    /// The channel chosen for `topic` (e-mail when none was chosen).
    pub fn channel(&self, topic: NoticeTopic) -> Channel {
        self.channels.get(&topic).copied().unwrap_or_default()
    }

    /// Whether any topic goes to the daily digest.
    pub fn wants_digest(&self) -> bool {
        self.channels.values().any(|c| *c == Channel::Digest)
    }

    /// The topics that go to the digest.
    pub fn digest_topics(&self) -> Vec<NoticeTopic> {
        self.channels
            .iter()
            .filter(|(_, c)| **c == Channel::Digest)
            .map(|(t, _)| *t)
            .collect()
    }
}

/// One notification as one person sees it in Ward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: NoticeId,
    /// The person it is for.
    #[schema(value_type = String)]
    pub user: UserId,
    /// The organisation whose role made them a recipient.
    #[schema(value_type = String)]
    pub org: OrgId,
    pub topic: NoticeTopic,
    /// One line (`Critical alert: Log4Shell`).
    pub title: String,
    /// A few plain sentences; nothing the person could not see in Ward.
    pub body: String,
    /// Where in Ward to act (`/alerts/{id}`).
    pub link: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<Timestamp>,
    /// Names the notification, so writing it twice (a rerun) keeps one notice per person.
    #[serde(skip)]
    pub key: String,
}

/// The window a digest sent at `at` covers: the 24 hours up to it.
pub fn digest_window(at: Timestamp) -> (Timestamp, Timestamp) {
    (at - jiff::SignedDuration::from_hours(24), at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_and_channels_have_one_spelling() {
        crate::text::check_serde_agrees::<NoticeTopic>().unwrap();
        crate::text::check_serde_agrees::<Channel>().unwrap();
        assert_eq!(NoticeTopic::AlertCritical.as_str(), "alert_critical");
        assert_eq!(Channel::InApp.as_str(), "in_app");
    }

    #[test]
    fn unchosen_topics_are_emailed_and_digest_topics_are_listed() {
        let mut p = Preferences::default();
        assert_eq!(p.channel(NoticeTopic::Reminder), Channel::Email);
        assert!(!p.wants_digest());
        p.channels.insert(NoticeTopic::AlertLow, Channel::Digest);
        p.channels.insert(NoticeTopic::AlertHigh, Channel::InApp);
        assert!(p.wants_digest());
        assert_eq!(p.digest_topics(), vec![NoticeTopic::AlertLow]);
        assert_eq!(NoticeTopic::of_alert(Severity::Low), NoticeTopic::AlertLow);
    }
}
