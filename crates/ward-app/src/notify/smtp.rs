//! The SMTP transport: one pooled transport (lettre's connection pool) per configured `smtp_url`,
//! kept by the App, so that messages in a row reuse an open connection instead of connecting,
//! greeting and quitting for each. It is built on first use, and built again when it is asked for
//! another URL (the setting changed); a connection that failed is dropped by the pool, never
//! reused.

use std::sync::Mutex;
use std::time::Duration;

use lettre::{AsyncSmtpTransport, Tokio1Executor};

/// How long one SMTP command may take before the delivery fails (and its job is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The App's transport, by the URL it was built for.
#[derive(Default)]
pub(crate) struct Mailer {
    current: Mutex<Option<(String, Transport)>>,
}

impl Mailer {
    /// The pooled transport for `smtp_url` (a cheap handle to the one pool).
    pub(crate) fn transport(&self, smtp_url: &str) -> Result<Transport, String> {
        // A poisoned lock only means a panic elsewhere while it was held: the value is still whole.
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((url, transport)) = current.as_ref()
            && url == smtp_url
        {
            return Ok(transport.clone());
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|_| "smtp_url is not a valid SMTP address".to_owned())?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        *current = Some((smtp_url.to_owned(), transport.clone()));
        Ok(transport)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_transport_per_url_rebuilt_when_the_url_changes() {
        let mailer = Mailer::default();
        mailer.transport("smtp://127.0.0.1:2525").unwrap();
        let kept = |m: &Mailer| m.current.lock().unwrap().as_ref().map(|(u, _)| u.clone());
        assert_eq!(kept(&mailer).as_deref(), Some("smtp://127.0.0.1:2525"));
        mailer.transport("smtp://127.0.0.1:2526").unwrap();
        assert_eq!(kept(&mailer).as_deref(), Some("smtp://127.0.0.1:2526"));
        assert!(mailer.transport("not a url").is_err());
        assert_eq!(
            kept(&mailer).as_deref(),
            Some("smtp://127.0.0.1:2526"),
            "a bad URL leaves the transport kept"
        );
    }
}
