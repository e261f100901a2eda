//! Continuous evidence: how a claimed outcome status compares with what Ward's own facts suggest.

use serde::{Deserialize, Serialize};

/// How a claim compares with the facts.
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Agreement {
    /// The claim is what the facts suggest.
    Agrees,
    /// The claim is better than the facts suggest (the disagreement that matters most).
    ClaimAboveFacts,
    /// The claim is worse than the facts suggest.
    ClaimBelowFacts,
    /// Ward holds no facts for this outcome (yet).
    NoFacts,
    /// The assessment makes no claim for this outcome.
    NoClaim,
}

impl Agreement {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Agrees => "Claim and facts agree",
            Self::ClaimAboveFacts => "Claim is better than the facts suggest",
            Self::ClaimBelowFacts => "Claim is worse than the facts suggest",
            Self::NoFacts => "No facts held yet",
            Self::NoClaim => "No claim made",
        }
    }

    /// Whether claim and facts disagree.
    pub fn disagrees(self) -> bool {
        matches!(self, Self::ClaimAboveFacts | Self::ClaimBelowFacts)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn serde_agrees() {
        crate::text::check_serde_agrees::<super::Agreement>().unwrap();
    }
}
