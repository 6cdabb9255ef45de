//! Copies, casts and writes: everything that moves element values.
//!
//! Writes check, in this order: the tensor is writeable, no two of its
//! elements share memory, and a source that overlaps the destination is
//! first copied aside, so `t[1:] = t[:-1]` behaves like NumPy.

use super::Tensor;
use crate::cpu;
use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result};
use crate::scalar::Scalar;

impl Tensor {
    pub(crate) fn require_cpu(&self, op: &'static str) -> Result<()> {
        if self.device().is_cpu() {
            Ok(())
        } else {
            Err(Error::DeviceUnavailable {
                op,
                device: self.device(),
            })
        }
    }

    /// Checks that `self` may be written through by a CPU kernel.
    pub(crate) fn check_writable(&self, op: &'static str) -> Result<()> {
        self.require_cpu(op)?;
        self.check_writable_anywhere(op)
    }

    /// Checks that `self` may be written through, on whatever device.
    fn check_writable_anywhere(&self, op: &'static str) -> Result<()> {
        if self.is_readonly() {
            return Err(Error::ReadOnly { op });
        }
        if self.layout().has_internal_overlap() {
            return Err(Error::InternalOverlap { op });
        }
        Ok(())
    }

    /// `self` if already C-contiguous, else a contiguous copy.
    pub fn contiguous(&self) -> Result<Tensor> {
        if self.is_contiguous() {
            Ok(self.clone())
        } else {
            self.to_contiguous()
        }
    }

    /// Always a new C-contiguous copy.
    pub fn to_contiguous(&self) -> Result<Tensor> {
        if !self.device().is_cpu() {
            let d = self.dtype();
            return super::on_device("contiguous", super::Elementwise::Cast, &[self], d, d, self.shape());
        }
        self.copied(self.dtype(), false)
    }

    /// A copy in new memory; dense views keep their dimension order
    /// (PyTorch's `clone`).
    pub fn clone_data(&self) -> Result<Tensor> {
        self.to_dtype(self.dtype())
    }

    /// A copy converted to `dtype` (always new memory), with NumPy's cast
    /// rules. See [`Tensor::to`] for the variant that returns `self` when
    /// nothing changes.
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        if !self.device().is_cpu() {
            return super::on_device("to", super::Elementwise::Cast, &[self], dtype, dtype, self.shape());
        }
        self.copied(dtype, true)
    }

    /// `self` when it already has `dtype`, otherwise a converted copy.
    pub fn to(&self, dtype: DType) -> Result<Tensor> {
        if dtype == self.dtype() {
            Ok(self.clone())
        } else {
            self.to_dtype(dtype)
        }
    }

    /// Copies `src` into `self`, broadcasting and casting (`copy_`).
    ///
    /// Across devices the source is copied to `self`'s device first (a GPU
    /// tensor into host memory, or host memory into a GPU tensor).
    pub fn copy_(&self, src: &Tensor) -> Result<()> {
        self.check_writable_anywhere("copy_")?;
        let shape_error = |_| Error::ShapeMismatch {
            op: "copy_",
            expected: self.shape().to_vec(),
            got: src.shape().to_vec(),
        };
        let view = src.broadcast_to(self.shape()).map_err(shape_error)?;
        // A source overlapping the destination is read from a copy made
        // first (`t[1:] = t[:-1]`); the very same view is a no-op.
        let src = if self.may_share_memory(&view) {
            if view.same_storage(self) && view.layout() == self.layout() && view.dtype() == self.dtype() {
                return Ok(());
            }
            src.to_contiguous()?
        } else {
            src.clone()
        };
        if !self.device().is_cpu() {
            return super::copy_on_device("copy_", self, &src);
        }
        let src = if src.device().is_cpu() { src } else { src.cpu()? };
        cpu::copy::copy_cast(&src.broadcast_to(self.shape())?, self);
        Ok(())
    }

    /// Sets every element to `value`, converted like a cast (`fill_`).
    pub fn fill_(&self, value: Scalar) -> Result<()> {
        if !self.device().is_cpu() {
            self.check_writable_anywhere("fill_")?;
            let v = Tensor::full(&[], value, self.dtype())?;
            return super::copy_on_device("fill_", self, &v);
        }
        self.check_writable("fill_")?;
        cpu::fill::fill(self, value);
        Ok(())
    }

    /// The element at a full multi-index, widened (panics if out of range).
    pub fn get(&self, index: &[usize]) -> Scalar {
        assert!(self.device().is_cpu(), "get needs a CPU tensor");
        assert_eq!(index.len(), self.ndim(), "get needs a full index");
        for (&i, &d) in index.iter().zip(self.shape()) {
            assert!(i < d, "index {i} out of range for size {d}");
        }
        let off = self.layout().offset_of(index) * self.itemsize();
        cpu::fill::read_scalar(self, off)
    }

    /// The only element of a one-element tensor.
    pub fn item(&self) -> Result<Scalar> {
        self.require_cpu("item")?;
        if self.numel() != 1 {
            return Err(Error::NotAScalar {
                op: "item",
                numel: self.numel(),
            });
        }
        Ok(self.get(&vec![0; self.ndim()]))
    }

    /// The elements in C order, copied into a `Vec` of the matching type
    /// (from any device).
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype() {
            return Err(Error::DTypeMismatch {
                op: "to_vec",
                expected: T::DTYPE,
                got: self.dtype(),
            });
        }
        // A GPU tensor is read through a host copy.
        Ok(cpu::copy::to_vec(&self.cpu()?.contiguous()?))
    }

    /// The elements in C order as native-endian bytes (from any device).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        // A 0-d tensor is viewed as one element first: a dtype view that
        // changes the itemsize needs a last dimension to resize.
        let flat = self.cpu()?.contiguous()?.reshape(&[self.numel() as i64])?;
        Ok(cpu::copy::to_vec::<u8>(&flat.view_dtype(DType::UInt8)?))
    }
}

#[cfg(test)]
mod tests {
    use crate::{DType, Scalar, Tensor};

    #[test]
    fn to_bytes_of_every_rank() {
        let scalar = Tensor::from_vec(vec![0x0102_0304i32], &[]).unwrap();
        assert_eq!(scalar.to_bytes().unwrap(), 0x0102_0304i32.to_ne_bytes());
        let t = Tensor::from_vec(vec![1u16, 2, 3, 4], &[2, 2]).unwrap();
        let want: Vec<u8> = [1u16, 3, 2, 4].iter().flat_map(|v| v.to_ne_bytes()).collect();
        assert_eq!(t.t().to_bytes().unwrap(), want);
        assert!(Tensor::zeros(&[0, 3], DType::Float64).unwrap().to_bytes().unwrap().is_empty());
    }

    #[test]
    fn overlapping_copy_is_like_numpy() {
        let t = Tensor::from_vec(vec![0i32, 1, 2, 3, 4], &[5]).unwrap();
        let dst = t.slice(0, Some(1), None, 1).unwrap();
        let src = t.slice(0, None, Some(-1), 1).unwrap();
        dst.copy_(&src).unwrap();
        assert_eq!(t.to_vec::<i32>().unwrap(), vec![0, 0, 1, 2, 3]);
    }

    #[test]
    fn copy_broadcasts_and_casts() {
        let dst = Tensor::zeros(&[2, 3], DType::Float64).unwrap();
        let src = Tensor::from_vec(vec![1i8, -2, 3], &[3]).unwrap();
        dst.copy_(&src).unwrap();
        assert_eq!(dst.to_vec::<f64>().unwrap(), vec![1., -2., 3., 1., -2., 3.]);
        let bad = Tensor::zeros(&[2], DType::Float64).unwrap();
        assert!(dst.copy_(&bad).is_err());
    }

    #[test]
    fn writes_refused_on_expanded_views() {
        let t = Tensor::zeros(&[1], DType::Float32).unwrap().expand(&[3]).unwrap();
        assert!(t.fill_(Scalar::Float(1.0)).is_err());
    }

    #[test]
    fn fill_and_item() {
        let t = Tensor::zeros(&[2, 2], DType::UInt8).unwrap();
        t.fill_(Scalar::Int(7)).unwrap();
        assert_eq!(t.to_vec::<u8>().unwrap(), vec![7; 4]);
        assert_eq!(t.select(0, 1).unwrap().select(0, 0).unwrap().item().unwrap(), Scalar::UInt(7));
        assert!(t.item().is_err());
        let c = Tensor::full(&[2], Scalar::Complex(1.0, -1.0), DType::Complex64).unwrap();
        assert_eq!(c.get(&[1]), Scalar::Complex(1.0, -1.0));
    }
}
