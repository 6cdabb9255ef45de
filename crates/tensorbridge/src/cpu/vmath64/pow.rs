//! x^y of float64 (fdlibm's `__ieee754_pow`) for the pairs that need no
//! special case: `x` normal and finite, `y` finite with |y| < 2^31
//! ([`pow_covers`]); a negative base takes its sign from the exponent
//! ([`with_sign_of_base`]). The caller gives every other pair (zeros,
//! subnormal and non-finite bases, infinite, NaN or huge exponents) to the
//! C library.
//!
//! log2(x) is computed to about 2^-64 relative as `t1 + t2` (`t1` with 21
//! significant bits), multiplied by `y` split the same way so that the
//! main product is exact, and 2^(p_h + p_l) is computed with the
//! product's low part carried into the exponential's argument (by
//! [`super::exp`]'s series, not fdlibm's rational form). fdlibm's
//! branches become selects (its two reduction points 1 and 1.5) and its
//! final scaling by 2^n is done in two exact-or-once-rounded steps, as
//! [`super::exp`] does, so overflow to infinity and subnormal results
//! need no branch either.

use super::exp_log::{exp_near_zero, pow2};
use super::{high_half, horner, MulAdd};
use crate::cpu::vmath::{clamp, ROUND_SHIFT};

const fn bits(b: u64) -> f64 {
    f64::from_bits(b)
}

/// log2(1.5) in two parts: `DP_H` with 24 significant bits.
const DP_H: f64 = bits(0x3fe2_b803_4000_0000);
const DP_L: f64 = bits(0x3e4c_fdeb_43cf_d006);
/// The series of (3/2)(log(x) - 2s - (2/3)s^3) in s^2, highest first.
const L: [f64; 6] = [
    bits(0x3fca_7e28_4a45_4eef),
    bits(0x3fcd_864a_93c9_db65),
    bits(0x3fd1_7460_a91d_4101),
    bits(0x3fd5_5555_518f_264d),
    bits(0x3fdb_6db6_db6f_abff),
    bits(0x3fe3_3333_3333_3303),
];
/// ln 2, and in two parts with `LG2_H` of 21 significant bits.
const LG2: f64 = bits(0x3fe6_2e42_fefa_39ef);
const LG2_H: f64 = bits(0x3fe6_2e43_0000_0000);
const LG2_L: f64 = bits(0xbe20_5c61_0ca8_6c39);
/// 2/(3 ln 2), and in two parts with `CP_H` of 24 significant bits.
const CP: f64 = bits(0x3fee_c709_dc3a_03fd);
const CP_H: f64 = bits(0x3fee_c709_e000_0000);
const CP_L: f64 = bits(0xbe3e_2fe0_145b_01f5);
/// -(1024 - log2(the largest float64 + half a unit)): how far below 1024
/// an exponent may round and still give a finite power.
const OVT: f64 = bits(0x3c97_1547_652b_82fe);

/// The high 32 bits of `v` as an integer (fdlibm's `GET_HIGH_WORD`).
#[inline(always)]
fn high_word(v: f64) -> i64 {
    (v.to_bits() >> 32) as i64
}

/// `v`'s low 32 bits under a new high word.
#[inline(always)]
fn with_high_word(v: f64, hi: i64) -> f64 {
    f64::from_bits(((hi as u64) << 32) | (v.to_bits() & 0xffff_ffff))
}

/// log2(x) as `t1 + t2` for a positive, normal, finite `x`: `t1` has its
/// low 32 bits clear, and the pair is within about 2^-64 relative.
#[inline(always)]
fn log2_pair<M: MulAdd>(x: f64) -> (f64, f64) {
    let hx = high_word(x);
    let j = hx & 0x000f_ffff;
    // The mantissa in [1, 2) is reduced around 1 below sqrt(3/2), around
    // 1.5 below sqrt(3), and past that halved to reduce around 1 again.
    let past = j >= 0xb_b67a;
    let around_1_5 = j > 0x3_988e && !past;
    let n = (hx >> 20) - 0x3ff + past as i64;
    let ix = (j | 0x3ff0_0000) - ((past as i64) << 20);
    let ax = with_high_word(x, ix);
    let (bp, dp_h, dp_l) = if around_1_5 {
        (1.5, DP_H, DP_L)
    } else {
        (1.0, 0.0, 0.0)
    };
    // ss = s_h + s_l = (ax - bp) / (ax + bp).
    let u = ax - bp;
    let v = 1.0 / (ax + bp);
    let ss = u * v;
    let s_h = high_half(ss);
    // t_h = ax + bp with its low word clear, built from the high word.
    let t_h = f64::from_bits(
        ((((ix >> 1) | 0x2000_0000) + 0x0008_0000 + ((around_1_5 as i64) << 18)) as u64) << 32,
    );
    let t_l = ax - (t_h - bp);
    let s_l = v * ((u - s_h * t_h) - s_h * t_l);
    let s2 = ss * ss;
    let r = s2 * s2 * horner::<M, 6>(s2, L) + s_l * (s_h + ss);
    let s2 = s_h * s_h;
    let t_h = high_half(3.0 + s2 + r);
    let t_l = r - ((t_h - 3.0) - s2);
    // u + v = ss (3 + ...), then times 2/(3 ln 2).
    let u = s_h * t_h;
    let v = s_l * t_h + t_l * ss;
    let p_h = high_half(u + v);
    let p_l = v - (p_h - u);
    let z_h = CP_H * p_h;
    let z_l = CP_L * p_h + p_l * CP + dp_l;
    let t = n as f64;
    let t1 = high_half(((z_h + z_l) + dp_h) + t);
    let t2 = z_l - (((t1 - t) - dp_h) - z_h);
    (t1, t2)
}

/// x^y for a positive, normal, finite `x` and a finite `y` with |y| <
/// 2^31 (other pairs give unspecified values).
#[inline(always)]
pub fn pow_positive<M: MulAdd>(x: f64, y: f64) -> f64 {
    let (t1, t2) = log2_pair::<M>(x);
    // y log2(x) = p_h + p_l, `p_h` exact (21 by 21 significant bits).
    let y1 = high_half(y);
    let p_l = (y - y1) * t1 + y * t2;
    let p_h = y1 * t1;
    let z = p_l + p_h;
    let overflow = z > 1024.0 || (z == 1024.0 && p_l + OVT > z - p_h);
    let underflow = z < -1075.0 || (z == -1075.0 && p_l <= z - p_h);
    // 2^(p_h + p_l) = 2^n 2^(p_h - n + p_l), the rest within 1/2; `p_h -
    // n` is exact. The clamp keeps `n` in the range that the scaling
    // below takes (the selects at the end decide outside it).
    let zc = clamp(z, -1100.0, 1100.0);
    let nz = zc + ROUND_SHIFT;
    let n = nz - ROUND_SHIFT;
    let p_h = if z == zc { p_h - n } else { 0.0 };
    let p_l = if z == zc { p_l } else { 0.0 };
    let t = high_half(p_l + p_h);
    let u = t * LG2_H;
    let v = (p_l - (t - p_h)) * LG2 + t * LG2_L;
    let z = u + v;
    let w = v - (z - u);
    // e^(z + w) by exp's own series: fdlibm's rational form costs a
    // division, which here would cost more than the series' few more
    // multiply-adds.
    let (s, t) = exp_near_zero::<M>(z, w);
    let e = s + t;
    // e 2^n in two steps, each factor a normal power of two: the first
    // product is exact, the second rounds once (to a subnormal, or to
    // infinity past the largest float64).
    let z1 = n * 0.5 + ROUND_SHIFT;
    let n1 = z1 - ROUND_SHIFT;
    let z2 = (n - n1) + ROUND_SHIFT;
    let scaled = e * pow2(z1) * pow2(z2);
    if overflow {
        f64::INFINITY
    } else if underflow {
        0.0
    } else {
        scaled
    }
}

/// Whether `pow_positive` and a sign cover `x ** y`: `x` finite, non-zero
/// and normal, `y` finite with |y| < 2^31. False for every other pair,
/// which the caller gives to the C library.
#[inline(always)]
#[allow(clippy::manual_range_contains)] // `&`, not `&&`: no branches in the loop
pub fn pow_covers(x: f64, y: f64) -> bool {
    let ax = x.abs();
    (ax >= f64::MIN_POSITIVE) & (ax < f64::INFINITY) & (y.abs() < 2_147_483_648.0)
}

/// x^y for the pairs [`pow_covers`] takes.
#[inline(always)]
pub fn pow<M: MulAdd>(x: f64, y: f64) -> f64 {
    with_sign_of_base(pow_positive::<M>(x.abs(), y), x, y)
}

/// `p` = |x|^y as `x ** y`, as `pow` gives it: a negative base takes an
/// integer exponent's parity for the sign and gives NaN for any other
/// exponent. Selects, not branches, so that the loops vectorize.
#[inline(always)]
pub fn with_sign_of_base(p: f64, x: f64, y: f64) -> f64 {
    let integer = y.trunc() == y;
    let half = y * 0.5;
    let odd = integer & (half.trunc() != half);
    let negative = x < 0.0;
    let signed = if odd & negative { -p } else { p };
    if negative & !integer {
        f64::NAN
    } else {
        signed
    }
}
