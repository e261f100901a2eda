//! One newtype per identifier. IDs are UUID v7 (time-ordered) created by the caller.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier from a fresh UUID v7 stamped with `at`.
            pub fn new_at(at: jiff::Timestamp, random: [u8; 10]) -> Self {
                let ms = u64::try_from(at.as_millisecond()).unwrap_or(0);
                Self(uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid())
            }
            pub const fn from_uuid(u: Uuid) -> Self { Self(u) }
            pub const fn as_uuid(&self) -> &Uuid { &self.0 }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self { Self(u) }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }

        impl FromStr for $name {
            type Err = crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| crate::ValidationError::new("id", format!("'{s}' is not a valid identifier")))
            }
        }
    };
}

id_type!(/// An organisation (trust, ICB, practice, provider, site, supplier, region, national body).
    OrgId);
id_type!(/// A clinical or business service.
    ServiceId);
id_type!(/// An asset: system, server, device, network kit, medical device.
    AssetId);
id_type!(/// A supplier's product.
    ProductId);
id_type!(/// A dependency edge.
    DependencyId);
id_type!(/// A user account.
    UserId);
id_type!(/// A role grant held by a user.
    GrantId);
id_type!(/// An API token.
    TokenId);
id_type!(/// A background job.
    JobId);
id_type!(/// An organisation's assessment against a framework version.
    AssessmentId);
id_type!(/// A cyber alert.
    AlertId);
id_type!(/// A risk in an organisation's risk register.
    RiskId);
id_type!(/// A cyber incident recorded by an organisation.
    IncidentId);
id_type!(/// One entry of an incident's timeline.
    TimelineEntryId);
id_type!(/// An exercise of a response plan, run from a scenario.
    ExerciseId);
id_type!(/// A response or decision recorded against an exercise's inject.
    ExerciseEntryId);
id_type!(/// A tracked action from an exercise's lessons.
    ExerciseActionId);
id_type!(/// A responder deployed to an organisation for an incident.
    DeploymentId);
id_type!(/// An action of an assessment's improvement plan.
    ImprovementActionId);
id_type!(/// A board member named as accountable for an organisation's cyber security.
    BoardMemberId);
id_type!(/// A task in an incident's response, with an owner and a due date.
    IncidentTaskId);
id_type!(/// A sector-wide incident coordinating many organisations' local incidents.
    CoordinatedIncidentId);
id_type!(/// A certificate an organisation holds (Cyber Essentials, Cyber Essentials Plus, ISO 27001).
    CertificateId);
id_type!(/// A file of evidence kept with an assessment.
    EvidenceFileId);
id_type!(/// An in-app notice: one notification as one person sees it in Ward.
    NoticeId);
id_type!(/// A request to the national service to assess a technology (a system, a medical device).
    TechAssessmentId);
id_type!(/// A finding of a technology assessment.
    TechFindingId);
id_type!(/// An action of a technology assessment's remediation plan.
    RemediationActionId);
