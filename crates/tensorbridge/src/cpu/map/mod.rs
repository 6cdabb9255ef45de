//! The loop runners of elementwise kernels: apply a function to every
//! element (or element pair) of broadcast operands and write the output.
//!
//! The walk comes from [`crate::strided::Walk`]; inner runs where every
//! operand is contiguous become plain slice loops the compiler vectorizes,
//! and runs with a broadcast (stride 0) operand hoist its value. Work above
//! [`PARALLEL_MIN_ELEMENTS`] is split across rayon's threads.

use super::vmath::{Fused, MulAdd, Separate};
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

/// Defines a [`Kernel1`] type for each unary vector function named
/// (`Exp32: f32 => vmath::exp;`), or a [`Kernel2`] type for each binary
/// one (`Atan264: f64, f64 => vmath64::atan2;`), generic over
/// [`MulAdd`] as the functions are.
macro_rules! kernels {
    ($($name:ident: $t:ty => $($f:ident)::+;)*) => {$(
        #[doc = concat!("`", stringify!($($f)::+), "` as a [`Kernel1`](crate::cpu::map::Kernel1).")]
        pub(crate) enum $name {}

        impl $crate::cpu::map::Kernel1 for $name {
            type In = $t;
            type Out = $t;
            #[inline(always)]
            fn apply<M: $crate::cpu::vmath::MulAdd>(x: $t) -> $t {
                $($f)::+::<M>(x)
            }
        }
    )*};
    ($($name:ident: $t:ty, $u:ty => $($f:ident)::+;)*) => {$(
        #[doc = concat!("`", stringify!($($f)::+), "` as a [`Kernel2`](crate::cpu::map::Kernel2).")]
        pub(crate) enum $name {}

        impl $crate::cpu::map::Kernel2 for $name {
            type In = $t;
            type Out = $u;
            #[inline(always)]
            fn apply<M: $crate::cpu::vmath::MulAdd>(a: $t, b: $t) -> $u {
                $($f)::+::<M>(a, b)
            }
        }
    )*};
}
pub(crate) use kernels;

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
    let wide = wide_vectors();
    let f = Closure(f);
    map1_runs(out, x, |po, px, n, s| {
        // SAFETY: `map1_runs`' offsets, and AVX2 checked for its build.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            if wide {
                return run1_avx2(po, px, n, s, &f);
            }
            run1(po, px, n, s, &f)
        }
    });
}

/// A unary function compiled twice: with fused multiply-adds for CPUs
/// with FMA, with separate ones for the others (see [`Kernel2`] for why a
/// trait and not a closure).
pub trait Kernel1: Sync {
    /// The input element type.
    type In: Copy;
    /// The output element type.
    type Out: Copy;
    /// The function, with multiply-adds computed as `M` says.
    fn apply<M: MulAdd>(x: Self::In) -> Self::Out;
}

/// [`map1`] for a [`Kernel1`], in the widest vector build this CPU runs
/// (see [`vector_tier`]). Both builds give results within the function's
/// stated accuracy.
pub fn map1_fused<K: Kernel1>(out: &Tensor, x: &Tensor) {
    let tier = vector_tier();
    map1_runs(out, x, |po, px, n, s| {
        // SAFETY: `map1_runs`' offsets, and each build runs only where the
        // CPU has its features.
        unsafe {
            match tier {
                #[cfg(target_arch = "x86_64")]
                VectorTier::Avx512 => run1_avx512(po, px, n, s, &Build::<K, Fused>::new()),
                #[cfg(target_arch = "x86_64")]
                VectorTier::Avx2 => run1_avx2(po, px, n, s, &Build::<K, Fused>::new()),
                _ => run1(po, px, n, s, &Build::<K, Separate>::new()),
            }
        }
    });
}

/// Walks `x` (of `I`) and `out` (of `O`) and gives each inner run to
/// `run`: its output and input pointers, its length and its strides.
fn map1_runs<I, O>(out: &Tensor, x: &Tensor, run: impl Fn(*mut O, *const I, usize, [isize; 2]) + Sync)
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
            let (po, px) = unsafe {
                (
                    (bases.0[0] as *mut O).offset(o[0]),
                    (bases.0[1] as *const I).offset(o[1]),
                )
            };
            run(po, px, n, s)
        })
    });
}

/// One run of [`map1`]: `n` elements, `s` their strides (out, x).
///
/// # Safety
///
/// Every addressed element lies inside its operand's allocation; the
/// output elements are exclusively ours.
#[inline(always)]
unsafe fn run1<I: Copy, O: Copy>(po: *mut O, px: *const I, n: usize, s: [isize; 2], f: &impl Call1<I, O>) {
    // SAFETY: per the contract.
    unsafe {
        if s == [1, 1] && std::ptr::eq(po as *const I, px) {
            // In place: the input pointer is derived from the output's, so
            // the compiler sees one array and vectorizes (two pointers to
            // the same address fail its overlap check and run scalar).
            let px = po as *const I;
            for i in 0..n {
                *po.add(i) = f.call(*px.add(i));
            }
        } else if s == [1, 1] {
            for i in 0..n {
                *po.add(i) = f.call(*px.add(i));
            }
        } else {
            for i in 0..n as isize {
                *po.offset(i * s[0]) = f.call(*px.offset(i * s[1]));
            }
        }
    }
}

/// [`run1`] compiled with AVX2 and FMA (see [`wide_vectors`]).
///
/// # Safety
///
/// As for [`run1`], and the CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run1_avx2<I: Copy, O: Copy>(po: *mut O, px: *const I, n: usize, s: [isize; 2], f: &impl Call1<I, O>) {
    // SAFETY: passed on.
    unsafe { run1(po, px, n, s, f) }
}

/// [`run1`] compiled with AVX-512 (see [`vector_tier`]).
///
/// # Safety
///
/// As for [`run1`], and the CPU supports AVX-512 F, VL and DQ, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
unsafe fn run1_avx512<I: Copy, O: Copy>(po: *mut O, px: *const I, n: usize, s: [isize; 2], f: &impl Call1<I, O>) {
    // SAFETY: passed on.
    unsafe { run1(po, px, n, s, f) }
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
    // Arithmetic and comparisons are bound by memory bandwidth: an
    // AVX-512 build would gain nothing.
    let wide = wide_vectors();
    let f = Closure(f);
    map2_runs(out, a, b, |po, pa, pb, n, s| {
        // SAFETY: `map2_runs`' offsets, and AVX2 checked for its build.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            if wide {
                return run2_avx2(po, pa, pb, n, s, &f);
            }
            run2(po, pa, pb, n, s, &f)
        }
    });
}

/// A binary function compiled twice: with fused multiply-adds for CPUs
/// with FMA, with separate ones for the others.
///
/// [`map2_fused`] calls [`Kernel2::apply`] directly, which is always
/// inlined into its loops; a closure passed as `impl Fn` is a call that
/// LLVM stops inlining once the body passes its size threshold (float64
/// `logaddexp`, an `exp` and a `log1p`, does), and the loop is then a
/// call per element, with `mul_add` a call into the C library besides.
pub trait Kernel2: Sync {
    /// The input element type.
    type In: Copy;
    /// The output element type.
    type Out: Copy;
    /// The function, with multiply-adds computed as `M` says.
    fn apply<M: MulAdd>(a: Self::In, b: Self::In) -> Self::Out;
    /// Whether [`Kernel2::apply`] is wrong for some pairs, which
    /// [`Kernel2::rare`] names and [`Kernel2::exact`] computes: the loops
    /// then check each block of pairs first, and a block holding any rare
    /// pair runs one element at a time.
    const HAS_RARE: bool = false;
    /// Whether `apply` may be wrong for this pair.
    #[inline(always)]
    fn rare(_a: Self::In, _b: Self::In) -> bool {
        false
    }
    /// The function for a rare pair.
    fn exact(a: Self::In, b: Self::In) -> Self::Out {
        Self::apply::<Separate>(a, b)
    }
}

/// [`map2`] for a [`Kernel2`], in the widest vector build this CPU runs
/// (see [`vector_tier`]).
pub fn map2_fused<K: Kernel2>(out: &Tensor, a: &Tensor, b: &Tensor) {
    let tier = vector_tier();
    map2_runs(out, a, b, |po, pa, pb, n, s| {
        // SAFETY: `map2_runs`' offsets, and each build runs only where the
        // CPU has its features.
        unsafe {
            match tier {
                #[cfg(target_arch = "x86_64")]
                VectorTier::Avx512 => run2_avx512(po, pa, pb, n, s, &Build::<K, Fused>::new()),
                #[cfg(target_arch = "x86_64")]
                VectorTier::Avx2 => run2_avx2(po, pa, pb, n, s, &Build::<K, Fused>::new()),
                _ => run2(po, pa, pb, n, s, &Build::<K, Separate>::new()),
            }
        }
    });
}

/// Walks broadcast operands of element type `I` into `out` (of `O`), and
/// gives each inner run to `run`: its output and input pointers, its
/// length and its strides (out, a, b).
fn map2_runs<I, O>(
    out: &Tensor,
    a: &Tensor,
    b: &Tensor,
    run: impl Fn(*mut O, *const I, *const I, usize, [isize; 3]) + Sync,
) where
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
            let (po, pa, pb) = unsafe {
                (
                    (bases.0[0] as *mut O).offset(o[0]),
                    (bases.0[1] as *const I).offset(o[1]),
                    (bases.0[2] as *const I).offset(o[2]),
                )
            };
            run(po, pa, pb, n, s)
        })
    });
}

/// How [`run1`] calls its function, inlined in either form.
trait Call1<I, O> {
    fn call(&self, x: I) -> O;
}

/// How [`run2`] calls its function, inlined in either form (see
/// [`Kernel2`] for the rare pairs).
trait Call2<I, O> {
    const HAS_RARE: bool = false;
    fn call(&self, a: I, b: I) -> O;
    fn rare(&self, _a: I, _b: I) -> bool {
        false
    }
    fn exact(&self, a: I, b: I) -> O {
        self.call(a, b)
    }
    /// The exact form for a rare pair, else the vector form.
    #[inline(always)]
    fn checked(&self, a: I, b: I) -> O
    where
        I: Copy,
    {
        if self.rare(a, b) {
            self.exact(a, b)
        } else {
            self.call(a, b)
        }
    }
}

/// An `impl Fn` closure, called as such.
struct Closure<F>(F);

impl<I, O, F: Fn(I) -> O> Call1<I, O> for Closure<F> {
    #[inline(always)]
    fn call(&self, x: I) -> O {
        (self.0)(x)
    }
}

impl<I, O, F: Fn(I, I) -> O> Call2<I, O> for Closure<F> {
    #[inline(always)]
    fn call(&self, a: I, b: I) -> O {
        (self.0)(a, b)
    }
}

/// A [`Kernel2`] in the build `M`.
struct Build<K, M>(std::marker::PhantomData<(K, M)>);

impl<K, M> Build<K, M> {
    fn new() -> Self {
        Build(std::marker::PhantomData)
    }
}

impl<K: Kernel1, M: MulAdd> Call1<K::In, K::Out> for Build<K, M> {
    #[inline(always)]
    fn call(&self, x: K::In) -> K::Out {
        K::apply::<M>(x)
    }
}

impl<K: Kernel2, M: MulAdd> Call2<K::In, K::Out> for Build<K, M> {
    const HAS_RARE: bool = K::HAS_RARE;
    #[inline(always)]
    fn call(&self, a: K::In, b: K::In) -> K::Out {
        K::apply::<M>(a, b)
    }
    #[inline(always)]
    fn rare(&self, a: K::In, b: K::In) -> bool {
        K::rare(a, b)
    }
    fn exact(&self, a: K::In, b: K::In) -> K::Out {
        K::exact(a, b)
    }
}

/// One run of [`map2`]: `n` elements, `s` their strides (out, a, b); a
/// broadcast operand (stride 0) is read once.
///
/// # Safety
///
/// As for [`run1`].
#[inline(always)]
unsafe fn run2<I: Copy, O: Copy, F: Call2<I, O>>(
    po: *mut O,
    pa: *const I,
    pb: *const I,
    n: usize,
    s: [isize; 3],
    f: &F,
) {
    if F::HAS_RARE {
        // SAFETY: passed on.
        return unsafe { run2_checked(po, pa, pb, n, s, f) };
    }
    // SAFETY: per the contract.
    unsafe {
        // In place (`a op= b`): `a` read through the output's pointer, as in
        // `run1`, so the loops still vectorize.
        let in_place = std::ptr::eq(po as *const I, pa);
        match s {
            [1, 1, 1] if in_place => {
                let pa = po as *const I;
                for i in 0..n {
                    *po.add(i) = f.call(*pa.add(i), *pb.add(i));
                }
            }
            [1, 1, 0] if in_place => {
                let (pa, vb) = (po as *const I, *pb);
                for i in 0..n {
                    *po.add(i) = f.call(*pa.add(i), vb);
                }
            }
            [1, 1, 1] => {
                for i in 0..n {
                    *po.add(i) = f.call(*pa.add(i), *pb.add(i));
                }
            }
            [1, 1, 0] => {
                let vb = *pb;
                for i in 0..n {
                    *po.add(i) = f.call(*pa.add(i), vb);
                }
            }
            [1, 0, 1] => {
                let va = *pa;
                for i in 0..n {
                    *po.add(i) = f.call(va, *pb.add(i));
                }
            }
            _ => {
                for i in 0..n as isize {
                    *po.offset(i * s[0]) = f.call(*pa.offset(i * s[1]), *pb.offset(i * s[2]));
                }
            }
        }
    }
}

/// Pairs per block of [`run2_checked`]: 4 KB of float64 per operand.
const CHECKED_BLOCK: usize = 512;

/// [`run2`] for a function with rare pairs: each block of pairs is checked
/// first (a vector OR over the block, which also brings it into cache),
/// then computed by the vector form, or one element at a time with the
/// exact form for the rare pairs. Strided runs go one element at a time.
///
/// # Safety
///
/// As for [`run1`].
#[inline(always)]
unsafe fn run2_checked<I: Copy, O: Copy, F: Call2<I, O>>(
    po: *mut O,
    pa: *const I,
    pb: *const I,
    n: usize,
    s: [isize; 3],
    f: &F,
) {
    // In place, `a` is read through the output's pointer (see `run2`); the
    // check reads a block before any of it is written.
    let pa = if std::ptr::eq(po as *const I, pa) {
        po as *const I
    } else {
        pa
    };
    let mut start = 0;
    while start < n {
        let m = CHECKED_BLOCK.min(n - start);
        let at = start as isize;
        // SAFETY: per the contract, for elements start..start + m.
        unsafe {
            let (o, a, b) = (
                po.offset(at * s[0]),
                pa.offset(at * s[1]),
                pb.offset(at * s[2]),
            );
            match s {
                [1, 1, 1] => checked_block::<I, O, F, 1, 1>(o, a, b, m, f),
                [1, 1, 0] => checked_block::<I, O, F, 1, 0>(o, a, b, m, f),
                [1, 0, 1] => checked_block::<I, O, F, 0, 1>(o, a, b, m, f),
                _ => {
                    for i in 0..m as isize {
                        *o.offset(i * s[0]) = f.checked(*a.offset(i * s[1]), *b.offset(i * s[2]));
                    }
                }
            }
        }
        start += m;
    }
}

/// One block of [`run2_checked`] with element strides `SA` and `SB` (1, or
/// 0 for a broadcast operand) and a contiguous output.
///
/// # Safety
///
/// `o`, `a` and `b` are valid for `m` elements at those strides.
#[inline(always)]
unsafe fn checked_block<I: Copy, O: Copy, F: Call2<I, O>, const SA: usize, const SB: usize>(
    o: *mut O,
    a: *const I,
    b: *const I,
    m: usize,
    f: &F,
) {
    // SAFETY: per the contract.
    unsafe {
        // A broadcast operand is read once, before the loops: the compiler
        // cannot hoist a load that a store to `o` might change, and would
        // not vectorize the loop around it.
        let (va, vb) = (*a, *b);
        let x = |i: usize| if SA == 0 { va } else { *a.add(i) };
        let y = |i: usize| if SB == 0 { vb } else { *b.add(i) };
        let mut any = false;
        for i in 0..m {
            any |= f.rare(x(i), y(i));
        }
        if any {
            for i in 0..m {
                *o.add(i) = f.checked(x(i), y(i));
            }
        } else {
            for i in 0..m {
                *o.add(i) = f.call(x(i), y(i));
            }
        }
    }
}

/// [`run2`] compiled with AVX2 and FMA (see [`wide_vectors`]).
///
/// # Safety
///
/// As for [`run2`], and the CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run2_avx2<I: Copy, O: Copy>(
    po: *mut O,
    pa: *const I,
    pb: *const I,
    n: usize,
    s: [isize; 3],
    f: &impl Call2<I, O>,
) {
    // SAFETY: passed on.
    unsafe { run2(po, pa, pb, n, s, f) }
}

/// [`run2`] compiled with AVX-512 (see [`vector_tier`]).
///
/// # Safety
///
/// As for [`run2`], and the CPU supports AVX-512 F, VL and DQ, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2,fma")]
unsafe fn run2_avx512<I: Copy, O: Copy>(
    po: *mut O,
    pa: *const I,
    pb: *const I,
    n: usize,
    s: [isize; 3],
    f: &impl Call2<I, O>,
) {
    // SAFETY: passed on.
    unsafe { run2(po, pa, pb, n, s, f) }
}

/// The widest vector build of [`map1_fused`]'s loops this CPU runs.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum VectorTier {
    /// The baseline target (SSE2 on x86-64).
    Base,
    /// AVX2 and FMA: 256-bit vectors.
    Avx2,
    /// AVX-512 F, VL and DQ besides: 512-bit vectors, which double the
    /// lanes of the compute-bound function loops (`exp`, `sin`, ...).
    Avx512,
}

/// Which build of [`map1_fused`]'s loops runs here.
///
/// The AVX-512 build computes each element with the same operations as the
/// AVX2 one (the same function; only the number of lanes changes), so its
/// results are bit for bit the AVX2 build's.
pub(crate) fn vector_tier() -> VectorTier {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if !wide_vectors() {
            return VectorTier::Base;
        }
        if has!("avx512f") && has!("avx512vl") && has!("avx512dq") {
            return VectorTier::Avx512;
        }
        VectorTier::Avx2
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        VectorTier::Base
    }
}

/// Whether the run loops take their AVX2 build.
///
/// Each loop is compiled twice, for the baseline x86-64 target (SSE2) and
/// with AVX2 and FMA (which bring SSE4.1), chosen at run time as the
/// reductions do: the contiguous loops then use 256-bit vectors, and
/// `floor`, `ceil`, `trunc` and `round` become one instruction instead of a
/// call into the C library. Results are bit for bit the same (Rust never
/// fuses a multiply and an add, and the rounding instructions are exact),
/// but for the functions that pass [`map1_fused`] a fused build.
pub(crate) fn wide_vectors() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod build_equality;
