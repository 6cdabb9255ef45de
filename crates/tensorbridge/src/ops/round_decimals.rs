//! `round_decimals`: rounding to a number of decimal places, NumPy's
//! `np.round(x, decimals)` and PyTorch's `torch.round(x, decimals=)`.
//!
//! The algorithm is NumPy's, so the results are NumPy's bit for bit: with
//! `f = 10^|decimals|`, `round(x * f) / f` for `decimals > 0` and
//! `round(x / f) * f` for `decimals < 0`, each step rounded in `x`'s dtype
//! and halves going to even; complex numbers part by part. The scaling
//! rounds too: `2.675 * 100` is `267.5` in float64, so `round(2.675, 2)`
//! is `2.68`, as in NumPy and PyTorch (Python's `round` of the float
//! rounds its exact binary value, a little below 2.675, to `2.67`).
//! Integers are unchanged for `decimals >= 0`; for `decimals < 0` they are
//! rounded through float64 and cast back, as NumPy does.

use crate::dtype::{DType, DTypeKind};
use crate::error::Result;
use crate::ops;
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// `x` rounded to `decimals` decimal places (tens, hundreds, ... for
/// negative `decimals`); always a new tensor.
pub fn round_decimals(x: &Tensor, decimals: i64) -> Result<Tensor> {
    if !matches!(x.dtype().kind(), DTypeKind::Float | DTypeKind::Complex) {
        if decimals >= 0 {
            return x.clone_data();
        }
        return round_decimals(&x.to(DType::Float64)?, decimals)?.to(x.dtype());
    }
    if decimals == 0 {
        return ops::round(x);
    }
    if x.dtype().is_complex() {
        // Each part rounded by itself, as NumPy does: a complex product
        // with the factor would turn an infinite part into NaN.
        let re = round_decimals(&ops::real(x)?, decimals)?;
        let im = round_decimals(&ops::imag(x)?, decimals)?;
        let pairs = ops::join::stack(&[re, im], -1)?;
        return ops::manipulate::squeeze(&pairs.view_dtype(x.dtype())?, &[-1]);
    }
    // 10^|decimals| is infinite beyond 308 places, and the result NaN, as
    // NumPy's is.
    let factor = 10f64.powi(decimals.unsigned_abs().min(400) as i32);
    let f = Tensor::full(&[], Scalar::Float(factor), x.dtype())?;
    if decimals > 0 {
        ops::divide(&ops::round(&ops::multiply(x, &f)?)?, &f)
    } else {
        ops::multiply(&ops::round(&ops::divide(x, &f)?)?, &f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_as_numpy_does() {
        let x = Tensor::from_vec(
            vec![2.675f64, -2.675, 0.125, 1234.5678, f64::INFINITY],
            &[5],
        )
        .unwrap();
        let r = round_decimals(&x, 2).unwrap().to_vec::<f64>().unwrap();
        assert_eq!(r, vec![2.68, -2.68, 0.12, 1234.57, f64::INFINITY]);
        let r = round_decimals(&x, -2).unwrap().to_vec::<f64>().unwrap();
        assert_eq!(r[3], 1200.0);
        assert!(r[0] == 0.0 && r[1] == 0.0 && r[1].is_sign_negative());
    }

    #[test]
    fn integers_round_through_float64_and_keep_their_dtype() {
        let x = Tensor::from_vec(vec![1250i64, 1350, -1250, 7], &[4]).unwrap();
        let r = round_decimals(&x, -2).unwrap();
        assert_eq!(r.dtype(), DType::Int64);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![1200, 1400, -1200, 0]);
        assert_eq!(
            round_decimals(&x, 3).unwrap().to_vec::<i64>().unwrap(),
            vec![1250, 1350, -1250, 7]
        );
    }

    #[test]
    fn complex_parts_round_apart() {
        let x = Tensor::from_vec(vec![2.675f64, f64::INFINITY], &[1, 2])
            .unwrap()
            .view_dtype(DType::Complex128)
            .unwrap();
        let r = round_decimals(&x, 1).unwrap();
        assert_eq!(r.shape(), &[1, 1]);
        let parts = r
            .view_dtype(DType::Float64)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_eq!(parts, vec![2.7, f64::INFINITY]);
    }
}
