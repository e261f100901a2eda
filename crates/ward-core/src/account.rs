//! Accounts, sessions and API tokens as stored. Secrets are stored hashed; raw values never live here.

use crate::role::Role;
use crate::{GrantId, OrgId, TokenId, UserId, ValidationError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised e-mail address used as a login name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, format = Email)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let v = s.trim().to_ascii_lowercase();
        let ok = v.len() <= 254
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !v.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Self(v))
        } else {
            Err(ValidationError::new(
                "email",
                format!("'{s}' is not an e-mail address"),
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Email {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A local account. `password_hash` is an argon2id PHC string; `totp_secret` the base32 shared secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub password_hash: String,
    /// Set once MFA enrolment is confirmed.
    pub totp_secret: Option<String>,
    /// Last TOTP time step accepted, so a code cannot be replayed.
    pub totp_last_step: Option<i64>,
    pub disabled: bool,
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password_hash", &"<redacted>")
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| "<redacted>"))
            .field("disabled", &self.disabled)
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
            .finish()
    }
}

/// A server-side session, looked up by the SHA-256 of the cookie value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id_hash: String,
    pub user: UserId,
    /// The grant the user is currently acting under (the organisation switcher picks it).
    pub acting_grant: Option<GrantId>,
    /// Password checked but second factor still to come (or enrolment pending).
    pub mfa_pending: bool,
    pub csrf_token: String,
    /// A TOTP secret offered during enrolment, kept until the user confirms a code from it.
    pub pending_totp_secret: Option<String>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("acting_grant", &self.acting_grant)
            .field("mfa_pending", &self.mfa_pending)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A machine credential scoped to one role over one organisation. Only the hash is kept.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub created_by: UserId,
    pub role: Role,
    pub org: OrgId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<Timestamp>,
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiToken")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("org", &self.org)
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

impl ApiToken {
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}
