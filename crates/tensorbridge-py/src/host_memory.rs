//! The host block cache seen from Python: `tb.host_memory_cached()` and
//! `tb.empty_host_cache()`, the CPU counterparts of `tb.cuda`'s
//! `memory_reserved()` and `empty_cache()`.
//!
//! Freed tensors of 4 MB and more keep their pages for the next tensor of
//! their size (up to 256 MB in all; the core's `storage::reuse` says why).
//! A program that wants that memory back in the operating system's hands,
//! or a test that checks a tensor's pages were released, empties the cache.

use pyo3::prelude::*;

/// Bytes of freed tensor memory kept for reuse (at most 256 MB).
#[pyfunction]
fn host_memory_cached() -> usize {
    tensorbridge::storage::host_cached_bytes()
}

/// Returns every kept block to the operating system; answers the bytes
/// released. Tensors still in use are untouched.
#[pyfunction]
fn empty_host_cache(py: Python<'_>) -> usize {
    py.detach(tensorbridge::storage::empty_host_cache)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(host_memory_cached, m)?)?;
    m.add_function(wrap_pyfunction!(empty_host_cache, m)?)
}
