//! The row kernels of the real-data transforms (`rfft`, `irfft` and what
//! builds on them: `rfftn`, `irfftn`, `hfft`, `ihfft`), computed by the
//! realfft crate.
//!
//! A real signal of length `n` has a Hermitian spectrum, so its transform
//! is a complex transform of half the length plus a twiddle pass: about
//! half the work of transforming the signal as complex numbers, and the
//! negative frequencies are never formed. (For odd `n`, realfft's inverse
//! is a full complex transform, still without the Hermitian copy.)

use num_complex::Complex;
use rayon::prelude::*;
use realfft::{ComplexToReal, FftError, RealFftPlanner, RealToComplex};
use std::ops::Mul;
use std::sync::{Arc, LazyLock, Mutex};

use super::fft::{padded_rows, FftNorm, Planned};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// A float type with one process-wide planner of real transforms (see
/// [`Planned`] for why plans are kept).
pub(super) trait RealPlanned: Planned + Element {
    /// The real-transform planner of this float type.
    fn real_planner() -> &'static Mutex<RealFftPlanner<Self>>;

    /// The real-to-complex plan of length `n`, made once.
    fn forward(n: usize) -> Arc<dyn RealToComplex<Self>> {
        lock(Self::real_planner()).plan_fft_forward(n)
    }

    /// The complex-to-real plan of length `n`, made once.
    fn inverse(n: usize) -> Arc<dyn ComplexToReal<Self>> {
        lock(Self::real_planner()).plan_fft_inverse(n)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

static REAL32: LazyLock<Mutex<RealFftPlanner<f32>>> =
    LazyLock::new(|| Mutex::new(RealFftPlanner::new()));
static REAL64: LazyLock<Mutex<RealFftPlanner<f64>>> =
    LazyLock::new(|| Mutex::new(RealFftPlanner::new()));

impl RealPlanned for f32 {
    fn real_planner() -> &'static Mutex<RealFftPlanner<f32>> {
        &REAL32
    }
}

impl RealPlanned for f64 {
    fn real_planner() -> &'static Mutex<RealFftPlanner<f64>> {
        &REAL64
    }
}

fn mismatch(op: &'static str) -> Error {
    Error::InvalidArgument {
        op,
        reason: "the real transform's buffers do not match its plan (a bug: please report it)",
    }
}

/// `last`'s `shape` with its last dimension replaced by `len`.
fn with_last(last: &Tensor, len: usize) -> Vec<usize> {
    let mut shape = last.shape().to_vec();
    if let Some(l) = shape.last_mut() {
        *l = len;
    }
    shape
}

/// Runs `transform` (a plan's `process_with_scratch`) on each row of
/// `input` (rows of `in_len`) into the same row of `output` (rows of
/// `out_len`), with the rows of a signal of length `n` spread over rayon's
/// tasks, each with one scratch buffer of `scratch_len`; then multiplies
/// the output by `scale`.
fn each_row<T, I, O>(
    op: &'static str,
    n: usize,
    (input, in_len): (&mut [I], usize),
    (output, out_len): (&mut [O], usize),
    scratch_len: usize,
    scale: Option<T>,
    transform: impl Fn(&mut [I], &mut [O], &mut [Complex<T>]) -> std::result::Result<(), FftError>
        + Sync,
) -> Result<()>
where
    T: RealPlanned,
    I: Send,
    O: Send + Copy + Mul<T, Output = O>,
{
    // Enough rows per task to amortise the scratch buffer.
    let task = (1 << 16) / n + 1;
    input
        .par_chunks_mut(task * in_len)
        .zip(output.par_chunks_mut(task * out_len))
        .try_for_each(|(ins, outs)| {
            let mut scratch = vec![Complex::new(T::zero(), T::zero()); scratch_len];
            for (i, o) in ins.chunks_mut(in_len).zip(outs.chunks_mut(out_len)) {
                transform(i, o, &mut scratch).map_err(|_| mismatch(op))?;
            }
            if let Some(s) = scale {
                outs.iter_mut().for_each(|v| *v = *v * s);
            }
            Ok(())
        })
}

/// The `n/2 + 1` non-negative frequencies of each row of the real tensor
/// `last` (transformed axis last, any dtype `T` reads), truncated or
/// zero-padded to `n` first.
pub(super) fn r2c_rows<T: RealPlanned>(
    op: &'static str,
    last: &Tensor,
    n: usize,
    norm: FftNorm,
) -> Result<Tensor>
where
    Complex<T>: Element,
{
    let half = n / 2 + 1;
    let mut input = padded_rows::<T>(last, n, n, T::zero())?;
    let mut output = vec![Complex::new(T::zero(), T::zero()); input.len() / n * half];
    let plan = T::forward(n);
    let scale = norm.scale(n, false).and_then(num_traits::cast::<f64, T>);
    each_row(
        op,
        n,
        (&mut input, n),
        (&mut output, half),
        plan.get_scratch_len(),
        scale,
        |signal, spectrum, scratch| plan.process_with_scratch(signal, spectrum, scratch),
    )?;
    Tensor::from_vec(output, &with_last(last, half))
}

/// The real signals of length `n` whose spectra's non-negative halves are
/// the rows of the complex tensor `last` (transformed axis last),
/// truncated or zero-padded to `n/2 + 1` terms. The imaginary parts of the
/// zero-frequency term, and for even `n` of the Nyquist term, are ignored,
/// as pocketfft (NumPy's) ignores them.
pub(super) fn c2r_rows<T: RealPlanned>(
    op: &'static str,
    last: &Tensor,
    n: usize,
    norm: FftNorm,
) -> Result<Tensor>
where
    Complex<T>: Element,
{
    let half = n / 2 + 1;
    let zero = Complex::new(T::zero(), T::zero());
    let mut input = padded_rows::<Complex<T>>(last, half, half, zero)?;
    for spectrum in input.chunks_mut(half) {
        spectrum[0].im = T::zero();
        if n % 2 == 0 {
            spectrum[half - 1].im = T::zero();
        }
    }
    let mut output = vec![T::zero(); input.len() / half * n];
    let plan = T::inverse(n);
    let scale = norm.scale(n, true).and_then(num_traits::cast::<f64, T>);
    each_row(
        op,
        n,
        (&mut input, half),
        (&mut output, n),
        plan.get_scratch_len(),
        scale,
        |spectrum, signal, scratch| plan.process_with_scratch(spectrum, signal, scratch),
    )?;
    Tensor::from_vec(output, &with_last(last, n))
}

#[cfg(test)]
mod tests {
    use super::super::fft::{fft, irfft, rfft, FftNorm};
    use crate::dtype::DType;
    use crate::tensor::Tensor;
    use num_complex::Complex;

    fn close(a: &[Complex<f64>], b: &[Complex<f64>]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).norm() < 1e-9)
    }

    #[test]
    fn the_real_transform_is_the_complex_ones_first_half() {
        for n in [1usize, 2, 3, 5, 8, 9, 16, 17] {
            let data: Vec<f64> = (0..n).map(|i| ((i * 5) % 7) as f64 - 2.5).collect();
            let x = Tensor::from_vec(data, &[n]).unwrap();
            for pad in [n, n + 3, n.div_ceil(2)] {
                let full = fft(&x, Some(pad), 0, FftNorm::Ortho).unwrap();
                let half = rfft(&x, Some(pad), 0, FftNorm::Ortho).unwrap();
                let full = full.to_vec::<Complex<f64>>().unwrap();
                let half = half.to_vec::<Complex<f64>>().unwrap();
                assert!(close(&half, &full[..pad / 2 + 1]), "n = {n}, pad = {pad}");
            }
        }
    }

    #[test]
    fn the_imaginary_parts_of_the_zero_and_nyquist_terms_are_ignored() {
        let spectrum = [(4.0, 7.0), (1.0, -2.0), (0.5, 3.0)];
        let with: Vec<Complex<f64>> = spectrum.iter().map(|&(r, i)| Complex::new(r, i)).collect();
        let mut without = with.clone();
        without[0].im = 0.0;
        without[2].im = 0.0;
        let a = Tensor::from_vec(with, &[3]).unwrap();
        let b = Tensor::from_vec(without, &[3]).unwrap();
        let (ya, yb) = (
            irfft(&a, None, 0, FftNorm::Backward).unwrap(),
            irfft(&b, None, 0, FftNorm::Backward).unwrap(),
        );
        assert_eq!(ya.dtype(), DType::Float64);
        assert_eq!(ya.to_vec::<f64>().unwrap(), yb.to_vec::<f64>().unwrap());
        // Odd n: the last term is an ordinary one, and its imaginary part counts.
        let odd = irfft(&a, Some(5), 0, FftNorm::Backward).unwrap();
        let odd_b = irfft(&b, Some(5), 0, FftNorm::Backward).unwrap();
        assert_ne!(odd.to_vec::<f64>().unwrap(), odd_b.to_vec::<f64>().unwrap());
    }
}
