//! Shape, signed element strides and element offset: pure view algebra.
//!
//! A [`Layout`] says where each element of a tensor lives relative to the
//! start of its storage, in elements. Every function here is pure: it builds a
//! new layout and never touches memory.
//!
//! # Invariants (checked once, in [`Layout::checked`] and [`Layout::contiguous`])
//!
//! 1. `shape.len() == strides.len() <= MAX_NDIM`.
//! 2. The element count fits in `isize`.
//! 3. For a non-empty layout, every element offset
//!    `offset + sum(i_k * strides[k])` lies in `0..len` of the storage it was
//!    checked against (so each byte offset also fits in `isize`).
//!
//! View operations (slice, select, permute, expand, view, ...) preserve these
//! by construction: they only ever address a subset of the elements they
//! started from.

use crate::error::{Error, Result};

/// Most dimensions a tensor may have (DLPack consumers and NumPy agree on 64).
pub const MAX_NDIM: usize = 64;

/// Sizes or strides of one layout: kept inline up to this many dimensions,
/// so creating, cloning and dropping the layout of an ordinary tensor never
/// touches the heap (an elementwise call makes and drops about a dozen).
pub const INLINE_DIMS: usize = 4;

/// The per-dimension values of a [`Layout`].
pub type Dims<T> = smallvec::SmallVec<[T; INLINE_DIMS]>;

/// Shape, strides (in elements, signed) and offset (in elements) of a view.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    shape: Dims<usize>,
    strides: Dims<isize>,
    offset: usize,
}

impl Clone for Layout {
    fn clone(&self) -> Layout {
        // `from_slice` copies the values in one go; SmallVec's own `clone`
        // pushes them one by one (a layout is cloned with every view).
        Layout {
            shape: Dims::from_slice(&self.shape),
            strides: Dims::from_slice(&self.strides),
            offset: self.offset,
        }
    }
}

/// C-order strides for `shape`, or an overflow error. Size-0 and size-1
/// dimensions count as 1 so strides stay meaningful (PyTorch does the same).
pub fn contiguous_strides(shape: &[usize]) -> Result<Vec<isize>> {
    let mut strides = vec![0isize; shape.len()];
    let mut acc: isize = 1;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        let d = isize::try_from(d.max(1)).map_err(|_| Error::Overflow { what: "shape" })?;
        acc = acc.checked_mul(d).ok_or(Error::Overflow { what: "shape" })?;
    }
    Ok(strides)
}

/// Number of elements of `shape`, checked to fit in `isize`.
pub fn checked_numel(shape: &[usize]) -> Result<usize> {
    if shape.len() > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: shape.len(),
            max: MAX_NDIM,
        });
    }
    let mut n: usize = 1;
    for &d in shape {
        n = n.checked_mul(d).ok_or(Error::Overflow { what: "element count" })?;
    }
    if shape.contains(&0) {
        return Ok(0);
    }
    if n > isize::MAX as usize {
        return Err(Error::Overflow { what: "element count" });
    }
    Ok(n)
}

/// Turns an axis in `-ndim..ndim` into `0..ndim`.
pub fn normalize_axis(axis: i64, ndim: usize, op: &'static str) -> Result<usize> {
    let n = ndim as i64;
    let a = if axis < 0 { axis + n } else { axis };
    if a < 0 || a >= n {
        return Err(Error::AxisOutOfRange { op, axis, ndim });
    }
    Ok(a as usize)
}

/// Turns an optional list of axes into sorted, distinct axes in `0..ndim`;
/// `None` means every axis (what reductions do without `axis=`).
pub fn normalize_axes(axes: Option<&[i64]>, ndim: usize, op: &'static str) -> Result<Vec<usize>> {
    let Some(axes) = axes else {
        return Ok((0..ndim).collect());
    };
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(a, ndim, op)?;
        if out.contains(&a) {
            return Err(Error::DuplicateAxis { op, axis: a });
        }
        out.push(a);
    }
    out.sort_unstable();
    Ok(out)
}

/// Resolves a shape that may hold one `-1` against an element count.
pub fn infer_shape(requested: &[i64], numel: usize, op: &'static str) -> Result<Vec<usize>> {
    let bad = || Error::InvalidShape {
        op,
        requested: requested.to_vec(),
        numel,
    };
    if requested.len() > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: requested.len(),
            max: MAX_NDIM,
        });
    }
    let mut infer = None;
    let mut known: usize = 1;
    for (i, &d) in requested.iter().enumerate() {
        match d {
            -1 if infer.is_none() => infer = Some(i),
            d if d < 0 => {
                return Err(if d == -1 { bad() } else { Error::NegativeDim { dim: d } });
            }
            d => known = known.checked_mul(d as usize).ok_or(Error::Overflow { what: "shape" })?,
        }
    }
    let mut shape: Vec<usize> = requested.iter().map(|&d| d.max(0) as usize).collect();
    match infer {
        Some(i) => {
            if known == 0 || numel % known != 0 {
                return Err(bad());
            }
            shape[i] = numel / known;
        }
        None if known != numel => return Err(bad()),
        None => {}
    }
    Ok(shape)
}

/// The shape two shapes broadcast to (NumPy rules), or a mismatch error.
pub fn broadcast_shapes(a: &[usize], b: &[usize], op: &'static str) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n { a[i + a.len() - n] } else { 1 };
        let db = if i + b.len() >= n { b[i + b.len() - n] } else { 1 };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::ShapeMismatch {
                    op,
                    expected: a.to_vec(),
                    got: b.to_vec(),
                })
            }
        };
    }
    Ok(out)
}

/// Python's slice resolution (`PySlice_AdjustIndices`): returns the first
/// index and the number of elements selected. `step` must not be zero.
pub fn adjust_slice(len: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> (i64, usize) {
    debug_assert!(step != 0);
    // As CPython's `PySlice_Unpack`: a step of `i64::MIN` (what callers
    // saturate `-2**63` and below to) becomes `-i64::MAX`, so `-step` below
    // cannot overflow. Either way the slice picks at most one element.
    let step = step.max(-i64::MAX);
    let len = len as i64;
    let clamp = |v: i64, lo: i64, hi: i64| v.clamp(lo, hi);
    let resolve = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(v) if v < 0 => clamp(v.saturating_add(len), lo, hi),
        Some(v) => clamp(v, lo, hi),
    };
    let (start, stop) = if step > 0 {
        (resolve(start, 0, 0, len), resolve(stop, len, 0, len))
    } else {
        (resolve(start, len - 1, -1, len - 1), resolve(stop, -1, -1, len - 1))
    };
    let count = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if start > stop {
        // `unsigned_abs`: `-step` overflows for `i64::MIN`, a valid step.
        ((start - stop - 1) as u64 / step.unsigned_abs() + 1) as i64
    } else {
        0
    };
    (start, count as usize)
}

impl Layout {
    /// A C-contiguous layout of `shape` at offset 0.
    pub fn contiguous(shape: &[usize]) -> Result<Layout> {
        checked_numel(shape)?;
        Ok(Layout {
            shape: Dims::from_slice(shape),
            strides: contiguous_strides(shape)?.into(),
            offset: 0,
        })
    }

    /// The one road from untrusted parts to a layout: checks rank, element
    /// count and that every element lies inside `len` elements of storage.
    pub fn checked(shape: &[usize], strides: &[isize], offset: usize, len: usize) -> Result<Layout> {
        Layout::checked_owned(shape.to_vec(), strides.to_vec(), offset, len)
    }

    /// [`Layout::checked`] for parts the caller already owns (no copies).
    pub fn checked_owned(shape: Vec<usize>, strides: Vec<isize>, offset: usize, len: usize) -> Result<Layout> {
        if shape.len() != strides.len() {
            return Err(Error::InvalidArgument {
                op: "layout",
                reason: "shape and strides must have the same length",
            });
        }
        let numel = checked_numel(&shape)?;
        let layout = Layout {
            shape: shape.into(),
            strides: strides.into(),
            offset,
        };
        if numel > 0 {
            let (lo, hi) = layout.span_i128();
            if lo < 0 || hi >= len as i128 {
                return Err(Error::OutOfBounds {
                    lowest: lo,
                    highest: hi,
                    len,
                    dtype: crate::DType::UInt8,
                });
            }
        }
        Ok(layout)
    }

    /// Dimension sizes.
    #[inline]
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Strides in elements (may be negative or zero).
    #[inline]
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Offset of the first element from the start of storage, in elements.
    #[inline]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Number of dimensions.
    #[inline]
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    #[inline]
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Lowest and highest element offsets touched, computed without overflow.
    fn span_i128(&self) -> (i128, i128) {
        let mut lo = self.offset as i128;
        let mut hi = self.offset as i128;
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            let reach = (d as i128 - 1) * s as i128;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        (lo, hi)
    }

    /// Lowest and highest element offsets touched (inclusive), or `None`
    /// when the layout has no elements.
    pub fn span(&self) -> Option<(usize, usize)> {
        if self.numel() == 0 {
            return None;
        }
        let (lo, hi) = self.span_i128();
        // Invariant 3: both lie inside the checked storage.
        Some((lo as usize, hi as usize))
    }

    /// Row-major contiguous: elements are adjacent in C order (size-1
    /// dimensions may have any stride; empty layouts count as contiguous).
    pub fn is_contiguous(&self) -> bool {
        self.is_contiguous_in(self.shape.iter().zip(&self.strides).rev())
    }

    /// Column-major contiguous.
    pub fn is_f_contiguous(&self) -> bool {
        self.is_contiguous_in(self.shape.iter().zip(&self.strides))
    }

    fn is_contiguous_in<'a>(&self, dims: impl Iterator<Item = (&'a usize, &'a isize)>) -> bool {
        if self.numel() == 0 {
            return true;
        }
        let mut expected: isize = 1;
        for (&d, &s) in dims {
            if d != 1 {
                if s != expected {
                    return false;
                }
                expected *= d as isize;
            }
        }
        true
    }

    /// True when some element may be reachable through two indexes: a stride
    /// of zero on a dimension longer than one (`expand`), or foreign strides
    /// that fold a view onto itself (NumPy's `as_strided` with windows that
    /// overlap). Writing through such a view is ambiguous (and a race when a
    /// kernel splits the work across threads), so writes are refused and
    /// exports are read-only, as NumPy's own `sliding_window_view` is.
    ///
    /// The test is the classic sufficient one for "no overlap": ordered by
    /// absolute stride, each dimension's stride must step past everything
    /// the smaller dimensions reach. Every view tensorbridge makes of dense
    /// memory passes it; a few exotic foreign layouts that do not overlap
    /// fail it too and are treated as overlapping (refusing is safe, a
    /// wrong answer is not).
    pub fn has_internal_overlap(&self) -> bool {
        if self.shape.iter().zip(&self.strides).any(|(&d, &s)| d > 1 && s == 0) {
            return true;
        }
        if self.numel() == 0 {
            return false;
        }
        let mut dims = [(0usize, 0usize); MAX_NDIM];
        let mut n = 0;
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            if d > 1 {
                dims[n] = (s.unsigned_abs(), d);
                n += 1;
            }
        }
        let dims = &mut dims[..n];
        dims.sort_unstable();
        // Highest element offset reachable through the dimensions so far
        // (fits: invariant 3 bounds every offset by the storage length).
        let mut reach: usize = 0;
        for &(stride, d) in dims.iter() {
            if stride <= reach {
                return true;
            }
            reach += stride * (d - 1);
        }
        false
    }

    /// Offset of the element at a full multi-index (unchecked in release).
    pub fn offset_of(&self, index: &[usize]) -> usize {
        debug_assert_eq!(index.len(), self.ndim());
        let mut off = self.offset as isize;
        for ((&i, &s), &d) in index.iter().zip(&self.strides).zip(&self.shape) {
            debug_assert!(i < d);
            off += i as isize * s;
        }
        off as usize
    }

    /// Keeps every `step`-th element of `axis` starting at `start`, `len` of them.
    /// `start` and `len` must come from [`adjust_slice`] on this axis.
    pub fn slice(&self, axis: usize, start: i64, len: usize, step: i64) -> Layout {
        let mut out = self.clone();
        if len > 0 {
            out.offset = (self.offset as isize + start as isize * self.strides[axis]) as usize;
        }
        out.shape[axis] = len;
        out.strides[axis] = if len > 1 { self.strides[axis] * step as isize } else { self.strides[axis] };
        out
    }

    /// Python-style `[start:stop:step]` on one axis.
    pub fn slice_py(&self, axis: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> Result<Layout> {
        if step == 0 {
            return Err(Error::InvalidArgument {
                op: "slice",
                reason: "slice step cannot be zero",
            });
        }
        let (s, n) = adjust_slice(self.shape[axis], start, stop, step);
        Ok(self.slice(axis, s, n, step))
    }

    /// Drops `axis`, keeping the elements at `index` (negative counts from the end).
    pub fn select(&self, axis: usize, index: i64) -> Result<Layout> {
        let size = self.shape[axis];
        let i = if index < 0 { index + size as i64 } else { index };
        if i < 0 || i >= size as i64 {
            return Err(Error::IndexOutOfRange { axis, index, size });
        }
        let mut out = self.clone();
        out.offset = (self.offset as isize + i as isize * self.strides[axis]) as usize;
        out.shape.remove(axis);
        out.strides.remove(axis);
        Ok(out)
    }

    /// The `offset`-th diagonal of the last two dimensions (`ndim >= 2`) as
    /// one last dimension: above the main diagonal for `offset > 0`, below
    /// for `offset < 0`, and empty where the offset passes the matrix's edge.
    pub fn diagonal(&self, offset: i64) -> Layout {
        let nd = self.ndim();
        debug_assert!(nd >= 2);
        let (rows, cols) = (self.shape[nd - 2], self.shape[nd - 1]);
        let (row_stride, col_stride) = (self.strides[nd - 2], self.strides[nd - 1]);
        // Where the diagonal starts and how many elements it has.
        let (first_row, first_col) = if offset >= 0 {
            (0, offset.unsigned_abs())
        } else {
            (offset.unsigned_abs(), 0)
        };
        let len = (rows as u64)
            .saturating_sub(first_row)
            .min((cols as u64).saturating_sub(first_col)) as usize;
        let mut out = self.clone();
        if len > 0 {
            out.offset = (self.offset as isize
                + first_row as isize * row_stride
                + first_col as isize * col_stride) as usize;
        }
        out.shape.truncate(nd - 2);
        out.strides.truncate(nd - 2);
        out.shape.push(len);
        out.strides.push(row_stride + col_stride);
        out
    }

    /// Inserts a size-1 dimension at `pos` (`0..=ndim`).
    pub fn unsqueeze(&self, pos: usize) -> Result<Layout> {
        if self.ndim() >= MAX_NDIM {
            return Err(Error::TooManyDims {
                ndim: self.ndim() + 1,
                max: MAX_NDIM,
            });
        }
        let stride = if pos < self.ndim() {
            self.strides[pos] * self.shape[pos].max(1) as isize
        } else {
            1
        };
        let mut out = self.clone();
        out.shape.insert(pos, 1);
        out.strides.insert(pos, stride);
        Ok(out)
    }

    /// Removes size-1 dimensions: all of them, or those listed in `axes`
    /// (listed axes of other sizes are left alone, as PyTorch does).
    pub fn squeeze(&self, axes: Option<&[usize]>) -> Layout {
        let keep = |i: usize| self.shape[i] != 1 || axes.is_some_and(|a| !a.contains(&i));
        let idx: Vec<usize> = (0..self.ndim()).filter(|&i| keep(i)).collect();
        Layout {
            shape: idx.iter().map(|&i| self.shape[i]).collect(),
            strides: idx.iter().map(|&i| self.strides[i]).collect(),
            offset: self.offset,
        }
    }

    /// Reorders dimensions: output dimension `k` is input dimension `perm[k]`.
    pub fn permute(&self, perm: &[i64]) -> Result<Layout> {
        let n = self.ndim();
        let bad = || Error::InvalidPermutation {
            perm: perm.to_vec(),
            ndim: n,
        };
        if perm.len() != n {
            return Err(bad());
        }
        let mut seen = vec![false; n];
        let mut axes = Vec::with_capacity(n);
        for &p in perm {
            let a = normalize_axis(p, n, "permute").map_err(|_| bad())?;
            if std::mem::replace(&mut seen[a], true) {
                return Err(bad());
            }
            axes.push(a);
        }
        Ok(Layout {
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            strides: axes.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        })
    }

    /// Swaps two dimensions.
    pub fn transpose(&self, a: usize, b: usize) -> Layout {
        let mut out = self.clone();
        out.shape.swap(a, b);
        out.strides.swap(a, b);
        out
    }

    /// Reverses all dimensions (NumPy's `.T`).
    pub fn reversed(&self) -> Layout {
        let mut out = self.clone();
        out.shape.reverse();
        out.strides.reverse();
        out
    }

    /// Broadcasts to `sizes` (`-1` keeps a size): size-1 dimensions grow with
    /// stride 0 and new dimensions are added in front.
    pub fn expand(&self, sizes: &[i64]) -> Result<Layout> {
        let bad = || Error::InvalidExpand {
            shape: self.shape.to_vec(),
            requested: sizes.to_vec(),
        };
        if sizes.len() < self.ndim() {
            return Err(bad());
        }
        if sizes.len() > MAX_NDIM {
            return Err(Error::TooManyDims {
                ndim: sizes.len(),
                max: MAX_NDIM,
            });
        }
        let lead = sizes.len() - self.ndim();
        let mut shape = Dims::with_capacity(sizes.len());
        let mut strides = Dims::with_capacity(sizes.len());
        for (k, &want) in sizes.iter().enumerate() {
            if k < lead {
                if want < 0 {
                    return Err(bad());
                }
                shape.push(want as usize);
                strides.push(0);
                continue;
            }
            let (have, stride) = (self.shape[k - lead], self.strides[k - lead]);
            match want {
                -1 => {
                    shape.push(have);
                    strides.push(stride);
                }
                w if w >= 0 && w as usize == have => {
                    shape.push(have);
                    strides.push(stride);
                }
                w if w >= 0 && have == 1 => {
                    shape.push(w as usize);
                    strides.push(0);
                }
                _ => return Err(bad()),
            }
        }
        checked_numel(&shape)?;
        Ok(Layout {
            shape,
            strides,
            offset: self.offset,
        })
    }

    /// Broadcasts to `shape` by NumPy's rules.
    pub fn broadcast_to(&self, shape: &[usize], op: &'static str) -> Result<Layout> {
        if self.shape.as_slice() == shape {
            return Ok(self.clone());
        }
        let target = broadcast_shapes(shape, &self.shape, op)?;
        if target != shape {
            return Err(Error::ShapeMismatch {
                op,
                expected: shape.to_vec(),
                got: self.shape.to_vec(),
            });
        }
        let sizes: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
        self.expand(&sizes)
    }

    /// The same elements under a new shape without moving them, if the
    /// strides allow it (PyTorch's `computeStride`); `None` if a copy is needed.
    pub fn view_shape(&self, new_shape: &[usize]) -> Option<Layout> {
        let numel = self.numel();
        let make = |strides: Vec<isize>| Layout {
            shape: Dims::from_slice(new_shape),
            strides: strides.into(),
            offset: self.offset,
        };
        if numel == 0 || self.ndim() == 0 {
            return Some(make(contiguous_strides(new_shape).ok()?));
        }
        let mut new_strides = vec![0isize; new_shape.len()];
        let mut view_d = new_shape.len() as isize - 1;
        let mut chunk_base_stride = *self.strides.last().expect("ndim > 0");
        let mut tensor_numel: usize = 1;
        let mut view_numel: usize = 1;
        for tensor_d in (0..self.ndim()).rev() {
            tensor_numel *= self.shape[tensor_d];
            let chunk_ends = tensor_d == 0
                || (self.shape[tensor_d - 1] != 1
                    && self.strides[tensor_d - 1] != tensor_numel as isize * chunk_base_stride);
            if chunk_ends {
                while view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d as usize] == 1) {
                    new_strides[view_d as usize] = view_numel as isize * chunk_base_stride;
                    view_numel *= new_shape[view_d as usize];
                    view_d -= 1;
                }
                if view_numel != tensor_numel {
                    return None;
                }
                if tensor_d > 0 {
                    chunk_base_stride = self.strides[tensor_d - 1];
                    tensor_numel = 1;
                    view_numel = 1;
                }
            }
        }
        if view_d != -1 {
            return None;
        }
        Some(make(new_strides))
    }

    /// `view(shape)`: like [`Layout::view_shape`] with `-1` inference, and an
    /// error that points to `reshape` when the strides do not allow it.
    pub fn view(&self, requested: &[i64]) -> Result<Layout> {
        let shape = infer_shape(requested, self.numel(), "view")?;
        self.view_shape(&shape).ok_or_else(|| Error::ViewNotPossible {
            shape: self.shape.to_vec(),
            strides: self.strides.to_vec(),
            requested: shape,
        })
    }

    /// Merges dimensions `start..=end` into one (as a view if possible).
    pub fn flatten_shape(&self, start: usize, end: usize) -> Vec<usize> {
        if self.ndim() == 0 {
            return vec![1];
        }
        let mut shape = self.shape[..start].to_vec();
        shape.push(self.shape[start..=end].iter().product());
        shape.extend_from_slice(&self.shape[end + 1..]);
        shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn contiguous_strides_and_flags() {
        let l = Layout::contiguous(&[2, 3, 4]).unwrap();
        assert_eq!(l.strides(), &[12, 4, 1]);
        assert!(l.is_contiguous());
        assert!(!l.is_f_contiguous());
        assert!(l.transpose(0, 2).is_f_contiguous());
        assert!(Layout::contiguous(&[0, 3]).unwrap().is_contiguous());
    }

    #[test]
    fn checked_rejects_out_of_bounds_and_overflow() {
        assert!(Layout::checked(&[2, 2], &[2, 1], 0, 4).is_ok());
        assert!(Layout::checked(&[2, 2], &[2, 1], 1, 4).is_err());
        assert!(Layout::checked(&[2], &[-1], 1, 2).is_ok());
        assert!(Layout::checked(&[2], &[-1], 0, 2).is_err());
        assert!(Layout::checked(&[usize::MAX, 2], &[1, 1], 0, 10).is_err());
        assert!(Layout::checked(&[1 << 62, 4], &[1, 1], 0, 10).is_err());
        assert!(Layout::checked(&[3], &[isize::MAX], 0, 10).is_err());
        assert!(Layout::checked(&[0, 5], &[isize::MAX, isize::MIN], 0, 0).is_ok());
        assert!(Layout::checked(&[1; 65], &[1; 65], 0, 1).is_err());
    }

    #[test]
    fn self_overlapping_strides_are_overlap() {
        // as_strided(a, (3, 2), (1, 1)): rows share elements.
        let l = Layout::checked(&[3, 2], &[1, 1], 0, 4).unwrap();
        assert!(l.has_internal_overlap());
        // Windows that just touch do not overlap; reversed strides neither.
        assert!(!Layout::checked(&[3, 2], &[2, 1], 0, 6).unwrap().has_internal_overlap());
        assert!(!Layout::checked(&[3, 2], &[-2, -1], 5, 6).unwrap().has_internal_overlap());
        assert!(Layout::checked(&[3, 2], &[-1, 1], 2, 4).unwrap().has_internal_overlap());
        // Every view tensorbridge makes of dense memory passes.
        let c = Layout::contiguous(&[4, 5, 6]).unwrap();
        for v in [c.transpose(0, 2), c.slice_py(1, None, None, -2).unwrap(), c.reversed()] {
            assert!(!v.has_internal_overlap(), "{v:?}");
        }
        // Empty layouts never overlap; size-1 dimensions never count.
        assert!(!Layout::checked(&[0, 3], &[1, 1], 0, 0).unwrap().has_internal_overlap());
        assert!(!Layout::checked(&[1, 3], &[0, 1], 0, 3).unwrap().has_internal_overlap());
    }

    #[test]
    fn slice_steps_beyond_int64_do_not_overflow() {
        // What the bindings saturate `-2**63` and `-2**100` to.
        assert_eq!(adjust_slice(5, None, None, i64::MIN), (4, 1));
        assert_eq!(adjust_slice(0, None, None, i64::MIN), (-1, 0));
        assert_eq!(adjust_slice(5, None, None, i64::MAX), (0, 1));
        let l = Layout::contiguous(&[5, 2]).unwrap();
        let s = l.slice_py(0, None, None, i64::MIN).unwrap();
        assert_eq!((s.shape(), s.offset()), (&[1usize, 2][..], 8));
    }

    #[test]
    fn python_slices() {
        assert_eq!(adjust_slice(5, None, None, -1), (4, 5));
        assert_eq!(adjust_slice(5, Some(1), None, 2), (1, 2));
        assert_eq!(adjust_slice(5, Some(-2), Some(-100), -1), (3, 4));
        assert_eq!(adjust_slice(5, Some(10), None, 1), (5, 0));
        assert_eq!(adjust_slice(0, None, None, -1), (-1, 0));
        assert_eq!(adjust_slice(5, Some(i64::MIN), Some(i64::MAX), 3), (0, 2));
        assert_eq!(adjust_slice(5, None, None, i64::MIN), (4, 1));
        assert_eq!(adjust_slice(5, Some(i64::MAX), Some(i64::MIN), i64::MIN), (4, 1));
        assert_eq!(adjust_slice(5, None, None, i64::MAX), (0, 1));
    }

    #[test]
    fn view_follows_pytorch() {
        let t = Layout::contiguous(&[4, 6]).unwrap();
        assert_eq!(t.view(&[2, -1, 3]).unwrap().strides(), &[12, 3, 1]);
        let tt = t.transpose(0, 1);
        assert!(tt.view(&[24]).is_err());
        assert_eq!(tt.view(&[6, 2, 2]).unwrap().strides(), &[1, 12, 6]);
        assert!(t.view(&[5, -1]).is_err());
        assert!(t.view(&[-1, -1]).is_err());
    }

    #[test]
    fn expand_and_broadcast() {
        let t = Layout::contiguous(&[3, 1]).unwrap();
        let e = t.expand(&[2, 3, 4]).unwrap();
        assert_eq!(e.shape(), &[2, 3, 4]);
        assert_eq!(e.strides(), &[0, 1, 0]);
        assert!(e.has_internal_overlap());
        assert!(t.expand(&[3, 2, 1]).is_err());
        assert_eq!(broadcast_shapes(&[3, 1], &[4], "t").unwrap(), vec![3, 4]);
        assert!(broadcast_shapes(&[3], &[4], "t").is_err());
    }

    /// Every element offset of a layout, in C order, by brute force.
    fn offsets(l: &Layout) -> Vec<usize> {
        let mut out = vec![];
        let n = l.numel();
        let mut idx = vec![0usize; l.ndim()];
        for _ in 0..n {
            out.push(l.offset_of(&idx));
            for k in (0..l.ndim()).rev() {
                idx[k] += 1;
                if idx[k] < l.shape()[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
        out
    }

    fn shape_strategy() -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(0usize..5, 0..5)
    }

    proptest! {
        #[test]
        fn overlap_is_never_missed((shape, strides) in shape_strategy().prop_flat_map(|s| { let n = s.len(); (Just(s), prop::collection::vec(-4isize..5, n)) })) {
            // Brute force: an element offset reached twice means overlap, and
            // `has_internal_overlap` must say so (it may also say so for a
            // few layouts that do not overlap: refusing is the safe side).
            let lo: isize = shape.iter().zip(&strides).map(|(&d, &s)| if s < 0 && d > 0 { (d as isize - 1) * s } else { 0 }).sum();
            let l = Layout::checked(&shape, &strides, (-lo) as usize, 10_000).unwrap();
            let mut seen = offsets(&l);
            let n = seen.len();
            seen.sort_unstable();
            seen.dedup();
            if seen.len() < n {
                prop_assert!(l.has_internal_overlap(), "{:?} overlaps", l);
            }
        }

        #[test]
        fn slices_select_the_python_elements(shape in shape_strategy(), start in -6i64..6, stop in -6i64..6, step in prop::sample::select(vec![-3i64, -2, -1, 1, 2, 3])) {
            prop_assume!(!shape.is_empty());
            let l = Layout::contiguous(&shape).unwrap();
            let s = l.slice_py(0, Some(start), Some(stop), step).unwrap();
            let n = shape[0] as i64;
            let picked: Vec<i64> = (0..n).collect();
            // Python oracle for one axis.
            let (a, cnt) = adjust_slice(shape[0], Some(start), Some(stop), step);
            let expect: Vec<i64> = (0..cnt as i64).map(|k| a + k * step).collect();
            prop_assert!(expect.iter().all(|i| picked.contains(i)));
            let inner: usize = shape[1..].iter().product();
            let want: Vec<usize> = expect.iter().flat_map(|&i| (0..inner).map(move |j| i as usize * inner + j)).collect();
            prop_assert_eq!(offsets(&s), want);
        }

        #[test]
        fn view_keeps_element_order(shape in shape_strategy(), perm_seed in any::<u64>()) {
            let l = Layout::contiguous(&shape).unwrap();
            let mut perm: Vec<i64> = (0..shape.len() as i64).collect();
            let mut seed = perm_seed;
            for i in (1..perm.len()).rev() {
                let j = (seed % (i as u64 + 1)) as usize;
                seed /= i as u64 + 1;
                perm.swap(i, j);
            }
            let p = l.permute(&perm).unwrap();
            let flat = [p.numel() as i64];
            if let Ok(v) = p.view(&flat) {
                prop_assert_eq!(offsets(&v), offsets(&p));
            } else {
                prop_assert!(!p.is_contiguous());
            }
        }

        #[test]
        fn checked_accepts_exactly_in_bounds((shape, strides) in shape_strategy().prop_flat_map(|s| { let n = s.len(); (Just(s), prop::collection::vec(-4isize..5, n)) }), offset in 0usize..40, len in 0usize..60) {
            // brute force with signed arithmetic
            let ok_bf = {
                let mut ok = true;
                let n: usize = shape.iter().product();
                let mut idx = vec![0usize; shape.len()];
                for _ in 0..n {
                    let mut off = offset as i64;
                    for k in 0..shape.len() { off += idx[k] as i64 * strides[k] as i64; }
                    if off < 0 || off >= len as i64 { ok = false; }
                    for k in (0..shape.len()).rev() { idx[k] += 1; if idx[k] < shape[k] { break; } idx[k] = 0; }
                }
                ok
            };
            prop_assert_eq!(Layout::checked(&shape, &strides, offset, len).is_ok(), ok_bf);
        }
    }
}
