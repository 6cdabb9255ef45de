//! NumPy's `out=` argument of the reduction methods.
//!
//! NumPy's function forms of the reductions (`np.sum(t)`, `np.max(t,
//! axis=0)`, `np.mean(t)`, `np.std(t, ddof=1)`, `np.any(t)`,
//! `np.cumsum(t)`, `np.argmax(t)`) call a non-ndarray's method of the same
//! name and pass it `out=None` (and `dtype=` where NumPy's function has
//! one). The `Tensor` methods take these keywords, so those calls work on
//! a tensor and return a tensor, as `t.sum()` does.
//!
//! A given `out` (a tensor, or a writable NumPy array, whose memory is
//! written in place) receives the result and is returned. Its shape must be
//! the result's exactly, and the values are cast to its dtype whatever the
//! kinds, as NumPy's reductions cast into `out`.

use pyo3::prelude::*;

use crate::errors::{type_error, value_error, CoreResultExt};
use crate::numpy::{as_ndarray, share_ndarray};
use crate::tensor::PyTensor;

/// `result`, or, for a given `out`, `out` holding `result`'s values.
pub(crate) fn deliver<'py>(
    result: Bound<'py, PyTensor>,
    out: Option<&Bound<'py, PyAny>>,
    op: &'static str,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(out) = out.filter(|o| !o.is_none()) else {
        return Ok(result.into_any());
    };
    let target = if let Ok(t) = out.cast::<PyTensor>() {
        t.get().inner.clone()
    } else if let Some(arr) = as_ndarray(out) {
        share_ndarray(arr)?
    } else {
        return Err(type_error(format!(
            "{op}: out must be a tensorbridge Tensor or a NumPy array, got {}; \
             or leave out unset and use the returned tensor",
            out.get_type().name()?
        )));
    };
    let value = &result.get().inner;
    if target.shape() != value.shape() {
        return Err(value_error(format!(
            "{op}: out has shape {:?} but the result has shape {:?}; pass an out of the \
             result's shape (keepdims=True keeps the reduced axes as 1s)",
            target.shape(),
            value.shape()
        )));
    }
    if target.is_readonly() {
        return Err(tensorbridge::Error::ReadOnly { op }).py();
    }
    let py = out.py();
    py.detach(|| target.copy_(value)).py()?;
    Ok(out.clone())
}
