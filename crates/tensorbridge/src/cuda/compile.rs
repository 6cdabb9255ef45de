//! Compiling CUDA C++ with NVRTC into an image the driver loads.
//!
//! Kernels are compiled to machine code (a cubin) for the device's exact
//! architecture when NVRTC knows it. A cubin from a newer CUDA minor
//! release loads on an older driver of the same major release, while PTX
//! from a newer NVRTC does not (the driver's JIT rejects a newer PTX ISA),
//! and pip's NVRTC is often newer than the installed driver. For an
//! architecture NVRTC does not know, the kernel is compiled to PTX for the
//! driver to finish. Floating-point contraction is off (`--fmad=false`), so
//! `a * b + c` rounds twice as on the CPU and results match NumPy's.

#![allow(unsafe_code)]

use std::ffi::{c_char, CString};

use cudarc::nvrtc::{result, sys};

/// A compiled image: machine code, or PTX text (NUL-terminated).
pub(crate) struct Image(pub Vec<u8>);

/// A failed compilation: the NVRTC call and its log.
#[derive(Debug)]
pub(crate) struct CompileFailure(pub String);

/// Compiles `source` (named `name` in messages) for compute capability
/// `(major, minor)`.
pub(crate) fn compile(
    name: &str,
    source: &str,
    (major, minor): (i32, i32),
) -> Result<Image, CompileFailure> {
    let cubin = build(name, source, &format!("sm_{major}{minor}"), true);
    match cubin {
        Ok(image) => Ok(image),
        Err(first) => build(name, source, &format!("compute_{major}{minor}"), false)
            .map_err(|second| CompileFailure(format!("{}; as PTX: {}", first.0, second.0))),
    }
}

fn build(name: &str, source: &str, arch: &str, cubin: bool) -> Result<Image, CompileFailure> {
    let fail = |what: &str, e: &dyn std::fmt::Debug| {
        CompileFailure(format!("{what} failed for {name} ({arch}): {e:?}"))
    };
    let src = CString::new(source).map_err(|e| fail("reading the source", &e))?;
    let cname = CString::new(format!("{name}.cu")).map_err(|e| fail("naming the program", &e))?;
    let prog =
        result::create_program(&src, Some(&cname)).map_err(|e| fail("nvrtcCreateProgram", &e))?;
    let options = [
        format!("--gpu-architecture={arch}"),
        "--std=c++17".to_string(),
        "--fmad=false".to_string(),
    ];
    // SAFETY: `prog` is a live program; the options are NUL-free strings.
    let out = match unsafe { result::compile_program(prog, &options) } {
        Err(e) => {
            // SAFETY: the program exists and has a log after compiling.
            let log = unsafe { result::get_program_log(prog) }
                .map(|l| {
                    l.iter()
                        .take_while(|&&c| c != 0)
                        .map(|&c| c as u8 as char)
                        .collect::<String>()
                })
                .unwrap_or_default();
            Err(CompileFailure(format!(
                "nvrtcCompileProgram failed for {name} ({arch}): {e:?}\n{log}"
            )))
        }
        // SAFETY: the program compiled; sizes come from NVRTC itself.
        Ok(()) => unsafe { image_of(prog, cubin) }.map_err(|e| fail("reading the image", &e)),
    };
    // SAFETY: created above, destroyed once.
    let _ = unsafe { result::destroy_program(prog) };
    out
}

/// The compiled program's cubin (or PTX) bytes.
///
/// # Safety
/// `prog` compiled successfully.
unsafe fn image_of(prog: sys::nvrtcProgram, cubin: bool) -> Result<Image, sys::nvrtcResult> {
    if !cubin {
        // SAFETY: the caller's guarantee.
        let ptx = unsafe { result::get_ptx(prog) }.map_err(|e| e.0)?;
        let mut bytes: Vec<u8> = ptx.iter().map(|&c| c as u8).collect();
        if bytes.last() != Some(&0) {
            bytes.push(0);
        }
        return Ok(Image(bytes));
    }
    let mut size = 0usize;
    // SAFETY: the caller's guarantee; `size` is writable.
    let r = unsafe { sys::nvrtcGetCUBINSize(prog, &mut size) };
    if r != sys::nvrtcResult::NVRTC_SUCCESS {
        return Err(r);
    }
    let mut bytes = vec![0u8; size];
    // SAFETY: `bytes` holds the size NVRTC reported.
    let r = unsafe { sys::nvrtcGetCUBIN(prog, bytes.as_mut_ptr().cast::<c_char>()) };
    if r != sys::nvrtcResult::NVRTC_SUCCESS {
        return Err(r);
    }
    Ok(Image(bytes))
}

/// [`build`] as a cubin for sm_80, for the tests that compile every kernel
/// without a GPU.
#[cfg(test)]
pub(crate) fn build_for_test(name: &str, source: &str) -> Result<Image, CompileFailure> {
    build(name, source, "sm_80", true)
}
