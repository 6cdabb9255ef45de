//! A single value of any dtype, as `item()` returns it and `fill_` takes it.

use half::{bf16, f16};
use num_complex::Complex;

use crate::dtype::{DType, DTypeKind};

/// One element, widened to the largest Rust type of its family.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A bool.
    Bool(bool),
    /// A signed integer (int8..int64).
    Int(i64),
    /// An unsigned integer (uint8..uint64).
    UInt(u64),
    /// A real float (float16, bfloat16, float32, float64), exactly widened.
    Float(f64),
    /// A complex number, exactly widened.
    Complex(f64, f64),
}

impl Scalar {
    /// The dtype a tensor built from this scalar alone gets by default
    /// (PyTorch's defaults: int64, float32, complex64).
    pub fn default_dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int(_) => DType::Int64,
            Scalar::UInt(_) => DType::UInt64,
            Scalar::Float(_) => DType::Float32,
            Scalar::Complex(..) => DType::Complex64,
        }
    }

    /// The family of this value.
    pub fn kind(self) -> DTypeKind {
        match self {
            Scalar::Bool(_) => DTypeKind::Bool,
            Scalar::Int(_) => DTypeKind::Int,
            Scalar::UInt(_) => DTypeKind::UInt,
            Scalar::Float(_) => DTypeKind::Float,
            Scalar::Complex(..) => DTypeKind::Complex,
        }
    }

    /// Reads one element of `dtype` from `bytes` (native byte order).
    ///
    /// `bytes` must hold at least `dtype.itemsize()` bytes.
    pub fn from_ne_bytes(dtype: DType, bytes: &[u8]) -> Scalar {
        fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
            b[..N].try_into().expect("length checked by slicing")
        }
        match dtype {
            DType::Bool => Scalar::Bool(bytes[0] != 0),
            DType::Int8 => Scalar::Int(i8::from_ne_bytes(arr(bytes)).into()),
            DType::Int16 => Scalar::Int(i16::from_ne_bytes(arr(bytes)).into()),
            DType::Int32 => Scalar::Int(i32::from_ne_bytes(arr(bytes)).into()),
            DType::Int64 => Scalar::Int(i64::from_ne_bytes(arr(bytes))),
            DType::UInt8 => Scalar::UInt(bytes[0].into()),
            DType::UInt16 => Scalar::UInt(u16::from_ne_bytes(arr(bytes)).into()),
            DType::UInt32 => Scalar::UInt(u32::from_ne_bytes(arr(bytes)).into()),
            DType::UInt64 => Scalar::UInt(u64::from_ne_bytes(arr(bytes))),
            DType::Float16 => Scalar::Float(f16::from_ne_bytes(arr(bytes)).to_f64()),
            DType::BFloat16 => Scalar::Float(bf16::from_ne_bytes(arr(bytes)).to_f64()),
            DType::Float32 => Scalar::Float(f32::from_ne_bytes(arr(bytes)).into()),
            DType::Float64 => Scalar::Float(f64::from_ne_bytes(arr(bytes))),
            DType::Complex64 => {
                let re = f32::from_ne_bytes(arr(&bytes[..4]));
                let im = f32::from_ne_bytes(arr(&bytes[4..8]));
                Scalar::Complex(re.into(), im.into())
            }
            DType::Complex128 => {
                let re = f64::from_ne_bytes(arr(&bytes[..8]));
                let im = f64::from_ne_bytes(arr(&bytes[8..16]));
                Scalar::Complex(re, im)
            }
        }
    }

    /// The value as a one-element tensor of its natural dtype, as native bytes:
    /// (dtype, bytes). Used to feed a scalar through the cast kernels so that
    /// scalar fills convert exactly like array casts do.
    pub fn to_ne_bytes(self) -> (DType, [u8; 16]) {
        let mut out = [0u8; 16];
        let dtype = match self {
            Scalar::Bool(b) => {
                out[0] = b as u8;
                DType::Bool
            }
            Scalar::Int(v) => {
                out[..8].copy_from_slice(&v.to_ne_bytes());
                DType::Int64
            }
            Scalar::UInt(v) => {
                out[..8].copy_from_slice(&v.to_ne_bytes());
                DType::UInt64
            }
            Scalar::Float(v) => {
                out[..8].copy_from_slice(&v.to_ne_bytes());
                DType::Float64
            }
            Scalar::Complex(re, im) => {
                let c = Complex::new(re, im);
                out[..8].copy_from_slice(&c.re.to_ne_bytes());
                out[8..].copy_from_slice(&c.im.to_ne_bytes());
                DType::Complex128
            }
        };
        (dtype, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_through_widest_type() {
        for s in [
            Scalar::Bool(true),
            Scalar::Int(-5),
            Scalar::UInt(u64::MAX),
            Scalar::Float(-0.5),
            Scalar::Complex(1.5, -2.0),
        ] {
            let (dt, bytes) = s.to_ne_bytes();
            assert_eq!(Scalar::from_ne_bytes(dt, &bytes), s);
        }
    }
}
