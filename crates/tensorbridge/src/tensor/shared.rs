//! Tensors in shared memory, for worker processes: `share_memory_`,
//! `is_shared`, and the tensor a receiving process rebuilds from a memory
//! file descriptor (see `storage::shared` for the mechanism).

use crate::error::Result;
use crate::tensor::Tensor;

impl Tensor {
    /// Moves the storage into shared memory that other processes can map,
    /// in place (PyTorch's `share_memory_()`): this tensor and every view of
    /// its storage now use the shared memory. A no-op when already shared.
    ///
    /// Refused (with the way out in the message) for memory that belongs to
    /// someone else (a NumPy array, a DLPack producer, a mapped file: share
    /// a copy instead) and for memory whose address has been handed out (a
    /// NumPy array, a buffer or DLPack export, an `ndarray` view: they would
    /// keep using the old memory). Raw addresses taken earlier with
    /// [`Tensor::data_ptr`] point to the old memory afterwards. Reads or
    /// writes racing with the move on other threads are unsupported.
    ///
    /// ```
    /// use tensorbridge::Tensor;
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).unwrap();
    /// let v = t.slice(0, Some(1), None, 1).unwrap();
    /// # #[cfg(target_os = "linux")] {
    /// t.share_memory_().unwrap();
    /// assert!(t.is_shared() && v.is_shared());
    /// assert_eq!(v.to_vec::<f32>().unwrap(), vec![2.0, 3.0]);
    /// # }
    /// ```
    pub fn share_memory_(&self) -> Result<&Tensor> {
        self.storage().share_memory_()?;
        Ok(self)
    }

    /// True when the tensor's memory is shared memory other processes can map.
    pub fn is_shared(&self) -> bool {
        self.storage().is_shared()
    }

    /// The tensor another process sent as a shared memory file: maps the
    /// file (taking ownership of `fd`), or reuses this process's storage for
    /// it when it already has one, and checks `shape`/`strides`/`offset`
    /// (elements) against it like [`Tensor::from_storage`]. `len_bytes` is
    /// the sender's storage length; the file must be a tensorbridge memory
    /// file at least that long.
    #[cfg(target_os = "linux")]
    pub fn from_shared_fd(
        fd: std::os::fd::OwnedFd,
        len_bytes: usize,
        dtype: crate::DType,
        shape: &[usize],
        strides: &[isize],
        offset: usize,
        readonly: bool,
    ) -> Result<Tensor> {
        let storage = crate::storage::Storage::from_shared_fd(fd, len_bytes, readonly)?;
        Tensor::from_storage(storage, dtype, shape, strides, offset)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::os::fd::AsFd;

    use crate::{DType, Error, Tensor};

    fn dup(t: &Tensor) -> std::os::fd::OwnedFd {
        t.storage()
            .shared_memory()
            .unwrap()
            .fd()
            .try_clone_to_owned()
            .unwrap()
    }

    #[test]
    fn views_follow_and_values_survive() {
        let t = Tensor::from_vec((0..12i32).collect(), &[3, 4]).unwrap();
        let v = t.t();
        let before = t.data_ptr();
        assert!(!t.is_shared());
        t.share_memory_().unwrap();
        assert!(t.is_shared() && v.is_shared() && t.same_storage(&v));
        assert_ne!(t.data_ptr(), before);
        assert_eq!(
            v.to_vec::<i32>().unwrap(),
            t.t().contiguous().unwrap().to_vec::<i32>().unwrap()
        );
        t.share_memory_().unwrap(); // no-op
        v.fill_(crate::Scalar::Int(7)).unwrap();
        assert!(t.to_vec::<i32>().unwrap().iter().all(|&x| x == 7));
    }

    #[test]
    fn owned_empty_and_zero_d() {
        for t in [
            Tensor::zeros(&[0, 3], DType::Float64).unwrap(),
            Tensor::full(&[], crate::Scalar::Float(2.5), DType::Float32).unwrap(),
        ] {
            t.share_memory_().unwrap();
            assert!(t.is_shared());
            let back = Tensor::from_shared_fd(
                dup(&t),
                t.storage().len_bytes(),
                t.dtype(),
                t.shape(),
                t.strides(),
                0,
                false,
            )
            .unwrap();
            assert!(
                back.same_storage(&t),
                "the registry hands back the same storage"
            );
        }
    }

    #[test]
    fn exported_memory_is_refused_until_given_back() {
        let t = Tensor::zeros(&[4], DType::Float32).unwrap();
        let lease = t.storage().lease();
        assert_eq!(t.share_memory_().unwrap_err(), Error::ShareExported);
        drop(lease);
        t.share_memory_().unwrap();

        let p = Tensor::zeros(&[4], DType::Float32).unwrap();
        p.storage().pin();
        assert_eq!(p.share_memory_().unwrap_err(), Error::ShareExported);
    }

    #[test]
    fn a_second_mapping_sees_writes_and_outlives_the_first() {
        let t = Tensor::from_vec(vec![1u8, 2, 3, 4], &[4]).unwrap();
        t.share_memory_().unwrap();
        let fd = dup(&t);
        let id = t.storage().shared_memory().unwrap().id();
        drop(t); // unregisters; the duplicate keeps the file alive
        let r = Tensor::from_shared_fd(fd, 4, DType::UInt8, &[2], &[-1], 1, false).unwrap();
        assert_eq!(r.to_vec::<u8>().unwrap(), vec![2, 1]);
        assert_eq!(r.storage().shared_memory().unwrap().id(), id);
        let r2 = Tensor::from_shared_fd(dup(&r), 4, DType::UInt8, &[4], &[1], 0, false).unwrap();
        assert!(r2.same_storage(&r));
        r2.fill_(crate::Scalar::Int(9)).unwrap();
        assert_eq!(r.to_vec::<u8>().unwrap(), vec![9, 9]);
    }

    #[test]
    fn bad_handles_are_refused() {
        let t = Tensor::zeros(&[4], DType::Float32).unwrap();
        t.share_memory_().unwrap();
        let out_of_bounds =
            Tensor::from_shared_fd(dup(&t), 16, DType::Float32, &[5], &[1], 0, false);
        assert!(matches!(out_of_bounds, Err(Error::OutOfBounds { .. })));
        // With no storage for the file left here, the file itself is checked.
        let fd = dup(&t);
        drop(t);
        let too_big = Tensor::from_shared_fd(fd, 32, DType::Float32, &[8], &[1], 0, false);
        assert!(matches!(
            too_big,
            Err(Error::SharedMemoryTooSmall { got_bytes: 16, .. })
        ));
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        let not_memfd = Tensor::from_shared_fd(
            file.as_fd().try_clone_to_owned().unwrap(),
            4,
            DType::UInt8,
            &[4],
            &[1],
            0,
            true,
        );
        assert!(matches!(not_memfd, Err(Error::InvalidArgument { .. })));
    }
}
