//! Who else holds the storage's address: the record that decides whether
//! `share_memory_` may move the data.
//!
//! # Note: pins and leases
//!
//! `share_memory_` moves a storage's bytes into shared memory in place, for
//! every view at once. That is only correct while nobody outside
//! tensorbridge holds the old address, because they would go on reading
//! and writing memory the tensor no longer uses. Handing the address out is
//! recorded in one of two ways:
//!
//! - a **pin** is for consumers that never say when they are done (a NumPy
//!   array from `.numpy()`/`__array__`, `__array_interface__`, a bare
//!   `DLTensor`, a Rust `ndarray` view): the data never moves again;
//! - a **lease** ([`ExportLease`]) is for consumers that do (a buffer
//!   protocol export until `__releasebuffer__`, a DLPack capsule until its
//!   deleter runs): the data may move again once every lease has ended.
//!
//! Pins and leases are taken before the address is read, and
//! `share_memory_` checks and moves under the same lock, so an export and a
//! move on two threads never cross: the export either gets the new address
//! or stops the move.

use std::sync::{Arc, Mutex, MutexGuard};

use super::Storage;

/// Pins and live leases of one storage.
#[derive(Debug, Default)]
pub(super) struct Exports {
    /// The address went to someone who never says when they let go.
    pub(super) pinned: bool,
    /// Live [`ExportLease`]s.
    pub(super) leases: usize,
}

impl Exports {
    /// True when someone outside holds the address now.
    pub(super) fn handed_out(&self) -> bool {
        self.pinned || self.leases > 0
    }
}

/// The lock around [`Exports`]; a panic while it is held leaves the
/// counters consistent (each change is one store), so poisoning is ignored.
pub(super) fn lock(exports: &Mutex<Exports>) -> MutexGuard<'_, Exports> {
    exports.lock().unwrap_or_else(|e| e.into_inner())
}

/// A storage handle held by a consumer that was given its address and will
/// say when it lets go (a buffer export, a DLPack capsule). While any lease
/// lives, `share_memory_` refuses to move the data; dropping the lease (or
/// [`ExportLease::into_storage`]) ends it.
#[derive(Debug)]
pub struct ExportLease {
    /// `None` once ended by `into_storage`.
    storage: Option<Arc<Storage>>,
    /// Whether this lease was counted (storages whose data can never move
    /// skip the count and its lock).
    counted: bool,
}

impl ExportLease {
    pub(super) fn new(storage: Arc<Storage>, counted: bool) -> ExportLease {
        ExportLease {
            storage: Some(storage),
            counted,
        }
    }

    /// The leased storage.
    pub fn storage(&self) -> &Arc<Storage> {
        self.storage
            .as_ref()
            .expect("a lease holds its storage until it ends")
    }

    /// Ends the lease, keeping the storage handle (for a caller that must
    /// drop the handle somewhere particular, such as a DLPack release hook).
    pub fn into_storage(mut self) -> Arc<Storage> {
        let storage = self
            .storage
            .take()
            .expect("a lease holds its storage until it ends");
        end(&storage, self.counted);
        storage
    }
}

fn end(storage: &Storage, counted: bool) {
    if counted {
        let mut e = lock(&storage.exports);
        e.leases = e.leases.saturating_sub(1);
    }
}

impl Drop for ExportLease {
    fn drop(&mut self) {
        if let Some(storage) = self.storage.take() {
            end(&storage, self.counted);
        }
    }
}
