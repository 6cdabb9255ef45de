//! `x ** y` for a float tensor `x` and one float exponent `y` that is the
//! simple arithmetic it stands for: 2 (a multiply), 1, 0, -1 (a division)
//! and 0.5 (a square root). These are the exponents code writes most, and
//! a `pow` call per element costs ten times their arithmetic.
//!
//! Each result is the correctly rounded power, as `pow` gives, including
//! the Array API standard's special cases: `x ** 0` is 1 even for NaN,
//! `(-0) ** 0.5` is +0 and `(-inf) ** 0.5` is +inf (where `sqrt` gives -0
//! and NaN).

use super::float::Real;
use super::map::map1;
use crate::Tensor;

/// Writes `x ** y` into `out` when `y` is one of the exponents above;
/// returns false (writing nothing) for any other exponent.
pub fn pow_simple_exponent<T: Real>(out: &Tensor, x: &Tensor, y: T) -> bool {
    let two = T::one() + T::one();
    if y == two {
        map1(out, x, |v: T| v * v);
    } else if y == T::one() {
        map1(out, x, |v: T| v);
    } else if y == T::zero() {
        map1(out, x, |_: T| T::one());
    } else if y == -T::one() {
        map1(out, x, |v: T| T::one() / v);
    } else if y == T::one() / two {
        // sqrt(-0) is -0, and adding +0 makes it +0; sqrt(-inf) is NaN.
        map1(out, x, |v: T| {
            if v == T::neg_infinity() {
                T::infinity()
            } else {
                v.sqrt() + T::zero()
            }
        });
    } else {
        return false;
    }
    true
}
