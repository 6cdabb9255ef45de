//! `diff`: the n-th discrete difference along an axis, with optional
//! values joined before and after.
//!
//! Each step subtracts two views (`x[1:] - x[:-1]` along the axis) with the
//! binary `subtract`, or `not_equal` for bools, as NumPy does.

use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::ops::binary::{binary, BinaryOp};
use crate::promote::promote_types;
use crate::tensor::Tensor;

/// `diff(x, axis=axis, n=n, prepend=..., append=...)` of the Array API
/// standard. `prepend` and `append` must match `x`'s shape except along
/// `axis`.
pub fn diff(x: &Tensor, axis: i64, n: usize, prepend: Option<&Tensor>, append: Option<&Tensor>) -> Result<Tensor> {
    if x.ndim() == 0 {
        return Err(Error::InvalidArgument {
            op: "diff",
            reason: "diff needs at least one dimension; add one with expand_dims or reshape",
        });
    }
    let ax = normalize_axis(axis, x.ndim(), "diff")?;
    if n == 0 {
        return x.clone_data(); // NumPy ignores prepend/append then
    }
    let mut parts: Vec<&Tensor> = Vec::with_capacity(3);
    parts.extend(prepend);
    parts.push(x);
    parts.extend(append);
    let mut cur = if parts.len() == 1 { x.clone() } else { join(&parts, ax)? };
    let op = if cur.dtype() == crate::DType::Bool {
        BinaryOp::NotEqual
    } else {
        BinaryOp::Subtract
    };
    for _ in 0..n {
        let len = cur.shape()[ax] as i64;
        if len == 0 {
            break;
        }
        let hi = cur.slice(ax as i64, Some(1), None, 1)?;
        let lo = cur.slice(ax as i64, None, Some(len - 1), 1)?;
        cur = binary(op, &hi, &lo)?;
    }
    Ok(cur)
}

/// Joins tensors along `axis` into a new tensor of their promoted dtype.
fn join(parts: &[&Tensor], axis: usize) -> Result<Tensor> {
    let first = parts[0];
    let mut shape = first.shape().to_vec();
    let mut dtype = first.dtype();
    let mut total = 0usize;
    for p in parts {
        let same_rest = p.ndim() == shape.len()
            && p.shape().iter().zip(&shape).enumerate().all(|(k, (a, b))| k == axis || a == b);
        if !same_rest {
            let mut want = shape.clone();
            want[axis] = p.shape().get(axis).copied().unwrap_or(0);
            return Err(Error::ShapeMismatch {
                op: "diff",
                expected: want,
                got: p.shape().to_vec(),
            });
        }
        total += p.shape()[axis];
        dtype = promote_types(dtype, p.dtype());
    }
    shape[axis] = total;
    let out = Tensor::zeros(&shape, dtype)?;
    let mut start = 0i64;
    for p in parts {
        let len = p.shape()[axis] as i64;
        out.slice(axis as i64, Some(start), Some(start + len), 1)?.copy_(p)?;
        start += len;
    }
    Ok(out)
}
