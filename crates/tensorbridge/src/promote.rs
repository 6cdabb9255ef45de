//! Type promotion: the dtype two dtypes combine to, by NumPy's rules
//! (bfloat16 by ml_dtypes' rules, which treat it as a float of 8 significant
//! bits: it holds int8/uint8 exactly and meets float16 in float32).

use crate::dtype::{DType, DTypeKind};

/// The smallest float that holds every value of an integer or bool dtype.
fn float_for_int(d: DType) -> DType {
    match d.itemsize() {
        1 => DType::Float16,
        2 => DType::Float32,
        _ => DType::Float64,
    }
}

fn signed_of_size(bytes: usize) -> Option<DType> {
    match bytes {
        1 => Some(DType::Int8),
        2 => Some(DType::Int16),
        4 => Some(DType::Int32),
        8 => Some(DType::Int64),
        _ => None,
    }
}

/// Real float promotion (both floating point).
fn promote_floats(a: DType, b: DType) -> DType {
    use DType::*;
    match (a, b) {
        (x, y) if x == y => x,
        (Float16, BFloat16) | (BFloat16, Float16) => Float32,
        // BFloat16 meets int-derived Float16 (int8/uint8) as BFloat16.
        (x, y) => {
            if x.itemsize() >= y.itemsize() {
                x
            } else {
                y
            }
        }
    }
}

fn complex_of(real: DType) -> DType {
    if real == DType::Float64 {
        DType::Complex128
    } else {
        DType::Complex64
    }
}

fn real_of(c: DType) -> DType {
    if c == DType::Complex128 {
        DType::Float64
    } else {
        DType::Float32
    }
}

/// The dtype `a` and `b` combine to (NumPy's `promote_types`).
pub fn promote_types(a: DType, b: DType) -> DType {
    use DTypeKind as K;
    if a == b {
        return a;
    }
    match (a.kind(), b.kind()) {
        (K::Bool, _) => b,
        (_, K::Bool) => a,
        (K::Int, K::Int) | (K::UInt, K::UInt) => {
            if a.itemsize() >= b.itemsize() {
                a
            } else {
                b
            }
        }
        (K::Int, K::UInt) | (K::UInt, K::Int) => {
            let (s, u) = if a.kind() == K::Int { (a, b) } else { (b, a) };
            if s.itemsize() > u.itemsize() {
                s
            } else {
                signed_of_size(u.itemsize() * 2).unwrap_or(DType::Float64)
            }
        }
        (K::Float, K::Int | K::UInt) => promote_int_float(b, a),
        (K::Int | K::UInt, K::Float) => promote_int_float(a, b),
        (K::Float, K::Float) => promote_floats(a, b),
        (K::Complex, K::Complex) => complex_of(promote_floats(real_of(a), real_of(b))),
        (K::Complex, _) => complex_of(promote_types(real_of(a), b)),
        (_, K::Complex) => complex_of(promote_types(a, real_of(b))),
    }
}

fn promote_int_float(int: DType, float: DType) -> DType {
    let need = float_for_int(int);
    if float == DType::BFloat16 && need == DType::Float16 {
        return DType::BFloat16;
    }
    promote_floats(need, float)
}

/// NumPy's order of dtype kinds for `same_kind` casting: bool < unsigned <
/// signed < float < complex.
fn kind_rank(d: DType) -> u8 {
    match d.kind() {
        DTypeKind::Bool => 0,
        DTypeKind::UInt => 1,
        DTypeKind::Int => 2,
        DTypeKind::Float => 3,
        DTypeKind::Complex => 4,
    }
}

/// Whether `from` casts to `to` without losing values (NumPy's `safe`
/// rule; the Array API's `can_cast`): `to` is what `from` and `to` promote to.
pub fn can_cast(from: DType, to: DType) -> bool {
    promote_types(from, to) == to
}

/// NumPy's `same_kind` rule, used by in-place operations: safe casts and
/// casts within a kind (float64 → float32), never to a lower kind
/// (float → int).
pub fn can_cast_same_kind(from: DType, to: DType) -> bool {
    can_cast(from, to) || kind_rank(from) <= kind_rank(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::*;

    #[test]
    fn numpy_table_spots() {
        assert_eq!(promote_types(Int8, UInt8), Int16);
        assert_eq!(promote_types(Int64, UInt64), Float64);
        assert_eq!(promote_types(UInt32, Int64), Int64);
        assert_eq!(promote_types(Int16, Float16), Float32);
        assert_eq!(promote_types(UInt8, Float16), Float16);
        assert_eq!(promote_types(Int32, Float32), Float64);
        assert_eq!(promote_types(Complex64, Float64), Complex128);
        assert_eq!(promote_types(Complex64, Int8), Complex64);
        assert_eq!(promote_types(Bool, Float16), Float16);
        assert_eq!(promote_types(BFloat16, Float16), Float32);
        assert_eq!(promote_types(BFloat16, UInt8), BFloat16);
        assert_eq!(promote_types(BFloat16, Int32), Float64);
        assert!(can_cast(Int8, Float32) && !can_cast(Float32, Int64) && can_cast(UInt8, Int16));
        assert!(can_cast_same_kind(Float64, Float32) && !can_cast_same_kind(Float32, Int8));
        assert!(can_cast_same_kind(UInt64, Int8) && !can_cast_same_kind(Int8, UInt64));
        for x in DType::ALL {
            for y in DType::ALL {
                assert_eq!(promote_types(x, y), promote_types(y, x), "{x} {y}");
            }
        }
    }
}
