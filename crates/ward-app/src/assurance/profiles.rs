//! Profiles (minimum standards): published by national roles as numbered versions, each shown as a
//! diff against the one before and with how many assessed organisations would fall below it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ward_core::OrgId;
use ward_core::assurance::{AssessmentHead, Level, Profile, ProfileCategory};
use ward_engine::assurance::profile::{TargetChange, diff, shortfalls};
use ward_store::Scope;

use super::assessments::view as assessment_view;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult, FieldProblem};

/// A profile to publish.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileDraft {
    pub framework: String,
    pub framework_version: String,
    pub category: ProfileCategory,
    #[schema(value_type = String, format = Date)]
    pub effective_from: jiff::civil::Date,
    pub targets: BTreeMap<String, Level>,
}

/// What publishing (or previewing) a profile means.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProfileImpact {
    /// The profile as published (its version number set), or as it would be.
    pub profile: Profile,
    /// Targets that differ from the previous version, by outcome.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<TargetChange>,
    /// Organisations of the category with an assessment of this framework version.
    pub organisations_assessed: usize,
    /// Of those, how many fall below the profile (by their latest assessment).
    pub organisations_below: usize,
    /// How many were below the previous version.
    pub organisations_below_before: usize,
}

impl App {
    /// Every version of the profile for a framework version and category, oldest first.
    pub async fn profile_versions(
        &self,
        actor: &Actor,
        framework: &str,
        framework_version: &str,
        category: ProfileCategory,
    ) -> AppResult<Vec<Profile>> {
        authorise(actor, Action::ReadFrameworks, self.now())?;
        Ok(self
            .store()
            .profile_versions(framework, framework_version, category)
            .await?)
    }

    /// The diff and impact of `draft` without publishing it.
    pub async fn preview_profile(&self, actor: &Actor, draft: ProfileDraft) -> AppResult<ProfileImpact> {
        authorise(actor, Action::PublishProfiles, self.now())?;
        self.profile_impact(draft).await
    }

    /// Publish `draft` as the next version (audited), returning its diff and impact.
    pub async fn publish_profile(&self, actor: &Actor, draft: ProfileDraft) -> AppResult<ProfileImpact> {
        authorise(actor, Action::PublishProfiles, self.now())?;
        let mut impact = self.profile_impact(draft).await?;
        impact.profile.version = self
            .store()
            .publish_profile(&impact.profile, &actor.audit(self.now()))
            .await?;
        Ok(impact)
    }

    async fn profile_impact(&self, draft: ProfileDraft) -> AppResult<ProfileImpact> {
        let framework = self
            .store()
            .get_framework(&draft.framework, &draft.framework_version)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "framework",
                    format!("{} {} is not loaded", draft.framework, draft.framework_version),
                )
            })?;
        let unknown: Vec<FieldProblem> = draft
            .targets
            .keys()
            .filter(|code| framework.outcome(code).is_none())
            .map(|code| FieldProblem {
                path: format!("targets.{code}"),
                message: format!("{} {} has no outcome {code}", framework.id, framework.version),
            })
            .collect();
        if !unknown.is_empty() {
            return Err(AppError::Invalid(unknown));
        }
        let versions = self
            .store()
            .profile_versions(&draft.framework, &draft.framework_version, draft.category)
            .await?;
        let previous = versions.last();
        let profile = Profile {
            framework: draft.framework,
            framework_version: draft.framework_version,
            category: draft.category,
            version: previous.map_or(1, |p| p.version + 1),
            effective_from: draft.effective_from,
            targets: draft.targets,
        };
        let statuses = self.latest_statuses(&framework, &profile).await?;
        let below = |p: &Profile| statuses.values().filter(|s| !shortfalls(p, s).is_empty()).count();
        Ok(ProfileImpact {
            changes: diff(previous, &profile),
            organisations_assessed: statuses.len(),
            organisations_below: below(&profile),
            organisations_below_before: previous.map_or(0, below),
            profile,
        })
    }

    /// The effective outcome statuses of each organisation in the profile's category, from its
    /// latest assessment (by year, final before interim) of the profile's framework version.
    async fn latest_statuses(
        &self,
        framework: &ward_core::assurance::Framework,
        profile: &Profile,
    ) -> AppResult<BTreeMap<OrgId, BTreeMap<String, Level>>> {
        let heads = self.store().list_assessments(&Scope::All).await?;
        let mut latest: BTreeMap<OrgId, &AssessmentHead> = BTreeMap::new();
        for h in heads
            .iter()
            .filter(|h| h.framework == profile.framework && h.version == profile.framework_version)
        {
            if latest.get(&h.org).is_none_or(|cur| h.currency() > cur.currency()) {
                latest.insert(h.org, h);
            }
        }
        let mut out = BTreeMap::new();
        for (org, head) in latest {
            let kind = self.store().get_org(&Scope::All, org).await?.kind;
            if ProfileCategory::of(kind) != Some(profile.category) {
                continue;
            }
            // National reach: publishing a profile is a national role's decision. The framework
            // is read once by the caller, not once per organisation.
            let assessment = self.store().get_assessment(&Scope::All, head.id).await?;
            let statuses = assessment_view(framework, assessment)
                .outcomes
                .into_iter()
                .map(|o| (o.code, o.status))
                .collect();
            out.insert(org, statuses);
        }
        Ok(out)
    }
}
