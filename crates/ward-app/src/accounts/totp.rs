//! Time-based one-time passwords (RFC 6238 over RFC 4226): SHA-1, 6 digits, 30-second steps,
//! one step of drift either way, and no replays of an accepted step.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = BASE32
            .iter()
            .position(|&x| char::from(x) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The code for counter value `step`.
pub fn code_at_step(secret: &[u8], step: i64) -> Option<u32> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = (u32::from(digest[offset] & 0x7f) << 24)
        | (u32::from(digest[offset + 1]) << 16)
        | (u32::from(digest[offset + 2]) << 8)
        | u32::from(digest[offset + 3]);
    Some(bin % 10u32.pow(DIGITS))
}

pub fn step_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(STEP_SECONDS)
}

/// The code shown by an authenticator at time `at`, zero-padded.
pub fn code_at(secret_b32: &str, at: Timestamp) -> Option<String> {
    let secret = base32_decode(secret_b32)?;
    code_at_step(&secret, step_of(at)).map(|c| format!("{c:06}"))
}

/// Check `code` at `now`; returns the accepted step, which must be later than `last_step`.
pub fn verify(secret_b32: &str, code: &str, now: Timestamp, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let secret = base32_decode(secret_b32)?;
    let now_step = step_of(now);
    let mut matched = None;
    for step in [now_step - 1, now_step, now_step + 1] {
        let ok = code_at_step(&secret, step).is_some_and(|c| {
            use subtle::ConstantTimeEq;
            bool::from(c.to_be_bytes().ct_eq(&wanted.to_be_bytes()))
        });
        if ok {
            matched = Some(step);
        }
    }
    matched.filter(|s| last_step.is_none_or(|l| *s > l))
}

/// The `otpauth://` URI authenticator apps read (also shown as text for manual entry).
pub fn otpauth_uri(secret_b32: &str, account: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/Ward:{}?secret={secret_b32}&issuer=Ward&algorithm=SHA1&digits=6&period=30",
        enc(account)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8-digit codes truncated to 6.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        let cases = [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_234_567_890, 89_005_924),
        ];
        for (t, full) in cases {
            assert_eq!(code_at_step(secret, t / 30), Some(full % 1_000_000), "t={t}");
        }
    }

    #[test]
    fn base32_round_trips() {
        let b = b"12345678901234567890";
        let s = base32_encode(b);
        assert_eq!(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&s).unwrap(), b);
    }

    #[test]
    fn codes_verify_once_within_drift() {
        let secret = base32_encode(b"abcdefghijabcdefghij");
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let code = code_at(&secret, now).unwrap();
        let step = verify(&secret, &code, now, None).unwrap();
        assert_eq!(verify(&secret, &code, now, Some(step)), None, "replay refused");
        let later = Timestamp::from_second(1_700_000_000 + 30).unwrap();
        assert!(verify(&secret, &code, later, None).is_some(), "one step of drift");
        let much_later = Timestamp::from_second(1_700_000_000 + 120).unwrap();
        assert!(verify(&secret, &code, much_later, None).is_none());
        assert!(verify(&secret, "12345", now, None).is_none());
    }
}
