//! The elementwise functions of the Array API standard as module
//! functions (`tensorbridge.sin(x)`, `tensorbridge.add(x1, x2)`); the
//! Tensor operators (`operators.rs`) and methods (`tensor_math.rs`) call
//! the helpers here.
//!
//! Operands follow [`crate::operand`]: tensors as they are, array-likes
//! converted, Python scalars weak (they take the tensor's dtype). An
//! operator whose other operand cannot be made a tensor returns
//! `NotImplemented`, so Python tries the other operand's method. Large
//! work runs without the GIL.

use pyo3::prelude::*;
use tensorbridge::ops::binary::{binary, BinaryOp};
use tensorbridge::ops::unary::{unary, UnaryOp};
use tensorbridge::{DType, DTypeKind, Result, Scalar, Tensor};

use crate::errors::CoreResultExt;
use crate::input::int_out_of_range;
use crate::operand::{operand, resolve, tensor_arg, Operand};
use crate::tensor::{wrap, PyTensor};

/// Elements above which a kernel runs with the GIL released.
const DETACH_MIN_ELEMENTS: usize = 1 << 15;

/// Runs `f` without the GIL when the work is large.
pub fn compute<T: Send>(py: Python<'_>, numel: usize, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    if numel >= DETACH_MIN_ELEMENTS {
        py.detach(f).py()
    } else {
        f().py()
    }
}

pub fn apply_unary<'py>(py: Python<'py>, op: UnaryOp, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let out = compute(py, x.numel(), || unary(op, &x))?;
    wrap(py, out)
}

/// Resolves two operands of `op` (weak scalars, array-likes). Comparisons
/// accept Python ints outside the tensor's range (`int8_t < 300` and
/// `int64_t < 2**70` are all True), as NumPy 2 does.
pub fn operands(op: BinaryOp, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<(Tensor, Tensor)> {
    let (oa, ob) = (operand(a)?, operand(b)?);
    let wide = |o: Operand, other: &Operand| -> Operand {
        match (o, other) {
            (Operand::Scalar(s), Operand::Tensor(t)) if op.returns_bool() && int_out_of_range(s, t.dtype()) => {
                let wide = if matches!(s, Scalar::UInt(_)) { DType::UInt64 } else { DType::Int64 };
                Operand::Tensor(Tensor::full(&[], s, wide).expect("a 0-d tensor"))
            }
            // Beyond 64 bits, an int is above (or below) every integer:
            // an infinity compares the same way with each of them.
            (Operand::BigInt(v), Operand::Tensor(t))
                if op.returns_bool() && !matches!(t.dtype().kind(), DTypeKind::Float | DTypeKind::Complex) =>
            {
                let inf = if v > 0.0 { f64::INFINITY } else { f64::NEG_INFINITY };
                Operand::Tensor(Tensor::full(&[], Scalar::Float(inf), DType::Float64).expect("a 0-d tensor"))
            }
            (o, _) => o,
        }
    };
    let oa2 = wide(oa, &ob);
    let ob2 = wide(ob, &oa2);
    let mut v = resolve(vec![oa2, ob2], op.name())?;
    let b = v.pop().expect("two operands");
    let a = v.pop().expect("two operands");
    Ok((a, b))
}

pub fn apply_binary<'py>(
    py: Python<'py>,
    op: BinaryOp,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (a, b) = operands(op, a, b)?;
    let n = a.numel().max(b.numel());
    let out = compute(py, n, || binary(op, &a, &b))?;
    wrap(py, out)
}

/// `abs(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn abs<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Abs, x)
}

/// `acos(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn acos<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Acos, x)
}

/// `acosh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn acosh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Acosh, x)
}

/// `asin(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn asin<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Asin, x)
}

/// `asinh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn asinh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Asinh, x)
}

/// `atan(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn atan<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Atan, x)
}

/// `atanh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn atanh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Atanh, x)
}

/// `bitwise_invert(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn bitwise_invert<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::BitwiseInvert, x)
}

/// `ceil(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn ceil<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Ceil, x)
}

/// `conj(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn conj<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Conj, x)
}

/// `cos(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn cos<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Cos, x)
}

/// `cosh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn cosh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Cosh, x)
}

/// `exp(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn exp<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Exp, x)
}

/// `expm1(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn expm1<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Expm1, x)
}

/// `floor(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn floor<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Floor, x)
}

/// `imag(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn imag<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Imag, x)
}

/// `isfinite(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn isfinite<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::IsFinite, x)
}

/// `isinf(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn isinf<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::IsInf, x)
}

/// `isnan(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn isnan<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::IsNan, x)
}

/// `log(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn log<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Log, x)
}

/// `log1p(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn log1p<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Log1p, x)
}

/// `log2(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn log2<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Log2, x)
}

/// `log10(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn log10<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Log10, x)
}

/// `logical_not(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn logical_not<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::LogicalNot, x)
}

/// `negative(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn negative<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Negative, x)
}

/// `positive(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn positive<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Positive, x)
}

/// `real(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn real<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Real, x)
}

/// `reciprocal(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn reciprocal<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Reciprocal, x)
}

/// `round(x, /, *, decimals=0)`: elementwise, per the Array API standard;
/// `decimals` (PyTorch's `torch.round(x, decimals=)`) rounds to that many
/// decimal places as NumPy's `np.round` does, bit for bit.
#[pyfunction]
#[pyo3(signature = (x, /, *, decimals = 0))]
pub(crate) fn round<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, decimals: i64) -> PyResult<Bound<'py, PyTensor>> {
    if decimals == 0 {
        return apply_unary(py, UnaryOp::Round, x);
    }
    let t = tensor_arg(x)?;
    crate::reduce::run(py, move || tensorbridge::ops::round_decimals(&t, decimals))
}

/// `sign(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn sign<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Sign, x)
}

/// `signbit(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn signbit<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Signbit, x)
}

/// `sin(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn sin<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Sin, x)
}

/// `sinh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn sinh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Sinh, x)
}

/// `sqrt(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn sqrt<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Sqrt, x)
}

/// `square(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn square<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Square, x)
}

/// `tan(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn tan<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Tan, x)
}

/// `tanh(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn tanh<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Tanh, x)
}

/// `trunc(x, /)`: elementwise, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x, /))]
fn trunc<'py>(py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_unary(py, UnaryOp::Trunc, x)
}

/// `add(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn add<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Add, x1, x2)
}

/// `atan2(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn atan2<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Atan2, x1, x2)
}

/// `bitwise_and(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn bitwise_and<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::BitwiseAnd, x1, x2)
}

/// `bitwise_left_shift(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn bitwise_left_shift<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::BitwiseLeftShift, x1, x2)
}

/// `bitwise_or(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn bitwise_or<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::BitwiseOr, x1, x2)
}

/// `bitwise_right_shift(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn bitwise_right_shift<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::BitwiseRightShift, x1, x2)
}

/// `bitwise_xor(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn bitwise_xor<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::BitwiseXor, x1, x2)
}

/// `copysign(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn copysign<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Copysign, x1, x2)
}

/// `divide(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn divide<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Divide, x1, x2)
}

/// `equal(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn equal<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Equal, x1, x2)
}

/// `floor_divide(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn floor_divide<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::FloorDivide, x1, x2)
}

/// `greater(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn greater<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Greater, x1, x2)
}

/// `greater_equal(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn greater_equal<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::GreaterEqual, x1, x2)
}

/// `hypot(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn hypot<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Hypot, x1, x2)
}

/// `less(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn less<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Less, x1, x2)
}

/// `less_equal(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn less_equal<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::LessEqual, x1, x2)
}

/// `logaddexp(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn logaddexp<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Logaddexp, x1, x2)
}

/// `logical_and(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn logical_and<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::LogicalAnd, x1, x2)
}

/// `logical_or(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn logical_or<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::LogicalOr, x1, x2)
}

/// `logical_xor(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn logical_xor<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::LogicalXor, x1, x2)
}

/// `maximum(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn maximum<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Maximum, x1, x2)
}

/// `minimum(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn minimum<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Minimum, x1, x2)
}

/// `multiply(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn multiply<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Multiply, x1, x2)
}

/// `nextafter(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn nextafter<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Nextafter, x1, x2)
}

/// `not_equal(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn not_equal<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::NotEqual, x1, x2)
}

/// `pow(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn pow<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Pow, x1, x2)
}

/// `remainder(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn remainder<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Remainder, x1, x2)
}

/// `subtract(x1, x2, /)`: elementwise with broadcasting, per the Array API standard.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn subtract<'py>(py: Python<'py>, x1: &Bound<'py, PyAny>, x2: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
    apply_binary(py, BinaryOp::Subtract, x1, x2)
}

/// A bound of `clip` or an end of `diff`: tensors as they are, Python
/// scalars weak against `x`'s dtype.
fn companion(x: &Tensor, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Tensor>> {
    match given(obj)? {
        None => Ok(None),
        Some(o) => companion_of(x, o).map(Some),
    }
}

/// An argument that is given (not absent, not `None`), as an operand.
fn given(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Operand>> {
    match obj {
        Some(o) if !o.is_none() => operand(o).map(Some),
        _ => Ok(None),
    }
}

/// [`companion`] of an operand already read.
fn companion_of(x: &Tensor, o: Operand) -> PyResult<Tensor> {
    match o {
        Operand::Tensor(t) => Ok(t),
        Operand::Scalar(s) => crate::operand::scalar_tensor(s, x.dtype()),
        Operand::BigInt(v) => crate::operand::big_int_tensor(v, x.dtype()),
    }
}

/// `clip(x, /, min=None, max=None)`: elementwise bounds (a NaN bound gives NaN).
#[pyfunction]
#[pyo3(signature = (x, /, min = None, max = None))]
pub fn clip<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    min: Option<&Bound<'py, PyAny>>,
    max: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    let (lo, hi) = (clip_bound(&x, min, false)?, clip_bound(&x, max, true)?);
    let out = compute(py, x.numel(), || tensorbridge::ops::clip::clip(&x, lo.as_ref(), hi.as_ref()))?;
    wrap(py, out)
}

/// A bound of `clip` as a tensor, or `None` where there is none: a Python
/// int beyond an integer `x`'s range on the side where it clips nothing
/// (`clip(int8_t, None, 300)`, `min=-300`) is no bound at all, as NumPy
/// takes it. Beyond the range on the other side it still raises
/// `OverflowError` (every element would become a value the dtype cannot
/// hold).
fn clip_bound(x: &Tensor, bound: Option<&Bound<'_, PyAny>>, upper: bool) -> PyResult<Option<Tensor>> {
    let Some(o) = given(bound)? else { return Ok(None) };
    let integer = matches!(x.dtype().kind(), DTypeKind::Int | DTypeKind::UInt);
    let positive = match o {
        Operand::BigInt(v) if integer => Some(v > 0.0),
        Operand::Scalar(s) if integer && int_out_of_range(s, x.dtype()) => Some(!matches!(s, Scalar::Int(i) if i < 0)),
        _ => None,
    };
    if positive == Some(upper) {
        return Ok(None);
    }
    companion_of(x, o).map(Some)
}

/// `diff(x, /, *, axis=-1, n=1, prepend=None, append=None)`: the n-th
/// discrete difference along `axis`; Python scalars for `prepend`/`append`
/// stand for a slice of that value (NumPy's convenience).
#[pyfunction]
#[pyo3(
    signature = (x, /, *, axis = -1, n = 1, prepend = None, append = None),
    text_signature = "(x, /, *, axis=-1, n=1, prepend=None, append=None)"
)]
fn diff<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    axis: i64,
    n: i64,
    prepend: Option<&Bound<'py, PyAny>>,
    append: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let x = tensor_arg(x)?;
    if n < 0 {
        return Err(crate::errors::value_error(format!("diff: n must be >= 0, got {n}")));
    }
    let end = |o: Option<&Bound<'py, PyAny>>| -> PyResult<Option<Tensor>> {
        let Some(t) = companion(&x, o)? else { return Ok(None) };
        if t.ndim() == 0 && x.ndim() > 0 {
            let ax = tensorbridge::layout::normalize_axis(axis, x.ndim(), "diff").py()?;
            let mut shape = x.shape().to_vec();
            shape[ax] = 1;
            return t.broadcast_to(&shape).py().map(Some);
        }
        Ok(Some(t))
    };
    let (pre, app) = (end(prepend)?, end(append)?);
    let out = compute(py, x.numel(), || {
        tensorbridge::ops::diff::diff(&x, axis, n as usize, pre.as_ref(), app.as_ref())
    })?;
    wrap(py, out)
}

/// Adds the elementwise functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(clip, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(abs, m)?)?;
    m.add_function(wrap_pyfunction!(acos, m)?)?;
    m.add_function(wrap_pyfunction!(acosh, m)?)?;
    m.add_function(wrap_pyfunction!(asin, m)?)?;
    m.add_function(wrap_pyfunction!(asinh, m)?)?;
    m.add_function(wrap_pyfunction!(atan, m)?)?;
    m.add_function(wrap_pyfunction!(atanh, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_invert, m)?)?;
    m.add_function(wrap_pyfunction!(ceil, m)?)?;
    m.add_function(wrap_pyfunction!(conj, m)?)?;
    m.add_function(wrap_pyfunction!(cos, m)?)?;
    m.add_function(wrap_pyfunction!(cosh, m)?)?;
    m.add_function(wrap_pyfunction!(exp, m)?)?;
    m.add_function(wrap_pyfunction!(expm1, m)?)?;
    m.add_function(wrap_pyfunction!(floor, m)?)?;
    m.add_function(wrap_pyfunction!(imag, m)?)?;
    m.add_function(wrap_pyfunction!(isfinite, m)?)?;
    m.add_function(wrap_pyfunction!(isinf, m)?)?;
    m.add_function(wrap_pyfunction!(isnan, m)?)?;
    m.add_function(wrap_pyfunction!(log, m)?)?;
    m.add_function(wrap_pyfunction!(log1p, m)?)?;
    m.add_function(wrap_pyfunction!(log2, m)?)?;
    m.add_function(wrap_pyfunction!(log10, m)?)?;
    m.add_function(wrap_pyfunction!(logical_not, m)?)?;
    m.add_function(wrap_pyfunction!(negative, m)?)?;
    m.add_function(wrap_pyfunction!(positive, m)?)?;
    m.add_function(wrap_pyfunction!(real, m)?)?;
    m.add_function(wrap_pyfunction!(reciprocal, m)?)?;
    m.add_function(wrap_pyfunction!(round, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(signbit, m)?)?;
    m.add_function(wrap_pyfunction!(sin, m)?)?;
    m.add_function(wrap_pyfunction!(sinh, m)?)?;
    m.add_function(wrap_pyfunction!(sqrt, m)?)?;
    m.add_function(wrap_pyfunction!(square, m)?)?;
    m.add_function(wrap_pyfunction!(tan, m)?)?;
    m.add_function(wrap_pyfunction!(tanh, m)?)?;
    m.add_function(wrap_pyfunction!(trunc, m)?)?;
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(atan2, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_and, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_left_shift, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_or, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_right_shift, m)?)?;
    m.add_function(wrap_pyfunction!(bitwise_xor, m)?)?;
    m.add_function(wrap_pyfunction!(copysign, m)?)?;
    m.add_function(wrap_pyfunction!(divide, m)?)?;
    m.add_function(wrap_pyfunction!(equal, m)?)?;
    m.add_function(wrap_pyfunction!(floor_divide, m)?)?;
    m.add_function(wrap_pyfunction!(greater, m)?)?;
    m.add_function(wrap_pyfunction!(greater_equal, m)?)?;
    m.add_function(wrap_pyfunction!(hypot, m)?)?;
    m.add_function(wrap_pyfunction!(less, m)?)?;
    m.add_function(wrap_pyfunction!(less_equal, m)?)?;
    m.add_function(wrap_pyfunction!(logaddexp, m)?)?;
    m.add_function(wrap_pyfunction!(logical_and, m)?)?;
    m.add_function(wrap_pyfunction!(logical_or, m)?)?;
    m.add_function(wrap_pyfunction!(logical_xor, m)?)?;
    m.add_function(wrap_pyfunction!(maximum, m)?)?;
    m.add_function(wrap_pyfunction!(minimum, m)?)?;
    m.add_function(wrap_pyfunction!(multiply, m)?)?;
    m.add_function(wrap_pyfunction!(nextafter, m)?)?;
    m.add_function(wrap_pyfunction!(not_equal, m)?)?;
    m.add_function(wrap_pyfunction!(pow, m)?)?;
    m.add_function(wrap_pyfunction!(remainder, m)?)?;
    m.add_function(wrap_pyfunction!(subtract, m)?)?;
    Ok(())
}
