//! Moving tensors between devices and making tensors on a device: the
//! entry points, which hand CUDA work to [`crate::cuda`] in builds with the
//! `cuda` feature and refuse it clearly in builds without.

use crate::device::Device;
use crate::dtype::DType;
use crate::error::Result;
use crate::scalar::Scalar;
use crate::tensor::Tensor;

/// An elementwise operation as the device kernels know it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Elementwise {
    /// A cast or copy: each element converted to the output dtype.
    Cast,
    /// A unary function by its Array API name.
    Unary(&'static str),
    /// A binary function by its Array API name.
    Binary(&'static str),
}

/// `expr` over `inputs` (broadcast to `shape`) on their non-CPU device,
/// computing in `compute` and returning a new contiguous `out` tensor.
pub(crate) fn on_device(
    op: &'static str,
    expr: Elementwise,
    inputs: &[&Tensor],
    compute: DType,
    out: DType,
    shape: &[usize],
) -> Result<Tensor> {
    #[cfg(feature = "cuda")]
    {
        crate::cuda::elementwise(op, &expr, inputs, compute, out, shape)
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = (expr, compute, out, shape);
        let device = inputs
            .iter()
            .map(|t| t.device())
            .find(|d| !d.is_cpu())
            .unwrap_or_default();
        Err(crate::error::Error::DeviceUnavailable { op, device })
    }
}

/// Copies `src` (any device) into `dst` on a non-CPU device, converting and
/// broadcasting like [`Tensor::copy_`]; `dst` was checked writable.
pub(crate) fn copy_on_device(op: &'static str, dst: &Tensor, src: &Tensor) -> Result<()> {
    #[cfg(feature = "cuda")]
    {
        crate::cuda::copy_into(op, dst, src)
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = src;
        Err(crate::error::Error::DeviceUnavailable {
            op,
            device: dst.device(),
        })
    }
}

/// The batched matrix product of two tensors on a non-CPU device (see
/// [`crate::ops::linalg::matmul`] for the shapes).
pub(crate) fn matmul_on_device(
    a: &Tensor,
    b: &Tensor,
    batch: &[usize],
    dtype: DType,
) -> Result<Tensor> {
    #[cfg(feature = "cuda")]
    {
        crate::cuda::matmul(a, b, batch, dtype)
    }
    #[cfg(not(feature = "cuda"))]
    {
        let _ = (b, batch, dtype);
        Err(crate::error::Error::DeviceUnavailable {
            op: "matmul",
            device: a.device(),
        })
    }
}

#[cfg(not(feature = "cuda"))]
fn no_cuda(op: &'static str) -> crate::error::Error {
    crate::error::Error::CudaUnavailable {
        op,
        reason: "this build of tensorbridge has no CUDA support (the cargo feature `cuda` is off)"
            .to_string(),
    }
}

impl Tensor {
    /// This tensor on `device`: the tensor itself when it is already there,
    /// else a copy that shares nothing with it. Blocks until the copy is
    /// usable (see [`Tensor::to_device_with`]).
    pub fn to_device(&self, device: Device) -> Result<Tensor> {
        self.to_device_with(device, false)
    }

    /// [`Tensor::to_device`]; with `non_blocking`, copies from or to
    /// pinned host memory return before they finish: GPU work queued later
    /// sees the data, but host code must call [`crate::cuda::synchronize`]
    /// before reading a result copied to the host (as with PyTorch's
    /// `non_blocking=True`). Copies from pageable memory always finish
    /// reading the source before returning.
    pub fn to_device_with(&self, device: Device, non_blocking: bool) -> Result<Tensor> {
        if self.device() == device {
            return Ok(self.clone());
        }
        #[cfg(feature = "cuda")]
        {
            crate::cuda::to_device(self, device, non_blocking)
        }
        #[cfg(not(feature = "cuda"))]
        {
            let _ = non_blocking;
            Err(no_cuda("copying to or from CUDA"))
        }
    }

    /// This tensor in host memory (`.cpu()`): itself when it is there.
    pub fn cpu(&self) -> Result<Tensor> {
        self.to_device(Device::Cpu)
    }

    /// A copy in pinned (page-locked) host memory, which copies to and from
    /// a GPU read and write at full speed and asynchronously; the tensor
    /// itself when it is pinned already. Needs CUDA.
    pub fn pin_memory(&self) -> Result<Tensor> {
        #[cfg(feature = "cuda")]
        {
            crate::cuda::pin_memory(self)
        }
        #[cfg(not(feature = "cuda"))]
        {
            Err(no_cuda("pin_memory"))
        }
    }

    /// Whether the tensor lives in pinned host memory (pinned by
    /// tensorbridge or by another library of the process).
    pub fn is_pinned(&self) -> bool {
        #[cfg(feature = "cuda")]
        {
            crate::cuda::tensor_is_pinned(self)
        }
        #[cfg(not(feature = "cuda"))]
        {
            false
        }
    }

    /// A new contiguous tensor on `device` whose values are arbitrary
    /// (zeros on the CPU); in pinned host memory when `pinned`.
    pub fn empty_on(shape: &[usize], dtype: DType, device: Device, pinned: bool) -> Result<Tensor> {
        if device.is_cpu() && !pinned {
            return Tensor::empty(shape, dtype);
        }
        #[cfg(feature = "cuda")]
        {
            crate::cuda::empty(
                if pinned { "pin_memory" } else { "empty" },
                shape,
                dtype,
                device,
                pinned,
            )
        }
        #[cfg(not(feature = "cuda"))]
        {
            Err(no_cuda(if pinned { "pin_memory" } else { "empty" }))
        }
    }

    /// A new contiguous tensor of zeros on `device`.
    pub fn zeros_on(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        if device.is_cpu() {
            return Tensor::zeros(shape, dtype);
        }
        #[cfg(feature = "cuda")]
        {
            crate::cuda::zeros(shape, dtype, device)
        }
        #[cfg(not(feature = "cuda"))]
        {
            Err(no_cuda("zeros"))
        }
    }

    /// A new contiguous tensor on `device` with every element `value`.
    pub fn full_on(shape: &[usize], value: Scalar, dtype: DType, device: Device) -> Result<Tensor> {
        if device.is_cpu() {
            return Tensor::full(shape, value, dtype);
        }
        #[cfg(feature = "cuda")]
        {
            crate::cuda::full(shape, value, dtype, device)
        }
        #[cfg(not(feature = "cuda"))]
        {
            Err(no_cuda("full"))
        }
    }
}
