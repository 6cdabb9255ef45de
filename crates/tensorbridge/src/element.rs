//! The Rust element types and the dtype each one stands for.
//!
//! [`Element`] ties a Rust type to its [`DType`]; [`dispatch_dtype!`](crate::dispatch_dtype) is the
//! one macro that turns a runtime dtype into a monomorphised call.

#![allow(unsafe_code)]

use half::{bf16, f16};
use num_complex::Complex;

use crate::dtype::DType;

/// A Rust type that is the element of a tensor of dtype [`Element::DTYPE`].
///
/// # Safety
///
/// Implementors must be plain data whose size is `DTYPE.itemsize()` and for
/// which every byte pattern a producer of that dtype may write is a valid
/// value. `bool` is the one exception to "every pattern": tensorbridge only
/// ever reads bool storage as `u8` and normalises on the way in.
pub unsafe trait Element: Copy + Send + Sync + PartialEq + std::fmt::Debug + 'static {
    /// The dtype of tensors holding this element type.
    const DTYPE: DType;
}

macro_rules! element {
    ($($t:ty => $d:ident),* $(,)?) => {$(
        // SAFETY: each type is plain data of the dtype's itemsize (checked by
        // the `sizes_match` test); all bit patterns are valid for it.
        unsafe impl Element for $t {
            const DTYPE: DType = DType::$d;
        }
    )*};
}

element! {
    i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64,
    u8 => UInt8, u16 => UInt16, u32 => UInt32, u64 => UInt64,
    f16 => Float16, bf16 => BFloat16, f32 => Float32, f64 => Float64,
    Complex<f32> => Complex64, Complex<f64> => Complex128,
}

// SAFETY: `bool` is one byte like `DType::Bool`. Foreign bool memory may hold
// bytes other than 0/1, so tensorbridge's kernels read bool storage as `u8`
// and never materialise a `bool` from unvalidated bytes.
unsafe impl Element for bool {
    const DTYPE: DType = DType::Bool;
}

/// Runs `$body` with `$t` bound to the Rust element type of `$dtype`.
///
/// Bool storage is bound to `u8` (see [`Element`]'s safety note), so bodies
/// that read raw memory never build an invalid `bool`.
#[macro_export]
macro_rules! dispatch_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {{
        use $crate::DType as __D;
        match $dtype {
            __D::Bool => { type $t = u8; $body }
            __D::Int8 => { type $t = i8; $body }
            __D::Int16 => { type $t = i16; $body }
            __D::Int32 => { type $t = i32; $body }
            __D::Int64 => { type $t = i64; $body }
            __D::UInt8 => { type $t = u8; $body }
            __D::UInt16 => { type $t = u16; $body }
            __D::UInt32 => { type $t = u32; $body }
            __D::UInt64 => { type $t = u64; $body }
            __D::Float16 => { type $t = $crate::f16; $body }
            __D::BFloat16 => { type $t = $crate::bf16; $body }
            __D::Float32 => { type $t = f32; $body }
            __D::Float64 => { type $t = f64; $body }
            __D::Complex64 => { type $t = $crate::Complex<f32>; $body }
            __D::Complex128 => { type $t = $crate::Complex<f64>; $body }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size_of<T: Element>() -> (usize, usize) {
        (std::mem::size_of::<T>(), T::DTYPE.itemsize())
    }

    #[test]
    fn sizes_match() {
        for (a, b) in [
            size_of::<bool>(),
            size_of::<i8>(),
            size_of::<i16>(),
            size_of::<i32>(),
            size_of::<i64>(),
            size_of::<u8>(),
            size_of::<u16>(),
            size_of::<u32>(),
            size_of::<u64>(),
            size_of::<f16>(),
            size_of::<bf16>(),
            size_of::<f32>(),
            size_of::<f64>(),
            size_of::<Complex<f32>>(),
            size_of::<Complex<f64>>(),
        ] {
            assert_eq!(a, b);
        }
    }

    #[test]
    fn dispatch_binds_the_right_size() {
        for dt in DType::ALL {
            let size = dispatch_dtype!(dt, T => std::mem::size_of::<T>());
            assert_eq!(size, dt.itemsize(), "{dt}");
        }
    }
}
