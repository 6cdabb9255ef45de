//! Float remainders (`%`, NumPy's `remainder`) and floor division (`//`)
//! in vector form, bit for bit what the C library's `fmod` gives.
//!
//! `fmod(a, b)` is always exactly representable, and for a quotient below
//! 2^52 it takes three operations: `q = trunc(|a| / |b|)` is the true
//! integer quotient or one off (the division's error is at most a quarter
//! there), `|a| - q |b|` in one fused multiply-add has the right sign even
//! when `q` is off (a rounding never crosses zero or `|b|`), and with `q`
//! corrected the second multiply-add is exact. The other pairs (a zero
//! divisor, a non-finite operand, a quotient of 2^52 or more) go through
//! the C library: the loop checks each block first ([`Kernel2::rare`]) and
//! takes the exact form for a block that holds such a pair. Float32 computes the remainder in
//! float64, where every float32 quotient below 2^52 is fast.
//!
//! NumPy's `remainder` and `floor_divide` are then its formulas
//! ([`float::remainder_from_fmod`], [`float::floor_divide_finite`]) on that
//! exact remainder, in the operands' type, so the results match the C
//! library path and NumPy's bit for bit.

use super::float;
use super::map::Kernel2;
use super::vmath::MulAdd;

/// 2^52: below this quotient magnitude the fast remainder is exact.
const QUOTIENT_LIMIT: f64 = 4_503_599_627_370_496.0;

/// Whether [`fmod_fast`] is exact for `a` and `b`: both finite, `b` non-zero
/// and `|a / b|` below 2^52 (false for NaN).
#[inline(always)]
pub(crate) fn fmod_is_fast(a: f64, b: f64) -> bool {
    let (x, y) = (a.abs(), b.abs());
    x < QUOTIENT_LIMIT * y && y < f64::INFINITY
}

/// `fmod(a, b)` (the result has `a`'s sign) for operands where
/// [`fmod_is_fast`] holds; the build must fuse multiply-adds.
#[inline(always)]
pub(crate) fn fmod_fast<M: MulAdd>(a: f64, b: f64) -> f64 {
    let (x, y) = (a.abs(), b.abs());
    let q = (x / y).trunc();
    let r = M::mul_add(-q, y, x);
    let q = if r < 0.0 {
        q - 1.0
    } else if r >= y {
        q + 1.0
    } else {
        q
    };
    M::mul_add(-q, y, x).copysign(a)
}

/// Defines a [`Kernel2`] whose pairs off the fast remainder's range take
/// the scalar function `exact`, and whose builds without fused
/// multiply-adds take it throughout.
macro_rules! remainder_kernels {
    ($($name:ident: $t:ty => |$a:ident, $b:ident, $m:ident| $fast:expr, exact $exact:path;)*) => {$(
        #[doc = concat!("`", stringify!($exact), "` on `", stringify!($t), "` as a vector [`Kernel2`].")]
        pub(crate) enum $name {}

        impl Kernel2 for $name {
            type In = $t;
            type Out = $t;
            const HAS_RARE: bool = true;

            #[inline(always)]
            fn apply<M: MulAdd>($a: $t, $b: $t) -> $t {
                if !M::FUSED {
                    return $exact($a, $b);
                }
                // Exact in `$t`: the remainder of two float32s is a float32.
                let $m = fmod_fast::<M>($a as f64, $b as f64) as $t;
                $fast
            }

            #[inline(always)]
            fn rare(a: $t, b: $t) -> bool {
                !fmod_is_fast(a as f64, b as f64)
            }

            fn exact(a: $t, b: $t) -> $t {
                $exact(a, b)
            }
        }
    )*};
}

remainder_kernels! {
    Remainder32: f32 => |a, b, m| float::remainder_from_fmod(b, m), exact float::remainder::<f32>;
    Remainder64: f64 => |a, b, m| float::remainder_from_fmod(b, m), exact float::remainder::<f64>;
    FloorDivide32: f32 => |a, b, m| float::floor_divide_finite(a, b, m), exact float::floor_divide::<f32>;
    FloorDivide64: f64 => |a, b, m| float::floor_divide_finite(a, b, m), exact float::floor_divide::<f64>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::vmath::Fused;

    /// Pairs with quotients from tiny to 2^60, signs, zeros, subnormals,
    /// infinities and NaN: the fast remainder (where it claims to be fast)
    /// equals the C library's bit for bit.
    #[test]
    fn fast_remainder_is_the_c_librarys() {
        let mut specials = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            3.0,
            -7.5,
            1e-310,
            -4e-320,
            f64::MIN_POSITIVE,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            4_503_599_627_370_495.0,
            4_503_599_627_370_496.0,
            9.007_199_254_740_993e15,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mant = f64::from_bits((state >> 12) | 0x3ff0_0000_0000_0000) - 1.0;
            let exp = ((state >> 4) % 140) as i32 - 70;
            let v = (mant + 0.5) * 2f64.powi(exp);
            specials.push(if state & 1 == 0 { v } else { -v });
        }
        let mut fast = 0usize;
        for (i, &a) in specials.iter().enumerate() {
            for &b in specials[(i * 7919) % specials.len()..].iter().take(40) {
                if !fmod_is_fast(a, b) {
                    continue;
                }
                fast += 1;
                let got = fmod_fast::<Fused>(a, b);
                let want = a % b;
                assert_eq!(got.to_bits(), want.to_bits(), "fmod({a:e}, {b:e})");
            }
        }
        assert!(fast > 1_000_000, "only {fast} fast pairs");
    }

    #[test]
    fn what_is_not_fast() {
        for (a, b) in [
            (1.0, 0.0),
            (1.0, -0.0),
            (f64::INFINITY, 2.0),
            (2.0, f64::INFINITY),
            (f64::NAN, 1.0),
            (1.0, f64::NAN),
            (4_503_599_627_370_496.0, 1.0),
            (1e300, 1e-300),
            (f64::MAX, 1.0),
        ] {
            assert!(!fmod_is_fast(a, b), "{a:e} % {b:e}");
        }
        assert!(fmod_is_fast(4_503_599_627_370_495.0, 1.0));
        assert!(fmod_is_fast(0.0, 1e-320));
        assert!(fmod_is_fast(f64::MAX, f64::MAX));
    }

    /// Quotients within one unit of an integer, where the division rounds
    /// across it and the first quotient is one off.
    #[test]
    fn quotients_next_to_integers() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let b = f64::from_bits((state >> 12) | 0x3ff0_0000_0000_0000)
                * 2f64.powi((state % 64) as i32 - 32);
            let k = ((state >> 20) % (1 << 50)) as f64;
            let exact = k * b;
            for a in [
                exact,
                f64::from_bits(exact.to_bits() + 1),
                f64::from_bits(exact.to_bits() - 1),
            ] {
                if fmod_is_fast(a, b) {
                    assert_eq!(
                        fmod_fast::<Fused>(a, b).to_bits(),
                        (a % b).to_bits(),
                        "fmod({a:e}, {b:e})"
                    );
                    assert_eq!(fmod_fast::<Fused>(-a, b).to_bits(), (-a % b).to_bits());
                }
            }
        }
    }

    /// The loops (contiguous, broadcast either way, strided, in place) give
    /// the scalar functions' bits, rare pairs included.
    #[test]
    fn loops_match_the_scalar_functions() {
        use crate::cpu::binary::binary_into;
        use crate::ops::binary::BinaryOp;
        use crate::Tensor;
        let mut xs: Vec<f64> = (0..3000)
            .map(|i| ((i as f64) * 0.37 - 500.0) * 1.3)
            .collect();
        xs.extend([
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e300,
            -1e-300,
            5e-324,
        ]);
        let ys: Vec<f64> = xs
            .iter()
            .rev()
            .map(|v| v / 7.0 + 0.25)
            .chain([0.0, -0.0])
            .take(xs.len())
            .collect();
        let n = xs.len();
        for op in [BinaryOp::Remainder, BinaryOp::FloorDivide] {
            let scalar: fn(f64, f64) -> f64 = if op == BinaryOp::Remainder {
                float::remainder::<f64>
            } else {
                float::floor_divide::<f64>
            };
            let check =
                |got: Vec<f64>, a: &dyn Fn(usize) -> f64, b: &dyn Fn(usize) -> f64, what: &str| {
                    for (i, g) in got.iter().enumerate() {
                        let w = scalar(a(i), b(i));
                        assert!(
                            g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                            "{what} {op:?}({:e}, {:e}): {g:e} vs {w:e}",
                            a(i),
                            b(i)
                        );
                    }
                };
            let ta = Tensor::from_slice(&xs, &[n]).unwrap();
            let tb = Tensor::from_slice(&ys, &[n]).unwrap();
            let out =
                crate::cpu::binary::binary(op, &ta, &tb, &[n], crate::DType::Float64).unwrap();
            check(out.to_vec().unwrap(), &|i| xs[i], &|i| ys[i], "contiguous");
            let s = Tensor::from_slice(&[3.7f64], &[1]).unwrap();
            let out = crate::cpu::binary::binary(op, &ta, &s, &[n], crate::DType::Float64).unwrap();
            check(out.to_vec().unwrap(), &|i| xs[i], &|_| 3.7, "broadcast b");
            let out = crate::cpu::binary::binary(op, &s, &tb, &[n], crate::DType::Float64).unwrap();
            check(out.to_vec().unwrap(), &|_| 3.7, &|i| ys[i], "broadcast a");
            let t2 = Tensor::from_slice(&xs[..n / 2 * 2], &[n / 2, 2])
                .unwrap()
                .t();
            let u2 = Tensor::from_slice(&ys[..n / 2 * 2], &[2, n / 2]).unwrap();
            let out = crate::cpu::binary::binary(op, &t2, &u2, &[2, n / 2], crate::DType::Float64)
                .unwrap();
            check(
                out.to_vec().unwrap(),
                &|i| xs[(i % (n / 2)) * 2 + i / (n / 2)],
                &|i| ys[i],
                "strided",
            );
            let inplace = Tensor::from_slice(&xs, &[n]).unwrap();
            binary_into(op, &inplace, &tb).unwrap();
            check(
                inplace.to_vec().unwrap(),
                &|i| xs[i],
                &|i| ys[i],
                "in place",
            );
        }
    }

    /// Float32 pairs through float64: every result is the float32 `fmodf`.
    #[test]
    fn float32_remainders_through_float64() {
        let vals: Vec<f32> = (0..4000)
            .map(|i| {
                let v = f32::from_bits(
                    0x0080_0000u32.wrapping_add((i as u32).wrapping_mul(0x0013_5799)),
                );
                if i % 2 == 0 {
                    v
                } else {
                    -v
                }
            })
            .filter(|v| v.is_finite())
            .collect();
        for &a in &vals {
            for &b in vals.iter().step_by(97) {
                if fmod_is_fast(a as f64, b as f64) {
                    let got = fmod_fast::<Fused>(a as f64, b as f64) as f32;
                    assert_eq!(got.to_bits(), (a % b).to_bits(), "fmodf({a:e}, {b:e})");
                }
            }
        }
    }
}
