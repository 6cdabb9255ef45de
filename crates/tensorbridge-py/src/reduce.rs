//! Reductions and statistics: the Array API module functions (`sum`,
//! `prod`, `max`, `min`, `mean`, `var`, `std`, `all`, `any`,
//! `count_nonzero`, `argmax`, `argmin`, `cumulative_sum`,
//! `cumulative_prod`); the matching `Tensor` methods are in
//! `reduce_methods.rs`.
//!
//! Module functions take the standard's signatures exactly (the array
//! positional-only, everything else keyword-only). The work runs without
//! the GIL.

use pyo3::prelude::*;
use tensorbridge::{ops, DType, Tensor};

use crate::dtype::dtype_from_py;
use crate::errors::{type_error, CoreResultExt};
use crate::operand::{axes_arg, tensor_arg};
use crate::tensor::{wrap, PyTensor};

pub(crate) fn opt_dtype(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match dtype {
        Some(d) if !d.is_none() => dtype_from_py(d).map(Some),
        _ => Ok(None),
    }
}

/// A single axis (`argmax`, `cumulative_sum`): an int or `None`.
pub(crate) fn one_axis<'py>(
    axis: Option<&Bound<'py, PyAny>>,
    dim: Option<&Bound<'py, PyAny>>,
    op: &str,
) -> PyResult<Option<i64>> {
    let given = |o: Option<&Bound<'py, PyAny>>| o.is_some_and(|x| !x.is_none());
    let single =
        |o: Option<&Bound<'py, PyAny>>| o.is_some_and(|x| x.is_instance_of::<pyo3::types::PyInt>());
    if (given(axis) && !single(axis)) || (given(dim) && !single(dim)) {
        return Err(type_error(format!(
            "{op}: axis must be an int or None (a single axis)"
        )));
    }
    Ok(axes_arg(axis, dim, op)?.and_then(|v| v.first().copied()))
}

/// Runs a core operation without the GIL and wraps the result.
pub(crate) fn run<'py>(
    py: Python<'py>,
    f: impl FnOnce() -> tensorbridge::Result<Tensor> + Send,
) -> PyResult<Bound<'py, PyTensor>> {
    let t = py.detach(f).py()?;
    wrap(py, t)
}

/// Arguments shared by the module functions and methods.
pub(crate) struct Args {
    pub(crate) axes: Option<Vec<i64>>,
    pub(crate) keepdims: bool,
}

impl Args {
    pub(crate) fn read<'py>(
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
        op: &str,
    ) -> PyResult<Args> {
        Ok(Args {
            axes: axes_arg(axis, dim, op)?,
            keepdims: keepdims || keepdim,
        })
    }
}

macro_rules! summing {
    ($($name:ident => $core:path, $doc:literal);* $(;)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, axis = None, dtype = None, keepdims = false))]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            axis: Option<&Bound<'py, PyAny>>,
            dtype: Option<&Bound<'py, PyAny>>,
            keepdims: bool,
        ) -> PyResult<Bound<'py, PyTensor>> {
            let t = tensor_arg(x)?;
            let a = Args::read(axis, None, keepdims, false, stringify!($name))?;
            let dtype = opt_dtype(dtype)?;
            run(py, move || $core(&t, a.axes.as_deref(), a.keepdims, dtype))
        }
    )*};
}

summing! {
    sum => ops::sum, "`sum(x, /, *, axis=None, dtype=None, keepdims=False)`: the sum over `axis` (all axes when None); signed integers and bool give int64, unsigned integers uint64, floats and complex keep their dtype; `dtype=` casts the input first.";
    prod => ops::prod, "`prod(x, /, *, axis=None, dtype=None, keepdims=False)`: the product over `axis`, with `sum`'s result dtypes.";
}

macro_rules! plain {
    ($($name:ident => $core:path, $doc:literal);* $(;)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, axis = None, keepdims = false))]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            axis: Option<&Bound<'py, PyAny>>,
            keepdims: bool,
        ) -> PyResult<Bound<'py, PyTensor>> {
            let t = tensor_arg(x)?;
            let a = Args::read(axis, None, keepdims, false, stringify!($name))?;
            run(py, move || $core(&t, a.axes.as_deref(), a.keepdims))
        }
    )*};
}

plain! {
    max => ops::max, "`max(x, /, *, axis=None, keepdims=False)`: the largest element over `axis`; NaN propagates; ValueError over no elements.";
    min => ops::min, "`min(x, /, *, axis=None, keepdims=False)`: the smallest element over `axis`; NaN propagates; ValueError over no elements.";
    mean => ops::mean, "`mean(x, /, *, axis=None, keepdims=False)`: the arithmetic mean over `axis`; integer and bool inputs give float64.";
    all => ops::all, "`all(x, /, *, axis=None, keepdims=False)`: whether every element over `axis` is non-zero.";
    any => ops::any, "`any(x, /, *, axis=None, keepdims=False)`: whether some element over `axis` is non-zero.";
    count_nonzero => ops::count_nonzero, "`count_nonzero(x, /, *, axis=None, keepdims=False)`: non-zero elements over `axis`, as int64.";
}

macro_rules! spread {
    ($($name:ident, $py_name:literal => $core:path, $doc:literal);* $(;)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(name = $py_name, signature = (x, /, *, axis = None, correction = 0.0, keepdims = false))]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            axis: Option<&Bound<'py, PyAny>>,
            correction: f64,
            keepdims: bool,
        ) -> PyResult<Bound<'py, PyTensor>> {
            let t = tensor_arg(x)?;
            let a = Args::read(axis, None, keepdims, false, $py_name)?;
            run(py, move || $core(&t, a.axes.as_deref(), correction, a.keepdims))
        }
    )*};
}

spread! {
    var_fn, "var" => ops::var, "`var(x, /, *, axis=None, correction=0.0, keepdims=False)`: the variance over `axis` (two-pass), dividing by `N - correction`; complex inputs give a real result.";
    std_fn, "std" => ops::std, "`std(x, /, *, axis=None, correction=0.0, keepdims=False)`: the square root of `var`.";
}

macro_rules! arg_extreme {
    ($($name:ident => $core:path, $doc:literal);* $(;)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, axis = None, keepdims = false))]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            axis: Option<&Bound<'py, PyAny>>,
            keepdims: bool,
        ) -> PyResult<Bound<'py, PyTensor>> {
            let t = tensor_arg(x)?;
            let axis = one_axis(axis, None, stringify!($name))?;
            run(py, move || $core(&t, axis, keepdims))
        }
    )*};
}

arg_extreme! {
    argmax => ops::argmax, "`argmax(x, /, *, axis=None, keepdims=False)`: int64 index of the first largest element along `axis` (of the flattened tensor when None); NaN counts as largest.";
    argmin => ops::argmin, "`argmin(x, /, *, axis=None, keepdims=False)`: int64 index of the first smallest element along `axis` (of the flattened tensor when None); NaN counts as smallest.";
}

macro_rules! running {
    ($($name:ident => $core:path, $doc:literal);* $(;)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, axis = None, dtype = None, include_initial = false))]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            axis: Option<&Bound<'py, PyAny>>,
            dtype: Option<&Bound<'py, PyAny>>,
            include_initial: bool,
        ) -> PyResult<Bound<'py, PyTensor>> {
            let t = tensor_arg(x)?;
            let axis = one_axis(axis, None, stringify!($name))?;
            let dtype = opt_dtype(dtype)?;
            run(py, move || $core(&t, axis, dtype, include_initial))
        }
    )*};
}

running! {
    cumulative_sum => ops::cumulative_sum, "`cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False)`: running sums along `axis` (required unless `x` is 1-D), with `sum`'s result dtypes; `include_initial` prepends 0.";
    cumulative_prod => ops::cumulative_prod, "`cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False)`: running products along `axis` (required unless `x` is 1-D); `include_initial` prepends 1.";
}

/// Registers the module functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sum, m)?)?;
    m.add_function(wrap_pyfunction!(prod, m)?)?;
    m.add_function(wrap_pyfunction!(max, m)?)?;
    m.add_function(wrap_pyfunction!(min, m)?)?;
    m.add_function(wrap_pyfunction!(mean, m)?)?;
    m.add_function(wrap_pyfunction!(var_fn, m)?)?;
    m.add_function(wrap_pyfunction!(std_fn, m)?)?;
    m.add_function(wrap_pyfunction!(all, m)?)?;
    m.add_function(wrap_pyfunction!(any, m)?)?;
    m.add_function(wrap_pyfunction!(count_nonzero, m)?)?;
    m.add_function(wrap_pyfunction!(argmax, m)?)?;
    m.add_function(wrap_pyfunction!(argmin, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_sum, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_prod, m)?)?;
    Ok(())
}
