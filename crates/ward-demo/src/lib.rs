//! A deterministic generator of a realistic English health and adult social care sector, for
//! `ward demo` and for national-scale benchmarks.
//!
//! [`DemoPlan::new`] lays out the organisations (national body, NHS England regions, ICBs, trusts, GP
//! practices, care providers and their sites, suppliers), the suppliers' products and one persona per
//! role. [`DemoPlan::inventory`] then builds one organisation's services, assets (with real software,
//! versions, CPEs and purls) and dependencies, from the seed and the organisation's code alone, so
//! inventories can be produced in any order, in parallel, in chunks or streamed.
//!
//! Pure code: no I/O, no clock (the reference date is a parameter), no OS randomness. The same seed
//! gives the same output, byte for byte.
//!
//! Loading order for a store: organisations (parents always precede children in [`DemoPlan::orgs`]),
//! then products, then every organisation's services, then assets and dependencies: a dependency may
//! point at another organisation's service (a practice's tests go to its hub trust's pathology).
//!
//! [`threats()`] gives the threat data that goes with the sector: real advisories affecting the
//! catalogue's releases, their KEV listings, illustrative EPSS scores and end-of-life dates.

pub mod assurance;
mod catalogue;
mod inventory;
mod key;
mod names;
mod sector;
mod services;
mod stacks;
mod suppliers;
mod threats;

use jiff::civil::Date;
use std::collections::BTreeMap;
use std::str::FromStr;
use strum::IntoEnumIterator;
use ward_core::asset::Asset;
use ward_core::dependency::Dependency;
use ward_core::org::Organisation;
use ward_core::role::Role;
use ward_core::service::Service;
use ward_core::supplier::Product;
use ward_core::{OrgId, ValidationError};

pub use threats::{DemoThreats, threats};

/// How big a sector to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::Display, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum Scale {
    /// One London-like region: 3 ICBs, 8 trusts, 40 practices, 30 care providers with about 60 sites,
    /// the suppliers; about 3,000 assets. For the first-run demo.
    Small,
    /// One full region: 5 ICBs, 40 trusts, 1,000 practices, 3,000 care providers; about 150-200k assets.
    Region,
    /// England: 7 regions, 42 ICBs, 210 trusts, 6,200 practices, 18,500 care providers and their sites
    /// (about 30,000 organisations) and about a million assets.
    National,
}

impl Scale {
    /// The name accepted by [`FromStr`] (`small`); `Scale::iter()` lists the scales smallest first.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Scale {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ward_core::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("scale", format!("'{s}' is not small, region or national")))
    }
}

/// A demo login: one per role, placed on the organisation that role makes sense on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Persona {
    pub role: Role,
    pub org: OrgId,
    /// e.g. `national.analyst@demo.ward.example`.
    pub email: String,
    pub display_name: String,
}

/// One organisation's services, assets and the dependencies of its services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgInventory {
    pub services: Vec<Service>,
    pub assets: Vec<Asset>,
    /// Targets are this organisation's services and assets, products, or other organisations' services.
    pub dependencies: Vec<Dependency>,
}

/// The generated sector: organisations, products and personas; inventories on demand.
#[derive(Debug, Clone)]
pub struct DemoPlan {
    /// Every organisation; a parent always comes before its children.
    pub orgs: Vec<Organisation>,
    /// Suppliers' products.
    pub products: Vec<Product>,
    /// One persona per role, in the order of [`Role`]'s variants.
    pub personas: Vec<Persona>,
    seed: u64,
    scale: Scale,
    today: Date,
    profiles: Vec<sector::Profile>,
    by_code: BTreeMap<String, usize>,
}

impl DemoPlan {
    /// Lay out the sector for `seed` at `scale`, with opening dates before `today`.
    ///
    /// The built-in tables always produce valid organisations (the tests check every scale), so this
    /// never fails in practice; should a table ever be broken it returns an empty plan rather than
    /// panic. Use [`DemoPlan::try_new`] to see the error.
    pub fn new(seed: u64, scale: Scale, today: Date) -> Self {
        Self::try_new(seed, scale, today).unwrap_or_else(|_| Self {
            orgs: Vec::new(),
            products: Vec::new(),
            personas: Vec::new(),
            seed,
            scale,
            today,
            profiles: Vec::new(),
            by_code: BTreeMap::new(),
        })
    }

    /// Like [`DemoPlan::new`], returning the validation error of a broken built-in table.
    pub fn try_new(seed: u64, scale: Scale, today: Date) -> Result<Self, ValidationError> {
        let s = sector::build(seed, scale, today)?;
        let a = &s.anchors;
        let anchors = [
            a.national,
            a.region,
            a.trust,
            a.trust,
            a.icb,
            a.pathology_supplier,
            a.practice,
        ];
        let personas = Role::iter()
            .zip(anchors)
            .zip(names::PERSONA_NAMES)
            .filter_map(|((role, index), name)| {
                s.orgs.get(index).map(|org| Persona {
                    role,
                    org: org.id,
                    email: format!("{}@demo.ward.example", role.as_str().replace('_', ".")),
                    display_name: name.to_owned(),
                })
            })
            .collect();
        let by_code = s
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.code.as_str().to_owned(), i))
            .collect();
        Ok(Self {
            orgs: s.orgs,
            products: s.products,
            personas,
            seed,
            scale,
            today,
            profiles: s.profiles,
            by_code,
        })
    }

    /// The seed the plan was built from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scale the plan was built at.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The reference date the plan was built for.
    pub fn today(&self) -> Date {
        self.today
    }

    /// Position in [`DemoPlan::orgs`] of the organisation with this ODS code (case-insensitive).
    pub fn org_index(&self, code: &str) -> Option<usize> {
        self.by_code.get(&code.trim().to_ascii_uppercase()).copied()
    }

    /// The services of `orgs[index]` alone: cheap, and identical to `inventory(index).services`.
    /// Empty when the index is out of range.
    pub fn services(&self, index: usize) -> Vec<Service> {
        inventory::services(self, index)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    }

    /// Inventory for `orgs[index]`: deterministic from (seed, org code), so it can be generated in any
    /// order, in parallel, in chunks or streamed. Empty when the index is out of range.
    pub fn inventory(&self, index: usize) -> OrgInventory {
        inventory::build(self, index)
    }

    /// Number of organisations, and the number of assets all inventories hold together.
    pub fn expected_counts(&self) -> (usize, usize) {
        let assets = self.profiles.iter().map(|p| p.assets as usize).sum();
        (self.orgs.len(), assets)
    }

    /// Number of assets `inventory(index)` will hold (0 when the index is out of range).
    pub fn expected_assets(&self, index: usize) -> usize {
        self.profiles.get(index).map_or(0, |p| p.assets as usize)
    }
}
