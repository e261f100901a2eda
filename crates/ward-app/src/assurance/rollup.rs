//! The assurance roll-up: for a scope organisation (an ICB, a region or the nation) and a
//! framework version, per child area and in total, how many organisations stand where against
//! their minimum standard and, per contributing outcome, how many are achieved, partially
//! achieved, not achieved and below their profile's target; the risk grades beside them.
//!
//! The store reads everything in a fixed number of set-based queries
//! (`ward_store::assurance_rollup`); each organisation's statuses come from the one WebCAF rule
//! (`ward_engine::assurance::status_of`, an override winning), its standing from the one standing
//! rule (`ward_engine::assurance::standing`), as on its own assessment page.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator;
use ward_core::assurance::improvement::StandardStatus;
use ward_core::assurance::{Framework, Level, Profile, ProfileCategory};
use ward_core::org::{OdsCode, OrgKind};
use ward_core::risk::RiskGrade;
use ward_core::spreadsheet::csv_field;
use ward_core::{AssessmentId, OrgId, questionnaire};
use ward_engine::assurance::profile::shortfalls;
use ward_engine::assurance::standing::standard_status;
use ward_engine::assurance::status_of;
use ward_store::assurance_rollup::{RolledAssessment, RollupArea, RollupFacts};
use ward_store::{OrgFilter, PageRequest, Scope};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// What to roll up. Every field may be left out: the caller's widest scope, and the framework
/// version the care questionnaire is written against.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupQuery {
    /// The scope organisation's ODS code (an ICB, a region, the national body).
    pub org: Option<String>,
    /// The framework (default `ncsc-caf`).
    pub framework: Option<String>,
    /// Its version (default `4.0`).
    pub version: Option<String>,
}

/// Organisations by standing against their minimum standard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StandingCounts {
    /// Organisations counted (every kind a profile applies to).
    pub organisations: u64,
    /// By standing, every standing present (zero where none).
    pub by_standing: BTreeMap<StandardStatus, u64>,
    /// Assessed, but no profile is in effect for their category and this framework version.
    pub no_profile: u64,
    /// No assessment of this framework version.
    pub no_current_assessment: u64,
}

/// How many organisations stand at each status in one contributing outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OutcomeCounts {
    pub code: String,
    pub title: String,
    pub achieved: u64,
    pub partially_achieved: u64,
    pub not_achieved: u64,
    /// Below the target their category's profile sets for the outcome.
    pub below_target: u64,
}

/// One area's figures (or the scope organisation's, in total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AreaFigures {
    pub org: OrgId,
    pub code: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: OrgKind,
    /// The scope organisation's own row (its own assessment, not its children's).
    pub own: bool,
    pub standing: StandingCounts,
    /// Every contributing outcome of the framework, in framework order.
    pub outcomes: Vec<OutcomeCounts>,
    /// Risks by current grade beneath the area (left out when the caller may not read risks).
    pub risks: Option<BTreeMap<RiskGrade, u64>>,
}

/// The roll-up of one scope organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AssuranceRollup {
    pub framework: String,
    pub version: String,
    /// The day profiles and certificates were read as of.
    #[schema(value_type = String, format = Date)]
    pub as_of: jiff::civil::Date,
    /// Everything beneath the scope organisation, in total.
    pub total: AreaFigures,
    /// Per child area with organisations to count (the scope organisation's own row first).
    pub areas: Vec<AreaFigures>,
}

/// The organisations the roll-up counts: every kind a profile applies to, except care sites,
/// which assess as their provider (`ProfileCategory::SocialCare`).
pub fn counted_kinds() -> Vec<OrgKind> {
    OrgKind::iter()
        .filter(|k| *k != OrgKind::CareSite && ProfileCategory::of(*k).is_some())
        .collect()
}

impl StandingCounts {
    fn empty() -> Self {
        Self {
            by_standing: StandardStatus::iter().map(|s| (s, 0)).collect(),
            ..Self::default()
        }
    }
}

/// An area's figures being added up.
struct Tally {
    standing: StandingCounts,
    /// Per outcome (framework order): achieved, partially, not achieved, below target.
    outcomes: Vec<[u64; 4]>,
}

impl Tally {
    fn new(outcomes: usize) -> Self {
        Self {
            standing: StandingCounts::empty(),
            outcomes: vec![[0; 4]; outcomes],
        }
    }
}

/// One organisation as the roll-up counts it: its effective status per outcome (framework
/// order), the outcomes below target, and its standing (none: no profile in effect).
struct Counted {
    statuses: Vec<Level>,
    below: Vec<bool>,
    standing: Option<StandardStatus>,
}

/// Where each outcome's indicators start in the framework's list of indicators, and how many
/// indicators there are.
fn offsets(framework: &Framework) -> (Vec<usize>, usize) {
    let mut offsets = Vec::new();
    let mut indicators = 0usize;
    for o in framework.outcomes() {
        offsets.push(indicators);
        indicators += o.indicators.len();
    }
    (offsets, indicators)
}

/// Each outcome's derived status (framework order) from the true answers as positions: the
/// WebCAF rule, for an assessment without stored statuses.
fn derive_from_answers(
    framework: &Framework,
    offsets: &[usize],
    indicators: usize,
    true_indicators: &[u32],
) -> Vec<Level> {
    let mut truth = vec![false; indicators];
    for &i in true_indicators {
        if let Some(t) = truth.get_mut(i as usize) {
            *t = true;
        }
    }
    framework
        .outcomes()
        .zip(offsets)
        .map(|(o, &at)| status_of(o, |k| truth[at + k]).0)
        .collect()
}

/// Derive the statuses of the assessments in `facts` that had none stored (from their true
/// answers) and fill them in; returns them by outcome code, for the store to keep.
pub fn derive_missing(
    framework: &Framework,
    facts: &mut RollupFacts,
) -> Vec<(AssessmentId, Vec<(String, Level)>)> {
    let (offsets, indicators) = offsets(framework);
    let mut out = Vec::new();
    for a in facts.assessments.iter_mut().filter(|a| a.derived.is_none()) {
        let levels = derive_from_answers(framework, &offsets, indicators, &a.true_indicators);
        out.push((
            a.id,
            framework
                .outcomes()
                .zip(&levels)
                .map(|(o, l)| (o.code.clone(), *l))
                .collect(),
        ));
        a.derived = Some(levels);
    }
    out
}

/// Count one organisation's current assessment: its derived statuses (stored with the
/// assessment, or the WebCAF rule over its true answers where none are stored), an override
/// winning, then the shortfalls against its profile and the standing rule.
fn count(
    framework: &Framework,
    offsets: &[usize],
    indicators: usize,
    a: &RolledAssessment,
    profile: Option<&Profile>,
    has_current_ce_plus: bool,
) -> Counted {
    let derived = match &a.derived {
        Some(levels) => levels.clone(),
        None => derive_from_answers(framework, offsets, indicators, &a.true_indicators),
    };
    let overrides: HashMap<&str, Level> = a.overrides.iter().map(|(c, l)| (c.as_str(), *l)).collect();
    let statuses: Vec<Level> = framework
        .outcomes()
        .zip(derived)
        .map(|(o, d)| overrides.get(o.code.as_str()).copied().unwrap_or(d))
        .collect();
    let Some(profile) = profile else {
        return Counted {
            below: vec![false; statuses.len()],
            statuses,
            standing: None,
        };
    };
    let by_code: BTreeMap<String, Level> = framework
        .outcomes()
        .zip(&statuses)
        .map(|(o, s)| (o.code.clone(), *s))
        .collect();
    let short = shortfalls(profile, &by_code);
    let short_codes: HashSet<&str> = short.iter().map(|s| s.outcome.as_str()).collect();
    let below = framework
        .outcomes()
        .map(|o| short_codes.contains(o.code.as_str()))
        .collect();
    Counted {
        statuses,
        below,
        standing: Some(standard_status(
            &short,
            &a.actions,
            a.approved,
            has_current_ce_plus,
        )),
    }
}

fn figures(
    label: &RollupArea,
    own: bool,
    tally: Tally,
    framework: &Framework,
    risks: Option<BTreeMap<RiskGrade, u64>>,
) -> AreaFigures {
    AreaFigures {
        org: label.org,
        code: label.code.clone(),
        name: label.name.clone(),
        kind: label.kind,
        own,
        standing: tally.standing,
        outcomes: framework
            .outcomes()
            .zip(tally.outcomes)
            .map(|(o, [a, p, n, b])| OutcomeCounts {
                code: o.code.clone(),
                title: o.title.clone(),
                achieved: a,
                partially_achieved: p,
                not_achieved: n,
                below_target: b,
            })
            .collect(),
        risks,
    }
}

/// Add up the facts: every rule applied once per organisation, in memory.
pub fn roll_up(
    framework: &Framework,
    facts: &RollupFacts,
    profiles: &HashMap<ProfileCategory, Profile>,
    today: jiff::civil::Date,
    risks: Option<&HashMap<OrgId, BTreeMap<RiskGrade, u64>>>,
) -> AssuranceRollup {
    let (offsets, indicators) = offsets(framework);
    let outcomes = offsets.len();
    let ce_plus: HashSet<OrgId> = facts
        .ce_plus
        .iter()
        .filter(|c| c.is_current_on(today))
        .map(|c| c.org)
        .collect();
    let current: HashMap<OrgId, &RolledAssessment> = facts.assessments.iter().map(|a| (a.org, a)).collect();

    let mut total = Tally::new(outcomes);
    let mut by_area: HashMap<OrgId, Tally> = HashMap::new();
    for m in &facts.members {
        let area = by_area.entry(m.area).or_insert_with(|| Tally::new(outcomes));
        let counted = current.get(&m.org).map(|a| {
            let profile = ProfileCategory::of(m.kind).and_then(|c| profiles.get(&c));
            count(
                framework,
                &offsets,
                indicators,
                a,
                profile,
                ce_plus.contains(&m.org),
            )
        });
        for t in [&mut total, area] {
            t.standing.organisations += 1;
            let Some(c) = &counted else {
                t.standing.no_current_assessment += 1;
                continue;
            };
            match c.standing {
                Some(s) => *t.standing.by_standing.entry(s).or_default() += 1,
                None => t.standing.no_profile += 1,
            }
            for (i, (status, below)) in c.statuses.iter().zip(&c.below).enumerate() {
                let cell = &mut t.outcomes[i];
                match status {
                    Level::Achieved => cell[0] += 1,
                    Level::PartiallyAchieved => cell[1] += 1,
                    Level::NotAchieved => cell[2] += 1,
                }
                if *below {
                    cell[3] += 1;
                }
            }
        }
    }
    let risks_of = |org: OrgId| {
        risks.map(|r| {
            r.get(&org)
                .cloned()
                .unwrap_or_else(crate::risks::rollup::empty_counts)
        })
    };
    let mut areas = Vec::new();
    if let Some(t) = by_area.remove(&facts.root.org) {
        areas.push(figures(&facts.root, true, t, framework, None));
    }
    for label in &facts.areas {
        if let Some(t) = by_area.remove(&label.org) {
            areas.push(figures(label, false, t, framework, risks_of(label.org)));
        }
    }
    AssuranceRollup {
        framework: framework.id.clone(),
        version: framework.version.clone(),
        as_of: today,
        total: figures(&facts.root, false, total, framework, risks_of(facts.root.org)),
        areas,
    }
}

/// The roll-up as CSV: a line per area and the total, then a blank line and a line per area and
/// outcome (the total's outcomes last). Every cell goes through `csv_field`.
pub fn rollup_csv(r: &AssuranceRollup) -> String {
    let mut out = String::new();
    let line = |out: &mut String, cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    let mut head = vec!["area_code".to_owned(), "area_name".into(), "organisations".into()];
    head.extend(StandardStatus::iter().map(|s| <&str>::from(s).to_owned()));
    head.extend(["no-profile".to_owned(), "no-current-assessment".into()]);
    line(&mut out, head);
    let all: Vec<(&AreaFigures, &str)> = r
        .areas
        .iter()
        .map(|a| (a, if a.own { "own" } else { "" }))
        .chain(std::iter::once((&r.total, "total")))
        .collect();
    for (a, note) in &all {
        let name = if note.is_empty() {
            a.name.clone()
        } else {
            format!("{} ({note})", a.name)
        };
        let mut cells = vec![a.code.clone(), name, a.standing.organisations.to_string()];
        cells.extend(a.standing.by_standing.values().map(u64::to_string));
        cells.push(a.standing.no_profile.to_string());
        cells.push(a.standing.no_current_assessment.to_string());
        line(&mut out, cells);
    }
    out.push_str("\r\n");
    line(
        &mut out,
        [
            "area_code",
            "outcome",
            "title",
            "achieved",
            "partially-achieved",
            "not-achieved",
            "below-target",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    for (a, note) in &all {
        let code = if *note == "total" {
            format!("{} (total)", a.code)
        } else {
            a.code.clone()
        };
        for o in &a.outcomes {
            line(
                &mut out,
                vec![
                    code.clone(),
                    o.code.clone(),
                    o.title.clone(),
                    o.achieved.to_string(),
                    o.partially_achieved.to_string(),
                    o.not_achieved.to_string(),
                    o.below_target.to_string(),
                ],
            );
        }
    }
    out
}

impl App {
    /// The scope organisation a roll-up is about when none is named: the caller's widest.
    async fn widest_scope_org(&self, scope: &Scope) -> AppResult<OrgId> {
        match scope {
            Scope::Subtrees(v) | Scope::Orgs(v) => v
                .first()
                .copied()
                .ok_or_else(|| AppError::NotFound("organisation".into())),
            Scope::All => {
                let filter = OrgFilter {
                    kind: Some(OrgKind::NationalBody),
                    ..OrgFilter::default()
                };
                let page = PageRequest { offset: 0, limit: 1 };
                let national = self.store().list_orgs(scope, &filter, page).await?;
                national.items.first().map(|o| o.id).ok_or_else(|| {
                    AppError::invalid(
                        "org",
                        "no national body is loaded: name the organisation to roll up",
                    )
                })
            }
        }
    }

    /// The assurance roll-up of `q.org` (default: the caller's widest scope) over the
    /// organisations the caller may read.
    pub async fn assurance_rollup(&self, actor: &Actor, q: &RollupQuery) -> AppResult<AssuranceRollup> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadAssuranceRollup, now)?;
        let root = match q.org.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => {
                let code = OdsCode::parse(code).map_err(|e| AppError::invalid("org", e.to_string()))?;
                self.store().get_org_by_code(&scope, &code).await?.id
            }
            None => self.widest_scope_org(&scope).await?,
        };
        let framework_id = q.framework.as_deref().unwrap_or(questionnaire::FRAMEWORK);
        let version = q.version.as_deref().unwrap_or(questionnaire::VERSION);
        let framework = self.framework_of(framework_id, version).await?;
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();

        let profiles = self.profiles_in_effect(&framework, today).await?;
        let facts = self.rollup_facts(actor, &scope, root, &framework).await?;
        // The risk grades beside the figures, for callers who may read risks (one query each).
        let risks = match authorise(actor, Action::ReadRisks, now) {
            Ok(risk_scope) => {
                let (own, up) = self.store().risk_grade_counts(&risk_scope).await?;
                let mut by_org: HashMap<OrgId, BTreeMap<RiskGrade, u64>> = HashMap::new();
                let rolled = |k: OrgKind| matches!(k, OrgKind::Icb | OrgKind::Region | OrgKind::NationalBody);
                for c in own
                    .iter()
                    .filter(|c| !rolled(c.kind))
                    .chain(up.iter().filter(|c| rolled(c.kind)))
                {
                    *by_org
                        .entry(c.org)
                        .or_insert_with(crate::risks::rollup::empty_counts)
                        .entry(c.grade)
                        .or_default() += c.risks;
                }
                Some(by_org)
            }
            Err(_) => None,
        };
        Ok(roll_up(&framework, &facts, &profiles, today, risks.as_ref()))
    }
}

/// One counted organisation's current assessment as the roll-up counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedOrg {
    pub org: OrgId,
    /// The child area of the scope organisation it counts in.
    pub area: OrgId,
    pub assessment: AssessmentId,
    /// Its standing; none when no profile is in effect for its category.
    pub standing: Option<StandardStatus>,
    /// The outcomes below their profile's targets, by code, in framework order.
    pub below: Vec<String>,
}

impl App {
    /// The latest profile version in effect on `today` for each category, for `framework`.
    async fn profiles_in_effect(
        &self,
        framework: &Framework,
        today: jiff::civil::Date,
    ) -> AppResult<HashMap<ProfileCategory, Profile>> {
        let mut profiles = HashMap::new();
        for category in ProfileCategory::iter() {
            let versions = self
                .store()
                .profile_versions(&framework.id, &framework.version, category)
                .await?;
            if let Some(p) = versions.into_iter().rev().find(|p| p.effective_from <= today) {
                profiles.insert(category, p);
            }
        }
        Ok(profiles)
    }

    /// The roll-up facts beneath `root`, every assessment with its derived statuses: those
    /// without stored statuses are derived from their answers here, once, and stored.
    async fn rollup_facts(
        &self,
        actor: &Actor,
        scope: &Scope,
        root: OrgId,
        framework: &Framework,
    ) -> AppResult<RollupFacts> {
        let index: HashMap<String, u32> = framework
            .indicators()
            .enumerate()
            .map(|(i, (_, ind))| (ind.id.clone(), i as u32))
            .collect();
        let outcomes: Vec<String> = framework.outcomes().map(|o| o.code.clone()).collect();
        let mut facts = self
            .store()
            .assurance_rollup_facts(
                scope,
                root,
                &counted_kinds(),
                &framework.id,
                &framework.version,
                &outcomes,
                &index,
            )
            .await?;
        let missing = derive_missing(framework, &mut facts);
        self.store_missing_statuses(actor, scope, &missing).await?;
        Ok(facts)
    }

    /// Every counted organisation beneath the caller's organisation with a current assessment of
    /// `framework`, as the roll-up counts it today (the demo seeds improvement plans and
    /// certificates from it). Only Ward itself asks.
    pub async fn counted_orgs(&self, actor: &Actor, framework: &Framework) -> AppResult<Vec<CountedOrg>> {
        if !actor.is_system() {
            return Err(AppError::forbidden(
                "only Ward itself reads every organisation's standing",
            ));
        }
        let today = self.today();
        let profiles = self.profiles_in_effect(framework, today).await?;
        let facts = self
            .rollup_facts(actor, &Scope::All, actor.org, framework)
            .await?;
        let (offsets, indicators) = offsets(framework);
        let ce_plus: HashSet<OrgId> = facts
            .ce_plus
            .iter()
            .filter(|c| c.is_current_on(today))
            .map(|c| c.org)
            .collect();
        let current: HashMap<OrgId, &RolledAssessment> =
            facts.assessments.iter().map(|a| (a.org, a)).collect();
        let mut out = Vec::new();
        for m in &facts.members {
            let Some(a) = current.get(&m.org) else {
                continue;
            };
            let profile = ProfileCategory::of(m.kind).and_then(|c| profiles.get(&c));
            let c = count(
                framework,
                &offsets,
                indicators,
                a,
                profile,
                ce_plus.contains(&m.org),
            );
            out.push(CountedOrg {
                org: m.org,
                area: m.area,
                assessment: a.id,
                standing: c.standing,
                below: framework
                    .outcomes()
                    .zip(&c.below)
                    .filter(|(_, b)| **b)
                    .map(|(o, _)| o.code.clone())
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Load whole assessments in one transaction (demo and benchmark sectors: `ward demo
    /// --assurance`); each is audited. Only Ward itself loads them: no role's scope covers the
    /// sector for writing assessments.
    pub async fn seed_assessments(
        &self,
        actor: &Actor,
        batch: &[ward_store::assurance_rollup::SeededAssessment],
    ) -> AppResult<u64> {
        if !actor.is_system() {
            return Err(AppError::forbidden("only Ward itself loads demo assessments"));
        }
        let Some(first) = batch.first() else {
            return Ok(0);
        };
        let framework = self
            .framework_of(&first.head.framework, &first.head.version)
            .await?;
        Ok(self
            .store()
            .seed_assessments(
                batch,
                &super::derived::WebCafRule(&framework),
                &actor.audit(self.now()),
            )
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(code: &str, name: &str, own: bool) -> AreaFigures {
        let mut standing = StandingCounts::empty();
        standing.organisations = 3;
        *standing.by_standing.entry(StandardStatus::Met).or_default() = 2;
        standing.no_current_assessment = 1;
        AreaFigures {
            org: OrgId::from_uuid(uuid::Uuid::from_u128(1)),
            code: code.into(),
            name: name.into(),
            kind: OrgKind::Icb,
            own,
            standing,
            outcomes: vec![OutcomeCounts {
                code: "A1.a".into(),
                title: "=HYPERLINK(\"http://evil.example\")".into(),
                achieved: 2,
                partially_achieved: 0,
                not_achieved: 0,
                below_target: 0,
            }],
            risks: None,
        }
    }

    #[test]
    fn the_csv_has_a_line_per_area_and_the_total_and_defuses_formulas() {
        let r = AssuranceRollup {
            framework: "ncsc-caf".into(),
            version: "4.0".into(),
            as_of: jiff::civil::date(2026, 6, 1),
            total: area("Y56", "London", false),
            areas: vec![area("Y56", "London", true), area("QMF", "-2+3 ICB", false)],
        };
        let csv = rollup_csv(&r);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "area_code,area_name,organisations,not-met,not-met-with-plan,approaching,met,exceeded,no-profile,no-current-assessment"
        );
        assert_eq!(lines[1], "Y56,London (own),3,0,0,0,2,0,0,1");
        assert!(lines[2].starts_with("QMF,'-2+3 ICB,3,"), "{}", lines[2]);
        assert_eq!(lines[3], "Y56,London (total),3,0,0,0,2,0,0,1");
        assert_eq!(lines[4], "");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("Y56 (total),A1.a,\"'=HYPERLINK")),
            "{csv}"
        );
    }
}
