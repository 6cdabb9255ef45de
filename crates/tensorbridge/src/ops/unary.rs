//! Elementwise functions of one tensor: `abs`, `sin`, `isnan`, ... (the
//! Array API standard's unary elementwise functions).
//!
//! This file decides what each function means for each dtype: which dtype
//! it computes in and which it returns. The rules are NumPy's: integer and
//! bool inputs to float functions compute in the smallest float that holds
//! them (int8 → float16, int16 → float32, int32/int64 → float64);
//! float16/bfloat16 compute in float32 and round once at the end; functions
//! a dtype has no meaning for (`negative` of bool, `floor` of complex)
//! raise [`Error::DTypeNotSupported`]. Loops are in [`crate::cpu::unary`].

use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::tensor::{on_device, Elementwise, Tensor};

/// The unary elementwise functions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Abs,
    Acos,
    Acosh,
    Asin,
    Asinh,
    Atan,
    Atanh,
    BitwiseInvert,
    Ceil,
    Conj,
    Cos,
    Cosh,
    Exp,
    Expm1,
    Floor,
    Imag,
    IsFinite,
    IsInf,
    IsNan,
    Log,
    Log1p,
    Log2,
    Log10,
    LogicalNot,
    Negative,
    Positive,
    Real,
    Reciprocal,
    Round,
    Sign,
    Signbit,
    Sin,
    Sinh,
    Sqrt,
    Square,
    Tan,
    Tanh,
    Trunc,
}

/// Every unary function with its Array API name.
pub const UNARY_OPS: [(UnaryOp, &str); 38] = {
    use UnaryOp::*;
    [
        (Abs, "abs"),
        (Acos, "acos"),
        (Acosh, "acosh"),
        (Asin, "asin"),
        (Asinh, "asinh"),
        (Atan, "atan"),
        (Atanh, "atanh"),
        (BitwiseInvert, "bitwise_invert"),
        (Ceil, "ceil"),
        (Conj, "conj"),
        (Cos, "cos"),
        (Cosh, "cosh"),
        (Exp, "exp"),
        (Expm1, "expm1"),
        (Floor, "floor"),
        (Imag, "imag"),
        (IsFinite, "isfinite"),
        (IsInf, "isinf"),
        (IsNan, "isnan"),
        (Log, "log"),
        (Log1p, "log1p"),
        (Log2, "log2"),
        (Log10, "log10"),
        (LogicalNot, "logical_not"),
        (Negative, "negative"),
        (Positive, "positive"),
        (Real, "real"),
        (Reciprocal, "reciprocal"),
        (Round, "round"),
        (Sign, "sign"),
        (Signbit, "signbit"),
        (Sin, "sin"),
        (Sinh, "sinh"),
        (Sqrt, "sqrt"),
        (Square, "square"),
        (Tan, "tan"),
        (Tanh, "tanh"),
        (Trunc, "trunc"),
    ]
};

impl UnaryOp {
    /// The Array API name.
    pub fn name(self) -> &'static str {
        UNARY_OPS.iter().find(|(op, _)| *op == self).map_or("?", |(_, n)| n)
    }

    /// The function with this Array API name.
    pub fn from_name(name: &str) -> Option<UnaryOp> {
        UNARY_OPS.iter().find(|(_, n)| *n == name).map(|(op, _)| *op)
    }

    /// Whether the function is a transcendental one that needs a float.
    fn is_float_function(self) -> bool {
        use UnaryOp::*;
        matches!(
            self,
            Acos | Acosh
                | Asin
                | Asinh
                | Atan
                | Atanh
                | Cos
                | Cosh
                | Exp
                | Expm1
                | Log
                | Log1p
                | Log2
                | Log10
                | Reciprocal
                | Sin
                | Sinh
                | Sqrt
                | Tan
                | Tanh
        )
    }
}

/// The dtypes of one unary call: the input is cast to `compute`, the loop
/// writes `kernel_out`, and the result is cast to `out` if different.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct UnaryPlan {
    /// The dtype the loop reads.
    pub compute: DType,
    /// The dtype the loop writes.
    pub kernel_out: DType,
    /// The dtype of the result.
    pub out: DType,
}

/// The smallest float dtype that holds every value of an integer or bool
/// dtype (NumPy's rule for float functions of integers).
pub fn float_for(d: DType) -> DType {
    match d.kind() {
        DTypeKind::Float | DTypeKind::Complex => d,
        _ => match d.itemsize() {
            1 => DType::Float16,
            2 => DType::Float32,
            _ => DType::Float64,
        },
    }
}

/// float16/bfloat16 compute in float32; other dtypes in themselves.
pub fn widen_half(d: DType) -> DType {
    match d {
        DType::Float16 | DType::BFloat16 => DType::Float32,
        _ => d,
    }
}

/// The real dtype of a complex one's parts (and real dtypes themselves).
pub fn real_of(d: DType) -> DType {
    match d {
        DType::Complex64 => DType::Float32,
        DType::Complex128 => DType::Float64,
        _ => d,
    }
}

fn unsupported(op: UnaryOp, dtype: DType, expected: &'static str) -> Error {
    Error::DTypeNotSupported {
        op: op.name(),
        dtype,
        expected,
    }
}

/// Which dtypes `op` computes in and returns for an input of `dtype`.
pub fn unary_plan(op: UnaryOp, dtype: DType) -> Result<UnaryPlan> {
    use DTypeKind as K;
    use UnaryOp::*;
    let kind = dtype.kind();
    let same = |d: DType| UnaryPlan {
        compute: widen_half(d),
        kernel_out: widen_half(d),
        out: d,
    };
    let to_bool = |d: DType| UnaryPlan {
        compute: widen_half(d),
        kernel_out: DType::Bool,
        out: DType::Bool,
    };
    Ok(match op {
        _ if op.is_float_function() => same(float_for(dtype)),
        IsFinite | IsInf | IsNan | LogicalNot => to_bool(dtype),
        Signbit if kind == K::Complex => return Err(unsupported(op, dtype, "real numbers")),
        Signbit => to_bool(dtype),
        Abs if kind == K::Complex => UnaryPlan {
            compute: dtype,
            kernel_out: real_of(dtype),
            out: real_of(dtype),
        },
        Real | Imag => UnaryPlan {
            compute: widen_half(dtype),
            kernel_out: widen_half(real_of(dtype)),
            out: real_of(dtype),
        },
        Negative | Positive | Sign if kind == K::Bool => {
            return Err(unsupported(op, dtype, "numbers (not bool; use logical_not for bools)"))
        }
        Ceil | Floor | Trunc if kind == K::Complex => return Err(unsupported(op, dtype, "real numbers")),
        BitwiseInvert if matches!(kind, K::Float | K::Complex) => {
            return Err(unsupported(op, dtype, "integers and bools"))
        }
        Abs | Negative | Positive | Sign | Square | Ceil | Floor | Trunc | Round | Conj | BitwiseInvert => same(dtype),
        _ => unreachable!("every function is classified above"),
    })
}

/// Applies `op` to every element of `x` into a new tensor (in `x`'s
/// dimension order when `x` is dense, else C order).
pub fn unary(op: UnaryOp, x: &Tensor) -> Result<Tensor> {
    let plan = unary_plan(op, x.dtype())?;
    if !x.device().is_cpu() {
        return on_device(op.name(), Elementwise::Unary(op.name()), &[x], plan.compute, plan.out, x.shape());
    }
    let input = if x.dtype() == plan.compute {
        x.clone()
    } else {
        x.copied(plan.compute, true)?
    };
    let out = crate::cpu::unary::unary(op, &input, plan.kernel_out)?;
    if plan.kernel_out == plan.out {
        Ok(out)
    } else {
        out.copied(plan.out, true)
    }
}

/// Applies `op` to `x` in place (`x = op(x)`): the result must keep `x`'s
/// dtype, and `x` must be writable without internal overlap.
pub fn unary_(op: UnaryOp, x: &Tensor) -> Result<()> {
    let plan = unary_plan(op, x.dtype())?;
    if plan.out != x.dtype() {
        return Err(Error::DTypeMismatch {
            op: op.name(),
            expected: x.dtype(),
            got: plan.out,
        });
    }
    let result = unary(op, x)?;
    x.copy_(&result)
}

/// `abs(x)` of the Array API standard, elementwise.
pub fn abs(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Abs, x)
}

/// `acos(x)` of the Array API standard, elementwise.
pub fn acos(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Acos, x)
}

/// `acosh(x)` of the Array API standard, elementwise.
pub fn acosh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Acosh, x)
}

/// `asin(x)` of the Array API standard, elementwise.
pub fn asin(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Asin, x)
}

/// `asinh(x)` of the Array API standard, elementwise.
pub fn asinh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Asinh, x)
}

/// `atan(x)` of the Array API standard, elementwise.
pub fn atan(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Atan, x)
}

/// `atanh(x)` of the Array API standard, elementwise.
pub fn atanh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Atanh, x)
}

/// `bitwise_invert(x)` of the Array API standard, elementwise.
pub fn bitwise_invert(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::BitwiseInvert, x)
}

/// `ceil(x)` of the Array API standard, elementwise.
pub fn ceil(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Ceil, x)
}

/// `conj(x)` of the Array API standard, elementwise.
pub fn conj(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Conj, x)
}

/// `cos(x)` of the Array API standard, elementwise.
pub fn cos(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Cos, x)
}

/// `cosh(x)` of the Array API standard, elementwise.
pub fn cosh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Cosh, x)
}

/// `exp(x)` of the Array API standard, elementwise.
pub fn exp(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Exp, x)
}

/// `expm1(x)` of the Array API standard, elementwise.
pub fn expm1(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Expm1, x)
}

/// `floor(x)` of the Array API standard, elementwise.
pub fn floor(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Floor, x)
}

/// `imag(x)` of the Array API standard, elementwise.
pub fn imag(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Imag, x)
}

/// `isfinite(x)` of the Array API standard, elementwise.
pub fn isfinite(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::IsFinite, x)
}

/// `isinf(x)` of the Array API standard, elementwise.
pub fn isinf(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::IsInf, x)
}

/// `isnan(x)` of the Array API standard, elementwise.
pub fn isnan(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::IsNan, x)
}

/// `log(x)` of the Array API standard, elementwise.
pub fn log(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Log, x)
}

/// `log1p(x)` of the Array API standard, elementwise.
pub fn log1p(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Log1p, x)
}

/// `log2(x)` of the Array API standard, elementwise.
pub fn log2(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Log2, x)
}

/// `log10(x)` of the Array API standard, elementwise.
pub fn log10(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Log10, x)
}

/// `logical_not(x)` of the Array API standard, elementwise.
pub fn logical_not(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::LogicalNot, x)
}

/// `negative(x)` of the Array API standard, elementwise.
pub fn negative(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Negative, x)
}

/// `positive(x)` of the Array API standard, elementwise.
pub fn positive(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Positive, x)
}

/// `real(x)` of the Array API standard, elementwise.
pub fn real(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Real, x)
}

/// `reciprocal(x)` of the Array API standard, elementwise.
pub fn reciprocal(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Reciprocal, x)
}

/// `round(x)` of the Array API standard, elementwise.
pub fn round(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Round, x)
}

/// `sign(x)` of the Array API standard, elementwise.
pub fn sign(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Sign, x)
}

/// `signbit(x)` of the Array API standard, elementwise.
pub fn signbit(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Signbit, x)
}

/// `sin(x)` of the Array API standard, elementwise.
pub fn sin(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Sin, x)
}

/// `sinh(x)` of the Array API standard, elementwise.
pub fn sinh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Sinh, x)
}

/// `sqrt(x)` of the Array API standard, elementwise.
pub fn sqrt(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Sqrt, x)
}

/// `square(x)` of the Array API standard, elementwise.
pub fn square(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Square, x)
}

/// `tan(x)` of the Array API standard, elementwise.
pub fn tan(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Tan, x)
}

/// `tanh(x)` of the Array API standard, elementwise.
pub fn tanh(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Tanh, x)
}

/// `trunc(x)` of the Array API standard, elementwise.
pub fn trunc(x: &Tensor) -> Result<Tensor> {
    unary(UnaryOp::Trunc, x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (op, name) in UNARY_OPS {
            assert_eq!(UnaryOp::from_name(name), Some(op));
            assert_eq!(op.name(), name);
        }
    }

    #[test]
    fn dtypes_follow_numpy() {
        let p = unary_plan(UnaryOp::Sin, DType::Int8).unwrap();
        assert_eq!((p.compute, p.out), (DType::Float32, DType::Float16));
        assert_eq!(unary_plan(UnaryOp::Sqrt, DType::Int16).unwrap().out, DType::Float32);
        assert_eq!(unary_plan(UnaryOp::Abs, DType::Complex64).unwrap().out, DType::Float32);
        assert_eq!(unary_plan(UnaryOp::IsNan, DType::Float16).unwrap().out, DType::Bool);
        assert!(unary_plan(UnaryOp::Negative, DType::Bool).is_err());
        assert!(unary_plan(UnaryOp::Floor, DType::Complex128).is_err());
        assert!(unary_plan(UnaryOp::BitwiseInvert, DType::Float32).is_err());
    }
}
