//! Vulnerability feeds in practice: importing files ([`import`]), downloading them conditionally
//! and resumably ([`download`]), syncing configured sources including CSAF providers ([`sync`],
//! [`csaf`]), and the `feeds.sync` background job.

pub mod csaf;
pub mod download;
pub mod import;
pub mod sync;

pub use download::{DownloadOptions, FetchError, Fetched};
pub use import::{FeedImport, FeedImportSummary, FeedProblem, ImportProgress, KindCounts};
pub use sync::{
    FeedSource, FeedSyncJob, FeedSyncPayload, SourceKind, SourceReport, SyncOptions, SyncOutcome, SyncReport,
};
