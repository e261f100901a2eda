//! Who am I, users, role grants and API tokens.

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use ward_app::accounts::tokens::NewToken;
use ward_app::accounts::users::{NewGrant, NewUser, UserSummary};
use ward_core::account::ApiToken;
use ward_core::role::{Role, RoleGrant};
use ward_core::{GrantId, OrgId, TokenId, UserId};

fn parse_id<T: std::str::FromStr>(s: &str) -> ApiResult<T> {
    s.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `user:<id>` or `token:<id>`.
    pub principal: String,
    pub role: Role,
    pub org: OrgId,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<jiff::Timestamp>,
}

/// The caller's identity and acting role.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(ApiActor(actor): ApiActor) -> Json<Me> {
    Json(Me {
        principal: actor.audit_actor().principal,
        role: actor.role,
        org: actor.org,
        expires_at: actor.expires_at,
    })
}

/// Users holding roles in your footprint.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = Vec<UserSummary>)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(s.app.list_users(&actor).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub email: String,
    pub display_name: String,
    /// The first role to grant.
    pub role: Role,
    pub org: OrgId,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(default)]
    pub expires_at: Option<jiff::Timestamp>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    pub id: UserId,
    /// Shown once: pass it to the person over a separate channel.
    pub initial_password: String,
    pub grant: RoleGrant,
}

/// Create an account with a first role; the initial password is returned once.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserBody,
    responses((status = 201, body = CreatedUser), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewUserBody>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    // One use case: the grant rules are checked before anything is written, and the account and
    // its first grant are stored in one transaction.
    let (user, pw, grant) = s
        .app
        .create_user(
            &actor,
            NewUser {
                email: b.email,
                display_name: b.display_name,
                password: None,
            },
            b.role,
            b.org,
            b.expires_at,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            id: user.id,
            initial_password: pw,
            grant,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    pub role: Role,
    pub org: OrgId,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(default)]
    pub expires_at: Option<jiff::Timestamp>,
}

/// Grant a role (incident responders: national and regional roles only, always with an expiry).
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", tag = "accounts", params(("id" = String, Path)),
    request_body = GrantBody, responses((status = 201, body = RoleGrant), (status = 403, body = crate::error::ErrorBody)))]
pub async fn grant(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<GrantBody>,
) -> ApiResult<(StatusCode, Json<RoleGrant>)> {
    let user: UserId = parse_id(&id)?;
    let g = s
        .app
        .grant_role(
            &actor,
            NewGrant {
                user,
                role: b.role,
                org: b.org,
                expires_at: b.expires_at,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(g)))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}/grants/{grant}", tag = "accounts",
    params(("id" = String, Path), ("grant" = String, Path)), responses((status = 204)))]
pub async fn revoke_grant(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, grant)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    s.app
        .revoke_grant(&actor, parse_id::<UserId>(&id)?, parse_id::<GrantId>(&grant)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable an account and end its sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn disable(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app
        .set_user_disabled(&actor, parse_id::<UserId>(&id)?, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clear an account's second factor; they enrol again at next sign-in.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-mfa", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn reset_mfa(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.reset_mfa(&actor, parse_id::<UserId>(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<ApiToken>)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(s.app.list_tokens(&actor).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    pub name: String,
    pub role: Role,
    pub org: OrgId,
    /// Lifetime in days: 1 to 366 (`token_max_days`), or to 30 for privileged roles
    /// (`privileged_token_max_days`); never past the end of the owner's grants that cover it.
    pub days: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedTokenBody {
    /// Shown once. Send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub details: ApiToken,
}

/// Issue an API token for a machine (shown once).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewTokenBody,
    responses((status = 201, body = IssuedTokenBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<IssuedTokenBody>)> {
    let t = s
        .app
        .issue_token(
            &actor,
            NewToken {
                name: b.name,
                role: b.role,
                org: b.org,
                days: b.days,
                owner: None,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenBody {
            token: t.secret,
            details: t.token,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&actor, parse_id::<TokenId>(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
