//! The board pack in words and numbers, once: headings, sentences, figures and tables made from
//! the application's [`BoardPack`]. The HTML page and the PDF both draw this, so they show the
//! same figures in the same words.

use ward_app::board_pack::{BoardPack, PackAssessment};
use ward_core::assurance::Level;
use ward_core::assurance::improvement::PlanActionStatus;

use crate::web::charts::{HeatCell, heat_map};
use crate::web::views::thousands;

/// A figure: a number and what it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Figure {
    pub value: String,
    pub label: String,
    /// Calls for attention (overdue, known exploited, below target).
    pub warn: bool,
}

/// A table with its caption; `numeric` marks the columns to right-align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackTable {
    pub caption: String,
    pub head: Vec<&'static str>,
    pub numeric: Vec<bool>,
    /// Each column's share of the width, in parts of the sum (the PDF's column widths).
    pub widths: Vec<u32>,
    pub rows: Vec<Vec<String>>,
    /// Said instead of the table when it has no rows.
    pub empty: String,
}

impl PackTable {
    fn numeric_at(&self, i: usize) -> bool {
        self.numeric.get(i).copied().unwrap_or(false)
    }

    /// The header cells, each with whether its column is numeric (for the page).
    pub(crate) fn head_cells(&self) -> Vec<(&'static str, bool)> {
        self.head
            .iter()
            .enumerate()
            .map(|(i, h)| (*h, self.numeric_at(i)))
            .collect()
    }

    /// The rows' cells, each with whether its column is numeric (for the page).
    pub(crate) fn body_cells(&self) -> Vec<Vec<(&str, bool)>> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| (c.as_str(), self.numeric_at(i)))
                    .collect()
            })
            .collect()
    }
}

/// One section of the pack.
#[derive(Debug, Clone)]
pub(crate) struct PackSection {
    pub id: &'static str,
    pub heading: &'static str,
    pub lead: Vec<String>,
    pub figures: Vec<Figure>,
    /// The 5x5 heat map, in the risk section.
    pub heat: Option<Vec<HeatCell>>,
    pub tables: Vec<PackTable>,
}

/// The whole pack as shown.
#[derive(Debug, Clone)]
pub(crate) struct PackView {
    pub org_name: String,
    pub org_code: String,
    /// "7 December 2026".
    pub made_on: String,
    /// One sentence: where the organisation stands against the minimum standard.
    pub standing: String,
    pub sections: Vec<PackSection>,
}

fn figure(value: u64, label: impl Into<String>, warn: bool) -> Figure {
    Figure {
        value: thousands(value),
        label: label.into(),
        warn: warn && value > 0,
    }
}

fn level(l: Option<Level>) -> String {
    l.map_or("No claim".to_owned(), |l| l.label().to_owned())
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// Where the organisation stands, in one sentence.
fn standing_sentence(a: Option<&PackAssessment>) -> String {
    let Some(a) = a else {
        return "No assessment has been recorded yet, so the standing against the minimum standard is not known."
            .to_owned();
    };
    let of = format!(
        "the {} {} assessment against {} ({})",
        a.year,
        a.kind.label().to_lowercase(),
        a.framework,
        a.status.label().to_lowercase()
    );
    match &a.standing {
        Some(s) => format!(
            "{} against the {} minimum standard (version {}), by {of}.",
            s.status.label(),
            s.category.label(),
            s.profile_version
        ),
        None => format!("No minimum standard is published for {of}, so its standing cannot be judged."),
    }
}

fn assurance_section(a: Option<&PackAssessment>) -> PackSection {
    let mut figures = Vec::new();
    let mut tables = Vec::new();
    if let Some(a) = a {
        for l in [Level::Achieved, Level::PartiallyAchieved, Level::NotAchieved] {
            let n = a.counts.get(&l).copied().unwrap_or(0) as u64;
            figures.push(figure(n, format!("outcomes {}", l.label().to_lowercase()), false));
        }
        if let Some(s) = &a.standing {
            figures.push(figure(s.below.len() as u64, "below target", true));
            tables.push(PackTable {
                caption: "Outcomes below target".into(),
                head: vec!["Outcome", "Reached", "Target", "In the plan"],
                numeric: vec![false; 4],
                widths: vec![5, 2, 2, 2],
                rows: s
                    .below
                    .iter()
                    .map(|b| {
                        vec![
                            format!("{} {}", b.code, b.title),
                            level(b.status),
                            b.target.label().to_owned(),
                            if b.addressed { "Yes" } else { "No" }.to_owned(),
                        ]
                    })
                    .collect(),
                empty: "Every outcome meets its target.".into(),
            });
        }
    }
    PackSection {
        id: "standing",
        heading: "Standing against the minimum standard",
        lead: vec![standing_sentence(a)],
        figures,
        heat: None,
        tables,
    }
}

fn disagreement_section(a: Option<&PackAssessment>) -> PackSection {
    let lead = match a {
        None => "Without an assessment there are no claims to compare with Ward's facts.".to_owned(),
        Some(_) => "Where Ward holds facts about an outcome (inventory, supplier register, known-exploited \
                    exposures, training, exercises), what they suggest beside the assessment's claim."
            .to_owned(),
    };
    let tables = a
        .map(|a| PackTable {
            caption: "Claims the facts disagree with".into(),
            head: vec!["Outcome", "Claimed", "Facts suggest", "Facts"],
            numeric: vec![false; 4],
            widths: vec![3, 2, 2, 5],
            rows: a
                .disagreements
                .iter()
                .map(|d| {
                    vec![
                        format!("{} {}", d.code, d.title),
                        level(d.claimed),
                        level(d.suggested),
                        d.facts.join("; "),
                    ]
                })
                .collect(),
            empty: "Ward's facts agree with every claim they can check.".into(),
        })
        .into_iter()
        .collect();
    PackSection {
        id: "disagreements",
        heading: "Claims Ward's facts disagree with",
        lead: vec![lead],
        figures: Vec::new(),
        heat: None,
        tables,
    }
}

fn risk_section(p: &BoardPack) -> PackSection {
    let r = &p.risks;
    let mut figures: Vec<Figure> = r
        .by_grade
        .iter()
        .map(|(g, n)| figure(*n as u64, g.label(), false))
        .collect();
    figures.push(figure(r.overdue_reviews as u64, "reviews overdue", true));
    let lead = if r.total == 0 {
        "No risks are recorded in the register yet.".to_owned()
    } else {
        format!(
            "{} risk{} in the register, graded on the NPSA 5x5 matrix by current score; the worst \
             consequence domain gives the grade.",
            thousands(r.total as u64),
            if r.total == 1 { "" } else { "s" }
        )
    };
    PackSection {
        id: "risks",
        heading: "Top risks",
        lead: vec![lead],
        figures,
        heat: Some(heat_map(&r.heat)),
        tables: vec![PackTable {
            caption: "Risks with the highest current scores".into(),
            head: vec!["Score", "Risk", "Owner", "Treatment", "Review"],
            numeric: vec![true, false, false, false, false],
            widths: vec![2, 5, 3, 2, 3],
            rows: r
                .top
                .iter()
                .map(|x| {
                    vec![
                        format!("{} {}", x.score, x.grade.label()),
                        x.title.clone(),
                        x.owner.clone().unwrap_or_else(|| "Not named".into()),
                        x.treatment.label().to_owned(),
                        format!("{}{}", day(x.review), if x.overdue { " (overdue)" } else { "" }),
                    ]
                })
                .collect(),
            empty: "No risks to list.".into(),
        }],
    }
}

fn exposure_section(p: &BoardPack) -> PackSection {
    let e = &p.exposure;
    let a = &p.alerts;
    let f = &a.figures;
    let ack = match a.acknowledged_within_48h_percent {
        Some(pc) => format!(
            "{} of {} alert record{} acknowledged within 48 hours ({pc} %).",
            thousands(f.acknowledged_within_48h),
            thousands(f.records),
            if f.records == 1 { "" } else { "s" }
        ),
        None => "No cyber alert has reached the organisation yet.".to_owned(),
    };
    PackSection {
        id: "exposure",
        heading: "Exposures and alert response",
        lead: vec![
            format!(
                "{} open exposure{} on {} asset{}, of which {} to vulnerabilities known to be exploited.",
                thousands(e.open_exposures),
                if e.open_exposures == 1 { "" } else { "s" },
                thousands(e.open_assets),
                if e.open_assets == 1 { "" } else { "s" },
                thousands(e.open_kev)
            ),
            ack,
        ],
        figures: vec![
            figure(e.open_exposures, "open exposures", false),
            figure(e.open_kev, "known exploited", true),
            figure(e.open_vulnerabilities, "vulnerabilities open", false),
            figure(e.overdue_vulnerabilities, "past the time to remediate", true),
            figure(e.unsupported_assets, "assets on unsupported software", true),
            figure(f.records, "alert records", false),
            figure(f.open, "alert records open", false),
            figure(f.overdue_acknowledge, "overdue to acknowledge", true),
            figure(f.overdue_first_update, "overdue first update", true),
            figure(f.overdue_remediate, "overdue to remediate", true),
        ],
        heat: None,
        tables: Vec::new(),
    }
}

fn people_section(p: &BoardPack) -> PackSection {
    let t = &p.training;
    let lead = match t.percent_current() {
        Some(pc) => format!(
            "{pc} % of required training is current: {} of {} people and courses.",
            thousands(t.current),
            thousands(t.required)
        ),
        None => "No training record has been imported yet.".to_owned(),
    };
    PackSection {
        id: "people",
        heading: "Training and board accountability",
        lead: vec![lead],
        figures: Vec::new(),
        heat: None,
        tables: vec![
            PackTable {
                caption: "Training completion by role and course".into(),
                head: vec!["Role", "Course", "People", "Current", "Overdue", "Missing"],
                numeric: vec![false, false, true, true, true, true],
                widths: vec![3, 4, 2, 2, 2, 2],
                rows: t
                    .courses
                    .iter()
                    .map(|c| {
                        vec![
                            c.role.label().to_owned(),
                            c.title.clone(),
                            thousands(c.people),
                            format!("{} ({} %)", thousands(c.current), c.percent_current()),
                            thousands(c.overdue),
                            thousands(c.missing),
                        ]
                    })
                    .collect(),
                empty: "No training figures.".into(),
            },
            PackTable {
                caption: "Board members accountable for cyber security".into(),
                head: vec!["Name", "Board role"],
                numeric: vec![false, false],
                widths: vec![1, 2],
                rows: p
                    .board
                    .iter()
                    .map(|m| vec![m.name.clone(), m.board_role.clone()])
                    .collect(),
                empty: "No board member is named as accountable for cyber security.".into(),
            },
        ],
    }
}

fn plan_section(a: Option<&PackAssessment>) -> PackSection {
    let lead = match a {
        None => "There is no improvement plan without an assessment.".to_owned(),
        Some(a) if a.plan.is_empty() => "The latest assessment has no improvement plan.".to_owned(),
        Some(a) => {
            let open = a
                .plan
                .iter()
                .filter(|x| x.status == PlanActionStatus::Open)
                .count();
            let overdue = a.plan.iter().filter(|x| x.overdue).count();
            format!(
                "{} action{}, {open} open and {overdue} overdue; the plan is {}.",
                a.plan.len(),
                if a.plan.len() == 1 { "" } else { "s" },
                if a.plan_approved {
                    "approved"
                } else {
                    "not yet approved"
                }
            )
        }
    };
    PackSection {
        id: "plan",
        heading: "Improvement plan",
        lead: vec![lead],
        figures: Vec::new(),
        heat: None,
        tables: a
            .filter(|a| !a.plan.is_empty())
            .map(|a| PackTable {
                caption: "Actions, open first by due date".into(),
                head: vec!["Action", "Owner", "Due", "Outcomes", "Status"],
                numeric: vec![false; 5],
                widths: vec![5, 3, 2, 2, 2],
                rows: a
                    .plan
                    .iter()
                    .map(|x| {
                        vec![
                            x.title.clone(),
                            x.owner.clone(),
                            day(x.due),
                            x.outcomes.join(", "),
                            if x.overdue {
                                "Overdue".to_owned()
                            } else {
                                x.status.label().to_owned()
                            },
                        ]
                    })
                    .collect(),
                empty: String::new(),
            })
            .into_iter()
            .collect(),
    }
}

impl PackView {
    pub(crate) fn of(p: &BoardPack) -> Self {
        let a = p.assessment.as_ref();
        Self {
            org_name: p.org.name.clone(),
            org_code: p.org.code.clone(),
            made_on: p.made_on.strftime("%-d %B %Y").to_string(),
            standing: standing_sentence(a),
            sections: vec![
                assurance_section(a),
                disagreement_section(a),
                risk_section(p),
                exposure_section(p),
                people_section(p),
                plan_section(a),
            ],
        }
    }
}
