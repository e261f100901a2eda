//! VEX: statements by a supplier (or an organisation) about whether a product is affected by a
//! vulnerability, from CSAF 2.0 (VEX profile), CycloneDX `vulnerabilities[].analysis` or Ward's own forms.

use serde::{Deserialize, Serialize};

/// One statement: `product` has `status` for `vulnerability`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexStatement {
    /// The vulnerability id (`CVE-2021-44228`, a GHSA id, ...).
    pub vulnerability: String,
    /// Other ids of the same vulnerability given alongside (CSAF `ids`, CycloneDX `references`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The product the statement is about.
    pub product: ProductRef,
    /// The status.
    pub status: VexStatus,
    /// The status exactly as the source writes it (`known_not_affected`, `first_fixed`, `exploitable`,
    /// `false_positive`, ...), for provenance.
    pub source_status: String,
    /// Why the product is not affected, for `not_affected`.
    #[serde(default)]
    pub justification: Option<Justification>,
    /// Free text: the impact statement, threat details or analysis detail.
    #[serde(default)]
    pub detail: Option<String>,
    /// What to do: CSAF remediations for the product, CycloneDX `analysis.response`, in order.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Who says so: the document's publisher, tracking id or file, as the parser knows it.
    pub source: String,
}

/// A product a VEX statement is about, with every identifier the source gives or that could be
/// resolved from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductRef {
    /// The document-local id (CSAF `product_id`, CycloneDX `bom-ref` or `affects[].ref`).
    #[serde(default)]
    pub id: Option<String>,
    /// A human-readable name (CSAF `full_product_name.name`), when known.
    #[serde(default)]
    pub name: Option<String>,
    /// The package URL, given or resolved (CSAF `product_identification_helper.purl`).
    #[serde(default)]
    pub purl: Option<String>,
    /// The CPE, given or resolved (CSAF `product_identification_helper.cpe`).
    #[serde(default)]
    pub cpe: Option<String>,
    /// The version, when the source states it separately (CycloneDX `affects[].versions[].version`).
    #[serde(default)]
    pub version: Option<String>,
    /// A version range in purl `vers:` syntax, when the statement covers a range of versions rather
    /// than one (CycloneDX `affects[].versions[].range`: `vers:generic/>=2.9|<=4.1`).
    #[serde(default)]
    pub version_range: Option<String>,
    /// For a CSAF relationship product ("component X as a component of / installed on platform Y"):
    /// the platform, with its own identifiers; the fields above then describe the component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Box<ProductRef>>,
}

/// The status of a product with respect to a vulnerability (the four VEX statuses).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VexStatus {
    /// The product is not affected.
    NotAffected,
    /// The product is affected; action is needed.
    Affected,
    /// The product contains a fix.
    Fixed,
    /// Whether the product is affected is not yet known.
    UnderInvestigation,
}

impl VexStatus {
    /// The status's name as written in CSAF/OpenVEX (`not_affected`, ...).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotAffected => "Not affected",
            Self::Affected => "Affected",
            Self::Fixed => "Fixed",
            Self::UnderInvestigation => "Under investigation",
        }
    }
}

/// Why a product is not affected. The first five are the CSAF VEX profile's flag labels (which OpenVEX
/// shares); the rest are CycloneDX `analysis.justification` values. Names differ between the standards
/// even where meanings overlap, so each keeps its own variant.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::AsRefStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Justification {
    /// CSAF/OpenVEX: the vulnerable component is not in the product.
    ComponentNotPresent,
    /// CSAF/OpenVEX: the component is present but the vulnerable code is not.
    VulnerableCodeNotPresent,
    /// CSAF/OpenVEX: the vulnerable code cannot be controlled by an attacker.
    VulnerableCodeCannotBeControlledByAdversary,
    /// CSAF/OpenVEX: the vulnerable code is never executed.
    VulnerableCodeNotInExecutePath,
    /// CSAF/OpenVEX: built-in mitigations stop exploitation.
    InlineMitigationsAlreadyExist,
    /// CycloneDX: the code was removed or tree-shaken.
    CodeNotPresent,
    /// CycloneDX: the vulnerable code is not reachable at runtime.
    CodeNotReachable,
    /// CycloneDX: exploitation needs a configuration option that is not set.
    RequiresConfiguration,
    /// CycloneDX: exploitation needs a dependency that is not present.
    RequiresDependency,
    /// CycloneDX: exploitation needs an environment that is not present.
    RequiresEnvironment,
    /// CycloneDX: compiler-level protections stop exploitation.
    ProtectedByCompiler,
    /// CycloneDX: runtime protections stop exploitation.
    ProtectedAtRuntime,
    /// CycloneDX: perimeter protections stop exploitation.
    ProtectedAtPerimeter,
    /// CycloneDX: mitigating controls stop exploitation.
    ProtectedByMitigatingControl,
    /// A value none of the standards define, kept as written.
    #[serde(untagged)]
    #[strum(default, transparent)]
    Other(String),
}

impl Justification {
    /// The label as the standards write it (`vulnerable_code_not_present`).
    pub fn as_str(&self) -> &str {
        self.as_ref()
    }

    /// How people read it, in plain words; a value no standard defines is shown as written.
    pub fn label(&self) -> &str {
        match self {
            Self::ComponentNotPresent => "The vulnerable component is not present",
            Self::VulnerableCodeNotPresent | Self::CodeNotPresent => "The vulnerable code is not present",
            Self::VulnerableCodeNotInExecutePath | Self::CodeNotReachable => {
                "The vulnerable code is never run"
            }
            Self::VulnerableCodeCannotBeControlledByAdversary => {
                "An attacker cannot reach or control the vulnerable code"
            }
            Self::InlineMitigationsAlreadyExist => "Mitigations already in place stop it",
            Self::RequiresConfiguration => "It needs a configuration that is not used",
            Self::RequiresDependency => "It needs a component that is not present",
            Self::RequiresEnvironment => "It needs an environment that is not used",
            Self::ProtectedByCompiler => "Protections built in by the compiler stop it",
            Self::ProtectedAtRuntime => "Protections at run time stop it",
            Self::ProtectedAtPerimeter => "Protections at the network's edge stop it",
            Self::ProtectedByMitigatingControl => "Other controls in place stop it",
            Self::Other(s) => s,
        }
    }

    /// The justification with this label; unknown labels become [`Justification::Other`].
    pub fn from_label(label: &str) -> Self {
        Self::from(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn justification_labels_round_trip() {
        crate::text::check_serde_agrees::<Justification>().unwrap();
        crate::text::check_serde_agrees::<VexStatus>().unwrap();
        let named: Vec<Justification> = Justification::iter()
            .filter(|j| !matches!(j, Justification::Other(_)))
            .collect();
        assert_eq!(named.len(), 14);
        for j in named {
            assert_eq!(Justification::from_label(j.as_str()), j);
            let json = serde_json::to_string(&j).unwrap();
            assert_eq!(json, format!("\"{}\"", j.as_str()));
            assert_eq!(serde_json::from_str::<Justification>(&json).unwrap(), j);
        }
        assert_eq!(
            Justification::from_label("because"),
            Justification::Other("because".into())
        );
        assert_eq!(Justification::Other("because".into()).as_str(), "because");
        assert_eq!(Justification::Other("because".into()).to_string(), "because");
        assert_eq!(
            Justification::VulnerableCodeCannotBeControlledByAdversary.as_str(),
            "vulnerable_code_cannot_be_controlled_by_adversary"
        );
        for s in [VexStatus::NotAffected, VexStatus::UnderInvestigation] {
            assert_eq!(s.as_str().parse::<VexStatus>().unwrap(), s);
        }
        assert_eq!(VexStatus::NotAffected.as_str(), "not_affected");
        assert_eq!(
            serde_json::from_str::<Justification>("\"because\"").unwrap(),
            Justification::Other("because".into())
        );
    }
}
