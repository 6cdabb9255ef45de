//! `Tensor.__dlpack__` as a hand-written vectorcall method.
//!
//! Every DLPack exchange (`np.from_dlpack(t)`, `torch.from_dlpack(t)`) calls
//! `t.__dlpack__(max_version=...)` once, and the exchange itself costs about
//! a microsecond, so the call's own overhead shows. PyO3's generated
//! wrapper matches keyword names by converting each to UTF-8 and comparing
//! bytes (about 250 instructions a call, twice what NumPy's argument parser
//! spends). This method is a `METH_FASTCALL | METH_KEYWORDS` descriptor
//! installed on the type at module start-up instead: keyword names are
//! matched by pointer against interned strings first (call sites pass
//! interned names), by value only when that misses, and the work itself is
//! the same [`crate::dlpack::to_capsule`] as before.
//!
//! Its Python signature is the standard's:
//! `__dlpack__(self, /, *, stream=None, max_version=None, dl_device=None, copy=None)`.

use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use crate::tensor::PyTensor;

/// The keywords, in the order of [`Args`]' fields.
const KEYWORDS: [&str; 4] = ["stream", "max_version", "dl_device", "copy"];

/// The docstring, whose first line CPython's `inspect` reads as the signature.
const DOC: &std::ffi::CStr = c"__dlpack__($self, /, *, stream=None, max_version=None, dl_device=None, copy=None)
--

A DLPack capsule sharing this tensor: \"dltensor_versioned\" for consumers
that pass max_version >= (1, 0), else a legacy \"dltensor\" capsule.
copy=True exports a copy, copy=False never copies; stream must be None on
the CPU; dl_device, if given, must be this tensor's device.";

/// Installs the method on the `Tensor` type (replacing nothing: the
/// `#[pymethods]` blocks do not define `__dlpack__`).
pub fn install(ty: &Bound<'_, PyType>) -> PyResult<()> {
    let py = ty.py();
    // CPython keeps a pointer to the definition for the descriptor's life,
    // which is the type's: leak one small struct per module initialisation.
    let def: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"__dlpack__".as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: dlpack_fastcall,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: DOC.as_ptr(),
    }));
    // SAFETY: `ty` is a live type object; `def` lives forever.
    let descr = unsafe { ffi::PyDescr_NewMethod(ty.as_ptr().cast(), def) };
    if descr.is_null() {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: `PyDescr_NewMethod` returned a new reference.
    let descr = unsafe { Bound::from_owned_ptr(py, descr) };
    ty.setattr("__dlpack__", descr)
}

/// The four keyword arguments, borrowed from the call's argument vector.
#[derive(Default)]
struct Args<'a, 'py> {
    values: [Option<Borrowed<'a, 'py, PyAny>>; 4],
}

/// The C entry point: CPython calls it with the GIL held, `slf` an instance
/// of `Tensor` (the method descriptor checks the type), `args[..nargs]` the
/// positional arguments and `args[nargs..]` the values of the keyword names
/// in the tuple `kwnames` (or null).
unsafe extern "C" fn dlpack_fastcall(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods on an attached thread.
    let py = unsafe { Python::assume_attached() };
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the vectorcall contract above.
        unsafe { call(py, slf, args, nargs, kwnames) }
    }));
    let err = match result {
        Ok(Ok(capsule)) => return capsule.into_ptr(),
        Ok(Err(e)) => e,
        Err(_) => pyo3::panic::PanicException::new_err(
            "__dlpack__ panicked; this is a tensorbridge bug, please report it",
        ),
    };
    err.restore(py);
    std::ptr::null_mut()
}

/// Parses the arguments and builds the capsule.
///
/// # Safety
///
/// The vectorcall contract of [`dlpack_fastcall`].
unsafe fn call<'py>(
    py: Python<'py>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<Bound<'py, PyAny>> {
    if nargs != 0 {
        return Err(PyTypeError::new_err(format!(
            "__dlpack__() takes no positional arguments ({nargs} given); pass stream=, max_version=, dl_device= or copy= by keyword"
        )));
    }
    let mut parsed = Args::default();
    if !kwnames.is_null() {
        // SAFETY: `kwnames` is a live tuple of strings (vectorcall contract).
        let names = unsafe { Borrowed::from_ptr(py, kwnames).cast_unchecked::<PyTuple>() };
        for (i, name) in names.iter_borrowed().enumerate() {
            let slot = keyword_slot(&name)?;
            if parsed.values[slot].is_some() {
                return Err(PyTypeError::new_err(format!(
                    "__dlpack__() got multiple values for argument '{}'",
                    KEYWORDS[slot]
                )));
            }
            // SAFETY: `args[nargs + i]` is the value of the i-th keyword and
            // lives for the call (vectorcall contract); `nargs == 0`.
            parsed.values[slot] = Some(unsafe { Borrowed::from_ptr(py, *args.add(i)) });
        }
    }
    // SAFETY: the method descriptor only calls this with a `Tensor`.
    let this = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<PyTensor>() };
    let [stream, max_version, dl_device, copy] = parsed.values;
    let copy = match copy {
        Some(c) if !c.is_none() => Some(c.extract::<bool>().map_err(|_| {
            PyTypeError::new_err(format!(
                "__dlpack__: copy must be None, True or False, got {}",
                c.get_type().name().map_or_else(|_| "?".into(), |n| n.to_string())
            ))
        })?),
        _ => None,
    };
    crate::dlpack::to_capsule(
        py,
        &this.get().inner,
        stream.as_deref(),
        max_version.as_deref(),
        dl_device.as_deref(),
        copy,
    )
}

/// Which of [`KEYWORDS`] `name` is: by identity with the interned names
/// (what call sites pass), else by value; an unknown keyword is a
/// `TypeError`, as for any Python function.
fn keyword_slot(name: &Borrowed<'_, '_, PyAny>) -> PyResult<usize> {
    let py = name.py();
    let interned = [
        pyo3::intern!(py, "stream"),
        pyo3::intern!(py, "max_version"),
        pyo3::intern!(py, "dl_device"),
        pyo3::intern!(py, "copy"),
    ];
    if let Some(i) = interned.iter().position(|k| k.as_ptr() == name.as_ptr()) {
        return Ok(i);
    }
    if let Some(i) = interned.iter().position(|k| {
        // SAFETY: both are live str objects (kwnames holds only str).
        unsafe { ffi::PyUnicode_Compare(k.as_ptr(), name.as_ptr()) == 0 as c_int }
    }) {
        return Ok(i);
    }
    Err(PyTypeError::new_err(format!(
        "__dlpack__() got an unexpected keyword argument {}; it takes stream, max_version, dl_device and copy",
        name.repr().map_or_else(|_| "?".into(), |r| r.to_string())
    )))
}
