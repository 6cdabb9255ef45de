//! Compiling kernels with NVRTC, caching them per device, and launching them.
//!
//! A kernel is compiled the first time a process needs it on a device (tens
//! of milliseconds), for that device's compute capability, and kept in the
//! device's table by name for the rest of the process: later calls cost a
//! hash lookup. Modules are never unloaded.

#![allow(unsafe_code)]

use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::Mutex;

use cudarc::driver::{result, sys};

use super::compile::compile;
use super::context::{check, Gpu, STREAM};
use super::libraries::{ensure, Library};
use crate::error::{Error, Result};

/// A loaded kernel.
#[derive(Copy, Clone)]
pub(crate) struct Kernel(sys::CUfunction);

// SAFETY: a CUfunction is a driver handle valid from any thread while its
// module is loaded (forever here).
unsafe impl Send for Kernel {}

/// A device's compiled kernels by name.
#[derive(Default)]
pub(crate) struct KernelCache(Mutex<HashMap<String, Kernel>>);

/// The kernel `name` of `gpu`, compiling `source()` on first use.
pub(crate) fn kernel(
    op: &'static str,
    gpu: &Gpu,
    name: &str,
    source: impl FnOnce() -> String,
) -> Result<Kernel> {
    let mut cache = gpu.kernels.0.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = cache.get(name) {
        return Ok(*k);
    }
    ensure(op, Library::Nvrtc)?;
    gpu.bind(op)?;
    let capability = compute_capability(op, gpu)?;
    let image = compile(name, &source(), capability).map_err(|e| Error::CudaDriver {
        op,
        call: "nvrtcCompileProgram",
        name: e.0,
        code: -1,
    })?;
    // SAFETY: a cubin or NUL-terminated PTX image; the context is bound.
    let module = check(op, "cuModuleLoadData", unsafe {
        result::module::load_data(image.0.as_ptr().cast())
    })?;
    let cname = CString::new(name).expect("kernel names are identifiers");
    // SAFETY: the module was just loaded and defines `name` (extern "C").
    let f = check(op, "cuModuleGetFunction", unsafe {
        result::module::get_function(module, cname)
    })?;
    let k = Kernel(f);
    cache.insert(name.to_string(), k);
    Ok(k)
}

/// The device's compute capability, `(major, minor)`.
fn compute_capability(op: &'static str, gpu: &Gpu) -> Result<(i32, i32)> {
    use sys::CUdevice_attribute::*;
    let attribute = |a: sys::CUdevice_attribute| {
        // SAFETY: the handle came from cuDeviceGet; attributes are plain queries.
        check(op, "cuDeviceGetAttribute", unsafe {
            result::device::get_attribute(gpu.handle(), a)
        })
    };
    Ok((
        attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
        attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
    ))
}

/// Threads per block of the elementwise kernels.
const BLOCK: u32 = 256;
/// The most blocks launched; a grid-stride loop covers the rest.
const MAX_BLOCKS: u64 = 1 << 20;

/// Launches an elementwise kernel over `n` elements with `params` (each a
/// pointer to one argument value), queued on the device's stream.
///
/// # Safety
/// `params` match the kernel's parameters in number, order and types, and
/// every pointer argument addresses device memory the kernel may use for
/// the offsets its index produces.
pub(crate) unsafe fn launch(
    op: &'static str,
    gpu: &Gpu,
    k: Kernel,
    n: u64,
    params: &mut [*mut c_void],
) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    gpu.bind(op)?;
    // One-dimensional launches take UNROLL elements per thread; the others'
    // grid-stride loops cover whatever the grid leaves.
    let blocks = n
        .div_ceil(BLOCK as u64 * super::source::UNROLL)
        .min(MAX_BLOCKS) as u32;
    // SAFETY: the caller's guarantee for `params`; the function is loaded.
    check(op, "cuLaunchKernel", unsafe {
        result::launch_kernel(k.0, (blocks, 1, 1), (BLOCK, 1, 1), 0, STREAM, params)
    })
}

#[cfg(test)]
mod tests {
    use super::super::source::{program, Signature};
    use crate::dtype::DType;
    use crate::ops::binary::{binary_plan, BINARY_OPS};
    use crate::ops::unary::{unary_plan, UNARY_OPS};
    use crate::tensor::Elementwise;

    /// Compiles every kernel the planner can ask for with NVRTC, which runs
    /// without a GPU. Needs libnvrtc: on the loader's path, or in the
    /// directory `TENSORBRIDGE_TEST_NVRTC_DIR` names (pip's
    /// `nvidia/cuda_nvrtc/lib`); skipped when neither has it.
    #[test]
    fn every_kernel_source_compiles() {
        if let Some(dir) = std::env::var_os("TENSORBRIDGE_TEST_NVRTC_DIR") {
            super::super::add_search_dirs([std::path::PathBuf::from(dir)]);
        }
        if super::ensure("test", super::Library::Nvrtc).is_err() {
            eprintln!("skipped: no libnvrtc (set TENSORBRIDGE_TEST_NVRTC_DIR)");
            return;
        }
        let mut programs = Vec::new();
        for from in DType::ALL {
            for to in DType::ALL {
                let sig = Signature {
                    inputs: &[from],
                    compute: to,
                    out: to,
                };
                programs.extend(program(&Elementwise::Cast, &sig));
            }
        }
        for (op, name) in UNARY_OPS {
            for d in DType::ALL {
                let Ok(plan) = unary_plan(op, d) else {
                    continue;
                };
                let sig = Signature {
                    inputs: &[d],
                    compute: plan.compute,
                    out: plan.out,
                };
                programs.extend(program(&Elementwise::Unary(name), &sig));
            }
        }
        for (op, name) in BINARY_OPS {
            for a in DType::ALL {
                for b in [a, DType::Int64, DType::Float64, DType::Bool] {
                    let Ok(plan) = binary_plan(op, a, b) else {
                        continue;
                    };
                    let sig = Signature {
                        inputs: &[a, b],
                        compute: plan.compute,
                        out: plan.out,
                    };
                    programs.extend(program(&Elementwise::Binary(name), &sig));
                }
            }
        }
        // Signed integers against uint64 compare on uint64 bits.
        let signed = [DType::Int8, DType::Int16, DType::Int32, DType::Int64];
        for name in [
            "equal",
            "not_equal",
            "less",
            "less_equal",
            "greater",
            "greater_equal",
        ] {
            for s in signed {
                for inputs in [[s, DType::UInt64], [DType::UInt64, s]] {
                    let sig = Signature {
                        inputs: &inputs,
                        compute: DType::UInt64,
                        out: DType::Bool,
                    };
                    programs.extend(program(&Elementwise::Binary(name), &sig));
                }
            }
        }
        assert!(programs.len() > 500, "only {} kernels", programs.len());
        use rayon::prelude::*;
        let failures: Vec<String> = programs
            .par_iter()
            .filter_map(|(name, src)| {
                super::super::compile::build_for_test(name, src)
                    .err()
                    .map(|e| e.0)
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} kernels failed:\n{}",
            failures.len(),
            programs.len(),
            failures.join("\n")
        );
    }
}
