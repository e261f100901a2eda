//! Ward's exposure engine: plain data in, plain data out (no I/O, no clock, deterministic order).
//!
//! - [`purl`]: package URLs parsed and normalised per the purl specification, and mapped to OSV
//!   ecosystems.
//! - [`cpe`]: CPE 2.3 names and NVD criteria, with the guard against ambiguous vendor/product
//!   matches; [`alias`]: the curated aliases that are the only way name-only software gets a CPE.
//! - [`inventory`]: the deduplicated, inverted index of the sector's installed software (distinct
//!   package versions and CPEs, each with the dense list of assets carrying it).
//! - [`matcher`]: one advisory as a lookup ([`match_advisory`]) and the full recompute in parallel
//!   ([`match_all`]), following OSV semantics through `ward_versions::osv_affects`.
//! - [`vex`]: VEX statements layered over matches, keeping the raw match.
//! - [`eol`]: software past end of life or end of security support.
//! - [`priority`]: a priority score that lists its factors.
//! - [`scan`]: SBOMs scanned offline against advisories (`ward scan`).
//! - [`impact`]: the dependency graph and the blast radius of losing a supplier, a product, an
//!   organisation or a service.
//! - [`supplier_register`]: the critical supplier register (dependants, criticality,
//!   concentration by region), viewed per caller.
//! - [`fair`]: a seeded FAIR-style Monte Carlo of a risk's annual loss (loss exceedance curve).

pub mod alias;
pub mod assurance;
pub mod cpe;
pub mod eol;
pub mod fair;
pub mod fix;
pub mod impact;
pub mod inventory;
pub mod matcher;
pub mod priority;
pub mod purl;
pub mod recovery;
pub mod scan;
pub mod software_name;
pub mod supplier_register;
pub mod vex;

pub use alias::{AliasTable, CpeAlias};
pub use cpe::{Cpe, CpeError, CpeValue, CpeVerdict, Criterion};
pub use eol::{EolCatalog, Unsupported, UnsupportedItem, unsupported_software};
pub use inventory::{AssetIdx, EcoKey, Inventory, InventoryBuilder, InventoryProblem, InventoryStats};
pub use matcher::{
    Match, MatchNote, MatchReport, MatchedBy, Matches, SoftwareReport, Verdict, exposed_orgs, match_advisory,
    match_all, report, report_software,
};
pub use priority::{
    Factor, FactorKind, Priority, PriorityInput, PriorityWeights, ServiceGraph, ServiceImpact, prioritise,
};
pub use purl::{Purl, PurlError};
pub use scan::{ScanFinding, ScanResult, scan};
pub use vex::{Effective, LayeredMatch, ScopedStatement, StatusGroup, VexOrigin, VexScope, layer_vex};
