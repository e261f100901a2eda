//! API tokens for machines: shown once, stored as a SHA-256, one role over one organisation.

use super::secrets;
use crate::App;
use crate::actor::{Actor, Principal};
use crate::authz::{Action, authorise, authorise_on, grantable_roles, grantable_roles_for, scope_for};
use crate::error::{AppError, AppResult};
use jiff::{SignedDuration, Timestamp};
use ward_core::account::ApiToken;
use ward_core::role::{Role, RoleGrant};
use ward_core::{OrgId, TokenId};
use ward_store::Scope;

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

/// Whether `grant` covers a token for `role` over `org` at `now`: the grant is active, and either
/// it is the same role and `org` lies in the grant's reach, or its role may issue `role` tokens and
/// `org` lies in its token-managing footprint. `ancestors` are those of `org` (nearest first); an
/// empty slice is enough when the grant is on `org` itself or reaches everything.
pub fn grant_covers(grant: &RoleGrant, role: Role, org: OrgId, ancestors: &[OrgId], now: Timestamp) -> bool {
    if !grant.is_active(now) {
        return false;
    }
    let reach = if grant.role == role {
        scope_for(grant.role, grant.org, Action::ReadOrgs)
    } else if grantable_roles(grant.role).contains(&role) {
        scope_for(grant.role, grant.org, Action::ManageTokens)
    } else {
        None
    };
    match reach {
        None => false,
        Some(Scope::All) => true,
        Some(Scope::Orgs(orgs)) => orgs.contains(&org),
        Some(Scope::Subtrees(roots)) => roots.iter().any(|r| *r == org || ancestors.contains(r)),
    }
}

impl App {
    /// The grants of `owner` that cover a token for `role` over `org`, or `Unauthenticated` when the
    /// owner is unknown or disabled. One read for the account and its grants; the ancestors of
    /// `org` are read only when no grant covers without them.
    async fn covering_grants(
        &self,
        owner: ward_core::UserId,
        role: Role,
        org: OrgId,
        now: Timestamp,
    ) -> AppResult<Vec<RoleGrant>> {
        let Some(standing) = self.store().account_standing(owner).await? else {
            return Err(AppError::Unauthenticated);
        };
        self.covering_of(standing, role, org, now).await
    }

    /// The grants of an owner in `standing` that cover a token for `role` over `org`; none when the
    /// owner is disabled. Reads the organisation's ancestors only when no grant covers it directly.
    async fn covering_of(
        &self,
        standing: ward_store::AccountStanding,
        role: Role,
        org: OrgId,
        now: Timestamp,
    ) -> AppResult<Vec<RoleGrant>> {
        if standing.disabled {
            return Err(AppError::Unauthenticated);
        }
        let direct: Vec<RoleGrant> = standing
            .grants
            .iter()
            .filter(|g| grant_covers(g, role, org, &[], now))
            .cloned()
            .collect();
        if !direct.is_empty() {
            return Ok(direct);
        }
        let ancestors = self.store().org_ancestors(org).await?;
        Ok(standing
            .grants
            .into_iter()
            .filter(|g| grant_covers(g, role, org, &ancestors, now))
            .collect())
    }

    /// The longest a token for `role` may live, in days (privileged roles have the shorter cap).
    pub fn token_max_days(&self, role: Role) -> i64 {
        let s = self.settings();
        if role.requires_mfa() {
            s.privileged_token_max_days.min(s.token_max_days)
        } else {
            s.token_max_days
        }
    }

    /// Issue a token for one role over one organisation. The role must be one the actor may hand
    /// out and must fit the organisation ([`Role::check_grant`]); the lifetime is capped per role
    /// ([`App::token_max_days`]) and never runs past the owner's grants that cover the token (a
    /// responder's token ends with the deployment). The owner must hold such a grant: a token is
    /// only valid while they do ([`App::actor_for_token`]).
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
        let max_days = self.token_max_days(new.role);
        if !(1..=max_days).contains(&new.days) {
            return Err(AppError::invalid(
                "days",
                format!(
                    "must be between 1 and {max_days} for a {} token",
                    new.role.label().to_lowercase()
                ),
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
        let kind = self.store().get_org(&Scope::All, new.org).await?.kind;
        let mut expires_at = now + SignedDuration::from_hours(24 * new.days);
        new.role.check_grant(kind, Some(expires_at))?;
        let covering = match self.covering_grants(created_by, new.role, new.org, now).await {
            Ok(c) => c,
            Err(AppError::Unauthenticated) => {
                return Err(AppError::forbidden("the token's owner is disabled"));
            }
            Err(e) => return Err(e),
        };
        if covering.is_empty() {
            return Err(AppError::forbidden(
                "the token's owner holds no role that covers this token",
            ));
        }
        // The latest end among the covering grants (None: one of them does not expire).
        let grant_end = covering
            .iter()
            .map(|g| g.expires_at)
            .try_fold(Timestamp::MIN, |acc, e| e.map(|e| acc.max(e)));
        if let Some(end) = grant_end {
            expires_at = expires_at.min(end);
        }
        let secret = format!("{TOKEN_PREFIX}{}", secrets::random_token()?);
        let token = ApiToken {
            id: TokenId::new_at(now, secrets::random_bytes::<10>()?),
            name,
            token_hash: secrets::digest(&secret),
            created_by,
            role: new.role,
            org: new.org,
            created_at: now,
            expires_at,
            revoked_at: None,
            last_used_at: None,
        };
        self.store().create_token(&token, &actor.audit(now)).await?;
        Ok(IssuedToken { secret, token })
    }

    /// Turn a bearer token into an actor; unknown, revoked and expired tokens are all
    /// unauthenticated, and so is a token whose owner is disabled or no longer holds an active
    /// grant covering its role and organisation.
    ///
    /// Cost per call: one read of the token row with its epoch. When this process admitted the
    /// token at that epoch and the verdict has not run out ([`super::verdicts`]), that is all;
    /// otherwise one read of the token, its owner's account and grants together, and the
    /// organisation's ancestors only when no grant is on the token's organisation itself. Plus a
    /// `last_used_at` write at most every five minutes.
    pub async fn actor_for_token(&self, secret: &str, request_id: Option<String>) -> AppResult<Actor> {
        let now = self.now();
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let hash = secrets::digest(secret);
        // The token row is read from the database on every request, on every server.
        let (mut token, epoch) = self
            .store()
            .token_with_epoch(&hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !token.is_usable(now) {
            return Err(AppError::Unauthenticated);
        }
        let verdicts = self.token_verdicts();
        if !verdicts.admits(token.id, token.role, token.org, epoch, now) {
            match self.check_token_in_full(&hash, now).await {
                Ok(checked) => token = checked,
                Err(e) => {
                    verdicts.forget(token.id);
                    return Err(e);
                }
            }
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

    /// The full check of the token whose secret hashes to `hash`: the token, its owner's state and
    /// grants in one read (with the epoch they were read at), then the covering grants. An
    /// admitted token's verdict is kept until the first of the token and its covering grants
    /// expires.
    async fn check_token_in_full(&self, hash: &str, now: Timestamp) -> AppResult<ApiToken> {
        let ward_store::TokenWithOwner { token, epoch, owner } = self
            .store()
            .token_with_owner(hash)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !token.is_usable(now) {
            return Err(AppError::Unauthenticated);
        }
        let covering = self.covering_of(owner, token.role, token.org, now).await?;
        if covering.is_empty() {
            return Err(AppError::Unauthenticated);
        }
        let valid_until = covering
            .iter()
            .filter_map(|g| g.expires_at)
            .fold(token.expires_at, Timestamp::min);
        self.token_verdicts()
            .admit(token.id, token.role, token.org, epoch, valid_until);
        Ok(token)
    }

    /// Tokens over organisations in the actor's footprint, whoever issued them, so a successor
    /// administrator can see and revoke what their predecessor issued.
    pub async fn list_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiToken>> {
        let scope = authorise(actor, Action::ManageTokens, self.now())?;
        Ok(self.store().list_tokens_in(&scope).await?)
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> AppResult<()> {
        let now = self.now();
        let t = match self.store().get_token(id).await {
            Ok(t) => t,
            Err(ward_store::StoreError::NotFound { .. }) => return Err(AppError::NotFound("token".into())),
            Err(e) => return Err(e.into()),
        };
        authorise_on(self.store(), actor, Action::ManageTokens, t.org, now)
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => AppError::NotFound("token".into()),
                e => e,
            })?;
        self.store().revoke_token(id, now, &actor.audit(now)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::{GrantId, UserId};

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn grant(role: Role, org: OrgId, expires_at: Option<Timestamp>) -> RoleGrant {
        RoleGrant {
            id: GrantId::from_uuid(id(1)),
            user: UserId::from_uuid(id(2)),
            role,
            org,
            created_at: Timestamp::UNIX_EPOCH,
            expires_at,
            granted_by: None,
        }
    }

    #[test]
    fn grants_cover_tokens_of_their_own_role_or_of_roles_they_may_issue_within_reach() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        let (icb, trust, other) = (
            OrgId::from_uuid(id(10)),
            OrgId::from_uuid(id(11)),
            OrgId::from_uuid(id(12)),
        );
        let admin = grant(Role::OrgAdmin, trust, None);
        assert!(grant_covers(&admin, Role::OrgMember, trust, &[], now));
        assert!(grant_covers(&admin, Role::OrgAdmin, trust, &[], now));
        assert!(
            !grant_covers(&admin, Role::OrgMember, other, &[icb], now),
            "outside the trust"
        );
        assert!(
            !grant_covers(&admin, Role::RegionalLead, trust, &[], now),
            "not a role it issues"
        );
        // A regional lead issues no tokens, so it covers only tokens of its own role.
        let lead = grant(Role::RegionalLead, icb, None);
        assert!(grant_covers(&lead, Role::RegionalLead, trust, &[icb], now));
        assert!(!grant_covers(&lead, Role::OrgAdmin, trust, &[icb], now));
        // Without the ancestors, only a grant on the organisation itself covers it.
        assert!(!grant_covers(&lead, Role::RegionalLead, trust, &[], now));
        let national = grant(Role::NationalAnalyst, other, None);
        assert!(
            grant_covers(&national, Role::SupplierContact, trust, &[], now),
            "national reach"
        );
        let ended = grant(Role::IncidentResponder, trust, Some(now));
        assert!(
            !grant_covers(&ended, Role::IncidentResponder, trust, &[], now),
            "expired grant"
        );
        let member = grant(Role::OrgMember, trust, None);
        assert!(
            !grant_covers(&member, Role::Auditor, trust, &[], now),
            "members issue nothing"
        );
    }
}
