//! Exercise participants after planning: a participant's role changed or the participant removed
//! by a scope holding every organisation, until the exercise is completed; numbers kept by the
//! others; and a participant's own response, accepted only for a released inject aimed at the
//! role their account plays while the exercise runs. Every change audited, refusals write nothing.

use super::accounts::user;
use super::exercises::exercise;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::exercise::{EntryKind, ExerciseEntry, ExerciseRole, ExerciseStatus, Participant};
use ward_core::{ExerciseEntryId, ExerciseId, UserId};
use ward_store::{Scope, Store, StoreError};

fn response(exercise: ExerciseId, inject: u32, author: UserId, secs: i64) -> ExerciseEntry {
    ExerciseEntry {
        id: new_id(ExerciseEntryId::new_at),
        exercise,
        inject,
        kind: EntryKind::Response,
        text: format!("Participant response at {secs}"),
        author,
        at: at(secs),
    }
}

pub async fn exercise_participant_changes(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "EP");
    let [_national, _region, _icb, a, b] = fx.small_tree().await?;
    let lead = user("participant-lead")?;
    store.create_user(&lead, &fx.meta(1)).await?;
    let outsider = user("participant-outsider")?;
    store.create_user(&outsider, &fx.meta(1)).await?;
    let (scope_a, scope_b) = (Scope::subtree(a.id), Scope::subtree(b.id));
    // Ada (lead's account) plays the clinical lead, Grace (a guest) the incident lead.
    let e = exercise(vec![a.id], lead.id, 10);
    store.create_exercise(&scope_a, &e, &fx.meta(10)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Refusals: another trust, a role the scenario lacks, a number no one has.
    check_err!(
        store
            .set_exercise_participant_role(&scope_b, e.id, 1, ExerciseRole::Executive, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "another trust changing a role"
    );
    check_err!(
        store
            .set_exercise_participant_role(&scope_a, e.id, 1, ExerciseRole::NetworkTeam, &fx.meta(11))
            .await,
        StoreError::Invalid(_),
        "a role the scenario does not have"
    );
    check_err!(
        store
            .remove_exercise_participant(&scope_a, e.id, 9, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "a participant number no one has"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    let changed = store
        .set_exercise_participant_role(&scope_a, e.id, 1, ExerciseRole::Executive, &fx.meta(12))
        .await?;
    check_eq!(
        changed.participants[1].role,
        ExerciseRole::Executive,
        "the new role"
    );
    let removed = store
        .remove_exercise_participant(&scope_a, e.id, 1, &fx.meta(13))
        .await?;
    check_eq!(removed.participants.len(), 1, "one left");
    check_eq!(
        store.get_exercise(&scope_a, e.id).await?.participants,
        removed.participants,
        "read back without the guest"
    );
    let guest = Participant {
        number: 0,
        name: "Visiting GP".into(),
        role: ExerciseRole::Communications,
        account: None,
    };
    let added = store
        .add_exercise_participant(&scope_a, e.id, &guest, &fx.meta(14))
        .await?;
    let numbers: Vec<u32> = added.participants.iter().map(|p| p.number).collect();
    check_eq!(numbers, vec![0, 1], "numbered after the largest left");
    check_eq!(
        store.get_exercise(&scope_a, e.id).await?.participants,
        added.participants,
        "read back with its number"
    );
    cursor
        .expect(
            &store,
            "a role changed, a participant removed and one added",
            &[
                ("exercise.participant_role", Some(a.id)),
                ("exercise.participant_remove", Some(a.id)),
                ("exercise.participant", Some(a.id)),
            ],
        )
        .await?;

    // A participant's response: only while running, only to a released inject aimed at the role
    // its account plays (injects 1 and 2 are the clinical lead's, 3 the executive's).
    check_err!(
        store
            .add_participant_entry(&response(e.id, 1, lead.id, 15), &fx.meta(15))
            .await,
        StoreError::NotFound { .. },
        "an inject not released (the exercise is planned)"
    );
    store
        .move_exercise(&scope_a, e.id, ExerciseStatus::Running, &fx.meta(20))
        .await?;
    for n in [1, 3] {
        store
            .release_inject(&scope_a, e.id, n, lead.id, &fx.meta(21))
            .await?;
    }
    cursor.take(&store).await?;
    for (inject, author, what) in [
        (2, lead.id, "an inject of its role not released"),
        (3, lead.id, "another role's released inject"),
        (1, outsider.id, "an account not taking part"),
        (99, lead.id, "an inject the scenario lacks"),
    ] {
        check_err!(
            store
                .add_participant_entry(&response(e.id, inject, author, 22), &fx.meta(22))
                .await,
            StoreError::NotFound { .. },
            "{what}"
        );
    }
    cursor
        .expect(&store, "refused responses write nothing", &[])
        .await?;
    let mine = response(e.id, 1, lead.id, 23);
    store.add_participant_entry(&mine, &fx.meta(23)).await?;
    let record = store.exercise_record(&scope_a, e.id).await?;
    check_eq!(record.entries, vec![mine], "the response on the record");
    cursor
        .expect(
            &store,
            "a participant's response",
            &[("exercise.participant_entry", Some(a.id))],
        )
        .await?;

    // Completed: the record is evidence and keeps its participants and responses.
    store
        .move_exercise(&scope_a, e.id, ExerciseStatus::Completed, &fx.meta(30))
        .await?;
    cursor.take(&store).await?;
    check_err!(
        store
            .remove_exercise_participant(&scope_a, e.id, 0, &fx.meta(31))
            .await,
        StoreError::Conflict(_),
        "a participant removed once completed"
    );
    check_err!(
        store
            .set_exercise_participant_role(&scope_a, e.id, 0, ExerciseRole::Executive, &fx.meta(31))
            .await,
        StoreError::Conflict(_),
        "a role changed once completed"
    );
    check_err!(
        store
            .add_participant_entry(&response(e.id, 1, lead.id, 31), &fx.meta(31))
            .await,
        StoreError::Conflict(_),
        "a response once completed"
    );
    cursor
        .expect(&store, "refusals once completed write nothing", &[])
        .await?;
    Ok(())
}
