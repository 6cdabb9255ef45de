//! `t[key]` and `t[key] = value`: Python keys parsed into the core's
//! indexing components.
//!
//! Keys made only of integers, slices, `None` and `...` stay on the basic
//! path (a view; no tensor is built for the key). Any array-like component
//! (a tensor, NumPy array, list or nested tuple of ints or bools, a Python
//! or NumPy bool) makes the key advanced: the core then selects a copy by
//! NumPy's rules.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyEllipsis, PyInt, PyList, PyNone, PySlice, PyTuple};
use tensorbridge::{DType, IndexItem, Scalar, Tensor, TensorIndex};

use crate::errors::{index_error, type_error, CoreResultExt};
use crate::input::{check_scalar_fits, scalar_from_py, to_tensor, Copy};
use crate::numpy::as_ndarray;
use crate::tensor::PyTensor;

/// One parsed key component.
enum Part {
    Basic(TensorIndex),
    Array(Tensor),
}

/// A parsed key: basic (a view) or advanced (a copy).
pub enum Key {
    /// Integers, slices, `None` and `...` only.
    Basic(Vec<TensorIndex>),
    /// At least one index array.
    Advanced(Vec<IndexItem>),
}

const VALID: &str = "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are valid indices";

/// An index array from a list or nested tuple: ints or bools (NumPy
/// accepts an empty list as an empty integer index).
fn sequence_index(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    let t = to_tensor(obj, None, Copy::IfNeeded).map_err(|e| {
        index_error(format!(
            "{VALID}; the list could not be read as integers or bools: {e}"
        ))
    })?;
    if t.dtype().is_integer() || t.dtype() == DType::Bool {
        return Ok(t);
    }
    if t.numel() == 0 {
        return t.to_dtype(DType::Int64).py();
    }
    Err(index_error(format!(
        "{VALID}, got a list of {} values",
        t.dtype()
    )))
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
    int_index(&obj)
        .map(Some)
        .map_err(|_| type_error("slice indices must be integers or None"))
}

fn one(obj: &Bound<'_, PyAny>, nested: bool) -> PyResult<Part> {
    let py = obj.py();
    if obj.is_instance_of::<PyNone>() {
        return Ok(Part::Basic(TensorIndex::NewAxis));
    }
    if obj.is_instance_of::<PyEllipsis>() {
        return Ok(Part::Basic(TensorIndex::Ellipsis));
    }
    if obj.is_instance_of::<PyBool>() {
        return bool_part(obj);
    }
    if let Ok(s) = obj.cast::<PySlice>() {
        let step = slice_part(s.getattr(pyo3::intern!(py, "step")))?.unwrap_or(1);
        if step == 0 {
            return Err(crate::errors::value_error("slice step cannot be zero"));
        }
        return Ok(Part::Basic(TensorIndex::Slice {
            start: slice_part(s.getattr(pyo3::intern!(py, "start")))?,
            stop: slice_part(s.getattr(pyo3::intern!(py, "stop")))?,
            step,
        }));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Part::Basic(TensorIndex::Int(int_index(obj)?)));
    }
    other(obj, nested)
}

/// A Python bool as a key component: a 0-d mask.
#[cold]
#[inline(never)]
fn bool_part(obj: &Bound<'_, PyAny>) -> PyResult<Part> {
    Ok(Part::Array(
        Tensor::full(&[], Scalar::Bool(obj.is_truthy()?), DType::Bool).py()?,
    ))
}

/// Key components other than None, `...`, bools, slices and ints: kept out
/// of line so the common basic keys stay short.
#[cold]
#[inline(never)]
fn other(obj: &Bound<'_, PyAny>, nested: bool) -> PyResult<Part> {
    let py = obj.py();
    if let Ok(t) = obj.cast::<PyTensor>() {
        let t = &t.get().inner;
        if t.ndim() == 0 && t.dtype().is_integer() {
            return Ok(Part::Basic(TensorIndex::Int(match t.item().py()? {
                Scalar::Int(v) => v,
                Scalar::UInt(v) => i64::try_from(v).unwrap_or(i64::MAX),
                _ => unreachable!("integer dtype"),
            })));
        }
        return Ok(Part::Array(t.clone()));
    }
    if let Some(a) = as_ndarray(obj) {
        use numpy::{PyArrayDescrMethods, PyUntypedArrayMethods};
        if a.ndim() == 0 && a.dtype().kind() != b'b' {
            if let Ok(i) = int_index(obj) {
                return Ok(Part::Basic(TensorIndex::Int(i)));
            }
        }
        return Ok(Part::Array(to_tensor(obj, None, Copy::IfNeeded)?));
    }
    if obj.is_instance_of::<PyList>() || (nested && obj.is_instance_of::<PyTuple>()) {
        return Ok(Part::Array(sequence_index(obj)?));
    }
    if obj.hasattr(pyo3::intern!(py, "__index__"))? {
        return Ok(Part::Basic(TensorIndex::Int(int_index(obj)?)));
    }
    // NumPy bool scalars (no `__index__`) and other array-likes that
    // convert to integer or bool tensors.
    if obj.hasattr(pyo3::intern!(py, "dtype"))? {
        if let Ok(t) = to_tensor(obj, None, Copy::IfNeeded) {
            if t.dtype() == DType::Bool || (t.dtype().is_integer() && t.ndim() > 0) {
                return Ok(Part::Array(t));
            }
        }
    }
    Err(index_error(format!(
        "{VALID}, got {}",
        obj.get_type().name()?
    )))
}

/// Parses a full indexing key; components after an index array go to the
/// advanced key, earlier basic ones are moved over when the first arrives.
pub fn parse_key(key: &Bound<'_, PyAny>) -> PyResult<Key> {
    let Ok(t) = key.cast::<PyTuple>() else {
        return Ok(match one(key, false)? {
            Part::Basic(b) => Key::Basic(vec![b]),
            Part::Array(a) => Key::Advanced(vec![IndexItem::Array(a)]),
        });
    };
    let mut basic: Vec<TensorIndex> = Vec::with_capacity(t.len());
    let mut advanced: Option<Vec<IndexItem>> = None;
    for k in t.iter() {
        match (one(&k, true)?, &mut advanced) {
            (Part::Basic(b), None) => basic.push(b),
            (Part::Basic(b), Some(adv)) => adv.push(IndexItem::Basic(b)),
            (Part::Array(a), adv) => adv
                .get_or_insert_with(|| basic.drain(..).map(IndexItem::Basic).collect())
                .push(IndexItem::Array(a)),
        }
    }
    Ok(match advanced {
        Some(items) => Key::Advanced(items),
        None => Key::Basic(basic),
    })
}

/// `t[key]`: a view for basic keys, a copy for advanced ones.
pub fn get(t: &Tensor, key: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    if !key.is_instance_of::<PyTuple>() {
        // One component: no key vector to build.
        return match one(key, false)? {
            Part::Basic(b) => t.index(std::slice::from_ref(&b)).py(),
            Part::Array(a) => t.index_get(&[IndexItem::Array(a)]).py(),
        };
    }
    match parse_key(key)? {
        Key::Basic(k) => t.index(&k).py(),
        Key::Advanced(k) => t.index_get(&k).py(),
    }
}

/// `t[key] = value`: scalars fill (cast to `t`'s dtype; ints must fit),
/// anything else is converted (sharing when possible), broadcast and
/// copied with a cast.
pub fn set(t: &Tensor, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if t.is_readonly() {
        return Err(tensorbridge::Error::ReadOnly { op: "item assignment" }).py();
    }
    match parse_key(key)? {
        Key::Basic(k) => {
            let view = t.index(&k).py()?;
            if let Some(s) = scalar_from_py(value)? {
                check_scalar_fits(s, view.dtype())?;
                return view.fill_(s).py();
            }
            let src = to_tensor(value, None, Copy::IfNeeded)?;
            view.copy_(&src).py()
        }
        Key::Advanced(k) => {
            let src = match scalar_from_py(value)? {
                Some(s) => {
                    check_scalar_fits(s, t.dtype())?;
                    Tensor::full(&[], s, t.dtype()).py()?
                }
                None => to_tensor(value, None, Copy::IfNeeded)?,
            };
            t.index_set(&k, &src).py()
        }
    }
}
