//! Scanning SBOMs offline against a set of advisories (what `ward scan` does, like osv-scanner).
//!
//! Every component of every SBOM becomes one "asset" of a small inventory, so each match names the
//! SBOM and the component it came from; then [`match_all`] runs as it does for the sector. The SBOM's
//! own subject component is scanned too.

use serde::Serialize;
use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::vuln::{Advisory, Component, Sbom};
use ward_core::{AssetId, OrgId};

use crate::inventory::{Inventory, InventoryBuilder};
use crate::matcher::{MatchNote, Verdict, match_all, report};

/// One finding: a component of one SBOM matched by one advisory entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanFinding {
    /// The advisory id.
    pub advisory: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// The advisory's summary, when it has one.
    pub summary: Option<String>,
    /// The matched purl (normalised).
    pub purl: Option<String>,
    /// The matched CPE.
    pub cpe: Option<String>,
    /// The ecosystem as the advisory names it.
    pub ecosystem: String,
    /// The package name as the advisory names it.
    pub package: String,
    /// The installed version.
    pub version: String,
    /// Fixed versions from the advisory's ranges (possibly empty).
    pub fixed: Vec<String>,
    /// Affected, or cannot evaluate with the reason.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The SBOM's label (its file name).
    pub sbom: String,
    /// The component: its `bom-ref` when it has one, else `name@version`.
    pub component: String,
}

/// The result of a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanResult {
    /// Findings sorted by SBOM, component, advisory.
    pub findings: Vec<ScanFinding>,
    /// Advisory entries that could not be used.
    pub notes: Vec<String>,
    /// Components with neither a purl nor a CPE (they cannot be matched).
    pub unidentified: usize,
    /// Components scanned.
    pub components: usize,
}

impl ScanResult {
    /// Whether any finding is affected (not merely "cannot evaluate").
    pub fn has_affected(&self) -> bool {
        self.findings.iter().any(|f| f.verdict == Verdict::Affected)
    }
}

fn installed(c: &Component) -> InstalledSoftware {
    InstalledSoftware {
        name: match &c.group {
            Some(g) if !g.is_empty() => format!("{g}/{}", c.name),
            _ => c.name.clone(),
        },
        vendor: c.supplier.clone(),
        version: c.version.clone().unwrap_or_default(),
        purl: c.purl.clone(),
        cpe: c.cpe.clone(),
        source: SoftwareSource::Sbom,
    }
}

fn component_label(c: &Component) -> String {
    match &c.bom_ref {
        Some(r) if !r.is_empty() => r.clone(),
        _ => format!("{}@{}", c.name, c.version.as_deref().unwrap_or("")),
    }
}

/// Scans `sboms` (label, document) against `advisories`.
pub fn scan(sboms: &[(String, Sbom)], advisories: &[Advisory]) -> ScanResult {
    let org = OrgId::from_uuid(uuid::Uuid::nil());
    let mut builder = InventoryBuilder::default();
    let mut origin: Vec<(usize, &Component)> = Vec::new();
    let mut unidentified = 0;
    for (s, (_, sbom)) in sboms.iter().enumerate() {
        for c in sbom.subject.iter().chain(&sbom.components) {
            let asset = AssetId::from_uuid(uuid::Uuid::from_u128(origin.len() as u128 + 1));
            if c.purl.is_none() && c.cpe.is_none() {
                unidentified += 1;
            }
            builder.add(asset, org, &installed(c));
            origin.push((s, c));
        }
    }
    let inventory: Inventory = builder.finish();
    let matches = match_all(&inventory, advisories);
    let mut findings = Vec::new();
    for m in &matches.matches {
        let Some(advisory) = advisories.get(m.advisory as usize) else {
            continue;
        };
        let r = report(&inventory, advisory, m);
        for asset in &r.assets {
            let n = (asset.as_uuid().as_u128() as usize).saturating_sub(1);
            let Some((s, c)) = origin.get(n) else {
                continue;
            };
            findings.push(ScanFinding {
                advisory: r.advisory.clone(),
                aliases: r.aliases.clone(),
                summary: advisory.summary.clone(),
                purl: r.purl.clone(),
                cpe: r.cpe.clone(),
                ecosystem: r.ecosystem.clone(),
                package: r.package.clone(),
                version: r.version.clone(),
                fixed: r.fixed.clone(),
                verdict: r.verdict.clone(),
                sbom: sboms.get(*s).map_or_else(String::new, |(label, _)| label.clone()),
                component: component_label(c),
            });
        }
    }
    findings.sort_by(|a, b| {
        (&a.sbom, &a.component, &a.advisory, &a.purl).cmp(&(&b.sbom, &b.component, &b.advisory, &b.purl))
    });
    findings.dedup();
    let problems = inventory
        .problems()
        .iter()
        .map(|p| format!("{}: {}", p.field, p.reason));
    let notes = problems
        .chain(matches.notes.iter().map(
            |MatchNote {
                 advisory,
                 affected,
                 reason,
             }| {
                let id = advisories.get(*advisory as usize).map_or("?", |a| a.id.as_str());
                format!("{id} affected[{affected}]: {reason}")
            },
        ))
        .collect();
    ScanResult {
        findings,
        notes,
        unidentified,
        components: origin.len(),
    }
}
