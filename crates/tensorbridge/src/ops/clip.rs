//! `clip`: elementwise bounds, as `minimum(maximum(x, min), max)`.
//!
//! Built on the binary functions so promotion, broadcasting and NaN
//! propagation are theirs: a NaN bound gives NaN, and `min > max` gives
//! `max` everywhere (NumPy's answer).

use crate::error::Result;
use crate::ops::binary::{binary, BinaryOp};
use crate::tensor::Tensor;

/// `clip(x, min, max)` of the Array API standard; either bound may be absent.
pub fn clip(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>) -> Result<Tensor> {
    let lower = match min {
        Some(lo) => binary(BinaryOp::Maximum, x, lo)?,
        None => x.clone(),
    };
    match max {
        Some(hi) => binary(BinaryOp::Minimum, &lower, hi),
        None if min.is_some() => Ok(lower),
        None => x.clone_data(),
    }
}
