//! The dependency graph, built once from plain data with every reference checked.
//!
//! Nodes are services, supplier products and assets; organisations own services and assets and
//! (as suppliers) sell products. Every node is addressed by a dense index that only
//! [`ImpactGraph::build`] makes, after checking each reference of the input once: an inconsistent
//! input (a dependency naming a service that does not exist, an organisation whose parent is
//! unknown, an identifier given twice) is refused with a [`GraphError`], and afterwards no lookup
//! inside the graph can miss.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::{OrgKind, Organisation};
use ward_core::risk::Consequence;
use ward_core::service::{Service, ThroughputUnit};
use ward_core::supplier::{Product, ProductCategory};
use ward_core::{AssetId, DependencyId, OrgId, ProductId, ServiceId};

type Map<K, V> = HashMap<K, V, RandomState>;

/// Position of an organisation in its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OrgIx(pub(crate) u32);
/// Position of a service in its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ServiceIx(pub(crate) u32);
/// Position of a product in its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ProductIx(pub(crate) u32);
/// Position of an asset in its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AssetIx(pub(crate) u32);
/// Position of a dependency in its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct DepIx(pub(crate) u32);

/// What a dependency points at, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Node {
    Service(ServiceIx),
    Product(ProductIx),
    Asset(AssetIx),
}

/// An asset as the graph needs it: only assets something depends on matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRef {
    pub id: AssetId,
    pub org: OrgId,
    pub name: String,
}

/// Everything the graph is built from.
#[derive(Debug, Clone, Copy)]
pub struct GraphInput<'a> {
    /// Every organisation (parents need not come first).
    pub orgs: &'a [Organisation],
    pub services: &'a [Service],
    pub products: &'a [Product],
    /// Assets that dependencies point at or that list services they support (others may be
    /// given; they change nothing).
    pub assets: &'a [AssetRef],
    pub dependencies: &'a [Dependency],
    /// (asset, service) from the assets' own lists of the services they support: the service
    /// stops without the asset, as if by a dependency recording no workaround, unless a
    /// dependency on that asset already says how it copes. A pair naming an asset not given is
    /// left out (a deleted asset supports nothing).
    pub asset_services: &'a [(AssetId, ServiceId)],
}

/// Why an input cannot become a graph. The store reads its snapshot in one transaction, so this
/// means the data (or a store) is broken, not that a write raced the read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("organisation {0} appears twice")]
    DuplicateOrganisation(OrgId),
    #[error("service {0} appears twice")]
    DuplicateService(ServiceId),
    #[error("product {0} appears twice")]
    DuplicateProduct(ProductId),
    #[error("asset {0} appears twice")]
    DuplicateAsset(AssetId),
    #[error("dependency {0} appears twice")]
    DuplicateDependency(DependencyId),
    #[error("organisation {org} names parent {parent}, which is not in the graph")]
    UnknownParent { org: OrgId, parent: OrgId },
    #[error("organisation {0} is its own ancestor")]
    ParentCycle(OrgId),
    #[error("service {service} belongs to organisation {org}, which is not in the graph")]
    ServiceOrganisation { service: ServiceId, org: OrgId },
    #[error("product {product} names supplier {supplier}, which is not in the graph")]
    ProductSupplier { product: ProductId, supplier: OrgId },
    #[error("asset {asset} belongs to organisation {org}, which is not in the graph")]
    AssetOrganisation { asset: AssetId, org: OrgId },
    #[error("dependency {dependency} is of service {service}, which is not in the graph")]
    DependencyService {
        dependency: DependencyId,
        service: ServiceId,
    },
    #[error("dependency {dependency} names organisation {org}, but its service belongs to another")]
    DependencyOrganisation { dependency: DependencyId, org: OrgId },
    #[error("dependency {dependency} points at {} {}, which is not in the graph", .target.kind_str(), .target.uuid())]
    DependencyTarget {
        dependency: DependencyId,
        target: DependencyTarget,
    },
    #[error("asset {asset} supports service {service}, which is not in the graph")]
    AssetService { asset: AssetId, service: ServiceId },
    #[error("the graph has more than 4 billion {0}")]
    TooLarge(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct OrgNode {
    pub(crate) id: OrgId,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) kind: OrgKind,
    pub(crate) parent: Option<OrgIx>,
    /// The NHS England region above it (itself for a region), if any.
    pub(crate) region: Option<OrgIx>,
}

#[derive(Debug, Clone)]
pub(crate) struct ServiceNode {
    pub(crate) id: ServiceId,
    pub(crate) org: OrgIx,
    pub(crate) name: String,
    /// The service's name folded for grouping (trimmed, lower case), interned.
    pub(crate) name_key: u32,
    pub(crate) criticality: Consequence,
    pub(crate) throughput: u32,
    pub(crate) unit: ThroughputUnit,
}

#[derive(Debug, Clone)]
pub(crate) struct ProductNode {
    pub(crate) id: ProductId,
    pub(crate) supplier: OrgIx,
    pub(crate) name: String,
    pub(crate) cpe: Option<String>,
    pub(crate) category: ProductCategory,
}

#[derive(Debug, Clone)]
pub(crate) struct AssetNode {
    pub(crate) id: AssetId,
    pub(crate) org: OrgIx,
    pub(crate) name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct DepEdge {
    pub(crate) service: ServiceIx,
    pub(crate) target: Node,
    /// How the service copes without the target; `None` when nothing is recorded.
    pub(crate) workaround: Option<String>,
}

/// A compressed list of lists: `items[offsets[i]..offsets[i + 1]]` belongs to `i`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lists<T> {
    offsets: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Lists<T> {
    /// From (owner, item) pairs over `n` owners; items keep their order within an owner.
    fn from_pairs(n: usize, mut pairs: Vec<(u32, T)>) -> Self {
        pairs.sort_by_key(|(owner, _)| *owner);
        let mut offsets = Vec::with_capacity(n + 1);
        let mut at = 0usize;
        offsets.push(0);
        for owner in 0..n {
            while pairs.get(at).is_some_and(|(o, _)| *o as usize == owner) {
                at += 1;
            }
            offsets.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        Self {
            offsets,
            items: pairs.into_iter().map(|(_, t)| t).collect(),
        }
    }

    pub(crate) fn of(&self, i: usize) -> &[T] {
        let (Some(&a), Some(&b)) = (self.offsets.get(i), self.offsets.get(i + 1)) else {
            return &[];
        };
        self.items.get(a as usize..b as usize).unwrap_or(&[])
    }
}

/// The sector's dependency graph.
#[derive(Debug, Clone)]
pub struct ImpactGraph {
    pub(crate) orgs: Vec<OrgNode>,
    pub(crate) services: Vec<ServiceNode>,
    pub(crate) products: Vec<ProductNode>,
    pub(crate) assets: Vec<AssetNode>,
    pub(crate) deps: Vec<DepEdge>,
    /// Service names by `name_key`, as first seen (trimmed).
    pub(crate) names: Vec<String>,
    /// Per service: the dependencies pointing at it.
    pub(crate) service_dependants: Lists<DepIx>,
    pub(crate) product_dependants: Lists<DepIx>,
    pub(crate) asset_dependants: Lists<DepIx>,
    /// Per service: its own dependencies.
    pub(crate) service_deps: Lists<DepIx>,
    /// Per organisation: what it owns or sells.
    pub(crate) org_services: Lists<ServiceIx>,
    pub(crate) org_assets: Lists<AssetIx>,
    pub(crate) org_products: Lists<ProductIx>,
    org_by_id: Map<OrgId, OrgIx>,
    service_by_id: Map<ServiceId, ServiceIx>,
    product_by_id: Map<ProductId, ProductIx>,
    asset_by_id: Map<AssetId, AssetIx>,
}

fn count(n: usize, what: &'static str) -> Result<u32, GraphError> {
    u32::try_from(n).map_err(|_| GraphError::TooLarge(what))
}

/// `cpe:2.3:a:vendor:product:...` → `(vendor, product)`, lower-cased; `None` when it has no
/// vendor and product.
pub(crate) fn cpe_vendor_product(cpe: &str) -> Option<(String, String)> {
    let rest = cpe.trim().strip_prefix("cpe:2.3:")?;
    let mut parts = rest.split(':');
    let _part = parts.next()?;
    let vendor = parts.next().filter(|v| !v.is_empty() && *v != "*")?;
    let product = parts.next().filter(|p| !p.is_empty() && *p != "*")?;
    Some((vendor.to_ascii_lowercase(), product.to_ascii_lowercase()))
}

impl ImpactGraph {
    /// Check every reference of `input` once and build the graph.
    pub fn build(input: GraphInput<'_>) -> Result<Self, GraphError> {
        let mut org_by_id: Map<OrgId, OrgIx> = Map::default();
        for (i, o) in input.orgs.iter().enumerate() {
            if org_by_id
                .insert(o.id, OrgIx(count(i, "organisations")?))
                .is_some()
            {
                return Err(GraphError::DuplicateOrganisation(o.id));
            }
        }
        let mut orgs = Vec::with_capacity(input.orgs.len());
        for o in input.orgs {
            let parent = match o.parent {
                None => None,
                Some(p) => Some(
                    *org_by_id
                        .get(&p)
                        .ok_or(GraphError::UnknownParent { org: o.id, parent: p })?,
                ),
            };
            orgs.push(OrgNode {
                id: o.id,
                code: o.code.as_str().to_owned(),
                name: o.name.clone(),
                kind: o.kind,
                parent,
                region: None,
            });
        }
        // Each organisation's region, walking up to the root at most as many steps as there are
        // organisations (more means the parents form a cycle).
        for i in 0..orgs.len() {
            let mut at = Some(i);
            let mut steps = 0usize;
            let mut region = None;
            while let Some(j) = at {
                let Some(node) = orgs.get(j) else { break };
                if region.is_none() && node.kind == OrgKind::Region {
                    region = Some(OrgIx(count(j, "organisations")?));
                }
                steps += 1;
                if steps > orgs.len() {
                    let id = orgs.get(i).map_or(node.id, |o| o.id);
                    return Err(GraphError::ParentCycle(id));
                }
                at = node.parent.map(|p| p.0 as usize);
            }
            if let Some(node) = orgs.get_mut(i) {
                node.region = region;
            }
        }

        let mut names: Vec<String> = Vec::new();
        let mut name_keys: Map<String, u32> = Map::default();
        let mut service_by_id: Map<ServiceId, ServiceIx> = Map::default();
        let mut services = Vec::with_capacity(input.services.len());
        let mut org_services = Vec::with_capacity(input.services.len());
        for (i, s) in input.services.iter().enumerate() {
            let ix = ServiceIx(count(i, "services")?);
            if service_by_id.insert(s.id, ix).is_some() {
                return Err(GraphError::DuplicateService(s.id));
            }
            let org = *org_by_id.get(&s.org).ok_or(GraphError::ServiceOrganisation {
                service: s.id,
                org: s.org,
            })?;
            let folded = s.name.trim().to_lowercase();
            let name_key = match name_keys.get(&folded) {
                Some(k) => *k,
                None => {
                    let k = count(names.len(), "service names")?;
                    names.push(s.name.trim().to_owned());
                    name_keys.insert(folded, k);
                    k
                }
            };
            org_services.push((org.0, ix));
            services.push(ServiceNode {
                id: s.id,
                org,
                name: s.name.clone(),
                name_key,
                criticality: s.criticality,
                throughput: s.daily_throughput,
                unit: s.throughput_unit,
            });
        }

        let mut product_by_id: Map<ProductId, ProductIx> = Map::default();
        let mut products = Vec::with_capacity(input.products.len());
        let mut org_products = Vec::new();
        for (i, p) in input.products.iter().enumerate() {
            let ix = ProductIx(count(i, "products")?);
            if product_by_id.insert(p.id, ix).is_some() {
                return Err(GraphError::DuplicateProduct(p.id));
            }
            let supplier = *org_by_id.get(&p.supplier).ok_or(GraphError::ProductSupplier {
                product: p.id,
                supplier: p.supplier,
            })?;
            org_products.push((supplier.0, ix));
            products.push(ProductNode {
                id: p.id,
                supplier,
                name: p.name.clone(),
                cpe: p.cpe.clone(),
                category: p.category,
            });
        }

        let mut asset_by_id: Map<AssetId, AssetIx> = Map::default();
        let mut assets = Vec::with_capacity(input.assets.len());
        let mut org_assets = Vec::new();
        for (i, a) in input.assets.iter().enumerate() {
            let ix = AssetIx(count(i, "assets")?);
            if asset_by_id.insert(a.id, ix).is_some() {
                return Err(GraphError::DuplicateAsset(a.id));
            }
            let org = *org_by_id.get(&a.org).ok_or(GraphError::AssetOrganisation {
                asset: a.id,
                org: a.org,
            })?;
            org_assets.push((org.0, ix));
            assets.push(AssetNode {
                id: a.id,
                org,
                name: a.name.clone(),
            });
        }

        let mut seen_deps: Map<DependencyId, ()> = Map::default();
        let mut deps = Vec::with_capacity(input.dependencies.len());
        let (mut on_service, mut on_product, mut on_asset) = (Vec::new(), Vec::new(), Vec::new());
        let mut own_deps = Vec::with_capacity(input.dependencies.len());
        for (i, d) in input.dependencies.iter().enumerate() {
            let ix = DepIx(count(i, "dependencies")?);
            if seen_deps.insert(d.id, ()).is_some() {
                return Err(GraphError::DuplicateDependency(d.id));
            }
            let service = *service_by_id
                .get(&d.service)
                .ok_or(GraphError::DependencyService {
                    dependency: d.id,
                    service: d.service,
                })?;
            own_deps.push((service.0, ix));
            let owner = services.get(service.0 as usize).map(|s| s.org);
            if owner != org_by_id.get(&d.org).copied() {
                return Err(GraphError::DependencyOrganisation {
                    dependency: d.id,
                    org: d.org,
                });
            }
            let missing = GraphError::DependencyTarget {
                dependency: d.id,
                target: d.target,
            };
            let target = match d.target {
                DependencyTarget::Service(s) => {
                    let t = *service_by_id.get(&s).ok_or(missing)?;
                    on_service.push((t.0, ix));
                    Node::Service(t)
                }
                DependencyTarget::Product(p) => {
                    let t = *product_by_id.get(&p).ok_or(missing)?;
                    on_product.push((t.0, ix));
                    Node::Product(t)
                }
                DependencyTarget::Asset(a) => {
                    let t = *asset_by_id.get(&a).ok_or(missing)?;
                    on_asset.push((t.0, ix));
                    Node::Asset(t)
                }
            };
            let workaround = d
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            deps.push(DepEdge {
                service,
                target,
                workaround,
            });
        }

        // What assets list as supported, where no dependency already joins the two.
        let mut joined: std::collections::HashSet<(u32, u32)> = deps
            .iter()
            .filter_map(|d| match d.target {
                Node::Asset(a) => Some((d.service.0, a.0)),
                _ => None,
            })
            .collect();
        for (asset, service) in input.asset_services {
            let Some(&a) = asset_by_id.get(asset) else {
                continue;
            };
            let s = *service_by_id.get(service).ok_or(GraphError::AssetService {
                asset: *asset,
                service: *service,
            })?;
            if !joined.insert((s.0, a.0)) {
                continue;
            }
            let ix = DepIx(count(deps.len(), "dependencies")?);
            own_deps.push((s.0, ix));
            on_asset.push((a.0, ix));
            deps.push(DepEdge {
                service: s,
                target: Node::Asset(a),
                workaround: None,
            });
        }

        Ok(Self {
            service_dependants: Lists::from_pairs(services.len(), on_service),
            product_dependants: Lists::from_pairs(products.len(), on_product),
            asset_dependants: Lists::from_pairs(assets.len(), on_asset),
            service_deps: Lists::from_pairs(services.len(), own_deps),
            org_services: Lists::from_pairs(orgs.len(), org_services),
            org_assets: Lists::from_pairs(orgs.len(), org_assets),
            org_products: Lists::from_pairs(orgs.len(), org_products),
            orgs,
            services,
            products,
            assets,
            deps,
            names,
            org_by_id,
            service_by_id,
            product_by_id,
            asset_by_id,
        })
    }

    pub(crate) fn org_ix(&self, id: OrgId) -> Option<OrgIx> {
        self.org_by_id.get(&id).copied()
    }
    pub(crate) fn service_ix(&self, id: ServiceId) -> Option<ServiceIx> {
        self.service_by_id.get(&id).copied()
    }
    pub(crate) fn product_ix(&self, id: ProductId) -> Option<ProductIx> {
        self.product_by_id.get(&id).copied()
    }
    pub(crate) fn asset_ix(&self, id: AssetId) -> Option<AssetIx> {
        self.asset_by_id.get(&id).copied()
    }

    pub(crate) fn org(&self, ix: OrgIx) -> Option<&OrgNode> {
        self.orgs.get(ix.0 as usize)
    }
    pub(crate) fn service(&self, ix: ServiceIx) -> Option<&ServiceNode> {
        self.services.get(ix.0 as usize)
    }
    pub(crate) fn product(&self, ix: ProductIx) -> Option<&ProductNode> {
        self.products.get(ix.0 as usize)
    }
    pub(crate) fn asset(&self, ix: AssetIx) -> Option<&AssetNode> {
        self.assets.get(ix.0 as usize)
    }
    pub(crate) fn dep(&self, ix: DepIx) -> Option<&DepEdge> {
        self.deps.get(ix.0 as usize)
    }

    /// Counts of what the graph holds: organisations, services, products, assets, dependencies.
    pub fn size(&self) -> GraphSize {
        GraphSize {
            organisations: self.orgs.len(),
            services: self.services.len(),
            products: self.products.len(),
            assets: self.assets.len(),
            dependencies: self.deps.len(),
        }
    }

    /// The organisation with this ODS code (case-insensitive).
    pub fn org_by_code(&self, code: &str) -> Option<OrgId> {
        let code = code.trim();
        self.orgs
            .iter()
            .find(|o| o.code.eq_ignore_ascii_case(code))
            .map(|o| o.id)
    }

    /// The supplier with this name or ODS code (case-insensitive, surrounding blanks ignored).
    pub fn supplier_by_name(&self, name: &str) -> Option<OrgId> {
        let name = name.trim();
        self.orgs
            .iter()
            .filter(|o| o.kind == OrgKind::Supplier)
            .find(|o| o.name.trim().eq_ignore_ascii_case(name) || o.code.eq_ignore_ascii_case(name))
            .map(|o| o.id)
    }

    /// The products whose CPE names the same vendor and product as `cpe` (versions and the rest
    /// ignored), in the order given to the graph.
    pub fn products_by_cpe(&self, cpe: &str) -> Vec<ProductId> {
        let Some(want) = cpe_vendor_product(cpe) else {
            return Vec::new();
        };
        self.products
            .iter()
            .filter(|p| p.cpe.as_deref().and_then(cpe_vendor_product).as_ref() == Some(&want))
            .map(|p| p.id)
            .collect()
    }

    /// Whether the graph holds this organisation, service, product or asset.
    pub fn has_org(&self, id: OrgId) -> bool {
        self.org_by_id.contains_key(&id)
    }
    pub fn has_service(&self, id: ServiceId) -> bool {
        self.service_by_id.contains_key(&id)
    }
    pub fn has_product(&self, id: ProductId) -> bool {
        self.product_by_id.contains_key(&id)
    }

    /// The organisation owning a service.
    pub fn service_org(&self, id: ServiceId) -> Option<OrgId> {
        let s = self.service(self.service_ix(id)?)?;
        self.org(s.org).map(|o| o.id)
    }

    /// The organisations directly depended on by services of `orgs`: the owners of the services
    /// and assets they depend on, and the suppliers of the products they depend on.
    pub fn depended_on_by(&self, orgs: &[OrgId]) -> Vec<OrgId> {
        let mut out: Vec<OrgId> = Vec::new();
        for org in orgs.iter().filter_map(|o| self.org_ix(*o)) {
            for s in self.org_services.of(org.0 as usize) {
                for d in self
                    .service_deps
                    .of(s.0 as usize)
                    .iter()
                    .filter_map(|d| self.dep(*d))
                {
                    let owner = match d.target {
                        Node::Service(t) => self.service(t).map(|t| t.org),
                        Node::Product(p) => self.product(p).map(|p| p.supplier),
                        Node::Asset(a) => self.asset(a).map(|a| a.org),
                    };
                    if let Some(o) = owner.and_then(|o| self.org(o)) {
                        out.push(o.id);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The organisation, with each one beneath it (in the current hierarchy), marked.
    pub(crate) fn subtree_marks(&self, roots: &[OrgId]) -> Vec<bool> {
        let mut marks = vec![false; self.orgs.len()];
        let roots: Vec<OrgIx> = roots.iter().filter_map(|r| self.org_ix(*r)).collect();
        for (i, mark) in marks.iter_mut().enumerate() {
            let mut at = Some(OrgIx(i as u32));
            let mut steps = 0usize;
            while let Some(o) = at {
                if roots.contains(&o) {
                    *mark = true;
                    break;
                }
                steps += 1;
                if steps > self.orgs.len() {
                    break;
                }
                at = self.org(o).and_then(|n| n.parent);
            }
        }
        marks
    }
}

/// How big a graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GraphSize {
    pub organisations: usize,
    pub services: usize,
    pub products: usize,
    pub assets: usize,
    pub dependencies: usize,
}
