//! `tensorbridge.cuda`'s compiled half: device queries and the caching
//! allocator's counters, as the `_cuda_*` functions that `cuda.py` wraps.

use pyo3::prelude::*;
use tensorbridge::{cuda, Device};

use crate::device::device_from_py;
use crate::errors::{value_error, CoreResultExt};

/// The CUDA device a `device=` argument names (`None`: device 0).
fn cuda_device(device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    let d = match device {
        Some(d) if !d.is_none() => device_from_py(d)?,
        _ => Device::Cuda(0),
    };
    if d.is_cpu() {
        return Err(value_error(
            "expected a CUDA device such as 0 or \"cuda:0\", got cpu",
        ));
    }
    Ok(d)
}

/// Whether CUDA can be used here.
#[pyfunction]
fn _cuda_is_available() -> bool {
    cuda::is_available()
}

/// The number of GPUs.
#[pyfunction]
fn _cuda_device_count() -> usize {
    cuda::device_count()
}

/// Why CUDA is unavailable, or `None`.
#[pyfunction]
fn _cuda_unavailable_reason() -> Option<&'static str> {
    cuda::unavailable_reason()
}

/// The GPU's name.
#[pyfunction]
#[pyo3(signature = (device = None))]
fn _cuda_get_device_name(device: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    cuda::device_name(cuda_device(device)?).py()
}

/// A device's allocator counters: bytes held by live tensors, bytes taken
/// from the driver (live and cached), and the most live bytes at once.
#[pyfunction]
#[pyo3(signature = (device = None))]
fn _cuda_memory_stats(device: Option<&Bound<'_, PyAny>>) -> PyResult<(usize, usize, usize)> {
    let d = cuda_device(device)?;
    Ok((
        cuda::memory_allocated(d).py()?,
        cuda::memory_reserved(d).py()?,
        cuda::max_memory_allocated(d).py()?,
    ))
}

/// Hands cached free blocks back to the driver.
#[pyfunction]
fn _cuda_empty_cache(py: Python<'_>) -> PyResult<()> {
    py.detach(cuda::empty_cache).py()
}

/// Waits for the queued work of one device, or of all.
#[pyfunction]
#[pyo3(signature = (device = None))]
fn _cuda_synchronize(py: Python<'_>, device: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let device = match device {
        Some(d) if !d.is_none() => Some(cuda_device(Some(d))?),
        _ => None,
    };
    py.detach(|| cuda::synchronize(device)).py()
}

/// Directories to look for NVRTC and cuBLAS in (pip's `nvidia/*/lib`).
#[pyfunction]
fn _cuda_add_search_dirs(dirs: Vec<std::path::PathBuf>) {
    cuda::add_search_dirs(dirs);
}

/// Adds the functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_cuda_is_available, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_device_count, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_unavailable_reason, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_get_device_name, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_memory_stats, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_empty_cache, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_synchronize, m)?)?;
    m.add_function(wrap_pyfunction!(_cuda_add_search_dirs, m)?)?;
    Ok(())
}
