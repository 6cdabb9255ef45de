//! The CPU kernels' last line of defence against device memory.
//!
//! Every operation checks where its operands live before it picks a kernel
//! (`require_cpu`, or a device kernel). If a path ever forgot, a CPU kernel
//! would dereference a GPU address and crash the process; the kernels'
//! entry points assert instead, which surfaces as a Python exception naming
//! the kernel, never as a segmentation fault.

use crate::tensor::Tensor;

/// Panics unless every tensor is in host memory.
#[inline]
#[track_caller]
pub fn only(kernel: &str, tensors: &[&Tensor]) {
    for t in tensors {
        assert!(
            t.device().is_cpu(),
            "the CPU kernel {kernel} was handed a tensor on {}: a device check is missing on this path; move the tensor with .cpu() first",
            t.device()
        );
    }
}
