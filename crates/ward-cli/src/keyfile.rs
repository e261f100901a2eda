//! The instance key file and the audit checkpoint file, both kept outside the database.
//!
//! The key is 64 hexadecimal characters in a file readable by its owner only (0600). For SQLite it
//! lives beside the database (`ward-data/instance.key`) and is created on first start; for
//! PostgreSQL, where several servers must share one key, it is created only by `ward migrate` and
//! then copied to every server (`instance_key_file` / `WARD_INSTANCE_KEY_FILE`).
//!
//! Checkpoints are lines appended to `audit-checkpoints` beside the key (see
//! `ward_core::audit::SignedHead::checkpoint_line`): `ward audit verify` checks the chain passes
//! through each, so replaying an old head row after cutting the trail is detected.

use crate::settings::Settings;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use ward_core::audit::SignedHead;
use ward_core::keys::InstanceKey;

/// Whether the database URL names PostgreSQL.
pub(crate) fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The SQLite database file, if the URL names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(":memory:") || path.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The directory holding the SQLite database file, if the URL names one.
fn sqlite_dir(url: &str) -> Option<PathBuf> {
    let path = sqlite_file(url)?;
    Some(
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    )
}

/// Where the instance key lives: the setting, else beside the SQLite database, else `ward-data/`.
pub(crate) fn key_path(settings: &Settings) -> PathBuf {
    if !settings.instance_key_file.is_empty() {
        return PathBuf::from(&settings.instance_key_file);
    }
    sqlite_dir(&settings.database_url)
        .unwrap_or_else(|| PathBuf::from("ward-data"))
        .join("instance.key")
}

/// Where checkpoints are appended: the setting, else beside the SQLite database
/// (`ward.db.audit-checkpoints`: one file per database), else beside the key file.
pub(crate) fn checkpoint_path(settings: &Settings) -> PathBuf {
    if !settings.audit_checkpoint_file.is_empty() {
        return PathBuf::from(&settings.audit_checkpoint_file);
    }
    if let Some(db) = sqlite_file(&settings.database_url) {
        let mut name = db.into_os_string();
        name.push(".audit-checkpoints");
        return PathBuf::from(name);
    }
    key_path(settings).parent().map_or_else(
        || PathBuf::from("audit-checkpoints"),
        |d| d.join("audit-checkpoints"),
    )
}

/// Create `dir` (and parents) readable by its owner only, when it does not exist yet.
pub(crate) fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {}", dir.display()))?;
    }
    Ok(())
}

/// Open a new file for writing with mode 0600 (refusing to overwrite one).
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Read the instance key; create it when missing and `create` is set (SQLite on any command,
/// PostgreSQL on `ward migrate` only, so servers sharing one database never each make their own).
pub(crate) fn load_key(settings: &Settings, create: bool) -> anyhow::Result<InstanceKey> {
    let path = key_path(settings);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            InstanceKey::parse_hex(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            if let Some(dir) = path.parent() {
                create_private_dir(dir)?;
            }
            let bytes = ward_app::accounts::secrets::random_bytes::<{ ward_core::keys::KEY_BYTES }>()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let key = InstanceKey::from_bytes(bytes);
            let mut f = create_private_file(&path)
                .with_context(|| format!("cannot create the instance key file {}", path.display()))?;
            writeln!(f, "{}", key.to_hex())?;
            f.sync_all()?;
            eprintln!(
                "Created the instance key {} (fingerprint {}). Keep a copy apart from the backups: \
                 without it, backups cannot be restored and the audit trail cannot be verified.",
                path.display(),
                key.fingerprint()
            );
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(crate::CliError::Database(format!(
            "the instance key file {} does not exist: run `ward migrate` once to create it, then give \
             every server sharing this database the same file (instance_key_file / \
             WARD_INSTANCE_KEY_FILE)",
            path.display()
        ))
        .into()),
        Err(e) => Err(anyhow::anyhow!(
            "cannot read the instance key file {}: {e}",
            path.display()
        )),
    }
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            eprintln!(
                "warning: the instance key file {} is readable by other users; run `chmod 600` on it",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Every checkpoint in the file (none when it does not exist); errors name the file and line.
pub(crate) fn read_checkpoints(path: &Path) -> anyhow::Result<Vec<SignedHead>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            SignedHead::parse_checkpoint_line(l).map_err(|e| {
                crate::CliError::AuditBroken(format!("{}:{}: {e}", path.display(), i + 1)).into()
            })
        })
        .collect()
}

/// Append a checkpoint line (the file is created 0600).
pub(crate) fn append_checkpoint(
    path: &Path,
    head: &SignedHead,
    at: jiff::Timestamp,
) -> anyhow::Result<String> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .with_context(|| format!("cannot write the checkpoint file {}", path.display()))?;
    let line = head.checkpoint_line(at);
    writeln!(f, "{line}")?;
    f.sync_all()?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_lives_beside_the_sqlite_database_unless_configured() {
        let mut s = Settings::default();
        assert_eq!(key_path(&s), PathBuf::from("ward-data/instance.key"));
        s.database_url = "sqlite:///var/lib/ward/ward.db?mode=rwc".into();
        assert_eq!(key_path(&s), PathBuf::from("/var/lib/ward/instance.key"));
        assert_eq!(
            checkpoint_path(&s),
            PathBuf::from("/var/lib/ward/ward.db.audit-checkpoints")
        );
        s.database_url = "sqlite://ward.db".into();
        assert_eq!(key_path(&s), PathBuf::from("./instance.key"));
        s.database_url = "postgres://ward@db/ward".into();
        assert_eq!(key_path(&s), PathBuf::from("ward-data/instance.key"));
        s.instance_key_file = "/etc/ward/instance.key".into();
        assert_eq!(key_path(&s), PathBuf::from("/etc/ward/instance.key"));
        assert_eq!(checkpoint_path(&s), PathBuf::from("/etc/ward/audit-checkpoints"));
    }
}
