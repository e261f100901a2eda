//! Exercises of a response plan: a built-in scenario (objectives, the roles taking part, an inject
//! list), planned for one or more organisations with a facilitator, a date and participants; run
//! from a facilitator console that releases injects and records responses and decisions against
//! them; debriefed (what went well, what to improve); and closed off by lessons that become
//! tracked actions, each with an owner, a due date and a status, which may raise or link a risk.
//!
//! A completed exercise is the evidence CAF outcome D1.c (testing and exercising) asks for.

mod scenarios;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::require_text;
use crate::{ExerciseActionId, ExerciseEntryId, ExerciseId, OrgId, RiskId, UserId, ValidationError};

/// The CAF contributing outcome a completed exercise is evidence for.
pub const CAF_OUTCOME: &str = "D1.c";

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            strum::IntoStaticStr, strum::EnumString, strum::Display, strum::EnumIter, utoipa::ToSchema,
        )]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] #[strum(serialize = $text)] $variant,)*
        }

        impl $name {
            /// How a person reads it.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)* }
            }
            /// The stored and API spelling.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}

text_enum!(
    /// A built-in scenario of the library. The first three share their names with the dry-run
    /// simulation's scenarios (`ward simulate --scenario`).
    ScenarioId {
        Wannacry2017 = "wannacry-2017", "Worm across unpatched systems (WannaCry 2017)";
        Advanced2022 = "advanced-2022", "Shared software platform lost (Advanced 2022)";
        Synnovis2024 = "synnovis-2024", "Shared pathology supplier lost (Synnovis 2024)";
        RegionalDdos = "regional-ddos", "Denial of service on a regional network";
        Insider = "insider", "Insider misuse of access";
        MedicalDevice = "medical-device", "Compromised medical device";
    }
);

text_enum!(
    /// How an exercise is played.
    ExerciseKind {
        /// Discussion around a table, injects read out.
        Tabletop = "tabletop", "Tabletop";
        /// Procedures worked through at pace, under load.
        StressTest = "stress_test", "Stress test";
        /// Systems and people act for real, in a controlled way.
        LivePlay = "live_play", "Live play";
    }
);

text_enum!(
    /// A role taking part in an exercise: who an inject is aimed at and who a participant plays.
    ExerciseRole {
        IncidentLead = "incident_lead", "Incident lead";
        ItOnCall = "it_on_call", "IT on call";
        Executive = "executive", "Executive on call (SIRO)";
        ClinicalLead = "clinical_lead", "Clinical lead";
        Communications = "communications", "Communications";
        BusinessContinuity = "business_continuity", "Business continuity";
        SupplierManager = "supplier_manager", "Supplier manager";
        InformationGovernance = "information_governance", "Information governance";
        RegionalCoordinator = "regional_coordinator", "ICB or regional coordinator";
        NetworkTeam = "network_team", "Network team";
        HumanResources = "human_resources", "Human resources";
        ClinicalEngineering = "clinical_engineering", "Clinical engineering (medical devices)";
    }
);

text_enum!(
    /// Where an exercise stands: planned, then running, then completed.
    ExerciseStatus {
        Planned = "planned", "Planned";
        Running = "running", "Running";
        Completed = "completed", "Completed";
    }
);

text_enum!(
    /// What a console entry records against an inject.
    EntryKind {
        /// What the players did or said.
        Response = "response", "Response";
        /// A decision taken, with who took it.
        Decision = "decision", "Decision";
    }
);

text_enum!(
    /// Where a lesson's action stands.
    ActionStatus {
        Open = "open", "Open";
        InProgress = "in_progress", "In progress";
        Done = "done", "Done";
    }
);

/// One inject of a scenario: when (minutes from the start), what the facilitator releases, to
/// which role, and what the players are expected to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Inject {
    pub offset_minutes: u32,
    pub target: ExerciseRole,
    pub text: String,
    pub expected: String,
}

/// A scenario of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Scenario {
    pub id: ScenarioId,
    pub title: String,
    /// The incident or threat pattern it is modelled on.
    pub modelled_on: String,
    pub summary: String,
    /// How it is usually played.
    pub kind: ExerciseKind,
    pub objectives: Vec<String>,
    /// The roles taking part.
    pub roles: Vec<ExerciseRole>,
    /// In time order; released by number, 1 to `injects.len()`.
    pub injects: Vec<Inject>,
}

impl ScenarioId {
    /// A scenario by its name, or an error naming `field` and the names there are.
    pub fn parse_field(field: &str, name: &str) -> Result<Self, ValidationError> {
        use strum::IntoEnumIterator;
        let name = name.trim();
        Self::iter().find(|s| s.as_str() == name).ok_or_else(|| {
            let known: Vec<&str> = Self::iter().map(Self::as_str).collect();
            ValidationError::new(
                field,
                format!("'{name}' is not a scenario (one of: {})", known.join(", ")),
            )
        })
    }

    pub fn scenario(self) -> Scenario {
        scenarios::scenario(self)
    }
}

impl Scenario {
    /// Inject `number` (1-based), or an error naming `field`.
    pub fn inject(&self, field: &str, number: u32) -> Result<&Inject, ValidationError> {
        usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.injects.get(i))
            .ok_or_else(|| {
                ValidationError::new(
                    field,
                    format!(
                        "this scenario has injects 1 to {}, not {number}",
                        self.injects.len()
                    ),
                )
            })
    }
}

impl Scenario {
    /// The injects aimed at `role`, with their numbers (1-based), in time order.
    pub fn injects_for(&self, role: ExerciseRole) -> impl Iterator<Item = (u32, &Inject)> {
        self.injects
            .iter()
            .zip(1u32..)
            .filter(move |(i, _)| i.target == role)
            .map(|(i, n)| (n, i))
    }

    /// Check that `role` takes part in this scenario, naming `field` when it does not.
    pub fn check_role(&self, field: &str, role: ExerciseRole) -> Result<(), ValidationError> {
        if self.roles.contains(&role) {
            Ok(())
        } else {
            Err(ValidationError::new(
                field,
                format!("{} takes no part in this scenario", role.label()),
            ))
        }
    }
}

/// Every scenario of the library, in a fixed order.
pub fn library() -> Vec<Scenario> {
    use strum::IntoEnumIterator;
    ScenarioId::iter().map(ScenarioId::scenario).collect()
}

/// Someone taking part, and the scenario role they play: a person with an account of an
/// organisation taking part (who then reads the exercise), or a guest known only by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// The participant's number in this exercise (from 0), given by the store when they are
    /// added and kept when others are removed: it names them in
    /// `/api/v1/exercises/{id}/participants/{number}`. Not sent when adding one.
    #[serde(default, skip_deserializing)]
    #[schema(read_only)]
    pub number: u32,
    /// The name shown; for an account, its display name when left empty.
    #[serde(default)]
    pub name: String,
    pub role: ExerciseRole,
    /// The participant's account, absent for a guest.
    #[serde(default)]
    pub account: Option<UserId>,
}

impl Participant {
    /// Check one participant joining those already `taking_part`: a name (trimmed; an account's
    /// may be empty, to be filled from the account), a role the
    /// scenario has (unchecked when `roles` is unknown), an account that does not take part
    /// twice. Every problem is returned, each naming its field.
    pub fn checked(
        self,
        roles: Option<&[ExerciseRole]>,
        taking_part: &[Participant],
    ) -> Result<Participant, Vec<ValidationError>> {
        let mut errors = Vec::new();
        // An account's name may be left for the use case to fill from the account.
        let unnamed_account = self.account.is_some() && self.name.trim().is_empty();
        let name = match require_text("name", &self.name, MAX_TITLE) {
            Ok(name) => name,
            Err(_) if unnamed_account => String::new(),
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if let Some(roles) = roles
            && !roles.contains(&self.role)
        {
            errors.push(ValidationError::new(
                "role",
                format!("{} takes no part in this scenario", self.role.label()),
            ));
        }
        if self.account.is_some() && taking_part.iter().any(|p| p.account == self.account) {
            errors.push(ValidationError::new("account", "this account already takes part"));
        }
        if taking_part.len() >= MAX_PARTICIPANTS {
            errors.push(ValidationError::new(
                "participants",
                format!("at most {MAX_PARTICIPANTS}"),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Participant {
            number: self.number,
            name,
            role: self.role,
            account: self.account,
        })
    }
}

/// What a planner gives to plan an exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExercisePlan {
    pub title: String,
    /// A scenario of the library (`synnovis-2024`); see `GET /api/v1/exercises/scenarios`.
    pub scenario: String,
    /// How it is played; the scenario's usual kind when absent.
    #[serde(default)]
    pub kind: Option<ExerciseKind>,
    /// The organisations exercising (at least one).
    pub orgs: Vec<OrgId>,
    /// The account that runs the console.
    pub facilitator: UserId,
    #[schema(value_type = String, format = Date)]
    pub planned_for: Date,
    #[serde(default)]
    pub participants: Vec<Participant>,
}

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 8000;
const MAX_ORGS: usize = 100;
const MAX_PARTICIPANTS: usize = 200;

fn optional_text(field: &str, v: &str) -> Result<String, ValidationError> {
    let v = v.trim();
    if v.chars().count() > MAX_TEXT {
        return Err(ValidationError::new(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    Ok(v.to_owned())
}

/// A plan that passed validation: the scenario resolved, organisations sorted and unique, texts
/// trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPlan {
    pub title: String,
    pub scenario: ScenarioId,
    pub kind: ExerciseKind,
    pub orgs: Vec<OrgId>,
    pub facilitator: UserId,
    pub planned_for: Date,
    pub participants: Vec<Participant>,
}

impl ExercisePlan {
    /// Check every field; every problem is returned, each naming its field.
    pub fn validate(self) -> Result<ValidPlan, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let title = require_text("title", &self.title, MAX_TITLE).unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
        let scenario = match ScenarioId::parse_field("scenario", &self.scenario) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let mut orgs = self.orgs;
        orgs.sort();
        orgs.dedup();
        if orgs.is_empty() {
            errors.push(ValidationError::new("orgs", "name at least one organisation"));
        } else if orgs.len() > MAX_ORGS {
            errors.push(ValidationError::new("orgs", format!("at most {MAX_ORGS}")));
        }
        let roles = scenario.map(|s| s.scenario().roles);
        let mut participants = Vec::with_capacity(self.participants.len());
        if self.participants.len() > MAX_PARTICIPANTS {
            errors.push(ValidationError::new(
                "participants",
                format!("at most {MAX_PARTICIPANTS}"),
            ));
        }
        for (i, p) in self.participants.into_iter().take(MAX_PARTICIPANTS).enumerate() {
            match p.checked(roles.as_deref(), &participants) {
                Ok(p) => participants.push(p),
                Err(e) => errors.extend(e.into_iter().map(|e| e.at(&format!("participants[{i}]")))),
            }
        }
        match (scenario, errors.is_empty()) {
            (Some(scenario), true) => Ok(ValidPlan {
                title,
                kind: self.kind.unwrap_or(scenario.scenario().kind),
                scenario,
                orgs,
                facilitator: self.facilitator,
                planned_for: self.planned_for,
                participants,
            }),
            _ => Err(errors),
        }
    }
}

/// What the players said went well and what to improve, written at the debrief.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Debrief {
    #[serde(default)]
    pub went_well: String,
    #[serde(default)]
    pub to_improve: String,
}

impl Debrief {
    pub fn validate(self) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let mut out = Self::default();
        match optional_text("went_well", &self.went_well) {
            Ok(t) => out.went_well = t,
            Err(e) => errors.push(e),
        }
        match optional_text("to_improve", &self.to_improve) {
            Ok(t) => out.to_improve = t,
            Err(e) => errors.push(e),
        }
        if errors.is_empty() { Ok(out) } else { Err(errors) }
    }
}

/// An exercise as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Exercise {
    pub id: ExerciseId,
    pub title: String,
    pub scenario: ScenarioId,
    pub kind: ExerciseKind,
    /// The organisations exercising, sorted.
    pub orgs: Vec<OrgId>,
    pub facilitator: UserId,
    #[schema(value_type = String, format = Date)]
    pub planned_for: Date,
    pub participants: Vec<Participant>,
    pub status: ExerciseStatus,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
    pub debrief: Debrief,
    pub created_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Why a step of the workflow is refused as things stand (a conflict, not bad input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotNow(pub String);

impl Exercise {
    /// The exercise after moving to `to` at `at`: planned to running (started), running to
    /// completed (completed). Anything else is refused.
    pub fn moved(&self, to: ExerciseStatus, at: Timestamp) -> Result<Self, NotNow> {
        use ExerciseStatus::*;
        let mut next = self.clone();
        match (self.status, to) {
            (Planned, Running) => next.started_at = Some(at),
            (Running, Completed) => next.completed_at = Some(at),
            (from, to) => {
                return Err(NotNow(format!(
                    "a {} exercise cannot become {}: exercises go planned, running, completed",
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                )));
            }
        }
        next.status = to;
        next.updated_at = at;
        Ok(next)
    }

    /// Injects are released, and responses recorded, only while the exercise runs.
    pub fn check_running(&self, what: &str) -> Result<(), NotNow> {
        if self.status == ExerciseStatus::Running {
            Ok(())
        } else {
            Err(NotNow(format!(
                "{what} only while the exercise is running; it is {}",
                self.status.label().to_lowercase()
            )))
        }
    }

    /// Participants are removed or given another role only until the exercise is completed: a
    /// debriefed record is evidence (CAF D1.c) and keeps who took part as they played.
    pub fn check_participants_open(&self) -> Result<(), NotNow> {
        if self.status == ExerciseStatus::Completed {
            Err(NotNow(format!(
                "the exercise is completed: its record is evidence for CAF {CAF_OUTCOME}, so who took \
                 part and the roles they played are kept as they were"
            )))
        } else {
            Ok(())
        }
    }

    /// The debrief and its actions are written once the exercise is completed.
    pub fn check_completed(&self, what: &str) -> Result<(), NotNow> {
        if self.status == ExerciseStatus::Completed {
            Ok(())
        } else {
            Err(NotNow(format!(
                "{what} once the exercise is completed; it is {}",
                self.status.label().to_lowercase()
            )))
        }
    }
}

/// An inject the facilitator released, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReleasedInject {
    pub exercise: ExerciseId,
    /// 1-based, into the scenario's injects.
    pub number: u32,
    #[schema(value_type = String, format = DateTime)]
    pub released_at: Timestamp,
    pub released_by: UserId,
}

/// What the console sends to record a response or a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub kind: EntryKind,
    pub text: String,
}

impl EntryInput {
    pub fn validate(self) -> Result<Self, Vec<ValidationError>> {
        match require_text("text", &self.text, MAX_TEXT) {
            Ok(text) => Ok(Self { text, ..self }),
            Err(e) => Err(vec![e]),
        }
    }
}

/// A response or decision recorded against a released inject: when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExerciseEntry {
    pub id: ExerciseEntryId,
    pub exercise: ExerciseId,
    pub inject: u32,
    pub kind: EntryKind,
    pub text: String,
    pub author: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

/// What a lesson's action is given: the lesson, its organisation (one of the exercise's), an
/// owner and a due date (both required), its status, and optionally a risk to link or a new risk
/// to raise from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub org: OrgId,
    pub lesson: String,
    #[serde(default)]
    pub owner: Option<UserId>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    #[serde(default)]
    pub status: Option<ActionStatus>,
    /// A risk of the organisation's register this action treats.
    #[serde(default)]
    pub risk: Option<RiskId>,
    /// Raise a new risk in the organisation's register from this lesson and link it.
    #[serde(default)]
    pub raise_risk: bool,
}

/// An action input that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAction {
    pub org: OrgId,
    pub lesson: String,
    pub owner: UserId,
    pub due: Date,
    pub status: ActionStatus,
    pub risk: Option<RiskId>,
    pub raise_risk: bool,
}

impl ActionInput {
    /// Check every field; every problem is returned, each naming its field.
    pub fn validate(self) -> Result<ValidAction, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let lesson = require_text("lesson", &self.lesson, MAX_TITLE * 2).unwrap_or_else(|e| {
            errors.push(e);
            String::new()
        });
        if self.owner.is_none() {
            errors.push(ValidationError::new("owner", "every action has an owner"));
        }
        if self.due.is_none() {
            errors.push(ValidationError::new("due", "every action has a due date"));
        }
        if self.raise_risk && self.risk.is_some() {
            errors.push(ValidationError::new(
                "raise_risk",
                "either link a risk or raise a new one, not both",
            ));
        }
        match (self.owner, self.due, errors.is_empty()) {
            (Some(owner), Some(due), true) => Ok(ValidAction {
                org: self.org,
                lesson,
                owner,
                due,
                status: self.status.unwrap_or(ActionStatus::Open),
                risk: self.risk,
                raise_risk: self.raise_risk,
            }),
            _ => Err(errors),
        }
    }
}

/// A tracked action from an exercise's lessons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExerciseAction {
    pub id: ExerciseActionId,
    pub exercise: ExerciseId,
    pub org: OrgId,
    pub lesson: String,
    pub owner: UserId,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub status: ActionStatus,
    pub risk: Option<RiskId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl ExerciseAction {
    /// Open or in progress past its due date on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status != ActionStatus::Done && self.due < today
    }
}

#[cfg(test)]
mod tests;
