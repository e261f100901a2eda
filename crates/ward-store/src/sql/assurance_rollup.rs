//! The assurance roll-up's reads, once for both backends: a fixed number of set-based queries
//! (current assessments' stored derived statuses and notes are read in chunks of assessments,
//! never one organisation at a time; true answers only for assessments without stored statuses).

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use ward_core::assurance::Level;
use ward_core::certificate::CertificateKind;
use ward_core::org::OrgKind;
use ward_core::{AssessmentId, OrgId};

use super::Tx;
use super::assessments::{HEAD_COLUMNS, check_rule, decode_statuses, derived_rows, head};
use super::audit;
use super::bulk::{Column, Rows};
use super::improvement::{ACTION_COLUMNS, action_row};
use super::suppliers::{CERT_COLUMNS, certificate_row};
use super::{Arg, Exec, RowRead, Sql, SqlBackend};
use crate::assurance::OutcomeRule;
use crate::assurance_rollup::{
    AssuranceRollupStore, RolledAssessment, RollupArea, RollupFacts, RollupMember, SeededAssessment,
};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

/// Assessments read per statement: bounds both the bound list and the rows held at once.
const CHUNK: usize = 500;

fn area(r: &impl RowRead) -> StoreResult<RollupArea> {
    Ok(RollupArea {
        org: r.id("id")?,
        code: r.text("code")?,
        name: r.text("name")?,
        kind: r.parsed("kind")?,
    })
}

fn ids(v: &[AssessmentId]) -> Arg {
    Arg::Uuids(v.iter().map(|i| *i.as_uuid()).collect())
}

#[async_trait]
impl<B: SqlBackend> AssuranceRollupStore for B {
    async fn assurance_rollup_facts(
        &self,
        scope: &Scope,
        root: OrgId,
        kinds: &[OrgKind],
        framework: &str,
        version: &str,
        outcomes: &[String],
        indicators: &HashMap<String, u32>,
    ) -> StoreResult<RollupFacts> {
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let kind_list = || Arg::Texts(kinds.iter().map(|k| k.as_str().to_owned()).collect());

        let mut q = Sql::new(
            "SELECT id, code, name, kind, CASE WHEN closed IS NULL THEN 1 ELSE 0 END AS open_now \
             FROM organisations WHERE id = $1",
        )
        .arg(root);
        db.scope_filter(&mut q, scope, "id");
        let row = db
            .fetch_optional(q)
            .await?
            .ok_or_else(|| StoreError::not_found("organisation", root.to_string()))?;
        let root_area = area(&row)?;
        let root_open = row.i64("open_now")? == 1;

        let mut q = Sql::new("SELECT id, code, name, kind FROM organisations WHERE parent_id = $1").arg(root);
        db.scope_filter(&mut q, scope, "id");
        q.push(" ORDER BY code");
        let areas = db
            .fetch_all(q)
            .await?
            .iter()
            .map(area)
            .collect::<StoreResult<Vec<_>>>()?;

        // Each open organisation of the kinds asked for, with the child area whose path range
        // holds it (the hierarchy's materialised paths, as every subtree query reads them).
        let mut q = Sql::new(
            "SELECT o.id, o.kind, c.id AS area FROM organisations c \
             JOIN organisations o ON o.path >= c.path AND o.path < c.path || '~' \
             WHERE c.parent_id = $1 AND c.path <> '' AND o.closed IS NULL AND ",
        )
        .arg(root);
        q.in_list(dialect, "o.kind", kind_list());
        db.scope_filter(&mut q, scope, "o.id");
        db.scope_filter(&mut q, scope, "c.id");
        let mut members = Vec::new();
        if root_open && kinds.contains(&root_area.kind) {
            members.push(RollupMember {
                org: root,
                kind: root_area.kind,
                area: root,
            });
        }
        for r in db.fetch_all(q).await? {
            members.push(RollupMember {
                org: r.id("id")?,
                kind: r.parsed("kind")?,
                area: r.id("area")?,
            });
        }
        let counted: HashSet<OrgId> = members.iter().map(|m| m.org).collect();

        // The current assessment of each member (`AssessmentHead::currency`, the one rule).
        let mut q = Sql::new(format!(
            "SELECT {HEAD_COLUMNS} FROM assessments WHERE framework = $1 AND version = $2"
        ))
        .arg(framework)
        .arg(version);
        db.scope_filter(&mut q, &Scope::subtree(root), "org_id");
        db.scope_filter(&mut q, scope, "org_id");
        let mut current: BTreeMap<OrgId, ward_core::assurance::AssessmentHead> = BTreeMap::new();
        for r in db.fetch_all(q).await? {
            let h = head(&r)?;
            if !counted.contains(&h.org) {
                continue;
            }
            if current.get(&h.org).is_none_or(|c| h.currency() > c.currency()) {
                current.insert(h.org, h);
            }
        }

        let mut assessments: BTreeMap<AssessmentId, RolledAssessment> = current
            .values()
            .map(|h| {
                (
                    h.id,
                    RolledAssessment {
                        id: h.id,
                        org: h.org,
                        derived: None,
                        true_indicators: Vec::new(),
                        overrides: Vec::new(),
                        actions: Vec::new(),
                        approved: false,
                    },
                )
            })
            .collect();
        let wanted: Vec<AssessmentId> = assessments.keys().copied().collect();
        let position: HashMap<&str, usize> = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.as_str(), i))
            .collect();
        for chunk in wanted.chunks(CHUNK) {
            // Stored derived statuses, one row per assessment; one holding a status for every
            // outcome uses them.
            let mut stored: HashMap<AssessmentId, Vec<Option<Level>>> = HashMap::new();
            let mut q = Sql::new("SELECT assessment_id, statuses FROM assessment_derived_statuses WHERE ");
            q.in_list(dialect, "assessment_id", ids(chunk));
            for r in db.fetch_all(q).await? {
                let mut levels = vec![None; outcomes.len()];
                for (outcome, level) in decode_statuses(&r.text("statuses")?) {
                    if let Some(&at) = position.get(outcome.as_str()) {
                        levels[at] = Some(level);
                    }
                }
                stored.insert(r.id("assessment_id")?, levels);
            }
            let mut lacking = Vec::new();
            for id in chunk {
                let full = stored
                    .remove(id)
                    .and_then(|levels| levels.into_iter().collect::<Option<Vec<Level>>>());
                match (full, assessments.get_mut(id)) {
                    (Some(levels), Some(a)) => a.derived = Some(levels),
                    _ => lacking.push(*id),
                }
            }
            // The rest are derived by the caller from their true answers.
            if !lacking.is_empty() {
                let mut q =
                    Sql::new("SELECT assessment_id, indicator FROM assessment_answers WHERE value = 1 AND ");
                q.in_list(dialect, "assessment_id", ids(&lacking));
                for r in db.fetch_all(q).await? {
                    let Some(&at) = indicators.get(r.text("indicator")?.as_str()) else {
                        continue;
                    };
                    if let Some(a) = assessments.get_mut(&r.id("assessment_id")?) {
                        a.true_indicators.push(at);
                    }
                }
            }

            let mut q = Sql::new(
                "SELECT assessment_id, outcome, override_status FROM assessment_outcomes \
                 WHERE override_status IS NOT NULL AND ",
            );
            q.in_list(dialect, "assessment_id", ids(chunk));
            for r in db.fetch_all(q).await? {
                if let (Some(a), Some(level)) = (
                    assessments.get_mut(&r.id("assessment_id")?),
                    r.opt_parsed("override_status")?,
                ) {
                    a.overrides.push((r.text("outcome")?, level));
                }
            }

            let mut q = Sql::new(format!("SELECT {ACTION_COLUMNS} FROM improvement_actions WHERE "));
            q.in_list(dialect, "assessment_id", ids(chunk));
            for r in db.fetch_all(q).await? {
                let action = action_row(&r)?;
                if let Some(a) = assessments.get_mut(&action.assessment) {
                    a.actions.push(action);
                }
            }

            let mut q = Sql::new("SELECT assessment_id FROM improvement_approvals WHERE ");
            q.in_list(dialect, "assessment_id", ids(chunk));
            for r in db.fetch_all(q).await? {
                if let Some(a) = assessments.get_mut(&r.id("assessment_id")?) {
                    a.approved = true;
                }
            }
        }

        let mut q = Sql::new(format!("SELECT {CERT_COLUMNS} FROM certificates WHERE kind = $1"))
            .arg(CertificateKind::CyberEssentialsPlus.as_str());
        db.scope_filter(&mut q, &Scope::subtree(root), "org_id");
        db.scope_filter(&mut q, scope, "org_id");
        let ce_plus = db
            .fetch_all(q)
            .await?
            .iter()
            .map(certificate_row)
            .collect::<StoreResult<Vec<_>>>()?
            .into_iter()
            .filter(|c| counted.contains(&c.org))
            .collect();

        Ok(RollupFacts {
            root: root_area,
            areas,
            members,
            assessments: assessments.into_values().collect(),
            ce_plus,
        })
    }

    async fn store_derived_statuses(
        &self,
        scope: &Scope,
        batch: &[(AssessmentId, Vec<(String, Level)>)],
        meta: &AuditMeta,
    ) -> StoreResult<u64> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let dialect = tx.dialect();
        // PostgreSQL: hold the assessments' rows, as a save of answers does first, so a save
        // running now either finished before (its statuses are found below) or waits.
        let lock = dialect.pick("", " FOR NO KEY UPDATE");
        let mut stored = 0;
        for chunk in batch.chunks(CHUNK) {
            let wanted: Vec<AssessmentId> = chunk.iter().map(|(id, _)| *id).collect();
            let mut q = Sql::new("SELECT id FROM assessments WHERE ");
            q.in_list(dialect, "id", ids(&wanted));
            tx.scope_filter(&mut q, scope, "org_id");
            q.push(" ORDER BY id");
            q.push(lock);
            let found: HashSet<AssessmentId> = tx
                .fetch_all(q)
                .await?
                .iter()
                .map(|r| r.id("id"))
                .collect::<StoreResult<_>>()?;
            if let Some(missing) = wanted.iter().find(|id| !found.contains(*id)) {
                return Err(StoreError::not_found("assessment", missing.to_string()));
            }
            // A full set stored meanwhile (answers saved since) was derived from later answers
            // and stays; a set lacking some of the outcomes is replaced.
            let mut q = Sql::new("SELECT assessment_id, statuses FROM assessment_derived_statuses WHERE ");
            q.in_list(dialect, "assessment_id", ids(&wanted));
            let mut held: HashMap<AssessmentId, HashSet<String>> = HashMap::new();
            for r in tx.fetch_all(q).await? {
                let outcomes = decode_statuses(&r.text("statuses")?).into_iter().map(|(o, _)| o);
                held.insert(r.id("assessment_id")?, outcomes.collect());
            }
            let todo: Vec<&(AssessmentId, Vec<(String, Level)>)> = chunk
                .iter()
                .filter(|(id, statuses)| {
                    held.get(id)
                        .is_none_or(|have| statuses.iter().any(|(o, _)| !have.contains(o)))
                })
                .collect();
            let partial: Vec<AssessmentId> = todo
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| held.contains_key(id))
                .collect();
            if !partial.is_empty() {
                let mut q = Sql::new("DELETE FROM assessment_derived_statuses WHERE ");
                q.in_list(dialect, "assessment_id", ids(&partial));
                tx.execute(q).await?;
            }
            tx.insert_rows(derived_rows(
                todo.iter().map(|(id, statuses)| (*id, statuses.as_slice())),
            ))
            .await?;
            stored += todo.len() as u64;
        }
        if stored > 0 {
            let detail =
                serde_json::json!({ "assessments": stored, "reason": "derived from stored answers" });
            let event = meta
                .change("assessment.derive_statuses", "assessment", "*")
                .detail(detail.to_string())
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn seed_assessments(
        &self,
        batch: &[SeededAssessment],
        rule: &dyn OutcomeRule,
        meta: &AuditMeta,
    ) -> StoreResult<u64> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut derived = Vec::new();
        for a in batch {
            check_rule(&a.head, rule)?;
            let answers: BTreeMap<String, bool> = a.answers.iter().cloned().collect();
            derived.push((a.head.id, rule.derive(&answers)));
        }
        let status_rows = derived_rows(derived.iter().map(|(id, statuses)| (*id, statuses.as_slice())));
        let heads: Vec<&ward_core::assurance::AssessmentHead> = batch.iter().map(|a| &a.head).collect();
        let uuid = |id: AssessmentId| Some(*id.as_uuid());
        let text = |s: &str| Some(s.to_owned());
        let rows = Rows::new("assessments")
            .column("id", Column::uuid(heads.iter().map(|h| uuid(h.id))))
            .column(
                "org_id",
                Column::uuid(heads.iter().map(|h| Some(*h.org.as_uuid()))),
            )
            .column(
                "framework",
                Column::text(heads.iter().map(|h| text(&h.framework))),
            )
            .column("version", Column::text(heads.iter().map(|h| text(&h.version))))
            .column("year", Column::i64(heads.iter().map(|h| Some(i64::from(h.year)))))
            .column("kind", Column::text(heads.iter().map(|h| text(h.kind.into()))))
            .column(
                "status",
                Column::text(heads.iter().map(|h| text(h.status.into()))),
            )
            .column(
                "created_at",
                Column::i64(heads.iter().map(|h| Some(h.created_at.as_microsecond()))),
            )
            .column(
                "updated_at",
                Column::i64(heads.iter().map(|h| Some(h.updated_at.as_microsecond()))),
            );
        let answers = || {
            batch
                .iter()
                .flat_map(|a| a.answers.iter().map(move |x| (a.head.id, x)))
        };
        let answer_rows = Rows::new("assessment_answers")
            .column("assessment_id", Column::uuid(answers().map(|(id, _)| uuid(id))))
            .column("indicator", Column::text(answers().map(|(_, (i, _))| text(i))))
            .column(
                "value",
                Column::i64(answers().map(|(_, (_, v))| Some(i64::from(*v)))),
            )
            .column("comment", Column::text(answers().map(|_| text(""))))
            .column("evidence", Column::text(answers().map(|_| text("[]"))))
            .column(
                "answered_at",
                Column::i64(answers().map(|_| Some(meta.at.as_microsecond()))),
            );
        let notes = || {
            batch
                .iter()
                .flat_map(|a| a.overrides.iter().map(move |x| (a.head.id, x)))
        };
        let note_rows = Rows::new("assessment_outcomes")
            .column("assessment_id", Column::uuid(notes().map(|(id, _)| uuid(id))))
            .column("outcome", Column::text(notes().map(|(_, (o, _, _))| text(o))))
            .column(
                "override_status",
                Column::text(notes().map(|(_, (_, l, _))| text((*l).into()))),
            )
            .column(
                "justification",
                Column::text(notes().map(|(_, (_, _, j))| text(j))),
            )
            .column("owner", Column::text(notes().map(|_| None::<String>)));
        let mut tx = self.write().await?;
        for h in &heads {
            let twin = Sql::new(
                "SELECT 1 AS n FROM assessments WHERE org_id = $1 AND framework = $2 AND version = $3 \
                 AND year = $4 AND kind = $5",
            )
            .arg(h.org)
            .arg(h.framework.as_str())
            .arg(h.version.as_str())
            .arg(i64::from(h.year))
            .arg(<&str>::from(h.kind));
            if tx.fetch_optional(twin).await?.is_some() {
                return Err(crate::assurance::refusals::already_exists());
            }
        }
        let loaded = tx.insert_rows(rows).await?;
        tx.insert_rows(answer_rows).await?;
        tx.insert_rows(note_rows).await?;
        tx.insert_rows(status_rows).await?;
        let events = batch
            .iter()
            .map(|a| {
                let h = &a.head;
                let detail = serde_json::json!({
                    "framework": h.framework, "version": h.version, "year": h.year, "kind": h.kind,
                    "seeded": true, "answers": a.answers.len(), "overrides": a.overrides.len(),
                });
                meta.change("assessment.create", "assessment", h.id.to_string())
                    .org(h.org)
                    .detail(detail.to_string())
                    .build()
            })
            .collect();
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await?;
        Ok(loaded)
    }
}
