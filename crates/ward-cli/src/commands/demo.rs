//! `ward demo`: generate a realistic sector (deterministic from a seed), load it, create one login
//! per role with a random password printed once, and serve it.

use super::demo_exercises::Facilitator;
use super::serve::{ServeArgs, init_logging, serve_app};
use super::{app_err, open, operator};
use crate::settings::Settings;
use clap::Args;
use std::sync::Arc;
use ward_app::App;
use ward_app::accounts::users::NewUser;
use ward_demo::{DemoPlan, OrgInventory, Scale};
use ward_store::{AuditMeta, OrgFilter, PageRequest, Scope};

/// Where `ward demo` keeps its database unless told otherwise; replaced on every run.
pub(crate) const DEMO_DB: &str = "ward-data/demo.db";

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// small (one region, seconds), region, or national (~30,000 organisations, ~1M assets).
    #[arg(long, default_value = "small")]
    pub scale: Scale,
    #[arg(long, default_value_t = 2017)]
    pub seed: u64,
    /// Load the data and print the logins, but do not start the server.
    #[arg(long)]
    pub no_serve: bool,
    /// Also give every organisation an assessment against this framework file (for example
    /// ../shared/data/frameworks/webcaf-caf-4.0.yaml), with starting profiles, for the
    /// assurance roll-up. Off by default: the default demo stays quick.
    #[arg(long, value_name = "FILE")]
    pub assurance: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Organisations whose inventories go into one transaction.
const CHUNK: usize = 250;

pub(crate) async fn run(mut settings: Settings, explicit_db: bool, a: DemoArgs) -> anyhow::Result<()> {
    init_logging(&settings.log_format);
    if !explicit_db {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{DEMO_DB}{suffix}"));
        }
        settings.database_url = format!("sqlite://{DEMO_DB}");
        // A new demo database starts a new audit chain: earlier checkpoints belong to the old one.
        let _ = std::fs::remove_file(crate::keyfile::checkpoint_path(&settings));
    }
    let app = open(&settings).await?;
    let existing = app
        .store()
        .list_orgs(
            &Scope::All,
            &OrgFilter::default(),
            PageRequest { offset: 0, limit: 1 },
        )
        .await?;
    if existing.total > 0 {
        anyhow::bail!("the database already holds organisations; point --database-url at an empty one");
    }
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let started = std::time::Instant::now();
    let plan = Arc::new(DemoPlan::new(a.seed, a.scale, today));
    let (orgs, assets) = load(&app, Arc::clone(&plan)).await?;
    let threats = load_threats(&app).await?;
    let Personas {
        logins,
        member,
        facilitator,
        regional_lead,
    } = create_personas(&app, &plan).await?;
    let risks = seed_risks(&app, member).await?;
    let trained = seed_people(&app, member, today).await?;
    let incidents = super::demo_incidents::seed_incidents(&app, &plan, member).await?;
    let exercises = super::demo_exercises::seed_exercises(&app, facilitator, member, today).await?;
    let assurance = match &a.assurance {
        Some(file) => {
            let year = i32::from(today.year());
            Some(super::demo_assurance::seed(&app, file, a.seed, year, regional_lead).await?)
        }
        None => None,
    };
    eprintln!(
        "Loaded a {} demo sector: {orgs} organisations, {assets} assets in {:.1}s.",
        a.scale.as_str(),
        started.elapsed().as_secs_f64()
    );
    eprintln!(
        "Threat data: {} advisories, {} KEV, {} EPSS (illustrative), {} EOL products.",
        threats.advisories, threats.kev, threats.epss, threats.eol
    );
    eprintln!("Risk register: {risks} risks raised from the member's organisation's top exposures.");
    eprintln!(
        "People: a training record of {trained} people and a board member accountable for cyber security in the member's organisation."
    );
    eprintln!(
        "Incidents: {incidents} closed incidents with start, detection, containment and recovery times (Recovery metrics)."
    );
    eprintln!(
        "Exercises: {} completed today with its debrief (CAF D1.c evidence) and {} planned, facilitated by the organisation admin.",
        exercises.completed, exercises.planned
    );
    if let Some(s) = assurance {
        eprintln!(
            "Assurance: {} assessments against {} {} ({} starting profiles published), {} improvement plans ({} approved), {} Cyber Essentials Plus certificates (Assurance > Roll-up).",
            s.assessments, s.framework, s.version, s.profiles, s.plans, s.approved, s.certificates
        );
    }
    print_logins(&logins, &settings, a.serve.listen.as_deref());
    if a.no_serve {
        return Ok(());
    }
    if let Some(l) = a.serve.listen {
        settings.listen = l;
    }
    if let Some(m) = a.serve.metrics_listen {
        settings.metrics_listen = m;
    }
    serve_app(app, &settings, None).await
}

/// Load the plan: organisations, products, then inventories in chunks generated on a separate thread
/// while the previous chunk is written. Returns (organisations, assets).
pub(crate) async fn load(app: &App, plan: Arc<DemoPlan>) -> anyhow::Result<(usize, usize)> {
    let meta = AuditMeta {
        actor: ward_core::audit::AuditActor::system("demo"),
        at: app.now(),
        request_id: None,
    };
    let store = app.store();
    store
        .upsert_orgs(&plan.orgs, plan.today(), &meta)
        .await
        .map_err(|e| app_err(e.into()))?;
    store
        .upsert_products(&Scope::All, &plan.products, &meta)
        .await
        .map_err(|e| app_err(e.into()))?;

    let n = plan.orgs.len();
    let pb = indicatif::ProgressBar::new(n as u64);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} organisations ({eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message("loading inventories");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Vec<OrgInventory>)>(2);
    let producer_plan = Arc::clone(&plan);
    let producer = std::thread::spawn(move || {
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK).min(n);
            let chunk: Vec<OrgInventory> = (start..end).map(|i| producer_plan.inventory(i)).collect();
            if tx.blocking_send((end - start, chunk)).is_err() {
                break;
            }
            start = end;
        }
    });
    let mut assets_total = 0usize;
    let mut deps = Vec::new();
    while let Some((count, chunk)) = rx.recv().await {
        let services: Vec<_> = chunk.iter().flat_map(|c| c.services.iter().cloned()).collect();
        let assets: Vec<_> = chunk.iter().flat_map(|c| c.assets.iter().cloned()).collect();
        deps.extend(chunk.into_iter().flat_map(|c| c.dependencies));
        store
            .insert_services(&Scope::All, &services, &meta)
            .await
            .map_err(|e| app_err(e.into()))?;
        store
            .insert_assets(&Scope::All, &assets, &meta)
            .await
            .map_err(|e| app_err(e.into()))?;
        assets_total += assets.len();
        pb.inc(count as u64);
    }
    let _ = producer.join();
    // Dependencies last: they may point at services of organisations loaded later.
    for part in deps.chunks(20_000) {
        store
            .insert_dependencies(&Scope::All, part, &meta)
            .await
            .map_err(|e| app_err(e.into()))?;
    }
    pb.finish_and_clear();
    Ok((n, assets_total))
}

/// How many threat records [`load_threats`] stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ThreatCounts {
    pub advisories: u64,
    pub kev: u64,
    pub epss: u64,
    pub eol: u64,
}

/// Store the demo's threat data ([`ward_demo::threats`]): real advisories affecting the catalogue's
/// releases, their KEV entries, illustrative EPSS scores and end-of-life products. KEV entries are
/// added without removing any already stored.
pub(crate) async fn load_threats(app: &App) -> anyhow::Result<ThreatCounts> {
    let meta = AuditMeta {
        actor: ward_core::audit::AuditActor::system("demo"),
        at: app.now(),
        request_id: None,
    };
    let t = ward_demo::threats();
    let store = app.store();
    let advisories = store
        .upsert_advisories(&t.advisories, &meta)
        .await
        .map_err(|e| app_err(e.into()))?;
    let kev = store
        .upsert_kev(&t.kev_catalog, &t.kev, false, &meta)
        .await
        .map_err(|e| app_err(e.into()))?;
    let epss = store
        .upsert_epss(&t.epss_header, &t.epss, &meta)
        .await
        .map_err(|e| app_err(e.into()))?;
    let eol = store
        .upsert_eol(&t.eol, &meta)
        .await
        .map_err(|e| app_err(e.into()))?;
    Ok(ThreatCounts {
        advisories: advisories.total(),
        kev: kev.total(),
        epss: epss.total(),
        eol: eol.total(),
    })
}

/// One login per role.
pub(crate) struct Login {
    pub role: ward_core::role::Role,
    pub email: String,
    pub password: String,
    pub org_name: String,
}

/// The accounts the demo made, and those it hands other parts of the demo.
struct Personas {
    logins: Vec<Login>,
    /// The organisation member's account and organisation (who owns the demo's risks).
    member: Option<(ward_core::UserId, ward_core::OrgId)>,
    /// The organisation admin (who facilitates the demo's exercises).
    facilitator: Option<Facilitator>,
    /// The regional lead's account and region (who approves its region's improvement plans).
    regional_lead: Option<(ward_core::UserId, ward_core::OrgId)>,
}

/// One account per persona.
async fn create_personas(app: &App, plan: &DemoPlan) -> anyhow::Result<Personas> {
    let actor = operator(app).await?;
    let mut out = Vec::new();
    let mut member = None;
    let mut facilitator = None;
    let mut regional_lead = None;
    for p in &plan.personas {
        let expires_at = p
            .role
            .requires_expiry()
            .then(|| app.now() + jiff::SignedDuration::from_hours(24 * 30));
        let (user, password, grant) = app
            .create_user(
                &actor,
                NewUser {
                    email: p.email.clone(),
                    display_name: p.display_name.clone(),
                    password: None,
                },
                p.role,
                p.org,
                expires_at,
            )
            .await
            .map_err(app_err)?;
        let org_name = plan
            .orgs
            .iter()
            .find(|o| o.id == p.org)
            .map_or_else(String::new, |o| o.name.clone());
        if p.role == ward_core::role::Role::OrgMember {
            member = Some((user.id, p.org));
        }
        if p.role == ward_core::role::Role::RegionalLead {
            regional_lead = Some((user.id, p.org));
        }
        if p.role == ward_core::role::Role::OrgAdmin {
            facilitator = Some(Facilitator {
                user: user.id,
                grant: grant.id,
                org: p.org,
            });
        }
        out.push(Login {
            role: p.role,
            email: p.email.clone(),
            password,
            org_name,
        });
    }
    Ok(Personas {
        logins: out,
        member,
        facilitator,
        regional_lead,
    })
}

/// Raise risks from the member's organisation's three most urgent exposures, owned by the member,
/// so the register, its heat map and the roll-up have something to show.
async fn seed_risks(
    app: &App,
    member: Option<(ward_core::UserId, ward_core::OrgId)>,
) -> anyhow::Result<usize> {
    let Some((owner, org)) = member else {
        return Ok(0);
    };
    let actor = operator(app).await?;
    let filter = ward_app::exposure::ExposureFilter {
        org: Some(org),
        ..Default::default()
    };
    let top = app
        .list_exposures(
            &actor,
            &filter,
            ward_app::exposure::Sort::Priority,
            PageRequest { offset: 0, limit: 3 },
        )
        .await
        .map_err(app_err)?;
    let mut raised = 0;
    for x in top.items {
        let input = ward_app::risks::RaiseFromExposure {
            advisory: x.advisory,
            asset: x.asset,
            owner: Some(owner),
        };
        app.raise_risk_from_exposure(&actor, input)
            .await
            .map_err(app_err)?;
        raised += 1;
    }
    Ok(raised)
}

/// A training record for the demo member's organisation (staff, board members and a cyber lead,
/// some up to date, some overdue, some never trained) and its accountable board member, so the
/// People page and the roll-up have something to show. Returns how many people it names.
async fn seed_people(
    app: &App,
    member: Option<(ward_core::UserId, ward_core::OrgId)>,
    today: jiff::civil::Date,
) -> anyhow::Result<usize> {
    let Some((_, org)) = member else {
        return Ok(0);
    };
    let actor = operator(app).await?;
    let mut csv = String::from("person_ref,role,course,completed_on\n");
    let ago = |days: i64| today.checked_sub(jiff::Span::new().days(days)).unwrap_or(today);
    let staff = 40;
    for n in 0..staff {
        // Three in four up to date, one in eight overdue, the rest never trained.
        match n % 8 {
            0 => csv.push_str(&format!("S{n:03},staff,,\n")),
            1 => csv.push_str(&format!(
                "S{n:03},staff,data-security-awareness,{}\n",
                ago(400 + n)
            )),
            _ => csv.push_str(&format!(
                "S{n:03},staff,data-security-awareness,{}\n",
                ago(10 * n + 5)
            )),
        }
    }
    for (n, days) in [(1, 30), (2, 200), (3, 500)] {
        for course in ["board-cyber", "data-security-awareness"] {
            csv.push_str(&format!("B{n:02},board_member,{course},{}\n", ago(days)));
        }
    }
    csv.push_str(&format!("C01,cyber_lead,cyber-specialist,{}\n", ago(90)));
    csv.push_str(&format!("C01,cyber_lead,data-security-awareness,{}\n", ago(90)));
    app.import_training_file(&actor, org, "demo-training.csv", csv.into_bytes())
        .await
        .map_err(app_err)?;
    app.add_board_member(
        &actor,
        ward_core::training::NewBoardMember {
            org,
            name: "Dr Morgan Ellis".into(),
            board_role: "Medical Director and senior information risk owner".into(),
        },
    )
    .await
    .map_err(app_err)?;
    Ok(staff as usize + 4)
}

fn print_logins(logins: &[Login], settings: &Settings, listen: Option<&str>) {
    let addr = listen.unwrap_or(&settings.listen);
    println!();
    println!("Ward demo: sign in at http://{addr}/ with any of these (passwords are shown only now):");
    println!();
    println!(
        "  {:<20} {:<42} {:<24} organisation",
        "role", "e-mail", "password"
    );
    for l in logins {
        println!(
            "  {:<20} {:<42} {:<24} {}",
            l.role.as_str(),
            l.email,
            l.password,
            l.org_name
        );
    }
    println!();
    println!("Roles marked for MFA (national, regional, org admin, responder) set up an authenticator app");
    println!("at first sign-in. Stop the demo with Ctrl-C.");
    // Only the embedded file is named: a server URL may carry a password.
    if settings.database_url.starts_with("sqlite://") {
        println!();
        println!("To manage this demo from another terminal, point the other commands at its database:");
        println!(
            "  ward --database-url {} users list    (or set WARD_DATABASE_URL)",
            settings.database_url
        );
    }
}
