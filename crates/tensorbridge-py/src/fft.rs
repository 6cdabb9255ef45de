//! The functions of the Array API's `fft` extension: `fft`, `ifft`, `fftn`,
//! `ifftn`, `rfft`, `irfft`, `rfftn`, `irfftn`, `hfft`, `ihfft`,
//! `fftfreq`, `rfftfreq`, `fftshift`, `ifftshift`.
//!
//! They land in `_core` under their own names and `tensorbridge.fft` (a
//! Python module) gathers them. Transforms run without the GIL.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};
use tensorbridge::ops::fft::{self as core, FftNorm};
use tensorbridge::{DType, Tensor};

use crate::creation::dtype_arg;
use crate::errors::{type_error, value_error, CoreResultExt};
use crate::operand::{axes_arg, tensor_arg};
use crate::reduce::run;
use crate::tensor::{wrap, PyTensor};
use crate::tensor_device::{device_arg, onto};

fn norm_arg(norm: &str, op: &str) -> PyResult<FftNorm> {
    match norm {
        "backward" => Ok(FftNorm::Backward),
        "ortho" => Ok(FftNorm::Ortho),
        "forward" => Ok(FftNorm::Forward),
        other => Err(value_error(format!(
            "{op}: norm must be 'backward', 'ortho' or 'forward', got {other:?}"
        ))),
    }
}

/// A length argument: `None` or an int >= 1.
fn length_arg(n: Option<&Bound<'_, PyAny>>, op: &str) -> PyResult<Option<usize>> {
    let Some(n) = n.filter(|n| !n.is_none()) else {
        return Ok(None);
    };
    if n.is_instance_of::<PyBool>() || !n.is_instance_of::<PyInt>() {
        let kind = n.get_type().name()?;
        return Err(type_error(format!(
            "{op}: n must be an int or None, got {kind}"
        )));
    }
    match n.extract::<i64>()? {
        v if v >= 1 => Ok(Some(v as usize)),
        v => Err(value_error(format!(
            "{op}: the number of data points must be at least 1, got n={v}"
        ))),
    }
}

/// A one-axis transform `f(x, n, axis, norm)`.
type OneAxis = fn(&Tensor, Option<usize>, i64, FftNorm) -> tensorbridge::Result<Tensor>;

fn one_axis<'py>(
    py: Python<'py>,
    op: &str,
    f: OneAxis,
    x: &Bound<'py, PyAny>,
    n: Option<&Bound<'py, PyAny>>,
    axis: i64,
    norm: &str,
) -> PyResult<Bound<'py, PyTensor>> {
    let (n, norm, x) = (length_arg(n, op)?, norm_arg(norm, op)?, tensor_arg(x)?);
    run(py, move || f(&x, n, axis, norm))
}

/// An n-dimensional transform `f(x, s, axes, norm)`.
type ManyAxes =
    fn(&Tensor, Option<&[i64]>, Option<&[i64]>, FftNorm) -> tensorbridge::Result<Tensor>;

fn many_axes<'py>(
    py: Python<'py>,
    op: &str,
    f: ManyAxes,
    x: &Bound<'py, PyAny>,
    s: Option<&Bound<'py, PyAny>>,
    axes: Option<&Bound<'py, PyAny>>,
    norm: &str,
) -> PyResult<Bound<'py, PyTensor>> {
    let norm = norm_arg(norm, op)?;
    let s = axes_arg(s, None, op)?;
    let axes = axes_arg(axes, None, op)?;
    let x = tensor_arg(x)?;
    run(py, move || f(&x, s.as_deref(), axes.as_deref(), norm))
}

macro_rules! one_axis_functions {
    ($($name:ident => $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, n = None, axis = -1, norm = "backward"), text_signature = "(x, /, *, n=None, axis=-1, norm='backward')")]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            n: Option<&Bound<'py, PyAny>>,
            axis: i64,
            norm: &str,
        ) -> PyResult<Bound<'py, PyTensor>> {
            one_axis(py, stringify!($name), core::$name, x, n, axis, norm)
        }
    )*};
}

one_axis_functions! {
    fft => "`fft(x, /, *, n=None, axis=-1, norm='backward')`: the discrete Fourier transform along `axis`.",
    ifft => "`ifft(x, /, *, n=None, axis=-1, norm='backward')`: the inverse of `fft`.",
    rfft => "`rfft(x, /, *, n=None, axis=-1, norm='backward')`: the transform of real input, non-negative frequencies only.",
    irfft => "`irfft(x, /, *, n=None, axis=-1, norm='backward')`: the inverse of `rfft`, real output.",
    hfft => "`hfft(x, /, *, n=None, axis=-1, norm='backward')`: the transform of a Hermitian signal given by its first half, real output.",
    ihfft => "`ihfft(x, /, *, n=None, axis=-1, norm='backward')`: the inverse of `hfft`, from real input.",
}

macro_rules! many_axes_functions {
    ($($name:ident => $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        #[pyfunction]
        #[pyo3(signature = (x, /, *, s = None, axes = None, norm = "backward"), text_signature = "(x, /, *, s=None, axes=None, norm='backward')")]
        pub fn $name<'py>(
            py: Python<'py>,
            x: &Bound<'py, PyAny>,
            s: Option<&Bound<'py, PyAny>>,
            axes: Option<&Bound<'py, PyAny>>,
            norm: &str,
        ) -> PyResult<Bound<'py, PyTensor>> {
            many_axes(py, stringify!($name), core::$name, x, s, axes, norm)
        }
    )*};
}

many_axes_functions! {
    fftn => "`fftn(x, /, *, s=None, axes=None, norm='backward')`: the transform over several axes.",
    ifftn => "`ifftn(x, /, *, s=None, axes=None, norm='backward')`: the inverse of `fftn`.",
    rfftn => "`rfftn(x, /, *, s=None, axes=None, norm='backward')`: `rfft` over the last axis, `fft` over the others.",
    irfftn => "`irfftn(x, /, *, s=None, axes=None, norm='backward')`: the inverse of `rfftn`, real output.",
}

/// The frequencies `f(n, d, dtype)` on `device`.
fn frequencies<'py>(
    py: Python<'py>,
    f: fn(usize, f64, DType) -> tensorbridge::Result<Tensor>,
    n: &Bound<'py, PyAny>,
    d: f64,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
    op: &str,
) -> PyResult<Bound<'py, PyTensor>> {
    if n.is_instance_of::<PyBool>() || !n.is_instance_of::<PyInt>() {
        let kind = n.get_type().name()?;
        return Err(type_error(format!("{op}: n must be an int, got {kind}")));
    }
    let n = n.extract::<i64>()?;
    if n < 1 {
        return Err(value_error(format!("{op}: n must be at least 1, got {n}")));
    }
    let device = device_arg(device)?;
    let dtype = dtype_arg(dtype)?.unwrap_or(DType::Float32);
    wrap(py, onto(f(n as usize, d, dtype).py()?, device)?)
}

/// `fftfreq(n, /, *, d=1.0, dtype=None, device=None)`: the sample
/// frequencies of `fft`'s output (default real floating dtype, float32).
#[pyfunction]
#[pyo3(signature = (n, /, *, d = 1.0, dtype = None, device = None))]
pub fn fftfreq<'py>(
    py: Python<'py>,
    n: &Bound<'py, PyAny>,
    d: f64,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    frequencies(py, core::fftfreq, n, d, dtype, device, "fftfreq")
}

/// `rfftfreq(n, /, *, d=1.0, dtype=None, device=None)`: the sample
/// frequencies of `rfft`'s output.
#[pyfunction]
#[pyo3(signature = (n, /, *, d = 1.0, dtype = None, device = None))]
pub fn rfftfreq<'py>(
    py: Python<'py>,
    n: &Bound<'py, PyAny>,
    d: f64,
    dtype: Option<&Bound<'py, PyAny>>,
    device: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    frequencies(py, core::rfftfreq, n, d, dtype, device, "rfftfreq")
}

/// `fftshift(x, /, *, axes=None)`: the zero frequency moved to the centre.
#[pyfunction]
#[pyo3(signature = (x, /, *, axes = None))]
pub fn fftshift<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, axes) = (tensor_arg(x)?, axes_arg(axes, None, "fftshift")?);
    run(py, move || core::fftshift(&x, axes.as_deref(), false))
}

/// `ifftshift(x, /, *, axes=None)`: the inverse of `fftshift`.
#[pyfunction]
#[pyo3(signature = (x, /, *, axes = None))]
pub fn ifftshift<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axes: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (x, axes) = (tensor_arg(x)?, axes_arg(axes, None, "ifftshift")?);
    run(py, move || core::fftshift(&x, axes.as_deref(), true))
}

/// Adds the extension's functions to `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fft, m)?)?;
    m.add_function(wrap_pyfunction!(ifft, m)?)?;
    m.add_function(wrap_pyfunction!(fftn, m)?)?;
    m.add_function(wrap_pyfunction!(ifftn, m)?)?;
    m.add_function(wrap_pyfunction!(rfft, m)?)?;
    m.add_function(wrap_pyfunction!(irfft, m)?)?;
    m.add_function(wrap_pyfunction!(rfftn, m)?)?;
    m.add_function(wrap_pyfunction!(irfftn, m)?)?;
    m.add_function(wrap_pyfunction!(hfft, m)?)?;
    m.add_function(wrap_pyfunction!(ihfft, m)?)?;
    m.add_function(wrap_pyfunction!(fftfreq, m)?)?;
    m.add_function(wrap_pyfunction!(rfftfreq, m)?)?;
    m.add_function(wrap_pyfunction!(fftshift, m)?)?;
    m.add_function(wrap_pyfunction!(ifftshift, m)?)?;
    Ok(())
}
