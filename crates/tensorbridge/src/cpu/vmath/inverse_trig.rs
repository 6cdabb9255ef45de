//! atan, atan2, asin and acos of float32 (see the module docs).
//!
//! All four come down to the arctangent of a non-negative float64 ratio,
//! `atan_ratio(num / den)`; asin and acos take their ratios with
//! `sqrt((1 - x)(1 + x))`, which is exact before the square root for a
//! float32 `x`, so neither loses accuracy near +-1.

use super::{horner, MulAdd};
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

/// tan(pi/8) and tan(3pi/8): the bounds of the three reduction ranges.
const TAN_PI_8: f64 = 0.414_213_562_373_095_03;
const TAN_3PI_8: f64 = 2.414_213_562_373_095;

/// atan(t) for t >= 0 (including +inf; NaN passes through). The range is
/// cut at tan(pi/8) and tan(3pi/8): below, t itself; between, pi/4 plus
/// atan((t - 1)/(t + 1)); above, pi/2 minus atan(1/t). Each leaves an
/// argument of magnitude at most tan(pi/8), whose arctangent is `u + u^3
/// P(u^2)` with a degree-8 fit (relative error below 4e-15). One division.
#[inline(always)]
fn atan_ratio<M: MulAdd>(t: f64) -> f64 {
    let mid = t > TAN_PI_8;
    let high = t > TAN_3PI_8;
    let num = if high {
        -1.0
    } else if mid {
        t - 1.0
    } else {
        t
    };
    let den = if high {
        t
    } else if mid {
        t + 1.0
    } else {
        1.0
    };
    let base = if high {
        FRAC_PI_2
    } else if mid {
        FRAC_PI_4
    } else {
        0.0
    };
    let u = num / den;
    let s = u * u;
    #[rustfmt::skip]
    let p = horner::<M, 9>(s, [
        -0.027_268_745_485_435_56, 0.051_713_020_122_310_09, -0.065_515_971_412_710_5,
        0.076_811_457_097_552_45, -0.090_902_640_729_515_89, 0.111_110_900_060_333_43,
        -0.142_857_139_381_007_08, 0.199_999_999_977_89, -0.333_333_333_333_310_17,
    ]);
    base + M::mul_add(u * s, p, u)
}

/// The arctangent: odd, +-pi/2 at +-inf.
#[inline(always)]
pub fn atan<M: MulAdd>(x: f32) -> f32 {
    (atan_ratio::<M>((x as f64).abs()) as f32).copysign(x)
}

/// The angle of the point (x, y), in (-pi, pi]: the Array API standard's
/// table for zeros and infinities (atan2(+-0, -0) = +-pi, atan2(+-inf,
/// -inf) = +-3pi/4, ...) follows from taking 0/0 as 0 and inf/inf as 1,
/// then reflecting for a negative (or -0) x and taking y's sign.
#[inline(always)]
pub fn atan2<M: MulAdd>(y: f32, x: f32) -> f32 {
    let (ay, ax) = ((y as f64).abs(), (x as f64).abs());
    let t = ay / ax;
    let t = if ay == 0.0 && ax == 0.0 { 0.0 } else { t };
    let t = if ay == f64::INFINITY && ax == f64::INFINITY {
        1.0
    } else {
        t
    };
    let r = atan_ratio::<M>(t);
    let r = if x.is_sign_negative() { PI - r } else { r };
    (r as f32).copysign(y)
}

/// `sqrt(1 - x^2)` for a float32 `x`, NaN where |x| > 1.
#[inline(always)]
fn cosine_side(a: f64) -> f64 {
    ((1.0 - a) * (1.0 + a)).sqrt()
}

/// The arcsine: odd, NaN beyond [-1, 1].
#[inline(always)]
pub fn asin<M: MulAdd>(x: f32) -> f32 {
    let a = (x as f64).abs();
    (atan_ratio::<M>(a / cosine_side(a)) as f32).copysign(x)
}

/// The arccosine, in [0, pi]: +0 at 1, NaN beyond [-1, 1].
#[inline(always)]
pub fn acos<M: MulAdd>(x: f32) -> f32 {
    let d = x as f64;
    let r = atan_ratio::<M>(cosine_side(d.abs()) / d.abs());
    (if x.is_sign_negative() { PI - r } else { r }) as f32
}
