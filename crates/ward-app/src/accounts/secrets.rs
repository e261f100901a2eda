//! Random secrets and their stored digests.

use crate::error::{AppError, AppResult};

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("no randomness available: {e}")))?;
    Ok(buf)
}

/// 32 random bytes as 64 hex characters: session cookies, CSRF tokens, API token bodies.
pub fn random_token() -> AppResult<String> {
    Ok(hex(&random_bytes::<32>()?))
}

pub use ward_core::audit::hex;

/// What the database keeps of a bearer secret: its SHA-256.
pub fn digest(secret: &str) -> String {
    ward_core::audit::sha256_hex(secret.as_bytes())
}

/// Constant-time equality for secrets.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A readable random password for first logins: 4 groups of 5 characters from an unambiguous alphabet.
pub fn random_password() -> AppResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
    let bytes = random_bytes::<20>()?;
    let mut out = String::with_capacity(23);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    Ok(out)
}
