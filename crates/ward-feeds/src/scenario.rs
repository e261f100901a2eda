//! Dry-run scenario files (`ward simulate --scenario FILE`), YAML or JSON (JSON is YAML too), into
//! a [`ScenarioSpec`]. The format is in `docs/simulation.md`; `docs/examples/scenario.yaml` is
//! loaded by the tests.
//!
//! Everything wrong is reported at once, each with its path (`nodes[2].recovery.median_days`) and
//! reason, and the file is refused whole ([`FeedError::Rejected`]): unknown keys (a typo would
//! silently change nothing), a node naming no target or two, negative or endless durations, shares
//! outside 0 to 1, `after` naming no node, and cycles of `after` (each node would wait for the
//! other: the run would be ill-defined). Whether the organisations and services it names exist is
//! the dependency graph's to say (`ward-engine` refuses those with the same paths).

use serde_json::{Map, Value};
use ward_core::org::OrgKind;
use ward_core::simulation::{
    AttackNode, AttackTarget, Days, MAX_DAYS, MAX_SPREAD, MutualAid, Recovery, ScenarioSpec, Share,
    StagedRecovery, WorkaroundShare, first_in_cycle,
};
use ward_core::supplier::ProductCategory;

use crate::limits::Limits;
use crate::problem::{Action, FeedError, Problem};

/// The most nodes a scenario may have.
pub const MAX_NODES: usize = 1000;
/// The most response teams a scenario may assume.
pub const MAX_TEAMS: u64 = 10_000;

const TARGETS: [&str; 6] = [
    "supplier",
    "product",
    "org",
    "service",
    "org_kind",
    "product_category",
];
const NODE_KEYS: [&str; 5] = ["name", "probability", "after", "lag_days", "recovery"];
const TOP_KEYS: [&str; 9] = [
    "name",
    "mutual_aid",
    "staged_recovery",
    "response_teams",
    "unhelped_factor",
    "dependency_lag_days",
    "default_workaround_keeps",
    "workarounds",
    "nodes",
];

struct Reader {
    file: String,
    problems: Vec<Problem>,
}

impl Reader {
    fn bad(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        if self.problems.len() < crate::limits::MAX_PROBLEMS {
            self.problems.push(Problem {
                file: self.file.clone(),
                path: path.into(),
                reason: reason.into(),
                action: Action::Skipped,
            });
        }
    }

    fn keys(&mut self, obj: &Map<String, Value>, path: &str, known: &[&str]) {
        for k in obj.keys() {
            if !known.contains(&k.as_str()) {
                let at = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                self.bad(at, format!("unknown key (known: {})", known.join(", ")));
            }
        }
    }

    fn text(&mut self, v: Option<&Value>, path: &str, required: bool) -> Option<String> {
        match v {
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.bad(path, "required");
                None
            }
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 200 => Some(s.trim().to_owned()),
            Some(Value::String(s)) if s.len() > 200 => {
                self.bad(path, "longer than 200 characters");
                None
            }
            Some(_) => {
                self.bad(path, "expected a non-empty text");
                None
            }
        }
    }

    /// A number (YAML keeps plain scalars as text, so text that reads as a number counts).
    fn number(&mut self, v: Option<&Value>, path: &str) -> Option<f64> {
        let n = match v? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.bad(path, "expected a number");
                None
            }
        }
    }

    fn share(&mut self, v: Option<&Value>, path: &str) -> Option<Share> {
        let n = self.number(v, path)?;
        let s = Share::new(n);
        if s.is_none() {
            self.bad(path, format!("{n} is not a share: give a number from 0 to 1"));
        }
        s
    }

    fn days(&mut self, v: Option<&Value>, path: &str) -> Option<Days> {
        let n = self.number(v, path)?;
        let d = Days::new(n);
        if d.is_none() {
            let why = if n < 0.0 {
                "a duration cannot be negative"
            } else {
                "longer than ten years"
            };
            self.bad(path, format!("{n} days: {why} (0 to {MAX_DAYS})"));
        }
        d
    }
}

fn object<'v>(r: &mut Reader, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
    let o = v.as_object();
    if o.is_none() {
        r.bad(path, "expected a mapping");
    }
    o
}

fn array<'v>(r: &mut Reader, v: Option<&'v Value>, path: &str) -> &'v [Value] {
    match v {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(_) => {
            r.bad(path, "expected a list");
            &[]
        }
    }
}

fn target(r: &mut Reader, o: &Map<String, Value>, path: &str) -> Option<AttackTarget> {
    let given: Vec<&str> = TARGETS.iter().copied().filter(|k| o.contains_key(*k)).collect();
    let [key] = given.as_slice() else {
        r.bad(
            path,
            format!(
                "name exactly one of {} (found {})",
                TARGETS.join(", "),
                if given.is_empty() {
                    "none".to_owned()
                } else {
                    given.join(", ")
                }
            ),
        );
        return None;
    };
    let at = format!("{path}.{key}");
    let v = o.get(*key);
    match *key {
        "supplier" => r.text(v, &at, true).map(AttackTarget::Supplier),
        "product" => r.text(v, &at, true).map(AttackTarget::Product),
        "org" => r.text(v, &at, true).map(AttackTarget::Org),
        "service" => {
            let s = object(r, v?, &at)?;
            r.keys(s, &at, &["org", "name"]);
            let org = r.text(s.get("org"), &format!("{at}.org"), true);
            let name = r.text(s.get("name"), &format!("{at}.name"), true);
            Some(AttackTarget::Service {
                org: org?,
                name: name?,
            })
        }
        "org_kind" => {
            let t = r.text(v, &at, true)?;
            let k =
                <OrgKind as strum::IntoEnumIterator>::iter().find(|k| k.as_str() == t.to_ascii_lowercase());
            if k.is_none() {
                let known: Vec<&str> = <OrgKind as strum::IntoEnumIterator>::iter()
                    .map(OrgKind::as_str)
                    .collect();
                r.bad(&at, format!("unknown kind '{t}' (known: {})", known.join(", ")));
            }
            k.map(AttackTarget::EveryOrgOfKind)
        }
        _ => {
            let t = r.text(v, &at, true)?;
            let c = <ProductCategory as strum::IntoEnumIterator>::iter()
                .find(|c| c.as_str() == t.to_ascii_lowercase());
            if c.is_none() {
                let known: Vec<&str> = <ProductCategory as strum::IntoEnumIterator>::iter()
                    .map(ProductCategory::as_str)
                    .collect();
                r.bad(
                    &at,
                    format!("unknown category '{t}' (known: {})", known.join(", ")),
                );
            }
            c.map(AttackTarget::BusiestProduct)
        }
    }
}

/// `mutual_aid: {spare_share, travel_share}`, each defaulting to [`MutualAid::DEFAULT`]'s.
fn mutual_aid(r: &mut Reader, v: Option<&Value>) -> Option<MutualAid> {
    let Some(v) = v else {
        return Some(MutualAid::DEFAULT);
    };
    let o = object(r, v, "mutual_aid")?;
    r.keys(o, "mutual_aid", &["spare_share", "travel_share"]);
    let spare = match o.get("spare_share") {
        None => Some(MutualAid::DEFAULT.spare),
        Some(v) => r.share(Some(v), "mutual_aid.spare_share"),
    };
    let travel = match o.get("travel_share") {
        None => Some(MutualAid::DEFAULT.travel),
        Some(v) => r.share(Some(v), "mutual_aid.travel_share"),
    };
    Some(MutualAid {
        spare: spare?,
        travel: travel?,
    })
}

/// `staged_recovery: {first_share, first_at}` (both required), or nothing.
fn staged(r: &mut Reader, v: Option<&Value>) -> Option<Option<StagedRecovery>> {
    let Some(v) = v else {
        return Some(None);
    };
    let o = object(r, v, "staged_recovery")?;
    r.keys(o, "staged_recovery", &["first_share", "first_at"]);
    let mut part = |key: &str, what: &str| {
        let at = format!("staged_recovery.{key}");
        match o.get(key) {
            None => {
                r.bad(&at, format!("required: {what}, 0 to 1"));
                None
            }
            Some(v) => r.share(Some(v), &at),
        }
    };
    let first_share = part(
        "first_share",
        "the share of lost capacity back at the first stage",
    );
    let first_at = part(
        "first_at",
        "when the first stage comes, as a share of the recovery time",
    );
    Some(Some(StagedRecovery {
        first_share: first_share?,
        first_at: first_at?,
    }))
}

fn recovery(r: &mut Reader, v: Option<&Value>, path: &str) -> Option<Recovery> {
    let Some(v) = v else {
        r.bad(path, "required: median_days and spread");
        return None;
    };
    let o = object(r, v, path)?;
    r.keys(o, path, &["median_days", "spread"]);
    let median_at = format!("{path}.median_days");
    let median = match o.get("median_days") {
        None => {
            r.bad(&median_at, "required");
            None
        }
        Some(m) => r.days(Some(m), &median_at),
    };
    if median.is_some_and(|d| d.get() <= 0.0) {
        r.bad(&median_at, "a recovery takes more than 0 days");
        return None;
    }
    let spread_at = format!("{path}.spread");
    let spread = match o.get("spread") {
        None => Some(0.0),
        Some(s) => r.number(Some(s), &spread_at),
    };
    if spread.is_some_and(|s| !(0.0..=MAX_SPREAD).contains(&s)) {
        r.bad(&spread_at, format!("give a spread from 0 to {MAX_SPREAD}"));
        return None;
    }
    Recovery::new(median?.get(), spread?)
}

/// Read a scenario file within `limits`. `file` names it in errors.
pub fn parse_scenario(file: &str, text: &str, limits: &Limits) -> Result<ScenarioSpec, FeedError> {
    let doc = crate::yaml::to_json_with(file, text, limits)?;
    let mut r = Reader {
        file: file.to_owned(),
        problems: Vec::new(),
    };
    let spec = read(&mut r, &doc);
    match spec {
        Some(s) if r.problems.is_empty() => Ok(s),
        _ => {
            if r.problems.is_empty() {
                r.bad("", "not a scenario");
            }
            Err(FeedError::Rejected {
                file: file.to_owned(),
                problems: r.problems,
            })
        }
    }
}

fn read(r: &mut Reader, doc: &Value) -> Option<ScenarioSpec> {
    let Some(top) = doc.as_object() else {
        r.bad("", "expected a mapping with name and nodes");
        return None;
    };
    r.keys(top, "", &TOP_KEYS);
    let name = r.text(top.get("name"), "name", true);
    let raw_nodes = array(r, top.get("nodes"), "nodes");
    if raw_nodes.len() > MAX_NODES {
        r.bad("nodes", format!("more than {MAX_NODES} nodes"));
        return None;
    }
    if raw_nodes.is_empty() {
        r.bad("nodes", "required: at least one thing the attack takes out");
    }
    // Names first, so `after` may name a node further down.
    let names: Vec<Option<String>> = raw_nodes
        .iter()
        .map(|n| {
            n.get("name")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_ascii_lowercase())
        })
        .collect();
    let mut nodes = Vec::with_capacity(raw_nodes.len());
    for (i, raw) in raw_nodes.iter().enumerate() {
        let path = format!("nodes[{i}]");
        let Some(o) = object(r, raw, &path) else { continue };
        let mut known: Vec<&str> = NODE_KEYS.to_vec();
        known.extend(TARGETS);
        r.keys(o, &path, &known);
        let name = r.text(o.get("name"), &format!("{path}.name"), true);
        if let Some(n) = &name
            && names
                .iter()
                .take(i)
                .any(|m| m.as_deref() == Some(n.to_ascii_lowercase().as_str()))
        {
            r.bad(format!("{path}.name"), format!("'{n}' names an earlier node too"));
        }
        let target = target(r, o, &path);
        let probability = match o.get("probability") {
            None => Some(Share::ALL),
            Some(v) => r.share(Some(v), &format!("{path}.probability")),
        };
        let lag = match o.get("lag_days") {
            None => Some(Days::ZERO),
            Some(v) => r.days(Some(v), &format!("{path}.lag_days")),
        };
        let mut after = Vec::new();
        for (j, a) in array(r, o.get("after"), &format!("{path}.after"))
            .iter()
            .enumerate()
        {
            let at = format!("{path}.after[{j}]");
            let Some(a) = r.text(Some(a), &at, true) else {
                continue;
            };
            match names
                .iter()
                .position(|m| m.as_deref() == Some(a.to_ascii_lowercase().as_str()))
            {
                Some(k) => after.push(k),
                None => r.bad(at, format!("no node is named '{a}'")),
            }
        }
        let recovery = recovery(r, o.get("recovery"), &format!("{path}.recovery"));
        if let (Some(name), Some(target), Some(probability), Some(lag), Some(recovery)) =
            (name, target, probability, lag, recovery)
        {
            nodes.push(AttackNode {
                name,
                target,
                probability,
                after,
                lag,
                recovery,
            });
        }
    }
    if nodes.len() == raw_nodes.len()
        && let Some(c) = first_in_cycle(&nodes)
    {
        r.bad(
            format!("nodes[{c}].after"),
            "a cycle: these nodes each wait for another to fall, so none ever would",
        );
    }
    let mut workarounds = Vec::new();
    for (i, w) in array(r, top.get("workarounds"), "workarounds").iter().enumerate() {
        let path = format!("workarounds[{i}]");
        let Some(o) = object(r, w, &path) else { continue };
        r.keys(o, &path, &["service", "keeps"]);
        let service = r.text(o.get("service"), &format!("{path}.service"), true);
        let keeps = match o.get("keeps") {
            None => {
                r.bad(
                    format!("{path}.keeps"),
                    "required: the share of throughput kept, 0 to 1",
                );
                None
            }
            Some(v) => r.share(Some(v), &format!("{path}.keeps")),
        };
        if let (Some(service), Some(keeps)) = (service, keeps) {
            workarounds.push(WorkaroundShare { service, keeps });
        }
    }
    let teams = match top.get("response_teams") {
        None => Some(3),
        Some(v) => match r.number(Some(v), "response_teams") {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_TEAMS as f64 => Some(n as u32),
            Some(n) => {
                r.bad(
                    "response_teams",
                    format!("{n}: give a whole number from 0 to {MAX_TEAMS}"),
                );
                None
            }
            None => None,
        },
    };
    let unhelped = match top.get("unhelped_factor") {
        None => Some(1.5),
        Some(v) => match r.number(Some(v), "unhelped_factor") {
            Some(n) if (1.0..=100.0).contains(&n) => Some(n),
            Some(n) => {
                r.bad("unhelped_factor", format!("{n}: give a factor from 1 to 100"));
                None
            }
            None => None,
        },
    };
    let lag = match top.get("dependency_lag_days") {
        None => Some(Days::ZERO),
        Some(v) => r.days(Some(v), "dependency_lag_days"),
    };
    let keeps = match top.get("default_workaround_keeps") {
        None => Share::new(0.5),
        Some(v) => r.share(Some(v), "default_workaround_keeps"),
    };
    let aid = mutual_aid(r, top.get("mutual_aid"));
    let stages = staged(r, top.get("staged_recovery"));
    if !r.problems.is_empty() {
        return None;
    }
    let mut spec = match ScenarioSpec::new(name?, nodes) {
        Ok(s) => s,
        Err(e) => {
            r.bad("nodes", e.to_string());
            return None;
        }
    };
    spec.response_teams = teams?;
    spec.unhelped = unhelped?;
    spec.dependency_lag = lag?;
    spec.default_keeps = keeps?;
    spec.workarounds = workarounds;
    spec.mutual_aid = aid?;
    spec.staged_recovery = stages?;
    Some(spec)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn problems(text: &str) -> Vec<(String, String)> {
        match parse_scenario("s.yaml", text, &Limits::default()) {
            Err(FeedError::Rejected { problems, .. }) => {
                problems.into_iter().map(|p| (p.path, p.reason)).collect()
            }
            other => panic!("not rejected: {other:?}"),
        }
    }

    #[test]
    fn the_documented_example_reads() {
        let text = include_str!("../../../docs/examples/scenario.yaml");
        let s = parse_scenario("scenario.yaml", text, &Limits::default()).unwrap();
        assert_eq!(s.name, "london-pathology-and-hub");
        assert_eq!(s.nodes().len(), 3);
        assert_eq!(s.nodes()[1].after, vec![0]);
        let order = s.order();
        let at = |n: usize| order.iter().position(|i| *i == n).unwrap();
        assert_eq!(order.len(), 3);
        assert!(at(0) < at(1), "the hub falls after the LIMS: {order:?}");
        assert_eq!(s.workarounds.len(), 2);
        assert_eq!(s.response_teams, 2);
        assert!(matches!(
            s.nodes()[0].target,
            AttackTarget::BusiestProduct(ProductCategory::Pathology)
        ));
    }

    #[test]
    fn json_reads_like_yaml() {
        let s = parse_scenario(
            "s.json",
            r#"{"name": "one", "nodes": [{"name": "a", "org": "RJZ", "recovery": {"median_days": 3, "spread": 0.5}}]}"#,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(s.nodes()[0].target, AttackTarget::Org("RJZ".into()));
        assert_eq!(s.nodes()[0].recovery.median_days(), 3.0);
    }

    #[test]
    fn impossible_values_are_refused_with_their_paths() {
        let p = problems(
            "name: bad
default_workaround_keeps: 1.5
response_teams: -1
workarounds:
  - service: Outpatients
    keeps: -0.2
nodes:
  - name: a
    org: RJZ
    probability: 2
    lag_days: -3
    recovery: {median_days: -70, spread: 0.3}
  - name: b
    org: RJZ
    supplier: Acme
    recovery: {median_days: 3}
  - name: c
    org_kind: hospital
    colour: red
    after: [zzz]
    recovery: {median_days: 3, spread: 9}
",
        );
        let paths: Vec<&str> = p.iter().map(|(a, _)| a.as_str()).collect();
        for want in [
            "nodes[0].probability",
            "nodes[0].lag_days",
            "nodes[0].recovery.median_days",
            "nodes[1]",
            "nodes[2].colour",
            "nodes[2].org_kind",
            "nodes[2].after[0]",
            "nodes[2].recovery.spread",
            "workarounds[0].keeps",
            "response_teams",
            "default_workaround_keeps",
        ] {
            assert!(paths.contains(&want), "{want} missing from {p:?}");
        }
        let reason = |path: &str| p.iter().find(|(a, _)| a == path).map(|(_, r)| r.clone()).unwrap();
        assert!(reason("nodes[0].lag_days").contains("negative"));
        assert!(reason("workarounds[0].keeps").contains("0 to 1"));
        assert!(reason("nodes[1]").contains("exactly one"));
    }

    #[test]
    fn mutual_aid_and_staged_recovery_read_and_shares_outside_0_to_1_are_refused() {
        let one = "nodes:\n  - {name: a, org: RJZ, recovery: {median_days: 3}}\n";
        let s = parse_scenario("s.yaml", &format!("name: x\n{one}"), &Limits::default()).unwrap();
        assert_eq!(s.mutual_aid, MutualAid::DEFAULT);
        assert_eq!(s.staged_recovery, None);
        let s = parse_scenario(
            "s.yaml",
            &format!(
                "name: x\nmutual_aid: {{spare_share: 0.25}}\nstaged_recovery: {{first_share: 0.6, first_at: 0.5}}\n{one}"
            ),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(s.mutual_aid.spare.get(), 0.25);
        assert_eq!(s.mutual_aid.travel, MutualAid::DEFAULT.travel);
        assert_eq!(s.staged_recovery.map(|x| x.lost_factor()), Some(0.7));
        let p = problems(&format!(
            "name: x\nmutual_aid: {{spare_share: 1.2, travel_share: -0.5, far: 1}}\nstaged_recovery: {{first_share: 2}}\n{one}"
        ));
        let paths: Vec<&str> = p.iter().map(|(a, _)| a.as_str()).collect();
        for want in [
            "mutual_aid.spare_share",
            "mutual_aid.travel_share",
            "mutual_aid.far",
            "staged_recovery.first_share",
            "staged_recovery.first_at",
        ] {
            assert!(paths.contains(&want), "{want} missing from {p:?}");
        }
        let reason = |path: &str| p.iter().find(|(a, _)| a == path).map(|(_, r)| r.clone()).unwrap();
        assert!(reason("mutual_aid.spare_share").contains("0 to 1"));
        assert!(reason("mutual_aid.travel_share").contains("-0.5"));
    }

    #[test]
    fn cycles_of_after_are_refused() {
        let p = problems(
            "name: loop
nodes:
  - {name: a, org: RJZ, after: [c], recovery: {median_days: 3}}
  - {name: b, org: RAL, after: [a], recovery: {median_days: 3}}
  - {name: c, org: RA7, after: [b], recovery: {median_days: 3}}
",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "nodes[0].after");
        assert!(p[0].1.contains("cycle"));
    }

    #[test]
    fn what_is_not_a_scenario_is_refused_not_panicked_on() {
        for text in [
            "",
            "- a\n- b",
            "name: x",
            "name: x\nnodes: 3",
            "{",
            "nodes: [1, null, {}]",
        ] {
            assert!(
                parse_scenario("s.yaml", text, &Limits::default()).is_err(),
                "{text}"
            );
        }
    }
}
