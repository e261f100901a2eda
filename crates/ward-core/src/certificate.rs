//! Security certificates an organisation holds: Cyber Essentials, Cyber Essentials Plus and
//! ISO/IEC 27001, with the dates they were issued and expire. Any organisation may hold one (a
//! supplier for the critical supplier register, a trust or a care provider for its own assurance:
//! DSPT "Standards Exceeded" needs a current Cyber Essentials Plus certificate).

use crate::{CertificateId, OrgId, UserId, ValidationError};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Which certificate.
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
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CertificateKind {
    CyberEssentials,
    CyberEssentialsPlus,
    #[serde(rename = "iso_27001")]
    #[strum(serialize = "iso_27001")]
    Iso27001,
}

impl CertificateKind {
    /// The stored name (`cyber_essentials_plus`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// The name people use.
    pub fn label(self) -> &'static str {
        match self {
            Self::CyberEssentials => "Cyber Essentials",
            Self::CyberEssentialsPlus => "Cyber Essentials Plus",
            Self::Iso27001 => "ISO/IEC 27001",
        }
    }
}

impl FromStr for CertificateKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s).ok_or_else(|| {
            ValidationError::new(
                "kind",
                format!("'{s}' is not cyber_essentials, cyber_essentials_plus or iso_27001"),
            )
        })
    }
}

/// How many days before expiry a reminder is sent, earliest first. Each is sent once per
/// certificate.
pub const REMINDER_DAYS: [i32; 2] = [60, 30];

/// The longest a certificate may run (ISO 27001 certificates run three years; Cyber Essentials one).
pub const MAX_VALIDITY_DAYS: i32 = 3 * 366;

/// A certificate held by an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: CertificateId,
    pub org: OrgId,
    pub kind: CertificateKind,
    /// The certificate's number or reference, as the certification body gives it.
    #[serde(default)]
    pub reference: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub issued_on: Date,
    /// The last day it is valid.
    #[schema(value_type = String, format = Date)]
    pub expires_on: Date,
    #[serde(default)]
    pub recorded_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

impl Certificate {
    /// Whether it is in force on `day` (issued on or before it, expiring on or after it).
    pub fn is_current_on(&self, day: Date) -> bool {
        self.issued_on <= day && day <= self.expires_on
    }

    /// Checks the dates and the reference; the error names the field.
    pub fn check(&self) -> Result<(), ValidationError> {
        if self.expires_on < self.issued_on {
            return Err(ValidationError::new(
                "expires_on",
                format!(
                    "expires on {} before it was issued on {}",
                    self.expires_on, self.issued_on
                ),
            ));
        }
        let days = (self.expires_on - self.issued_on).get_days();
        if days > MAX_VALIDITY_DAYS {
            return Err(ValidationError::new(
                "expires_on",
                format!("a certificate valid for {days} days: at most {MAX_VALIDITY_DAYS}"),
            ));
        }
        if let Some(r) = &self.reference
            && (r.chars().count() > 100 || r.chars().any(char::is_control))
        {
            return Err(ValidationError::new(
                "reference",
                "at most 100 characters, on one line",
            ));
        }
        Ok(())
    }

    /// The reminder (days before expiry, from [`REMINDER_DAYS`]) that have fallen due on `today`
    /// and is not in `sent`: due once `today` is that many days (or fewer) before expiry, and
    /// only while the certificate has not yet expired. Only the nearest window counts: a
    /// certificate recorded inside the 30-day window gets that reminder, never the 60-day one.
    pub fn reminder_due(&self, today: Date, sent: &[i32]) -> Option<i32> {
        if today > self.expires_on {
            return None;
        }
        let left = (self.expires_on - today).get_days();
        REMINDER_DAYS
            .iter()
            .copied()
            .filter(|d| left <= *d)
            .min()
            .filter(|d| !sent.contains(d))
    }
}

/// The DSPT status an organisation published (the Data Security and Protection Toolkit).
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
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DsptStatus {
    NotPublished,
    StandardsNotMet,
    ApproachingStandards,
    StandardsMet,
    StandardsExceeded,
}

impl DsptStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::NotPublished => "Not published",
            Self::StandardsNotMet => "Standards not met",
            Self::ApproachingStandards => "Approaching standards",
            Self::StandardsMet => "Standards met",
            Self::StandardsExceeded => "Standards exceeded",
        }
    }
}

impl FromStr for DsptStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("dspt_status", format!("unknown DSPT status '{s}'")))
    }
}

/// A supplier's assurance record in the critical supplier register: its attestation of the
/// supply-chain charter and its own DSPT status. Certificates are kept apart (any organisation
/// may hold them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupplierAssurance {
    pub supplier: OrgId,
    /// When the supplier attested the supply-chain charter, and who signed it (name and role).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub charter_attested_on: Option<Date>,
    #[serde(default)]
    pub charter_attested_by: Option<String>,
    pub dspt_status: DsptStatus,
    /// The DSPT year the status is for (`2025-26`).
    #[serde(default)]
    pub dspt_year: Option<String>,
    #[serde(default)]
    pub updated_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl SupplierAssurance {
    /// Checks the record; the error names the field.
    pub fn check(&self) -> Result<(), ValidationError> {
        match (&self.charter_attested_on, &self.charter_attested_by) {
            (Some(_), None) => {
                return Err(ValidationError::new(
                    "charter_attested_by",
                    "say who attested the charter (name and role)",
                ));
            }
            (None, Some(_)) => {
                return Err(ValidationError::new(
                    "charter_attested_on",
                    "give the date the charter was attested",
                ));
            }
            _ => {}
        }
        if let Some(by) = &self.charter_attested_by
            && (by.trim().is_empty() || by.chars().count() > 200 || by.chars().any(char::is_control))
        {
            return Err(ValidationError::new(
                "charter_attested_by",
                "a name and role of at most 200 characters, on one line",
            ));
        }
        if let Some(y) = &self.dspt_year {
            let ok = y.len() == 7
                && y.as_bytes().get(4) == Some(&b'-')
                && y.chars().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
            if !ok {
                return Err(ValidationError::new(
                    "dspt_year",
                    format!("'{y}' is not a DSPT year such as 2025-26"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cert(issued: Date, expires: Date) -> Certificate {
        Certificate {
            id: CertificateId::from_uuid(uuid::Uuid::nil()),
            org: OrgId::from_uuid(uuid::Uuid::nil()),
            kind: CertificateKind::CyberEssentialsPlus,
            reference: None,
            issued_on: issued,
            expires_on: expires,
            recorded_by: None,
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn kinds_and_statuses_have_one_spelling() {
        crate::text::check_serde_agrees::<CertificateKind>().unwrap();
        crate::text::check_serde_agrees::<DsptStatus>().unwrap();
        assert_eq!(
            "Cyber Essentials Plus".parse::<CertificateKind>().unwrap(),
            CertificateKind::CyberEssentialsPlus
        );
        assert_eq!(
            "iso-27001".parse::<CertificateKind>().unwrap(),
            CertificateKind::Iso27001
        );
        assert_eq!("ce".parse::<CertificateKind>().unwrap_err().field, "kind");
    }

    #[test]
    fn a_certificate_is_current_from_issue_to_expiry_inclusive() {
        let c = cert(date(2026, 1, 1), date(2026, 12, 31));
        assert!(!c.is_current_on(date(2025, 12, 31)));
        assert!(c.is_current_on(date(2026, 1, 1)));
        assert!(c.is_current_on(date(2026, 12, 31)));
        assert!(!c.is_current_on(date(2027, 1, 1)));
    }

    #[test]
    fn dates_out_of_order_or_too_long_are_refused_by_field() {
        assert_eq!(
            cert(date(2026, 2, 1), date(2026, 1, 1))
                .check()
                .unwrap_err()
                .field,
            "expires_on"
        );
        assert_eq!(
            cert(date(2020, 1, 1), date(2026, 1, 1))
                .check()
                .unwrap_err()
                .field,
            "expires_on"
        );
        assert!(cert(date(2026, 1, 1), date(2028, 12, 31)).check().is_ok());
    }

    #[test]
    fn reminders_fall_due_sixty_then_thirty_days_before_expiry_once_each() {
        let c = cert(date(2026, 1, 1), date(2026, 12, 31));
        assert_eq!(c.reminder_due(date(2026, 10, 31), &[]), None, "61 days before");
        assert_eq!(c.reminder_due(date(2026, 11, 1), &[]), Some(60));
        assert_eq!(c.reminder_due(date(2026, 11, 2), &[60]), None, "sent once");
        assert_eq!(
            c.reminder_due(date(2026, 12, 2), &[60]),
            Some(30),
            "29 days before"
        );
        assert_eq!(
            c.reminder_due(date(2026, 12, 1), &[60]),
            Some(30),
            "30 days before"
        );
        assert_eq!(c.reminder_due(date(2026, 12, 1), &[60, 30]), None);
        // Recorded late, inside the last window: only the later reminder.
        assert_eq!(c.reminder_due(date(2026, 12, 10), &[]), Some(30));
        assert_eq!(c.reminder_due(date(2026, 12, 31), &[]), Some(30));
        assert_eq!(c.reminder_due(date(2027, 1, 1), &[]), None, "expired");
    }

    #[test]
    fn an_attestation_needs_both_its_date_and_who() {
        let mut a = SupplierAssurance {
            supplier: OrgId::from_uuid(uuid::Uuid::nil()),
            charter_attested_on: Some(date(2026, 3, 1)),
            charter_attested_by: None,
            dspt_status: DsptStatus::StandardsMet,
            dspt_year: Some("2025-26".into()),
            updated_by: None,
            updated_at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(a.check().unwrap_err().field, "charter_attested_by");
        a.charter_attested_by = Some("Jo Bloggs, CISO".into());
        assert!(a.check().is_ok());
        a.dspt_year = Some("2025".into());
        assert_eq!(a.check().unwrap_err().field, "dspt_year");
    }
}
