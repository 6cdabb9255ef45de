//! `clip`: elementwise bounds, as `minimum(maximum(x, min), max)`.
//!
//! Built on the binary functions so promotion, broadcasting and NaN
//! propagation are theirs: a NaN bound gives NaN, and `min > max` gives
//! `max` everywhere (NumPy's answer).

use crate::error::Result;
use crate::ops::binary::{binary, binary_, BinaryOp};
use crate::promote::promote_types;
use crate::tensor::Tensor;

/// `clip(x, min, max)` of the Array API standard; either bound may be absent.
pub fn clip(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>) -> Result<Tensor> {
    let lower = match min {
        Some(lo) => binary(BinaryOp::Maximum, x, lo)?,
        None => x.clone(),
    };
    match max {
        // `lower` is a new tensor of the result's shape when `min` was
        // given: the upper bound is applied in place, in a second pass over
        // memory still in cache, instead of into another new tensor.
        Some(hi)
            if min.is_some()
                && lower.device().is_cpu()
                && promote_types(lower.dtype(), hi.dtype()) == lower.dtype()
                && crate::layout::broadcast_shapes(lower.shape(), hi.shape(), "clip").ok().as_deref()
                    == Some(lower.shape()) =>
        {
            binary_(BinaryOp::Minimum, &lower, hi)?;
            Ok(lower)
        }
        Some(hi) => binary(BinaryOp::Minimum, &lower, hi),
        None if min.is_some() => Ok(lower),
        None => x.clone_data(),
    }
}
