//! The named SIRO and sign-off: only the person named at that moment signs a submitted
//! assessment off; naming and signing stay inside the caller's scope and are audited.

use super::fixtures::{AuditCursor, Fixture, next_number};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::assurance::AssessmentStatus;
use ward_store::{Scope, Store, StoreError};

/// The SIRO and sign-off round trip on one backend.
pub async fn siro_sign_off(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SO");
    let [_, _, _icb, a, b] = fx.small_tree().await?;
    let fw = format!("contract-{}", next_number());
    store
        .put_framework(&framework(&fw, "1.0", 2), &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let scope_b = Scope::subtree(b.id);
    let first = super::accounts::user("first-siro")?;
    let second = super::accounts::user("second-siro")?;
    store.create_user(&first, &fx.meta(2)).await?;
    store.create_user(&second, &fx.meta(2)).await?;
    let h = head(a.id, &fw, 2026, 3);
    store.create_assessment(&scope_a, &h, &fx.meta(3)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    check_eq!(store.siro_of(&scope_a, a.id).await?, None, "none named yet");
    check_err!(
        store.name_siro(&scope_b, a.id, first.id, &fx.meta(4)).await,
        StoreError::NotFound { .. },
        "naming from the sibling"
    );
    store.name_siro(&scope_a, a.id, first.id, &fx.meta(4)).await?;
    let named = store.siro_of(&scope_a, a.id).await?;
    check_eq!(
        named.as_ref().map(|s| (s.user, s.name.clone())),
        Some((first.id, first.display_name.clone())),
        "the first SIRO"
    );
    check_err!(
        store.siro_of(&scope_b, a.id).await,
        StoreError::NotFound { .. },
        "read from the sibling"
    );

    use AssessmentStatus::*;
    check_err!(
        store
            .sign_off_assessment(&scope_a, h.id, first.id, &fx.meta(5))
            .await,
        StoreError::Conflict(_),
        "a draft cannot be signed off"
    );
    store
        .move_assessment(&scope_a, h.id, Draft, Submitted, &fx.meta(5))
        .await?;
    check_err!(
        store
            .sign_off_assessment(&scope_a, h.id, second.id, &fx.meta(6))
            .await,
        StoreError::Forbidden { .. },
        "someone who is not the SIRO"
    );
    // Replacing the SIRO: the first one can no longer sign.
    store.name_siro(&scope_a, a.id, second.id, &fx.meta(6)).await?;
    check_err!(
        store
            .sign_off_assessment(&scope_a, h.id, first.id, &fx.meta(7))
            .await,
        StoreError::Forbidden { .. },
        "the SIRO replaced meanwhile"
    );
    check_err!(
        store
            .sign_off_assessment(&scope_b, h.id, second.id, &fx.meta(7))
            .await,
        StoreError::NotFound { .. },
        "signing from the sibling"
    );
    check_eq!(store.signoff_of(&scope_a, h.id).await?, None, "not signed yet");
    store
        .sign_off_assessment(&scope_a, h.id, second.id, &fx.meta(8))
        .await?;
    check_eq!(
        store.get_assessment(&scope_a, h.id).await?.head.status,
        SignedOff,
        "signed off"
    );
    let signed = store.signoff_of(&scope_a, h.id).await?;
    check_eq!(
        signed.map(|s| (s.user, s.name, s.signed_at)),
        Some((second.id, second.display_name.clone(), fx.meta(8).at)),
        "who signed, with their name then"
    );
    check_err!(
        store
            .sign_off_assessment(&scope_a, h.id, second.id, &fx.meta(9))
            .await,
        StoreError::Conflict(_),
        "signed off twice"
    );
    cursor
        .expect(
            &store,
            "naming and signing",
            &[
                ("siro.name", Some(a.id)),
                ("assessment.submit", Some(a.id)),
                ("siro.name", Some(a.id)),
                ("assessment.sign_off", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
