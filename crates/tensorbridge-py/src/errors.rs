//! The one place that maps core errors to Python exception types.
//!
//! `TypeError` for a wrong kind of input or an unsupported dtype,
//! `ValueError` for values or shapes that cannot work (and `copy=False` that
//! cannot be honoured), `IndexError` for indexes, `BufferError` for export
//! refusals, `RuntimeError` for device failures, [`LinAlgError`] (a
//! `ValueError`) for matrices a factorization cannot take. Messages come from the core
//! and say what to do instead.

use std::ffi::CStr;

use pyo3::exceptions::{
    PyBufferError, PyIndexError, PyOSError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::PyErr;
use tensorbridge::Error;

pyo3::create_exception!(
    tensorbridge,
    LinAlgError,
    PyValueError,
    "A matrix a linear-algebra function cannot take: singular for inv and solve, not positive definite for cholesky, or non-finite where an iteration must converge. A ValueError, as NumPy's numpy.linalg.LinAlgError is."
);

/// The Python exception kinds core errors become.
#[derive(Copy, Clone)]
enum Kind {
    Type,
    Index,
    Runtime,
    Buffer,
    Value,
    /// `OSError`, whose constructor picks the errno's subclass (`FileNotFoundError`, ...).
    Os,
    /// [`LinAlgError`], a `ValueError`.
    LinAlg,
}

/// The table: which exception each core error becomes.
fn kind_of(e: &Error) -> Kind {
    match e {
        Error::UnknownDType { .. }
        | Error::UnsupportedDType { .. }
        | Error::DTypeMismatch { .. }
        | Error::DTypeNotSupported { .. }
        | Error::NoCommonIntegerDType { .. } => Kind::Type,
        Error::IndexOutOfRange { .. }
        | Error::AxisOutOfRange { .. }
        | Error::TooManyIndices { .. }
        | Error::InvalidIndex { .. }
        | Error::MaskShapeMismatch { .. }
        | Error::IndexDType { .. }
        | Error::IndexShapeMismatch { .. } => Kind::Index,
        Error::DeviceUnavailable { .. }
        | Error::CudaUnavailable { .. }
        | Error::NoSuchDevice { .. }
        | Error::DeviceMismatch { .. }
        | Error::CudaDriver { .. }
        | Error::CudaOutOfMemory { .. } => Kind::Runtime,
        Error::DLPackDType { .. } => Kind::Type,
        Error::DLPackDevice { .. }
        | Error::DLPackNotDeviceMemory { .. }
        | Error::DLPackVersion { .. }
        | Error::DLPackReadOnly => Kind::Buffer,
        Error::Io { .. } | Error::SharedMemoryOs { .. } => Kind::Os,
        Error::SharedMemoryUnsupported { .. } => Kind::Runtime,
        Error::LinAlg { .. } => Kind::LinAlg,
        _ => Kind::Value,
    }
}

/// Converts a core error into the matching Python exception.
pub fn to_py(e: Error) -> PyErr {
    let msg = e.to_string();
    match kind_of(&e) {
        Kind::Type => PyTypeError::new_err(msg),
        Kind::Index => PyIndexError::new_err(msg),
        Kind::Runtime => PyRuntimeError::new_err(msg),
        Kind::Buffer => PyBufferError::new_err(msg),
        Kind::Value => PyValueError::new_err(msg),
        Kind::LinAlg => LinAlgError::new_err(msg),
        Kind::Os => match e {
            Error::Io { errno: Some(n), message, path, .. } => PyOSError::new_err((n, message, path)),
            Error::SharedMemoryOs { errno: Some(n), .. } => PyOSError::new_err((n, msg)),
            _ => PyOSError::new_err(msg),
        },
    }
}

/// The name of the exception [`to_py`] makes of `e`, for C callers that
/// report errors by name and may not hold the GIL (the `SetError` callback
/// of DLPack's `managed_tensor_allocator`).
pub fn exception_name(e: &Error) -> &'static CStr {
    match kind_of(e) {
        Kind::Type => c"TypeError",
        Kind::Index => c"IndexError",
        Kind::Runtime => c"RuntimeError",
        Kind::Buffer => c"BufferError",
        Kind::Value | Kind::LinAlg => c"ValueError",
        Kind::Os => c"OSError",
    }
}

/// `.py()` on core results: maps the error with [`to_py`].
pub trait CoreResultExt<T> {
    /// The result with a Python exception as error.
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> CoreResultExt<T> for tensorbridge::Result<T> {
    #[inline]
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

/// A `TypeError` with `msg`.
pub fn type_error(msg: impl Into<String>) -> PyErr {
    PyTypeError::new_err(msg.into())
}

/// A `ValueError` with `msg`.
pub fn value_error(msg: impl Into<String>) -> PyErr {
    PyValueError::new_err(msg.into())
}

/// An `IndexError` with `msg`.
pub fn index_error(msg: impl Into<String>) -> PyErr {
    PyIndexError::new_err(msg.into())
}

/// A `BufferError` with `msg`.
pub fn buffer_error(msg: impl Into<String>) -> PyErr {
    PyBufferError::new_err(msg.into())
}

/// An `OverflowError` with `msg`.
pub fn overflow_error(msg: impl Into<String>) -> PyErr {
    PyOverflowError::new_err(msg.into())
}

/// A `RuntimeError` with `msg`.
pub fn runtime_error(msg: impl Into<String>) -> PyErr {
    PyRuntimeError::new_err(msg.into())
}
