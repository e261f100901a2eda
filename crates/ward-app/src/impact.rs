//! Blast radius: what losing a supplier, a product, an organisation or a service would stop or
//! degrade, read from the stored dependency graph and limited to the caller's footprint.
//!
//! The rule of who sees what (`Action::ReadImpact`): a national role sees the sector; every other
//! role that reads inventory sees the services of its own footprint (its organisation and
//! everything beneath), with the services affected elsewhere counted but never named. A caller
//! may start from any supplier or product (the catalogue is shared), and from an organisation or
//! a service inside its footprint or one that a service inside it depends on directly (it already
//! sees that in its dependency lists); anything else reads as not found, exactly like a code that
//! does not exist. Supplier contacts have no footprint of services and are refused.
//!
//! The graph is read whole in one transaction, built off the async workers and kept in memory
//! until something changes (see [`crate::cached`]): at national scale the read and the build take
//! seconds, the blast radius itself milliseconds. Reads only, so nothing is audited.

use std::sync::Arc;

use serde::Serialize;
use tracing::instrument;
use ward_core::{OrgId, ProductId, ServiceId};
use ward_engine::impact::{
    AffectedOrg, AffectedService, Concentration, GraphInput, ImpactGraph, Loss, NodeRef, Totals, Visibility,
};
use ward_store::Scope;

use crate::authz::{Action, authorise};

use crate::{Actor, App, AppError, AppResult};
pub use ward_engine::impact::Effect;
pub use ward_engine::impact::simulate::{
    CurvePoint, Mitigation, Quantiles, Scenario, SimulationParams, SimulationResult,
};

/// What to lose, as people name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpactQuery {
    /// A supplier, by name or ODS code.
    Supplier(String),
    /// A product, by CPE (vendor and product; the version is ignored) or identifier.
    Product(String),
    /// An organisation, by ODS code or identifier.
    Org(String),
    /// A service, by identifier.
    Service(String),
}

impl ImpactQuery {
    /// From the four optional parameters of a request, exactly one of which must be given.
    pub fn from_parts(
        supplier: Option<String>,
        product: Option<String>,
        org: Option<String>,
        service: Option<String>,
    ) -> AppResult<Self> {
        let given: Vec<Self> = [
            supplier.map(Self::Supplier),
            product.map(Self::Product),
            org.map(Self::Org),
            service.map(Self::Service),
        ]
        .into_iter()
        .flatten()
        .filter(|q| !q.text().trim().is_empty())
        .collect();
        match <[Self; 1]>::try_from(given) {
            Ok([one]) => Ok(one),
            Err(_) => Err(AppError::invalid(
                "query",
                "name exactly one of supplier, product, org or service",
            )),
        }
    }

    fn text(&self) -> &str {
        match self {
            Self::Supplier(s) | Self::Product(s) | Self::Org(s) | Self::Service(s) => s,
        }
    }
}

/// What was lost, named for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactSubject {
    /// `supplier`, `product`, `organisation` or `service`.
    pub kind: &'static str,
    pub name: String,
    /// The ODS code, or the product's CPE.
    pub code: Option<String>,
    /// What the query named (`org=RJZ`).
    pub query: String,
}

/// A blast radius as one caller may see it. The counts are at the top (`organisations`,
/// `services`, `patients_per_day`, ...); the lists follow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactView {
    pub subject: Vec<ImpactSubject>,
    /// `sector` for national roles, `footprint` for everyone else.
    pub seen: &'static str,
    #[serde(flatten)]
    pub totals: Totals,
    /// Products and assets lost directly.
    pub lost: Vec<NodeRef>,
    pub affected_organisations: Vec<AffectedOrg>,
    pub affected_services: Vec<AffectedService>,
    pub concentration: Vec<Concentration>,
    /// Dependencies left out because the asset they point at was deleted.
    pub dangling_dependencies: u64,
}

fn visibility(scope: &Scope) -> Visibility {
    match scope {
        Scope::All => Visibility::All,
        Scope::Subtrees(v) => Visibility::Subtrees(v.clone()),
        Scope::Orgs(v) => Visibility::Orgs(v.clone()),
    }
}

/// Turn the query into losses on `graph`; not found when it names nothing the caller may start from.
fn resolve(graph: &ImpactGraph, q: &ImpactQuery, seen: &Visibility) -> Result<Vec<Loss>, AppError> {
    let (what, losses): (&str, Vec<Loss>) = match q {
        ImpactQuery::Supplier(name) => (
            "supplier",
            graph.supplier_by_name(name).map(Loss::Org).into_iter().collect(),
        ),
        ImpactQuery::Product(text) => {
            let by_id = text
                .parse::<ProductId>()
                .ok()
                .filter(|p| graph.has_product(*p))
                .map(|p| vec![Loss::Product(p)]);
            let losses = match by_id {
                Some(l) => l,
                // A well-formed identifier of no product: not found, like any other.
                None if text.parse::<ProductId>().is_ok() => Vec::new(),
                None if text.trim().starts_with("cpe:") => graph
                    .products_by_cpe(text)
                    .into_iter()
                    .map(Loss::Product)
                    .collect(),
                None => {
                    return Err(AppError::invalid(
                        "product",
                        format!("'{text}' is neither a product identifier nor a CPE (cpe:2.3:...)"),
                    ));
                }
            };
            ("product", losses)
        }
        ImpactQuery::Org(text) => {
            let id = text
                .parse::<OrgId>()
                .ok()
                .filter(|o| graph.has_org(*o))
                .or_else(|| graph.org_by_code(text));
            ("organisation", id.map(Loss::Org).into_iter().collect())
        }
        ImpactQuery::Service(text) => {
            let id = text
                .parse::<ServiceId>()
                .map_err(|_| AppError::invalid("service", format!("'{text}' is not a service identifier")))?;
            ("service", vec![Loss::Service(id)])
        }
    };
    let allowed: Vec<Loss> = losses.into_iter().filter(|l| graph.may_start(l, seen)).collect();
    if allowed.is_empty() {
        return Err(AppError::NotFound(what.to_owned()));
    }
    Ok(allowed)
}

fn query_text(q: &ImpactQuery) -> String {
    match q {
        ImpactQuery::Supplier(s) => format!("supplier={s}"),
        ImpactQuery::Product(s) => format!("product={s}"),
        ImpactQuery::Org(s) => format!("org={s}"),
        ImpactQuery::Service(s) => format!("service={s}"),
    }
}

fn build_graph(snapshot: &ward_store::sector::DependencySnapshot) -> AppResult<ImpactGraph> {
    let assets: Vec<ward_engine::impact::AssetRef> = snapshot
        .assets
        .iter()
        .map(|a| ward_engine::impact::AssetRef {
            id: a.id,
            org: a.org,
            name: a.name.clone(),
        })
        .collect();
    ImpactGraph::build(GraphInput {
        orgs: &snapshot.orgs,
        services: &snapshot.services,
        products: &snapshot.products,
        assets: &assets,
        dependencies: &snapshot.dependencies,
        asset_services: &snapshot.asset_services,
    })
    .map_err(|e| AppError::Internal(format!("the stored dependency graph is inconsistent: {e}")))
}

/// The sector's dependency graph as built from one snapshot.
pub struct BuiltGraph {
    graph: ImpactGraph,
    /// Dependencies left out because the asset they point at was deleted.
    dangling: u64,
    built_at: jiff::Timestamp,
}

impl BuiltGraph {
    /// The graph itself.
    pub(crate) fn graph(&self) -> &ImpactGraph {
        &self.graph
    }

    pub fn new(
        snapshot: &ward_store::sector::DependencySnapshot,
        built_at: jiff::Timestamp,
    ) -> AppResult<Self> {
        Ok(Self {
            graph: build_graph(snapshot)?,
            dangling: snapshot.dangling,
            built_at,
        })
    }
}

/// The whole computation on one snapshot (for tests and one-off callers).
pub fn blast_radius_view(
    snapshot: &ward_store::sector::DependencySnapshot,
    query: &ImpactQuery,
    scope: &Scope,
) -> AppResult<ImpactView> {
    let built = BuiltGraph::new(snapshot, jiff::Timestamp::UNIX_EPOCH)?;
    blast_radius_on(&built, query, scope)
}

/// The blast radius on a built graph, off the async workers.
fn blast_radius_on(built: &BuiltGraph, query: &ImpactQuery, scope: &Scope) -> AppResult<ImpactView> {
    let graph = &built.graph;
    let seen = visibility(scope);
    let losses = resolve(graph, query, &seen)?;
    let radius = graph
        .blast_radius(&losses)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let report = radius.report(&seen);
    let subject = losses
        .iter()
        .filter_map(|l| graph.describe(l))
        .map(|(kind, name, code)| ImpactSubject {
            kind,
            name,
            code,
            query: query_text(query),
        })
        .collect();
    Ok(ImpactView {
        subject,
        seen: if seen == Visibility::All {
            "sector"
        } else {
            "footprint"
        },
        totals: report.totals,
        lost: report.lost,
        affected_organisations: report.organisations,
        affected_services: report.services,
        concentration: report.concentration,
        dangling_dependencies: built.dangling,
    })
}

impl App {
    /// The sector's dependency graph, read and built again when this process changed something
    /// since it was built.
    pub async fn impact_graph(&self) -> AppResult<Arc<BuiltGraph>> {
        self.impact_graph_within(None).await
    }

    /// [`Self::impact_graph`], also built again when older than `max_age` (changes written by
    /// another process).
    async fn impact_graph_within(&self, max_age: Option<jiff::SignedDuration>) -> AppResult<Arc<BuiltGraph>> {
        let young_enough =
            |g: &BuiltGraph| max_age.is_none_or(|max| self.now().duration_since(g.built_at) < max);
        self.inner
            .impact_graph
            .get(&self.inner.data_generation, young_enough, || async {
                let started = std::time::Instant::now();
                let snapshot = self.store().dependency_snapshot().await?;
                let now = self.now();
                let built = tokio::task::spawn_blocking(move || BuiltGraph::new(&snapshot, now))
                    .await
                    .map_err(|e| AppError::Internal(format!("building the impact graph: {e}")))??;
                tracing::info!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "impact graph built"
                );
                Ok(built)
            })
            .await
    }

    /// Rebuilds the impact graph when it is out of date or older than
    /// [`crate::exposure::MAX_AGE`], but only once someone has asked for it (for a background
    /// task: most deployments never open the impact pages).
    pub async fn refresh_impact_graph(&self) -> AppResult<()> {
        if self.inner.impact_graph.current().is_some() {
            self.impact_graph_within(Some(crate::exposure::MAX_AGE)).await?;
        }
        Ok(())
    }

    /// The blast radius of losing what `query` names, as the caller may see it.
    #[instrument(skip_all, fields(query = %query_text(query)), err)]
    pub async fn impact(&self, actor: &Actor, query: &ImpactQuery) -> AppResult<ImpactView> {
        let scope = authorise(actor, Action::ReadImpact, self.now())?;
        let built = self.impact_graph().await?;
        let query = query.clone();
        tokio::task::spawn_blocking(move || blast_radius_on(&built, &query, &scope))
            .await
            .map_err(|e| AppError::Internal(format!("the blast radius failed: {e}")))?
    }
}
