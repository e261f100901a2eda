//! What a restore re-checks, once for both backends: every row of a backup passes the rules a
//! normal write applies before it is stored, even when the backup's MAC is genuine (a backup made
//! by a buggy or older version, or by someone holding the key, must not bypass them).
//!
//! * organisations: kinds parse; parents come first and exist;
//! * users: e-mail addresses are valid and already in their stored (normalised) form;
//! * role grants and API tokens: the role parses and fits the organisation's kind, roles that must
//!   expire carry an expiry (`Role::check_grant`, the rule every write path uses); the user and
//!   organisation exist;
//! * rows owned by an organisation (services, assets, dependencies, assessments, alerts and their
//!   records and timeline entries, risks) name one that exists;
//! * incidents: the creator is a user in the backup, the enums parse and the patient harm is an
//!   NPSA consequence; timeline entries name an organisation and an author in the backup; tasks
//!   name an organisation, and an owner, a creator and whoever marked them done in the backup;
//!   reminders name an organisation, a clock or task, and a stage;
//! * coordinated (sector-wide) incidents: the area, each local incident's organisation, the
//!   creator and the shared timeline's authors exist in the backup;
//! * improvement plans: actions and approvals name organisations in the backup, the approver acts
//!   for another organisation than the plan's, and action statuses parse;
//! * exercises: creator, facilitator, releasers, authors, action owners and participants'
//!   accounts are users in the backup, exercising organisations and actions' organisations
//!   exist, and the enums parse;
//! * people: training roles and course codes parse, training records, board members and
//!   questionnaires name an organisation that exists, questionnaire answers a question Ward asks
//!   and an author in the backup;
//! * risks: owner and approver are users in the backup; the stored current score and grade are the
//!   ones the current scoring gives (`RiskScore::score`), patient safety scored;
//! * certificates and supplier assurance records name an organisation (a supplier for the
//!   latter) and a recorder in the backup, and their kinds and statuses parse;
//! * supplier advisories name a supplier in the backup, their severity and format parse and their
//!   advisory reads back with the row's id; naming consent names an organisation in the backup;
//! * technology assessments name an organisation (and a supplier, when they do) in the backup,
//!   their assessors, requesters and findings' recorders are users in the backup, their enums
//!   parse, and a finding links a risk exactly when it is recorded as one;
//! * supplier advisory revisions: severity and format parse, the advisory reads back with the
//!   row's advisory id, and what is stated not affected, the changes and actions are JSON lists;
//! * the audit chain verifies under this instance's key, so its head can be signed again.
//!
//! Backends feed each parsed row in file order ([`RestoreChecker::row`]) and call
//! [`RestoreChecker::finish`] at the end.

use crate::keys::StoreKeys;
use crate::{StoreError, StoreResult};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use ward_core::audit::{AuditActor, AuditEvent, AuditRecord, ChainVerifier, SignedHead};
use ward_core::org::OrgKind;
use ward_core::role::Role;
use ward_core::{OrgId, account::Email};

/// Checks a backup's rows as they stream past.
#[derive(Debug)]
pub struct RestoreChecker {
    orgs: HashMap<String, OrgKind>,
    users: HashSet<String>,
    chain: ChainVerifier,
}

fn text<'a>(row: &'a Map<String, Value>, col: &str) -> Option<&'a str> {
    row.get(col).and_then(Value::as_str)
}

fn int(row: &Map<String, Value>, col: &str) -> Option<i64> {
    row.get(col).and_then(Value::as_i64)
}

fn time(line: usize, row: &Map<String, Value>, col: &str) -> StoreResult<Option<jiff::Timestamp>> {
    int(row, col)
        .map(|us| {
            jiff::Timestamp::from_microsecond(us)
                .map_err(|_| StoreError::Snapshot(format!("line {line}: {col}: not a valid time")))
        })
        .transpose()
}

fn uuid_text(row: &Map<String, Value>, col: &str) -> Option<String> {
    text(row, col)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .map(|u| u.hyphenated().to_string())
}

impl RestoreChecker {
    pub fn new(keys: &StoreKeys) -> Self {
        Self {
            orgs: HashMap::new(),
            users: HashSet::new(),
            chain: ChainVerifier::new(keys.audit.clone()),
        }
    }

    fn bad(line: usize, table: &str, msg: impl std::fmt::Display) -> StoreError {
        StoreError::Snapshot(format!("line {line}: {table}: {msg}; nothing was restored"))
    }

    fn org_kind(
        &self,
        line: usize,
        table: &str,
        row: &Map<String, Value>,
        col: &str,
    ) -> StoreResult<OrgKind> {
        let id = uuid_text(row, col).unwrap_or_default();
        self.orgs.get(&id).copied().ok_or_else(|| {
            Self::bad(
                line,
                table,
                format!("{col} {id} names no organisation in the backup"),
            )
        })
    }

    fn require_user(
        &self,
        line: usize,
        table: &str,
        row: &Map<String, Value>,
        col: &str,
        optional: bool,
    ) -> StoreResult<()> {
        match uuid_text(row, col) {
            None if optional && row.get(col).is_none_or(Value::is_null) => Ok(()),
            Some(id) if self.users.contains(&id) => Ok(()),
            other => Err(Self::bad(
                line,
                table,
                format!("{col} {} names no user in the backup", other.unwrap_or_default()),
            )),
        }
    }

    fn grant_rule(&self, line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
        let role: Role = text(row, "role")
            .unwrap_or_default()
            .parse()
            .map_err(|e| Self::bad(line, table, e))?;
        let kind = self.org_kind(line, table, row, "org_id")?;
        role.check_grant(kind, time(line, row, "expires_at")?)
            .map_err(|e| Self::bad(line, table, e))
    }

    /// Check one row (already decoded by the backend into the format's JSON object).
    pub fn row(&mut self, line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
        match table {
            "organisations" => {
                let kind: OrgKind = text(row, "kind")
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e| Self::bad(line, table, e))?;
                if row.get("parent_id").is_some_and(|v| !v.is_null()) {
                    self.org_kind(line, table, row, "parent_id")?;
                }
                let id = uuid_text(row, "id").ok_or_else(|| Self::bad(line, table, "id is not a UUID"))?;
                self.orgs.insert(id, kind);
            }
            "org_links" => {
                self.org_kind(line, table, row, "child_id")?;
                self.org_kind(line, table, row, "parent_id")?;
            }
            "services"
            | "assets"
            | "dependencies"
            | "assessments"
            | "alert_recipients"
            | "dead_deliveries"
            | "exposure_first_seen" => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "alerts" => {
                self.org_kind(line, table, row, "issuer_id")?;
                if row.get("area_id").is_some_and(|v| !v.is_null()) {
                    self.org_kind(line, table, row, "area_id")?;
                }
            }
            "alert_events" if row.get("org_id").is_some_and(|v| !v.is_null()) => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "alert_escalations" => {
                self.org_kind(line, table, row, "org_id")?;
                if row.get("notified_id").is_some_and(|v| !v.is_null()) {
                    self.org_kind(line, table, row, "notified_id")?;
                }
            }
            "products" => {
                self.org_kind(line, table, row, "supplier_id")?;
            }
            "risks" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "owner_id", false)?;
                self.require_user(line, table, row, "approver_id", true)?;
                risk_score_rule(line, table, row)?;
            }
            "incidents" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "created_by", false)?;
                incident_rule(line, table, row)?;
            }
            "incident_timeline" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "author_id", false)?;
            }
            "incident_tasks" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "owner_id", false)?;
                self.require_user(line, table, row, "created_by", false)?;
                self.require_user(line, table, row, "done_by", true)?;
            }
            // A notice is one person's, for an organisation where they held a role, on a topic
            // Ward knows; a preference names a topic and a channel Ward knows.
            "notices" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "user_id", false)?;
                parse_text::<ward_core::notice::NoticeTopic>(line, table, row, "topic")?;
            }
            "notice_preferences" => {
                self.require_user(line, table, row, "user_id", false)?;
                parse_text::<ward_core::notice::NoticeTopic>(line, table, row, "topic")?;
                parse_text::<ward_core::notice::Channel>(line, table, row, "channel")?;
            }
            "notice_digests" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "user_id", false)?;
            }
            "coordinated_incidents" => {
                self.org_kind(line, table, row, "area_id")?;
                self.require_user(line, table, row, "created_by", false)?;
            }
            "coordinated_members" => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "coordinated_timeline" => {
                self.require_user(line, table, row, "author_id", false)?;
            }
            "incident_reminders" => {
                self.org_kind(line, table, row, "org_id")?;
                if text(row, "subject")
                    .and_then(ward_core::incident_reminder::ReminderSubject::from_key)
                    .is_none()
                {
                    return Err(Self::bad(line, table, "subject is not a clock or a task"));
                }
                parses::<ward_core::incident_reminder::ReminderStage>(line, table, row, "stage")?;
            }
            "exercises" => {
                self.require_user(line, table, row, "created_by", false)?;
                self.require_user(line, table, row, "facilitator_id", false)?;
                exercise_rule(line, table, row)?;
            }
            "exercise_orgs" => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "exercise_injects" => {
                self.require_user(line, table, row, "released_by", false)?;
            }
            "exercise_entries" => {
                self.require_user(line, table, row, "author_id", false)?;
                parses::<ward_core::exercise::EntryKind>(line, table, row, "kind")?;
            }
            "exercise_participants" => {
                parses::<ward_core::exercise::ExerciseRole>(line, table, row, "role")?;
                self.require_user(line, table, row, "user_id", true)?;
            }
            "exercise_timings" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "recorded_by", false)?;
            }
            "exercise_actions" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "owner_id", false)?;
                parses::<ward_core::exercise::ActionStatus>(line, table, row, "status")?;
            }
            "improvement_actions" => {
                self.org_kind(line, table, row, "org_id")?;
                parses::<ward_core::assurance::improvement::PlanActionStatus>(line, table, row, "status")?;
            }
            "improvement_approvals" => {
                self.org_kind(line, table, row, "org_id")?;
                self.org_kind(line, table, row, "approver_org")?;
                self.require_user(line, table, row, "approved_by", true)?;
                if uuid_text(row, "approver_org") == uuid_text(row, "org_id") {
                    return Err(Self::bad(
                        line,
                        table,
                        "an organisation cannot approve its own improvement plan",
                    ));
                }
            }
            "training_requirements" => {
                parses::<ward_core::training::StaffRole>(line, table, row, "role")?;
                course_rule(line, table, row)?;
            }
            "training_people" => {
                self.org_kind(line, table, row, "org_id")?;
                parses::<ward_core::training::StaffRole>(line, table, row, "role")?;
            }
            "training_completions" => {
                self.org_kind(line, table, row, "org_id")?;
                course_rule(line, table, row)?;
            }
            "board_members" | "questionnaires" => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "questionnaire_answers" => {
                self.require_user(line, table, row, "answered_by", false)?;
                parses::<ward_core::questionnaire::QuestionAnswer>(line, table, row, "answer")?;
                let q = text(row, "question").unwrap_or_default();
                if ward_core::questionnaire::question(q).is_none() {
                    return Err(Self::bad(
                        line,
                        table,
                        format!("question '{q}' is not one Ward asks"),
                    ));
                }
            }
            "certificates" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "recorded_by", true)?;
                parses::<ward_core::certificate::CertificateKind>(line, table, row, "kind")?;
            }
            "supplier_assurance" => {
                if self.org_kind(line, table, row, "org_id")? != OrgKind::Supplier {
                    return Err(Self::bad(line, table, "org_id is not a supplier"));
                }
                self.require_user(line, table, row, "updated_by", true)?;
                parses::<ward_core::certificate::DsptStatus>(line, table, row, "dspt_status")?;
            }
            "org_siros" => {
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "user_id", false)?;
            }
            "assessment_files" => {
                self.require_user(line, table, row, "uploaded_by", true)?;
                parses::<ward_core::assurance::attachment::EvidenceKind>(line, table, row, "kind")?;
                evidence_content(line, table, row)?;
            }
            "assessment_signoffs" => {
                self.require_user(line, table, row, "user_id", false)?;
            }
            "supplier_advisories" => {
                if self.org_kind(line, table, row, "supplier_id")? != OrgKind::Supplier {
                    return Err(Self::bad(line, table, "supplier_id is not a supplier"));
                }
                parses::<ward_core::alert::Severity>(line, table, row, "severity")?;
                parses::<ward_core::supplier::advisory::AdvisoryFormat>(line, table, row, "format")?;
                let advisory = text(row, "advisory").unwrap_or_default();
                let parsed: ward_core::vuln::Advisory = serde_json::from_str(advisory)
                    .map_err(|_| Self::bad(line, table, "advisory is not an advisory Ward can read"))?;
                if Some(parsed.id.as_str()) != text(row, "id") {
                    return Err(Self::bad(line, table, "advisory carries another id than its row"));
                }
            }
            "org_naming_consent" => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "tech_assessments" => {
                self.org_kind(line, table, row, "org_id")?;
                if row.get("supplier_id").is_some_and(|v| !v.is_null())
                    && self.org_kind(line, table, row, "supplier_id")? != OrgKind::Supplier
                {
                    return Err(Self::bad(line, table, "supplier_id is not a supplier"));
                }
                self.require_user(line, table, row, "assessor_id", true)?;
                self.require_user(line, table, row, "requested_by", true)?;
                parses::<ward_core::tech_assessment::TechKind>(line, table, row, "kind")?;
                parses::<ward_core::tech_assessment::TechStatus>(line, table, row, "status")?;
                if row.get("priority").is_some_and(|v| !v.is_null()) {
                    parses::<ward_core::tech_assessment::TechPriority>(line, table, row, "priority")?;
                }
            }
            "tech_findings" => {
                use ward_core::tech_assessment::FindingKind;
                self.org_kind(line, table, row, "org_id")?;
                self.require_user(line, table, row, "recorded_by", true)?;
                parses::<ward_core::alert::Severity>(line, table, row, "severity")?;
                parses::<FindingKind>(line, table, row, "kind")?;
                let has_risk = row.get("risk_id").is_some_and(|v| !v.is_null());
                let risk_kind = text(row, "kind") == Some(<&str>::from(FindingKind::Risk));
                if has_risk != risk_kind {
                    return Err(Self::bad(
                        line,
                        table,
                        "a finding links a risk exactly when it is recorded as a risk",
                    ));
                }
            }
            "tech_remediation_actions" => {
                self.org_kind(line, table, row, "org_id")?;
                parses::<ward_core::tech_assessment::RemediationStatus>(line, table, row, "status")?;
            }
            "supplier_advisory_revisions" => {
                parses::<ward_core::alert::Severity>(line, table, row, "severity")?;
                parses::<ward_core::supplier::advisory::AdvisoryFormat>(line, table, row, "format")?;
                let advisory = text(row, "advisory").unwrap_or_default();
                let parsed: ward_core::vuln::Advisory = serde_json::from_str(advisory)
                    .map_err(|_| Self::bad(line, table, "advisory is not an advisory Ward can read"))?;
                if Some(parsed.id.as_str()) != text(row, "advisory_id") {
                    return Err(Self::bad(line, table, "advisory carries another id than its row"));
                }
                for column in ["not_affected", "changes", "actions"] {
                    let list = text(row, column).unwrap_or_default();
                    if serde_json::from_str::<Vec<serde_json::Value>>(list).is_err() {
                        return Err(Self::bad(line, table, format!("{column} is not a JSON list")));
                    }
                }
                // Added later: absent or null in rows from before.
                if let Some(list) = text(row, "fixed")
                    && serde_json::from_str::<Vec<serde_json::Value>>(list).is_err()
                {
                    return Err(Self::bad(line, table, "fixed is not a JSON list"));
                }
            }
            "vex_statements" if row.get("org_id").is_some_and(|v| !v.is_null()) => {
                self.org_kind(line, table, row, "org_id")?;
            }
            "users" => {
                let stored = text(row, "email").unwrap_or_default();
                let email = Email::parse(stored).map_err(|e| Self::bad(line, table, e))?;
                if email.as_str() != stored {
                    return Err(Self::bad(
                        line,
                        table,
                        "email is not in its stored (normalised) form",
                    ));
                }
                let id = uuid_text(row, "id").ok_or_else(|| Self::bad(line, table, "id is not a UUID"))?;
                self.users.insert(id);
            }
            "role_grants" => {
                self.require_user(line, table, row, "user_id", false)?;
                self.require_user(line, table, row, "granted_by", true)?;
                self.grant_rule(line, table, row)?;
            }
            "api_tokens" => {
                self.require_user(line, table, row, "created_by", false)?;
                self.grant_rule(line, table, row)?;
            }
            "audit_log" => {
                let record = audit_record(line, row)?;
                self.chain.check(&record).map_err(|b| {
                    Self::bad(line, table, format!("the backup's audit chain is broken: {b}"))
                })?;
            }
            _ => {}
        }
        Ok(())
    }

    /// After the last row: the signed head of the restored chain (`None` when it is empty), for the
    /// backend to store before it appends the `backup.restore` record.
    pub fn finish(self) -> Option<SignedHead> {
        self.chain.head()
    }
}

/// An incident's category, severity, TLP and status parse, and its patient harm is 1 to 5.
fn incident_rule(line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
    use ward_core::incident::{IncidentStatus, NcscCategory};
    let bad = |m: String| RestoreChecker::bad(line, table, m);
    let field = |c: &str| text(row, c).unwrap_or_default();
    field("category").parse::<NcscCategory>().map_err(|_| {
        bad(format!(
            "category '{}' is not an NCSC category",
            field("category")
        ))
    })?;
    field("severity")
        .parse::<ward_core::alert::Severity>()
        .map_err(|_| bad(format!("severity '{}' is not a severity", field("severity"))))?;
    field("tlp")
        .parse::<ward_core::tlp::Tlp>()
        .map_err(|e| bad(e.to_string()))?;
    field("status")
        .parse::<IncidentStatus>()
        .map_err(|_| bad(format!("status '{}' is not an incident status", field("status"))))?;
    let harm = int(row, "patient_harm")
        .and_then(|v| u8::try_from(v).ok())
        .unwrap_or(0);
    ward_core::risk::Consequence::new(harm).map_err(|e| bad(format!("patient_harm: {}", e.message)))?;
    Ok(())
}

/// The text in `column` parses as a `T` (an enum of `ward_core`), else the row is refused naming it.
fn parses<T: std::str::FromStr>(
    line: usize,
    table: &str,
    row: &Map<String, Value>,
    column: &str,
) -> StoreResult<()> {
    let v = text(row, column).unwrap_or_default();
    v.parse::<T>()
        .map(|_| ())
        .map_err(|_| RestoreChecker::bad(line, table, format!("{column} '{v}' is not one Ward knows")))
}

/// A training course code is one a write would accept.
fn course_rule(line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
    let v = text(row, "course").unwrap_or_default();
    ward_core::training::CourseCode::parse(v)
        .map(|_| ())
        .map_err(|e| RestoreChecker::bad(line, table, e.to_string()))
}

/// An exercise's scenario, kind and status parse.
fn exercise_rule(line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
    use ward_core::exercise::{ExerciseKind, ExerciseStatus, ScenarioId};
    parses::<ScenarioId>(line, table, row, "scenario")?;
    parses::<ExerciseKind>(line, table, row, "kind")?;
    parses::<ExerciseStatus>(line, table, row, "status")
}

/// A risk's stored current score and grade are what its current scoring gives.
fn risk_score_rule(line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
    use ward_core::risk::register::{ConsequenceDomain, RiskScore};
    let bad = |msg: &str| RestoreChecker::bad(line, table, msg);
    let current: RiskScore = serde_json::from_str(text(row, "current_score").unwrap_or_default())
        .map_err(|_| bad("current_score is not a risk score"))?;
    if !current
        .consequences
        .contains_key(&ConsequenceDomain::PatientSafety)
    {
        return Err(bad("current_score does not score patient safety"));
    }
    let (value, grade) = current.score();
    let stored_grade: &str = grade.into();
    if int(row, "current_value") != Some(i64::from(value)) || text(row, "current_grade") != Some(stored_grade)
    {
        return Err(bad("current_value and current_grade do not match current_score"));
    }
    Ok(())
}

fn audit_record(line: usize, row: &Map<String, Value>) -> StoreResult<AuditRecord> {
    let bad =
        |col: &str| StoreError::Snapshot(format!("line {line}: audit_log.{col} is missing or malformed"));
    let s = |col: &str| text(row, col).map(str::to_owned);
    let org = |col: &str| -> StoreResult<Option<OrgId>> {
        match row.get(col) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => uuid_text(row, col)
                .and_then(|u| u.parse().ok())
                .map(Some)
                .ok_or_else(|| bad(col)),
        }
    };
    let role = match text(row, "actor_role") {
        None => None,
        Some(r) => Some(r.parse::<Role>().map_err(|_| bad("actor_role"))?),
    };
    Ok(AuditRecord {
        seq: int(row, "seq").ok_or_else(|| bad("seq"))?,
        event: AuditEvent {
            at: time(line, row, "at")?.ok_or_else(|| bad("at"))?,
            actor: AuditActor {
                principal: s("actor_principal").ok_or_else(|| bad("actor_principal"))?,
                role,
                acting_org: org("actor_org")?,
            },
            action: s("action").ok_or_else(|| bad("action"))?,
            entity: s("entity").ok_or_else(|| bad("entity"))?,
            entity_id: s("entity_id").ok_or_else(|| bad("entity_id"))?,
            org: org("org_id")?,
            before: s("before_digest"),
            after: s("after_digest"),
            detail: s("detail"),
            request_id: s("request_id"),
        },
        prev_hash: s("prev_hash").ok_or_else(|| bad("prev_hash"))?,
        hash: s("hash").ok_or_else(|| bad("hash"))?,
    })
}

/// The detail of the `backup.restore` audit record: rows per non-empty table.
pub fn restore_detail(counts: &crate::BackupCounts) -> String {
    let parts: Vec<String> = counts
        .tables
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| format!("{t}={n}"))
        .collect();
    format!(
        "restored {} rows: {}",
        counts.tables.values().sum::<u64>(),
        parts.join(", ")
    )
}

/// An evidence file's content decodes, and its size, SHA-256 and kind are those of the decoded
/// bytes: a backup edited by hand cannot slip in a file the upload checks would refuse.
fn evidence_content(line: usize, table: &str, row: &Map<String, Value>) -> StoreResult<()> {
    use base64::Engine as _;
    let bad = |m: String| RestoreChecker::bad(line, table, m);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text(row, "content").unwrap_or_default())
        .map_err(|_| bad("content is not base64".into()))?;
    let name = text(row, "file_name").unwrap_or_default();
    let kind = ward_core::assurance::attachment::identify(name, &bytes).map_err(|e| bad(e.message))?;
    if text(row, "kind") != Some(<&str>::from(kind)) {
        return Err(bad(format!("kind is not that of {name}'s content")));
    }
    if row.get("size").and_then(Value::as_u64) != u64::try_from(bytes.len()).ok() {
        return Err(bad("size is not the content's".into()));
    }
    if text(row, "sha256") != Some(ward_core::audit::sha256_hex(&bytes).as_str()) {
        return Err(bad("sha256 is not the content's".into()));
    }
    Ok(())
}

/// A column holding an enum's text must read back as that enum.
fn parse_text<E: std::str::FromStr>(
    line: usize,
    table: &str,
    row: &Map<String, Value>,
    column: &str,
) -> StoreResult<E> {
    text(row, column)
        .unwrap_or_default()
        .parse()
        .map_err(|_| RestoreChecker::bad(line, table, format!("{column} is not a value Ward knows")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk_row(score: &str, value: i64, grade: &str) -> Map<String, Value> {
        serde_json::json!({"current_score": score, "current_value": value, "current_grade": grade})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn an_improvement_plan_approved_by_its_own_organisation_is_refused() {
        let key = ward_core::keys::InstanceKey::from_bytes([7; ward_core::keys::KEY_BYTES]);
        let mut c = RestoreChecker::new(&StoreKeys::new(&key));
        let (org, region) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        for (id, kind) in [(region, "region"), (org, "nhs_trust")] {
            let row = serde_json::json!({"id": id.to_string(), "kind": kind});
            c.row(1, "organisations", row.as_object().unwrap()).unwrap();
        }
        let approval = |by: uuid::Uuid| {
            serde_json::json!({"org_id": org.to_string(), "approver_org": by.to_string(), "approved_by": null})
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        assert!(c.row(2, "improvement_approvals", &approval(region)).is_ok());
        let err = c.row(3, "improvement_approvals", &approval(org)).unwrap_err();
        assert!(err.to_string().contains("its own improvement plan"), "{err}");
    }

    #[test]
    fn a_risk_restores_only_with_the_grade_its_score_gives() {
        let score = r#"{"likelihood":3,"consequences":{"patient_safety":2,"finance":5}}"#;
        assert!(risk_score_rule(1, "risks", &risk_row(score, 15, "extreme")).is_ok());
        assert!(risk_score_rule(1, "risks", &risk_row(score, 15, "low")).is_err());
        assert!(risk_score_rule(1, "risks", &risk_row(score, 6, "extreme")).is_err());
        let no_safety = r#"{"likelihood":3,"consequences":{"finance":5}}"#;
        assert!(risk_score_rule(1, "risks", &risk_row(no_safety, 15, "extreme")).is_err());
        assert!(risk_score_rule(1, "risks", &risk_row("[]", 15, "extreme")).is_err());
    }
}
