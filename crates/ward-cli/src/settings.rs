//! Configuration: built-in defaults, then an optional TOML file, then `WARD_*` environment
//! variables, then command-line flags. `ward config print-default` prints the defaults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
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
    /// Largest upload for imports, in MiB.
    pub max_import_mib: usize,
    /// Background job runners in this process (0 to run none).
    pub job_workers: usize,
    /// `pretty` or `json` logs.
    pub log_format: String,
    /// Where `ward feeds sync` keeps partial (resumable) and complete downloads.
    pub feeds_cache_dir: String,
    /// Sources `ward feeds sync` downloads (see [`default_feeds`]).
    pub feeds: Vec<ward_app::feeds::FeedSource>,
}

/// The OSV bucket's base address; each ecosystem has an `all.zip` below it.
const OSV_BUCKET: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Default feed sources: OSV archives for PyPI, crates.io, npm, Maven and Go, the CISA KEV
/// catalogue, and the daily EPSS scores.
pub fn default_feeds() -> Vec<ward_app::feeds::FeedSource> {
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
            max_import_mib: 64,
            job_workers: 1,
            log_format: "pretty".into(),
            feeds_cache_dir: "ward-data/feeds-cache".into(),
            feeds: default_feeds(),
        }
    }
}

impl Settings {
    /// Load defaults, then the file (if given), then `WARD_*` environment variables.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Self> {
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

    pub fn app_settings(&self) -> ward_app::AppSettings {
        ward_app::AppSettings {
            session_idle: jiff::SignedDuration::from_mins(self.session_idle_minutes),
            session_absolute: jiff::SignedDuration::from_hours(self.session_absolute_hours),
            max_failed_logins: self.max_failed_logins,
            lockout: jiff::SignedDuration::from_mins(self.lockout_minutes),
            ..ward_app::AppSettings::default()
        }
    }

    pub fn server_settings(&self) -> ward_server::ServerSettings {
        ward_server::ServerSettings {
            secure_cookies: self.secure_cookies,
            max_import_bytes: self.max_import_mib * 1024 * 1024,
            ..ward_server::ServerSettings::default()
        }
    }

    pub fn default_toml() -> anyhow::Result<String> {
        let text = toml::to_string_pretty(&Settings::default())?;
        Ok(match text.find("[[feeds]]") {
            Some(at) => format!("{}{FEEDS_HELP}{}", &text[..at], &text[at..]),
            None => text,
        })
    }
}

/// Open the store the URL names with the instance key, creating the SQLite file's folder (owner
/// only), and apply migrations.
pub async fn open_store(
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
pub fn redact_url(url: &str) -> String {
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
    fn every_setting_has_a_key() {
        let keys = Settings::keys().unwrap();
        assert!(keys.contains(&"database_url".to_owned()));
        assert!(keys.contains(&"job_workers".to_owned()));
        assert!(keys.contains(&"feeds".to_owned()));
        assert!(keys.contains(&"instance_key_file".to_owned()));
        assert_eq!(keys.len(), 15);
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let t = Settings::default_toml().unwrap();
        let s: Settings = toml::from_str(&t).unwrap();
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert_eq!(s.feeds, default_feeds());
        assert!(t.contains("# Feed sources for `ward feeds sync`"));
        assert!(t.contains("kind = \"osv-zip\""), "{t}");
    }
}
