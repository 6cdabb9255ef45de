//! The `.npy` file format: its header (parsed and written here), and
//! tensors saved to, read from, or mapped from such files.
//!
//! A `.npy` file is a magic string, a version, a little-endian header length
//! and a Python dict literal (`{'descr': '<f4', 'fortran_order': False,
//! 'shape': (3, 4), }`), then the raw elements. The header is untrusted input,
//! so it is parsed by a small hand-written parser (`npy/literal.rs`: a subset
//! of Python's literals, with limits on size and nesting, never panicking), and
//! its dtype and shape are checked against the bytes the file really has
//! before memory is touched: a mapped file goes through
//! [`UncheckedParts::into_tensor_in`] bounded by the mapping, a read file
//! fills a new tensor of exactly the size the checked header describes.
//!
//! Choices that differ from "just copy it", and why:
//!
//! - **Fortran order** is C order with the dimensions reversed, so such a file
//!   loads (or maps) as an F-contiguous view, like `np.load` gives, without a
//!   copy.
//! - **Non-native byte order** (`'>f4'`) is swapped into native order by
//!   [`load`]; [`map`] refuses it (a tensor holds native-order memory) with an
//!   error naming both fixes.
//! - **bfloat16** is written as `np.save` writes an `ml_dtypes.bfloat16`
//!   array: descr `'<V2'`. NumPy reads that back as 2-byte void
//!   (`.view(ml_dtypes.bfloat16)` restores it); [`load`] reads `V2` as
//!   bfloat16, the same convention as the dtype table's `typestr`.
//! - **Mapping** is lazy: [`map`] parses the header with one small read and
//!   maps the file with `memmap2`; pages come in when elements are touched.
//!   The mapping is the storage's [`ForeignOwner`], so it lives exactly as
//!   long as the last tensor that views it.

#![allow(unsafe_code)]

mod header;
mod literal;

pub use header::{wrap_header, ByteOrder, NpyHeader, ARRAY_ALIGN, MAGIC, MAX_HEADER_BYTES};

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::layout::contiguous_strides;
use crate::storage::ForeignOwner;
use crate::tensor::{element_align, Tensor, UncheckedParts};

/// How [`map`] maps a file (NumPy's `mmap_mode`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MapMode {
    /// `"r"`: read-only; the tensor is read-only.
    ReadOnly,
    /// `"r+"`: read-write; writes reach the file.
    ReadWrite,
    /// `"c"`: copy-on-write; writes stay in this process's memory.
    CopyOnWrite,
}

impl FromStr for MapMode {
    type Err = Error;

    /// Parses NumPy's `mmap_mode` letters `"r"`, `"r+"` and `"c"`.
    fn from_str(s: &str) -> Result<MapMode> {
        match s {
            "r" => Ok(MapMode::ReadOnly),
            "r+" => Ok(MapMode::ReadWrite),
            "c" => Ok(MapMode::CopyOnWrite),
            _ => Err(Error::InvalidArgument {
                op: "load",
                reason: "mode must be 'r' (read-only), 'r+' (read-write: writes reach the file) or 'c' (copy-on-write)",
            }),
        }
    }
}

fn io_error(op: &'static str, path: &Path, e: std::io::Error) -> Error {
    let errno = e.raw_os_error();
    let mut message = e.to_string();
    if let Some(n) = errno {
        let suffix = format!(" (os error {n})");
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_string();
        }
    }
    Error::Io {
        op,
        path: path.display().to_string(),
        errno,
        message,
    }
}

/// Bytes written per `write` call and per chunk of a strided tensor.
const CHUNK_BYTES: usize = 16 << 20;

/// Writes `t` (any layout, CPU) as a `.npy` file in C order.
pub fn save(path: &Path, t: &Tensor) -> Result<()> {
    if !t.device().is_cpu() {
        return Err(Error::DeviceUnavailable {
            op: "save",
            device: t.device(),
        });
    }
    let mut file = File::create(path).map_err(|e| io_error("save", path, e))?;
    write(&mut file, t).map_err(|e| match e {
        Error::Io { op, errno, message, .. } => Error::Io {
            op,
            path: path.display().to_string(),
            errno,
            message,
        },
        e => e,
    })?;
    file.sync_data().ok();
    Ok(())
}

/// Writes `t` as `.npy` bytes (header, then elements in C order) to `w`.
pub fn write<W: Write>(w: &mut W, t: &Tensor) -> Result<()> {
    let io = |e| io_error("save", Path::new("<writer>"), e);
    if !t.device().is_cpu() {
        return Err(Error::DeviceUnavailable {
            op: "save",
            device: t.device(),
        });
    }
    // An expanded view can show more bytes than any file could hold or any
    // reader could map: refuse before writing rather than fill the disk.
    t.checked_nbytes()?;
    w.write_all(&NpyHeader::for_tensor(t.dtype(), t.shape()).to_bytes())
        .map_err(io)?;
    if t.is_contiguous() {
        return write_contiguous(w, t).map_err(io);
    }
    // A strided view: contiguous copies of a few rows at a time, so saving
    // never needs a second copy of the whole tensor.
    let row_bytes = t.nbytes() / t.shape()[0].max(1);
    let rows = (CHUNK_BYTES / row_bytes.max(1)).max(1);
    let n = t.shape()[0];
    let mut start = 0;
    while start < n {
        let stop = (start + rows).min(n);
        let chunk = t.slice(0, Some(start as i64), Some(stop as i64), 1)?.to_contiguous()?;
        write_contiguous(w, &chunk).map_err(io)?;
        start = stop;
    }
    Ok(())
}

fn write_contiguous<W: Write>(w: &mut W, t: &Tensor) -> std::io::Result<()> {
    debug_assert!(t.is_contiguous() && t.device().is_cpu());
    if t.numel() == 0 {
        return Ok(());
    }
    // SAFETY: a contiguous CPU tensor's `nbytes` bytes from `data_ptr` lie
    // inside its storage (checked layout), which the handle keeps alive.
    // Concurrent writes by other threads are the caller's business, as for
    // NumPy's `tofile`.
    let bytes = unsafe { std::slice::from_raw_parts(t.data_ptr(), t.nbytes()) };
    bytes.chunks(CHUNK_BYTES).try_for_each(|c| w.write_all(c))
}

/// Opens `path` and parses its header; returns the file, its length and the header.
fn open(path: &Path, op: &'static str, writable: bool) -> Result<(File, u64, NpyHeader)> {
    let io = |e| io_error(op, path, e);
    let mut file = OpenOptions::new().read(true).write(writable).open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let mut prefix = Vec::new();
    (&mut file)
        .take((12 + MAX_HEADER_BYTES) as u64)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let header = NpyHeader::parse(&prefix)?;
    let expected = header.data_len_bytes()? as u64;
    let got = file_len.saturating_sub(header.data_offset as u64);
    if got < expected {
        return Err(Error::NpyTruncated {
            expected_bytes: expected,
            got_bytes: got,
        });
    }
    Ok((file, file_len, header))
}

/// Element strides (C order, or reversed dimensions for Fortran order).
fn file_strides(header: &NpyHeader) -> Result<Vec<isize>> {
    if header.fortran_order {
        let reversed: Vec<usize> = header.shape.iter().rev().copied().collect();
        Ok(contiguous_strides(&reversed)?.into_iter().rev().collect())
    } else {
        contiguous_strides(&header.shape)
    }
}

/// Reads a `.npy` file into a new owned, writeable tensor. Fortran-order
/// files give F-contiguous tensors; non-native byte order is swapped.
pub fn load(path: &Path) -> Result<Tensor> {
    let (mut file, _, header) = open(path, "load", false)?;
    let io = |e| io_error("load", path, e);
    // Fortran order is C order of the reversed shape, viewed back.
    let storage_shape: Vec<usize> = if header.fortran_order {
        header.shape.iter().rev().copied().collect()
    } else {
        header.shape.clone()
    };
    // SAFETY: every byte of the new tensor is read from the file below
    // before the tensor is returned (an error drops it unread).
    let t = unsafe { Tensor::uninit(&storage_shape, header.dtype)? };
    let len = header.data_len_bytes()?;
    if len > 0 {
        let ptr = t.storage().as_mut_ptr("load")?;
        // SAFETY: the fresh storage holds `len` bytes and nothing else
        // refers to it yet; owned memory is plain bytes for every dtype.
        let bytes = unsafe { std::slice::from_raw_parts_mut(ptr, len) };
        file.seek(SeekFrom::Start(header.data_offset as u64)).map_err(io)?;
        file.read_exact(bytes).map_err(io)?;
        if header.needs_swap() {
            let unit = if header.dtype.is_complex() {
                header.dtype.itemsize() / 2
            } else {
                header.dtype.itemsize()
            };
            bytes.chunks_exact_mut(unit).for_each(<[u8]>::reverse);
        }
    }
    Ok(if header.fortran_order { t.t() } else { t })
}

/// A memory map kept alive as the owner of a tensor's storage.
enum Mapping {
    ReadOnly(#[allow(dead_code)] memmap2::Mmap),
    Writable(#[allow(dead_code)] memmap2::MmapMut),
}

impl ForeignOwner for Mapping {}

/// Maps a `.npy` file without reading its data: pages are read from the
/// file when elements are first touched. The tensor is read-only for
/// [`MapMode::ReadOnly`]. Refuses non-native byte order and misaligned
/// data (use [`load`] for those).
///
/// As with `np.memmap`, the file must not be truncated while it is mapped
/// (accessing the lost pages would fault).
pub fn map(path: &Path, mode: MapMode) -> Result<Tensor> {
    let (file, file_len, header) = open(path, "mmap", mode == MapMode::ReadWrite)?;
    if header.needs_swap() {
        return Err(Error::NpyByteOrder { descr: header.descr() });
    }
    let align = element_align(header.dtype);
    if header.data_len_bytes()? > 0 && header.data_offset % align != 0 {
        return Err(Error::NpyMisaligned {
            data_offset: header.data_offset,
            align,
            dtype: header.dtype,
        });
    }
    let io = |e| io_error("mmap", path, e);
    let len = usize::try_from(file_len).map_err(|_| Error::Overflow { what: "the file size" })?;
    let mut options = memmap2::MmapOptions::new();
    options.len(len);
    // memmap2's maps are unsafe because another process may change or
    // truncate the file while it is mapped. Changed bytes are plain data for
    // every dtype; truncation is documented above as the caller's to avoid,
    // as with np.memmap.
    let (base, owner, readonly): (*const u8, Mapping, bool) = match mode {
        MapMode::ReadOnly => {
            // SAFETY: see above: the file's bytes are plain data.
            let m = unsafe { options.map(&file) }.map_err(io)?;
            (m.as_ptr(), Mapping::ReadOnly(m), true)
        }
        MapMode::ReadWrite => {
            // SAFETY: see above; writes go to the file, as asked.
            let m = unsafe { options.map_mut(&file) }.map_err(io)?;
            (m.as_ptr(), Mapping::Writable(m), false)
        }
        MapMode::CopyOnWrite => {
            // SAFETY: see above; writes stay private to this mapping.
            let m = unsafe { options.map_copy(&file) }.map_err(io)?;
            (m.as_ptr(), Mapping::Writable(m), false)
        }
    };
    let strides = file_strides(&header)?;
    let to_i64 = |v: usize| i64::try_from(v).map_err(|_| Error::Overflow { what: "a .npy shape" });
    let parts = UncheckedParts {
        data: base.wrapping_add(header.data_offset) as *mut u8,
        dtype: header.dtype,
        shape: header.shape.iter().map(|&d| to_i64(d)).collect::<Result<_>>()?,
        strides: strides.iter().map(|&s| s as i64).collect(),
        readonly,
        device: crate::device::Device::Cpu,
    };
    // SAFETY: the mapping covers `len` bytes from `base`, readable, and
    // writable for the two writable modes; `owner` keeps it mapped for as
    // long as the storage lives, and `into_tensor_in` checks that the
    // elements lie inside it.
    unsafe { parts.into_tensor_in(base, len, Box::new(owner)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;

    use super::header::tests::header;

    fn temp_path(name: &str) -> std::path::PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::env::temp_dir().join(format!("tensorbridge-npy-{}-{n}-{name}.npy", std::process::id()))
    }

    #[test]
    fn save_load_and_map_round_trip() {
        let t = Tensor::from_vec((0..24i32).collect(), &[2, 3, 4]).unwrap();
        for (name, view) in [
            ("c", t.clone()),
            ("perm", t.permute(&[2, 0, 1]).unwrap()),
            ("step", t.slice(2, None, None, -2).unwrap()),
        ] {
            let path = temp_path(name);
            save(&path, &view).unwrap();
            let want = view.to_vec::<i32>().unwrap();
            assert_eq!(load(&path).unwrap().to_vec::<i32>().unwrap(), want);
            let m = map(&path, MapMode::ReadOnly).unwrap();
            assert!(m.is_readonly() && !m.storage().is_owned());
            assert_eq!(m.to_vec::<i32>().unwrap(), want);
            std::fs::remove_file(&path).unwrap();
        }
    }

    #[test]
    fn map_modes_and_fortran_order() {
        let path = temp_path("modes");
        let mut bytes = header(DType::Int16, &[2, 3], true);
        bytes.extend((0..6i16).flat_map(i16::to_le_bytes));
        std::fs::write(&path, &bytes).unwrap();
        let m = map(&path, MapMode::ReadWrite).unwrap();
        assert_eq!(m.strides(), &[1, 2]);
        assert_eq!(m.to_vec::<i16>().unwrap(), vec![0, 2, 4, 1, 3, 5]);
        assert_eq!(load(&path).unwrap().strides(), &[1, 2]);
        m.fill_(crate::Scalar::Int(7)).unwrap();
        drop(m);
        assert_eq!(load(&path).unwrap().to_vec::<i16>().unwrap(), vec![7; 6]);
        let c = map(&path, MapMode::CopyOnWrite).unwrap();
        c.fill_(crate::Scalar::Int(1)).unwrap();
        assert_eq!(load(&path).unwrap().to_vec::<i16>().unwrap(), vec![7; 6]);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn big_endian_is_swapped_or_refused() {
        let path = temp_path("be");
        let mut bytes = wrap_header("{'descr': '>c8', 'fortran_order': False, 'shape': (2,), }");
        for v in [1.5f32, -2.0, 3.25, 4.0] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        std::fs::write(&path, &bytes).unwrap();
        let t = load(&path).unwrap();
        assert_eq!(t.get(&[1]), crate::Scalar::Complex(3.25, 4.0));
        assert!(matches!(map(&path, MapMode::ReadOnly), Err(Error::NpyByteOrder { .. })));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn truncated_and_missing_files() {
        let path = temp_path("short");
        let mut bytes = header(DType::Float64, &[10], false);
        bytes.extend_from_slice(&[0; 79]);
        std::fs::write(&path, &bytes).unwrap();
        for r in [load(&path), map(&path, MapMode::ReadOnly)] {
            assert!(matches!(
                r,
                Err(Error::NpyTruncated {
                    expected_bytes: 80,
                    got_bytes: 79
                })
            ));
        }
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(load(&path), Err(Error::Io { errno: Some(2), .. })));
        assert!("w+".parse::<MapMode>().is_err());
    }
}
