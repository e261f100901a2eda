//! Per-client sign-in throttling (in memory, per process; the per-account lock-out lives in the store).

use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug)]
pub struct LoginThrottle {
    limit: u32,
    window: SignedDuration,
    seen: Mutex<HashMap<String, (Timestamp, u32)>>,
}

impl LoginThrottle {
    pub fn new(limit: u32, window: SignedDuration) -> Self {
        Self {
            limit,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Count an attempt from `client`; false when it is over the limit for the current window.
    pub fn allow(&self, client: &str, now: Timestamp) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        if seen.len() > 100_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(client.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_client_and_window() {
        let t = LoginThrottle::new(2, SignedDuration::from_mins(1));
        let now = Timestamp::from_second(1000).unwrap();
        assert!(t.allow("a", now));
        assert!(t.allow("a", now));
        assert!(!t.allow("a", now));
        assert!(t.allow("b", now));
        assert!(t.allow("a", now + SignedDuration::from_mins(2)));
    }
}
