//! Throttling of sign-in and second-factor attempts: the one rule (which keys, limits and windows),
//! counted in the database so every server over it shares the counts. The store only runs the
//! upsert ([`ward_store::AccountStore::count_attempt`]).
//!
//! Windows are fixed (aligned to multiples of the window length since 1970), so a client can make
//! at most twice the limit across a window boundary. Keys are SHA-256 digests, so the table never
//! holds e-mail addresses or client addresses.
//!
//! * A sign-in counts against the pair (account, client) with `login_account_limit`: one account
//!   failing from one address does not lock out the other people behind the same address (a
//!   TLS proxy, a hospital's NAT).
//! * It also counts against the client alone with the larger `login_ip_limit`, against spraying
//!   many accounts from one address.
//! * Second-factor codes (challenge and enrolment) count per account with `mfa_attempt_limit`.
//!   Per-account lock-out after wrong passwords or codes is separate (`max_failed_logins`).

use crate::App;
use crate::accounts::secrets;
use crate::error::{AppError, AppResult};
use jiff::{SignedDuration, Timestamp};
use ward_core::UserId;

/// What is being attempted, by whom.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    /// A password for `email` from `client` (its address, as the server resolved it).
    SignIn { email: &'a str, client: &'a str },
    /// A second-factor code (or an enrolment confirmation) for an account.
    SecondFactor { user: UserId },
}

/// The start of the fixed window of length `window` that holds `now`.
pub fn window_start(now: Timestamp, window: SignedDuration) -> Timestamp {
    let len = i64::try_from(window.as_micros()).unwrap_or(i64::MAX).max(1);
    let at = now.as_microsecond();
    Timestamp::from_microsecond(at - at.rem_euclid(len)).unwrap_or(now)
}

impl App {
    /// The keys an attempt counts against, with the limit of each.
    fn throttle_keys(&self, attempt: Attempt<'_>) -> Vec<(String, u32)> {
        let s = self.settings();
        match attempt {
            Attempt::SignIn { email, client } => {
                let account = email.trim().to_lowercase();
                vec![
                    (
                        format!("signin:pair:{}", secrets::digest(&format!("{account}\n{client}"))),
                        s.login_account_limit,
                    ),
                    (
                        format!("signin:client:{}", secrets::digest(client)),
                        s.login_ip_limit,
                    ),
                ]
            }
            Attempt::SecondFactor { user } => vec![(format!("mfa:user:{user}"), s.mfa_attempt_limit)],
        }
    }

    /// Count an attempt under every key that applies; `Throttled` when any is over its limit.
    pub async fn throttle(&self, attempt: Attempt<'_>) -> AppResult<()> {
        let start = window_start(self.now(), self.settings().throttle_window);
        let mut over = false;
        for (key, limit) in self.throttle_keys(attempt) {
            let count = self.store().count_attempt(&key, start).await?;
            over |= count > limit;
        }
        if over { Err(AppError::Throttled) } else { Ok(()) }
    }

    /// Forget counts of windows that have ended (run by the sessions.cleanup job).
    pub async fn prune_throttle(&self) -> AppResult<u64> {
        let start = window_start(self.now(), self.settings().throttle_window);
        Ok(self.store().prune_attempts(start).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_contain_now() {
        let w = SignedDuration::from_mins(5);
        let now = Timestamp::from_second(1_000_000_123).unwrap();
        let start = window_start(now, w);
        assert!(start <= now && now < start + w);
        assert_eq!(start.as_second() % 300, 0);
        assert_eq!(window_start(start, w), start);
        assert_eq!(window_start(start + w, w), start + w);
    }
}
