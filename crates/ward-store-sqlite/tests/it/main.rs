//! Integration tests of the SQLite backend itself: opening, pragmas, the single writer under
//! concurrent load, and bulk import at scale. The behaviour every backend shares is tested by the
//! contract suite in `ward-testkit`.

// This whole binary is test code: helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bulk;
mod open;
mod restore;
mod upgrade;

/// The instance key of these tests.
pub fn test_key() -> ward_core::keys::InstanceKey {
    ward_core::keys::InstanceKey::from_bytes([0x57; 32])
}

/// `text` (a backup, possibly edited) with its MAC trailer made again with the test key, so a test
/// of row checks is not stopped by the MAC.
pub fn resign(text: &str) -> String {
    use std::io::Write;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("{\"ward_backup_mac\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let keys = ward_store::StoreKeys::new(&test_key());
    let mut out: Vec<u8> = Vec::new();
    let mut w = ward_store::backup::MacWriter::new(&mut out, &keys);
    w.write_all(body.as_bytes()).unwrap();
    w.finish().unwrap();
    String::from_utf8(out).unwrap()
}

/// Who restores in these tests.
pub fn restore_meta() -> ward_store::AuditMeta {
    ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("test-restore"),
        at: jiff::Timestamp::from_second(1_760_000_000).unwrap(),
        request_id: None,
    }
}
