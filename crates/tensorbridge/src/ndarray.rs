//! Zero-copy conversions with the `ndarray` crate (feature `ndarray`).
//!
//! An owned `ArrayD<T>` becomes a tensor that adopts its buffer; a tensor
//! lends itself as an `ArrayViewD<T>` with the same strides (negative
//! strides are built as positive ones from the lowest address and then
//! inverted, since ndarray's raw constructors accept only non-negative
//! strides).

#![allow(unsafe_code)]

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder};

use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::{ForeignOwner, Storage};
use crate::{DType, Device, Tensor};

struct ArrayOwner<T>(#[allow(dead_code)] Vec<T>);
impl<T: Send + Sync + 'static> ForeignOwner for ArrayOwner<T> {
    /// The storage adopted the array's buffer; no one else holds it.
    fn is_private(&self) -> bool {
        true
    }
}

impl<T: Element> From<ArrayD<T>> for Tensor {
    /// Adopts the array's buffer without copying.
    fn from(array: ArrayD<T>) -> Tensor {
        let shape = array.shape().to_vec();
        let strides: Vec<isize> = array.strides().to_vec();
        let (mut vec, offset) = array.into_raw_vec_and_offset();
        let offset = offset.unwrap_or(0);
        let len = vec.len();
        let ptr = vec.as_mut_ptr() as *mut u8;
        let layout = Layout::checked(&shape, &strides, offset, len)
            .expect("an ndarray's layout lies inside its own buffer");
        // SAFETY: the Vec's buffer holds `len` initialised elements and is kept
        // alive, unmoved, by the owner.
        let storage = unsafe {
            Storage::from_foreign(ptr, len * T::DTYPE.itemsize(), Device::Cpu, false, Box::new(ArrayOwner(vec)))
        }
        .expect("a Vec's pointer is non-null");
        Tensor::from_parts(Arc::new(storage), layout, T::DTYPE)
    }
}

impl Tensor {
    /// Borrows the tensor as an `ndarray` view with the same strides.
    ///
    /// Errors if `T` is not the tensor's element type, the tensor is not on
    /// the CPU, or (for `bool`) its bytes are not all 0 or 1. The storage
    /// is pinned: `share_memory_` refuses it from then on, since the view
    /// would keep reading the old memory.
    pub fn as_array_view<T: Element>(&self) -> Result<ArrayViewD<'_, T>> {
        if T::DTYPE != self.dtype() {
            return Err(Error::DTypeMismatch {
                op: "as_array_view",
                expected: T::DTYPE,
                got: self.dtype(),
            });
        }
        if !self.device().is_cpu() {
            return Err(Error::DeviceUnavailable {
                op: "as_array_view",
                device: self.device(),
            });
        }
        if T::DTYPE == DType::Bool && self.to_vec::<u8>().is_ok_and(|v| v.iter().any(|&b| b > 1)) {
            return Err(Error::InvalidArgument {
                op: "as_array_view",
                reason: "bool memory holds bytes other than 0 and 1; normalise it with .to(bool) on a copy first",
            });
        }
        // The view holds the address for as long as it lives and cannot say
        // when it ends, so the bytes must never move (see `Storage::pin`).
        self.storage().pin();
        let mut ptr = self.data_ptr() as *const T;
        let mut inverted = Vec::new();
        let mut strides = Vec::with_capacity(self.ndim());
        for (k, (&d, &s)) in self.shape().iter().zip(self.strides()).enumerate() {
            if s < 0 && d > 0 {
                // Start from the lowest address of this axis.
                ptr = ptr.wrapping_offset(s * (d as isize - 1));
                inverted.push(k);
            }
            strides.push(s.unsigned_abs());
        }
        if self.numel() == 0 {
            ptr = std::ptr::NonNull::<T>::dangling().as_ptr();
        }
        // SAFETY: the checked layout keeps every element inside the storage,
        // which outlives the returned borrow of `self`; `ptr` is the lowest
        // element address, so non-negative strides address the same set.
        let mut view = unsafe { ArrayViewD::from_shape_ptr(IxDyn(self.shape()).strides(IxDyn(&strides)), ptr) };
        for k in inverted {
            view.invert_axis(Axis(k));
        }
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, ArrayD, IxDyn};

    #[test]
    fn round_trip_without_copy() {
        let a = ArrayD::from_shape_vec(IxDyn(&[2, 3]), (0..6).map(|x| x as f32).collect()).unwrap();
        let p = a.as_ptr();
        let t = Tensor::from(a);
        assert_eq!(t.data_ptr() as *const f32, p);
        let tt = t.t();
        let v = tt.as_array_view::<f32>().unwrap();
        assert_eq!(v.shape(), &[3, 2]);
        assert_eq!(v[[2, 1]], 5.0);
        assert!(t.as_array_view::<f64>().is_err());
    }

    #[test]
    fn negative_strides_and_sliced_arrays() {
        let a = ArrayD::from_shape_vec(IxDyn(&[4]), vec![1i64, 2, 3, 4]).unwrap();
        let t = Tensor::from(a.slice(s![..;-1]).to_owned().into_dyn());
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![4, 3, 2, 1]);
        let r = Tensor::from_vec(vec![1i64, 2, 3, 4], &[4]).unwrap().slice(0, None, None, -2).unwrap();
        let v = r.as_array_view::<i64>().unwrap();
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), vec![4, 2]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_view_pins_the_storage() {
        let t = Tensor::from_vec(vec![1f64, 2.0], &[2]).unwrap();
        let v = t.as_array_view::<f64>().unwrap();
        assert_eq!(t.share_memory_().unwrap_err(), Error::ShareExported);
        assert_eq!(v[[1]], 2.0);
    }
}
