//! The fifteen element types and the one table that describes them.
//!
//! Every fact about a dtype that a boundary needs (NumPy's type string, the
//! buffer-protocol format, DLPack's type code) lives in [`DTYPE_TABLE`], one
//! row per dtype, so adding a boundary means adding a column, not a `match`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The element type of a tensor.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum DType {
    /// One byte, `0` or `1`.
    Bool,
    /// Signed 8-bit integer.
    Int8,
    /// Signed 16-bit integer.
    Int16,
    /// Signed 32-bit integer.
    Int32,
    /// Signed 64-bit integer.
    Int64,
    /// Unsigned 8-bit integer.
    UInt8,
    /// Unsigned 16-bit integer.
    UInt16,
    /// Unsigned 32-bit integer.
    UInt32,
    /// Unsigned 64-bit integer.
    UInt64,
    /// IEEE 754 half precision.
    Float16,
    /// Brain floating point: the upper half of a float32.
    BFloat16,
    /// IEEE 754 single precision.
    Float32,
    /// IEEE 754 double precision.
    Float64,
    /// Two float32: real, imaginary.
    Complex64,
    /// Two float64: real, imaginary.
    Complex128,
}

/// The broad family of a dtype, as DLPack and NumPy's `kind` group them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DTypeKind {
    /// `bool`.
    Bool,
    /// Signed integers.
    Int,
    /// Unsigned integers.
    UInt,
    /// Real floating point (including bfloat16).
    Float,
    /// Complex floating point.
    Complex,
}

/// One row of the dtype table.
#[derive(Copy, Clone, Debug)]
pub struct DTypeInfo {
    /// The dtype this row describes.
    pub dtype: DType,
    /// Canonical name, as in `tensorbridge.float32`.
    pub name: &'static str,
    /// Size of one element in bytes.
    pub itemsize: usize,
    /// Family.
    pub kind: DTypeKind,
    /// NumPy array-interface type string without the byte-order character
    /// (`"f4"`); bfloat16 has none in NumPy itself and uses ml_dtypes' `"V2"`.
    pub typestr: &'static str,
    /// PEP 3118 struct format character(s) for the buffer protocol, if any.
    pub buffer_format: Option<&'static str>,
    /// DLPack `DLDataTypeCode` (0 int, 1 uint, 2 float, 4 bfloat, 5 complex, 6 bool).
    pub dlpack_code: u8,
    /// DLPack `bits`.
    pub dlpack_bits: u8,
}

const fn row(
    dtype: DType,
    name: &'static str,
    itemsize: usize,
    kind: DTypeKind,
    typestr: &'static str,
    buffer_format: Option<&'static str>,
    dlpack_code: u8,
) -> DTypeInfo {
    DTypeInfo {
        dtype,
        name,
        itemsize,
        kind,
        typestr,
        buffer_format,
        dlpack_code,
        dlpack_bits: (itemsize * 8) as u8,
    }
}

/// The dtype table, indexed by `DType as usize`.
pub const DTYPE_TABLE: [DTypeInfo; 15] = {
    use DType::*;
    use DTypeKind as K;
    [
        row(Bool, "bool", 1, K::Bool, "b1", Some("?"), 6),
        row(Int8, "int8", 1, K::Int, "i1", Some("b"), 0),
        row(Int16, "int16", 2, K::Int, "i2", Some("h"), 0),
        row(Int32, "int32", 4, K::Int, "i4", Some("i"), 0),
        row(Int64, "int64", 8, K::Int, "i8", Some("q"), 0),
        row(UInt8, "uint8", 1, K::UInt, "u1", Some("B"), 1),
        row(UInt16, "uint16", 2, K::UInt, "u2", Some("H"), 1),
        row(UInt32, "uint32", 4, K::UInt, "u4", Some("I"), 1),
        row(UInt64, "uint64", 8, K::UInt, "u8", Some("Q"), 1),
        row(Float16, "float16", 2, K::Float, "f2", Some("e"), 2),
        row(BFloat16, "bfloat16", 2, K::Float, "V2", None, 4),
        row(Float32, "float32", 4, K::Float, "f4", Some("f"), 2),
        row(Float64, "float64", 8, K::Float, "f8", Some("d"), 2),
        row(Complex64, "complex64", 8, K::Complex, "c8", Some("Zf"), 5),
        row(Complex128, "complex128", 16, K::Complex, "c16", Some("Zd"), 5),
    ]
};

impl DType {
    /// All dtypes, in table order.
    pub const ALL: [DType; 15] = {
        let mut all = [DType::Bool; 15];
        let mut i = 0;
        while i < 15 {
            all[i] = DTYPE_TABLE[i].dtype;
            i += 1;
        }
        all
    };

    /// This dtype's row of [`DTYPE_TABLE`].
    #[inline]
    pub const fn info(self) -> &'static DTypeInfo {
        &DTYPE_TABLE[self as usize]
    }

    /// Canonical name (`"float32"`).
    #[inline]
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// Bytes per element.
    #[inline]
    pub const fn itemsize(self) -> usize {
        self.info().itemsize
    }

    /// Family of this dtype.
    #[inline]
    pub const fn kind(self) -> DTypeKind {
        self.info().kind
    }

    /// Real floating point (float16, bfloat16, float32, float64).
    #[inline]
    pub fn is_floating_point(self) -> bool {
        self.kind() == DTypeKind::Float
    }

    /// complex64 or complex128.
    #[inline]
    pub fn is_complex(self) -> bool {
        self.kind() == DTypeKind::Complex
    }

    /// Signed integers and every floating or complex type (PyTorch's `is_signed`).
    #[inline]
    pub fn is_signed(self) -> bool {
        !matches!(self.kind(), DTypeKind::Bool | DTypeKind::UInt)
    }

    /// Signed or unsigned integer (not bool).
    #[inline]
    pub fn is_integer(self) -> bool {
        matches!(self.kind(), DTypeKind::Int | DTypeKind::UInt)
    }

    /// Looks a dtype up by DLPack type code and bit width (lanes must be 1).
    pub fn from_dlpack(code: u8, bits: u8) -> Option<DType> {
        DTYPE_TABLE
            .iter()
            .find(|r| r.dlpack_code == code && r.dlpack_bits == bits)
            .map(|r| r.dtype)
    }

    /// Looks a dtype up by NumPy type string without byte order (`"f4"`, `"?"` too).
    pub fn from_typestr(typestr: &str) -> Option<DType> {
        let s = typestr.trim_start_matches(['<', '>', '=', '|']);
        if s == "?" || s == "b1" {
            return Some(DType::Bool);
        }
        DTYPE_TABLE.iter().find(|r| r.typestr == s).map(|r| r.dtype)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DType {
    type Err = Error;

    /// Parses canonical names, PyTorch aliases (`float`, `double`, `half`,
    /// `long`, `int`, `short`, `cfloat`, `cdouble`) and NumPy type strings
    /// (`"f4"`, `"<i8"`, `"?"`).
    fn from_str(s: &str) -> Result<DType> {
        let name = s.trim();
        let name = name.strip_prefix("tensorbridge.").unwrap_or(name);
        let name = name.strip_prefix("torch.").unwrap_or(name);
        let alias = match name {
            "float" => Some(DType::Float32),
            "double" => Some(DType::Float64),
            "half" => Some(DType::Float16),
            "long" => Some(DType::Int64),
            "int" => Some(DType::Int32),
            "short" => Some(DType::Int16),
            "cfloat" => Some(DType::Complex64),
            "cdouble" => Some(DType::Complex128),
            "bool_" => Some(DType::Bool),
            _ => None,
        };
        alias
            .or_else(|| DTYPE_TABLE.iter().find(|r| r.name == name).map(|r| r.dtype))
            .or_else(|| {
                if name.starts_with('>') {
                    None
                } else {
                    DType::from_typestr(name)
                }
            })
            .ok_or_else(|| Error::UnknownDType {
                name: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_discriminant() {
        for (i, row) in DTYPE_TABLE.iter().enumerate() {
            assert_eq!(row.dtype as usize, i);
            assert_eq!(DType::ALL[i], row.dtype);
        }
    }

    #[test]
    fn names_round_trip() {
        for dt in DType::ALL {
            assert_eq!(dt.name().parse::<DType>().unwrap(), dt);
            assert_eq!(DType::from_dlpack(dt.info().dlpack_code, dt.info().dlpack_bits), Some(dt));
        }
        assert_eq!("<f4".parse::<DType>().unwrap(), DType::Float32);
        assert_eq!("double".parse::<DType>().unwrap(), DType::Float64);
        assert!(">f4".parse::<DType>().is_err());
        assert!("float128".parse::<DType>().is_err());
    }

    #[test]
    fn predicates() {
        assert!(DType::BFloat16.is_floating_point());
        assert!(!DType::UInt8.is_signed());
        assert!(DType::Complex64.is_signed());
        assert!(!DType::Bool.is_integer());
        assert_eq!(DType::Complex128.itemsize(), 16);
    }
}
