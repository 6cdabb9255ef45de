//! The reduction engine: runs a [`Fold`] over the reduced dimensions of a
//! strided tensor, for every output element.
//!
//! # How the loops are chosen
//!
//! [`ReducePlan`] splits the dimensions into *kept* ones (one output element
//! per index) and *reduced* ones, drops size-1 dimensions, turns negative
//! strides around (a fold does not care about order) and merges neighbours
//! that step through memory as one. Then one of two loop shapes runs:
//!
//! * **Inner** (the reduced dimensions include the one that is innermost in
//!   memory, like `sum(axis=-1)` of a C-contiguous tensor or `mean(axis=0)`
//!   of a transposed one): each output element folds its elements in a
//!   single pass. Contiguous runs use [`LANES`] independent accumulators,
//!   which the compiler turns into SIMD adds, and are summed pairwise in
//!   blocks of [`PAIRWISE_BLOCK`] elements, so the rounding error grows with
//!   the logarithm of the length (NumPy's pairwise summation, no worse).
//! * **Outer** (a kept dimension is innermost, like `sum(axis=0)` of a
//!   C-contiguous tensor): whole rows of the input are folded into a row of
//!   accumulators, element by element; these are independent, so the loop
//!   vectorizes without reassociating anything. Rows are first folded into a
//!   block accumulator and blocks of [`ROW_BLOCK`] rows are merged into the
//!   total, which bounds the error growth the same way.
//!
//! Large reductions run on rayon's threads: split by output elements when
//! there are many, otherwise by the outermost reduced dimension, with the
//! partial accumulators merged in order.

use std::ops::Range;

use super::fold::Fold;
pub use super::pairwise::{fold_contiguous, fold_run, LANES, PAIRWISE_BLOCK};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;

/// Elements read below which a reduction stays on the calling thread.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 17;

/// Rows folded into a block accumulator before it is merged into the total
/// (outer reductions).
pub const ROW_BLOCK: usize = 64;

/// Bytes of one accumulator row of an outer reduction. Rows are read in
/// tiles of this many accumulators' columns: wide enough that each input
/// row is one long sequential read (hardware prefetchers stop at gaps), and
/// small enough that the two accumulator rows stay in the L2 cache.
const OUTER_TILE_BYTES: usize = 16 << 10;

/// Columns per thread below which an outer reduction is split by rows
/// rather than by columns (narrower column ranges break the sequential
/// reads).
const OUTER_SPLIT_MIN_COLUMNS: usize = 16 << 10;

/// A kept dimension: one output element per index.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct KeptDim {
    /// Elements along the dimension.
    pub size: usize,
    /// Input stride, in elements.
    pub in_stride: isize,
    /// Output stride, in elements.
    pub out_stride: isize,
}

/// A reduced dimension.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ReducedDim {
    /// Elements along the dimension.
    pub size: usize,
    /// Input stride, in elements.
    pub in_stride: isize,
}

/// The loops of one reduction (see the module docs). Output elements are
/// C-contiguous over the kept dimensions in their original order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReducePlan {
    /// Kept dimensions, outermost in memory first.
    pub kept: Vec<KeptDim>,
    /// Reduced dimensions, outermost in memory first.
    pub reduced: Vec<ReducedDim>,
    /// Input element offset of the first visited element.
    pub in_offset: isize,
    /// Output element offset of the first visited output element.
    pub out_offset: isize,
}

impl ReducePlan {
    /// The plan for reducing the dimensions marked in `reduce` of a view
    /// with `shape`, `strides` and `offset` (elements).
    pub fn new(shape: &[usize], strides: &[isize], offset: isize, reduce: &[bool]) -> ReducePlan {
        let mut out_stride = 1isize;
        let mut out_strides = vec![0isize; shape.len()];
        for k in (0..shape.len()).rev() {
            if !reduce[k] {
                out_strides[k] = out_stride;
                out_stride *= shape[k].max(1) as isize;
            }
        }
        let (mut in_offset, mut out_offset) = (offset, 0isize);
        let mut kept = Vec::new();
        let mut reduced = Vec::new();
        for k in 0..shape.len() {
            let (size, s) = (shape[k], strides[k]);
            if size == 1 {
                continue;
            }
            if reduce[k] {
                let s = if s < 0 {
                    in_offset += (size - 1) as isize * s;
                    -s
                } else {
                    s
                };
                reduced.push(ReducedDim { size, in_stride: s });
            } else {
                kept.push(KeptDim {
                    size,
                    in_stride: s,
                    out_stride: out_strides[k],
                });
            }
        }
        reduced.sort_by_key(|d| std::cmp::Reverse(d.in_stride));
        ReducePlan {
            kept: normalize_kept(kept, &mut in_offset, &mut out_offset),
            reduced: merge_reduced(reduced),
            in_offset,
            out_offset,
        }
    }

    /// Output elements.
    pub fn out_numel(&self) -> usize {
        self.kept.iter().map(|d| d.size).product()
    }

    /// Elements folded into each output element.
    pub fn reduced_numel(&self) -> usize {
        self.reduced.iter().map(|d| d.size).product()
    }

    /// Whether the outer loop shape (rows into rows of accumulators) runs.
    pub fn is_outer(&self) -> bool {
        match (self.kept.last(), self.reduced.last()) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(k), Some(r)) if k.in_stride < r.in_stride => k.size >= 8 || r.size < 8,
            (Some(k), Some(r)) => r.size < 8 && k.size >= 8,
        }
    }
}

/// Kept dimensions in walking order: size-1 dimensions dropped, negative
/// input strides turned around (with the output's, so each output element
/// still meets its own inputs; the offsets move to the new first
/// element), sorted by input stride (largest first) and merged where both
/// operands step through memory as one.
pub fn normalize_kept(
    dims: Vec<KeptDim>,
    in_offset: &mut isize,
    out_offset: &mut isize,
) -> Vec<KeptDim> {
    let mut dims: Vec<KeptDim> = dims
        .into_iter()
        .filter(|d| d.size != 1)
        .map(|d| {
            if d.in_stride < 0 {
                let last = d.size.saturating_sub(1) as isize;
                *in_offset += last * d.in_stride;
                *out_offset += last * d.out_stride;
                KeptDim {
                    size: d.size,
                    in_stride: -d.in_stride,
                    out_stride: -d.out_stride,
                }
            } else {
                d
            }
        })
        .collect();
    dims.sort_by(|a, b| {
        b.in_stride
            .cmp(&a.in_stride)
            .then(b.out_stride.cmp(&a.out_stride))
    });
    let mut out: Vec<KeptDim> = Vec::with_capacity(dims.len());
    for d in dims {
        if let Some(p) = out.last_mut() {
            let n = d.size as isize;
            if p.in_stride == d.in_stride * n && p.out_stride == d.out_stride * n {
                p.size *= d.size;
                p.in_stride = d.in_stride;
                p.out_stride = d.out_stride;
                continue;
            }
        }
        out.push(d);
    }
    out
}

fn merge_reduced(dims: Vec<ReducedDim>) -> Vec<ReducedDim> {
    let mut out: Vec<ReducedDim> = Vec::with_capacity(dims.len());
    for d in dims {
        if let Some(p) = out.last_mut() {
            if p.in_stride == d.in_stride * d.size as isize {
                p.size *= d.size;
                p.in_stride = d.in_stride;
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// Walks kept dimensions in C order from any flat position, tracking the
/// input and output offsets.
pub struct Odometer<'a> {
    dims: &'a [KeptDim],
    index: Vec<usize>,
    /// Input offset of the current position, in elements.
    pub in_offset: isize,
    /// Output offset of the current position, in elements.
    pub out_offset: isize,
}

impl<'a> Odometer<'a> {
    /// The odometer at flat position `pos` (C order over `dims`).
    pub fn at(
        dims: &'a [KeptDim],
        pos: usize,
        in_offset: isize,
        out_offset: isize,
    ) -> Odometer<'a> {
        let mut index = vec![0usize; dims.len()];
        let (mut rest, mut i, mut o) = (pos, in_offset, out_offset);
        for k in (0..dims.len()).rev() {
            let d = dims[k];
            index[k] = rest % d.size;
            rest /= d.size;
            i += index[k] as isize * d.in_stride;
            o += index[k] as isize * d.out_stride;
        }
        Odometer {
            dims,
            index,
            in_offset: i,
            out_offset: o,
        }
    }

    /// Steps to the next position (wrapping around after the last).
    pub fn advance(&mut self) {
        for k in (0..self.dims.len()).rev() {
            let d = self.dims[k];
            self.index[k] += 1;
            self.in_offset += d.in_stride;
            self.out_offset += d.out_stride;
            if self.index[k] < d.size {
                return;
            }
            self.index[k] = 0;
            self.in_offset -= d.size as isize * d.in_stride;
            self.out_offset -= d.size as isize * d.out_stride;
        }
    }
}

/// The input's base address, shared with worker threads.
#[derive(Copy, Clone)]
struct Base(usize);

/// Runs `op` over `x` with the dimensions marked in `reduce` folded, and
/// hands each output element's accumulator to `sink(flat_index, acc)`
/// (flat C-order index over the kept dimensions). Every index in
/// `0..out_numel` is sunk exactly once, possibly from several threads.
///
/// `x` must hold elements of `F::In` (checked by size).
pub fn reduce<F, S>(op: &F, x: &Tensor, reduce: &[bool], sink: &S)
where
    F: Fold,
    S: Fn(usize, F::Acc) + Sync,
{
    super::host::only("reduce", &[x]);
    assert_eq!(
        x.itemsize(),
        std::mem::size_of::<F::In>(),
        "fold element type must match the tensor"
    );
    assert_eq!(reduce.len(), x.ndim());
    let plan = ReducePlan::new(x.shape(), x.strides(), x.layout().offset() as isize, reduce);
    let n_out = plan.out_numel();
    if n_out == 0 || x.shape().contains(&0) {
        (0..n_out).for_each(|i| sink(i, op.identity()));
        return;
    }
    let base = Base(x.storage().as_ptr() as usize);
    let n_red = plan.reduced_numel();
    let threads = rayon::current_num_threads();
    if n_out.saturating_mul(n_red) < PARALLEL_MIN_ELEMENTS || threads < 2 {
        run_range(op, &plan, base, 0..n_out, sink);
        return;
    }
    // Split by output elements when each part still reads long runs of
    // memory; otherwise by rows of the reduction.
    let chunk = if plan.is_outer() {
        let width = plan.kept.last().map_or(1, |k| k.size);
        let rows = n_out / width;
        if rows >= threads {
            Some(rows.div_ceil((threads * 4).min(rows)) * width)
        } else if width >= threads * OUTER_SPLIT_MIN_COLUMNS {
            Some(n_out.div_ceil(threads))
        } else {
            None
        }
    } else if n_out >= 8 * threads {
        Some(n_out.div_ceil((threads * 4).min(n_out)))
    } else {
        None
    };
    if let Some(chunk) = chunk {
        let ranges: Vec<Range<usize>> = (0..n_out)
            .step_by(chunk)
            .map(|start| start..(start + chunk).min(n_out))
            .collect();
        super::parallel::for_each_part(&ranges, |r| run_range(op, &plan, base, r.clone(), sink));
    } else if plan.reduced.first().is_some_and(|d| d.size >= 2) {
        split_reduction(op, &plan, base, threads * 4, sink);
    } else {
        run_range(op, &plan, base, 0..n_out, sink);
    }
}

/// Parallel reduction with few outputs: the outermost reduced dimension is
/// split into `parts`, each part folds every output into its own buffer and
/// the buffers are merged in order.
/// More parts than threads let work stealing even out a core that is busy
/// with something else.
fn split_reduction<F, S>(op: &F, plan: &ReducePlan, base: Base, parts: usize, sink: &S)
where
    F: Fold,
    S: Fn(usize, F::Acc) + Sync,
{
    let n_out = plan.out_numel();
    let first = plan.reduced[0];
    let parts = parts.min(first.size);
    let chunk = first.size.div_ceil(parts);
    let subplans: Vec<ReducePlan> = (0..first.size)
        .step_by(chunk)
        .map(|start| {
            let mut p = plan.clone();
            p.reduced[0].size = chunk.min(first.size - start);
            p.in_offset += start as isize * first.in_stride;
            p
        })
        .collect();
    let mut partials: Vec<Vec<F::Acc>> = subplans
        .iter()
        .map(|_| vec![op.identity(); n_out])
        .collect();
    // Each part writes only its own buffer, passed by address.
    let jobs: Vec<(&ReducePlan, usize)> = subplans
        .iter()
        .zip(partials.iter_mut())
        .map(|(p, buf)| (p, buf.as_mut_ptr() as usize))
        .collect();
    super::parallel::for_each_part(&jobs, |&(p, addr)| {
        let write = |i: usize, acc: F::Acc| {
            // SAFETY: `i < n_out`, the buffer's length (the sink contract);
            // this part is the buffer's only writer, and the buffers
            // outlive `for_each_part`.
            unsafe { *(addr as *mut F::Acc).add(i) = acc };
        };
        run_range(op, p, base, 0..n_out, &write);
    });
    let mut parts = partials.into_iter();
    let Some(mut total) = parts.next() else {
        return;
    };
    for part in parts {
        for (t, a) in total.iter_mut().zip(part) {
            *t = op.merge(*t, a);
        }
    }
    for (i, acc) in total.into_iter().enumerate() {
        sink(i, acc);
    }
}

/// Folds the output elements at flat positions `range` (C order over the
/// plan's kept dimensions).
fn run_range<F, S>(op: &F, plan: &ReducePlan, base: Base, range: Range<usize>, sink: &S)
where
    F: Fold,
    S: Fn(usize, F::Acc) + Sync,
{
    let x = base.0 as *const F::In;
    if !plan.is_outer() {
        let mut od = Odometer::at(&plan.kept, range.start, plan.in_offset, plan.out_offset);
        for _ in range {
            let out = od.out_offset as usize;
            // SAFETY: the plan's offsets stay inside the checked layout of
            // the tensor whose storage starts at `x`.
            let acc = unsafe { fold_dims(op, x, od.in_offset, &plan.reduced, out) };
            sink(out, acc);
            od.advance();
        }
        return;
    }
    let (outer, col) = match plan.kept.split_last() {
        Some((c, rest)) => (rest, *c),
        None => (
            &plan.kept[..],
            KeptDim {
                size: 1,
                in_stride: 0,
                out_stride: 0,
            },
        ),
    };
    let width = col.size;
    let tile = width.min((OUTER_TILE_BYTES / std::mem::size_of::<F::Acc>().max(1)).max(LANES));
    let mut total = vec![op.identity(); tile];
    let mut block = vec![op.identity(); tile];
    let mut pos = range.start;
    let mut od = Odometer::at(outer, pos / width, plan.in_offset, plan.out_offset);
    while pos < range.end {
        let j0 = pos % width;
        let j1 = width.min(j0 + (range.end - pos));
        for t0 in (j0..j1).step_by(tile) {
            let w = tile.min(j1 - t0);
            let tile_in = od.in_offset + t0 as isize * col.in_stride;
            let tile_out = od.out_offset + t0 as isize * col.out_stride;
            // SAFETY: as above; the tile's columns are inside the kept
            // dimension and its rows inside the reduced dimensions.
            unsafe {
                fold_tile(
                    op,
                    x,
                    plan,
                    tile_in,
                    col.in_stride,
                    tile_out,
                    col.out_stride,
                    &mut total[..w],
                    &mut block[..w],
                )
            };
            for (j, acc) in total[..w].iter().enumerate() {
                sink((tile_out + j as isize * col.out_stride) as usize, *acc);
            }
        }
        pos += j1 - j0;
        od.advance();
    }
}

/// Folds rows of `total.len()` columns (input stride `col_stride`) over
/// every reduced position into `total`.
///
/// # Safety
///
/// Every element addressed (`x + in_offset + reduced offsets + j *
/// col_stride`) must be a readable element of `F::In`.
#[allow(clippy::too_many_arguments)]
unsafe fn fold_tile<F: Fold>(
    op: &F,
    x: *const F::In,
    plan: &ReducePlan,
    in_offset: isize,
    col_stride: isize,
    out_offset: isize,
    out_stride: isize,
    total: &mut [F::Acc],
    block: &mut [F::Acc],
) {
    total.fill(op.identity());
    block.fill(op.identity());
    let w = total.len();
    let mut rows = 0usize;
    let mut row = |off: isize| {
        // SAFETY: the caller guarantees the row's `w` elements are readable.
        let p = unsafe { x.offset(off) };
        if col_stride == 1 {
            // SAFETY: a contiguous row of `w` readable elements.
            let xs = unsafe { std::slice::from_raw_parts(p, w) };
            for (j, (b, &v)) in block.iter_mut().zip(xs).enumerate() {
                *b = op.step(*b, v, (out_offset + j as isize * out_stride) as usize);
            }
        } else {
            for (j, b) in block.iter_mut().enumerate() {
                // SAFETY: element `j` of the strided row (caller contract).
                let v = unsafe { *p.offset(j as isize * col_stride) };
                *b = op.step(*b, v, (out_offset + j as isize * out_stride) as usize);
            }
        }
        rows += 1;
        if rows == ROW_BLOCK {
            for (t, b) in total.iter_mut().zip(block.iter_mut()) {
                *t = op.merge(*t, *b);
                *b = op.identity();
            }
            rows = 0;
        }
    };
    for_each_offset(&plan.reduced, in_offset, &mut row);
    for (t, b) in total.iter_mut().zip(block.iter()) {
        *t = op.merge(*t, *b);
    }
}

/// Calls `f` with the input offset of every position of `dims` (once with
/// `offset` when there are none).
fn for_each_offset(dims: &[ReducedDim], offset: isize, f: &mut impl FnMut(isize)) {
    match dims {
        [] => f(offset),
        [d, rest @ ..] => {
            let mut o = offset;
            for _ in 0..d.size {
                for_each_offset(rest, o, f);
                o += d.in_stride;
            }
        }
    }
}

/// Folds all positions of the reduced `dims` from `offset` (inner loops).
///
/// # Safety
///
/// Every addressed element must be a readable element of `F::In`.
unsafe fn fold_dims<F: Fold>(
    op: &F,
    x: *const F::In,
    offset: isize,
    dims: &[ReducedDim],
    out: usize,
) -> F::Acc {
    match dims {
        [] => {
            // SAFETY: one readable element (caller contract).
            op.step(op.identity(), unsafe { *x.offset(offset) }, out)
        }
        [d] => {
            // SAFETY: the run's elements are readable (caller contract).
            unsafe { fold_run(op, x.offset(offset), d.size, d.in_stride, out) }
        }
        [d, rest @ ..] => {
            let mut acc = op.identity();
            let mut o = offset;
            for _ in 0..d.size {
                // SAFETY: a sub-block of the caller's elements.
                acc = op.merge(acc, unsafe { fold_dims(op, x, o, rest, out) });
                o += d.in_stride;
            }
            acc
        }
    }
}

/// Reduces `x` into the new contiguous tensor `out` (the kept shape, dtype
/// of `F::Out`): `out[i] = op.finish(acc_i)`.
pub fn reduce_into<F: Fold>(op: &F, x: &Tensor, reduce_dims: &[bool], out: &Tensor) {
    super::host::only("reduce_into", &[x, out]);
    assert!(out.is_contiguous() && !out.is_readonly());
    assert_eq!(out.itemsize(), std::mem::size_of::<F::Out>());
    let n_out = out.numel();
    let addr = out.data_ptr() as usize;
    let write = |i: usize, acc: F::Acc| {
        debug_assert!(i < n_out);
        // SAFETY: `out` is a fresh contiguous tensor of `n_out` elements of
        // `F::Out`; the engine sinks each index below `n_out` exactly once.
        unsafe { *(addr as *mut F::Out).add(i) = op.finish(acc, i) };
    };
    reduce(op, x, reduce_dims, &write);
}

/// A new contiguous tensor of `shape` (the kept dimensions) and `dtype`
/// (`F::Out`'s) holding the fold of `x` over `reduce_dims`.
pub fn reduce_new<F: Fold>(
    op: &F,
    x: &Tensor,
    reduce_dims: &[bool],
    shape: &[usize],
    dtype: DType,
) -> Result<Tensor> {
    // SAFETY: `reduce_into` writes every output element once (the identity
    // where the reduced extent is empty).
    let out = unsafe { Tensor::uninit(shape, dtype)? };
    reduce_into(op, x, reduce_dims, &out);
    Ok(out)
}

/// Reduces `x` to the accumulators themselves (flat C order over the kept
/// dimensions), for multi-pass statistics.
pub fn reduce_to_vec<F: Fold>(op: &F, x: &Tensor, reduce_dims: &[bool]) -> Vec<F::Acc> {
    let n_out: usize = x
        .shape()
        .iter()
        .zip(reduce_dims)
        .filter(|(_, &r)| !r)
        .map(|(&d, _)| d)
        .product();
    let mut buf = vec![op.identity(); n_out];
    let addr = buf.as_mut_ptr() as usize;
    let write = |i: usize, acc: F::Acc| {
        debug_assert!(i < n_out);
        // SAFETY: `buf` holds `n_out` accumulators; each index is sunk once.
        unsafe { *(addr as *mut F::Acc).add(i) = acc };
    };
    reduce(op, x, reduce_dims, &write);
    buf
}

#[cfg(test)]
mod tests {
    use super::super::fold::Sum;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plan_merges_contiguous_and_flips_negative() {
        let p = ReducePlan::new(&[4, 5, 6], &[30, 6, 1], 0, &[false, true, true]);
        assert_eq!(
            p.reduced,
            vec![ReducedDim {
                size: 30,
                in_stride: 1
            }]
        );
        assert_eq!(p.kept.len(), 1);
        let p = ReducePlan::new(&[4], &[-1], 3, &[true]);
        assert_eq!((p.in_offset, p.reduced[0].in_stride), (0, 1));
    }

    fn oracle(
        data: &[i64],
        shape: &[usize],
        strides: &[isize],
        offset: isize,
        reduce: &[bool],
    ) -> Vec<i64> {
        let out_shape: Vec<usize> = shape
            .iter()
            .zip(reduce)
            .filter(|(_, &r)| !r)
            .map(|(&d, _)| d)
            .collect();
        let mut out = vec![0i64; out_shape.iter().product()];
        let n: usize = shape.iter().product();
        let mut idx = vec![0usize; shape.len()];
        for _ in 0..n {
            let off: isize = offset
                + idx
                    .iter()
                    .zip(strides)
                    .map(|(&i, &s)| i as isize * s)
                    .sum::<isize>();
            let mut o = 0usize;
            for k in 0..shape.len() {
                if !reduce[k] {
                    o = o * shape[k] + idx[k];
                }
            }
            out[o] = out[o].wrapping_add(data[off as usize]);
            for k in (0..shape.len()).rev() {
                idx[k] += 1;
                if idx[k] < shape[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn sums_match_a_naive_walk(
            shape in prop::collection::vec(0usize..6, 0..4),
            perm_seed in any::<u64>(),
            flips in prop::collection::vec(any::<bool>(), 4),
            reduce in prop::collection::vec(any::<bool>(), 4),
            scale in prop_oneof![Just(1usize), Just(5000)],
        ) {
            let mut shape = shape;
            if let Some(first) = shape.first_mut() { *first *= scale; }
            let t = Tensor::from_vec((0..shape.iter().product::<usize>() as i64).map(|v| v * 7 - 3).collect(), &shape).unwrap();
            let nd = shape.len();
            let mut perm: Vec<i64> = (0..nd as i64).collect();
            if nd > 1 { perm.rotate_left((perm_seed % nd as u64) as usize); }
            let mut v = t.permute(&perm).unwrap();
            for (k, &f) in flips.iter().take(nd).enumerate() {
                if f { v = v.slice(k as i64, None, None, -1).unwrap(); }
            }
            let reduce = &reduce[..nd];
            let data = t.to_vec::<i64>().unwrap();
            let want = oracle(&data, v.shape(), v.strides(), v.layout().offset() as isize, reduce);
            let got = reduce_to_vec(&Sum::<i64>::default(), &v, reduce);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn pairwise_sum_is_accurate() {
        let n = 1 << 20;
        let xs = vec![0.1f32; n];
        let s = fold_contiguous(&Sum::<f32>::default(), &xs, 0);
        assert!((s as f64 - 0.1f32 as f64 * n as f64).abs() < 1e-3 * n as f64 * 1e-3);
    }
}
