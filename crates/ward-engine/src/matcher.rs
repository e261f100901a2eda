//! Matching advisories against the [`Inventory`]: a lookup by package (or by CPE vendor and
//! product), then one evaluation per distinct version present in the sector, never a scan of
//! assets.
//!
//! - Package entries (`affected[].package`) follow OSV semantics exactly, through
//!   [`ward_versions::osv_affects`]. The advisory's package name is normalised with the purl rules
//!   ([`crate::purl::normalise_package_name`]). An OSV ecosystem with a release suffix (`Debian:12`)
//!   applies to components whose purl `distro` qualifier names that release (`debian-12`,
//!   `bookworm`), and to components without a `distro` qualifier.
//! - CPE entries (`affected[].cpes`) follow [`crate::cpe`]'s matching rule. When an entry also has
//!   platform criteria (`vulnerable: false`), only assets that carry a matching platform count.
//! - Nothing is silently dropped: a version that cannot be parsed, a range that cannot be evaluated,
//!   or an ecosystem Ward cannot order gives a [`Verdict::CannotEvaluate`] match with the reason; an
//!   affected entry that cannot be used at all (an ambiguous CPE criterion, a vendor and product
//!   named only in words) gives a [`MatchNote`].
//! - Withdrawn advisories match nothing.

use rayon::prelude::*;
use serde::Serialize;
use ward_core::vuln::{Advisory, Affected, Event, Range, RangeKind};
use ward_core::{AssetId, OrgId};
use ward_versions::{Ecosystem, OsvAffected, OsvEvent, OsvRange, osv_affects};

use crate::cpe::{CpeVerdict, Criterion};
use crate::inventory::{AssetIdx, EcoKey, Inventory};
use crate::purl::normalise_package_name;

/// The outcome for one distinct piece of software.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "verdict", content = "reason", rename_all = "snake_case")]
pub enum Verdict {
    /// The software's version is affected.
    Affected,
    /// Whether it is affected cannot be decided; the reason says why.
    CannotEvaluate(String),
}

/// What the advisory matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    /// A package version (index into [`Inventory::versions`]), through its purl.
    Purl(u32),
    /// A CPE (index into [`Inventory::cpes`]) through criterion `criterion` of the entry's `cpes`.
    Cpe {
        /// Index into [`Inventory::cpes`].
        cpe: u32,
        /// Index into the affected entry's `cpes`.
        criterion: u32,
    },
}

/// One advisory entry matched to one distinct piece of software, and so to every asset carrying it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    /// Index of the advisory in the slice given to [`match_all`] (0 for [`match_advisory`]).
    pub advisory: u32,
    /// Index into the advisory's `affected`.
    pub affected: u32,
    /// What matched.
    pub by: MatchedBy,
    /// Affected, or cannot be evaluated.
    pub verdict: Verdict,
    /// When a platform condition narrows the assets: the sorted assets that meet it. `None`: every
    /// asset carrying the software.
    pub only_assets: Option<Vec<AssetIdx>>,
}

impl Match {
    /// The assets exposed through this match (shared with the index, not copied).
    pub fn assets<'a>(&'a self, inventory: &'a Inventory) -> &'a [AssetIdx] {
        if let Some(only) = &self.only_assets {
            return only;
        }
        match self.by {
            MatchedBy::Purl(v) => inventory.assets_of_version(v),
            MatchedBy::Cpe { cpe, .. } => inventory.assets_of_cpe(cpe),
        }
    }
}

/// An affected entry that could not be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MatchNote {
    /// Index of the advisory.
    pub advisory: u32,
    /// Index into its `affected`.
    pub affected: u32,
    /// Why.
    pub reason: String,
}

/// Every match of a set of advisories, sorted by advisory, entry, then software.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    /// The matches.
    pub matches: Vec<Match>,
    /// Entries that could not be used.
    pub notes: Vec<MatchNote>,
}

impl Matches {
    /// The matches of advisory `index` (a binary search: the list is sorted by advisory).
    pub fn of_advisory(&self, index: u32) -> &[Match] {
        let start = self.matches.partition_point(|m| m.advisory < index);
        let end = self.matches.partition_point(|m| m.advisory <= index);
        &self.matches[start..end]
    }
}

/// Matches one advisory against the inventory.
pub fn match_advisory(inventory: &Inventory, advisory: &Advisory) -> Matches {
    match_one(inventory, advisory, 0)
}

/// Matches every advisory (in parallel); the output is sorted and does not depend on thread timing.
pub fn match_all(inventory: &Inventory, advisories: &[Advisory]) -> Matches {
    let parts: Vec<Matches> = advisories
        .par_iter()
        .enumerate()
        .map(|(i, a)| match_one(inventory, a, u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    let mut all = Matches {
        matches: Vec::with_capacity(parts.iter().map(|p| p.matches.len()).sum()),
        notes: Vec::new(),
    };
    for part in parts {
        all.matches.extend(part.matches);
        all.notes.extend(part.notes);
    }
    all
}

fn match_one(inventory: &Inventory, advisory: &Advisory, index: u32) -> Matches {
    let mut out = Matches::default();
    if advisory.withdrawn.is_some() {
        return out;
    }
    for (e, entry) in advisory.affected.iter().enumerate() {
        let e = u32::try_from(e).unwrap_or(u32::MAX);
        let before = out.matches.len();
        if entry.package.is_some() {
            match_package(inventory, entry, index, e, &mut out);
        }
        if !entry.cpes.is_empty() {
            match_cpes(inventory, entry, index, e, &mut out);
        }
        if entry.package.is_none() && entry.cpes.is_empty() && entry.vendor_product.is_some() {
            out.notes.push(MatchNote {
                advisory: index,
                affected: e,
                reason: "names a vendor and product only in words; not matched (no purl or CPE)".into(),
            });
        }
        out.matches[before..].sort();
    }
    out
}

/// Converts core ranges to the `ward-versions` form.
pub fn osv_form(entry: &Affected) -> OsvAffected {
    OsvAffected {
        ranges: entry.ranges.iter().map(osv_range).collect(),
        versions: entry.versions.clone(),
    }
}

fn osv_range(range: &Range) -> OsvRange {
    OsvRange {
        kind: match range.kind {
            RangeKind::Semver => ward_versions::RangeKind::Semver,
            RangeKind::Ecosystem => ward_versions::RangeKind::Ecosystem,
            RangeKind::Git => ward_versions::RangeKind::Git,
        },
        repo: range.repo.clone(),
        events: range
            .events
            .iter()
            .map(|e| match e {
                Event::Introduced(v) => OsvEvent::Introduced(v.clone()),
                Event::Fixed(v) => OsvEvent::Fixed(v.clone()),
                Event::LastAffected(v) => OsvEvent::LastAffected(v.clone()),
                Event::Limit(v) => OsvEvent::Limit(v.clone()),
            })
            .collect(),
    }
}

fn match_package(inventory: &Inventory, entry: &Affected, index: u32, e: u32, out: &mut Matches) {
    let Some(package) = &entry.package else {
        return;
    };
    let Some(eco) = inventory.eco_key(&package.ecosystem) else {
        return;
    };
    let name = match eco {
        EcoKey::Known(known) => normalise_package_name(known, &package.name),
        EcoKey::Other(_) => package.name.trim().to_owned(),
    };
    let Some(pkg) = inventory.package(eco, &name) else {
        return;
    };
    let release = package.ecosystem.split_once(':').map(|(_, r)| r);
    let osv = osv_form(entry);
    for &v in inventory.versions_of(pkg) {
        let Some(record) = inventory.versions().get(v as usize) else {
            continue;
        };
        if let (Some(wanted), Some(have)) = (release, record.release)
            && !same_release(wanted, inventory.text(have))
        {
            continue;
        }
        let version = inventory.text(record.version);
        let verdict = match eco {
            EcoKey::Known(known) => match osv_affects(known, &osv, version) {
                Ok(true) => Some(Verdict::Affected),
                Ok(false) => None,
                Err(err) => Some(Verdict::CannotEvaluate(err.to_string())),
            },
            EcoKey::Other(_) => unknown_ecosystem(&package.ecosystem, &osv, version),
        };
        if let Some(verdict) = verdict {
            out.matches.push(Match {
                advisory: index,
                affected: e,
                by: MatchedBy::Purl(v),
                verdict,
                only_assets: None,
            });
        }
    }
}

/// An ecosystem without ordering: only an identical string in `versions` decides; any ordered
/// range makes it "cannot evaluate".
fn unknown_ecosystem(ecosystem: &str, osv: &OsvAffected, version: &str) -> Option<Verdict> {
    if osv.versions.iter().any(|v| v == version) {
        return Some(Verdict::Affected);
    }
    let ordered = osv.ranges.iter().any(|r| r.kind != ward_versions::RangeKind::Git);
    ordered.then(|| {
        Verdict::CannotEvaluate(format!(
            "Ward has no version ordering for ecosystem {ecosystem:?}; version {version:?} not evaluated"
        ))
    })
}

/// Whether a purl `distro` qualifier names the release of an OSV ecosystem suffix.
pub fn same_release(osv_release: &str, distro: &str) -> bool {
    let osv = osv_release
        .split(':')
        .next()
        .unwrap_or(osv_release)
        .trim()
        .to_lowercase();
    let osv = osv.trim_start_matches('v');
    let distro = distro.trim().to_lowercase();
    let bare = distro.rsplit_once('-').map_or(distro.as_str(), |(_, r)| r);
    let bare = bare.trim_start_matches('v');
    let codename = match bare {
        "trixie" => "13",
        "bookworm" => "12",
        "bullseye" => "11",
        "buster" => "10",
        "stretch" => "9",
        "noble" => "24.04",
        "jammy" => "22.04",
        "focal" => "20.04",
        "bionic" => "18.04",
        other => other,
    };
    codename == osv || codename.starts_with(&format!("{osv}."))
}

fn match_cpes(inventory: &Inventory, entry: &Affected, index: u32, e: u32, out: &mut Matches) {
    let mut platform_assets: Option<Vec<AssetIdx>> = None;
    if entry.cpes.iter().any(|c| !c.vulnerable) {
        let mut assets = Vec::new();
        for m in entry.cpes.iter().filter(|c| !c.vulnerable) {
            let Ok(criterion) = Criterion::from_match(m) else {
                continue;
            };
            for_each_candidate(inventory, &criterion, |cpe, verdict| {
                if verdict == CpeVerdict::Matches {
                    assets.extend_from_slice(inventory.assets_of_cpe(cpe));
                }
            });
        }
        assets.sort_unstable();
        assets.dedup();
        platform_assets = Some(assets);
    }
    let mut found: Vec<(u32, u32, Verdict)> = Vec::new();
    for (c, m) in entry.cpes.iter().enumerate().filter(|(_, m)| m.vulnerable) {
        let c = u32::try_from(c).unwrap_or(u32::MAX);
        let criterion = match Criterion::from_match(m) {
            Ok(criterion) => criterion,
            Err(err) => {
                out.notes.push(MatchNote {
                    advisory: index,
                    affected: e,
                    reason: err.to_string(),
                });
                continue;
            }
        };
        for_each_candidate(inventory, &criterion, |cpe, verdict| {
            let verdict = match verdict {
                CpeVerdict::Matches => Verdict::Affected,
                CpeVerdict::CannotEvaluate(reason) => Verdict::CannotEvaluate(reason),
                CpeVerdict::NoMatch => return,
            };
            found.push((cpe, c, verdict));
        });
    }
    // One match per CPE: an affected verdict wins over "cannot evaluate", then the first criterion.
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)).then(a.1.cmp(&b.1)));
    found.dedup_by_key(|f| f.0);
    for (cpe, criterion, verdict) in found {
        let only_assets = match &platform_assets {
            None => None,
            Some(platform) => {
                let mine = inventory.assets_of_cpe(cpe);
                let both: Vec<AssetIdx> = mine
                    .iter()
                    .copied()
                    .filter(|a| platform.binary_search(a).is_ok())
                    .collect();
                if both.is_empty() {
                    continue;
                }
                Some(both)
            }
        };
        out.matches.push(Match {
            advisory: index,
            affected: e,
            by: MatchedBy::Cpe { cpe, criterion },
            verdict,
            only_assets,
        });
    }
}

fn for_each_candidate(inventory: &Inventory, criterion: &Criterion, mut f: impl FnMut(u32, CpeVerdict)) {
    let Some((vendor, product)) = criterion.cpe.vendor_product() else {
        return;
    };
    for &cpe in inventory.cpes_for(vendor, product) {
        if let Some(software) = inventory.cpes().get(cpe as usize) {
            f(cpe, criterion.check(software));
        }
    }
}

/// Whether `asset`'s exposure through `m` is already counted through a package: `m` matched a CPE
/// that names, on this asset, a package version ([`Inventory::same_as_version`]) which a match of
/// the same vulnerability (`same_vulnerability`: the matches of `m`'s advisory and of advisories
/// sharing an id with it, such as a GHSA record and the NVD record of its CVE) found through its
/// purl. The same software is counted once whichever identifier found it, and the package's match
/// is the one kept.
pub fn counted_through_package<'a>(
    inventory: &Inventory,
    same_vulnerability: impl IntoIterator<Item = &'a Match>,
    m: &Match,
    asset: AssetIdx,
) -> bool {
    let MatchedBy::Cpe { cpe, .. } = m.by else {
        return false;
    };
    let Some(version) = inventory.same_as_version(cpe, asset) else {
        return false;
    };
    same_vulnerability.into_iter().any(|other| {
        other.by == MatchedBy::Purl(version) && other.assets(inventory).binary_search(&asset).is_ok()
    })
}

/// The sorted, distinct organisations exposed by `matches` with verdict [`Verdict::Affected`]
/// (a bitset over dense organisation indices: linear in the number of exposed assets).
pub fn exposed_orgs(inventory: &Inventory, matches: &[Match]) -> Vec<OrgId> {
    let mut seen = vec![0u64; inventory.org_count().div_ceil(64)];
    for m in matches.iter().filter(|m| m.verdict == Verdict::Affected) {
        for a in m.assets(inventory) {
            if let Some(o) = inventory.org_index(*a)
                && let Some(word) = seen.get_mut(o as usize / 64)
            {
                *word |= 1 << (o % 64);
            }
        }
    }
    let mut ids: Vec<OrgId> = Vec::new();
    for (w, word) in seen.iter().enumerate() {
        let mut bits = *word;
        while bits != 0 {
            let b = bits.trailing_zeros();
            bits &= bits - 1;
            if let Some(id) = u32::try_from(w * 64)
                .ok()
                .and_then(|base| inventory.org(base + b))
            {
                ids.push(id);
            }
        }
    }
    ids.sort_unstable();
    ids
}

/// One match spelled out for people and scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchReport {
    /// The advisory id.
    pub advisory: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// The ecosystem (OSV name, release suffix kept) for purl matches; `CPE` for CPE matches.
    pub ecosystem: String,
    /// The package name (purl matches) or `vendor:product` (CPE matches).
    pub package: String,
    /// The purl of the matched software, for purl matches.
    pub purl: Option<String>,
    /// The CPE of the matched software, for CPE matches.
    pub cpe: Option<String>,
    /// The installed version.
    pub version: String,
    /// Fixed versions named by the entry's ranges (or the criterion's exclusive upper bound).
    pub fixed: Vec<String>,
    /// Affected or cannot evaluate, with the reason.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The exposed assets, sorted.
    pub assets: Vec<AssetId>,
}

/// The software side of a match: what matched, at which version, and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SoftwareReport {
    /// The ecosystem (OSV name, release suffix kept) for purl matches; `CPE` for CPE matches.
    pub ecosystem: String,
    /// The package name (purl matches) or `vendor:product` (CPE matches).
    pub package: String,
    /// The purl of the matched software, for purl matches.
    pub purl: Option<String>,
    /// The CPE of the matched software, for CPE matches.
    pub cpe: Option<String>,
    /// The installed version.
    pub version: String,
    /// Fixed versions named by the entry's ranges (or the criterion's exclusive upper bound).
    pub fixed: Vec<String>,
}

/// Spells out the software of `m`, a match of `advisory` (without listing its assets).
pub fn report_software(inventory: &Inventory, advisory: &Advisory, m: &Match) -> SoftwareReport {
    let entry = advisory.affected.get(m.affected as usize);
    match m.by {
        MatchedBy::Purl(v) => {
            let record = inventory.versions().get(v as usize);
            let package = entry.and_then(|e| e.package.as_ref());
            SoftwareReport {
                ecosystem: package.map_or_else(String::new, |p| p.ecosystem.clone()),
                package: package.map_or_else(String::new, |p| p.name.clone()),
                purl: record.map(|r| inventory.text(r.purl).to_owned()),
                cpe: None,
                version: record.map_or_else(String::new, |r| inventory.text(r.version).to_owned()),
                fixed: entry.map_or_else(Vec::new, |e| {
                    e.fixed_versions().into_iter().map(str::to_owned).collect()
                }),
            }
        }
        MatchedBy::Cpe { cpe, criterion } => {
            let software = inventory.cpes().get(cpe as usize);
            let criterion = entry.and_then(|e| e.cpes.get(criterion as usize));
            SoftwareReport {
                ecosystem: "CPE".to_owned(),
                package: software
                    .and_then(|s| s.vendor_product())
                    .map_or_else(String::new, |(v, p)| format!("{v}:{p}")),
                purl: None,
                cpe: software.map(ToString::to_string),
                version: software
                    .and_then(|s| s.version_text())
                    .unwrap_or_default()
                    .to_owned(),
                fixed: criterion
                    .and_then(|c| c.version_end_excluding.clone())
                    .into_iter()
                    .collect(),
            }
        }
    }
}

/// Spells out `m`, a match of `advisory`.
pub fn report(inventory: &Inventory, advisory: &Advisory, m: &Match) -> MatchReport {
    let mut assets: Vec<AssetId> = m
        .assets(inventory)
        .iter()
        .filter_map(|a| inventory.asset_id(*a))
        .collect();
    assets.sort_unstable();
    let s = report_software(inventory, advisory, m);
    MatchReport {
        advisory: advisory.id.clone(),
        aliases: advisory.aliases.clone(),
        ecosystem: s.ecosystem,
        package: s.package,
        purl: s.purl,
        cpe: s.cpe,
        version: s.version,
        fixed: s.fixed,
        verdict: m.verdict.clone(),
        assets,
    }
}

/// Whether `ecosystem` (an OSV string) is one Ward can order.
pub fn is_known_ecosystem(ecosystem: &str) -> bool {
    Ecosystem::split_release(ecosystem).is_ok()
}
