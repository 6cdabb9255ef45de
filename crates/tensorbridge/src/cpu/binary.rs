//! Loops of the binary elementwise functions, one per (function, element
//! type). Both inputs arrive in the dtype [`crate::ops::binary::binary_plan`]
//! chose to compute in; the output is allocated here in the layout of an
//! input that already has the broadcast shape (so `a.T + b.T` stays
//! transposed, like NumPy), else C-contiguous.

use num_complex::Complex;

use super::complex_math as cm;
use super::float::{complex_divide, next_after_16, Real};
use super::fmod::{FloorDivide32, FloorDivide64, Remainder32, Remainder64};
use super::int::Int;
use super::map::{kernels, map2, map2_fused};
use super::{vmath, vmath64};
use super::power::{pow_simple_exponent, Pow32, Pow64};
use crate::ops::binary::BinaryOp;
use crate::{DType, Error, Result, Tensor};

/// Runs `op` on `a` and `b` (both in the compute dtype) broadcast to
/// `shape`, into a new tensor of `out_dtype`.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor, shape: &[usize], out_dtype: DType) -> Result<Tensor> {
    super::host::only("binary", &[a, b]);
    let like = [a, b].into_iter().find(|t| t.shape() == shape && t.dense_order().is_some());
    // SAFETY: every loop below writes every element of `out`.
    let out = unsafe {
        match like {
            Some(t) => t.uninit_like(out_dtype)?,
            None => Tensor::uninit(shape, out_dtype)?,
        }
    };
    if op == BinaryOp::Pow && a.shape() == shape && b.numel() == 1 && simple_power(&out, a, b)? {
        return Ok(out);
    }
    let a = a.broadcast_to(shape)?;
    let b = b.broadcast_to(shape)?;
    run(op, &out, &a, &b)?;
    Ok(out)
}

/// `a ** b` for a one-element `b` that [`pow_simple_exponent`] computes
/// directly; false for other exponents and dtypes.
fn simple_power(out: &Tensor, a: &Tensor, b: &Tensor) -> Result<bool> {
    Ok(match a.dtype() {
        DType::Float32 => pow_simple_exponent(out, a, b.reshape(&[])?.to_vec::<f32>()?[0]),
        DType::Float64 => pow_simple_exponent(out, a, b.reshape(&[])?.to_vec::<f64>()?[0]),
        _ => false,
    })
}

/// Runs `op` on `a` and `b` into `a` itself (`a op= b`): `a` is in the
/// compute dtype, which is also the loop's output dtype, and writable
/// without internal overlap; `b` broadcasts to `a`'s shape and either
/// shares no memory with `a` or is `a` itself (same layout), so every
/// element is read before it is written.
pub fn binary_into(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<()> {
    super::host::only("binary_into", &[a, b]);
    let b = b.broadcast_to(a.shape())?;
    run(op, a, a, &b)
}

fn run(op: BinaryOp, out: &Tensor, a: &Tensor, b: &Tensor) -> Result<()> {
    match a.dtype() {
        DType::Float32 if op == BinaryOp::Atan2 => map2_fused::<Atan232>(out, a, b),
        DType::Float32 if op == BinaryOp::Hypot => map2(out, a, b, hypot_f32),
        DType::Float32 if op == BinaryOp::Logaddexp => map2_fused::<LogAddExp32>(out, a, b),
        DType::Float64 if op == BinaryOp::Logaddexp => map2_fused::<LogAddExp64>(out, a, b),
        DType::Float64 if op == BinaryOp::Atan2 => map2_fused::<Atan264>(out, a, b),
        DType::Float64 if op == BinaryOp::Hypot => map2_fused::<Hypot64>(out, a, b),
        DType::Float32 if op == BinaryOp::Pow => map2_fused::<Pow32>(out, a, b),
        DType::Float64 if op == BinaryOp::Pow => map2_fused::<Pow64>(out, a, b),
        DType::Float32 if op == BinaryOp::Remainder => map2_fused::<Remainder32>(out, a, b),
        DType::Float64 if op == BinaryOp::Remainder => map2_fused::<Remainder64>(out, a, b),
        DType::Float32 if op == BinaryOp::FloorDivide => map2_fused::<FloorDivide32>(out, a, b),
        DType::Float64 if op == BinaryOp::FloorDivide => map2_fused::<FloorDivide64>(out, a, b),
        DType::Float32 => real::<f32>(op, out, a, b),
        DType::Float64 => real::<f64>(op, out, a, b),
        DType::Complex64 => complex::<f32>(op, out, a, b),
        DType::Complex128 => complex::<f64>(op, out, a, b),
        DType::Float16 => map2(out, a, b, |x: u16, y: u16| next_after_16(x, y, false)),
        DType::BFloat16 => map2(out, a, b, |x: u16, y: u16| next_after_16(x, y, true)),
        DType::Bool => boolean(op, out, a, b),
        DType::Int8 => return integer::<i8>(op, out, a, b),
        DType::Int16 => return integer::<i16>(op, out, a, b),
        DType::Int32 => return integer::<i32>(op, out, a, b),
        DType::Int64 => return integer::<i64>(op, out, a, b),
        DType::UInt8 => return integer::<u8>(op, out, a, b),
        DType::UInt16 => return integer::<u16>(op, out, a, b),
        DType::UInt32 => return integer::<u32>(op, out, a, b),
        DType::UInt64 => return integer::<u64>(op, out, a, b),
    }
    Ok(())
}

kernels! {
    LogAddExp32: f32, f32 => vmath::logaddexp;
    LogAddExp64: f64, f64 => vmath64::logaddexp;
    Atan232: f32, f32 => vmath::atan2;
    Atan264: f64, f64 => vmath64::atan2;
    Hypot64: f64, f64 => vmath64::hypot;
}

/// The larger of `x` and `y`; NaN when either is NaN (for floats).
#[inline(always)]
pub(crate) fn maximum<T: PartialOrd + Copy>(x: T, y: T) -> T {
    // `x != x` only for NaN; a NaN `y` fails `x >= y` and is taken.
    #[allow(clippy::eq_op)]
    if x >= y || x != x {
        x
    } else {
        y
    }
}

/// The smaller of `x` and `y`; NaN when either is NaN (for floats).
#[inline(always)]
pub(crate) fn minimum<T: PartialOrd + Copy>(x: T, y: T) -> T {
    #[allow(clippy::eq_op)]
    if x <= y || x != x {
        x
    } else {
        y
    }
}

/// `sqrt(x^2 + y^2)` of float32 in float64, where the squares are exact
/// and cannot overflow: one rounding before the square root, so no
/// scaling is needed (the C library's `hypotf` is a call per element).
/// An infinity wins over NaN, as the standard says.
#[inline(always)]
fn hypot_f32(x: f32, y: f32) -> f32 {
    let (dx, dy) = (x as f64, y as f64);
    let r = (dx * dx + dy * dy).sqrt() as f32;
    if x.is_infinite() || y.is_infinite() {
        f32::INFINITY
    } else {
        r
    }
}

fn real<T: Real>(op: BinaryOp, out: &Tensor, a: &Tensor, b: &Tensor) {
    use BinaryOp::*;
    let z = T::zero();
    match op {
        Add => map2(out, a, b, |x: T, y: T| x + y),
        Subtract => map2(out, a, b, |x: T, y: T| x - y),
        Multiply => map2(out, a, b, |x: T, y: T| x * y),
        Divide => map2(out, a, b, |x: T, y: T| x / y),
        Atan2 | Hypot | Logaddexp | FloorDivide | Remainder | Pow => unreachable!("float32 and float64 take the vector loops in `run`"),
        Copysign => map2(out, a, b, |x: T, y: T| x.copysign(y)),
        Nextafter => map2(out, a, b, |x: T, y: T| x.next_after(y)),
        Maximum => map2(out, a, b, maximum::<T>),
        Minimum => map2(out, a, b, minimum::<T>),
        Equal => map2(out, a, b, |x: T, y: T| (x == y) as u8),
        NotEqual => map2(out, a, b, |x: T, y: T| (x != y) as u8),
        Less => map2(out, a, b, |x: T, y: T| (x < y) as u8),
        LessEqual => map2(out, a, b, |x: T, y: T| (x <= y) as u8),
        Greater => map2(out, a, b, |x: T, y: T| (x > y) as u8),
        GreaterEqual => map2(out, a, b, |x: T, y: T| (x >= y) as u8),
        LogicalAnd => map2(out, a, b, move |x: T, y: T| (x != z && y != z) as u8),
        LogicalOr => map2(out, a, b, move |x: T, y: T| (x != z || y != z) as u8),
        LogicalXor => map2(out, a, b, move |x: T, y: T| ((x != z) != (y != z)) as u8),
        BitwiseAnd | BitwiseOr | BitwiseXor | BitwiseLeftShift | BitwiseRightShift => {
            unreachable!("refused by binary_plan")
        }
    }
}

/// NumPy's lexicographic order of complex numbers (real part first; a
/// NaN imaginary part makes a real-part decision false), as its `CLT`,
/// `CLE` macros define it.
fn complex_less<T: Real>(x: Complex<T>, y: Complex<T>) -> bool {
    (x.re < y.re && !x.im.is_nan() && !y.im.is_nan()) || (x.re == y.re && x.im < y.im)
}

fn complex_less_equal<T: Real>(x: Complex<T>, y: Complex<T>) -> bool {
    (x.re < y.re && !x.im.is_nan() && !y.im.is_nan()) || (x.re == y.re && x.im <= y.im)
}

fn is_nan<T: Real>(x: Complex<T>) -> bool {
    x.re.is_nan() || x.im.is_nan()
}

/// `x ** y` for complex numbers: exact repeated multiplication for small
/// integer exponents (NumPy's choice), `exp(y ln x)` otherwise, and the
/// standard's answers for zero bases and exponents.
fn complex_pow<T: Real>(x: Complex<T>, y: Complex<T>) -> Complex<T> {
    let (zero, one) = (T::zero(), T::one());
    if y.re == zero && y.im == zero {
        return Complex::new(one, zero);
    }
    if x.re == zero && x.im == zero {
        return if y.re > zero {
            Complex::new(zero, zero)
        } else {
            Complex::new(T::nan(), T::nan())
        };
    }
    if y.im == zero && y.re == y.re.round() && y.re.abs() <= T::from(100).unwrap_or(one) {
        let mut n = y.re.abs().to_u32().unwrap_or(0);
        let (mut base, mut acc) = (x, Complex::new(one, zero));
        while n > 0 {
            if n & 1 == 1 {
                acc = acc * base;
            }
            base = base * base;
            n >>= 1;
        }
        return if y.re < zero {
            complex_divide(Complex::new(one, zero), acc)
        } else {
            acc
        };
    }
    // exp(y log x), in complex128 for complex64 (rounded once at the end):
    // log x's error is multiplied by |y|, and complex64's own would leave
    // few correct bits.
    cm::narrow(cm::cexp(cm::widen(y) * cm::clog(cm::widen(x))))
}

fn complex<T: Real>(op: BinaryOp, out: &Tensor, a: &Tensor, b: &Tensor) {
    use BinaryOp::*;
    type C<T> = Complex<T>;
    let nz = |x: C<T>| x.re != T::zero() || x.im != T::zero();
    match op {
        Add => map2(out, a, b, |x: C<T>, y: C<T>| x + y),
        Subtract => map2(out, a, b, |x: C<T>, y: C<T>| x - y),
        Multiply => map2(out, a, b, |x: C<T>, y: C<T>| x * y),
        Divide => map2(out, a, b, complex_divide::<T>),
        Pow => map2(out, a, b, complex_pow::<T>),
        Equal => map2(out, a, b, |x: C<T>, y: C<T>| (x == y) as u8),
        NotEqual => map2(out, a, b, |x: C<T>, y: C<T>| (x != y) as u8),
        Less => map2(out, a, b, |x: C<T>, y: C<T>| complex_less(x, y) as u8),
        LessEqual => map2(out, a, b, |x: C<T>, y: C<T>| complex_less_equal(x, y) as u8),
        Greater => map2(out, a, b, |x: C<T>, y: C<T>| complex_less(y, x) as u8),
        GreaterEqual => map2(out, a, b, |x: C<T>, y: C<T>| complex_less_equal(y, x) as u8),
        Maximum => map2(out, a, b, |x: C<T>, y: C<T>| {
            if complex_less_equal(y, x) || is_nan(x) {
                x
            } else {
                y
            }
        }),
        Minimum => map2(out, a, b, |x: C<T>, y: C<T>| {
            if complex_less_equal(x, y) || is_nan(x) {
                x
            } else {
                y
            }
        }),
        LogicalAnd => map2(out, a, b, move |x: C<T>, y: C<T>| (nz(x) && nz(y)) as u8),
        LogicalOr => map2(out, a, b, move |x: C<T>, y: C<T>| (nz(x) || nz(y)) as u8),
        LogicalXor => map2(out, a, b, move |x: C<T>, y: C<T>| (nz(x) != nz(y)) as u8),
        _ => unreachable!("refused by binary_plan"),
    }
}

/// A comparison of a signed integer with a uint64, exactly (their common
/// dtype, float64, rounds both above 2^53: NumPy compares them exactly and
/// so does this). Both operands arrive as uint64 bits broadcast to
/// `shape`: `a` holds int64 values when `a_signed`, else `b` does.
pub fn compare_mixed_sign(op: BinaryOp, a: &Tensor, b: &Tensor, a_signed: bool, shape: &[usize]) -> Result<Tensor> {
    use std::cmp::Ordering;
    super::host::only("compare_mixed_sign", &[a, b]);
    // SAFETY: `map2` below writes every element of `out`.
    let out = unsafe { Tensor::uninit(shape, DType::Bool)? };
    let (a, b) = (a.broadcast_to(shape)?, b.broadcast_to(shape)?);
    // The order of a signed value and an unsigned one.
    let order = |s: u64, u: u64| if (s as i64) < 0 { Ordering::Less } else { s.cmp(&u) };
    let test: fn(Ordering) -> bool = match op {
        BinaryOp::Equal => Ordering::is_eq,
        BinaryOp::NotEqual => Ordering::is_ne,
        BinaryOp::Less => Ordering::is_lt,
        BinaryOp::LessEqual => Ordering::is_le,
        BinaryOp::Greater => Ordering::is_gt,
        BinaryOp::GreaterEqual => Ordering::is_ge,
        _ => unreachable!("only comparisons mix signs"),
    };
    if a_signed {
        map2(&out, &a, &b, move |x: u64, y: u64| test(order(x, y)) as u8);
    } else {
        map2(&out, &a, &b, move |x: u64, y: u64| test(order(y, x).reverse()) as u8);
    }
    Ok(out)
}

fn boolean(op: BinaryOp, out: &Tensor, a: &Tensor, b: &Tensor) {
    use BinaryOp::*;
    let t = |x: u8| x != 0;
    match op {
        Add | Maximum | LogicalOr | BitwiseOr => map2(out, a, b, move |x: u8, y: u8| (t(x) || t(y)) as u8),
        Multiply | Minimum | LogicalAnd | BitwiseAnd => map2(out, a, b, move |x: u8, y: u8| (t(x) && t(y)) as u8),
        LogicalXor | BitwiseXor | NotEqual => map2(out, a, b, move |x: u8, y: u8| (t(x) != t(y)) as u8),
        Equal => map2(out, a, b, move |x: u8, y: u8| (t(x) == t(y)) as u8),
        Less => map2(out, a, b, move |x: u8, y: u8| (!t(x) && t(y)) as u8),
        LessEqual => map2(out, a, b, move |x: u8, y: u8| (!t(x) || t(y)) as u8),
        Greater => map2(out, a, b, move |x: u8, y: u8| (t(x) && !t(y)) as u8),
        GreaterEqual => map2(out, a, b, move |x: u8, y: u8| (t(x) || !t(y)) as u8),
        _ => unreachable!("other functions compute bools as int8 or refuse them"),
    }
}

fn integer<T: Int>(op: BinaryOp, out: &Tensor, a: &Tensor, b: &Tensor) -> Result<()> {
    use BinaryOp::*;
    match op {
        Add => map2(out, a, b, |x: T, y: T| x.add(y)),
        Subtract => map2(out, a, b, |x: T, y: T| x.sub(y)),
        Multiply => map2(out, a, b, |x: T, y: T| x.mul(y)),
        FloorDivide => map2(out, a, b, |x: T, y: T| x.floor_div(y)),
        Remainder => map2(out, a, b, |x: T, y: T| x.floor_rem(y)),
        Pow => {
            let negative = std::sync::atomic::AtomicBool::new(false);
            map2(out, a, b, |x: T, y: T| {
                if y.is_negative() {
                    negative.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                x.pow(y)
            });
            if negative.into_inner() {
                return Err(Error::InvalidArgument {
                    op: "pow",
                    reason: "integers to negative integer powers are not allowed; convert the base to a float first",
                });
            }
        }
        BitwiseAnd => map2(out, a, b, |x: T, y: T| x.and(y)),
        BitwiseOr => map2(out, a, b, |x: T, y: T| x.or(y)),
        BitwiseXor => map2(out, a, b, |x: T, y: T| x.xor(y)),
        BitwiseLeftShift => map2(out, a, b, |x: T, y: T| x.shl(y)),
        BitwiseRightShift => map2(out, a, b, |x: T, y: T| x.shr(y)),
        Maximum => map2(out, a, b, maximum::<T>),
        Minimum => map2(out, a, b, minimum::<T>),
        Equal => map2(out, a, b, |x: T, y: T| (x == y) as u8),
        NotEqual => map2(out, a, b, |x: T, y: T| (x != y) as u8),
        Less => map2(out, a, b, |x: T, y: T| (x < y) as u8),
        LessEqual => map2(out, a, b, |x: T, y: T| (x <= y) as u8),
        Greater => map2(out, a, b, |x: T, y: T| (x > y) as u8),
        GreaterEqual => map2(out, a, b, |x: T, y: T| (x >= y) as u8),
        LogicalAnd => map2(out, a, b, |x: T, y: T| (x != T::ZERO && y != T::ZERO) as u8),
        LogicalOr => map2(out, a, b, |x: T, y: T| (x != T::ZERO || y != T::ZERO) as u8),
        LogicalXor => map2(out, a, b, |x: T, y: T| ((x != T::ZERO) != (y != T::ZERO)) as u8),
        Divide | Atan2 | Copysign | Hypot | Logaddexp | Nextafter => unreachable!("integers compute these as floats"),
    }
    Ok(())
}
