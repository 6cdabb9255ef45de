//! Cumulative folds along one axis (`cumulative_sum`, `cumulative_prod`):
//! every prefix's accumulator, finished, is one output element.
//!
//! The running value stays in the fold's accumulator type (float32 for
//! float16/bfloat16, 64 bits for integers) and each output element is
//! rounded once from it. The axis is walked in order (its stride may be
//! negative); the other dimensions are merged and reordered freely. When
//! another dimension is innermost in memory, a tile of neighbouring lines
//! advances together, one row at a time, so the loads and stores are
//! contiguous and vectorize.

use super::fold::Fold;
use super::reduce::{normalize_kept, KeptDim, Odometer, PARALLEL_MIN_ELEMENTS};
use crate::element::Element;
use crate::error::Result;
use crate::tensor::Tensor;

/// A new contiguous tensor of the running fold of `x` along `axis` (see
/// [`cumulative`]), in the fold's output dtype.
pub fn cumulative_new<F: Fold>(op: &F, x: &Tensor, axis: usize, include_initial: bool) -> Result<Tensor> {
    let mut shape = x.shape().to_vec();
    shape[axis] += include_initial as usize;
    // SAFETY: `cumulative` writes every element of every line, the leading
    // identity included.
    let out = unsafe { Tensor::uninit(&shape, <F::Out as Element>::DTYPE)? };
    cumulative(op, x, axis, include_initial, &out);
    Ok(out)
}

/// Lines advanced together in the row-by-row shape.
const TILE: usize = 1024;

#[derive(Copy, Clone)]
struct Base(usize);

/// Writes the running fold of `x` along `axis` into the new contiguous
/// tensor `out`, whose shape is `x`'s with the axis one longer when
/// `include_initial` (then the first element of each line is the identity).
pub fn cumulative<F: Fold>(op: &F, x: &Tensor, axis: usize, include_initial: bool, out: &Tensor) {
    super::host::only("cumulative", &[x, out]);
    assert_eq!(x.itemsize(), std::mem::size_of::<F::In>());
    assert!(out.is_contiguous() && out.itemsize() == std::mem::size_of::<F::Out>());
    let lead = include_initial as usize;
    assert_eq!(out.shape()[axis], x.shape()[axis] + lead);
    let n_lines: usize = (0..x.ndim())
        .filter(|&k| k != axis)
        .map(|k| x.shape()[k])
        .product();
    if n_lines == 0 || out.numel() == 0 {
        return;
    }
    let out_strides = out.strides();
    let (mut in_offset, mut out_offset) = (x.layout().offset() as isize, 0isize);
    let dims: Vec<KeptDim> = (0..x.ndim())
        .filter(|&k| k != axis)
        .map(|k| KeptDim {
            size: x.shape()[k],
            in_stride: x.strides()[k],
            out_stride: out_strides[k],
        })
        .collect();
    let lines = Lines {
        kept: normalize_kept(dims, &mut in_offset, &mut out_offset),
        n: x.shape()[axis],
        lead,
        in_stride: x.strides()[axis],
        out_stride: out_strides[axis],
        in_offset,
        out_offset,
        x: Base(x.storage().as_ptr() as usize),
        out: Base(out.data_ptr() as usize),
    };
    let threads = rayon::current_num_threads();
    if out.numel() < PARALLEL_MIN_ELEMENTS || threads < 2 || n_lines < threads {
        lines.run(op, 0..n_lines);
        return;
    }
    let chunk = n_lines.div_ceil((threads * 4).min(n_lines));
    rayon::scope(|s| {
        for start in (0..n_lines).step_by(chunk) {
            let lines = &lines;
            s.spawn(move |_| lines.run(op, start..(start + chunk).min(n_lines)));
        }
    });
}

/// The lines of one cumulative fold.
struct Lines {
    kept: Vec<KeptDim>,
    n: usize,
    lead: usize,
    in_stride: isize,
    out_stride: isize,
    in_offset: isize,
    out_offset: isize,
    x: Base,
    out: Base,
}

impl Lines {
    fn by_rows(&self) -> bool {
        self.kept
            .last()
            .is_some_and(|k| k.size >= 8 && k.in_stride < self.in_stride.unsigned_abs() as isize)
    }

    fn run<F: Fold>(&self, op: &F, range: std::ops::Range<usize>) {
        let x = self.x.0 as *const F::In;
        let out = self.out.0 as *mut F::Out;
        if !self.by_rows() {
            let mut od = Odometer::at(&self.kept, range.start, self.in_offset, self.out_offset);
            for _ in range {
                let mut acc = op.identity();
                // SAFETY: input offsets stay inside `x`'s checked layout and
                // output offsets inside the fresh `out`; each output element
                // belongs to exactly one line.
                unsafe {
                    let (p, q) = (x.offset(od.in_offset), out.offset(od.out_offset));
                    if self.lead == 1 {
                        *q = op.finish(acc, 0);
                    }
                    for i in 0..self.n {
                        acc = op.step(acc, *p.offset(i as isize * self.in_stride), 0);
                        *q.offset((i + self.lead) as isize * self.out_stride) = op.finish(acc, 0);
                    }
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
        let mut acc = vec![op.identity(); TILE.min(width)];
        let mut pos = range.start;
        let mut od = Odometer::at(outer, pos / width, self.in_offset, self.out_offset);
        while pos < range.end {
            let j0 = pos % width;
            let j1 = width.min(j0 + (range.end - pos));
            for t0 in (j0..j1).step_by(TILE) {
                let w = TILE.min(j1 - t0);
                let acc = &mut acc[..w];
                acc.fill(op.identity());
                let (p0, q0) = (
                    od.in_offset + t0 as isize * col.in_stride,
                    od.out_offset + t0 as isize * col.out_stride,
                );
                // SAFETY: as above, for a tile of `w` neighbouring lines.
                unsafe {
                    if self.lead == 1 {
                        for (j, a) in acc.iter().enumerate() {
                            *out.offset(q0 + j as isize * col.out_stride) = op.finish(*a, 0);
                        }
                    }
                    for i in 0..self.n {
                        let p = x.offset(p0 + i as isize * self.in_stride);
                        let q = out.offset(q0 + (i + self.lead) as isize * self.out_stride);
                        for (j, a) in acc.iter_mut().enumerate() {
                            *a = op.step(*a, *p.offset(j as isize * col.in_stride), 0);
                            *q.offset(j as isize * col.out_stride) = op.finish(*a, 0);
                        }
                    }
                }
            }
            pos += j1 - j0;
            od.advance();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::argreduce::tests::strided_case;
    use super::super::fold::Sum;
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn running_sums_match_a_naive_scan(
            shape in prop::collection::vec(1usize..6, 1..4),
            rot in 0usize..4,
            flips in prop::collection::vec(any::<bool>(), 4),
            axis_seed in 0usize..4,
            wide in any::<bool>(),
            initial in any::<bool>(),
        ) {
            let (v, values) = strided_case(&shape, rot, &flips, wide);
            let axis = axis_seed % v.ndim();
            let sh = v.shape().to_vec();
            let mut out_shape = sh.clone();
            out_shape[axis] += initial as usize;
            let out = Tensor::zeros(&out_shape, crate::DType::Int64).unwrap();
            cumulative(&Sum::<i64>::default(), &v, axis, initial, &out);
            let got = out.to_vec::<i64>().unwrap();
            let inner: usize = sh[axis + 1..].iter().product();
            let outer: usize = sh[..axis].iter().product();
            let m = out_shape[axis];
            let mut want = vec![0i64; got.len()];
            for o in 0..outer {
                for i in 0..inner {
                    let mut acc = 0i64;
                    for a in 0..sh[axis] {
                        acc += values[(o * sh[axis] + a) * inner + i];
                        want[(o * m + a + initial as usize) * inner + i] = acc;
                    }
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}
