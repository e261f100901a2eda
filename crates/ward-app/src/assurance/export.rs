//! Assessment exports: one row per indicator answer and one per outcome, as CSV for spreadsheets
//! (every cell through the one formula guard, `ward_core::spreadsheet`) and JSON for scripts.

use serde::Serialize;
use ward_core::AssessmentId;
use ward_core::assurance::{Framework, Level};
use ward_core::spreadsheet::csv_line;

use super::assessments::AssessmentView;
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};

/// An assessment export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::Display)]
#[strum(serialize_all = "lowercase")]
pub enum AssessmentExportFormat {
    Csv,
    Json,
}

impl AssessmentExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// What a row of the export describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RowKind {
    Indicator,
    Outcome,
}

/// One row: an indicator's answer (outcome, indicator, column, statement, answer, comment,
/// evidence) or an outcome's standing (derived, override, justification, status, target,
/// shortfall).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    pub row: RowKind,
    pub outcome: String,
    pub indicator: Option<String>,
    pub column: Option<Level>,
    pub statement: Option<String>,
    /// True, false, or none when not answered (indicator rows).
    pub answer: Option<bool>,
    pub comment: Option<String>,
    pub evidence: Vec<String>,
    pub derived: Option<Level>,
    #[serde(rename = "override")]
    pub override_status: Option<Level>,
    pub justification: Option<String>,
    /// The status that counts (outcome rows).
    pub status: Option<Level>,
    /// The profile's target, when one is published (outcome rows).
    pub target: Option<Level>,
    /// Below the target (outcome rows with a target).
    pub shortfall: Option<bool>,
}

/// The rows of an assessment, in framework order: each outcome's indicators, then the outcome.
pub fn rows(framework: &Framework, v: &AssessmentView) -> Vec<ExportRow> {
    let blank = |row: RowKind, outcome: &str| ExportRow {
        row,
        outcome: outcome.to_owned(),
        indicator: None,
        column: None,
        statement: None,
        answer: None,
        comment: None,
        evidence: Vec::new(),
        derived: None,
        override_status: None,
        justification: None,
        status: None,
        target: None,
        shortfall: None,
    };
    let mut out = Vec::new();
    for o in &v.outcomes {
        if let Some(fo) = framework.outcome(&o.code) {
            for i in &fo.indicators {
                let a = v.assessment.answers.get(&i.id);
                out.push(ExportRow {
                    indicator: Some(i.id.clone()),
                    column: Some(i.level),
                    statement: Some(i.text.clone()),
                    answer: a.and_then(|a| a.value),
                    comment: a.map(|a| a.comment.clone()).filter(|c| !c.is_empty()),
                    evidence: a.map(|a| a.evidence.clone()).unwrap_or_default(),
                    ..blank(RowKind::Indicator, &o.code)
                });
            }
        }
        let target = v.standard.as_ref().and_then(|s| s.targets.get(&o.code).copied());
        out.push(ExportRow {
            derived: Some(o.derived.derived),
            override_status: o.note.override_status,
            justification: o.note.justification.clone(),
            status: Some(o.status),
            target,
            shortfall: target.map(|t| o.status < t),
            ..blank(RowKind::Outcome, &o.code)
        });
    }
    out
}

const HEADER: [&str; 14] = [
    "row",
    "outcome",
    "indicator",
    "column",
    "statement",
    "answer",
    "comment",
    "evidence",
    "derived",
    "override",
    "justification",
    "status",
    "target",
    "shortfall",
];

/// The rows as CSV, a header first; every cell through the formula guard.
pub fn to_csv(rows: &[ExportRow]) -> String {
    let level = |l: Option<Level>| l.map(|l| l.to_string()).unwrap_or_default();
    let yes_no = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
    let mut out = csv_line(&HEADER);
    out.push('\n');
    for r in rows {
        let cells = [
            <&str>::from(r.row).to_owned(),
            r.outcome.clone(),
            r.indicator.clone().unwrap_or_default(),
            level(r.column),
            r.statement.clone().unwrap_or_default(),
            yes_no(r.answer),
            r.comment.clone().unwrap_or_default(),
            r.evidence.join(" "),
            level(r.derived),
            level(r.override_status),
            r.justification.clone().unwrap_or_default(),
            level(r.status),
            level(r.target),
            yes_no(r.shortfall),
        ];
        out.push_str(&csv_line(&cells));
        out.push('\n');
    }
    out
}

impl App {
    /// One assessment as CSV or JSON, for anyone who may read it.
    pub async fn export_assessment(
        &self,
        actor: &Actor,
        id: AssessmentId,
        format: AssessmentExportFormat,
    ) -> AppResult<String> {
        let v = self.assessment(actor, id).await?;
        let h = &v.assessment.head;
        let f = self.framework_of(&h.framework, &h.version).await?;
        let rows = rows(&f, &v);
        Ok(match format {
            AssessmentExportFormat::Csv => to_csv(&rows),
            AssessmentExportFormat::Json => serde_json::to_string_pretty(&serde_json::json!({
                "assessment": h,
                "standing": v.standard.as_ref().map(|s| serde_json::json!({
                    "status": s.status, "category": s.category, "profile_version": s.profile_version,
                })),
                "rows": rows,
            }))
            .map_err(|e| AppError::Internal(format!("writing JSON: {e}")))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_columns_line_up() {
        let row = ExportRow {
            row: RowKind::Indicator,
            outcome: "A1.a".into(),
            indicator: Some("A1.a.A.1".into()),
            column: Some(Level::Achieved),
            statement: Some("Board, \"cyber\" owner".into()),
            answer: Some(true),
            comment: Some("=HYPERLINK(\"http://evil\")".into()),
            evidence: vec!["@SUM(1)".into()],
            derived: None,
            override_status: None,
            justification: None,
            status: None,
            target: None,
            shortfall: None,
        };
        let csv = to_csv(&[row]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "row,outcome,indicator,column,statement,answer,comment,evidence,derived,override,justification,status,target,shortfall"
            )
        );
        let line = lines.next().unwrap();
        assert!(line.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","), "{line}");
        assert!(line.contains(",'@SUM(1),"), "{line}");
        assert!(line.starts_with("indicator,A1.a,A1.a.A.1,achieved,\"Board, \"\"cyber\"\" owner\",true,"));
    }
}
