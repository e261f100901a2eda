//! Managing accounts and role grants.

use super::{password, secrets};
use crate::App;
use crate::actor::{Actor, Principal};
use crate::authz::{Action, authorise, authorise_on, grantable_roles_for, scope_contains};
use crate::error::{AppError, AppResult};
use jiff::{SignedDuration, Timestamp};
use ward_core::account::{Email, User};
use ward_core::role::{Role, RoleGrant};
use ward_core::{GrantId, OrgId, UserId};
use ward_store::Scope;

/// A new account; when `password` is None a random one is generated and returned once.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: Option<String>,
}

/// A grant request.
#[derive(Debug, Clone)]
pub struct NewGrant {
    pub user: UserId,
    pub role: Role,
    pub org: OrgId,
    pub expires_at: Option<Timestamp>,
}

/// A user as shown to administrators: no secrets.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub disabled: bool,
    pub mfa_enrolled: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Timestamp>,
    pub grants: Vec<RoleGrant>,
}

fn new_id_bytes() -> AppResult<[u8; 10]> {
    secrets::random_bytes::<10>()
}

impl App {
    /// The person an actor acts for: the signed-in user, or the owner of the token in use; None
    /// for Ward itself.
    pub(crate) async fn person_behind(&self, actor: &Actor) -> AppResult<Option<UserId>> {
        Ok(match actor.principal {
            Principal::User(u) => Some(u),
            Principal::Token(t) => Some(self.store().get_token(t).await?.created_by),
            Principal::System(_) => None,
        })
    }

    /// THE rule for every new grant, checked before anything is written: the actor may manage
    /// users over `org`; nobody grants themselves anything (a token acts for its owner); the role
    /// is one the actor's role may hand out ([`grantable_roles_for`]); the role fits the kind of
    /// organisation and carries the expiry it needs ([`Role::check_grant`]); an expiry lies in the
    /// future, and an incident responder's at most `responder_max_days` ahead.
    ///
    /// Granting to someone who already holds grants outside the actor's footprint is allowed: people
    /// work for several organisations (a GP who also sits on the ICB board). The actor then sees
    /// only the grants inside their own footprint ([`App::list_users`]) and may not disable the
    /// person or reset their credentials (`check_manageable`), only revoke what is in their footprint.
    async fn check_new_grant(
        &self,
        actor: &Actor,
        user: Option<UserId>,
        role: Role,
        org: OrgId,
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> AppResult<()> {
        authorise_on(self.store(), actor, Action::ManageUsers, org, now).await?;
        if let Some(user) = user
            && self.person_behind(actor).await? == Some(user)
        {
            return Err(AppError::forbidden("nobody may grant themselves a role"));
        }
        if !grantable_roles_for(actor).contains(&role) {
            return Err(AppError::forbidden(format!(
                "your role ({}) may not grant the {} role",
                actor.role.label(),
                role.label()
            )));
        }
        let kind = self.store().get_org(&Scope::All, org).await?.kind;
        role.check_grant(kind, expires_at)?;
        if let Some(e) = expires_at {
            if e <= now {
                return Err(AppError::invalid("expires_at", "must be in the future"));
            }
            let days = self.settings().responder_max_days;
            if role.requires_expiry() && e > now + SignedDuration::from_hours(24 * days) {
                return Err(AppError::invalid(
                    "expires_at",
                    format!("may be at most {days} days ahead"),
                ));
            }
        }
        Ok(())
    }

    /// Create an account with its first role, in one transaction after every grant rule has been
    /// checked: a refused grant leaves no account behind. Returns the user, the initial password
    /// (generated when not given) and the grant.
    pub async fn create_user(
        &self,
        actor: &Actor,
        new: NewUser,
        role: Role,
        org: OrgId,
        expires_at: Option<Timestamp>,
    ) -> AppResult<(User, String, RoleGrant)> {
        let now = self.now();
        authorise(actor, Action::ManageUsers, now)?;
        let email = Email::parse(&new.email)?;
        let display_name = ward_core::error::require_text("display_name", &new.display_name, 120)?;
        self.check_new_grant(actor, None, role, org, expires_at, now)
            .await?;
        let pw = match new.password {
            Some(p) => {
                password::check_strength(&p)?;
                p
            }
            None => secrets::random_password()?,
        };
        if self.store().find_user_by_email(&email).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "an account for {email} already exists"
            )));
        }
        let user = User {
            id: UserId::new_at(now, new_id_bytes()?),
            email,
            display_name,
            password_hash: password::hash(&pw, self.settings().password_cost)?,
            totp_secret: None,
            totp_last_step: None,
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            created_at: now,
        };
        let grant = RoleGrant {
            id: GrantId::new_at(now, new_id_bytes()?),
            user: user.id,
            role,
            org,
            created_at: now,
            expires_at,
            granted_by: self.person_behind(actor).await?,
        };
        self.store()
            .create_user_with_grant(&user, &grant, &actor.audit(now))
            .await?;
        Ok((user, pw, grant))
    }

    /// Grant a role over an organisation, under the one grant rule (see `check_new_grant`).
    pub async fn grant_role(&self, actor: &Actor, g: NewGrant) -> AppResult<RoleGrant> {
        let now = self.now();
        self.check_new_grant(actor, Some(g.user), g.role, g.org, g.expires_at, now)
            .await?;
        // The user must exist and be the actor's to manage, as for every other change to them.
        // Otherwise an administrator could give anyone a role at their own organisation, and so
        // take that person out of their own administrators' hands (a person is managed only by
        // those whose footprint holds every one of their grants).
        self.check_manageable(actor, g.user, now).await?;
        let grant = RoleGrant {
            id: GrantId::new_at(now, new_id_bytes()?),
            user: g.user,
            role: g.role,
            org: g.org,
            created_at: now,
            expires_at: g.expires_at,
            granted_by: self.person_behind(actor).await?,
        };
        self.store().add_grant(&grant, &actor.audit(now)).await?;
        Ok(grant)
    }

    /// Withdraw a grant inside the actor's footprint.
    pub async fn revoke_grant(&self, actor: &Actor, user: UserId, grant: GrantId) -> AppResult<()> {
        let now = self.now();
        let grants = self.store().grants_of(user).await?;
        let g = grants
            .iter()
            .find(|g| g.id == grant)
            .ok_or_else(|| AppError::NotFound("grant".into()))?;
        authorise_on(self.store(), actor, Action::ManageUsers, g.org, now).await?;
        self.store().revoke_grant(grant, &actor.audit(now)).await?;
        Ok(())
    }

    /// Users the actor may manage: those holding a grant inside the footprint, each shown with
    /// only the grants inside it (what someone holds elsewhere is not the actor's to see).
    pub async fn list_users(&self, actor: &Actor) -> AppResult<Vec<UserSummary>> {
        let scope = authorise(actor, Action::ManageUsers, self.now())?;
        let users = self.store().list_users(&scope).await?;
        let mut out = Vec::with_capacity(users.len());
        for u in users {
            let mut grants = Vec::new();
            for g in self.store().grants_of(u.id).await? {
                if scope_contains(self.store(), &scope, g.org).await? {
                    grants.push(g);
                }
            }
            out.push(UserSummary {
                id: u.id,
                email: u.email,
                display_name: u.display_name,
                disabled: u.disabled,
                mfa_enrolled: u.totp_secret.is_some(),
                locked_until: u.locked_until,
                grants,
            });
        }
        Ok(out)
    }

    /// The actor may manage `user` only if every grant the user holds lies in the actor's footprint
    /// (so a trust admin cannot disable a national analyst who also holds a grant at the trust).
    async fn check_manageable(&self, actor: &Actor, user: UserId, now: Timestamp) -> AppResult<User> {
        let scope = authorise(actor, Action::ManageUsers, now)?;
        let u = self.store().get_user(user).await?;
        for g in self.store().grants_of(user).await? {
            if !scope_contains(self.store(), &scope, g.org).await? {
                return Err(AppError::NotFound("user".into()));
            }
        }
        Ok(u)
    }

    pub async fn set_user_disabled(&self, actor: &Actor, user: UserId, disabled: bool) -> AppResult<()> {
        let now = self.now();
        let mut u = self.check_manageable(actor, user, now).await?;
        u.disabled = disabled;
        let action = if disabled { "user.disable" } else { "user.enable" };
        self.store().update_user(&u, action, &actor.audit(now)).await?;
        if disabled {
            self.store().delete_sessions_of(user).await?;
        }
        Ok(())
    }

    /// Clear a user's second factor; they enrol again at next sign-in.
    pub async fn reset_mfa(&self, actor: &Actor, user: UserId) -> AppResult<()> {
        let now = self.now();
        let mut u = self.check_manageable(actor, user, now).await?;
        u.totp_secret = None;
        u.totp_last_step = None;
        self.store()
            .update_user(&u, "user.mfa_reset", &actor.audit(now))
            .await?;
        self.store().set_mfa_state(user, 0, None).await?;
        self.store().delete_sessions_of(user).await?;
        Ok(())
    }

    /// Set a new password (administrator reset); returns it when generated. Clears any lock-out.
    pub async fn reset_password(&self, actor: &Actor, user: UserId, pw: Option<String>) -> AppResult<String> {
        let now = self.now();
        let mut u = self.check_manageable(actor, user, now).await?;
        let pw = match pw {
            Some(p) => {
                password::check_strength(&p)?;
                p
            }
            None => secrets::random_password()?,
        };
        u.password_hash = password::hash(&pw, self.settings().password_cost)?;
        u.failed_logins = 0;
        u.locked_until = None;
        self.store()
            .update_user(&u, "user.password_reset", &actor.audit(now))
            .await?;
        // An administrator's reset clears a lock-out by wrong codes as well.
        self.store().set_mfa_state(user, 0, u.totp_last_step).await?;
        self.store().delete_sessions_of(user).await?;
        Ok(pw)
    }

    pub async fn find_user(&self, email: &str) -> AppResult<User> {
        let email = Email::parse(email)?;
        self.store()
            .find_user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::NotFound("user".into()))
    }
}
