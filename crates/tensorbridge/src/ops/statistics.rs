//! Statistics: `mean`, `var`, `std`.
//!
//! Results of float inputs keep the dtype (float16 and bfloat16 are
//! computed in float32 and rounded once); integer and bool inputs give
//! float64, like NumPy; complex inputs give a complex mean and a real
//! variance. Over no elements the mean is NaN (0/0), as in NumPy.
//!
//! `var` uses two passes: each output's mean first, then the sum of squared
//! deviations from it, divided by `max(N - correction, 0)`. Two passes cost
//! one more read of the input but avoid the cancellation of the one-pass
//! `E[x²] - E[x]²`, which loses every digit when the mean is large against
//! the spread.

use super::reduce::{bool_as_int, fold_to_tensor, Axes};
use crate::cpu::fold::{Arith, Mean, Moment, SquaredDeviation};
use crate::cpu::reduce::reduce_to_vec;
use crate::element::Element;
use crate::error::Result;
use crate::tensor::Tensor;

/// `mean(x, axis, keepdims)`: the arithmetic mean over `axes` (all when
/// `None`).
pub fn mean(x: &Tensor, axes: Option<&[i64]>, keepdims: bool) -> Result<Tensor> {
    let ax = Axes::new(x, axes, "mean")?;
    let x = bool_as_int(x)?;
    let out = crate::dispatch_dtype!(x.dtype(), T => {
        let op = Mean::<T>::new(ax.reduced_numel);
        fold_to_tensor(&op, &x, &ax, <<T as Arith>::MeanOut as Element>::DTYPE)?
    });
    ax.shape_result(out, keepdims)
}

/// `var(x, axis, correction, keepdims)`: the variance over `axes`, with
/// `correction` degrees of freedom removed from the count (0: population
/// variance, 1: the unbiased sample variance).
pub fn var(x: &Tensor, axes: Option<&[i64]>, correction: f64, keepdims: bool) -> Result<Tensor> {
    spread(x, axes, correction, keepdims, false, "var")
}

/// `std(x, axis, correction, keepdims)`: the square root of [`var`].
pub fn std(x: &Tensor, axes: Option<&[i64]>, correction: f64, keepdims: bool) -> Result<Tensor> {
    spread(x, axes, correction, keepdims, true, "std")
}

fn spread(
    x: &Tensor,
    axes: Option<&[i64]>,
    correction: f64,
    keepdims: bool,
    sqrt: bool,
    op: &'static str,
) -> Result<Tensor> {
    let ax = Axes::new(x, axes, op)?;
    let x = bool_as_int(x)?;
    let out = crate::dispatch_dtype!(x.dtype(), T => spread_typed::<T>(&x, &ax, correction, sqrt)?);
    ax.shape_result(out, keepdims)
}

fn spread_typed<T: Arith>(x: &Tensor, ax: &Axes, correction: f64, sqrt: bool) -> Result<Tensor> {
    let n = ax.reduced_numel;
    let first = Mean::<T>::new(n);
    let mut means = reduce_to_vec(&first, x, &ax.mask);
    for m in &mut means {
        *m = m.div_count(first.count);
    }
    let divisor = (n as f64 - correction).max(0.0);
    let second = SquaredDeviation::<T> {
        means: &means,
        divisor,
        sqrt,
    };
    fold_to_tensor(&second, x, ax, <T::VarOut as Element>::DTYPE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;

    #[test]
    fn mean_and_var_of_ints_are_float64() {
        let x = Tensor::from_vec(vec![1i32, 2, 3, 4], &[2, 2]).unwrap();
        let m = mean(&x, Some(&[1]), false).unwrap();
        assert_eq!(
            (m.dtype(), m.to_vec::<f64>().unwrap()),
            (DType::Float64, vec![1.5, 3.5])
        );
        let v = var(&x, None, 1.0, true).unwrap();
        assert_eq!(v.shape(), &[1, 1]);
        assert!((v.to_vec::<f64>().unwrap()[0] - 5.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn var_is_stable_for_a_large_mean() {
        // x² is near 1e8, where float32 spacing is 8: a one-pass formula
        // would return garbage; two passes give the exact 1.
        let x = Tensor::from_vec(vec![10001.0f32, 9999.0, 10001.0, 9999.0], &[4]).unwrap();
        assert_eq!(
            var(&x, None, 0.0, false).unwrap().to_vec::<f32>().unwrap(),
            vec![1.0]
        );
    }

    #[test]
    fn complex_var_is_real_and_empty_mean_is_nan() {
        let c = Tensor::from_vec(
            vec![
                crate::Complex::new(1.0f32, 1.0),
                crate::Complex::new(-1.0, -1.0),
            ],
            &[2],
        )
        .unwrap();
        let v = var(&c, None, 0.0, false).unwrap();
        assert_eq!(
            (v.dtype(), v.to_vec::<f32>().unwrap()),
            (DType::Float32, vec![2.0])
        );
        let e = Tensor::from_vec(Vec::<f64>::new(), &[0]).unwrap();
        assert!(mean(&e, None, false).unwrap().to_vec::<f64>().unwrap()[0].is_nan());
        let s = std(
            &Tensor::from_vec(vec![2.0f64; 3], &[3]).unwrap(),
            None,
            5.0,
            false,
        )
        .unwrap();
        assert!(s.to_vec::<f64>().unwrap()[0].is_nan());
    }
}
