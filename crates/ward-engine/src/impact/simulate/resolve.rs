//! A [`ScenarioSpec`] resolved against one graph: every name looked up once, each node's blast
//! radius worked out once, and every problem reported with its path (`nodes[2].org`) and reason.

use ward_core::ProductId;
use ward_core::org::OrgKind;
use ward_core::simulation::{AttackTarget, Recovery, ScenarioSpec};
use ward_core::supplier::ProductCategory;

use super::super::blast::{Cause, Effect, Loss};
use super::super::graph::ImpactGraph;

/// One thing wrong with a scenario, where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ScenarioProblem {
    /// `nodes[2].org`, `workarounds[0].service`.
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for ScenarioProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// One candidate lost thing: its loss's effect on each service.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// (service index, effect, whether lost itself rather than through a dependency).
    pub(crate) effects: Vec<(u32, Effect, bool)>,
    /// Daily throughput it affects (to decide which lost things teams help first).
    pub(crate) weight: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct ResolvedNode {
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) probability: f64,
    pub(crate) after: Vec<usize>,
    pub(crate) lag: f64,
    pub(crate) recovery: Recovery,
    /// A pathology product: what a second pathology supplier softens.
    pub(crate) pathology: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) nodes: Vec<ResolvedNode>,
    /// Node positions, each after those it follows.
    pub(crate) order: Vec<usize>,
    /// The names of what single-target nodes take out, joined (for the output's `target`).
    pub(crate) target: Option<String>,
    /// Per service: the share of throughput a workaround keeps when degraded.
    pub(crate) keeps: Vec<f64>,
}

fn field(target: &AttackTarget) -> &'static str {
    match target {
        AttackTarget::Supplier(_) => "supplier",
        AttackTarget::Product(_) => "product",
        AttackTarget::Org(_) => "org",
        AttackTarget::Service { .. } => "service",
        AttackTarget::EveryOrgOfKind(_) => "org_kind",
        AttackTarget::BusiestProduct(_) => "product_category",
    }
}

impl ImpactGraph {
    fn candidate(&self, loss: Loss) -> Option<Candidate> {
        let r = self.blast_radius(&[loss]).ok()?;
        let effects: Vec<(u32, Effect, bool)> = r
            .affected
            .iter()
            .map(|(s, e, c)| (s.0, *e, *c == Cause::Lost))
            .collect();
        let weight = effects
            .iter()
            .filter_map(|(s, _, _)| self.services.get(*s as usize))
            .map(|s| u64::from(s.throughput))
            .sum();
        Some(Candidate { effects, weight })
    }

    /// The product of `category` with the most dependants (ties to the earlier one).
    fn busiest_product(&self, category: ProductCategory) -> Option<(ProductId, String)> {
        let mut best: Option<(usize, usize)> = None;
        for (i, p) in self.products.iter().enumerate() {
            if p.category != category {
                continue;
            }
            let n = self.product_dependants.of(i).len();
            if n > 0 && best.is_none_or(|(m, _)| n > m) {
                best = Some((n, i));
            }
        }
        let p = self.products.get(best?.1)?;
        Some((p.id, p.name.clone()))
    }

    /// The product named by a CPE, an identifier or its name (case-insensitive).
    fn product_named(&self, text: &str) -> Option<(ProductId, String)> {
        let by_id = text
            .trim()
            .parse::<ProductId>()
            .ok()
            .filter(|p| self.has_product(*p));
        let id = by_id
            .or_else(|| self.products_by_cpe(text).into_iter().next())
            .or_else(|| {
                self.products
                    .iter()
                    .find(|p| p.name.trim().eq_ignore_ascii_case(text.trim()))
                    .map(|p| p.id)
            })?;
        let p = self.product(self.product_ix(id)?)?;
        Some((p.id, p.name.clone()))
    }

    /// The losses a target names, and a name for the output; `Err` is the reason it names nothing.
    fn losses_of(&self, target: &AttackTarget) -> Result<(Vec<Loss>, Option<String>, bool), String> {
        let pathology = |id: ProductId| {
            self.product_ix(id)
                .and_then(|ix| self.product(ix))
                .is_some_and(|p| p.category == ProductCategory::Pathology)
        };
        match target {
            AttackTarget::Supplier(name) => self
                .supplier_by_name(name)
                .map(|o| (vec![Loss::Org(o)], Some(name.trim().to_owned()), false))
                .ok_or_else(|| format!("no supplier is named or coded '{}'", name.trim())),
            AttackTarget::Product(text) => self
                .product_named(text)
                .map(|(id, name)| (vec![Loss::Product(id)], Some(name), pathology(id)))
                .ok_or_else(|| format!("no product has the CPE, identifier or name '{}'", text.trim())),
            AttackTarget::Org(code) => self
                .org_by_code(code)
                .map(|o| (vec![Loss::Org(o)], Some(code.trim().to_ascii_uppercase()), false))
                .ok_or_else(|| format!("no organisation has the ODS code '{}'", code.trim())),
            AttackTarget::Service { org, name } => {
                let o = self
                    .org_by_code(org)
                    .and_then(|o| self.org_ix(o))
                    .ok_or_else(|| format!("no organisation has the ODS code '{}'", org.trim()))?;
                self.org_services
                    .of(o.0 as usize)
                    .iter()
                    .filter_map(|s| self.service(*s))
                    .find(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
                    .map(|s| (vec![Loss::Service(s.id)], Some(s.name.clone()), false))
                    .ok_or_else(|| {
                        format!(
                            "organisation {} has no service named '{}'",
                            org.trim().to_ascii_uppercase(),
                            name.trim()
                        )
                    })
            }
            AttackTarget::EveryOrgOfKind(kind) => {
                let orgs: Vec<Loss> = self
                    .orgs
                    .iter()
                    .filter(|o| o.kind == *kind)
                    .map(|o| Loss::Org(o.id))
                    .collect();
                if orgs.is_empty() {
                    return Err(format!("the sector has no {}", plural(*kind)));
                }
                Ok((orgs, None, false))
            }
            AttackTarget::BusiestProduct(category) => self
                .busiest_product(*category)
                .map(|(id, name)| (vec![Loss::Product(id)], Some(name), pathology(id)))
                .ok_or_else(|| {
                    format!(
                        "the sector has no {} product that any service depends on",
                        category.label().to_lowercase()
                    )
                }),
        }
    }

    /// Resolve `spec`. A workaround naming no service is refused only when `strict` (scenario
    /// files); built-in scenarios name services the sector may not have.
    pub(crate) fn resolve(
        &self,
        spec: &ScenarioSpec,
        strict: bool,
    ) -> Result<Resolved, Vec<ScenarioProblem>> {
        let mut problems = Vec::new();
        let mut nodes = Vec::with_capacity(spec.nodes().len());
        let mut targets: Vec<String> = Vec::new();
        for (i, n) in spec.nodes().iter().enumerate() {
            match self.losses_of(&n.target) {
                Err(reason) => problems.push(ScenarioProblem {
                    path: format!("nodes[{i}].{}", field(&n.target)),
                    reason,
                }),
                Ok((losses, name, pathology)) => {
                    targets.extend(name);
                    nodes.push(ResolvedNode {
                        candidates: losses.into_iter().filter_map(|l| self.candidate(l)).collect(),
                        probability: n.probability.get(),
                        after: n.after.clone(),
                        lag: n.lag.get(),
                        recovery: n.recovery,
                        pathology,
                    });
                }
            }
        }
        let mut by_name: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
        for (i, w) in spec.workarounds.iter().enumerate() {
            let folded = w.service.trim().to_lowercase();
            let known = self.names.iter().any(|n| n.to_lowercase() == folded);
            if !known && strict {
                problems.push(ScenarioProblem {
                    path: format!("workarounds[{i}].service"),
                    reason: format!("no organisation has a service named '{}'", w.service.trim()),
                });
            }
            by_name.insert(folded, w.keeps.get());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let default = spec.default_keeps.get();
        let name_keeps: Vec<f64> = self
            .names
            .iter()
            .map(|n| by_name.get(&n.to_lowercase()).copied().unwrap_or(default))
            .collect();
        let keeps = self
            .services
            .iter()
            .map(|s| name_keeps.get(s.name_key as usize).copied().unwrap_or(default))
            .collect();
        Ok(Resolved {
            nodes,
            order: spec.order(),
            target: (!targets.is_empty()).then(|| targets.join(", ")),
            keeps,
        })
    }
}

fn plural(kind: OrgKind) -> String {
    let label = kind.label().to_lowercase();
    if label.ends_with('y') {
        format!("{}ies", label.trim_end_matches('y'))
    } else {
        format!("{label}s")
    }
}
