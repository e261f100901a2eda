//! Values built from the whole sector and kept in memory between requests: the exposure index and
//! the impact graph.
//!
//! One counter, the data generation, is bumped by every change in this process that can alter what
//! they were built from ([`App::exposure_changed`](crate::App::exposure_changed)). A [`Cached`]
//! value remembers the generation it was built at; a caller that finds it older than the counter
//! waits for a rebuild (one build at a time, concurrent callers share it). Changes written by
//! another process (the CLI, a second server on the same PostgreSQL) are picked up by age: a
//! caller may also ask for a value no older than a given age.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::error::AppResult;

/// A value built from the store at some data generation.
pub(crate) struct Cached<T> {
    current: RwLock<Option<Arc<T>>>,
    /// The generation the current value was built at.
    built_generation: AtomicU64,
    build_lock: tokio::sync::Mutex<()>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Self {
            current: RwLock::new(None),
            built_generation: AtomicU64::new(0),
            build_lock: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T> Cached<T> {
    /// The value last built, however old.
    pub(crate) fn current(&self) -> Option<Arc<T>> {
        self.current.read().ok().and_then(|g| g.clone())
    }

    fn fresh(&self, want: u64, young_enough: &impl Fn(&T) -> bool) -> Option<Arc<T>> {
        self.current()
            .filter(|v| self.built_generation.load(Ordering::SeqCst) >= want && young_enough(v))
    }

    /// The value, built again first when `generation` moved since it was built or when
    /// `young_enough` says it is too old.
    pub(crate) async fn get<F, Fut>(
        &self,
        generation: &AtomicU64,
        young_enough: impl Fn(&T) -> bool,
        build: F,
    ) -> AppResult<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<T>>,
    {
        let want = generation.load(Ordering::SeqCst);
        if let Some(v) = self.fresh(want, &young_enough) {
            return Ok(v);
        }
        let _building = self.build_lock.lock().await;
        // Someone else may have built it while this caller waited.
        if let Some(v) = self.fresh(want, &young_enough) {
            return Ok(v);
        }
        // Read before building: a change made during the build leaves the value out of date.
        let at = generation.load(Ordering::SeqCst);
        let value = Arc::new(build().await?);
        if let Ok(mut g) = self.current.write() {
            *g = Some(Arc::clone(&value));
        }
        self.built_generation.store(at, Ordering::SeqCst);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn a_value_is_built_once_per_generation_and_again_when_too_old() {
        let cache: Cached<u64> = Cached::default();
        let generation = AtomicU64::new(0);
        let builds = AtomicUsize::new(0);
        let build = |n: u64| {
            builds.fetch_add(1, Ordering::SeqCst);
            async move { Ok(n) }
        };
        assert_eq!(*cache.get(&generation, |_| true, || build(1)).await.unwrap(), 1);
        assert_eq!(*cache.get(&generation, |_| true, || build(2)).await.unwrap(), 1);
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        generation.fetch_add(1, Ordering::SeqCst);
        assert_eq!(*cache.get(&generation, |_| true, || build(3)).await.unwrap(), 3);
        assert_eq!(*cache.get(&generation, |v| *v > 3, || build(4)).await.unwrap(), 4);
        assert_eq!(builds.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_failed_build_keeps_the_old_value_and_is_tried_again() {
        let cache: Cached<u64> = Cached::default();
        let generation = AtomicU64::new(0);
        cache
            .get(&generation, |_| true, || async { Ok(7) })
            .await
            .unwrap();
        generation.fetch_add(1, Ordering::SeqCst);
        let failed = cache
            .get(
                &generation,
                |_| true,
                || async { Err(crate::AppError::Internal("store down".into())) },
            )
            .await;
        assert!(failed.is_err());
        assert_eq!(cache.current().map(|v| *v), Some(7));
        let again = cache
            .get(&generation, |_| true, || async { Ok(8) })
            .await
            .unwrap();
        assert_eq!(*again, 8);
    }
}
