//! Matrix products and dot products over strided, batched operands.
//!
//! Floating and complex products (f32, f64, complex64, complex128) go to the
//! `gemm` crate: it packs strided operands (negative and zero strides too)
//! into cache-sized panels and runs SIMD micro-kernels chosen at run time.
//! One large product is split across rayon's threads by gemm itself; a
//! batch of small products is split by us, one single-threaded gemm call
//! per batch element.
//!
//! Integer and bool products have no such library, and tiny float products
//! (stacks of 3x3 matrices) spend more in a gemm call's set-up than in
//! arithmetic. Both use a blocked
//! i-k-j loop: the inner loop runs along a contiguous row of `b` (packed
//! first when it is strided) and of `out`, so the compiler vectorises it,
//! and blocks of `b` stay in cache while every row of `a` passes over them.
//! Integers wrap on overflow like NumPy (wrapping sums do not depend on the
//! order of the terms, so results match NumPy exactly); bool is logical or
//! of logical and.
//!
//! f16 and bf16 never reach this file: the operations compute them in f32.

use num_complex::Complex;
use rayon::prelude::*;

use crate::dtype::DType;
use crate::strided::Walk;
use crate::tensor::Tensor;

/// Multiply-adds below which a product stays on the calling thread.
pub const PARALLEL_MIN_FLOPS: usize = 1 << 18;

/// Multiply-adds of one product up to which floats skip gemm for the loop.
const TINY_FLOPS: usize = 512;

/// Columns of one block of `b` in the integer kernel.
const BLOCK_COLS: usize = 512;
/// Rows of one block of `b` in the integer kernel.
const BLOCK_DEPTH: usize = 128;

/// Bool elements for the integer kernel (bool storage is bytes, like
/// `u8`, but its product is logical).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct Logical(pub u8);

/// The arithmetic a product needs from its element type.
pub trait DotElement: Copy + Send + Sync + 'static {
    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;
    /// `self + a * b`, wrapping for integers, logical for bool.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `self + other`, wrapping for integers, logical or for bool.
    fn add(self, other: Self) -> Self;
    /// The complex conjugate (the identity for real types).
    fn conj(self) -> Self;
    /// Whether `self` is zero (its products add nothing).
    fn is_zero(self) -> bool;
}

macro_rules! dot_int {
    ($($t:ty),*) => {$(
        impl DotElement for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self { self.wrapping_add(a.wrapping_mul(b)) }
            #[inline(always)]
            fn add(self, other: Self) -> Self { self.wrapping_add(other) }
            #[inline(always)]
            fn conj(self) -> Self { self }
            #[inline(always)]
            fn is_zero(self) -> bool { self == 0 }
        }
    )*};
}
dot_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! dot_float {
    ($($t:ty),*) => {$(
        impl DotElement for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self { self + a * b }
            #[inline(always)]
            fn add(self, other: Self) -> Self { self + other }
            #[inline(always)]
            fn conj(self) -> Self { self }
            #[inline(always)]
            fn is_zero(self) -> bool { false }
        }
        impl DotElement for Complex<$t> {
            const ZERO: Self = Complex::new(0.0, 0.0);
            const ONE: Self = Complex::new(1.0, 0.0);
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self { self + a * b }
            #[inline(always)]
            fn add(self, other: Self) -> Self { self + other }
            #[inline(always)]
            fn conj(self) -> Self { Complex::conj(&self) }
            #[inline(always)]
            fn is_zero(self) -> bool { false }
        }
    )*};
}
dot_float!(f32, f64);

impl DotElement for Logical {
    const ZERO: Self = Logical(0);
    const ONE: Self = Logical(1);
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Logical(self.0 | ((a.0 != 0) & (b.0 != 0)) as u8)
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Logical(((self.0 != 0) | (other.0 != 0)) as u8)
    }
    #[inline(always)]
    fn conj(self) -> Self {
        self
    }
    #[inline(always)]
    fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// The shape of one product and where each batch element's operands start.
struct Batches {
    m: usize,
    n: usize,
    k: usize,
    /// Row and column strides of `a` and `b`, in elements.
    a_rs: isize,
    a_cs: isize,
    b_rs: isize,
    b_cs: isize,
    /// Element offsets of `[out, a, b]` for every batch element.
    offsets: Vec<[isize; 3]>,
    /// Storage base addresses of `[out, a, b]`.
    bases: [usize; 3],
}

impl Batches {
    /// Reads the geometry of `out = a · b`; `None` when there is nothing to
    /// compute (an empty batch or an empty result).
    fn new(a: &Tensor, b: &Tensor, out: &Tensor) -> Option<Batches> {
        let nd = out.ndim();
        assert!(
            nd >= 2 && a.ndim() == nd && b.ndim() == nd,
            "matmul_into needs equal ranks of at least 2"
        );
        assert!(
            a.dtype() == out.dtype() && b.dtype() == out.dtype(),
            "matmul_into needs one dtype"
        );
        assert!(
            out.is_contiguous(),
            "matmul_into writes a contiguous output"
        );
        let (m, k) = (a.shape()[nd - 2], a.shape()[nd - 1]);
        let n = b.shape()[nd - 1];
        assert!(b.shape()[nd - 2] == k && out.shape()[nd - 2] == m && out.shape()[nd - 1] == n);
        assert!(
            a.shape()[..nd - 2] == out.shape()[..nd - 2]
                && b.shape()[..nd - 2] == out.shape()[..nd - 2]
        );
        let batch = &out.shape()[..nd - 2];
        let walk = Walk::new(
            batch,
            [
                &out.strides()[..nd - 2],
                &a.strides()[..nd - 2],
                &b.strides()[..nd - 2],
            ],
            [
                out.layout().offset() as isize,
                a.layout().offset() as isize,
                b.layout().offset() as isize,
            ],
        )?;
        if m == 0 || n == 0 {
            return None;
        }
        let mut offsets = Vec::with_capacity(walk.numel());
        walk.for_each_run(|o, len, s| {
            for i in 0..len as isize {
                offsets.push([o[0] + i * s[0], o[1] + i * s[1], o[2] + i * s[2]]);
            }
        });
        Some(Batches {
            m,
            n,
            k,
            a_rs: a.strides()[nd - 2],
            a_cs: a.strides()[nd - 1],
            b_rs: b.strides()[nd - 2],
            b_cs: b.strides()[nd - 1],
            offsets,
            bases: [
                out.storage().as_ptr() as usize,
                a.storage().as_ptr() as usize,
                b.storage().as_ptr() as usize,
            ],
        })
    }

    /// Multiply-adds of one batch element.
    fn flops(&self) -> usize {
        self.m.saturating_mul(self.n).saturating_mul(self.k)
    }
}

/// `out[i] = op(a[i]) · b[i]` for every batch index `i`, where `op`
/// conjugates when `conj_a` is set.
///
/// `a` is `(batch.., m, k)`, `b` is `(batch.., k, n)` and `out` is
/// `(batch.., m, n)`, all of one dtype and rank (broadcast batch dimensions
/// are stride-0 views). The caller guarantees that `out` is a fresh,
/// C-contiguous tensor of zeros sharing no memory with `a` or `b`, and that
/// the dtype is not f16/bf16 (compute those in f32).
pub fn matmul_into(a: &Tensor, b: &Tensor, out: &Tensor, conj_a: bool) {
    super::host::only("matmul_into", &[a, b, out]);
    let Some(geom) = Batches::new(a, b, out) else {
        return;
    };
    if geom.k == 0 {
        return; // an empty sum: `out` already holds zeros
    }
    // Tiny products (stacks of 3x3 matrices, say) cost more in a gemm call's
    // set-up than in arithmetic: the plain loop is several times faster there.
    let tiny = geom.flops() <= TINY_FLOPS && !conj_a;
    match out.dtype() {
        DType::Float32 if tiny => loop_batches::<f32>(&geom),
        DType::Float64 if tiny => loop_batches::<f64>(&geom),
        DType::Complex64 if tiny => loop_batches::<Complex<f32>>(&geom),
        DType::Complex128 if tiny => loop_batches::<Complex<f64>>(&geom),
        DType::Float32 => gemm_batches::<f32>(&geom, conj_a),
        DType::Float64 => gemm_batches::<f64>(&geom, conj_a),
        DType::Complex64 => gemm_batches::<Complex<f32>>(&geom, conj_a),
        DType::Complex128 => gemm_batches::<Complex<f64>>(&geom, conj_a),
        DType::Bool => loop_batches::<Logical>(&geom),
        DType::Int8 => loop_batches::<i8>(&geom),
        DType::Int16 => loop_batches::<i16>(&geom),
        DType::Int32 => loop_batches::<i32>(&geom),
        DType::Int64 => loop_batches::<i64>(&geom),
        DType::UInt8 => loop_batches::<u8>(&geom),
        DType::UInt16 => loop_batches::<u16>(&geom),
        DType::UInt32 => loop_batches::<u32>(&geom),
        DType::UInt64 => loop_batches::<u64>(&geom),
        DType::Float16 | DType::BFloat16 => {
            panic!("matmul_into: f16/bf16 products are computed in f32 by the caller")
        }
    }
}

/// Runs `f` on every batch element, in parallel when there are several and
/// the total work is large.
fn for_each_batch(geom: &Batches, f: impl Fn(&[isize; 3]) + Sync + Send) {
    let total = geom.flops().saturating_mul(geom.offsets.len());
    if geom.offsets.len() > 1 && total >= PARALLEL_MIN_FLOPS && rayon::current_num_threads() > 1 {
        let min_len = (PARALLEL_MIN_FLOPS / geom.flops().max(1)).max(1);
        geom.offsets.par_iter().with_min_len(min_len).for_each(f);
    } else {
        geom.offsets.iter().for_each(f);
    }
}

fn gemm_batches<T: DotElement>(geom: &Batches, conj_a: bool) {
    let threads = rayon::current_num_threads();
    let one_big = geom.offsets.len() == 1 && geom.flops() >= PARALLEL_MIN_FLOPS && threads > 1;
    let parallelism = if one_big {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    let size = std::mem::size_of::<T>() as isize;
    for_each_batch(geom, |o| {
        // SAFETY: the offsets come from the operands' checked layouts, so
        // every element gemm reads (rows `m`, columns `k` of `a`; `k` by `n`
        // of `b`, with their strides) lies inside their storages; `out` is
        // contiguous, writable and disjoint from both (caller contract), and
        // each batch element writes its own `m * n` block. `T` is one of the
        // four types gemm accepts.
        unsafe {
            gemm::gemm::<T>(
                geom.m,
                geom.n,
                geom.k,
                (geom.bases[0] as *mut u8).offset(o[0] * size) as *mut T,
                1,
                geom.n as isize,
                false,
                (geom.bases[1] as *const u8).offset(o[1] * size) as *const T,
                geom.a_cs,
                geom.a_rs,
                (geom.bases[2] as *const u8).offset(o[2] * size) as *const T,
                geom.b_cs,
                geom.b_rs,
                T::ZERO,
                T::ONE,
                false,
                conj_a,
                false,
                parallelism,
            )
        }
    });
}

fn loop_batches<T: DotElement>(geom: &Batches) {
    let size = std::mem::size_of::<T>() as isize;
    let one_big = geom.offsets.len() == 1 && geom.flops() >= PARALLEL_MIN_FLOPS;
    for_each_batch(geom, |o| {
        let (m, n, k) = (geom.m, geom.n, geom.k);
        // SAFETY: as in `gemm_batches`: `out`'s `m * n` block for this batch
        // element is contiguous, writable and read or written by no one else.
        let out = unsafe {
            std::slice::from_raw_parts_mut(
                (geom.bases[0] as *mut u8).offset(o[0] * size) as *mut T,
                m * n,
            )
        };
        // An address, not a pointer, so the closure below can cross threads.
        let a = geom.bases[1].wrapping_add_signed(o[1] * size);
        let b = (geom.bases[2] as *const u8).wrapping_offset(o[2] * size) as *const T;
        // SAFETY: `b`'s `k` by `n` block is inside its storage (checked layout).
        let packed = unsafe { pack_rows(b, k, n, geom.b_rs, geom.b_cs) };
        let a_at = |i: usize, p: usize| {
            // SAFETY: `i < m`, `p < k` address an element of `a`'s block.
            unsafe { *(a as *const T).offset(i as isize * geom.a_rs + p as isize * geom.a_cs) }
        };
        if one_big && rayon::current_num_threads() > 1 {
            let rows_per_task = (PARALLEL_MIN_FLOPS / (n * k).max(1))
                .clamp(1, m.div_ceil(2 * rayon::current_num_threads()).max(1));
            out.par_chunks_mut(rows_per_task * n)
                .enumerate()
                .for_each(|(c, rows)| blocked_rows(rows, c * rows_per_task, n, k, &packed, &a_at));
        } else {
            blocked_rows(out, 0, n, k, &packed, &a_at);
        }
    });
}

/// `b`'s `k` by `n` block as contiguous rows (a copy only when its rows are
/// not already contiguous).
///
/// # Safety
///
/// Every element `b[p * rs + j * cs]` for `p < k`, `j < n` is readable.
unsafe fn pack_rows<'a, T: DotElement>(
    b: *const T,
    k: usize,
    n: usize,
    rs: isize,
    cs: isize,
) -> std::borrow::Cow<'a, [T]> {
    if (cs == 1 || n <= 1) && (rs == n as isize || k <= 1) {
        // SAFETY: the block is `k * n` contiguous elements (caller contract).
        return std::borrow::Cow::Borrowed(unsafe { std::slice::from_raw_parts(b, k * n) });
    }
    let mut packed = Vec::with_capacity(k * n);
    for p in 0..k as isize {
        for j in 0..n as isize {
            // SAFETY: `p < k`, `j < n` (caller contract).
            packed.push(unsafe { *b.offset(p * rs + j * cs) });
        }
    }
    std::borrow::Cow::Owned(packed)
}

/// Adds `a[i0 + r, :] · b` into each row `r` of `rows` (`n` wide), over
/// blocks of `b` that stay in cache.
fn blocked_rows<T: DotElement>(
    rows: &mut [T],
    i0: usize,
    n: usize,
    k: usize,
    b: &[T],
    a_at: &impl Fn(usize, usize) -> T,
) {
    for j0 in (0..n).step_by(BLOCK_COLS) {
        let j1 = (j0 + BLOCK_COLS).min(n);
        for p0 in (0..k).step_by(BLOCK_DEPTH) {
            let p1 = (p0 + BLOCK_DEPTH).min(k);
            for (r, row) in rows.chunks_exact_mut(n).enumerate() {
                let row = &mut row[j0..j1];
                for p in p0..p1 {
                    let aip = a_at(i0 + r, p);
                    if aip.is_zero() {
                        continue;
                    }
                    let brow = &b[p * n + j0..p * n + j1];
                    for (o, &bv) in row.iter_mut().zip(brow) {
                        *o = o.mul_add(aip, bv);
                    }
                }
            }
        }
    }
}

/// `out[i] = sum_p op(a[i, p]) * b[i, p]` for every batch index `i`, where
/// `op` conjugates when `conj_a` is set.
///
/// `a` and `b` are `(batch.., n)` (broadcast batch dimensions as stride-0
/// views), `out` is `(batch..)`, all of one dtype. The caller guarantees
/// that `out` is fresh, C-contiguous and disjoint from the inputs, and that
/// the dtype is not f16/bf16.
pub fn dot_into(a: &Tensor, b: &Tensor, out: &Tensor, conj_a: bool) {
    super::host::only("dot_into", &[a, b, out]);
    match out.dtype() {
        DType::Float32 => dot_batches::<f32>(a, b, out, conj_a),
        DType::Float64 => dot_batches::<f64>(a, b, out, conj_a),
        DType::Complex64 => dot_batches::<Complex<f32>>(a, b, out, conj_a),
        DType::Complex128 => dot_batches::<Complex<f64>>(a, b, out, conj_a),
        DType::Bool => dot_batches::<Logical>(a, b, out, conj_a),
        DType::Int8 => dot_batches::<i8>(a, b, out, conj_a),
        DType::Int16 => dot_batches::<i16>(a, b, out, conj_a),
        DType::Int32 => dot_batches::<i32>(a, b, out, conj_a),
        DType::Int64 => dot_batches::<i64>(a, b, out, conj_a),
        DType::UInt8 => dot_batches::<u8>(a, b, out, conj_a),
        DType::UInt16 => dot_batches::<u16>(a, b, out, conj_a),
        DType::UInt32 => dot_batches::<u32>(a, b, out, conj_a),
        DType::UInt64 => dot_batches::<u64>(a, b, out, conj_a),
        DType::Float16 | DType::BFloat16 => {
            panic!("dot_into: f16/bf16 products are computed in f32 by the caller")
        }
    }
}

fn dot_batches<T: DotElement>(a: &Tensor, b: &Tensor, out: &Tensor, conj_a: bool) {
    let nd = a.ndim();
    assert!(
        nd >= 1 && b.ndim() == nd && out.ndim() + 1 == nd,
        "dot_into needs (batch.., n) operands"
    );
    assert!(
        a.dtype() == out.dtype() && b.dtype() == out.dtype(),
        "dot_into needs one dtype"
    );
    assert!(out.is_contiguous() && a.shape() == b.shape() && &a.shape()[..nd - 1] == out.shape());
    let n = a.shape()[nd - 1];
    let (sa, sb) = (a.strides()[nd - 1], b.strides()[nd - 1]);
    let Some(walk) = Walk::new(
        out.shape(),
        [
            out.strides(),
            &a.strides()[..nd - 1],
            &b.strides()[..nd - 1],
        ],
        [
            out.layout().offset() as isize,
            a.layout().offset() as isize,
            b.layout().offset() as isize,
        ],
    ) else {
        return;
    };
    let size = std::mem::size_of::<T>() as isize;
    let bases = [
        out.storage().as_ptr() as usize,
        a.storage().as_ptr() as usize,
        b.storage().as_ptr() as usize,
    ];
    let run = |w: &Walk<3>| {
        w.for_each_run(|o, len, s| {
            for i in 0..len as isize {
                let pa =
                    (bases[1] as *const u8).wrapping_offset((o[1] + i * s[1]) * size) as *const T;
                let pb =
                    (bases[2] as *const u8).wrapping_offset((o[2] + i * s[2]) * size) as *const T;
                // SAFETY: the walk yields offsets of batch elements inside
                // the checked layouts; each vector has `n` elements `sa`/`sb`
                // apart inside them; the output element is written by this
                // run only (`out` is contiguous and disjoint from the inputs).
                unsafe {
                    let v = dot::<T>(pa, sa, pb, sb, n, conj_a);
                    *((bases[0] as *mut u8).offset((o[0] + i * s[0]) * size) as *mut T) = v;
                }
            }
        });
    };
    let total = walk.numel().saturating_mul(n);
    let threads = rayon::current_num_threads();
    if total >= PARALLEL_MIN_FLOPS && threads > 1 && walk.dims.first().is_some_and(|d| d.size > 1) {
        let parts = walk.split(threads * 4);
        parts.par_iter().for_each(run);
    } else {
        run(&walk);
    }
}

/// One dot product over `n` elements, with four partial sums so the adds
/// pipeline (and rounding errors grow more slowly than with one sum).
///
/// # Safety
///
/// `a[p * sa]` and `b[p * sb]` are readable for `p < n`.
#[inline]
unsafe fn dot<T: DotElement>(
    a: *const T,
    sa: isize,
    b: *const T,
    sb: isize,
    n: usize,
    conj_a: bool,
) -> T {
    if sa == 1 && sb == 1 && n > 0 {
        // SAFETY: both vectors are `n` contiguous elements (caller contract).
        let (xs, ys) = unsafe { (std::slice::from_raw_parts(a, n), std::slice::from_raw_parts(b, n)) };
        #[cfg(target_arch = "x86_64")]
        if super::map::wide_vectors() {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { dot_contiguous_avx2(xs, ys, conj_a) };
        }
        return dot_contiguous(xs, ys, conj_a);
    }
    // SAFETY: every offset is `p * stride` with `p < n` (caller contract).
    let at = |p: usize| unsafe {
        let x = *a.offset(p as isize * sa);
        (
            if conj_a { x.conj() } else { x },
            *b.offset(p as isize * sb),
        )
    };
    let mut acc = [T::ZERO; 4];
    let full = n - n % 4;
    for p in (0..full).step_by(4) {
        for (l, slot) in acc.iter_mut().enumerate() {
            let (x, y) = at(p + l);
            *slot = slot.mul_add(x, y);
        }
    }
    for p in full..n {
        let (x, y) = at(p);
        acc[0] = acc[0].mul_add(x, y);
    }
    acc[0].add(acc[1]).add(acc[2].add(acc[3]))
}

/// Running sums per lane of a contiguous dot product.
const DOT_LANES: usize = 64;

/// The dot product of two contiguous vectors (`xs` conjugated when
/// `conj_a`): 64 running sums, which the compiler keeps in several vector
/// registers so that the additions overlap, added pairwise at the end
/// (also more accurate than one running sum).
#[inline(always)]
fn dot_contiguous<T: DotElement>(xs: &[T], ys: &[T], conj_a: bool) -> T {
    let mut acc = [T::ZERO; DOT_LANES];
    let (cx, cy) = (xs.chunks_exact(DOT_LANES), ys.chunks_exact(DOT_LANES));
    let (rx, ry) = (cx.remainder(), cy.remainder());
    let take = |x: T| if conj_a { x.conj() } else { x };
    for (x, y) in cx.zip(cy) {
        let (x, y): (&[T; DOT_LANES], &[T; DOT_LANES]) = (x.try_into().unwrap(), y.try_into().unwrap());
        for l in 0..DOT_LANES {
            acc[l] = acc[l].mul_add(take(x[l]), y[l]);
        }
    }
    let tail = rx.iter().zip(ry).fold(T::ZERO, |t, (&x, &y)| t.mul_add(take(x), y));
    let mut width = DOT_LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            acc[l] = acc[l].add(acc[l + width]);
        }
    }
    acc[0].add(tail)
}

/// [`dot_contiguous`] compiled for AVX2.
///
/// # Safety
///
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_contiguous_avx2<T: DotElement>(xs: &[T], ys: &[T], conj_a: bool) -> T {
    dot_contiguous(xs, ys, conj_a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[i64], b: &[i64], m: usize, k: usize, n: usize) -> Vec<i64> {
        let mut out = vec![0i64; m * n];
        for i in 0..m {
            for j in 0..n {
                for p in 0..k {
                    out[i * n + j] =
                        out[i * n + j].wrapping_add(a[i * k + p].wrapping_mul(b[p * n + j]));
                }
            }
        }
        out
    }

    #[test]
    fn integer_blocks_match_the_naive_product() {
        let (m, k, n) = (7, 300, 600);
        let a: Vec<i64> = (0..m * k).map(|x| (x as i64 * 7919) % 13 - 6).collect();
        let b: Vec<i64> = (0..k * n).map(|x| (x as i64 * 104729) % 11 - 5).collect();
        let ta = Tensor::from_vec(a.clone(), &[m, k]).unwrap();
        let tb = Tensor::from_vec(b.clone(), &[k, n]).unwrap();
        let out = Tensor::zeros(&[m, n], DType::Int64).unwrap();
        matmul_into(&ta, &tb, &out, false);
        assert_eq!(out.to_vec::<i64>().unwrap(), naive(&a, &b, m, k, n));
    }

    #[test]
    fn strided_float_operands() {
        // a^T with a = [[1, 2], [3, 4]] times b reversed along rows.
        let a = Tensor::from_vec(vec![1f64, 2., 3., 4.], &[2, 2])
            .unwrap()
            .t();
        let b = Tensor::from_vec(vec![1f64, 0., 0., 1.], &[2, 2])
            .unwrap()
            .slice(0, None, None, -1)
            .unwrap();
        let out = Tensor::zeros(&[2, 2], DType::Float64).unwrap();
        matmul_into(&a, &b, &out, false);
        assert_eq!(out.to_vec::<f64>().unwrap(), vec![3., 1., 4., 2.]);
    }

    #[test]
    fn bool_product_is_or_of_and() {
        let a = Tensor::from_vec(vec![1u8, 0, 0, 0], &[2, 2])
            .unwrap()
            .view_dtype(DType::Bool)
            .unwrap();
        let b = Tensor::from_vec(vec![0u8, 7, 1, 1], &[2, 2])
            .unwrap()
            .view_dtype(DType::Bool)
            .unwrap();
        let out = Tensor::zeros(&[2, 2], DType::Bool).unwrap();
        matmul_into(&a, &b, &out, false);
        assert_eq!(
            out.view_dtype(DType::UInt8)
                .unwrap()
                .to_vec::<u8>()
                .unwrap(),
            vec![0, 1, 0, 0]
        );
    }

    #[test]
    fn dot_conjugates_the_first_operand() {
        let a = Tensor::from_vec(vec![Complex::new(1f64, 2.), Complex::new(0., 1.)], &[2]).unwrap();
        let b = Tensor::from_vec(vec![Complex::new(3f64, 0.), Complex::new(1., 1.)], &[2]).unwrap();
        let out = Tensor::zeros(&[], DType::Complex128).unwrap();
        dot_into(&a, &b, &out, true);
        // conj(1+2i)*3 + conj(i)*(1+i) = 3-6i + (1-i) = 4-7i
        assert_eq!(
            out.to_vec::<Complex<f64>>().unwrap(),
            vec![Complex::new(4., -7.)]
        );
    }
}
