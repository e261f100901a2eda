//! Second-factor secrets at rest: sealed with XChaCha20-Poly1305 under the instance key's
//! TOTP sub-key before they reach the store, opened after reading. Someone who reads the database
//! (or a backup) without the key learns nothing about them, and a sealed secret copied onto
//! another user's row does not open (the user's id is bound in as associated data).
//!
//! Stored text: `v1:` + hex(24-byte random nonce) + hex(ciphertext and tag).

use crate::error::{AppError, AppResult};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ward_core::UserId;
use ward_core::keys::{InstanceKey, KeyPurpose};

const PREFIX: &str = "v1:";
const NONCE_BYTES: usize = 24;

/// Seals and opens TOTP secrets. `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct TotpSealer {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for TotpSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSealer(..)")
    }
}

fn associated(user: UserId) -> Vec<u8> {
    format!("ward/totp/v1/{user}").into_bytes()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

fn unreadable() -> AppError {
    AppError::Internal(
        "a stored TOTP secret cannot be opened with this instance key (wrong key, or stored in clear \
         before secrets were sealed: reset the user's MFA)"
            .into(),
    )
}

impl TotpSealer {
    pub fn new(key: &InstanceKey) -> Self {
        let sub = key.subkey(KeyPurpose::TotpSecrets);
        Self {
            cipher: XChaCha20Poly1305::new(sub.expose_bytes().into()),
        }
    }

    /// The text to store for `secret` (base32) of `user`.
    pub fn seal(&self, user: UserId, secret: &str) -> AppResult<String> {
        let nonce_bytes = crate::accounts::secrets::random_bytes::<NONCE_BYTES>()?;
        let nonce = XNonce::from_slice(&nonce_bytes);
        let aad = associated(user);
        let sealed = self
            .cipher
            .encrypt(
                nonce,
                Payload {
                    msg: secret.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| AppError::Internal("sealing a TOTP secret failed".into()))?;
        Ok(format!(
            "{PREFIX}{}{}",
            ward_core::audit::hex(&nonce_bytes),
            ward_core::audit::hex(&sealed)
        ))
    }

    /// The secret (base32) sealed in `stored` for `user`.
    pub fn open(&self, user: UserId, stored: &str) -> AppResult<String> {
        let body = stored.strip_prefix(PREFIX).ok_or_else(unreadable)?;
        let bytes = unhex(body).ok_or_else(unreadable)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let aad = associated(user);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn sealed_secrets_open_only_for_their_user_and_key() {
        let s = TotpSealer::new(&InstanceKey::from_bytes([4; 32]));
        let stored = s.seal(user(1), "JBSWY3DPEHPK3PXP").unwrap();
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(s.open(user(1), &stored).unwrap(), "JBSWY3DPEHPK3PXP");
        assert_ne!(
            stored,
            s.seal(user(1), "JBSWY3DPEHPK3PXP").unwrap(),
            "fresh nonce each time"
        );
        assert!(s.open(user(2), &stored).is_err(), "bound to the user");
        let other = TotpSealer::new(&InstanceKey::from_bytes([5; 32]));
        assert!(other.open(user(1), &stored).is_err(), "bound to the key");
        assert!(
            s.open(user(1), "JBSWY3DPEHPK3PXP").is_err(),
            "clear text is refused"
        );
        let mut flipped = stored.clone();
        flipped.pop();
        flipped.push('0');
        if flipped != stored {
            assert!(s.open(user(1), &flipped).is_err(), "tampering is detected");
        }
    }
}
