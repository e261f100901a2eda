//! Zip archives (OSV publishes one `all.zip` per ecosystem), read one entry at a time so that only one
//! entry's bytes are in memory. Entries larger than a limit are refused, so a zip bomb cannot exhaust
//! memory.

use std::io::{Read, Seek};

use crate::problem::FeedError;

/// The largest entry read by default: 64 MiB (OSV records are kilobytes).
pub const DEFAULT_MAX_ENTRY: u64 = 64 * 1024 * 1024;

/// One file from an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// `archive!path/in/archive`, for problems.
    pub file: String,
    /// The entry's path inside the archive.
    pub name: String,
    /// The entry's bytes.
    pub bytes: Vec<u8>,
}

/// Iterates the file entries of a zip archive (directories are passed over).
pub struct ZipEntries<R: Read + Seek> {
    archive: zip::ZipArchive<R>,
    label: String,
    next: usize,
    max_entry: u64,
}

impl<R: Read + Seek> std::fmt::Debug for ZipEntries<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipEntries")
            .field("label", &self.label)
            .field("next", &self.next)
            .finish()
    }
}

impl<R: Read + Seek> ZipEntries<R> {
    /// Open an archive; `label` names it in errors (usually its path).
    pub fn open(label: &str, reader: R) -> Result<Self, FeedError> {
        let archive = zip::ZipArchive::new(reader).map_err(|e| FeedError::Syntax {
            file: label.to_owned(),
            at: "zip directory".to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            archive,
            label: label.to_owned(),
            next: 0,
            max_entry: DEFAULT_MAX_ENTRY,
        })
    }

    /// Refuse entries larger than `bytes`.
    #[must_use]
    pub fn with_max_entry(mut self, bytes: u64) -> Self {
        self.max_entry = bytes;
        self
    }

    /// How many entries (files and directories) the archive lists.
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    /// Whether the archive lists no entries.
    pub fn is_empty(&self) -> bool {
        self.archive.len() == 0
    }

    fn read(&mut self, index: usize) -> Option<Result<ArchiveEntry, FeedError>> {
        let label = self.label.clone();
        let max = self.max_entry;
        let mut entry = match self.archive.by_index(index) {
            Ok(e) => e,
            Err(e) => {
                return Some(Err(FeedError::Syntax {
                    file: label,
                    at: format!("entry {index}"),
                    reason: e.to_string(),
                }));
            }
        };
        if entry.is_dir() {
            return None;
        }
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry {index}"));
        let file = format!("{label}!{name}");
        if entry.size() > max {
            return Some(Err(FeedError::TooLarge {
                file,
                limit: "expanded bytes",
                reason: format!(
                    "the entry says it decompresses to {} bytes, more than {max}",
                    entry.size()
                ),
            }));
        }
        let mut bytes = Vec::new();
        // Read one byte past the limit so that a lying size header is caught too.
        match entry.by_ref().take(max.saturating_add(1)).read_to_end(&mut bytes) {
            Ok(n) if n as u64 > max => Some(Err(FeedError::TooLarge {
                file,
                limit: "expanded bytes",
                reason: format!("the entry decompresses to more than {max} bytes"),
            })),
            Ok(_) => Some(Ok(ArchiveEntry { file, name, bytes })),
            Err(source) => Some(Err(FeedError::Syntax {
                file,
                at: "entry data".to_owned(),
                reason: source.to_string(),
            })),
        }
    }
}

impl<R: Read + Seek> Iterator for ZipEntries<R> {
    type Item = Result<ArchiveEntry, FeedError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.next < self.archive.len() {
            let index = self.next;
            self.next += 1;
            if let Some(item) = self.read(index) {
                return Some(item);
            }
        }
        None
    }
}
