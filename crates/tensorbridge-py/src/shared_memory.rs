//! Shared memory for worker processes: `Tensor.share_memory_()`,
//! `Tensor.is_shared()`, and the two halves of sending a shared tensor
//! through `multiprocessing` as a handle rather than its bytes.
//!
//! `tensorbridge._multiprocessing`, imported by the first `share_memory_()`,
//! registers a reducer with `multiprocessing.reduction.ForkingPickler`: for
//! a shared tensor it asks [`PyTensor::_shared_handle`] for the memory
//! file's descriptor and the view's layout, wraps the descriptor in
//! `reduction.DupFd` (which duplicates it for the receiver), and the
//! receiver calls [`_rebuild_shared`] with its own descriptor. Everything else pickles as
//! usual. The mechanism (a sealed memfd, a registry so a file received twice
//! maps once) is in the core's `storage::shared`.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

use crate::errors::CoreResultExt;
use crate::tensor::PyTensor;

#[pymethods]
impl PyTensor {
    /// Moves the storage into shared memory that other processes can map,
    /// in place, and returns the tensor (PyTorch's `share_memory_()`): every
    /// view of the storage follows. Sent through `multiprocessing` (queues,
    /// pools, process arguments), a shared tensor travels as a handle: the
    /// receiver's tensor uses the same memory and writes show on both
    /// sides. A no-op when already shared.
    ///
    /// Raises `ValueError` for memory owned by someone else (NumPy,
    /// PyTorch, a mapped file: share a copy, `tb.tensor(x).share_memory_()`)
    /// and for memory already handed out (`.numpy()`, `__array__`,
    /// `__array_interface__`, a live `memoryview` or DLPack capsule), which
    /// would keep using the old memory; `RuntimeError` where the platform
    /// has no shared memory (tensorbridge uses Linux memfd).
    fn share_memory_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        register_reducer(slf.py())?;
        slf.get().inner.share_memory_().py()?;
        Ok(slf.clone())
    }

    /// Whether the tensor's memory is shared memory other processes can map.
    fn is_shared(&self) -> bool {
        self.inner.is_shared()
    }

    /// `(fd, nbytes, dtype, shape, strides, offset, readonly)` of a shared
    /// tensor, `None` otherwise: the memory file's descriptor (owned by the
    /// tensor: duplicate it to send it), the file's byte length, and this
    /// view's layout in elements. For `tensorbridge._multiprocessing`.
    fn _shared_handle<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let t = &self.inner;
            let Some(mem) = t.storage().shared_memory() else {
                return Ok(None);
            };
            let args = (
                mem.fd().as_raw_fd(),
                t.storage().len_bytes(),
                t.dtype().name(),
                PyTuple::new(py, t.shape())?,
                PyTuple::new(py, t.strides())?,
                t.layout().offset(),
                t.is_readonly(),
            );
            Ok(Some(args.into_pyobject(py)?))
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = py;
            Ok(None)
        }
    }
}

/// Imports `tensorbridge._multiprocessing`, which registers the
/// `multiprocessing` reducer, once: before the first tensor is shared, since
/// only shared tensors need it (see that module).
fn register_reducer(py: Python<'_>) -> PyResult<()> {
    static REGISTERED: PyOnceLock<()> = PyOnceLock::new();
    REGISTERED
        .get_or_try_init(py, || {
            py.import("tensorbridge._multiprocessing").map(|_| ())
        })
        .map(|_| ())
}

/// `_rebuild_shared(fd, nbytes, dtype, shape, strides, offset, readonly)`:
/// the tensor a `_shared_handle` describes, in the receiving process. Takes
/// ownership of `fd` (closed on any error), maps the memory file or reuses
/// this process's storage for it, and checks the layout against it.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn _rebuild_shared<'py>(
    py: Python<'py>,
    fd: i32,
    nbytes: &Bound<'py, PyAny>,
    dtype: &Bound<'py, PyAny>,
    shape: &Bound<'py, PyAny>,
    strides: &Bound<'py, PyAny>,
    offset: &Bound<'py, PyAny>,
    readonly: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::{FromRawFd, OwnedFd};
        use tensorbridge::{DType, Error, Tensor};
        if fd < 0 {
            return Err(crate::errors::value_error(format!(
                "receiving a shared tensor: {fd} is not a file descriptor; pass the handle multiprocessing produced"
            )));
        }
        // SAFETY: the caller hands over `fd`, an open descriptor this
        // process owns (what `DupFd.detach()` returns); it is closed exactly
        // once, by `OwnedFd`, whatever happens next.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let nbytes: usize = nbytes.extract()?;
        let dtype_name: String = dtype.extract()?;
        let dtype = DType::ALL
            .into_iter()
            .find(|d| d.name() == dtype_name)
            .ok_or(Error::UnknownDType { name: dtype_name })
            .py()?;
        let shape: Vec<usize> = shape.extract()?;
        let strides: Vec<isize> = strides.extract()?;
        let offset: usize = offset.extract()?;
        let readonly: bool = readonly.extract()?;
        let t =
            Tensor::from_shared_fd(fd, nbytes, dtype, &shape, &strides, offset, readonly).py()?;
        crate::tensor::wrap(py, t)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (py, fd, nbytes, dtype, shape, strides, offset, readonly);
        Err(crate::errors::to_py(
            tensorbridge::Error::SharedMemoryUnsupported {
                op: "receiving a shared tensor",
            },
        ))
    }
}

/// Adds the module function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_rebuild_shared, m)?)
}
