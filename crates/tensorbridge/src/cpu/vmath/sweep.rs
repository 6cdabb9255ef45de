//! Every function against the float64 `libm` result rounded to float32,
//! on bit patterns spread over the whole float32 range plus the special
//! values: at most one unit in the last place apart, special values equal.
//! `TENSORBRIDGE_VMATH_STEP=1` checks every float32 input (about a quarter
//! of an hour per build in release); both builds pass it, and in the
//! separate-multiply build at most 28 results of each function differ from
//! the reference at all.

use super::*;

/// Bit patterns every `step` apart, both signs, and the special values.
fn inputs(step: u32) -> impl Iterator<Item = f32> {
    let specials = [
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MIN_POSITIVE,
        f32::MAX,
        1.0,
        -1.0,
    ];
    (0..=u32::MAX / step)
        .map(move |i| f32::from_bits(i.wrapping_mul(step)))
        .chain(specials)
}

/// Units in the last place between two floats of the same sign class.
fn ulps(a: f32, b: f32) -> u64 {
    let key = |v: f32| {
        let b = v.to_bits() as i64;
        if b < 0x8000_0000 {
            b
        } else {
            0x8000_0000 - b
        }
    };
    key(a).abs_diff(key(b))
}

fn check(name: &str, f: fn(f32) -> f32, reference: fn(f64) -> f64, step: u32) {
    let mut worst = (0, 0.0f32);
    let mut off = 0usize;
    for x in inputs(step) {
        let got = f(x);
        let want = reference(x as f64) as f32;
        if want.is_nan() || got.is_nan() {
            assert!(
                want.is_nan() && got.is_nan(),
                "{name}({x:e}) = {got:e}, expected {want:e}"
            );
            continue;
        }
        if want == 0.0 || want.is_infinite() {
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "{name}({x:e}) = {got:e}, expected {want:e}"
            );
            continue;
        }
        let d = ulps(got, want);
        off += (d != 0) as usize;
        if d > worst.0 {
            worst = (d, x);
        }
    }
    assert!(worst.0 <= 1, "{name}: {} ulps at {:e}", worst.0, worst.1);
    // Near-halfway cases are rare: a systematic bias would show here.
    let total = (u32::MAX / step) as usize;
    assert!(
        off * 1000 < total,
        "{name}: {off} of {total} results differ by one ulp"
    );
}

/// The sweep's stride through the bit patterns: every 997th by default,
/// every one with `TENSORBRIDGE_VMATH_STEP=1` (minutes in a release build).
fn step() -> u32 {
    std::env::var("TENSORBRIDGE_VMATH_STEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(997)
}

fn exponentials_and_logarithms<M: MulAdd>() {
    check("exp", super::exp::<M>, f64::exp, step());
    check("expm1", super::expm1::<M>, f64::exp_m1, step());
    check("log", super::log::<M>, f64::ln, step());
    check("log2", super::log2::<M>, f64::log2, step());
    check("log10", super::log10::<M>, f64::log10, step());
    check("log1p", super::log1p::<M>, f64::ln_1p, step());
}

fn hyperbolic_functions<M: MulAdd>() {
    check("tanh", super::tanh::<M>, f64::tanh, step());
    check("sinh", super::sinh::<M>, f64::sinh, step());
    check("cosh", super::cosh::<M>, f64::cosh, step());
    check("asinh", super::asinh::<M>, f64::asinh, step());
    check("acosh", super::acosh::<M>, f64::acosh, step());
    check("atanh", super::atanh::<M>, f64::atanh, step());
}

fn sine_and_cosine<M: MulAdd>() {
    check("sin", super::sin::<M>, f64::sin, step());
    check("cos", super::cos::<M>, f64::cos, step());
    check("tan", super::tan::<M>, f64::tan, step());
    check("tan_small", small_or_reference::<M, 2>, f64::tan, step());
    // The cheap forms below their bound (and for non-finite x).
    check("sin_small", small_or_reference::<M, 0>, f64::sin, step());
    check("cos_small", small_or_reference::<M, 1>, f64::cos, step());
}

fn inverse_trigonometric_functions<M: MulAdd>() {
    check("atan", super::atan::<M>, f64::atan, step());
    check("asin", super::asin::<M>, f64::asin, step());
    check("acos", super::acos::<M>, f64::acos, step());
    // atan2 against atan2 of float64, on a grid of both arguments' bit
    // patterns (signed zeros, subnormals, infinities and NaN included).
    let grid: Vec<f32> = inputs(step().saturating_mul(9973).max(1)).collect();
    for &y in &grid {
        check_one("atan2", y, super::atan2::<M>(y, 1.5), f64::atan2(y as f64, 1.5) as f32);
        for &x in grid.iter().step_by(7) {
            check_one("atan2", y, super::atan2::<M>(y, x), f64::atan2(y as f64, x as f64) as f32);
        }
    }
}

/// One result against its reference: NaN for NaN, zeros and infinities
/// bit for bit, within one unit in the last place elsewhere.
fn check_one(name: &str, x: f32, got: f32, want: f32) {
    if want.is_nan() || got.is_nan() {
        assert!(want.is_nan() && got.is_nan(), "{name}({x:e}) = {got:e}, expected {want:e}");
    } else if want == 0.0 || want.is_infinite() {
        assert_eq!(got.to_bits(), want.to_bits(), "{name}({x:e}) = {got:e}, expected {want:e}");
    } else {
        assert!(ulps(got, want) <= 1, "{name}({x:e}) = {got:e}, expected {want:e}");
    }
}

/// `sin_small(x)`, `cos_small(x)` or `tan_small(x)` (`F` = 0, 1, 2) where
/// it applies, the reference elsewhere.
fn small_or_reference<M: MulAdd, const F: u8>(x: f32) -> f32 {
    let reference = [f64::sin, f64::cos, f64::tan][F as usize];
    match (applies(x), F) {
        (false, _) => reference(x as f64) as f32,
        (true, 0) => sin_small::<M>(x),
        (true, 1) => cos_small::<M>(x),
        (true, _) => tan_small::<M>(x),
    }
}

/// Whether the cheap forms hold for `x`.
fn applies(x: f32) -> bool {
    let bits = x.to_bits() & 0x7fff_ffff;
    !(SMALL_ARGUMENT_BITS..0x7f80_0000).contains(&bits)
}

#[test]
fn exponentials_and_logarithms_separate() {
    exponentials_and_logarithms::<Separate>();
}

#[test]
fn exponentials_and_logarithms_fused() {
    exponentials_and_logarithms::<Fused>();
}

#[test]
fn hyperbolic_functions_separate() {
    hyperbolic_functions::<Separate>();
}

#[test]
fn hyperbolic_functions_fused() {
    hyperbolic_functions::<Fused>();
}

#[test]
fn sine_and_cosine_separate() {
    sine_and_cosine::<Separate>();
}

#[test]
fn sine_and_cosine_fused() {
    sine_and_cosine::<Fused>();
}

#[test]
fn inverse_trigonometric_functions_separate() {
    inverse_trigonometric_functions::<Separate>();
}

#[test]
fn inverse_trigonometric_functions_fused() {
    inverse_trigonometric_functions::<Fused>();
}

#[test]
fn exact_values() {
    exact_values_of::<Separate>();
    exact_values_of::<Fused>();
}

fn exact_values_of<M: MulAdd>() {
    let (exp, expm1, log, log2, log10, log1p) = (
        exp::<M>, expm1::<M>, log::<M>, log2::<M>, log10::<M>, log1p::<M>,
    );
    let (sin, cos, tanh, sinh) = (sin::<M>, cos::<M>, tanh::<M>, sinh::<M>);
    assert_eq!(log2(1024.0), 10.0);
    assert_eq!(log10(1000.0), 3.0);
    assert_eq!(exp(0.0), 1.0);
    assert_eq!(log(1.0).to_bits(), 0.0f32.to_bits());
    for (f, name) in [
        (sin as fn(f32) -> f32, "sin"),
        (tanh, "tanh"),
        (sinh, "sinh"),
        (expm1, "expm1"),
        (log1p, "log1p"),
    ] {
        assert_eq!(f(-0.0).to_bits(), (-0.0f32).to_bits(), "{name}(-0)");
        assert_eq!(f(1e-30), 1e-30, "{name}(1e-30)");
    }
    assert_eq!(cos(-0.0), 1.0);
    assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
    assert_eq!(log1p(-1.0), f32::NEG_INFINITY);
    assert!(log(-0.5).is_nan() && log1p(-2.0).is_nan() && sin(f32::INFINITY).is_nan());
    assert_eq!(log(-0.0), f32::NEG_INFINITY);
}
