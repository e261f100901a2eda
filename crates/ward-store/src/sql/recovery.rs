//! Recovery facts and exercise timings, once for both backends.
//!
//! An incident's fact is worked out from the incident as stored (`RecoveryFact::of_incident`, one
//! rule for every caller); an exercise's from a row of `exercise_timings` (one per exercise and
//! organisation taking part) and the exercise's start.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::exercise::ExerciseStatus;
use ward_core::recovery::{ExerciseTimings, RecordedTimings, RecoveryFact, RecoverySource};
use ward_core::{ExerciseId, IncidentId, UserId};

use super::exercises::writable;
use super::incidents::{COLUMNS as INCIDENT_COLUMNS, SUPPLIER, incident_row, links_of};
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::recovery::{RecoveryFilter, RecoveryStore, refusals};
use crate::{AuditMeta, Scope, StoreResult};

const TIMING_COLUMNS: &str = "t.exercise_id, t.org_id, t.detected_minutes, t.contained_minutes, \
    t.recovered_minutes, t.recorded_by, t.recorded_at";

fn minutes(r: &impl RowRead, column: &str) -> StoreResult<Option<u32>> {
    r.opt_i64(column)?
        .map(|m| u32::try_from(m).map_err(|_| corrupt_column(column)))
        .transpose()
}

fn timing_row(r: &impl RowRead) -> StoreResult<RecordedTimings> {
    Ok(RecordedTimings {
        exercise: r.id("exercise_id")?,
        timings: ExerciseTimings {
            org: r.id("org_id")?,
            detected_minutes: minutes(r, "detected_minutes")?
                .ok_or_else(|| corrupt_column("detected_minutes"))?,
            contained_minutes: minutes(r, "contained_minutes")?,
            recovered_minutes: minutes(r, "recovered_minutes")?,
        },
        recorded_by: r.id("recorded_by")?,
        recorded_at: r.ts("recorded_at")?,
    })
}

fn within(f: &RecoveryFilter, at: Timestamp) -> bool {
    f.since.is_none_or(|s| at >= s) && f.until.is_none_or(|u| at < u)
}

async fn incident_facts<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    f: &RecoveryFilter,
) -> StoreResult<Vec<RecoveryFact>> {
    let mut q = Sql::new(format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE 1 = 1"));
    db.scope_filter(&mut q, scope, "org_id");
    if let Some(c) = f.category {
        q.push(" AND category = ").bind(<&str>::from(c));
    }
    if let Some(s) = f.supplier {
        q.push(" AND id IN (SELECT incident_id FROM incident_links WHERE kind = ")
            .bind(SUPPLIER);
        q.push(" AND target = ").bind(s.to_string());
        q.push(")");
    }
    if let Some(s) = f.since {
        q.push(" AND detected_at >= ").bind(s);
    }
    if let Some(u) = f.until {
        q.push(" AND detected_at < ").bind(u);
    }
    q.push(" ORDER BY detected_at, id");
    let rows = db.fetch_all(q).await?;
    let ids: Vec<IncidentId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
    let mut links = links_of(db, &ids).await?;
    rows.iter()
        .zip(&ids)
        .map(|(r, id)| {
            Ok(RecoveryFact::of_incident(&incident_row(
                r,
                links.remove(id).unwrap_or_default(),
            )?))
        })
        .collect()
}

async fn exercise_facts<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    f: &RecoveryFilter,
) -> StoreResult<Vec<RecoveryFact>> {
    let mut q = Sql::new(format!(
        "SELECT {TIMING_COLUMNS}, e.started_at, e.planned_for FROM exercise_timings t \
         JOIN exercises e ON e.id = t.exercise_id WHERE 1 = 1"
    ));
    db.scope_filter(&mut q, scope, "t.org_id");
    q.push(" ORDER BY t.exercise_id, t.org_id");
    let mut out = Vec::new();
    for r in db.fetch_all(q).await? {
        let t = timing_row(&r)?;
        let at = match r.opt_ts("started_at")? {
            Some(at) => at,
            None => r
                .date("planned_for")?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map_err(|_| corrupt_column("planned_for"))?
                .timestamp(),
        };
        if within(f, at) {
            out.push(RecoveryFact::of_exercise(&t.timings, at));
        }
    }
    Ok(out)
}

#[async_trait]
impl<B: SqlBackend> RecoveryStore for B {
    async fn recovery_facts(&self, scope: &Scope, f: &RecoveryFilter) -> StoreResult<Vec<RecoveryFact>> {
        let mut db = self.read().await?;
        let mut facts = Vec::new();
        if f.source != Some(RecoverySource::Exercise) {
            facts.extend(incident_facts(&mut db, scope, f).await?);
        }
        // Exercises have no category or supplier: a filter on either leaves them out.
        if f.source != Some(RecoverySource::Incident) && f.category.is_none() && f.supplier.is_none() {
            facts.extend(exercise_facts(&mut db, scope, f).await?);
        }
        facts.sort_by_key(|x| (x.at, x.org, x.source));
        Ok(facts)
    }

    async fn record_exercise_timings(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
        t: &ExerciseTimings,
        by: UserId,
        meta: &AuditMeta,
    ) -> StoreResult<RecordedTimings> {
        let mut tx = self.write().await?;
        let e = writable(&mut tx, scope, exercise).await?;
        if !e.orgs.contains(&t.org) {
            return Err(refusals::not_taking_part());
        }
        if e.status == ExerciseStatus::Planned {
            return Err(refusals::not_started());
        }
        tx.execute(
            Sql::new(
                "INSERT INTO exercise_timings (exercise_id, org_id, detected_minutes, contained_minutes, \
                 recovered_minutes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (exercise_id, org_id) DO UPDATE SET detected_minutes = $3, \
                 contained_minutes = $4, recovered_minutes = $5, recorded_by = $6, recorded_at = $7",
            )
            .arg(exercise)
            .arg(t.org)
            .arg(t.detected_minutes)
            .arg(t.contained_minutes)
            .arg(t.recovered_minutes)
            .arg(by)
            .arg(meta.at),
        )
        .await?;
        let event = meta
            .change("exercise.timings", "exercise", exercise.to_string())
            .org(t.org)
            .detail(
                serde_json::json!({
                    "detected_minutes": t.detected_minutes,
                    "contained_minutes": t.contained_minutes,
                    "recovered_minutes": t.recovered_minutes,
                })
                .to_string(),
            )
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(RecordedTimings {
            exercise,
            timings: t.clone(),
            recorded_by: by,
            recorded_at: meta.at,
        })
    }

    async fn exercise_timings(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
    ) -> StoreResult<Vec<RecordedTimings>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {TIMING_COLUMNS} FROM exercise_timings t WHERE t.exercise_id = $1"
        ))
        .arg(exercise);
        db.scope_filter(&mut q, scope, "t.org_id");
        q.push(" ORDER BY t.org_id");
        db.fetch_all(q).await?.iter().map(timing_row).collect()
    }
}
