//! Assessments, once for both backends.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ward_core::AssessmentId;
use ward_core::assurance::{Answer, Assessment, AssessmentHead, AssessmentStatus, Level, OutcomeNote};

use super::bulk::{Column, Rows};
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::assurance::{AssessmentStore, OutcomeRule, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const HEAD_COLUMNS: &str =
    "id, org_id, framework, version, year, kind, status, created_at, updated_at";

pub(super) fn head(r: &impl RowRead) -> StoreResult<AssessmentHead> {
    Ok(AssessmentHead {
        id: r.id("id")?,
        org: r.id("org_id")?,
        framework: r.text("framework")?,
        version: r.text("version")?,
        year: i32::try_from(r.i64("year")?).map_err(|_| super::corrupt_column("year"))?,
        kind: r.parsed("kind")?,
        status: r.parsed("status")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// The assessment's head if it is in scope; not found otherwise.
pub(super) async fn head_in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    id: AssessmentId,
) -> StoreResult<AssessmentHead> {
    let mut q = Sql::new(format!("SELECT {HEAD_COLUMNS} FROM assessments WHERE id = $1")).arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    match db.fetch_optional(q).await? {
        Some(r) => head(&r),
        None => Err(StoreError::not_found("assessment", id.to_string())),
    }
}

pub(super) async fn touch<E: Exec + ?Sized>(
    db: &mut E,
    id: AssessmentId,
    meta: &AuditMeta,
) -> StoreResult<()> {
    db.execute(
        Sql::new("UPDATE assessments SET updated_at = $1 WHERE id = $2")
            .arg(meta.at)
            .arg(id),
    )
    .await?;
    Ok(())
}

/// The audit action for a move to `to`.
fn move_action(to: AssessmentStatus) -> &'static str {
    match to {
        AssessmentStatus::Draft => "assessment.return",
        AssessmentStatus::Submitted => "assessment.submit",
        AssessmentStatus::SignedOff => "assessment.sign_off",
        AssessmentStatus::Published => "assessment.publish",
    }
}

/// Insert an assessment's head (audited as `assessment.create`): the organisation must be inside
/// the scope, the framework version loaded, and no other assessment of the same organisation,
/// framework version, year and kind exist.
pub(super) async fn insert_assessment<E: Exec + ?Sized>(
    db: &mut E,
    keys: &crate::StoreKeys,
    scope: &Scope,
    h: &AssessmentHead,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(h.org);
    db.scope_filter(&mut q, scope, "id");
    if db.fetch_optional(q).await?.is_none() {
        return Err(StoreError::not_found("organisation", h.org.to_string()));
    }
    let loaded = Sql::new("SELECT 1 AS n FROM frameworks WHERE id = $1 AND version = $2")
        .arg(h.framework.as_str())
        .arg(h.version.as_str());
    if db.fetch_optional(loaded).await?.is_none() {
        return Err(refusals::framework_not_loaded(&h.framework, &h.version));
    }
    let twin = Sql::new(
        "SELECT 1 AS n FROM assessments WHERE org_id = $1 AND framework = $2 AND version = $3 \
             AND year = $4 AND kind = $5",
    )
    .arg(h.org)
    .arg(h.framework.as_str())
    .arg(h.version.as_str())
    .arg(i64::from(h.year))
    .arg(<&str>::from(h.kind));
    if db.fetch_optional(twin).await?.is_some() {
        return Err(refusals::already_exists());
    }
    db.execute(
        Sql::new(format!(
            "INSERT INTO assessments ({HEAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .arg(h.id)
        .arg(h.org)
        .arg(h.framework.as_str())
        .arg(h.version.as_str())
        .arg(i64::from(h.year))
        .arg(<&str>::from(h.kind))
        .arg(<&str>::from(h.status))
        .arg(h.created_at)
        .arg(h.updated_at),
    )
    .await?;
    let detail = serde_json::json!({
        "framework": h.framework, "version": h.version, "year": h.year, "kind": h.kind,
    });
    let event = meta
        .change("assessment.create", "assessment", h.id.to_string())
        .org(h.org)
        .detail(detail.to_string())
        .build();
    audit::append(db, keys, event).await?;
    Ok(())
}

/// Write indicator answers, each replacing the indicator's earlier answer.
pub(super) async fn write_answers<E: Exec + ?Sized>(
    db: &mut E,
    id: AssessmentId,
    answers: &BTreeMap<String, Answer>,
    at: jiff::Timestamp,
) -> StoreResult<()> {
    for (indicator, a) in answers {
        let evidence = serde_json::to_string(&a.evidence)
            .map_err(|e| StoreError::Backend(format!("evidence cannot be written as JSON: {e}")))?;
        db.execute(
            Sql::new(
                "INSERT INTO assessment_answers (assessment_id, indicator, value, comment, evidence, answered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (assessment_id, indicator) DO UPDATE SET \
                 value = excluded.value, comment = excluded.comment, evidence = excluded.evidence, \
                 answered_at = excluded.answered_at",
            )
            .arg(id)
            .arg(indicator.as_str())
            .arg(a.value.map(i64::from))
            .arg(a.comment.as_str())
            .arg(evidence)
            .arg(at),
        )
        .await?;
    }
    Ok(())
}

/// Derive every outcome's status again from all the assessment's answers with `rule`, and store
/// them in place of the earlier ones. Called inside the transaction that changed the answers,
/// after [`touch`]: on PostgreSQL that update holds the assessment's row until commit, so two
/// saves of one assessment derive one after the other and the second reads the first's answers.
pub(super) async fn rederive<E: Exec + ?Sized>(
    db: &mut E,
    h: &AssessmentHead,
    rule: &dyn OutcomeRule,
) -> StoreResult<()> {
    check_rule(h, rule)?;
    let q = Sql::new(
        "SELECT indicator, value FROM assessment_answers WHERE assessment_id = $1 AND value IS NOT NULL",
    )
    .arg(h.id);
    let mut answers = BTreeMap::new();
    for r in db.fetch_all(q).await? {
        answers.insert(r.text("indicator")?, r.i64("value")? != 0);
    }
    let statuses = rule.derive(&answers);
    db.execute(Sql::new("DELETE FROM assessment_derived_statuses WHERE assessment_id = $1").arg(h.id))
        .await?;
    db.insert_rows(derived_rows(std::iter::once((h.id, statuses.as_slice()))))
        .await?;
    Ok(())
}

/// Refused unless `rule` derives for the assessment's framework version.
pub(super) fn check_rule(h: &AssessmentHead, rule: &dyn OutcomeRule) -> StoreResult<()> {
    let (framework, version) = rule.framework();
    if framework != h.framework || version != h.version {
        return Err(StoreError::Invalid(format!(
            "framework: the statuses of a {} {} assessment cannot be derived by the rule of {framework} {version}",
            h.framework, h.version
        )));
    }
    Ok(())
}

/// Rows of `assessment_derived_statuses`: one per assessment, every outcome's derived status in
/// one JSON object from outcome code to status.
pub(super) fn derived_rows<'a>(
    sets: impl Iterator<Item = (AssessmentId, &'a [(String, Level)])> + Clone,
) -> Rows {
    Rows::new("assessment_derived_statuses")
        .column(
            "assessment_id",
            Column::uuid(sets.clone().map(|(id, _)| Some(*id.as_uuid()))),
        )
        .column(
            "statuses",
            Column::text(sets.map(|(_, statuses)| Some(encode_statuses(statuses)))),
        )
}

/// An assessment's derived statuses as stored: `{"A1.a":"achieved",...}`.
fn encode_statuses(statuses: &[(String, Level)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = statuses
        .iter()
        .map(|(o, l)| (o.clone(), serde_json::Value::from(<&str>::from(*l))))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The stored derived statuses, by outcome code. Text that does not parse gives none, and a
/// status that does not parse is left out: the reader then lacks those outcomes and derives the
/// assessment again from its answers (slower, never wrong).
pub(super) fn decode_statuses(text: &str) -> Vec<(String, Level)> {
    serde_json::from_str::<std::collections::HashMap<String, String>>(text)
        .map(|map| {
            map.into_iter()
                .filter_map(|(o, l)| l.parse::<Level>().ok().map(|l| (o, l)))
                .collect()
        })
        .unwrap_or_default()
}

#[async_trait]
impl<B: SqlBackend> AssessmentStore for B {
    async fn create_assessment(
        &self,
        scope: &Scope,
        h: &AssessmentHead,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_assessment(&mut tx, self.keys(), scope, h, meta).await?;
        tx.commit().await
    }

    async fn list_assessments(&self, scope: &Scope) -> StoreResult<Vec<AssessmentHead>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {HEAD_COLUMNS} FROM assessments WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY created_at DESC, id DESC");
        db.fetch_all(q).await?.iter().map(head).collect()
    }

    async fn get_assessment(&self, scope: &Scope, id: AssessmentId) -> StoreResult<Assessment> {
        let mut db = self.read().await?;
        let head = head_in_scope(&mut db, scope, id).await?;
        let mut answers = BTreeMap::new();
        let rows = db
            .fetch_all(
                Sql::new("SELECT indicator, value, comment, evidence FROM assessment_answers WHERE assessment_id = $1")
                    .arg(id),
            )
            .await?;
        for r in &rows {
            let evidence: Vec<String> =
                serde_json::from_str(&r.text("evidence")?).map_err(|_| super::corrupt_column("evidence"))?;
            answers.insert(
                r.text("indicator")?,
                Answer {
                    value: r.opt_i64("value")?.map(|v| v != 0),
                    comment: r.text("comment")?,
                    evidence,
                },
            );
        }
        let mut outcomes = BTreeMap::new();
        let rows = db
            .fetch_all(
                Sql::new(
                    "SELECT outcome, override_status, justification, owner FROM assessment_outcomes \
                     WHERE assessment_id = $1",
                )
                .arg(id),
            )
            .await?;
        for r in &rows {
            outcomes.insert(
                r.text("outcome")?,
                OutcomeNote {
                    override_status: r.opt_parsed("override_status")?,
                    justification: r.opt_text("justification")?,
                    owner: r.opt_text("owner")?,
                },
            );
        }
        Ok(Assessment {
            head,
            answers,
            outcomes,
        })
    }

    async fn save_answers(
        &self,
        scope: &Scope,
        id: AssessmentId,
        answers: &BTreeMap<String, Answer>,
        rule: &dyn OutcomeRule,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, id).await?;
        if h.status != AssessmentStatus::Draft {
            return Err(refusals::not_editable(h.status, "answers"));
        }
        check_rule(&h, rule)?;
        touch(&mut tx, id, meta).await?;
        write_answers(&mut tx, id, answers, meta.at).await?;
        rederive(&mut tx, &h, rule).await?;
        let answered = answers.values().filter(|a| a.value.is_some()).count();
        let detail = serde_json::json!({ "indicators": answers.len(), "answered": answered });
        let event = meta
            .change("assessment.answer", "assessment", id.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn save_outcome_note(
        &self,
        scope: &Scope,
        id: AssessmentId,
        outcome: &str,
        note: &OutcomeNote,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, id).await?;
        if !matches!(h.status, AssessmentStatus::Draft | AssessmentStatus::Submitted) {
            return Err(refusals::not_editable(h.status, "outcome notes"));
        }
        tx.execute(
            Sql::new(
                "INSERT INTO assessment_outcomes (assessment_id, outcome, override_status, justification, owner) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assessment_id, outcome) DO UPDATE SET \
                 override_status = excluded.override_status, justification = excluded.justification, \
                 owner = excluded.owner",
            )
            .arg(id)
            .arg(outcome)
            .arg(note.override_status.map(<&str>::from))
            .arg(note.justification.as_deref())
            .arg(note.owner.as_deref()),
        )
        .await?;
        touch(&mut tx, id, meta).await?;
        let detail = serde_json::json!({ "outcome": outcome, "override": note.override_status });
        let event = meta
            .change("assessment.outcome", "assessment", id.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn move_assessment(
        &self,
        scope: &Scope,
        id: AssessmentId,
        from: AssessmentStatus,
        to: AssessmentStatus,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        if !from.may_become(to) {
            return Err(StoreError::Invalid(format!(
                "status: an assessment cannot go from {from} to {to}"
            )));
        }
        if to == AssessmentStatus::SignedOff {
            return Err(crate::signoff::refusals::sign_off_by_move());
        }
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, id).await?;
        let moved = tx
            .execute(
                Sql::new("UPDATE assessments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                    .arg(<&str>::from(to))
                    .arg(meta.at)
                    .arg(id)
                    .arg(<&str>::from(from)),
            )
            .await?;
        if moved == 0 {
            return Err(refusals::moved_meanwhile(from, h.status));
        }
        let detail = serde_json::json!({ "from": from, "to": to });
        let event = meta
            .change(move_action(to), "assessment", id.to_string())
            .org(h.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }
}
