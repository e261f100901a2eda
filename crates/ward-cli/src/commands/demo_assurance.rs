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
use ward_core::assurance::{
    AssessmentHead, AssessmentKind, AssessmentStatus, Framework, Level, ProfileCategory,
};
use ward_core::{AssessmentId, OrgId};
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

pub(crate) async fn seed(app: &App, file: &Path, seed: u64, year: i32) -> anyhow::Result<SeededSector> {
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
    Ok(SeededSector {
        framework: framework.id,
        version: framework.version,
        profiles,
        assessments: loaded,
    })
}
