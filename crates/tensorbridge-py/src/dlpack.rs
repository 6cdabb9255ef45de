//! DLPack for Python: `Tensor.__dlpack__`, `Tensor.__dlpack_device__` and
//! `tensorbridge.from_dlpack`, with capsules as the DLPack Python spec says.
//!
//! This file owns the capsule protocol: the four capsule names, the capsule
//! destructor (which deletes only a capsule nobody consumed), the renaming
//! that marks a capsule consumed, argument parsing (`stream`, `max_version`,
//! `dl_device`, `copy`) and the versioned-then-legacy handshake with
//! producers. Building and validating the C structs is the core's
//! `tensorbridge::dlpack`; see its note "DLPack lifetimes".

use std::ffi::{c_void, CStr};
use std::ptr::NonNull;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use tensorbridge::dlpack::import::device_of;
use tensorbridge::dlpack::{
    dl_device_of, export, DLDevice, DLPackVersion, ExportRequest, Foreign, RawManaged,
};
use tensorbridge::{Device, Error, Tensor};

use crate::errors::{runtime_error, type_error, value_error, CoreResultExt};
use crate::tensor::{wrap, PyTensor};

/// An unconsumed `DLManagedTensorVersioned` capsule.
const VERSIONED: &CStr = c"dltensor_versioned";
/// A consumed `DLManagedTensorVersioned` capsule.
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";
/// An unconsumed legacy `DLManagedTensor` capsule.
const LEGACY: &CStr = c"dltensor";
/// A consumed legacy capsule.
const USED_LEGACY: &CStr = c"used_dltensor";

/// The newest DLPack version `from_dlpack` asks producers for.
const MAX_VERSION: (u32, u32) = (1, 3);

/// `__dlpack_device__()`: `(device_type, device_id)`, `(1, 0)` on the CPU.
pub fn dlpack_device(t: &Tensor) -> (i32, i32) {
    let d = dl_device_of(t.device());
    (d.device_type, d.device_id)
}

/// Makes a CUDA tensor's queued writes visible to a consumer's `stream`
/// (the DLPack protocol's duty of the producer). tensorbridge's work runs
/// on the legacy default stream: a consumer on that stream (`1`, or `None`)
/// or one that asked for no synchronisation (`-1`) needs nothing; for any
/// other stream the device's queued work is waited for.
fn order_for_consumer(t: &Tensor, stream: &Bound<'_, PyAny>) -> PyResult<()> {
    let s: i64 = stream.extract().map_err(|_| {
        type_error(format!("__dlpack__: stream must be an int or None for a CUDA tensor, got {}", stream.get_type().name().map(|n| n.to_string()).unwrap_or_default()))
    })?;
    match s {
        1 | -1 => Ok(()),
        0 => Err(value_error(
            "__dlpack__: stream=0 is ambiguous for CUDA and disallowed by the DLPack protocol; pass 1 for the legacy default stream or 2 for the per-thread default stream",
        )),
        _ => tensorbridge::cuda::synchronize(Some(t.device())).py(),
    }
}

/// `__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None)`:
/// a `"dltensor_versioned"` capsule for consumers naming `max_version >=
/// (1, 0)`, else a legacy `"dltensor"` capsule. Follows NumPy's refusals:
/// a stream on the CPU raises `RuntimeError`; a malformed `max_version` or
/// `dl_device` raises `TypeError`; a non-CPU `dl_device` and a read-only
/// tensor asked for legacy raise `BufferError`.
pub fn to_capsule<'py>(
    py: Python<'py>,
    t: &Tensor,
    stream: Option<&Bound<'py, PyAny>>,
    max_version: Option<&Bound<'py, PyAny>>,
    dl_device: Option<&Bound<'py, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(s) = stream.filter(|s| !s.is_none()) {
        if t.device().is_cpu() {
            return Err(runtime_error(format!(
                "__dlpack__: stream must be None for a CPU tensor (got {}); the CPU has no streams",
                s.repr()?
            )));
        }
        order_for_consumer(t, s)?;
    }
    let request = ExportRequest {
        max_version: parse_max_version(max_version)?,
        dl_device: parse_dl_device(dl_device)?,
        copy,
    };
    // No release hook: the storage's Python owner (if any) takes the GIL
    // itself when it is finally dropped (see `numpy::PyOwner`).
    let exported = export(t, &request, None).py()?;
    let name = if exported.is_versioned() {
        VERSIONED
    } else {
        LEGACY
    };
    // SAFETY: the pointer is a live managed struct we own; the name is a
    // static C string, as capsules require; the destructor matches it.
    let capsule = unsafe {
        ffi::PyCapsule_New(
            exported.raw().as_ptr(),
            name.as_ptr(),
            Some(capsule_destructor),
        )
    };
    if capsule.is_null() {
        // `exported` is dropped on return, which runs its deleter.
        return Err(PyErr::fetch(py));
    }
    // The capsule owns the struct now: its destructor or its consumer deletes it.
    let _ = exported.into_raw();
    // SAFETY: `PyCapsule_New` returned a new reference.
    Ok(unsafe { Bound::from_owned_ptr(py, capsule) })
}

/// Reads `max_version`: `None` or a `(major, minor)` tuple of ints.
fn parse_max_version(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DLPackVersion>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    // The form every consumer sends, read without PyO3's generic
    // extraction: it is on the path of every exchange.
    if let Some((major, minor)) = exact_int_pair(obj) {
        let clamp = |v: i64| v.clamp(0, u32::MAX as i64) as u32;
        return Ok(Some(DLPackVersion {
            major: clamp(major),
            minor: clamp(minor),
        }));
    }
    let (major, minor): (i64, i64) = pair(obj).ok_or_else(|| {
        type_error("__dlpack__: max_version must be None or a tuple of two ints (major, minor), such as (1, 0)")
    })?;
    let clamp = |v: i64| v.clamp(0, u32::MAX as i64) as u32;
    Ok(Some(DLPackVersion {
        major: clamp(major),
        minor: clamp(minor),
    }))
}

/// Reads `dl_device`: `None` or a `(device_type, device_id)` tuple of ints.
fn parse_dl_device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DLDevice>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let (device_type, device_id): (i32, i32) = pair(obj).ok_or_else(|| {
        type_error("__dlpack__: dl_device must be None or a tuple of two ints (device_type, device_id), such as (1, 0) for the CPU")
    })?;
    Ok(Some(DLDevice {
        device_type,
        device_id,
    }))
}

/// A `tuple` of exactly two `int`s that fit in `i64` (no subclasses), or
/// `None` for anything else (which [`pair`] then reads the general way).
fn exact_int_pair(obj: &Bound<'_, PyAny>) -> Option<(i64, i64)> {
    let p = obj.as_ptr();
    // SAFETY: `p` is a live object; the tuple is checked exact with two
    // items before they are read (borrowed, valid while `obj` lives), and
    // each is checked an exact int before `PyLong_AsLongLong`, which then
    // fails only on overflow (cleared below, falling back to `pair`).
    unsafe {
        if ffi::PyTuple_CheckExact(p) == 0 || ffi::PyTuple_Size(p) != 2 {
            return None;
        }
        let (a, b) = (ffi::PyTuple_GetItem(p, 0), ffi::PyTuple_GetItem(p, 1));
        if ffi::PyLong_CheckExact(a) == 0 || ffi::PyLong_CheckExact(b) == 0 {
            return None;
        }
        let (x, y) = (ffi::PyLong_AsLongLong(a), ffi::PyLong_AsLongLong(b));
        if (x == -1 || y == -1) && !ffi::PyErr_Occurred().is_null() {
            ffi::PyErr_Clear();
            return None;
        }
        Some((x, y))
    }
}

/// A 2-tuple of integers (IntEnum members included), or `None`.
fn pair<'py, T: for<'a> FromPyObject<'a, 'py>>(obj: &Bound<'py, PyAny>) -> Option<(T, T)> {
    let tuple = obj.cast::<PyTuple>().ok()?;
    if tuple.len() != 2 {
        return None;
    }
    Some((
        tuple.get_borrowed_item(0).ok()?.extract().ok()?,
        tuple.get_borrowed_item(1).ok()?.extract().ok()?,
    ))
}

/// The destructor of capsules made by [`to_capsule`]: deletes the managed
/// struct only if no consumer renamed the capsule to `used_*`, preserving
/// any exception in flight (the Python spec's reference destructor).
///
/// A consumed capsule (the common case: every consumer renames it) is
/// recognised by its name pointer alone, no longer ours, without touching
/// the error indicator.
unsafe extern "C" fn capsule_destructor(capsule: *mut ffi::PyObject) {
    // SAFETY: CPython calls capsule destructors with the GIL held, on the
    // capsule being destroyed; `GetName` of a valid capsule sets no error.
    let name = unsafe { ffi::PyCapsule_GetName(capsule) };
    let ours = if std::ptr::eq(name, VERSIONED.as_ptr()) {
        Some(true)
    } else if std::ptr::eq(name, LEGACY.as_ptr()) {
        Some(false)
    } else if name.is_null() {
        None
    } else {
        // A consumer may have set a name of its own spelling it like ours
        // (not renamed): compare by value before deciding it was consumed.
        // SAFETY: non-null capsule names are NUL-terminated C strings.
        let name = unsafe { CStr::from_ptr(name) };
        (name == VERSIONED)
            .then_some(true)
            .or((name == LEGACY).then_some(false))
    };
    let Some(versioned) = ours else {
        return; // consumed (`used_*`): the consumer deletes it
    };
    let (mut ty, mut value, mut tb) = (
        std::ptr::null_mut(),
        std::ptr::null_mut(),
        std::ptr::null_mut(),
    );
    // SAFETY: fetching and later restoring the error indicator around the
    // deleter is what the spec prescribes.
    #[allow(deprecated)]
    unsafe {
        ffi::PyErr_Fetch(&mut ty, &mut value, &mut tb)
    };
    // SAFETY: the capsule holds the struct we put in it under this name
    // (`name` is the capsule's current one), so `GetPointer` succeeds.
    let pointer = unsafe { ffi::PyCapsule_GetPointer(capsule, ffi::PyCapsule_GetName(capsule)) };
    let raw = NonNull::new(pointer).map(|p| {
        if versioned {
            RawManaged::Versioned(p.cast())
        } else {
            RawManaged::Legacy(p.cast())
        }
    });
    if let Some(raw) = raw {
        // SAFETY: an unconsumed capsule still owns the struct we put in it;
        // it is being destroyed, so this is the one deletion.
        unsafe { raw.delete() };
    }
    // SAFETY: restores exactly what was fetched above (ownership passes back).
    #[allow(deprecated)]
    unsafe {
        ffi::PyErr_Restore(ty, value, tb)
    };
}

/// Takes the managed struct out of a DLPack capsule and marks the capsule
/// consumed (renamed to `used_*`), so its destructor leaves the struct to us.
fn consume(capsule: &Bound<'_, PyAny>) -> PyResult<Foreign> {
    let py = capsule.py();
    let p = capsule.as_ptr();
    // SAFETY: `p` is a live object.
    if unsafe { ffi::PyCapsule_CheckExact(p) } == 0 {
        return Err(type_error(format!(
            "from_dlpack expects an object with __dlpack__ or a DLPack capsule, got {} (from __dlpack__ or passed in)",
            capsule.get_type().name()?
        )));
    }
    // SAFETY: `p` is a capsule; its name is a C string that lives as long as
    // the capsule or null.
    let name = unsafe { ffi::PyCapsule_GetName(p) };
    if name.is_null() {
        // A capsule may be nameless; clear any error GetName set.
        let _ = PyErr::take(py);
        return Err(type_error("from_dlpack: a nameless capsule is not a DLPack capsule (expected \"dltensor_versioned\" or \"dltensor\")"));
    }
    // SAFETY: non-null capsule names are NUL-terminated C strings.
    let name = unsafe { CStr::from_ptr(name) };
    let (current, used, versioned) = if name == VERSIONED {
        (VERSIONED, USED_VERSIONED, true)
    } else if name == LEGACY {
        (LEGACY, USED_LEGACY, false)
    } else if name == USED_VERSIONED || name == USED_LEGACY {
        return Err(value_error(
            "from_dlpack: this DLPack capsule was already consumed (a capsule can be imported once); call __dlpack__() again for a new one",
        ));
    } else {
        return Err(type_error(format!(
            "from_dlpack: capsule {:?} is not a DLPack capsule (expected \"dltensor_versioned\" or \"dltensor\")",
            name.to_string_lossy()
        )));
    };
    // SAFETY: the capsule is valid under `current`.
    let ptr = unsafe { ffi::PyCapsule_GetPointer(p, current.as_ptr()) };
    let Some(ptr) = NonNull::new(ptr.cast::<c_void>()) else {
        return Err(PyErr::fetch(py));
    };
    // SAFETY: `used` is a static C string, as capsule names must be.
    if unsafe { ffi::PyCapsule_SetName(p, used.as_ptr()) } != 0 {
        return Err(PyErr::fetch(py));
    }
    let raw = if versioned {
        RawManaged::Versioned(ptr.cast())
    } else {
        RawManaged::Legacy(ptr.cast())
    };
    // SAFETY: the capsule held an unconsumed struct of this ABI and now
    // bears the `used_*` name, so ownership (and the one deleter call) is
    // ours; the producer promised the memory until that call.
    Ok(unsafe { Foreign::from_raw(raw) })
}

/// Asks a producer for a capsule: versioned first (`max_version`), then, if
/// the producer's `__dlpack__` takes no such argument (`TypeError`: older
/// JAX, TensorFlow), the legacy way.
fn request_capsule<'py>(x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = x.py();
    let mut stream: Option<i64> = None;
    if let Ok(dev) = x.call_method0(pyo3::intern!(py, "__dlpack_device__")) {
        if let Some((device_type, device_id)) = pair::<i32>(&dev) {
            match device_of(device_type, device_id) {
                None => {
                    return Err(Error::DLPackDevice {
                        device_type,
                        device_id,
                    })
                    .py()
                }
                // The producer orders its work before ours: tensorbridge
                // queues on the legacy default stream.
                Some(Device::Cuda(_)) => stream = Some(1),
                Some(Device::Cpu) => {}
            }
        }
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("max_version", MAX_VERSION)?;
    if let Some(s) = stream {
        kwargs.set_item("stream", s)?;
    }
    match x.call_method(pyo3::intern!(py, "__dlpack__"), (), Some(&kwargs)) {
        Ok(capsule) => Ok(capsule),
        Err(e) if e.is_instance_of::<PyTypeError>(py) => {
            x.call_method0(pyo3::intern!(py, "__dlpack__"))
        }
        Err(e) => Err(e),
    }
}

/// A tensor sharing the memory of a DLPack producer (an object with
/// `__dlpack__`) or of a raw capsule: the one import road that
/// `from_dlpack`, `asarray` and Rust callers share.
pub fn import(x: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    let py = x.py();
    // SAFETY: `x` is a live object.
    let is_capsule = unsafe { ffi::PyCapsule_CheckExact(x.as_ptr()) } != 0;
    // A producer's C exchange API first, when its type has one (see
    // `dlpack_exchange.rs`); `None` means "use `__dlpack__`".
    if !is_capsule && !x.is_instance_of::<PyTensor>() {
        if let Some(t) = crate::dlpack_exchange::try_import(x)? {
            return Ok(t);
        }
    }
    let capsule = if is_capsule {
        x.clone()
    } else if x.hasattr(pyo3::intern!(py, "__dlpack__"))? {
        request_capsule(x)?
    } else {
        return Err(type_error(format!(
            "from_dlpack expects an object with __dlpack__ (a NumPy array, a torch/JAX/TensorFlow tensor, a tensorbridge tensor) or a DLPack capsule, got {}",
            x.get_type().name()?
        )));
    };
    consume(&capsule)?.into_tensor().py()
}

/// `from_dlpack(x, /, *, device=None, copy=None)`: a tensor sharing the
/// memory of any DLPack producer (an object with `__dlpack__`) or of a raw
/// capsule. `copy=True` copies after importing; `copy=False` and `None`
/// share (a CPU import never needs a copy). Read-only producers give a
/// read-only tensor. The producer's deleter runs exactly once, when the
/// last tensor using the memory is gone.
#[pyfunction]
#[pyo3(signature = (x, /, *, device = None, copy = None))]
pub fn from_dlpack<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    device: Option<&Bound<'py, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyTensor>> {
    let t = import(x)?;
    let device = match device {
        Some(d) if !d.is_none() => crate::device::device_from_py(d)?,
        _ => t.device(),
    };
    if device != t.device() {
        if copy == Some(false) {
            return Err(value_error(format!(
                "from_dlpack: copy=False cannot be honoured: the producer's memory is on {}, not {device}; pass copy=None or copy=True",
                t.device()
            )));
        }
        return wrap(py, py.detach(|| t.to_device(device)).py()?);
    }
    let t = if copy == Some(true) {
        t.clone_data().py()?
    } else {
        t
    };
    wrap(py, t)
}
