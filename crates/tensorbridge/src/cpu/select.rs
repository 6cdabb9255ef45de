//! The loop of `where`: pick each element from one of two operands by a
//! condition.
//!
//! Operands arrive broadcast to the output shape and already in the output
//! dtype, so the loop only moves elements by size (1 to 16 bytes). The walk
//! is [`crate::strided::Walk`] over four operands (output, condition, x1,
//! x2); contiguous runs, and runs where one side is a broadcast scalar, get
//! loops the compiler turns into vector selects.

use super::copy::PARALLEL_MIN_ELEMENTS;
use super::gather::dispatch_size;
use crate::strided::Walk;
use crate::tensor::Tensor;

/// Element types `where` moves, chosen branch-free: a random condition
/// would mispredict a branch on every other element, and a select the
/// compiler cannot prove branch-free does not vectorize.
trait Pick: Copy {
    /// `a` when `c` is non-zero, else `b`.
    fn pick(c: u8, a: Self, b: Self) -> Self;
}

macro_rules! pick_int {
    ($($t:ty),*) => {$(
        impl Pick for $t {
            #[inline(always)]
            fn pick(c: u8, a: Self, b: Self) -> Self {
                let m = ((c != 0) as $t).wrapping_neg();
                (a & m) | (b & !m)
            }
        }
    )*};
}
pick_int!(u8, u16, u32, u64);

impl<T: Pick, const N: usize> Pick for [T; N] {
    #[inline(always)]
    fn pick(c: u8, a: Self, b: Self) -> Self {
        std::array::from_fn(|k| T::pick(c, a[k], b[k]))
    }
}

/// One run of `out[i] = if cond[i] != 0 { a[i] } else { b[i] }`.
///
/// # Safety
/// Every element `i * stride` (i < n) of each operand is in bounds and
/// aligned; `out` is writable and overlaps none of the inputs.
#[inline]
unsafe fn run<T: Pick>(
    out: *mut T,
    cond: *const u8,
    a: *const T,
    b: *const T,
    n: usize,
    s: [isize; 4],
) {
    // SAFETY: the caller's contract, in every branch: unit strides are read
    // as slices of n elements, stride 0 as one element.
    unsafe {
        match s {
            [1, 1, 1, 1] => {
                let (o, c) = (
                    std::slice::from_raw_parts_mut(out, n),
                    std::slice::from_raw_parts(cond, n),
                );
                let (a, b) = (
                    std::slice::from_raw_parts(a, n),
                    std::slice::from_raw_parts(b, n),
                );
                for i in 0..n {
                    o[i] = T::pick(c[i], a[i], b[i]);
                }
            }
            [1, 1, 1, 0] => {
                let (o, c, a) = (
                    std::slice::from_raw_parts_mut(out, n),
                    std::slice::from_raw_parts(cond, n),
                    std::slice::from_raw_parts(a, n),
                );
                let b = b.read();
                for i in 0..n {
                    o[i] = T::pick(c[i], a[i], b);
                }
            }
            [1, 1, 0, 1] => {
                let (o, c, b) = (
                    std::slice::from_raw_parts_mut(out, n),
                    std::slice::from_raw_parts(cond, n),
                    std::slice::from_raw_parts(b, n),
                );
                let a = a.read();
                for i in 0..n {
                    o[i] = T::pick(c[i], a, b[i]);
                }
            }
            _ => {
                for i in 0..n as isize {
                    let v = if cond.offset(i * s[1]).read() != 0 {
                        a.offset(i * s[2]).read()
                    } else {
                        b.offset(i * s[3]).read()
                    };
                    out.offset(i * s[0]).write(v);
                }
            }
        }
    }
}

/// `where(cond, a, b)` as a new contiguous tensor: `cond` a bool tensor,
/// `a` and `b` of one dtype, all three of one (broadcast) shape.
pub fn select(cond: &Tensor, a: &Tensor, b: &Tensor) -> crate::Result<Tensor> {
    super::host::only("select", &[cond, a, b]);
    assert!(a.dtype() == b.dtype() && cond.itemsize() == 1);
    assert!(cond.shape() == a.shape() && a.shape() == b.shape());
    // SAFETY: the walk below writes every element.
    let out = unsafe { Tensor::uninit(a.shape(), a.dtype())? };
    let Some(walk) = Walk::new(
        out.shape(),
        [out.strides(), cond.strides(), a.strides(), b.strides()],
        [
            out.layout().offset() as isize,
            cond.layout().offset() as isize,
            a.layout().offset() as isize,
            b.layout().offset() as isize,
        ],
    ) else {
        return Ok(out);
    };
    let bases = [
        out.storage().as_ptr() as usize,
        cond.storage().as_ptr() as usize,
        a.storage().as_ptr() as usize,
        b.storage().as_ptr() as usize,
    ];
    let itemsize = out.itemsize();
    let go = |w: &Walk<4>| {
        dispatch_size!(itemsize, T => {
            w.for_each_run(|o, n, s| {
                // SAFETY: the walk only yields offsets of elements inside the
                // four checked layouts; `out` is fresh, so it overlaps none.
                unsafe {
                    run::<T>(
                        (bases[0] as *mut T).offset(o[0]),
                        (bases[1] as *const u8).offset(o[1]),
                        (bases[2] as *const T).offset(o[2]),
                        (bases[3] as *const T).offset(o[3]),
                        n,
                        s,
                    )
                }
            });
        });
    };
    let threads = rayon::current_num_threads();
    if out.numel() < PARALLEL_MIN_ELEMENTS || threads < 2 {
        go(&walk);
    } else {
        let parts = walk.split(threads * 2);
        rayon::scope(|sc| {
            for p in &parts {
                let go = &go;
                sc.spawn(move |_| go(p));
            }
        });
    }
    Ok(out)
}
