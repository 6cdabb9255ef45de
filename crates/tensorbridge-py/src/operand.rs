//! Operands of operations: tensors, array-likes and Python scalars.
//!
//! The Array API standard (and NumPy 2, NEP 50) treats a Python scalar as
//! "weak": it takes the dtype of the tensor it meets when its kind fits
//! (`int8_tensor + 1` stays int8, `float32_tensor + 1.5` stays float32), and
//! otherwise the default dtype of its own kind (`int_tensor + 1.5` is
//! float64, like NumPy). An int that does not fit the tensor's dtype raises
//! `OverflowError`, as NumPy 2 does. NumPy scalars (`np.float32(1)`) are
//! not weak: they keep their dtype.

use pyo3::prelude::*;
use pyo3::types::{PyInt, PyTuple};
use tensorbridge::{DType, DTypeKind, Scalar, Tensor};

use crate::errors::type_error;
use crate::input::{scalar_from_py, tensor_from_scalar, to_tensor, Copy};
use crate::tensor::PyTensor;

/// One operand as given: a tensor (or array-like made into one) or a weak
/// Python scalar.
pub enum Operand {
    /// A tensor, shared when the input was a tensor or array.
    Tensor(Tensor),
    /// A Python bool, int, float or complex.
    Scalar(Scalar),
    /// A Python int beyond every integer dtype (int64 and uint64), as the
    /// nearest float64 (an infinity past float64's range). It meets float
    /// and complex tensors as a weak float, integer tensors only in
    /// comparisons (see [`crate::elementwise::operands`]).
    BigInt(f64),
}

/// Classifies one operand: tensors as they are, Python scalars as weak
/// scalars, anything else through the one input conversion (sharing
/// NumPy arrays and DLPack producers when it can).
pub fn operand(obj: &Bound<'_, PyAny>) -> PyResult<Operand> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(Operand::Tensor(t.get().inner.clone()));
    }
    match scalar_from_py(obj) {
        Ok(Some(s)) => return Ok(Operand::Scalar(s)),
        Ok(None) => {}
        // The one Python scalar that does not read: an int beyond 64 bits.
        Err(e) => return big_int(obj).map(Operand::BigInt).ok_or(e),
    }
    to_tensor(obj, None, Copy::IfNeeded).map(Operand::Tensor)
}

/// A Python int as the nearest float64, or ±inf where float64 cannot hold
/// it either; `None` for anything else.
fn big_int(obj: &Bound<'_, PyAny>) -> Option<f64> {
    if !obj.is_instance_of::<PyInt>() {
        return None;
    }
    Some(match obj.extract::<f64>() {
        Ok(v) => v,
        Err(_) if obj.lt(0).unwrap_or(false) => f64::NEG_INFINITY,
        Err(_) => f64::INFINITY,
    })
}

/// A Python int beyond 64 bits next to a tensor of dtype `other`: a weak
/// float for float and complex tensors (`float32_t + 2**64`, as NumPy
/// gives), `OverflowError` for integer and bool tensors, which cannot hold
/// it, and past float64's range (as NumPy's conversion raises).
pub fn big_int_tensor(v: f64, other: DType) -> PyResult<Tensor> {
    match other.kind() {
        DTypeKind::Float | DTypeKind::Complex if v.is_infinite() => Err(crate::errors::overflow_error(
            "a Python integer too large to convert to a float64 cannot meet a float tensor; use float('inf') if an infinity is meant",
        )),
        DTypeKind::Float | DTypeKind::Complex => scalar_tensor(Scalar::Float(v), other),
        _ => Err(crate::errors::overflow_error(format!(
            "a Python integer of about {v:e} is out of bounds for {other} (and for every integer dtype); \
             use a float, or a float tensor"
        ))),
    }
}

/// A tensor argument: tensors as they are, anything else converted (Python
/// scalars become 0-d tensors of their default dtype).
pub fn tensor_arg(obj: &Bound<'_, PyAny>) -> PyResult<Tensor> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(t.get().inner.clone());
    }
    to_tensor(obj, None, Copy::IfNeeded)
}

/// The dtype a weak Python scalar takes next to a tensor of dtype `other`.
pub fn weak_scalar_dtype(s: Scalar, other: DType) -> DType {
    use DTypeKind as K;
    match (s.kind(), other.kind()) {
        (K::Bool, _) => other,
        (K::Int | K::UInt, K::Bool) => match s {
            Scalar::UInt(_) => DType::UInt64,
            _ => DType::Int64,
        },
        (K::Int | K::UInt, _) => other,
        (K::Float, K::Bool | K::Int | K::UInt) => DType::Float64,
        (K::Float, _) => other,
        (K::Complex, K::Bool | K::Int | K::UInt) => DType::Complex128,
        (K::Complex, K::Float) if other == DType::Float64 => DType::Complex128,
        (K::Complex, K::Float) => DType::Complex64,
        (K::Complex, K::Complex) => other,
    }
}

/// A weak scalar as a 0-d tensor next to a tensor of dtype `other`
/// (`OverflowError` when an int does not fit).
pub fn scalar_tensor(s: Scalar, other: DType) -> PyResult<Tensor> {
    tensor_from_scalar(s, Some(weak_scalar_dtype(s, other)))
}

/// Resolves operands so that every weak scalar becomes a 0-d tensor of the
/// dtype the tensors around it give it. Scalars meet the promoted dtype of
/// all tensor operands; at least one operand must be a tensor.
pub fn resolve(ops: Vec<Operand>, op: &str) -> PyResult<Vec<Tensor>> {
    let tensors: Vec<DType> = ops
        .iter()
        .filter_map(|o| match o {
            Operand::Tensor(t) => Some(t.dtype()),
            Operand::Scalar(_) | Operand::BigInt(_) => None,
        })
        .collect();
    let Some(first) = tensors.first().copied() else {
        return Err(type_error(format!(
            "{op}: at least one argument must be a tensor, got only Python scalars; wrap one in tensorbridge.asarray(...)"
        )));
    };
    let common = tensors[1..]
        .iter()
        .fold(first, |acc, &d| tensorbridge::promote::promote_types(acc, d));
    ops.into_iter()
        .map(|o| match o {
            Operand::Tensor(t) => Ok(t),
            Operand::Scalar(s) => scalar_tensor(s, common),
            Operand::BigInt(v) => big_int_tensor(v, common),
        })
        .collect()
}

/// Two operands resolved by [`resolve`].
pub fn resolve_pair(a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>, op: &str) -> PyResult<(Tensor, Tensor)> {
    let mut v = resolve(vec![operand(a)?, operand(b)?], op)?;
    let b = v.pop().expect("two operands");
    let a = v.pop().expect("two operands");
    Ok((a, b))
}

/// Reads `axis=`/`dim=` (an int, a tuple of ints or `None`): `dim` is the
/// PyTorch spelling of the same argument; giving both is an error.
pub fn axes_arg<'py>(
    axis: Option<&Bound<'py, PyAny>>,
    dim: Option<&Bound<'py, PyAny>>,
    op: &str,
) -> PyResult<Option<Vec<i64>>> {
    let given = |o: Option<&Bound<'py, PyAny>>| o.filter(|x| !x.is_none()).cloned();
    let obj = match (given(axis), given(dim)) {
        (Some(_), Some(_)) => {
            return Err(type_error(format!("{op}: give axis= or dim= (the same argument), not both")));
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return Ok(None),
    };
    if obj.is_instance_of::<PyInt>() {
        return Ok(Some(vec![int_of(&obj, op)?]));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|x| int_of(&x, op)).collect::<PyResult<Vec<_>>>().map(Some);
    }
    if let Ok(l) = obj.cast::<pyo3::types::PyList>() {
        return l.iter().map(|x| int_of(&x, op)).collect::<PyResult<Vec<_>>>().map(Some);
    }
    Err(type_error(format!(
        "{op}: axis must be an int, a tuple of ints or None, got {}",
        obj.get_type().name()?
    )))
}

fn int_of(x: &Bound<'_, PyAny>, op: &str) -> PyResult<i64> {
    if x.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(format!("{op}: an axis must be an int, not a bool")));
    }
    x.extract::<i64>()
        .map_err(|_| type_error(format!("{op}: an axis must be an int, got {}", x.get_type().name().map(|n| n.to_string()).unwrap_or_default())))
}
