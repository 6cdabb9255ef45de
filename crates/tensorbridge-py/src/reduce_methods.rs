//! The reduction methods of `Tensor` (`t.sum()`, `t.max(dim=1)`,
//! `t.std(ddof=1)`, ...), which take three spellings of their arguments:
//!
//! - the Array API's: `axis=`, `keepdims=`, `correction=`;
//! - PyTorch's: `dim=` for `axis=`, `keepdim=` for `keepdims=`, and the
//!   names `cumsum`/`cumprod`;
//! - NumPy's: `out=`, `dtype=` of `mean`/`var`/`std`, `ddof=` for
//!   `correction=`. NumPy's function forms call these methods on any
//!   non-ndarray with `out=None`, so `np.sum(t)`, `np.max(t, axis=0)`,
//!   `np.mean(t)`, `np.std(t, ddof=1)`, `np.any(t)`, `np.cumsum(t)` and
//!   `np.argmax(t)` work on a tensor and return a tensor (see `out_arg.rs`).
//!
//! The work runs without the GIL, through the core's reductions.

use pyo3::prelude::*;
use tensorbridge::{ops, DType, Result, Tensor};

use crate::errors::value_error;
use crate::out_arg::deliver;
use crate::reduce::{one_axis, opt_dtype, run, Args};
use crate::tensor::PyTensor;

/// `f(x)` computed in NumPy's `dtype=` of `mean`, `var` and `std`: the
/// input is cast to it first and the result cast to it last, so an
/// integer `dtype` truncates as NumPy's does.
fn in_dtype(
    x: &Tensor,
    dtype: Option<DType>,
    f: impl FnOnce(&Tensor) -> Result<Tensor>,
) -> Result<Tensor> {
    match dtype {
        None => f(x),
        Some(d) => f(&x.to(d)?)?.to(d),
    }
}

/// The degrees-of-freedom correction of `var`/`std`, given as the Array
/// API's `correction=` or NumPy's `ddof=` (not both, as NumPy says); 0 by
/// default.
fn correction_of(correction: Option<f64>, ddof: Option<f64>, op: &str) -> PyResult<f64> {
    match (correction, ddof) {
        (Some(_), Some(_)) => Err(value_error(format!(
            "{op}: give correction= or ddof= (NumPy's name for it), not both"
        ))),
        (c, d) => Ok(c.or(d).unwrap_or(0.0)),
    }
}

/// Methods reducing over `axis` that take `dtype=`: `sum`, `prod`.
macro_rules! typed_reduction {
    ($($rust:ident, $name:literal => $core:path, $doc:literal);* $(;)?) => {
        #[pymethods]
        impl PyTensor {$(
            #[doc = $doc]
            #[pyo3(name = $name, signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, dtype = None, out = None))]
            #[allow(clippy::too_many_arguments)]
            fn $rust<'py>(
                &self,
                py: Python<'py>,
                axis: Option<&Bound<'py, PyAny>>,
                dim: Option<&Bound<'py, PyAny>>,
                keepdims: bool,
                keepdim: bool,
                dtype: Option<&Bound<'py, PyAny>>,
                out: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (t, a, d) = (
                    self.inner.clone(),
                    Args::read(axis, dim, keepdims, keepdim, $name)?,
                    opt_dtype(dtype)?,
                );
                deliver(run(py, move || $core(&t, a.axes.as_deref(), a.keepdims, d))?, out, $name)
            }
        )*}
    };
}

typed_reduction! {
    sum_method, "sum" => ops::sum,
    "`t.sum(axis=None, *, dim=None, keepdims=False, keepdim=False, dtype=None, out=None)`:
    the sum over `axis` (`dim` is PyTorch's name for it); see `tensorbridge.sum`.";
    prod_method, "prod" => ops::prod,
    "`t.prod(axis=None, *, dim=None, keepdims=False, keepdim=False, dtype=None, out=None)`:
    the product over `axis`; see `tensorbridge.prod`.";
}

/// Methods reducing over `axis` in the input's dtype (or to bool):
/// `max`, `min`, `all`, `any`.
macro_rules! plain_reduction {
    ($($rust:ident, $name:literal => $core:path, $doc:literal);* $(;)?) => {
        #[pymethods]
        impl PyTensor {$(
            #[doc = $doc]
            #[pyo3(name = $name, signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, out = None))]
            fn $rust<'py>(
                &self,
                py: Python<'py>,
                axis: Option<&Bound<'py, PyAny>>,
                dim: Option<&Bound<'py, PyAny>>,
                keepdims: bool,
                keepdim: bool,
                out: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (t, a) = (self.inner.clone(), Args::read(axis, dim, keepdims, keepdim, $name)?);
                deliver(run(py, move || $core(&t, a.axes.as_deref(), a.keepdims))?, out, $name)
            }
        )*}
    };
}

plain_reduction! {
    max_method, "max" => ops::max,
    "`t.max(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    the largest element over `axis`. Unlike PyTorch's `max(dim)`, this
    returns the values only, not a `(values, indices)` pair: use
    `t.argmax(dim)` for the indices.";
    min_method, "min" => ops::min,
    "`t.min(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    the smallest element over `axis`. Unlike PyTorch's `min(dim)`, this
    returns the values only, not a `(values, indices)` pair: use
    `t.argmin(dim)` for the indices.";
    all_method, "all" => ops::all,
    "`t.all(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    whether every element over `axis` is non-zero.";
    any_method, "any" => ops::any,
    "`t.any(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    whether some element over `axis` is non-zero.";
}

/// The statistics with a degrees-of-freedom correction: `var`, `std`.
macro_rules! corrected_statistic {
    ($($rust:ident, $name:literal => $core:path, $doc:literal);* $(;)?) => {
        #[pymethods]
        impl PyTensor {$(
            #[doc = $doc]
            #[pyo3(name = $name, signature = (axis = None, *, dim = None, correction = None, ddof = None, keepdims = false, keepdim = false, dtype = None, out = None))]
            #[allow(clippy::too_many_arguments)]
            fn $rust<'py>(
                &self,
                py: Python<'py>,
                axis: Option<&Bound<'py, PyAny>>,
                dim: Option<&Bound<'py, PyAny>>,
                correction: Option<f64>,
                ddof: Option<f64>,
                keepdims: bool,
                keepdim: bool,
                dtype: Option<&Bound<'py, PyAny>>,
                out: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (t, a, d) = (
                    self.inner.clone(),
                    Args::read(axis, dim, keepdims, keepdim, $name)?,
                    opt_dtype(dtype)?,
                );
                let c = correction_of(correction, ddof, $name)?;
                let result = run(py, move || {
                    in_dtype(&t, d, |x| $core(x, a.axes.as_deref(), c, a.keepdims))
                })?;
                deliver(result, out, $name)
            }
        )*}
    };
}

corrected_statistic! {
    var_method, "var" => ops::var,
    "`t.var(axis=None, *, dim=None, correction=0, ddof=None, keepdims=False, keepdim=False, dtype=None, out=None)`:
    the variance over `axis`. The default `correction=0` is the Array API's
    and NumPy's (population variance); PyTorch's default is 1, so pass
    `correction=1` (or NumPy's `ddof=1`) for the unbiased sample variance.";
    std_method, "std" => ops::std,
    "`t.std(axis=None, *, dim=None, correction=0, ddof=None, keepdims=False, keepdim=False, dtype=None, out=None)`:
    the standard deviation over `axis`; `correction` as for `var` (default
    0, unlike PyTorch's 1).";
}

/// Methods over one axis (all elements for `None`): `argmax`, `argmin`.
macro_rules! index_reduction {
    ($($rust:ident, $name:literal => $core:path, $doc:literal);* $(;)?) => {
        #[pymethods]
        impl PyTensor {$(
            #[doc = $doc]
            #[pyo3(name = $name, signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, out = None))]
            fn $rust<'py>(
                &self,
                py: Python<'py>,
                axis: Option<&Bound<'py, PyAny>>,
                dim: Option<&Bound<'py, PyAny>>,
                keepdims: bool,
                keepdim: bool,
                out: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (t, a) = (self.inner.clone(), one_axis(axis, dim, $name)?);
                deliver(run(py, move || $core(&t, a, keepdims || keepdim))?, out, $name)
            }
        )*}
    };
}

index_reduction! {
    argmax_method, "argmax" => ops::argmax,
    "`t.argmax(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    int64 index of the first largest element along `axis` (of the flattened
    tensor when None); see `tensorbridge.argmax`.";
    argmin_method, "argmin" => ops::argmin,
    "`t.argmin(axis=None, *, dim=None, keepdims=False, keepdim=False, out=None)`:
    int64 index of the first smallest element along `axis`; see
    `tensorbridge.argmin`.";
}

/// PyTorch's names of the cumulative reductions: `cumsum`, `cumprod`.
macro_rules! cumulative {
    ($($rust:ident, $name:literal => $core:path, $doc:literal);* $(;)?) => {
        #[pymethods]
        impl PyTensor {$(
            #[doc = $doc]
            #[pyo3(name = $name, signature = (dim = None, *, axis = None, dtype = None, out = None))]
            fn $rust<'py>(
                &self,
                py: Python<'py>,
                dim: Option<&Bound<'py, PyAny>>,
                axis: Option<&Bound<'py, PyAny>>,
                dtype: Option<&Bound<'py, PyAny>>,
                out: Option<&Bound<'py, PyAny>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                let (t, a, d) = (self.inner.clone(), one_axis(axis, dim, $name)?, opt_dtype(dtype)?);
                let result = run(py, move || match a {
                    // No axis: over the flattened tensor, as NumPy's method.
                    None if t.ndim() > 1 => $core(&t.reshape(&[-1])?, Some(0), d, false),
                    _ => $core(&t, a, d, false),
                })?;
                deliver(result, out, $name)
            }
        )*}
    };
}

cumulative! {
    cumsum, "cumsum" => ops::cumulative_sum,
    "`t.cumsum(dim=None, *, axis=None, dtype=None, out=None)`: PyTorch's name for
    `tensorbridge.cumulative_sum(t, axis=dim, dtype=dtype)`; with no axis,
    over the flattened tensor, as NumPy's `ndarray.cumsum()`.";
    cumprod, "cumprod" => ops::cumulative_prod,
    "`t.cumprod(dim=None, *, axis=None, dtype=None, out=None)`: PyTorch's name for
    `tensorbridge.cumulative_prod(t, axis=dim, dtype=dtype)`; with no axis,
    over the flattened tensor, as NumPy's `ndarray.cumprod()`.";
}

#[pymethods]
impl PyTensor {
    /// `t.mean(axis=None, *, dim=None, keepdims=False, keepdim=False, dtype=None, out=None)`:
    /// the mean over `axis`, computed in `dtype` when given (NumPy's
    /// keyword); see `tensorbridge.mean`.
    #[pyo3(name = "mean", signature = (axis = None, *, dim = None, keepdims = false, keepdim = false, dtype = None, out = None))]
    #[allow(clippy::too_many_arguments)]
    fn mean_method<'py>(
        &self,
        py: Python<'py>,
        axis: Option<&Bound<'py, PyAny>>,
        dim: Option<&Bound<'py, PyAny>>,
        keepdims: bool,
        keepdim: bool,
        dtype: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (t, a, d) = (
            self.inner.clone(),
            Args::read(axis, dim, keepdims, keepdim, "mean")?,
            opt_dtype(dtype)?,
        );
        let result = run(py, move || {
            in_dtype(&t, d, |x| ops::mean(x, a.axes.as_deref(), a.keepdims))
        })?;
        deliver(result, out, "mean")
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
}
