//! Configuration: built-in defaults, then an optional TOML file, then `WARD_*` environment
//! variables, then command-line flags. `ward config print-default` prints the defaults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// `sqlite://PATH` (embedded, the default) or `postgres://USER@HOST/DB`.
    pub database_url: String,
    /// The instance key (64 hex characters, mode 0600) that keys the audit chain, authenticates
    /// backups and seals MFA secrets. Empty: `instance.key` beside the SQLite database (created on
    /// first start), or `ward-data/instance.key` for PostgreSQL (created by `ward migrate`; every
    /// server sharing the database needs the same file). Keep a copy apart from the backups.
    pub instance_key_file: String,
    /// Where signed audit checkpoints are appended (`ward audit verify`, `ward audit checkpoint`).
    /// Empty: `audit-checkpoints` beside the instance key. Ship it somewhere the database's
    /// writers cannot reach.
    pub audit_checkpoint_file: String,
    /// Address the web UI and API listen on.
    pub listen: String,
    /// Address Prometheus metrics are served on (keep it private).
    pub metrics_listen: String,
    /// Set when Ward is reached over HTTPS (a TLS-terminating proxy): Secure cookies and HSTS.
    pub secure_cookies: bool,
    /// Sign out after this many minutes without activity.
    pub session_idle_minutes: i64,
    /// Sign out this many hours after sign-in.
    pub session_absolute_hours: i64,
    /// Failed sign-ins before an account locks, and for how long.
    pub max_failed_logins: u32,
    pub lockout_minutes: i64,
    /// Sign-in attempts allowed from one client address per throttle window, whatever the account.
    pub login_ip_limit: u32,
    /// Sign-in attempts allowed for one account from one client address per throttle window.
    pub login_account_limit: u32,
    /// Second-factor codes allowed for one account per throttle window.
    pub mfa_attempt_limit: u32,
    /// The throttle window, in minutes (counts are kept in the database, shared by every server).
    pub throttle_window_minutes: i64,
    /// Reverse proxies (addresses or networks like 10.0.0.0/8) whose `X-Forwarded-For` header
    /// names the client; empty: the header is ignored and the TCP peer is the client. A list in
    /// the file; a comma-separated list in `WARD_TRUSTED_PROXIES`.
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// Longest lifetime of an API token, in days.
    pub token_max_days: i64,
    /// Longest lifetime of a token for a privileged role (national analyst, regional lead,
    /// organisation admin, incident responder), in days.
    pub privileged_token_max_days: i64,
    /// Largest upload for imports, in MiB.
    pub max_import_mib: usize,
    /// Largest size, in MiB, an upload may expand to once decompressed or its YAML aliases expanded.
    pub max_expanded_mib: u64,
    /// Uploads, imports and exports running at once; more are answered 503 with Retry-After.
    pub max_concurrent_heavy_requests: usize,
    /// Longest an upload or import may take to parse, in seconds; the parser stops then.
    pub parse_timeout_secs: i64,
    /// Most trials one `ward simulate` may ask for; more are refused, not attempted.
    pub max_simulation_trials: u32,
    /// Background job runners in this process (0 to run none).
    pub job_workers: usize,
    /// `pretty` or `json` logs.
    pub log_format: String,
    /// Where `ward feeds sync` keeps partial (resumable) and complete downloads.
    pub feeds_cache_dir: String,
    /// The clocks each severity of cyber alert starts (hours to acknowledge and to a first
    /// update, days to remediate); an issuer may override them for one alert.
    pub alert_clocks: ward_core::alert::ClockSettings,
    /// Hours after an acknowledgement or first-update clock runs out at which the organisation,
    /// its ICB or region, and the national team are told.
    pub alert_escalation: ward_core::alert::escalation::EscalationSchedule,
    /// The mail server alert e-mail goes through (`smtp://127.0.0.1:2525`); empty: no e-mail.
    /// May hold credentials: never printed.
    pub smtp_url: String,
    /// The From address of alert e-mail.
    pub mail_from: String,
    /// The hour (UTC, 0 to 23) the daily digest of notices is e-mailed.
    pub digest_hour: u8,
    /// Signed webhooks per organisation: `[[webhooks]]` with `org` (ODS code), `url`, `secret`.
    pub webhooks: Vec<ward_app::notify::WebhookTarget>,
    /// Sources `ward feeds sync` downloads (see [`default_feeds`]).
    pub feeds: Vec<ward_app::feeds::FeedSource>,
}

/// The OSV bucket's base address; each ecosystem has an `all.zip` below it.
const OSV_BUCKET: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Default feed sources: OSV archives for PyPI, crates.io, npm, Maven and Go, the CISA KEV
/// catalogue, and the daily EPSS scores.
pub(crate) fn default_feeds() -> Vec<ward_app::feeds::FeedSource> {
    use ward_app::feeds::{FeedSource, SourceKind};
    let osv = |name: &str, ecosystem: &str| FeedSource {
        name: name.into(),
        kind: SourceKind::OsvZip,
        url: format!("{OSV_BUCKET}/{ecosystem}/all.zip"),
    };
    vec![
        osv("osv-pypi", "PyPI"),
        osv("osv-crates", "crates.io"),
        osv("osv-npm", "npm"),
        osv("osv-maven", "Maven"),
        osv("osv-go", "Go"),
        FeedSource {
            name: "kev".into(),
            kind: SourceKind::Kev,
            url: "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json".into(),
        },
        FeedSource {
            name: "epss".into(),
            kind: SourceKind::Epss,
            url: "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz".into(),
        },
    ]
}

/// Explains the `[[feeds]]` entries in `ward config print-default`.
const FEEDS_HELP: &str = "\
# Feed sources for `ward feeds sync` (and the `feeds.sync` job): each has a name, a kind and a url.
# Kinds: osv-zip (an OSV ecosystem's all.zip), kev (the CISA KEV JSON), epss (the EPSS CSV, plain
# or .gz), csaf (a CSAF provider's provider-metadata.json; its ROLIE feeds and changed documents are
# followed), file (any one file `ward feeds import` reads). Requests are conditional (ETag,
# Last-Modified), retried on server errors and resumed from feeds_cache_dir when interrupted.
";

/// Explains the `[alert_clocks.*]` tables in `ward config print-default`.
const ALERT_CLOCKS_HELP: &str = "\
# Cyber alert clocks per severity, counted from when an organisation is targeted: hours to
# acknowledge, hours to a first update, days to remediate (cut to a linked advisory's KEV due date
# when that is sooner). Critical and high follow NHS England's CSOC (48 hours, 3 days) and Cyber
# Essentials (14 days); medium and low are Ward's defaults. An issuer may override them per alert.
";

/// Explains the `[alert_escalation]` table in `ward config print-default`.
const ALERT_ESCALATION_HELP: &str = "\
# Escalation of an overdue acknowledgement or first update: hours after the clock runs out at
# which the organisation, then its ICB or region (its regional leads), then the national team are
# told (e-mail to the people holding those roles, and their webhooks). Each step is taken once and
# shows in the alert's timeline.
";

/// A list of strings, or one string of comma-separated items (as environment variables give it).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Items {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Items::deserialize(d)? {
        Items::List(v) => v,
        Items::Text(s) => s
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// What each setting means, printed above it by `ward config print-default`.
const SETTING_HELP: &[(&str, &str)] = &[
    (
        "database_url",
        "sqlite://PATH (embedded, the default) or postgres://USER@HOST/DB.",
    ),
    (
        "instance_key_file",
        "The instance key (64 hex characters, mode 0600): keys the audit chain, authenticates backups\n\
         and seals second-factor secrets. Empty: instance.key beside the SQLite database (made on first\n\
         start), or ward-data/instance.key for PostgreSQL (made by `ward migrate`; every server sharing\n\
         the database needs the same file). Keep a copy apart from the backups.",
    ),
    (
        "audit_checkpoint_file",
        "Where signed audit checkpoints are appended. Empty: beside the instance key. Ship it somewhere\n\
         the database's writers cannot reach.",
    ),
    ("listen", "Address the web UI and API listen on."),
    (
        "metrics_listen",
        "Address Prometheus metrics are served on (keep it private).",
    ),
    (
        "secure_cookies",
        "true when Ward is reached over HTTPS (a TLS-terminating proxy): Secure cookies and HSTS.",
    ),
    (
        "session_idle_minutes",
        "Sign out after this many minutes without activity.",
    ),
    (
        "session_absolute_hours",
        "Sign out this many hours after sign-in.",
    ),
    (
        "max_failed_logins",
        "Wrong passwords, or wrong second-factor codes (counted apart), before an account locks.",
    ),
    ("lockout_minutes", "How long a locked account stays locked."),
    (
        "login_ip_limit",
        "Sign-in attempts allowed from one client address per throttle window, whatever the account.",
    ),
    (
        "login_account_limit",
        "Sign-in attempts allowed for one account from one client address per throttle window.",
    ),
    (
        "mfa_attempt_limit",
        "Second-factor codes (and enrolment codes) allowed for one account per throttle window.",
    ),
    (
        "throttle_window_minutes",
        "The throttle window in minutes. Counts live in the database, so every server shares them.",
    ),
    (
        "trusted_proxies",
        "Reverse proxies (addresses, or networks like \"10.0.0.0/8\") trusted to name the client in\n\
         X-Forwarded-For: only when the connection comes from one of them is the header read, taking the\n\
         right-most address that is not itself a trusted proxy. Empty: the header is ignored. Set it\n\
         when Ward runs behind a proxy, or everyone behind it shares one sign-in throttle.",
    ),
    ("token_max_days", "Longest lifetime of an API token, in days."),
    (
        "privileged_token_max_days",
        "Longest lifetime, in days, of a token for a privileged role (national analyst, regional lead,\n\
         organisation admin, incident responder). No token outlives the grants of its owner that cover it.",
    ),
    ("max_import_mib", "Largest upload for imports, in MiB."),
    (
        "job_workers",
        "Background job runners in this process (0 to run none).",
    ),
    ("log_format", "pretty or json logs."),
    (
        "feeds_cache_dir",
        "Where `ward feeds sync` keeps partial (resumable) and complete downloads.",
    ),
    (
        "max_expanded_mib",
        "Largest size (MiB) an upload may expand to once decompressed (gzip) or its YAML aliases \
         expanded; larger ones are refused naming the limit.",
    ),
    (
        "max_concurrent_heavy_requests",
        "Uploads, imports and exports running at once; one more is answered 503 with Retry-After \
         (a clear page in the browser) instead of queuing, so memory stays bounded.",
    ),
    (
        "max_simulation_trials",
        "Most trials one `ward simulate` may run; a larger --trials is refused before anything runs.",
    ),
    (
        "smtp_url",
        "The mail server alert e-mail is sent through: smtp://HOST:PORT (plain, a local relay),\n\
         smtp://HOST?tls=required (STARTTLS) or smtps://USER:PASSWORD@HOST. Empty: no e-mail is queued.\n\
         Set it in WARD_SMTP_URL rather than the file when it holds a password.",
    ),
    ("mail_from", "The From address of alert e-mail."),
    (
        "digest_hour",
        "The hour (UTC, 0 to 23) each day's digest of notices is e-mailed to people who chose the digest.",
    ),
    (
        "webhooks",
        "Signed webhooks per organisation, as [[webhooks]] tables: org = \"RJZ\" (ODS code), url, secret.\n\
         Each alert reaching the organisation is POSTed as JSON with X-Ward-Timestamp and\n\
         X-Ward-Signature: sha256=HMAC-SHA256(secret, timestamp + \".\" + body). Keep the file mode 0600.",
    ),
    (
        "parse_timeout_secs",
        "Longest (seconds) an upload or import may take to parse; the parser stops then and the \
         request gets a clear error.",
    ),
];

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://ward-data/ward.db".into(),
            instance_key_file: String::new(),
            audit_checkpoint_file: String::new(),
            listen: "127.0.0.1:8080".into(),
            metrics_listen: "127.0.0.1:9090".into(),
            secure_cookies: false,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_failed_logins: 5,
            lockout_minutes: 15,
            login_ip_limit: 300,
            login_account_limit: 30,
            mfa_attempt_limit: 10,
            throttle_window_minutes: 5,
            trusted_proxies: Vec::new(),
            token_max_days: 366,
            privileged_token_max_days: 30,
            max_import_mib: 64,
            max_expanded_mib: ward_feeds::limits::MAX_EXPANDED_BYTES / (1024 * 1024),
            max_concurrent_heavy_requests: 4,
            parse_timeout_secs: 60,
            max_simulation_trials: 10_000,
            job_workers: 1,
            log_format: "pretty".into(),
            feeds_cache_dir: "ward-data/feeds-cache".into(),
            alert_clocks: ward_core::alert::ClockSettings::default(),
            alert_escalation: ward_core::alert::escalation::EscalationSchedule::default(),
            smtp_url: String::new(),
            mail_from: "Ward <ward@localhost>".into(),
            digest_hour: 7,
            webhooks: Vec::new(),
            feeds: default_feeds(),
        }
    }
}

impl Settings {
    /// Load defaults, then the file (if given), then `WARD_*` environment variables.
    pub(crate) fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let defaults = config::Config::try_from(&Settings::default())?;
        let mut b = config::Config::builder().add_source(defaults);
        if let Some(f) = file {
            b = b.add_source(
                config::File::from(f)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        // Only `WARD_<SETTING>` for known settings: other WARD_* variables (WARD_LOG, WARD_CONFIG,
        // test variables) are not settings and must not be rejected as unknown fields.
        for key in Self::keys()? {
            if let Ok(v) = std::env::var(format!("WARD_{}", key.to_ascii_uppercase())) {
                b = b.set_override(key.as_str(), v)?;
            }
        }
        Ok(b.build()?.try_deserialize()?)
    }

    /// The names of every setting.
    fn keys() -> anyhow::Result<Vec<String>> {
        let v = toml::Value::try_from(Settings::default())?;
        Ok(v.as_table()
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default())
    }

    pub(crate) fn app_settings(&self) -> ward_app::AppSettings {
        ward_app::AppSettings {
            session_idle: jiff::SignedDuration::from_mins(self.session_idle_minutes),
            session_absolute: jiff::SignedDuration::from_hours(self.session_absolute_hours),
            max_failed_logins: self.max_failed_logins,
            lockout: jiff::SignedDuration::from_mins(self.lockout_minutes),
            login_ip_limit: self.login_ip_limit,
            login_account_limit: self.login_account_limit,
            mfa_attempt_limit: self.mfa_attempt_limit,
            throttle_window: jiff::SignedDuration::from_mins(self.throttle_window_minutes.max(1)),
            token_max_days: self.token_max_days,
            privileged_token_max_days: self.privileged_token_max_days,
            max_expanded_bytes: self.max_expanded_mib.saturating_mul(1024 * 1024),
            max_concurrent_heavy_requests: self.max_concurrent_heavy_requests,
            parse_timeout: jiff::SignedDuration::from_secs(self.parse_timeout_secs),
            alert_clocks: self.alert_clocks,
            alert_escalation: self.alert_escalation,
            max_simulation_trials: self.max_simulation_trials,
            mail: (!self.smtp_url.trim().is_empty()).then(|| ward_app::notify::MailSettings {
                smtp_url: self.smtp_url.trim().to_owned(),
                from: self.mail_from.clone(),
            }),
            webhooks: self.webhooks.clone(),
            digest_hour: self.digest_hour.min(23),
            ..ward_app::AppSettings::default()
        }
    }

    pub(crate) fn server_settings(&self) -> anyhow::Result<ward_server::ServerSettings> {
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|p| {
                p.parse::<ward_server::proxy::TrustedProxy>()
                    .map_err(|e| anyhow::anyhow!("setting trusted_proxies: {e}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(ward_server::ServerSettings {
            secure_cookies: self.secure_cookies,
            max_import_bytes: self.max_import_mib * 1024 * 1024,
            trusted_proxies,
            ..ward_server::ServerSettings::default()
        })
    }

    pub(crate) fn default_toml() -> anyhow::Result<String> {
        let mut text = String::new();
        for line in toml::to_string_pretty(&Settings::default())?.lines() {
            let key = line.split(" = ").next().unwrap_or("");
            if let Some((_, help)) = SETTING_HELP.iter().find(|(k, _)| *k == key) {
                for h in help.lines() {
                    text.push_str("# ");
                    text.push_str(h);
                    text.push('\n');
                }
            }
            text.push_str(line);
            text.push('\n');
        }
        let text = match text.find("[alert_escalation]") {
            Some(at) => format!("{}{ALERT_ESCALATION_HELP}{}", &text[..at], &text[at..]),
            None => text,
        };
        let text = match text.find("[alert_clocks") {
            Some(at) => format!("{}{ALERT_CLOCKS_HELP}{}", &text[..at], &text[at..]),
            None => text,
        };
        Ok(match text.find("[[feeds]]") {
            Some(at) => format!("{}{FEEDS_HELP}{}", &text[..at], &text[at..]),
            None => text,
        })
    }
}

/// Open the store the URL names with the instance key, creating the SQLite file's folder (owner
/// only), and apply migrations.
pub(crate) async fn open_store(
    url: &str,
    key: &ward_core::keys::InstanceKey,
) -> anyhow::Result<std::sync::Arc<dyn ward_store::Store>> {
    use ward_store::AdminStore;
    if crate::keyfile::is_postgres(url) {
        let s = ward_store_postgres::PgStore::connect(url, key).await?;
        s.migrate().await?;
        Ok(std::sync::Arc::new(s))
    } else if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = rest.split('?').next().unwrap_or(rest);
        if !path.is_empty()
            && path != ":memory:"
            && let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            crate::keyfile::create_private_dir(parent)?;
        }
        let s = ward_store_sqlite::SqliteStore::open(url, key).await?;
        s.migrate().await?;
        Ok(std::sync::Arc::new(s))
    } else {
        anyhow::bail!(
            "database URL must start with sqlite:// or postgres:// (got '{}')",
            redact_url(url)
        )
    }
}

/// A database URL with any password removed, for messages.
pub(crate) fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}://{}{}@{}",
                &url[..s],
                user,
                if userinfo.contains(':') { ":***" } else { "" },
                &url[at + 1..]
            )
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://ward:s3cret@db/ward"),
            "postgres://ward:***@db/ward"
        );
        assert_eq!(redact_url("postgres://ward@db/ward"), "postgres://ward@db/ward");
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn print_default_explains_the_upload_limits() {
        let text = Settings::default_toml().unwrap();
        for (key, help) in SETTING_HELP {
            let at = text
                .find(&format!("\n{key} = "))
                .unwrap_or_else(|| panic!("{key} missing"));
            let expected: Vec<String> = help.lines().map(|l| format!("# {l}")).collect();
            assert!(
                text[..at].ends_with(&expected.join("\n")),
                "{key} has no help line"
            );
        }
        assert!(
            text.contains("# Cyber alert clocks per severity"),
            "alert clocks explained"
        );
        let app = Settings::default().app_settings();
        assert_eq!(app.alert_clocks.high.acknowledge_hours, 48);
        assert_eq!(app.max_expanded_bytes, ward_feeds::limits::MAX_EXPANDED_BYTES);
        assert_eq!(app.parse_timeout, jiff::SignedDuration::from_secs(60));
    }

    #[test]
    fn the_escalation_schedule_defaults_and_is_explained() {
        let app = Settings::default().app_settings();
        assert_eq!(app.alert_escalation.area_after_hours, 24);
        assert_eq!(app.alert_escalation.national_after_hours, 48);
        let text = Settings::default_toml().unwrap();
        let help = text.find("# Escalation of an overdue").expect("help");
        assert!(help < text.find("[alert_escalation]").expect("table"));
    }

    #[test]
    fn every_setting_has_a_key() {
        let keys = Settings::keys().unwrap();
        assert!(keys.contains(&"database_url".to_owned()));
        assert!(keys.contains(&"job_workers".to_owned()));
        assert!(keys.contains(&"feeds".to_owned()));
        assert!(keys.contains(&"max_concurrent_heavy_requests".to_owned()));
        assert!(keys.contains(&"instance_key_file".to_owned()));
        assert!(keys.contains(&"alert_clocks".to_owned()));
        assert!(keys.contains(&"smtp_url".to_owned()));
        assert!(keys.contains(&"webhooks".to_owned()));
        assert!(keys.contains(&"alert_escalation".to_owned()));
        assert!(keys.contains(&"digest_hour".to_owned()));
        assert_eq!(keys.len(), 32);
        for (k, _) in SETTING_HELP {
            assert!(keys.contains(&(*k).to_owned()), "help for unknown setting {k}");
        }
    }

    #[test]
    fn smtp_url_turns_mail_on_and_never_shows_its_password() {
        assert!(
            Settings::default().app_settings().mail.is_none(),
            "no e-mail by default"
        );
        let s = Settings {
            smtp_url: "smtps://ward:hunter2@mail.example".into(),
            ..Settings::default()
        };
        let app = s.app_settings();
        let mail = app.mail.as_ref().expect("mail configured");
        assert_eq!(mail.smtp_url, "smtps://ward:hunter2@mail.example");
        assert!(!format!("{app:?}").contains("hunter2"), "Debug redacts the URL");
    }

    #[test]
    fn trusted_proxies_come_as_a_list_or_comma_separated_text() {
        let defaults = config::Config::try_from(&Settings::default()).unwrap();
        let from_env: Settings = config::Config::builder()
            .add_source(defaults.clone())
            .set_override("trusted_proxies", "10.0.0.5, 10.1.0.0/16")
            .unwrap()
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(from_env.trusted_proxies, vec!["10.0.0.5", "10.1.0.0/16"]);
        assert_eq!(from_env.server_settings().unwrap().trusted_proxies.len(), 2);
        let file: Settings = toml::from_str("trusted_proxies = [\"127.0.0.1\"]").unwrap();
        assert_eq!(file.trusted_proxies, vec!["127.0.0.1"]);
        let bad = Settings {
            trusted_proxies: vec!["proxy.internal".into()],
            ..Settings::default()
        };
        let e = bad.server_settings().unwrap_err().to_string();
        assert!(
            e.contains("trusted_proxies") && e.contains("proxy.internal"),
            "{e}"
        );
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let t = Settings::default_toml().unwrap();
        let s: Settings = toml::from_str(&t).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.feeds, default_feeds());
        assert!(t.contains("# Feed sources for `ward feeds sync`"));
        assert!(t.contains("kind = \"osv-zip\""), "{t}");
        assert!(t.contains("# Reverse proxies"), "{t}");
        assert!(t.contains("trusted_proxies = []"), "{t}");
        assert!(t.contains("privileged_token_max_days = 30"), "{t}");
    }
}
