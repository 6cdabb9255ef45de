//! The adversarial catalogue of the core: hostile parts handed to the one
//! checked constructor ([`UncheckedParts`], [`Layout::checked`]), hostile
//! `.npy` files, and views whose materialization or writes must be refused.
//! Every case names the error variant and a fragment of its message (the
//! message is what a user reads). Hostile DLPack structs are in `dlpack.rs`;
//! the Python catalogue is `tests/test_adversarial.py`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tensorbridge::npy::{self, MapMode, NpyHeader};
use tensorbridge::{
    DType, Device, Error, ForeignOwner, Layout, Scalar, Tensor, TensorIndex, UncheckedParts,
};

mod common;

/// Counts drops of the owner a refused import was given.
struct Counted(Arc<AtomicUsize>);

impl ForeignOwner for Counted {}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Parts over `buf` (float32 elements) with the given shape and strides.
fn parts(buf: &mut [f32], shape: &[i64], strides: &[i64]) -> UncheckedParts {
    UncheckedParts {
        data: buf.as_mut_ptr() as *mut u8,
        dtype: DType::Float32,
        shape: shape.to_vec(),
        strides: strides.to_vec(),
        readonly: false,
        device: Device::Cpu,
    }
}

/// The variant's name (`OutOfBounds`, `Overflow`, ...).
fn variant(e: &Error) -> String {
    format!("{e:?}")
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Imports `p` over a 16-float buffer (region-checked when `region` is
/// set) and checks the refusal: variant, message fragment, owner dropped once.
fn refused(name: &str, p: UncheckedParts, region: Option<usize>, want: &str, fragment: &str) {
    let drops = Arc::new(AtomicUsize::new(0));
    let owner = Box::new(Counted(drops.clone()));
    let start = p.data as *const u8;
    // SAFETY: the parts describe (part of) a live 16-float buffer, or are
    // refused before any memory is read: that is what is under test.
    let r = unsafe {
        match region {
            Some(len_bytes) => p.into_tensor_in(start, len_bytes, owner),
            None => p.into_tensor(owner),
        }
    };
    let e = r.expect_err(name);
    assert_eq!(variant(&e), want, "{name}: {e}");
    assert!(
        e.to_string().contains(fragment),
        "{name}: {fragment:?} not in {e}"
    );
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "{name}: the owner must be dropped once"
    );
}

#[test]
fn hostile_parts_are_refused_by_the_checked_constructor() {
    let mut buf = vec![0f32; 16];
    let base = buf.as_mut_ptr();
    let cases: Vec<(&str, UncheckedParts, Option<usize>, &str, &str)> = vec![
        (
            "null data with elements",
            UncheckedParts {
                data: std::ptr::null_mut(),
                ..parts(&mut buf, &[2], &[1])
            },
            None,
            "NullData",
            "null data pointer",
        ),
        (
            "negative dimension",
            parts(&mut buf, &[-1, 2], &[2, 1]),
            None,
            "NegativeDim",
            "negative dimension -1",
        ),
        (
            "i64::MIN dimension",
            parts(&mut buf, &[i64::MIN], &[1]),
            None,
            "NegativeDim",
            "sizes must be >= 0",
        ),
        (
            "ndim 65",
            parts(&mut buf, &[1; 65], &[1; 65]),
            None,
            "TooManyDims",
            "65 dimensions",
        ),
        (
            "shape and strides lengths differ",
            parts(&mut buf, &[2, 2], &[1]),
            None,
            "InvalidArgument",
            "different lengths",
        ),
        (
            "element count overflows",
            parts(&mut buf, &[1 << 32, 1 << 32], &[1, 1]),
            None,
            "Overflow",
            "element count",
        ),
        (
            "element count past isize",
            parts(&mut buf, &[i64::MAX, 2], &[0, 0]),
            None,
            "Overflow",
            "element count",
        ),
        (
            "stride extent past isize",
            parts(&mut buf, &[3], &[1 << 62]),
            None,
            "Overflow",
            "byte extent",
        ),
        (
            "i64::MIN stride",
            parts(&mut buf, &[2], &[i64::MIN]),
            None,
            "Overflow",
            "byte extent",
        ),
        (
            "i64::MAX strides in 62 dims",
            parts(&mut buf, &[2; 62], &[i64::MAX; 62]),
            None,
            "Overflow",
            "byte extent",
        ),
        (
            "extent reaches below address 0",
            UncheckedParts {
                data: 64 as *mut u8,
                ..parts(&mut buf, &[3], &[-1 << 40])
            },
            None,
            "Overflow",
            "byte extent",
        ),
        (
            "extent wraps the address space",
            UncheckedParts {
                data: (usize::MAX - 7) as *mut u8,
                ..parts(&mut buf, &[4], &[1])
            },
            None,
            "Overflow",
            "byte extent",
        ),
        (
            "misaligned pointer",
            UncheckedParts {
                data: base.cast::<u8>().wrapping_add(1),
                ..parts(&mut buf, &[2], &[1])
            },
            None,
            "Misaligned",
            "misaligned",
        ),
        (
            "past the end of the region",
            parts(&mut buf, &[17], &[1]),
            Some(64),
            "OutOfBounds",
            "the memory holds 16 elements",
        ),
        (
            "strided past the region",
            parts(&mut buf, &[4], &[6]),
            Some(64),
            "OutOfBounds",
            "elements 0..=18",
        ),
        (
            "negative stride before the region",
            parts(&mut buf, &[2], &[-1]),
            Some(64),
            "OutOfBounds",
            "elements -1..=",
        ),
        (
            "region of zero bytes",
            parts(&mut buf, &[1], &[1]),
            Some(0),
            "OutOfBounds",
            "holds 0 elements",
        ),
    ];
    let n = cases.len();
    for (name, p, region, want, fragment) in cases {
        refused(name, p, region, want, fragment);
    }
    assert_eq!(n, 17);
}

#[test]
fn odd_but_valid_parts_have_defined_results() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut buf: Vec<f32> = (0..16).map(|x| x as f32).collect();
    // Empty shapes: any strides and even a null pointer describe no bytes.
    for (shape, strides, null) in [
        (vec![0i64, 5], vec![i64::MAX, i64::MIN], false),
        (vec![3, 0], vec![1 << 62, 1], true),
        (vec![0; 64], vec![0; 64], true),
    ] {
        let mut p = parts(&mut buf, &shape, &strides);
        if null {
            p.data = std::ptr::null_mut();
        }
        // SAFETY: no element is described.
        let t = unsafe { p.into_tensor(Box::new(Counted(drops.clone()))) }.unwrap();
        assert_eq!(t.numel(), 0);
        assert_eq!(t.shape().len(), shape.len());
    }
    // A huge dimension with a zero stride is one element shown many times.
    let p = parts(&mut buf, &[1 << 62], &[0]);
    // SAFETY: one live element.
    let huge = unsafe { p.into_tensor(Box::new(Counted(drops.clone()))) }.unwrap();
    assert_eq!(huge.numel(), 1 << 62);
    assert!(huge.layout().has_internal_overlap());
    assert!(matches!(
        huge.fill_(Scalar::Float(1.0)),
        Err(Error::InternalOverlap { .. })
    ));
    assert_eq!(buf[0], 0.0, "a refused write must not write");
    // Read-only parts give a read-only tensor whose writes are refused.
    let mut p = parts(&mut buf, &[4], &[1]);
    p.readonly = true;
    // SAFETY: four live elements.
    let t = unsafe { p.into_tensor(Box::new(Counted(drops.clone()))) }.unwrap();
    assert!(t.is_readonly());
    let e = t.fill_(Scalar::Float(9.0)).unwrap_err();
    assert!(
        matches!(e, Error::ReadOnly { .. }) && e.to_string().contains(".clone()"),
        "{e}"
    );
    assert_eq!(t.to_vec::<f32>().unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
    drop((t, huge));
    assert_eq!(drops.load(Ordering::SeqCst), 5, "each owner dropped once");
}

#[test]
fn folded_foreign_strides_refuse_writes() {
    // NumPy's as_strided(a, (3, 2), (4, 4)) on float32: windows (a0, a1),
    // (a1, a2), (a2, a3) share elements.
    let drops = Arc::new(AtomicUsize::new(0));
    let folded = common::counted_foreign(
        (0..4).map(|x| x as f32).collect(),
        &[3, 2],
        &[1, 1],
        false,
        &drops,
    );
    assert!(folded.layout().has_internal_overlap());
    let e = folded.fill_(Scalar::Float(1.0)).unwrap_err();
    assert!(e.to_string().contains("fold the view onto itself"), "{e}");
    let ones = Tensor::full(&[3, 2], Scalar::Float(1.0), DType::Float32).unwrap();
    assert!(matches!(
        folded.copy_(&ones),
        Err(Error::InternalOverlap { .. })
    ));
    assert_eq!(
        folded.clone_data().unwrap().to_vec::<f32>().unwrap(),
        vec![0., 1., 1., 2., 2., 3.]
    );
    // One element is one location: writable.
    let one = folded
        .index(&[TensorIndex::Int(1), TensorIndex::Int(0)])
        .unwrap();
    one.fill_(Scalar::Float(7.0)).unwrap();
    assert_eq!(
        folded.to_vec::<f32>().unwrap(),
        vec![0., 7., 7., 2., 2., 3.]
    );
    // Windows that only touch stay writable.
    let touching = common::counted_foreign(
        (0..6).map(|x| x as f32).collect(),
        &[3, 2],
        &[2, 1],
        false,
        &drops,
    );
    assert!(!touching.layout().has_internal_overlap());
    touching.fill_(Scalar::Float(1.0)).unwrap();
}

/// A `Layout::checked` case: name, shape, strides, offset, storage length,
/// and the error variant it must give.
type LayoutCase = (
    &'static str,
    Vec<usize>,
    Vec<isize>,
    usize,
    usize,
    &'static str,
);

#[test]
fn layout_checked_refuses_hostile_layouts() {
    let cases: Vec<LayoutCase> = vec![
        (
            "lengths differ",
            vec![2, 2],
            vec![1],
            0,
            4,
            "InvalidArgument",
        ),
        (
            "usize::MAX dimension",
            vec![usize::MAX, 2],
            vec![1, 1],
            0,
            10,
            "Overflow",
        ),
        (
            "count past isize",
            vec![1 << 62, 4],
            vec![0, 0],
            0,
            1,
            "Overflow",
        ),
        ("ndim 65", vec![1; 65], vec![1; 65], 0, 1, "TooManyDims"),
        (
            "isize::MAX stride",
            vec![3],
            vec![isize::MAX],
            0,
            10,
            "OutOfBounds",
        ),
        (
            "isize::MIN stride",
            vec![2],
            vec![isize::MIN],
            5,
            10,
            "OutOfBounds",
        ),
        (
            "offset past the end",
            vec![1],
            vec![1],
            10,
            10,
            "OutOfBounds",
        ),
        (
            "offset usize::MAX",
            vec![1],
            vec![1],
            usize::MAX,
            10,
            "OutOfBounds",
        ),
        (
            "reaches below zero",
            vec![3],
            vec![-1],
            1,
            10,
            "OutOfBounds",
        ),
        (
            "62 dims of isize::MAX",
            vec![2; 62],
            vec![isize::MAX; 62],
            0,
            usize::MAX,
            "OutOfBounds",
        ),
    ];
    for (name, shape, strides, offset, len, want) in cases {
        let e = Layout::checked(&shape, &strides, offset, len).expect_err(name);
        assert_eq!(variant(&e), want, "{name}: {e}");
    }
    // Empty layouts are never out of bounds, whatever their strides.
    assert!(Layout::checked(&[0, 3], &[isize::MIN, isize::MAX], usize::MAX, 0).is_ok());
}

#[test]
fn huge_slice_steps_and_indexes_do_not_overflow() {
    let t = Tensor::from_vec((0..10i64).collect(), &[10]).unwrap();
    // `-2**63` and below arrive as i64::MIN: one element, the last.
    let s = t.slice(0, None, None, i64::MIN).unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![9]);
    let s = t
        .slice(0, Some(i64::MAX), Some(i64::MIN), i64::MIN)
        .unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![9]);
    let s = t
        .slice(0, Some(i64::MIN), Some(i64::MAX), i64::MAX)
        .unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), vec![0]);
    for i in [i64::MIN, i64::MAX, 10, -11] {
        let e = t.index(&[TensorIndex::Int(i)]).unwrap_err();
        assert_eq!(variant(&e), "IndexOutOfRange", "{i}: {e}");
        assert!(
            e.to_string()
                .contains("out of bounds for axis 0 with size 10"),
            "{e}"
        );
    }
    let e = t
        .index(&[TensorIndex::Ellipsis, TensorIndex::Ellipsis])
        .unwrap_err();
    assert!(e.to_string().contains("single ellipsis"), "{e}");
    let e = t
        .index(&[TensorIndex::Int(0), TensorIndex::Int(0)])
        .unwrap_err();
    assert_eq!(variant(&e), "TooManyIndices");
}

#[test]
fn huge_expands_are_views_and_refuse_to_materialize() {
    let huge = 1i64 << 62;
    let e = Tensor::zeros(&[1], DType::Float32)
        .unwrap()
        .expand(&[huge])
        .unwrap();
    assert_eq!(e.numel(), 1 << 62);
    assert_eq!(
        e.nbytes(),
        usize::MAX,
        "nbytes saturates past the address space"
    );
    assert!(matches!(e.checked_nbytes(), Err(Error::Overflow { .. })));
    let u8s = Tensor::zeros(&[1], DType::UInt8)
        .unwrap()
        .expand(&[huge])
        .unwrap();
    assert_eq!(u8s.checked_nbytes().unwrap(), 1 << 62);
    let refusals: Vec<(&str, tensorbridge::Result<Tensor>, &str)> = vec![
        ("clone", e.clone_data(), "byte size overflows"),
        ("contiguous", e.to_contiguous(), "byte size overflows"),
        ("uint8 clone", u8s.clone_data(), "out of memory"),
        (
            "unique",
            tensorbridge::ops::set::unique_values(&e),
            "unique_values: out of memory",
        ),
        (
            "unique of 2^34",
            tensorbridge::ops::set::unique_values(&e.slice(0, None, Some(1 << 34), 1).unwrap()),
            "out of memory",
        ),
        (
            "expand further",
            e.unsqueeze(0).and_then(|x| x.expand(&[4, huge])),
            "element count overflows",
        ),
    ];
    for (name, r, fragment) in refusals {
        let err = r.expect_err(name);
        assert!(
            err.to_string().contains(fragment),
            "{name}: {fragment:?} not in {err}"
        );
    }
    let path = temp_path("huge.npy");
    let err = npy::save(&path, &e).unwrap_err();
    assert!(matches!(err, Error::Overflow { .. }), "{err}");
    let _ = std::fs::remove_file(&path);
}

/// A file name in the temporary folder, unique to this process and `name`;
/// the caller removes the file, and no folder is left behind.
fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tb-adversarial-{}-{name}", std::process::id()))
}

/// A `.npy` v1 file around `header` (padded as NumPy pads) and `data`.
fn npy_file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = npy::wrap_header(header);
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn hostile_npy_files_are_refused_for_load_and_map() {
    let f4 =
        |shape: &str| format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
    let good = npy_file(&f4("(3,)"), &[0u8; 12]);
    let mut len_lie = good.clone();
    len_lie[8..10].copy_from_slice(&60000u16.to_le_bytes());
    let mut len_cut = good.clone();
    len_cut[8..10].copy_from_slice(&20u16.to_le_bytes());
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "empty file",
            vec![],
            "NpyMalformed",
            "ends inside the header",
        ),
        (
            "wrong magic",
            [b"\x93numpy".as_slice(), &good[6..]].concat(),
            "NpyMalformed",
            "magic",
        ),
        (
            "version 4",
            [b"\x93NUMPY\x04\x00".as_slice(), &good[8..]].concat(),
            "NpyVersion",
            "4.0",
        ),
        (
            "header length past the file",
            len_lie,
            "NpyHeaderTooLarge",
            "60000 bytes",
        ),
        (
            "header length cuts the dict",
            len_cut,
            "NpyMalformed",
            "unterminated string",
        ),
        (
            "fortran_order garbage",
            npy_file(
                "{'descr': '<f4', 'fortran_order': 1, 'shape': (3,), }",
                &[0; 12],
            ),
            "NpyMalformed",
            "True or False",
        ),
        (
            "negative shape",
            npy_file(&f4("(-3,)"), &[]),
            "NegativeDim",
            "-3",
        ),
        (
            "shape product overflows",
            npy_file(&f4("(4294967296, 4294967296)"), &[]),
            "Overflow",
            "element count",
        ),
        (
            "shape bytes overflow",
            npy_file(&f4("(9223372036854775807,)"), &[]),
            "Overflow",
            "data size",
        ),
        (
            "shape past u64",
            npy_file(&f4("(18446744073709551616,)"), &[]),
            "Overflow",
            "shape",
        ),
        (
            "65 dimensions",
            npy_file(&f4(&format!("({})", "1,".repeat(65))), &[0; 4]),
            "TooManyDims",
            "65",
        ),
        (
            "unknown descr",
            npy_file(
                "{'descr': '<x4', 'fortran_order': False, 'shape': (3,), }",
                &[0; 12],
            ),
            "UnsupportedDType",
            "<x4",
        ),
        (
            "object descr",
            npy_file(
                "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
                &[0; 24],
            ),
            "UnsupportedDType",
            "object",
        ),
        (
            "structured descr",
            npy_file(
                "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }",
                &[0; 12],
            ),
            "UnsupportedDType",
            "structured",
        ),
        (
            "data shorter than the header says",
            good[..good.len() - 1].to_vec(),
            "NpyTruncated",
            "11 follow",
        ),
        (
            "code instead of a dict",
            npy_file("__import__('os').system('true')", &[]),
            "NpyMalformed",
            "malformed",
        ),
    ];
    for (name, bytes, want, fragment) in cases {
        let path = temp_path(&format!("{}.npy", name.replace(' ', "-")));
        std::fs::write(&path, &bytes).unwrap();
        let results = [
            ("load", npy::load(&path)),
            ("map", npy::map(&path, MapMode::ReadOnly)),
        ];
        for (how, r) in results {
            let e = r.expect_err(name);
            assert_eq!(variant(&e), want, "{name} ({how}): {e}");
            assert!(
                e.to_string().contains(fragment),
                "{name} ({how}): {fragment:?} not in {e}"
            );
        }
        // The parser alone says the same for what lies in the header.
        if bytes.len() >= 10 && want != "NpyTruncated" {
            let _ = NpyHeader::parse(&bytes); // never panics
        }
        let _ = std::fs::remove_file(&path);
    }
}
