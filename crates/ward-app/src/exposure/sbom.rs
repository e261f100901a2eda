//! SBOM upload: a CycloneDX (JSON or XML) or SPDX 2.3 JSON document becomes the installed-software
//! list of one asset. Components from an earlier SBOM of the asset are replaced; software entered
//! by hand, imported or sent through the API stays. Components that cannot identify software are
//! reported (file, path, reason) and left out; the rest are stored in one audited change.

use serde::Serialize;
use ward_core::AssetId;
use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::vuln::{Component, Sbom};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::heavy::feed_error;

/// The most components one asset's SBOM may carry.
pub const MAX_COMPONENTS: usize = 50_000;

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SbomUploadSummary {
    pub file: String,
    /// `CycloneDX` or `SPDX`.
    pub format: String,
    /// Components in the document.
    pub components: u64,
    /// Software records stored for the asset from this SBOM (distinct).
    pub stored: u64,
    /// Components left out, each with its reason.
    pub skipped: Vec<FieldProblem>,
    /// Software from an earlier SBOM that this one replaced.
    pub replaced: u64,
}

/// The software a component describes, or why it cannot be stored.
fn software_of(c: &Component) -> Result<InstalledSoftware, String> {
    let version = c
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .or_else(|| {
            c.purl
                .as_deref()
                .and_then(|p| p.rsplit_once('@'))
                .map(|(_, v)| v.split(['?', '#']).next().unwrap_or(v))
        })
        .ok_or("no version")?;
    let name = match &c.group {
        Some(g) if !g.trim().is_empty() => format!("{}:{}", g.trim(), c.name.trim()),
        _ => c.name.trim().to_owned(),
    };
    let s = InstalledSoftware {
        name,
        vendor: c.supplier.clone().filter(|s| !s.trim().is_empty()),
        version: version.to_owned(),
        purl: c.purl.clone().filter(|p| !p.trim().is_empty()),
        cpe: c.cpe.clone().filter(|p| !p.trim().is_empty()),
        source: SoftwareSource::Sbom,
    };
    s.validate().map_err(|e| format!("{}: {}", e.field, e.message))?;
    Ok(s)
}

/// The software list of an SBOM: one record per distinct identity, with the problems.
pub fn software_from_sbom(file: &str, sbom: &Sbom) -> (Vec<InstalledSoftware>, Vec<FieldProblem>) {
    let mut out: Vec<InstalledSoftware> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut problems = Vec::new();
    for (i, c) in sbom.components.iter().enumerate() {
        match software_of(c) {
            Ok(s) => {
                let key = (s.name.clone(), s.version.clone(), s.purl.clone(), s.cpe.clone());
                if seen.insert(key) {
                    out.push(s);
                }
            }
            Err(reason) => problems.push(FieldProblem {
                path: format!(
                    "{file}: component {} ({})",
                    i + 1,
                    c.bom_ref.as_deref().unwrap_or(&c.name)
                ),
                message: reason,
            }),
        }
    }
    (out, problems)
}

impl App {
    /// Replaces the SBOM-sourced software of `asset` with the components of the uploaded document.
    ///
    /// Order matters: the asset is looked up under read access (so an asset outside the footprint
    /// is "not found" for everyone), then WRITE access to it is checked, then a heavy-request permit
    /// is taken, and only then are the bytes parsed: a read-only user's upload is never parsed. The
    /// parse reads SBOM formats only ([`ward_feeds::parse_sbom`]), off the async workers, within the
    /// expansion limits and deadline of [`App::parse_limits`].
    pub async fn upload_sbom<B>(
        &self,
        actor: &Actor,
        asset: AssetId,
        file: &str,
        bytes: B,
    ) -> AppResult<SbomUploadSummary>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let mut current = self.asset(actor, asset).await?;
        authorise_on(
            self.store(),
            actor,
            Action::WriteInventory,
            current.org,
            self.now(),
        )
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("asset".into()),
            other => other,
        })?;
        let permit = self.heavy_permit()?;
        let name = file.to_owned();
        let doc = self
            .parse_off_workers(&permit, file, move |limits| {
                ward_feeds::parse_sbom(&name, bytes.as_ref(), limits).map_err(feed_error)
            })
            .await?;
        if doc.value.components.len() > MAX_COMPONENTS {
            return Err(AppError::invalid(
                file,
                format!(
                    "{} components; one asset's SBOM may carry at most {MAX_COMPONENTS}",
                    doc.value.components.len()
                ),
            ));
        }
        let (software, mut skipped) = software_from_sbom(file, &doc.value);
        skipped.extend(
            doc.problems
                .iter()
                .filter(|p| p.action == ward_feeds::Action::Skipped)
                .map(|p| FieldProblem {
                    path: format!("{}: {}", p.file, p.path),
                    message: p.reason.clone(),
                }),
        );
        let before = current.software.len();
        current.software.retain(|s| s.source != SoftwareSource::Sbom);
        let replaced = (before - current.software.len()) as u64;
        let stored = software.len() as u64;
        current.software.extend(software);
        self.update_asset(actor, &current).await?;
        drop(permit);
        Ok(SbomUploadSummary {
            file: file.to_owned(),
            format: match &doc.value.format {
                ward_core::vuln::SbomFormat::CycloneDx { spec_version } => {
                    format!("CycloneDX {spec_version}")
                }
                ward_core::vuln::SbomFormat::Spdx { version } => version.clone(),
            },
            components: doc.value.components.len() as u64,
            stored,
            skipped,
            replaced,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn component(name: &str, version: Option<&str>, purl: Option<&str>) -> Component {
        Component {
            name: name.into(),
            version: version.map(str::to_owned),
            purl: purl.map(str::to_owned),
            ..Component::default()
        }
    }

    #[test]
    fn components_become_software_and_the_rest_is_reported() {
        let sbom = Sbom {
            components: vec![
                component("lodash", Some("4.17.20"), Some("pkg:npm/lodash@4.17.20")),
                component("lodash", Some("4.17.20"), Some("pkg:npm/lodash@4.17.20")),
                component("left-pad", None, Some("pkg:npm/left-pad@1.3.0")),
                component("mystery", None, None),
                component("bad-purl", Some("1"), Some("npm/bad")),
            ],
            format: ward_core::vuln::SbomFormat::CycloneDx {
                spec_version: "1.5".into(),
            },
            name: None,
            serial_number: None,
            subject: None,
            dependencies: Vec::new(),
            vex: Vec::new(),
        };
        let (software, problems) = software_from_sbom("app.cdx.json", &sbom);
        let names: Vec<(&str, &str)> = software
            .iter()
            .map(|s| (s.name.as_str(), s.version.as_str()))
            .collect();
        assert_eq!(names, vec![("lodash", "4.17.20"), ("left-pad", "1.3.0")]);
        assert!(software.iter().all(|s| s.source == SoftwareSource::Sbom));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].path.contains("component 4") && problems[0].message == "no version");
        assert!(problems[1].path.contains("component 5") && problems[1].message.contains("purl"));
    }
}
