//! Password hashing with argon2id.

use crate::error::{AppError, AppResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Cost settings. The defaults follow OWASP's argon2id guidance (19 MiB, 2 passes).
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
        }
    }
}

fn hasher(cost: PasswordCost) -> AppResult<Argon2<'static>> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Minimum rules: 12 to 256 characters. Length beats composition rules (NCSC guidance).
pub fn check_strength(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < 12 {
        return Err(AppError::invalid("password", "must be at least 12 characters"));
    }
    if n > 256 {
        return Err(AppError::invalid("password", "must be at most 256 characters"));
    }
    Ok(())
}

/// Hash a password into a PHC string.
pub fn hash(password: &str, cost: PasswordCost) -> AppResult<String> {
    let salt_bytes = super::secrets::random_bytes::<16>()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    hasher(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

/// Check a password against a stored PHC string. Unparsable hashes never match.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: PasswordCost = PasswordCost {
        memory_kib: 64,
        iterations: 1,
    };

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("correct horse battery", CHEAP).unwrap();
        let b = hash("correct horse battery", CHEAP).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterz", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength("twelve chars").is_ok());
    }
}
