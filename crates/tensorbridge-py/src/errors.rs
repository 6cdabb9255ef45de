//! The one place that maps core errors to Python exception types.
//!
//! `TypeError` for a wrong kind of input or an unsupported dtype,
//! `ValueError` for values or shapes that cannot work (and `copy=False` that
//! cannot be honoured), `IndexError` for indexes, `BufferError` for export
//! refusals, `RuntimeError` for device failures. Messages come from the core
//! and say what to do instead.

use pyo3::exceptions::{PyBufferError, PyIndexError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::PyErr;
use tensorbridge::Error;

/// Converts a core error into the matching Python exception.
pub fn to_py(e: Error) -> PyErr {
    let msg = e.to_string();
    match e {
        Error::UnknownDType { .. } | Error::UnsupportedDType { .. } | Error::DTypeMismatch { .. } => {
            PyTypeError::new_err(msg)
        }
        Error::IndexOutOfRange { .. }
        | Error::AxisOutOfRange { .. }
        | Error::TooManyIndices { .. }
        | Error::InvalidIndex { .. } => {
            PyIndexError::new_err(msg)
        }
        Error::DeviceUnavailable { .. } => PyRuntimeError::new_err(msg),
        Error::DLPackDType { .. } => PyTypeError::new_err(msg),
        Error::DLPackDevice { .. } | Error::DLPackVersion { .. } | Error::DLPackReadOnly => PyBufferError::new_err(msg),
        _ => PyValueError::new_err(msg),
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
