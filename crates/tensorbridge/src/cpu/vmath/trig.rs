//! sin, cos and tan of float32 (see the module docs).
//!
//! The argument is reduced to `r` in [-pi/4, pi/4] and a quadrant `q` with
//! |x| = q pi/2 + r (mod 2 pi). Below 120 a three-part Cody-Waite reduction
//! in float64 is exact enough; above, the float32 mantissa is multiplied
//! by 2/pi's bits in integer arithmetic (Payne and Hanek's method, in the
//! form of ARM's optimized-routines `sinf`), so sin(1e38) is right too.
//! Both reductions run on every element and a select keeps one, which
//! costs less than the branch that would stop the loop vectorizing.

use super::{horner, MulAdd, ROUND_SHIFT};

const TWO_OVER_PI: f64 = std::f64::consts::FRAC_2_PI;
/// pi/2 in three parts of 33, 33 and 53 bits (fdlibm's `pio2_1..3`):
/// `k * PIO2_1` and `k * PIO2_2` are exact for the k of |x| < 120.
pub(crate) const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
pub(crate) const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e03_7073);

/// Windows of 32 bits, each 8 bits further along, of 4/pi's binary
/// expansion (0x1.45f306dc9c88...); an entry's bits start 8 places after
/// the previous one's, so that any exponent's three words are aligned.
const INV_PIO4: [u32; 24] = [
    0x0000_00a2,
    0x0000_a2f9,
    0x00a2_f983,
    0xa2f9_836e,
    0xf983_6e4e,
    0x836e_4e44,
    0x6e4e_4415,
    0x4e44_1529,
    0x4415_29fc,
    0x1529_fc27,
    0x29fc_2757,
    0xfc27_57d1,
    0x2757_d1f5,
    0x57d1_f534,
    0xd1f5_34dd,
    0xf534_ddc0,
    0x34dd_c0db,
    0xddc0_db62,
    0xc0db_6295,
    0xdb62_9599,
    0x6295_993c,
    0x9599_3c43,
    0x993c_4390,
    0x3c43_9041,
];
/// pi * 2^-63: the weight of the integer reduction's fixed-point result.
const PI63: f64 = std::f64::consts::PI / 9_223_372_036_854_775_808.0;

/// `(r, q)` for |x| >= 120 (`xi` is |x|'s bits): the fraction of
/// |x| * 2/pi to 62 bits, as 2^62 * (q + r/(pi/2)).
#[inline(always)]
fn reduce_large(xi: u32) -> (f64, u64) {
    let idx = ((xi >> 26) & 15) as usize;
    let shift = (xi >> 23) & 7;
    let m = ((xi & 0x00ff_ffff) | 0x0080_0000) << shift;
    let res0 = m.wrapping_mul(INV_PIO4[idx]) as u64;
    let res1 = m as u64 * INV_PIO4[idx + 4] as u64;
    let res2 = m as u64 * INV_PIO4[idx + 8] as u64;
    let frac = ((res2 >> 32) | (res0 << 32)).wrapping_add(res1);
    let q = frac.wrapping_add(1 << 61) >> 62;
    let frac = frac.wrapping_sub(q << 62) as i64;
    // The signed 64-bit fraction to float64 in two exact halves (AVX2 has
    // no 64-bit integer conversion).
    let hi =
        f64::from_bits(0x4338_0000_0000_0000u64.wrapping_add((frac >> 32) as u64)) - ROUND_SHIFT;
    let lo = f64::from_bits(0x4330_0000_0000_0000 | (frac as u64 & 0xffff_ffff))
        - 4_503_599_627_370_496.0;
    ((hi * 4_294_967_296.0 + lo) * PI63, q)
}

/// Magnitudes below which [`sin_small`] and [`cos_small`] are exact: the
/// quadrant count k stays below 2^20, where `k * PIO2_1` and `k * PIO2_2`
/// are exact (float32 bits of 2^19, compared as integers).
pub const SMALL_ARGUMENT_BITS: u32 = 0x4900_0000;

/// `(r, q)` for |x|: the Cody-Waite reduction below 120 (or for every x
/// when `FULL` is false, which [`SMALL_ARGUMENT_BITS`] bounds), the integer
/// one above.
#[inline(always)]
fn reduce<M: MulAdd, const FULL: bool>(x: f32) -> (f64, u64) {
    let a = (x as f64).abs();
    let z = a * TWO_OVER_PI + ROUND_SHIFT;
    let k = z - ROUND_SHIFT;
    let r_small = M::mul_add(
        -k,
        PIO2_3,
        M::mul_add(-k, PIO2_2, M::mul_add(-k, PIO2_1, a)),
    );
    let q_small = z.to_bits();
    if !FULL {
        return (r_small, q_small & 3);
    }
    let (r_large, q_large) = reduce_large(x.to_bits() & 0x7fff_ffff);
    let small = a < 120.0;
    (
        if small { r_small } else { r_large },
        (if small { q_small } else { q_large }) & 3,
    )
}

/// sin r and cos r for |r| <= pi/4: Taylor series to r^15 and r^14 (the
/// first terms left out are below 5e-17 and 1e-15).
#[inline(always)]
fn sin_cos_poly<M: MulAdd>(r: f64) -> (f64, f64) {
    let r2 = r * r;
    #[rustfmt::skip]
    let s = horner::<M, 7>(r2, [
        -1.0 / 1_307_674_368_000.0, 1.0 / 6_227_020_800.0, -1.0 / 39_916_800.0, 1.0 / 362_880.0,
        -1.0 / 5_040.0, 1.0 / 120.0, -1.0 / 6.0,
    ]);
    #[rustfmt::skip]
    let c = horner::<M, 7>(r2, [
        -1.0 / 87_178_291_200.0, 1.0 / 479_001_600.0, -1.0 / 3_628_800.0, 1.0 / 40_320.0,
        -1.0 / 720.0, 1.0 / 24.0, -0.5,
    ]);
    (M::mul_add(r * r2, s, r), M::mul_add(r2, c, 1.0))
}

/// The sine, or the cosine when `COS`: cos x = sin(x + pi/2), one
/// quadrant further on, and even where the sine is odd.
#[inline(always)]
fn sin_or_cos<M: MulAdd, const FULL: bool, const COS: bool>(x: f32) -> f32 {
    let (r, q) = reduce::<M, FULL>(x);
    let (s, c) = sin_cos_poly::<M>(r);
    let q = if COS { q + 1 } else { q };
    let v = if q & 1 == 1 { c } else { s };
    let v = if q & 2 == 2 { -v } else { v } as f32;
    let v = if !COS && x.is_sign_negative() { -v } else { v };
    if x.is_finite() {
        v
    } else {
        f32::NAN
    }
}

/// The sine: odd, NaN for infinities.
#[inline(always)]
pub fn sin<M: MulAdd>(x: f32) -> f32 {
    sin_or_cos::<M, true, false>(x)
}

/// The cosine: even, NaN for infinities.
#[inline(always)]
pub fn cos<M: MulAdd>(x: f32) -> f32 {
    sin_or_cos::<M, true, true>(x)
}

/// [`sin`] for |x| below 2^19 ([`SMALL_ARGUMENT_BITS`]) and non-finite x,
/// without the large-argument reduction's cost; wrong (but harmless) for
/// larger finite x.
#[inline(always)]
pub fn sin_small<M: MulAdd>(x: f32) -> f32 {
    sin_or_cos::<M, false, false>(x)
}

/// [`cos`] for |x| below 2^19 and non-finite x (see [`sin_small`]).
#[inline(always)]
pub fn cos_small<M: MulAdd>(x: f32) -> f32 {
    sin_or_cos::<M, false, true>(x)
}

/// The tangent: sin r / cos r, or -cos r / sin r one quadrant on (tan has
/// period pi); odd, NaN for infinities.
#[inline(always)]
fn tan_any<M: MulAdd, const FULL: bool>(x: f32) -> f32 {
    let (r, q) = reduce::<M, FULL>(x);
    let (s, c) = sin_cos_poly::<M>(r);
    let t = if q & 1 == 1 { -c / s } else { s / c };
    let t = if x.is_sign_negative() { -t } else { t } as f32;
    if x.is_finite() {
        t
    } else {
        f32::NAN
    }
}

/// The tangent.
#[inline(always)]
pub fn tan<M: MulAdd>(x: f32) -> f32 {
    tan_any::<M, true>(x)
}

/// [`tan`] for |x| below 2^19 and non-finite x (see [`sin_small`]).
#[inline(always)]
pub fn tan_small<M: MulAdd>(x: f32) -> f32 {
    tan_any::<M, false>(x)
}
