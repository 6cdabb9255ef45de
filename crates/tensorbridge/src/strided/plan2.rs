//! The two-operand plan of strided copies: merged dimensions, and cache
//! tiles where the two views disagree on which dimension is contiguous.

/// One dimension of a two-operand walk.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Dim2 {
    /// Elements along this dimension.
    pub size: usize,
    /// Stride of operand `a` (the source of a copy), in elements.
    pub stride_a: isize,
    /// Stride of operand `b` (the destination of a copy), in elements.
    pub stride_b: isize,
}

/// How to visit every element pair of two views of the same shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan2 {
    /// Element offset of the first element of `a`.
    pub offset_a: isize,
    /// Element offset of the first element of `b`.
    pub offset_b: isize,
    /// Dimensions, outermost first; the last one is the inner run. Empty when
    /// there is exactly one element (0-d or all sizes 1); never used when the
    /// view is empty (see [`Plan2::new`]).
    pub dims: Vec<Dim2>,
    /// Index into `dims` of a dimension blocked together with the inner one
    /// (a transposing copy); `None` for plain runs.
    pub tile: Option<usize>,
}

/// Side of the square tiles of transposing walks, in elements.
pub const TILE: usize = 32;

impl Plan2 {
    /// A plan for `shape` with strides `a` and `b`, or `None` when there is
    /// nothing to visit (an empty shape). Iteration order is unspecified: the
    /// plan may reverse or reorder dimensions to make runs long.
    pub fn new(
        shape: &[usize],
        a: &[isize],
        offset_a: isize,
        b: &[isize],
        offset_b: isize,
    ) -> Option<Plan2> {
        if shape.contains(&0) {
            return None;
        }
        let (mut offset_a, mut offset_b) = (offset_a, offset_b);
        let mut dims: Vec<Dim2> = Vec::with_capacity(shape.len());
        for k in 0..shape.len() {
            if shape[k] == 1 {
                continue;
            }
            let (mut sa, mut sb) = (a[k], b[k]);
            // Reverse dimensions the destination walks backwards, so that
            // destinations ascend and more dimensions merge.
            if sb < 0 || (sb == 0 && sa < 0) {
                let last = (shape[k] - 1) as isize;
                offset_a += last * sa;
                offset_b += last * sb;
                sa = -sa;
                sb = -sb;
            }
            dims.push(Dim2 {
                size: shape[k],
                stride_a: sa,
                stride_b: sb,
            });
        }
        // Order dimensions by destination stride, largest first, so the
        // destination is written in address order; ties keep source order.
        dims.sort_by(|x, y| {
            y.stride_b
                .cmp(&x.stride_b)
                .then(y.stride_a.abs().cmp(&x.stride_a.abs()))
        });
        let dims = merge(dims);
        let tile = pick_tile(&dims);
        Some(Plan2 {
            offset_a,
            offset_b,
            dims,
            tile,
        })
    }

    /// Total elements visited.
    pub fn numel(&self) -> usize {
        self.dims.iter().map(|d| d.size).product()
    }

    /// Splits the plan into at most `parts` plans along its first dimension,
    /// each covering a contiguous range of it. Every range but the last has
    /// a length that is a multiple of `align`, so a kernel that blocks the
    /// first dimension in steps of `align` sees the same blocks in the parts
    /// as in the whole plan.
    pub fn split(&self, parts: usize, align: usize) -> Vec<Plan2> {
        let Some(first) = self.dims.first() else {
            return vec![self.clone()];
        };
        let parts = parts.clamp(1, first.size);
        let chunk = first.size.div_ceil(parts).next_multiple_of(align.max(1));
        (0..first.size)
            .step_by(chunk)
            .map(|start| {
                let mut p = self.clone();
                p.dims[0].size = chunk.min(first.size - start);
                p.offset_a += start as isize * first.stride_a;
                p.offset_b += start as isize * first.stride_b;
                p
            })
            .collect()
    }

    /// For a tiled plan: the tile dimension and the inner dimension, after
    /// calling `origin(offset_a, offset_b)` once per index of the remaining
    /// outer dimensions. Kernels that transpose through a buffer use this
    /// instead of [`Plan2::for_each_run`]. Returns `None` for untiled plans.
    pub fn for_each_tile_origin(
        &self,
        mut origin: impl FnMut(isize, isize, Dim2, Dim2),
    ) -> Option<()> {
        let t = self.tile?;
        let n = self.dims.len();
        let (td, inner) = (self.dims[t], self.dims[n - 1]);
        let outer: Vec<Dim2> = self.dims[..n - 1]
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != t)
            .map(|(_, d)| *d)
            .collect();
        odometer(&outer, self.offset_a, self.offset_b, &mut |oa, ob| {
            origin(oa, ob, td, inner)
        });
        Some(())
    }

    /// Calls `run(offset_a, offset_b, len, stride_a, stride_b)` for every
    /// inner run of the plan, in an order that keeps tiles in cache.
    pub fn for_each_run(&self, mut run: impl FnMut(isize, isize, usize, isize, isize)) {
        let Some(inner) = self.dims.last().copied() else {
            run(self.offset_a, self.offset_b, 1, 1, 1);
            return;
        };
        let n = self.dims.len();
        match self.tile {
            None => odometer(
                &self.dims[..n - 1],
                self.offset_a,
                self.offset_b,
                &mut |oa, ob| run(oa, ob, inner.size, inner.stride_a, inner.stride_b),
            ),
            Some(_) => {
                self.for_each_tile_origin(|oa, ob, td, inner| {
                    for t0 in (0..td.size).step_by(TILE) {
                        let t1 = (t0 + TILE).min(td.size);
                        for i0 in (0..inner.size).step_by(TILE) {
                            let len = TILE.min(inner.size - i0);
                            for ti in t0..t1 {
                                let ti = ti as isize;
                                let i0 = i0 as isize;
                                run(
                                    oa + ti * td.stride_a + i0 * inner.stride_a,
                                    ob + ti * td.stride_b + i0 * inner.stride_b,
                                    len,
                                    inner.stride_a,
                                    inner.stride_b,
                                );
                            }
                        }
                    }
                });
            }
        }
    }
}

/// Merges neighbours that step through memory as one longer dimension in
/// both operands.
fn merge(dims: Vec<Dim2>) -> Vec<Dim2> {
    let mut out: Vec<Dim2> = Vec::with_capacity(dims.len());
    for d in dims {
        if let Some(prev) = out.last_mut() {
            let n = d.size as isize;
            if prev.stride_a == d.stride_a * n && prev.stride_b == d.stride_b * n {
                *prev = Dim2 {
                    size: prev.size * d.size,
                    stride_a: d.stride_a,
                    stride_b: d.stride_b,
                };
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// When the inner dimension is contiguous for the destination but the source
/// is contiguous along another dimension, block that dimension with it.
fn pick_tile(dims: &[Dim2]) -> Option<usize> {
    let inner = dims.last()?;
    if inner.stride_a.abs() <= 1 || dims.len() < 2 {
        return None;
    }
    let (k, d) = dims[..dims.len() - 1]
        .iter()
        .enumerate()
        .min_by_key(|(_, d)| d.stride_a.abs())?;
    (d.stride_a.abs() == 1 && d.size >= 4 && inner.size >= 4).then_some(k)
}

/// Visits every index of `dims` in C order, passing the two element offsets.
fn odometer(dims: &[Dim2], oa: isize, ob: isize, f: &mut impl FnMut(isize, isize)) {
    match dims {
        [] => f(oa, ob),
        [d] => {
            for i in 0..d.size as isize {
                f(oa + i * d.stride_a, ob + i * d.stride_b);
            }
        }
        [d, rest @ ..] => {
            for i in 0..d.size as isize {
                odometer(rest, oa + i * d.stride_a, ob + i * d.stride_b, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// Every (a, b) offset pair, by brute force in C order.
    fn pairs(shape: &[usize], a: &Layout, b: &Layout) -> BTreeSet<(isize, isize)> {
        let n: usize = shape.iter().product();
        let mut idx = vec![0usize; shape.len()];
        let mut out = BTreeSet::new();
        for _ in 0..n {
            out.insert((a.offset_of(&idx) as isize, b.offset_of(&idx) as isize));
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

    fn plan_pairs(p: &Plan2) -> Vec<(isize, isize)> {
        let mut out = vec![];
        p.for_each_run(|oa, ob, len, sa, sb| {
            for i in 0..len as isize {
                out.push((oa + i * sa, ob + i * sb));
            }
        });
        out
    }

    #[test]
    fn contiguous_merges_to_one_run() {
        let l = Layout::contiguous(&[4, 5, 6]).unwrap();
        let p = Plan2::new(l.shape(), l.strides(), 0, l.strides(), 0).unwrap();
        assert_eq!(p.dims.len(), 1);
        assert_eq!(p.dims[0].size, 120);
    }

    #[test]
    fn transpose_is_tiled() {
        let src = Layout::contiguous(&[64, 64]).unwrap().transpose(0, 1);
        let dst = Layout::contiguous(&[64, 64]).unwrap();
        let p = Plan2::new(src.shape(), src.strides(), 0, dst.strides(), 0).unwrap();
        assert_eq!(p.tile, Some(0));
        assert_eq!(plan_pairs(&p).len(), 64 * 64);
    }

    #[test]
    fn split_keeps_blocks_whole() {
        let src = Layout::contiguous(&[200, 64]).unwrap().transpose(0, 1);
        let dst = Layout::contiguous(&[64, 200]).unwrap();
        let p = Plan2::new(src.shape(), src.strides(), 0, dst.strides(), 0).unwrap();
        assert_eq!((p.tile, p.dims[0].size), (Some(0), 64));
        let p = Plan2::new(dst.shape(), dst.strides(), 0, src.strides(), 0).unwrap();
        assert_eq!(p.dims[0].size, 200);
        for (parts, align) in [(1, 64), (3, 64), (8, 32), (16, 64), (500, 1), (7, 1)] {
            let got = p.split(parts, align);
            let sizes: Vec<usize> = got.iter().map(|q| q.dims[0].size).collect();
            assert!(got.len() <= parts, "{parts} {align}: {sizes:?}");
            assert_eq!(sizes.iter().sum::<usize>(), 200);
            assert!(
                sizes[..sizes.len() - 1].iter().all(|s| s % align == 0),
                "{sizes:?}"
            );
        }
        assert_eq!(p.split(3, 64).len(), 2);
        assert_eq!(p.split(8, 64).len(), 4);
    }

    fn view_strategy() -> impl Strategy<Value = (Vec<usize>, Vec<i64>, Vec<bool>)> {
        prop::collection::vec(1usize..6, 0..4).prop_flat_map(|shape| {
            let n = shape.len();
            (
                Just(shape),
                Just((0..n as i64).collect::<Vec<_>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), n),
            )
        })
    }

    proptest! {
        #[test]
        fn plans_visit_each_pair_once((shape, perm, flips) in view_strategy(), (shape2, perm2, flips2) in view_strategy(), parts in 1usize..6, align in 1usize..4) {
            prop_assume!(shape.len() == shape2.len());
            // Build two views of the same final shape from permuted, flipped bases.
            let base_a = Layout::contiguous(&shape).unwrap();
            let mut a = base_a.permute(&perm).unwrap();
            for (k, &f) in flips.iter().enumerate() { if f { a = a.slice_py(k, None, None, -1).unwrap(); } }
            let target = a.shape().to_vec();
            let mut bshape = target.clone();
            // b: a permuted contiguous layout of `target`.
            let inv: Vec<usize> = perm2.iter().map(|&p| p as usize).collect();
            for (k, &p) in inv.iter().enumerate() { bshape[k] = target[p]; }
            let base_b = Layout::contiguous(&bshape).unwrap();
            let mut invperm = vec![0i64; inv.len()];
            for (k, &p) in inv.iter().enumerate() { invperm[p] = k as i64; }
            let mut b = base_b.permute(&invperm).unwrap();
            for (k, &f) in flips2.iter().enumerate() { if f { b = b.slice_py(k, None, None, -1).unwrap(); } }
            let _ = shape2;
            prop_assert_eq!(b.shape(), &target[..]);
            let want = pairs(&target, &a, &b);
            let p = Plan2::new(&target, a.strides(), a.offset() as isize, b.strides(), b.offset() as isize).unwrap();
            let mut got: Vec<(isize, isize)> = p.split(parts, align).iter().flat_map(plan_pairs).collect();
            got.sort();
            let want: Vec<_> = want.into_iter().collect();
            prop_assert_eq!(got, want);
        }
    }
}
