//! sin, cos and tan of float64 below 2^20 in magnitude (see the module
//! docs).
//!
//! |x| = n pi/2 + (y0 + y1) by fdlibm's medium-size reduction: pi/2 in
//! parts of 33, 33, 33 and 53 bits, `n` times each of the first three
//! subtracted exactly in turn with the rounding errors kept, 151 bits of
//! pi/2 in all, enough for the worst cancellation of any argument below
//! 2^20. fdlibm runs the second and third rounds only when the first
//! cancelled many bits; here they run always (carrying their rounding
//! errors, which fdlibm can drop only because it runs them when nothing is
//! rounded), which keeps the loop branch-free.
//! The kernels are fdlibm's `__kernel_sin`, `__kernel_cos` and
//! `__kernel_tan` for |y0| <= pi/4 with the tail `y1`.

use super::{high_half, horner, MulAdd, PIO4_HI, PIO4_LO};
// pi/2's first two 33-bit parts, shared with float32's reduction.
use crate::cpu::vmath::{PIO2_1, PIO2_2, ROUND_SHIFT};

const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397b_839a_2520_49c1);

/// Magnitudes below which [`sin_small`] and [`cos_small`] hold: 2^20 (as
/// float64 bits, compared as integers), where the quadrant count n stays
/// below 2^20 and `n * PIO2_1` is exact.
pub const SMALL_TRIG_BITS: u64 = 0x4130_0000_0000_0000;

/// `(y0, y1, n)` for |x| < 2^20: |x| = n pi/2 + y0 + y1, |y0| <= pi/4.
#[inline(always)]
fn reduce(a: f64) -> (f64, f64, u64) {
    let z = a * TWO_OVER_PI + ROUND_SHIFT;
    let n = z - ROUND_SHIFT;
    // First round: exact, since n has at most 20 bits and PIO2_1 33.
    let r1 = a - n * PIO2_1;
    // Second and third: `n * part` is exact, and so is the rounding error
    // of each subtraction (r_in - w = r_out + e).
    let (r2, e2) = subtract_exactly(r1, n * PIO2_2);
    let (r3, e3) = subtract_exactly(r2, n * PIO2_3);
    // |x| - n pi/2 = r3 + e2 + e3 - n * PIO2_3T to 151 bits.
    let w = n * PIO2_3T - (e2 + e3);
    let y0 = r3 - w;
    let y1 = (r3 - y0) - w;
    (y0, y1, z.to_bits())
}

/// `(t - w, e)` with `t - w` rounded and `e` what the rounding took off:
/// exact when |t| >= |w|, and exact here otherwise too, where the
/// difference is small enough to be representable.
#[inline(always)]
fn subtract_exactly(t: f64, w: f64) -> (f64, f64) {
    let r = t - w;
    (r, (t - r) - w)
}

/// sin(y0 + y1) for |y0| <= pi/4 (fdlibm's `__kernel_sin` with its tail).
#[inline(always)]
fn kernel_sin<M: MulAdd>(x: f64, y: f64) -> f64 {
    const S1: f64 = f64::from_bits(0xbfc5_5555_5555_5549); // -0.16666666666666632
    const S2: f64 = f64::from_bits(0x3f81_1111_1110_f8a6); // 0.00833333333332249
    const S3: f64 = f64::from_bits(0xbf2a_01a0_19c1_61d5); // -0.0001984126982985795
    const S4: f64 = f64::from_bits(0x3ec7_1de3_57b1_fe7d); // 2.7557313707070068e-06
    const S5: f64 = f64::from_bits(0xbe5a_e5e6_8a2b_9ceb); // -2.5050760253406863e-08
    const S6: f64 = f64::from_bits(0x3de5_d93a_5acf_d57c); // 1.58969099521155e-10
    let z = x * x;
    let v = z * x;
    let r = M::mul_add(
        z,
        M::mul_add(z, M::mul_add(z, M::mul_add(z, S6, S5), S4), S3),
        S2,
    );
    x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/// cos(y0 + y1) for |y0| <= pi/4 (fdlibm's `__kernel_cos` with its tail).
#[inline(always)]
fn kernel_cos<M: MulAdd>(x: f64, y: f64) -> f64 {
    const C1: f64 = f64::from_bits(0x3fa5_5555_5555_554c); // 0.0416666666666666
    const C2: f64 = f64::from_bits(0xbf56_c16c_16c1_5177); // -0.001388888888887411
    const C3: f64 = f64::from_bits(0x3efa_01a0_19cb_1590); // 2.480158728947673e-05
    const C4: f64 = f64::from_bits(0xbe92_7e4f_809c_52ad); // -2.7557314351390663e-07
    const C5: f64 = f64::from_bits(0x3e21_ee9e_bdb4_b1c4); // 2.087572321298175e-09
    const C6: f64 = f64::from_bits(0xbda8_fae9_be88_38d4); // -1.1359647557788195e-11
    let z = x * x;
    let w = z * z;
    let r = z * M::mul_add(z, M::mul_add(z, C3, C2), C1)
        + w * w * M::mul_add(z, M::mul_add(z, C6, C5), C4);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// tan(y0 + y1), or -1/tan(y0 + y1) when `odd`, for |y0| <= pi/4
/// (FreeBSD's `__kernel_tan`, every case computed and one selected): an
/// odd polynomial of degree 27 split into two halves; from 0.6744 on,
/// tan(pi/4 - y) through (1 - tan y)/(1 + tan y), which keeps the
/// polynomial's argument small; -1/tan with its rounding carried.
#[inline(always)]
fn kernel_tan<M: MulAdd>(x: f64, y: f64, odd: bool) -> f64 {
    #[rustfmt::skip]
    const T: [f64; 13] = [
        3.333_333_333_333_341e-1, 1.333_333_333_332_012_4e-1, 5.396_825_397_622_605e-2,
        2.186_948_829_485_954_2e-2, 8.863_239_823_599_3e-3, 3.592_079_107_591_312_4e-3,
        1.456_209_454_325_290_3e-3, 5.880_412_408_202_641e-4, 2.464_631_348_184_699e-4,
        7.817_944_429_395_571e-5, 7.140_724_913_826_082e-5, -1.855_863_748_552_754_6e-5,
        2.590_730_518_636_337e-5,
    ];
    // fdlibm's bound, 0.6743..., as the high word 0x3FE59428.
    let big = x.abs() >= f64::from_bits(0x3fe5_9428_0000_0000);
    let negative = x < 0.0;
    let (xa, ya) = if negative { (-x, -y) } else { (x, y) };
    let x = if big {
        (PIO4_HI - xa) + (PIO4_LO - ya)
    } else {
        x
    };
    let y = if big { 0.0 } else { y };
    let z = x * x;
    let w = z * z;
    let r = horner::<M, 6>(w, [T[11], T[9], T[7], T[5], T[3], T[1]]);
    let v = z * horner::<M, 6>(w, [T[12], T[10], T[8], T[6], T[4], T[2]]);
    let s = z * x;
    let r = y + z * M::mul_add(s, r + v, y);
    let r = M::mul_add(T[0], s, r);
    let w = x + r;
    // From 0.6744: (1 - tan)/(1 + tan) as 1 - 2 (tan - tan^2/(1 + tan)),
    // or its negated reciprocal, with x's sign.
    let sign = if odd { -1.0 } else { 1.0 };
    let reflected = sign - 2.0 * (x - (w * w / (w + sign) - r));
    let reflected = if negative { -reflected } else { reflected };
    // -1/(x + r) with the rounding of x + r and of the quotient carried.
    let w0 = high_half(w);
    let v = r - (w0 - x);
    let a = -1.0 / w;
    let a0 = high_half(a);
    let t = M::mul_add(a0, w0, 1.0);
    let reciprocal = M::mul_add(a, M::mul_add(a0, v, t), a0);
    if big {
        reflected
    } else if odd {
        reciprocal
    } else {
        w
    }
}

/// The tangent for |x| below 2^20 and non-finite x (see [`sin_small`]).
#[inline(always)]
pub fn tan_small<M: MulAdd>(x: f64) -> f64 {
    let (y0, y1, n) = reduce(x.abs());
    let v = kernel_tan::<M>(y0, y1, n & 1 == 1);
    let v = if x.is_sign_negative() { -v } else { v };
    if x.is_finite() {
        v
    } else {
        f64::NAN
    }
}

/// The sine, or the cosine when `COS` (one quadrant further on, and even
/// where the sine is odd), for |x| < 2^20 and non-finite x.
#[inline(always)]
fn sin_or_cos<M: MulAdd, const COS: bool>(x: f64) -> f64 {
    let (y0, y1, n) = reduce(x.abs());
    let s = kernel_sin::<M>(y0, y1);
    let c = kernel_cos::<M>(y0, y1);
    let q = if COS { n.wrapping_add(1) } else { n };
    let v = if q & 1 == 1 { c } else { s };
    let v = if q & 2 == 2 { -v } else { v };
    let v = if !COS && x.is_sign_negative() { -v } else { v };
    if x.is_finite() {
        v
    } else {
        f64::NAN
    }
}

/// The sine for |x| below 2^20 ([`SMALL_TRIG_BITS`]) and non-finite x;
/// wrong (but harmless) for larger finite x.
#[inline(always)]
pub fn sin_small<M: MulAdd>(x: f64) -> f64 {
    sin_or_cos::<M, false>(x)
}

/// The cosine for |x| below 2^20 and non-finite x (see [`sin_small`]).
#[inline(always)]
pub fn cos_small<M: MulAdd>(x: f64) -> f64 {
    sin_or_cos::<M, true>(x)
}
