//! Heavy requests: uploads, imports and exports. Each holds memory in proportion to its input or
//! output, so their number is bounded ([`App::heavy_permit`]): past
//! `max_concurrent_heavy_requests`, a request is refused at once with [`AppError::Busy`] (503 with
//! `Retry-After`) instead of queuing without bound. Their parsing runs off the async workers
//! ([`App::parse_off_workers`]), within [`ward_feeds::Limits`] whose deadline the parsers check in
//! their loops, so that a parse whose caller has given up stops too.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};
use ward_feeds::{Deadline, FeedError, Limits};

use crate::App;
use crate::error::{AppError, AppResult};

/// How long a busy answer asks the client to wait, in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

/// Extra time the async side waits past the parse deadline for the parser to notice it, before
/// answering anyway.
const DEADLINE_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The right to run one heavy request; given back when dropped. Clones share the one permit, so
/// work handed to a blocking thread keeps it until that work ends.
#[derive(Debug, Clone)]
pub struct HeavyPermit {
    _permit: Arc<OwnedSemaphorePermit>,
}

/// The semaphore behind [`App::heavy_permit`].
pub(crate) fn semaphore(permits: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(permits.max(1)))
}

impl App {
    /// A permit for one heavy request, or [`AppError::Busy`] when all are in use.
    pub fn heavy_permit(&self) -> AppResult<HeavyPermit> {
        match Arc::clone(&self.inner.heavy).try_acquire_owned() {
            Ok(p) => Ok(HeavyPermit { _permit: Arc::new(p) }),
            Err(TryAcquireError::NoPermits) => Err(AppError::Busy {
                message: format!(
                    "Ward is busy with {} other uploads, imports or exports; try again shortly",
                    self.settings().max_concurrent_heavy_requests.max(1)
                ),
                retry_after_secs: RETRY_AFTER_SECS,
            }),
            Err(TryAcquireError::Closed) => Err(AppError::Internal("heavy-request limit closed".into())),
        }
    }

    /// The limits an upload is parsed within: the expansion limit of the settings, and a deadline
    /// `parse_timeout` from now on the app's clock.
    pub fn parse_limits(&self) -> Limits {
        let deadline = Deadline::new(self.clock(), self.now() + self.settings().parse_timeout);
        Limits::default()
            .with_max_bytes(self.settings().max_expanded_bytes)
            .with_deadline(deadline)
    }

    /// Run `parse` on a blocking thread within [`App::parse_limits`], holding `permit` until it
    /// ends. `file` names the input in the error when the deadline passes.
    pub async fn parse_off_workers<T, F>(&self, permit: &HeavyPermit, file: &str, parse: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Limits) -> AppResult<T> + Send + 'static,
    {
        let limits = self.parse_limits();
        let held = permit.clone();
        let work = tokio::task::spawn_blocking(move || {
            let _held = held;
            parse(&limits)
        });
        let wait = self
            .settings()
            .parse_timeout
            .unsigned_abs()
            .saturating_add(DEADLINE_GRACE);
        match tokio::time::timeout(wait, work).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(AppError::Internal(format!("parsing {file}: {e}"))),
            Err(_) => Err(timed_out(file)),
        }
    }
}

fn timed_out(file: &str) -> AppError {
    AppError::TimedOut(format!(
        "{file}: reading it took longer than the time allowed and was stopped; nothing was stored"
    ))
}

/// A parser's error as the app reports it: limits as [`AppError::TooLarge`], the deadline as
/// [`AppError::TimedOut`], the rest as invalid input naming the file.
pub fn feed_error(e: FeedError) -> AppError {
    match e {
        FeedError::TooLarge { file, limit, reason } => AppError::TooLarge {
            message: format!("{file}: refused: {reason} (limit on {limit})"),
            path: file,
        },
        FeedError::Deadline { file } => timed_out(&file),
        FeedError::Read { ref file, .. }
        | FeedError::Syntax { ref file, .. }
        | FeedError::Format { ref file, .. }
        | FeedError::Rejected { ref file, .. } => AppError::invalid(file.clone(), e.to_string()),
    }
}
