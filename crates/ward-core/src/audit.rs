//! The tamper-evident audit trail: each record's hash covers its content and the previous hash.
//!
//! Stores append records inside the same transaction as the change they describe, using
//! [`chain_hash`] to link them; `ward audit verify` replays the chain with [`ChainVerifier`].

use crate::OrgId;
use crate::role::Role;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that precedes the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did something. Rendered as `user:<id>`, `token:<id>` or `system:<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditActor {
    pub principal: String,
    pub role: Option<Role>,
    /// The organisation the actor was acting for.
    pub acting_org: Option<OrgId>,
}

impl AuditActor {
    pub fn system(name: &str) -> Self {
        Self {
            principal: format!("system:{name}"),
            role: None,
            acting_org: None,
        }
    }
}

/// A change to record. `before`/`after` are digests ([`digest_json`]) of the entity's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEvent {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub actor: AuditActor,
    /// Dotted verb, e.g. `asset.create`, `user.disable`, `orgs.import`.
    pub action: String,
    /// Entity type, e.g. `asset`.
    pub entity: String,
    pub entity_id: String,
    /// The organisation that owns the changed data, when there is one.
    pub org: Option<OrgId>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Free-form detail that is safe to show (counts, file names). Never secrets.
    pub detail: Option<String>,
    pub request_id: Option<String>,
}

/// A stored, chained record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}
const HEX: &[u8; 16] = b"0123456789abcdef";

/// Digest of a value's JSON form (struct fields serialise in declaration order, so it is stable).
pub fn digest_json<T: Serialize + ?Sized>(value: &T) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    sha256_hex(&bytes)
}

fn push_field(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u64).to_be_bytes());
    buf.extend_from_slice(s.as_bytes());
}
fn push_opt(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(v) => {
            buf.push(1);
            push_field(buf, v);
        }
        None => buf.push(0),
    }
}

/// The hash of record `seq` with content `e`, following `prev_hash`.
/// Length-prefixed fields make the encoding unambiguous; time counts in microseconds.
pub fn chain_hash(prev_hash: &str, seq: i64, e: &AuditEvent) -> String {
    let mut buf = Vec::with_capacity(512);
    buf.extend_from_slice(b"ward-audit-v1");
    push_field(&mut buf, prev_hash);
    buf.extend_from_slice(&seq.to_be_bytes());
    buf.extend_from_slice(&e.at.as_microsecond().to_be_bytes());
    push_field(&mut buf, &e.actor.principal);
    push_opt(&mut buf, e.actor.role.map(Role::as_str));
    push_opt(&mut buf, e.actor.acting_org.map(|o| o.to_string()).as_deref());
    push_field(&mut buf, &e.action);
    push_field(&mut buf, &e.entity);
    push_field(&mut buf, &e.entity_id);
    push_opt(&mut buf, e.org.map(|o| o.to_string()).as_deref());
    push_opt(&mut buf, e.before.as_deref());
    push_opt(&mut buf, e.after.as_deref());
    push_opt(&mut buf, e.detail.as_deref());
    push_opt(&mut buf, e.request_id.as_deref());
    sha256_hex(&buf)
}

/// Why the chain is broken at a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit record {seq}: expected sequence number {expected}")]
    Gap { seq: i64, expected: i64 },
    #[error("audit record {seq}: previous-hash link does not match the record before it")]
    Link { seq: i64 },
    #[error("audit record {seq}: content does not match its hash (edited after it was written)")]
    Content { seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            Self::Gap { seq, .. } | Self::Link { seq } | Self::Content { seq } => *seq,
        }
    }
}

/// Checks records fed in sequence order, one page at a time.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        if r.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq: r.seq,
                expected: self.expected_seq,
            });
        }
        if r.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { seq: r.seq });
        }
        if chain_hash(&r.prev_hash, r.seq, &r.event) != r.hash {
            return Err(ChainBreak::Content { seq: r.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&r.hash);
        self.checked += 1;
        Ok(())
    }
    pub fn checked(&self) -> u64 {
        self.checked
    }
    pub fn next_seq(&self) -> i64 {
        self.expected_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str) -> AuditEvent {
        AuditEvent {
            at: Timestamp::from_second(1_700_000_000).unwrap(),
            actor: AuditActor::system("test"),
            action: action.into(),
            entity: "asset".into(),
            entity_id: "a1".into(),
            org: None,
            before: None,
            after: Some(digest_json(&"x")),
            detail: None,
            request_id: None,
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let e = event(&format!("a{seq}"));
                let hash = chain_hash(&prev, seq, &e);
                let r = AuditRecord {
                    seq,
                    event: e,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let mut v = ChainVerifier::default();
        for r in chain(5) {
            v.check(&r).unwrap();
        }
        assert_eq!(v.checked(), 5);
    }

    #[test]
    fn an_edited_record_is_named() {
        let mut recs = chain(5);
        recs[2].event.action = "asset.delete".into();
        let mut v = ChainVerifier::default();
        let err = recs.iter().try_for_each(|r| v.check(r)).unwrap_err();
        assert_eq!(err, ChainBreak::Content { seq: 3 });
    }

    #[test]
    fn a_deleted_record_is_named() {
        let mut recs = chain(5);
        recs.remove(1);
        let mut v = ChainVerifier::default();
        let err = recs.iter().try_for_each(|r| v.check(r)).unwrap_err();
        assert_eq!(err, ChainBreak::Gap { seq: 3, expected: 2 });
    }
}
