//! Keeping memory alive while an asynchronous copy still uses it.
//!
//! A `non_blocking` copy from pinned memory returns before the GPU has
//! read the source (or written the destination). If the last tensor using
//! either were dropped in the meantime, its memory would go back to an
//! allocator while the copy engine still touched it. So each such copy
//! records an event and parks both storages here; they are released once
//! the event has completed, checked at every later transfer and at
//! `synchronize`.

#![allow(unsafe_code)]

use std::sync::{Arc, Mutex};

use cudarc::driver::{result, sys};

use super::context::{check, STREAM};
use crate::error::Result;
use crate::storage::Storage;

/// One asynchronous copy in flight: its completion event and what it uses.
struct InFlight {
    event: sys::CUevent,
    _keep: [Arc<Storage>; 2],
}

// SAFETY: the event is a driver handle usable from any thread; the storages
// are `Send`.
unsafe impl Send for InFlight {}

impl Drop for InFlight {
    fn drop(&mut self) {
        // SAFETY: the event was created by `track` and is destroyed once.
        let _ = unsafe { result::event::destroy(self.event) };
    }
}

/// The copies in flight on one device.
#[derive(Default)]
pub(crate) struct InFlightCopies(Mutex<Vec<InFlight>>);

impl InFlightCopies {
    /// Records an event after the work queued so far and keeps `src` and
    /// `dst` alive until it completes. `gpu`'s context must be bound.
    pub fn track(&self, op: &'static str, src: Arc<Storage>, dst: Arc<Storage>) -> Result<()> {
        let event = check(
            op,
            "cuEventCreate",
            result::event::create(sys::CUevent_flags::CU_EVENT_DISABLE_TIMING),
        )?;
        // SAFETY: a fresh event of the current context; STREAM exists.
        if let Err(e) = check(op, "cuEventRecord", unsafe {
            result::event::record(event, STREAM)
        }) {
            // SAFETY: created above, never recorded, destroyed once.
            let _ = unsafe { result::event::destroy(event) };
            return Err(e);
        }
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        list.push(InFlight {
            event,
            _keep: [src, dst],
        });
        Ok(())
    }

    /// Releases the copies that have finished (all of them when `all`,
    /// after the caller synchronised the device). The device's context
    /// must be bound.
    pub fn reap(&self, all: bool) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: each event belongs to the device's context and is live.
        list.retain(|c| !all && unsafe { result::event::query(c.event) }.is_err());
    }
}
