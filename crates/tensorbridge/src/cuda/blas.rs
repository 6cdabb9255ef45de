//! Matrix products of CUDA tensors through cuBLAS.
//!
//! cuBLAS is column-major and tensorbridge row-major. A row-major matrix
//! read as column-major is its transpose, so `C = A·B` is computed as
//! `Cᵀ = Bᵀ·Aᵀ` with the operands swapped: no data moves. A transposed
//! view (column-major storage) is passed with cuBLAS's transpose flag;
//! any other strides are made contiguous on the device first. float16 and
//! bfloat16 multiply with float32 accumulation, float32 with full float32
//! precision (never TF32), as NumPy computes. Integer and bool products
//! have no cuBLAS routine and are refused (move them to the CPU).

#![allow(unsafe_code)]

use std::ffi::c_void;

use cudarc::cublas::sys as blas;

use super::context::{gpu, Gpu, STREAM};
use super::elementwise::elementwise;
use super::fill::zeros;
use super::libraries::{ensure, Library};
use super::memory::device_storage;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::tensor::{Elementwise, Tensor};

/// A device's cuBLAS handle, created at its first product and kept.
pub(crate) struct BlasHandle(blas::cublasHandle_t);

// SAFETY: a cuBLAS handle may be used from any thread, one at a time; the
// mutex around it in `Gpu` serialises use.
unsafe impl Send for BlasHandle {}

fn status(op: &'static str, call: &'static str, s: blas::cublasStatus_t) -> Result<()> {
    if s == blas::cublasStatus_t::CUBLAS_STATUS_SUCCESS {
        Ok(())
    } else {
        Err(Error::CudaDriver {
            op,
            call,
            name: format!("{s:?}"),
            code: s as i32,
        })
    }
}

/// cuBLAS's data type, compute type and the bytes of `alpha = 1`, `beta = 0`
/// for products in `dtype`; `None` where cuBLAS has no routine.
fn gemm_types(
    dtype: DType,
) -> Option<(
    blas::cudaDataType,
    blas::cublasComputeType_t,
    [u8; 16],
    [u8; 16],
)> {
    use blas::cublasComputeType_t::*;
    use blas::cudaDataType_t::*;
    let one32 = pad(&1.0f32.to_ne_bytes());
    let one64 = pad(&1.0f64.to_ne_bytes());
    Some(match dtype {
        DType::Float16 => (CUDA_R_16F, CUBLAS_COMPUTE_32F, one32, [0; 16]),
        DType::BFloat16 => (CUDA_R_16BF, CUBLAS_COMPUTE_32F, one32, [0; 16]),
        DType::Float32 => (CUDA_R_32F, CUBLAS_COMPUTE_32F, one32, [0; 16]),
        DType::Float64 => (CUDA_R_64F, CUBLAS_COMPUTE_64F, one64, [0; 16]),
        // Complex scalars are (re, im) pairs of the compute type; im = 0.
        DType::Complex64 => (CUDA_C_32F, CUBLAS_COMPUTE_32F, one32, [0; 16]),
        DType::Complex128 => (CUDA_C_64F, CUBLAS_COMPUTE_64F, one64, [0; 16]),
        _ => return None,
    })
}

fn pad(bytes: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..bytes.len()].copy_from_slice(bytes);
    out
}

/// How cuBLAS reads one row-major matrix operand of `rows × cols` with
/// element strides `(s0, s1)`: whether it is passed transposed (relative
/// to the column-major view of a row-major matrix), and its leading
/// dimension. `None` for strides cuBLAS cannot express.
fn operand(
    rows: usize,
    cols: usize,
    s0: isize,
    s1: isize,
) -> Option<(blas::cublasOperation_t, i64)> {
    use blas::cublasOperation_t::*;
    let (rows_i, cols_i) = (rows.max(1) as isize, cols.max(1) as isize);
    if (s1 == 1 || cols <= 1) && (s0 >= cols_i || rows <= 1) {
        Some((CUBLAS_OP_N, if rows <= 1 { cols_i } else { s0 } as i64))
    } else if (s0 == 1 || rows <= 1) && (s1 >= rows_i || cols <= 1) {
        Some((CUBLAS_OP_T, if cols <= 1 { rows_i } else { s1 } as i64))
    } else {
        None
    }
}

/// The handle of `gpu`, created on first use (context bound).
fn handle(op: &'static str, gpu: &Gpu) -> Result<blas::cublasHandle_t> {
    let mut slot = gpu.blas.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(h) = slot.as_ref() {
        return Ok(h.0);
    }
    let mut h: blas::cublasHandle_t = std::ptr::null_mut();
    // SAFETY: a writable slot; the device's context is bound by the caller.
    status(op, "cublasCreate", unsafe { blas::cublasCreate_v2(&mut h) })?;
    // SAFETY: a live handle; the legacy default stream.
    status(op, "cublasSetStream", unsafe {
        blas::cublasSetStream_v2(h, STREAM.cast())
    })?;
    *slot = Some(BlasHandle(h));
    Ok(h)
}

/// The batched product of `a` (`... × m × k`) and `b` (`... × k × n`),
/// their batch dimensions broadcast to `batch`, in `dtype`: a new
/// contiguous CUDA tensor of shape `batch × m × n`.
pub(crate) fn matmul(a: &Tensor, b: &Tensor, batch: &[usize], dtype: DType) -> Result<Tensor> {
    const OP: &str = "matmul";
    let device = a.device();
    if b.device() != device {
        return Err(Error::DeviceMismatch {
            op: OP,
            a: device,
            b: b.device(),
        });
    }
    let Some((data_type, compute, alpha, beta)) = gemm_types(dtype) else {
        return Err(Error::DeviceUnavailable { op: OP, device });
    };
    let gpu = gpu(OP, device)?;
    let cast = |t: &Tensor| -> Result<Tensor> {
        if t.dtype() == dtype {
            Ok(t.clone())
        } else {
            elementwise(OP, &Elementwise::Cast, &[t], dtype, dtype, t.shape())
        }
    };
    let (a, b) = (cast(a)?, cast(b)?);
    let (na, nb) = (a.ndim(), b.ndim());
    let (m, k, n) = (a.shape()[na - 2], a.shape()[na - 1], b.shape()[nb - 1]);
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    if k == 0 {
        return zeros(&shape, dtype, device);
    }
    let layout = Layout::contiguous(&shape)?;
    let len_bytes = layout
        .numel()
        .checked_mul(dtype.itemsize())
        .ok_or(Error::Overflow { what: "byte size" })?;
    let out = Tensor::from_parts(device_storage(OP, device, len_bytes)?, layout, dtype);
    if out.numel() == 0 {
        return Ok(out);
    }
    let broadcast =
        |t: Tensor, rows: usize, cols: usize| -> Result<(Tensor, blas::cublasOperation_t, i64)> {
            let mut full = batch.to_vec();
            full.extend([rows, cols]);
            let t = t.broadcast_to(&full)?;
            let d = t.ndim();
            if let Some((o, ld)) = operand(rows, cols, t.strides()[d - 2], t.strides()[d - 1]) {
                return Ok((t, o, ld));
            }
            let t = elementwise(OP, &Elementwise::Cast, &[&t], dtype, dtype, t.shape())?;
            let (o, ld) = operand(rows, cols, t.strides()[d - 2], t.strides()[d - 1])
                .expect("contiguous matrices are always expressible");
            Ok((t, o, ld))
        };
    let (a, op_a, ld_a) = broadcast(a, m, k)?;
    let (b, op_b, ld_b) = broadcast(b, k, n)?;
    ensure(OP, Library::Cublas)?;
    gpu.bind(OP)?;
    let h = handle(OP, gpu)?;
    let item = dtype.itemsize() as i64;
    let batches: usize = batch.iter().product();
    let mut index = vec![0usize; batch.len()];
    for i in 0..batches {
        // The batch index in C order, and each operand's byte offset there.
        let mut rest = i;
        for d in (0..batch.len()).rev() {
            index[d] = rest % batch[d];
            rest /= batch[d];
        }
        let at = |t: &Tensor| -> u64 {
            let elems: isize = index
                .iter()
                .zip(t.strides())
                .map(|(&j, &s)| j as isize * s)
                .sum();
            (t.data_ptr() as i64 + elems as i64 * item) as u64
        };
        let (pa, pb, pc) = (at(&a), at(&b), at(&out));
        // SAFETY: every pointer is the start of a live device matrix of the
        // shape and leading dimension passed; alpha and beta hold values of
        // the compute type's scalar (and complex) layout; the handle is
        // bound to this device's stream.
        status(OP, "cublasGemmEx", unsafe {
            blas::cublasGemmEx_64(
                h,
                op_b,
                op_a,
                n as i64,
                m as i64,
                k as i64,
                alpha.as_ptr().cast::<c_void>(),
                pb as *const c_void,
                data_type,
                ld_b,
                pa as *const c_void,
                data_type,
                ld_a,
                beta.as_ptr().cast::<c_void>(),
                pc as *mut c_void,
                data_type,
                n as i64,
                compute,
                blas::cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
            )
        })?;
    }
    // The operands stay alive until here; the products queued on the stream
    // run before any later reuse of their memory (same stream).
    drop((a, b));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use blas::cublasOperation_t::*;

    #[test]
    fn row_major_column_major_and_other_strides() {
        assert_eq!(operand(3, 4, 4, 1), Some((CUBLAS_OP_N, 4)));
        assert_eq!(operand(3, 4, 8, 1), Some((CUBLAS_OP_N, 8))); // a column slice
        assert_eq!(operand(3, 4, 1, 3), Some((CUBLAS_OP_T, 3))); // a transposed view
        assert_eq!(operand(3, 4, 2, 8), None); // every other element
        assert_eq!(operand(1, 4, 0, 1), Some((CUBLAS_OP_N, 4))); // a broadcast row
        assert_eq!(operand(3, 1, 1, 0), Some((CUBLAS_OP_N, 1)));
        assert_eq!(operand(3, 4, 0, 0), None); // a broadcast scalar
    }
}
