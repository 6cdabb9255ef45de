//! atan, atan2, asin and acos of float32 (see the module docs).
//!
//! atan and atan2 come down to the arctangent of a non-negative float64
//! ratio, `atan_ratio(num / den)`. asin and acos take no division: on
//! `[-1/2, 1/2]` they are an odd polynomial, and beyond it the half-angle
//! identity `asin(a) = pi/2 - 2 asin(sqrt((1 - a) / 2))` brings the
//! argument back to `[0, 1/2]` with one square root (`1 - a` is exact for
//! a float32 `a`, so neither loses accuracy near +-1). A division and a
//! square root in float64 cost more than the whole polynomial; this form
//! halves the time of the one that took both (`atan(a / sqrt(1 - a^2))`).

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

/// asin(s) for |s| <= 1/2, given `z = s^2` (or the half-angle argument
/// whose square root `s` is): `s + s z P(z)`, a degree-9 fit of
/// `(asin(sqrt z) - sqrt z) / z^(3/2)` on `[0, 1/4]` (relative error of the
/// arcsine below 3e-14).
#[inline(always)]
fn asin_core<M: MulAdd>(s: f64, z: f64) -> f64 {
    #[rustfmt::skip]
    let p = horner::<M, 10>(z, [
        0.027_907_031_432_666_1, -0.002_939_792_906_724_196_3, 0.015_675_662_527_070_935,
        0.013_187_916_136_753_73, 0.017_441_495_685_492_855, 0.022_366_065_938_885_01,
        0.030_382_182_776_212_484, 0.044_642_852_437_938_72, 0.075_000_000_035_845_59,
        0.166_666_666_666_621_8,
    ]);
    M::mul_add(s * z, p, s)
}

/// The argument `z` of [`asin_core`] for `a = |x|`: `a^2` up to 1/2, the
/// half-angle `(1 - a) / 2` beyond (negative, so NaN at the square root,
/// past 1; NaN stays NaN).
#[inline(always)]
fn reduced(a: f64) -> (bool, f64) {
    let small = a <= 0.5;
    (small, if small { a * a } else { (1.0 - a) * 0.5 })
}

/// The arcsine: odd, NaN beyond [-1, 1].
#[inline(always)]
pub fn asin<M: MulAdd>(x: f32) -> f32 {
    let a = (x as f64).abs();
    let (small, z) = reduced(a);
    let r = asin_core::<M>(if small { a } else { z.sqrt() }, z);
    let r = if small { r } else { FRAC_PI_2 - 2.0 * r };
    (r as f32).copysign(x)
}

/// The arccosine, in [0, pi]: +0 at 1, NaN beyond [-1, 1]. `pi/2 -
/// asin(x)` up to |x| = 1/2; beyond, `2 asin(sqrt((1 - |x|) / 2))`,
/// reflected about pi/2 for a negative `x`.
#[inline(always)]
pub fn acos<M: MulAdd>(x: f32) -> f32 {
    let d = x as f64;
    let (small, z) = reduced(d.abs());
    let r = asin_core::<M>(if small { d } else { z.sqrt() }, z);
    let r = if small {
        FRAC_PI_2 - r
    } else if d > 0.0 {
        2.0 * r
    } else {
        PI - 2.0 * r
    };
    r as f32
}
