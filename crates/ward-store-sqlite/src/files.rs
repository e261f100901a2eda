//! Owner-only permissions for the database file and the files SQLite keeps beside it: they hold
//! every organisation's data, password hashes and the audit trail.

use std::path::{Path, PathBuf};
use ward_store::{StoreError, StoreResult};

/// The files SQLite keeps for the database at `path`: itself, its write-ahead log and shared memory.
fn family(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

/// Create the database file with mode 0600 before SQLite opens it (SQLite then creates the `-wal`
/// and `-shm` files with the same mode). An existing file is left as it is here.
pub(crate) fn create_owner_only(path: &Path) -> StoreResult<()> {
    if path.as_os_str().is_empty() || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it first: fine, it is tightened after open.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Backend(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

/// Set the database file and its companions that exist to mode 0600.
pub(crate) fn restrict_to_owner(path: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    for p in family(path) {
        use std::os::unix::fs::PermissionsExt;
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| StoreError::Backend(format!("cannot restrict {}: {e}", p.display())))?;
        }
    }
    #[cfg(not(unix))]
    let _ = family(path);
    Ok(())
}
