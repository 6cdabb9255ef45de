//! What a Python object becomes when a tensor is asked of it, and whether
//! the result shares its memory.
//!
//! One function, [`to_tensor`], implements the rows of SPEC §1–2 for every
//! entry point (`tensor`, `as_tensor`, `asarray`, assignment values): it
//! classifies the input (tensor, ndarray, Python sequence, Python scalar,
//! NumPy scalar, DLPack producer, buffer or array-interface object) and
//! shares, copies or refuses according to [`Copy`].

use numpy::PyUntypedArray;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyList, PyString, PyTuple};
use tensorbridge::{DType, Scalar, Tensor};

use crate::errors::{overflow_error, type_error, value_error, CoreResultExt};
use crate::numpy::{normalized_copy, numpy_module, share_ndarray, ShareError};
use crate::tensor::PyTensor;

/// The caller's wish about copying (the Array API's `copy=` argument).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Copy {
    /// `copy=False`: share or raise `ValueError`.
    Never,
    /// `copy=None`: share when possible.
    IfNeeded,
    /// `copy=True`: always new memory.
    Always,
}

impl Copy {
    /// Reads the Array API's `copy=None/True/False`.
    pub fn from_flag(flag: Option<bool>) -> Copy {
        match flag {
            None => Copy::IfNeeded,
            Some(true) => Copy::Always,
            Some(false) => Copy::Never,
        }
    }
}

fn cannot_share(what: &str) -> PyErr {
    value_error(format!(
        "copy=False was requested but {what}; pass copy=None to allow a copy"
    ))
}

/// Applies the requested dtype and copy rule to a tensor that shares the input.
fn finish(shared: Tensor, dtype: Option<DType>, copy: Copy) -> PyResult<Tensor> {
    let target = dtype.unwrap_or(shared.dtype());
    match copy {
        Copy::Always => shared.to_dtype(target).py(),
        Copy::IfNeeded => shared.to(target).py(),
        Copy::Never if target != shared.dtype() => Err(cannot_share(&format!(
            "converting {} to {} needs a copy",
            shared.dtype(),
            target
        ))),
        Copy::Never => Ok(shared),
    }
}

/// A tensor from an ndarray: shared when the layout allows, else copied
/// through a native-order aligned NumPy copy.
pub fn from_ndarray(arr: &Bound<'_, PyUntypedArray>, dtype: Option<DType>, copy: Copy) -> PyResult<Tensor> {
    match share_ndarray(arr) {
        Ok(t) => finish(t, dtype, copy),
        Err(ShareError::Unsupported(e) | ShareError::Invalid(e)) => Err(e),
        Err(ShareError::Layout(e)) if copy == Copy::Never => Err(e),
        Err(ShareError::Layout(_)) => {
            // A fresh array that only we reference: sharing it is a copy.
            let fresh = normalized_copy(arr)?;
            let t = share_ndarray(&fresh).map_err(PyErr::from)?;
            finish(t, dtype, Copy::IfNeeded)
        }
    }
}

/// Reads a Python scalar (bool, int, float, complex and their subclasses),
/// or `None` if `obj` is not one. NumPy scalars (`np.float64` subclasses
/// `float`) are not Python scalars here: they keep their NumPy dtype.
pub fn scalar_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Option<Scalar>> {
    let exact = obj.is_exact_instance_of::<PyFloat>()
        || obj.is_exact_instance_of::<PyInt>()
        || obj.is_exact_instance_of::<PyBool>()
        || obj.is_exact_instance_of::<PyComplex>();
    if !exact && is_numpy_scalar(obj)? {
        return Ok(None);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Some(Scalar::Bool(obj.is_truthy()?)));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return int_scalar(i).map(Some);
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Some(Scalar::Float(f.value())));
    }
    if let Ok(c) = obj.cast::<PyComplex>() {
        return Ok(Some(Scalar::Complex(c.real(), c.imag())));
    }
    Ok(None)
}

fn int_scalar(i: &Bound<'_, PyInt>) -> PyResult<Scalar> {
    if let Ok(v) = i.extract::<i64>() {
        return Ok(Scalar::Int(v));
    }
    if let Ok(v) = i.extract::<u64>() {
        return Ok(Scalar::UInt(v));
    }
    Err(overflow_error(format!(
        "Python integer {i} is out of range for every tensorbridge integer dtype (int64 and uint64); use a float or split the value"
    )))
}

/// The values an integer dtype holds; `None` for the other dtypes.
fn int_range(dtype: DType) -> Option<(i128, i128)> {
    Some(match dtype {
        DType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DType::Int32 => (i32::MIN.into(), i32::MAX.into()),
        DType::Int64 => (i64::MIN.into(), i64::MAX.into()),
        DType::UInt8 => (0, u8::MAX.into()),
        DType::UInt16 => (0, u16::MAX.into()),
        DType::UInt32 => (0, u32::MAX.into()),
        DType::UInt64 => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// Whether `value` is a Python int that integer `dtype` cannot hold
/// (false for every other value and dtype).
pub fn int_out_of_range(value: Scalar, dtype: DType) -> bool {
    let v: i128 = match value {
        Scalar::Int(v) => v.into(),
        Scalar::UInt(v) => v.into(),
        _ => return false,
    };
    int_range(dtype).is_some_and(|(lo, hi)| v < lo || v > hi)
}

/// Checks that a Python number can be written into `dtype` without a
/// silent surprise, as NumPy 2 and PyTorch both refuse one:
/// - an int (or a float, truncated) outside an integer dtype's range is an
///   `OverflowError` (`np.uint8(300)`, `uint8_t.fill_(300.0)`), where a
///   cast would have wrapped it;
/// - a float NaN into an integer dtype is a `ValueError`, an infinity an
///   `OverflowError` (NumPy's exception types);
/// - a complex number into a real or bool dtype is a `TypeError` (its
///   imaginary part would vanish).
pub fn check_scalar_fits(value: Scalar, dtype: DType) -> PyResult<()> {
    if let Scalar::Complex(re, im) = value {
        if !dtype.is_complex() {
            return Err(type_error(format!(
                "cannot write the complex value ({re}{im:+}j) into a {dtype} tensor; take its .real or use a complex dtype"
            )));
        }
        return Ok(());
    }
    let Some((lo, hi)) = int_range(dtype) else {
        return Ok(());
    };
    let v: i128 = match value {
        Scalar::Int(v) => v.into(),
        Scalar::UInt(v) => v.into(),
        Scalar::Float(f) if f.is_nan() => {
            return Err(value_error(format!(
                "cannot convert float NaN to {dtype}: integers have no NaN; replace it first (tensorbridge.where)"
            )));
        }
        Scalar::Float(f) if f.is_infinite() => {
            return Err(overflow_error(format!(
                "cannot convert float {f:?} to {dtype}: integers have no infinity; replace it first (tensorbridge.where)"
            )));
        }
        Scalar::Float(f) => {
            // Truncated, as the cast would; both ends are exact in float64
            // (the upper one exclusive: 2^63 and 2^64 for the wide types).
            let t = f.trunc();
            if t >= lo as f64 && t < (hi + 1) as f64 {
                return Ok(());
            }
            return Err(overflow_error(format!(
                "{f:?} is out of bounds for {dtype} (range {lo}..={hi}) and would wrap around; choose a wider dtype or clip first"
            )));
        }
        _ => return Ok(()),
    };
    if v < lo || v > hi {
        return Err(overflow_error(format!(
            "Python integer {v} is out of bounds for {dtype} (range {lo}..={hi}); choose a wider dtype"
        )));
    }
    Ok(())
}

/// A 0-d tensor holding a Python scalar.
pub fn tensor_from_scalar(value: Scalar, dtype: Option<DType>) -> PyResult<Tensor> {
    if let (Scalar::UInt(v), None) = (value, dtype) {
        return Err(overflow_error(format!(
            "Python integer {v} is out of range for the default int64; pass dtype=tensorbridge.uint64 or use a float"
        )));
    }
    let dtype = dtype.unwrap_or(value.default_dtype());
    check_scalar_fits(value, dtype)?;
    Tensor::full(&[], value, dtype).py()
}

/// The one conversion of any Python object to a tensor (see module docs).
pub fn to_tensor(obj: &Bound<'_, PyAny>, dtype: Option<DType>, copy: Copy) -> PyResult<Tensor> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return finish(t.get().inner.clone(), dtype, copy);
    }
    if let Ok(arr) = obj.cast::<PyUntypedArray>() {
        return from_ndarray(arr, dtype, copy);
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        if copy == Copy::Never {
            return Err(cannot_share("a Python sequence has no memory to share"));
        }
        return crate::sequence::tensor_from_sequence(obj, dtype);
    }
    if let Some(s) = scalar_from_py(obj)? {
        if copy == Copy::Never {
            return Err(cannot_share("a Python scalar has no memory to share"));
        }
        return tensor_from_scalar(s, dtype);
    }
    if obj.is_instance_of::<PyString>() {
        return Err(type_error(
            "can't make a tensor from a str; tensors hold numbers (parse the text first)",
        ));
    }
    // Any other DLPack producer (PyTorch, JAX, TensorFlow, CuPy tensors):
    // shared through DLPack.
    if obj.hasattr(pyo3::intern!(obj.py(), "__dlpack__"))? && !is_numpy_scalar(obj)? {
        return finish(crate::dlpack::import(obj)?, dtype, copy);
    }
    // NumPy scalars, buffer exporters (bytes, bytearray, memoryview,
    // array.array), __array_interface__ and __array__ objects: NumPy knows
    // them all and shares their memory when it can.
    let py = obj.py();
    let np = numpy_module(py)?;
    let arr = if is_numpy_scalar(obj)? {
        np.call_method1(pyo3::intern!(py, "asarray"), (obj,))?
    } else if unsafe_check_buffer(obj) {
        let mv = py
            .import(pyo3::intern!(py, "builtins"))?
            .getattr(pyo3::intern!(py, "memoryview"))?
            .call1((obj,))?;
        np.call_method1(pyo3::intern!(py, "asarray"), (mv,))?
    } else if obj.hasattr(pyo3::intern!(py, "__array_interface__"))? || obj.hasattr(pyo3::intern!(py, "__array__"))? {
        let kwargs = pyo3::types::PyDict::new(py);
        if copy == Copy::Never {
            kwargs.set_item("copy", false)?;
        }
        np.getattr(pyo3::intern!(py, "asarray"))?
            .call((obj,), Some(&kwargs))
            .map_err(|e| {
                if e.is_instance_of::<pyo3::exceptions::PyValueError>(py) && copy == Copy::Never {
                    cannot_share(&format!("{} cannot be shared without a copy", type_name(obj)))
                } else {
                    e
                }
            })?
    } else {
        return Err(type_error(format!(
            "can't make a tensor from {}: expected a tensor, NumPy array, nested sequence of numbers, number, or an object with the buffer protocol or __array__",
            type_name(obj)
        )));
    };
    let arr = arr.cast_into::<PyUntypedArray>()?;
    from_ndarray(&arr, dtype, copy)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into())
}

fn is_numpy_scalar(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    let generic = numpy_module(py)?.getattr(pyo3::intern!(py, "generic"))?;
    obj.is_instance(&generic)
}

fn unsafe_check_buffer(obj: &Bound<'_, PyAny>) -> bool {
    // SAFETY: PyObject_CheckBuffer only reads the type slots of a live object.
    unsafe { pyo3::ffi::PyObject_CheckBuffer(obj.as_ptr()) == 1 }
}
