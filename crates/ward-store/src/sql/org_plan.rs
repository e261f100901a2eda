//! Planning an organisation import, without a database: which codes are new, changed or
//! unchanged, which parents are refused, the audit events, and the paths of new organisations.
//! [`super::orgs`] reads what the plan needs, then writes it set by set.

use std::collections::{HashMap, HashSet};

use ward_core::OrgId;
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::org::Organisation;

use crate::{AuditMeta, StoreError, StoreResult, UpsertCounts};

/// One organisation of an import: what was stored before (if anything) and the state to store.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) before: Option<Organisation>,
    pub(crate) current: Organisation,
}

impl Pending {
    /// True when the parent is new or changes (a new organisation with a parent counts).
    pub(crate) fn moves(&self) -> bool {
        match &self.before {
            None => self.current.parent.is_some(),
            Some(b) => b.parent != self.current.parent,
        }
    }
}

/// What an import will do: one pending row per code (in order of first appearance), the counts
/// and audit events as if the items were applied one after another.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) pending: Vec<Pending>,
    pub(crate) counts: UpsertCounts,
    pub(crate) events: Vec<AuditEvent>,
}

fn own_parent(index: usize) -> StoreError {
    StoreError::Invalid(format!(
        "orgs[{index}].parent: an organisation cannot be its own parent"
    ))
}

fn missing_parent(index: usize, parent: OrgId) -> StoreError {
    StoreError::Invalid(format!(
        "orgs[{index}].parent: organisation {parent} does not exist (parents must come first)"
    ))
}

/// Fold the slice into one pending state per code. Existing rows (`stored`, by code) keep their
/// id, also where later items name the given id as a parent. A new or changed parent must be
/// stored already (`stored_parents`) or come earlier in the slice, and may not be the
/// organisation itself. Cycles through stored organisations are checked once written.
pub(crate) fn plan_upsert(
    orgs: &[Organisation],
    mut stored: HashMap<String, Organisation>,
    stored_parents: &HashSet<OrgId>,
    audit: &AuditMeta,
) -> StoreResult<Plan> {
    let mut plan = Plan {
        pending: Vec::with_capacity(orgs.len()),
        counts: UpsertCounts::default(),
        events: Vec::new(),
    };
    let mut by_code: HashMap<String, usize> = HashMap::with_capacity(orgs.len());
    let mut id_map: HashMap<OrgId, OrgId> = HashMap::new();
    let mut seen: HashSet<OrgId> = HashSet::new();
    for (index, given) in orgs.iter().enumerate() {
        let mut current = given.clone();
        current.parent = current.parent.map(|p| id_map.get(&p).copied().unwrap_or(p));
        let code = given.code.as_str().to_owned();
        let slot = by_code.get(&code).copied();
        let before = match slot.and_then(|i| plan.pending.get(i)) {
            Some(p) => Some(p.current.clone()),
            None => stored.remove(&code),
        };
        if let Some(b) = &before {
            current.id = b.id;
        }
        if current.id != given.id {
            id_map.insert(given.id, current.id);
        }
        if let Some(parent) = current.parent
            && before.as_ref().is_none_or(|b| b.parent != current.parent)
        {
            if parent == current.id {
                return Err(own_parent(index));
            }
            if !stored_parents.contains(&parent) && !seen.contains(&parent) {
                return Err(missing_parent(index, parent));
            }
        }
        seen.insert(current.id);
        let id = current.id.to_string();
        match &before {
            None => {
                plan.counts.inserted += 1;
                let after = Some(digest_json(&current));
                plan.events.push(
                    audit
                        .change("org.create", "organisation", id)
                        .org(current.id)
                        .after_opt(after)
                        .build(),
                );
            }
            Some(b) if *b == current => plan.counts.unchanged += 1,
            Some(b) => {
                plan.counts.updated += 1;
                let (before, after) = (Some(digest_json(b)), Some(digest_json(&current)));
                plan.events.push(
                    audit
                        .change("org.update", "organisation", id)
                        .org(current.id)
                        .before_opt(before)
                        .after_opt(after)
                        .build(),
                );
            }
        }
        match slot.and_then(|i| plan.pending.get_mut(i)) {
            Some(p) => p.current = current,
            None => {
                by_code.insert(code, plan.pending.len());
                plan.pending.push(Pending { before, current });
            }
        }
    }
    Ok(plan)
}

/// Paths for the organisations a plan inserts: the parent's path (computed earlier in the plan,
/// or stored: `stored_paths`) followed by the code. A parent that the same plan moves has a stale
/// stored path here; the import recomputes the paths of such batches at its end.
pub(crate) fn new_paths(
    plan: &Plan,
    stored_paths: &HashMap<OrgId, String>,
) -> StoreResult<HashMap<OrgId, String>> {
    let mut known: HashMap<OrgId, String> = HashMap::new();
    let mut out = HashMap::new();
    for p in &plan.pending {
        let cur = &p.current;
        let parent_path = match cur.parent {
            None => "/".to_owned(),
            Some(parent) => known
                .get(&parent)
                .or_else(|| stored_paths.get(&parent))
                .filter(|p| !p.is_empty())
                .cloned()
                .ok_or_else(|| {
                    StoreError::Invalid(format!("parent: organisation {parent} does not exist"))
                })?,
        };
        let path = format!("{parent_path}{}/", cur.code.as_str());
        if p.before.is_none() {
            out.insert(cur.id, path.clone());
        }
        known.insert(cur.id, path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use ward_core::audit::AuditActor;
    use ward_core::org::{OdsCode, OrgKind};

    fn id(n: u128) -> OrgId {
        OrgId::from_uuid(Uuid::from_u128(n))
    }

    fn org(code: &str, n: u128, parent: Option<u128>) -> Organisation {
        Organisation {
            id: id(n),
            code: OdsCode::parse(code).unwrap(),
            name: code.into(),
            kind: OrgKind::NhsTrust,
            parent: parent.map(id),
            postcode: None,
            opened: None,
            closed: None,
        }
    }

    fn meta() -> AuditMeta {
        AuditMeta {
            actor: AuditActor::system("test"),
            at: jiff::Timestamp::UNIX_EPOCH,
            request_id: None,
        }
    }

    #[test]
    fn existing_codes_keep_their_id_and_children_follow() {
        let stored = HashMap::from([("RJZ".to_owned(), org("RJZ", 1, None))]);
        let plan = plan_upsert(
            &[org("RJZ", 9, None), org("RJZ01", 10, Some(9))],
            stored,
            &HashSet::new(),
            &meta(),
        )
        .unwrap();
        assert_eq!(plan.pending.len(), 2);
        assert_eq!(plan.pending[0].current.id, id(1));
        assert!(plan.pending[0].before.is_some());
        assert!(!plan.pending[0].moves());
        assert_eq!(plan.pending[1].current.parent, Some(id(1)));
        assert!(plan.pending[1].moves());
        assert_eq!((plan.counts.inserted, plan.counts.unchanged), (1, 1));
        assert_eq!(plan.events.len(), 1);
    }

    #[test]
    fn a_repeated_code_counts_as_an_update_of_the_first() {
        let mut second = org("RJZ", 2, None);
        second.name = "Renamed".into();
        let plan = plan_upsert(
            &[org("RJZ", 1, None), second],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap();
        assert_eq!(plan.pending.len(), 1);
        assert_eq!(plan.pending[0].current.name, "Renamed");
        assert_eq!(plan.pending[0].current.id, id(1));
        assert_eq!((plan.counts.inserted, plan.counts.updated), (1, 1));
        let actions: Vec<_> = plan.events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["org.create", "org.update"]);
    }

    #[test]
    fn unknown_and_self_parents_are_named() {
        let e = plan_upsert(
            &[org("RJZ", 1, Some(5))],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("orgs[0].parent"), "{e}");
        let e = plan_upsert(
            &[org("RJZ", 1, None), org("RJY", 2, Some(2))],
            HashMap::new(),
            &HashSet::new(),
            &meta(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("orgs[1].parent"), "{e}");
        let known = HashSet::from([id(5)]);
        assert!(plan_upsert(&[org("RJZ", 1, Some(5))], HashMap::new(), &known, &meta()).is_ok());
    }

    #[test]
    fn new_paths_follow_parents_in_the_batch_and_stored() {
        let stored = HashMap::from([(id(5), "/X26/".to_owned())]);
        let plan = plan_upsert(
            &[
                org("QKK", 1, Some(5)),
                org("RJZ", 2, Some(1)),
                org("Y56", 3, None),
            ],
            HashMap::new(),
            &HashSet::from([id(5)]),
            &meta(),
        )
        .unwrap();
        let paths = new_paths(&plan, &stored).unwrap();
        assert_eq!(paths[&id(1)], "/X26/QKK/");
        assert_eq!(paths[&id(2)], "/X26/QKK/RJZ/");
        assert_eq!(paths[&id(3)], "/Y56/");
        let unpathed = HashMap::from([(id(5), String::new())]);
        assert!(new_paths(&plan, &unpathed).is_err());
    }
}
