//! Constructors: new owned storage, wrapped Rust vectors, and the one checked
//! road from foreign parts to a tensor.

#![allow(unsafe_code)]

use std::sync::Arc;

use super::Tensor;
use crate::device::Device;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::layout::{checked_numel, Layout, MAX_NDIM};
use crate::scalar::Scalar;
use crate::storage::{ForeignOwner, Storage};

/// Keeps a Rust `Vec` alive as the owner of a tensor's memory.
struct VecOwner<T>(#[allow(dead_code)] Vec<T>);
impl<T: Send + Sync + 'static> ForeignOwner for VecOwner<T> {
    /// The storage adopted the `Vec`; no one else holds it.
    fn is_private(&self) -> bool {
        true
    }
}

/// The parts of a tensor that arrived from outside tensorbridge (NumPy,
/// DLPack, a `.npy` header) and have not been validated yet.
///
/// [`UncheckedParts::into_tensor`] is the only way to turn them into a
/// tensor: it checks rank, sizes, overflow of the byte extent, null data and
/// alignment before any memory is touched.
#[derive(Clone, Debug)]
pub struct UncheckedParts {
    /// Address of the element at index `[0, 0, ...]`.
    pub data: *mut u8,
    /// Element type.
    pub dtype: DType,
    /// Dimension sizes, signed as foreign formats give them.
    pub shape: Vec<i64>,
    /// Strides in elements, signed.
    pub strides: Vec<i64>,
    /// Whether the producer forbids writes.
    pub readonly: bool,
    /// Where the memory is.
    pub device: Device,
}

/// Converts byte strides into element strides, refusing strides that are
/// not a whole number of elements.
pub fn strides_from_bytes(strides_bytes: &[i64], dtype: DType) -> Result<Vec<i64>> {
    let size = dtype.itemsize() as i64;
    strides_bytes
        .iter()
        .map(|&s| {
            if s % size == 0 {
                Ok(s / size)
            } else {
                Err(Error::FractionalStride {
                    stride_bytes: s as isize,
                    itemsize: size as usize,
                    dtype,
                })
            }
        })
        .collect()
}

/// Required alignment in bytes of one element of `dtype`.
pub fn element_align(dtype: DType) -> usize {
    crate::dispatch_dtype!(dtype, T => std::mem::align_of::<T>())
}

impl UncheckedParts {
    /// Validates the parts and wraps the memory without copying.
    ///
    /// # Safety
    ///
    /// If the parts pass validation, every element they describe must be
    /// readable (and writable unless `readonly`) on `device` for as long as
    /// `owner` is alive.
    pub unsafe fn into_tensor(self, owner: Box<dyn ForeignOwner>) -> Result<Tensor> {
        // SAFETY: passed on to our caller (see `# Safety`).
        unsafe { self.build(owner, None) }
    }

    /// Like [`UncheckedParts::into_tensor`], for memory of known extent (a
    /// buffer, a mapped file): also checks that every element lies inside
    /// the `region_len_bytes` bytes that start at `region_start`.
    ///
    /// # Safety
    ///
    /// The region is readable (and writable unless `readonly`) on `device`
    /// for as long as `owner` is alive.
    pub unsafe fn into_tensor_in(
        self,
        region_start: *const u8,
        region_len_bytes: usize,
        owner: Box<dyn ForeignOwner>,
    ) -> Result<Tensor> {
        // SAFETY: passed on to our caller (see `# Safety`); `build` refuses
        // parts that reach outside the region.
        unsafe { self.build(owner, Some((region_start as usize, region_len_bytes))) }
    }

    /// The checks of both constructors; `region` is `(start address, bytes)`.
    ///
    /// # Safety
    ///
    /// As for [`UncheckedParts::into_tensor_in`] with a region, else as for
    /// [`UncheckedParts::into_tensor`].
    unsafe fn build(self, owner: Box<dyn ForeignOwner>, region: Option<(usize, usize)>) -> Result<Tensor> {
        let ndim = self.shape.len();
        if ndim > MAX_NDIM {
            return Err(Error::TooManyDims { ndim, max: MAX_NDIM });
        }
        if self.strides.len() != ndim {
            return Err(Error::InvalidArgument {
                op: "from foreign memory",
                reason: "shape and strides have different lengths",
            });
        }
        let mut shape = Vec::with_capacity(ndim);
        for &d in &self.shape {
            if d < 0 {
                return Err(Error::NegativeDim { dim: d });
            }
            shape.push(usize::try_from(d).map_err(|_| Error::Overflow { what: "shape" })?);
        }
        let numel = checked_numel(&shape)?;
        let itemsize = self.dtype.itemsize() as i128;
        let mut strides = Vec::with_capacity(ndim);
        let (mut lo, mut hi) = (0i128, 0i128);
        for (&d, &s) in shape.iter().zip(&self.strides) {
            // Saturating: a few dimensions of 2^63 elements times 2^63-element
            // strides exceed even i128, and any saturated extent fails below.
            let reach = (d as i128 - 1).max(0).saturating_mul(s as i128);
            if reach < 0 {
                lo = lo.saturating_add(reach);
            } else {
                hi = hi.saturating_add(reach);
            }
            strides.push(if numel == 0 { 0 } else { isize::try_from(s).map_err(|_| Error::Overflow { what: "stride" })? });
        }
        if numel == 0 {
            let strides = crate::layout::contiguous_strides(&shape)?;
            let layout = Layout::checked(&shape, &strides, 0, 0)?;
            // SAFETY: zero bytes are described; the pointer is never read.
            let storage = unsafe { Storage::from_foreign(self.data, 0, self.device, self.readonly, owner)? };
            return Ok(Tensor::from_parts(Arc::new(storage), layout, self.dtype));
        }
        if self.data.is_null() {
            return Err(Error::NullData { shape });
        }
        let addr = self.data as usize as i128;
        let lo_addr = addr.saturating_add(lo.saturating_mul(itemsize));
        let end_addr = addr.saturating_add(hi.saturating_add(1).saturating_mul(itemsize));
        if lo_addr < 0 || end_addr > usize::MAX as i128 || end_addr - lo_addr > isize::MAX as i128 {
            return Err(Error::Overflow {
                what: "byte extent of shape and strides",
            });
        }
        if let Some((start, len)) = region {
            let (start, end) = (start as i128, start as i128 + len as i128);
            if lo_addr < start || end_addr > end {
                return Err(Error::OutOfBounds {
                    lowest: (lo_addr - start).div_euclid(itemsize),
                    highest: (end_addr - start).div_euclid(itemsize) - 1,
                    len: len / itemsize as usize,
                    dtype: self.dtype,
                });
            }
        }
        let align = element_align(self.dtype);
        if (self.data as usize) % align != 0 {
            return Err(Error::Misaligned {
                dtype: self.dtype,
                address: self.data as usize,
                align,
            });
        }
        let len_bytes = (end_addr - lo_addr) as usize;
        let offset = (-lo) as usize;
        let layout = Layout::checked_owned(shape, strides, offset, len_bytes / itemsize as usize)?;
        // SAFETY: lo_addr..end_addr is exactly the memory the parts describe,
        // which the caller guarantees is valid while `owner` lives.
        let storage = unsafe {
            Storage::from_foreign(lo_addr as usize as *mut u8, len_bytes, self.device, self.readonly, owner)?
        };
        Ok(Tensor::from_parts(Arc::new(storage), layout, self.dtype))
    }
}

impl Tensor {
    /// A new owned contiguous tensor whose bytes are not initialised.
    ///
    /// # Safety
    ///
    /// Every element must be written before any is read (the copy kernels
    /// and builders that call this fill the whole tensor).
    pub unsafe fn uninit(shape: &[usize], dtype: DType) -> Result<Tensor> {
        let layout = Layout::contiguous(shape)?;
        let bytes = layout.numel().checked_mul(dtype.itemsize()).ok_or(Error::Overflow { what: "byte size" })?;
        Ok(Tensor::from_parts(Arc::new(Storage::uninit(bytes)?), layout, dtype))
    }

    /// A new owned contiguous tensor of zeros (what `empty` means in safe code).
    pub fn empty(shape: &[usize], dtype: DType) -> Result<Tensor> {
        Tensor::zeros(shape, dtype)
    }

    /// A new owned contiguous tensor of zeros.
    pub fn zeros(shape: &[usize], dtype: DType) -> Result<Tensor> {
        let layout = Layout::contiguous(shape)?;
        let bytes = layout.numel().checked_mul(dtype.itemsize()).ok_or(Error::Overflow { what: "byte size" })?;
        Ok(Tensor::from_parts(Arc::new(Storage::zeroed(bytes)?), layout, dtype))
    }

    /// A new tensor with every element set to `value` (converted like a cast).
    pub fn full(shape: &[usize], value: Scalar, dtype: DType) -> Result<Tensor> {
        // SAFETY: `fill_` writes every element before anyone can read one.
        let t = unsafe { Tensor::uninit(shape, dtype)? };
        t.fill_(value)?;
        Ok(t)
    }

    /// A new owned tensor with the same shape as `self`, not initialised;
    /// dense views keep their dimension order (PyTorch's preserve format),
    /// everything else becomes C-contiguous.
    ///
    /// # Safety
    ///
    /// As for [`Tensor::uninit`]: write every element before reading.
    pub(crate) unsafe fn uninit_like(&self, dtype: DType) -> Result<Tensor> {
        if self.is_contiguous() {
            // SAFETY: passed on to our caller (see `# Safety`).
            return unsafe { Tensor::uninit(self.shape(), dtype) };
        }
        match self.dense_order() {
            Some(perm) if perm.iter().enumerate().any(|(k, &p)| k != p) => {
                // Allocate in the permuted order, then view it back.
                let permuted: Vec<usize> = perm.iter().map(|&p| self.shape()[p]).collect();
                // SAFETY: passed on to our caller (see `# Safety`).
                let base = unsafe { Tensor::uninit(&permuted, dtype)? };
                let mut inverse = vec![0i64; perm.len()];
                for (k, &p) in perm.iter().enumerate() {
                    inverse[p] = k as i64;
                }
                base.permute(&inverse)
            }
            // SAFETY: passed on to our caller (see `# Safety`).
            _ => unsafe { Tensor::uninit(self.shape(), dtype) },
        }
    }

    /// A new tensor holding this view's elements converted to `dtype`,
    /// C-contiguous or (`preserve_order`) in the view's dense order.
    pub(crate) fn copied(&self, dtype: DType, preserve_order: bool) -> Result<Tensor> {
        self.require_cpu("copy")?;
        // SAFETY: `copy_cast` writes every element of `out` before it is
        // returned.
        let out = unsafe {
            if preserve_order {
                self.uninit_like(dtype)?
            } else {
                Tensor::uninit(self.shape(), dtype)?
            }
        };
        crate::cpu::copy::copy_cast(self, &out);
        Ok(out)
    }

    /// If the view is dense (its elements fill a block without gaps or
    /// overlap, all strides positive), the dimension order from largest
    /// stride to smallest.
    pub fn dense_order(&self) -> Option<Vec<usize>> {
        let l = self.layout();
        if l.is_contiguous() {
            // The common case, without sorting or building a permuted layout.
            return Some((0..l.ndim()).collect());
        }
        if l.strides().iter().zip(l.shape()).any(|(&s, &d)| s <= 0 && d > 1) {
            return None;
        }
        let mut perm: Vec<usize> = (0..l.ndim()).collect();
        perm.sort_by(|&a, &b| l.strides()[b].cmp(&l.strides()[a]).then(a.cmp(&b)));
        let permuted = l.permute(&perm.iter().map(|&p| p as i64).collect::<Vec<_>>()).ok()?;
        permuted.is_contiguous().then_some(perm)
    }

    /// Takes ownership of `data` as a tensor of `shape`, without copying.
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<Tensor> {
        let numel = checked_numel(shape)?;
        if numel != data.len() {
            return Err(Error::LengthMismatch {
                op: "from_vec",
                expected: numel,
                got: data.len(),
            });
        }
        let mut data = data;
        let ptr = data.as_mut_ptr() as *mut u8;
        let len_bytes = std::mem::size_of_val(data.as_slice());
        let layout = Layout::contiguous(shape)?;
        // SAFETY: the Vec's buffer holds `len_bytes` initialised bytes and is
        // kept alive (and never reallocated) by the owner we hand over.
        let storage = unsafe { Storage::from_foreign(ptr, len_bytes, Device::Cpu, false, Box::new(VecOwner(data)))? };
        Ok(Tensor::from_parts(Arc::new(storage), layout, T::DTYPE))
    }

    /// Copies `data` into a new tensor of `shape`.
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<Tensor> {
        Tensor::from_vec(data.to_vec(), shape)
    }

    /// The checked constructor for a view on existing storage: validates
    /// rank, overflow and bounds of `shape`/`strides`/`offset` (elements).
    pub fn from_storage(
        storage: Arc<Storage>,
        dtype: DType,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
    ) -> Result<Tensor> {
        let len = storage.len_bytes() / dtype.itemsize();
        let layout = Layout::checked(shape, strides, offset, len).map_err(|e| match e {
            Error::OutOfBounds { lowest, highest, len, .. } => Error::OutOfBounds {
                lowest,
                highest,
                len,
                dtype,
            },
            e => e,
        })?;
        if (storage.as_ptr() as usize) % element_align(dtype) != 0 {
            return Err(Error::Misaligned {
                dtype,
                address: storage.as_ptr() as usize,
                align: element_align(dtype),
            });
        }
        Ok(Tensor::from_parts(storage, layout, dtype))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(data: *mut u8, shape: &[i64], strides: &[i64]) -> UncheckedParts {
        UncheckedParts {
            data,
            dtype: DType::Float32,
            shape: shape.to_vec(),
            strides: strides.to_vec(),
            readonly: false,
            device: Device::Cpu,
        }
    }

    #[test]
    fn foreign_negative_strides_rebase_storage() {
        let mut buf = vec![0f32, 1., 2., 3.];
        let last = buf.as_mut_ptr().wrapping_add(3) as *mut u8;
        // SAFETY: `buf` outlives the tensor within this test.
        let t = unsafe { parts(last, &[4], &[-1]).into_tensor(Box::new(())) }.unwrap();
        assert_eq!(t.to_vec::<f32>().unwrap(), vec![3., 2., 1., 0.]);
        assert_eq!(t.storage().len_bytes(), 16);
    }

    #[test]
    fn foreign_validation_errors() {
        let mut buf = vec![0f32; 4];
        let p = buf.as_mut_ptr() as *mut u8;
        let bad = [
            parts(std::ptr::null_mut(), &[2], &[1]),
            parts(p, &[-1], &[1]),
            parts(p, &[2], &[1, 1]),
            parts(p, &[i64::MAX, 2], &[1, 1]),
            parts(p, &[3], &[i64::MAX / 2]),
            parts(p, &[1 << 40], &[-(1 << 40)]),
            parts(p.wrapping_add(1), &[2], &[1]),
            parts(p, &vec![1; 65], &vec![1; 65]),
        ];
        for b in bad {
            // SAFETY: each is rejected before memory is touched.
            assert!(unsafe { b.clone().into_tensor(Box::new(())) }.is_err(), "{b:?}");
        }
        // SAFETY: null data with zero elements is never read.
        let empty = unsafe { parts(std::ptr::null_mut(), &[0, 3], &[3, 1]).into_tensor(Box::new(())) }.unwrap();
        assert_eq!(empty.shape(), &[0, 3]);
    }

    #[test]
    fn region_bounds_are_checked() {
        let mut buf = vec![0f32; 4];
        let p = buf.as_mut_ptr() as *mut u8;
        let ok = [parts(p, &[4], &[1]), parts(p.wrapping_add(12), &[4], &[-1]), parts(p, &[2, 2], &[1, 2])];
        for b in ok {
            // SAFETY: `buf` outlives the tensors within this test.
            assert!(unsafe { b.clone().into_tensor_in(p, 16, Box::new(())) }.is_ok(), "{b:?}");
        }
        let bad = [parts(p, &[5], &[1]), parts(p.wrapping_add(4), &[4], &[1]), parts(p, &[2], &[-1]), parts(p, &[2, 2], &[1, 3])];
        for b in bad {
            // SAFETY: each reaches outside the region and is rejected first.
            let e = unsafe { b.clone().into_tensor_in(p, 16, Box::new(())) }.unwrap_err();
            assert!(matches!(e, Error::OutOfBounds { .. }), "{b:?}: {e}");
        }
    }

    #[test]
    fn uninit_like_preserves_dense_order() {
        let t = Tensor::zeros(&[2, 3], DType::Int32).unwrap().transpose(0, 1).unwrap();
        // SAFETY: only the layout is inspected.
        let e = unsafe { t.uninit_like(DType::Float64) }.unwrap();
        assert_eq!(e.shape(), &[3, 2]);
        assert_eq!(e.strides(), &[1, 3]);
        let s = Tensor::zeros(&[4], DType::Int32).unwrap().slice(0, None, None, 2).unwrap();
        // SAFETY: only the layout is inspected.
        assert_eq!(unsafe { s.uninit_like(DType::Int32) }.unwrap().strides(), &[1]);
    }

    #[test]
    fn from_storage_checks_bounds() {
        let s = Arc::new(Storage::zeroed(16).unwrap());
        assert!(Tensor::from_storage(s.clone(), DType::Float32, &[4], &[1], 0).is_ok());
        assert!(Tensor::from_storage(s.clone(), DType::Float32, &[4], &[1], 1).is_err());
        assert!(Tensor::from_storage(s, DType::Float64, &[3], &[1], 0).is_err());
    }
}
