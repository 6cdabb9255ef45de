//! `clip` with scalar bounds in one pass: `minimum(maximum(x, lo), hi)`
//! per element, reading and writing memory once instead of twice.
//!
//! The element functions are the binary `maximum`/`minimum` ones, so NaN
//! propagation and `lo > hi` (giving `hi`) are theirs.

use super::binary::{maximum, minimum};
use super::map::map1;
use crate::element::Element;
use crate::{DType, Result, Tensor};

/// `x` clipped to the 0-d bounds `lo` and `hi` (either may be absent),
/// both already in `x`'s dtype. `None` for dtypes without a one-pass loop
/// (bool, complex, float16, bfloat16): the caller takes the general path.
pub fn clip_scalars(
    x: &Tensor,
    lo: Option<&Tensor>,
    hi: Option<&Tensor>,
) -> Result<Option<Tensor>> {
    super::host::only("clip_scalars", &[x]);
    for b in [lo, hi].into_iter().flatten() {
        assert!(
            b.ndim() == 0 && b.dtype() == x.dtype(),
            "clip_scalars takes 0-d bounds of x's dtype"
        );
    }
    fn run<T: Element + PartialOrd>(
        x: &Tensor,
        lo: Option<&Tensor>,
        hi: Option<&Tensor>,
    ) -> Result<Option<Tensor>> {
        let value = |b: Option<&Tensor>| -> Result<Option<T>> {
            b.map(|b| Ok(b.to_vec::<T>()?[0])).transpose()
        };
        let (lo, hi) = (value(lo)?, value(hi)?);
        // SAFETY: each arm below writes every element of `out`.
        let out = unsafe { x.uninit_like(x.dtype())? };
        match (lo, hi) {
            (Some(l), Some(h)) => map1(&out, x, move |v: T| minimum(maximum(v, l), h)),
            (Some(l), None) => map1(&out, x, move |v: T| maximum(v, l)),
            (None, Some(h)) => map1(&out, x, move |v: T| minimum(v, h)),
            (None, None) => map1(&out, x, |v: T| v),
        }
        Ok(Some(out))
    }
    match x.dtype() {
        DType::Float32 => run::<f32>(x, lo, hi),
        DType::Float64 => run::<f64>(x, lo, hi),
        DType::Int8 => run::<i8>(x, lo, hi),
        DType::Int16 => run::<i16>(x, lo, hi),
        DType::Int32 => run::<i32>(x, lo, hi),
        DType::Int64 => run::<i64>(x, lo, hi),
        DType::UInt8 => run::<u8>(x, lo, hi),
        DType::UInt16 => run::<u16>(x, lo, hi),
        DType::UInt32 => run::<u32>(x, lo, hi),
        DType::UInt64 => run::<u64>(x, lo, hi),
        DType::Bool | DType::Complex64 | DType::Complex128 | DType::Float16 | DType::BFloat16 => {
            Ok(None)
        }
    }
}
