//! Sign-in, sessions, multi-factor authentication and the organisation switcher.

pub mod password;
pub mod secrets;
pub mod tokens;
pub mod totp;
pub mod users;
pub mod verdicts;

use crate::App;
use crate::actor::{Actor, Principal};
use crate::error::{AppError, AppResult};
use crate::throttle::Attempt;
use jiff::{SignedDuration, Timestamp};
use ward_core::GrantId;
use ward_core::account::{Email, Session, User};
use ward_core::audit::{AuditActor, AuditEvent};
use ward_core::role::RoleGrant;
use ward_store::{AuditMeta, SessionChange};

/// What the user must do after a correct password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Signed in.
    Done,
    /// Enter a code from the authenticator app.
    MfaChallenge,
    /// A role they hold requires MFA and they have not set it up yet.
    MfaEnrol,
}

/// A new session: the raw cookie value goes to the browser once and is never stored.
#[derive(Clone)]
pub struct NewSession {
    pub cookie: String,
    pub next: NextStep,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// A live session with its user and active grants.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: Session,
    pub user: User,
    /// Grants in force now, oldest first.
    pub grants: Vec<RoleGrant>,
}

impl SessionView {
    pub fn acting_grant(&self) -> Option<&RoleGrant> {
        self.session
            .acting_grant
            .and_then(|g| self.grants.iter().find(|x| x.id == g))
    }
    pub fn needs_mfa(&self) -> bool {
        self.grants.iter().any(|g| g.role.requires_mfa()) || self.user.totp_secret.is_some()
    }
}

fn login_failed() -> AppError {
    AppError::Unauthenticated
}

impl App {
    /// The account itself as the actor of its own sign-in events.
    fn user_meta(user: &User, at: Timestamp) -> AuditMeta {
        AuditMeta {
            actor: AuditActor {
                principal: format!("user:{}", user.id),
                role: None,
                acting_org: None,
            },
            at,
            request_id: None,
        }
    }

    /// Lock an account for the configured time; the lock and its audit record are one transaction.
    async fn lock_account(&self, user: &User, now: Timestamp, detail: String) -> AppResult<()> {
        self.store()
            .lock_user(
                user.id,
                now + self.settings().lockout,
                &detail,
                &Self::user_meta(user, now),
            )
            .await?;
        Ok(())
    }

    fn user_audit(&self, user: &User, at: Timestamp, action: &str, detail: Option<String>) -> AuditEvent {
        AuditEvent {
            at,
            actor: AuditActor {
                principal: format!("user:{}", user.id),
                role: None,
                acting_org: None,
            },
            action: action.to_owned(),
            entity: "user".to_owned(),
            entity_id: user.id.to_string(),
            org: None,
            before: None,
            after: None,
            detail,
            request_id: None,
        }
    }

    /// Check e-mail and password and open a session. Unknown e-mail, wrong password, disabled and
    /// locked accounts all get the same error after the same amount of work.
    pub async fn login(&self, email: &str, password: &str, client: &str) -> AppResult<NewSession> {
        let now = self.now();
        self.throttle(Attempt::SignIn { email, client }).await?;
        let user = match Email::parse(email) {
            Ok(e) => self.store().find_user_by_email(&e).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            let _ = password::verify(password, &self.inner.dummy_hash);
            return Err(login_failed());
        };
        let ok = password::verify(password, &user.password_hash);
        let locked = user.locked_until.is_some_and(|l| now < l);
        if user.disabled || locked {
            return Err(login_failed());
        }
        if !ok {
            let failed = user.failed_logins.saturating_add(1);
            self.store()
                .set_login_state(user.id, failed, user.locked_until, user.totp_last_step)
                .await?;
            if failed >= self.settings().max_failed_logins {
                self.lock_account(&user, now, format!("{failed} failed sign-ins"))
                    .await?;
            }
            return Err(login_failed());
        }
        // A correct password clears password failures only: wrong second-factor codes are counted
        // apart (`failed_mfa`) and only a correct code clears them.
        if user.failed_logins > 0 || user.locked_until.is_some() {
            self.store()
                .set_login_state(user.id, 0, None, user.totp_last_step)
                .await?;
        }
        let grants = self.active_grants(&user, now).await?;
        let view_needs_mfa = grants.iter().any(|g| g.role.requires_mfa()) || user.totp_secret.is_some();
        let next = match (view_needs_mfa, user.totp_secret.is_some()) {
            (false, _) => NextStep::Done,
            (true, true) => NextStep::MfaChallenge,
            (true, false) => NextStep::MfaEnrol,
        };
        let cookie = secrets::random_token()?;
        let session = Session {
            id_hash: secrets::digest(&cookie),
            user: user.id,
            acting_grant: grants.first().map(|g| g.id),
            mfa_pending: next != NextStep::Done,
            csrf_token: secrets::random_token()?,
            pending_totp_secret: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.settings().session_absolute,
        };
        let e = self.user_audit(&user, now, "session.create", None);
        self.store()
            .change_session(&SessionChange::Open(session), &e)
            .await?;
        Ok(NewSession { cookie, next })
    }

    async fn active_grants(&self, user: &User, now: Timestamp) -> AppResult<Vec<RoleGrant>> {
        Ok(self
            .store()
            .grants_of(user.id)
            .await?
            .into_iter()
            .filter(|g| g.is_active(now))
            .collect())
    }

    /// Look up a session from its cookie, enforcing idle and absolute expiry and account state.
    pub async fn session(&self, cookie: &str) -> AppResult<SessionView> {
        let now = self.now();
        let hash = secrets::digest(cookie);
        let Some(mut session) = self.store().get_session(&hash).await? else {
            return Err(AppError::Unauthenticated);
        };
        let idle = now.duration_since(session.last_seen_at) >= self.settings().session_idle;
        if now >= session.expires_at || idle {
            self.store().delete_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let user = self
            .store()
            .get_user(session.user)
            .await
            .map_err(|_| AppError::Unauthenticated)?;
        if user.disabled {
            self.store().delete_session(&hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let grants = self.active_grants(&user, now).await?;
        // Refresh the idle timer at most once a minute to spare the database.
        if now.duration_since(session.last_seen_at) >= SignedDuration::from_secs(60) {
            session.last_seen_at = now;
            self.store().update_session(&session).await?;
        }
        Ok(SessionView {
            session,
            user,
            grants,
        })
    }

    /// The actor a fully signed-in session acts as. The acting grant's expiry is checked on every call.
    pub fn actor_for_session(&self, view: &SessionView, request_id: Option<String>) -> AppResult<Actor> {
        if view.session.mfa_pending {
            return Err(AppError::Unauthenticated);
        }
        let grant = view
            .acting_grant()
            .ok_or_else(|| AppError::forbidden("you hold no active role"))?;
        if grant.role.requires_mfa() && view.user.totp_secret.is_none() {
            return Err(AppError::Unauthenticated);
        }
        Ok(Actor {
            principal: Principal::User(view.user.id),
            role: grant.role,
            org: grant.org,
            grant: Some(grant.id),
            expires_at: grant.expires_at,
            request_id,
        })
    }

    /// Start MFA enrolment: a fresh secret kept on the session until confirmed.
    pub async fn begin_mfa_enrolment(&self, view: &SessionView) -> AppResult<(String, String)> {
        if view.user.totp_secret.is_some() {
            return Err(AppError::Conflict(
                "multi-factor authentication is already set up".into(),
            ));
        }
        // The pending secret is sealed on the session like the confirmed one on the user.
        let secret = match &view.session.pending_totp_secret {
            Some(sealed) => self.totp_sealer().open(view.user.id, sealed)?,
            None => {
                let s = totp::base32_encode(&secrets::random_bytes::<20>()?);
                let mut session = view.session.clone();
                session.pending_totp_secret = Some(self.totp_sealer().seal(view.user.id, &s)?);
                self.store().update_session(&session).await?;
                s
            }
        };
        let uri = totp::otpauth_uri(&secret, view.user.email.as_str());
        Ok((secret, uri))
    }

    /// Confirm enrolment with a code from the new secret; completes sign-in with a new session id.
    pub async fn confirm_mfa_enrolment(&self, view: &SessionView, code: &str) -> AppResult<String> {
        let now = self.now();
        self.throttle(Attempt::SecondFactor { user: view.user.id })
            .await?;
        let sealed = view
            .session
            .pending_totp_secret
            .clone()
            .ok_or_else(|| AppError::Conflict("start enrolment first".into()))?;
        let secret = self.totp_sealer().open(view.user.id, &sealed)?;
        let step = totp::verify(&secret, code, now, None).ok_or_else(|| {
            AppError::invalid("code", "that code is not right; check the time on your phone")
        })?;
        let mut user = view.user.clone();
        user.totp_secret = Some(sealed);
        user.totp_last_step = Some(step);
        let meta = ward_store::AuditMeta {
            actor: AuditActor {
                principal: format!("user:{}", user.id),
                role: None,
                acting_org: None,
            },
            at: now,
            request_id: None,
        };
        self.store().update_user(&user, "user.mfa_enrol", &meta).await?;
        self.rotate_session(view, now).await
    }

    /// Check a code for a user who has MFA; completes sign-in with a new session id. Wrong codes
    /// count in `failed_mfa`, which a correct password does not reset: at `max_failed_logins` the
    /// account locks (audited) and its sessions end. Attempts are throttled per account as well.
    pub async fn verify_mfa(&self, view: &SessionView, code: &str) -> AppResult<String> {
        let now = self.now();
        if view.user.locked_until.is_some_and(|l| now < l) {
            self.store().delete_session(&view.session.id_hash).await?;
            return Err(AppError::Unauthenticated);
        }
        self.throttle(Attempt::SecondFactor { user: view.user.id })
            .await?;
        let sealed = view
            .user
            .totp_secret
            .as_deref()
            .ok_or(AppError::Unauthenticated)?;
        let secret = self.totp_sealer().open(view.user.id, sealed)?;
        let Some(step) = totp::verify(&secret, code, now, view.user.totp_last_step) else {
            let failed = self.store().record_mfa_failure(view.user.id).await?;
            if failed >= self.settings().max_failed_logins {
                self.lock_account(&view.user, now, format!("{failed} wrong second-factor codes"))
                    .await?;
                self.store().delete_sessions_of(view.user.id).await?;
                return Err(AppError::Unauthenticated);
            }
            return Err(AppError::invalid("code", "that code is not right"));
        };
        self.store().set_mfa_state(view.user.id, 0, Some(step)).await?;
        self.rotate_session(view, now).await
    }

    /// Replace the session id after a privilege change (MFA done), so a fixated id is useless.
    async fn rotate_session(&self, view: &SessionView, now: Timestamp) -> AppResult<String> {
        let cookie = secrets::random_token()?;
        let mut session = view.session.clone();
        session.id_hash = secrets::digest(&cookie);
        session.mfa_pending = false;
        session.pending_totp_secret = None;
        session.csrf_token = secrets::random_token()?;
        session.last_seen_at = now;
        let e = self.user_audit(&view.user, now, "session.mfa_verified", None);
        let change = SessionChange::Rotate {
            old_hash: view.session.id_hash.clone(),
            new: session,
        };
        self.store().change_session(&change, &e).await?;
        Ok(cookie)
    }

    /// The user's active grants with their organisations, for the organisation switcher.
    pub async fn my_roles(
        &self,
        view: &SessionView,
    ) -> AppResult<Vec<(RoleGrant, ward_core::org::Organisation)>> {
        let mut out = Vec::with_capacity(view.grants.len());
        for g in &view.grants {
            let org = self.store().get_org(&ward_store::Scope::All, g.org).await?;
            out.push((g.clone(), org));
        }
        Ok(out)
    }

    /// Act under another of the user's active grants (audited, with the organisation acted for).
    pub async fn switch_grant(&self, view: &SessionView, grant: GrantId) -> AppResult<()> {
        let Some(g) = view.grants.iter().find(|g| g.id == grant) else {
            return Err(AppError::NotFound("role".into()));
        };
        let mut session = view.session.clone();
        session.acting_grant = Some(grant);
        let mut e = self.user_audit(
            &view.user,
            self.now(),
            "session.switch",
            Some(format!("acting as {} under grant {}", g.role.as_str(), g.id)),
        );
        e.org = Some(g.org);
        self.store()
            .change_session(&SessionChange::Update(session), &e)
            .await?;
        Ok(())
    }

    pub async fn logout(&self, view: &SessionView) -> AppResult<()> {
        let e = self.user_audit(&view.user, self.now(), "session.delete", None);
        let change = SessionChange::Close(view.session.id_hash.clone());
        self.store().change_session(&change, &e).await?;
        Ok(())
    }

    /// Check a submitted CSRF token against the session's.
    pub fn check_csrf(&self, view: &SessionView, submitted: &str) -> AppResult<()> {
        if secrets::same(&view.session.csrf_token, submitted) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "the form has expired; reload the page and try again",
            ))
        }
    }
}
