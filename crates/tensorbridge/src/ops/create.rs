//! Creation functions of the Array API standard: `arange`, `linspace`,
//! `eye`, `tril`, `triu`, `meshgrid` and the `*_like` constructors
//! (`zeros`, `ones`, `empty` and `full` themselves are [`Tensor`]
//! constructors).
//!
//! Values follow NumPy 2 bit for bit: `arange` computes its length from the
//! arguments as Python numbers and its elements with NumPy's fill rule
//! (`start + i * delta` in the output dtype), `linspace` computes in
//! float64/complex128 and converts once. Where NumPy would pick float64 for
//! Python floats, the default floating dtype here is float32 and the default
//! complex dtype complex64, the same defaults as `zeros` and `tensor(1.5)`.
//! Every result is a new C-contiguous tensor except the `*_like`s, which keep
//! the dimension order of a dense input like NumPy's `order='K'`.

use num_complex::Complex;

use crate::cpu::create::{
    arange_new, linspace_new, zero_outside_triangle, LinspaceScale, Triangle,
};
use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::MAX_NDIM;
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// The default dtype of integer sequences.
const DEFAULT_INT: DType = DType::Int64;
/// The default dtype of real floating-point results.
const DEFAULT_FLOAT: DType = DType::Float32;
/// The default dtype of complex results.
const DEFAULT_COMPLEX: DType = DType::Complex64;

/// A real number as `arange` reads it: integers exactly, floats as f64.
#[derive(Copy, Clone, Debug)]
enum Real {
    Int(i128),
    Float(f64),
}

impl Real {
    fn of(s: Scalar) -> Result<Real> {
        Ok(match s {
            Scalar::Bool(b) => Real::Int(b.into()),
            Scalar::Int(v) => Real::Int(v.into()),
            Scalar::UInt(v) => Real::Int(v.into()),
            Scalar::Float(v) => Real::Float(v),
            Scalar::Complex(..) => return Err(Error::InvalidArgument {
                op: "arange",
                reason:
                    "start, stop and step must be real numbers; use linspace for complex sequences",
            }),
        })
    }

    fn f64(self) -> f64 {
        match self {
            Real::Int(v) => v as f64,
            Real::Float(v) => v,
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Real::Int(v) => v == 0,
            Real::Float(v) => v == 0.0,
        }
    }

    /// The value as a scalar for conversion into the output dtype.
    fn scalar(self) -> Result<Scalar> {
        match self {
            Real::Float(v) => Ok(Scalar::Float(v)),
            Real::Int(v) => i64::try_from(v)
                .map(Scalar::Int)
                .or_else(|_| u64::try_from(v).map(Scalar::UInt))
                .map_err(|_| Error::Overflow {
                    what: "arange value",
                }),
        }
    }

    fn add(self, other: Real) -> Real {
        match (self, other) {
            (Real::Int(a), Real::Int(b)) => Real::Int(a + b),
            (a, b) => Real::Float(a.f64() + b.f64()),
        }
    }
}

/// `ceil(a / b)` for integers, `b != 0`.
fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a < 0) == (b < 0)) {
        q + 1
    } else {
        q
    }
}

/// Values from `start` up to (not including) `stop` in steps of `step`
/// (`arange(start, /, stop=None, step=1, *, dtype=None)`; with `stop`
/// `None` the range is `0..start`).
///
/// The length is `ceil((stop - start) / step)` computed like NumPy (exactly
/// for integers, in float64 otherwise), never negative. The dtype defaults
/// to int64 when every argument is an integer, else to float32. Element 0
/// is `start` and element 1 is `start + step` (each converted to the
/// dtype); the rest are `start + i * delta` computed in the dtype with
/// `delta` the difference of those two, as NumPy's fill loops do.
pub fn arange(
    start: Scalar,
    stop: Option<Scalar>,
    step: Scalar,
    dtype: Option<DType>,
) -> Result<Tensor> {
    let (start, stop) = match stop {
        None => (Real::Int(0), Real::of(start)?),
        Some(stop) => (Real::of(start)?, Real::of(stop)?),
    };
    let step = Real::of(step)?;
    if step.is_zero() {
        return Err(Error::InvalidArgument {
            op: "arange",
            reason: "step must not be zero",
        });
    }
    let len: i128 = match (start, stop, step) {
        (Real::Int(a), Real::Int(b), Real::Int(s)) => ceil_div(b - a, s).max(0),
        _ => {
            // Python's arithmetic: an int difference is exact before it
            // meets a float.
            let diff = match (start, stop) {
                (Real::Int(a), Real::Int(b)) => (b - a) as f64,
                _ => stop.f64() - start.f64(),
            };
            let q = diff / step.f64();
            if q.is_nan() {
                return Err(Error::InvalidArgument {
                    op: "arange",
                    reason: "cannot compute the length: start, stop and step must be finite",
                });
            }
            let q = q.ceil();
            if q > isize::MAX as f64 {
                return Err(Error::Overflow {
                    what: "arange length",
                });
            }
            (q.max(0.0)) as i128
        }
    };
    let len = usize::try_from(len)
        .ok()
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or(Error::Overflow {
            what: "arange length",
        })?;
    let all_int = matches!(
        (start, stop, step),
        (Real::Int(_), Real::Int(_), Real::Int(_))
    );
    let dtype = dtype.unwrap_or(if all_int { DEFAULT_INT } else { DEFAULT_FLOAT });
    if dtype == DType::Bool && len > 2 {
        return Err(Error::DTypeNotSupported {
            op: "arange of more than two elements",
            dtype,
            expected: "numeric dtypes (a bool sequence has at most two elements)",
        });
    }
    let first = match len {
        0 => Scalar::Int(0),
        _ => start.scalar()?,
    };
    let second = if len > 1 {
        start.add(step).scalar()?
    } else {
        first
    };
    let out = arange_new(len, dtype, first, second)?;
    Ok(out)
}

fn complex_of(s: Scalar) -> Complex<f64> {
    match s {
        Scalar::Bool(b) => Complex::new(f64::from(u8::from(b)), 0.0),
        Scalar::Int(v) => Complex::new(v as f64, 0.0),
        Scalar::UInt(v) => Complex::new(v as f64, 0.0),
        Scalar::Float(v) => Complex::new(v, 0.0),
        Scalar::Complex(re, im) => Complex::new(re, im),
    }
}

/// `num` evenly spaced samples from `start` to `stop`
/// (`linspace(start, stop, /, num, *, dtype=None, endpoint=True)`).
///
/// NumPy's arithmetic in float64 (complex128 when either end is complex):
/// `step = (stop - start) / div` with `div = num - 1` (or `num` without the
/// endpoint), sample `i` is `i * step + start` (or `(i / div) * delta +
/// start` when `step` underflows to zero) and the last sample is `stop`
/// exactly when the endpoint is included. The samples are then converted
/// to `dtype`, by default float32 (complex64 for complex ends); integer
/// dtypes get the floor, as in NumPy 2.
pub fn linspace(
    start: Scalar,
    stop: Scalar,
    num: i64,
    dtype: Option<DType>,
    endpoint: bool,
) -> Result<Tensor> {
    if num < 0 {
        return Err(Error::NegativeCount {
            op: "linspace",
            what: "num",
            value: num,
        });
    }
    let is_complex = matches!(start, Scalar::Complex(..)) || matches!(stop, Scalar::Complex(..));
    let dtype = dtype.unwrap_or(if is_complex {
        DEFAULT_COMPLEX
    } else {
        DEFAULT_FLOAT
    });
    let n = usize::try_from(num).map_err(|_| Error::Overflow {
        what: "linspace length",
    })?;
    let (a, b) = (complex_of(start), complex_of(stop));
    let delta = b - a;
    let div = if endpoint { num - 1 } else { num };
    let scale = if div > 0 {
        let d = div as f64;
        let step = Complex::new(delta.re / d, delta.im / d);
        if step.re == 0.0 && step.im == 0.0 {
            LinspaceScale::Fraction { div: d, delta }
        } else {
            LinspaceScale::Step(step)
        }
    } else {
        LinspaceScale::Step(delta)
    };
    let last = (endpoint && n > 1).then_some(b);
    linspace_new(n, dtype, a, scale, last)
}

/// A matrix with ones on diagonal `k` and zeros elsewhere
/// (`eye(n_rows, n_cols=None, /, *, k=0, dtype=None)`; `k > 0` is above the
/// main diagonal). The dtype defaults to float32.
pub fn eye(n_rows: i64, n_cols: Option<i64>, k: i64, dtype: Option<DType>) -> Result<Tensor> {
    let count = |v: i64, what| {
        usize::try_from(v).map_err(|_| Error::NegativeCount {
            op: "eye",
            what,
            value: v,
        })
    };
    let rows = count(n_rows, "n_rows")?;
    let cols = count(n_cols.unwrap_or(n_rows), "n_cols")?;
    let out = Tensor::zeros(&[rows, cols], dtype.unwrap_or(DEFAULT_FLOAT))?;
    // The diagonal as a strided 1-d view: start at (0, k) or (-k, 0).
    let (r0, c0) = if k >= 0 {
        (0i128, k as i128)
    } else {
        (-(k as i128), 0)
    };
    let len = (rows as i128 - r0).min(cols as i128 - c0);
    if len > 0 {
        let offset = (r0 * cols as i128 + c0) as usize;
        let diag = Tensor::from_storage(
            out.storage().clone(),
            out.dtype(),
            &[len as usize],
            &[cols as isize + 1],
            offset,
        )?;
        diag.fill_(Scalar::Int(1))?;
    }
    Ok(out)
}

fn triangle(x: &Tensor, k: i64, keep: Triangle, op: &'static str) -> Result<Tensor> {
    x.require_cpu(op)?;
    if x.ndim() < 2 {
        return Err(Error::TooFewDims {
            op,
            ndim: x.ndim(),
            min: 2,
        });
    }
    let out = x.to_contiguous()?;
    zero_outside_triangle(&out, k, keep);
    Ok(out)
}

/// The lower triangle of the last two dimensions: elements with
/// `col <= row + k` are kept, the rest are zero (`tril(x, /, *, k=0)`).
pub fn tril(x: &Tensor, k: i64) -> Result<Tensor> {
    triangle(x, k, Triangle::Lower, "tril")
}

/// The upper triangle of the last two dimensions: elements with
/// `col >= row + k` are kept, the rest are zero (`triu(x, /, *, k=0)`).
pub fn triu(x: &Tensor, k: i64) -> Result<Tensor> {
    triangle(x, k, Triangle::Upper, "triu")
}

/// How `meshgrid` orders the first two output dimensions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Indexing {
    /// Cartesian: the first two inputs vary along columns and rows.
    Xy,
    /// Matrix: input `i` varies along dimension `i`.
    Ij,
}

/// Coordinate grids from 1-d coordinate vectors (`meshgrid(*arrays,
/// indexing='xy')`). Each output keeps its input's dtype and is a new,
/// writeable, C-contiguous tensor (NumPy's default `copy=True`); inputs of
/// more dimensions are flattened first, as NumPy does.
pub fn meshgrid(arrays: &[Tensor], indexing: Indexing) -> Result<Vec<Tensor>> {
    let n = arrays.len();
    if n > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: n,
            max: MAX_NDIM,
        });
    }
    let mut shape: Vec<usize> = arrays.iter().map(|a| a.numel()).collect();
    let swap = indexing == Indexing::Xy && n > 1;
    if swap {
        shape.swap(0, 1);
    }
    arrays
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let pos = match (swap, i) {
                (true, 0) => 1,
                (true, 1) => 0,
                _ => i,
            };
            let mut view_shape = vec![1i64; n];
            view_shape[pos] = -1;
            let grid = a
                .reshape(&[-1])?
                .reshape(&view_shape)?
                .broadcast_to(&shape)?;
            grid.to_contiguous()
        })
        .collect()
}

/// A new tensor of `x`'s shape and `dtype` (default `x`'s), zero-filled, in
/// `x`'s dimension order when `x` is dense (NumPy's `order='K'`).
fn zeros_in_order_of(x: &Tensor, dtype: Option<DType>) -> Result<Tensor> {
    let dtype = dtype.unwrap_or(x.dtype());
    match x.dense_order() {
        Some(perm) if perm.iter().enumerate().any(|(k, &p)| k != p) => {
            let permuted: Vec<usize> = perm.iter().map(|&p| x.shape()[p]).collect();
            let mut inverse = vec![0i64; perm.len()];
            for (k, &p) in perm.iter().enumerate() {
                inverse[p] = k as i64;
            }
            Tensor::zeros(&permuted, dtype)?.permute(&inverse)
        }
        _ => Tensor::zeros(x.shape(), dtype),
    }
}

/// Zeros of `x`'s shape (`zeros_like(x, /, *, dtype=None)`).
pub fn zeros_like(x: &Tensor, dtype: Option<DType>) -> Result<Tensor> {
    if !x.device().is_cpu() {
        return Tensor::zeros_on(x.shape(), dtype.unwrap_or(x.dtype()), x.device());
    }
    zeros_in_order_of(x, dtype)
}

/// Ones of `x`'s shape (`ones_like(x, /, *, dtype=None)`).
pub fn ones_like(x: &Tensor, dtype: Option<DType>) -> Result<Tensor> {
    full_like(x, Scalar::Int(1), dtype)
}

/// A new tensor of `x`'s shape (`empty_like(x, /, *, dtype=None)`); its
/// values are zero, since fresh memory is never handed out uninitialised.
pub fn empty_like(x: &Tensor, dtype: Option<DType>) -> Result<Tensor> {
    zeros_like(x, dtype)
}

/// `value` in every element of a tensor of `x`'s shape
/// (`full_like(x, /, fill_value, *, dtype=None)`); the dtype defaults to
/// `x`'s and `value` is converted to it like a cast.
pub fn full_like(x: &Tensor, value: Scalar, dtype: Option<DType>) -> Result<Tensor> {
    if !x.device().is_cpu() {
        return Tensor::full_on(x.shape(), value, dtype.unwrap_or(x.dtype()), x.device());
    }
    let out = zeros_in_order_of(x, dtype)?;
    out.fill_(value)?;
    Ok(out)
}

/// The default dtype of a Python-style number: bool, int64, float32 or
/// complex64 (what `full` and `asarray` of a lone number give).
pub fn default_dtype_of(value: Scalar) -> DType {
    match value.kind() {
        DTypeKind::Bool => DType::Bool,
        DTypeKind::Int | DTypeKind::UInt => DEFAULT_INT,
        DTypeKind::Float => DEFAULT_FLOAT,
        DTypeKind::Complex => DEFAULT_COMPLEX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arange_lengths_and_dtypes() {
        let t = arange(Scalar::Int(10), None, Scalar::Int(3), None).unwrap();
        assert_eq!(t.dtype(), DType::Int64);
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![0, 3, 6, 9]);
        let t = arange(Scalar::Int(5), Some(Scalar::Int(-5)), Scalar::Int(-4), None).unwrap();
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![5, 1, -3]);
        let t = arange(
            Scalar::Float(0.5),
            Some(Scalar::Int(3)),
            Scalar::Int(1),
            None,
        )
        .unwrap();
        assert_eq!(t.to_vec::<f32>().unwrap(), vec![0.5, 1.5, 2.5]);
        assert_eq!(
            arange(Scalar::Int(3), Some(Scalar::Int(1)), Scalar::Int(1), None)
                .unwrap()
                .numel(),
            0
        );
        assert!(arange(Scalar::Int(3), None, Scalar::Int(0), None).is_err());
        assert!(arange(Scalar::Float(f64::NAN), None, Scalar::Int(1), None).is_err());
        assert!(arange(Scalar::Float(f64::INFINITY), None, Scalar::Int(1), None).is_err());
        assert!(arange(Scalar::Int(3), None, Scalar::Int(1), Some(DType::Bool)).is_err());
    }

    #[test]
    fn linspace_ends_exactly() {
        let t = linspace(
            Scalar::Int(0),
            Scalar::Float(1.0),
            4,
            Some(DType::Float64),
            true,
        )
        .unwrap();
        assert_eq!(
            t.to_vec::<f64>().unwrap(),
            vec![0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]
        );
        let t = linspace(
            Scalar::Int(0),
            Scalar::Int(1),
            4,
            Some(DType::Float64),
            false,
        )
        .unwrap();
        assert_eq!(t.to_vec::<f64>().unwrap(), vec![0.0, 0.25, 0.5, 0.75]);
        assert_eq!(
            linspace(Scalar::Int(0), Scalar::Int(1), 0, None, true)
                .unwrap()
                .shape(),
            &[0]
        );
        assert!(linspace(Scalar::Int(0), Scalar::Int(1), -1, None, true).is_err());
    }

    #[test]
    fn eye_and_triangles() {
        let e = eye(2, Some(3), 1, Some(DType::Int32)).unwrap();
        assert_eq!(e.to_vec::<i32>().unwrap(), vec![0, 1, 0, 0, 0, 1]);
        let e = eye(3, Some(2), -1, Some(DType::Int32)).unwrap();
        assert_eq!(e.to_vec::<i32>().unwrap(), vec![0, 0, 1, 0, 0, 1]);
        assert_eq!(
            eye(2, None, 5, None).unwrap().to_vec::<f32>().unwrap(),
            vec![0.0; 4]
        );
        let x = Tensor::from_vec((1..=6i64).collect(), &[2, 3]).unwrap();
        assert_eq!(
            tril(&x.t(), 0).unwrap().to_vec::<i64>().unwrap(),
            vec![1, 0, 2, 5, 3, 6]
        );
        assert_eq!(
            triu(&x, 1).unwrap().to_vec::<i64>().unwrap(),
            vec![0, 2, 3, 0, 0, 6]
        );
        assert!(tril(&Tensor::zeros(&[3], DType::Int8).unwrap(), 0).is_err());
    }

    #[test]
    fn meshgrid_orders() {
        let a = Tensor::from_vec(vec![1i32, 2, 3], &[3]).unwrap();
        let b = Tensor::from_vec(vec![10i64, 20], &[2]).unwrap();
        let g = meshgrid(&[a.clone(), b.clone()], Indexing::Xy).unwrap();
        assert_eq!(g[0].shape(), &[2, 3]);
        assert_eq!(g[0].to_vec::<i32>().unwrap(), vec![1, 2, 3, 1, 2, 3]);
        assert_eq!(g[1].to_vec::<i64>().unwrap(), vec![10, 10, 10, 20, 20, 20]);
        let g = meshgrid(&[a, b], Indexing::Ij).unwrap();
        assert_eq!(g[1].shape(), &[3, 2]);
    }

    #[test]
    fn like_keeps_dense_order() {
        let x = Tensor::zeros(&[2, 3], DType::Int8).unwrap().t();
        let f = full_like(&x, Scalar::Float(2.7), None).unwrap();
        assert_eq!(f.strides(), x.strides());
        assert_eq!(f.to_vec::<i8>().unwrap(), vec![2; 6]);
        assert_eq!(
            ones_like(&x, Some(DType::Float16)).unwrap().dtype(),
            DType::Float16
        );
    }
}
