//! Software bills of materials: the components a product is made of, how they depend on each other, and
//! any VEX statements the SBOM carries.

use serde::{Deserialize, Serialize};

use super::vex::VexStatement;

/// One SBOM document, CycloneDX or SPDX, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    /// The format and its version.
    pub format: SbomFormat,
    /// The document's name (SPDX `name`; CycloneDX `metadata.component.name`), when present.
    #[serde(default)]
    pub name: Option<String>,
    /// The document's identity (CycloneDX `serialNumber`, SPDX `documentNamespace`), when present.
    #[serde(default)]
    pub serial_number: Option<String>,
    /// What the SBOM describes (CycloneDX `metadata.component`; the SPDX package the document
    /// `DESCRIBES`). Not repeated in `components`.
    #[serde(default)]
    pub subject: Option<Component>,
    /// Every component, nested ones flattened after their parent, in document order (depth first).
    #[serde(default)]
    pub components: Vec<Component>,
    /// The dependency graph by reference (CycloneDX `dependencies`, SPDX `DEPENDS_ON` relationships).
    #[serde(default)]
    pub dependencies: Vec<DependencyEdge>,
    /// VEX statements the document carries (CycloneDX `vulnerabilities[].analysis`).
    #[serde(default)]
    pub vex: Vec<VexStatement>,
}

impl Sbom {
    /// The component with this `bom_ref` (the subject included).
    pub fn component(&self, bom_ref: &str) -> Option<&Component> {
        self.subject
            .iter()
            .chain(self.components.iter())
            .find(|c| c.bom_ref.as_deref() == Some(bom_ref))
    }
}

/// The format of an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SbomFormat {
    /// CycloneDX; `spec_version` as the document states it (`1.4`).
    CycloneDx {
        /// The `specVersion` (JSON) or the namespace version (XML).
        spec_version: String,
    },
    /// SPDX; `version` as the document states it (`SPDX-2.3`).
    Spdx {
        /// The `spdxVersion`.
        version: String,
    },
}

/// One software component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// The document-local reference (CycloneDX `bom-ref`, SPDX `SPDXID`).
    #[serde(default)]
    pub bom_ref: Option<String>,
    /// The component's kind (CycloneDX `type`: `library`, `application`, `framework`, `operating-system`,
    /// `device`, `firmware`, ...; SPDX `primaryPackagePurpose` in lower case), when given.
    #[serde(default)]
    pub kind: Option<String>,
    /// The name, without group or namespace.
    pub name: String,
    /// The version as written.
    #[serde(default)]
    pub version: Option<String>,
    /// The group or namespace (CycloneDX `group`: a Maven groupId, an npm scope).
    #[serde(default)]
    pub group: Option<String>,
    /// The package URL as written (not normalised).
    #[serde(default)]
    pub purl: Option<String>,
    /// The CPE (2.2 URI or 2.3 formatted string) as written.
    #[serde(default)]
    pub cpe: Option<String>,
    /// The supplier or publisher's name, when given.
    #[serde(default)]
    pub supplier: Option<String>,
    /// CycloneDX `scope` (`required`, `optional`, `excluded`), when given.
    #[serde(default)]
    pub scope: Option<String>,
    /// The index in [`Sbom::components`] of the component this one is nested in (CycloneDX nested
    /// `components`, SPDX `CONTAINS`); `None` for top-level components.
    #[serde(default)]
    pub parent: Option<usize>,
}

/// One node of the dependency graph: `from` depends directly on each of `to`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DependencyEdge {
    /// The reference of the depending component (CycloneDX `ref`, SPDX element id).
    pub from: String,
    /// The references it depends on (CycloneDX `dependsOn`).
    #[serde(default)]
    pub to: Vec<String>,
}
