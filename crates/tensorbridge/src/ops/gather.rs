//! Selection by integer positions: `take`, `take_along_axis`, and the
//! gather and scatter behind `t[key]` / `t[key] = value` for keys with index
//! arrays (resolved by [`super::index_key`]).
//!
//! Every selection is a copy. Indexes may be negative (counted from the
//! end); one outside `-size..size` is an error naming it, its axis and the
//! size, raised before anything is written.

use super::index_key::IndexPlan;
use crate::cpu::gather::{self as kernel, Blocks, Picks};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::ops::require_cpu;
use crate::tensor::{IndexItem, Tensor, TensorIndex};

/// Index arrays must hold integers (bools count as 0 and 1, as NumPy's
/// `take` casts them).
fn check_index_dtype(indices: &Tensor, op: &'static str) -> Result<()> {
    if indices.dtype().is_integer() || indices.dtype() == DType::Bool {
        Ok(())
    } else {
        Err(Error::DTypeNotSupported {
            op,
            dtype: indices.dtype(),
            expected: "integer indices",
        })
    }
}

/// `take(x, indices, axis=axis)`: the elements of `x` at `indices` along
/// `axis`. The result has `x`'s shape with that axis replaced by the
/// indices' shape. `axis` may be omitted only for 1-d `x` (the standard's
/// rule; NumPy would flatten).
pub fn take(x: &Tensor, indices: &Tensor, axis: Option<i64>) -> Result<Tensor> {
    require_cpu("take", &[x])?;
    require_cpu("take", &[indices])?;
    check_index_dtype(indices, "take")?;
    let axis = match axis {
        Some(a) => normalize_axis(a, x.ndim(), "take")?,
        None if x.ndim() == 1 => 0,
        None => return Err(Error::InvalidArgument {
            op: "take",
            reason:
                "axis must be given for tensors that are not 1-d; pass axis=k (or flatten x first)",
        }),
    };
    let indices = if indices.dtype() == DType::Bool {
        indices.to_dtype(DType::Int64)?
    } else {
        indices.clone()
    };
    let mut key: Vec<IndexItem> = vec![
        IndexItem::Basic(TensorIndex::Slice {
            start: None,
            stop: None,
            step: 1
        });
        axis
    ];
    key.push(IndexItem::Array(indices));
    gather_key(x, &key)
}

/// `take_along_axis(x, indices, axis=axis)`: for each position of
/// `indices`, the element of `x` at that position with its `axis`
/// coordinate replaced by the index. `x` and `indices` have the same number
/// of dimensions and broadcast against each other except along `axis`; the
/// result has the broadcast shape with `indices`' size along `axis`.
pub fn take_along_axis(x: &Tensor, indices: &Tensor, axis: i64) -> Result<Tensor> {
    require_cpu("take_along_axis", &[x])?;
    require_cpu("take_along_axis", &[indices])?;
    check_index_dtype(indices, "take_along_axis")?;
    if x.ndim() != indices.ndim() {
        return Err(Error::InvalidArgument {
            op: "take_along_axis",
            reason: "`indices` and `x` must have the same number of dimensions; add axes with expand_dims or [..., None]",
        });
    }
    let axis = normalize_axis(axis, x.ndim(), "take_along_axis")?;
    let mut xs = x.shape().to_vec();
    let mut is = indices.shape().to_vec();
    xs[axis] = 1;
    is[axis] = 1;
    let mut out_shape =
        crate::layout::broadcast_shapes(&xs, &is, "take_along_axis").map_err(|_| {
            Error::ShapeMismatch {
                op: "take_along_axis",
                expected: x.shape().to_vec(),
                got: indices.shape().to_vec(),
            }
        })?;
    out_shape[axis] = indices.shape()[axis];
    let (axis_size, axis_stride) = (x.shape()[axis], x.strides()[axis]);
    if out_shape.contains(&0) {
        return Tensor::empty(&out_shape, x.dtype());
    }
    if axis_size == 0 {
        let first = indices
            .contiguous()?
            .to_dtype(DType::Int64)?
            .to_vec::<i64>()?;
        return Err(Error::IndexOutOfRange {
            axis,
            index: first.first().copied().unwrap_or(0),
            size: 0,
        });
    }
    // `x` seen with one element along the axis, broadcast to the output.
    let x1 = x
        .with_layout(x.layout().slice(axis, 0, 1, 1))
        .broadcast_to(&out_shape)?;
    let indices = indices.broadcast_to(&out_shape)?;
    kernel::take_along(&x1, axis_size, axis_stride, &indices, |index| {
        Error::IndexOutOfRange {
            axis,
            index,
            size: axis_size,
        }
    })
}

/// Sizes and strides of some dimensions of a view.
type Dims = (Vec<usize>, Vec<isize>);

/// The outer and inner dimensions of a plan's blocks.
fn block_dims(plan: &IndexPlan) -> (Dims, Dims) {
    let rest = plan.rest_dims();
    let (outer, inner) = rest.split_at(plan.insert_at());
    let dims = |ds: &[usize]| -> Dims {
        (
            ds.iter().map(|&d| plan.view.shape()[d]).collect(),
            ds.iter().map(|&d| plan.view.strides()[d]).collect(),
        )
    };
    (dims(outer), dims(inner))
}

/// `x[key]` for a key with index arrays: a new tensor (see
/// [`super::index_key`] for the rules).
pub fn gather_key(x: &Tensor, key: &[IndexItem]) -> Result<Tensor> {
    require_cpu("index", &[x])?;
    require_cpu_key(key)?;
    if let Some(mask) = super::mask::leading_mask(x, key) {
        return super::mask::select_leading(x, &mask);
    }
    let plan = IndexPlan::new(x, key)?;
    let picks = Picked::new(&plan, false)?;
    let ((outer_shape, outer_strides), (inner_shape, inner_strides)) = block_dims(&plan);
    kernel::gather(
        &plan.view,
        Blocks {
            outer_shape: &outer_shape,
            outer_strides: &outer_strides,
            picks: picks.as_picks(),
            inner_shape: &inner_shape,
            inner_strides: &inner_strides,
        },
        &plan.out_shape(),
    )
}

/// The picks of a plan, checked: one int64 index array is used as it is
/// (the common `x[idx]`); anything else becomes an array of offsets.
enum Picked {
    Offsets(Vec<isize>),
    Positions {
        index: Tensor,
        size: usize,
        stride: isize,
    },
}

impl Picked {
    /// `writes`: whether the view will be written while the picks are read
    /// (an index array sharing its memory is then copied first: `x[x] = 0`).
    fn new(plan: &IndexPlan, writes: bool) -> Result<Picked> {
        if let [a] = plan.advanced.as_slice() {
            if a.index.dtype() == DType::Int64 {
                let index = if writes && a.index.may_share_memory(&plan.view) {
                    a.index.to_contiguous()?
                } else {
                    a.index.contiguous()?
                };
                let (size, stride) = (plan.view.shape()[a.dim], plan.view.strides()[a.dim]);
                kernel::check_positions(positions_of(&index), size).map_err(|index| {
                    Error::IndexOutOfRange {
                        axis: a.axis,
                        index,
                        size,
                    }
                })?;
                return Ok(Picked::Positions {
                    index,
                    size,
                    stride,
                });
            }
        }
        plan.offsets().map(Picked::Offsets)
    }

    fn as_picks(&self) -> Picks<'_> {
        match self {
            Picked::Offsets(o) => Picks::Offsets(o),
            Picked::Positions {
                index,
                size,
                stride,
            } => Picks::Positions {
                index: positions_of(index),
                size: *size,
                stride: *stride,
            },
        }
    }
}

/// The elements of a contiguous int64 tensor.
fn positions_of(index: &Tensor) -> &[i64] {
    crate::cpu::gather::as_i64_slice(index)
}

/// Index arrays must be in host memory too: their values are read there.
pub(crate) fn require_cpu_key(key: &[IndexItem]) -> Result<()> {
    key.iter().try_for_each(|item| match item {
        IndexItem::Array(t) => require_cpu("index", &[t]),
        IndexItem::Basic(_) => Ok(()),
    })
}

/// `value` broadcast to `shape` as a C-contiguous tensor of `dtype` that
/// shares no memory with `x` (one element when `value` has one).
pub(crate) fn prepare_value(
    x: &Tensor,
    value: &Tensor,
    shape: &[usize],
    op: &'static str,
) -> Result<Tensor> {
    require_cpu(op, &[value])?;
    let mismatch = || Error::ShapeMismatch {
        op,
        expected: shape.to_vec(),
        got: value.shape().to_vec(),
    };
    // Leading size-1 dimensions beyond the target's are dropped, as NumPy
    // does for assignments (`a[[0, 1]] = ones((1, 2))`).
    let extra = value.ndim().saturating_sub(shape.len());
    let value = if extra > 0 && value.shape()[..extra].iter().all(|&d| d == 1) {
        &value.reshape(
            &value.shape()[extra..]
                .iter()
                .map(|&d| d as i64)
                .collect::<Vec<_>>(),
        )?
    } else {
        value
    };
    let v = value.broadcast_to(shape).map_err(|_| mismatch())?;
    if value.numel() == 1 && !shape.contains(&0) {
        let one = value.reshape(&[])?;
        if one.dtype() == x.dtype() && !one.may_share_memory(x) {
            return Ok(one);
        }
        return kernel::contiguous_as(&one, x.dtype());
    }
    if v.is_contiguous() && v.dtype() == x.dtype() && !v.may_share_memory(x) {
        return Ok(v);
    }
    kernel::contiguous_as(&v, x.dtype())
}

/// `x[key] = value` for a key with index arrays: `value` broadcasts to the
/// shape `x[key]` has and is cast to `x`'s dtype; elements picked twice
/// keep the last value written (NumPy's order).
pub fn scatter_key(x: &Tensor, key: &[IndexItem], value: &Tensor) -> Result<()> {
    x.check_writable("index assignment")?;
    require_cpu_key(key)?;
    require_cpu("index assignment", &[value])?;
    if let Some(mask) = super::mask::leading_mask(x, key) {
        return super::mask::assign_leading(x, &mask, value);
    }
    let plan = IndexPlan::new(x, key)?;
    let shape = plan.out_shape();
    let value = prepare_value(x, value, &shape, "index assignment")?;
    let picks = Picked::new(&plan, true)?;
    let ((outer_shape, outer_strides), (inner_shape, inner_strides)) = block_dims(&plan);
    kernel::scatter(
        &plan.view,
        Blocks {
            outer_shape: &outer_shape,
            outer_strides: &outer_strides,
            picks: picks.as_picks(),
            inner_shape: &inner_shape,
            inner_strides: &inner_strides,
        },
        &value,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: Vec<i64>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(v, shape).unwrap()
    }

    #[test]
    fn take_negative_and_errors() {
        let x = t((0..12).collect(), &[3, 4]);
        let r = take(&x, &t(vec![-1, 0], &[2]), Some(1)).unwrap();
        assert_eq!(r.shape(), &[3, 2]);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![3, 0, 7, 4, 11, 8]);
        assert!(matches!(
            take(&x, &t(vec![4], &[1]), Some(1)),
            Err(Error::IndexOutOfRange {
                axis: 1,
                index: 4,
                size: 4
            })
        ));
        assert!(take(&x, &t(vec![0], &[1]), None).is_err());
    }

    #[test]
    fn take_along_axis_broadcasts() {
        let x = t((0..6).collect(), &[2, 3]);
        let i = t(vec![2, 0], &[1, 2]);
        let r = take_along_axis(&x, &i, 1).unwrap();
        assert_eq!(r.shape(), &[2, 2]);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![2, 0, 5, 3]);
        assert!(take_along_axis(&x, &t(vec![3], &[1, 1]), 1).is_err());
    }

    #[test]
    fn gather_and_scatter_mixed_keys() {
        let x = t((0..24).collect(), &[2, 3, 4]);
        let idx = IndexItem::Array(t(vec![2, 0], &[2]));
        let all = IndexItem::Basic(TensorIndex::Slice {
            start: None,
            stop: None,
            step: 1,
        });
        let r = x
            .index_get(&[
                all.clone(),
                idx.clone(),
                IndexItem::Basic(TensorIndex::Int(-1)),
            ])
            .unwrap();
        assert_eq!(r.shape(), &[2, 2]);
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![11, 3, 23, 15]);
        assert!(!r.same_storage(&x));
        x.index_set(&[all, idx], &t(vec![-1], &[])).unwrap();
        let v = x.to_vec::<i64>().unwrap();
        assert_eq!(&v[..12], &[-1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1]);
    }

    #[test]
    fn scatter_with_its_own_memory_as_index() {
        let x = t(vec![1, 0, 2], &[3]);
        x.index_set(&[IndexItem::Array(x.clone())], &t(vec![5, 6, 7], &[3]))
            .unwrap();
        assert_eq!(x.to_vec::<i64>().unwrap(), vec![6, 5, 7]);
    }

    #[test]
    fn scatter_last_write_wins_and_casts() {
        let x = Tensor::zeros(&[4], DType::Float32).unwrap();
        x.index_set(
            &[IndexItem::Array(t(vec![1, 1, -1], &[3]))],
            &t(vec![5, 6, 7], &[3]),
        )
        .unwrap();
        assert_eq!(x.to_vec::<f32>().unwrap(), vec![0., 6., 0., 7.]);
    }
}
