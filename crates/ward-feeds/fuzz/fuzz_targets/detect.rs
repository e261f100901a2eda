//! Format detection and zip archives: any bytes, under several file names, and as a zip archive whose
//! entries are parsed in turn. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["fuzz.json", "fuzz.yaml", "fuzz.md", "fuzz.csv", "fuzz.xml"] {
        let _ = ward_feeds::parse_file_bytes(name, data);
    }
    if let Ok(entries) = ward_feeds::ZipEntries::open("fuzz.zip", std::io::Cursor::new(data)) {
        for entry in entries.with_max_entry(1 << 20).take(64).flatten() {
            let _ = ward_feeds::parse_file_bytes(&entry.file, &entry.bytes);
        }
    }
});
