//! People (training and board accountability) and the questionnaire's answers, once for both
//! backends.
//!
//! `training_requirements` holds the national team's requirements by role and course;
//! `training_people` an organisation's people by their own reference and role;
//! `training_completions` each person's latest completion of each course. An import replaces an
//! organisation's rows of both in one transaction. Counts are taken in SQL, grouped by
//! organisation (or by ICB, region and national body over the materialised paths), so that figures
//! add up. `board_members` names the accountable board members; `questionnaires` marks the
//! assessments answered through the questionnaire and `questionnaire_answers` keeps each answer.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::assurance::{AssessmentHead, AssessmentStatus};
use ward_core::org::OrgKind;
use ward_core::questionnaire::QuestionAnswer;
use ward_core::training::{BoardMember, CourseCode, Requirement, TrainingRecord};
use ward_core::{AssessmentId, BoardMemberId, OrgId};

use super::assessments::{head_in_scope, insert_assessment, touch, write_answers};
use super::{Arg, Exec, IntoArg, RowRead, Sql, SqlBackend, Tx, audit};
use crate::people::{OrgLabel, PeopleStore, SavedAnswer, TrainingReplaced, TrainingTally};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

/// Rows per multi-row INSERT of an import.
const BATCH: usize = 200;

pub(super) async fn org_in_scope<E: Exec + ?Sized>(db: &mut E, scope: &Scope, org: OrgId) -> StoreResult<()> {
    let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(org);
    db.scope_filter(&mut q, scope, "id");
    match db.fetch_optional(q).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("organisation", org.to_string())),
    }
}

/// Insert `rows` (each `width` values) into `table (columns)` in batches.
async fn insert_rows<E: Exec + ?Sized>(
    db: &mut E,
    table: &str,
    columns: &str,
    width: usize,
    rows: Vec<Vec<Arg>>,
) -> StoreResult<()> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = rows.by_ref().take(BATCH).collect();
        let mut marks = Vec::with_capacity(chunk.len());
        let mut n = 0;
        for _ in &chunk {
            let one: Vec<String> = (0..width)
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            marks.push(format!("({})", one.join(", ")));
        }
        let mut q = Sql::new(format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            marks.join(", ")
        ));
        for row in chunk {
            for v in row {
                q = q.arg(v);
            }
        }
        db.execute(q).await?;
    }
    Ok(())
}

fn label(r: &impl RowRead) -> StoreResult<OrgLabel> {
    Ok(OrgLabel {
        id: r.id("org_id")?,
        code: r.text("code")?,
        name: r.text("name")?,
        kind: r.parsed("kind")?,
    })
}

fn board_row(r: &impl RowRead) -> StoreResult<BoardMember> {
    Ok(BoardMember {
        id: r.id("id")?,
        org: r.id("org_id")?,
        name: r.text("name")?,
        board_role: r.text("board_role")?,
        added_at: r.ts("added_at")?,
    })
}

/// The FROM clause of a tally: `p` is a training person, `o` the organisation the figure is
/// for (their own, or with `rollup` each ICB, region and national body above them).
fn tally_from(q: &mut Sql, rollup: bool) {
    if rollup {
        q.push(
            " FROM training_people p JOIN organisations m ON m.id = p.org_id \
             JOIN organisations o ON m.path >= o.path AND m.path < o.path || '~' AND o.path <> ''",
        );
    } else {
        q.push(" FROM training_people p JOIN organisations o ON o.id = p.org_id");
    }
}

fn tally_where(db: &impl Exec, q: &mut Sql, rollup: bool, scope: &Scope) {
    q.push(" WHERE 1 = 1");
    if rollup {
        let kinds = [OrgKind::Icb, OrgKind::Region, OrgKind::NationalBody]
            .map(|k| k.as_str().to_owned())
            .to_vec();
        q.push(" AND ");
        q.in_list(db.dialect(), "o.kind", Arg::Texts(kinds));
        db.scope_filter(q, scope, "o.id");
    }
    db.scope_filter(q, scope, "p.org_id");
}

#[async_trait]
impl<B: SqlBackend> PeopleStore for B {
    async fn training_requirements(&self) -> StoreResult<Vec<Requirement>> {
        let mut db = self.read().await?;
        let q =
            Sql::new("SELECT role, course, title, active FROM training_requirements ORDER BY role, course");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(Requirement {
                    role: r.parsed("role")?,
                    course: CourseCode::parse(&r.text("course")?)
                        .map_err(|_| super::corrupt_column("course"))?,
                    title: r.text("title")?,
                    active: r.bool("active")?,
                })
            })
            .collect()
    }

    async fn put_training_requirement(&self, req: &Requirement, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let q = Sql::new(
            "INSERT INTO training_requirements (role, course, title, active, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (role, course) DO UPDATE SET \
             title = excluded.title, active = excluded.active, updated_at = excluded.updated_at",
        )
        .arg(req.role.as_str())
        .arg(req.course.as_str())
        .arg(req.title.as_str())
        .arg(req.active)
        .arg(meta.at);
        tx.execute(q).await?;
        let detail = serde_json::json!({
            "role": req.role, "course": req.course, "title": req.title, "active": req.active,
        });
        let event = meta
            .change(
                "training.requirement",
                "training_requirement",
                format!("{}/{}", req.role.as_str(), req.course),
            )
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn replace_training_record(
        &self,
        scope: &Scope,
        org: OrgId,
        file: &str,
        record: &TrainingRecord,
        meta: &AuditMeta,
    ) -> StoreResult<TrainingReplaced> {
        let mut tx = self.write().await?;
        org_in_scope(&mut tx, scope, org).await?;
        for table in ["training_completions", "training_people"] {
            tx.execute(Sql::new(format!("DELETE FROM {table} WHERE org_id = $1")).arg(org))
                .await?;
        }
        let people: Vec<Vec<Arg>> = record
            .people
            .iter()
            .map(|(p, role)| vec![org.into_arg(), p.as_str().into_arg(), role.as_str().into_arg()])
            .collect();
        insert_rows(&mut tx, "training_people", "org_id, person_ref, role", 3, people).await?;
        let done: Vec<Vec<Arg>> = record
            .completions
            .iter()
            .map(|(p, course, on)| {
                vec![
                    org.into_arg(),
                    p.as_str().into_arg(),
                    course.as_str().into_arg(),
                    (*on).into_arg(),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            "training_completions",
            "org_id, person_ref, course, completed_on",
            4,
            done,
        )
        .await?;
        let replaced = TrainingReplaced {
            people: record.people.len() as u64,
            completions: record.completions.len() as u64,
        };
        let detail = serde_json::json!({
            "file": file, "people": replaced.people, "completions": replaced.completions,
        });
        let event = meta
            .change("training.import", "organisation", org.to_string())
            .org(org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(replaced)
    }

    async fn training_tallies(
        &self,
        scope: &Scope,
        current_since: Date,
        rollup: bool,
    ) -> StoreResult<Vec<TrainingTally>> {
        let mut db = self.read().await?;
        let mut tallies: BTreeMap<OrgId, TrainingTally> = BTreeMap::new();

        let mut q = Sql::new("SELECT o.id AS org_id, o.code, o.name, o.kind, p.role, COUNT(*) AS n");
        tally_from(&mut q, rollup);
        tally_where(&db, &mut q, rollup, scope);
        q.push(" GROUP BY o.id, o.code, o.name, o.kind, p.role");
        for r in db.fetch_all(q).await? {
            let org = label(&r)?;
            let t = tallies.entry(org.id).or_insert_with(|| TrainingTally {
                org,
                people: BTreeMap::new(),
                done: BTreeMap::new(),
            });
            t.people.insert(r.parsed("role")?, r.u64("n")?);
        }

        let mut q = Sql::new(
            "SELECT o.id AS org_id, p.role, c.course, \
             SUM(CASE WHEN c.completed_on >= $1 THEN 1 ELSE 0 END) AS current_n, \
             SUM(CASE WHEN c.completed_on < $2 THEN 1 ELSE 0 END) AS overdue_n",
        )
        .arg(current_since)
        .arg(current_since);
        tally_from(&mut q, rollup);
        q.push(" JOIN training_completions c ON c.org_id = p.org_id AND c.person_ref = p.person_ref");
        tally_where(&db, &mut q, rollup, scope);
        q.push(" GROUP BY o.id, p.role, c.course");
        for r in db.fetch_all(q).await? {
            let id: OrgId = r.id("org_id")?;
            let Some(t) = tallies.get_mut(&id) else {
                continue;
            };
            let course =
                CourseCode::parse(&r.text("course")?).map_err(|_| super::corrupt_column("course"))?;
            t.done.insert(
                (r.parsed("role")?, course),
                (r.u64("current_n")?, r.u64("overdue_n")?),
            );
        }
        let mut out: Vec<TrainingTally> = tallies.into_values().collect();
        out.sort_by(|a, b| a.org.code.cmp(&b.org.code));
        Ok(out)
    }

    async fn board_members(&self, scope: &Scope, org: OrgId) -> StoreResult<Vec<BoardMember>> {
        let mut db = self.read().await?;
        let mut q =
            Sql::new("SELECT id, org_id, name, board_role, added_at FROM board_members WHERE org_id = $1")
                .arg(org);
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY name, id");
        db.fetch_all(q).await?.iter().map(board_row).collect()
    }

    async fn add_board_member(&self, scope: &Scope, m: &BoardMember, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        org_in_scope(&mut tx, scope, m.org).await?;
        let q = Sql::new(
            "INSERT INTO board_members (id, org_id, name, board_role, added_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .arg(m.id)
        .arg(m.org)
        .arg(m.name.as_str())
        .arg(m.board_role.as_str())
        .arg(m.added_at);
        tx.execute(q).await?;
        let event = meta
            .change("board.add", "board_member", m.id.to_string())
            .org(m.org)
            .detail(serde_json::json!({ "name": m.name, "board_role": m.board_role }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn remove_board_member(
        &self,
        scope: &Scope,
        id: BoardMemberId,
        meta: &AuditMeta,
    ) -> StoreResult<BoardMember> {
        let mut tx = self.write().await?;
        let mut q =
            Sql::new("SELECT id, org_id, name, board_role, added_at FROM board_members WHERE id = $1")
                .arg(id);
        tx.scope_filter(&mut q, scope, "org_id");
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("board member", id.to_string()));
        };
        let m = board_row(&row)?;
        tx.execute(Sql::new("DELETE FROM board_members WHERE id = $1").arg(id))
            .await?;
        let event = meta
            .change("board.remove", "board_member", id.to_string())
            .org(m.org)
            .detail(serde_json::json!({ "name": m.name, "board_role": m.board_role }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(m)
    }

    async fn start_questionnaire(
        &self,
        scope: &Scope,
        h: &AssessmentHead,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_assessment(&mut tx, self.keys(), scope, h, meta).await?;
        tx.execute(
            Sql::new("INSERT INTO questionnaires (assessment_id, org_id, started_at) VALUES ($1, $2, $3)")
                .arg(h.id)
                .arg(h.org)
                .arg(meta.at),
        )
        .await?;
        let event = meta
            .change("questionnaire.start", "assessment", h.id.to_string())
            .org(h.org)
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn questionnaire_ids(&self, scope: &Scope) -> StoreResult<Vec<AssessmentId>> {
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT assessment_id FROM questionnaires WHERE 1 = 1");
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY started_at DESC, assessment_id");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| r.id("assessment_id"))
            .collect()
    }

    async fn is_questionnaire(&self, scope: &Scope, id: AssessmentId) -> StoreResult<bool> {
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT 1 AS n FROM questionnaires WHERE assessment_id = $1").arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        Ok(db.fetch_optional(q).await?.is_some())
    }

    async fn save_question_answer(
        &self,
        scope: &Scope,
        id: AssessmentId,
        saved: &SavedAnswer<'_>,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let SavedAnswer {
            question,
            answer,
            indicators,
            by,
            rule,
        } = *saved;
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, id).await?;
        let marked = Sql::new("SELECT 1 AS n FROM questionnaires WHERE assessment_id = $1").arg(id);
        if tx.fetch_optional(marked).await?.is_none() {
            return Err(StoreError::not_found("questionnaire", id.to_string()));
        }
        if h.status != AssessmentStatus::Draft {
            return Err(crate::assurance::refusals::not_editable(h.status, "answers"));
        }
        tx.execute(
            Sql::new(
                "INSERT INTO questionnaire_answers (assessment_id, question, answer, answered_by, answered_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assessment_id, question) DO UPDATE SET \
                 answer = excluded.answer, answered_by = excluded.answered_by, answered_at = excluded.answered_at",
            )
            .arg(id)
            .arg(question)
            .arg(answer.as_str())
            .arg(by)
            .arg(meta.at),
        )
        .await?;
        super::assessments::check_rule(&h, rule)?;
        touch(&mut tx, id, meta).await?;
        write_answers(&mut tx, id, indicators, meta.at).await?;
        super::assessments::rederive(&mut tx, &h, rule).await?;
        let event = meta
            .change("questionnaire.answer", "assessment", id.to_string())
            .org(h.org)
            .detail(
                serde_json::json!({ "question": question, "answer": answer, "indicators": indicators.len() })
                    .to_string(),
            )
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn question_answers(
        &self,
        scope: &Scope,
        id: AssessmentId,
    ) -> StoreResult<BTreeMap<String, QuestionAnswer>> {
        let mut db = self.read().await?;
        head_in_scope(&mut db, scope, id).await?;
        let q =
            Sql::new("SELECT question, answer FROM questionnaire_answers WHERE assessment_id = $1").arg(id);
        let mut out = BTreeMap::new();
        for r in db.fetch_all(q).await? {
            out.insert(r.text("question")?, r.parsed("answer")?);
        }
        Ok(out)
    }
}
