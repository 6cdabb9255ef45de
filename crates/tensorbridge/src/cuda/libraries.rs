//! Finding the CUDA libraries loaded on demand: NVRTC (the run-time
//! compiler of the elementwise kernels) and cuBLAS (matrix products).
//!
//! The bindings open them by their usual names (`libnvrtc.so.13`, ...)
//! through the dynamic loader's search path. pip-installed CUDA (the
//! `nvidia-*` wheels PyTorch depends on) keeps them in site-packages
//! instead, off that path; the Python package passes those directories in
//! with [`add_search_dirs`], and a library missing from the loader's path
//! is opened from there once, globally, so that the later lookup by name
//! finds the loaded copy.

#![allow(unsafe_code)]

use std::ffi::CString;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::error::{Error, Result};

/// A library loaded on demand.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Library {
    /// NVRTC, the run-time compiler.
    Nvrtc,
    /// cuBLAS.
    Cublas,
}

impl Library {
    fn stem(self) -> &'static str {
        match self {
            Library::Nvrtc => "nvrtc",
            Library::Cublas => "cublas",
        }
    }

    /// Whether the bindings can open the library by name now.
    fn present(self) -> bool {
        // SAFETY: probing opens and closes candidate names; it runs only the
        // libraries' initialisers, as any dlopen does.
        unsafe {
            match self {
                Library::Nvrtc => cudarc::nvrtc::sys::is_culib_present(),
                Library::Cublas => cudarc::cublas::sys::is_culib_present(),
            }
        }
    }
}

/// Extra directories to look in, from [`add_search_dirs`].
static SEARCH_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Adds directories to look for NVRTC and cuBLAS in when the dynamic
/// loader's path lacks them (pip's `nvidia/*/lib` folders).
pub fn add_search_dirs<I: IntoIterator<Item = PathBuf>>(dirs: I) {
    let mut list = SEARCH_DIRS.lock().unwrap_or_else(|e| e.into_inner());
    for d in dirs {
        if !list.contains(&d) {
            list.push(d);
        }
    }
}

/// Opens `path` for the whole process (`RTLD_GLOBAL`); true on success.
#[cfg(not(target_os = "linux"))]
fn open_global(_path: &std::path::Path) -> bool {
    false
}

/// Opens `path` for the whole process (`RTLD_GLOBAL`); true on success.
#[cfg(target_os = "linux")]
fn open_global(path: &std::path::Path) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: a NUL-terminated path; the handle is deliberately never
    // closed, so the library stays loaded for the process's life.
    !unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) }.is_null()
}

/// Makes `lib` loadable, searching the extra directories once if needed.
///
/// Errors: the library is nowhere to be found ([`Error::CudaUnavailable`]).
pub(crate) fn ensure(op: &'static str, lib: Library) -> Result<()> {
    static NVRTC: OnceLock<bool> = OnceLock::new();
    static CUBLAS: OnceLock<bool> = OnceLock::new();
    let cell = match lib {
        Library::Nvrtc => &NVRTC,
        Library::Cublas => &CUBLAS,
    };
    let found = *cell.get_or_init(|| lib.present() || load_from_search_dirs(lib));
    if found {
        Ok(())
    } else {
        Err(Error::CudaUnavailable {
            op,
            reason: format!(
                "lib{}.so was not found on the loader's path or in pip's nvidia packages; install the CUDA toolkit or `pip install nvidia-cuda-nvrtc nvidia-cublas`",
                lib.stem()
            ),
        })
    }
}

fn load_from_search_dirs(lib: Library) -> bool {
    let dirs = SEARCH_DIRS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let prefix = format!("lib{}.so", lib.stem());
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix))
            })
            .collect();
        names.sort();
        if names.iter().rev().any(|p| open_global(p)) && lib.present() {
            return true;
        }
    }
    false
}
