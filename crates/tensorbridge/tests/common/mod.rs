//! Shared by the integration tests: foreign memory whose release is counted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tensorbridge::{Device, Element, ForeignOwner, Tensor, UncheckedParts};

/// Keeps a test buffer alive and counts how often it is dropped.
struct CountedOwner<T> {
    _buf: Vec<T>,
    drops: Arc<AtomicUsize>,
}

impl<T: Send + Sync + 'static> ForeignOwner for CountedOwner<T> {}

impl<T> Drop for CountedOwner<T> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// An owner for `buf` that adds one to `drops` when it is released.
#[allow(dead_code)] // each test file that includes this module uses one of the two
pub fn counted_owner<T: Send + Sync + 'static>(
    buf: Vec<T>,
    drops: &Arc<AtomicUsize>,
) -> Box<dyn ForeignOwner> {
    Box::new(CountedOwner {
        _buf: buf,
        drops: drops.clone(),
    })
}

/// A tensor over `buf` (with `shape`/`strides` in elements) as foreign
/// memory, whose owner adds one to `drops` when it is released.
#[allow(dead_code)]
pub fn counted_foreign<T: Element>(
    mut buf: Vec<T>,
    shape: &[i64],
    strides: &[i64],
    readonly: bool,
    drops: &Arc<AtomicUsize>,
) -> Tensor {
    let parts = UncheckedParts {
        data: buf.as_mut_ptr() as *mut u8,
        dtype: T::DTYPE,
        shape: shape.to_vec(),
        strides: strides.to_vec(),
        readonly,
        device: Device::Cpu,
    };
    // SAFETY: the Vec moves into the owner; its heap buffer does not move.
    unsafe {
        parts.into_tensor(Box::new(CountedOwner {
            _buf: buf,
            drops: drops.clone(),
        }))
    }
    .unwrap()
}
