//! VEX layered over matches: statements change the *effective* status of a match for some or all
//! of its assets, and the raw match is always kept alongside.
//!
//! A statement applies to a match when:
//! - its vulnerability id or one of its aliases equals the advisory's id or one of its aliases
//!   (ignoring case);
//! - its product names the matched software: a purl with the same type, namespace and name after
//!   normalisation (and, when the purl, the product's `version` or its `version_range` state a
//!   version, the installed version must be that version or inside that `vers:` range), or a CPE
//!   with the same part, vendor and product (and the same version when it names one);
//! - its scope includes the asset: an asset scope names that asset, an organisation scope that
//!   asset's organisation, no scope every asset;
//! - when the product is a CSAF relationship (component on a platform), the asset also carries
//!   software that the platform reference names.
//!
//! For each asset the most specific applicable statement wins (asset scope, then organisation, then
//! none); among equally specific ones the later in the input wins, so callers pass statements
//! oldest first. Assets with no applicable statement keep the match's own verdict.

use serde::{Deserialize, Serialize};
use ward_core::vuln::{Advisory, ProductRef, VexStatement, VexStatus};
use ward_core::{AssetId, OrgId};
use ward_versions::{Ecosystem, vers_contains};

use crate::cpe::Cpe;
use crate::inventory::{AssetIdx, EcoKey, Inventory};
use crate::matcher::{Match, MatchedBy, Matches, Verdict};
use crate::purl::{Purl, normalise_package_name};

/// Who made a statement. Serialised as `csaf`, `cyclone_dx`, `supplier` or `organisation`.
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
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VexOrigin {
    /// A CSAF VEX document.
    Csaf,
    /// A CycloneDX VEX or SBOM document.
    CycloneDx,
    /// A supplier, entered in Ward.
    Supplier,
    /// An organisation about its own assets, entered in Ward.
    Organisation,
}

/// Which assets a statement covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexScope {
    /// Only assets of this organisation.
    #[serde(default)]
    pub org: Option<OrgId>,
    /// Only this asset.
    #[serde(default)]
    pub asset: Option<AssetId>,
}

/// A statement with its scope and origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopedStatement {
    /// The statement (its `source` names the document or person).
    pub statement: VexStatement,
    /// The assets it covers.
    #[serde(default)]
    pub scope: VexScope,
    /// Who made it.
    pub origin: VexOrigin,
}

/// The status an asset ends up with for one match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Effective {
    /// No statement applies: the match's own verdict.
    Matched {
        /// The verdict.
        verdict: Verdict,
    },
    /// A statement applies.
    Stated {
        /// The stated status.
        status: VexStatus,
        /// Index of the statement in the slice given to [`layer_vex`].
        statement: u32,
    },
}

impl Effective {
    /// Whether action is still needed: affected (by match or statement) or under investigation.
    pub fn needs_action(&self) -> bool {
        match self {
            Self::Matched { verdict } => *verdict == Verdict::Affected,
            Self::Stated { status, .. } => {
                matches!(status, VexStatus::Affected | VexStatus::UnderInvestigation)
            }
        }
    }
}

/// A set of assets of one match that share an effective status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusGroup {
    /// The effective status.
    pub effective: Effective,
    /// The assets, sorted.
    pub assets: Vec<AssetIdx>,
}

/// One match with its effective statuses; the raw match stays in [`Matches`] at `match_index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayeredMatch {
    /// Index into [`Matches::matches`].
    pub match_index: usize,
    /// The raw verdict of the match.
    pub raw: Verdict,
    /// The assets grouped by effective status, in order of first appearance.
    pub groups: Vec<StatusGroup>,
}

/// Layers `statements` over `matches` (of `advisories`); see the module docs for the rules.
/// Returns one entry per match, in the order of `matches`.
pub fn layer_vex(
    inventory: &Inventory,
    advisories: &[Advisory],
    matches: &Matches,
    statements: &[ScopedStatement],
) -> Vec<LayeredMatch> {
    let mut out = Vec::with_capacity(matches.matches.len());
    for (i, m) in matches.matches.iter().enumerate() {
        let assets = m.assets(inventory);
        let raw = Effective::Matched {
            verdict: m.verdict.clone(),
        };
        let applicable: Vec<(u32, &ScopedStatement, Option<Vec<AssetIdx>>)> =
            match advisories.get(m.advisory as usize) {
                Some(advisory) => statements
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| names_vulnerability(&s.statement, advisory))
                    .filter(|(_, s)| names_software(inventory, m, &s.statement.product))
                    .map(|(n, s)| {
                        let platform = s
                            .statement
                            .product
                            .platform
                            .as_deref()
                            .map(|p| assets_named_by(inventory, p));
                        (u32::try_from(n).unwrap_or(u32::MAX), s, platform)
                    })
                    .collect(),
                None => Vec::new(),
            };
        let mut groups: Vec<StatusGroup> = Vec::new();
        if applicable.is_empty() {
            groups.push(StatusGroup {
                effective: raw,
                assets: assets.to_vec(),
            });
        } else {
            for &asset in assets {
                let asset_id = inventory.asset_id(asset);
                let org = inventory.org_of(asset);
                let best = applicable
                    .iter()
                    .filter(|(_, s, platform)| {
                        s.scope.asset.is_none_or(|a| Some(a) == asset_id)
                            && s.scope.org.is_none_or(|o| Some(o) == org)
                            && platform.as_ref().is_none_or(|p| p.binary_search(&asset).is_ok())
                    })
                    .max_by_key(|(n, s, _)| (specificity(&s.scope), *n));
                let effective = best.map_or_else(
                    || raw.clone(),
                    |(n, s, _)| Effective::Stated {
                        status: s.statement.status,
                        statement: *n,
                    },
                );
                match groups.iter_mut().find(|g| g.effective == effective) {
                    Some(g) => g.assets.push(asset),
                    None => groups.push(StatusGroup {
                        effective,
                        assets: vec![asset],
                    }),
                }
            }
        }
        out.push(LayeredMatch {
            match_index: i,
            raw: m.verdict.clone(),
            groups,
        });
    }
    out
}

fn specificity(scope: &VexScope) -> u8 {
    match (scope.asset, scope.org) {
        (Some(_), _) => 2,
        (None, Some(_)) => 1,
        (None, None) => 0,
    }
}

fn names_vulnerability(statement: &VexStatement, advisory: &Advisory) -> bool {
    let stated = std::iter::once(&statement.vulnerability).chain(&statement.aliases);
    stated
        .into_iter()
        .any(|s| advisory.all_ids().any(|id| id.eq_ignore_ascii_case(s.trim())))
}

/// Whether `product` names the software of match `m`.
fn names_software(inventory: &Inventory, m: &Match, product: &ProductRef) -> bool {
    match m.by {
        MatchedBy::Purl(v) => {
            let Some(record) = inventory.versions().get(v as usize) else {
                return false;
            };
            let Some(stated) = product.purl.as_deref().and_then(|p| Purl::parse(p).ok()) else {
                return false;
            };
            let stated = stated.normalised();
            let Ok(have) = Purl::parse(inventory.text(record.purl)).map(Purl::normalised) else {
                return false;
            };
            if stated.ty != have.ty || stated.namespace != have.namespace || stated.name != have.name {
                return false;
            }
            let version = inventory.text(record.version);
            let ecosystem = have.ecosystem().unwrap_or(Ecosystem::Generic);
            version_stated(stated.version.as_deref(), product, version, ecosystem)
        }
        MatchedBy::Cpe { cpe, .. } => {
            let Some(software) = inventory.cpes().get(cpe as usize) else {
                return false;
            };
            let Some(stated) = product.cpe.as_deref().and_then(|c| Cpe::parse(c).ok()) else {
                return false;
            };
            if stated.part != software.part || stated.vendor_product().is_none() {
                return false;
            }
            if stated.vendor_product() != software.vendor_product() {
                return false;
            }
            let version = software.version_text().unwrap_or_default();
            version_stated(stated.version_text(), product, version, Ecosystem::Generic)
        }
    }
}

/// Whether the versions a statement names (in its identifier, `version` or `version_range`)
/// include `installed`; no stated version means every version.
fn version_stated(
    in_identifier: Option<&str>,
    product: &ProductRef,
    installed: &str,
    eco: Ecosystem,
) -> bool {
    let same = |stated: &str| {
        stated == installed
            || ward_versions::compare(eco, stated, installed).is_ok_and(|o| o == std::cmp::Ordering::Equal)
    };
    if let Some(v) = in_identifier
        && !same(v)
    {
        return false;
    }
    if let Some(v) = product.version.as_deref()
        && !same(v)
    {
        return false;
    }
    if let Some(range) = product.version_range.as_deref()
        && !vers_contains(range, installed).unwrap_or(false)
    {
        return false;
    }
    true
}

/// The sorted assets carrying software that `product` names (by purl package or CPE vendor and
/// product, and version when stated).
fn assets_named_by(inventory: &Inventory, product: &ProductRef) -> Vec<AssetIdx> {
    let mut assets = Vec::new();
    if let Some(purl) = product.purl.as_deref().and_then(|p| Purl::parse(p).ok()) {
        let purl = purl.normalised();
        let (eco, name) = match purl.ecosystem() {
            Some(e) => (
                Some(EcoKey::Known(e)),
                normalise_package_name(e, &purl.package_name()),
            ),
            None => (
                inventory
                    .sym(&crate::inventory::other_ecosystem_name(&purl.ty))
                    .map(EcoKey::Other),
                purl.package_name(),
            ),
        };
        if let Some(pkg) = eco.and_then(|e| inventory.package(e, &name)) {
            let ecosystem = purl.ecosystem().unwrap_or(Ecosystem::Generic);
            for &v in inventory.versions_of(pkg) {
                let Some(record) = inventory.versions().get(v as usize) else {
                    continue;
                };
                if version_stated(
                    purl.version.as_deref(),
                    product,
                    inventory.text(record.version),
                    ecosystem,
                ) {
                    assets.extend_from_slice(inventory.assets_of_version(v));
                }
            }
        }
    }
    if let Some(cpe) = product.cpe.as_deref().and_then(|c| Cpe::parse(c).ok())
        && let Some((vendor, name)) = cpe.vendor_product()
    {
        for &c in inventory.cpes_for(vendor, name) {
            let Some(software) = inventory.cpes().get(c as usize) else {
                continue;
            };
            let version = software.version_text().unwrap_or_default();
            if software.part == cpe.part
                && version_stated(cpe.version_text(), product, version, Ecosystem::Generic)
            {
                assets.extend_from_slice(inventory.assets_of_cpe(c));
            }
        }
    }
    assets.sort_unstable();
    assets.dedup();
    assets
}
