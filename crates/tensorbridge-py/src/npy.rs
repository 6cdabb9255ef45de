//! `tensorbridge.save` and `tensorbridge.load`: `.npy` files from Python.
//!
//! Thin glue over the core's `npy` module: parse the path (str or
//! `os.PathLike`) and options, release the GIL while the file is read,
//! written or mapped, and wrap the result. Format rules, limits and errors
//! all live in the core.

use std::path::PathBuf;

use pyo3::prelude::*;
use tensorbridge::npy::{self, MapMode};

use crate::errors::{value_error, CoreResultExt};
use crate::input::{to_tensor, Copy};
use crate::tensor::{wrap, PyTensor};

/// `save(path, tensor)`: writes `tensor` (or anything `as_tensor` accepts)
/// to `path` as a `.npy` file that `np.load` reads: C order, native byte
/// order, format version 1.0 (2.0/3.0 only if the header needed it). The
/// path is used as given (no `.npy` suffix is added).
#[pyfunction]
#[pyo3(signature = (path, tensor, /))]
pub fn save(py: Python<'_>, path: PathBuf, tensor: &Bound<'_, PyAny>) -> PyResult<()> {
    let t = match tensor.cast::<PyTensor>() {
        Ok(t) => t.get().inner.clone(),
        Err(_) => to_tensor(tensor, None, Copy::IfNeeded)?,
    };
    py.detach(|| npy::save(&path, &t)).py()
}

/// `load(path, *, mmap=False, mode=None)`: a tensor from a `.npy` file.
///
/// `mmap=False` reads the data into new memory (writeable; big-endian data
/// is swapped into native order). `mmap=True` maps the file without reading
/// it; `mode` is NumPy's `mmap_mode`: `"r"` (default, read-only tensor),
/// `"r+"` (writes reach the file) or `"c"` (copy-on-write).
#[pyfunction]
#[pyo3(signature = (path, /, *, mmap = false, mode = None))]
pub fn load<'py>(py: Python<'py>, path: PathBuf, mmap: bool, mode: Option<&str>) -> PyResult<Bound<'py, PyTensor>> {
    let t = if mmap {
        let mode = mode.unwrap_or("r").parse::<MapMode>().py()?;
        py.detach(|| npy::map(&path, mode)).py()?
    } else {
        if let Some(m) = mode {
            return Err(value_error(format!(
                "mode={m:?} applies to mapped files only; pass mmap=True with it, or leave mode out to read the file into memory"
            )));
        }
        py.detach(|| npy::load(&path)).py()?
    };
    wrap(py, t)
}
