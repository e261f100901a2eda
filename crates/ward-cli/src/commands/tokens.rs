//! `ward tokens ...`

use super::{app_err, open, operator};
use crate::settings::Settings;
use clap::Subcommand;
use ward_app::accounts::tokens::NewToken;
use ward_core::TokenId;
use ward_core::org::OdsCode;
use ward_core::role::Role;
use ward_store::Scope;

#[derive(Debug, Subcommand)]
pub(crate) enum TokensCommand {
    /// Issue a token on behalf of a person; printed once.
    Issue {
        /// A name saying what the token is for, e.g. "asset sync from SCCM".
        #[arg(long)]
        name: String,
        /// The person responsible for the token.
        #[arg(long)]
        owner: String,
        #[arg(long)]
        role: Role,
        /// ODS code of the organisation the token covers.
        #[arg(long)]
        org: String,
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id.
    Revoke { id: String },
}

pub(crate) async fn run(settings: &Settings, json: bool, cmd: TokensCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let actor = operator(&app).await?;
    match cmd {
        TokensCommand::Issue {
            name,
            owner,
            role,
            org,
            days,
        } => {
            let owner = app.find_user(&owner).await.map_err(app_err)?;
            let code = OdsCode::parse(&org).map_err(|e| app_err(e.into()))?;
            let org = app
                .store()
                .get_org_by_code(&Scope::All, &code)
                .await
                .map_err(|e| app_err(e.into()))?;
            let t = app
                .issue_token(
                    &actor,
                    NewToken {
                        name,
                        role,
                        org: org.id,
                        days,
                        owner: Some(owner.id),
                    },
                )
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::json!({"token": t.secret, "details": t.token}));
            } else {
                println!("{}", t.secret);
                eprintln!(
                    "Token {} expires {}. It is shown only once.",
                    t.token.id, t.token.expires_at
                );
            }
        }
        TokensCommand::List => {
            let tokens = app.list_tokens(&actor).await.map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string(&tokens)?);
            } else {
                for t in tokens {
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{}  {:<8} {:<20} {:<30} expires {}",
                        t.id,
                        state,
                        t.role.as_str(),
                        t.name,
                        t.expires_at
                    );
                }
            }
        }
        TokensCommand::Revoke { id } => {
            let id: TokenId = id
                .parse()
                .map_err(|e: ward_core::ValidationError| app_err(e.into()))?;
            app.revoke_token(&actor, id).await.map_err(app_err)?;
            crate::output::done(json, &format!("Revoked {id}"), serde_json::json!({"revoked": id}));
        }
    }
    Ok(())
}
