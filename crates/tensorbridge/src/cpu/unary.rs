//! Loops of the unary elementwise functions, one per (function, element
//! type). The input arrives in the dtype [`crate::ops::unary::unary_plan`]
//! chose to compute in (float16/bfloat16 already widened to float32) and the
//! output in the dtype the loop writes.

use num_complex::Complex;

use super::complex_math as cm;
use super::float::{complex_sign, Real};
use super::int::Int;
use super::map::{kernels, map1, map1_fused};
use super::vmath;
use super::vmath64;
use crate::ops::unary::UnaryOp;
use crate::{DType, Result, Tensor};

/// Runs `op` on `x` (in the compute dtype) into a new tensor of
/// `out_dtype` (the loop's output dtype), in `x`'s dimension order when `x`
/// is dense.
pub fn unary(op: UnaryOp, x: &Tensor, out_dtype: DType) -> Result<Tensor> {
    super::host::only("unary", &[x]);
    // SAFETY: every loop below writes every element of `out`.
    let out = unsafe { x.uninit_like(out_dtype)? };
    run(op, &out, x);
    Ok(out)
}

fn run(op: UnaryOp, out: &Tensor, x: &Tensor) {
    match x.dtype() {
        DType::Float32 => real_f32(op, out, x),
        DType::Float64 => real_f64(op, out, x),
        DType::Complex64 => complex::<f32>(op, out, x),
        DType::Complex128 => complex::<f64>(op, out, x),
        DType::Bool => boolean(op, out, x),
        DType::Int8 => integer::<i8>(op, out, x),
        DType::Int16 => integer::<i16>(op, out, x),
        DType::Int32 => integer::<i32>(op, out, x),
        DType::Int64 => integer::<i64>(op, out, x),
        DType::UInt8 => integer::<u8>(op, out, x),
        DType::UInt16 => integer::<u16>(op, out, x),
        DType::UInt32 => integer::<u32>(op, out, x),
        DType::UInt64 => integer::<u64>(op, out, x),
        DType::Float16 | DType::BFloat16 => unreachable!("half floats are computed in float32"),
    }
}

kernels! {
    Acos32: f32 => vmath::acos;
    Acosh32: f32 => vmath::acosh;
    Asin32: f32 => vmath::asin;
    Asinh32: f32 => vmath::asinh;
    Atan32: f32 => vmath::atan;
    Atanh32: f32 => vmath::atanh;
    Cos32: f32 => vmath::cos;
    Cosh32: f32 => vmath::cosh;
    Exp32: f32 => vmath::exp;
    Expm132: f32 => vmath::expm1;
    Log32: f32 => vmath::log;
    Log1p32: f32 => vmath::log1p;
    Log232: f32 => vmath::log2;
    Log1032: f32 => vmath::log10;
    Sin32: f32 => vmath::sin;
    Sinh32: f32 => vmath::sinh;
    Tan32: f32 => vmath::tan;
    Tanh32: f32 => vmath::tanh;
    Acos64: f64 => vmath64::acos;
    Acosh64: f64 => vmath64::acosh;
    Asin64: f64 => vmath64::asin;
    Asinh64: f64 => vmath64::asinh;
    Atan64: f64 => vmath64::atan;
    Atanh64: f64 => vmath64::atanh;
    Cosh64: f64 => vmath64::cosh;
    Exp64: f64 => vmath64::exp;
    Expm164: f64 => vmath64::expm1;
    Log64: f64 => vmath64::log;
    Log1p64: f64 => vmath64::log1p;
    Log264: f64 => vmath64::log2;
    Log1064: f64 => vmath64::log10;
    Sinh64: f64 => vmath64::sinh;
    Tanh64: f64 => vmath64::tanh;
}

/// Float32 (and the half floats computed in it): the functions with a
/// vectorizable version in [`super::vmath`] use it, the rest `real`. (The
/// vector `log` and `log2` only tie with the C library's `logf` in the
/// four-lane AVX2 build, whose float64 division is slow; with AVX-512's
/// eight lanes they take 0.4 ms per 1M elements against 1.0 ms.)
fn real_f32(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use super::trig_blocks::{trig_contiguous, Trig};
    use UnaryOp::*;
    match op {
        Acos => map1_fused::<Acos32>(out, x),
        Acosh => map1_fused::<Acosh32>(out, x),
        Asin => map1_fused::<Asin32>(out, x),
        Asinh => map1_fused::<Asinh32>(out, x),
        Atan => map1_fused::<Atan32>(out, x),
        Atanh => map1_fused::<Atanh32>(out, x),
        Cos if trig_contiguous(Trig::Cos, out, x) => {}
        Cos => map1_fused::<Cos32>(out, x),
        Cosh => map1_fused::<Cosh32>(out, x),
        Exp => map1_fused::<Exp32>(out, x),
        Expm1 => map1_fused::<Expm132>(out, x),
        Log => map1_fused::<Log32>(out, x),
        Log1p => map1_fused::<Log1p32>(out, x),
        Log2 => map1_fused::<Log232>(out, x),
        Log10 => map1_fused::<Log1032>(out, x),
        Sin if trig_contiguous(Trig::Sin, out, x) => {}
        Sin => map1_fused::<Sin32>(out, x),
        Sinh => map1_fused::<Sinh32>(out, x),
        Tan if trig_contiguous(Trig::Tan, out, x) => {}
        Tan => map1_fused::<Tan32>(out, x),
        Tanh => map1_fused::<Tanh32>(out, x),
        _ => real::<f32>(op, out, x),
    }
}

/// Float64: the functions with a vectorizable version in
/// [`super::vmath64`] use it, the rest (and the sine, cosine and tangent
/// of strided tensors, whose arguments may be too large for it) `real`.
fn real_f64(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use super::trig_blocks::{trig_contiguous, Trig};
    use UnaryOp::*;
    match op {
        Acos => map1_fused::<Acos64>(out, x),
        Acosh => map1_fused::<Acosh64>(out, x),
        Asin => map1_fused::<Asin64>(out, x),
        Asinh => map1_fused::<Asinh64>(out, x),
        Atan => map1_fused::<Atan64>(out, x),
        Atanh => map1_fused::<Atanh64>(out, x),
        Cos if trig_contiguous(Trig::Cos, out, x) => {}
        Cosh => map1_fused::<Cosh64>(out, x),
        Exp => map1_fused::<Exp64>(out, x),
        Expm1 => map1_fused::<Expm164>(out, x),
        Log => map1_fused::<Log64>(out, x),
        Log1p => map1_fused::<Log1p64>(out, x),
        Log2 => map1_fused::<Log264>(out, x),
        Log10 => map1_fused::<Log1064>(out, x),
        Sin if trig_contiguous(Trig::Sin, out, x) => {}
        Sinh => map1_fused::<Sinh64>(out, x),
        Tan if trig_contiguous(Trig::Tan, out, x) => {}
        Tanh => map1_fused::<Tanh64>(out, x),
        _ => real::<f64>(op, out, x),
    }
}

fn real<T: Real>(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use UnaryOp::*;
    match op {
        Abs => map1(out, x, |v: T| v.abs()),
        Acos => map1(out, x, |v: T| v.acos()),
        Acosh => map1(out, x, |v: T| v.acosh()),
        Asin => map1(out, x, |v: T| v.asin()),
        Asinh => map1(out, x, |v: T| v.asinh()),
        Atan => map1(out, x, |v: T| v.atan()),
        Atanh => map1(out, x, super::float::atanh::<T>),
        Ceil => map1(out, x, |v: T| v.ceil()),
        Conj | Positive | Real => map1(out, x, |v: T| v),
        Cos => map1(out, x, |v: T| v.cos()),
        Cosh => map1(out, x, |v: T| v.cosh()),
        Exp => map1(out, x, |v: T| v.exp()),
        Expm1 => map1(out, x, |v: T| v.exp_m1()),
        Floor => map1(out, x, |v: T| v.floor()),
        Imag => map1(out, x, |_: T| T::zero()),
        IsFinite => map1(out, x, |v: T| v.is_finite() as u8),
        IsInf => map1(out, x, |v: T| v.is_infinite() as u8),
        IsNan => map1(out, x, |v: T| v.is_nan() as u8),
        Log => map1(out, x, |v: T| v.ln()),
        Log1p => map1(out, x, |v: T| v.ln_1p()),
        Log2 => map1(out, x, |v: T| v.log2()),
        Log10 => map1(out, x, |v: T| v.log10()),
        LogicalNot => map1(out, x, |v: T| (v == T::zero()) as u8),
        Negative => map1(out, x, |v: T| -v),
        Reciprocal => map1(out, x, |v: T| T::one() / v),
        Round => map1(out, x, |v: T| v.round_even()),
        Sign => map1(out, x, super::float::sign::<T>),
        Signbit => map1(out, x, |v: T| v.is_sign_negative() as u8),
        Sin => map1(out, x, |v: T| v.sin()),
        Sinh => map1(out, x, |v: T| v.sinh()),
        Sqrt => map1(out, x, |v: T| v.sqrt()),
        Square => map1(out, x, |v: T| v * v),
        Tan => map1(out, x, |v: T| v.tan()),
        Tanh => map1(out, x, |v: T| v.tanh()),
        Trunc => map1(out, x, |v: T| v.trunc()),
        BitwiseInvert => unreachable!("refused by unary_plan"),
    }
}

fn complex<T: Real>(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use UnaryOp::*;
    type C<T> = Complex<T>;
    let finite = |v: C<T>| v.re.is_finite() && v.im.is_finite();
    match op {
        Abs => map1(out, x, |v: C<T>| v.re.hypot(v.im)),
        Acos => map1(out, x, cm::cacos::<T>),
        Acosh => map1(out, x, cm::cacosh::<T>),
        Asin => map1(out, x, cm::casin::<T>),
        Asinh => map1(out, x, cm::casinh::<T>),
        Atan => map1(out, x, cm::catan::<T>),
        Atanh => map1(out, x, cm::catanh::<T>),
        Conj => map1(out, x, |v: C<T>| v.conj()),
        Positive => map1(out, x, |v: C<T>| v),
        Cos => map1(out, x, cm::ccos::<T>),
        Cosh => map1(out, x, cm::ccosh::<T>),
        Exp => map1(out, x, cm::cexp::<T>),
        Expm1 => map1(out, x, cm::cexpm1::<T>),
        Imag => map1(out, x, |v: C<T>| v.im),
        Real => map1(out, x, |v: C<T>| v.re),
        IsFinite => map1(out, x, move |v: C<T>| finite(v) as u8),
        IsInf => map1(out, x, |v: C<T>| (v.re.is_infinite() || v.im.is_infinite()) as u8),
        IsNan => map1(out, x, |v: C<T>| (v.re.is_nan() || v.im.is_nan()) as u8),
        Log => map1(out, x, cm::clog::<T>),
        Log1p => map1(out, x, cm::clog1p::<T>),
        Log2 => map1(out, x, |v: C<T>| cm::clog(v) / T::ln_2()),
        Log10 => map1(out, x, |v: C<T>| cm::clog(v) / T::ln_10()),
        LogicalNot => map1(out, x, |v: C<T>| (v.re == T::zero() && v.im == T::zero()) as u8),
        Negative => map1(out, x, |v: C<T>| -v),
        Reciprocal => map1(out, x, |v: C<T>| super::float::complex_divide(C::new(T::one(), T::zero()), v)),
        Round => map1(out, x, |v: C<T>| C::new(v.re.round_even(), v.im.round_even())),
        Sign => map1(out, x, complex_sign::<T>),
        Sin => map1(out, x, cm::csin::<T>),
        Sinh => map1(out, x, cm::csinh::<T>),
        Sqrt => map1(out, x, cm::csqrt::<T>),
        Square => map1(out, x, |v: C<T>| v * v),
        Tan => map1(out, x, cm::ctan::<T>),
        Tanh => map1(out, x, cm::ctanh::<T>),
        Ceil | Floor | Trunc | Signbit | BitwiseInvert => unreachable!("refused by unary_plan"),
    }
}

fn boolean(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use UnaryOp::*;
    match op {
        IsFinite => map1(out, x, |_: u8| 1u8),
        IsInf | IsNan | Signbit | Imag => map1(out, x, |_: u8| 0u8),
        LogicalNot | BitwiseInvert => map1(out, x, |v: u8| (v == 0) as u8),
        Abs | Ceil | Floor | Trunc | Round | Conj | Real | Square => map1(out, x, |v: u8| (v != 0) as u8),
        _ => unreachable!("float functions widen bool, the rest are refused by unary_plan"),
    }
}

fn integer<T: Int>(op: UnaryOp, out: &Tensor, x: &Tensor) {
    use UnaryOp::*;
    match op {
        Abs => map1(out, x, |v: T| v.abs()),
        BitwiseInvert => map1(out, x, |v: T| v.not()),
        Ceil | Floor | Trunc | Round | Conj | Positive | Real => map1(out, x, |v: T| v),
        Imag => map1(out, x, |_: T| T::ZERO),
        IsFinite => map1(out, x, |_: T| 1u8),
        IsInf | IsNan => map1(out, x, |_: T| 0u8),
        LogicalNot => map1(out, x, |v: T| (v == T::ZERO) as u8),
        Negative => map1(out, x, |v: T| v.neg()),
        Sign => map1(out, x, |v: T| v.signum()),
        Signbit => map1(out, x, |v: T| v.is_negative() as u8),
        Square => map1(out, x, |v: T| v.mul(v)),
        _ => unreachable!("float functions widen integers"),
    }
}
