//! The one error type of this crate.

use crate::Scheme;

/// Longest input echoed back in an error message; longer inputs are shortened with an ellipsis.
const MAX_ECHO: usize = 120;

/// Why a version, range or ecosystem name could not be used. Every variant names the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The string is not a valid version under the named scheme.
    #[error("invalid {scheme} version {input:?}: {reason}")]
    InvalidVersion {
        /// The ordering scheme that rejected the input.
        scheme: Scheme,
        /// The offending input (shortened when very long).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The string is not a valid range expression (npm range, purl `vers`, OSV range, CPE range).
    #[error("invalid range {input:?}: {reason}")]
    InvalidRange {
        /// The offending range text (shortened when very long).
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The ecosystem name is not one this crate knows how to order.
    #[error("unknown ecosystem {0:?}")]
    UnknownEcosystem(String),
}

impl VersionError {
    /// Builds an [`VersionError::InvalidVersion`] for `input` under `scheme`.
    pub(crate) fn invalid(scheme: Scheme, input: &str, reason: impl Into<String>) -> Self {
        Self::InvalidVersion {
            scheme,
            input: echo(input),
            reason: reason.into(),
        }
    }

    /// Builds an [`VersionError::InvalidRange`] for `input`.
    pub(crate) fn range(input: &str, reason: impl Into<String>) -> Self {
        Self::InvalidRange {
            input: echo(input),
            reason: reason.into(),
        }
    }
}

/// Shortens very long inputs so that errors stay readable (fuzzers and bad files produce megabytes).
pub(crate) fn echo(input: &str) -> String {
    if input.chars().count() <= MAX_ECHO {
        return input.to_owned();
    }
    let mut short: String = input.chars().take(MAX_ECHO).collect();
    short.push('…');
    short
}
