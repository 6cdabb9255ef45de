//! DLPack exchange in Rust: export then import shares memory, every deleter
//! runs exactly once whatever the drop order or thread, and malformed
//! foreign structs are refused (and still released) before any memory is read.

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tensorbridge::dlpack::ffi::{
    DLDataType, DLDevice, DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLTensor,
    RawManaged, DLPACK_FLAG_BITMASK_IS_COPIED, DLPACK_FLAG_BITMASK_READ_ONLY, K_DL_CPU, K_DL_FLOAT,
};
use tensorbridge::dlpack::{export, ExportRequest, Foreign};
use tensorbridge::{DType, Error, Tensor};

mod common;

const V1: Option<DLPackVersion> = Some(DLPackVersion { major: 1, minor: 3 });

/// A 3x4 float64 tensor over a Vec whose release is counted.
fn counted(readonly: bool, drops: &Arc<AtomicUsize>) -> Tensor {
    common::counted_foreign((0..12).map(|x| x as f64).collect(), &[3, 4], &[4, 1], readonly, drops)
}

/// Exports `t` as asked and imports the result back, as a consumer would.
fn round_trip(t: &Tensor, request: &ExportRequest) -> Tensor {
    let raw = export(t, request, None).unwrap().into_raw();
    // SAFETY: `raw` was just handed over by `into_raw`; we own it now.
    unsafe { Foreign::from_raw(raw) }.into_tensor().unwrap()
}

#[test]
fn round_trip_shares_memory_in_both_abis() {
    for max_version in [None, V1] {
        let drops = Arc::new(AtomicUsize::new(0));
        let t = counted(false, &drops);
        let views = [
            t.clone(),
            t.t(),
            t.slice(1, None, None, -2).unwrap(),
            t.select(0, 1).unwrap(),
            t.slice(0, Some(3), None, 1).unwrap(),
        ];
        for v in &views {
            let back = round_trip(
                v,
                &ExportRequest {
                    max_version,
                    ..Default::default()
                },
            );
            assert_eq!(back.data_ptr(), v.data_ptr());
            assert_eq!(back.shape(), v.shape());
            assert_eq!(back.dtype(), DType::Float64);
            assert_eq!(back.to_vec::<f64>().unwrap(), v.to_vec::<f64>().unwrap());
            if v.numel() > 0 {
                assert_eq!(back.strides(), v.strides());
                assert!(back.may_share_memory(v));
            }
            assert!(!back.is_readonly());
        }
        // Writes through the import are visible in the original.
        let back = round_trip(
            &t,
            &ExportRequest {
                max_version,
                ..Default::default()
            },
        );
        back.fill_(tensorbridge::Scalar::Float(7.0)).unwrap();
        assert!(t.to_vec::<f64>().unwrap().iter().all(|&x| x == 7.0));
        drop((t, views));
        assert_eq!(
            drops.load(Ordering::SeqCst),
            0,
            "imported tensor still uses the memory"
        );
        drop(back);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}

#[test]
fn every_dtype_round_trips() {
    for dtype in DType::ALL {
        let t = Tensor::zeros(&[2, 3], dtype).unwrap();
        for max_version in [None, V1] {
            let back = round_trip(
                &t,
                &ExportRequest {
                    max_version,
                    ..Default::default()
                },
            );
            assert_eq!(back.dtype(), dtype);
            assert_eq!(back.data_ptr(), t.data_ptr());
        }
    }
    let scalar = Tensor::from_vec(vec![5i16], &[]).unwrap();
    let back = round_trip(
        &scalar,
        &ExportRequest {
            max_version: V1,
            ..Default::default()
        },
    );
    assert_eq!(back.shape(), &[] as &[usize]);
    assert_eq!(back.to_vec::<i16>().unwrap(), vec![5]);
    let empty = Tensor::zeros(&[0, 3], DType::Int8).unwrap();
    assert_eq!(
        round_trip(&empty, &ExportRequest::default()).shape(),
        &[0, 3]
    );
}

#[test]
fn deleter_runs_once_in_any_order_and_thread() {
    for order in 0..4 {
        let drops = Arc::new(AtomicUsize::new(0));
        let t = counted(false, &drops);
        let exported = export(
            &t,
            &ExportRequest {
                max_version: V1,
                ..Default::default()
            },
            None,
        )
        .unwrap();
        // SAFETY: handed over by `into_raw`.
        let back = unsafe { Foreign::from_raw(exported.into_raw()) }
            .into_tensor()
            .unwrap();
        let view = back.t();
        match order {
            0 => drop((t, back, view)),
            1 => {
                drop(view);
                drop(back);
                assert_eq!(drops.load(Ordering::SeqCst), 0);
                drop(t);
            }
            2 => {
                drop(t);
                std::thread::spawn(move || drop((back, view)))
                    .join()
                    .unwrap();
            }
            _ => {
                std::thread::spawn(move || drop(t)).join().unwrap();
                drop(back);
                assert_eq!(drops.load(Ordering::SeqCst), 0);
                std::thread::spawn(move || drop(view)).join().unwrap();
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1, "order {order}");
    }
}

#[test]
fn an_export_nobody_consumes_is_freed() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = counted(false, &drops);
    let e = export(&t, &ExportRequest::default(), None).unwrap();
    drop(t);
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(e);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

static HOOKED: AtomicUsize = AtomicUsize::new(0);

fn hook(storage: Arc<tensorbridge::Storage>) {
    HOOKED.fetch_add(1, Ordering::SeqCst);
    drop(storage);
}

#[test]
fn release_hook_receives_the_storage() {
    let t = Tensor::zeros(&[4], DType::Float32).unwrap();
    let e = export(&t, &ExportRequest::default(), Some(hook)).unwrap();
    let before = HOOKED.load(Ordering::SeqCst);
    // SAFETY: handed over by `into_raw`; deleted exactly once here.
    unsafe { e.into_raw().delete() };
    assert_eq!(HOOKED.load(Ordering::SeqCst), before + 1);
}

#[test]
fn read_only_and_copies() {
    let drops = Arc::new(AtomicUsize::new(0));
    let ro = counted(true, &drops);
    assert!(matches!(
        export(&ro, &ExportRequest::default(), None),
        Err(Error::DLPackReadOnly)
    ));
    let e = export(
        &ro,
        &ExportRequest {
            max_version: V1,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let RawManaged::Versioned(p) = e.raw() else {
        panic!("versioned expected")
    };
    // SAFETY: `e` owns the live struct.
    assert_eq!(unsafe { p.as_ref() }.flags, DLPACK_FLAG_BITMASK_READ_ONLY);
    // SAFETY: handed over by `into_raw`.
    let back = unsafe { Foreign::from_raw(e.into_raw()) }
        .into_tensor()
        .unwrap();
    assert!(back.is_readonly());
    assert!(back.fill_(tensorbridge::Scalar::Int(1)).is_err());

    // A copy is writeable, so even a legacy consumer may have it.
    let copy = ExportRequest {
        copy: Some(true),
        ..Default::default()
    };
    let c = round_trip(&ro, &copy);
    assert!(!c.is_readonly());
    assert!(!c.may_share_memory(&ro));
    assert_eq!(c.to_vec::<f64>().unwrap(), ro.to_vec::<f64>().unwrap());
    let e = export(
        &ro,
        &ExportRequest {
            max_version: V1,
            copy: Some(true),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let RawManaged::Versioned(p) = e.raw() else {
        panic!("versioned expected")
    };
    // SAFETY: `e` owns the live struct.
    assert_eq!(unsafe { p.as_ref() }.flags, DLPACK_FLAG_BITMASK_IS_COPIED);
    // copy=false never copies.
    let shared = round_trip(
        &ro,
        &ExportRequest {
            max_version: V1,
            copy: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(shared.data_ptr(), ro.data_ptr());
}

// ------------------------------------------------------------ foreign structs

/// A producer's tensor built by hand: the managed struct first, then the
/// arrays it points to and the memory; the deleter frees it all and counts.
#[repr(C)]
struct Fixture<M> {
    managed: M,
    shape: Vec<i64>,
    strides: Vec<i64>,
    data: Vec<u64>,
    deletes: Arc<AtomicUsize>,
}

unsafe extern "C" fn delete_fixture_versioned(m: *mut DLManagedTensorVersioned) {
    // SAFETY: only set on fixtures made by `versioned`, deleted once.
    let f = unsafe { Box::from_raw(m.cast::<Fixture<DLManagedTensorVersioned>>()) };
    f.deletes.fetch_add(1, Ordering::SeqCst);
}

unsafe extern "C" fn delete_fixture_legacy(m: *mut DLManagedTensor) {
    // SAFETY: only set on fixtures made by `legacy`, deleted once.
    let f = unsafe { Box::from_raw(m.cast::<Fixture<DLManagedTensor>>()) };
    f.deletes.fetch_add(1, Ordering::SeqCst);
}

/// What a fixture's `DLTensor` says, before pointers are filled in.
#[derive(Clone)]
struct Spec {
    ndim: i32,
    shape: Vec<i64>,
    strides: Option<Vec<i64>>,
    dtype: DLDataType,
    device: DLDevice,
    null_data: bool,
    null_shape: bool,
    byte_offset: u64,
    flags: u64,
    version: DLPackVersion,
}

impl Spec {
    /// A valid float32 tensor of `shape` with NULL (compact) strides.
    fn f32(shape: &[i64]) -> Spec {
        Spec {
            ndim: shape.len() as i32,
            shape: shape.to_vec(),
            strides: None,
            dtype: DLDataType {
                code: K_DL_FLOAT,
                bits: 32,
                lanes: 1,
            },
            device: DLDevice {
                device_type: K_DL_CPU,
                device_id: 0,
            },
            null_data: false,
            null_shape: false,
            byte_offset: 0,
            flags: 0,
            version: DLPackVersion { major: 1, minor: 1 },
        }
    }

    fn dl_tensor(&self, data: &mut [u64], shape: &mut [i64], strides: &mut [i64]) -> DLTensor {
        DLTensor {
            data: if self.null_data {
                std::ptr::null_mut()
            } else {
                data.as_mut_ptr() as *mut c_void
            },
            device: self.device,
            ndim: self.ndim,
            dtype: self.dtype,
            shape: if self.null_shape {
                std::ptr::null_mut()
            } else {
                shape.as_mut_ptr()
            },
            strides: if self.strides.is_some() {
                strides.as_mut_ptr()
            } else {
                std::ptr::null_mut()
            },
            byte_offset: self.byte_offset,
        }
    }

    /// A versioned struct over 16 u64 words holding 0.0f32, 1.0f32, ...
    fn versioned(&self, deletes: &Arc<AtomicUsize>) -> RawManaged {
        let mut f = self.fixture(deletes, |dl, spec| DLManagedTensorVersioned {
            version: spec.version,
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_fixture_versioned),
            flags: spec.flags,
            dl_tensor: dl,
        });
        f.managed.dl_tensor = self.dl_tensor(&mut f.data, &mut f.shape, &mut f.strides);
        RawManaged::Versioned(NonNull::from(&mut Box::leak(f).managed))
    }

    fn legacy(&self, deletes: &Arc<AtomicUsize>) -> RawManaged {
        let mut f = self.fixture(deletes, |dl, _| DLManagedTensor {
            dl_tensor: dl,
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_fixture_legacy),
        });
        f.managed.dl_tensor = self.dl_tensor(&mut f.data, &mut f.shape, &mut f.strides);
        RawManaged::Legacy(NonNull::from(&mut Box::leak(f).managed))
    }

    fn fixture<M>(
        &self,
        deletes: &Arc<AtomicUsize>,
        make: impl FnOnce(DLTensor, &Spec) -> M,
    ) -> Box<Fixture<M>> {
        let floats: Vec<f32> = (0..32).map(|x| x as f32).collect();
        let data: Vec<u64> = floats
            .chunks(2)
            .map(|p| (p[0].to_bits() as u64) | ((p[1].to_bits() as u64) << 32))
            .collect();
        let mut shape = self.shape.clone();
        shape.resize(shape.len().max(1), 0);
        let mut strides = self.strides.clone().unwrap_or_default();
        strides.resize(strides.len().max(1), 0);
        let placeholder = DLTensor {
            data: std::ptr::null_mut(),
            device: self.device,
            ndim: 0,
            dtype: self.dtype,
            shape: std::ptr::null_mut(),
            strides: std::ptr::null_mut(),
            byte_offset: 0,
        };
        Box::new(Fixture {
            managed: make(placeholder, self),
            shape,
            strides,
            data,
            deletes: deletes.clone(),
        })
    }
}

/// Imports a fixture; returns the result and how often its deleter has run
/// right after the attempt (the tensor, if any, is still alive then).
fn import(spec: &Spec, versioned: bool) -> (tensorbridge::Result<Tensor>, Arc<AtomicUsize>) {
    let deletes = Arc::new(AtomicUsize::new(0));
    let raw = if versioned {
        spec.versioned(&deletes)
    } else {
        spec.legacy(&deletes)
    };
    // SAFETY: a fixture we just leaked and now hand over.
    let r = unsafe { Foreign::from_raw(raw) }.into_tensor();
    (r, deletes)
}

#[test]
fn valid_foreign_tensors_import() {
    let (t, deletes) = import(&Spec::f32(&[2, 3]), true);
    let t = t.unwrap();
    assert_eq!(t.shape(), &[2, 3]);
    assert_eq!(t.strides(), &[3, 1]);
    assert_eq!(t.to_vec::<f32>().unwrap(), vec![0., 1., 2., 3., 4., 5.]);
    assert_eq!(deletes.load(Ordering::SeqCst), 0);
    let v = t.t();
    drop(t);
    assert_eq!(deletes.load(Ordering::SeqCst), 0);
    drop(v);
    assert_eq!(deletes.load(Ordering::SeqCst), 1);

    // byte_offset, explicit (transposed) strides, read-only flag, legacy ABI.
    let mut s = Spec::f32(&[3, 2]);
    s.byte_offset = 8;
    s.strides = Some(vec![1, 3]);
    s.flags = DLPACK_FLAG_BITMASK_READ_ONLY;
    let (t, _) = import(&s, true);
    let t = t.unwrap();
    assert!(t.is_readonly());
    assert_eq!(t.to_vec::<f32>().unwrap(), vec![2., 5., 3., 6., 4., 7.]);
    let (t, _) = import(&s, false);
    assert!(!t.unwrap().is_readonly(), "legacy structs have no flags");

    // Negative strides, 0-d, empty with null data, a newer minor version.
    let mut s = Spec::f32(&[4]);
    s.strides = Some(vec![-1]);
    s.byte_offset = 12;
    assert_eq!(
        import(&s, true).0.unwrap().to_vec::<f32>().unwrap(),
        vec![3., 2., 1., 0.]
    );
    let (t, _) = import(&Spec::f32(&[]), true);
    assert_eq!(t.unwrap().to_vec::<f32>().unwrap(), vec![0.]);
    let mut s = Spec::f32(&[0, 5]);
    s.null_data = true;
    assert_eq!(import(&s, true).0.unwrap().shape(), &[0, 5]);
    let mut s = Spec::f32(&[2]);
    s.version = DLPackVersion {
        major: 1,
        minor: 77,
    };
    assert!(import(&s, true).0.is_ok());
}

#[test]
fn malformed_foreign_tensors_are_refused_and_released() {
    let base = Spec::f32(&[2, 3]);
    let with = |f: &dyn Fn(&mut Spec)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    let cases: Vec<(&str, Spec)> = vec![
        ("null data, non-empty shape", with(&|s| s.null_data = true)),
        ("negative ndim", with(&|s| s.ndim = -1)),
        ("ndim past 64", with(&|s| s.ndim = 1000)),
        ("null shape", with(&|s| s.null_shape = true)),
        ("lanes 2", with(&|s| s.dtype.lanes = 2)),
        ("unknown code", with(&|s| s.dtype.code = 7)),
        ("odd bits", with(&|s| s.dtype.bits = 24)),
        ("cuda device", with(&|s| s.device.device_type = 2)),
        ("negative dim", with(&|s| s.shape[0] = -2)),
        ("overflowing shape", with(&|s| s.shape = vec![i64::MAX, 3])),
        (
            "overflowing strides",
            with(&|s| s.strides = Some(vec![i64::MAX / 2, 1])),
        ),
        ("misaligned", with(&|s| s.byte_offset = 1)),
        ("offset wraps", with(&|s| s.byte_offset = u64::MAX)),
    ];
    for versioned in [true, false] {
        for (name, spec) in &cases {
            let (r, deletes) = import(spec, versioned);
            assert!(r.is_err(), "{name} (versioned {versioned}) was accepted");
            assert_eq!(
                deletes.load(Ordering::SeqCst),
                1,
                "{name}: deleter not run exactly once"
            );
        }
    }
    let (r, deletes) = import(&with(&|s| s.version.major = 2), true);
    assert!(matches!(r, Err(Error::DLPackVersion { major: 2, .. })));
    assert_eq!(deletes.load(Ordering::SeqCst), 1);
    let (r, _) = import(&with(&|s| s.dtype.lanes = 4), true);
    assert!(matches!(r, Err(Error::DLPackDType { lanes: 4, .. })));
    let (r, _) = import(&with(&|s| s.ndim = -5), true);
    assert!(matches!(
        r,
        Err(Error::DLPackMalformed {
            field: "ndim",
            value: -5,
            ..
        })
    ));
    let (r, _) = import(&with(&|s| s.null_data = true), true);
    assert!(matches!(r, Err(Error::NullData { .. })));
}

/// The adversarial catalogue's DLPack rows (see `adversarial.rs`): each
/// hostile struct gets the error that names what is wrong, and its deleter
/// runs exactly once; odd but valid structs get a defined tensor.
#[test]
fn hostile_foreign_tensors_name_what_is_wrong() {
    let base = Spec::f32(&[2, 3]);
    let with = |f: &dyn Fn(&mut Spec)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    let cases: Vec<(&str, Spec, &str, &str)> = vec![
        (
            "ndim 65",
            with(&|s| {
                s.ndim = 65;
                s.shape = vec![1; 65];
            }),
            "TooManyDims",
            "65 dimensions",
        ),
        (
            "i64::MIN dimension",
            with(&|s| s.shape[0] = i64::MIN),
            "NegativeDim",
            "sizes must be >= 0",
        ),
        (
            "i64::MIN stride",
            with(&|s| s.strides = Some(vec![i64::MIN, 1])),
            "Overflow",
            "byte extent",
        ),
        (
            "compact strides overflow",
            with(&|s| s.shape = vec![1 << 62, 4]),
            "Overflow",
            "DLPack shape",
        ),
        (
            "data + byte_offset wraps",
            with(&|s| s.byte_offset = u64::MAX - 3),
            "Overflow",
            "byte_offset",
        ),
        (
            "negative device type",
            with(&|s| s.device.device_type = -1),
            "DLPackDevice",
            "type -1",
        ),
        (
            "major version 0",
            with(&|s| s.version.major = 0),
            "DLPackVersion",
            "0.1",
        ),
        (
            "major version u32::MAX",
            with(&|s| s.version.major = u32::MAX),
            "DLPackVersion",
            "4294967295",
        ),
        (
            "zero bits",
            with(&|s| s.dtype.bits = 0),
            "DLPackDType",
            "bits 0",
        ),
        (
            "zero lanes",
            with(&|s| s.dtype.lanes = 0),
            "DLPackDType",
            "lanes 0",
        ),
        (
            "16-bit bool",
            with(&|s| {
                s.dtype.code = 6;
                s.dtype.bits = 16;
            }),
            "DLPackDType",
            "code 6, bits 16",
        ),
    ];
    for (name, spec, want, fragment) in &cases {
        let (r, deletes) = import(spec, true);
        let e = r.expect_err(name);
        let got = format!("{e:?}");
        assert!(got.starts_with(want), "{name}: {e:?}");
        assert!(
            e.to_string().contains(fragment),
            "{name}: {fragment:?} not in {e}"
        );
        assert_eq!(
            deletes.load(Ordering::SeqCst),
            1,
            "{name}: deleter not run exactly once"
        );
    }
    // Defined results. No elements: null data and wild strides describe no memory.
    let (t, _) = import(
        &with(&|s| {
            s.shape = vec![0, 3];
            s.strides = Some(vec![i64::MAX, i64::MIN]);
            s.null_data = true;
        }),
        true,
    );
    assert_eq!(t.unwrap().shape(), &[0, 3]);
    // Flag bits this version does not know are ignored (the spec reserves them).
    let (t, _) = import(&with(&|s| s.flags = 1 << 40), true);
    assert!(!t.unwrap().is_readonly());
    // Read-only producers: writes refused. Zero strides: writes refused.
    let (t, deletes) = import(&with(&|s| s.flags = DLPACK_FLAG_BITMASK_READ_ONLY), true);
    let t = t.unwrap();
    assert!(matches!(
        t.fill_(tensorbridge::Scalar::Float(1.0)),
        Err(Error::ReadOnly { .. })
    ));
    let (z, _) = import(
        &with(&|s| {
            s.shape = vec![4];
            s.ndim = 1;
            s.strides = Some(vec![0]);
        }),
        true,
    );
    let z = z.unwrap();
    assert_eq!(z.to_vec::<f32>().unwrap(), vec![0.0; 4]);
    assert!(matches!(
        z.fill_(tensorbridge::Scalar::Float(1.0)),
        Err(Error::InternalOverlap { .. })
    ));
    drop(t);
    assert_eq!(deletes.load(Ordering::SeqCst), 1);
}
