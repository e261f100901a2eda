//! The CISO Assistant library format: `objects.framework.requirement_nodes`, a flat list of nodes
//! each naming its parent by URN, the assessable ones being the requirements.
//!
//! The shape is mapped onto objectives > principles > outcomes > indicators: the top node of a
//! requirement's chain is its objective, the next its principle, and its nearest other ancestor
//! below those its outcome (the principle stands in as the outcome where there is none). Every
//! requirement is an indicator in the achieved column (these libraries list what good looks like,
//! not the other two columns). A requirement is known by its reference id, or where it has none by
//! the last part of its URN (`node45`), which the library keeps stable.
//!
//! Frameworks read from these libraries are kept apart from WebCAF ones: their identifier starts
//! with `ciso-` (`ciso-ncsc-caf`), since their CAF copies lack two of the three columns.

use std::collections::HashMap;

use serde_json::Value;
use ward_core::assurance::{Framework, FrameworkFormat, Indicator, Level, Objective, Outcome, Principle};

use super::{Reader, get, pairs_of, text};
use crate::json::at;

const NODES: &str = "/objects/framework/requirement_nodes";

struct Node<'v> {
    path: String,
    urn: String,
    parent: Option<String>,
    code: String,
    title: String,
    description: String,
    assessable: bool,
    fields: Vec<(&'v str, &'v Value)>,
}

pub(super) fn read(r: &mut Reader, top: &[(&str, &Value)], version: Option<&str>) -> Framework {
    let objects = get(top, "objects").and_then(pairs_of).unwrap_or_default();
    let framework = get(&objects, "framework").and_then(pairs_of).unwrap_or_default();
    let name = text(&framework, "name")
        .or_else(|| text(top, "name"))
        .unwrap_or_else(|| "(unnamed framework)".into());
    let reference = text(&framework, "urn")
        .and_then(|u| u.rsplit(':').next().map(str::to_owned))
        .or_else(|| text(&framework, "ref_id"))
        .unwrap_or_else(|| "framework".into());
    let version = version
        .map(str::to_owned)
        .or_else(|| version_in(&name))
        .or_else(|| trailing_version(&reference))
        .or_else(|| text(top, "version"))
        .unwrap_or_else(|| "1".into());

    let nodes = read_nodes(r, get(&framework, "requirement_nodes"));
    let by_urn: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.urn.as_str(), i))
        .collect();

    let mut tree = Tree::default();
    for (i, node) in nodes.iter().enumerate() {
        if let Some(parent) = &node.parent
            && !by_urn.contains_key(parent.as_str())
        {
            r.error(
                at(&node.path, "parent_urn"),
                format!("no node has the URN {parent}"),
            );
            continue;
        }
        if !node.assessable {
            continue;
        }
        let Some(chain) = grouping_ancestors(&nodes, &by_urn, i) else {
            r.error(&node.path, "the parents of this requirement form a loop");
            continue;
        };
        let Some(&objective) = chain.first() else {
            r.error(
                &node.path,
                "a requirement at the top level has no objective above it",
            );
            continue;
        };
        let principle = chain.get(1).copied().unwrap_or(objective);
        let outcome = if chain.len() >= 3 {
            chain[chain.len() - 1]
        } else {
            principle
        };
        let (p, o) = (&nodes[principle], &nodes[outcome]);
        if outcome != principle && !o.code.starts_with(&format!("{}.", p.code)) && has_ref(o) && has_ref(p) {
            r.error(
                &o.path,
                format!("outcome {} does not belong to principle {}", o.code, p.code),
            );
        }
        let Some(statement) = [node.description.as_str(), node.title.as_str()]
            .into_iter()
            .find(|t| !t.is_empty())
            .map(str::to_owned)
        else {
            r.error(&node.path, "indicator without text (no description or name)");
            continue;
        };
        let local = urn_tail(&node.urn);
        let preferred = text(&node.fields, "ref_id").unwrap_or_else(|| local.clone());
        let position = tree.indicator_count(objective, principle, outcome) + 1;
        let id = r.claim(&node.path, Some(&preferred), &o.code, &local, position);
        tree.add(
            &nodes,
            objective,
            principle,
            outcome,
            Indicator {
                id,
                level: Level::Achieved,
                text: statement,
            },
        );
    }
    let slug = strip_version(&reference, &version)
        .replace('_', "-")
        .to_ascii_lowercase();
    Framework {
        id: format!("ciso-{slug}"),
        version,
        name,
        format: FrameworkFormat::CisoAssistant,
        objectives: tree.objectives,
    }
}

fn read_nodes<'v>(r: &mut Reader, list: Option<&'v Value>) -> Vec<Node<'v>> {
    let Some(items) = list.and_then(Value::as_array) else {
        r.error(NODES, "expected a list of requirement nodes");
        return Vec::new();
    };
    let mut nodes = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = at(NODES, i);
        let Some(fields) = r.mapping(item, &path) else {
            continue;
        };
        let Some(urn) = text(&fields, "urn") else {
            r.error(at(&path, "urn"), "a requirement node has no urn");
            continue;
        };
        let code = text(&fields, "ref_id").unwrap_or_else(|| urn_tail(&urn));
        let description = text(&fields, "description").unwrap_or_default();
        let title = text(&fields, "name").unwrap_or_else(|| first_line(&description));
        nodes.push(Node {
            path,
            parent: text(&fields, "parent_urn"),
            assessable: matches!(get(&fields, "assessable"), Some(Value::Bool(true))),
            urn,
            code,
            title,
            description,
            fields,
        });
    }
    nodes
}

/// The non-assessable ancestors of node `i`, top first; `None` when the parents loop.
fn grouping_ancestors(nodes: &[Node<'_>], by_urn: &HashMap<&str, usize>, i: usize) -> Option<Vec<usize>> {
    let mut chain = Vec::new();
    let mut at = nodes[i].parent.as_deref().and_then(|p| by_urn.get(p).copied());
    let mut steps = 0;
    while let Some(j) = at {
        steps += 1;
        if steps > nodes.len() {
            return None;
        }
        if !nodes[j].assessable {
            chain.push(j);
        }
        at = nodes[j].parent.as_deref().and_then(|p| by_urn.get(p).copied());
    }
    chain.reverse();
    Some(chain)
}

/// Objectives, principles and outcomes in order of first use, found by node position.
#[derive(Default)]
struct Tree {
    objectives: Vec<Objective>,
    places: HashMap<(usize, usize, usize), (usize, usize, usize)>,
    objective_at: HashMap<usize, usize>,
    principle_at: HashMap<(usize, usize), usize>,
}

impl Tree {
    fn indicator_count(&self, o: usize, p: usize, c: usize) -> usize {
        self.places.get(&(o, p, c)).map_or(0, |&(a, b, d)| {
            self.objectives[a].principles[b].outcomes[d].indicators.len()
        })
    }

    fn add(&mut self, nodes: &[Node<'_>], o: usize, p: usize, c: usize, indicator: Indicator) {
        let a = match self.objective_at.get(&o) {
            Some(&a) => a,
            None => {
                self.objectives.push(Objective {
                    code: nodes[o].code.clone(),
                    title: nodes[o].title.clone(),
                    description: nodes[o].description.clone(),
                    principles: Vec::new(),
                });
                self.objective_at.insert(o, self.objectives.len() - 1);
                self.objectives.len() - 1
            }
        };
        let principles = &mut self.objectives[a].principles;
        let b = match self.principle_at.get(&(o, p)) {
            Some(&b) => b,
            None => {
                principles.push(Principle {
                    code: nodes[p].code.clone(),
                    title: nodes[p].title.clone(),
                    description: nodes[p].description.clone(),
                    outcomes: Vec::new(),
                });
                self.principle_at.insert((o, p), principles.len() - 1);
                principles.len() - 1
            }
        };
        let outcomes = &mut principles[b].outcomes;
        let d = match self.places.get(&(o, p, c)) {
            Some(&(_, _, d)) => d,
            None => {
                outcomes.push(Outcome {
                    code: nodes[c].code.clone(),
                    title: nodes[c].title.clone(),
                    description: nodes[c].description.clone(),
                    indicators: Vec::new(),
                    profiles: Default::default(),
                });
                self.places.insert((o, p, c), (a, b, outcomes.len() - 1));
                outcomes.len() - 1
            }
        };
        outcomes[d].indicators.push(indicator);
    }
}

fn has_ref(n: &Node<'_>) -> bool {
    text(&n.fields, "ref_id").is_some()
}

fn urn_tail(urn: &str) -> String {
    urn.rsplit(':').next().unwrap_or(urn).to_owned()
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(120) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_owned(),
    }
}

/// `4.0` in `NCSC - Cyber Assessment Framework (CAF) v4.0`: a `v` followed by digits and dots.
fn version_in(name: &str) -> Option<String> {
    name.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter_map(|w| w.strip_prefix('v').or_else(|| w.strip_prefix('V')))
        .map(|v| v.trim_end_matches('.'))
        .find(|v| {
            v.starts_with(|c: char| c.is_ascii_digit()) && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
        .map(str::to_owned)
}

/// `4.0` in `ncsc-caf-4.0`.
fn trailing_version(reference: &str) -> Option<String> {
    let (_, tail) = reference.rsplit_once(['-', '_'])?;
    (tail.contains('.') && tail.chars().all(|c| c.is_ascii_digit() || c == '.')).then(|| tail.to_owned())
}

fn strip_version<'a>(reference: &'a str, version: &str) -> &'a str {
    reference
        .strip_suffix(version)
        .map(|s| s.trim_end_matches(['-', '_']))
        .filter(|s| !s.is_empty())
        .unwrap_or(reference)
}
