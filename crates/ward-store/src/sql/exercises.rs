//! Exercises, once for both backends.
//!
//! An exercise is a row of `exercises` (scenario, kind and status as their text, the planned date
//! as a date, times as microseconds), its organisations rows of `exercise_orgs` and its
//! participants rows of `exercise_participants`; released injects are `exercise_injects` (one row
//! per number, so a second release is refused by the key as well as by the check), responses and
//! decisions `exercise_entries`, tracked actions `exercise_actions`. Visibility and writability are
//! described in [`crate::exercises`].

use std::collections::HashMap;

use async_trait::async_trait;
use ward_core::exercise::{
    Debrief, Exercise, ExerciseAction, ExerciseEntry, ExerciseRole, ExerciseStatus, Participant,
    ReleasedInject,
};
use ward_core::risk::register::Risk;
use ward_core::{ExerciseActionId, ExerciseId, OrgId, UserId};

use super::{Arg, Exec, IntoArg, RowRead, Sql, SqlBackend, Tx, audit, risks::insert_risk};
use crate::exercises::{ExerciseFilter, ExerciseRecord, ExerciseStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, title, scenario, kind, facilitator_id, planned_for, status, started_at, \
    completed_at, went_well, to_improve, created_by, created_at, updated_at";

const ACTION_COLUMNS: &str =
    "id, exercise_id, org_id, lesson, owner_id, due, status, risk_id, created_at, updated_at";

fn exercise_row(r: &impl RowRead, orgs: Vec<OrgId>, participants: Vec<Participant>) -> StoreResult<Exercise> {
    Ok(Exercise {
        id: r.id("id")?,
        title: r.text("title")?,
        scenario: r.parsed("scenario")?,
        kind: r.parsed("kind")?,
        orgs,
        facilitator: r.id("facilitator_id")?,
        planned_for: r.date("planned_for")?,
        participants,
        status: r.parsed("status")?,
        started_at: r.opt_ts("started_at")?,
        completed_at: r.opt_ts("completed_at")?,
        debrief: Debrief {
            went_well: r.text("went_well")?,
            to_improve: r.text("to_improve")?,
        },
        created_by: r.id("created_by")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn action_row(r: &impl RowRead) -> StoreResult<ExerciseAction> {
    Ok(ExerciseAction {
        id: r.id("id")?,
        exercise: r.id("exercise_id")?,
        org: r.id("org_id")?,
        lesson: r.text("lesson")?,
        owner: r.id("owner_id")?,
        due: r.date("due")?,
        status: r.parsed("status")?,
        risk: r.opt_id("risk_id")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

type Parts = (Vec<OrgId>, Vec<Participant>);

/// The organisations and participants of the given exercises, by exercise.
async fn parts_of<E: Exec + ?Sized>(
    db: &mut E,
    ids: &[ExerciseId],
) -> StoreResult<HashMap<ExerciseId, Parts>> {
    let mut out: HashMap<ExerciseId, Parts> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let list = || Arg::Uuids(ids.iter().map(|i| *i.as_uuid()).collect());
    let mut q = Sql::new("SELECT exercise_id, org_id FROM exercise_orgs WHERE ");
    q.in_list(db.dialect(), "exercise_id", list());
    q.push(" ORDER BY exercise_id, org_id");
    for r in db.fetch_all(q).await? {
        out.entry(r.id("exercise_id")?)
            .or_default()
            .0
            .push(r.id("org_id")?);
    }
    let mut q =
        Sql::new("SELECT exercise_id, position, name, role, user_id FROM exercise_participants WHERE ");
    q.in_list(db.dialect(), "exercise_id", list());
    q.push(" ORDER BY exercise_id, position");
    for r in db.fetch_all(q).await? {
        out.entry(r.id("exercise_id")?).or_default().1.push(Participant {
            number: r.u32("position")?,
            name: r.text("name")?,
            role: r.parsed("role")?,
            account: r.opt_id("user_id")?,
        });
    }
    Ok(out)
}

/// Append ` AND <column> IN (the exercises with an organisation inside scope)`.
fn visible(db: &impl Exec, q: &mut Sql, scope: &Scope, column: &str) {
    if matches!(scope, Scope::All) {
        return;
    }
    q.push(&format!(
        " AND {column} IN (SELECT exercise_id FROM exercise_orgs WHERE 1 = 1"
    ));
    db.scope_filter(q, scope, "org_id");
    q.push(")");
}

async fn rows_to_exercises<E: Exec + ?Sized>(db: &mut E, rows: Vec<E::Row>) -> StoreResult<Vec<Exercise>> {
    let ids: Vec<ExerciseId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
    let mut parts = parts_of(db, &ids).await?;
    rows.iter()
        .zip(&ids)
        .map(|(r, id)| {
            let (orgs, people) = parts.remove(id).unwrap_or_default();
            exercise_row(r, orgs, people)
        })
        .collect()
}

/// The exercise if it is visible in scope; not found otherwise.
async fn exercise_in_scope<E: Exec>(db: &mut E, scope: &Scope, id: ExerciseId) -> StoreResult<Exercise> {
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM exercises WHERE id = $1")).arg(id);
    visible(&*db, &mut q, scope, "id");
    let Some(row) = db.fetch_optional(q).await? else {
        return Err(StoreError::not_found("exercise", id.to_string()));
    };
    rows_to_exercises(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("exercise", id.to_string()))
}

/// The exercise if every one of its organisations is in scope; not found when none is visible,
/// forbidden when only some are.
pub(super) async fn writable<E: Exec>(db: &mut E, scope: &Scope, id: ExerciseId) -> StoreResult<Exercise> {
    let exercise = exercise_in_scope(db, scope, id).await?;
    if !matches!(scope, Scope::All) {
        let mut q = Sql::new("SELECT COUNT(*) AS n FROM exercise_orgs WHERE exercise_id = $1").arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        let inside = usize::try_from(db.fetch_one(q).await?.u64("n")?).unwrap_or(0);
        if inside < exercise.orgs.len() {
            return Err(refusals::shared_exercise());
        }
    }
    Ok(exercise)
}

async fn is_account<E: Exec + ?Sized>(db: &mut E, id: UserId) -> StoreResult<bool> {
    Ok(db
        .fetch_optional(Sql::new("SELECT 1 AS n FROM users WHERE id = $1").arg(id))
        .await?
        .is_some())
}

/// Write participant number `position` of an exercise (its `number`, whatever `p.number` says);
/// an account that is none is invalid naming `field`.
async fn insert_participant<E: Exec + ?Sized>(
    db: &mut E,
    exercise: ExerciseId,
    position: u32,
    p: &Participant,
    field: &str,
) -> StoreResult<()> {
    if let Some(account) = p.account
        && !is_account(db, account).await?
    {
        return Err(refusals::not_an_account(field));
    }
    let q = Sql::new(
        "INSERT INTO exercise_participants (exercise_id, position, name, role, user_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .arg(exercise)
    .arg(i64::from(position))
    .arg(p.name.as_str())
    .arg(p.role.as_str())
    .arg(p.account);
    db.execute(q).await?;
    Ok(())
}

fn not_now(e: ward_core::exercise::NotNow) -> StoreError {
    StoreError::Conflict(e.0)
}

async fn write_exercise<E: Exec + ?Sized>(db: &mut E, e: &Exercise) -> StoreResult<()> {
    let q = Sql::new(
        "UPDATE exercises SET status = $2, started_at = $3, completed_at = $4, went_well = $5, \
         to_improve = $6, updated_at = $7 WHERE id = $1",
    )
    .arg(e.id)
    .arg(e.status.as_str())
    .arg(e.started_at)
    .arg(e.completed_at)
    .arg(e.debrief.went_well.as_str())
    .arg(e.debrief.to_improve.as_str())
    .arg(e.updated_at);
    db.execute(q).await?;
    Ok(())
}

/// The checks every action write makes: its organisation takes part, its owner is an account, a
/// linked risk (unless it is being raised in the same transaction) is the organisation's.
async fn check_action<E: Exec + ?Sized>(
    db: &mut E,
    exercise: &Exercise,
    a: &ExerciseAction,
    raised: bool,
) -> StoreResult<()> {
    if !exercise.orgs.contains(&a.org) {
        return Err(refusals::not_exercising("org"));
    }
    if !is_account(db, a.owner).await? {
        return Err(refusals::not_an_account("owner"));
    }
    if let (Some(risk), false) = (a.risk, raised) {
        let q = Sql::new("SELECT 1 AS n FROM risks WHERE id = $1 AND org_id = $2")
            .arg(risk)
            .arg(a.org);
        if db.fetch_optional(q).await?.is_none() {
            return Err(refusals::not_the_orgs_risk("risk"));
        }
    }
    Ok(())
}

fn action_values(a: &ExerciseAction) -> Vec<Arg> {
    vec![
        a.id.into_arg(),
        a.exercise.into_arg(),
        a.org.into_arg(),
        a.lesson.as_str().into_arg(),
        a.owner.into_arg(),
        a.due.into_arg(),
        a.status.as_str().into_arg(),
        a.risk.into_arg(),
        a.created_at.into_arg(),
        a.updated_at.into_arg(),
    ]
}

fn action_detail(a: &ExerciseAction) -> String {
    serde_json::json!({
        "action": a.id, "org": a.org, "owner": a.owner, "due": a.due.to_string(),
        "status": a.status, "risk": a.risk,
    })
    .to_string()
}

#[async_trait]
impl<B: SqlBackend> ExerciseStore for B {
    async fn create_exercise(&self, scope: &Scope, e: &Exercise, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for org in &e.orgs {
            let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(*org);
            tx.scope_filter(&mut q, scope, "id");
            if tx.fetch_optional(q).await?.is_none() {
                return Err(StoreError::not_found("organisation", org.to_string()));
            }
        }
        if !is_account(&mut tx, e.facilitator).await? {
            return Err(refusals::not_an_account("facilitator"));
        }
        let marks: Vec<String> = (1..=14).map(|n| format!("${n}")).collect();
        let q = Sql::new(format!(
            "INSERT INTO exercises ({COLUMNS}) VALUES ({})",
            marks.join(", ")
        ))
        .arg(e.id)
        .arg(e.title.as_str())
        .arg(e.scenario.as_str())
        .arg(e.kind.as_str())
        .arg(e.facilitator)
        .arg(e.planned_for)
        .arg(e.status.as_str())
        .arg(e.started_at)
        .arg(e.completed_at)
        .arg(e.debrief.went_well.as_str())
        .arg(e.debrief.to_improve.as_str())
        .arg(e.created_by)
        .arg(e.created_at)
        .arg(e.updated_at);
        tx.execute(q).await?;
        for org in &e.orgs {
            tx.execute(
                Sql::new("INSERT INTO exercise_orgs (exercise_id, org_id) VALUES ($1, $2)")
                    .arg(e.id)
                    .arg(*org),
            )
            .await?;
        }
        for (i, p) in (0u32..).zip(&e.participants) {
            insert_participant(&mut tx, e.id, i, p, "participants").await?;
        }
        let detail = serde_json::json!({
            "title": e.title, "scenario": e.scenario, "kind": e.kind, "orgs": e.orgs,
            "facilitator": e.facilitator, "planned_for": e.planned_for.to_string(),
            "participants": e.participants.len(),
        });
        let mut events = Vec::new();
        for org in &e.orgs {
            events.push(
                meta.change("exercise.create", "exercise", e.id.to_string())
                    .org(*org)
                    .detail(detail.to_string())
                    .build(),
            );
        }
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await
    }

    async fn get_exercise(&self, scope: &Scope, id: ExerciseId) -> StoreResult<Exercise> {
        let mut db = self.read().await?;
        exercise_in_scope(&mut db, scope, id).await
    }

    async fn exercise_record(&self, scope: &Scope, id: ExerciseId) -> StoreResult<ExerciseRecord> {
        let mut db = self.read().await?;
        let exercise = exercise_in_scope(&mut db, scope, id).await?;
        let q = Sql::new(
            "SELECT exercise_id, number, released_at, released_by FROM exercise_injects \
             WHERE exercise_id = $1 ORDER BY number",
        )
        .arg(id);
        let released: Vec<ReleasedInject> = db
            .fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(ReleasedInject {
                    exercise: r.id("exercise_id")?,
                    number: r.u32("number")?,
                    released_at: r.ts("released_at")?,
                    released_by: r.id("released_by")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        let q = Sql::new(
            "SELECT id, exercise_id, inject, kind, entry, author_id, at FROM exercise_entries \
             WHERE exercise_id = $1 ORDER BY at, id",
        )
        .arg(id);
        let entries: Vec<ExerciseEntry> = db
            .fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(ExerciseEntry {
                    id: r.id("id")?,
                    exercise: r.id("exercise_id")?,
                    inject: r.u32("inject")?,
                    kind: r.parsed("kind")?,
                    text: r.text("entry")?,
                    author: r.id("author_id")?,
                    at: r.ts("at")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        let q = Sql::new(format!(
            "SELECT {ACTION_COLUMNS} FROM exercise_actions WHERE exercise_id = $1 ORDER BY due, created_at, id"
        ))
        .arg(id);
        let actions: Vec<ExerciseAction> = db
            .fetch_all(q)
            .await?
            .iter()
            .map(action_row)
            .collect::<StoreResult<_>>()?;
        Ok(ExerciseRecord {
            exercise,
            released,
            entries,
            actions,
        })
    }

    async fn list_exercises(&self, scope: &Scope, f: &ExerciseFilter) -> StoreResult<Vec<Exercise>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM exercises WHERE 1 = 1"));
        visible(&db, &mut q, scope, "id");
        if let Some(org) = f.org {
            q.push(" AND id IN (SELECT exercise_id FROM exercise_orgs WHERE 1 = 1");
            db.scope_filter(&mut q, &Scope::subtree(org), "org_id");
            q.push(")");
        }
        if let Some(s) = f.status {
            q.push(" AND status = ").bind(s.as_str());
        }
        if let Some(since) = f.completed_since {
            q.push(" AND completed_at >= ").bind(since);
        }
        q.push(" ORDER BY planned_for DESC, id");
        let rows = db.fetch_all(q).await?;
        rows_to_exercises(&mut db, rows).await
    }

    async fn move_exercise(
        &self,
        scope: &Scope,
        id: ExerciseId,
        to: ExerciseStatus,
        meta: &AuditMeta,
    ) -> StoreResult<Exercise> {
        let mut tx = self.write().await?;
        let before = writable(&mut tx, scope, id).await?;
        let after = before.moved(to, meta.at).map_err(not_now)?;
        write_exercise(&mut tx, &after).await?;
        let event = meta
            .change("exercise.status", "exercise", id.to_string())
            .org_opt(after.orgs.first().copied())
            .detail(serde_json::json!({ "from": before.status, "to": to }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn release_inject(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        by: UserId,
        meta: &AuditMeta,
    ) -> StoreResult<ReleasedInject> {
        let mut tx = self.write().await?;
        let exercise = writable(&mut tx, scope, id).await?;
        exercise
            .scenario
            .scenario()
            .inject("inject", number)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        exercise.check_running("injects are released").map_err(not_now)?;
        let taken = Sql::new("SELECT 1 AS n FROM exercise_injects WHERE exercise_id = $1 AND number = $2")
            .arg(id)
            .arg(number);
        if tx.fetch_optional(taken).await?.is_some() {
            return Err(refusals::already_released(number));
        }
        let released = ReleasedInject {
            exercise: id,
            number,
            released_at: meta.at,
            released_by: by,
        };
        tx.execute(
            Sql::new(
                "INSERT INTO exercise_injects (exercise_id, number, released_at, released_by) VALUES ($1, $2, $3, $4)",
            )
            .arg(id)
            .arg(number)
            .arg(meta.at)
            .arg(by),
        )
        .await?;
        let event = meta
            .change("exercise.inject", "exercise", id.to_string())
            .org_opt(exercise.orgs.first().copied())
            .detail(serde_json::json!({ "inject": number }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(released)
    }

    async fn add_exercise_entry(
        &self,
        scope: &Scope,
        e: &ExerciseEntry,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let exercise = writable(&mut tx, scope, e.exercise).await?;
        exercise
            .scenario
            .scenario()
            .inject("inject", e.inject)
            .map_err(|err| StoreError::Invalid(err.to_string()))?;
        exercise
            .check_running("responses and decisions are recorded")
            .map_err(not_now)?;
        let released = Sql::new("SELECT 1 AS n FROM exercise_injects WHERE exercise_id = $1 AND number = $2")
            .arg(e.exercise)
            .arg(e.inject);
        if tx.fetch_optional(released).await?.is_none() {
            return Err(refusals::not_released(e.inject));
        }
        tx.execute(
            Sql::new(
                "INSERT INTO exercise_entries (id, exercise_id, inject, kind, entry, author_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .arg(e.id)
            .arg(e.exercise)
            .arg(e.inject)
            .arg(e.kind.as_str())
            .arg(e.text.as_str())
            .arg(e.author)
            .arg(e.at),
        )
        .await?;
        let event = meta
            .change("exercise.entry", "exercise", e.exercise.to_string())
            .org_opt(exercise.orgs.first().copied())
            .detail(serde_json::json!({ "entry": e.id, "inject": e.inject, "kind": e.kind }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn set_debrief(
        &self,
        scope: &Scope,
        id: ExerciseId,
        debrief: &Debrief,
        meta: &AuditMeta,
    ) -> StoreResult<Exercise> {
        let mut tx = self.write().await?;
        let before = writable(&mut tx, scope, id).await?;
        before
            .check_completed("the debrief is written")
            .map_err(not_now)?;
        let after = Exercise {
            debrief: debrief.clone(),
            updated_at: meta.at,
            ..before
        };
        write_exercise(&mut tx, &after).await?;
        let event = meta
            .change("exercise.debrief", "exercise", id.to_string())
            .org_opt(after.orgs.first().copied())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn add_exercise_action(
        &self,
        scope: &Scope,
        a: &ExerciseAction,
        raised: Option<(&Scope, &Risk)>,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let exercise = writable(&mut tx, scope, a.exercise).await?;
        exercise.check_completed("actions are added").map_err(not_now)?;
        check_action(&mut tx, &exercise, a, raised.is_some()).await?;
        if let Some((risk_scope, risk)) = raised {
            if risk.org != a.org || a.risk != Some(risk.id) {
                return Err(refusals::not_the_orgs_risk("risk"));
            }
            insert_risk(&mut tx, self.keys(), risk_scope, risk, meta).await?;
        }
        let vals = action_values(a);
        let marks: Vec<String> = (1..=vals.len()).map(|n| format!("${n}")).collect();
        let mut q = Sql::new(format!(
            "INSERT INTO exercise_actions ({ACTION_COLUMNS}) VALUES ({})",
            marks.join(", ")
        ));
        for v in vals {
            q = q.arg(v);
        }
        tx.execute(q).await?;
        let event = meta
            .change("exercise.action", "exercise", a.exercise.to_string())
            .org(a.org)
            .detail(action_detail(a))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn update_exercise_action(
        &self,
        scope: &Scope,
        a: &ExerciseAction,
        meta: &AuditMeta,
    ) -> StoreResult<ExerciseAction> {
        let mut tx = self.write().await?;
        let exercise = writable(&mut tx, scope, a.exercise).await?;
        let q = Sql::new(format!(
            "SELECT {ACTION_COLUMNS} FROM exercise_actions WHERE id = $1 AND exercise_id = $2"
        ))
        .arg(a.id)
        .arg(a.exercise);
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("exercise action", a.id.to_string()));
        };
        let before = action_row(&row)?;
        check_action(&mut tx, &exercise, a, false).await?;
        let after = ExerciseAction {
            created_at: before.created_at,
            updated_at: meta.at,
            ..a.clone()
        };
        let q = Sql::new(
            "UPDATE exercise_actions SET org_id = $2, lesson = $3, owner_id = $4, due = $5, status = $6, \
             risk_id = $7, updated_at = $8 WHERE id = $1",
        )
        .arg(after.id)
        .arg(after.org)
        .arg(after.lesson.as_str())
        .arg(after.owner)
        .arg(after.due)
        .arg(after.status.as_str())
        .arg(after.risk)
        .arg(after.updated_at);
        tx.execute(q).await?;
        let event = meta
            .change("exercise.action", "exercise", a.exercise.to_string())
            .org(after.org)
            .detail(action_detail(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn get_exercise_action(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
        id: ExerciseActionId,
    ) -> StoreResult<ExerciseAction> {
        let mut db = self.read().await?;
        exercise_in_scope(&mut db, scope, exercise).await?;
        let q = Sql::new(format!(
            "SELECT {ACTION_COLUMNS} FROM exercise_actions WHERE id = $1 AND exercise_id = $2"
        ))
        .arg(id)
        .arg(exercise);
        match db.fetch_optional(q).await? {
            Some(r) => action_row(&r),
            None => Err(StoreError::not_found("exercise action", id.to_string())),
        }
    }

    async fn add_exercise_participant(
        &self,
        scope: &Scope,
        id: ExerciseId,
        participant: &Participant,
        meta: &AuditMeta,
    ) -> StoreResult<Exercise> {
        let mut tx = self.write().await?;
        let mut exercise = writable(&mut tx, scope, id).await?;
        if exercise.status != ExerciseStatus::Planned {
            return Err(refusals::not_planned());
        }
        let number = super::exercise_participants::next_number(&mut tx, id).await?;
        insert_participant(&mut tx, id, number, participant, "account").await?;
        let detail = serde_json::json!({
            "name": participant.name, "role": participant.role, "account": participant.account,
        })
        .to_string();
        let mut events = Vec::new();
        for org in &exercise.orgs {
            events.push(
                meta.change("exercise.participant", "exercise", id.to_string())
                    .org(*org)
                    .detail(detail.clone())
                    .build(),
            );
        }
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await?;
        exercise.participants.push(Participant {
            number,
            ..participant.clone()
        });
        Ok(exercise)
    }

    async fn exercises_taken_part(&self, account: UserId) -> StoreResult<Vec<Exercise>> {
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM exercises WHERE id IN \
             (SELECT exercise_id FROM exercise_participants WHERE user_id = $1) \
             ORDER BY planned_for DESC, id"
        ))
        .arg(account);
        let rows = db.fetch_all(q).await?;
        rows_to_exercises(&mut db, rows).await
    }

    async fn remove_exercise_participant(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        meta: &AuditMeta,
    ) -> StoreResult<Exercise> {
        super::exercise_participants::remove(self, scope, id, number, meta).await
    }

    async fn set_exercise_participant_role(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        role: ExerciseRole,
        meta: &AuditMeta,
    ) -> StoreResult<Exercise> {
        super::exercise_participants::set_role(self, scope, id, number, role, meta).await
    }

    async fn add_participant_entry(&self, entry: &ExerciseEntry, meta: &AuditMeta) -> StoreResult<()> {
        super::exercise_participants::add_entry(self, entry, meta).await
    }
}
