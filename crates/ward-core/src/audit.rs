//! The tamper-evident audit trail: each record's hash covers its content and the previous hash.
//!
//! Stores append records inside the same transaction as the change they describe, using
//! [`AuditKeys::chain_events`] to link them (each hash is an HMAC keyed with the instance key) and
//! keeping a signed head ([`SignedHead`]) of the chain in the same transaction; `ward audit verify`
//! replays the chain with [`ChainVerifier`], checks it ends at the signed head and passes through
//! every checkpoint kept outside the database.

use crate::OrgId;
use crate::keys::{InstanceKey, KeyPurpose, SubKey, constant_time_eq};
use crate::role::Role;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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

/// The bytes a record's hash covers: record `seq` with content `e`, following `prev_hash`.
/// Length-prefixed fields make the encoding unambiguous; time counts in microseconds.
pub fn chain_encoding(prev_hash: &str, seq: i64, e: &AuditEvent) -> Vec<u8> {
    let mut buf = Vec::with_capacity(512);
    buf.extend_from_slice(CHAIN_DOMAIN);
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
    buf
}

/// The domain string at the start of every chained record (v2: keyed with the instance key).
const CHAIN_DOMAIN: &[u8] = b"ward-audit-v2";
/// The domain string of a signed head or checkpoint.
const HEAD_DOMAIN: &[u8] = b"ward-audit-head-v1";

/// The audit trail's keys, derived from the instance key: one for each record's hash, one for the
/// signed head and checkpoints. Someone who can write the database but lacks the instance key can
/// neither recompute a record's hash nor sign a head, so edits, rewrites and truncation all show.
#[derive(Debug, Clone)]
pub struct AuditKeys {
    chain: SubKey,
    head: SubKey,
}

impl AuditKeys {
    pub fn new(key: &InstanceKey) -> Self {
        Self {
            chain: key.subkey(KeyPurpose::AuditChain),
            head: key.subkey(KeyPurpose::AuditHead),
        }
    }

    /// The hash of record `seq` with content `e`, following `prev_hash`: HMAC-SHA256 with the
    /// audit-chain sub-key over [`chain_encoding`].
    pub fn chain_hash(&self, prev_hash: &str, seq: i64, e: &AuditEvent) -> String {
        self.chain.mac_hex(&[&chain_encoding(prev_hash, seq, e)])
    }

    fn head_mac(&self, seq: i64, hash: &str) -> String {
        let mut buf = Vec::with_capacity(96);
        buf.extend_from_slice(HEAD_DOMAIN);
        buf.extend_from_slice(&seq.to_be_bytes());
        push_field(&mut buf, hash);
        self.head.mac_hex(&[&buf])
    }

    /// Sign "the chain ends at record `seq`, whose hash is `hash`".
    pub fn sign_head(&self, seq: i64, hash: &str) -> SignedHead {
        SignedHead {
            seq,
            hash: hash.to_owned(),
            mac: self.head_mac(seq, hash),
        }
    }

    /// Whether `head` was signed with this key.
    pub fn head_is_genuine(&self, head: &SignedHead) -> bool {
        constant_time_eq(
            self.head_mac(head.seq, &head.hash).as_bytes(),
            head.mac.as_bytes(),
        )
    }

    /// Chain `events` onto the chain whose last record is `last` (`None`: an empty chain), in order.
    /// Times are truncated to microseconds, as stored, so the hash covers exactly what is kept.
    /// Returns the records and the new signed head (`None` when `events` is empty).
    pub fn chain_events(
        &self,
        last: Option<(i64, String)>,
        events: impl IntoIterator<Item = AuditEvent>,
    ) -> (Vec<AuditRecord>, Option<SignedHead>) {
        let (mut seq, mut prev) = last.unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
        let mut records = Vec::new();
        for mut event in events {
            event.at = crate::clock::truncate_to_micros(event.at);
            seq += 1;
            let hash = self.chain_hash(&prev, seq, &event);
            records.push(AuditRecord {
                seq,
                event,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
        let head = records.last().map(|r| self.sign_head(r.seq, &r.hash));
        (records, head)
    }
}

/// The signed end of the chain: kept in the database (updated with every append) and, as
/// checkpoints, outside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    pub seq: i64,
    pub hash: String,
    pub mac: String,
}

impl SignedHead {
    /// One line of the checkpoint file: `ward-audit-checkpoint v1 at=... seq=... hash=... mac=...`.
    pub fn checkpoint_line(&self, at: Timestamp) -> String {
        format!(
            "ward-audit-checkpoint v1 at={at} seq={} hash={} mac={}",
            self.seq, self.hash, self.mac
        )
    }

    /// Read a checkpoint line written by [`Self::checkpoint_line`]; the error says what is wrong.
    pub fn parse_checkpoint_line(line: &str) -> Result<Self, String> {
        let mut words = line.split_whitespace();
        if words.next() != Some("ward-audit-checkpoint") || words.next() != Some("v1") {
            return Err("not a ward-audit-checkpoint v1 line".into());
        }
        let (mut seq, mut hash, mut mac) = (None, None, None);
        for w in words {
            match w.split_once('=') {
                Some(("seq", v)) => seq = Some(v.parse::<i64>().map_err(|_| "seq is not a number")?),
                Some(("hash", v)) => hash = Some(v.to_owned()),
                Some(("mac", v)) => mac = Some(v.to_owned()),
                Some(("at", _)) => {}
                _ => return Err(format!("unexpected '{w}'")),
            }
        }
        match (seq, hash, mac) {
            (Some(seq), Some(hash), Some(mac)) => Ok(Self { seq, hash, mac }),
            _ => Err("seq, hash and mac are all required".into()),
        }
    }
}

/// Why the chain is broken at a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("audit record {seq}: expected sequence number {expected}")]
    Gap { seq: i64, expected: i64 },
    #[error("audit record {seq}: previous-hash link does not match the record before it")]
    Link { seq: i64 },
    #[error(
        "audit record {seq}: content does not match its hash (edited or rewritten without the instance key)"
    )]
    Content { seq: i64 },
    #[error("audit record {seq}: differs from the signed checkpoint taken at that record")]
    Checkpoint { seq: i64 },
    #[error(
        "the chain ends at record {last} but a signed checkpoint names record {seq}: records were removed"
    )]
    BeforeCheckpoint { seq: i64, last: i64 },
    #[error("the chain has {last} records but no signed head: the head was removed")]
    HeadMissing { last: i64 },
    #[error("the chain's head (record {seq}) is not signed with this instance key")]
    HeadForged { seq: i64 },
    #[error(
        "the chain ends at record {last} but its signed head names record {seq}: records were removed or the head replaced"
    )]
    HeadMismatch { seq: i64, last: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            Self::Gap { seq, .. }
            | Self::Link { seq }
            | Self::Content { seq }
            | Self::Checkpoint { seq }
            | Self::HeadForged { seq } => *seq,
            // The first record that should be there and is not.
            Self::BeforeCheckpoint { last, .. }
            | Self::HeadMissing { last }
            | Self::HeadMismatch { last, .. } => last + 1,
        }
    }
}

/// Checks records fed in sequence order, one page at a time, then (in [`Self::finish`]) that the
/// chain ends exactly at the signed head and reaches every checkpoint.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    keys: AuditKeys,
    /// Signed checkpoints kept outside the database, by sequence number.
    checkpoints: BTreeMap<i64, String>,
    expected_seq: i64,
    prev_hash: String,
    checked: u64,
}

impl ChainVerifier {
    /// A verifier for a chain keyed with `keys`. Checkpoints must already be checked with
    /// [`AuditKeys::head_is_genuine`] (see [`Self::with_checkpoints`]).
    pub fn new(keys: AuditKeys) -> Self {
        Self {
            keys,
            checkpoints: BTreeMap::new(),
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_owned(),
            checked: 0,
        }
    }

    /// Also require the chain to pass through these checkpoints. Returns the index of the first
    /// checkpoint whose signature is not this key's.
    pub fn with_checkpoints(mut self, checkpoints: &[SignedHead]) -> Result<Self, usize> {
        for (i, c) in checkpoints.iter().enumerate() {
            if !self.keys.head_is_genuine(c) {
                return Err(i);
            }
            self.checkpoints.insert(c.seq, c.hash.clone());
        }
        Ok(self)
    }

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
        if !constant_time_eq(
            self.keys.chain_hash(&r.prev_hash, r.seq, &r.event).as_bytes(),
            r.hash.as_bytes(),
        ) {
            return Err(ChainBreak::Content { seq: r.seq });
        }
        if self.checkpoints.get(&r.seq).is_some_and(|h| *h != r.hash) {
            return Err(ChainBreak::Checkpoint { seq: r.seq });
        }
        self.expected_seq += 1;
        self.prev_hash.clone_from(&r.hash);
        self.checked += 1;
        Ok(())
    }

    /// After the last record: the chain must end exactly at the signed `head` (read from the
    /// database) and must have reached every checkpoint.
    pub fn finish(&self, head: Option<&SignedHead>) -> Result<(), ChainBreak> {
        let last = self.expected_seq - 1;
        if let Some((&seq, _)) = self.checkpoints.range(last + 1..).next() {
            return Err(ChainBreak::BeforeCheckpoint { seq, last });
        }
        match head {
            None if last == 0 => Ok(()),
            None => Err(ChainBreak::HeadMissing { last }),
            Some(h) if !self.keys.head_is_genuine(h) => Err(ChainBreak::HeadForged { seq: h.seq }),
            Some(h) if h.seq != last || h.hash != self.prev_hash => {
                Err(ChainBreak::HeadMismatch { seq: h.seq, last })
            }
            Some(_) => Ok(()),
        }
    }

    /// The signed head of the chain checked so far (for a checkpoint after a good verification).
    pub fn head(&self) -> Option<SignedHead> {
        (self.checked > 0).then(|| self.keys.sign_head(self.expected_seq - 1, &self.prev_hash))
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

    fn keys(b: u8) -> AuditKeys {
        AuditKeys::new(&InstanceKey::from_bytes([b; crate::keys::KEY_BYTES]))
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        keys(1)
            .chain_events(None, (1..=n).map(|seq| event(&format!("a{seq}"))))
            .0
    }

    fn verify(
        recs: &[AuditRecord],
        head: Option<&SignedHead>,
        cps: &[SignedHead],
    ) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::new(keys(1)).with_checkpoints(cps).unwrap();
        recs.iter().try_for_each(|r| v.check(r))?;
        v.finish(head)?;
        Ok(v.checked())
    }

    #[test]
    fn an_intact_chain_verifies() {
        let recs = chain(5);
        let head = keys(1).sign_head(5, &recs[4].hash);
        assert_eq!(verify(&recs, Some(&head), &[]).unwrap(), 5);
        assert_eq!(verify(&[], None, &[]).unwrap(), 0);
    }

    #[test]
    fn an_edited_record_is_named() {
        let mut recs = chain(5);
        recs[2].event.action = "asset.delete".into();
        assert_eq!(
            verify(&recs, None, &[]).unwrap_err(),
            ChainBreak::Content { seq: 3 }
        );
    }

    #[test]
    fn a_deleted_record_is_named() {
        let mut recs = chain(5);
        recs.remove(1);
        assert_eq!(
            verify(&recs, None, &[]).unwrap_err(),
            ChainBreak::Gap { seq: 3, expected: 2 }
        );
    }

    #[test]
    fn a_chain_under_another_key_or_plain_sha256_is_refused() {
        let other = keys(2)
            .chain_events(None, (1..=3).map(|s| event(&format!("a{s}"))))
            .0;
        assert_eq!(
            verify(&other, None, &[]).unwrap_err(),
            ChainBreak::Content { seq: 1 }
        );
        let mut plain = chain(1);
        plain[0].hash = sha256_hex(&chain_encoding(GENESIS_HASH, 1, &plain[0].event));
        assert_eq!(
            verify(&plain, None, &[]).unwrap_err(),
            ChainBreak::Content { seq: 1 }
        );
    }

    #[test]
    fn truncation_and_head_forgery_are_named() {
        let recs = chain(5);
        let head = keys(1).sign_head(5, &recs[4].hash);
        assert_eq!(
            verify(&recs[..3], Some(&head), &[]).unwrap_err(),
            ChainBreak::HeadMismatch { seq: 5, last: 3 }
        );
        assert_eq!(
            verify(&recs[..3], None, &[]).unwrap_err(),
            ChainBreak::HeadMissing { last: 3 }
        );
        let forged = keys(2).sign_head(3, &recs[2].hash);
        assert_eq!(
            verify(&recs[..3], Some(&forged), &[]).unwrap_err(),
            ChainBreak::HeadForged { seq: 3 }
        );
        // An older genuine head replayed after truncation: only a checkpoint tells.
        let old = keys(1).sign_head(3, &recs[2].hash);
        assert_eq!(verify(&recs[..3], Some(&old), &[]).unwrap(), 3);
        assert_eq!(
            verify(&recs[..3], Some(&old), std::slice::from_ref(&head)).unwrap_err(),
            ChainBreak::BeforeCheckpoint { seq: 5, last: 3 }
        );
    }

    #[test]
    fn checkpoints_round_trip_and_must_match() {
        let recs = chain(3);
        let cp = keys(1).sign_head(2, &recs[1].hash);
        let line = cp.checkpoint_line(Timestamp::from_second(1_700_000_000).unwrap());
        assert_eq!(SignedHead::parse_checkpoint_line(&line).unwrap(), cp);
        assert!(SignedHead::parse_checkpoint_line("nonsense").is_err());
        let wrong = keys(1).sign_head(2, &recs[0].hash);
        let head = keys(1).sign_head(3, &recs[2].hash);
        assert_eq!(
            verify(&recs, Some(&head), &[wrong]).unwrap_err(),
            ChainBreak::Checkpoint { seq: 2 }
        );
        let foreign = keys(2).sign_head(2, &recs[1].hash);
        assert!(ChainVerifier::new(keys(1)).with_checkpoints(&[foreign]).is_err());
    }
}
