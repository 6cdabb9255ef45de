//! The loop runners of elementwise kernels: apply a function to every
//! element (or element pair) of broadcast operands and write the output.
//!
//! The walk comes from [`crate::strided::Walk`]; inner runs where every
//! operand is contiguous become plain slice loops the compiler vectorizes,
//! and runs with a broadcast (stride 0) operand hoist its value. Work above
//! [`PARALLEL_MIN_ELEMENTS`] is split across rayon's threads.

use crate::strided::Walk;
use crate::tensor::Tensor;

/// Elements below which an elementwise kernel stays on the calling thread.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Base addresses passed to worker threads (raw pointers are not `Send`).
#[derive(Copy, Clone)]
struct Bases<const N: usize>([usize; N]);

fn walk_of<const N: usize>(ops: [&Tensor; N]) -> Option<(Walk<N>, Bases<N>)> {
    let shape = ops[0].shape();
    for t in &ops[1..] {
        assert_eq!(t.shape(), shape, "elementwise operands must be broadcast to the output shape");
    }
    let walk = Walk::new(
        shape,
        std::array::from_fn(|i| ops[i].strides()),
        std::array::from_fn(|i| ops[i].layout().offset() as isize),
    )?;
    Some((walk, Bases(std::array::from_fn(|i| ops[i].storage().as_ptr() as usize))))
}

fn run_parts<const N: usize>(walk: &Walk<N>, part: impl Fn(&Walk<N>) + Sync) {
    let threads = rayon::current_num_threads();
    if walk.numel() < PARALLEL_MIN_ELEMENTS || threads < 2 {
        part(walk);
        return;
    }
    super::parallel::for_each_part(&walk.split(threads * 4), part);
}

/// `out[i] = f(x[i])` for every element.
///
/// The caller guarantees: `out` is a fresh (or otherwise exclusively
/// written) CPU tensor of element type `O` without internal overlap that
/// does not overlap `x` unless the two have identical layouts; `x` has
/// element type `I` and `out`'s shape.
pub fn map1<I, O>(out: &Tensor, x: &Tensor, f: impl Fn(I) -> O + Sync)
where
    I: Copy,
    O: Copy,
{
    super::host::only("map1", &[out, x]);
    debug_assert_eq!(std::mem::size_of::<I>(), x.itemsize());
    debug_assert_eq!(std::mem::size_of::<O>(), out.itemsize());
    let Some((walk, bases)) = walk_of([out, x]) else {
        return;
    };
    run_parts(&walk, |w| {
        w.for_each_run(|o, n, s| {
            // SAFETY: the walk yields element offsets inside both checked
            // layouts; `out` is exclusively ours (caller contract), and an
            // in-place map reads each element before writing it.
            unsafe {
                let po = (bases.0[0] as *mut O).offset(o[0]);
                let px = (bases.0[1] as *const I).offset(o[1]);
                if s == [1, 1] {
                    for i in 0..n {
                        *po.add(i) = f(*px.add(i));
                    }
                } else {
                    for i in 0..n as isize {
                        *po.offset(i * s[0]) = f(*px.offset(i * s[1]));
                    }
                }
            }
        })
    });
}

/// `out[i] = f(a[i], b[i])` for every element of broadcast operands.
///
/// The caller guarantees what [`map1`] needs, for both inputs: `a` and `b`
/// have element type `I` and the output's shape (broadcast with stride 0).
pub fn map2<I, O>(out: &Tensor, a: &Tensor, b: &Tensor, f: impl Fn(I, I) -> O + Sync)
where
    I: Copy,
    O: Copy,
{
    super::host::only("map2", &[out, a, b]);
    debug_assert_eq!(std::mem::size_of::<I>(), a.itemsize());
    debug_assert_eq!(std::mem::size_of::<I>(), b.itemsize());
    debug_assert_eq!(std::mem::size_of::<O>(), out.itemsize());
    let Some((walk, bases)) = walk_of([out, a, b]) else {
        return;
    };
    run_parts(&walk, |w| {
        w.for_each_run(|o, n, s| {
            // SAFETY: as in `map1`: offsets come from the walk over the
            // checked layouts, and `out` is exclusively ours.
            unsafe {
                let po = (bases.0[0] as *mut O).offset(o[0]);
                let pa = (bases.0[1] as *const I).offset(o[1]);
                let pb = (bases.0[2] as *const I).offset(o[2]);
                match s {
                    [1, 1, 1] => {
                        for i in 0..n {
                            *po.add(i) = f(*pa.add(i), *pb.add(i));
                        }
                    }
                    [1, 1, 0] => {
                        let vb = *pb;
                        for i in 0..n {
                            *po.add(i) = f(*pa.add(i), vb);
                        }
                    }
                    [1, 0, 1] => {
                        let va = *pa;
                        for i in 0..n {
                            *po.add(i) = f(va, *pb.add(i));
                        }
                    }
                    _ => {
                        for i in 0..n as isize {
                            *po.offset(i * s[0]) = f(*pa.offset(i * s[1]), *pb.offset(i * s[2]));
                        }
                    }
                }
            }
        })
    });
}
