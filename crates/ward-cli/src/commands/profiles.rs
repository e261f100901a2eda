//! `ward profiles publish|preview|list`: minimum standards against a loaded framework version.
//!
//! Targets come from a JSON file (`{"A1.a": "achieved", ...}`) or from a profile the framework file
//! itself names (CAF 3.2's WebCAF file names `baseline` and `enhanced`). Exit code 3 when a target
//! names an outcome the framework lacks (every one is listed).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;
use ward_app::assurance::profiles::{ProfileDraft, ProfileImpact};
use ward_core::assurance::{Level, ProfileCategory};

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum ProfilesCommand {
    /// Publish the next version of a profile (audited), printing its diff and impact.
    Publish(DraftArgs),
    /// Show what publishing would change, storing nothing.
    Preview(DraftArgs),
    /// Every version of a profile.
    List {
        #[arg(long)]
        framework: String,
        #[arg(long = "framework-version")]
        framework_version: String,
        /// trusts-and-icbs, gp-practices, social-care or suppliers.
        #[arg(long)]
        category: ProfileCategory,
    },
}

#[derive(Debug, Args)]
pub(crate) struct DraftArgs {
    #[arg(long)]
    framework: String,
    #[arg(long = "framework-version")]
    framework_version: String,
    /// trusts-and-icbs, gp-practices, social-care or suppliers.
    #[arg(long)]
    category: ProfileCategory,
    /// The day the version takes effect (YYYY-MM-DD).
    #[arg(long)]
    effective: jiff::civil::Date,
    /// A JSON object of outcome code to status (`not-achieved`, `partially-achieved`, `achieved`).
    #[arg(long, conflicts_with = "from_framework")]
    targets: Option<PathBuf>,
    /// A profile named in the framework file itself (`baseline`, `enhanced`).
    #[arg(long = "from-framework")]
    from_framework: Option<String>,
}

async fn draft(app: &ward_app::App, op: &ward_app::Actor, a: DraftArgs) -> anyhow::Result<ProfileDraft> {
    let targets: BTreeMap<String, Level> = match (&a.targets, &a.from_framework) {
        (Some(path), _) => {
            let bytes = std::fs::read(path)
                .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", path.display())))?;
            serde_json::from_slice(&bytes)
                .map_err(|e| CliError::Rejected(format!("{}: {e}", path.display())))?
        }
        (None, Some(name)) => {
            let f = app
                .framework(op, &a.framework, &a.framework_version)
                .await
                .map_err(app_err)?;
            let targets: BTreeMap<String, Level> = f
                .outcomes()
                .filter_map(|o| Some((o.code.clone(), *o.profiles.get(name)?)))
                .collect();
            if targets.is_empty() {
                return Err(CliError::Rejected(format!(
                    "{} {} names no profile {name}",
                    a.framework, a.framework_version
                ))
                .into());
            }
            targets
        }
        (None, None) => {
            return Err(CliError::Rejected("give --targets FILE or --from-framework NAME".into()).into());
        }
    };
    Ok(ProfileDraft {
        framework: a.framework,
        framework_version: a.framework_version,
        category: a.category,
        effective_from: a.effective,
        targets,
    })
}

fn print(json_out: bool, published: bool, i: &ProfileImpact) {
    if json_out {
        println!("{}", json!(i));
        return;
    }
    let p = &i.profile;
    println!(
        "{} {} {} profile version {} (from {}){}: {} targets",
        p.framework,
        p.framework_version,
        p.category,
        p.version,
        p.effective_from,
        if published { "" } else { ", not published" },
        p.targets.len()
    );
    for c in &i.changes {
        let show = |l: Option<Level>| l.map_or("-", Level::label);
        println!("  {:<6} {} -> {}", c.outcome, show(c.before), show(c.after));
    }
    println!(
        "{} organisation(s) assessed; {} below this version ({} below the previous)",
        i.organisations_assessed, i.organisations_below, i.organisations_below_before
    );
}

pub(crate) async fn run(settings: &Settings, json_out: bool, cmd: ProfilesCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match cmd {
        ProfilesCommand::Publish(a) => {
            let d = draft(&app, &op, a).await?;
            print(
                json_out,
                true,
                &app.publish_profile(&op, d).await.map_err(app_err)?,
            );
        }
        ProfilesCommand::Preview(a) => {
            let d = draft(&app, &op, a).await?;
            print(
                json_out,
                false,
                &app.preview_profile(&op, d).await.map_err(app_err)?,
            );
        }
        ProfilesCommand::List {
            framework,
            framework_version,
            category,
        } => {
            let versions = app
                .profile_versions(&op, &framework, &framework_version, category)
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "profiles": versions }));
            } else {
                for p in &versions {
                    println!(
                        "version {:<3} from {}  {} targets",
                        p.version,
                        p.effective_from,
                        p.targets.len()
                    );
                }
            }
        }
    }
    Ok(())
}
