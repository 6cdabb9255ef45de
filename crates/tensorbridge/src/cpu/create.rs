//! Loops of the creation functions: arithmetic sequences (`arange`,
//! `linspace`) and the zeroing of one side of a band (`tril`, `triu`).
//!
//! Each loop writes a fresh, C-contiguous tensor that no one else holds yet;
//! the callers in [`crate::ops::create`] allocate it and decide the values'
//! rules (NumPy's), these loops only produce them.

use num_complex::Complex;
use rayon::prelude::*;

use super::cast::CastTo;
use crate::dtype::{DType, DTypeKind};
use crate::element::Element;
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// Elements below which a sequence is written on the calling thread.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Elements per parallel task.
const CHUNK_ELEMENTS: usize = 1 << 14;

/// Calls `f(start, chunk)` on consecutive chunks of the fresh contiguous
/// tensor `out`, whose element type is `T`, `start` being the index of the
/// chunk's first element; chunks run in parallel for large tensors.
fn fill_chunks<T: Element, F: Fn(usize, &mut [T]) + Sync>(out: &Tensor, f: F) {
    assert!(out.is_contiguous() && out.device().is_cpu() && !out.is_readonly());
    assert_eq!(std::mem::size_of::<T>(), out.itemsize());
    let n = out.numel();
    if n == 0 {
        return;
    }
    // SAFETY: `out` is a contiguous CPU tensor of `n` elements of `T`'s size,
    // aligned for `T` (storage is aligned for its dtype), and the callers
    // pass freshly allocated tensors that nothing else reads or writes while
    // this slice lives. Every `T` written is a valid value of the dtype
    // (`bool` values are stored as themselves, 0 or 1).
    let slice = unsafe { std::slice::from_raw_parts_mut(out.data_ptr() as *mut T, n) };
    if n < PARALLEL_MIN_ELEMENTS || rayon::current_num_threads() < 2 {
        f(0, slice);
    } else {
        slice
            .par_chunks_mut(CHUNK_ELEMENTS)
            .enumerate()
            .for_each(|(c, chunk)| f(c * CHUNK_ELEMENTS, chunk));
    }
}

/// Writes `f(i)` into element `i` of the fresh contiguous tensor `out`,
/// whose element type is `T`.
fn fill_indexed<T: Element, F: Fn(usize) -> T + Sync>(out: &Tensor, f: F) {
    fill_chunks::<T, _>(out, |start, chunk| {
        chunk
            .iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = f(start + i));
    });
}

/// The first two values of a sequence, already converted to the output
/// dtype, as the working values of NumPy's fill loops.
fn read_pair(dtype: DType, first: Scalar, second: Scalar) -> (Scalar, Scalar) {
    let read = |s: Scalar| {
        let bytes = super::fill::scalar_to_bytes(s, dtype);
        Scalar::from_ne_bytes(dtype, &bytes)
    };
    (read(first), read(second))
}

fn as_i64_bits(s: Scalar) -> i64 {
    match s {
        Scalar::Int(v) => v,
        Scalar::UInt(v) => v as i64,
        Scalar::Bool(b) => b as i64,
        Scalar::Float(v) => v as i64,
        Scalar::Complex(re, _) => re as i64,
    }
}

fn as_f64(s: Scalar) -> f64 {
    match s {
        Scalar::Float(v) => v,
        Scalar::Complex(re, _) => re,
        Scalar::Int(v) => v as f64,
        Scalar::UInt(v) => v as f64,
        Scalar::Bool(b) => f64::from(u8::from(b)),
    }
}

/// A new 1-d tensor of `len` elements of `dtype` holding NumPy's `arange`
/// values (see [`arange_fill`]); bool holds at most two elements.
pub fn arange_new(
    len: usize,
    dtype: DType,
    first: Scalar,
    second: Scalar,
) -> crate::Result<Tensor> {
    assert!(
        dtype != DType::Bool || len <= 2,
        "arange of bool holds at most two elements"
    );
    // SAFETY: `arange_fill` writes every element before the tensor is returned.
    let out = unsafe { Tensor::uninit(&[len], dtype)? };
    arange_fill(&out, first, second);
    Ok(out)
}

/// Fills the fresh contiguous 1-d tensor `out` with NumPy's `arange`
/// values: element 0 is `first` and element 1 is `second`, both converted
/// to `out`'s dtype; element `i >= 2` is `b0 + i * (b1 - b0)` computed in
/// the dtype like NumPy's fill functions (integers wrap; float16 and
/// bfloat16 compute in float32; complex dtypes use their real component
/// type, the imaginary part stays +0). A bool output holds at most two
/// elements (the caller checks).
fn arange_fill(out: &Tensor, first: Scalar, second: Scalar) {
    let dtype = out.dtype();
    let (b0, b1) = read_pair(dtype, first, second);
    let n = out.numel();
    if dtype == DType::Bool {
        assert!(n <= 2, "arange of bool holds at most two elements");
        let (v0, v1) = (as_i64_bits(b0) != 0, as_i64_bits(b1) != 0);
        fill_indexed::<bool, _>(out, |i| if i == 0 { v0 } else { v1 });
        return;
    }
    // The formula for every element (a loop without branches, which
    // vectorises), then elements 0 and 1 set to the exact first two values.
    match dtype.kind() {
        DTypeKind::Int | DTypeKind::UInt => {
            let (s, d) = (as_i64_bits(b0), as_i64_bits(b1));
            let delta = d.wrapping_sub(s);
            // Stepping by `delta` from each chunk's start gives the same
            // wrapped values as `s + i * delta` without a 64-bit multiply
            // per element.
            crate::dispatch_dtype!(dtype, T => fill_chunks::<T, _>(out, |start, chunk| {
                let mut v = s.wrapping_add((start as i64).wrapping_mul(delta));
                for x in chunk.iter_mut() {
                    *x = v.cast_to();
                    v = v.wrapping_add(delta);
                }
            }));
        }
        _ if matches!(dtype, DType::Float64 | DType::Complex128) => {
            let (s, d) = (as_f64(b0), as_f64(b1));
            let delta = d - s;
            crate::dispatch_dtype!(dtype, T => fill_indexed::<T, _>(out, |i| {
                (s + i as f64 * delta).cast_to()
            }));
        }
        _ => {
            // float16, bfloat16, float32, complex64: exact in float32.
            let (s, d) = (as_f64(b0) as f32, as_f64(b1) as f32);
            let delta = d - s;
            crate::dispatch_dtype!(dtype, T => fill_indexed::<T, _>(out, |i| {
                (s + i as f32 * delta).cast_to()
            }));
        }
    }
    for (i, v) in [b0, b1].into_iter().enumerate().take(n) {
        let bytes = super::fill::scalar_to_bytes(v, dtype);
        let size = dtype.itemsize();
        // SAFETY: `out` is a fresh contiguous tensor of `n > i` elements of
        // `size` bytes (checked by `fill_indexed` above), owned by the caller.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                (out.data_ptr() as *mut u8).add(i * size),
                size,
            )
        };
    }
}

/// How `linspace` scales the sample index, as NumPy does it.
#[derive(Copy, Clone, Debug)]
pub enum LinspaceScale {
    /// `i * step` (the usual case).
    Step(Complex<f64>),
    /// `(i / div) * delta`, when `step` underflowed to zero.
    Fraction {
        /// `num - 1`, or `num` without the endpoint.
        div: f64,
        /// `stop - start`.
        delta: Complex<f64>,
    },
}

/// A new 1-d tensor of `n` `linspace` samples of `dtype` (see
/// [`linspace_fill`]).
pub fn linspace_new(
    n: usize,
    dtype: DType,
    start: Complex<f64>,
    scale: LinspaceScale,
    last: Option<Complex<f64>>,
) -> crate::Result<Tensor> {
    // SAFETY: `linspace_fill` writes every element before the tensor is returned.
    let out = unsafe { Tensor::uninit(&[n], dtype)? };
    linspace_fill(&out, start, scale, last);
    Ok(out)
}

/// Fills the fresh contiguous 1-d tensor `out` with `linspace` samples:
/// `scale(i) + start` in float64 (or complex128) arithmetic, the last one
/// replaced by `last` when given, floored for integer dtypes (NumPy 2),
/// then converted to `out`'s dtype by the cast rules.
pub fn linspace_fill(
    out: &Tensor,
    start: Complex<f64>,
    scale: LinspaceScale,
    last: Option<Complex<f64>>,
) {
    let n = out.numel();
    let dtype = out.dtype();
    let floor = matches!(dtype.kind(), DTypeKind::Int | DTypeKind::UInt);
    let value = move |i: usize| -> Complex<f64> {
        let y = match (last, i + 1 == n) {
            (Some(stop), true) => stop,
            _ => {
                let t = i as f64;
                match scale {
                    LinspaceScale::Step(step) => {
                        Complex::new(t * step.re + start.re, t * step.im + start.im)
                    }
                    LinspaceScale::Fraction { div, delta } => {
                        let f = t / div;
                        Complex::new(f * delta.re + start.re, f * delta.im + start.im)
                    }
                }
            }
        };
        if floor {
            Complex::new(y.re.floor(), y.im)
        } else {
            y
        }
    };
    if dtype == DType::Bool {
        fill_indexed::<bool, _>(out, |i| value(i).cast_to());
    } else {
        crate::dispatch_dtype!(dtype, T => fill_indexed::<T, _>(out, |i| value(i).cast_to()));
    }
}

/// Which side of the band `k` a triangle keeps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Triangle {
    /// Keep `j <= i + k` (`tril`).
    Lower,
    /// Keep `j >= i + k` (`triu`).
    Upper,
}

/// Zeroes, in the fresh C-contiguous tensor `out` of shape `(..., M, N)`,
/// every element outside the kept triangle. Zero bytes are the value zero
/// of every dtype (+0.0 for floats, `false` for bool).
pub fn zero_outside_triangle(out: &Tensor, k: i64, keep: Triangle) {
    super::host::only("zero_outside_triangle", &[out]);
    assert!(out.is_contiguous() && out.ndim() >= 2 && out.device().is_cpu() && !out.is_readonly());
    let nd = out.ndim();
    let (rows, cols) = (out.shape()[nd - 2], out.shape()[nd - 1]);
    if out.numel() == 0 {
        return;
    }
    let matrices = out.numel() / (rows * cols);
    let size = out.itemsize();
    let base = out.data_ptr() as *mut u8;
    for m in 0..matrices {
        for i in 0..rows {
            let edge = (i as i128 + k as i128).clamp(-1, cols as i128);
            let (lo, hi) = match keep {
                Triangle::Lower => ((edge + 1).clamp(0, cols as i128) as usize, cols),
                Triangle::Upper => (0, edge.clamp(0, cols as i128) as usize),
            };
            if lo < hi {
                let row = (m * rows + i) * cols;
                // SAFETY: `out` is contiguous with `matrices * rows * cols`
                // elements of `size` bytes at `base`, and `row + lo .. row + hi`
                // lies inside row `i` of matrix `m`; the caller owns `out`
                // exclusively (fresh allocation).
                unsafe { std::ptr::write_bytes(base.add((row + lo) * size), 0, (hi - lo) * size) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arange_fill_matches_numpy_rules() {
        let t = Tensor::zeros(&[5], DType::Int8).unwrap();
        arange_fill(&t, Scalar::Int(0), Scalar::Int(100));
        assert_eq!(t.to_vec::<i8>().unwrap(), vec![0, 100, -56, 44, -112]);
        let f = Tensor::zeros(&[4], DType::Float32).unwrap();
        arange_fill(&f, Scalar::Float(1.0), Scalar::Float(1.1));
        let d = 1.1f32 - 1.0;
        assert_eq!(
            f.to_vec::<f32>().unwrap(),
            vec![1.0, 1.1, 1.0 + 2.0 * d, 1.0 + 3.0 * d]
        );
    }

    #[test]
    fn triangle_zeroing() {
        let t = Tensor::full(&[3, 4], Scalar::Int(1), DType::Int32).unwrap();
        zero_outside_triangle(&t, 0, Triangle::Lower);
        assert_eq!(
            t.to_vec::<i32>().unwrap(),
            vec![1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0]
        );
        let u = Tensor::full(&[3, 4], Scalar::Int(1), DType::Int32).unwrap();
        zero_outside_triangle(&u, -1, Triangle::Upper);
        assert_eq!(
            u.to_vec::<i32>().unwrap(),
            vec![1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]
        );
    }
}
