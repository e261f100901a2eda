//! People: the training each role must hold, who in an organisation holds which role and what
//! they completed, the figures that follow (counts that add up from organisation to nation), and
//! the board members named as accountable for cyber security.
//!
//! Requirements are data: Ward ships [`builtin_requirements`] (board cyber training for board
//! members, annual data security training for all staff, specialist training for cyber leads),
//! and the national team adds or changes requirements, stored over the built-in ones by role and
//! course ([`effective_requirements`]).
//!
//! Training counts as current for [`VALID_MONTHS`] after it was completed; older is overdue.
//! Figures are kept as counts (people, current, overdue, missing) so that an ICB's figure is the
//! sum of its organisations' and shares are worked out only when shown.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::require_text;
use crate::{BoardMemberId, OrgId, ValidationError};

/// The CAF contributing outcome training completion is evidence for (staff awareness).
pub const CAF_OUTCOME: &str = "B6.b";

/// How long completed training counts as current.
pub const VALID_MONTHS: i8 = 12;

/// A role someone holds for training purposes.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum StaffRole {
    /// Everyone who works for the organisation.
    Staff,
    /// A member of the board (or the owner of a small provider).
    BoardMember,
    /// Whoever leads on cyber security (the cyber lead, the IT lead of a small provider).
    CyberLead,
}

impl StaffRole {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Staff => "All staff",
            Self::BoardMember => "Board members",
            Self::CyberLead => "Cyber leads",
        }
    }

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Reads a role as files write it: `board_member`, `Board member`, `board-member`.
    pub fn parse_loose(s: &str) -> Option<Self> {
        s.trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .parse()
            .ok()
    }
}

/// A course's code: lower-case letters, digits and hyphens, 1 to 40 characters
/// (`data-security-awareness`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct CourseCode(String);

impl CourseCode {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim().to_ascii_lowercase();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-');
        if ok {
            Ok(Self(s))
        } else {
            Err(ValidationError::new(
                "course",
                format!("'{s}' is not a course code (letters, digits and hyphens, at most 40)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CourseCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CourseCode> for String {
    fn from(c: CourseCode) -> Self {
        c.0
    }
}

impl std::fmt::Display for CourseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's reference in the organisation's own records (a staff number, not a name): 1 to 64
/// characters without control characters.
pub fn person_ref(s: &str) -> Result<String, ValidationError> {
    require_text("person_ref", s, 64)
}

/// A course a role must complete, every [`VALID_MONTHS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Requirement {
    pub role: StaffRole,
    pub course: CourseCode,
    /// The course as people name it.
    pub title: String,
    /// False when the national team has withdrawn it.
    pub active: bool,
}

impl Requirement {
    pub fn new(role: StaffRole, course: &str, title: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            role,
            course: CourseCode::parse(course)?,
            title: require_text("title", title, 200)?,
            active: true,
        })
    }
}

/// The requirements Ward ships with.
pub fn builtin_requirements() -> Vec<Requirement> {
    const DATA: (&str, &str) = ("data-security-awareness", "Annual data security awareness");
    let rows = [
        (StaffRole::Staff, DATA),
        (StaffRole::BoardMember, DATA),
        (
            StaffRole::BoardMember,
            ("board-cyber", "Board cyber security training"),
        ),
        (StaffRole::CyberLead, DATA),
        (
            StaffRole::CyberLead,
            ("cyber-specialist", "Specialist cyber security training"),
        ),
    ];
    rows.into_iter()
        .map(|(role, (course, title))| Requirement {
            role,
            course: CourseCode(course.to_owned()),
            title: title.to_owned(),
            active: true,
        })
        .collect()
}

/// The built-in requirements with the stored ones laid over them (same role and course), the
/// withdrawn ones left out; ordered by role, then course.
pub fn effective_requirements(stored: &[Requirement]) -> Vec<Requirement> {
    let mut by_key: BTreeMap<(StaffRole, CourseCode), Requirement> = builtin_requirements()
        .into_iter()
        .map(|r| ((r.role, r.course.clone()), r))
        .collect();
    for r in stored {
        by_key.insert((r.role, r.course.clone()), r.clone());
    }
    by_key.into_values().filter(|r| r.active).collect()
}

/// The first day on which completed training is still current on `today`.
pub fn current_since(today: Date) -> Date {
    today
        .checked_sub(jiff::Span::new().months(VALID_MONTHS))
        .unwrap_or(today)
}

/// One row of an organisation's training record: a person in a role and, when given, a course
/// they completed and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRow {
    pub person: String,
    pub role: StaffRole,
    pub completed: Option<(CourseCode, Date)>,
}

/// An organisation's whole training record, as an import replaces it: who holds which role, and
/// each person's latest completion of each course.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingRecord {
    /// (person, role), sorted, each once.
    pub people: Vec<(String, StaffRole)>,
    /// (person, course) with the latest completion date, sorted, each once.
    pub completions: Vec<(String, CourseCode, Date)>,
}

impl TrainingRecord {
    /// Gather rows: a person's roles once each, and per course only the latest completion.
    pub fn from_rows(rows: &[TrainingRow]) -> Self {
        let mut people = std::collections::BTreeSet::new();
        let mut latest: BTreeMap<(String, CourseCode), Date> = BTreeMap::new();
        for r in rows {
            people.insert((r.person.clone(), r.role));
            if let Some((course, on)) = &r.completed {
                let e = latest.entry((r.person.clone(), course.clone())).or_insert(*on);
                if *on > *e {
                    *e = *on;
                }
            }
        }
        Self {
            people: people.into_iter().collect(),
            completions: latest.into_iter().map(|((p, c), d)| (p, c, d)).collect(),
        }
    }
}

/// How many people of one role an organisation (or everything beneath an ICB, region or the
/// nation) has, and how many of them hold one required course: current, overdue, or never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CourseFigure {
    pub role: StaffRole,
    pub course: CourseCode,
    pub title: String,
    pub people: u64,
    /// Completed within the last [`VALID_MONTHS`].
    pub current: u64,
    /// Completed, but longer ago.
    pub overdue: u64,
    /// Never completed (as far as the imported record says).
    pub missing: u64,
}

impl CourseFigure {
    /// The share of people current, in whole percent (0 when there are none).
    pub fn percent_current(&self) -> u64 {
        (self.current * 100).checked_div(self.people).unwrap_or(0)
    }
}

/// The figures of one organisation (or area) from its raw counts: for every role it has people in
/// and every effective requirement of that role, people, current, overdue and missing. Courses
/// nobody is required to hold are left out.
pub fn figures(
    requirements: &[Requirement],
    people: &BTreeMap<StaffRole, u64>,
    done: &BTreeMap<(StaffRole, CourseCode), (u64, u64)>,
) -> Vec<CourseFigure> {
    let mut out = Vec::new();
    for r in requirements.iter().filter(|r| r.active) {
        let Some(&n) = people.get(&r.role) else { continue };
        let (current, overdue) = done.get(&(r.role, r.course.clone())).copied().unwrap_or((0, 0));
        let (current, overdue) = (current.min(n), overdue.min(n - current.min(n)));
        out.push(CourseFigure {
            role: r.role,
            course: r.course.clone(),
            title: r.title.clone(),
            people: n,
            current,
            overdue,
            missing: n - current - overdue,
        });
    }
    out
}

/// A board member named as accountable for cyber security in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BoardMember {
    pub id: BoardMemberId,
    pub org: OrgId,
    pub name: String,
    /// Their role on the board (`Director of Nursing and SIRO`, `Owner and registered manager`).
    pub board_role: String,
    #[schema(value_type = String)]
    pub added_at: jiff::Timestamp,
}

/// What naming a board member needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBoardMember {
    pub org: OrgId,
    pub name: String,
    pub board_role: String,
}

impl NewBoardMember {
    /// The name and board role, trimmed and checked.
    pub fn checked(&self) -> Result<(String, String), ValidationError> {
        Ok((
            require_text("name", &self.name, 200)?,
            require_text("board_role", &self.board_role, 200)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn every_role_must_hold_annual_data_security_training() {
        use strum::IntoEnumIterator;
        let reqs = effective_requirements(&[]);
        for role in StaffRole::iter() {
            assert!(
                reqs.iter()
                    .any(|r| r.role == role && r.course.as_str() == "data-security-awareness"),
                "{role:?}"
            );
        }
        assert!(
            reqs.iter()
                .any(|r| r.role == StaffRole::BoardMember && r.course.as_str() == "board-cyber")
        );
        assert!(
            reqs.iter()
                .any(|r| r.role == StaffRole::CyberLead && r.course.as_str() == "cyber-specialist")
        );
    }

    #[test]
    fn stored_requirements_change_add_and_withdraw() {
        let mut withdrawn = Requirement::new(StaffRole::Staff, "data-security-awareness", "x").unwrap();
        withdrawn.active = false;
        let added = Requirement::new(StaffRole::Staff, "phishing", "Spotting phishing").unwrap();
        let renamed = Requirement::new(StaffRole::BoardMember, "board-cyber", "Board cyber (2027)").unwrap();
        let reqs = effective_requirements(&[withdrawn, added, renamed]);
        let staff: Vec<&str> = reqs
            .iter()
            .filter(|r| r.role == StaffRole::Staff)
            .map(|r| r.course.as_str())
            .collect();
        assert_eq!(staff, vec!["phishing"]);
        assert!(reqs.iter().any(|r| r.title == "Board cyber (2027)"));
    }

    #[test]
    fn training_is_current_for_twelve_months() {
        assert_eq!(current_since(d("2026-12-07")), d("2025-12-07"));
        assert_eq!(current_since(d("2024-02-29")), d("2023-02-28"));
    }

    #[test]
    fn the_latest_completion_counts_and_people_count_once() {
        let c = CourseCode::parse("board-cyber").unwrap();
        let rows = vec![
            TrainingRow {
                person: "E1".into(),
                role: StaffRole::BoardMember,
                completed: Some((c.clone(), d("2024-01-01"))),
            },
            TrainingRow {
                person: "E1".into(),
                role: StaffRole::BoardMember,
                completed: Some((c.clone(), d("2026-01-01"))),
            },
            TrainingRow {
                person: "E1".into(),
                role: StaffRole::Staff,
                completed: None,
            },
        ];
        let rec = TrainingRecord::from_rows(&rows);
        assert_eq!(rec.people.len(), 2);
        assert_eq!(rec.completions, vec![("E1".into(), c, d("2026-01-01"))]);
    }

    #[test]
    fn figures_count_missing_as_the_rest() {
        let reqs = builtin_requirements();
        let people = BTreeMap::from([(StaffRole::BoardMember, 4)]);
        let done = BTreeMap::from([(
            (StaffRole::BoardMember, CourseCode::parse("board-cyber").unwrap()),
            (2, 1),
        )]);
        let f = figures(&reqs, &people, &done);
        let board = f.iter().find(|f| f.course.as_str() == "board-cyber").unwrap();
        assert_eq!(
            (board.people, board.current, board.overdue, board.missing),
            (4, 2, 1, 1)
        );
        assert_eq!(board.percent_current(), 50);
        let data = f
            .iter()
            .find(|f| f.course.as_str() == "data-security-awareness")
            .unwrap();
        assert_eq!(data.missing, 4);
        assert_eq!(f.len(), 2, "only the roles with people");
    }

    #[test]
    fn course_codes_and_roles_parse_as_files_write_them() {
        assert!(CourseCode::parse("Board-Cyber").is_ok());
        assert!(CourseCode::parse("board cyber").is_err());
        assert!(CourseCode::parse("").is_err());
        assert_eq!(
            StaffRole::parse_loose("Board member"),
            Some(StaffRole::BoardMember)
        );
        assert_eq!(StaffRole::parse_loose("cyber-lead"), Some(StaffRole::CyberLead));
        assert_eq!(StaffRole::parse_loose("nurse"), None);
    }
}
