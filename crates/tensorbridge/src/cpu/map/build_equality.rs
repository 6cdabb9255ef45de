//! The AVX-512 build of every vector kernel against the AVX2 build: the
//! same bits for every input (eight lanes instead of four must not change
//! a result), on inputs spread over each type's whole range.

use super::*;
use crate::cpu::binary::{Atan232, Atan264, Hypot64, LogAddExp32, LogAddExp64};
use crate::cpu::fmod::{FloorDivide32, FloorDivide64, Remainder32, Remainder64};
use crate::cpu::unary::*;
use crate::cpu::vmath64::sweep::bit_patterns;

/// Uniform in [-range, range).
fn uniform(b: u64, range: f64) -> f64 {
    ((b >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * range
}

fn f32_inputs() -> Vec<f32> {
    let mut xs: Vec<f32> = bit_patterns(1 << 16).map(|b| f32::from_bits(b as u32)).collect();
    // Magnitudes where the functions do their work, both signs.
    xs.extend(bit_patterns(1 << 16).map(|b| uniform(b, 100.0) as f32));
    xs.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, f32::MIN_POSITIVE, 1e-45, 1.0, -1.0]);
    xs
}

fn f64_inputs() -> Vec<f64> {
    let mut xs: Vec<f64> = bit_patterns(1 << 16).map(f64::from_bits).collect();
    xs.extend(bit_patterns(1 << 16).map(|b| uniform(b, 700.0)));
    xs.extend(bit_patterns(1 << 14).map(|b| uniform(b, 1.0)));
    xs.extend([0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE, 5e-324, 1.0, -1.0]);
    xs
}

/// The same bits, or both NaN (a NaN's payload may come from the
/// input in one build and be the default one in the other).
fn same_value(a: f64, b: f64, what: impl Fn() -> String) {
    if a.is_nan() || b.is_nan() {
        assert!(a.is_nan() && b.is_nan(), "{}: AVX2 {a:e}, AVX-512 {b:e}", what());
    } else {
        assert_eq!(a.to_bits(), b.to_bits(), "{}: AVX2 {a:e}, AVX-512 {b:e}", what());
    }
}

/// `K` over `xs` in the AVX2 and the AVX-512 build of the loop: the
/// same values, bit for bit.
fn same_bits<K: Kernel1<In = T, Out = T>, T: Copy + Default + Into<f64>>(name: &str, xs: &[T]) {
    let (mut narrow, mut wide) = (vec![T::default(); xs.len()], vec![T::default(); xs.len()]);
    let f = Build::<K, Fused>::new();
    // SAFETY: contiguous slices of `xs.len()` elements each, and the
    // caller checked the CPU's features.
    unsafe {
        run1_avx2(narrow.as_mut_ptr(), xs.as_ptr(), xs.len(), [1, 1], &f);
        run1_avx512(wide.as_mut_ptr(), xs.as_ptr(), xs.len(), [1, 1], &f);
    }
    for ((&x, &a), &b) in xs.iter().zip(&narrow).zip(&wide) {
        let (x, a, b): (f64, f64, f64) = (x.into(), a.into(), b.into());
        same_value(a, b, || format!("{name}({x:e})"));
    }
}

/// [`same_bits`] for a binary kernel, on every pairing of `xs` with
/// `xs` reversed.
fn same_bits2<K: Kernel2<In = T, Out = T>, T: Copy + Default + Into<f64>>(name: &str, xs: &[T]) {
    let ys: Vec<T> = xs.iter().rev().copied().collect();
    let (mut narrow, mut wide) = (vec![T::default(); xs.len()], vec![T::default(); xs.len()]);
    let f = Build::<K, Fused>::new();
    // SAFETY: as in `same_bits`.
    unsafe {
        run2_avx2(narrow.as_mut_ptr(), xs.as_ptr(), ys.as_ptr(), xs.len(), [1, 1, 1], &f);
        run2_avx512(wide.as_mut_ptr(), xs.as_ptr(), ys.as_ptr(), xs.len(), [1, 1, 1], &f);
    }
    for (&a, &b) in narrow.iter().zip(&wide) {
        let (a, b): (f64, f64) = (a.into(), b.into());
        same_value(a, b, || name.to_string());
    }
}

/// Meaningful in an optimized build (`cargo test --release`), where
/// both loops are vectorized; the Python tests check the values of
/// whichever build the machine runs against NumPy and mpmath.
#[test]
fn the_avx512_build_gives_the_avx2_builds_bits() {
    if vector_tier() != VectorTier::Avx512 {
        eprintln!("skipped: this CPU has no AVX-512");
        return;
    }
    let xs = f32_inputs();
    same_bits::<Acos32, _>("acos", &xs);
    same_bits::<Acosh32, _>("acosh", &xs);
    same_bits::<Asin32, _>("asin", &xs);
    same_bits::<Asinh32, _>("asinh", &xs);
    same_bits::<Atan32, _>("atan", &xs);
    same_bits::<Atanh32, _>("atanh", &xs);
    same_bits::<Cos32, _>("cos", &xs);
    same_bits::<Cosh32, _>("cosh", &xs);
    same_bits::<Exp32, _>("exp", &xs);
    same_bits::<Expm132, _>("expm1", &xs);
    same_bits::<Log32, _>("log", &xs);
    same_bits::<Log1p32, _>("log1p", &xs);
    same_bits::<Log232, _>("log2", &xs);
    same_bits::<Log1032, _>("log10", &xs);
    same_bits::<Sin32, _>("sin", &xs);
    same_bits::<Sinh32, _>("sinh", &xs);
    same_bits::<Tan32, _>("tan", &xs);
    same_bits::<Tanh32, _>("tanh", &xs);
    same_bits2::<LogAddExp32, _>("logaddexp", &xs);
    same_bits2::<Atan232, _>("atan2", &xs);
    same_bits2::<Remainder32, _>("remainder", &xs);
    same_bits2::<FloorDivide32, _>("floor_divide", &xs);
    same_bits2::<crate::cpu::power::Pow32, _>("pow", &xs);
    let xs = f64_inputs();
    same_bits::<Acos64, _>("acos", &xs);
    same_bits::<Asin64, _>("asin", &xs);
    same_bits::<Atan64, _>("atan", &xs);
    same_bits::<Acosh64, _>("acosh", &xs);
    same_bits::<Asinh64, _>("asinh", &xs);
    same_bits::<Atanh64, _>("atanh", &xs);
    same_bits::<Cosh64, _>("cosh", &xs);
    same_bits::<Exp64, _>("exp", &xs);
    same_bits::<Expm164, _>("expm1", &xs);
    same_bits::<Log64, _>("log", &xs);
    same_bits::<Log1p64, _>("log1p", &xs);
    same_bits::<Log264, _>("log2", &xs);
    same_bits::<Log1064, _>("log10", &xs);
    same_bits::<Sinh64, _>("sinh", &xs);
    same_bits::<Tanh64, _>("tanh", &xs);
    same_bits2::<LogAddExp64, _>("logaddexp", &xs);
    same_bits2::<Atan264, _>("atan2", &xs);
    same_bits2::<Hypot64, _>("hypot", &xs);
    same_bits2::<Remainder64, _>("remainder", &xs);
    same_bits2::<FloorDivide64, _>("floor_divide", &xs);
    same_bits2::<crate::cpu::power::Pow64, _>("pow", &xs);
}
