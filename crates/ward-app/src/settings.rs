//! Settings for the use cases, passed in explicitly (no globals).

use crate::accounts::password::PasswordCost;
use jiff::SignedDuration;

#[derive(Debug, Clone)]
pub struct AppSettings {
    /// Sign a session out after this long without a request.
    pub session_idle: SignedDuration,
    /// Sign a session out this long after sign-in, whatever happens.
    pub session_absolute: SignedDuration,
    /// Failed passwords, or wrong second-factor codes (counted apart), before an account locks.
    pub max_failed_logins: u32,
    /// How long a locked account stays locked.
    pub lockout: SignedDuration,
    /// Sign-in attempts allowed from one client address per window, whatever the account.
    pub login_ip_limit: u32,
    /// Sign-in attempts allowed for one account from one client address per window.
    pub login_account_limit: u32,
    /// Second-factor codes (challenge and enrolment) allowed for one account per window.
    pub mfa_attempt_limit: u32,
    /// The window the throttle limits count over (see [`crate::throttle`]).
    pub throttle_window: SignedDuration,
    /// Longest lifetime of an API token.
    pub token_max_days: i64,
    /// Longest lifetime of a token for a privileged role (those that require MFA: national analyst,
    /// regional lead, organisation admin, incident responder). A token never outlives the grant
    /// that covers it either.
    pub privileged_token_max_days: i64,
    /// Longest incident-responder grant.
    pub responder_max_days: i64,
    pub password_cost: PasswordCost,
    /// Weights of the exposure priority factors (see `ward_engine::priority`).
    pub priority: ward_engine::PriorityWeights,
    /// Uploads, imports and exports running at once; one more is answered "busy, retry later"
    /// rather than queued, so that their memory stays bounded (see [`crate::heavy`]).
    pub max_concurrent_heavy_requests: usize,
    /// Longest an upload or import may take to parse; the parser stops at this deadline.
    pub parse_timeout: SignedDuration,
    /// Most bytes an upload may expand to once decompressed or its YAML aliases expanded
    /// ([`ward_feeds::limits::MAX_EXPANDED_BYTES`] by default).
    pub max_expanded_bytes: u64,
    /// The clocks each severity of alert starts (see `ward_core::alert::ClockSettings`); an issuer
    /// may override them for one alert.
    pub alert_clocks: ward_core::alert::ClockSettings,
    /// When an overdue acknowledgement or first update is escalated to the organisation, its ICB
    /// or region, and the national team (see `ward_core::alert::escalation`).
    pub alert_escalation: ward_core::alert::escalation::EscalationSchedule,
    /// Most trials one simulation may run; more are refused, not attempted.
    pub max_simulation_trials: u32,
    /// Where alert e-mail goes; None: no e-mail is queued.
    pub mail: Option<crate::notify::MailSettings>,
    /// Signed webhooks per organisation (by ODS code).
    pub webhooks: Vec<crate::notify::WebhookTarget>,
    /// The hour (UTC, 0 to 23) the daily digest of notices is sent.
    pub digest_hour: u8,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            session_idle: SignedDuration::from_mins(30),
            session_absolute: SignedDuration::from_hours(12),
            max_failed_logins: 5,
            lockout: SignedDuration::from_mins(15),
            login_ip_limit: 300,
            login_account_limit: 30,
            mfa_attempt_limit: 10,
            throttle_window: SignedDuration::from_mins(5),
            token_max_days: 366,
            privileged_token_max_days: 30,
            responder_max_days: 90,
            password_cost: PasswordCost::default(),
            priority: ward_engine::PriorityWeights::default(),
            max_concurrent_heavy_requests: 4,
            parse_timeout: SignedDuration::from_secs(60),
            max_expanded_bytes: ward_feeds::limits::MAX_EXPANDED_BYTES,
            alert_clocks: ward_core::alert::ClockSettings::default(),
            alert_escalation: ward_core::alert::escalation::EscalationSchedule::default(),
            max_simulation_trials: 10_000,
            mail: None,
            webhooks: Vec::new(),
            digest_hour: 7,
        }
    }
}
