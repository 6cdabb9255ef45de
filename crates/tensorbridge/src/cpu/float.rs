//! The scalar float arithmetic elementwise kernels share: one trait over
//! `f32` and `f64` for what `num_traits::Float` does not say the way the
//! Array API standard wants it (ties-to-even rounding, `nextafter`, NumPy's
//! floor division and remainder), plus complex division by Smith's method
//! and the complex sign. The complex elementary functions live in
//! `complex_math`.

use num_complex::Complex;
use num_traits::Float;

/// `f32` and `f64`: the float types kernels compute in.
pub trait Real: Float + Send + Sync + std::fmt::Debug + 'static {
    /// Rounds half-way cases to the even neighbour (IEEE 754 default).
    fn round_even(self) -> Self;
    /// The next representable value after `self` towards `to`.
    fn next_after(self, to: Self) -> Self;
    /// ln 2.
    fn ln_2() -> Self;
    /// ln 10.
    fn ln_10() -> Self;
}

impl Real for f32 {
    fn round_even(self) -> f32 {
        self.round_ties_even()
    }
    fn next_after(self, to: f32) -> f32 {
        next_after_bits(self as f64, to as f64, 32) as f32
    }
    fn ln_2() -> f32 {
        std::f32::consts::LN_2
    }
    fn ln_10() -> f32 {
        std::f32::consts::LN_10
    }
}

impl Real for f64 {
    fn round_even(self) -> f64 {
        self.round_ties_even()
    }
    fn next_after(self, to: f64) -> f64 {
        next_after_bits(self, to, 64)
    }
    fn ln_2() -> f64 {
        std::f64::consts::LN_2
    }
    fn ln_10() -> f64 {
        std::f64::consts::LN_10
    }
}

/// `nextafter` for an IEEE binary float of `bits` (32 or 64) widened to f64.
fn next_after_bits(x: f64, to: f64, bits: u32) -> f64 {
    if x.is_nan() || to.is_nan() {
        return f64::NAN;
    }
    if x == to {
        return to;
    }
    if bits == 32 {
        let x = x as f32;
        if x == 0.0 {
            let tiny = f32::from_bits(1);
            return if to > 0.0 { tiny as f64 } else { -tiny as f64 };
        }
        let b = x.to_bits();
        let up = (to as f32 > x) == (x > 0.0);
        return f32::from_bits(if up { b + 1 } else { b - 1 }) as f64;
    }
    if x == 0.0 {
        let tiny = f64::from_bits(1);
        return if to > 0.0 { tiny } else { -tiny };
    }
    let b = x.to_bits();
    let up = (to > x) == (x > 0.0);
    f64::from_bits(if up { b + 1 } else { b - 1 })
}

/// `nextafter` on the 16-bit patterns of float16 (`bf16 == false`) or
/// bfloat16: computed on the bits, since rounding through f32 would step
/// by the wrong amount.
pub fn next_after_16(x: u16, to: u16, bf16: bool) -> u16 {
    let (fx, ft) = if bf16 {
        (half::bf16::from_bits(x).to_f64(), half::bf16::from_bits(to).to_f64())
    } else {
        (half::f16::from_bits(x).to_f64(), half::f16::from_bits(to).to_f64())
    };
    if fx.is_nan() || ft.is_nan() {
        return if bf16 { 0x7fc0 } else { 0x7e00 };
    }
    if fx == ft {
        return x; // NumPy's half-float nextafter keeps x (C's keeps y)
    }
    if fx == 0.0 {
        return if ft > 0.0 { 1 } else { 0x8001 };
    }
    let up = (ft > fx) == (fx > 0.0);
    if up {
        x + 1
    } else {
        x - 1
    }
}

/// Floor division with the Array API's special cases: `floor(a / b)` when
/// an operand is infinite or `b` is zero, else NumPy's `divmod`-based
/// quotient (exact for finite operands, unlike `floor(a / b)`).
pub fn floor_divide<T: Real>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        return T::nan();
    }
    if b == T::zero() || a.is_infinite() || b.is_infinite() {
        return (a / b).floor();
    }
    floor_divide_finite(a, b, a % b)
}

/// NumPy's `divmod` quotient of finite `a` and `b != 0`, given their C
/// remainder `m = fmod(a, b)` (from the C library, or exact vector code in
/// [`super::fmod`]).
#[inline(always)]
pub fn floor_divide_finite<T: Real>(a: T, b: T, m: T) -> T {
    let mut div = (a - m) / b;
    if m != T::zero() && ((b < T::zero()) != (m < T::zero())) {
        div = div - T::one();
    }
    if div == T::zero() {
        return T::zero().copysign(a / b);
    }
    let f = div.floor();
    if div - f > T::from(0.5).unwrap_or_else(T::zero) {
        f + T::one()
    } else {
        f
    }
}

/// Python's `%` (the result has the divisor's sign), NumPy's `remainder`.
pub fn remainder<T: Real>(a: T, b: T) -> T {
    remainder_from_fmod(b, a % b)
}

/// [`remainder`] given the C remainder `m = fmod(a, b)`: `m`, moved by `b`
/// into `b`'s sign (NumPy's rounding of `m + b`), and zero with `b`'s sign.
#[inline(always)]
pub fn remainder_from_fmod<T: Real>(b: T, m: T) -> T {
    if m.is_nan() {
        return m;
    }
    if m != T::zero() {
        if (b < T::zero()) != (m < T::zero()) {
            m + b
        } else {
            m
        }
    } else {
        T::zero().copysign(b)
    }
}

/// `atanh(v)` from `|v|`: `0.5 ln(1 + 2|v| / (1 - |v|))` with `v`'s sign.
/// (The standard library's `atanh` forms `1 + 2v / (1 - v)` for negative
/// `v` too, which cancels near -1 and loses about 1e-11 there.)
pub fn atanh<T: Real>(v: T) -> T {
    let a = v.abs();
    let half = T::one() / (T::one() + T::one());
    (half * ((a + a) / (T::one() - a)).ln_1p()).copysign(v)
}

/// The sign of a real number: -1, 0 (for either zero) or 1, NaN for NaN.
pub fn sign<T: Real>(v: T) -> T {
    if v > T::zero() {
        T::one()
    } else if v < T::zero() {
        -T::one()
    } else if v == T::zero() {
        T::zero()
    } else {
        v
    }
}

/// Complex division by Smith's method (no overflow for large components,
/// like NumPy), with IEEE results for zero and infinite divisors.
pub fn complex_divide<T: Real>(a: Complex<T>, b: Complex<T>) -> Complex<T> {
    let (ar, ai, br, bi) = (a.re, a.im, b.re, b.im);
    if br.abs() >= bi.abs() {
        if br == T::zero() && bi == T::zero() {
            return Complex::new(ar / br.abs(), ai / br.abs());
        }
        let rat = bi / br;
        let scl = T::one() / (br + bi * rat);
        Complex::new((ar + ai * rat) * scl, (ai - ar * rat) * scl)
    } else {
        let rat = br / bi;
        let scl = T::one() / (bi + br * rat);
        Complex::new((ar * rat + ai) * scl, (ai * rat - ar) * scl)
    }
}

/// The sign of a complex number, `z / |z|` (0 for 0, NaN for NaN parts).
pub fn complex_sign<T: Real>(z: Complex<T>) -> Complex<T> {
    if z.re.is_nan() || z.im.is_nan() {
        return Complex::new(T::nan(), T::nan());
    }
    if z.re == T::zero() && z.im == T::zero() {
        return Complex::new(T::zero(), T::zero());
    }
    let n = z.re.hypot(z.im);
    if n.is_infinite() {
        // Scale first so |z| is finite: infinite parts become ±1 or 0.
        let s = |v: T| if v.is_infinite() { T::one().copysign(v) } else { T::zero().copysign(v) };
        let (re, im) = (s(z.re), s(z.im));
        let m = re.hypot(im);
        return Complex::new(re / m, im / m);
    }
    Complex::new(z.re / n, z.im / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_divide_matches_python_for_finite_and_spec_for_infinite() {
        assert_eq!(floor_divide(7.0f64, 2.0), 3.0);
        assert_eq!(floor_divide(-7.0f64, 2.0), -4.0);
        assert_eq!(floor_divide(1.0f64, 0.1), 9.0);
        assert_eq!(floor_divide(f64::INFINITY, 2.0), f64::INFINITY);
        assert_eq!(floor_divide(1.0f64, 0.0), f64::INFINITY);
        let z = floor_divide(1.0f64, f64::NEG_INFINITY);
        assert!(z == 0.0 && z.is_sign_negative());
        assert!(floor_divide(0.0f64, 0.0).is_nan());
    }

    #[test]
    fn remainder_takes_the_divisor_sign() {
        assert_eq!(remainder(-7.0f64, 2.0), 1.0);
        assert_eq!(remainder(7.0f64, -2.0), -1.0);
        assert_eq!(remainder(-1.0f64, f64::INFINITY), f64::INFINITY);
        assert!(remainder(-0.0f64, 2.0).is_sign_positive());
        assert!(remainder(1.0f64, 0.0).is_nan());
    }

    #[test]
    fn next_after_steps_one_ulp() {
        assert_eq!(1.0f32.next_after(2.0), 1.0 + f32::EPSILON);
        assert_eq!(0.0f64.next_after(-1.0), -f64::from_bits(1));
        let one = half::f16::ONE.to_bits();
        assert_eq!(half::f16::from_bits(next_after_16(one, half::f16::MAX.to_bits(), false)), half::f16::ONE + half::f16::EPSILON);
    }

    #[test]
    fn atanh_is_odd_and_accurate_near_minus_one() {
        // atanh(0.99999) = 6.10303382276111...; NumPy gives this to the last bit.
        assert_eq!(atanh(-0.99999f64), -atanh(0.99999f64));
        assert!((atanh(0.99999f64) - 6.103_033_822_761_112_5).abs() < 4.0 * f64::EPSILON * 6.1);
        assert_eq!(atanh(1.0f64), f64::INFINITY);
        assert!(atanh(-0.0f64).is_sign_negative() && atanh(2.0f64).is_nan());
    }

    #[test]
    fn smith_division_does_not_overflow() {
        let big = Complex::new(1e300f64, 1e300);
        let q = complex_divide(big, big);
        assert!((q.re - 1.0).abs() < 1e-15 && q.im.abs() < 1e-15);
    }
}
