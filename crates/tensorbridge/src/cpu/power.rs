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
//! Float32 and float64 `x ** y` for any other operands are [`Pow32`] and
//! [`Pow64`], vector kernels.

use super::float::Real;
use super::map::{map1, Kernel2};
use super::vmath::{self, MulAdd};
use super::vmath64;
use crate::Tensor;

/// Float32 `x ** y` computed in float64 as 2^(y log2|x|) with table-driven
/// `log2` and `exp2` ([`vmath::pow_magnitude`]): the float64 power is within
/// about 2^-44 of the true one and rounds to the float32 nearest it except
/// where the true value lies that close to a rounding boundary (exact
/// powers such as 3 ** 2 come out exact). A negative base takes an
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
        let p = vmath::pow_magnitude::<M>(x, y);
        vmath64::with_sign_of_base(p, x as f64, y as f64) as f32
    }

    #[inline(always)]
    fn rare(x: f32, y: f32) -> bool {
        !(x != 0.0 && x.abs() < f32::INFINITY && y.abs() < f32::INFINITY)
    }

    fn exact(x: f32, y: f32) -> f32 {
        x.powf(y)
    }
}

/// Float64 `x ** y` in vector form ([`vmath64::pow`], fdlibm's algorithm:
/// within one unit in the last place of the C library's correctly rounded
/// `pow`, and exact where the power is a representable integer power of an
/// integer). The pairs it leaves to the C library are the rare ones: zero,
/// subnormal and non-finite bases, and infinite, NaN or huge (|y| >= 2^31)
/// exponents, where the special cases live.
pub(crate) enum Pow64 {}

impl Kernel2 for Pow64 {
    type In = f64;
    type Out = f64;
    const HAS_RARE: bool = true;

    #[inline(always)]
    fn apply<M: MulAdd>(x: f64, y: f64) -> f64 {
        vmath64::pow::<M>(x, y)
    }

    #[inline(always)]
    fn rare(x: f64, y: f64) -> bool {
        !vmath64::pow_covers(x, y)
    }

    fn exact(x: f64, y: f64) -> f64 {
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
    use crate::cpu::vmath::{Fused, Separate};

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

    /// Units in the last place between two float64s of the same sign.
    fn ulps64(a: f64, b: f64) -> u64 {
        (a.to_bits() as i128 - b.to_bits() as i128).unsigned_abs() as u64
    }

    /// `x ** y` as the loop computes it, with and without fused
    /// multiply-adds: the rare pairs by the C library.
    fn pow64_with<M: MulAdd>(x: f64, y: f64) -> f64 {
        if Pow64::rare(x, y) {
            Pow64::exact(x, y)
        } else {
            Pow64::apply::<M>(x, y)
        }
    }

    fn pow64(x: f64, y: f64) -> f64 {
        pow64_with::<Fused>(x, y)
    }

    /// Against the C library's `pow` (correctly rounded in glibc): within
    /// one unit on random bases of every magnitude with exponents that
    /// keep the power finite, small integer exponents, bases near 1 with
    /// large exponents, and results at the edges of overflow and of the
    /// subnormals; infinities, zeros and NaN exactly, integer powers of
    /// integers exact.
    #[test]
    fn pow64_is_within_one_unit_of_the_c_library() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut worst = (0u64, 0.0f64, 0.0f64);
        let mut check = |x: f64, y: f64| {
            let want = x.powf(y);
            for got in [pow64_with::<Fused>(x, y), pow64_with::<Separate>(x, y)] {
                if want.is_nan() || want == 0.0 || want.is_infinite() || got.is_nan() {
                    assert!(
                        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                        "{x:e} ** {y:e}: {got:e}, want {want:e}"
                    );
                } else {
                    assert_eq!(got.is_sign_negative(), want.is_sign_negative(), "{x:e} ** {y:e}");
                    let d = ulps64(got, want);
                    if d > worst.0 {
                        worst = (d, x, y);
                    }
                }
            }
        };
        for i in 0..300_000u32 {
            let r = next();
            let x = f64::from_bits(r & 0x7fef_ffff_ffff_ffff) * if i % 7 == 0 { -1.0 } else { 1.0 };
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            let y = match i % 4 {
                // Exponents that spread log2 of the power over the whole
                // range, past both ends.
                0 | 1 => (u * 2200.0 - 1100.0) / x.abs().log2(),
                2 => ((next() % 81) as f64) - 40.0,
                _ => (u - 0.5) * 16.0,
            };
            if y.is_finite() {
                check(x, y);
            }
            // Bases within 2^-20 or so of 1, large exponents.
            let near_one = 1.0 + (u - 0.5) * 2e-6;
            check(near_one, (next() % 2_000_000_000) as f64 * 0.5 - 5e8);
        }
        // The edges of overflow and of the subnormals.
        for k in -64i64..64 {
            let d = k as f64 * 1e-13;
            check(2.0, 1024.0 + d);
            check(2.0, -1074.0 + d);
            check(2.0, -1022.0 + d);
            check(10.0, 308.254_715_559_916_7 + d);
            check(0.5, -1024.0 + d);
            check(f64::MAX, 1.0 + d);
            check(3.0, -678.0 + d * 100.0);
        }
        assert!(worst.0 <= 1, "{} ulps at {:e} ** {:e}", worst.0, worst.1, worst.2);
        // Integer powers of integers that float64 holds are exact.
        for b in 2..40i64 {
            let mut p = 1i128;
            for e in 0..60 {
                if p.unsigned_abs() >= 1 << 53 {
                    break;
                }
                assert_eq!(pow64(b as f64, e as f64), p as f64, "{b} ** {e}");
                let sign = if e % 2 == 1 { -1.0 } else { 1.0 };
                assert_eq!(pow64(-b as f64, e as f64), sign * p as f64, "-{b} ** {e}");
                p *= b as i128;
            }
        }
        assert!(pow64(-8.0, 1.0 / 3.0).is_nan());
        assert_eq!(pow64(4.0, 0.5), 2.0);
        assert_eq!(pow64(2.0, -1074.0), 5e-324);
        assert_eq!(pow64(-2.0, -1075.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(pow64(2.0, 1024.0), f64::INFINITY);
        assert_eq!(pow64(-2.0, 1025.0), f64::NEG_INFINITY);
        for (x, y) in [
            (0.0f64, 1.0f64),
            (-0.0, -3.0),
            (5e-324, 0.5),
            (f64::INFINITY, 2.0),
            (2.0, f64::NEG_INFINITY),
            (f64::NAN, 0.0),
            (1.0, f64::NAN),
            (1.0000001, 3e9),
        ] {
            assert!(Pow64::rare(x, y), "{x} ** {y}");
        }
    }

}
