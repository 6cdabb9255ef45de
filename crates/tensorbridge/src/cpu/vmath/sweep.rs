//! Every function against the float64 `libm` result rounded to float32,
//! on bit patterns spread over the whole float32 range plus the special
//! values: at most one unit in the last place apart, special values equal.
//! (Run with the step set to 1 once, every float32 input: at most 28
//! results of each function differ from that reference, by one unit.)

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

const STEP: u32 = 997;

fn exponentials_and_logarithms<M: MulAdd>() {
    check("exp", super::exp::<M>, f64::exp, STEP);
    check("expm1", super::expm1::<M>, f64::exp_m1, STEP);
    check("log", super::log::<M>, f64::ln, STEP);
    check("log2", super::log2::<M>, f64::log2, STEP);
    check("log10", super::log10::<M>, f64::log10, STEP);
    check("log1p", super::log1p::<M>, f64::ln_1p, STEP);
}

fn hyperbolic_functions<M: MulAdd>() {
    check("tanh", super::tanh::<M>, f64::tanh, STEP);
    check("sinh", super::sinh::<M>, f64::sinh, STEP);
    check("cosh", super::cosh::<M>, f64::cosh, STEP);
}

fn sine_and_cosine<M: MulAdd>() {
    check("sin", super::sin::<M>, f64::sin, STEP);
    check("cos", super::cos::<M>, f64::cos, STEP);
}

#[test]
fn every_function_in_both_builds() {
    exponentials_and_logarithms::<Separate>();
    exponentials_and_logarithms::<Fused>();
    hyperbolic_functions::<Separate>();
    hyperbolic_functions::<Fused>();
    sine_and_cosine::<Separate>();
    sine_and_cosine::<Fused>();
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
