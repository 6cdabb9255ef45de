//! Running a list of independent parts on rayon's threads and the caller's.
//!
//! Kernels split large work into more parts than threads (so a core busy
//! with something else does not hold the whole operation back) and hand
//! them here. `rayon::scope` called from an ordinary thread would park the
//! caller and wake a pool thread, which then wakes another: two hand-offs
//! before the second core starts, and the caller idle throughout. Here the
//! caller starts on the parts at once, while the pool threads are woken to
//! join in; every thread takes the next unclaimed part from one counter, so
//! the split still balances itself.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `f` once for every part, in parallel, the calling thread included.
/// Returns when every call has returned.
pub fn for_each_part<T: Sync>(parts: &[T], f: impl Fn(&T) + Sync) {
    match parts {
        [] => {}
        [only] => f(only),
        _ => {
            let next = AtomicUsize::new(0);
            let work = || {
                while let Some(part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
                    f(part);
                }
            };
            let helpers = rayon::current_num_threads().min(parts.len() - 1);
            rayon::in_place_scope(|s| {
                for _ in 0..helpers {
                    s.spawn(|_| work());
                }
                work();
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn every_part_runs_exactly_once() {
        for n in [0usize, 1, 2, 3, 8, 100] {
            let parts: Vec<usize> = (0..n).collect();
            let hits: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
            for_each_part(&parts, |&i| {
                hits[i].fetch_add(1, Ordering::Relaxed);
            });
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1), "n = {n}");
        }
    }

    #[test]
    fn nested_calls_from_pool_threads_complete() {
        let outer: Vec<usize> = (0..4).collect();
        let total = AtomicU64::new(0);
        for_each_part(&outer, |_| {
            let inner: Vec<u64> = (1..=10).collect();
            for_each_part(&inner, |&v| {
                total.fetch_add(v, Ordering::Relaxed);
            });
        });
        assert_eq!(total.load(Ordering::Relaxed), 4 * 55);
    }
}
