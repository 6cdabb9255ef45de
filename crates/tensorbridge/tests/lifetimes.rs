//! Foreign owners are released exactly once, by whichever handle goes last,
//! on whichever thread that happens, and in whichever order tensors, views,
//! DLPack exports (consumed, unconsumed, handed over raw) and leases go.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tensorbridge::dlpack::ffi::{DLPackVersion, DLTensor, RawManaged};
use tensorbridge::dlpack::{export, ExportRequest, Exported, Foreign};
use tensorbridge::{DType, ExportLease, Scalar, Tensor};

mod common;

fn foreign(n: usize, drops: &Arc<AtomicUsize>) -> Tensor {
    common::counted_foreign((0..n).map(|x| x as f32).collect(), &[n as i64], &[1], false, drops)
}

#[test]
fn views_keep_the_owner_alive_in_any_order() {
    for order in 0..3 {
        let drops = Arc::new(AtomicUsize::new(0));
        let t = foreign(8, &drops);
        let v = t.slice(0, None, None, -3).unwrap();
        let c = v.to_contiguous().unwrap();
        match order {
            0 => {
                drop(t);
                assert_eq!(v.to_vec::<f32>().unwrap(), vec![7., 4., 1.]);
                drop(v);
            }
            1 => {
                drop(v);
                drop(t);
            }
            _ => {
                let v2 = v.clone();
                drop(v);
                drop(t);
                assert_eq!(v2.numel(), 3);
                drop(v2);
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(c.to_vec::<f32>().unwrap(), vec![7., 4., 1.]);
    }
}

#[test]
fn last_drop_on_another_thread_releases_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = foreign(1024, &drops);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let v = t.slice(0, Some(i), None, 4).unwrap();
            std::thread::spawn(move || v.to_vec::<f32>().unwrap().len())
        })
        .collect();
    drop(t);
    for h in handles {
        assert_eq!(h.join().unwrap(), 256);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn copies_do_not_hold_the_owner() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = foreign(4, &drops);
    let c = t.to_dtype(DType::Float64).unwrap();
    drop(t);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(c.to_vec::<f64>().unwrap(), vec![0., 1., 2., 3.]);
}

// ------------------------------------------------------------------ matrix
//
// Every handle that can keep foreign memory alive, dropped in every order:
// the owner goes exactly once, with the last handle, and until then every
// survivor still reads (and one writes) the same memory. Under `make
// sanitize` this runs with AddressSanitizer, which also catches any read of
// freed memory that a wrong count would not show.

/// One holder of the memory.
enum Handle {
    /// A tensor: the original, a view of it, or a DLPack import of it.
    Tensor(Tensor),
    /// A DLPack export nobody consumed: dropping it runs the deleter.
    Exported(Exported),
    /// A DLPack export handed over by `into_raw`: the holder calls the deleter.
    Raw(SendRaw),
    /// A lease, as a buffer-protocol export holds one.
    Lease(ExportLease),
}

/// A handed-over export, movable to the thread that deletes it.
struct SendRaw(RawManaged);

// SAFETY: the struct came from `export`, whose managed block owns a `Tensor`
// (Send + Sync) and plain arrays; its deleter may run on any thread (the
// same reasoning as `Exported`'s own `Send`).
unsafe impl Send for SendRaw {}

impl Handle {
    fn release(self) {
        match self {
            Handle::Raw(SendRaw(raw)) => {
                // SAFETY: `raw` came from `into_raw` and is deleted once, here.
                unsafe { raw.delete() }
            }
            other => drop(other),
        }
    }
}

/// The first element a DLPack struct points at.
fn first_of(raw: RawManaged) -> f32 {
    let dl: DLTensor = match raw {
        // SAFETY: the struct is live until its deleter runs, which has not
        // happened while the handle holding it is in the set.
        RawManaged::Versioned(p) => unsafe { (*p.as_ptr()).dl_tensor },
        // SAFETY: as above.
        RawManaged::Legacy(p) => unsafe { (*p.as_ptr()).dl_tensor },
    };
    // SAFETY: `data + byte_offset` is the first element of a live float32
    // export of a non-empty tensor.
    unsafe {
        *(dl.data as *const u8)
            .add(dl.byte_offset as usize)
            .cast::<f32>()
    }
}

/// The first element of a tensor, read through its own layout.
fn first_elem(t: &Tensor) -> f32 {
    let mut e = t.clone();
    while !e.shape().is_empty() {
        e = e.select(0, 0).unwrap();
    }
    e.to_vec::<f32>().unwrap()[0]
}

fn request(versioned: bool) -> ExportRequest {
    ExportRequest {
        max_version: versioned.then_some(DLPackVersion { major: 1, minor: 0 }),
        ..Default::default()
    }
}

/// The seven handles, all showing element 0 of the owner's buffer first.
fn handles(drops: &Arc<AtomicUsize>) -> Vec<Handle> {
    let t = common::counted_foreign(
        (0..12).map(|x| x as f32).collect(),
        &[3, 4],
        &[4, 1],
        false,
        drops,
    );
    let view = t.t().slice(0, None, None, 2).unwrap();
    let import = |versioned| {
        let raw = export(&t, &request(versioned), None).unwrap().into_raw();
        // SAFETY: handed over by `into_raw`; the import owns it now.
        Handle::Tensor(unsafe { Foreign::from_raw(raw) }.into_tensor().unwrap())
    };
    vec![
        import(true),
        import(false),
        Handle::Exported(export(&view, &request(true), None).unwrap()),
        Handle::Raw(SendRaw(
            export(&view, &request(false), None).unwrap().into_raw(),
        )),
        Handle::Lease(t.storage().lease()),
        Handle::Tensor(view),
        Handle::Tensor(t),
    ]
}

/// Every survivor sees `value` at element 0 after one of them writes it.
fn check_survivors(left: &[Option<Handle>], value: f32) {
    let writer = left.iter().flatten().find_map(|h| match h {
        Handle::Tensor(t) => Some(t),
        _ => None,
    });
    if let Some(t) = writer {
        let mut e = t.clone();
        while !e.shape().is_empty() {
            e = e.select(0, 0).unwrap();
        }
        e.fill_(Scalar::Float(value.into())).unwrap();
    }
    for h in left.iter().flatten() {
        let got = match h {
            Handle::Tensor(t) => first_elem(t),
            Handle::Exported(e) => first_of(e.raw()),
            Handle::Raw(SendRaw(raw)) => first_of(*raw),
            Handle::Lease(l) => {
                // SAFETY: the lease keeps the storage, and so its first
                // four bytes (a float32 written above or at creation), alive.
                unsafe { *l.storage().as_ptr().cast::<f32>() }
            }
        };
        if writer.is_some() {
            assert_eq!(got, value);
        }
    }
}

/// Heap's algorithm: calls `f` with every permutation of `0..n`.
fn permutations(n: usize, mut f: impl FnMut(&[usize])) {
    let mut p: Vec<usize> = (0..n).collect();
    let mut c = vec![0; n];
    f(&p);
    let mut i = 0;
    while i < n {
        if c[i] < i {
            p.swap(if i % 2 == 0 { 0 } else { c[i] }, i);
            f(&p);
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
}

#[test]
fn every_handle_in_every_drop_order_releases_the_owner_once() {
    let mut orders = 0;
    permutations(7, |order| {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut left: Vec<Option<Handle>> = handles(&drops).into_iter().map(Some).collect();
        for (step, &i) in order.iter().enumerate() {
            let h = left[i].take().unwrap();
            if step + 1 == order.len() && orders % 2 == 1 {
                // The last handle goes on another thread in every other order.
                std::thread::spawn(move || h.release()).join().unwrap();
            } else {
                h.release();
            }
            if step + 1 < order.len() {
                assert_eq!(
                    drops.load(Ordering::SeqCst),
                    0,
                    "order {order:?} step {step}"
                );
                check_survivors(&left, -(step as f32) - 1.0);
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1, "order {order:?}");
        orders += 1;
    });
    assert_eq!(orders, 5040);
}
