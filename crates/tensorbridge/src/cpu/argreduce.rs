//! `argmax`/`argmin` along one axis: the index of the first largest
//! (smallest) element, where a NaN beats every number and the first NaN
//! wins (NumPy).
//!
//! Unlike the folds of [`super::reduce`], the order along the axis matters
//! (first occurrence), so the axis keeps its direction, even with a
//! negative stride. The other dimensions are merged and reordered freely
//! ([`normalize_kept`]). Two loop shapes, as for the other reductions:
//! a scan per output element when the axis is the innermost in memory,
//! and row by row into a row of (best value, index) pairs when another
//! dimension is.

use super::fold::Ordered;
use super::reduce::{normalize_kept, KeptDim, Odometer, PARALLEL_MIN_ELEMENTS};
use crate::error::Result;
use crate::tensor::Tensor;
use rayon::prelude::*;

/// Columns of one tile of a row-by-row scan.
const TILE: usize = 1024;

#[derive(Copy, Clone)]
struct Base(usize);

/// A new int64 tensor of the `kept` shape (`x`'s without `axis`) holding
/// [`arg_extreme`]'s indices.
pub fn arg_extreme_new<T: Ordered, const MAX: bool>(x: &Tensor, axis: usize, kept: &[usize]) -> Result<Tensor> {
    // SAFETY: `arg_extreme` writes the index of every line.
    let out = unsafe { Tensor::uninit(kept, crate::DType::Int64)? };
    arg_extreme::<T, MAX>(x, axis, &out);
    Ok(out)
}

/// Writes into the new contiguous int64 tensor `out` (the shape of `x`
/// without `axis`) the index along `axis` of each first maximum (`MAX`) or
/// minimum. `x` holds elements of `T`; the axis must not be empty.
pub fn arg_extreme<T: Ordered, const MAX: bool>(x: &Tensor, axis: usize, out: &Tensor) {
    super::host::only("arg_extreme", &[x, out]);
    assert_eq!(x.itemsize(), std::mem::size_of::<T>());
    assert!(out.is_contiguous() && out.itemsize() == 8);
    let n = x.shape()[axis];
    assert!(n > 0, "argmax/argmin over an empty axis");
    let n_out = out.numel();
    if n_out == 0 {
        return;
    }
    let mut out_strides = vec![0isize; x.ndim()];
    let mut acc = 1isize;
    for k in (0..x.ndim()).rev() {
        if k != axis {
            out_strides[k] = acc;
            acc *= x.shape()[k] as isize;
        }
    }
    let (mut in_offset, mut out_offset) = (x.layout().offset() as isize, 0isize);
    let dims: Vec<KeptDim> = (0..x.ndim())
        .filter(|&k| k != axis)
        .map(|k| KeptDim {
            size: x.shape()[k],
            in_stride: x.strides()[k],
            out_stride: out_strides[k],
        })
        .collect();
    let kept = normalize_kept(dims, &mut in_offset, &mut out_offset);
    let scan = Scan {
        kept,
        n,
        stride: x.strides()[axis],
        in_offset,
        out_offset,
        x: Base(x.storage().as_ptr() as usize),
        out: Base(out.data_ptr() as usize),
    };
    let threads = rayon::current_num_threads();
    if n_out == 1 && scan.stride == 1 && n >= PARALLEL_MIN_ELEMENTS && threads >= 2 {
        // One long contiguous scan: parts in parallel, then the first part
        // whose extreme beats every earlier part's wins.
        // SAFETY: the axis is contiguous, `n` elements from the offset.
        let xs = unsafe { std::slice::from_raw_parts((scan.x.0 as *const T).offset(scan.in_offset), n) };
        let part = n.div_ceil(threads * 4);
        let bests: Vec<(T, usize)> = xs.par_chunks(part).map(first_extreme::<T, MAX>).collect();
        let (mut best, mut at) = bests[0];
        for (k, &(v, i)) in bests.iter().enumerate().skip(1) {
            if beats::<T, MAX>(v, best) {
                (best, at) = (v, k * part + i);
            }
        }
        // SAFETY: `out` holds one int64.
        unsafe { *(scan.out.0 as *mut i64).offset(scan.out_offset) = at as i64 };
        return;
    }
    if n_out.saturating_mul(n) < PARALLEL_MIN_ELEMENTS || threads < 2 || n_out < threads {
        scan.run::<T, MAX>(0..n_out);
        return;
    }
    let chunk = n_out.div_ceil((threads * 4).min(n_out));
    rayon::scope(|s| {
        for start in (0..n_out).step_by(chunk) {
            let scan = &scan;
            s.spawn(move |_| scan.run::<T, MAX>(start..(start + chunk).min(n_out)));
        }
    });
}

/// One argmax/argmin: the kept dimensions and the scanned axis.
struct Scan {
    kept: Vec<KeptDim>,
    n: usize,
    stride: isize,
    in_offset: isize,
    out_offset: isize,
    x: Base,
    out: Base,
}

#[inline(always)]
fn beats<T: Ordered, const MAX: bool>(v: T, best: T) -> bool {
    if MAX {
        T::beats_max(v, best)
    } else {
        T::beats_min(v, best)
    }
}

/// Elements per block of [`first_extreme`].
const BLOCK: usize = 2048;
/// Independent running extremes per block: enough for two AVX2 registers
/// of float32.
const LANES: usize = 16;

/// The first extreme of a non-empty slice and its index, through the
/// AVX2 build where the CPU has it.
fn first_extreme<T: Ordered, const MAX: bool>(xs: &[T]) -> (T, usize) {
    #[cfg(target_arch = "x86_64")]
    if super::map::wide_vectors() {
        // SAFETY: the CPU has AVX2 and FMA.
        return unsafe { first_extreme_avx2::<T, MAX>(xs) };
    }
    first_extreme_in::<T, MAX>(xs)
}

/// [`first_extreme_in`] compiled with AVX2.
///
/// # Safety
///
/// The CPU supports AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn first_extreme_avx2<T: Ordered, const MAX: bool>(xs: &[T]) -> (T, usize) {
    first_extreme_in::<T, MAX>(xs)
}

/// `v` strictly above (`MAX`) or below the number `l`: false for a NaN.
#[inline(always)]
fn better<T: Ordered, const MAX: bool>(v: T, l: T) -> bool {
    if MAX {
        v.gt(l)
    } else {
        v.lt(l)
    }
}

/// Block by block: the block's extreme comes from `LANES` running extremes
/// and NaN flags (independent selects the compiler vectorizes, where one
/// running index would serialize the loop); only a block whose extreme
/// beats the best so far is searched again for that value's first
/// position. A NaN ends the scan: nothing beats the first NaN.
#[inline(always)]
fn first_extreme_in<T: Ordered, const MAX: bool>(xs: &[T]) -> (T, usize) {
    let (mut best, mut at) = (xs[0], 0usize);
    if best.is_nan() {
        return (best, 0);
    }
    for (b, block) in xs.chunks(BLOCK).enumerate() {
        let mut lanes = [block[0]; LANES];
        let mut nan = [false; LANES];
        let chunks = block.chunks_exact(LANES);
        for (&v, (l, f)) in chunks.remainder().iter().zip(lanes.iter_mut().zip(nan.iter_mut())) {
            *l = v;
            *f = v.is_nan();
        }
        for c in chunks {
            for ((l, f), &v) in lanes.iter_mut().zip(nan.iter_mut()).zip(c) {
                *l = if better::<T, MAX>(v, *l) { v } else { *l };
                *f |= v.is_nan();
            }
        }
        if nan.iter().any(|&f| f) {
            let i = block.iter().position(|v| v.is_nan()).expect("a NaN was seen");
            return (block[i], b * BLOCK + i);
        }
        let m = lanes[1..].iter().fold(lanes[0], |m, &v| if better::<T, MAX>(v, m) { v } else { m });
        if better::<T, MAX>(m, best) {
            // The first element equal to `m` (neither is beyond the other).
            let i = first_match(block, |v| !better::<T, MAX>(v, m) && !better::<T, MAX>(m, v))
                .expect("the block's extreme is one of its elements");
            (best, at) = (block[i], b * BLOCK + i);
        }
    }
    (best, at)
}

/// The index of the first element of `xs` that `hit` accepts: whole
/// groups of `LANES` are tested without an early exit (so the test
/// vectorizes), and only the group that holds a hit is searched in order.
#[inline(always)]
fn first_match<T: Copy>(xs: &[T], hit: impl Fn(T) -> bool) -> Option<usize> {
    let groups = xs.chunks_exact(LANES);
    let tail = xs.len() - groups.remainder().len();
    for (g, group) in groups.enumerate() {
        if group.iter().fold(false, |any, &v| any | hit(v)) {
            return group.iter().position(|&v| hit(v)).map(|i| g * LANES + i);
        }
    }
    xs[tail..].iter().position(|&v| hit(v)).map(|i| tail + i)
}

impl Scan {
    /// Whether rows of the innermost kept dimension are scanned together.
    fn by_rows(&self) -> bool {
        self.kept
            .last()
            .is_some_and(|k| k.size >= 8 && k.in_stride < self.stride.unsigned_abs() as isize)
    }

    fn run<T: Ordered, const MAX: bool>(&self, range: std::ops::Range<usize>) {
        let x = self.x.0 as *const T;
        let out = self.out.0 as *mut i64;
        if !self.by_rows() {
            let mut od = Odometer::at(&self.kept, range.start, self.in_offset, self.out_offset);
            for _ in range {
                // SAFETY: the offsets stay inside `x`'s checked layout; the
                // output index is below `n_out` and written once.
                unsafe {
                    let p = x.offset(od.in_offset);
                    let at = if self.stride == 1 {
                        first_extreme::<T, MAX>(std::slice::from_raw_parts(p, self.n)).1
                    } else {
                        let mut best = *p;
                        let mut at = 0usize;
                        for i in 1..self.n {
                            let v = *p.offset(i as isize * self.stride);
                            if beats::<T, MAX>(v, best) {
                                best = v;
                                at = i;
                            }
                        }
                        at
                    };
                    *out.offset(od.out_offset) = at as i64;
                }
                od.advance();
            }
            return;
        }
        let (outer, col) = match self.kept.split_last() {
            Some((c, rest)) => (rest, *c),
            None => return,
        };
        let width = col.size;
        let mut best: Vec<T> = Vec::with_capacity(TILE.min(width));
        let mut at = vec![0i64; TILE.min(width)];
        let mut pos = range.start;
        let mut od = Odometer::at(outer, pos / width, self.in_offset, self.out_offset);
        while pos < range.end {
            let j0 = pos % width;
            let j1 = width.min(j0 + (range.end - pos));
            for t0 in (j0..j1).step_by(TILE) {
                let w = TILE.min(j1 - t0);
                let row0 = od.in_offset + t0 as isize * col.in_stride;
                best.clear();
                // SAFETY: every element read is inside `x`'s checked layout
                // (row `i` of the axis, column `t0 + j` of the kept
                // dimension); each output index is written once.
                unsafe {
                    best.extend((0..w).map(|j| *x.offset(row0 + j as isize * col.in_stride)));
                    at[..w].fill(0);
                    for i in 1..self.n {
                        let row = x.offset(row0 + i as isize * self.stride);
                        for (j, (b, a)) in best.iter_mut().zip(at.iter_mut()).enumerate() {
                            let v = *row.offset(j as isize * col.in_stride);
                            if beats::<T, MAX>(v, *b) {
                                *b = v;
                                *a = i as i64;
                            }
                        }
                    }
                    let o = od.out_offset + t0 as isize * col.out_stride;
                    for (j, &a) in at[..w].iter().enumerate() {
                        *out.offset(o + j as isize * col.out_stride) = a;
                    }
                }
            }
            pos += j1 - j0;
            od.advance();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A permuted, partly reversed view of repeating values, its axis, and
    /// the view's values in C order.
    pub(crate) fn strided_case(
        shape: &[usize],
        rot: usize,
        flips: &[bool],
        wide: bool,
    ) -> (Tensor, Vec<i64>) {
        let mut shape = shape.to_vec();
        if wide {
            shape[0] *= 300;
        }
        let n: usize = shape.iter().product();
        let t = Tensor::from_vec((0..n as i64).map(|v| (v * 7919) % 13).collect(), &shape).unwrap();
        let nd = shape.len();
        let mut perm: Vec<i64> = (0..nd as i64).collect();
        perm.rotate_left(rot % nd);
        let mut v = t.permute(&perm).unwrap();
        for (k, &f) in flips.iter().take(nd).enumerate() {
            if f {
                v = v.slice(k as i64, None, None, -1).unwrap();
            }
        }
        let values = v.to_contiguous().unwrap().to_vec::<i64>().unwrap();
        (v, values)
    }

    proptest! {
        #[test]
        fn first_extreme_matches_a_naive_scan(
            shape in prop::collection::vec(1usize..6, 1..4),
            rot in 0usize..4,
            flips in prop::collection::vec(any::<bool>(), 4),
            axis_seed in 0usize..4,
            wide in any::<bool>(),
        ) {
            let (v, values) = strided_case(&shape, rot, &flips, wide);
            let axis = axis_seed % v.ndim();
            let sh = v.shape().to_vec();
            let kept: Vec<usize> = (0..sh.len()).filter(|&k| k != axis).map(|k| sh[k]).collect();
            let out = Tensor::zeros(&kept, crate::DType::Int64).unwrap();
            arg_extreme::<i64, true>(&v, axis, &out);
            let got = out.to_vec::<i64>().unwrap();
            let inner: usize = sh[axis + 1..].iter().product();
            let outer: usize = sh[..axis].iter().product();
            let mut want = Vec::new();
            for o in 0..outer {
                for i in 0..inner {
                    let at = |a: usize| values[(o * sh[axis] + a) * inner + i];
                    let best = (0..sh[axis]).fold(0, |b, a| if at(a) > at(b) { a } else { b });
                    want.push(best as i64);
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}
