//! Elementwise functions of two tensors: `add`, `less`, `atan2`, ... (the
//! Array API standard's binary elementwise functions and the operators
//! built on them), with broadcasting and NumPy's type promotion.
//!
//! The operands are promoted with [`crate::promote::promote_types`]; this
//! file then decides per function which dtype the loop computes in and which
//! it returns, following NumPy: integer division (`/`) returns float64,
//! comparisons and logical functions return bool, `floor_divide`,
//! `remainder`, `pow` and shifts of bools compute in int8, float16/bfloat16
//! compute in float32 (except `nextafter`, which steps in the real type).
//! Loops are in [`crate::cpu::binary`].

use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::ops::unary::{float_for, widen_half};
use crate::promote::{can_cast_same_kind, promote_types};
use crate::tensor::{on_device, Elementwise, Tensor};

/// The binary elementwise functions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Atan2,
    BitwiseAnd,
    BitwiseLeftShift,
    BitwiseOr,
    BitwiseRightShift,
    BitwiseXor,
    Copysign,
    Divide,
    Equal,
    FloorDivide,
    Greater,
    GreaterEqual,
    Hypot,
    Less,
    LessEqual,
    Logaddexp,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    Maximum,
    Minimum,
    Multiply,
    Nextafter,
    NotEqual,
    Pow,
    Remainder,
    Subtract,
}

/// Every binary function with its Array API name.
pub const BINARY_OPS: [(BinaryOp, &str); 28] = {
    use BinaryOp::*;
    [
        (Add, "add"),
        (Atan2, "atan2"),
        (BitwiseAnd, "bitwise_and"),
        (BitwiseLeftShift, "bitwise_left_shift"),
        (BitwiseOr, "bitwise_or"),
        (BitwiseRightShift, "bitwise_right_shift"),
        (BitwiseXor, "bitwise_xor"),
        (Copysign, "copysign"),
        (Divide, "divide"),
        (Equal, "equal"),
        (FloorDivide, "floor_divide"),
        (Greater, "greater"),
        (GreaterEqual, "greater_equal"),
        (Hypot, "hypot"),
        (Less, "less"),
        (LessEqual, "less_equal"),
        (Logaddexp, "logaddexp"),
        (LogicalAnd, "logical_and"),
        (LogicalOr, "logical_or"),
        (LogicalXor, "logical_xor"),
        (Maximum, "maximum"),
        (Minimum, "minimum"),
        (Multiply, "multiply"),
        (Nextafter, "nextafter"),
        (NotEqual, "not_equal"),
        (Pow, "pow"),
        (Remainder, "remainder"),
        (Subtract, "subtract"),
    ]
};

impl BinaryOp {
    /// The Array API name.
    pub fn name(self) -> &'static str {
        BINARY_OPS.iter().find(|(op, _)| *op == self).map_or("?", |(_, n)| n)
    }

    /// The function with this Array API name.
    pub fn from_name(name: &str) -> Option<BinaryOp> {
        BINARY_OPS.iter().find(|(_, n)| *n == name).map(|(op, _)| *op)
    }

    /// Whether the function returns bool whatever its inputs.
    pub fn returns_bool(self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual | LogicalAnd | LogicalOr | LogicalXor
        )
    }
}

/// The dtypes of one binary call: both inputs are cast to `compute`, the
/// loop writes `kernel_out`, and the result is cast to `out` if different.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BinaryPlan {
    /// The dtype the loop reads.
    pub compute: DType,
    /// The dtype the loop writes.
    pub kernel_out: DType,
    /// The dtype of the result.
    pub out: DType,
}

/// Which dtypes `op` computes in and returns for inputs of dtypes `a`, `b`.
pub fn binary_plan(op: BinaryOp, a: DType, b: DType) -> Result<BinaryPlan> {
    use BinaryOp::*;
    use DTypeKind as K;
    let p = promote_types(a, b);
    let kind = p.kind();
    let refuse = |expected: &'static str| {
        Err(Error::DTypeNotSupported {
            op: op.name(),
            dtype: if a.kind() == kind { a } else { b },
            expected,
        })
    };
    let same = |d: DType| BinaryPlan {
        compute: widen_half(d),
        kernel_out: widen_half(d),
        out: d,
    };
    let integers = |d: DType| matches!(d.kind(), K::Bool | K::Int | K::UInt);
    let bitwise = matches!(
        op,
        BitwiseAnd | BitwiseOr | BitwiseXor | BitwiseLeftShift | BitwiseRightShift
    );
    if bitwise && integers(a) && integers(b) && !integers(p) {
        return Err(Error::NoCommonIntegerDType {
            op: op.name(),
            a,
            b,
            common: p,
        });
    }
    Ok(match op {
        _ if op.returns_bool() => BinaryPlan {
            compute: widen_half(p),
            kernel_out: DType::Bool,
            out: DType::Bool,
        },
        Subtract if kind == K::Bool => return refuse("numbers (for bools use logical_xor)"),
        Add | Subtract | Multiply | Maximum | Minimum => same(p),
        Divide if matches!(kind, K::Bool | K::Int | K::UInt) => same(DType::Float64),
        Divide => same(p),
        FloorDivide | Remainder if kind == K::Complex => return refuse("real numbers"),
        FloorDivide | Remainder | Pow if kind == K::Bool => same(DType::Int8),
        FloorDivide | Remainder | Pow => same(p),
        BitwiseAnd | BitwiseOr | BitwiseXor if matches!(kind, K::Float | K::Complex) => {
            return refuse("integers and bools")
        }
        BitwiseAnd | BitwiseOr | BitwiseXor => same(p),
        BitwiseLeftShift | BitwiseRightShift if matches!(kind, K::Float | K::Complex) => {
            return refuse("integers")
        }
        BitwiseLeftShift | BitwiseRightShift if kind == K::Bool => same(DType::Int8),
        BitwiseLeftShift | BitwiseRightShift => same(p),
        Atan2 | Copysign | Hypot | Logaddexp | Nextafter if kind == K::Complex => return refuse("real numbers"),
        // NumPy picks the smallest float loop both inputs cast to safely:
        // atan2(int8, uint8) is float16, not float32 (the float of int16).
        Nextafter => {
            let f = promote_types(float_for(a), float_for(b));
            BinaryPlan {
                compute: f,
                kernel_out: f,
                out: f,
            }
        }
        Atan2 | Copysign | Hypot | Logaddexp => same(promote_types(float_for(a), float_for(b))),
        _ => unreachable!("every function is classified above"),
    })
}

/// Applies `op` to every pair of elements of `a` and `b` broadcast
/// together, into a new tensor.
pub fn binary(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let plan = binary_plan(op, a.dtype(), b.dtype())?;
    let shape = broadcast_shapes(a.shape(), b.shape(), op.name())?;
    if !a.device().is_cpu() || !b.device().is_cpu() {
        let kernel = Elementwise::Binary(op.name());
        // The kernel compares a signed integer with a uint64 on uint64 bits
        // (see `cuda::source`), as the CPU loop below does.
        let compute = match mixed_sign_comparison(op, a.dtype(), b.dtype()) {
            Some(_) => DType::UInt64,
            None => plan.compute,
        };
        return on_device(op.name(), kernel, &[a, b], compute, plan.out, &shape);
    }
    let cast = |t: &Tensor, to: DType| -> Result<Tensor> {
        if t.dtype() == to {
            Ok(t.clone())
        } else {
            t.copied(to, true)
        }
    };
    if let Some(a_signed) = mixed_sign_comparison(op, a.dtype(), b.dtype()) {
        // As uint64 bits: a signed integer's cast wraps and keeps them.
        let (a, b) = (cast(a, DType::UInt64)?, cast(b, DType::UInt64)?);
        return crate::cpu::binary::compare_mixed_sign(op, &a, &b, a_signed, &shape);
    }
    let (a, b) = (cast(a, plan.compute)?, cast(b, plan.compute)?);
    let out = crate::cpu::binary::binary(op, &a, &b, &shape, plan.kernel_out)?;
    if plan.kernel_out == plan.out {
        Ok(out)
    } else {
        out.copied(plan.out, true)
    }
}

/// For a comparison of a signed integer with a uint64, whose common dtype
/// (float64) would round both above 2^53: whether the signed one is `a`.
fn mixed_sign_comparison(op: BinaryOp, a: DType, b: DType) -> Option<bool> {
    use BinaryOp::*;
    if !matches!(op, Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual) {
        return None;
    }
    match (a.kind(), b.kind()) {
        (DTypeKind::Int, DTypeKind::UInt) if b == DType::UInt64 => Some(true),
        (DTypeKind::UInt, DTypeKind::Int) if a == DType::UInt64 => Some(false),
        _ => None,
    }
}

/// Applies `op` in place, `a = op(a, b)` (the `+=` family): `b` must
/// broadcast to `a`'s shape and the result must cast to `a`'s dtype under
/// NumPy's `same_kind` rule (`float32 += float64` works, `int += float`
/// does not); `a` must be writable without internal overlap.
pub fn binary_(op: BinaryOp, a: &Tensor, b: &Tensor) -> Result<()> {
    if a.device().is_cpu() {
        a.check_writable(op.name())?;
    }
    let plan = binary_plan(op, a.dtype(), b.dtype())?;
    if !can_cast_same_kind(plan.out, a.dtype()) {
        return Err(Error::DTypeMismatch {
            op: op.name(),
            expected: a.dtype(),
            got: plan.out,
        });
    }
    let shape = broadcast_shapes(a.shape(), b.shape(), op.name())?;
    if shape != a.shape() {
        return Err(Error::ShapeMismatch {
            op: op.name(),
            expected: a.shape().to_vec(),
            got: b.shape().to_vec(),
        });
    }
    if !a.device().is_cpu() {
        // On a GPU: the result computed aside, then cast into `a`.
        return a.copy_(&binary(op, a, b)?);
    }
    // The common case (`f32 += f32`, `i64 *= 2`) writes straight into `a`;
    // the rest computes aside and casts back.
    let direct = plan.compute == a.dtype() && plan.kernel_out == a.dtype();
    let same_view = a.same_storage(b) && a.layout() == b.layout();
    if direct && (same_view || !a.may_share_memory(b)) {
        let b = if b.dtype() == plan.compute {
            b.clone()
        } else {
            b.copied(plan.compute, true)?
        };
        return crate::cpu::binary::binary_into(op, a, &b);
    }
    let result = binary(op, a, b)?;
    a.copy_(&result)
}

/// `add(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn add(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Add, x1, x2)
}

/// `atan2(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn atan2(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Atan2, x1, x2)
}

/// `bitwise_and(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn bitwise_and(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::BitwiseAnd, x1, x2)
}

/// `bitwise_left_shift(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn bitwise_left_shift(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::BitwiseLeftShift, x1, x2)
}

/// `bitwise_or(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn bitwise_or(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::BitwiseOr, x1, x2)
}

/// `bitwise_right_shift(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn bitwise_right_shift(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::BitwiseRightShift, x1, x2)
}

/// `bitwise_xor(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn bitwise_xor(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::BitwiseXor, x1, x2)
}

/// `copysign(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn copysign(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Copysign, x1, x2)
}

/// `divide(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn divide(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Divide, x1, x2)
}

/// `equal(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn equal(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Equal, x1, x2)
}

/// `floor_divide(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn floor_divide(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::FloorDivide, x1, x2)
}

/// `greater(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn greater(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Greater, x1, x2)
}

/// `greater_equal(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn greater_equal(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::GreaterEqual, x1, x2)
}

/// `hypot(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn hypot(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Hypot, x1, x2)
}

/// `less(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn less(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Less, x1, x2)
}

/// `less_equal(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn less_equal(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::LessEqual, x1, x2)
}

/// `logaddexp(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn logaddexp(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Logaddexp, x1, x2)
}

/// `logical_and(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn logical_and(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::LogicalAnd, x1, x2)
}

/// `logical_or(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn logical_or(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::LogicalOr, x1, x2)
}

/// `logical_xor(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn logical_xor(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::LogicalXor, x1, x2)
}

/// `maximum(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn maximum(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Maximum, x1, x2)
}

/// `minimum(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn minimum(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Minimum, x1, x2)
}

/// `multiply(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn multiply(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Multiply, x1, x2)
}

/// `nextafter(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn nextafter(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Nextafter, x1, x2)
}

/// `not_equal(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn not_equal(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::NotEqual, x1, x2)
}

/// `pow(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn pow(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Pow, x1, x2)
}

/// `remainder(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn remainder(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Remainder, x1, x2)
}

/// `subtract(x1, x2)` of the Array API standard, elementwise with broadcasting.
pub fn subtract(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    binary(BinaryOp::Subtract, x1, x2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (op, name) in BINARY_OPS {
            assert_eq!(BinaryOp::from_name(name), Some(op));
        }
    }

    #[test]
    fn dtypes_follow_numpy() {
        use DType::*;
        let out = |op, a, b| binary_plan(op, a, b).map(|p| p.out);
        assert_eq!(out(BinaryOp::Divide, Int8, Int8), Ok(Float64));
        assert_eq!(out(BinaryOp::Atan2, Int8, Int8), Ok(Float16));
        assert_eq!(out(BinaryOp::Add, Int8, UInt8), Ok(Int16));
        assert_eq!(out(BinaryOp::Less, Float16, Float16), Ok(Bool));
        assert_eq!(out(BinaryOp::FloorDivide, Bool, Bool), Ok(Int8));
        assert!(out(BinaryOp::Subtract, Bool, Bool).is_err());
        assert!(out(BinaryOp::BitwiseAnd, Float32, Int8).is_err());
        assert_eq!(binary_plan(BinaryOp::Nextafter, Float16, Float16).unwrap().compute, Float16);
    }
}
