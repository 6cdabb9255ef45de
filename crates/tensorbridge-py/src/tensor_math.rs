//! Elementwise Tensor methods under the names PyTorch and NumPy users know:
//! `t.sin()`, `t.exp()`, `t.add(u)`, `t.maximum(u)`, `t.add_(u)`, and the
//! `real`/`imag` properties.

use pyo3::prelude::*;
use tensorbridge::ops::binary::BinaryOp;
use tensorbridge::ops::unary::UnaryOp;

use crate::elementwise::{apply_binary, apply_unary};
use crate::operators::inplace;
use crate::out_arg::deliver;
use crate::tensor::PyTensor;

/// Elementwise methods under the names PyTorch and NumPy users know:
/// `t.sin()`, `t.exp()`, `t.add(u)`, `t.maximum(u)`, ...
#[pymethods]
impl PyTensor {
    fn abs<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Abs, slf.as_any())
    }

    fn acos<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Acos, slf.as_any())
    }

    fn acosh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Acosh, slf.as_any())
    }

    fn asin<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Asin, slf.as_any())
    }

    fn asinh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Asinh, slf.as_any())
    }

    fn atan<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Atan, slf.as_any())
    }

    fn atanh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Atanh, slf.as_any())
    }

    fn bitwise_invert<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::BitwiseInvert, slf.as_any())
    }

    fn ceil<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Ceil, slf.as_any())
    }

    fn conj<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Conj, slf.as_any())
    }

    fn cos<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Cos, slf.as_any())
    }

    fn cosh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Cosh, slf.as_any())
    }

    fn exp<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Exp, slf.as_any())
    }

    fn expm1<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Expm1, slf.as_any())
    }

    fn floor<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Floor, slf.as_any())
    }

    fn isfinite<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::IsFinite, slf.as_any())
    }

    fn isinf<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::IsInf, slf.as_any())
    }

    fn isnan<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::IsNan, slf.as_any())
    }

    fn log<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Log, slf.as_any())
    }

    fn log1p<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Log1p, slf.as_any())
    }

    fn log2<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Log2, slf.as_any())
    }

    fn log10<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Log10, slf.as_any())
    }

    fn logical_not<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::LogicalNot, slf.as_any())
    }

    fn negative<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Negative, slf.as_any())
    }

    fn positive<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Positive, slf.as_any())
    }

    fn reciprocal<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Reciprocal, slf.as_any())
    }

    /// `t.round(decimals=0, out=None)`: each element rounded to `decimals`
    /// decimal places, halves to even (NumPy's `ndarray.round` and
    /// PyTorch's `round(decimals=)`; `out` as for the reductions).
    #[pyo3(signature = (decimals = 0, out = None))]
    fn round<'py>(
        slf: &Bound<'py, Self>,
        decimals: i64,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rounded = crate::elementwise::round(slf.py(), slf.as_any(), decimals)?;
        deliver(rounded, out, "round")
    }

    /// Python's `round(t)` and `round(t, ndigits)`: a tensor, as
    /// `t.round(ndigits)` (NumPy and PyTorch return arrays here too).
    #[pyo3(signature = (ndigits = None))]
    fn __round__<'py>(slf: &Bound<'py, Self>, ndigits: Option<i64>) -> PyResult<Bound<'py, PyAny>> {
        Self::round(slf, ndigits.unwrap_or(0), None)
    }

    fn sign<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Sign, slf.as_any())
    }

    fn signbit<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Signbit, slf.as_any())
    }

    fn sin<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Sin, slf.as_any())
    }

    fn sinh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Sinh, slf.as_any())
    }

    fn sqrt<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Sqrt, slf.as_any())
    }

    fn square<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Square, slf.as_any())
    }

    fn tan<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Tan, slf.as_any())
    }

    fn tanh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Tanh, slf.as_any())
    }

    fn trunc<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Trunc, slf.as_any())
    }

    fn neg<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Negative, slf.as_any())
    }

    fn arccos<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Acos, slf.as_any())
    }

    fn arcsin<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Asin, slf.as_any())
    }

    fn arctan<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Atan, slf.as_any())
    }

    fn arccosh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Acosh, slf.as_any())
    }

    fn arcsinh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Asinh, slf.as_any())
    }

    fn arctanh<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Atanh, slf.as_any())
    }

    fn bitwise_not<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::BitwiseInvert, slf.as_any())
    }

    fn conjugate<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Conj, slf.as_any())
    }

    #[getter]
    fn real<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Real, slf.as_any())
    }

    #[getter]
    fn imag<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Imag, slf.as_any())
    }

    fn add<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Add, slf.as_any(), other)
    }

    fn atan2<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Atan2, slf.as_any(), other)
    }

    fn bitwise_and<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::BitwiseAnd, slf.as_any(), other)
    }

    fn bitwise_left_shift<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::BitwiseLeftShift, slf.as_any(), other)
    }

    fn bitwise_or<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::BitwiseOr, slf.as_any(), other)
    }

    fn bitwise_right_shift<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::BitwiseRightShift, slf.as_any(), other)
    }

    fn bitwise_xor<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::BitwiseXor, slf.as_any(), other)
    }

    fn copysign<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Copysign, slf.as_any(), other)
    }

    fn divide<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Divide, slf.as_any(), other)
    }

    fn equal<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Equal, slf.as_any(), other)
    }

    fn floor_divide<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::FloorDivide, slf.as_any(), other)
    }

    fn greater<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Greater, slf.as_any(), other)
    }

    fn greater_equal<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::GreaterEqual, slf.as_any(), other)
    }

    fn hypot<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Hypot, slf.as_any(), other)
    }

    fn less<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Less, slf.as_any(), other)
    }

    fn less_equal<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::LessEqual, slf.as_any(), other)
    }

    fn logaddexp<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Logaddexp, slf.as_any(), other)
    }

    fn logical_and<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::LogicalAnd, slf.as_any(), other)
    }

    fn logical_or<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::LogicalOr, slf.as_any(), other)
    }

    fn logical_xor<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::LogicalXor, slf.as_any(), other)
    }

    fn maximum<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Maximum, slf.as_any(), other)
    }

    fn minimum<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Minimum, slf.as_any(), other)
    }

    fn multiply<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Multiply, slf.as_any(), other)
    }

    fn nextafter<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Nextafter, slf.as_any(), other)
    }

    fn not_equal<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::NotEqual, slf.as_any(), other)
    }

    fn pow<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Pow, slf.as_any(), other)
    }

    fn remainder<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Remainder, slf.as_any(), other)
    }

    fn subtract<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Subtract, slf.as_any(), other)
    }

    fn sub<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Subtract, slf.as_any(), other)
    }

    fn mul<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Multiply, slf.as_any(), other)
    }

    fn div<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Divide, slf.as_any(), other)
    }

    fn true_divide<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Divide, slf.as_any(), other)
    }

    fn eq<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Equal, slf.as_any(), other)
    }

    fn ne<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::NotEqual, slf.as_any(), other)
    }

    fn lt<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Less, slf.as_any(), other)
    }

    fn le<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::LessEqual, slf.as_any(), other)
    }

    fn gt<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::Greater, slf.as_any(), other)
    }

    fn ge<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTensor>> {
        apply_binary(slf.py(), BinaryOp::GreaterEqual, slf.as_any(), other)
    }

    fn add_<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        inplace(slf, other, BinaryOp::Add)?;
        Ok(slf.clone())
    }

    fn sub_<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        inplace(slf, other, BinaryOp::Subtract)?;
        Ok(slf.clone())
    }

    fn mul_<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        inplace(slf, other, BinaryOp::Multiply)?;
        Ok(slf.clone())
    }

    fn div_<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Self>> {
        inplace(slf, other, BinaryOp::Divide)?;
        Ok(slf.clone())
    }

    /// `t.clip(min=None, max=None, out=None)` (`clamp` is PyTorch's name;
    /// `out` is NumPy's, so `np.clip(t, lo, hi)` returns a tensor).
    #[pyo3(signature = (min = None, max = None, out = None))]
    fn clip<'py>(
        slf: &Bound<'py, Self>,
        min: Option<&Bound<'py, PyAny>>,
        max: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let clipped = crate::elementwise::clip(slf.py(), slf.as_any(), min, max)?;
        deliver(clipped, out, "clip")
    }

    /// PyTorch's name for [`clip`].
    #[pyo3(signature = (min = None, max = None))]
    fn clamp<'py>(
        slf: &Bound<'py, Self>,
        min: Option<&Bound<'py, PyAny>>,
        max: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTensor>> {
        crate::elementwise::clip(slf.py(), slf.as_any(), min, max)
    }
}
