//! DLPack's C exchange API for Python, both ways: tensorbridge's own table,
//! published as `Tensor.__dlpack_c_exchange_api__`, and the consumer side of
//! `from_dlpack`, which calls a producer's table instead of `__dlpack__`.
//!
//! Why: `__dlpack__` costs a Python method call, keyword parsing and a
//! capsule per tensor; a table is one C call. PyTorch publishes one, so
//! `tb.from_dlpack(torch_tensor)` skips `torch.Tensor.__dlpack__` (Python
//! code) altogether, and C consumers (tvm-ffi style kernel libraries) get the
//! same fast road into tensorbridge tensors.
//!
//! This file owns the Python-facing halves; the ABI, the walk to a
//! compatible table and the Python-free allocator are the core's
//! `tensorbridge::dlpack::exchange`. Managed tensors are the ones
//! `__dlpack__` passes ([`export`] and [`Foreign`]), so the core note
//! "DLPack lifetimes" holds unchanged: one deleter call, from any thread.
//!
//! # Note: the C contract of tensorbridge's table
//!
//! Every function is `extern "C"` and never unwinds: a Rust panic is caught
//! and reported as an error. The functions that take or make Python objects
//! are called with the GIL held (the header says they fail "with a Python
//! exception set"); they attach through PyO3 anyway, so a caller that
//! forgot the GIL is served rather than crashed, and on failure they return
//! -1 with a Python exception set and their out-pointer null. The allocator
//! touches no Python object and may run without the GIL, reporting through
//! the caller's `SetError` as the header asks.
//!
//! # Note: falling back to `__dlpack__`
//!
//! `from_dlpack` must give the same answer whichever road it takes, so the
//! table is only a faster way to the result `__dlpack__` would give:
//!
//! - no table on the type, a capsule with another name, no 1.x table in its
//!   chain, or a null export function: `__dlpack__` is used;
//! - the export function fails with an ordinary exception (`Exception`):
//!   `__dlpack__` is asked, and its success or its error is the answer (the
//!   table's own errors may be less clear: PyTorch's reports a sparse tensor
//!   with a C++ stack trace where `__dlpack__` raises a plain `BufferError`);
//!   `KeyboardInterrupt` and other non-`Exception`s propagate;
//! - the struct it returns is on a device other than `kDLCPU`: it is
//!   released and `__dlpack__` is used, which negotiates devices and streams
//!   (the table's export does no stream synchronization);
//! - PyTorch 2.15's table exports tensors that its `__dlpack__` refuses: a
//!   tensor that requires grad, and a lazily conjugated complex tensor, whose
//!   memory holds the unconjugated values (the export would silently give
//!   wrong numbers). Objects with `requires_grad` true, and complex exports
//!   of objects whose `is_conj()` is true (or fails), go to `__dlpack__`;
//! - anything the validated import refuses (an unsupported dtype, a
//!   malformed struct) is a real error and raises.
//!
//! The table found for a type is cached (the header allows caching per
//! type), a bounded number of types at once, each held by a strong reference
//! so its address cannot be reused. A stale entry is still a valid table of
//! that type's producer (tables live for the process), so reassigning the
//! attribute later can only cost speed, never correctness.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{null_mut, NonNull};
use std::sync::Mutex;

use pyo3::exceptions::PyException;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyType;
use tensorbridge::dlpack::exchange::{
    allocate, find_compatible, DLPackExchangeAPI, DLPackExchangeAPIHeader,
    DLPACK_EXCHANGE_API_CAPSULE_NAME, EXCHANGE_API_VERSION,
};
use tensorbridge::dlpack::ffi::{
    DLDataType, DLManagedTensorVersioned, DLTensor, DLPACK_MAJOR_VERSION, K_DL_COMPLEX, K_DL_CPU,
};
use tensorbridge::dlpack::{dl_device_of, export, ExportRequest, Foreign, RawManaged};
use tensorbridge::Tensor;

use crate::errors::{
    buffer_error, exception_name, runtime_error, type_error, value_error, CoreResultExt,
};
use crate::tensor::{wrap, PyTensor};

// ---------------------------------------------------------------- producer

/// tensorbridge's table, in a `static` so its address is fixed for the
/// process, as the header requires.
struct Table(DLPackExchangeAPI);

// SAFETY: the table is never written after initialization; its one data
// pointer (`prev_api`) is null and its function pointers may be called from
// any thread.
unsafe impl Sync for Table {}

/// The table `Tensor.__dlpack_c_exchange_api__` points to: DLPack 1.3, no
/// older tables, every function implemented.
static TABLE: Table = Table(DLPackExchangeAPI {
    header: DLPackExchangeAPIHeader {
        version: EXCHANGE_API_VERSION,
        prev_api: std::ptr::null_mut(),
    },
    managed_tensor_allocator: Some(managed_tensor_allocator),
    managed_tensor_from_py_object_no_sync: Some(managed_tensor_from_py_object_no_sync),
    managed_tensor_to_py_object_no_sync: Some(managed_tensor_to_py_object_no_sync),
    dltensor_from_py_object_no_sync: Some(dltensor_from_py_object_no_sync),
    current_work_stream: Some(current_work_stream),
});

/// `Tensor.__dlpack_c_exchange_api__`: a `PyCapsule` named
/// `"dlpack_exchange_api"` holding a pointer to tensorbridge's static table
/// (no destructor: the table outlives every capsule). Consumers must treat
/// the table as `const`.
pub fn api_capsule(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let table: *const DLPackExchangeAPI = &TABLE.0;
    // SAFETY: the pointer is to a static, so valid for the process; the name
    // is a static C string, as capsule names must be; no destructor is given
    // because there is nothing to free.
    let capsule = unsafe {
        ffi::PyCapsule_New(
            table.cast_mut().cast(),
            DLPACK_EXCHANGE_API_CAPSULE_NAME.as_ptr(),
            None,
        )
    };
    if capsule.is_null() {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: `PyCapsule_New` returned a new reference.
    Ok(unsafe { Bound::from_owned_ptr(py, capsule) }.unbind())
}

/// The export request of the table's `managed_tensor_from_py_object_no_sync`:
/// a versioned struct of the table's version, shared (never copied), on the
/// tensor's own device.
const TABLE_REQUEST: ExportRequest = ExportRequest {
    max_version: Some(EXCHANGE_API_VERSION),
    dl_device: None,
    copy: None,
};

/// Runs the body of a table function attached to Python: `Ok` gives 0; an
/// error, or a panic turned into a `RuntimeError`, is set as the Python
/// exception and gives -1. Never unwinds.
fn with_python(what: &str, body: impl FnOnce(Python<'_>) -> PyResult<()>) -> c_int {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        Python::attach(|py| {
            let result = catch_unwind(AssertUnwindSafe(|| body(py))).unwrap_or_else(|_| {
                Err(runtime_error(format!(
                    "tensorbridge: internal error (a Rust panic) in the DLPack exchange API's {what}; please report it"
                )))
            });
            match result {
                Ok(()) => 0,
                Err(e) => {
                    e.restore(py);
                    -1
                }
            }
        })
    }));
    // Only attaching itself can fail here (no interpreter): no exception can
    // be set then, but the caller still sees the failure.
    outcome.unwrap_or(-1)
}

/// The error for a null pointer argument.
fn null_argument(function: &str, argument: &str) -> PyErr {
    value_error(format!(
        "{function}: {argument} is null; pass a valid pointer"
    ))
}

/// The `tensorbridge.Tensor` behind a `void* py_object` argument, borrowed
/// for the call.
///
/// # Safety
///
/// `py_object` is null or a live Python object the caller holds a reference
/// to for the duration of the call.
unsafe fn tensor_arg<'py>(
    py: Python<'py>,
    function: &str,
    py_object: *mut c_void,
) -> PyResult<Bound<'py, PyTensor>> {
    let Some(p) = NonNull::new(py_object.cast::<ffi::PyObject>()) else {
        return Err(null_argument(function, "py_object"));
    };
    // SAFETY: by the contract, `p` is a live object; this adds our own reference.
    let obj = unsafe { Bound::from_borrowed_ptr(py, p.as_ptr()) };
    obj.cast_into::<PyTensor>().map_err(|e| {
        let name = e.into_inner().get_type().name().map(|n| n.to_string()).unwrap_or_default();
        type_error(format!(
            "{function} of tensorbridge's DLPack exchange API takes a tensorbridge.Tensor (the type the table was found on), got {name}"
        ))
    })
}

/// `managed_tensor_allocator`: a new zero-filled CPU tensor shaped like
/// `prototype`, as an owning `DLManagedTensorVersioned` (see the core's
/// `allocate` for what is refused). No GIL needed; errors go to `set_error`
/// with the name of the exception `from_dlpack` would raise.
unsafe extern "C" fn managed_tensor_allocator(
    prototype: *mut DLTensor,
    out: *mut *mut DLManagedTensorVersioned,
    error_ctx: *mut c_void,
    set_error: Option<unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char)>,
) -> c_int {
    const WHAT: &str = "managed_tensor_allocator";
    let result = catch_unwind(AssertUnwindSafe(
        || -> Result<NonNull<DLManagedTensorVersioned>, (&'static CStr, String)> {
            if out.is_null() {
                return Err((
                    c"ValueError",
                    format!("{WHAT}: out is null; pass a valid pointer"),
                ));
            }
            // SAFETY: `out` is non-null and, by the header's contract, writable.
            unsafe { out.write(null_mut()) };
            // SAFETY: a non-null prototype is a live DLTensor (the header's contract).
            let Some(prototype) = (unsafe { prototype.as_ref() }) else {
                return Err((
                    c"ValueError",
                    format!("{WHAT}: prototype is null; pass a valid pointer"),
                ));
            };
            // SAFETY: the header's contract: a prototype with ndim > 0 has ndim sizes.
            let exported =
                unsafe { allocate(prototype) }.map_err(|e| (exception_name(&e), e.to_string()))?;
            match exported.raw() {
                RawManaged::Versioned(p) => {
                    let _ = exported.into_raw(); // ownership goes to the caller
                    Ok(p)
                }
                // Unreachable (a versioned request); `exported` frees itself.
                RawManaged::Legacy(_) => Err((
                    c"RuntimeError",
                    format!("{WHAT}: internal error: a legacy struct was made"),
                )),
            }
        },
    ));
    let (kind, message) = match result {
        Ok(Ok(p)) => {
            // SAFETY: `out` was checked non-null and writable above.
            unsafe { out.write(p.as_ptr()) };
            return 0;
        }
        Ok(Err(e)) => e,
        Err(_) => (c"RuntimeError", format!("tensorbridge: internal error (a Rust panic) in the DLPack exchange API's {WHAT}; please report it")),
    };
    if let Some(set_error) = set_error {
        let message = CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the caller gave this callback and context for exactly this
        // use; both strings are NUL-terminated and live across the call.
        unsafe { set_error(error_ctx, kind.as_ptr(), message.as_ptr()) };
    }
    -1
}

/// `managed_tensor_from_py_object_no_sync`: a `tensorbridge.Tensor` as an
/// owning `DLManagedTensorVersioned` (1.3) sharing its memory, flagged
/// read-only when the tensor is. The struct keeps the memory alive until its
/// deleter runs; a NumPy owner is released holding the GIL.
unsafe extern "C" fn managed_tensor_from_py_object_no_sync(
    py_object: *mut c_void,
    out: *mut *mut DLManagedTensorVersioned,
) -> c_int {
    const WHAT: &str = "managed_tensor_from_py_object_no_sync";
    with_python(WHAT, |py| {
        let out = NonNull::new(out).ok_or_else(|| null_argument(WHAT, "out"))?;
        // SAFETY: `out` is non-null and, by the header's contract, writable.
        unsafe { out.as_ptr().write(null_mut()) };
        // SAFETY: the header's contract: `py_object` is a live object of the
        // caller's for the call.
        let tensor = unsafe { tensor_arg(py, WHAT, py_object)? };
        let exported = export(
            &tensor.get().inner,
            &TABLE_REQUEST,
            None,
        )
        .py()?;
        match exported.raw() {
            RawManaged::Versioned(p) => {
                let _ = exported.into_raw(); // ownership goes to the caller
                                             // SAFETY: as above.
                unsafe { out.as_ptr().write(p.as_ptr()) };
                Ok(())
            }
            // Unreachable (a versioned request); `exported` frees itself.
            RawManaged::Legacy(_) => Err(runtime_error(format!(
                "{WHAT}: internal error: a legacy struct was made"
            ))),
        }
    })
}

/// `managed_tensor_to_py_object_no_sync`: a new `tensorbridge.Tensor`
/// sharing an owning `DLManagedTensorVersioned`'s memory, through the
/// validated import (read-only if flagged). The struct is stolen: its
/// deleter runs once, when the last tensor using it is gone, or at once if
/// it is refused.
unsafe extern "C" fn managed_tensor_to_py_object_no_sync(
    tensor: *mut DLManagedTensorVersioned,
    out_py_object: *mut *mut c_void,
) -> c_int {
    const WHAT: &str = "managed_tensor_to_py_object_no_sync";
    with_python(WHAT, |py| {
        // Owned first, so the struct is released however this ends.
        // SAFETY: the header's contract: a non-null `tensor` is a live
        // owning struct whose ownership passes to us; the import validates
        // every field before touching memory.
        let foreign =
            NonNull::new(tensor).map(|p| unsafe { Foreign::from_raw(RawManaged::Versioned(p)) });
        let out =
            NonNull::new(out_py_object).ok_or_else(|| null_argument(WHAT, "out_py_object"))?;
        // SAFETY: `out` is non-null and, by the header's contract, writable.
        unsafe { out.as_ptr().write(null_mut()) };
        let foreign = foreign.ok_or_else(|| null_argument(WHAT, "tensor"))?;
        let object = wrap(py, foreign.into_tensor().py()?)?;
        // SAFETY: as above; the new reference passes to the caller.
        unsafe { out.as_ptr().write(object.into_ptr().cast()) };
        Ok(())
    })
}

/// `dltensor_from_py_object_no_sync`: fills `out` with a non-owning view of
/// a `tensorbridge.Tensor`. `shape` and `strides` point into the tensor
/// object itself (its layout, whose `usize`/`isize` entries are `i64` on
/// 64-bit targets), so the view is valid while the caller holds the object.
/// A read-only tensor is refused (`BufferError`): a bare `DLTensor` cannot
/// say read-only, as the legacy capsule cannot.
unsafe extern "C" fn dltensor_from_py_object_no_sync(
    py_object: *mut c_void,
    out: *mut DLTensor,
) -> c_int {
    const WHAT: &str = "dltensor_from_py_object_no_sync";
    with_python(WHAT, |py| {
        let out = NonNull::new(out).ok_or_else(|| null_argument(WHAT, "out"))?;
        // SAFETY: the header's contract: `py_object` is a live object of the
        // caller's for the call.
        let object = unsafe { tensor_arg(py, WHAT, py_object)? };
        // The object is frozen: `inner` never changes while it lives.
        let t: &Tensor = &object.get().inner;
        if t.is_readonly() {
            return Err(buffer_error(format!(
                "{WHAT}: the tensor is read-only and a bare DLTensor cannot say so; use managed_tensor_from_py_object_no_sync (its struct carries the read-only flag) or export a writeable copy with .clone()"
            )));
        }
        if std::mem::size_of::<usize>() != std::mem::size_of::<i64>()
            || t.shape().iter().any(|&d| i64::try_from(d).is_err())
        {
            return Err(buffer_error(format!(
                "{WHAT}: this tensor's shape cannot be viewed as 64-bit DLPack sizes without a copy; use managed_tensor_from_py_object_no_sync"
            )));
        }
        // A bare DLTensor is never given back: the bytes must stay put.
        t.storage().pin();
        let info = t.dtype().info();
        let view = DLTensor {
            data: t.data_ptr() as *mut c_void,
            device: dl_device_of(t.device()),
            ndim: t.ndim() as i32, // at most MAX_NDIM (64)
            dtype: DLDataType {
                code: info.dlpack_code,
                bits: info.dlpack_bits,
                lanes: 1,
            },
            // Same size (checked above) and every size fits i64 (checked
            // above); strides are isize, i.e. i64. Consumers only read them.
            shape: t.shape().as_ptr().cast::<i64>().cast_mut(),
            strides: t.strides().as_ptr().cast::<i64>().cast_mut(),
            byte_offset: 0,
        };
        // SAFETY: `out` is non-null and, by the header's contract, a
        // writable DLTensor the caller allocated.
        unsafe { out.as_ptr().write(view) };
        Ok(())
    })
}

/// `current_work_stream`: null on every device. For the CPU that is what
/// the header prescribes; on a CUDA device tensorbridge queues all its work
/// on the legacy default stream, whose handle is null. Needs no GIL unless
/// `out` is null.
unsafe extern "C" fn current_work_stream(
    device_type: i32,
    device_id: i32,
    out_current_stream: *mut *mut c_void,
) -> c_int {
    let _ = (device_type, device_id);
    if out_current_stream.is_null() {
        return with_python("current_work_stream", |_| {
            Err(null_argument("current_work_stream", "out_current_stream"))
        });
    }
    // SAFETY: non-null and, by the header's contract, writable.
    unsafe { out_current_stream.write(null_mut()) };
    0
}

// ---------------------------------------------------------------- consumer

/// A producer's table, found through a type's capsule (a process-lifetime
/// static of the producer, by the spec).
#[derive(Copy, Clone)]
struct ApiRef(NonNull<DLPackExchangeAPI>);

// SAFETY: tables are immutable and live for the process (the spec); their
// functions are called only with the GIL held.
unsafe impl Send for ApiRef {}

/// What `from_dlpack` needs to know about a type, looked up once per type.
#[derive(Copy, Clone)]
struct TypeFacts {
    /// A 1.x table with a non-null `managed_tensor_from_py_object_no_sync`.
    api: Option<ApiRef>,
    /// The type has `requires_grad` (PyTorch's tensors; see the note).
    has_requires_grad: bool,
    /// The type has `is_conj` (PyTorch's lazy conjugation; see the note).
    has_is_conj: bool,
}

/// One cached type: the strong reference keeps the address from being reused.
struct CacheEntry {
    ty: Py<PyType>,
    facts: TypeFacts,
}

/// How many types the cache remembers (the producers one program feeds to
/// `from_dlpack` are few: NumPy, PyTorch, JAX, TensorFlow, ...).
const CACHE_SLOTS: usize = 8;

/// The per-type cache, most recent first. Never held while Python code runs
/// (lookups, decrefs), so re-entrant calls cannot deadlock on it.
static CACHE: Mutex<Vec<CacheEntry>> = Mutex::new(Vec::new());

/// The facts of `ty`, from the cache or looked up (and cached).
fn facts_of(ty: &Bound<'_, PyType>) -> PyResult<TypeFacts> {
    let key = ty.as_ptr();
    {
        let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = cache.iter().find(|e| e.ty.as_ptr() == key) {
            return Ok(e.facts);
        }
    }
    let facts = TypeFacts {
        api: find_api(ty)?,
        has_requires_grad: ty
            .hasattr(pyo3::intern!(ty.py(), "requires_grad"))
            .unwrap_or(false),
        has_is_conj: ty
            .hasattr(pyo3::intern!(ty.py(), "is_conj"))
            .unwrap_or(false),
    };
    let evicted = {
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if cache.iter().any(|e| e.ty.as_ptr() == key) {
            None // another call got here first (the lookups above ran Python)
        } else {
            let evicted = if cache.len() >= CACHE_SLOTS {
                cache.pop()
            } else {
                None
            };
            cache.insert(
                0,
                CacheEntry {
                    ty: ty.clone().unbind(),
                    facts,
                },
            );
            evicted
        }
    };
    drop(evicted); // a decref may run Python code: outside the lock
    Ok(facts)
}

/// The callable 1.x table of `type.__dlpack_c_exchange_api__`, or `None`
/// when there is none (no attribute, not a capsule named
/// `"dlpack_exchange_api"`, no major-1 table in its chain, or a null export
/// function). A lookup that raises an `Exception` counts as none;
/// `KeyboardInterrupt` and other non-`Exception`s propagate.
fn find_api(ty: &Bound<'_, PyType>) -> PyResult<Option<ApiRef>> {
    let py = ty.py();
    let capsule = match ty.getattr(pyo3::intern!(py, "__dlpack_c_exchange_api__")) {
        Ok(c) => c,
        Err(e) if e.is_instance_of::<PyException>(py) => return Ok(None), // AttributeError included
        Err(e) => return Err(e),
    };
    let name = DLPACK_EXCHANGE_API_CAPSULE_NAME.as_ptr();
    // SAFETY: `capsule` is a live object; `PyCapsule_IsValid` accepts any
    // object and sets no exception.
    if unsafe { ffi::PyCapsule_IsValid(capsule.as_ptr(), name) } == 0 {
        return Ok(None); // not a capsule, another name, or a null pointer
    }
    // SAFETY: a valid capsule of this name: the call succeeds.
    let header = unsafe { ffi::PyCapsule_GetPointer(capsule.as_ptr(), name) };
    let Some(header) = NonNull::new(header.cast::<DLPackExchangeAPIHeader>()) else {
        return Ok(None);
    };
    // SAFETY: the producer's promise: the capsule points to a header, and
    // its chain to live headers, for the life of the process.
    let Some(api) = (unsafe { find_compatible(header) }) else {
        return Ok(None); // no DLPack 1.x table: only `__dlpack__` can do it
    };
    // SAFETY: a major-1 header begins a whole 1.x table (the spec).
    if unsafe { api.as_ref() }
        .managed_tensor_from_py_object_no_sync
        .is_none()
    {
        return Ok(None);
    }
    Ok(Some(ApiRef(api)))
}

/// Whether `attr` of `x` is true: `false` when it is missing or fails.
fn flag(x: &Bound<'_, PyAny>, attr: &Bound<'_, pyo3::types::PyString>) -> bool {
    x.getattr(attr).and_then(|v| v.is_truthy()).unwrap_or(false)
}

/// Whether `x` holds lazily conjugated data (PyTorch's conjugate bit), or
/// cannot say (`is_conj()` fails, as on `ReadOnlyTensorWrapper`).
fn maybe_conjugated(x: &Bound<'_, PyAny>) -> bool {
    match x.call_method0(pyo3::intern!(x.py(), "is_conj")) {
        Ok(v) => v.is_truthy().unwrap_or(true),
        Err(_) => true,
    }
}

/// The DLPack device type and dtype of a struct `from_raw` owns, when it is
/// a 1.x struct (other majors are the import's to refuse).
fn device_and_dtype(foreign: &Foreign) -> Option<(i32, DLDataType)> {
    let RawManaged::Versioned(p) = foreign.raw() else {
        return None;
    };
    // SAFETY: `foreign` owns the live struct; `version` is in the prefix
    // every major keeps.
    if unsafe { (*p.as_ptr()).version }.major != DLPACK_MAJOR_VERSION {
        return None;
    }
    // SAFETY: a live 1.x struct: the whole layout is known.
    let dl = unsafe { p.as_ref() }.dl_tensor;
    Some((dl.device.device_type, dl.dtype))
}

/// A tensor sharing `x`'s memory through the C exchange API of `type(x)`,
/// or `None` when `from_dlpack` should use `__dlpack__` instead (see the
/// note "falling back to `__dlpack__`"). The caller has ruled out capsules
/// and tensorbridge's own tensors.
pub fn try_import(x: &Bound<'_, PyAny>) -> PyResult<Option<Tensor>> {
    let py = x.py();
    let facts = facts_of(&x.get_type())?;
    let Some(ApiRef(api)) = facts.api else {
        return Ok(None);
    };
    if facts.has_requires_grad && flag(x, pyo3::intern!(py, "requires_grad")) {
        return Ok(None); // `__dlpack__` refuses it; so must we
    }
    // SAFETY: a cached table lives for the process; `find_api` checked the
    // function is non-null.
    let Some(from_py_object) = (unsafe { api.as_ref() }).managed_tensor_from_py_object_no_sync
    else {
        return Ok(None);
    };
    let mut out: *mut DLManagedTensorVersioned = null_mut();
    // SAFETY: `x` is a live instance of the type the table was found on, we
    // hold the GIL (attached), and `out` is a writable slot.
    let rc = unsafe { from_py_object(x.as_ptr().cast(), &mut out) };
    if rc != 0 {
        return match PyErr::take(py) {
            Some(e) if !e.is_instance_of::<PyException>(py) => Err(e),
            _ => Ok(None), // the table cannot: `__dlpack__` decides
        };
    }
    let Some(p) = NonNull::new(out) else {
        return Ok(None); // success without a struct: a producer bug
    };
    // SAFETY: on success the producer handed us an owning struct, whose
    // deleter we must call once; it promises the memory until then.
    let foreign = unsafe { Foreign::from_raw(RawManaged::Versioned(p)) };
    if let Some((device_type, dtype)) = device_and_dtype(&foreign) {
        let conjugated = dtype.code == K_DL_COMPLEX && facts.has_is_conj && maybe_conjugated(x);
        if device_type != K_DL_CPU || conjugated {
            drop(foreign); // released now; `__dlpack__` decides
            return Ok(None);
        }
    }
    foreign.into_tensor().py().map(Some)
}
