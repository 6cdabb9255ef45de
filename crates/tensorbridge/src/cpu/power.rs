//! `x ** y` for a float tensor `x` and one float exponent `y` that is the
//! simple arithmetic it stands for: 2 (a multiply), 1, 0, -1 (a division)
//! and 0.5 (a square root). These are the exponents code writes most, and
//! a `pow` call per element costs ten times their arithmetic.
//!
//! Each result is the correctly rounded power, as `pow` gives, including
//! the Array API standard's special cases: `x ** 0` is 1 even for NaN,
//! `(-0) ** 0.5` is +0 and `(-inf) ** 0.5` is +inf (where `sqrt` gives -0
//! and NaN).
//!
//! Float32 `x ** y` for any other operands is [`Pow32`], a vector kernel.

use super::float::Real;
use super::map::{map1, Kernel2};
use super::vmath::MulAdd;
use super::vmath64;
use crate::Tensor;

/// Float32 `x ** y` computed in float64 as e^(y ln|x|): `ln` within one
/// float64 unit, the product's rounding relative 2^-53 of at most ~104
/// (beyond that the float32 result is 0 or infinite), so the float64 power
/// is within about 2^-46 of the true one and rounds to the float32 nearest
/// it except where the true value lies that close to a rounding boundary
/// (exact powers such as 3 ** 2 come out exact). A negative base takes an
/// integer exponent's parity, and is NaN for other exponents. Zero and
/// non-finite operands, whose special cases the C library's `powf` knows,
/// are the rare pairs the loop gives to it.
pub(crate) enum Pow32 {}

impl Kernel2 for Pow32 {
    type In = f32;
    type Out = f32;
    const HAS_RARE: bool = true;

    #[inline(always)]
    fn apply<M: MulAdd>(x: f32, y: f32) -> f32 {
        let (a, b) = (x as f64, y as f64);
        let p = vmath64::exp::<M>(b * vmath64::log::<M>(a.abs()));
        let integer = b.trunc() == b;
        let half = b * 0.5;
        let odd = integer & (half.trunc() != half);
        // Selects, not branches, so that the loop vectorizes.
        let signed = if odd & (a < 0.0) { -p } else { p };
        let r = if (a < 0.0) & !integer { f64::NAN } else { signed };
        r as f32
    }

    #[inline(always)]
    fn rare(x: f32, y: f32) -> bool {
        !(x != 0.0 && x.abs() < f32::INFINITY && y.abs() < f32::INFINITY)
    }

    fn exact(x: f32, y: f32) -> f32 {
        x.powf(y)
    }
}

/// Writes `x ** y` into `out` when `y` is one of the exponents above;
/// returns false (writing nothing) for any other exponent.
pub fn pow_simple_exponent<T: Real>(out: &Tensor, x: &Tensor, y: T) -> bool {
    let two = T::one() + T::one();
    if y == two {
        map1(out, x, |v: T| v * v);
    } else if y == T::one() {
        map1(out, x, |v: T| v);
    } else if y == T::zero() {
        map1(out, x, |_: T| T::one());
    } else if y == -T::one() {
        map1(out, x, |v: T| T::one() / v);
    } else if y == T::one() / two {
        // sqrt(-0) is -0, and adding +0 makes it +0; sqrt(-inf) is NaN.
        map1(out, x, |v: T| {
            if v == T::neg_infinity() {
                T::infinity()
            } else {
                v.sqrt() + T::zero()
            }
        });
    } else {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::vmath::Fused;

    /// Units in the last place between two float32s of the same sign.
    fn ulps(a: f32, b: f32) -> u32 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    /// Against float64 `pow` rounded to float32 (the C library's float64
    /// `pow` is correctly rounded, so this is nearly the correctly rounded
    /// float32 power): never more than one unit off, and equal on all but
    /// a handful of pairs; exact powers exact.
    #[test]
    fn pow32_is_the_rounded_power() {
        let mut state = 0x853c_49e6_748f_ea9bu64;
        let (mut pairs, mut off) = (0u64, 0u64);
        for i in 0..400_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x =
                f32::from_bits((state as u32) & 0x7f7f_ffff) * if i % 5 == 0 { -1.0 } else { 1.0 };
            let y = match i % 4 {
                0 => ((state >> 32) % 41) as f32 - 20.0,
                1 => (((state >> 32) % 81) as f32 - 40.0) * 0.5,
                2 => f32::from_bits(((state >> 32) as u32 & 0x3fff_ffff) | 0x3000_0000) * 8.0,
                _ => -f32::from_bits(((state >> 32) as u32 & 0x3fff_ffff) | 0x3000_0000) * 8.0,
            };
            if Pow32::rare(x, y) {
                continue;
            }
            let got = Pow32::apply::<Fused>(x, y);
            let want = (x as f64).powf(y as f64) as f32;
            if want.is_nan() {
                assert!(got.is_nan(), "{x:e} ** {y:e}: {got:e}, want NaN");
                continue;
            }
            pairs += 1;
            let d = ulps(got, want);
            assert!(
                d <= 1 && got.is_sign_negative() == want.is_sign_negative(),
                "{x:e} ** {y:e}: {got:e} vs {want:e}"
            );
            off += u64::from(d);
        }
        assert!(pairs > 200_000, "{pairs}");
        assert!(off * 100_000 < pairs, "{off} of {pairs} pairs one unit off");
        for (x, y, want) in [
            (3.0f32, 2.0f32, 9.0f32),
            (2.0, 10.0, 1024.0),
            (10.0, -2.0, 0.01),
            (-2.0, 3.0, -8.0),
            (-2.0, -2.0, 0.25),
            (4.0, 0.5, 2.0),
            (1.0, 1e30, 1.0),
        ] {
            assert_eq!(Pow32::apply::<Fused>(x, y), want, "{x} ** {y}");
        }
        assert!(Pow32::apply::<Fused>(-8.0, 1.0 / 3.0).is_nan());
        for (x, y) in [
            (0.0f32, 1.0f32),
            (-0.0, -3.0),
            (f32::INFINITY, 2.0),
            (2.0, f32::NEG_INFINITY),
            (f32::NAN, 0.0),
            (1.0, f32::NAN),
        ] {
            assert!(Pow32::rare(x, y), "{x} ** {y}");
        }
    }
}
