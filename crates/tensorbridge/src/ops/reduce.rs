//! Reductions: `sum`, `prod`, `max`, `min`, `all`, `any`, `count_nonzero`.
//!
//! Semantics follow the Array API standard (2024.12) and, where it leaves a
//! choice, NumPy 2:
//!
//! * `axes = None` reduces every axis; axes may be negative; a repeated axis
//!   is an error ([`Error::DuplicateAxis`]), an out-of-range one too
//!   ([`Error::AxisOutOfRange`]); `keepdims` leaves the reduced axes as
//!   size 1.
//! * `sum`/`prod` of signed integers and bool give int64, of unsigned
//!   integers uint64, of floats and complex numbers their own dtype.
//!   Integer results wrap on overflow like NumPy's. `dtype=` casts the input
//!   to that dtype first (NumPy), so `sum(x, dtype=bool)` is `any`.
//! * `max`/`min` keep the dtype, propagate NaN and raise
//!   [`Error::EmptyReduction`] over no elements (they have no identity);
//!   `max`/`min` of bool are `any`/`all`.
//! * `all`/`any` give bool, `count_nonzero` int64; NaN counts as non-zero.
//! * `argmax`/`argmin` take one axis or `None` (the flattened tensor, C
//!   order) and give int64 indices of the first extreme; a NaN beats every
//!   number. An empty axis is [`Error::EmptyReduction`].
//!
//! The loops are the engine of [`crate::cpu::reduce`]; the folds, with their
//! accumulator types, are in [`crate::cpu::fold`].

use crate::cpu::fold::{Extreme, Fold, Logical, Prod, Sum, Truth};
use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::{normalize_axes, normalize_axis};
use crate::tensor::Tensor;

/// The axes of one reduction, resolved against a tensor.
pub(crate) struct Axes {
    /// Which dimensions are reduced.
    pub mask: Vec<bool>,
    /// Shape of the result without `keepdims`.
    pub kept_shape: Vec<usize>,
    /// Elements folded into each result element.
    pub reduced_numel: usize,
}

impl Axes {
    /// Whether the reduction covers every element of the contiguous `x`,
    /// which the flat scans of [`crate::cpu::truth`] handle.
    fn whole_contiguous(&self, x: &Tensor) -> bool {
        self.kept_shape.is_empty() && x.is_contiguous()
    }

    /// Resolves `axes` (`None`: all) for `x`, checking range and repeats.
    pub fn new(x: &Tensor, axes: Option<&[i64]>, op: &'static str) -> Result<Axes> {
        if !x.device().is_cpu() {
            return Err(Error::DeviceUnavailable {
                op,
                device: x.device(),
            });
        }
        let axes = normalize_axes(axes, x.ndim(), op)?;
        let mut mask = vec![false; x.ndim()];
        for &a in &axes {
            mask[a] = true;
        }
        let kept_shape = x
            .shape()
            .iter()
            .zip(&mask)
            .filter(|(_, &r)| !r)
            .map(|(&d, _)| d)
            .collect();
        let reduced_numel = x
            .shape()
            .iter()
            .zip(&mask)
            .filter(|(_, &r)| r)
            .map(|(&d, _)| d)
            .product();
        Ok(Axes {
            mask,
            kept_shape,
            reduced_numel,
        })
    }

    /// `out` (of the kept shape) viewed with size-1 reduced axes when
    /// `keepdims`.
    pub fn shape_result(&self, out: Tensor, keepdims: bool) -> Result<Tensor> {
        if !keepdims {
            return Ok(out);
        }
        let mut kept = self.kept_shape.iter();
        let shape: Vec<i64> = self
            .mask
            .iter()
            .map(|&r| {
                if r {
                    1
                } else {
                    kept.next().map_or(1, |&d| d as i64)
                }
            })
            .collect();
        out.view(&shape)
    }
}

/// Runs `op` over `x` into a new tensor of the kept shape and `dtype`.
pub(crate) fn fold_to_tensor<F: Fold>(
    op: &F,
    x: &Tensor,
    axes: &Axes,
    dtype: DType,
) -> Result<Tensor> {
    crate::cpu::reduce::reduce_new(op, x, &axes.mask, &axes.kept_shape, dtype)
}

/// Bool data read as numbers: converted to int8 so every byte counts as
/// 0 or 1 (foreign bool memory may hold other non-zero bytes).
pub(crate) fn bool_as_int(x: &Tensor) -> Result<Tensor> {
    if x.dtype() == DType::Bool {
        x.to_dtype(DType::Int8)
    } else {
        Ok(x.clone())
    }
}

/// The dtype `sum`/`prod`/`cumulative_sum` give without `dtype=`.
pub fn sum_dtype(x: DType) -> DType {
    match x.kind() {
        DTypeKind::Bool | DTypeKind::Int => DType::Int64,
        DTypeKind::UInt => DType::UInt64,
        _ => x,
    }
}

/// The input of a sum or product with `dtype=`: cast to that dtype first
/// (NumPy), except between integer dtypes, where wrapping 64-bit
/// accumulation followed by a cast of the result gives the same bits.
pub(crate) fn sum_input(x: &Tensor, dtype: Option<DType>) -> Result<Tensor> {
    let ints = |d: DType| matches!(d.kind(), DTypeKind::Int | DTypeKind::UInt);
    let x = match dtype {
        Some(d) if d != x.dtype() && !(ints(d) && ints(x.dtype())) => x.to_dtype(d)?,
        _ => x.clone(),
    };
    bool_as_int(&x)
}

/// Casts a result to the requested `dtype=` when it differs.
pub(crate) fn sum_output(r: Tensor, dtype: Option<DType>) -> Result<Tensor> {
    match dtype {
        Some(d) if d != r.dtype() => r.to_dtype(d),
        _ => Ok(r),
    }
}

#[derive(Copy, Clone)]
enum SumKind {
    Sum,
    Prod,
}

fn sum_or_prod(
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    dtype: Option<DType>,
    kind: SumKind,
    op: &'static str,
) -> Result<Tensor> {
    let ax = Axes::new(x, axes, op)?;
    let x = sum_input(x, dtype)?;
    let out = crate::dispatch_dtype!(x.dtype(), T => {
        let out_dtype = <<T as crate::cpu::fold::Arith>::SumOut as crate::Element>::DTYPE;
        match kind {
            SumKind::Sum => fold_to_tensor(&Sum::<T>::default(), &x, &ax, out_dtype)?,
            SumKind::Prod => fold_to_tensor(&Prod::<T>::default(), &x, &ax, out_dtype)?,
        }
    });
    ax.shape_result(sum_output(out, dtype)?, keepdims)
}

/// `sum(x, axis, keepdims, dtype)`: the sum over `axes` (all when `None`).
pub fn sum(
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    dtype: Option<DType>,
) -> Result<Tensor> {
    sum_or_prod(x, axes, keepdims, dtype, SumKind::Sum, "sum")
}

/// `prod(x, axis, keepdims, dtype)`: the product over `axes`.
pub fn prod(
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    dtype: Option<DType>,
) -> Result<Tensor> {
    sum_or_prod(x, axes, keepdims, dtype, SumKind::Prod, "prod")
}

fn truth(
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    kind: Truth,
    op: &'static str,
) -> Result<Tensor> {
    let ax = Axes::new(x, axes, op)?;
    let out = if ax.whole_contiguous(x) {
        let found = crate::dispatch_dtype!(x.dtype(), T => {
            crate::cpu::truth::contains::<T>(x, kind == Truth::Any)
        });
        Tensor::from_vec(vec![found == (kind == Truth::Any)], &[])?
    } else {
        crate::dispatch_dtype!(x.dtype(), T => {
            fold_to_tensor(&Logical::<T>::new(kind), x, &ax, DType::Bool)?
        })
    };
    ax.shape_result(out, keepdims)
}

/// `all(x, axis, keepdims)`: whether every element over `axes` is non-zero
/// (true over no elements).
pub fn all(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    truth(x, axes, keepdims, Truth::All, "all")
}

/// `any(x, axis, keepdims)`: whether some element over `axes` is non-zero
/// (false over no elements).
pub fn any(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    truth(x, axes, keepdims, Truth::Any, "any")
}

/// `count_nonzero(x, axis, keepdims)`: non-zero elements over `axes`, as
/// int64.
pub fn count_nonzero(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    let ax = Axes::new(x, axes, "count_nonzero")?;
    let out = if ax.whole_contiguous(x) {
        let n = crate::dispatch_dtype!(x.dtype(), T => crate::cpu::truth::count_nonzero::<T>(x));
        Tensor::from_vec(vec![n], &[])?
    } else {
        crate::dispatch_dtype!(x.dtype(), T => {
            fold_to_tensor(&crate::cpu::fold::CountNonzero::<T>::default(), x, &ax, DType::Int64)?
        })
    };
    ax.shape_result(out, keepdims)
}

fn extreme<const MAX: bool>(
    x: &Tensor,
    axes: Option<&[i64]>,
    keepdims: bool,
    op: &'static str,
) -> Result<Tensor> {
    let ax = Axes::new(x, axes, op)?;
    if ax.reduced_numel == 0 {
        return Err(Error::EmptyReduction { op });
    }
    let out = if x.dtype() == DType::Bool {
        let kind = if MAX { Truth::Any } else { Truth::All };
        fold_to_tensor(&Logical::<u8>::new(kind), x, &ax, DType::Bool)?
    } else {
        crate::dispatch_dtype!(x.dtype(), T => fold_to_tensor(&Extreme::<T, MAX>::default(), x, &ax, x.dtype())?)
    };
    ax.shape_result(out, keepdims)
}

/// `max(x, axis, keepdims)`: the largest element over `axes`; NaN if any
/// is NaN. Raises [`Error::EmptyReduction`] over no elements.
pub fn max(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    extreme::<true>(x, axes, keepdims, "max")
}

/// `min(x, axis, keepdims)`: the smallest element over `axes`; NaN if any
/// is NaN. Raises [`Error::EmptyReduction`] over no elements.
pub fn min(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    extreme::<false>(x, axes, keepdims, "min")
}

/// A single axis of `argmax`/`cumulative_sum`: the tensor to walk and the
/// axis in it. `None` and the axis of a 0-d tensor (0 or -1, as NumPy
/// accepts) walk the flattened tensor; `None` needs at most one dimension
/// when `flatten_any` is false.
pub(crate) fn single_axis(
    x: &Tensor,
    axis: Option<i64>,
    flatten_any: bool,
    op: &'static str,
) -> Result<(Tensor, usize)> {
    if !x.device().is_cpu() {
        return Err(Error::DeviceUnavailable {
            op,
            device: x.device(),
        });
    }
    match axis {
        Some(a) if x.ndim() > 0 => Ok((x.clone(), normalize_axis(a, x.ndim(), op)?)),
        Some(a) => {
            normalize_axis(a, 1, op)?;
            Ok((x.reshape(&[-1])?, 0))
        }
        None if flatten_any || x.ndim() <= 1 => Ok((x.reshape(&[-1])?, 0)),
        None => Err(Error::InvalidArgument {
            op,
            reason: "axis is required for tensors of more than one dimension; pass axis=k",
        }),
    }
}

fn arg_extreme<const MAX: bool>(
    x: &Tensor,
    axis: Option<i64>,
    keepdims: bool,
    op: &'static str,
) -> Result<Tensor> {
    let (src, k) = single_axis(x, axis, true, op)?;
    if src.shape()[k] == 0 {
        return Err(Error::EmptyReduction { op });
    }
    let src = bool_as_int(&src)?;
    let kept: Vec<usize> = src
        .shape()
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != k)
        .map(|(_, &d)| d)
        .collect();
    let out = crate::dispatch_dtype!(src.dtype(), T => crate::cpu::argreduce::arg_extreme_new::<T, MAX>(&src, k, &kept))?;
    let shape: Vec<i64> = match (axis, keepdims) {
        (_, false) => kept.iter().map(|&d| d as i64).collect(),
        (Some(_), true) if x.ndim() > 0 => x
            .shape()
            .iter()
            .enumerate()
            .map(|(i, &d)| if i == k { 1 } else { d as i64 })
            .collect(),
        (_, true) => vec![1; x.ndim()],
    };
    out.view(&shape)
}

/// `argmax(x, axis, keepdims)`: the index of the first largest element
/// along `axis` (of the flattened tensor when `None`); NaN counts as the
/// largest.
pub fn argmax(x: &Tensor, axis: Option<i64>, keepdims: bool) -> Result<Tensor> {
    arg_extreme::<true>(x, axis, keepdims, "argmax")
}

/// `argmin(x, axis, keepdims)`: the index of the first smallest element
/// along `axis` (of the flattened tensor when `None`); NaN counts as the
/// smallest.
pub fn argmin(x: &Tensor, axis: Option<i64>, keepdims: bool) -> Result<Tensor> {
    arg_extreme::<false>(x, axis, keepdims, "argmin")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<f64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    #[test]
    fn sum_axes_keepdims_and_dtypes() {
        let x = t((0..6).map(f64::from).collect(), &[2, 3]);
        assert_eq!(
            sum(&x, None, false, None).unwrap().to_vec::<f64>().unwrap(),
            vec![15.0]
        );
        let s = sum(&x, Some(&[0]), true, None).unwrap();
        assert_eq!(s.shape(), &[1, 3]);
        assert_eq!(s.to_vec::<f64>().unwrap(), vec![3.0, 5.0, 7.0]);
        let s = sum(&x.t(), Some(&[-1]), false, None).unwrap();
        assert_eq!(s.to_vec::<f64>().unwrap(), vec![3.0, 5.0, 7.0]);
        let i = Tensor::from_vec(vec![i8::MAX, 1], &[2]).unwrap();
        let s = sum(&i, None, false, None).unwrap();
        assert_eq!(
            (s.dtype(), s.to_vec::<i64>().unwrap()),
            (DType::Int64, vec![128])
        );
        let s = sum(&i, None, false, Some(DType::Int8)).unwrap();
        assert_eq!(s.to_vec::<i8>().unwrap(), vec![i8::MIN]);
        let b = Tensor::from_vec(vec![true, true, false], &[3]).unwrap();
        assert_eq!(
            sum(&b, None, false, None).unwrap().to_vec::<i64>().unwrap(),
            vec![2]
        );
        assert_eq!(
            prod(&b, None, false, Some(DType::Bool))
                .unwrap()
                .to_vec::<bool>()
                .unwrap(),
            vec![false]
        );
    }

    #[test]
    fn bad_axes_are_errors() {
        let x = t(vec![1.0; 6], &[2, 3]);
        assert!(matches!(
            sum(&x, Some(&[2]), false, None),
            Err(Error::AxisOutOfRange { .. })
        ));
        assert!(matches!(
            sum(&x, Some(&[1, -1]), false, None),
            Err(Error::DuplicateAxis { .. })
        ));
    }

    #[test]
    fn max_min_nan_and_empty() {
        let x = t(vec![1.0, f64::NAN, 3.0], &[3]);
        assert!(max(&x, None, false).unwrap().to_vec::<f64>().unwrap()[0].is_nan());
        let e = t(vec![], &[0, 3]);
        assert!(matches!(
            max(&e, Some(&[0]), false),
            Err(Error::EmptyReduction { .. })
        ));
        assert_eq!(max(&e, Some(&[1]), false).unwrap().shape(), &[0]);
        assert_eq!(
            sum(&e, Some(&[0]), false, None)
                .unwrap()
                .to_vec::<f64>()
                .unwrap(),
            vec![0.0; 3]
        );
    }

    #[test]
    fn argmax_first_occurrence_nan_and_negative_strides() {
        let x = t(vec![1.0, 3.0, 3.0, f64::NAN, 0.0, f64::NAN], &[2, 3]);
        assert_eq!(
            argmax(&x, Some(1), false).unwrap().to_vec::<i64>().unwrap(),
            vec![1, 0]
        );
        assert_eq!(
            argmin(&x, Some(0), true).unwrap().to_vec::<i64>().unwrap(),
            vec![1, 1, 1]
        );
        assert_eq!(
            argmax(&x, None, false).unwrap().to_vec::<i64>().unwrap(),
            vec![3]
        );
        let r = x.slice(1, None, None, -1).unwrap();
        assert_eq!(
            argmax(&r, Some(1), false).unwrap().to_vec::<i64>().unwrap(),
            vec![0, 0]
        );
        let e = t(vec![], &[2, 0]);
        assert!(matches!(
            argmax(&e, Some(1), false),
            Err(Error::EmptyReduction { .. })
        ));
        assert_eq!(argmax(&e, Some(0), false).unwrap().shape(), &[0]);
    }

    #[test]
    fn truth_reductions() {
        let x = t(vec![0.0, f64::NAN, 0.0, 0.0], &[2, 2]);
        assert_eq!(
            any(&x, Some(&[1]), false)
                .unwrap()
                .to_vec::<bool>()
                .unwrap(),
            vec![true, false]
        );
        assert_eq!(
            all(&x, None, false).unwrap().to_vec::<bool>().unwrap(),
            vec![false]
        );
        assert_eq!(
            count_nonzero(&x, None, false)
                .unwrap()
                .to_vec::<i64>()
                .unwrap(),
            vec![1]
        );
    }
}
