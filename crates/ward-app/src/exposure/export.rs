//! Exposure exports: CSV for spreadsheets, JSON for scripts, and CycloneDX 1.6 VEX for tools that
//! read vulnerability exploitability statements.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use ward_core::vuln::Justification;

use super::index::Status;
use super::view::{ExposureFilter, ExposureView, Sort};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};

/// The most rows one export carries; narrow the filter for more.
pub const MAX_EXPORT_ROWS: usize = 200_000;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Json,
    #[strum(serialize = "cyclonedx", serialize = "cyclonedx-vex", serialize = "vex")]
    CycloneDxVex,
}

impl ExportFormat {
    /// The format named `s` (`csv`, `json`, or `cyclonedx`, `cyclonedx-vex` or `vex`).
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::CycloneDxVex => "application/vnd.cyclonedx+json; version=1.6",
        }
    }
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Csv => "ward-exposures.csv",
            Self::Json => "ward-exposures.json",
            Self::CycloneDxVex => "ward-exposures.vex.cdx.json",
        }
    }
}

pub fn to_csv(rows: &[ExposureView]) -> String {
    let mut out = String::from(
        "priority,status,advisory,aliases,org_code,org_name,asset_id,asset_name,internet_facing,package,\
         ecosystem,version,purl,cpe,fixed,kev_due,unsupported_since,worst_consequence,service,statement,\
         upgrade_to,part_of_code,part_of_name\n",
    );
    for r in rows {
        let fields = [
            format!("{:.1}", r.priority),
            r.status.as_str().to_owned(),
            r.advisory.clone(),
            r.aliases.join(" "),
            r.org.code.clone(),
            r.org.name.clone(),
            r.asset.to_string(),
            r.asset_name.clone(),
            if r.internet_facing { "yes" } else { "no" }.to_owned(),
            r.package.clone(),
            r.ecosystem.clone(),
            r.version.clone(),
            r.purl.clone().unwrap_or_default(),
            r.cpe.clone().unwrap_or_default(),
            r.fixed.join(" "),
            r.kev_due.map(|d| d.to_string()).unwrap_or_default(),
            r.unsupported
                .as_ref()
                .and_then(|u| u.eol)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.impact
                .as_ref()
                .map(|i| i.consequence.to_string())
                .unwrap_or_default(),
            r.impact
                .as_ref()
                .map(|i| i.service_name.clone())
                .unwrap_or_default(),
            r.statement
                .as_ref()
                .map(|s| format!("{} ({})", s.status, s.source))
                .unwrap_or_default(),
            r.upgrade_to.clone().unwrap_or_default(),
            r.part_of.as_ref().map(|p| p.code.clone()).unwrap_or_default(),
            r.part_of.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        ];
        out.push_str(&ward_core::spreadsheet::csv_line(&fields));
        out.push('\n');
    }
    out
}

fn cdx_state(s: Status) -> &'static str {
    match s {
        Status::Affected => "exploitable",
        Status::UnderInvestigation | Status::CannotEvaluate => "in_triage",
        Status::NotAffected => "not_affected",
        Status::Fixed => "resolved",
    }
}

/// CycloneDX's justification for a stated one (CSAF names mapped to the nearest CycloneDX value).
fn cdx_justification(j: &Justification) -> Justification {
    use Justification::*;
    match j {
        ComponentNotPresent | VulnerableCodeNotPresent => CodeNotPresent,
        VulnerableCodeNotInExecutePath => CodeNotReachable,
        VulnerableCodeCannotBeControlledByAdversary | InlineMitigationsAlreadyExist => {
            ProtectedByMitigatingControl
        }
        other => other.clone(),
    }
}

/// A CycloneDX 1.6 VEX document: one component per distinct software, one vulnerability entry per
/// (advisory, software, status) with the number of assets it covers as a property.
pub fn to_cyclonedx_vex(rows: &[ExposureView], serial: uuid::Uuid, timestamp: jiff::Timestamp) -> Value {
    let mut components: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut software: Vec<Value> = Vec::new();
    // (advisory, component ref, status, statement source) -> (first row, assets)
    let mut groups: BTreeMap<(String, String, &'static str, String), (usize, u64)> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let key = (
            r.purl.clone().unwrap_or_default(),
            r.cpe.clone().unwrap_or_default(),
            r.version.clone(),
        );
        let next = components.len();
        let bom_ref = components
            .entry(key)
            .or_insert_with(|| {
                let bom_ref = format!("software-{}", next + 1);
                let mut c = json!({
                    "type": if r.cpe.as_deref().is_some_and(|c| c.starts_with("cpe:2.3:o:")) { "operating-system" } else { "library" },
                    "bom-ref": bom_ref,
                    "name": r.package,
                    "version": r.version,
                });
                if let Some(p) = &r.purl {
                    c["purl"] = json!(p);
                }
                if let Some(cpe) = &r.cpe {
                    c["cpe"] = json!(cpe);
                }
                software.push(c);
                bom_ref
            })
            .clone();
        let source = r.statement.as_ref().map(|s| s.source.clone()).unwrap_or_default();
        groups
            .entry((r.advisory.clone(), bom_ref, cdx_state(r.status), source))
            .or_insert((i, 0))
            .1 += 1;
    }
    let vulnerabilities: Vec<Value> = groups
        .iter()
        .map(|((advisory, bom_ref, state, _), (first, assets))| {
            let r = &rows[*first];
            let mut analysis = json!({ "state": state });
            if let Some(s) = &r.statement {
                if let Some(j) = &s.justification {
                    analysis["justification"] = json!(cdx_justification(j).as_str());
                }
                if let Some(d) = &s.detail {
                    analysis["detail"] = json!(d);
                }
            } else if let Some(reason) = &r.reason {
                analysis["detail"] = json!(format!("Ward could not evaluate the match: {reason}"));
            }
            let mut v = json!({
                "id": advisory,
                "analysis": analysis,
                "affects": [{ "ref": bom_ref }],
                "properties": [
                    { "name": "ward:assets", "value": assets.to_string() },
                    { "name": "ward:priority", "value": format!("{:.1}", r.priority) },
                ],
            });
            if !r.aliases.is_empty() {
                v["references"] = Value::Array(
                    r.aliases
                        .iter()
                        .map(|a| json!({ "id": a, "source": { "name": if a.starts_with("CVE-") { "NVD" } else { "OSV" } } }))
                        .collect(),
                );
            }
            if let Some(s) = &r.summary {
                v["description"] = json!(s);
            }
            if !r.fixed.is_empty() {
                v["recommendation"] = json!(format!("Upgrade to a fixed version: {}", r.fixed.join(", ")));
            }
            v
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{serial}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp.to_string(),
            "tools": { "components": [{ "type": "application", "name": "Ward", "version": env!("CARGO_PKG_VERSION") }] },
        },
        "components": software,
        "vulnerabilities": vulnerabilities,
    })
}

impl App {
    /// Every exposure the filter selects (at most [`MAX_EXPORT_ROWS`]) in `format`: the body.
    pub async fn export_exposures(
        &self,
        actor: &Actor,
        filter: &ExposureFilter,
        format: ExportFormat,
    ) -> AppResult<String> {
        let scope = crate::authz::authorise(actor, crate::authz::Action::ReadExposure, self.now())?;
        // An export holds every selected row and its text at once: it counts as a heavy request.
        let _permit = self.heavy_permit()?;
        let (index, selected) = self.selected_exposures(actor, filter, Sort::Priority).await?;
        if selected.len() > MAX_EXPORT_ROWS {
            return Err(AppError::invalid(
                "filter",
                format!(
                    "{} exposures match; an export carries at most {MAX_EXPORT_ROWS}: narrow it by organisation, \
                     advisory or status",
                    selected.len()
                ),
            ));
        }
        let visible = index.visible(&scope);
        let rows: Vec<ExposureView> = selected
            .iter()
            .map(|i| index.view(index.rows.get(*i), &visible))
            .collect();
        Ok(match format {
            ExportFormat::Csv => to_csv(&rows),
            ExportFormat::Json => serde_json::to_string_pretty(&rows)
                .map_err(|e| AppError::Internal(format!("writing JSON: {e}")))?,
            ExportFormat::CycloneDxVex => {
                let doc = to_cyclonedx_vex(&rows, uuid::Uuid::now_v7(), self.now());
                serde_json::to_string_pretty(&doc)
                    .map_err(|e| AppError::Internal(format!("writing JSON: {e}")))?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_by_name_or_alias() {
        assert_eq!(ExportFormat::parse("csv"), Some(ExportFormat::Csv));
        assert_eq!(ExportFormat::parse("json"), Some(ExportFormat::Json));
        for alias in ["cyclonedx", "cyclonedx-vex", "vex"] {
            assert_eq!(
                ExportFormat::parse(alias),
                Some(ExportFormat::CycloneDxVex),
                "{alias}"
            );
        }
        assert_eq!(ExportFormat::parse("CSV"), None);
        assert_eq!(ExportFormat::parse("cyclonedxvex"), None);
    }

    #[test]
    fn csaf_justifications_map_to_the_nearest_cyclonedx_one() {
        let cdx = |j: Justification| cdx_justification(&j).as_str().to_owned();
        assert_eq!(cdx(Justification::ComponentNotPresent), "code_not_present");
        assert_eq!(cdx(Justification::VulnerableCodeNotPresent), "code_not_present");
        assert_eq!(
            cdx(Justification::VulnerableCodeNotInExecutePath),
            "code_not_reachable"
        );
        assert_eq!(
            cdx(Justification::InlineMitigationsAlreadyExist),
            "protected_by_mitigating_control"
        );
        assert_eq!(cdx(Justification::RequiresEnvironment), "requires_environment");
        assert_eq!(cdx(Justification::Other("because".into())), "because");
    }
}
