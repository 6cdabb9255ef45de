//! Python glue of the manipulation functions (`tensorbridge::ops::
//! {manipulate, join, replicate, roll}`): module functions with the Array
//! API signatures, and the Tensor methods PyTorch users expect.
//!
//! Two names mean different things in the two vocabularies. The module's
//! `repeat(x, repeats, /, *, axis=None)` is the standard's (NumPy's
//! `repeat`: each element several times), while `Tensor.repeat(*sizes)` is
//! PyTorch's (the whole tensor several times, the standard's `tile`);
//! `Tensor.repeat_interleave(repeats, dim=None)` is PyTorch's name for the
//! standard's `repeat`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyList, PyTuple};
use tensorbridge::ops::{join, manipulate, replicate, roll as roll_op};
use tensorbridge::Tensor;

use crate::errors::{type_error, CoreResultExt};
use crate::operand::{axes_arg, tensor_arg};
use crate::tensor::{int_args, wrap, PyTensor};

/// An int or a sequence of ints (a shape, axes, shifts, repetitions).
pub(crate) fn ints_arg(obj: &Bound<'_, PyAny>, op: &str, what: &str) -> PyResult<Vec<i64>> {
    let one = |x: &Bound<'_, PyAny>| -> PyResult<i64> {
        if x.is_instance_of::<PyBool>() {
            return Err(type_error(format!(
                "{op}: {what} must hold ints, not bools"
            )));
        }
        x.extract::<i64>().map_err(|_| {
            let name = x
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            type_error(format!(
                "{op}: {what} must be an int or a sequence of ints, got {name}"
            ))
        })
    };
    if obj.is_instance_of::<PyInt>() {
        return Ok(vec![one(obj)?]);
    }
    match obj.try_iter() {
        Ok(items) => items.map(|x| one(&x?)).collect(),
        // Not a sequence: a lone integer-like (NumPy integer, 0-d array).
        Err(_) => Ok(vec![one(obj)?]),
    }
}

/// A shape argument: a sequence of non-negative ints (or one int).
fn shape_arg(obj: &Bound<'_, PyAny>, op: &str) -> PyResult<Vec<usize>> {
    ints_arg(obj, op, "shape")?
        .into_iter()
        .map(|d| {
            usize::try_from(d).map_err(|_| {
                crate::errors::value_error(format!(
                    "{op}: negative dimension {d} in shape; sizes must be >= 0"
                ))
            })
        })
        .collect()
}

/// A sequence of tensors (list, tuple or any iterable of array-likes).
fn tensors_arg(obj: &Bound<'_, PyAny>, op: &str) -> PyResult<Vec<Tensor>> {
    if obj.is_instance_of::<PyTensor>() {
        return Err(type_error(format!(
            "{op}: expected a list or tuple of tensors, got one tensor"
        )));
    }
    obj.try_iter()
        .map_err(|_| type_error(format!("{op}: expected a list or tuple of tensors")))?
        .map(|x| tensor_arg(&x?))
        .collect()
}

fn list_of<'py>(py: Python<'py>, ts: Vec<Tensor>) -> PyResult<Bound<'py, PyList>> {
    let items = ts
        .into_iter()
        .map(|t| wrap(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, items)
}

fn tuple_of<'py>(py: Python<'py>, ts: Vec<Tensor>) -> PyResult<Bound<'py, PyTuple>> {
    let items = ts
        .into_iter()
        .map(|t| wrap(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, items)
}

/// `repeat` with counts as given: a Python int, or a tensor (anything
/// array-like) of integer counts.
fn repeat_any(x: &Tensor, repeats: &Bound<'_, PyAny>, axis: Option<i64>) -> PyResult<Tensor> {
    if repeats.is_instance_of::<PyInt>() {
        return replicate::repeat(x, &[repeats.extract::<i64>()?], axis).py();
    }
    replicate::repeat_by(x, &tensor_arg(repeats)?, axis).py()
}

/// `broadcast_shapes(*shapes)`: the shape the given shapes broadcast to.
#[pyfunction]
#[pyo3(signature = (*shapes))]
pub fn broadcast_shapes(py: Python<'_>, shapes: Vec<Vec<usize>>) -> PyResult<Bound<'_, pyo3::types::PyTuple>> {
    let shape = shapes.iter().try_fold(Vec::new(), |acc, s| {
        tensorbridge::layout::broadcast_shapes(&acc, s, "broadcast_shapes").py()
    })?;
    pyo3::types::PyTuple::new(py, shape)
}

/// `broadcast_arrays(*arrays)`: views broadcast to one shape (a list).
#[pyfunction]
#[pyo3(signature = (*arrays))]
pub fn broadcast_arrays<'py>(
    py: Python<'py>,
    arrays: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyList>> {
    let ts = arrays
        .iter()
        .map(|a| tensor_arg(&a))
        .collect::<PyResult<Vec<_>>>()?;
    list_of(py, manipulate::broadcast_arrays(&ts).py()?)
}

/// `broadcast_to(x, /, shape)`: a broadcast view.
#[pyfunction]
#[pyo3(signature = (x, /, shape))]
pub fn broadcast_to<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    shape: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let shape = shape_arg(shape, "broadcast_to")?;
    wrap(py, manipulate::broadcast_to(&tensor_arg(x)?, &shape).py()?)
}

/// `concat(arrays, /, *, axis=0)`; `axis=None` flattens first.
#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis = Some(0)))]
#[pyo3(text_signature = "(arrays, /, *, axis=0)")]
pub fn concat<'py>(
    py: Python<'py>,
    arrays: &Bound<'py, PyAny>,
    axis: Option<i64>,
) -> PyResult<Bound<'py, PyTensor>> {
    wrap(
        py,
        join::concat(&tensors_arg(arrays, "concat")?, axis).py()?,
    )
}

/// `stack(arrays, /, *, axis=0)`.
#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis = 0))]
pub fn stack<'py>(
    py: Python<'py>,
    arrays: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, join::stack(&tensors_arg(arrays, "stack")?, axis).py()?)
}

/// `expand_dims(x, /, axis=0)`: an int, or a tuple of positions as NumPy
/// and the standard's next revision take. `axis` may be given by position
/// or keyword, which satisfies both the 2024.12 text (keyword-only with a
/// default) and its correction (positional-or-keyword).
#[pyfunction]
#[pyo3(signature = (x, /, axis = None))]
#[pyo3(text_signature = "(x, /, axis=0)")]
pub fn expand_dims<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let axes = axes_arg(axis, None, "expand_dims")?.unwrap_or_else(|| vec![0]);
    wrap(py, manipulate::expand_dims(&tensor_arg(x)?, &axes).py()?)
}

/// `flip(x, /, *, axis=None)`: a view with negative strides.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis = None))]
pub fn flip<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let axes = axes_arg(axis, None, "flip")?;
    wrap(py, manipulate::flip(&tensor_arg(x)?, axes.as_deref()).py()?)
}

/// `moveaxis(x, source, destination, /)`: a view.
#[pyfunction]
#[pyo3(signature = (x, source, destination, /))]
pub fn moveaxis<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    source: &Bound<'py, PyAny>,
    destination: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let src = ints_arg(source, "moveaxis", "source")?;
    let dst = ints_arg(destination, "moveaxis", "destination")?;
    wrap(py, manipulate::moveaxis(&tensor_arg(x)?, &src, &dst).py()?)
}

/// `permute_dims(x, /, axes)`: a view.
#[pyfunction]
#[pyo3(signature = (x, /, axes))]
pub fn permute_dims<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axes: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let axes = ints_arg(axes, "permute_dims", "axes")?;
    wrap(py, manipulate::permute_dims(&tensor_arg(x)?, &axes).py()?)
}

/// `repeat(x, repeats, /, *, axis=None)`: each element repeated (NumPy's
/// `repeat`; see the module docs for `Tensor.repeat`).
#[pyfunction]
#[pyo3(signature = (x, repeats, /, *, axis = None))]
pub fn repeat<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    repeats: &Bound<'py, PyAny>,
    axis: Option<i64>,
) -> PyResult<Bound<'py, PyTensor>> {
    wrap(py, repeat_any(&tensor_arg(x)?, repeats, axis)?)
}

/// `reshape(x, /, shape, *, copy=None)`: `copy=False` raises `ValueError`
/// when a view is impossible, `copy=True` always copies.
#[pyfunction]
#[pyo3(signature = (x, /, shape, *, copy = None))]
pub fn reshape<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    shape: &Bound<'py, PyAny>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyTensor>> {
    let shape = ints_arg(shape, "reshape", "shape")?;
    wrap(py, manipulate::reshape(&tensor_arg(x)?, &shape, copy).py()?)
}

/// `roll(x, /, shift, *, axis=None)`.
#[pyfunction]
#[pyo3(signature = (x, /, shift, *, axis = None))]
pub fn roll<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    shift: &Bound<'py, PyAny>,
    axis: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let shifts = ints_arg(shift, "roll", "shift")?;
    let axes = axes_arg(axis, None, "roll")?;
    wrap(
        py,
        roll_op::roll(&tensor_arg(x)?, &shifts, axes.as_deref()).py()?,
    )
}

/// `squeeze(x, /, axis)`: the axes must have size 1.
#[pyfunction]
#[pyo3(signature = (x, /, axis))]
pub fn squeeze<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let axes = ints_arg(axis, "squeeze", "axis")?;
    wrap(py, manipulate::squeeze(&tensor_arg(x)?, &axes).py()?)
}

/// `tile(x, repetitions, /)`.
#[pyfunction]
#[pyo3(signature = (x, repetitions, /))]
pub fn tile<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    repetitions: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let reps = ints_arg(repetitions, "tile", "repetitions")?;
    wrap(py, replicate::tile(&tensor_arg(x)?, &reps).py()?)
}

/// `unstack(x, /, *, axis=0)`: a tuple of views.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis = 0))]
pub fn unstack<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: i64,
) -> PyResult<Bound<'py, PyTuple>> {
    tuple_of(py, manipulate::unstack(&tensor_arg(x)?, axis).py()?)
}

/// Reads PyTorch's `f(0, 1)` / `f((0, 1))` / `f(dims=(0, 1))` spellings.
fn dims_of(
    args: &Bound<'_, PyTuple>,
    kw: Option<&Bound<'_, PyAny>>,
    op: &str,
) -> PyResult<Vec<i64>> {
    match (args.len(), kw.filter(|k| !k.is_none())) {
        (0, Some(k)) => ints_arg(k, op, "dims"),
        (_, None) => int_args(args),
        _ => Err(type_error(format!(
            "{op}: give the dimensions positionally or as dims=, not both"
        ))),
    }
}

#[pymethods]
impl PyTensor {
    /// Reverses the order of elements along `dims` (a view; PyTorch's `flip`).
    #[pyo3(signature = (*args, dims = None))]
    fn flip<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        dims: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let dims = dims_of(args, dims, "flip")?;
        wrap(py, manipulate::flip(&self.inner, Some(&dims)).py()?)
    }

    /// Cyclic shift along `dims`, or of the flattened tensor (PyTorch's `roll`).
    #[pyo3(signature = (shifts, dims = None))]
    fn roll<'py>(
        &self,
        py: Python<'py>,
        shifts: &Bound<'py, PyAny>,
        dims: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let shifts = ints_arg(shifts, "roll", "shifts")?;
        let dims = axes_arg(dims, None, "roll")?;
        wrap(
            py,
            roll_op::roll(&self.inner, &shifts, dims.as_deref()).py()?,
        )
    }

    /// The whole tensor repeated `sizes[k]` times along each dimension
    /// (PyTorch's `repeat`, which is the standard's `tile`; for repeating
    /// each element use `repeat_interleave` or `tensorbridge.repeat`).
    #[pyo3(signature = (*sizes))]
    fn repeat<'py>(
        &self,
        py: Python<'py>,
        sizes: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let sizes = int_args(sizes)?;
        if sizes.len() < self.inner.ndim() {
            return Err(crate::errors::value_error(format!(
                "repeat: {} sizes given for a tensor of {} dimensions; give at least one per dimension (or use tile)",
                sizes.len(),
                self.inner.ndim()
            )));
        }
        wrap(py, replicate::tile(&self.inner, &sizes).py()?)
    }

    /// The whole tensor repeated along each dimension (PyTorch's `tile`).
    #[pyo3(signature = (*dims))]
    fn tile<'py>(
        &self,
        py: Python<'py>,
        dims: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, replicate::tile(&self.inner, &int_args(dims)?).py()?)
    }

    /// Each element repeated along `dim`, or of the flattened tensor
    /// (PyTorch's `repeat_interleave`, the standard's `repeat`).
    #[pyo3(signature = (repeats, dim = None))]
    fn repeat_interleave<'py>(
        &self,
        py: Python<'py>,
        repeats: &Bound<'py, PyAny>,
        dim: Option<i64>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        wrap(py, repeat_any(&self.inner, repeats, dim)?)
    }

    /// Moves dimensions to new positions (a view).
    fn moveaxis<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        destination: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let src = ints_arg(source, "moveaxis", "source")?;
        let dst = ints_arg(destination, "moveaxis", "destination")?;
        wrap(py, manipulate::moveaxis(&self.inner, &src, &dst).py()?)
    }

    /// PyTorch's name for `moveaxis` (a view).
    fn movedim<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        destination: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        self.moveaxis(py, source, destination)
    }

    /// The slices along `dim` as a tuple of views (PyTorch's `unbind`).
    #[pyo3(signature = (dim = 0))]
    fn unbind<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        tuple_of(py, manipulate::unstack(&self.inner, dim).py()?)
    }

    /// A view broadcast to `shape` (PyTorch's `broadcast_to`).
    #[pyo3(signature = (*shape))]
    fn broadcast_to<'py>(
        &self,
        py: Python<'py>,
        shape: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let shape = int_args(shape)?
            .into_iter()
            .map(|d| {
                usize::try_from(d).map_err(|_| {
                    crate::errors::value_error(format!(
                        "broadcast_to: negative dimension {d} in shape"
                    ))
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        wrap(py, manipulate::broadcast_to(&self.inner, &shape).py()?)
    }
}

/// Adds the manipulation functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(broadcast_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_shapes, m)?)?;
    m.add_function(wrap_pyfunction!(broadcast_to, m)?)?;
    m.add_function(wrap_pyfunction!(concat, m)?)?;
    m.add_function(wrap_pyfunction!(stack, m)?)?;
    m.add_function(wrap_pyfunction!(expand_dims, m)?)?;
    m.add_function(wrap_pyfunction!(flip, m)?)?;
    m.add_function(wrap_pyfunction!(moveaxis, m)?)?;
    m.add_function(wrap_pyfunction!(permute_dims, m)?)?;
    m.add_function(wrap_pyfunction!(repeat, m)?)?;
    m.add_function(wrap_pyfunction!(reshape, m)?)?;
    m.add_function(wrap_pyfunction!(roll, m)?)?;
    m.add_function(wrap_pyfunction!(squeeze, m)?)?;
    m.add_function(wrap_pyfunction!(tile, m)?)?;
    m.add_function(wrap_pyfunction!(unstack, m)?)?;
    Ok(())
}
