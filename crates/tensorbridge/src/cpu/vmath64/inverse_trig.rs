//! atan, atan2, asin and acos of float64 (see the module docs): fdlibm's
//! `s_atan.c`, `e_atan2.c`, `e_asin.c` and `e_acos.c`, every case
//! computed and one selected.

use super::{high_half, horner, MulAdd, PIO4_HI, PIO4_LO};

/// pi/2 as fdlibm splits it (`hi` + `lo` to 106 bits), and pi.
const PIO2_HI: f64 = f64::from_bits(0x3ff9_21fb_5444_2d18);
const PIO2_LO: f64 = f64::from_bits(0x3c91_a626_3314_5c07);
const PI: f64 = f64::from_bits(0x4009_21fb_5444_2d18);
/// pi - PI, fdlibm's `pi_lo`.
const PI_LO: f64 = f64::from_bits(0x3ca1_a626_3314_5c07);

/// atan of 0.5, 1, 1.5 and infinity, each as `hi` + `lo`.
const ATAN_HI: [f64; 4] = [
    f64::from_bits(0x3fdd_ac67_0561_bb4f),
    PIO4_HI,
    f64::from_bits(0x3fef_730b_d281_f69b),
    PIO2_HI,
];
const ATAN_LO: [f64; 4] = [
    f64::from_bits(0x3c7a_2b7f_222f_65e2),
    PIO4_LO,
    f64::from_bits(0x3c70_0788_7af0_cbbd),
    PIO2_LO,
];

/// atan(x): |x| reduced to |r| <= 7/16 around 0, 0.5, 1, 1.5 or infinity
/// (one division whose operands are selected), then fdlibm's odd
/// polynomial of degree 23 split into even and odd halves, and the
/// reduction point's atan added as `hi` + `lo`.
#[inline(always)]
pub fn atan<M: MulAdd>(x: f64) -> f64 {
    atan_of_magnitude::<M>(x.abs()).copysign(x)
}

/// The angle of the point (x, y), in [-pi, pi] (fdlibm's `e_atan2.c` as
/// selects): atan(|y| / |x|), with 0/0 taken as 0 and inf/inf as 1, then
/// pi minus it (pi as `hi` + `lo`) for a negative x (-0 included) and
/// y's sign: the Array API standard's table for zeros and infinities
/// follows (atan2(±0, -0) = ±pi, atan2(±inf, -inf) = ±3pi/4, ...).
#[inline(always)]
pub fn atan2<M: MulAdd>(y: f64, x: f64) -> f64 {
    let (ay, ax) = (y.abs(), x.abs());
    let t = ay / ax;
    let t = if ay == 0.0 && ax == 0.0 { 0.0 } else { t };
    let t = if ay == f64::INFINITY && ax == f64::INFINITY {
        1.0
    } else {
        t
    };
    let r = atan_of_magnitude::<M>(t);
    let r = if x.is_sign_negative() {
        PI - (r - PI_LO)
    } else {
        r
    };
    r.copysign(y)
}

/// [`atan`] of a non-negative `ax` (or NaN).
#[inline(always)]
fn atan_of_magnitude<M: MulAdd>(ax: f64) -> f64 {
    // id: -1 below 7/16 (no reduction), 0 .. 3 above.
    let (num, den, hi, lo) = if ax < 0.4375 {
        (ax, 1.0, 0.0, 0.0)
    } else if ax < 0.6875 {
        (2.0 * ax - 1.0, 2.0 + ax, ATAN_HI[0], ATAN_LO[0])
    } else if ax < 1.1875 {
        (ax - 1.0, ax + 1.0, ATAN_HI[1], ATAN_LO[1])
    } else if ax < 2.4375 {
        (ax - 1.5, M::mul_add(1.5, ax, 1.0), ATAN_HI[2], ATAN_LO[2])
    } else {
        (-1.0, ax, ATAN_HI[3], ATAN_LO[3])
    };
    let r = num / den;
    let z = r * r;
    let w = z * z;
    #[rustfmt::skip]
    let s1 = z * horner::<M, 6>(w, [
        1.628_582_011_536_578_2e-2, 4.976_877_994_615_932_4e-2, 6.661_073_137_387_531e-2,
        9.090_887_133_436_507e-2, 1.428_571_427_250_346_6e-1, 3.333_333_333_333_293e-1,
    ]);
    #[rustfmt::skip]
    let s2 = w * horner::<M, 5>(w, [
        -3.653_157_274_421_691_6e-2, -5.833_570_133_790_573_5e-2, -7.691_876_205_044_83e-2,
        -1.111_111_040_546_235_6e-1, -1.999_999_999_987_648_3e-1,
    ]);
    hi - ((r * (s1 + s2) - lo) - r)
}

/// fdlibm's rational approximation R(t) = P(t) / Q(t) shared by asin and
/// acos, with asin(x) = x + x R(x^2) near zero.
#[inline(always)]
fn asin_rational<M: MulAdd>(t: f64) -> f64 {
    #[rustfmt::skip]
    let p = t * horner::<M, 6>(t, [
        3.479_331_075_960_212e-5, 7.915_349_942_898_145e-4, -4.005_553_450_067_941e-2,
        2.012_125_321_348_629_3e-1, -3.255_658_186_224_009e-1, 1.666_666_666_666_666_6e-1,
    ]);
    #[rustfmt::skip]
    let q = horner::<M, 5>(t, [
        7.703_815_055_590_194e-2, -6.882_839_716_054_533e-1, 2.020_945_760_233_505_7,
        -2.403_394_911_734_414, 1.0,
    ]);
    p / q
}

/// asin(x): x + x R(x^2) below 0.5; above, from s = sqrt((1 - |x|)/2),
/// pi/2 - 2(s + s R) (from 0.975) or pi/4 - (2 s R - (pio2_lo - 2c) -
/// (pi/4 - 2 s_hi)) with s = s_hi + c carried (below). NaN above 1.
#[inline(always)]
pub fn asin<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let t = if ax < 0.5 { x * x } else { (1.0 - ax) * 0.5 };
    let r = asin_rational::<M>(t);
    let small = M::mul_add(ax, r, ax);
    let s = t.sqrt();
    let steep = PIO2_HI - (2.0 * M::mul_add(s, r, s) - PIO2_LO);
    let w = high_half(s);
    let c = (t - w * w) / (s + w);
    let p = 2.0 * s * r - (PIO2_LO - 2.0 * c);
    let q = PIO4_HI - 2.0 * w;
    let middle = PIO4_HI - (p - q);
    let v = if ax < 0.5 {
        small
    } else if ax < 0.975 {
        middle
    } else {
        steep
    };
    v.copysign(x)
}

/// acos(x): pi/2 - (x - (pio2_lo - x R(x^2))) below 0.5 in magnitude;
/// from s = sqrt((1 - |x|)/2), pi - 2(s + (s R - pio2_lo)) below -0.5 and
/// 2(s_hi + (s R + c)) above 0.5 (s = s_hi + c). NaN beyond ±1.
#[inline(always)]
pub fn acos<M: MulAdd>(x: f64) -> f64 {
    let ax = x.abs();
    let t = if ax < 0.5 { x * x } else { (1.0 - ax) * 0.5 };
    let r = asin_rational::<M>(t);
    let small = PIO2_HI - (x - M::mul_add(-x, r, PIO2_LO));
    let s = t.sqrt();
    let negative = PI - 2.0 * (s + M::mul_add(r, s, -PIO2_LO));
    let w = high_half(s);
    // At x = 1, s + w = 0: the quotient is NaN and the result 0 instead.
    let c = (t - w * w) / (s + w);
    let positive = 2.0 * (w + M::mul_add(r, s, c));
    if ax < 0.5 {
        small
    } else if x < 0.0 {
        negative
    } else if x == 1.0 {
        0.0
    } else {
        positive
    }
}
