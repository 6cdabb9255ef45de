//! Views: new handles on the same storage with another layout.
//!
//! Each method normalises its arguments (negative axes), asks
//! [`crate::layout::Layout`] for the new layout and wraps it. Only
//! [`Tensor::reshape`] and [`Tensor::flatten`] may copy, and only when the
//! strides cannot express the new shape.

use super::Tensor;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{infer_shape, normalize_axis};

impl Tensor {
    /// `[start:stop:step]` along `axis` (Python semantics, any non-zero step).
    pub fn slice(&self, axis: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> Result<Tensor> {
        let axis = normalize_axis(axis, self.ndim(), "slice")?;
        Ok(self.with_layout(self.layout().slice_py(axis, start, stop, step)?))
    }

    /// Removes `axis`, keeping index `index` (negative counts from the end).
    pub fn select(&self, axis: i64, index: i64) -> Result<Tensor> {
        let axis = normalize_axis(axis, self.ndim(), "select")?;
        Ok(self.with_layout(self.layout().select(axis, index)?))
    }

    /// Inserts a size-1 dimension at `dim` (`-ndim-1..=ndim`).
    pub fn unsqueeze(&self, dim: i64) -> Result<Tensor> {
        let pos = normalize_axis(dim, self.ndim() + 1, "unsqueeze")?;
        Ok(self.with_layout(self.layout().unsqueeze(pos)?))
    }

    /// Removes size-1 dimensions: every one (`None`) or those listed.
    pub fn squeeze(&self, dims: Option<&[i64]>) -> Result<Tensor> {
        let axes = match dims {
            None => None,
            Some(ds) => Some(
                ds.iter()
                    .map(|&d| normalize_axis(d, self.ndim().max(1), "squeeze"))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok(self.with_layout(self.layout().squeeze(axes.as_deref())))
    }

    /// Reorders dimensions.
    pub fn permute(&self, dims: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout().permute(dims)?))
    }

    /// Swaps two dimensions.
    pub fn transpose(&self, dim0: i64, dim1: i64) -> Result<Tensor> {
        let n = self.ndim().max(1);
        let a = normalize_axis(dim0, n, "transpose")?;
        let b = normalize_axis(dim1, n, "transpose")?;
        if self.ndim() == 0 {
            return Ok(self.clone());
        }
        Ok(self.with_layout(self.layout().transpose(a, b)))
    }

    /// All dimensions reversed (`.T`).
    pub fn t(&self) -> Tensor {
        self.with_layout(self.layout().reversed())
    }

    /// The last two dimensions swapped (`.mT`); needs two dimensions.
    pub fn mt(&self) -> Result<Tensor> {
        if self.ndim() < 2 {
            return Err(Error::InvalidArgument {
                op: "mT",
                reason: "needs a tensor with at least 2 dimensions; use .T or unsqueeze first",
            });
        }
        self.transpose(-2, -1)
    }

    /// Broadcasts to `sizes` (`-1` keeps a dimension) with stride-0 views.
    pub fn expand(&self, sizes: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout().expand(sizes)?))
    }

    /// Broadcasts to `shape` by NumPy's rules.
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout().broadcast_to(shape, "broadcast_to")?))
    }

    /// The same elements under a new shape without copying, or
    /// [`Error::ViewNotPossible`] when the strides do not allow it.
    pub fn view(&self, shape: &[i64]) -> Result<Tensor> {
        Ok(self.with_layout(self.layout().view(shape)?))
    }

    /// A new shape: a view when the strides allow it, else a contiguous copy.
    pub fn reshape(&self, shape: &[i64]) -> Result<Tensor> {
        let shape = infer_shape(shape, self.numel(), "reshape")?;
        match self.layout().view_shape(&shape) {
            Some(layout) => Ok(self.with_layout(layout)),
            None => {
                let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
                self.to_contiguous()?.view(&shape)
            }
        }
    }

    /// The same bytes read as another dtype (PyTorch's `view(dtype)`). With a
    /// different itemsize the last dimension must be contiguous and its byte
    /// length divisible by the new itemsize.
    pub fn view_dtype(&self, dtype: DType) -> Result<Tensor> {
        let (old, new) = (self.itemsize(), dtype.itemsize());
        if old == new {
            return Ok(Tensor::from_parts(self.storage().clone(), self.layout().clone(), dtype));
        }
        let bad = |reason| Error::InvalidArgument { op: "view(dtype)", reason };
        if self.ndim() == 0 {
            return Err(bad("a 0-d tensor cannot change itemsize; unsqueeze it first"));
        }
        let last = self.ndim() - 1;
        if self.strides()[last] != 1 && self.shape()[last] > 1 {
            return Err(bad("the last dimension must be contiguous; call .contiguous() first"));
        }
        let row_bytes = self.shape()[last] * old;
        let offset_bytes = self.layout().offset() * old;
        if row_bytes % new != 0 || offset_bytes % new != 0 {
            return Err(bad("the last dimension's byte size and the offset must be divisible by the new itemsize"));
        }
        let mut strides = Vec::with_capacity(self.ndim());
        for &s in &self.strides()[..last] {
            let sb = s * old as isize;
            if sb % new as isize != 0 {
                return Err(bad("every stride in bytes must be divisible by the new itemsize; call .contiguous() first"));
            }
            strides.push(sb / new as isize);
        }
        strides.push(1);
        let mut shape = self.shape().to_vec();
        shape[last] = row_bytes / new;
        Tensor::from_storage(self.storage().clone(), dtype, &shape, &strides, offset_bytes / new)
    }

    /// Merges dimensions `start..=end` into one (a view when possible).
    pub fn flatten(&self, start: i64, end: i64) -> Result<Tensor> {
        let n = self.ndim().max(1);
        let s = normalize_axis(start, n, "flatten")?;
        let e = normalize_axis(end, n, "flatten")?;
        if s > e {
            return Err(Error::InvalidArgument {
                op: "flatten",
                reason: "start_dim must not come after end_dim",
            });
        }
        if self.ndim() == 0 {
            return self.reshape(&[1]);
        }
        let shape: Vec<i64> = self.layout().flatten_shape(s, e).iter().map(|&d| d as i64).collect();
        self.reshape(&shape)
    }
}

#[cfg(test)]
mod tests {
    use crate::{DType, Tensor};

    fn arange(n: usize) -> Tensor {
        Tensor::from_vec((0..n as i32).collect(), &[n]).unwrap()
    }

    #[test]
    fn views_share_and_see_the_right_elements() {
        let t = arange(12).view(&[3, 4]).unwrap();
        let v = t.slice(1, None, None, -2).unwrap().transpose(0, 1).unwrap();
        assert!(v.same_storage(&t));
        assert_eq!(v.shape(), &[2, 3]);
        assert_eq!(v.to_vec::<i32>().unwrap(), vec![3, 7, 11, 1, 5, 9]);
        assert_eq!(t.select(0, -1).unwrap().to_vec::<i32>().unwrap(), vec![8, 9, 10, 11]);
        assert!(t.select(0, 3).is_err());
    }

    #[test]
    fn reshape_copies_only_when_needed() {
        let t = arange(6).view(&[2, 3]).unwrap();
        assert!(t.reshape(&[3, -1]).unwrap().same_storage(&t));
        let tt = t.t();
        assert!(tt.view(&[6]).is_err());
        let r = tt.reshape(&[6]).unwrap();
        assert!(!r.same_storage(&t));
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(tt.flatten(0, -1).unwrap().to_vec::<i32>().unwrap(), vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn squeeze_unsqueeze_expand() {
        let t = Tensor::zeros(&[1, 3, 1], DType::Float32).unwrap();
        assert_eq!(t.squeeze(None).unwrap().shape(), &[3]);
        assert_eq!(t.squeeze(Some(&[-1])).unwrap().shape(), &[1, 3]);
        assert_eq!(t.unsqueeze(-1).unwrap().shape(), &[1, 3, 1, 1]);
        assert_eq!(t.expand(&[2, -1, 4]).unwrap().strides(), &[0, 1, 0]);
        assert!(t.unsqueeze(4).is_err());
    }
}
