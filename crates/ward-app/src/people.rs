//! People: training requirements per role, each organisation's training record imported from
//! CSV, completion figures per organisation and role rolled up to ICB, region and nation, and the
//! board members named as accountable for cyber security. Rules and types: `ward_core::training`.
//!
//! [`App::training_completion`] is the one function that gives an organisation's figures; CAF
//! B6.b (staff awareness) evidence reads them from there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ward_core::training::{
    self, BoardMember, CourseFigure, NewBoardMember, Requirement, StaffRole, TrainingRecord,
};
use ward_core::{BoardMemberId, OrgId};
use ward_store::Scope;
use ward_store::people::{OrgLabel, TrainingTally};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;
use crate::imports::training as csv_import;

/// A requirement as the national team sends it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementInput {
    pub role: StaffRole,
    pub course: String,
    pub title: String,
    /// False withdraws it; true by default.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// What importing a training file stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrainingImported {
    pub file: String,
    pub org: OrgId,
    /// Rows read.
    pub rows: u64,
    /// People in a role (a person holding two roles counts twice).
    pub people: u64,
    /// Latest completions kept, one per person and course.
    pub completions: u64,
}

/// An organisation (or ICB, region, nation) as the figures name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FigureOrg {
    pub id: OrgId,
    pub code: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: ward_core::org::OrgKind,
}

impl From<OrgLabel> for FigureOrg {
    fn from(l: OrgLabel) -> Self {
        Self {
            id: l.id,
            code: l.code,
            name: l.name,
            kind: l.kind,
        }
    }
}

/// Training completion of one organisation (or everything beneath an ICB, region or the nation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrainingFigures {
    pub org: FigureOrg,
    /// Completions on or after this day are current.
    #[schema(value_type = String)]
    pub current_since: jiff::civil::Date,
    /// Per role and required course; empty when no training record was imported.
    pub courses: Vec<CourseFigure>,
}

/// Completion per organisation holding a training record and per ICB, region and nation, over
/// the caller's footprint; each area's counts are the sums of the organisations beneath it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrainingRollup {
    #[schema(value_type = String)]
    pub current_since: jiff::civil::Date,
    pub orgs: Vec<TrainingFigures>,
    pub areas: Vec<TrainingFigures>,
}

impl App {
    /// The requirements in force: Ward's built-in ones with the national team's over them.
    pub async fn training_requirements(&self, actor: &Actor) -> AppResult<Vec<Requirement>> {
        authorise(actor, Action::ReadPeople, self.now())?;
        let stored = self.store().training_requirements().await?;
        Ok(training::effective_requirements(&stored))
    }

    /// Add, change or withdraw a requirement (national team; audited).
    pub async fn put_training_requirement(
        &self,
        actor: &Actor,
        input: RequirementInput,
    ) -> AppResult<Vec<Requirement>> {
        authorise(actor, Action::ManageTrainingRequirements, self.now())?;
        let mut req = Requirement::new(input.role, &input.course, &input.title)?;
        req.active = input.active;
        self.store()
            .put_training_requirement(&req, &actor.audit(self.now()))
            .await?;
        self.training_requirements(actor).await
    }

    /// Replace an organisation's training record with a CSV file (see
    /// [`crate::imports::training`]). The caller's right over the organisation is checked before a
    /// byte is read; the file is parsed off the async workers within the upload limits and
    /// deadline; any bad row refuses the whole file and nothing is stored.
    pub async fn import_training_file<B>(
        &self,
        actor: &Actor,
        org: OrgId,
        file: &str,
        bytes: B,
    ) -> AppResult<TrainingImported>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let scope = authorise_on(self.store(), actor, Action::WritePeople, org, self.now()).await?;
        let permit = self.heavy_permit()?;
        let name = file.to_owned();
        let rows = self
            .parse_off_workers(&permit, file, move |limits| {
                csv_import::parse_with(&name, bytes.as_ref(), limits)
            })
            .await?;
        let record = TrainingRecord::from_rows(&rows);
        let stored = self
            .store()
            .replace_training_record(&scope, org, file, &record, &actor.audit(self.now()))
            .await?;
        Ok(TrainingImported {
            file: file.to_owned(),
            org,
            rows: rows.len() as u64,
            people: stored.people,
            completions: stored.completions,
        })
    }

    fn figures_of(
        &self,
        tally: TrainingTally,
        reqs: &[Requirement],
        since: jiff::civil::Date,
    ) -> TrainingFigures {
        TrainingFigures {
            courses: training::figures(reqs, &tally.people, &tally.done),
            org: tally.org.into(),
            current_since: since,
        }
    }

    /// One organisation's training completion: per role and required course, people, current,
    /// overdue (completed more than 12 months ago) and missing. The one source of these figures
    /// (CAF B6.b evidence reads them here).
    pub async fn training_completion(&self, actor: &Actor, org: OrgId) -> AppResult<TrainingFigures> {
        authorise_on(self.store(), actor, Action::ReadPeople, org, self.now()).await?;
        self.training_completion_of(org).await
    }

    /// [`App::training_completion`] for callers that have already authorised reading `org`.
    pub async fn training_completion_of(&self, org: OrgId) -> AppResult<TrainingFigures> {
        let since = training::current_since(self.today());
        let reqs = training::effective_requirements(&self.store().training_requirements().await?);
        let tally = self
            .store()
            .training_tallies(&Scope::Orgs(vec![org]), since, false)
            .await?
            .into_iter()
            .next();
        let tally = match tally {
            Some(t) => t,
            None => {
                let o = self.store().get_org(&Scope::All, org).await?;
                TrainingTally {
                    org: OrgLabel {
                        id: o.id,
                        code: o.code.as_str().to_owned(),
                        name: o.name,
                        kind: o.kind,
                    },
                    people: BTreeMap::new(),
                    done: BTreeMap::new(),
                }
            }
        };
        Ok(self.figures_of(tally, &reqs, since))
    }

    /// Completion per organisation and per ICB, region and nation over the caller's footprint.
    pub async fn training_rollup(&self, actor: &Actor) -> AppResult<TrainingRollup> {
        let scope = authorise(actor, Action::ReadPeople, self.now())?;
        let since = training::current_since(self.today());
        let reqs = training::effective_requirements(&self.store().training_requirements().await?);
        let orgs = self.store().training_tallies(&scope, since, false).await?;
        let areas = self.store().training_tallies(&scope, since, true).await?;
        Ok(TrainingRollup {
            current_since: since,
            orgs: orgs
                .into_iter()
                .map(|t| self.figures_of(t, &reqs, since))
                .collect(),
            areas: areas
                .into_iter()
                .map(|t| self.figures_of(t, &reqs, since))
                .collect(),
        })
    }

    /// The board members named as accountable for an organisation's cyber security.
    pub async fn board_members(&self, actor: &Actor, org: OrgId) -> AppResult<Vec<BoardMember>> {
        let scope = authorise_on(self.store(), actor, Action::ReadPeople, org, self.now()).await?;
        Ok(self.store().board_members(&scope, org).await?)
    }

    /// Name a board member accountable for cyber security (the organisation's admins; audited).
    pub async fn add_board_member(&self, actor: &Actor, new: NewBoardMember) -> AppResult<BoardMember> {
        let now = self.now();
        let scope = authorise_on(self.store(), actor, Action::WritePeople, new.org, now).await?;
        let (name, board_role) = new.checked()?;
        let member = BoardMember {
            id: BoardMemberId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org: new.org,
            name,
            board_role,
            added_at: now,
        };
        self.store()
            .add_board_member(&scope, &member, &actor.audit(now))
            .await?;
        Ok(member)
    }

    /// Remove a named board member (the organisation's admins; audited).
    pub async fn remove_board_member(&self, actor: &Actor, id: BoardMemberId) -> AppResult<BoardMember> {
        let scope = authorise(actor, Action::WritePeople, self.now())?;
        Ok(self
            .store()
            .remove_board_member(&scope, id, &actor.audit(self.now()))
            .await?)
    }
}
