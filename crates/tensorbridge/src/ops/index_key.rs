//! Advanced indexing keys resolved by NumPy's rules into one plan: a view
//! plus the index arrays that pick along some of its dimensions.
//!
//! A key with at least one index array (integer positions or a boolean
//! mask) selects a copy. Its basic components still act as views first:
//! slices cut, `None` inserts an axis, `...` fills. Integers become index
//! arrays of shape `()` (NumPy treats them so once any array is present),
//! a k-dimensional mask becomes the k position arrays of its true elements
//! (what `nonzero` gives), and a 0-d bool becomes a new axis indexed by
//! `[0]` (true) or `[]` (false). The index arrays broadcast together to the
//! *index shape*; the result has the index shape where the advanced
//! components stood when they are adjacent in the key, and in front of all
//! remaining dimensions otherwise (NumPy's rule, under which an ellipsis or
//! `None` between two arrays separates them even when it adds no axis).

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, checked_numel, contiguous_strides, MAX_NDIM};
use crate::tensor::{IndexItem, Tensor, TensorIndex};

/// One dimension of the plan's view picked by an index array.
#[derive(Clone, Debug)]
pub(crate) struct AdvancedDim {
    /// The dimension of [`IndexPlan::view`] indexed.
    pub dim: usize,
    /// The axis of the indexed tensor it came from (for error messages).
    pub axis: usize,
    /// Integer positions (any integer dtype, any shape broadcastable to the
    /// plan's index shape); negative values count from the end.
    pub index: Tensor,
}

/// A resolved advanced key (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct IndexPlan {
    /// The indexed tensor after the key's basic components; dimensions
    /// picked by index arrays are kept whole.
    pub view: Tensor,
    /// The picked dimensions, in ascending order of `dim`.
    pub advanced: Vec<AdvancedDim>,
    /// The shape the index arrays broadcast to.
    pub index_shape: Vec<usize>,
    /// Whether the advanced components were adjacent in the key.
    pub adjacent: bool,
}

/// True when `key` holds an index array, so that it selects a copy rather
/// than a view.
pub(crate) fn is_advanced(key: &[IndexItem]) -> bool {
    key.iter().any(|k| matches!(k, IndexItem::Array(_)))
}

fn int_index(i: i64) -> Result<Tensor> {
    Tensor::from_vec(vec![i], &[])
}

impl IndexPlan {
    /// Resolves `key` against `x`.
    pub fn new(x: &Tensor, key: &[IndexItem]) -> Result<IndexPlan> {
        // NumPy reads an empty 1-d boolean array as an empty integer index
        // (`np.zeros(3)[np.array([], bool)]` has shape (0,)), not a mask.
        let is_empty_mask = |k: &IndexItem| matches!(k, IndexItem::Array(a) if a.dtype() == DType::Bool && a.ndim() == 1 && a.numel() == 0);
        let normalized: Vec<IndexItem>;
        let key = if key.iter().any(is_empty_mask) {
            normalized = key
                .iter()
                .map(|k| {
                    if is_empty_mask(k) {
                        Tensor::zeros(&[0], DType::Int64).map(IndexItem::Array)
                    } else {
                        Ok(k.clone())
                    }
                })
                .collect::<Result<_>>()?;
            &normalized[..]
        } else {
            key
        };
        let mut consumed = 0usize;
        let mut ellipses = 0usize;
        let mut new_axes = 0usize;
        for k in key {
            match k {
                IndexItem::Basic(TensorIndex::Int(_) | TensorIndex::Slice { .. }) => consumed += 1,
                IndexItem::Basic(TensorIndex::NewAxis) => new_axes += 1,
                IndexItem::Basic(TensorIndex::Ellipsis) => ellipses += 1,
                IndexItem::Array(a) if a.dtype() == DType::Bool => {
                    consumed += a.ndim();
                    new_axes += usize::from(a.ndim() == 0);
                }
                IndexItem::Array(a) if a.dtype().is_integer() => consumed += 1,
                IndexItem::Array(a) => return Err(Error::IndexDType { dtype: a.dtype() }),
            }
        }
        if ellipses > 1 {
            return Err(Error::InvalidIndex {
                reason: "an index can only have a single ellipsis ('...')",
            });
        }
        if consumed > x.ndim() {
            return Err(Error::TooManyIndices {
                ndim: x.ndim(),
                given: consumed,
            });
        }
        let fill = x.ndim() - consumed;
        if x.ndim() + new_axes > MAX_NDIM {
            return Err(Error::TooManyDims {
                ndim: x.ndim() + new_axes,
                max: MAX_NDIM,
            });
        }
        let mut layout = x.layout().clone();
        let mut advanced: Vec<AdvancedDim> = Vec::new();
        // Positions in `key` of the advanced components, for adjacency.
        let mut positions: Vec<usize> = Vec::new();
        // `dim`: position in the view being built; `axis`: position in `x`.
        let (mut dim, mut axis) = (0usize, 0usize);
        for (pos, k) in key.iter().enumerate() {
            match k {
                IndexItem::Basic(TensorIndex::Int(i)) => {
                    // Integers are checked even when the selection is empty
                    // (NumPy does; index arrays are checked only where used).
                    let size = layout.shape()[dim];
                    if (*i < 0 && i.unsigned_abs() > size as u64)
                        || (*i >= 0 && *i as u64 >= size as u64)
                    {
                        return Err(Error::IndexOutOfRange {
                            axis,
                            index: *i,
                            size,
                        });
                    }
                    advanced.push(AdvancedDim {
                        dim,
                        axis,
                        index: int_index(*i)?,
                    });
                    positions.push(pos);
                    dim += 1;
                    axis += 1;
                }
                IndexItem::Basic(TensorIndex::Slice { start, stop, step }) => {
                    layout = layout.slice_py(dim, *start, *stop, *step)?;
                    dim += 1;
                    axis += 1;
                }
                IndexItem::Basic(TensorIndex::NewAxis) => {
                    layout = layout.unsqueeze(dim)?;
                    dim += 1;
                }
                IndexItem::Basic(TensorIndex::Ellipsis) => {
                    dim += fill;
                    axis += fill;
                }
                IndexItem::Array(m) if m.dtype() == DType::Bool && m.ndim() == 0 => {
                    layout = layout.unsqueeze(dim)?;
                    let truth = matches!(m.item()?, crate::scalar::Scalar::Bool(true));
                    let index = if truth { vec![0i64] } else { vec![] };
                    let n = index.len();
                    advanced.push(AdvancedDim {
                        dim,
                        axis,
                        index: Tensor::from_vec(index, &[n])?,
                    });
                    positions.push(pos);
                    dim += 1;
                }
                IndexItem::Array(m) if m.dtype() == DType::Bool => {
                    for (j, (&mask_size, &size)) in
                        m.shape().iter().zip(&layout.shape()[dim..]).enumerate()
                    {
                        // The standard lets a mask dimension be 0 whatever
                        // the indexed size (it selects nothing), as NumPy does.
                        if mask_size != size && mask_size != 0 {
                            return Err(Error::MaskShapeMismatch {
                                axis: axis + j,
                                size,
                                mask_size,
                            });
                        }
                    }
                    for (j, index) in super::mask::nonzero(m)?.into_iter().enumerate() {
                        advanced.push(AdvancedDim {
                            dim: dim + j,
                            axis: axis + j,
                            index,
                        });
                    }
                    positions.push(pos);
                    dim += m.ndim();
                    axis += m.ndim();
                }
                IndexItem::Array(a) => {
                    advanced.push(AdvancedDim {
                        dim,
                        axis,
                        index: a.clone(),
                    });
                    positions.push(pos);
                    dim += 1;
                    axis += 1;
                }
            }
        }
        let mut index_shape: Vec<usize> = Vec::new();
        for a in &advanced {
            index_shape =
                broadcast_shapes(&index_shape, a.index.shape(), "index").map_err(|_| {
                    Error::IndexShapeMismatch {
                        shapes: advanced.iter().map(|a| a.index.shape().to_vec()).collect(),
                    }
                })?;
        }
        let adjacent = match (positions.first(), positions.last()) {
            (Some(&lo), Some(&hi)) => hi - lo + 1 == positions.len(),
            _ => true,
        };
        let view = x.with_layout(layout);
        let out_ndim = view.ndim() - advanced.len() + index_shape.len();
        if out_ndim > MAX_NDIM {
            return Err(Error::TooManyDims {
                ndim: out_ndim,
                max: MAX_NDIM,
            });
        }
        checked_numel(&index_shape)?;
        Ok(IndexPlan {
            view,
            advanced,
            index_shape,
            adjacent,
        })
    }

    /// The view's dimensions not picked by index arrays, in order.
    pub fn rest_dims(&self) -> Vec<usize> {
        (0..self.view.ndim())
            .filter(|d| !self.advanced.iter().any(|a| a.dim == *d))
            .collect()
    }

    /// How many of [`IndexPlan::rest_dims`] come before the index shape in
    /// the result.
    pub fn insert_at(&self) -> usize {
        match (self.adjacent, self.advanced.first()) {
            (true, Some(a)) => a.dim,
            _ => 0,
        }
    }

    /// The shape of the selection.
    pub fn out_shape(&self) -> Vec<usize> {
        let rest = self.rest_dims();
        let k = self.insert_at();
        let shape = self.view.shape();
        let mut out: Vec<usize> = rest[..k].iter().map(|&d| shape[d]).collect();
        out.extend_from_slice(&self.index_shape);
        out.extend(rest[k..].iter().map(|&d| shape[d]));
        out
    }

    /// For each position of the index shape (C order), the element offset
    /// the index arrays pick, relative to the view's first element; an
    /// index out of range is an error naming it, its axis and the size.
    pub fn offsets(&self) -> Result<Vec<isize>> {
        let n = checked_numel(&self.index_shape)?;
        let mut offsets = vec![0isize; n];
        if n == 0 {
            return Ok(offsets);
        }
        let out_strides = contiguous_strides(&self.index_shape)?;
        for a in &self.advanced {
            let size = self.view.shape()[a.dim];
            let stride = self.view.strides()[a.dim];
            let index = a.index.broadcast_to(&self.index_shape)?;
            crate::cpu::gather::add_offsets(&mut offsets, &out_strides, &index, size, stride)
                .map_err(|index| Error::IndexOutOfRange {
                    axis: a.axis,
                    index,
                    size,
                })?;
        }
        Ok(offsets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::TensorIndex as I;

    fn arr(v: Vec<i64>) -> IndexItem {
        let n = v.len();
        IndexItem::Array(Tensor::from_vec(v, &[n]).unwrap())
    }

    fn full() -> IndexItem {
        IndexItem::Basic(I::Slice {
            start: None,
            stop: None,
            step: 1,
        })
    }

    #[test]
    fn adjacency_decides_where_the_index_shape_goes() {
        let x = Tensor::zeros(&[3, 4, 5], DType::Float32).unwrap();
        let p = IndexPlan::new(&x, &[full(), arr(vec![0, 1]), arr(vec![1, 2])]).unwrap();
        assert_eq!(p.out_shape(), vec![3, 2]);
        let p =
            IndexPlan::new(&x, &[IndexItem::Basic(I::Int(0)), full(), arr(vec![0, 1])]).unwrap();
        assert_eq!(p.out_shape(), vec![2, 4]);
        let e = IndexItem::Basic(I::Ellipsis);
        let p = IndexPlan::new(&x, &[full(), arr(vec![0, 1]), e, arr(vec![0, 1])]).unwrap();
        assert_eq!(p.out_shape(), vec![2, 3]);
    }

    #[test]
    fn masks_and_errors() {
        let x = Tensor::zeros(&[3, 4], DType::Int32).unwrap();
        let m = Tensor::from_vec(vec![true, false, true], &[3]).unwrap();
        let p = IndexPlan::new(&x, &[IndexItem::Array(m)]).unwrap();
        assert_eq!(p.out_shape(), vec![2, 4]);
        // A mask dimension of 0 selects nothing, whatever the axis' size.
        for (mask_shape, out) in [
            (vec![3, 0], vec![0]),
            (vec![0, 4], vec![0]),
            (vec![0], vec![0, 4]),
        ] {
            let empty = Tensor::zeros(&mask_shape, DType::Bool).unwrap();
            let p = IndexPlan::new(&x, &[IndexItem::Array(empty)]).unwrap();
            assert_eq!(p.out_shape(), out);
        }
        let bad = Tensor::from_vec(vec![true, false], &[2]).unwrap();
        assert!(matches!(
            IndexPlan::new(&x, &[IndexItem::Array(bad)]),
            Err(Error::MaskShapeMismatch {
                axis: 0,
                size: 3,
                mask_size: 2
            })
        ));
        let p = IndexPlan::new(&x, &[full(), arr(vec![0, 4])]).unwrap();
        assert!(matches!(
            p.offsets(),
            Err(Error::IndexOutOfRange {
                axis: 1,
                index: 4,
                size: 4
            })
        ));
        let f = Tensor::zeros(&[1], DType::Float32).unwrap();
        assert!(matches!(
            IndexPlan::new(&x, &[IndexItem::Array(f)]),
            Err(Error::IndexDType { .. })
        ));
        assert!(matches!(
            IndexPlan::new(&x, &[arr(vec![0, 1]), arr(vec![0, 1, 2])]),
            Err(Error::IndexShapeMismatch { .. })
        ));
    }
}
