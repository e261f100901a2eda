//! The audit digest of a whole batch, computed while the batch is being written.
//!
//! [`digest_json`] serialises a value to one buffer and hashes it. For an import of 40,000 assets
//! that buffer is about 25 MB, and building it took as long as writing the software links. Here the
//! same bytes (`[`, each item's compact JSON separated by `,`, `]`) are fed to SHA-256 item by item,
//! so no large buffer is built, and the work is done in slices that yield in between: joined with
//! the writes (SQLite's worker thread, PostgreSQL's COPY streams), the hashing fills time the task
//! would otherwise spend waiting. The result is identical to `digest_json(items)`.

use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use ward_core::audit::{digest_json, hex};

/// Items serialised between two yields (a few hundred microseconds of work).
const ITEMS_PER_SLICE: usize = 256;

/// `digest_json(items)`, hashed item by item, yielding to other futures after every slice.
pub async fn digest_json_sliced<T: serde::Serialize>(items: &[T]) -> String {
    let mut hasher = HashWriter(Sha256::new());
    hasher.0.update(b"[");
    for (i, slice) in items.chunks(ITEMS_PER_SLICE).enumerate() {
        if i > 0 {
            YieldOnce(false).await;
        }
        for (j, item) in slice.iter().enumerate() {
            if i > 0 || j > 0 {
                hasher.0.update(b",");
            }
            if serde_json::to_writer(&mut hasher, item).is_err() {
                // Cannot happen for plain data; fall back to the reference implementation.
                return digest_json(items);
            }
        }
    }
    hasher.0.update(b"]");
    hex(&hasher.0.finalize())
}

/// An `io::Write` that feeds SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Returns `Pending` once (waking itself at once), so a joined future gets polled in between.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Poll to completion; returns the output and how many polls it took.
    fn run<F: Future>(f: F) -> (F::Output, usize) {
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut polls = 0;
        loop {
            polls += 1;
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return (v, polls);
            }
        }
    }

    #[test]
    fn matches_digest_json_at_every_size_and_yields_between_slices() {
        for n in [
            0_usize,
            1,
            2,
            ITEMS_PER_SLICE - 1,
            ITEMS_PER_SLICE,
            ITEMS_PER_SLICE * 2 + 3,
        ] {
            let items: Vec<serde_json::Value> = (0..n)
                .map(|i| serde_json::json!({"n": i, "name": format!("asset \"{i}\""), "tags": [i, i + 1]}))
                .collect();
            let (digest, polls) = run(digest_json_sliced(&items));
            assert_eq!(digest, digest_json(&items), "{n} items");
            assert_eq!(polls, n.div_ceil(ITEMS_PER_SLICE).max(1), "{n} items");
        }
    }
}
