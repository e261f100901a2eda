//! The impact engine: the sector's dependency graph and the blast radius of losing part of it.
//!
//! - [`graph`]: services, supplier products, assets and organisations as one graph with dense,
//!   checked indices ([`ImpactGraph::build`] refuses inconsistent input with a [`GraphError`]).
//! - [`blast`]: what stops and what degrades when an organisation (a site, a supplier), a
//!   product, a service or an asset is lost, transitively, cycles included (the rule is in that
//!   module's documentation and in `docs/impact.md`).
//! - [`report`]: the blast radius limited to what one caller may see, with patients and
//!   appointments per day, the worst NPSA consequence and concentration by region.
//!
//! - [`simulate`]: a seeded Monte Carlo dry run of a scenario (built in or from a file) over the
//!   graph, with the recovery curve.
//!
//! Pure: no I/O, no clock; every list in a report has a stated order.

pub mod blast;
pub mod graph;
pub mod report;
pub mod simulate;
#[cfg(test)]
mod tests;

pub use blast::{BlastRadius, Effect, Loss, UnknownLoss};
pub use graph::{AssetRef, GraphError, GraphInput, GraphSize, ImpactGraph};
pub use report::{
    AffectedOrg, AffectedService, Concentration, ImpactReport, NodeRef, Totals, Visibility, Why,
};
pub use simulate::{
    CurvePoint, Mitigation, Quantiles, Scenario, ScenarioProblem, SimulationError, SimulationParams,
    SimulationResult,
};
