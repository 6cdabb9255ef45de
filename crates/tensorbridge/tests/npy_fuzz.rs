//! Whole `.npy` files at volume, through the public [`npy::load`] and
//! [`npy::map`]: arbitrary bytes, valid files with bytes flipped, inserted or
//! cut anywhere (header length, dict text, data), and headers whose shape
//! and descr are arbitrary text all give `Ok` or a clean `Err`, never a
//! panic or a fault. A tensor that loads or maps has every element inside
//! the file (all of it is read back here, which would fault on a mapping
//! past the end). Saved tensors of every dtype and layout round-trip
//! byte for byte through save, load, map and the header parser.
//!
//! The header parser's own properties (token soup, mutated header bytes)
//! are in-module in `npy/header.rs`; these go through the file layer above
//! it. The number of cases follows `PROPTEST_CASES` (256 by default;
//! `make fuzz` raises it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use tensorbridge::npy::{self, wrap_header, MapMode, NpyHeader};
use tensorbridge::{DType, Error, Tensor};

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn with(bytes: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!(
            "tensorbridge-npy-fuzz-{}-{n}.npy",
            std::process::id()
        ));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Loads and maps (all three modes) `bytes` as a file; whatever succeeds
/// must describe elements inside the file, and reading them all must work.
fn open_every_way(bytes: &[u8]) -> Result<(), TestCaseError> {
    let file = TempFile::with(bytes);
    let mut results = vec![npy::load(&file.0)];
    for mode in [MapMode::ReadOnly, MapMode::CopyOnWrite, MapMode::ReadWrite] {
        results.push(npy::map(&file.0, mode));
    }
    for t in results.into_iter().flatten() {
        let header = NpyHeader::parse(bytes)
            .map_err(|e| TestCaseError::fail(format!("opened a file whose header fails: {e}")))?;
        prop_assert_eq!(t.shape(), &header.shape[..]);
        prop_assert_eq!(t.dtype(), header.dtype);
        prop_assert!(header.data_offset + t.nbytes() <= bytes.len());
        // Touch every element (a mapping past the file's end would fault).
        prop_assert_eq!(t.to_bytes().unwrap().len(), t.nbytes());
    }
    Ok(())
}

/// A tensor of `dtype` with distinct values, in a layout picked by `view`:
/// contiguous, transposed, reversed along the first axis, or every second
/// element of the last.
fn tensor(dtype: DType, shape: &[usize], view: u8) -> Tensor {
    let n: usize = shape.iter().product();
    let t = Tensor::from_vec((0..n as i64).map(|i| i * 7 - 3).collect(), shape)
        .unwrap()
        .to_dtype(dtype)
        .unwrap();
    match (view, t.ndim()) {
        (_, 0) | (0, _) => t,
        (1, _) => t.t(),
        (2, _) => t.slice(0, None, None, -1).unwrap(),
        _ => t.slice(-1, None, None, 2).unwrap(),
    }
}

fn dtype() -> impl Strategy<Value = DType> {
    (0..DType::ALL.len()).prop_map(|i| DType::ALL[i])
}

fn small_shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..6, 0..4)
}

/// Shape entries as the text a hostile header may hold: negative, huge,
/// past `u64`, or a fraction.
fn shape_text() -> impl Strategy<Value = String> {
    let dim = prop_oneof![
        4 => (0u64..8).prop_map(|d| d.to_string()),
        1 => any::<i64>().prop_map(|d| d.to_string()),
        1 => Just("18446744073709551616".to_string()),
        1 => Just("1.5".to_string()),
        1 => Just("-0".to_string()),
    ];
    prop::collection::vec(dim, 0..4).prop_map(|dims| match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    })
}

fn descr_text() -> impl Strategy<Value = String> {
    prop_oneof![
        dtype().prop_map(|d| NpyHeader::for_tensor(d, &[]).descr()),
        prop::sample::select(vec![
            "<f4", ">f8", ">c8", ">i2", "|b1", "<V2", "<V4", "|O", "<U3", "<m8", "", "<f"
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #[test]
    fn saved_tensors_round_trip(dtype in dtype(), shape in small_shape(), view in 0u8..4, fortran_file in any::<bool>()) {
        let t = tensor(dtype, &shape, view);
        let want = t.to_bytes().unwrap();
        let mut bytes = vec![];
        npy::write(&mut bytes, &t).unwrap();
        let header = NpyHeader::parse(&bytes).unwrap();
        prop_assert_eq!(header.dtype, dtype);
        prop_assert_eq!(&header.shape[..], t.shape());
        prop_assert!(!header.fortran_order);
        prop_assert_eq!(bytes.len(), header.data_offset + want.len());
        let file = TempFile::with(&bytes);
        let loaded = npy::load(&file.0).unwrap();
        prop_assert_eq!(loaded.shape(), t.shape());
        prop_assert_eq!(loaded.to_bytes().unwrap(), want.clone());
        let mapped = npy::map(&file.0, MapMode::ReadOnly).unwrap();
        prop_assert!(mapped.is_readonly());
        prop_assert_eq!(mapped.to_bytes().unwrap(), want);
        if fortran_file {
            // The same elements written in Fortran order (the reversed
            // shape's C order) read back as an F-contiguous view.
            let tt = t.permute(&(0..t.ndim() as i64).rev().collect::<Vec<_>>()).unwrap();
            let mut h = NpyHeader::for_tensor(dtype, t.shape());
            h.fortran_order = true;
            let mut fbytes = h.to_bytes();
            fbytes.extend_from_slice(&tt.to_bytes().unwrap());
            let file = TempFile::with(&fbytes);
            let loaded = npy::load(&file.0).unwrap();
            prop_assert_eq!(loaded.to_bytes().unwrap(), t.to_bytes().unwrap());
        }
    }

    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..400), magic in any::<bool>()) {
        let mut file = if magic { b"\x93NUMPY\x01\x00".to_vec() } else { vec![] };
        if magic {
            file.extend_from_slice(&(bytes.len().min(u16::MAX as usize) as u16).to_le_bytes());
        }
        file.extend_from_slice(&bytes);
        open_every_way(&file)?;
    }

    #[test]
    fn mutated_files_are_ok_or_clean_errors(
        dtype in dtype(),
        shape in small_shape(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..5),
    ) {
        let mut bytes = vec![];
        npy::write(&mut bytes, &tensor(dtype, &shape, 0)).unwrap();
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 => bytes.truncate(i),
                // Aim at the header length and version bytes, where one
                // change moves every offset.
                _ => {
                    let j = 6 + at.index(6);
                    if j < bytes.len() {
                        bytes[j] = byte;
                    }
                }
            }
        }
        open_every_way(&bytes)?;
    }

    #[test]
    fn hostile_header_fields_are_ok_or_clean_errors(
        descr in descr_text(),
        shape in shape_text(),
        fortran in prop::sample::select(vec!["True", "False", "0", "None"]),
        data_len in 0usize..300,
    ) {
        let text = format!("{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}");
        let mut bytes = wrap_header(&text);
        bytes.extend((0..data_len).map(|i| i as u8));
        open_every_way(&bytes)?;
        // A header that parses, with the data it asks for, loads; the one
        // exception is a shape whose non-zero dimensions multiply past
        // `isize::MAX` (possible only with a zero among them), which NumPy
        // refuses too ("array is too big"). Too little data is refused.
        if let Ok(h) = NpyHeader::parse(&bytes) {
            let need = h.data_len_bytes();
            let file = TempFile::with(&bytes);
            let loaded = npy::load(&file.0);
            match need {
                Ok(need) if need <= data_len => prop_assert!(
                    loaded.is_ok() || matches!(loaded, Err(Error::Overflow { .. })),
                    "{}: {:?}", text, loaded.err()
                ),
                _ => prop_assert!(loaded.is_err()),
            }
        }
    }
}

/// Found by the property above: an empty array whose other dimensions
/// multiply past `isize::MAX` has no valid strides; NumPy refuses to create
/// it ("array is too big"), and so does the loader, with an overflow error
/// rather than a wrong layout.
#[test]
fn empty_shape_with_huge_dimensions_is_refused() {
    for order in ["False", "True"] {
        let text = format!(
            "{{'descr': '|b1', 'fortran_order': {order}, 'shape': (1844674407370955162, 0, 5), }}"
        );
        let file = TempFile::with(&wrap_header(&text));
        assert!(matches!(npy::load(&file.0), Err(Error::Overflow { .. })));
        assert!(matches!(
            npy::map(&file.0, MapMode::ReadOnly),
            Err(Error::Overflow { .. })
        ));
    }
}
