//! Exercise participants after planning, once for both backends: numbering new participants,
//! removing one or giving one another role (by whoever runs the exercise, until it is completed),
//! and a participant's own response to an inject aimed at the role they play.
//!
//! A participant's number is its `position` in `exercise_participants`: positions are given as
//! one more than the largest so far and never renumbered, so removing someone does not change who
//! the others' numbers name.

use ward_core::exercise::{Exercise, ExerciseEntry, ExerciseRole};
use ward_core::{ExerciseId, OrgId};

use super::exercises::writable;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::exercises::refusals;
use crate::{AuditMeta, Scope, StoreError, StoreResult};

/// The number the next participant of exercise `id` gets.
pub(super) async fn next_number<E: Exec + ?Sized>(db: &mut E, id: ExerciseId) -> StoreResult<u32> {
    let q = Sql::new(
        "SELECT COALESCE(MAX(position), -1) + 1 AS n FROM exercise_participants WHERE exercise_id = $1",
    )
    .arg(id);
    let n = db.fetch_one(q).await?.u64("n")?;
    u32::try_from(n).map_err(|_| StoreError::Invalid("participants: too many".into()))
}

/// One audit event per organisation taking part.
async fn audit_each<E: Exec + ?Sized>(
    db: &mut E,
    keys: &crate::StoreKeys,
    meta: &AuditMeta,
    action: &str,
    id: ExerciseId,
    orgs: &[OrgId],
    detail: &serde_json::Value,
) -> StoreResult<()> {
    let events = orgs
        .iter()
        .map(|org| {
            meta.change(action, "exercise", id.to_string())
                .org(*org)
                .detail(detail.to_string())
                .build()
        })
        .collect();
    audit::append_events(db, keys, events).await?;
    Ok(())
}

/// The exercise as whoever runs it may change its participants now: writable in scope, not
/// completed.
async fn open_for_changes<E: Exec>(db: &mut E, scope: &Scope, id: ExerciseId) -> StoreResult<Exercise> {
    let exercise = writable(db, scope, id).await?;
    exercise
        .check_participants_open()
        .map_err(|e| StoreError::Conflict(e.0))?;
    Ok(exercise)
}

pub(super) async fn remove<B: SqlBackend>(
    backend: &B,
    scope: &Scope,
    id: ExerciseId,
    number: u32,
    meta: &AuditMeta,
) -> StoreResult<Exercise> {
    let mut tx = backend.write().await?;
    let mut exercise = open_for_changes(&mut tx, scope, id).await?;
    let Some(at) = exercise.participants.iter().position(|p| p.number == number) else {
        return Err(refusals::no_participant(number));
    };
    let gone = exercise.participants.remove(at);
    tx.execute(
        Sql::new("DELETE FROM exercise_participants WHERE exercise_id = $1 AND position = $2")
            .arg(id)
            .arg(i64::from(number)),
    )
    .await?;
    let detail = serde_json::json!({
        "number": number, "name": gone.name, "role": gone.role, "account": gone.account,
    });
    audit_each(
        &mut tx,
        backend.keys(),
        meta,
        "exercise.participant_remove",
        id,
        &exercise.orgs,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(exercise)
}

pub(super) async fn set_role<B: SqlBackend>(
    backend: &B,
    scope: &Scope,
    id: ExerciseId,
    number: u32,
    role: ExerciseRole,
    meta: &AuditMeta,
) -> StoreResult<Exercise> {
    let mut tx = backend.write().await?;
    let mut exercise = open_for_changes(&mut tx, scope, id).await?;
    exercise
        .scenario
        .scenario()
        .check_role("role", role)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let Some(p) = exercise.participants.iter_mut().find(|p| p.number == number) else {
        return Err(refusals::no_participant(number));
    };
    let from = std::mem::replace(&mut p.role, role);
    tx.execute(
        Sql::new("UPDATE exercise_participants SET role = $3 WHERE exercise_id = $1 AND position = $2")
            .arg(id)
            .arg(i64::from(number))
            .arg(role.as_str()),
    )
    .await?;
    let detail = serde_json::json!({ "number": number, "from": from, "to": role });
    audit_each(
        &mut tx,
        backend.keys(),
        meta,
        "exercise.participant_role",
        id,
        &exercise.orgs,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(exercise)
}

pub(super) async fn add_entry<B: SqlBackend>(
    backend: &B,
    e: &ExerciseEntry,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut tx = backend.write().await?;
    let hidden = || StoreError::not_found("inject", e.inject.to_string());
    let exercise = writable(&mut tx, &Scope::All, e.exercise)
        .await
        .map_err(|_| StoreError::not_found("exercise", e.exercise.to_string()))?;
    let scenario = exercise.scenario.scenario();
    let target = scenario.inject("inject", e.inject).map_err(|_| hidden())?.target;
    // The author plays the inject's role with their account, or sees nothing of it.
    let q = Sql::new(
        "SELECT 1 AS n FROM exercise_participants WHERE exercise_id = $1 AND user_id = $2 AND role = $3",
    )
    .arg(e.exercise)
    .arg(e.author)
    .arg(target.as_str());
    if tx.fetch_optional(q).await?.is_none() {
        return Err(hidden());
    }
    let released = Sql::new("SELECT 1 AS n FROM exercise_injects WHERE exercise_id = $1 AND number = $2")
        .arg(e.exercise)
        .arg(e.inject);
    if tx.fetch_optional(released).await?.is_none() {
        return Err(hidden());
    }
    exercise
        .check_running("responses are recorded")
        .map_err(|n| StoreError::Conflict(n.0))?;
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
        .change("exercise.participant_entry", "exercise", e.exercise.to_string())
        .org_opt(exercise.orgs.first().copied())
        .detail(serde_json::json!({ "entry": e.id, "inject": e.inject, "kind": e.kind }).to_string())
        .build();
    audit::append(&mut tx, backend.keys(), event).await?;
    tx.commit().await
}
