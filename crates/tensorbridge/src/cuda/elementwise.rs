//! Elementwise operations on CUDA tensors: casts, copies, unary and binary
//! functions, each one kernel launch into a new contiguous tensor.
//!
//! Before launching, the output shape and every operand's strides are
//! simplified together: dimensions of size one are dropped and neighbours
//! that are contiguous for every operand merge, so a contiguous operation
//! is indexed as one flat dimension whatever its rank. A 0-d host operand
//! (a Python scalar on the way in) is copied to the device first; larger
//! host operands are refused rather than moved behind the user's back.

#![allow(unsafe_code)]

use std::ffi::c_void;

use super::context::gpu;
use super::memory::device_storage;
use super::module::{kernel, launch};
use super::source::{program, Signature, MAX_DIMS};
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::tensor::{Elementwise, Tensor};

/// The index a kernel walks: the C struct `TbIndex` of the kernel source.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
struct TbIndex {
    shape: [i64; MAX_DIMS],
    /// Byte strides of up to two operands and the output.
    strides: [[i64; MAX_DIMS]; 3],
    ndim: i32,
}

/// Merges `shape` with each operand's element `strides` (as
/// [`TbIndex`] wants them, in bytes); `None` when more than [`MAX_DIMS`]
/// dimensions remain.
fn index(shape: &[usize], strides: &[Vec<isize>], itemsizes: &[usize]) -> Option<TbIndex> {
    let mut dims: Vec<(i64, Vec<i64>)> = Vec::new();
    for (d, &size) in shape.iter().enumerate() {
        if size == 1 {
            continue;
        }
        let cur: Vec<i64> = strides.iter().map(|s| s[d] as i64).collect();
        match dims.last_mut() {
            Some((prev_size, prev))
                if prev.iter().zip(&cur).all(|(&p, &c)| p == c * size as i64) =>
            {
                *prev_size *= size as i64;
                *prev = cur;
            }
            _ => dims.push((size as i64, cur)),
        }
    }
    if dims.len() > MAX_DIMS {
        return None;
    }
    let mut ix = TbIndex {
        ndim: dims.len() as i32,
        ..Default::default()
    };
    for (d, (size, st)) in dims.iter().enumerate() {
        ix.shape[d] = *size;
        for (k, (&s, &item)) in st.iter().zip(itemsizes).enumerate() {
            ix.strides[k][d] = s * item as i64;
        }
    }
    Some(ix)
}

/// The device the operands meet on: 0-d host operands follow the others.
fn common_device(op: &'static str, inputs: &[&Tensor]) -> Result<Device> {
    let mut device = Device::Cpu;
    for t in inputs {
        let d = t.device();
        if d.is_cpu() && t.ndim() == 0 {
            continue;
        }
        if device.is_cpu() {
            device = d;
        } else if d != device {
            return Err(Error::DeviceMismatch {
                op,
                a: device,
                b: d,
            });
        }
    }
    Ok(device)
}

/// Applies `expr` to `inputs` (one or two, broadcast to `shape`), computing
/// in `compute` and returning a new contiguous `out` tensor on their device.
///
/// Errors: operands on different devices ([`Error::DeviceMismatch`]); no
/// kernel for this function and dtype yet, or more than [`MAX_DIMS`]
/// unmergeable dimensions ([`Error::DeviceUnavailable`]); CUDA failures.
pub(crate) fn elementwise(
    op: &'static str,
    expr: &Elementwise,
    inputs: &[&Tensor],
    compute: DType,
    out: DType,
    shape: &[usize],
) -> Result<Tensor> {
    let device = common_device(op, inputs)?;
    let dtypes: Vec<DType> = inputs.iter().map(|t| t.dtype()).collect();
    let sig = Signature {
        inputs: &dtypes,
        compute,
        out,
    };
    let (name, src) = program(expr, &sig).ok_or(Error::DeviceUnavailable { op, device })?;
    // Operands on the device, broadcast to the output's shape.
    let mut operands = Vec::with_capacity(inputs.len());
    for t in inputs {
        let t = if t.device() == device {
            (*t).clone()
        } else {
            t.to_device(device)?
        };
        operands.push(t.broadcast_to(shape)?);
    }
    let layout = Layout::contiguous(shape)?;
    let len_bytes = layout
        .numel()
        .checked_mul(out.itemsize())
        .ok_or(Error::Overflow { what: "byte size" })?;
    let result = Tensor::from_parts(device_storage(op, device, len_bytes)?, layout, out);
    launch_into(op, &name, src, &operands, &result)?;
    Ok(result)
}

/// Copies `src` into the CUDA tensor `dst` (any strides), converting to
/// `dst`'s dtype and broadcasting `src` to its shape; `src` may be on the
/// host or another GPU (it is copied to `dst`'s device first). The caller
/// checked that `dst` is writable without internal overlap and that `src`
/// does not overlap it (`Tensor::copy_`).
pub(crate) fn copy_into(op: &'static str, dst: &Tensor, src: &Tensor) -> Result<()> {
    let device = dst.device();
    let src = if src.device() == device {
        src.clone()
    } else {
        src.to_device(device)?
    };
    let src = src.broadcast_to(dst.shape())?;
    let out = dst.dtype();
    let sig = Signature {
        inputs: &[src.dtype()],
        compute: out,
        out,
    };
    let (name, source) =
        program(&Elementwise::Cast, &sig).ok_or(Error::DeviceUnavailable { op, device })?;
    launch_into(op, &name, source, &[src], dst)
}

/// Launches the kernel `name` (compiled from `source` on first use) over
/// `operands`, already on `out`'s device and broadcast to its shape,
/// writing every element of `out`.
fn launch_into(
    op: &'static str,
    name: &str,
    source: String,
    operands: &[Tensor],
    out: &Tensor,
) -> Result<()> {
    let device = out.device();
    let numel = out.numel();
    if numel == 0 {
        return Ok(());
    }
    let gpu = gpu(op, device)?;
    let mut strides: Vec<Vec<isize>> = operands.iter().map(|t| t.strides().to_vec()).collect();
    strides.push(out.strides().to_vec());
    let mut itemsizes: Vec<usize> = operands.iter().map(|t| t.itemsize()).collect();
    itemsizes.push(out.itemsize());
    let mut ix =
        index(out.shape(), &strides, &itemsizes).ok_or(Error::DeviceUnavailable { op, device })?;
    // The output always takes the last slot of the kernel's strides.
    if operands.len() == 1 {
        ix.strides[2] = ix.strides[1];
        ix.strides[1] = [0; MAX_DIMS];
    }
    let k = kernel(op, gpu, name, || source)?;
    let mut ptrs: Vec<u64> = operands.iter().map(|t| t.data_ptr() as u64).collect();
    ptrs.push(out.data_ptr() as u64);
    let mut n = numel as i64;
    let mut params: Vec<*mut c_void> = ptrs.iter_mut().map(|p| (p as *mut u64).cast()).collect();
    params.push((&mut n as *mut i64).cast());
    params.push((&mut ix as *mut TbIndex).cast());
    // SAFETY: the parameters match the generated signature (one device
    // pointer per operand, the output pointer, the count, the index); the
    // index keeps every offset inside the operands' and output's views.
    // The operands' memory outlives the kernel: it returns to a cache whose
    // reuse is queued on the same stream, after this kernel.
    unsafe { launch(op, gpu, k, numel as u64, &mut params) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_operands_merge_into_one_dimension() {
        let ix = index(&[2, 3, 4], &[vec![12, 4, 1], vec![12, 4, 1]], &[4, 8]).unwrap();
        assert_eq!(ix.ndim, 1);
        assert_eq!(ix.shape[0], 24);
        assert_eq!((ix.strides[0][0], ix.strides[1][0]), (4, 8));
    }

    #[test]
    fn broadcasts_and_transposes_keep_their_dimensions() {
        // a (2, 3) row broadcast against a transposed (2, 3) view.
        let ix = index(&[2, 3], &[vec![0, 1], vec![1, 2], vec![3, 1]], &[4, 4, 4]).unwrap();
        assert_eq!(ix.ndim, 2);
        assert_eq!(&ix.shape[..2], &[2, 3]);
        assert_eq!(&ix.strides[0][..2], &[0, 4]);
        assert_eq!(&ix.strides[1][..2], &[4, 8]);
        assert_eq!(&ix.strides[2][..2], &[12, 4]);
    }

    #[test]
    fn size_one_dimensions_vanish_and_too_many_dimensions_are_refused() {
        let ix = index(&[1, 5, 1], &[vec![0, 1, 0]], &[2]).unwrap();
        assert_eq!((ix.ndim, ix.shape[0], ix.strides[0][0]), (1, 5, 2));
        let shape = vec![2usize; 9];
        let strides: Vec<isize> = (0..9).map(|d| 1isize << (2 * d)).collect(); // never mergeable
        assert!(index(&shape, &[strides], &[1]).is_none());
    }
}
