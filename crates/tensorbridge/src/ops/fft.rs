//! Discrete Fourier transforms: the Array API's `fft` extension (`fft`,
//! `ifft`, `fftn`, `ifftn`, `rfft`, `irfft`, `rfftn`, `irfftn`, `hfft`,
//! `ihfft`, `fftfreq`, `rfftfreq`, `fftshift`, `ifftshift`), computed by
//! rustfft.
//!
//! Every transform is built from one pass along one axis: the axis is
//! moved last and the rows are copied once into a contiguous buffer of
//! length `n` each (truncated or zero-padded, as `n` asks), so any layout
//! works and the input is never written. Rows are spread over rayon's
//! threads. The complex transforms are rustfft's ([`c2c`]); `rfft` and
//! `irfft` are realfft's real-data transforms (`real_fft.rs`), about half
//! the work; `hfft`/`ihfft` are `irfft`/`rfft` of the conjugate with the
//! normalization swapped, as NumPy defines them.
//!
//! Dtypes follow NumPy's `fft`: complex64 and complex128 compute in
//! themselves, float32 (and float16/bfloat16, in float32) as complex64,
//! float64, integers and bool as complex128. Real results (`irfft`,
//! `hfft`, `irfftn`) have the real dtype of that precision, except that
//! float16 and bfloat16 input gets its own dtype back, as NumPy's float16
//! does.

use num_complex::Complex;
use rayon::prelude::*;
use std::sync::{Arc, LazyLock, Mutex};

use rustfft::{Fft, FftDirection, FftNum, FftPlanner};

use crate::dtype::{DType, DTypeKind};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::ops::real_fft::{c2r_rows, r2c_rows};
use crate::ops::{manipulate, require_cpu, roll, unary};
use crate::tensor::Tensor;

/// Which direction of a transform carries the `1/n` scaling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FftNorm {
    /// The inverse transform scales by `1/n` (the default).
    Backward,
    /// Both directions scale by `1/√n`.
    Ortho,
    /// The forward transform scales by `1/n`.
    Forward,
}

impl FftNorm {
    /// The normalization that makes `hfft`/`ihfft` from `irfft`/`rfft`.
    fn swapped(self) -> FftNorm {
        match self {
            FftNorm::Backward => FftNorm::Forward,
            FftNorm::Ortho => FftNorm::Ortho,
            FftNorm::Forward => FftNorm::Backward,
        }
    }

    /// The factor a transform of length `n` in `direction` multiplies by.
    pub(super) fn scale(self, n: usize, inverse: bool) -> Option<f64> {
        match (self, inverse) {
            (FftNorm::Ortho, _) => Some(1.0 / (n as f64).sqrt()),
            (FftNorm::Backward, true) | (FftNorm::Forward, false) => Some(1.0 / n as f64),
            _ => None,
        }
    }
}

/// The complex dtype a transform of `dtype` values computes in.
fn complex_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Complex64 | DType::Float32 | DType::Float16 | DType::BFloat16 => DType::Complex64,
        _ => DType::Complex128,
    }
}

fn bad_length(op: &'static str) -> Error {
    Error::InvalidArgument {
        op,
        reason: "the number of data points must be at least 1; pass n >= 1 or transform a non-empty axis",
    }
}

/// One complex transform of length `n` along `axis` of `x` (already in a
/// complex dtype), truncating or zero-padding each row to `n`.
fn c2c(
    op: &'static str,
    x: &Tensor,
    axis: usize,
    n: usize,
    inverse: bool,
    norm: FftNorm,
) -> Result<Tensor> {
    if n == 0 {
        return Err(bad_length(op));
    }
    let last = axis_last(x, axis)?;
    let out = match x.dtype() {
        DType::Complex64 => rows::<f32>(&last, n, inverse, norm)?,
        _ => rows::<f64>(&last, n, inverse, norm)?,
    };
    axis_back(&out, axis)
}

/// `x` with `axis` moved last (a view).
fn axis_last(x: &Tensor, axis: usize) -> Result<Tensor> {
    manipulate::moveaxis(x, &[axis as i64], &[-1])
}

/// The transformed rows `out` (axis last) with the axis back in place, in
/// C order.
fn axis_back(out: &Tensor, axis: usize) -> Result<Tensor> {
    let moved = manipulate::moveaxis(out, &[-1], &[axis as i64])?;
    if moved.is_contiguous() {
        Ok(moved)
    } else {
        moved.to_contiguous()
    }
}

/// A float type with one process-wide planner: rustfft's planner keeps
/// every plan it made (twiddle factors, the chosen algorithm), and making
/// a plan costs more than a transform of the same length.
pub(super) trait Planned: FftNum + num_traits::Float {
    /// The planner of this float type.
    fn planner() -> &'static Mutex<FftPlanner<Self>>;

    /// The plan for length `n` in `direction`, made once.
    fn plan(n: usize, direction: FftDirection) -> Arc<dyn Fft<Self>> {
        let mut planner = Self::planner()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        planner.plan_fft(n, direction)
    }
}

static PLANNER32: LazyLock<Mutex<FftPlanner<f32>>> =
    LazyLock::new(|| Mutex::new(FftPlanner::new()));
static PLANNER64: LazyLock<Mutex<FftPlanner<f64>>> =
    LazyLock::new(|| Mutex::new(FftPlanner::new()));

impl Planned for f32 {
    fn planner() -> &'static Mutex<FftPlanner<f32>> {
        &PLANNER32
    }
}

impl Planned for f64 {
    fn planner() -> &'static Mutex<FftPlanner<f64>> {
        &PLANNER64
    }
}

/// The transform of every row of `last` (transformed axis last).
fn rows<T: Planned>(last: &Tensor, n: usize, inverse: bool, norm: FftNorm) -> Result<Tensor>
where
    Complex<T>: Element,
{
    let zero = Complex::new(T::zero(), T::zero());
    let mut buffer = padded_rows::<Complex<T>>(last, n, n, zero)?;
    let direction = if inverse {
        FftDirection::Inverse
    } else {
        FftDirection::Forward
    };
    let plan = T::plan(n, direction);
    let scale = norm.scale(n, inverse).and_then(num_traits::cast::<f64, T>);
    // Enough rows per task to amortise the scratch buffer.
    let rows_per_task = (1 << 16) / n + 1;
    buffer.par_chunks_mut(rows_per_task * n).for_each(|chunk| {
        let mut scratch = vec![zero; plan.get_inplace_scratch_len()];
        plan.process_with_scratch(chunk, &mut scratch);
        if let Some(s) = scale {
            chunk.iter_mut().for_each(|v| *v = *v * s);
        }
    });
    let mut shape = last.shape().to_vec();
    if let Some(l) = shape.last_mut() {
        *l = n;
    }
    Tensor::from_vec(buffer, &shape)
}

/// `n` or the axis's own length.
fn length(n: Option<usize>, x: &Tensor, axis: usize) -> usize {
    n.unwrap_or(x.shape()[axis])
}

/// A real result for `input` values: float16 and bfloat16 input, computed
/// in float32, gets its own dtype back (NumPy keeps float16 there too).
fn real_result(out: Tensor, input: DType) -> Result<Tensor> {
    match input {
        DType::Float16 | DType::BFloat16 => out.to(input),
        _ => Ok(out),
    }
}

/// `x` in the complex dtype it transforms in.
fn as_complex(x: &Tensor) -> Result<Tensor> {
    x.to(complex_dtype(x.dtype()))
}

fn require_real(op: &'static str, x: &Tensor) -> Result<()> {
    if x.dtype().kind() == DTypeKind::Complex {
        return Err(Error::DTypeNotSupported {
            op,
            dtype: x.dtype(),
            expected: "real input; take .real or use fft for complex input",
        });
    }
    Ok(())
}

fn one_axis(op: &'static str, x: &Tensor, axis: i64) -> Result<usize> {
    require_cpu(op, &[x])?;
    if x.ndim() == 0 {
        return Err(Error::TooFewDims {
            op,
            ndim: 0,
            min: 1,
        });
    }
    normalize_axis(axis, x.ndim(), op)
}

/// `fft(x, n, axis, norm)`: the one-dimensional discrete Fourier transform.
pub fn fft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    let ax = one_axis("fft", x, axis)?;
    c2c("fft", &as_complex(x)?, ax, length(n, x, ax), false, norm)
}

/// `ifft(x, n, axis, norm)`: the inverse of [`fft`].
pub fn ifft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    let ax = one_axis("ifft", x, axis)?;
    c2c("ifft", &as_complex(x)?, ax, length(n, x, ax), true, norm)
}

/// `rfft(x, n, axis, norm)`: the transform of real input, the `n/2 + 1`
/// non-negative frequencies.
pub fn rfft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    let ax = one_axis("rfft", x, axis)?;
    require_real("rfft", x)?;
    let n = length(n, x, ax);
    if n == 0 {
        return Err(bad_length("rfft"));
    }
    let last = axis_last(x, ax)?;
    let out = match complex_dtype(x.dtype()) {
        DType::Complex64 => r2c_rows::<f32>("rfft", &last, n, norm)?,
        _ => r2c_rows::<f64>("rfft", &last, n, norm)?,
    };
    axis_back(&out, ax)
}

/// `irfft(x, n, axis, norm)`: the inverse of [`rfft`]: real output of
/// length `n` (default `2 (m - 1)` for `m` input frequencies) from the
/// Hermitian spectrum whose non-negative half `x` holds (imaginary parts
/// of the zero and Nyquist terms ignored).
pub fn irfft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    let ax = one_axis("irfft", x, axis)?;
    let m = x.shape()[ax];
    let n = n.unwrap_or((2 * m).saturating_sub(2));
    if n == 0 {
        return Err(bad_length("irfft"));
    }
    let last = axis_last(&as_complex(x)?, ax)?;
    let out = match complex_dtype(x.dtype()) {
        DType::Complex64 => c2r_rows::<f32>("irfft", &last, n, norm)?,
        _ => c2r_rows::<f64>("irfft", &last, n, norm)?,
    };
    real_result(axis_back(&out, ax)?, x.dtype())
}

/// The rows of `last` (the transformed axis last, read as `E`) as rows of
/// length `n`: the first `keep` elements of each (fewer where the row is
/// shorter), the rest `zero`.
pub(super) fn padded_rows<E: Element>(
    last: &Tensor,
    keep: usize,
    n: usize,
    zero: E,
) -> Result<Vec<E>> {
    let len = *last.shape().last().unwrap_or(&0);
    let count: usize = last.shape()[..last.ndim() - 1].iter().product();
    let data = last.to(E::DTYPE)?.to_vec::<E>()?;
    if len == n && keep >= n {
        return Ok(data); // the rows as they are: no second copy
    }
    let mut out = vec![zero; count * n];
    let keep = len.min(keep).min(n);
    for (row, padded) in out.chunks_mut(n).enumerate() {
        padded[..keep].copy_from_slice(&data[row * len..row * len + keep]);
    }
    Ok(out)
}

/// `hfft(x, n, axis, norm)`: the transform of a Hermitian-symmetric signal
/// given by its first half: real output of length `n`.
pub fn hfft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    one_axis("hfft", x, axis)?;
    let out = irfft(&unary::conj(&as_complex(x)?)?, n, axis, norm.swapped())?;
    real_result(out, x.dtype())
}

/// `ihfft(x, n, axis, norm)`: the inverse of [`hfft`], from real input.
pub fn ihfft(x: &Tensor, n: Option<usize>, axis: i64, norm: FftNorm) -> Result<Tensor> {
    one_axis("ihfft", x, axis)?;
    require_real("ihfft", x)?;
    unary::conj(&rfft(x, n, axis, norm.swapped())?)
}

/// The axes and lengths of an n-dimensional transform: `axes` (all, or the
/// last `len(s)` when only `s` is given) and `s` (the input's sizes where
/// absent or -1).
fn plan_axes(
    op: &'static str,
    x: &Tensor,
    s: Option<&[i64]>,
    axes: Option<&[i64]>,
) -> Result<(Vec<usize>, Vec<Option<usize>>)> {
    require_cpu(op, &[x])?;
    let nd = x.ndim();
    let axes: Vec<usize> = match (axes, s) {
        (Some(a), _) => a
            .iter()
            .map(|&ax| normalize_axis(ax, nd, op))
            .collect::<Result<_>>()?,
        (None, Some(s)) => {
            if s.len() > nd {
                return Err(Error::InvalidArgument {
                    op,
                    reason: "s has more entries than the input has dimensions; pass axes too",
                });
            }
            (nd - s.len()..nd).collect()
        }
        (None, None) => (0..nd).collect(),
    };
    let lengths = match s {
        None => vec![None; axes.len()],
        Some(s) => {
            if s.len() != axes.len() {
                return Err(Error::InvalidArgument {
                    op,
                    reason: "s and axes must have the same length",
                });
            }
            s.iter()
                .map(|&v| match v {
                    -1 => Ok(None),
                    v if v >= 1 => Ok(Some(v as usize)),
                    _ => Err(bad_length(op)),
                })
                .collect::<Result<_>>()?
        }
    };
    Ok((axes, lengths))
}

/// `c2c` along each of `axes` in turn (the last first, as NumPy).
fn c2c_axes(
    op: &'static str,
    x: Tensor,
    axes: &[usize],
    lengths: &[Option<usize>],
    inverse: bool,
    norm: FftNorm,
) -> Result<Tensor> {
    let mut out = x;
    for (&ax, &n) in axes.iter().zip(lengths).rev() {
        let n = length(n, &out, ax);
        out = c2c(op, &out, ax, n, inverse, norm)?;
    }
    Ok(out)
}

/// `fftn(x, s, axes, norm)`: the transform over several axes.
pub fn fftn(x: &Tensor, s: Option<&[i64]>, axes: Option<&[i64]>, norm: FftNorm) -> Result<Tensor> {
    let (axes, lengths) = plan_axes("fftn", x, s, axes)?;
    c2c_axes("fftn", as_complex(x)?, &axes, &lengths, false, norm)
}

/// `ifftn(x, s, axes, norm)`: the inverse of [`fftn`].
pub fn ifftn(x: &Tensor, s: Option<&[i64]>, axes: Option<&[i64]>, norm: FftNorm) -> Result<Tensor> {
    let (axes, lengths) = plan_axes("ifftn", x, s, axes)?;
    c2c_axes("ifftn", as_complex(x)?, &axes, &lengths, true, norm)
}

/// `rfftn(x, s, axes, norm)`: [`rfft`] over the last of `axes`, then
/// [`fft`] over the others.
pub fn rfftn(x: &Tensor, s: Option<&[i64]>, axes: Option<&[i64]>, norm: FftNorm) -> Result<Tensor> {
    require_real("rfftn", x)?;
    let (axes, lengths) = plan_axes("rfftn", x, s, axes)?;
    let Some((&last, rest)) = axes.split_last() else {
        return as_complex(x)?.to_contiguous();
    };
    let first = rfft(x, lengths[axes.len() - 1], last as i64, norm)?;
    c2c_axes("rfftn", first, rest, &lengths[..rest.len()], false, norm)
}

/// `irfftn(x, s, axes, norm)`: the inverse of [`rfftn`]: inverse [`fft`]
/// over all but the last of `axes`, then [`irfft`] over the last.
pub fn irfftn(
    x: &Tensor,
    s: Option<&[i64]>,
    axes: Option<&[i64]>,
    norm: FftNorm,
) -> Result<Tensor> {
    let (axes, lengths) = plan_axes("irfftn", x, s, axes)?;
    let Some((&last, rest)) = axes.split_last() else {
        return real_result(unary::real(&as_complex(x)?)?.to_contiguous()?, x.dtype());
    };
    let inner = c2c_axes(
        "irfftn",
        as_complex(x)?,
        rest,
        &lengths[..rest.len()],
        true,
        norm,
    )?;
    let out = irfft(&inner, lengths[axes.len() - 1], last as i64, norm)?;
    real_result(out, x.dtype())
}

/// The sample frequencies `k / (d n)` of a length-`n` transform in the
/// order `fft` gives them, or only the non-negative ones for `rfft`,
/// computed as NumPy does (`k · (1 / (n d))`) in float64 and cast to
/// `dtype`.
fn frequencies(op: &'static str, n: usize, d: f64, dtype: DType, real: bool) -> Result<Tensor> {
    if dtype.kind() != DTypeKind::Float {
        return Err(Error::DTypeNotSupported {
            op,
            dtype,
            expected: "a real floating-point dtype",
        });
    }
    let val = 1.0 / (n as f64 * d);
    let ks: Vec<f64> = if real {
        (0..=n / 2).map(|k| k as f64 * val).collect()
    } else {
        let positive = (n - 1) / 2 + 1;
        (0..positive)
            .map(|k| k as i64)
            .chain(-((n / 2) as i64)..0)
            .map(|k| k as f64 * val)
            .collect()
    };
    let len = ks.len();
    Tensor::from_vec(ks, &[len])?.to(dtype)
}

/// `fftfreq(n, d, dtype)`: the frequencies of [`fft`]'s output.
pub fn fftfreq(n: usize, d: f64, dtype: DType) -> Result<Tensor> {
    if n == 0 {
        return Tensor::zeros(&[0], dtype);
    }
    frequencies("fftfreq", n, d, dtype, false)
}

/// `rfftfreq(n, d, dtype)`: the frequencies of [`rfft`]'s output.
pub fn rfftfreq(n: usize, d: f64, dtype: DType) -> Result<Tensor> {
    if n == 0 {
        return Tensor::zeros(&[0], dtype);
    }
    frequencies("rfftfreq", n, d, dtype, true)
}

/// `fftshift` (`inverse = false`) or `ifftshift`: `x` rolled by half of
/// each of `axes` (all by default), moving the zero frequency to the centre
/// or back.
pub fn fftshift(x: &Tensor, axes: Option<&[i64]>, inverse: bool) -> Result<Tensor> {
    let op = if inverse { "ifftshift" } else { "fftshift" };
    require_cpu(op, &[x])?;
    let nd = x.ndim();
    let axes: Vec<i64> = match axes {
        Some(a) => a
            .iter()
            .map(|&ax| normalize_axis(ax, nd, op).map(|v| v as i64))
            .collect::<Result<_>>()?,
        None => (0..nd as i64).collect(),
    };
    let shifts: Vec<i64> = axes
        .iter()
        .map(|&ax| {
            let half = (x.shape()[ax as usize] / 2) as i64;
            if inverse {
                -half
            } else {
                half
            }
        })
        .collect();
    if axes.is_empty() {
        return x.clone_data();
    }
    roll::roll(x, &shifts, Some(&axes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complex(t: &Tensor) -> Vec<Complex<f64>> {
        t.to(DType::Complex128)
            .unwrap()
            .to_vec::<Complex<f64>>()
            .unwrap()
    }

    #[test]
    fn a_known_transform_and_its_inverse() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[4]).unwrap();
        let y = fft(&x, None, -1, FftNorm::Backward).unwrap();
        assert_eq!(y.dtype(), DType::Complex128);
        let want = [(10.0, 0.0), (-2.0, 2.0), (-2.0, 0.0), (-2.0, -2.0)];
        for (got, (re, im)) in complex(&y).into_iter().zip(want) {
            assert!((got.re - re).abs() < 1e-12 && (got.im - im).abs() < 1e-12);
        }
        let back = ifft(&y, None, -1, FftNorm::Backward).unwrap();
        for (got, want) in complex(&back).into_iter().zip([1.0, 2.0, 3.0, 4.0]) {
            assert!((got.re - want).abs() < 1e-12 && got.im.abs() < 1e-12);
        }
    }

    #[test]
    fn real_transforms_round_trip_along_any_axis() {
        let data: Vec<f32> = (0..30).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
        let x = Tensor::from_vec(data.clone(), &[5, 6]).unwrap().t();
        for norm in [FftNorm::Backward, FftNorm::Ortho, FftNorm::Forward] {
            let spectrum = rfft(&x, None, 1, norm).unwrap();
            assert_eq!(
                (spectrum.shape(), spectrum.dtype()),
                (&[6, 3][..], DType::Complex64)
            );
            let back = irfft(&spectrum, Some(5), 1, norm).unwrap();
            assert_eq!(back.dtype(), DType::Float32);
            let (got, want) = (
                back.to_vec::<f32>().unwrap(),
                x.to_contiguous().unwrap().to_vec::<f32>().unwrap(),
            );
            assert!(got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-5));
        }
    }

    #[test]
    fn frequencies_and_shifts() {
        let f = fftfreq(4, 1.0, DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_eq!(f, vec![0.0, 0.25, -0.5, -0.25]);
        let r = rfftfreq(5, 0.5, DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_eq!(r, vec![0.0, 0.4, 0.8]);
        let x = Tensor::from_vec((0..5i64).collect(), &[5]).unwrap();
        let shifted = fftshift(&x, None, false).unwrap();
        assert_eq!(shifted.to_vec::<i64>().unwrap(), vec![3, 4, 0, 1, 2]);
        assert_eq!(
            fftshift(&shifted, None, true)
                .unwrap()
                .to_vec::<i64>()
                .unwrap(),
            vec![0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn bad_lengths_and_real_only_functions() {
        let x = Tensor::zeros(&[0], DType::Float64).unwrap();
        assert!(fft(&x, None, -1, FftNorm::Backward).is_err());
        let c = Tensor::zeros(&[3], DType::Complex64).unwrap();
        assert!(matches!(
            rfft(&c, None, -1, FftNorm::Backward),
            Err(Error::DTypeNotSupported { .. })
        ));
        assert!(irfft(
            &Tensor::zeros(&[1], DType::Complex64).unwrap(),
            None,
            -1,
            FftNorm::Backward
        )
        .is_err());
    }
}
