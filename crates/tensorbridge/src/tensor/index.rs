//! Indexing keys. Basic keys (integers, slices, new axes and an ellipsis)
//! resolve into one view; keys with index arrays (integer positions,
//! boolean masks) select a copy, by NumPy's rules (see
//! [`crate::ops::gather`] and [`crate::ops::mask`]).

use super::Tensor;
use crate::error::{Error, Result};
use crate::layout::MAX_NDIM;

/// One component of a basic indexing key, as in `t[1, ::-1, None, ...]`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TensorIndex {
    /// An integer: selects one position and removes the dimension.
    Int(i64),
    /// `start:stop:step` with Python semantics.
    Slice {
        /// First index (`None`: from the start, or the end when stepping back).
        start: Option<i64>,
        /// One past the last index (`None`: to the end).
        stop: Option<i64>,
        /// Step; must not be zero.
        step: i64,
    },
    /// `None`: inserts a size-1 dimension.
    NewAxis,
    /// `...`: as many full slices as needed.
    Ellipsis,
}

/// One component of any indexing key: a basic component, or an index array
/// (an integer tensor of positions, or a bool tensor used as a mask).
#[derive(Clone, Debug)]
pub enum IndexItem {
    /// An integer, slice, `None` or `...`.
    Basic(TensorIndex),
    /// Integer positions (negative count from the end) or a boolean mask
    /// over as many dimensions as it has (a 0-d bool adds an axis of length
    /// 1 or 0).
    Array(Tensor),
}

impl From<TensorIndex> for IndexItem {
    fn from(i: TensorIndex) -> IndexItem {
        IndexItem::Basic(i)
    }
}

impl Tensor {
    /// `t[key]` for any key: a view for basic keys, a copy when the key
    /// holds an index array (NumPy's advanced indexing).
    pub fn index_get(&self, key: &[IndexItem]) -> Result<Tensor> {
        if crate::ops::index_key::is_advanced(key) {
            return crate::ops::gather::gather_key(self, key);
        }
        self.index(&basic_key(key))
    }

    /// `t[key] = value` for any key: `value` is broadcast to the shape
    /// `t[key]` has and cast to `t`'s dtype. With index arrays that pick an
    /// element twice, the last write wins (as in NumPy).
    pub fn index_set(&self, key: &[IndexItem], value: &Tensor) -> Result<()> {
        if crate::ops::index_key::is_advanced(key) {
            return crate::ops::gather::scatter_key(self, key, value);
        }
        self.index(&basic_key(key))?.copy_(value)
    }

    /// Applies a basic indexing key, returning a view.
    pub fn index(&self, key: &[TensorIndex]) -> Result<Tensor> {
        let consumed = key
            .iter()
            .filter(|k| matches!(k, TensorIndex::Int(_) | TensorIndex::Slice { .. }))
            .count();
        let ellipses = key
            .iter()
            .filter(|k| matches!(k, TensorIndex::Ellipsis))
            .count();
        if ellipses > 1 {
            return Err(Error::InvalidIndex {
                reason: "an index can only have a single ellipsis ('...')",
            });
        }
        if consumed > self.ndim() {
            return Err(Error::TooManyIndices {
                ndim: self.ndim(),
                given: consumed,
            });
        }
        let new_axes = key
            .iter()
            .filter(|k| matches!(k, TensorIndex::NewAxis))
            .count();
        if self.ndim() - consumed + new_axes > MAX_NDIM {
            return Err(Error::TooManyDims {
                ndim: self.ndim() - consumed + new_axes,
                max: MAX_NDIM,
            });
        }
        let mut layout = self.layout().clone();
        // `axis` is the position in the output layout being built; input
        // dimensions not yet reached sit at and after it.
        let mut axis = 0usize;
        for k in key {
            match *k {
                TensorIndex::Int(i) => {
                    // Report the axis of the original tensor in errors.
                    layout = layout.select(axis, i).map_err(|e| match e {
                        Error::IndexOutOfRange { index, size, .. } => Error::IndexOutOfRange {
                            axis: self.ndim() - (layout.ndim() - axis),
                            index,
                            size,
                        },
                        e => e,
                    })?;
                }
                TensorIndex::Slice { start, stop, step } => {
                    layout = layout.slice_py(axis, start, stop, step)?;
                    axis += 1;
                }
                TensorIndex::NewAxis => {
                    layout = layout.unsqueeze(axis)?;
                    axis += 1;
                }
                TensorIndex::Ellipsis => axis += self.ndim() - consumed,
            }
        }
        Ok(self.with_layout(layout))
    }
}

fn basic_key(key: &[IndexItem]) -> Vec<TensorIndex> {
    key.iter()
        .filter_map(|k| match k {
            IndexItem::Basic(b) => Some(*b),
            IndexItem::Array(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::TensorIndex as I;
    use crate::Tensor;

    fn s(start: Option<i64>, stop: Option<i64>, step: i64) -> I {
        I::Slice { start, stop, step }
    }

    #[test]
    fn mixed_key() {
        let t = Tensor::from_vec((0..24i64).collect(), &[2, 3, 4]).unwrap();
        let v = t
            .index(&[I::Int(-1), I::NewAxis, I::Ellipsis, s(None, None, -2)])
            .unwrap();
        assert_eq!(v.shape(), &[1, 3, 2]);
        assert_eq!(v.to_vec::<i64>().unwrap(), vec![15, 13, 19, 17, 23, 21]);
        let e = t.index(&[I::Ellipsis, I::Int(0)]).unwrap();
        assert_eq!(e.shape(), &[2, 3]);
        assert!(t
            .index(&[I::Int(0), I::Int(0), I::Int(0), I::Int(0)])
            .is_err());
        assert!(t.index(&[I::Int(0), I::Int(5)]).is_err());
        assert!(t.index(&[I::Ellipsis, I::Ellipsis]).is_err());
    }
}
