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
    // Scalar bounds that keep `x`'s dtype (Python numbers, 0-d tensors):
    // one pass over memory instead of two.
    let scalar = |b: Option<&Tensor>| {
        b.is_none_or(|b| b.ndim() == 0 && b.device().is_cpu() && promote_types(x.dtype(), b.dtype()) == x.dtype())
    };
    if x.device().is_cpu() && (min.is_some() || max.is_some()) && scalar(min) && scalar(max) {
        let cast = |b: Option<&Tensor>| b.map(|b| b.to(x.dtype())).transpose();
        if let Some(out) = crate::cpu::clip::clip_scalars(x, cast(min)?.as_ref(), cast(max)?.as_ref())? {
            return Ok(out);
        }
    }
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
