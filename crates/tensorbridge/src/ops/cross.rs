//! The vector products of the `linalg` extension: `cross` and `outer`.
//!
//! Both are compositions of the elementwise kernels on views, so they take
//! every numeric dtype with the promotion table and integer wrapping of
//! `multiply` and `subtract`, and every layout.

use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::ops::{binary, join, manipulate};
use crate::tensor::Tensor;

/// `cross(x1, x2, axis)`: the cross product of the 3-element vectors along
/// `axis` of each operand (counted in each operand, as NumPy does), the
/// other dimensions broadcast; the result has the vectors along `axis`.
pub fn cross(x1: &Tensor, x2: &Tensor, axis: i64) -> Result<Tensor> {
    let mut parts = Vec::with_capacity(2);
    for x in [x1, x2] {
        if x.ndim() == 0 {
            return Err(Error::TooFewDims {
                op: "cross",
                ndim: 0,
                min: 1,
            });
        }
        let ax = normalize_axis(axis, x.ndim(), "cross")?;
        if x.shape()[ax] != 3 {
            return Err(Error::IncompatibleShapes {
                op: "cross",
                x1_shape: x1.shape().to_vec(),
                x2_shape: x2.shape().to_vec(),
                reason: "both operands need 3 elements along axis",
            });
        }
        let last = manipulate::moveaxis(x, &[ax as i64], &[-1])?;
        parts.push([
            last.select(-1, 0)?,
            last.select(-1, 1)?,
            last.select(-1, 2)?,
        ]);
    }
    let ([a0, a1, a2], [b0, b1, b2]) = (&parts[0], &parts[1]);
    let term = |p: &Tensor, q: &Tensor, r: &Tensor, s: &Tensor| {
        binary::subtract(&binary::multiply(p, q)?, &binary::multiply(r, s)?)
    };
    let c = join::stack(
        &[
            term(a1, b2, a2, b1)?,
            term(a2, b0, a0, b2)?,
            term(a0, b1, a1, b0)?,
        ],
        -1,
    )?;
    manipulate::moveaxis(&c, &[-1], &[axis])
}

/// `outer(x1, x2)`: the `(len(x1), len(x2))` products of two 1-D tensors.
pub fn outer(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    if x1.ndim() != 1 || x2.ndim() != 1 {
        return Err(Error::IncompatibleShapes {
            op: "outer",
            x1_shape: x1.shape().to_vec(),
            x2_shape: x2.shape().to_vec(),
            reason: "outer takes two 1-D tensors; flatten them or use multiply with broadcasting",
        });
    }
    binary::multiply(&x1.unsqueeze(1)?, &x2.unsqueeze(0)?)
}
