//! `t[key]` and `t[key] = value`: Python keys parsed into the core's basic
//! indexing components.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyEllipsis, PyInt, PyList, PyNone, PySlice, PyTuple};
use tensorbridge::{Tensor, TensorIndex};

use crate::errors::{index_error, type_error, CoreResultExt};
use crate::input::{check_int_fits, scalar_from_py, to_tensor, Copy};
use crate::numpy::as_ndarray;
use crate::tensor::PyTensor;

fn advanced_unsupported(what: &str) -> PyErr {
    index_error(format!(
        "{what} indexing (integer arrays, boolean masks) is not supported yet; use integers, slices, None and ... (basic indexing), or index the NumPy view t.numpy()[...]"
    ))
}

/// Reads an integer index (anything with `__index__`), saturating values
/// beyond int64 so that the bounds check reports them as out of range.
fn int_index(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    let i = obj.cast::<PyInt>().cloned().or_else(|_| {
        obj.call_method0(pyo3::intern!(obj.py(), "__index__"))
            .and_then(|v| Ok(v.cast_into::<PyInt>()?))
    })?;
    match i.extract::<i64>() {
        Ok(v) => Ok(v),
        Err(_) => Ok(if i.lt(0)? { i64::MIN } else { i64::MAX }),
    }
}

fn slice_part(obj: PyResult<Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let obj = obj?;
    if obj.is_none() {
        return Ok(None);
    }
    int_index(&obj).map(Some).map_err(|_| {
        type_error("slice indices must be integers or None")
    })
}

fn one(obj: &Bound<'_, PyAny>) -> PyResult<TensorIndex> {
    let py = obj.py();
    if obj.is_instance_of::<PyNone>() {
        return Ok(TensorIndex::NewAxis);
    }
    if obj.is_instance_of::<PyEllipsis>() {
        return Ok(TensorIndex::Ellipsis);
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(advanced_unsupported("boolean"));
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        let step = slice_part(s.getattr(pyo3::intern!(py, "step")))?.unwrap_or(1);
        if step == 0 {
            return Err(crate::errors::value_error("slice step cannot be zero"));
        }
        return Ok(TensorIndex::Slice {
            start: slice_part(s.getattr(pyo3::intern!(py, "start")))?,
            stop: slice_part(s.getattr(pyo3::intern!(py, "stop")))?,
            step,
        });
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(TensorIndex::Int(int_index(obj)?));
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        let t = &t.get().inner;
        if t.ndim() == 0 && t.dtype().is_integer() {
            return Ok(TensorIndex::Int(match t.item().py()? {
                tensorbridge::Scalar::Int(v) => v,
                tensorbridge::Scalar::UInt(v) => i64::try_from(v).unwrap_or(i64::MAX),
                _ => unreachable!("integer dtype"),
            }));
        }
        return Err(advanced_unsupported("tensor"));
    }
    if obj.is_instance_of::<PyList>() || as_ndarray(obj).is_some() {
        if let Some(a) = as_ndarray(obj) {
            use numpy::{PyArrayDescrMethods, PyUntypedArrayMethods};
            if a.ndim() == 0 && a.dtype().kind() != b'b' {
                if let Ok(i) = int_index(obj) {
                    return Ok(TensorIndex::Int(i));
                }
            }
        }
        return Err(advanced_unsupported("array"));
    }
    if obj.hasattr(pyo3::intern!(py, "__index__"))? {
        return Ok(TensorIndex::Int(int_index(obj)?));
    }
    Err(index_error(format!(
        "only integers, slices (`:`), ellipsis (`...`) and None are valid indices, got {}",
        obj.get_type().name()?
    )))
}

/// Parses a full indexing key.
pub fn parse_key(key: &Bound<'_, PyAny>) -> PyResult<Vec<TensorIndex>> {
    if let Ok(t) = key.cast::<PyTuple>() {
        t.iter().map(|k| one(&k)).collect()
    } else {
        Ok(vec![one(key)?])
    }
}

/// `t[key]`.
pub fn get(t: &Tensor, key: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    t.index(&parse_key(key)?).py()
}

/// `t[key] = value`: scalars fill, anything else is converted (sharing when
/// possible), broadcast and copied with a cast.
pub fn set(t: &Tensor, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let view = t.index(&parse_key(key)?).py()?;
    if let Some(s) = scalar_from_py(value)? {
        check_int_fits(s, view.dtype())?;
        return view.fill_(s).py();
    }
    let src = to_tensor(value, None, Copy::IfNeeded)?;
    view.copy_(&src).py()
}
