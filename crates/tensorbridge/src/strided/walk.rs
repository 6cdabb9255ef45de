//! The N-operand walk of elementwise kernels.
//!
//! Operand 0 is the one written (the output); the others are read and may be
//! broadcast (stride 0). Dimensions of size 1 are dropped, dimensions the
//! output walks backwards are flipped, dimensions are ordered by the output's
//! stride (largest first) and neighbours that step through memory as one are
//! merged, so a contiguous output with contiguous or broadcast inputs becomes
//! one long inner run.

/// One dimension of an N-operand walk.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DimN<const N: usize> {
    /// Elements along this dimension.
    pub size: usize,
    /// Stride of each operand, in elements.
    pub strides: [isize; N],
}

/// How to visit every element of N same-shape (broadcast) views.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walk<const N: usize> {
    /// Element offset of each operand's first visited element.
    pub offsets: [isize; N],
    /// Dimensions, outermost first; the last is the inner run. Empty when
    /// there is exactly one element.
    pub dims: Vec<DimN<N>>,
}

impl<const N: usize> Walk<N> {
    /// A walk over `shape` with each operand's strides and offset, or `None`
    /// when the shape is empty (nothing to visit).
    pub fn new(shape: &[usize], strides: [&[isize]; N], offsets: [isize; N]) -> Option<Walk<N>> {
        if shape.contains(&0) {
            return None;
        }
        let mut offsets = offsets;
        let mut dims: Vec<DimN<N>> = Vec::with_capacity(shape.len());
        for (k, &size) in shape.iter().enumerate() {
            if size == 1 {
                continue;
            }
            let mut s: [isize; N] = std::array::from_fn(|i| strides[i][k]);
            if s[0] < 0 {
                let last = (size - 1) as isize;
                for i in 0..N {
                    offsets[i] += last * s[i];
                    s[i] = -s[i];
                }
            }
            dims.push(DimN { size, strides: s });
        }
        dims.sort_by(|x, y| y.strides[0].cmp(&x.strides[0]));
        Some(Walk {
            offsets,
            dims: merge(dims),
        })
    }

    /// Total elements visited.
    pub fn numel(&self) -> usize {
        self.dims.iter().map(|d| d.size).product()
    }

    /// Length of the inner runs.
    pub fn inner_len(&self) -> usize {
        self.dims.last().map_or(1, |d| d.size)
    }

    /// Splits the walk into at most `parts` walks covering disjoint ranges of
    /// the output. Splits the outermost dimension, or the inner run itself
    /// when it is the only dimension.
    pub fn split(&self, parts: usize) -> Vec<Walk<N>> {
        let Some(first) = self.dims.first().copied() else {
            return vec![self.clone()];
        };
        let parts = parts.clamp(1, first.size);
        let chunk = first.size.div_ceil(parts);
        (0..first.size)
            .step_by(chunk)
            .map(|start| {
                let mut w = self.clone();
                w.dims[0].size = chunk.min(first.size - start);
                for i in 0..N {
                    w.offsets[i] += start as isize * first.strides[i];
                }
                w
            })
            .collect()
    }

    /// Calls `run(offsets, len, strides)` for every inner run, in C order of
    /// the walk's dimensions.
    pub fn for_each_run(&self, mut run: impl FnMut([isize; N], usize, [isize; N])) {
        let Some(inner) = self.dims.last().copied() else {
            run(self.offsets, 1, [1; N]);
            return;
        };
        let outer = &self.dims[..self.dims.len() - 1];
        odometer(outer, self.offsets, &mut |o| run(o, inner.size, inner.strides));
    }
}

/// Merges neighbours that step through memory as one longer dimension in
/// every operand.
fn merge<const N: usize>(dims: Vec<DimN<N>>) -> Vec<DimN<N>> {
    let mut out: Vec<DimN<N>> = Vec::with_capacity(dims.len());
    for d in dims {
        if let Some(prev) = out.last_mut() {
            let n = d.size as isize;
            if (0..N).all(|i| prev.strides[i] == d.strides[i] * n) {
                prev.size *= d.size;
                prev.strides = d.strides;
                continue;
            }
        }
        out.push(d);
    }
    out
}

/// Visits every index of `dims` in C order, passing the operands' offsets.
fn odometer<const N: usize>(dims: &[DimN<N>], o: [isize; N], f: &mut impl FnMut([isize; N])) {
    match dims {
        [] => f(o),
        [d, rest @ ..] => {
            let mut o = o;
            for _ in 0..d.size {
                odometer(rest, o, f);
                for (oi, si) in o.iter_mut().zip(d.strides) {
                    *oi += si;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;
    use proptest::prelude::*;

    fn visits(w: &Walk<2>) -> Vec<(isize, isize)> {
        let mut out = vec![];
        w.for_each_run(|o, n, s| {
            for i in 0..n as isize {
                out.push((o[0] + i * s[0], o[1] + i * s[1]));
            }
        });
        out
    }

    #[test]
    fn contiguous_with_broadcast_scalar_is_one_run() {
        let out = Layout::contiguous(&[4, 5, 6]).unwrap();
        let w = Walk::new(out.shape(), [out.strides(), &[0, 0, 0]], [0, 7]).unwrap();
        assert_eq!(w.dims.len(), 1);
        assert_eq!(w.dims[0], DimN { size: 120, strides: [1, 0] });
        assert_eq!(w.offsets, [0, 7]);
    }

    #[test]
    fn row_broadcast_keeps_two_dims() {
        let out = Layout::contiguous(&[3, 4]).unwrap();
        let w = Walk::new(out.shape(), [out.strides(), &[0, 1]], [0, 0]).unwrap();
        assert_eq!(w.dims.len(), 2);
        assert_eq!(visits(&w).len(), 12);
    }

    proptest! {
        #[test]
        fn visits_every_output_element_once_with_matching_input(
            shape in prop::collection::vec(1usize..5, 0..4),
            flips in prop::collection::vec(any::<bool>(), 4),
            parts in 1usize..4,
        ) {
            let out = Layout::contiguous(&shape).unwrap();
            let mut inp = Layout::contiguous(&shape).unwrap().reversed().permute(
                &(0..shape.len() as i64).rev().collect::<Vec<_>>()).unwrap();
            for (k, &f) in flips.iter().take(shape.len()).enumerate() {
                if f { inp = inp.slice_py(k, None, None, -1).unwrap(); }
            }
            prop_assert_eq!(inp.shape(), out.shape());
            let w = Walk::new(&shape, [out.strides(), inp.strides()], [0, inp.offset() as isize]).unwrap();
            let mut got: Vec<(isize, isize)> = w.split(parts).iter().flat_map(visits).collect();
            got.sort();
            let n: usize = shape.iter().product();
            let mut want = Vec::with_capacity(n);
            let mut idx = vec![0usize; shape.len()];
            for _ in 0..n {
                want.push((out.offset_of(&idx) as isize, inp.offset_of(&idx) as isize));
                for k in (0..shape.len()).rev() {
                    idx[k] += 1;
                    if idx[k] < shape[k] { break; }
                    idx[k] = 0;
                }
            }
            want.sort();
            prop_assert_eq!(got, want);
        }
    }
}
