//! sin and cos of float64 below 2^20 in magnitude (see the module docs).
//!
//! |x| = n pi/2 + (y0 + y1) by fdlibm's medium-size reduction: pi/2 in
//! parts of 33, 33, 33 and 53 bits, `n` times each of the first three
//! subtracted exactly in turn with the rounding errors kept, 151 bits of
//! pi/2 in all, enough for the worst cancellation of any argument below
//! 2^20. fdlibm runs the second and third rounds only when the first
//! cancelled many bits; here they run always (carrying their rounding
//! errors, which fdlibm can drop only because it runs them when nothing is
//! rounded), which keeps the loop branch-free.
//! The kernels are fdlibm's `__kernel_sin` and `__kernel_cos` for
//! |y0| <= pi/4 with the tail `y1`.

use super::MulAdd;
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
