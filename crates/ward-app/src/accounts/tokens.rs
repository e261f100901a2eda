//! API tokens for machines: shown once, stored as a SHA-256, one role over one organisation.

use super::secrets;
use crate::App;
use crate::actor::{Actor, Principal};
use crate::authz::{Action, authorise, authorise_on, grantable_roles_for};
use crate::error::{AppError, AppResult};
use jiff::SignedDuration;
use ward_core::account::ApiToken;
use ward_core::role::Role;
use ward_core::{OrgId, TokenId};

/// Every token starts with this, so secret scanners can spot leaked ones.
pub const TOKEN_PREFIX: &str = "ward_";

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub org: OrgId,
    pub days: i64,
    /// The person a token is issued for when Ward itself (the CLI) issues it; None for people.
    pub owner: Option<ward_core::UserId>,
}

/// The raw token (shown once) and what is stored.
#[derive(Clone)]
pub struct IssuedToken {
    pub secret: String,
    pub token: ApiToken,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl App {
    pub async fn issue_token(&self, actor: &Actor, new: NewToken) -> AppResult<IssuedToken> {
        let now = self.now();
        authorise_on(self.store(), actor, Action::ManageTokens, new.org, now).await?;
        if !grantable_roles_for(actor).contains(&new.role) {
            return Err(AppError::forbidden(format!(
                "your role ({}) may not issue a {} token",
                actor.role.label(),
                new.role.label()
            )));
        }
        let name = ward_core::error::require_text("name", &new.name, 100)?;
        if !(1..=self.settings().token_max_days).contains(&new.days) {
            return Err(AppError::invalid(
                "days",
                format!("must be between 1 and {}", self.settings().token_max_days),
            ));
        }
        let created_by = match (actor.principal, new.owner) {
            (Principal::User(u), None) => u,
            (Principal::User(u), Some(o)) if o == u => u,
            // The operator at the command line issues tokens on a named person's behalf.
            (Principal::System(_), Some(o)) => self.store().get_user(o).await?.id,
            // Tokens cannot mint tokens.
            _ => return Err(AppError::forbidden("tokens are issued by a person")),
        };
        let secret = format!("{TOKEN_PREFIX}{}", secrets::random_token()?);
        let token = ApiToken {
            id: TokenId::new_at(now, secrets::random_bytes::<10>()?),
            name,
            token_hash: secrets::digest(&secret),
            created_by,
            role: new.role,
            org: new.org,
            created_at: now,
            expires_at: now + SignedDuration::from_hours(24 * new.days),
            revoked_at: None,
            last_used_at: None,
        };
        self.store().create_token(&token, &actor.audit(now)).await?;
        Ok(IssuedToken { secret, token })
    }

    /// Turn a bearer token into an actor; unknown, revoked and expired tokens are all unauthenticated.
    pub async fn actor_for_token(&self, secret: &str, request_id: Option<String>) -> AppResult<Actor> {
        let now = self.now();
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let token = self
            .store()
            .find_token_by_hash(&secrets::digest(secret))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !token.is_usable(now) {
            return Err(AppError::Unauthenticated);
        }
        let stale = token
            .last_used_at
            .is_none_or(|t| now.duration_since(t) >= SignedDuration::from_mins(5));
        if stale {
            self.store().touch_token(token.id, now).await?;
        }
        Ok(Actor {
            principal: Principal::Token(token.id),
            role: token.role,
            org: token.org,
            grant: None,
            expires_at: Some(token.expires_at),
            request_id,
        })
    }

    /// Tokens the actor issued (national analysts see all).
    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiToken>> {
        authorise(actor, Action::ManageTokens, self.now())?;
        let by = if actor.role == Role::NationalAnalyst {
            None
        } else {
            actor.user_id()
        };
        if by.is_none() && actor.role != Role::NationalAnalyst {
            return Ok(Vec::new());
        }
        Ok(self.store().list_tokens(by).await?)
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> AppResult<()> {
        let now = self.now();
        let tokens = self.list_tokens(actor).await?;
        let t = tokens
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| AppError::NotFound("token".into()))?;
        authorise_on(self.store(), actor, Action::ManageTokens, t.org, now).await?;
        self.store().revoke_token(id, now, &actor.audit(now)).await?;
        Ok(())
    }
}
