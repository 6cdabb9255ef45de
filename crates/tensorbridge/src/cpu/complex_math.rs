//! Complex elementary functions with the special values of C99 Annex G,
//! which the Array API standard's special-case tables restate: signed
//! zeros, infinities and NaNs come out as the tables say, not as a textbook
//! formula evaluated in IEEE arithmetic would leave them (`inf - inf`,
//! `0 * inf`).
//!
//! The algorithms follow the ones NumPy uses (FreeBSD msun's `catrig.c` for
//! the inverse functions, after Hull, Fairgrieve and Tang; `s_csqrt.c`,
//! `s_ccosh.c`, `s_csinh.c`, `s_ctanh.c`, `s_cexp.c`), so finite inputs are
//! as accurate as NumPy's and large or tiny ones neither overflow nor
//! underflow on the way. The standard defines `asin`, `atan`, `sin`, `cos`
//! and `tan` through `asinh`, `atanh`, `sinh`, `cosh` and `tanh` (e.g.
//! `asin(z) = -i asinh(iz)`), and so does this file, which keeps their
//! special cases consistent by construction.
//!
//! Where the standard's table and C99 disagree, see [`csqrt`] and
//! [`cexpm1`].

use num_complex::Complex;

use super::float::Real;

type C<T> = Complex<T>;

/// An `f64` constant in `T` (rounded to nearest for `f32`).
fn k<T: Real>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

/// `i z`.
fn mul_i<T: Real>(z: C<T>) -> C<T> {
    C::new(-z.im, z.re)
}

/// `-i w`.
fn mul_neg_i<T: Real>(w: C<T>) -> C<T> {
    C::new(w.im, -w.re)
}

/// π/2 split in two so that `hi - (x - lo)` is π/2 - x to full precision
/// when `x` is tiny.
fn half_pi<T: Real>() -> (T, T) {
    let hi: T = k(std::f64::consts::FRAC_PI_2);
    let hi64 = hi.to_f64().unwrap_or(std::f64::consts::FRAC_PI_2);
    // 6.123...e-17 is π/2 minus its f64 rounding; for f32 the rounding
    // error of `hi` dominates and is exact in f64.
    let lo = k((std::f64::consts::FRAC_PI_2 - hi64) + 6.123_233_995_736_766e-17);
    (hi, lo)
}

/// `exp(x) * a`, finite whenever the product is, though `exp(x)` alone
/// overflows (`x` up to twice the overflow threshold).
fn exp_mul<T: Real>(x: T, a: T) -> T {
    let e = x.exp();
    if e.is_finite() {
        e * a
    } else {
        let h = (x / k(2.0)).exp();
        h * a * h
    }
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
    C::new(exp_mul(x, y.cos()), exp_mul(x, y.sin()))
}

/// `exp(z) - 1`, accurate near 0 (where `exp(z) - 1` cancels).
///
/// The special cases are the standard's: they are those of `exp(z) - 1`
/// (`expm1(-inf + i inf)` is `-1 + 0i`, `expm1(+inf + 0i)` is `+inf + 0i`).
/// NumPy computes `expm1(x) cos(y) - 2 sin²(y/2)` throughout, which gives
/// NaN for several of them; this follows the standard there.
pub fn cexpm1<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
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
            ((big - T::one()) * (big + T::one()) + small * small).ln_1p() / k(2.0)
        } else {
            h.ln()
        }
    };
    C::new(re, im)
}

/// `log(1 + z)`, accurate near 0 (where forming `1 + z` rounds `z` away).
/// The special cases are those of `log(1 + z)`: `log1p(-1 + 0i)` is
/// `-inf + 0i`.
pub fn clog1p<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let half = k::<T>(0.5);
    if !x.is_finite() || !y.is_finite() || x.abs() >= half || y.abs() >= half {
        return clog(C::new(x + T::one(), y));
    }
    // |1 + z|² - 1 = x (2 + x) + y², small here and free of cancellation
    // unless 1 + z is near the unit circle.
    let u = x * (k::<T>(2.0) + x) + y * y;
    C::new(u.ln_1p() * half, y.atan2(x + T::one()))
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
        let half = k::<T>(0.5);
        let im = exp_mul(ax, half * y.sin());
        return C::new(
            exp_mul(ax, half * y.cos()),
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
        let half = k::<T>(0.5);
        let re = exp_mul(ax, half * y.cos());
        return C::new(
            if x < T::zero() { -re } else { re },
            exp_mul(ax, half * y.sin()),
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
pub fn ctanh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    if !x.is_finite() {
        if x.is_nan() {
            return C::new(x, if y == T::zero() { y } else { T::nan() });
        }
        // tanh(±inf + iy) = ±1 + 0 sin(2y) i (sign unspecified for y inf/NaN).
        let s = if y.is_infinite() {
            y
        } else {
            y.sin() * y.cos()
        };
        return C::new(T::one().copysign(x), T::zero().copysign(s));
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

// ------------------------------------------------------------ inverse functions

/// `(hypot(a, b) - b) / 2` without cancellation; `h` is `hypot(a, b)`.
fn half_hypot_minus<T: Real>(a: T, b: T, h: T) -> T {
    let two = k::<T>(2.0);
    if b < T::zero() {
        (h - b) / two
    } else if b == T::zero() {
        a / two
    } else {
        a * a / (h + b) / two
    }
}

/// How [`hard_work`] hands back `asin(B)` with `B = y / A`.
enum ArcSine<T> {
    /// `B` itself, far enough from 1 for `asin`/`acos` to be accurate.
    Ratio(T),
    /// `atan2(num, den)` gives `asin(B)` (scaled so neither underflows).
    Atan2 { num: T, den: T },
}

/// The shared core of `casinh` and `cacos` (Hull, Fairgrieve and Tang,
/// with `A = (|z+i| + |z-i|) / 2`), for `0 <= x, y < 1/eps`: returns
/// `Re(casinh(x + iy)) = log(A + sqrt(A² - 1))` and `asin(y / A)`.
fn hard_work<T: Real>(x: T, y: T) -> (T, ArcSine<T>) {
    let (one, two) = (T::one(), k::<T>(2.0));
    let eps = T::epsilon();
    let r = x.hypot(y + one);
    let s = x.hypot(y - one);
    let a = ((r + s) / two).max(one);
    let rx = if a < k(10.0) {
        if y == one && x < eps * eps / k(128.0) {
            x.sqrt()
        } else if x >= eps * (y - one).abs() {
            let am1 = half_hypot_minus(x, one + y, r) + half_hypot_minus(x, one - y, s);
            (am1 + (am1 * (a + one)).sqrt()).ln_1p()
        } else if y < one {
            x / ((one - y) * (one + y)).sqrt()
        } else {
            ((y - one) + ((y - one) * (y + one)).sqrt()).ln_1p()
        }
    } else {
        (a + (a * a - one).sqrt()).ln()
    };
    if y < k::<T>(4.0) * T::min_positive_value().sqrt() {
        // y / A could underflow: scale both atan2 arguments up.
        let up = two / eps;
        return (
            rx,
            ArcSine::Atan2 {
                num: y * up,
                den: a * up,
            },
        );
    }
    let b = y / a;
    if b <= k(0.6417) {
        return (rx, ArcSine::Ratio(b));
    }
    // Near 1, asin(B) loses accuracy: use atan2(y, sqrt(A² - y²)).
    let (num, den) = if y == one && x < eps / k(128.0) {
        (y, x.sqrt() * ((a + y) / two).sqrt())
    } else if x >= eps * (y - one).abs() {
        let amy = half_hypot_minus(x, y + one, r) + half_hypot_minus(x, y - one, s);
        (y, (amy * (a + y)).sqrt())
    } else if y > one {
        let up = k::<T>(4.0) / eps / eps;
        (y * up, x * up * y / ((y + one) * (y - one)).sqrt())
    } else {
        (y, ((one - y) * (one + y)).sqrt())
    };
    (rx, ArcSine::Atan2 { num, den })
}

/// `log(x + iy)` for `|z|` beyond `1/eps` (or infinite), without overflow.
fn clog_large<T: Real>(x: T, y: T) -> (T, T) {
    let (ax, ay) = (x.abs(), y.abs());
    let (big, small) = if ax < ay { (ay, ax) } else { (ax, ay) };
    let re = if big > T::max_value() / k(2.0) {
        let e = k::<T>(std::f64::consts::E);
        (x / e).hypot(y / e).ln() + T::one()
    } else if big > T::max_value().sqrt() / k(4.0) || small < T::min_positive_value().sqrt() {
        x.hypot(y).ln()
    } else {
        (big * big + small * small).ln() / k(2.0)
    };
    (re, y.atan2(x))
}

/// `acos(z)`, the principal branch (FreeBSD's `cacos`).
pub fn cacos<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    let (pio2_hi, pio2_lo) = half_pi::<T>();
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(y + y, T::neg_infinity());
        }
        if y.is_infinite() {
            return C::new(x + x, -y);
        }
        if x == T::zero() {
            return C::new(pio2_hi, y + y);
        }
        return C::new(T::nan(), T::nan());
    }
    let recip_eps = T::one() / T::epsilon();
    if ax > recip_eps || ay > recip_eps {
        let (wx, wy) = clog_large(x, y);
        let ry = wx + T::ln_2();
        return C::new(wy.abs(), if y.is_sign_negative() { ry } else { -ry });
    }
    if x == T::one() && y == T::zero() {
        return C::new(T::zero(), -y);
    }
    let small = (k::<T>(6.0) * T::epsilon()).sqrt() / k(4.0);
    if ax < small && ay < small {
        return C::new(pio2_hi - (x - pio2_lo), -y);
    }
    let (ry, arc) = hard_work(ay, ax);
    let rx = match arc {
        ArcSine::Ratio(b) => (if x.is_sign_negative() { -b } else { b }).acos(),
        ArcSine::Atan2 { num, den } => den.atan2(if x.is_sign_negative() { -num } else { num }),
    };
    C::new(rx, if y.is_sign_negative() { ry } else { -ry })
}

/// `acosh(z)`: `±i acos(z)` with the sign that makes the real part
/// nonnegative. `acosh(±0 + NaN i)` is `NaN + π/2 i`, as the standard (and
/// C11) say; FreeBSD gives `NaN + NaN i` there.
pub fn cacosh<T: Real>(z: C<T>) -> C<T> {
    let w = cacos(z);
    let (rx, ry) = (w.re, w.im);
    if rx.is_nan() && ry.is_nan() {
        return w;
    }
    if rx.is_nan() {
        // acosh(NaN ± inf i) and acosh(±inf + NaN i) are inf + NaN i.
        return C::new(ry.abs(), rx);
    }
    if ry.is_nan() {
        return C::new(ry, rx);
    }
    C::new(ry.abs(), rx.copysign(z.im))
}

/// `asinh(z)`, the principal branch (FreeBSD's `casinh`).
pub fn casinh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(x, y + y);
        }
        if y.is_infinite() {
            return C::new(y, x + x);
        }
        if y == T::zero() {
            return C::new(x + x, y);
        }
        return C::new(T::nan(), T::nan());
    }
    let recip_eps = T::one() / T::epsilon();
    if ax > recip_eps || ay > recip_eps {
        // asinh(z) ≈ sign(x) log(2 sign(x) z) for large |z|.
        let (wx, wy) = if x.is_sign_negative() {
            clog_large(-x, -y)
        } else {
            clog_large(x, y)
        };
        return C::new((wx + T::ln_2()).copysign(x), wy.copysign(y));
    }
    let small = (k::<T>(6.0) * T::epsilon()).sqrt() / k(4.0);
    if (x == T::zero() && y == T::zero()) || (ax < small && ay < small) {
        return z;
    }
    let (rx, arc) = hard_work(ax, ay);
    let ry = match arc {
        ArcSine::Ratio(b) => b.asin(),
        ArcSine::Atan2 { num, den } => num.atan2(den),
    };
    C::new(rx.copysign(x), ry.copysign(y))
}

/// `x / (x² + y²)` (the real part of `1/z`) without overflow or spurious
/// underflow, for large `|z|` with no NaN part.
fn real_part_reciprocal<T: Real>(x: T, y: T) -> T {
    if x.is_infinite() {
        return T::one() / x;
    }
    if y.is_infinite() {
        return T::zero().copysign(x);
    }
    let (ax, ay) = (x.abs(), y.abs());
    if ax > T::max_value() / k(4.0) || ay > T::max_value() / k(4.0) {
        let half = k::<T>(0.5);
        let h = (x * half).hypot(y * half);
        return x * half / h / h * half;
    }
    let h = x.hypot(y);
    x / h / h
}

/// `atanh(z)`, the principal branch (FreeBSD's `catanh`).
pub fn catanh<T: Real>(z: C<T>) -> C<T> {
    let (x, y) = (z.re, z.im);
    let (ax, ay) = (x.abs(), y.abs());
    let (one, two) = (T::one(), k::<T>(2.0));
    let eps = T::epsilon();
    let (pio2, _) = half_pi::<T>();
    if y == T::zero() && ax <= one {
        return C::new(x.atanh(), y);
    }
    if x == T::zero() {
        return C::new(x, y.atan());
    }
    if x.is_nan() || y.is_nan() {
        if x.is_infinite() {
            return C::new(T::zero().copysign(x), y + y);
        }
        if y.is_infinite() {
            return C::new(T::zero().copysign(x), pio2.copysign(y));
        }
        return C::new(T::nan(), T::nan());
    }
    let recip_eps = one / eps;
    if ax > recip_eps || ay > recip_eps {
        return C::new(real_part_reciprocal(x, y), pio2.copysign(y));
    }
    let small = (k::<T>(3.0) * eps).sqrt() / two;
    if ax < small && ay < small {
        return z;
    }
    let four = k::<T>(4.0);
    let rx = if ax == one && ay < eps {
        (T::ln_2() - ay.ln()) / two
    } else {
        let d = ax - one;
        // (ax - 1)² + ay², dropping ay² where it would underflow.
        let sum_sq = if ay < T::min_positive_value().sqrt() {
            d * d
        } else {
            d * d + ay * ay
        };
        (four * ax / sum_sq).ln_1p() / four
    };
    let ry = if ax == one {
        two.atan2(-ay) / two
    } else if ay < eps {
        (two * ay).atan2((one - ax) * (one + ax)) / two
    } else {
        (two * ay).atan2((one - ax) * (one + ax) - ay * ay) / two
    };
    C::new(rx.copysign(x), ry.copysign(y))
}

/// `asin(z) = -i asinh(iz)`, as the standard defines it.
pub fn casin<T: Real>(z: C<T>) -> C<T> {
    mul_neg_i(casinh(mul_i(z)))
}

/// `atan(z) = -i atanh(iz)`, as the standard defines it.
pub fn catan<T: Real>(z: C<T>) -> C<T> {
    mul_neg_i(catanh(mul_i(z)))
}

#[cfg(test)]
mod tests {
    //! Every row of the standard's special-case tables, for f32 and f64,
    //! checked bit by bit (the sign of a zero or infinity counts unless the
    //! standard leaves it open), together with the row for `conj(z)`, which
    //! the tables imply by `f(conj(z)) = conj(f(z))`.

    use super::*;
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

    const INF: f64 = f64::INFINITY;
    const NAN: f64 = f64::NAN;

    /// An input column of a table row.
    #[derive(Clone, Copy, Debug)]
    enum In {
        /// Exactly this value.
        V(f64),
        /// `+0` or `-0`.
        Zeros,
        /// A finite number.
        Fin,
        /// A nonzero finite number.
        NzFin,
        /// A positive finite number.
        Pos,
        /// A nonzero number (infinities included).
        Nz,
        /// Any value, NaN included.
        Any,
    }
    use In::*;

    fn values(s: In) -> Vec<f64> {
        match s {
            V(v) => vec![v],
            Zeros => vec![0.0, -0.0],
            Fin => vec![0.0, -0.0, 0.5, -0.5, 2.0, -2.0, 1e30, -1e30],
            NzFin => vec![0.5, -0.5, 2.0, -2.0, 1e30, -1e30],
            Pos => vec![0.5, 2.0, 1e30],
            Nz => vec![0.5, -0.5, 2.0, -3.0, INF, -INF],
            Any => vec![0.0, -0.0, 0.5, -2.0, INF, -INF, NAN],
        }
    }

    /// An expected part of a result; `b` is the input's imaginary part.
    #[derive(Clone, Copy, Debug)]
    enum P {
        /// Exactly this value, sign included (π fractions within 2 ulp).
        Is(f64),
        /// NaN (of either sign).
        Nan,
        /// This magnitude, sign unspecified.
        AnySign(f64),
        /// `inf * cos(b)` and `inf * sin(b)`: the parts of `inf * cis(b)`.
        InfCos,
        InfSin,
        /// The parts of `+0 * cis(b)`.
        ZeroCos,
        ZeroSin,
    }
    use P::*;

    fn conj(p: P) -> P {
        match p {
            Is(v) => Is(-v),
            other => other,
        }
    }

    fn part_ok<T: Real>(got: T, want: P, b: T) -> bool {
        let exact = |w: T| {
            if w.is_nan() {
                return got.is_nan();
            }
            let near = got == w || (got - w).abs() <= T::epsilon() * k(2.0) * w.abs();
            near && got.is_sign_negative() == w.is_sign_negative()
        };
        match want {
            Is(w) => exact(k(w)),
            Nan => got.is_nan(),
            AnySign(w) => {
                !got.is_nan()
                    && (got.abs() == k(w) || (got.abs() - k(w)).abs() <= T::epsilon() * k(w))
            }
            InfCos => exact(T::infinity() * b.cos()),
            InfSin => exact(T::infinity() * b.sin()),
            ZeroCos => exact(T::zero() * b.cos()),
            ZeroSin => exact(T::zero() * b.sin()),
        }
    }

    type Row = (In, In, P, P);

    fn check_table<T: Real>(name: &str, f: fn(C<T>) -> C<T>, rows: &[Row]) {
        for &(ra, rb, pr, pi) in rows {
            for a in values(ra) {
                for b in values(rb) {
                    for (bb, (er, ei)) in [(b, (pr, pi)), (-b, (pr, conj(pi)))] {
                        let z = C::new(k::<T>(a), k::<T>(bb));
                        let w = f(z);
                        assert!(
                            part_ok(w.re, er, z.im) && part_ok(w.im, ei, z.im),
                            "{name}({a:?} + {bb:?}j) = {:?} + {:?}j, want {er:?} + {ei:?}j ({})",
                            w.re,
                            w.im,
                            std::any::type_name::<T>()
                        );
                    }
                }
            }
        }
    }

    fn both(name: &str, f32f: fn(C<f32>) -> C<f32>, f64f: fn(C<f64>) -> C<f64>, rows: &[Row]) {
        check_table(name, f32f, rows);
        check_table(name, f64f, rows);
    }

    macro_rules! table {
        ($f:ident, $rows:expr) => {
            both(stringify!($f), $f::<f32>, $f::<f64>, $rows)
        };
    }

    #[test]
    fn complex_acos_table() {
        table!(
            cacos,
            &[
                (Zeros, V(0.0), Is(FRAC_PI_2), Is(-0.0)),
                (Zeros, V(NAN), Is(FRAC_PI_2), Nan),
                (Fin, V(INF), Is(FRAC_PI_2), Is(-INF)),
                (NzFin, V(NAN), Nan, Nan),
                (V(-INF), Pos, Is(PI), Is(-INF)),
                (V(INF), Pos, Is(0.0), Is(-INF)),
                (V(-INF), V(INF), Is(3.0 * FRAC_PI_4), Is(-INF)),
                (V(INF), V(INF), Is(FRAC_PI_4), Is(-INF)),
                (V(INF), V(NAN), Nan, AnySign(INF)),
                (V(-INF), V(NAN), Nan, AnySign(INF)),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(INF), Nan, Is(-INF)),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_acosh_table() {
        table!(
            cacosh,
            &[
                (Zeros, V(0.0), Is(0.0), Is(FRAC_PI_2)),
                (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
                (NzFin, V(NAN), Nan, Nan),
                (V(0.0), V(NAN), Nan, AnySign(FRAC_PI_2)),
                (V(-INF), Pos, Is(INF), Is(PI)),
                (V(INF), Pos, Is(INF), Is(0.0)),
                (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
                (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
                (V(INF), V(NAN), Is(INF), Nan),
                (V(-INF), V(NAN), Is(INF), Nan),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(INF), Is(INF), Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_asinh_table() {
        table!(
            casinh,
            &[
                (V(0.0), V(0.0), Is(0.0), Is(0.0)),
                (Pos, V(INF), Is(INF), Is(FRAC_PI_2)),
                (Fin, V(NAN), Nan, Nan),
                (V(INF), Pos, Is(INF), Is(0.0)),
                (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
                (V(NAN), V(0.0), Nan, Is(0.0)),
                (V(NAN), NzFin, Nan, Nan),
                (V(NAN), V(INF), AnySign(INF), Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_atanh_table() {
        table!(
            catanh,
            &[
                (V(0.0), V(0.0), Is(0.0), Is(0.0)),
                (V(0.0), V(NAN), Is(0.0), Nan),
                (V(1.0), V(0.0), Is(INF), Is(0.0)),
                (Pos, V(INF), Is(0.0), Is(FRAC_PI_2)),
                (NzFin, V(NAN), Nan, Nan),
                (V(INF), Pos, Is(0.0), Is(FRAC_PI_2)),
                (V(INF), V(INF), Is(0.0), Is(FRAC_PI_2)),
                (V(INF), V(NAN), Is(0.0), Nan),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(INF), AnySign(0.0), Is(FRAC_PI_2)),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_cosh_table() {
        table!(
            ccosh,
            &[
                (V(0.0), V(0.0), Is(1.0), Is(0.0)),
                (V(0.0), V(INF), Nan, AnySign(0.0)),
                (V(0.0), V(NAN), Nan, AnySign(0.0)),
                (NzFin, V(INF), Nan, Nan),
                (NzFin, V(NAN), Nan, Nan),
                (V(INF), V(0.0), Is(INF), Is(0.0)),
                (V(INF), NzFin, InfCos, InfSin),
                (V(INF), V(INF), AnySign(INF), Nan),
                (V(INF), V(NAN), Is(INF), Nan),
                (V(NAN), Zeros, Nan, AnySign(0.0)),
                (V(NAN), NzFin, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_sinh_table() {
        table!(
            csinh,
            &[
                (V(0.0), V(0.0), Is(0.0), Is(0.0)),
                (V(0.0), V(INF), AnySign(0.0), Nan),
                (V(0.0), V(NAN), AnySign(0.0), Nan),
                (Pos, V(INF), Nan, Nan),
                (Pos, V(NAN), Nan, Nan),
                (V(INF), V(0.0), Is(INF), Is(0.0)),
                (V(INF), Pos, InfCos, InfSin),
                (V(INF), V(INF), AnySign(INF), Nan),
                (V(INF), V(NAN), AnySign(INF), Nan),
                (V(NAN), V(0.0), Nan, Is(0.0)),
                (V(NAN), NzFin, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_tanh_table() {
        table!(
            ctanh,
            &[
                (V(0.0), V(0.0), Is(0.0), Is(0.0)),
                (NzFin, V(INF), Nan, Nan),
                (V(0.0), V(INF), Is(0.0), Nan),
                (NzFin, V(NAN), Nan, Nan),
                (V(1e4), V(NAN), Nan, Nan),
                (V(0.0), V(NAN), Is(0.0), Nan),
                (V(INF), Pos, Is(1.0), AnySign(0.0)),
                (V(INF), V(INF), Is(1.0), AnySign(0.0)),
                (V(INF), V(NAN), Is(1.0), AnySign(0.0)),
                (V(NAN), V(0.0), Nan, Is(0.0)),
                (V(NAN), Nz, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_exp_table() {
        table!(
            cexp,
            &[
                (Zeros, V(0.0), Is(1.0), Is(0.0)),
                (Fin, V(INF), Nan, Nan),
                (Fin, V(NAN), Nan, Nan),
                (V(INF), V(0.0), Is(INF), Is(0.0)),
                (V(-INF), Fin, ZeroCos, ZeroSin),
                (V(INF), NzFin, InfCos, InfSin),
                (V(-INF), V(INF), AnySign(0.0), AnySign(0.0)),
                (V(INF), V(INF), AnySign(INF), Nan),
                (V(-INF), V(NAN), AnySign(0.0), AnySign(0.0)),
                (V(INF), V(NAN), AnySign(INF), Nan),
                (V(NAN), V(0.0), Nan, Is(0.0)),
                (V(NAN), Nz, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_expm1_table() {
        table!(
            cexpm1,
            &[
                (Zeros, V(0.0), AnySign(0.0), Is(0.0)),
                (Fin, V(INF), Nan, Nan),
                (Fin, V(NAN), Nan, Nan),
                (V(INF), V(0.0), Is(INF), Is(0.0)),
                (V(-INF), Fin, Is(-1.0), ZeroSin),
                (V(INF), NzFin, InfCos, InfSin),
                (V(-INF), V(INF), Is(-1.0), AnySign(0.0)),
                (V(INF), V(INF), AnySign(INF), Nan),
                (V(-INF), V(NAN), Is(-1.0), AnySign(0.0)),
                (V(INF), V(NAN), AnySign(INF), Nan),
                (V(NAN), V(0.0), Nan, Is(0.0)),
                (V(NAN), Nz, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_log_table() {
        table!(
            clog,
            &[
                (V(-0.0), V(0.0), Is(-INF), Is(PI)),
                (V(0.0), V(0.0), Is(-INF), Is(0.0)),
                (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
                (Fin, V(NAN), Nan, Nan),
                (V(-INF), Pos, Is(INF), Is(PI)),
                (V(INF), Pos, Is(INF), Is(0.0)),
                (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
                (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
                (V(INF), V(NAN), Is(INF), Nan),
                (V(-INF), V(NAN), Is(INF), Nan),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(INF), Is(INF), Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_log1p_table() {
        table!(
            clog1p,
            &[
                (V(-1.0), V(0.0), Is(-INF), Is(0.0)),
                (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
                (Fin, V(NAN), Nan, Nan),
                (V(-INF), Pos, Is(INF), Is(PI)),
                (V(INF), Pos, Is(INF), Is(0.0)),
                (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
                (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
                (V(INF), V(NAN), Is(INF), Nan),
                (V(-INF), V(NAN), Is(INF), Nan),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(INF), Is(INF), Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    #[test]
    fn complex_sqrt_table() {
        table!(
            csqrt,
            &[
                (Zeros, V(0.0), Is(0.0), Is(0.0)),
                (Any, V(INF), Is(INF), Is(INF)),
                (Fin, V(NAN), Nan, Nan),
                // C99; the standard's text has NaN + NaN j (in a line
                // missing its verb) and +0 + inf j for the next two rows.
                (V(-INF), Pos, Is(0.0), Is(INF)),
                (V(INF), Pos, Is(INF), Is(0.0)),
                (V(-INF), V(NAN), Nan, AnySign(INF)),
                (V(INF), V(NAN), Is(INF), Nan),
                (V(NAN), Fin, Nan, Nan),
                (V(NAN), V(NAN), Nan, Nan),
            ]
        );
    }

    /// The functions the standard defines through another one inherit its
    /// table: `asin(z) = -i asinh(iz)` and so on.
    #[test]
    fn derived_functions_follow_their_definitions() {
        let samples = [0.0, -0.0, 0.5, -2.0, 1e30, INF, -INF, NAN];
        let same = |a: C<f64>, b: C<f64>| {
            let part = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits();
            part(a.re, b.re) && part(a.im, b.im)
        };
        for &a in &samples {
            for &b in &samples {
                let z = C::new(a, b);
                let iz = C::new(-b, a);
                let neg_i = |w: C<f64>| C::new(w.im, -w.re);
                assert!(same(casin(z), neg_i(casinh(iz))), "asin({z})");
                assert!(same(catan(z), neg_i(catanh(iz))), "atan({z})");
                assert!(same(csin(z), neg_i(csinh(iz))), "sin({z})");
                assert!(same(ccos(z), ccosh(iz)), "cos({z})");
                assert!(same(ctan(z), neg_i(ctanh(iz))), "tan({z})");
            }
        }
        // A few values: asin(0) = 0, atan(i) = +inf i, cos(i inf) = inf.
        let w = casin(C::new(0.0f64, 0.0));
        assert!(w.re == 0.0 && w.im == 0.0 && !w.re.is_sign_negative());
        let w = catan(C::new(0.0, 1.0));
        assert!(w.re == 0.0 && w.im == INF);
        let w = ccos(C::new(0.0, INF));
        assert!(w.re == INF && w.im.abs() == 0.0);
    }

    /// Ordinary finite inputs against values from an arbitrary-precision
    /// reference (mpmath, 50 digits), to a few ulp.
    #[test]
    fn finite_values_are_accurate() {
        type Case = (&'static str, fn(C<f64>) -> C<f64>, (f64, f64), (f64, f64));
        let cases: &[Case] = &[
            (
                "acos",
                cacos,
                (0.5, 0.5),
                (1.1185178796437059, -0.5306375309525179),
            ),
            (
                "acosh",
                cacosh,
                (0.5, 0.5),
                (0.5306375309525179, 1.1185178796437059),
            ),
            (
                "asinh",
                casinh,
                (0.5, 0.5),
                (0.5306375309525179, 0.4522784471511907),
            ),
            (
                "atanh",
                catanh,
                (0.5, 0.5),
                (0.40235947810852507, 0.5535743588970452),
            ),
            (
                "cosh",
                ccosh,
                (0.5, 0.5),
                (0.9895848833999199, 0.24982639750046154),
            ),
            (
                "sinh",
                csinh,
                (0.5, 0.5),
                (0.4573041531842492, 0.5406126857131534),
            ),
            (
                "tanh",
                ctanh,
                (0.5, 0.5),
                (0.5640831412674985, 0.40389645531602575),
            ),
            (
                "exp",
                cexp,
                (0.5, 0.5),
                (1.4468890365841691, 0.7904390832136149),
            ),
            (
                "expm1",
                cexpm1,
                (1e-10, 1e-10),
                (1e-10, 1.0000000001000001e-10),
            ),
            ("log", clog, (0.5, 0.5), (-0.34657359027997264, FRAC_PI_4)),
            ("log1p", clog1p, (1e-10, 1e-10), (1e-10, 9.999999999e-11)),
            (
                "sqrt",
                csqrt,
                (0.5, 0.5),
                (0.7768869870150187, 0.3217971264527913),
            ),
        ];
        for &(name, f, (a, b), (wr, wi)) in cases {
            let w = f(C::new(a, b));
            let ulps = |g: f64, e: f64| (g - e).abs() / (e.abs() * f64::EPSILON);
            assert!(
                ulps(w.re, wr) <= 4.0 && ulps(w.im, wi) <= 4.0,
                "{name}({a} + {b}j) = {w}, want {wr} + {wi}j"
            );
        }
    }

    #[test]
    fn large_and_tiny_inputs_neither_overflow_nor_underflow() {
        // sqrt of a huge and of a subnormal number.
        let w = csqrt(C::new(f64::MAX, f64::MAX));
        assert!(w.re.is_finite() && (w.re / 1.4730945569055652e154 - 1.0).abs() < 1e-15);
        let w = csqrt(C::new(4.0 * f64::from_bits(1), 0.0));
        assert_eq!(w.re, 2.0 * f64::from_bits(1).sqrt());
        // cosh just past exp's overflow threshold stays finite.
        let w = ccosh(C::new(710.0f64, 1.5));
        assert!(w.re.is_finite() && w.im.is_finite());
        // The inverse functions of huge arguments.
        let w = cacos(C::new(1e300f64, 1e300));
        assert!(w.re.is_finite() && w.im.is_finite());
        let w = catanh(C::new(1e300, 1e-300));
        assert!(w.re > 0.0 && w.re < 1e-299 && w.im == FRAC_PI_2);
    }
}
