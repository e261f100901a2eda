//! The instance key: one secret per deployment, kept outside the database (a file in the data
//! directory, created on first start, or the configuration), from which every keyed check in Ward is
//! derived: the audit chain and its signed head, backup authentication, and the encryption of
//! second-factor secrets at rest. Someone who can write the database but does not hold the key can
//! neither rewrite nor truncate the audit trail, nor forge a backup, unnoticed.
//!
//! Each use gets its own sub-key, `HMAC-SHA256(master, "ward/v1/" + purpose)`, so a value computed for
//! one purpose is never valid for another.

use crate::ValidationError;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes in the master key and in each sub-key.
pub const KEY_BYTES: usize = 32;

/// What a sub-key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    /// Each audit record's hash is a MAC over its content and the previous hash.
    AuditChain,
    /// The signed head of the audit chain (its last sequence number and hash) and checkpoints.
    AuditHead,
    /// The MAC that authenticates a backup file.
    Backup,
    /// Encryption of TOTP secrets at rest.
    TotpSecrets,
    /// A short public identifier of the key, to tell an operator which key made a backup.
    Fingerprint,
}

impl KeyPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::AuditChain => b"ward/v1/audit-chain",
            Self::AuditHead => b"ward/v1/audit-head",
            Self::Backup => b"ward/v1/backup",
            Self::TotpSecrets => b"ward/v1/totp-secrets",
            Self::Fingerprint => b"ward/v1/fingerprint",
        }
    }
}

/// The deployment's master secret. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct InstanceKey {
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for InstanceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InstanceKey({})", self.fingerprint())
    }
}

impl InstanceKey {
    /// A key from 32 bytes (the caller draws them from the operating system's CSPRNG).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Self {
        Self { bytes }
    }

    /// Read the key file's text: 64 hexadecimal characters, surrounding whitespace ignored.
    pub fn parse_hex(text: &str) -> Result<Self, ValidationError> {
        let t = text.trim();
        let bad = || ValidationError::new("instance_key", "must be 64 hexadecimal characters (32 bytes)");
        if t.len() != KEY_BYTES * 2 {
            return Err(bad());
        }
        let mut bytes = [0u8; KEY_BYTES];
        for (i, b) in bytes.iter_mut().enumerate() {
            let pair = t.get(i * 2..i * 2 + 2).ok_or_else(bad)?;
            *b = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(Self { bytes })
    }

    /// The text written to the key file.
    pub fn to_hex(&self) -> String {
        crate::audit::hex(&self.bytes)
    }

    /// The sub-key for one purpose.
    pub fn subkey(&self, purpose: KeyPurpose) -> SubKey {
        SubKey {
            bytes: mac_parts(&self.bytes, &[purpose.label()]),
        }
    }

    /// 16 hexadecimal characters that name the key without revealing it (safe to print and store).
    pub fn fingerprint(&self) -> String {
        let fp = self.subkey(KeyPurpose::Fingerprint);
        crate::audit::hex(&fp.bytes[..8])
    }
}

/// A key derived for one purpose. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SubKey {
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for SubKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubKey(..)")
    }
}

fn mac_parts(key: &[u8], parts: &[&[u8]]) -> [u8; KEY_BYTES] {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an all-zero MAC rather than
    // panic (it would then never verify).
    let Ok(mut m) = HmacSha256::new_from_slice(key) else {
        return [0u8; KEY_BYTES];
    };
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

impl SubKey {
    /// HMAC-SHA256 over the concatenation of `parts`. Callers length-prefix variable fields so the
    /// encoding is unambiguous.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; KEY_BYTES] {
        mac_parts(&self.bytes, parts)
    }

    /// [`Self::mac`] as lower-case hex.
    pub fn mac_hex(&self, parts: &[&[u8]]) -> String {
        crate::audit::hex(&self.mac(parts))
    }

    /// A streaming MAC, for input read in pieces (backup files).
    pub fn streaming(&self) -> StreamingMac {
        StreamingMac {
            inner: HmacSha256::new_from_slice(&self.bytes).ok(),
        }
    }

    /// Constant-time check of a hex MAC over `parts`.
    pub fn verify_hex(&self, parts: &[&[u8]], expected_hex: &str) -> bool {
        constant_time_eq(self.mac_hex(parts).as_bytes(), expected_hex.as_bytes())
    }

    /// The raw bytes, for use as a cipher key.
    pub fn expose_bytes(&self) -> &[u8; KEY_BYTES] {
        &self.bytes
    }
}

/// An HMAC fed piece by piece.
#[derive(Clone)]
pub struct StreamingMac {
    inner: Option<HmacSha256>,
}

impl std::fmt::Debug for StreamingMac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamingMac(..)")
    }
}

impl StreamingMac {
    pub fn update(&mut self, bytes: &[u8]) {
        if let Some(m) = self.inner.as_mut() {
            m.update(bytes);
        }
    }
    /// The MAC of everything fed so far, as lower-case hex.
    pub fn finish_hex(self) -> String {
        match self.inner {
            Some(m) => crate::audit::hex(&m.finalize().into_bytes()),
            None => String::new(),
        }
    }
}

/// Equality that takes the same time wherever the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> InstanceKey {
        InstanceKey::from_bytes([b; KEY_BYTES])
    }

    #[test]
    fn hex_round_trips_and_bad_text_is_refused() {
        let k = key(7);
        assert_eq!(InstanceKey::parse_hex(&format!(" {}\n", k.to_hex())).unwrap(), k);
        assert!(InstanceKey::parse_hex("abc").is_err());
        assert!(InstanceKey::parse_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn purposes_and_keys_give_different_macs() {
        let k = key(1);
        let a = k.subkey(KeyPurpose::AuditChain).mac(&[b"x"]);
        let b = k.subkey(KeyPurpose::Backup).mac(&[b"x"]);
        let c = key(2).subkey(KeyPurpose::AuditChain).mac(&[b"x"]);
        assert_ne!(a, b);
        assert_ne!(a, c);
        let s = k.subkey(KeyPurpose::Backup);
        assert!(s.verify_hex(&[b"x"], &s.mac_hex(&[b"x"])));
        assert!(!s.verify_hex(&[b"y"], &s.mac_hex(&[b"x"])));
    }

    #[test]
    fn streaming_matches_one_shot() {
        let s = key(3).subkey(KeyPurpose::Backup);
        let mut m = s.streaming();
        m.update(b"ab");
        m.update(b"cd");
        assert_eq!(m.finish_hex(), s.mac_hex(&[b"abcd"]));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let k = key(0xab);
        assert!(!format!("{k:?}").contains("abab"));
        assert_eq!(k.fingerprint().len(), 16);
    }
}
