//! Bounds on the work one input may cause: bytes after decompression and alias expansion, nodes, and
//! an optional deadline checked inside the parsers' loops.
//!
//! The size of an upload is bounded by the server's body limit, but a small input can stand for a
//! huge one: a gzip stream of zeros expands a thousandfold, and YAML aliases repeat a subtree without
//! repeating its text. Every parser therefore counts what it EXPANDS (bytes of text, and nodes)
//! against a [`Limits`], and refuses the input with [`FeedError::TooLarge`] naming the file and the
//! limit as soon as the count passes it, before the memory is spent. A [`Deadline`] stops a parser
//! that is still working when its caller has given up ([`FeedError::Deadline`]).

use std::sync::Arc;

use jiff::Timestamp;
use ward_core::clock::Clock;

use crate::problem::FeedError;

/// The most bytes an input may expand to (decompressed gzip, one zip entry, the text of a YAML
/// document with its aliases counted at their expanded size). The largest real feed Ward reads, the
/// EPSS daily scores, is about 10 MB decompressed, OSV ecosystem entries and SBOMs are far smaller;
/// 256 MiB leaves room for growth while keeping one parse's memory at a size a server can afford a few
/// times over.
pub const MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;

/// The most nodes (values, elements, attributes) a document may expand to. At some tens of bytes of
/// overhead per node, 5 million nodes is a few hundred megabytes at most; real documents have
/// thousands.
pub const MAX_NODES: usize = 5_000_000;

/// The longest line a line-based reader (EPSS CSV) accepts. Real lines are under 100 bytes; without
/// a bound, a stream without line breaks (gzip of zeros) is one line as large as the stream.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most problems one parse keeps; the rest are counted in one last problem. Each costs some
/// hundred bytes, so a stream of bad two-byte lines would otherwise cost fifty times its size.
pub const MAX_PROBLEMS: usize = 10_000;

/// How many loop steps pass between two looks at the deadline: reading the clock costs more than
/// one step of a parser, so it is read every few thousand.
const DEADLINE_EVERY: u32 = 4096;

/// A time after which a parser stops, with the clock it is read from (time is a parameter).
#[derive(Clone)]
pub struct Deadline {
    clock: Arc<dyn Clock>,
    at: Timestamp,
}

impl std::fmt::Debug for Deadline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deadline").field("at", &self.at).finish()
    }
}

impl Deadline {
    /// Stop once `clock` reads `at` or later.
    pub fn new(clock: Arc<dyn Clock>, at: Timestamp) -> Self {
        Self { clock, at }
    }

    /// Whether the deadline has passed.
    pub fn passed(&self) -> bool {
        self.clock.now() >= self.at
    }
}

/// What one parse may expand to, and until when it may run.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes after decompression and alias expansion ([`MAX_EXPANDED_BYTES`] by default).
    pub max_bytes: u64,
    /// Nodes after alias expansion ([`MAX_NODES`] by default).
    pub max_nodes: usize,
    /// When to give up (none by default).
    pub deadline: Option<Deadline>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_EXPANDED_BYTES,
            max_nodes: MAX_NODES,
            deadline: None,
        }
    }
}

impl Limits {
    /// These limits with a deadline.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Deadline) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// These limits with another byte limit.
    #[must_use]
    pub fn with_max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// An error when the deadline has passed.
    pub fn check_deadline(&self, file: &str) -> Result<(), FeedError> {
        match &self.deadline {
            Some(d) if d.passed() => Err(FeedError::Deadline {
                file: file.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    pub(crate) fn too_many_bytes(&self, file: &str, what: &str) -> FeedError {
        FeedError::TooLarge {
            file: file.to_owned(),
            limit: "expanded bytes",
            reason: format!("{what} more than {} bytes", self.max_bytes),
        }
    }

    pub(crate) fn too_many_nodes(&self, file: &str, what: &str) -> FeedError {
        FeedError::TooLarge {
            file: file.to_owned(),
            limit: "nodes",
            reason: format!("{what} more than {} nodes", self.max_nodes),
        }
    }
}

/// The running count of one parse against its [`Limits`].
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    file: &'a str,
    limits: &'a Limits,
    bytes: u64,
    nodes: usize,
    steps: u32,
}

impl<'a> Budget<'a> {
    pub(crate) fn new(file: &'a str, limits: &'a Limits) -> Self {
        Self {
            file,
            limits,
            bytes: 0,
            nodes: 0,
            steps: 0,
        }
    }

    /// Count `bytes` and `nodes` more, refusing the input once either passes its limit.
    pub(crate) fn spend(&mut self, bytes: u64, nodes: usize) -> Result<(), FeedError> {
        self.bytes = self.bytes.saturating_add(bytes);
        self.nodes = self.nodes.saturating_add(nodes);
        if self.bytes > self.limits.max_bytes {
            return Err(self.limits.too_many_bytes(self.file, "the document expands to"));
        }
        if self.nodes > self.limits.max_nodes {
            return Err(self.limits.too_many_nodes(self.file, "the document expands to"));
        }
        Ok(())
    }

    /// One step of a parser's loop: every so often, look at the deadline.
    pub(crate) fn step(&mut self) -> Result<(), FeedError> {
        self.steps = self.steps.wrapping_add(1);
        if self.steps % DEADLINE_EVERY == 1 {
            self.limits.check_deadline(self.file)?;
        }
        Ok(())
    }
}

/// A reader that fails with [`FeedError::TooLarge`] (as an I/O error carrying it) once more than
/// `max` bytes have come through: wraps decompressors so that a bomb stops at the limit.
pub(crate) struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R> Capped<R> {
    pub(crate) fn new(inner: R, max: u64) -> Self {
        Self { inner, left: max }
    }
}

/// The I/O error [`Capped`] returns, recognised by [`is_capped`].
#[derive(Debug, thiserror::Error)]
#[error("expanded size limit reached")]
struct CappedError;

/// Whether an I/O error is the one [`Capped`] raises.
pub(crate) fn is_capped(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<CappedError>())
}

impl<R: std::io::Read> std::io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Read one byte past the limit, so that a stream of exactly `max` bytes passes.
        let want = buf
            .len()
            .min(usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(CappedError));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Decompress a whole gzip input (one or more members), refusing it once it expands past
/// `limits.max_bytes`. The error names the file and the limit.
pub fn gunzip(file: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, FeedError> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut reader = Capped::new(flate2::read::MultiGzDecoder::new(bytes), limits.max_bytes);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        limits.check_deadline(file)?;
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if is_capped(&e) => {
                return Err(limits.too_many_bytes(file, "the gzip stream decompresses to"));
            }
            Err(e) => {
                return Err(FeedError::Syntax {
                    file: file.to_owned(),
                    at: "gzip stream".to_owned(),
                    reason: e.to_string(),
                });
            }
        };
        out.extend_from_slice(&chunk[..n]);
    }
}
