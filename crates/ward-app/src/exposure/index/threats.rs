//! The threat tables: advisories and their matches against the sector's software, VEX
//! statements, KEV and EPSS signals, and unsupported software.

use std::collections::HashMap;

use jiff::civil::Date;
use ward_core::OrgId;
use ward_core::supplier::Product;
use ward_core::vuln::{Advisory, EpssScore, KevEntry};
use ward_engine::eol::SoftwareRef;
use ward_engine::{
    EolCatalog, LayeredMatch, Match, MatchedBy, Matches, Priority, PriorityInput, PriorityWeights,
    ScopedStatement, ServiceImpact, Unsupported, UnsupportedItem, VexOrigin, VexScope,
};
use ward_store::sector::ThreatSnapshot;
use ward_store::vuln::StoredVex;

use super::ids::{AdvisoryIx, AssetIx, MatchIx, OrgIx, StatementIx, UnsupportedIx};
use super::sector::SectorTables;
use super::{SnapshotError, fits};

/// A VEX statement with the scope it has in Ward and the organisation that made it.
#[derive(Debug)]
pub(crate) struct Statement {
    pub(crate) scoped: ScopedStatement,
    /// The organisation that made it, for statements entered in Ward.
    pub(crate) org: Option<OrgIx>,
}

/// What is known about threats, and where it meets the sector.
#[derive(Debug)]
pub(crate) struct ThreatTables {
    advisories: Vec<Advisory>,
    /// Every advisory matched against the sector's inventory, sorted by advisory.
    matches: Matches,
    /// In the order they were last updated (a later statement wins over an earlier one).
    statements: Vec<Statement>,
    kev: HashMap<String, KevEntry>,
    epss: HashMap<String, EpssScore>,
    unsupported: Vec<UnsupportedItem>,
    /// Unsupported item per matched software, keyed by the software reference.
    unsupported_by_ref: HashMap<SoftwareRef, UnsupportedIx>,
    /// End-of-life products' display titles by short name (`windows-server`: "Windows Server").
    eol_titles: HashMap<String, String>,
    /// The advisories known by each id or alias (upper case).
    by_id: HashMap<String, Vec<AdvisoryIx>>,
}

pub(crate) fn software_ref(by: MatchedBy) -> SoftwareRef {
    match by {
        MatchedBy::Purl(v) => SoftwareRef::PackageVersion(v),
        MatchedBy::Cpe { cpe, .. } => SoftwareRef::Cpe(cpe),
    }
}

/// Who made a stored statement, and which assets it covers: a supplier's statement covers its
/// product everywhere, but only while every identifier it carries belongs to one of the supplier's
/// confirmed products (else it covers the supplier's own assets only, so it decides nothing for
/// anyone else: a statement stored before a product was rejected, or before the rule existed);
/// an organisation's covers its own assets; feed statements cover everything.
fn origin_of(stored: &StoredVex, suppliers: &HashMap<OrgId, Vec<Product>>) -> (VexOrigin, VexScope) {
    let everywhere = VexScope {
        org: None,
        asset: None,
    };
    if let Some((org, confirmed)) = stored.org.and_then(|o| suppliers.get(&o).map(|c| (o, c))) {
        let in_force = crate::products::uncovered_identifier(confirmed, &stored.statement.product).is_none();
        let scope = if in_force {
            everywhere
        } else {
            VexScope {
                org: Some(org),
                asset: None,
            }
        };
        (VexOrigin::Supplier, scope)
    } else if stored.org.is_some() {
        (
            VexOrigin::Organisation,
            VexScope {
                org: stored.org,
                asset: None,
            },
        )
    } else if stored.statement.source.to_ascii_lowercase().contains("cyclonedx") {
        (VexOrigin::CycloneDx, everywhere)
    } else {
        (VexOrigin::Csaf, everywhere)
    }
}

/// The stored statements in force order, each with its origin and scope. `confirmed` are the
/// products national roles confirmed as their suppliers' (what suppliers' statements may speak
/// for). A statement made by an organisation the sector does not know is an inconsistency.
fn statements(
    mut stored: Vec<StoredVex>,
    confirmed: Vec<Product>,
    sector: &SectorTables,
) -> Result<Vec<Statement>, SnapshotError> {
    stored.sort_by_key(|s| s.updated_at);
    let mut suppliers: HashMap<OrgId, Vec<Product>> = sector
        .orgs()
        .filter(|(_, o)| o.kind == ward_core::org::OrgKind::Supplier)
        .map(|(_, o)| (o.id, Vec::new()))
        .collect();
    for p in confirmed {
        if let Some(list) = suppliers.get_mut(&p.supplier) {
            list.push(p);
        }
    }
    stored
        .into_iter()
        .map(|s| {
            let org = s
                .org
                .map(|o| sector.find_org(o).ok_or(SnapshotError::StatementOrganisation(o)))
                .transpose()?;
            let (origin, scope) = origin_of(&s, &suppliers);
            Ok(Statement {
                scoped: ScopedStatement {
                    scope,
                    origin,
                    statement: s.statement,
                },
                org,
            })
        })
        .collect()
}

impl ThreatTables {
    /// Matches the threat data against the sector's inventory as of `today`. Also returns the
    /// matches with the statements layered over them, from which the rows are made.
    pub(super) fn build(
        threats: ThreatSnapshot,
        confirmed: Vec<Product>,
        sector: &SectorTables,
        today: Date,
    ) -> Result<(Self, Vec<LayeredMatch>), SnapshotError> {
        let ThreatSnapshot {
            advisories,
            kev,
            epss,
            vex,
            eol,
        } = threats;
        fits(advisories.len(), "advisories")?;
        let inventory = sector.inventory();
        let matches = ward_engine::match_all(inventory, &advisories);
        fits(matches.matches.len(), "matches")?;
        let statements = statements(vex, confirmed, sector)?;
        fits(statements.len(), "VEX statements")?;
        let scoped: Vec<ScopedStatement> = statements.iter().map(|s| s.scoped.clone()).collect();
        let layered = ward_engine::layer_vex(inventory, &advisories, &matches, &scoped);

        let kev: HashMap<String, KevEntry> = kev.into_iter().map(|k| (k.cve.clone(), k)).collect();
        let epss: HashMap<String, EpssScore> = epss
            .into_iter()
            .map(|e| {
                (
                    e.cve.clone(),
                    EpssScore {
                        cve: e.cve,
                        epss: e.epss,
                        percentile: e.percentile,
                    },
                )
            })
            .collect();
        let catalog = EolCatalog::new(eol);
        let eol_titles = catalog
            .products()
            .iter()
            .filter_map(|p| Some((p.product.clone(), p.title.clone()?)))
            .collect();
        let unsupported = ward_engine::unsupported_software(&catalog, inventory, today);
        fits(unsupported.len(), "unsupported software items")?;
        let unsupported_by_ref = unsupported
            .iter()
            .enumerate()
            .map(|(i, u)| (u.software, UnsupportedIx::at(i)))
            .collect();
        let mut by_id: HashMap<String, Vec<AdvisoryIx>> = HashMap::new();
        for (i, a) in advisories.iter().enumerate() {
            for id in a.all_ids() {
                by_id
                    .entry(id.to_ascii_uppercase())
                    .or_default()
                    .push(AdvisoryIx::at(i));
            }
        }
        let tables = Self {
            by_id,
            advisories,
            matches,
            statements,
            kev,
            epss,
            unsupported,
            unsupported_by_ref,
            eol_titles,
        };
        Ok((tables, layered))
    }

    pub(crate) fn advisory(&self, advisory: AdvisoryIx) -> &Advisory {
        &self.advisories[advisory.get()]
    }

    /// Every advisory, in table order.
    pub(crate) fn advisories(&self) -> impl Iterator<Item = (AdvisoryIx, &Advisory)> {
        self.advisories
            .iter()
            .enumerate()
            .map(|(i, a)| (AdvisoryIx::at(i), a))
    }

    pub(crate) fn advisory_count(&self) -> usize {
        self.advisories.len()
    }

    pub(crate) fn matched(&self, m: MatchIx) -> &Match {
        &self.matches.matches[m.get()]
    }

    /// Whether `asset`'s exposure through `m` is already counted through the package the matched
    /// CPE names (the engine's one rule: the same software counted once whichever identifier
    /// found it).
    pub(crate) fn counted_through_package(
        &self,
        inventory: &ward_engine::Inventory,
        m: MatchIx,
        asset: ward_engine::AssetIdx,
    ) -> bool {
        let matched = self.matched(m);
        if !matches!(matched.by, ward_engine::MatchedBy::Cpe { .. }) {
            return false;
        }
        let advisory = self.advisory(self.advisory_of(m));
        let related = self.same_vulnerability(advisory).flat_map(|a| {
            self.matches
                .of_advisory(u32::try_from(a.get()).unwrap_or(u32::MAX))
        });
        ward_engine::matcher::counted_through_package(inventory, related, matched, asset)
    }

    /// The advisories of the vulnerability `advisory` is about: those sharing an id with it
    /// (itself included).
    fn same_vulnerability<'a>(&'a self, advisory: &'a Advisory) -> impl Iterator<Item = AdvisoryIx> + 'a {
        let mut found: Vec<AdvisoryIx> = advisory
            .all_ids()
            .flat_map(|id| {
                self.by_id
                    .get(&id.to_ascii_uppercase())
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .copied()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter()
    }

    /// The advisory match `m` comes from.
    pub(crate) fn advisory_of(&self, m: MatchIx) -> AdvisoryIx {
        AdvisoryIx::from_engine(self.matched(m).advisory)
    }

    pub(crate) fn statement(&self, s: StatementIx) -> &Statement {
        &self.statements[s.get()]
    }

    /// The KEV entry of an advisory's CVE, when listed.
    pub(crate) fn kev_of(&self, advisory: &Advisory) -> Option<&KevEntry> {
        advisory.cve().and_then(|c| self.kev.get(c))
    }

    /// The EPSS score of an advisory's CVE, when known.
    pub(crate) fn epss_of(&self, advisory: &Advisory) -> Option<&EpssScore> {
        advisory.cve().and_then(|c| self.epss.get(c))
    }

    pub(crate) fn unsupported_item(&self, item: UnsupportedIx) -> &UnsupportedItem {
        &self.unsupported[item.get()]
    }

    /// An end-of-life product as people name it: its title, else its short name in words
    /// (`windows-server` reads "Windows server").
    pub(crate) fn eol_product_name(&self, product: &str) -> String {
        if let Some(t) = self.eol_titles.get(product) {
            return t.clone();
        }
        let words = product.replace(['-', '_'], " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }

    /// Every (unsupported item, asset carrying it) pair, by item.
    pub(crate) fn unsupported_installs(&self) -> impl Iterator<Item = (UnsupportedIx, AssetIx)> + '_ {
        self.unsupported.iter().enumerate().flat_map(|(i, item)| {
            item.assets
                .iter()
                .map(move |a| (UnsupportedIx::at(i), AssetIx::from_engine(*a)))
        })
    }

    /// End-of-life facts about the release a match found on `asset`, when it is unsupported.
    /// Looked up by the installed release, not by the identifier that matched: a release recorded
    /// on the asset both by package and by CPE is listed as unsupported once, under its package
    /// ([`ward_engine::unsupported_software`]), and a match through the CPE must find it there.
    pub(crate) fn unsupported_of(
        &self,
        inventory: &ward_engine::Inventory,
        by: MatchedBy,
        asset: ward_engine::AssetIdx,
    ) -> Option<&Unsupported> {
        let package = match by {
            MatchedBy::Cpe { cpe, .. } => inventory
                .same_as_version(cpe, asset)
                .and_then(|v| self.unsupported_by_ref.get(&SoftwareRef::PackageVersion(v))),
            MatchedBy::Purl(_) => None,
        };
        package
            .or_else(|| self.unsupported_by_ref.get(&software_ref(by)))
            .map(|i| &self.unsupported_item(*i).finding)
    }

    /// The priority of match `m` on an asset that is (or is not) internet-facing, with the worst
    /// impact of losing that asset.
    pub(crate) fn priority(
        &self,
        m: MatchIx,
        unsupported: Option<&Unsupported>,
        internet_facing: bool,
        impact: Option<&ServiceImpact>,
        weights: &PriorityWeights,
        today: Date,
    ) -> Priority {
        let adv = self.advisory(self.advisory_of(m));
        ward_engine::prioritise(
            &PriorityInput {
                severity: &adv.severity,
                epss: self.epss_of(adv),
                kev: self.kev_of(adv),
                internet_facing,
                unsupported,
                impact,
                today,
            },
            weights,
        )
    }
}
