//! The verdicts of the full token check this process has reached, each kept with the token's
//! [`AuthEpoch`] it was reached at, so a bearer request whose token row still carries that epoch
//! reads only the token row ([`App::actor_for_token`](crate::App::actor_for_token)).
//!
//! Why this stays immediate: the epoch moves, by database triggers in the same transaction as the
//! write, whenever the token row, its owner's account, the owner's grants or the organisation tree
//! change, whichever code writes them, and it never takes a value twice. Every request reads the
//! token row from the database (never from here), so a change committed through any server is
//! seen by every other on its next request. What time alone changes is kept as `valid_until`: the
//! first instant at which the token or one of the grants the verdict rests on expires. Only
//! verdicts that admit a token are kept; a refusal is decided again every time.

use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Mutex;
use ward_core::role::Role;
use ward_core::{OrgId, TokenId};
use ward_store::AuthEpoch;

/// How many tokens' verdicts a process keeps. Past this the whole map is dropped and fills again:
/// each entry costs one full check to rebuild, and no deployment has anywhere near this many
/// tokens in use at once.
pub const CAPACITY: usize = 4096;

/// A verdict that admitted a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Admitted {
    epoch: AuthEpoch,
    /// What the verdict was reached for: a token row that says otherwise is checked again (its
    /// epoch moves too; this is the second lock on the same door).
    role: Role,
    org: OrgId,
    /// The verdict holds before this instant only.
    valid_until: Timestamp,
}

/// Admitting verdicts per token, bounded by [`CAPACITY`].
#[derive(Debug, Default)]
pub struct TokenVerdicts {
    admitted: Mutex<HashMap<TokenId, Admitted, foldhash::fast::RandomState>>,
}

impl TokenVerdicts {
    /// Whether a verdict admitting token `id` for `role` over `org` was reached at `epoch` and
    /// still holds at `now`.
    pub fn admits(&self, id: TokenId, role: Role, org: OrgId, epoch: AuthEpoch, now: Timestamp) -> bool {
        let found = self.lock().get(&id).copied();
        found.is_some_and(|v| v.epoch == epoch && v.role == role && v.org == org && now < v.valid_until)
    }

    /// Keep a verdict admitting token `id` for `role` over `org`, reached at `epoch`, until
    /// `valid_until`.
    pub fn admit(&self, id: TokenId, role: Role, org: OrgId, epoch: AuthEpoch, valid_until: Timestamp) {
        let mut map = self.lock();
        if map.len() >= CAPACITY && !map.contains_key(&id) {
            map.clear();
        }
        map.insert(
            id,
            Admitted {
                epoch,
                role,
                org,
                valid_until,
            },
        );
    }

    /// Forget token `id` (it was refused).
    pub fn forget(&self, id: TokenId) {
        self.lock().remove(&id);
    }

    /// How many verdicts are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The map. A panic while it was held cannot leave an entry half-written (entries are `Copy`
    /// values inserted whole), so a poisoned lock is taken over rather than passed on.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenId, Admitted, foldhash::fast::RandomState>> {
        self.admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn token(n: u128) -> TokenId {
        TokenId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_verdict_holds_only_at_its_epoch_for_its_role_and_organisation_and_before_it_ends() {
        let v = TokenVerdicts::default();
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        let other = OrgId::from_uuid(uuid::Uuid::from_u128(8));
        let now = Timestamp::from_second(1_000_000).unwrap();
        let end = now + SignedDuration::from_hours(1);
        assert!(
            !v.admits(token(1), Role::OrgMember, org, AuthEpoch(5), now),
            "empty"
        );
        v.admit(token(1), Role::OrgMember, org, AuthEpoch(5), end);
        assert!(v.admits(token(1), Role::OrgMember, org, AuthEpoch(5), now));
        assert!(
            !v.admits(token(1), Role::OrgMember, org, AuthEpoch(6), now),
            "epoch moved"
        );
        assert!(
            !v.admits(token(1), Role::OrgAdmin, org, AuthEpoch(5), now),
            "other role"
        );
        assert!(
            !v.admits(token(1), Role::OrgMember, other, AuthEpoch(5), now),
            "other org"
        );
        assert!(
            !v.admits(token(1), Role::OrgMember, org, AuthEpoch(5), end),
            "ended"
        );
        assert!(
            !v.admits(token(2), Role::OrgMember, org, AuthEpoch(5), now),
            "other token"
        );
        v.forget(token(1));
        assert!(
            !v.admits(token(1), Role::OrgMember, org, AuthEpoch(5), now),
            "forgotten"
        );
    }

    #[test]
    fn the_map_never_grows_past_its_capacity() {
        let v = TokenVerdicts::default();
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        let end = Timestamp::from_second(2_000_000).unwrap();
        for n in 0..(CAPACITY as u128 + 10) {
            v.admit(token(n), Role::OrgMember, org, AuthEpoch(1), end);
            assert!(v.len() <= CAPACITY);
        }
        assert_eq!(v.len(), 10, "dropped when full, then filled again");
    }
}
