//! The buffer protocol (PEP 3118) export of a tensor: `memoryview(t)`.
//!
//! Strided and negative-stride views export as they are when the consumer
//! accepts strides; read-only tensors export read-only buffers and refuse
//! writable requests. bfloat16 has no PEP 3118 format character, so a
//! request that asks for a format is refused with a pointer to `.numpy()`.

use std::ffi::{c_int, CString};
use std::os::raw::c_void;

use pyo3::ffi;
use pyo3::prelude::*;
use tensorbridge::{ExportLease, Tensor};

use crate::errors::buffer_error;

/// What a buffer export must keep until `__releasebuffer__`.
struct Exported {
    /// Keeps the bytes in place until the consumer releases the buffer
    /// (`share_memory_` waits for it; see `tensorbridge::ExportLease`).
    _lease: ExportLease,
    shape: Vec<ffi::Py_ssize_t>,
    strides: Vec<ffi::Py_ssize_t>,
    format: CString,
}

/// Fills `view` for `t`, owned by `owner` (the Python tensor).
///
/// # Safety
///
/// `view` is the `Py_buffer` CPython passed to `bf_getbuffer`.
pub unsafe fn get_buffer(owner: &Bound<'_, PyAny>, t: &Tensor, view: *mut ffi::Py_buffer, flags: c_int) -> PyResult<()> {
    if view.is_null() {
        return Err(buffer_error("a buffer request needs a Py_buffer to fill"));
    }
    if !t.device().is_cpu() {
        return Err(buffer_error(format!(
            "a {} tensor has no host buffer; copy it with .cpu() first",
            t.device()
        )));
    }
    let writable = flags & ffi::PyBUF_WRITABLE == ffi::PyBUF_WRITABLE;
    let readonly = t.is_readonly() || t.layout().has_internal_overlap();
    if writable && readonly {
        return Err(buffer_error(
            "the tensor is read-only (or expanded, with elements sharing memory); request a read-only buffer, or make a writeable copy with .clone()",
        ));
    }
    let layout = t.layout();
    let c_contig = t.is_contiguous();
    let want = |f: c_int| flags & f == f;
    if want(ffi::PyBUF_C_CONTIGUOUS) && !c_contig {
        return Err(buffer_error("the tensor is not C-contiguous; call .contiguous() first"));
    }
    if want(ffi::PyBUF_F_CONTIGUOUS) && !layout.is_f_contiguous() {
        return Err(buffer_error("the tensor is not Fortran-contiguous; make a copy first"));
    }
    if want(ffi::PyBUF_ANY_CONTIGUOUS) && !c_contig && !layout.is_f_contiguous() {
        return Err(buffer_error("the tensor is not contiguous; call .contiguous() first"));
    }
    if !want(ffi::PyBUF_STRIDES) && !c_contig {
        return Err(buffer_error(
            "the tensor is strided and the consumer did not ask for strides; call .contiguous() first",
        ));
    }
    let format = if want(ffi::PyBUF_FORMAT) {
        let f = t.dtype().info().buffer_format.ok_or_else(|| {
            buffer_error(format!(
                "{} has no buffer-protocol format; use .numpy() (with ml_dtypes installed) or .view(tensorbridge.uint16)",
                t.dtype()
            ))
        })?;
        CString::new(f).expect("formats have no NUL")
    } else {
        CString::new("B").expect("no NUL")
    };
    // A buffer's `len` is a Py_ssize_t: an expanded view that shows more
    // bytes than that cannot be described (consumers would compute sizes
    // that wrap).
    let len_bytes = t.checked_nbytes().map_err(|_| {
        buffer_error(format!(
            "the tensor shows {} elements of {} bytes, more bytes than a buffer can describe (it is an expanded view); index a smaller part first",
            t.numel(),
            t.itemsize()
        ))
    })?;
    let itemsize = t.itemsize() as ffi::Py_ssize_t;
    // Leased before the address is read.
    let lease = t.storage().lease();
    let mut exported = Box::new(Exported {
        _lease: lease,
        shape: t.shape().iter().map(|&d| d as ffi::Py_ssize_t).collect(),
        strides: t.strides().iter().map(|&s| s as ffi::Py_ssize_t * itemsize).collect(),
        format,
    });
    // SAFETY: `view` is a valid Py_buffer to fill (caller contract); the
    // pointers stored in it point into `exported`, which lives until
    // `release_buffer` frees it; `obj` gets a new reference to the tensor,
    // which keeps the storage behind `buf` alive.
    unsafe {
        let v = &mut *view;
        v.buf = t.data_ptr() as *mut c_void;
        v.obj = owner.clone().into_ptr();
        v.len = len_bytes as ffi::Py_ssize_t;
        v.readonly = readonly as c_int;
        v.itemsize = itemsize;
        v.format = if want(ffi::PyBUF_FORMAT) { exported.format.as_ptr() as *mut _ } else { std::ptr::null_mut() };
        v.ndim = t.ndim() as c_int;
        v.shape = if want(ffi::PyBUF_ND) { exported.shape.as_mut_ptr() } else { std::ptr::null_mut() };
        v.strides = if want(ffi::PyBUF_STRIDES) { exported.strides.as_mut_ptr() } else { std::ptr::null_mut() };
        v.suboffsets = std::ptr::null_mut();
        v.internal = Box::into_raw(exported) as *mut c_void;
    }
    Ok(())
}

/// Frees what [`get_buffer`] stored.
///
/// # Safety
///
/// `view` was filled by [`get_buffer`] and is released once.
pub unsafe fn release_buffer(view: *mut ffi::Py_buffer) {
    // SAFETY: `internal` holds the Box leaked by `get_buffer`, released once.
    unsafe {
        let v = &mut *view;
        if !v.internal.is_null() {
            drop(Box::from_raw(v.internal as *mut Exported));
            v.internal = std::ptr::null_mut();
        }
    }
}
