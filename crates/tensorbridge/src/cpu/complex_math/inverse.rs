//! The inverse hyperbolic and circular functions of a complex number
//! (FreeBSD msun's `catrig.c`, after Hull, Fairgrieve and Tang,
//! "Implementing the complex arcsine and arccosine functions using
//! exception handling", ACM TOMS 23(3), 1997): accurate near the branch
//! points and cuts, and free of overflow for huge arguments.

use super::elementary::{k, mul_i, mul_neg_i, C};
use crate::cpu::float::{atanh, Real};

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
        return C::new(atanh(x), y);
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
