//! `ward`: run the server, load the demo sector, manage users and tokens, import data, verify the
//! audit trail, back up and restore. Exit codes: 0 success, 1 failure, 2 bad command line,
//! 3 input rejected, 4 audit chain broken, 5 database unavailable.

mod commands;

/// mimalloc: SQLite's page cache and bulk imports allocate heavily; glibc's malloc spent a third of
/// an import's time in its own bookkeeping (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod keyfile;
mod output;
mod settings;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "ward", version, about = "Cyber resilience for health and social care")]
pub struct Cli {
    /// Database: sqlite://PATH (embedded, default) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "WARD_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// A TOML settings file (see `ward config print-default`).
    #[arg(long, global = true, env = "WARD_CONFIG")]
    config: Option<PathBuf>,
    /// Machine-readable JSON output where a script would want it.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a realistic demo sector, print one login per role, and serve it.
    Demo(commands::demo::DemoArgs),
    /// Run the web UI, API and background jobs.
    Serve(commands::serve::ServeArgs),
    /// Apply database migrations.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    Users(commands::users::UsersCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Tokens(commands::tokens::TokensCommand),
    /// Organisations.
    #[command(subcommand)]
    Orgs(commands::imports::OrgsCommand),
    /// Assets.
    #[command(subcommand)]
    Assets(commands::imports::AssetsCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Write a consistent snapshot of the whole database to a file.
    Backup(commands::backup::BackupArgs),
    /// Load a snapshot into an empty database.
    Restore(commands::backup::RestoreArgs),
    /// Settings.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print shell completions.
    Completions(CompletionArgs),
    /// Compare or sort versions of an ecosystem (offline).
    #[command(subcommand)]
    Versions(commands::offline::VersionsCommand),
    /// Vulnerability feeds: import files, sync configured sources.
    #[command(subcommand)]
    Feeds(commands::feeds::FeedsCommand),
    /// Match SBOMs against advisory files offline; exit 0 when nothing is affected, 1 when something
    /// is, 3 for unreadable input.
    Scan(commands::offline::ScanArgs),
    /// Assurance frameworks: import, list, crosswalk between versions.
    #[command(subcommand)]
    Frameworks(commands::frameworks::FrameworksCommand),
    /// Profiles (minimum standards): publish, preview, list.
    #[command(subcommand)]
    Profiles(commands::profiles::ProfilesCommand),
    /// Risk registers: an organisation's risks, the roll-up of grades.
    #[command(subcommand)]
    Risks(commands::risks::RisksCommand),
    /// Technology assessments: the requests to the national service, with their status.
    #[command(subcommand)]
    TechAssessments(commands::tech_assessments::TechAssessmentsCommand),
    /// Assessments: export one as CSV or JSON; organisations whose claims disagree with the facts.
    #[command(subcommand)]
    Assessments(commands::assessments::AssessmentsCommand),
    /// Derive each outcome's status from a framework file and an answers file (offline); exit 3 for
    /// unreadable or broken input and answers naming unknown indicators.
    Assess(commands::assess::AssessArgs),
    /// Cyber alerts: issue to the organisations exposed, list.
    #[command(subcommand)]
    Alerts(commands::alerts::AlertsCommand),
    /// The blast radius of losing a supplier, a product, an organisation or a service: who stops
    /// or degrades, patients and appointments a day, the worst consequence; exit 3 when the name
    /// matches nothing.
    Impact(commands::impact::ImpactArgs),
    /// A seeded dry run of a built-in scenario (wannacry-2017, advanced-2022, synnovis-2024) over
    /// the dependency graph: postponed appointments and procedures, days to recover (median, p90).
    Simulate(commands::simulate::SimulateArgs),
    /// Exercises of response plans: the built-in scenario library (offline).
    #[command(subcommand)]
    Exercises(commands::exercises::ExercisesCommand),
    /// Training: import an organisation's completion CSV, the roll-up of completion.
    #[command(subcommand)]
    Training(commands::training::TrainingCommand),
    /// Incidents: list them with their reporting clocks, record one for an organisation; exit 3
    /// for input that is refused (naming the option or field).
    #[command(subcommand)]
    Incidents(commands::incidents::IncidentsCommand),
    /// The critical supplier register: criticality, dependants, assurance.
    #[command(subcommand)]
    Suppliers(commands::suppliers::SuppliersCommand),
    /// Reports made by Ward itself: an organisation's board pack as a PDF; exit 3 for an unknown
    /// organisation or a path that cannot be written.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the default settings as TOML.
    PrintDefault,
}

#[derive(Debug, Args)]
struct CompletionArgs {
    shell: clap_complete::Shell,
}

/// Failures that map to exit codes.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    AuditBroken(String),
    #[error("{0}")]
    Database(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = match e.downcast_ref::<CliError>() {
                Some(CliError::Rejected(_)) => 3,
                Some(CliError::AuditBroken(_)) => 4,
                Some(CliError::Database(_)) => 5,
                None => 1,
            };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = settings::Settings::load(cli.config.as_deref())?;
    if let Some(url) = &cli.database_url {
        settings.database_url.clone_from(url);
    }
    match cli.command {
        Command::Config(ConfigCommand::PrintDefault) => {
            print!("{}", settings::Settings::default_toml()?);
            Ok(())
        }
        Command::Completions(a) => {
            use clap::CommandFactory;
            clap_complete::generate(a.shell, &mut Cli::command(), "ward", &mut std::io::stdout());
            Ok(())
        }
        Command::Demo(a) => commands::demo::run(settings, cli.database_url.is_some(), a).await,
        Command::Serve(a) => commands::serve::run(settings, a).await,
        Command::Migrate => {
            commands::open_creating_key(&settings).await?;
            output::done(
                cli.json,
                "migrations applied",
                serde_json::json!({"migrated": true}),
            );
            Ok(())
        }
        Command::Users(c) => commands::users::run(&settings, cli.json, c).await,
        Command::Tokens(c) => commands::tokens::run(&settings, cli.json, c).await,
        Command::Orgs(c) => commands::imports::run_orgs(&settings, cli.json, c).await,
        Command::Assets(c) => commands::imports::run_assets(&settings, cli.json, c).await,
        Command::Audit(c) => commands::audit::run(&settings, cli.json, c).await,
        Command::Backup(a) => commands::backup::backup(&settings, cli.json, a).await,
        Command::Restore(a) => commands::backup::restore(&settings, cli.json, a).await,
        Command::Feeds(c) => commands::feeds::run(&settings, cli.json, c).await,
        Command::Versions(c) => commands::offline::versions(c),
        Command::Frameworks(c) => commands::frameworks::run(&settings, cli.json, c).await,
        Command::Profiles(c) => commands::profiles::run(&settings, cli.json, c).await,
        Command::Risks(c) => commands::risks::run(&settings, cli.json, c).await,
        Command::TechAssessments(c) => commands::tech_assessments::run(&settings, cli.json, c).await,
        Command::Assessments(c) => commands::assessments::run(&settings, cli.json, c).await,
        Command::Assess(a) => commands::assess::run(&a, cli.json),
        Command::Alerts(c) => commands::alerts::run(&settings, cli.json, c).await,
        Command::Impact(a) => commands::impact::run(&settings, cli.json, a).await,
        Command::Simulate(a) => commands::simulate::run(&settings, cli.json, a).await,
        Command::Exercises(c) => commands::exercises::run(cli.json, &c),
        Command::Training(c) => commands::training::run(&settings, cli.json, c).await,
        Command::Incidents(c) => commands::incidents::run(&settings, cli.json, c).await,
        Command::Suppliers(c) => commands::suppliers::run(&settings, cli.json, c).await,
        Command::Report(c) => commands::report::run(&settings, cli.json, c).await,
        Command::Scan(a) => {
            if commands::offline::run_scan(&a, cli.json)? {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
