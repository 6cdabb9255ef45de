//! The Tensor operators: `+ - * / // % ** & | ^ << >>`, their reflected
//! and in-place forms, `divmod`, comparisons, `in`, `- + abs ~`, and
//! hashing by identity.
//!
//! In-place operators write into the tensor's memory (so every view and
//! NumPy array sharing it sees the change) and refuse read-only tensors and
//! results whose dtype cannot be cast back (`int_t += 1.5`), like NumPy.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use tensorbridge::ops;
use tensorbridge::ops::binary::{binary_, BinaryOp};
use tensorbridge::ops::unary::UnaryOp;

use crate::elementwise::{apply_binary, apply_unary, compute, operands};
use crate::errors::CoreResultExt;
use crate::operand::operand;
use crate::tensor::PyTensor;

/// An operator: `NotImplemented` when `other` is not something a tensor
/// can be made from, so Python tries the other operand.
pub fn operator<'py>(
    slf: &Bound<'py, PyTensor>,
    other: &Bound<'py, PyAny>,
    op: BinaryOp,
    reflected: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    if operand(other).is_err() {
        return Ok(py.NotImplemented().into_bound(py));
    }
    let slf = slf.as_any();
    let r = if reflected {
        apply_binary(py, op, other, slf)
    } else {
        apply_binary(py, op, slf, other)
    };
    r.map(Bound::into_any)
}

/// `divmod`: the pair of `//` and `%`, or `NotImplemented` as for the
/// operators.
fn divmod<'py>(slf: &Bound<'py, PyTensor>, other: &Bound<'py, PyAny>, reflected: bool) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let quotient = operator(slf, other, BinaryOp::FloorDivide, reflected)?;
    if quotient.is(py.NotImplemented()) {
        return Ok(quotient);
    }
    let remainder = operator(slf, other, BinaryOp::Remainder, reflected)?;
    Ok(PyTuple::new(py, [quotient, remainder])?.into_any())
}

/// An in-place operator (`+=`): writes into the tensor's memory.
pub fn inplace(slf: &Bound<'_, PyTensor>, other: &Bound<'_, PyAny>, op: BinaryOp) -> PyResult<()> {
    let a = slf.get().inner.clone();
    let (_, b) = operands(op, slf.as_any(), other)?;
    compute(slf.py(), a.numel(), || binary_(op, &a, &b))
}


/// Operators: `+ - * / // % ** & | ^ << >>`, their reflected and in-place
/// forms, comparisons, and `- + abs ~`.
#[pymethods]
impl PyTensor {
    fn __add__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Add, false)
    }

    fn __radd__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Add, true)
    }

    fn __iadd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Add)
    }

    fn __sub__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Subtract, false)
    }

    fn __rsub__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Subtract, true)
    }

    fn __isub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Subtract)
    }

    fn __mul__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Multiply, false)
    }

    fn __rmul__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Multiply, true)
    }

    fn __imul__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Multiply)
    }

    fn __truediv__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Divide, false)
    }

    fn __rtruediv__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Divide, true)
    }

    fn __itruediv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Divide)
    }

    fn __floordiv__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::FloorDivide, false)
    }

    fn __rfloordiv__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::FloorDivide, true)
    }

    fn __ifloordiv__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::FloorDivide)
    }

    fn __mod__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Remainder, false)
    }

    fn __rmod__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Remainder, true)
    }

    fn __imod__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::Remainder)
    }

    /// `divmod(t, u)`: `(t // u, t % u)`, as NumPy's `divmod` gives.
    fn __divmod__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        divmod(slf, other, false)
    }

    fn __rdivmod__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        divmod(slf, other, true)
    }

    fn __and__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseAnd, false)
    }

    fn __rand__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseAnd, true)
    }

    fn __iand__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::BitwiseAnd)
    }

    fn __or__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseOr, false)
    }

    fn __ror__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseOr, true)
    }

    fn __ior__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::BitwiseOr)
    }

    fn __xor__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseXor, false)
    }

    fn __rxor__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseXor, true)
    }

    fn __ixor__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::BitwiseXor)
    }

    fn __lshift__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseLeftShift, false)
    }

    fn __rlshift__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseLeftShift, true)
    }

    fn __ilshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::BitwiseLeftShift)
    }

    fn __rshift__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseRightShift, false)
    }

    fn __rrshift__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::BitwiseRightShift, true)
    }

    fn __irshift__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        inplace(slf, other, BinaryOp::BitwiseRightShift)
    }

    fn __pow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        modulo: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if modulo.is_some_and(|m| !m.is_none()) {
            return Ok(slf.py().NotImplemented().into_bound(slf.py()));
        }
        operator(slf, other, BinaryOp::Pow, false)
    }

    fn __rpow__<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'py, PyAny>,
        modulo: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if modulo.is_some_and(|m| !m.is_none()) {
            return Ok(slf.py().NotImplemented().into_bound(slf.py()));
        }
        operator(slf, other, BinaryOp::Pow, true)
    }

    fn __ipow__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>, modulo: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let _ = modulo;
        inplace(slf, other, BinaryOp::Pow)
    }

    fn __eq__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Equal, false)
    }

    fn __ne__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::NotEqual, false)
    }

    fn __lt__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Less, false)
    }

    fn __le__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::LessEqual, false)
    }

    fn __gt__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::Greater, false)
    }

    fn __ge__<'py>(slf: &Bound<'py, Self>, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        operator(slf, other, BinaryOp::GreaterEqual, false)
    }

    /// `value in t`: whether some element equals `value`, as NumPy's and
    /// PyTorch's `in` answer (`(t == value).any()`), so `2 in t` looks at
    /// every element, not at the rows that iterating `t` gives.
    fn __contains__(slf: &Bound<'_, Self>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let py = slf.py();
        let equal = apply_binary(py, BinaryOp::Equal, slf.as_any(), value)?;
        let equal = equal.get().inner.clone();
        let any = py.detach(|| ops::any(&equal, None, false)).py()?;
        Ok(any.to_vec::<bool>().py()?.first().copied().unwrap_or(false))
    }

    /// Tensors hash by identity (like PyTorch's), although `==` is elementwise.
    fn __hash__(slf: &Bound<'_, Self>) -> isize {
        slf.as_ptr() as isize >> 4
    }

    fn __neg__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Negative, slf.as_any())
    }

    fn __pos__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Positive, slf.as_any())
    }

    fn __abs__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::Abs, slf.as_any())
    }

    fn __invert__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTensor>> {
        apply_unary(slf.py(), UnaryOp::BitwiseInvert, slf.as_any())
    }
}
