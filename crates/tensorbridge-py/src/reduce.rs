//! Reductions and statistics: the Array API module functions (`sum`,
//! `prod`, `max`, `min`, `mean`, `var`, `std`, `all`, `any`,
//! `count_nonzero`, `argmax`, `argmin`, `cumulative_sum`,
//! `cumulative_prod`) and the matching `Tensor` methods.
//!
//! Module functions take the standard's signatures exactly (the array
//! positional-only, everything else keyword-only). Methods also accept
//! PyTorch's spellings: `dim=` for `axis=` and `keepdim=` for `keepdims=`,
//! and `cumsum`/`cumprod`. The work runs without the GIL.

use pyo3::prelude::*;
use tensorbridge::{ops, DType, Tensor};

use crate::dtype::dtype_from_py;
use crate::errors::{type_error, CoreResultExt};
use crate::operand::{axes_arg, tensor_arg};
use crate::tensor::{wrap, PyTensor};

fn opt_dtype(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match dtype {
        Some(d) if !d.is_none() => dtype_from_py(d).map(Some),
        _ => Ok(None),
    }
}

/// A single axis (`argmax`, `cumulative_sum`): an int or `None`.
fn one_axis<'py>(
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
struct Args {
    axes: Option<Vec<i64>>,
    keepdims: bool,
}

impl Args {
    fn read<'py>(
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

#[pymethods]
impl PyTensor {
    /// `t.sum(axis=None, *, dim=None, keepdims=False, keepdim=False, dtype=None)`:
    /// the sum over `axis` (`dim` is PyTorch's name for it); see `tensorbridge.sum`.
    #[pyo3(name = "sum", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, dtype = None))]
    fn sum_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a, d) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "sum")?,
            opt_dtype(dtype)?,
        );
        run(py, move || ops::sum(&t, a.axes.as_deref(), a.keepdims, d))
    }

    /// `t.prod(axis=None, *, dim=None, keepdims=False, keepdim=False, dtype=None)`:
    /// the product over `axis`; see `tensorbridge.prod`.
    #[pyo3(name = "prod", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, dtype = None))]
    fn prod_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a, d) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "prod")?,
            opt_dtype(dtype)?,
        );
        run(py, move || ops::prod(&t, a.axes.as_deref(), a.keepdims, d))
    }

    /// `t.max(axis=None, *, dim=None, keepdims=False, keepdim=False)`: the
    /// largest element over `axis`. Unlike PyTorch's `max(dim)`, this returns
    /// the values only, not a `(values, indices)` pair: use `t.argmax(dim)`
    /// for the indices.
    #[pyo3(name = "max", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn max_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "max")?,
        );
        run(py, move || ops::max(&t, a.axes.as_deref(), a.keepdims))
    }

    /// `t.min(axis=None, *, dim=None, keepdims=False, keepdim=False)`: the
    /// smallest element over `axis`. Unlike PyTorch's `min(dim)`, this
    /// returns the values only, not a `(values, indices)` pair: use
    /// `t.argmin(dim)` for the indices.
    #[pyo3(name = "min", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn min_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "min")?,
        );
        run(py, move || ops::min(&t, a.axes.as_deref(), a.keepdims))
    }

    /// `t.mean(axis=None, *, dim=None, keepdims=False, keepdim=False)`: the
    /// mean over `axis`; see `tensorbridge.mean`.
    #[pyo3(name = "mean", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn mean_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "mean")?,
        );
        run(py, move || ops::mean(&t, a.axes.as_deref(), a.keepdims))
    }

    /// `t.var(axis=None, *, dim=None, correction=0.0, keepdims=False, keepdim=False)`:
    /// the variance over `axis`. The default `correction=0` is the Array
    /// API's and NumPy's (population variance); PyTorch's default is 1, so
    /// pass `correction=1` for the unbiased sample variance.
    #[pyo3(name = "var", signature = (axis = None, *, dim = None, correction = 0.0, keepdims = false, keepdim = false))]
    fn var_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        correction: f64,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "var")?,
        );
        run(py, move || {
            ops::var(&t, a.axes.as_deref(), correction, a.keepdims)
        })
    }

    /// `t.std(axis=None, *, dim=None, correction=0.0, keepdims=False, keepdim=False)`:
    /// the standard deviation over `axis`; `correction` as for `var`
    /// (default 0, unlike PyTorch's 1).
    #[pyo3(name = "std", signature = (axis = None, *, dim = None, correction = 0.0, keepdims = false, keepdim = false))]
    fn std_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        correction: f64,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "std")?,
        );
        run(py, move || {
            ops::std(&t, a.axes.as_deref(), correction, a.keepdims)
        })
    }

    /// `t.all(axis=None, *, dim=None, keepdims=False, keepdim=False)`:
    /// whether every element over `axis` is non-zero.
    #[pyo3(name = "all", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn all_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "all")?,
        );
        run(py, move || ops::all(&t, a.axes.as_deref(), a.keepdims))
    }

    /// `t.any(axis=None, *, dim=None, keepdims=False, keepdim=False)`:
    /// whether some element over `axis` is non-zero.
    #[pyo3(name = "any", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn any_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "any")?,
        );
        run(py, move || ops::any(&t, a.axes.as_deref(), a.keepdims))
    }

    /// `t.count_nonzero(axis=None, *, dim=None, keepdims=False, keepdim=False)`:
    /// non-zero elements over `axis`, as int64.
    #[pyo3(name = "count_nonzero", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn count_nonzero_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "count_nonzero")?,
        );
        run(py, move || {
            ops::count_nonzero(&t, a.axes.as_deref(), a.keepdims)
        })
    }

    /// `t.argmax(axis=None, *, dim=None, keepdims=False, keepdim=False)`:
    /// int64 index of the first largest element along `axis` (of the
    /// flattened tensor when None); see `tensorbridge.argmax`.
    #[pyo3(name = "argmax", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn argmax_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (self.inner.clone(), one_axis(axis, dim, "argmax")?);
        run(py, move || ops::argmax(&t, a, keepdims || keepdim))
    }

    /// `t.argmin(axis=None, *, dim=None, keepdims=False, keepdim=False)`:
    /// int64 index of the first smallest element along `axis`; see
    /// `tensorbridge.argmin`.
    #[pyo3(name = "argmin", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false))]
    fn argmin_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a) = (self.inner.clone(), one_axis(axis, dim, "argmin")?);
        run(py, move || ops::argmin(&t, a, keepdims || keepdim))
    }

    /// `t.cumsum(dim, *, dtype=None)`: PyTorch's name for
    /// `tensorbridge.cumulative_sum(t, axis=dim, dtype=dtype)`.
    #[pyo3(signature = (dim = None, *, axis = None, dtype = None))]
    fn cumsum<'py>(
        &self,
        py: Python<'py>,
        dim: Option<&Bound<'py, PyAny>>,
        axis: Option<&Bound<'py, PyAny>>,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a, d) = (
            self.inner.clone(),
            one_axis(axis, dim, "cumsum")?,
            opt_dtype(dtype)?,
        );
        run(py, move || ops::cumulative_sum(&t, a, d, false))
    }

    /// `t.cumprod(dim, *, dtype=None)`: PyTorch's name for
    /// `tensorbridge.cumulative_prod(t, axis=dim, dtype=dtype)`.
    #[pyo3(signature = (dim = None, *, axis = None, dtype = None))]
    fn cumprod<'py>(
        &self,
        py: Python<'py>,
        dim: Option<&Bound<'py, PyAny>>,
        axis: Option<&Bound<'py, PyAny>>,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        let (t, a, d) = (
            self.inner.clone(),
            one_axis(axis, dim, "cumprod")?,
            opt_dtype(dtype)?,
        );
        run(py, move || ops::cumulative_prod(&t, a, d, false))
    }
}
