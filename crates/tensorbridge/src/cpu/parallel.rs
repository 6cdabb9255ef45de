//! Running a list of independent parts on rayon's threads and the caller's.
//!
//! Kernels split large work into more parts than threads (so a core busy
//! with something else does not hold the whole operation back) and hand
//! them here. `rayon::scope` called from an ordinary thread would park the
//! caller and wake a pool thread, which then wakes another: two hand-offs
//! before the second core starts, and the caller idle throughout. Here the
//! caller starts on the parts at once, while pool threads are asked to join
//! in; every thread takes the next unclaimed part from one counter, so the
//! split balances itself.
//!
//! The caller never waits for a helper that has not started. A pool thread
//! whose core is busy may be scheduled milliseconds later; a scope would
//! wait for it even after the caller has done every part itself (a 64K
//! element `a * b` took 22 µs instead of 9 µs with the other core busy).
//! Instead, when no part is left, the caller closes the job and waits only
//! for helpers already inside it; a helper that starts later finds the job
//! closed and leaves without touching it.

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Calls `f` once for every part, in parallel, the calling thread included.
/// Returns when every call has returned; a panic in any call is resumed on
/// the caller once every call has finished.
pub fn for_each_part<T: Sync>(parts: &[T], f: impl Fn(&T) + Sync) {
    match parts {
        [] => {}
        [only] => f(only),
        _ => {
            let work = |i: usize| f(&parts[i]);
            run(parts.len(), &work);
        }
    }
}

/// `Job::state`'s flag: no helper may enter any more.
const CLOSED: usize = 1 << (usize::BITS - 1);

/// One parallel call, shared with the helpers asked to join it.
struct Job {
    /// The next part to claim.
    next: AtomicUsize,
    parts: usize,
    /// Helpers inside the job, plus the [`CLOSED`] flag.
    state: AtomicUsize,
    /// The caller's work, its lifetime erased: only called by a helper
    /// that entered before the job closed, and the caller does not return
    /// (so the closure lives) until every such helper has left.
    work: *const (dyn Fn(usize) + Sync),
    /// The first panic of a helper, resumed on the caller.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

// SAFETY: `work` points to a `Sync` closure, called from several threads
// only under the entry protocol above; everything else is atomics and a
// mutex.
unsafe impl Send for Job {}
// SAFETY: as for `Send`.
unsafe impl Sync for Job {}

impl Job {
    /// Claims and runs parts until none is left.
    fn drain(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.parts {
                return;
            }
            // SAFETY: the caller of `drain` is the job's caller, or a helper
            // that entered before the job closed: the closure is alive.
            unsafe { (*self.work)(i) };
        }
    }

    /// A helper's turn: enter unless closed, run parts, leave.
    fn help(&self) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & CLOSED != 0 {
                return;
            }
            match self.state.compare_exchange_weak(state, state + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.drain())) {
            // Stop handing out parts, and keep the first panic for the caller.
            self.next.store(self.parts, Ordering::Relaxed);
            let mut slot = self.panic.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(payload);
        }
        self.state.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Closes the job and waits for the helpers inside it, also when the
/// caller's own parts panic (the helpers borrow the caller's closure).
struct CloseOnDrop<'a>(&'a Job);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        let job = self.0;
        job.next.store(job.parts, Ordering::Relaxed);
        job.state.fetch_or(CLOSED, Ordering::AcqRel);
        // Each helper inside is finishing at most one part.
        while job.state.load(Ordering::Acquire) & !CLOSED != 0 {
            std::thread::yield_now();
        }
    }
}

fn run(parts: usize, work: &(dyn Fn(usize) + Sync)) {
    // SAFETY: only the lifetime is erased; `Job::work` documents why no
    // call happens after this function returns.
    let work: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(work) };
    let job = Arc::new(Job {
        next: AtomicUsize::new(0),
        parts,
        state: AtomicUsize::new(0),
        work,
        panic: Mutex::new(None),
    });
    for _ in 0..rayon::current_num_threads().min(parts - 1) {
        let job = Arc::clone(&job);
        rayon::spawn(move || job.help());
    }
    {
        let _close = CloseOnDrop(&job);
        job.drain();
    }
    let panic = job.panic.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(payload) = panic {
        std::panic::resume_unwind(payload);
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
    fn the_caller_finishes_alone_while_every_pool_thread_is_busy() {
        // Hold every pool thread until the call has returned: a call that
        // waited for its helpers to start would never return.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        let (started, all_started) = std::sync::mpsc::channel::<()>();
        let threads = rayon::current_num_threads();
        for _ in 0..threads {
            let (held, started) = (Arc::clone(&held), started.clone());
            rayon::spawn(move || {
                started.send(()).unwrap();
                let _ = held.lock().unwrap().recv();
            });
        }
        // The first blocker holds the lock; the others wait on it, busy too.
        for _ in 0..threads {
            all_started.recv().unwrap();
        }
        let parts: Vec<usize> = (0..16).collect();
        let hits = AtomicU64::new(0);
        for_each_part(&parts, |&i| {
            hits.fetch_add(i as u64 + 1, Ordering::Relaxed);
        });
        assert_eq!(hits.load(Ordering::Relaxed), (1..=16).sum::<u64>());
        for _ in 0..threads {
            release.send(()).unwrap();
        }
    }

    #[test]
    fn a_panicking_part_reaches_the_caller_after_every_call() {
        let parts: Vec<usize> = (0..64).collect();
        let finished = AtomicU64::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for_each_part(&parts, |&i| {
                if i == 5 {
                    panic!("part 5 failed");
                }
                std::thread::sleep(std::time::Duration::from_micros(50));
                finished.fetch_add(1, Ordering::Relaxed);
            })
        }));
        let payload = result.expect_err("the panic is resumed on the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"part 5 failed"));
        // No part runs after the call has returned.
        let done = finished.load(Ordering::Relaxed);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(finished.load(Ordering::Relaxed), done);
        assert!(done < 64);
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
