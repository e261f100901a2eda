//! The keys a store holds, and the one rule for where the next audit record goes.
//!
//! A store is opened with the deployment's [`InstanceKey`]: it chains audit records with the
//! audit-chain sub-key and signs the chain's head (a one-row table, `audit_head`, updated in the
//! same transaction as every append) with the audit-head sub-key; backups carry a MAC made with the
//! backup sub-key. Backends only run the SQL; the rules are here and in `ward_core::audit`.

use crate::{StoreError, StoreResult};
use ward_core::audit::{AuditKeys, SignedHead};
use ward_core::keys::{InstanceKey, KeyPurpose, SubKey};

/// What a store derives from the instance key. `Debug` never shows key material.
#[derive(Debug, Clone)]
pub struct StoreKeys {
    pub audit: AuditKeys,
    pub backup: SubKey,
    fingerprint: String,
}

impl StoreKeys {
    pub fn new(key: &InstanceKey) -> Self {
        Self {
            audit: AuditKeys::new(key),
            backup: key.subkey(KeyPurpose::Backup),
            fingerprint: key.fingerprint(),
        }
    }

    /// The instance key's public fingerprint (written in backup headers).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Where the next append starts, from the head row read inside the write transaction (under the
    /// backend's append lock). `log_has_records` is asked only when there is no head row.
    ///
    /// A head that is not signed with this key, or records without a head, mean someone changed the
    /// trail behind the store's back: appending onto it would sign the damage into a new, genuine
    /// head, so the write is refused (and `ward audit verify` names the break).
    pub fn chain_start(
        &self,
        head: Option<SignedHead>,
        log_has_records: impl FnOnce() -> bool,
    ) -> StoreResult<Option<(i64, String)>> {
        match head {
            Some(h) if self.audit.head_is_genuine(&h) => Ok(Some((h.seq, h.hash))),
            Some(h) => Err(StoreError::Backend(format!(
                "the audit chain's head (record {}) is not signed with this instance key; \
                 writes are refused until `ward audit verify` is run and the trail is restored",
                h.seq
            ))),
            None if log_has_records() => Err(StoreError::Backend(
                "the audit trail has records but no signed head (removed, or written before instance \
                 keys); writes are refused until the trail is restored"
                    .into(),
            )),
            None => Ok(None),
        }
    }
}

/// The SQL both backends run to move the signed head (binds: seq, hash, mac).
pub const UPSERT_HEAD_SQL_SQLITE: &str = "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?) \
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac";
/// [`UPSERT_HEAD_SQL_SQLITE`] with PostgreSQL's placeholders.
pub const UPSERT_HEAD_SQL_POSTGRES: &str = "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3) \
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac";
/// Reads the head row (columns seq, hash, mac).
pub const SELECT_HEAD_SQL: &str = "SELECT seq, hash, mac FROM audit_head WHERE id = 1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forged_or_missing_head_stops_appends() {
        let keys = StoreKeys::new(&InstanceKey::from_bytes([9; 32]));
        let other = StoreKeys::new(&InstanceKey::from_bytes([8; 32]));
        assert_eq!(keys.chain_start(None, || false).unwrap(), None);
        assert!(keys.chain_start(None, || true).is_err());
        let good = keys.audit.sign_head(3, "abc");
        assert_eq!(
            keys.chain_start(Some(good), || true).unwrap(),
            Some((3, "abc".to_owned()))
        );
        assert!(
            keys.chain_start(Some(other.audit.sign_head(3, "abc")), || true)
                .is_err()
        );
        assert!(!format!("{keys:?}").contains("0909"));
    }
}
