//! The Array API's data type functions that need the promotion table:
//! `can_cast` and `result_type` (`finfo`, `iinfo` and `isdtype` are plain
//! metadata and live in Python).

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tensorbridge::promote::{can_cast as core_can_cast, promote_types};
use tensorbridge::DType;

use crate::dtype::{dtype_from_py, PyDType};
use crate::errors::type_error;
use crate::input::scalar_from_py;
use crate::operand::weak_scalar_dtype;
use crate::tensor::PyTensor;

/// A dtype from a tensor or anything dtype-like.
fn dtype_of(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(t.get().inner.dtype());
    }
    dtype_from_py(obj)
}

/// `can_cast(from_, to, /)`: whether `from_` (a dtype or tensor) casts to
/// `to` without losing values, by the promotion table.
#[pyfunction]
#[pyo3(signature = (from_, to, /))]
fn can_cast(from_: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(core_can_cast(dtype_of(from_)?, dtype_from_py(to)?))
}

/// `result_type(*arrays_and_dtypes)`: the dtype the arguments promote to.
/// Python scalars are weak: they take the dtype the others give them.
#[pyfunction]
#[pyo3(signature = (*arrays_and_dtypes))]
fn result_type(arrays_and_dtypes: &Bound<'_, PyTuple>) -> PyResult<PyDType> {
    let mut strong: Option<DType> = None;
    let mut scalars = Vec::new();
    for x in arrays_and_dtypes.iter() {
        if !x.is_instance_of::<PyTensor>() {
            if let Some(s) = scalar_from_py(&x)? {
                scalars.push(s);
                continue;
            }
        }
        let d = dtype_of(&x)?;
        strong = Some(strong.map_or(d, |acc| promote_types(acc, d)));
    }
    let Some(mut dtype) = strong else {
        return Err(type_error(
            "result_type needs at least one tensor or dtype; Python scalars alone have no dtype",
        ));
    };
    for s in scalars {
        dtype = promote_types(dtype, weak_scalar_dtype(s, dtype));
    }
    Ok(PyDType { inner: dtype })
}

/// Adds the data type functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(can_cast, m)?)?;
    m.add_function(wrap_pyfunction!(result_type, m)?)?;
    Ok(())
}
