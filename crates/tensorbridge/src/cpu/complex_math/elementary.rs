//! Exponential, logarithm, square root and the hyperbolic and circular
//! functions of a complex number (FreeBSD msun's `s_cexp.c`, `s_csqrt.c`,
//! `s_ccosh.c`, `s_csinh.c`, `s_ctanh.c`; CPython's and NumPy's `clog`).

use num_complex::Complex;

use crate::cpu::float::Real;

/// A complex number of `f32` or `f64` parts.
pub(super) type C<T> = Complex<T>;

/// An `f64` constant in `T` (rounded to nearest for `f32`).
pub(super) fn k<T: Real>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

/// `i z`.
pub(super) fn mul_i<T: Real>(z: C<T>) -> C<T> {
    C::new(-z.im, z.re)
}

/// `-i w`.
pub(super) fn mul_neg_i<T: Real>(w: C<T>) -> C<T> {
    C::new(w.im, -w.re)
}

/// `exp(x) * a` (halved if `halve`) for `|a| <= 1`, finite whenever the
/// product is, though `exp(x)` alone overflows: `exp(x)` is split into
/// `n` equal factors `exp(x / n)` (`n` a power of two, so `x / n` is exact)
/// multiplied in one at a time, each product no larger than the result.
fn exp_mul<T: Real>(x: T, a: T, halve: bool) -> T {
    let mut n = 1u8;
    let mut h = x.exp();
    while h.is_infinite() && x.is_finite() && n < 8 {
        n *= 2;
        h = (x / k(f64::from(n))).exp();
    }
    let mut r = a * h;
    if halve {
        r = r * k(0.5);
    }
    for _ in 1..n {
        r = r * h;
    }
    r
}

// ------------------------------------------------------------ exp and log

/// `exp(z)`. Annex G: `exp(+inf + i y)` is `inf * cis(y)` for finite
/// nonzero `y`, `exp(-inf + i(inf|NaN))` is `0 + 0i`, `exp(NaN + 0i)` keeps
/// the zero.
pub fn cexp<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if x.is_nan() {
        return if y == T::zero() {
            z
        } else {
            C::new(x, T::nan())
        };
    }
    if y == T::zero() {
        return C::new(x.exp(), y);
    }
    if !y.is_finite() {
        return if x == T::infinity() {
            C::new(x, T::nan())
        } else if x == T::neg_infinity() {
            C::new(T::zero(), T::zero())
        } else {
            C::new(T::nan(), T::nan())
        };
    }
    C::new(exp_mul(x, y.cos(), false), exp_mul(x, y.sin(), false))
}

/// `exp(z) - 1`, accurate near 0 (where `exp(z) - 1` cancels).
///
/// The special cases are the standard's: they are those of `exp(z) - 1`
/// (`expm1(-inf + i inf)` is `-1 + 0i`, `expm1(+inf + 0i)` is `+inf + 0i`).
/// NumPy computes `expm1(x) cos(y) - 2 sin²(y/2)` throughout, which gives
/// NaN for several of them; this follows the standard there.
pub fn cexpm1<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if x == T::zero() && y == T::zero() {
        // The table's `0 + 0j` for either zero real part: exp(z) - 1 is
        // +0 there (real expm1 would keep a -0).
        return C::new(T::zero(), y);
    }
    if x.is_finite() && y == T::zero() {
        return C::new(x.exp_m1(), y);
    }
    if !x.is_finite() || !y.is_finite() || x.abs() >= T::one() {
        // No cancellation to avoid: |exp(x)| is far from 1, or a part is
        // special and the table is exp's minus 1.
        let w = cexp(z);
        return C::new(w.re - T::one(), w.im);
    }
    // exp(x) cos(y) - 1 = expm1(x) cos(y) - 2 sin²(y/2), without cancelling.
    let s = (y / k(2.0)).sin();
    C::new(
        x.exp_m1() * y.cos() - k::<T>(2.0) * s * s,
        x.exp() * y.sin(),
    )
}

/// `log(z)`, the principal branch. The real part is `log|z|` computed
/// without overflow or underflow of `|z|`, and through `log1p` where `|z|`
/// is near 1 (after CPython's and NumPy's `clog`).
pub fn clog<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    let im = y.atan2(x);
    if ax.is_infinite() || ay.is_infinite() {
        return C::new(T::infinity(), im);
    }
    if ax.is_nan() || ay.is_nan() {
        return C::new(T::nan(), T::nan());
    }
    if ax == T::zero() && ay == T::zero() {
        return C::new(T::neg_infinity(), im);
    }
    let (big, small) = if ax > ay { (ax, ay) } else { (ay, ax) };
    let re = if big > T::max_value() / k(4.0) {
        let half = k::<T>(0.5);
        (ax * half).hypot(ay * half).ln() + T::ln_2()
    } else if big < T::min_positive_value() {
        // |z| is subnormal: scale by 2^p first, an exact power of two.
        let s = T::one() / T::epsilon();
        (ax * s).hypot(ay * s).ln() - s.ln()
    } else {
        let h = ax.hypot(ay);
        if h >= k(0.71) && h <= k(1.73) {
            k(plus_squares(-1.0, wide(big), wide(small)).ln_1p() / 2.0)
        } else {
            h.ln()
        }
    };
    C::new(re, im)
}

/// `log(1 + z)`, accurate near 0 (where forming `1 + z` rounds `z` away)
/// and wherever `1 + z` is near the unit circle (where `log|1 + z|` is
/// small and forming it from a rounded `1 + z` leaves few correct bits).
/// The special cases are those of `log(1 + z)`: `log1p(-1 + 0i)` is
/// `-inf + 0i`.
pub fn clog1p<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (wx, wy) = (wide(x), wide(y));
    let w = 1.0 + wx;
    let near_circle = (0.5..=2.0).contains(&(w * w + wy * wy));
    let small = wx.abs() < 0.5 && wy.abs() < 0.5;
    if !(x.is_finite() && y.is_finite() && (small || near_circle)) {
        return clog(C::new(x + T::one(), y));
    }
    // |1 + z|² - 1 = 2x + x² + y², which cancels near the unit circle.
    // In float64, 1 + x is exact for float32 parts.
    let u = plus_squares(wx + wx, wx, wy);
    C::new(k(u.ln_1p() * 0.5), k(wy.atan2(w)))
}

/// `v` in float64 (exact for both part types).
fn wide<T: Real>(v: T) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// `z` in complex128 (exact for both part types).
pub fn widen<T: Real>(z: C<T>) -> C<f64> {
    C::new(wide(z.re), wide(z.im))
}

/// `z` rounded to parts of type `T` (each part rounded once).
pub fn narrow<T: Real>(z: C<f64>) -> C<T> {
    C::new(k(z.re), k(z.im))
}

/// `a + b` as the rounded sum and its exact error (Knuth's TwoSum).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// `c + x² + y²` to about one rounding of the result even where the terms
/// cancel (`log|z|` near the unit circle is `log1p` of `x² + y² - 1`,
/// which cancels to nothing when formed directly): each square as its
/// rounded value and its exact error (a fused multiply-add), the large
/// parts summed with TwoSum and every error carried to one last addition.
/// In float64 for both part types: float32's own pairs would carry only
/// 48 bits, and the sum cancels by up to 48 (its squares are exact here).
fn plus_squares(c: f64, x: f64, y: f64) -> f64 {
    let (px, py) = (x * x, y * y);
    let (ex, ey) = (x.mul_add(x, -px), y.mul_add(y, -py));
    let (s, e1) = two_sum(c, px);
    let (s, e2) = two_sum(s, py);
    s + (((e1 + e2) + ex) + ey)
}

/// `sqrt(z)`, the principal branch (Algorithm 312, CACM 10, 1967, with
/// scaling so that large and tiny parts neither overflow nor underflow).
///
/// `sqrt(+inf + i y)` is `+inf + 0i` for finite `y > 0`, as C99 (and NumPy)
/// say: the standard's table writes `+0 + infinity j` there, which is not
/// the square root's limit, and `sqrt(-inf + i y)` is `+0 + inf i` where
/// the table (in a line missing its verb) writes `NaN + NaN j`.
pub fn csqrt<T: Real>(z: C<T>) -> C<T> {
    let (a, b) = (z.re, z.im);
    if a == T::zero() && b == T::zero() {
        return C::new(T::zero(), b);
    }
    if b.is_infinite() {
        return C::new(T::infinity(), b);
    }
    if a.is_nan() {
        return C::new(a, T::nan());
    }
    if a.is_infinite() {
        // -inf + iy -> +0 + inf i (NaN ± inf i for NaN y);
        // +inf + iy -> inf + 0i (inf + NaN i for NaN y).
        let zero_or_nan = if b.is_nan() { b } else { T::zero() };
        return if a < T::zero() {
            C::new(zero_or_nan.abs(), T::infinity().copysign(b))
        } else {
            C::new(a, zero_or_nan.copysign(b))
        };
    }
    // b NaN with finite a falls through: hypot(a, NaN) is NaN.
    let thresh = T::max_value() / (T::one() + k(std::f64::consts::SQRT_2));
    let tiny = T::min_positive_value() * k(2.0);
    let (a, b, unscale) = if a.abs() >= thresh || b.abs() >= thresh {
        (a * k(0.25), b * k(0.25), k(2.0))
    } else if a.abs() < tiny && b.abs() < tiny {
        let up = T::one() / T::epsilon();
        (a * up * up, b * up * up, T::epsilon())
    } else {
        (a, b, T::one())
    };
    let h = a.hypot(b);
    let half = k::<T>(0.5);
    let w = if a >= T::zero() {
        let t = ((a + h) * half).sqrt();
        C::new(t, b / (t + t))
    } else {
        let t = ((-a + h) * half).sqrt();
        C::new(b.abs() / (t + t), t.copysign(b))
    };
    C::new(w.re * unscale, w.im * unscale)
}

// ------------------------------------------------------------ hyperbolic

/// Beyond this |x|, `cosh(x)` and `sinh(x)` are `exp(|x|)/2` to the last
/// bit and `tanh(x)` is ±1.
const HYPERBOLIC_BIG: f64 = 22.0;

/// `cosh(z) = cosh(x) cos(y) + i sinh(x) sin(y)`, with Annex G's values
/// where a part is infinite or NaN (FreeBSD's `ccosh`).
pub fn ccosh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (xf, yf) = (x.is_finite(), y.is_finite());
    if xf && yf {
        if y == T::zero() {
            return C::new(x.cosh(), x * y);
        }
        let ax = x.abs();
        if ax < k(HYPERBOLIC_BIG) {
            return C::new(x.cosh() * y.cos(), x.sinh() * y.sin());
        }
        let im = exp_mul(ax, y.sin(), true);
        return C::new(
            exp_mul(ax, y.cos(), true),
            if x < T::zero() { -im } else { im },
        );
    }
    // cosh(±0 + i(inf|NaN)) = NaN + 0i (sign of the zero unspecified).
    if x == T::zero() {
        return C::new(T::nan(), T::zero());
    }
    // cosh(±inf ± 0i) = inf ± 0i; cosh(NaN ± 0i) = NaN ± 0i.
    if y == T::zero() {
        return C::new(x * x, T::zero().copysign(x) * y);
    }
    // cosh(finite nonzero + i(inf|NaN)) = NaN + NaN i.
    if xf {
        return C::new(T::nan(), T::nan());
    }
    if x.is_infinite() {
        if !yf {
            // cosh(±inf + i(inf|NaN)) = inf + NaN i.
            return C::new(T::infinity(), T::nan());
        }
        // inf * cis(y), with sinh's sign for the imaginary part.
        return C::new(T::infinity() * y.cos(), x * y.sin());
    }
    // x is NaN, y nonzero.
    C::new(T::nan(), T::nan())
}

/// `sinh(z) = sinh(x) cos(y) + i cosh(x) sin(y)`, with Annex G's values
/// where a part is infinite or NaN (FreeBSD's `csinh`).
pub fn csinh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (xf, yf) = (x.is_finite(), y.is_finite());
    if xf && yf {
        if y == T::zero() {
            return C::new(x.sinh(), y);
        }
        let ax = x.abs();
        if ax < k(HYPERBOLIC_BIG) {
            return C::new(x.sinh() * y.cos(), x.cosh() * y.sin());
        }
        let re = exp_mul(ax, y.cos(), true);
        return C::new(
            if x < T::zero() { -re } else { re },
            exp_mul(ax, y.sin(), true),
        );
    }
    // sinh(±0 + i(inf|NaN)) = ±0 + NaN i (sign of the zero unspecified).
    if x == T::zero() {
        return C::new(x, T::nan());
    }
    // sinh(±inf ± 0i) = ±inf ± 0i; sinh(NaN ± 0i) = NaN ± 0i.
    if y == T::zero() {
        return if x.is_nan() { z } else { C::new(x, y) };
    }
    // sinh(finite nonzero + i(inf|NaN)) = NaN + NaN i.
    if xf {
        return C::new(T::nan(), T::nan());
    }
    if x.is_infinite() {
        if !yf {
            // sinh(±inf + i(inf|NaN)) = ±inf + NaN i (sign unspecified).
            return C::new(T::infinity(), T::nan());
        }
        return C::new(x * y.cos(), T::infinity() * y.sin());
    }
    // x is NaN, y nonzero.
    C::new(T::nan(), T::nan())
}

/// `tanh(z)` by Kahan's formula (finite where `sinh(z) / cosh(z)` would
/// be `inf / inf`), with Annex G's values: `tanh(±0 + i(inf|NaN))` is
/// `±0 + NaN i` (C11; older C libraries give `NaN + NaN i`) and a NaN
/// imaginary part is never lost, however large `x` is.
///
/// `tanh(+inf + iy)` for finite `y > 0` is `1 + 0i` as the standard's table
/// says; C99 and NumPy give `1 + 0 sin(2y) i`, a negative zero for
/// `sin(2y) < 0`.
pub fn ctanh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() {
        if x.is_nan() {
            return C::new(x, if y == T::zero() { y } else { T::nan() });
        }
        // tanh(±inf + iy) = ±1 + 0i with the zero taking y's sign (the
        // standard's table; C99 gives the zero sin(2y)'s sign). The sign is
        // unspecified for y inf or NaN.
        return C::new(T::one().copysign(x), T::zero().copysign(y));
    }
    if !y.is_finite() {
        return C::new(if x == T::zero() { x } else { T::nan() }, T::nan());
    }
    if x.abs() >= k(HYPERBOLIC_BIG) {
        // tanh(x + iy) ≈ ±1 + 4 sin(y) cos(y) exp(-2|x|) i.
        let e = (-x.abs()).exp();
        return C::new(
            T::one().copysign(x),
            k::<T>(4.0) * y.sin() * y.cos() * e * e,
        );
    }
    // Kahan: t = tan y, beta = 1 / cos² y, s = sinh x, rho = cosh x.
    let t = y.tan();
    let beta = T::one() + t * t;
    let s = x.sinh();
    let rho = (T::one() + s * s).sqrt();
    let denom = T::one() + beta * s * s;
    C::new(beta * rho * s / denom, t / denom)
}

/// `cos(z) = cosh(iz)`, as the standard defines it.
pub fn ccos<T: Real>(z: C<T>) -> C<T> {
    ccosh(mul_i(z))
}

/// `sin(z) = -i sinh(iz)`, as the standard defines it.
pub fn csin<T: Real>(z: C<T>) -> C<T> {
    mul_neg_i(csinh(mul_i(z)))
}

/// `tan(z) = -i tanh(iz)`, as the standard defines it.
pub fn ctan<T: Real>(z: C<T>) -> C<T> {
    mul_neg_i(ctanh(mul_i(z)))
}
