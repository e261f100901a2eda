-- Account security (sign-in throttling shared by every server, second-factor failures).
--
-- failed_mfa counts wrong second-factor codes apart from failed_logins: a correct password resets
-- failed_logins but must not reset this one (only a correct code does), or wrong codes could be
-- guessed for ever between correct passwords.
ALTER TABLE users ADD COLUMN failed_mfa bigint NOT NULL DEFAULT 0;

-- Attempt counters for throttling, one row per key and fixed window, so that several `ward serve`
-- processes over one database share them. Which keys, limits and windows apply is decided in
-- ward-app (`throttle`); the store only counts. Short-lived: not backed up, and rows of past windows
-- are pruned by the sessions.cleanup job.
CREATE TABLE login_throttle (
    key          text NOT NULL,
    window_start bigint NOT NULL,
    count        bigint NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX login_throttle_window ON login_throttle (window_start);
