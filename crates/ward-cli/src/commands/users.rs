//! `ward users ...`

use super::{app_err, open, operator};
use crate::settings::Settings;
use clap::Subcommand;
use ward_app::accounts::users::{NewGrant, NewUser};
use ward_core::org::OdsCode;
use ward_core::role::Role;
use ward_store::Scope;

#[derive(Debug, Subcommand)]
pub(crate) enum UsersCommand {
    /// Create an account with a first role; prints a one-time password.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// national_analyst, regional_lead, org_admin, org_member, auditor, supplier_contact, incident_responder
        #[arg(long)]
        role: Role,
        /// ODS code of the organisation the role covers.
        #[arg(long)]
        org: String,
        /// For incident responders: days until access ends.
        #[arg(long)]
        days: Option<i64>,
    },
    /// Grant another role to an existing account.
    Grant {
        email: String,
        #[arg(long)]
        role: Role,
        #[arg(long)]
        org: String,
        #[arg(long)]
        days: Option<i64>,
    },
    /// List accounts and their roles.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
    /// Enable a disabled account.
    Enable { email: String },
    /// Clear an account's second factor; they enrol again at next sign-in.
    ResetMfa { email: String },
    /// Set a new one-time password and clear any lock-out.
    ResetPassword { email: String },
}

async fn org_id(app: &ward_app::App, code: &str) -> anyhow::Result<ward_core::OrgId> {
    let code = OdsCode::parse(code).map_err(|e| app_err(e.into()))?;
    Ok(app
        .store()
        .get_org_by_code(&Scope::All, &code)
        .await
        .map_err(|e| app_err(e.into()))?
        .id)
}

pub(crate) async fn run(settings: &Settings, json: bool, cmd: UsersCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let actor = operator(&app).await?;
    let expiry = |days: Option<i64>| days.map(|d| app.now() + jiff::SignedDuration::from_hours(24 * d));
    match cmd {
        UsersCommand::Add {
            email,
            name,
            role,
            org,
            days,
        } => {
            let org = org_id(&app, &org).await?;
            let (user, pw, _grant) = app
                .create_user(
                    &actor,
                    NewUser {
                        email,
                        display_name: name,
                        password: None,
                    },
                    role,
                    org,
                    expiry(days),
                )
                .await
                .map_err(app_err)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"id": user.id, "email": user.email, "password": pw})
                );
            } else {
                println!(
                    "Created {} ({}). One-time password: {pw}",
                    user.email,
                    role.label()
                );
                if role.requires_mfa() {
                    println!("They will set up an authenticator app at first sign-in.");
                }
            }
        }
        UsersCommand::Grant {
            email,
            role,
            org,
            days,
        } => {
            let user = app.find_user(&email).await.map_err(app_err)?;
            let org = org_id(&app, &org).await?;
            let g = app
                .grant_role(
                    &actor,
                    NewGrant {
                        user: user.id,
                        role,
                        org,
                        expires_at: expiry(days),
                    },
                )
                .await
                .map_err(app_err)?;
            crate::output::done(
                json,
                &format!("Granted {} to {email}", role.label()),
                serde_json::json!(g),
            );
        }
        UsersCommand::List => {
            let users = app.list_users(&actor).await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string(&users)?);
            } else {
                for u in users {
                    let roles: Vec<&str> = u.grants.iter().map(|g| g.role.as_str()).collect();
                    let state = if u.disabled {
                        "disabled"
                    } else if u.mfa_enrolled {
                        "mfa"
                    } else {
                        "no-mfa"
                    };
                    println!("{:<40} {:<9} {}", u.email, state, roles.join(","));
                }
            }
        }
        UsersCommand::Disable { email } => {
            let user = app.find_user(&email).await.map_err(app_err)?;
            app.set_user_disabled(&actor, user.id, true)
                .await
                .map_err(app_err)?;
            crate::output::done(
                json,
                &format!("Disabled {email}"),
                serde_json::json!({"disabled": email}),
            );
        }
        UsersCommand::Enable { email } => {
            let user = app.find_user(&email).await.map_err(app_err)?;
            app.set_user_disabled(&actor, user.id, false)
                .await
                .map_err(app_err)?;
            crate::output::done(
                json,
                &format!("Enabled {email}"),
                serde_json::json!({"enabled": email}),
            );
        }
        UsersCommand::ResetMfa { email } => {
            let user = app.find_user(&email).await.map_err(app_err)?;
            app.reset_mfa(&actor, user.id).await.map_err(app_err)?;
            crate::output::done(
                json,
                &format!("Cleared MFA for {email}"),
                serde_json::json!({"reset_mfa": email}),
            );
        }
        UsersCommand::ResetPassword { email } => {
            let user = app.find_user(&email).await.map_err(app_err)?;
            let pw = app.reset_password(&actor, user.id, None).await.map_err(app_err)?;
            crate::output::done(
                json,
                &format!("New one-time password for {email}: {pw}"),
                serde_json::json!({"email": email, "password": pw}),
            );
        }
    }
    Ok(())
}
