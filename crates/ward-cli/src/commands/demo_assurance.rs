//! Assessments across a demo sector, for the assurance roll-up to show and to be benchmarked on:
//! `ward demo --assurance FILE` after loading the sector, or `ward assessments seed-demo
//! --framework FILE` on a database that already holds one. The framework comes from a file
//! (such as `../shared/data/frameworks/webcaf-caf-4.0.yaml`) imported the usual way; a starting
//! profile is published for each category that has none; then every organisation the roll-up
//! counts that has no assessment of the framework version gets one (`ward_demo::assurance`),
//! loaded in chunks, each chunk one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use ward_app::App;
use ward_app::assurance::profiles::ProfileDraft;
use ward_app::assurance::rollup::counted_kinds;
use ward_core::assurance::improvement::{ImprovementAction, PlanActionStatus, PlanApproval, StandardStatus};
use ward_core::assurance::{
    AssessmentHead, AssessmentKind, AssessmentStatus, Framework, Level, ProfileCategory,
};
use ward_core::certificate::{Certificate, CertificateKind};
use ward_core::{AssessmentId, CertificateId, ImprovementActionId, OrgId, UserId};
use ward_store::Scope;
use ward_store::assurance_rollup::SeededAssessment;

use super::{app_err, operator};
use crate::CliError;

/// Organisations per transaction.
const CHUNK: usize = 500;

/// What seeding did.
pub(crate) struct SeededSector {
    pub framework: String,
    pub version: String,
    pub profiles: usize,
    pub assessments: u64,
    /// Improvement plans written by organisations below their standard, and how many of them
    /// their region approved.
    pub plans: u64,
    pub approved: u64,
    /// Current Cyber Essentials Plus certificates of organisations meeting their standard.
    pub certificates: u64,
}

/// A starting minimum standard for `category`: trusts and ICBs must achieve the outcomes of
/// objectives A and B and partially achieve the rest; everyone else must partially achieve the
/// outcomes of objectives A and B.
fn starting_targets(framework: &Framework, category: ProfileCategory) -> BTreeMap<String, Level> {
    let mut out = BTreeMap::new();
    for objective in &framework.objectives {
        let core = matches!(objective.code.as_str(), "A" | "B");
        let target = match (category, core) {
            (ProfileCategory::TrustsAndIcbs, true) => Some(Level::Achieved),
            (ProfileCategory::TrustsAndIcbs, false) | (_, true) => Some(Level::PartiallyAchieved),
            _ => None,
        };
        if let Some(t) = target {
            for p in &objective.principles {
                for o in &p.outcomes {
                    out.insert(o.code.clone(), t);
                }
            }
        }
    }
    out
}

/// The random part of a seeded assessment's identifier: its organisation's, so identifiers made
/// at the same instant stay distinct.
fn assessment_bytes(org: OrgId) -> [u8; 10] {
    let mut out = [0u8; 10];
    out.copy_from_slice(&org.as_uuid().as_bytes()[6..]);
    out
}

/// `approver`: a regional lead's account and region; the plans approved in that region name them
/// as the approving person (elsewhere only the approving organisation is known).
pub(crate) async fn seed(
    app: &App,
    file: &Path,
    seed: u64,
    year: i32,
    approver: Option<(UserId, OrgId)>,
) -> anyhow::Result<SeededSector> {
    let actor = operator(app).await?;
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::Rejected(format!("--assurance: cannot read {}: {e}", file.display())))?;
    let name = file.file_name().map_or_else(
        || "framework.yaml".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let imported = app
        .import_framework(&actor, &name, bytes, None)
        .await
        .map_err(app_err)?;
    let framework = app
        .framework(&actor, &imported.framework, &imported.version)
        .await
        .map_err(app_err)?;
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();

    let mut profiles = 0;
    for category in [
        ProfileCategory::TrustsAndIcbs,
        ProfileCategory::GpPractices,
        ProfileCategory::SocialCare,
        ProfileCategory::Suppliers,
    ] {
        let held = app
            .store()
            .profile_versions(&framework.id, &framework.version, category)
            .await?;
        if !held.is_empty() {
            continue;
        }
        let draft = ProfileDraft {
            framework: framework.id.clone(),
            framework_version: framework.version.clone(),
            category,
            effective_from: today.first_of_year(),
            targets: starting_targets(&framework, category),
        };
        app.publish_profile(&actor, draft).await.map_err(app_err)?;
        profiles += 1;
    }

    // Every organisation the roll-up counts, and which already have an assessment.
    let facts = app
        .store()
        .assurance_rollup_facts(
            &Scope::All,
            actor.org,
            &counted_kinds(),
            &framework.id,
            &framework.version,
            &[],
            &HashMap::new(),
        )
        .await?;
    let assessed: HashSet<OrgId> = facts.assessments.iter().map(|a| a.org).collect();
    let todo: Vec<OrgId> = facts
        .members
        .iter()
        .map(|m| m.org)
        .filter(|o| !assessed.contains(o))
        .collect();
    let now = app.now();
    let mut loaded = 0;
    for chunk in todo.chunks(CHUNK) {
        let batch: Vec<SeededAssessment> = chunk
            .iter()
            .map(|org| {
                let a = ward_demo::assurance::assessment(seed, &framework, &org.to_string());
                SeededAssessment {
                    head: AssessmentHead {
                        id: AssessmentId::new_at(now, assessment_bytes(*org)),
                        org: *org,
                        framework: framework.id.clone(),
                        version: framework.version.clone(),
                        year,
                        kind: AssessmentKind::Final,
                        status: AssessmentStatus::Submitted,
                        created_at: now,
                        updated_at: now,
                    },
                    answers: a.answers,
                    overrides: a
                        .overrides
                        .into_iter()
                        .map(|(o, l)| (o, l, "Evidence seen by the assessor (demo).".to_owned()))
                        .collect(),
                }
            })
            .collect();
        loaded += app.seed_assessments(&actor, &batch).await.map_err(app_err)?;
    }
    let seeded: HashSet<OrgId> = todo.into_iter().collect();
    let standings = seed_standings(app, &actor, &framework, seed, &seeded, approver).await?;
    Ok(SeededSector {
        framework: framework.id,
        version: framework.version,
        profiles,
        assessments: loaded,
        plans: standings.plans,
        approved: standings.approved,
        certificates: standings.certificates,
    })
}

/// What seeding plans and certificates did.
struct SeededStandings {
    plans: u64,
    approved: u64,
    certificates: u64,
}

/// The random part of an identifier made for `org` (its `n`th of a kind), distinct per
/// organisation and `n`.
fn seeded_bytes(org: OrgId, n: u8) -> [u8; 10] {
    let mut out = assessment_bytes(org);
    out[0] ^= n.wrapping_add(1);
    out
}

/// So that every standing shows: of the organisations just assessed, some below their standard
/// write an improvement plan addressing every outcome below target (actions, owners, due
/// dates), some of those approved by their region; some meeting it hold a current Cyber
/// Essentials Plus certificate (`ward_demo::assurance`). Written through the store's audited
/// writes, one organisation at a time.
async fn seed_standings(
    app: &App,
    actor: &ward_app::Actor,
    framework: &Framework,
    seed: u64,
    seeded: &HashSet<OrgId>,
    approver: Option<(UserId, OrgId)>,
) -> anyhow::Result<SeededStandings> {
    let now = app.now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let meta = actor.audit(now);
    let mut out = SeededStandings {
        plans: 0,
        approved: 0,
        certificates: 0,
    };
    let counted = app.counted_orgs(actor, framework).await.map_err(app_err)?;
    for c in counted.iter().filter(|c| seeded.contains(&c.org)) {
        let code = c.org.to_string();
        match c.standing {
            Some(StandardStatus::NotMet) => {
                let Some(plan) = ward_demo::assurance::improvement_plan(seed, &code, &c.below) else {
                    continue;
                };
                for (n, a) in plan.actions.iter().enumerate() {
                    let action = ImprovementAction {
                        id: ImprovementActionId::new_at(now, seeded_bytes(c.org, n as u8)),
                        assessment: c.assessment,
                        org: c.org,
                        title: a.title.clone(),
                        owner: a.owner.clone(),
                        due: today.saturating_add(jiff::Span::new().days(a.due_in_days)),
                        outcomes: a.outcomes.clone(),
                        status: PlanActionStatus::Open,
                        created_at: now,
                        updated_at: now,
                    };
                    app.store()
                        .add_improvement_action(&Scope::All, &action, &meta)
                        .await?;
                }
                out.plans += 1;
                // Approved by the organisation's region (the national body for a region's own).
                if plan.approved {
                    let approver_org = if c.area == c.org { actor.org } else { c.area };
                    let approval = PlanApproval {
                        assessment: c.assessment,
                        org: c.org,
                        approver_org,
                        approved_by: approver
                            .filter(|(_, region)| *region == approver_org)
                            .map(|(user, _)| user),
                        approved_at: now,
                    };
                    approval
                        .check()
                        .map_err(|e| CliError::Rejected(e.message.clone()))?;
                    app.store()
                        .approve_improvement_plan(&Scope::All, &approval, &meta)
                        .await?;
                    out.approved += 1;
                }
            }
            Some(StandardStatus::Met) => {
                let Some(days) = ward_demo::assurance::ce_plus_issued_days_ago(seed, &code) else {
                    continue;
                };
                let issued_on = today.saturating_sub(jiff::Span::new().days(days));
                let certificate = Certificate {
                    id: CertificateId::new_at(now, seeded_bytes(c.org, 200)),
                    org: c.org,
                    kind: CertificateKind::CyberEssentialsPlus,
                    reference: Some(format!("CEP-DEMO-{}", code.chars().take(8).collect::<String>())),
                    issued_on,
                    expires_on: issued_on
                        .saturating_add(jiff::Span::new().years(1))
                        .saturating_sub(jiff::Span::new().days(1)),
                    recorded_by: None,
                    recorded_at: now,
                };
                certificate
                    .check()
                    .map_err(|e| CliError::Rejected(e.message.clone()))?;
                app.store()
                    .add_certificate(&Scope::All, &certificate, &meta)
                    .await?;
                out.certificates += 1;
            }
            _ => {}
        }
    }
    Ok(out)
}
