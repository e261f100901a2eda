//! Administration in the web UI, for the roles the API allows it: people (add, disable, reset the
//! password or second factor, give and withdraw roles), API tokens (issue, list, revoke) and the
//! audit trail (browse, filter, verify: [`audit`]). Every action is the same use case the API
//! calls, so the same rules hold: nobody grants themselves anything, nor more than they hold.

mod audit;

use std::collections::BTreeMap;

use super::views::{Choice, Chrome, Section};
use super::{PageResult, Signed, WebForm, WebQuery, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use ward_app::accounts::tokens::NewToken;
use ward_app::accounts::users::{NewGrant, NewUser, UserSummary};
use ward_app::authz::{Action, grantable_roles_for};
use ward_app::{App, AppError};
use ward_core::role::Role;
use ward_core::{GrantId, OrgId, TokenId, UserId};

pub(super) use audit::{audit, verify};

/// The tabs of the administration pages the person may open.
pub(super) struct Tabs {
    pub(super) users: bool,
    pub(super) tokens: bool,
    pub(super) audit: bool,
    pub(super) deliveries: bool,
    pub(super) here: &'static str,
}

impl Tabs {
    pub(super) fn of(page: &Signed, here: &'static str) -> Self {
        Self {
            users: page.may(Action::ManageUsers),
            tokens: page.may(Action::ManageTokens),
            audit: page.may(Action::ReadAudit),
            deliveries: page.may(Action::ReplayDeliveries),
            here,
        }
    }
}

/// `GET /admin`: the first administration page the person may open.
pub(super) async fn index(page: Signed) -> PageResult {
    let t = Tabs::of(&page, "");
    let to = if t.users {
        "/admin/users"
    } else if t.tokens {
        "/admin/tokens"
    } else if t.audit {
        "/admin/audit"
    } else {
        return Err(page.fail()(AppError::forbidden(
            "your role has no administration",
        )));
    };
    Ok(Redirect::to(to).into_response())
}

/// The roles the person may give, `chosen` selected (what was typed into a refused form).
fn role_choices(page: &Signed, chosen: &str) -> Vec<Choice> {
    grantable_roles_for(&page.actor)
        .iter()
        .map(|r| Choice {
            value: r.to_string(),
            label: r.label().to_owned(),
            selected: r.as_str() == chosen,
        })
        .collect()
}

fn parse_role(v: &str) -> Result<Role, AppError> {
    v.parse().map_err(|_| AppError::invalid("role", "choose a role"))
}

fn day(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y").to_string()
}

struct GrantLine {
    id: String,
    label: String,
}

struct UserLine {
    id: String,
    name: String,
    email: String,
    state: &'static str,
    mfa: bool,
    grants: Vec<GrantLine>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Option<Chrome>,
    title: String,
    tabs: Tabs,
    users: Vec<UserLine>,
    roles: Vec<Choice>,
    org_name: String,
    notice: Option<String>,
    /// A password to show once (a new account or a reset), with whose it is.
    secret: Option<(String, String)>,
    /// The add form's problem and what was typed, when it was refused.
    problem: Option<String>,
    typed_email: String,
    typed_name: String,
}

async fn users_page(
    s: &AppState,
    page: &Signed,
    notice: Option<String>,
    secret: Option<(String, String)>,
    refused: Option<(String, &AddUserForm)>,
) -> Result<UsersPage, super::PageError> {
    let fail = page.fail();
    let users = s.app.list_users(&page.actor).await.map_err(&fail)?;
    let ids: Vec<OrgId> = users
        .iter()
        .flat_map(|u| u.grants.iter().map(|g| g.org))
        .collect();
    let orgs = s.app.org_labels(&page.actor, ids).await.map_err(&fail)?;
    let now = s.app.now();
    let (problem, typed_email, typed_name, typed_role) = match refused {
        Some((p, f)) => (Some(p), f.email.clone(), f.display_name.clone(), f.role.clone()),
        None => (None, String::new(), String::new(), String::new()),
    };
    Ok(UsersPage {
        chrome: chrome_at(page, Section::Admin),
        title: "People".into(),
        tabs: Tabs::of(page, "users"),
        users: users.iter().map(|u| user_line(u, &orgs, now)).collect(),
        roles: role_choices(page, &typed_role),
        org_name: page.chrome.org_name.clone(),
        notice,
        secret,
        problem,
        typed_email,
        typed_name,
    })
}

fn user_line(u: &UserSummary, orgs: &BTreeMap<OrgId, String>, now: jiff::Timestamp) -> UserLine {
    UserLine {
        id: u.id.to_string(),
        name: u.display_name.clone(),
        email: u.email.to_string(),
        state: if u.disabled {
            "Disabled"
        } else if u.locked_until.is_some_and(|l| l > now) {
            "Locked for now"
        } else {
            "Active"
        },
        mfa: u.mfa_enrolled,
        grants: u
            .grants
            .iter()
            .map(|g| GrantLine {
                id: g.id.to_string(),
                label: format!(
                    "{} at {}{}",
                    g.role.label(),
                    orgs.get(&g.org).map_or("an organisation", String::as_str),
                    g.expires_at
                        .map(|e| format!(", until {}", day(e)))
                        .unwrap_or_default()
                ),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

/// `GET /admin/users`.
pub(super) async fn users(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<DoneQuery>,
) -> PageResult {
    let notice = q.done.as_deref().and_then(|d| match d {
        "disabled" => Some("The account is disabled and signed out everywhere.".to_owned()),
        "enabled" => Some("The account can sign in again.".to_owned()),
        "mfa" => Some("The second factor is cleared: they set it up again at their next sign-in.".to_owned()),
        "granted" => Some("The role is given.".to_owned()),
        "revoked" => Some("The role is withdrawn; tokens that relied on it stop working.".to_owned()),
        _ => None,
    });
    let view = users_page(&s, &page, notice, None, None).await?;
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AddUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/users`: add a person with a first role at the acting organisation. A refusal is
/// shown beside the form with what was typed kept; the initial password is shown once.
pub(super) async fn add_user(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<AddUserForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let result = async {
        let role = parse_role(&form.role)?;
        let new = NewUser {
            email: form.email.trim().to_owned(),
            display_name: form.display_name.trim().to_owned(),
            password: None,
        };
        s.app
            .create_user(&page.actor, new, role, page.actor.org, None)
            .await
    }
    .await;
    match result {
        Ok((user, password, _)) => {
            let secret = Some((user.email.to_string(), password));
            let notice = Some(format!("{} can now sign in.", user.display_name));
            let view = users_page(&s, &page, notice, secret, None).await?;
            Ok(render(StatusCode::OK, &view))
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
            let view = users_page(&s, &page, None, None, Some((problem_text(&e), &form))).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(page.fail()(e)),
    }
}

/// A refusal in words for the page.
fn problem_text(e: &AppError) -> String {
    match e {
        AppError::Invalid(problems) => problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join(" "),
        AppError::Conflict(m) | AppError::Forbidden(m) => m.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn user_id(s: &str) -> Result<UserId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("user".into()))
}

/// `POST /admin/users/{id}/disable` and `/enable`.
pub(super) async fn set_disabled(
    State(s): State<AppState>,
    page: Signed,
    Path((id, to)): Path<(String, String)>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let user = user_id(&id).map_err(&fail)?;
    let disabled = match to.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return Err(fail(AppError::NotFound("page".into()))),
    };
    s.app
        .set_user_disabled(&page.actor, user, disabled)
        .await
        .map_err(&fail)?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(Redirect::to(&format!("/admin/users?done={done}")).into_response())
}

/// `POST /admin/users/{id}/reset-mfa`.
pub(super) async fn reset_mfa(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let user = user_id(&id).map_err(&fail)?;
    s.app.reset_mfa(&page.actor, user).await.map_err(&fail)?;
    Ok(Redirect::to("/admin/users?done=mfa").into_response())
}

/// `POST /admin/users/{id}/reset-password`: a new password, shown once.
pub(super) async fn reset_password(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let user = user_id(&id).map_err(&fail)?;
    let password = s
        .app
        .reset_password(&page.actor, user, None)
        .await
        .map_err(&fail)?;
    let who = s
        .app
        .list_users(&page.actor)
        .await
        .map_err(&fail)?
        .into_iter()
        .find(|u| u.id == user)
        .map(|u| u.email.to_string())
        .unwrap_or_default();
    let notice = Some("The password is reset and they are signed out everywhere.".to_owned());
    let view = users_page(&s, &page, notice, Some((who, password)), None).await?;
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/{id}/grants`: give a role at the acting organisation.
pub(super) async fn grant(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<GrantForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let user = user_id(&id).map_err(&fail)?;
    let role = parse_role(&form.role).map_err(&fail)?;
    s.app
        .grant_role(
            &page.actor,
            NewGrant {
                user,
                role,
                org: page.actor.org,
                expires_at: None,
            },
        )
        .await
        .map_err(&fail)?;
    Ok(Redirect::to("/admin/users?done=granted").into_response())
}

/// `POST /admin/users/{id}/grants/{grant}/revoke`.
pub(super) async fn revoke_grant(
    State(s): State<AppState>,
    page: Signed,
    Path((id, grant)): Path<(String, String)>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let user = user_id(&id).map_err(&fail)?;
    let grant: GrantId = grant
        .parse()
        .map_err(|_| AppError::NotFound("grant".into()))
        .map_err(&fail)?;
    s.app
        .revoke_grant(&page.actor, user, grant)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to("/admin/users?done=revoked").into_response())
}

struct TokenLine {
    id: String,
    name: String,
    role: &'static str,
    org: String,
    owner: String,
    created: String,
    expires: String,
    last_used: String,
    live: bool,
    state: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    chrome: Option<Chrome>,
    title: String,
    tabs: Tabs,
    tokens: Vec<TokenLine>,
    roles: Vec<Choice>,
    org_name: String,
    notice: Option<String>,
    secret: Option<String>,
    problem: Option<String>,
    typed_name: String,
    typed_days: String,
}

/// People's names by their identifiers, where the actor may manage them.
async fn names(app: &App, page: &Signed) -> BTreeMap<UserId, String> {
    if !page.may(Action::ManageUsers) {
        return BTreeMap::new();
    }
    app.list_users(&page.actor)
        .await
        .map(|us| us.into_iter().map(|u| (u.id, u.display_name)).collect())
        .unwrap_or_default()
}

async fn tokens_page(
    s: &AppState,
    page: &Signed,
    notice: Option<String>,
    secret: Option<String>,
    refused: Option<(String, &IssueForm)>,
) -> Result<TokensPage, super::PageError> {
    let fail = page.fail();
    let tokens = s.app.list_tokens(&page.actor).await.map_err(&fail)?;
    let ids: Vec<OrgId> = tokens.iter().map(|t| t.org).collect();
    let orgs = s.app.org_labels(&page.actor, ids).await.map_err(&fail)?;
    let people = names(&s.app, page).await;
    let now = s.app.now();
    let (problem, typed_name, typed_role, typed_days) = match refused {
        Some((p, f)) => (Some(p), f.name.clone(), f.role.clone(), f.days.clone()),
        None => (None, String::new(), String::new(), "30".to_owned()),
    };
    Ok(TokensPage {
        chrome: chrome_at(page, Section::Admin),
        title: "API tokens".into(),
        tabs: Tabs::of(page, "tokens"),
        tokens: tokens
            .iter()
            .map(|t| {
                let live = t.revoked_at.is_none() && t.expires_at > now;
                TokenLine {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    role: t.role.label(),
                    org: orgs.get(&t.org).cloned().unwrap_or_default(),
                    owner: people
                        .get(&t.created_by)
                        .cloned()
                        .unwrap_or_else(|| "Someone outside your organisations".to_owned()),
                    created: day(t.created_at),
                    expires: day(t.expires_at),
                    last_used: t.last_used_at.map(day).unwrap_or_else(|| "Never".to_owned()),
                    live,
                    state: match t.revoked_at {
                        Some(r) => format!("Revoked {}", day(r)),
                        None if !live => "Expired".to_owned(),
                        None => "Active".to_owned(),
                    },
                }
            })
            .collect(),
        roles: role_choices(page, &typed_role),
        org_name: page.chrome.org_name.clone(),
        notice,
        secret,
        problem,
        typed_name,
        typed_days,
    })
}

/// `GET /admin/tokens`.
pub(super) async fn tokens(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<DoneQuery>,
) -> PageResult {
    let notice = (q.done.as_deref() == Some("revoked")).then(|| "The token is revoked.".to_owned());
    let view = tokens_page(&s, &page, notice, None, None).await?;
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct IssueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    days: String,
}

/// `POST /admin/tokens`: issue a token for the acting organisation; the secret is shown once.
pub(super) async fn issue(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<IssueForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let result = async {
        let role = parse_role(&form.role)?;
        let days: i64 = form
            .days
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("days", "the lifetime is a number of days"))?;
        s.app
            .issue_token(
                &page.actor,
                NewToken {
                    name: form.name.trim().to_owned(),
                    role,
                    org: page.actor.org,
                    days,
                    owner: None,
                },
            )
            .await
    }
    .await;
    let view = match result {
        Ok(issued) => {
            let notice = Some(format!(
                "The token {} is issued. Copy it now: Ward keeps only a hash and cannot show it again.",
                issued.token.name
            ));
            tokens_page(&s, &page, notice, Some(issued.secret), None).await?
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Forbidden(_))) => {
            let view = tokens_page(&s, &page, None, None, Some((problem_text(&e), &form))).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
        }
        Err(e) => return Err(page.fail()(e)),
    };
    let mut res: Response = render(StatusCode::OK, &view);
    // The secret is on this page only: never cached.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `POST /admin/tokens/{id}/revoke`.
pub(super) async fn revoke_token(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id: TokenId = id
        .parse()
        .map_err(|_| AppError::NotFound("token".into()))
        .map_err(&fail)?;
    s.app.revoke_token(&page.actor, id).await.map_err(&fail)?;
    Ok(Redirect::to("/admin/tokens?done=revoked").into_response())
}
