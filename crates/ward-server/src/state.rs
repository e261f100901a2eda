//! What every handler can reach.

use crate::metrics::Metrics;
use std::sync::Arc;
use ward_app::App;

/// Server settings, read once at start.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Set the `Secure` cookie attribute and send HSTS: true when Ward is reached over TLS.
    pub secure_cookies: bool,
    /// Max-age for Strict-Transport-Security when `secure_cookies` is on.
    pub hsts_max_age_secs: u64,
    /// Largest JSON request body.
    pub max_body_bytes: usize,
    /// Largest import upload.
    pub max_import_bytes: usize,
    /// Longest a request may take.
    pub request_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see [`crate::proxy`]); empty: none.
    pub trusted_proxies: Vec<crate::proxy::TrustedProxy>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            hsts_max_age_secs: 31_536_000,
            max_body_bytes: 1024 * 1024,
            max_import_bytes: 64 * 1024 * 1024,
            request_timeout_secs: 120,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub app: App,
    pub settings: Arc<ServerSettings>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(app: App, settings: ServerSettings) -> Self {
        Self {
            app,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
