//! Signed webhooks: a POST of the alert as JSON to the URL configured for a targeted organisation,
//! signed with HMAC-SHA256 over `{timestamp}.{body}` with that organisation's secret.
//!
//! Headers: `X-Ward-Timestamp` (Unix seconds) and `X-Ward-Signature: sha256=<hex>`. A receiver
//! recomputes the HMAC over the timestamp, a dot and the raw body, compares in constant time, and
//! refuses timestamps far from its own clock (replays). Anything but a 2xx answer fails the job,
//! which the runner retries with backoff until it is dead (`alert.webhook.dead` audit record).

use super::dead_delivery_if_final;
use crate::App;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;
use ward_core::job::{Job, JobKind};
use ward_core::{AlertId, OrgId};
use ward_store::Scope;

/// Attempts a webhook delivery gets before it is dead.
pub const WEBHOOK_ATTEMPTS: u32 = 5;

/// Where one organisation's alerts are posted. Debug never shows the secret.
#[derive(Clone, Deserialize, Serialize)]
pub struct WebhookTarget {
    /// The organisation's ODS code (`RJZ`).
    pub org: String,
    /// `https://...` (or `http://` to a receiver on the same host).
    pub url: String,
    /// The HMAC key, shared with the receiver.
    pub secret: String,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("org", &self.org)
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// `sha256=` and the hex HMAC-SHA256 of `{timestamp}.{body}` under `secret` (HMAC takes a key
/// of any length, so this is None only in theory).
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(format!("sha256={hex}"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct WebhookPayload {
    pub(super) alert: AlertId,
    pub(super) org: OrgId,
    /// Set when the post tells of an overdue answer (to the webhook of `escalation.to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) escalation: Option<super::EscalationNote>,
}

impl App {
    /// The webhook configured for an organisation, by its code.
    pub(super) fn webhook_for(&self, code: &str) -> Option<&WebhookTarget> {
        self.settings()
            .webhooks
            .iter()
            .find(|w| w.org.eq_ignore_ascii_case(code))
    }

    async fn post_alert_webhook(&self, p: &WebhookPayload) -> Result<(), String> {
        let detail = self
            .store()
            .get_alert(&Scope::All, p.alert)
            .await
            .map_err(|e| e.to_string())?;
        let Some(record) = detail.recipients.iter().find(|r| r.org == p.org) else {
            return Ok(());
        };
        let index = self.exposure_index().await.map_err(|e| e.to_string())?;
        let org = index.org_ref_of(p.org);
        let to = p.escalation.map_or(p.org, |n| n.to);
        let Some(target) = self.webhook_for(&index.org_ref_of(to).code).cloned() else {
            return Ok(());
        };
        let a = &detail.alert;
        let mut message = serde_json::json!({
            "event": "alert.targeted",
            "alert": a.id,
            "org": {"id": org.id, "code": org.code, "name": org.name},
            "severity": a.severity,
            "title": a.title,
            "tlp": a.tlp,
            "advisories": a.advisories,
            "actions": a.actions,
            "clocks": record.clocks,
            "assets": record.assets.len(),
            "link": format!("/alerts/{}", a.id),
        });
        if let Some(n) = p.escalation {
            message["event"] = "alert.escalated".into();
            message["escalation"] = serde_json::json!({ "clock": n.clock, "level": n.level });
        }
        let body = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        let ts = self.now().as_second();
        let signed = signature(target.secret.as_bytes(), ts, &body)
            .ok_or_else(|| "the webhook secret cannot key HMAC-SHA256".to_owned())?;
        let res = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?
            .post(&target.url)
            .header("content-type", "application/json")
            .header("x-ward-timestamp", ts.to_string())
            .header("x-ward-signature", signed)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("webhook delivery failed: {}", e.without_url()))?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("the receiver answered {}", res.status()))
        }
    }
}

/// The `notify.webhook` job: posts one alert to one organisation's webhook.
pub struct WebhookJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for WebhookJob {
    fn kind(&self) -> JobKind {
        JobKind::NotifyWebhook
    }

    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let p: WebhookPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("bad notify.webhook payload: {e}"))?;
        let result = app.post_alert_webhook(&p).await;
        if let Err(msg) = &result {
            let to = p.escalation.map_or(p.org, |n| n.to);
            let about = (ward_core::job::DeliveryAbout::Alert, Some(p.alert), to);
            dead_delivery_if_final(app, job, about, "the organisation's webhook".into(), msg).await;
        }
        result
    }
}
