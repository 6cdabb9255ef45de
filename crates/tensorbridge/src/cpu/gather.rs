//! Gather and scatter loops of advanced indexing, `take` and
//! `take_along_axis`.
//!
//! An advanced selection is a sequence of *blocks*: for each position `p` of
//! the outer dimensions and each picked offset `b`, the block of inner
//! dimensions at `p`'s offset plus `offsets[b]`. Gathers copy the blocks
//! into a fresh contiguous output in that order (in parallel above
//! [`PARALLEL_MIN_ELEMENTS`]); scatters write them back in order, so that
//! when an element is picked twice the last write wins, as in NumPy.
//! Elements are moved by size (1, 2, 4, 8 or 16 bytes), never interpreted.

use super::copy::PARALLEL_MIN_ELEMENTS;
use crate::dtype::DType;
use crate::strided::{Plan2, Walk};
use crate::tensor::Tensor;

/// An integer element type that can be read as an index.
trait IndexValue: Copy {
    /// The value as `i64`; `u64` values beyond `i64::MAX` saturate (and are
    /// then out of range of any axis).
    fn to_i64(self) -> i64;
}

macro_rules! index_value {
    ($($t:ty),*) => {$(
        impl IndexValue for $t {
            #[inline(always)]
            fn to_i64(self) -> i64 {
                i64::try_from(self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
index_value!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Runs `$body` with `$t` bound to the Rust type of the integer (or bool,
/// read as `u8`) dtype `$dtype`; other dtypes are a caller bug.
macro_rules! dispatch_index {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            DType::Int8 => {
                type $t = i8;
                $body
            }
            DType::Int16 => {
                type $t = i16;
                $body
            }
            DType::Int32 => {
                type $t = i32;
                $body
            }
            DType::Int64 => {
                type $t = i64;
                $body
            }
            DType::UInt8 | DType::Bool => {
                type $t = u8;
                $body
            }
            DType::UInt16 => {
                type $t = u16;
                $body
            }
            DType::UInt32 => {
                type $t = u32;
                $body
            }
            DType::UInt64 => {
                type $t = u64;
                $body
            }
            d => unreachable!("index arrays are integer, not {d}"),
        }
    };
}

/// Runs `$body` with `$t` bound to a plain type of `$itemsize` bytes whose
/// alignment is no stricter than that of any dtype of that size: element
/// copies through it are sound for every tensor whose elements are aligned
/// for their own dtype. complex64 is 8 bytes but only 4-aligned (two f32),
/// so 8-byte elements move as `[u32; 2]` (still one 8-byte move on x86-64
/// and aarch64), never as `u64`.
macro_rules! dispatch_size {
    ($itemsize:expr, $t:ident => $body:expr) => {
        match $itemsize {
            1 => {
                type $t = u8;
                $body
            }
            2 => {
                type $t = u16;
                $body
            }
            4 => {
                type $t = u32;
                $body
            }
            8 => {
                type $t = [u32; 2];
                $body
            }
            _ => {
                type $t = [u64; 2];
                $body
            }
        }
    };
}
pub(crate) use dispatch_size;

/// Resolves a possibly negative index against `size`; `Err` holds the index
/// as given when it is out of range.
#[inline(always)]
fn resolve(v: i64, size: usize) -> Result<isize, i64> {
    let size = size as i64;
    let r = if v < 0 { v.wrapping_add(size) } else { v };
    if r < 0 || r >= size {
        Err(v)
    } else {
        Ok(r as isize)
    }
}

/// Adds `index[i] * stride` to `offsets[i]` for every position `i` of the
/// index shape (`offsets` is C-contiguous over it, `index` broadcast to it).
/// Returns the first index outside `-size..size` as `Err`.
pub fn add_offsets(
    offsets: &mut [isize],
    out_strides: &[isize],
    index: &Tensor,
    size: usize,
    stride: isize,
) -> Result<(), i64> {
    assert_eq!(
        offsets.len(),
        index.numel(),
        "offsets cover the index shape"
    );
    let Some(walk) = Walk::new(
        index.shape(),
        [out_strides, index.strides()],
        [0, index.layout().offset() as isize],
    ) else {
        return Ok(());
    };
    let base = index.storage().as_ptr() as usize;
    let mut result = Ok(());
    dispatch_index!(index.dtype(), I => {
        let src = base as *const I;
        walk.for_each_run(|o, n, s| {
            if result.is_err() {
                return;
            }
            for i in 0..n as isize {
                // SAFETY: the walk visits elements of `index`'s checked layout.
                let v = unsafe { src.offset(o[1] + i * s[1]).read() }.to_i64();
                match resolve(v, size) {
                    Ok(r) => offsets[(o[0] + i * s[0]) as usize] += r * stride,
                    Err(bad) => {
                        result = Err(bad);
                        return;
                    }
                }
            }
        });
    });
    result
}

/// Where the picks of a selection are, relative to the view's first element.
#[derive(Clone, Copy, Debug)]
pub enum Picks<'a> {
    /// Element offsets, computed and checked beforehand.
    Offsets(&'a [isize]),
    /// Positions along one dimension of `size` elements `stride` apart,
    /// checked beforehand with [`check_positions`] (negative ones count from
    /// the end): the common `x[idx]`, without an offsets array.
    Positions {
        /// The positions.
        index: &'a [i64],
        /// The dimension's size.
        size: usize,
        /// The dimension's stride, in elements.
        stride: isize,
    },
}

impl Picks<'_> {
    fn len(&self) -> usize {
        match self {
            Picks::Offsets(o) => o.len(),
            Picks::Positions { index, .. } => index.len(),
        }
    }

    #[inline(always)]
    fn offset(&self, b: usize) -> isize {
        match *self {
            Picks::Offsets(o) => o[b],
            Picks::Positions {
                index,
                size,
                stride,
            } => {
                let v = index[b];
                (if v < 0 { v + size as i64 } else { v }) as isize * stride
            }
        }
    }
}

/// Checks that every position lies in `-size..size`, in parallel for long
/// index arrays; `Err` holds the first one (in order) that does not.
pub fn check_positions(index: &[i64], size: usize) -> Result<(), i64> {
    let size = size as i64;
    let bad = |v: i64| v < -size || v >= size;
    let parts = ranges(
        index.len(),
        if index.len() < PARALLEL_MIN_ELEMENTS {
            1
        } else {
            rayon::current_num_threads()
        },
    );
    let any_bad =
        |r: &std::ops::Range<usize>| index[r.clone()].iter().fold(false, |acc, &v| acc | bad(v));
    let failed: Vec<bool> = if parts.len() <= 1 {
        parts.iter().map(any_bad).collect()
    } else {
        use rayon::prelude::*;
        parts.par_iter().map(any_bad).collect()
    };
    match failed.iter().position(|&f| f) {
        None => Ok(()),
        Some(p) => Err(index[parts[p].clone()]
            .iter()
            .copied()
            .find(|&v| bad(v))
            .unwrap_or(0)),
    }
}

/// The strided part of a selection: the outer dimensions (before the
/// picked ones in the output), the picked offsets and the inner dimensions.
/// Strides are those of the indexed view, in elements.
#[derive(Clone, Copy, Debug)]
pub struct Blocks<'a> {
    /// Sizes of the outer dimensions.
    pub outer_shape: &'a [usize],
    /// The view's strides along them.
    pub outer_strides: &'a [isize],
    /// The picks.
    pub picks: Picks<'a>,
    /// Sizes of the inner dimensions.
    pub inner_shape: &'a [usize],
    /// The view's strides along them.
    pub inner_strides: &'a [isize],
}

impl Blocks<'_> {
    fn outer_len(&self) -> usize {
        self.outer_shape.iter().product()
    }

    fn inner_len(&self) -> usize {
        self.inner_shape.iter().product()
    }

    /// Calls `f(j, offset)` for blocks `range` in order: `j` is the block
    /// number (outer position times picks plus pick), `offset` its view
    /// offset relative to the first element.
    fn for_each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, isize)) {
        let picks = self.picks.len();
        if picks == 0 || range.is_empty() {
            return;
        }
        let mut j = range.start;
        while j < range.end {
            let p = j / picks;
            // Unravel the outer position once per run of picks.
            let mut rem = p;
            let mut outer = 0isize;
            for (&n, &s) in self.outer_shape.iter().zip(self.outer_strides).rev() {
                outer += (rem % n) as isize * s;
                rem /= n;
            }
            let stop = ((p + 1) * picks).min(range.end);
            for jj in j..stop {
                f(jj, outer + self.picks.offset(jj - p * picks));
            }
            j = stop;
        }
    }
}

/// Splits `0..n` into at most `parts` ranges.
fn ranges(n: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let chunk = n.div_ceil(parts.max(1)).max(1);
    (0..n)
        .step_by(chunk)
        .map(|s| s..(s + chunk).min(n))
        .collect()
}

/// The elements of a contiguous int64 CPU tensor, borrowed.
pub fn as_i64_slice(t: &Tensor) -> &[i64] {
    super::host::only("as_i64_slice", &[t]);
    assert!(t.is_contiguous() && t.dtype() == DType::Int64 && t.device().is_cpu());
    if t.numel() == 0 {
        return &[];
    }
    // SAFETY: a contiguous int64 tensor holds `numel` aligned elements from
    // `data_ptr`, kept alive by `t` for the borrow.
    unsafe { std::slice::from_raw_parts(t.data_ptr() as *const i64, t.numel()) }
}

/// `x` as a new C-contiguous tensor of `dtype` (a copy with a cast).
pub fn contiguous_as(x: &Tensor, dtype: DType) -> crate::Result<Tensor> {
    // SAFETY: `copy_cast` writes every element of the fresh tensor.
    let out = unsafe { Tensor::uninit(x.shape(), dtype)? };
    super::copy::copy_cast(x, &out);
    Ok(out)
}

/// The blocks of `src`, copied in order into a new C-contiguous tensor of
/// `shape` (whose element count is outer × picks × inner).
pub fn gather(src: &Tensor, blocks: Blocks<'_>, shape: &[usize]) -> crate::Result<Tensor> {
    super::host::only("gather", &[src]);
    let blocks_n = blocks.outer_len() * blocks.picks.len();
    let inner_n = blocks.inner_len();
    // SAFETY: every element is written below (one per block and inner
    // position, and their count is the element count).
    let out = unsafe { Tensor::uninit(shape, src.dtype())? };
    assert_eq!(
        out.numel(),
        blocks_n * inner_n,
        "gather: shape matches the blocks"
    );
    if out.numel() == 0 {
        return Ok(out);
    }
    let dtype = src.dtype();
    let size = dtype.itemsize();
    let src_base = src.data_ptr() as usize;
    let out_base = out.data_ptr() as usize;
    let inner_out = crate::layout::contiguous_strides(blocks.inner_shape).unwrap_or_default();
    let plan = Plan2::new(blocks.inner_shape, blocks.inner_strides, 0, &inner_out, 0);
    let run = |range: std::ops::Range<usize>| {
        if inner_n == 1 {
            // One element per block: a plain gather.
            dispatch_size!(size, T => {
                let (s, d) = (src_base as *const T, out_base as *mut T);
                blocks.for_each(range, |j, off| {
                    // SAFETY: `off` addresses an element of `src`'s checked
                    // layout (offsets were bounds-checked); `j` < numel of
                    // the fresh output, which nothing else references.
                    unsafe { d.add(j).write(s.offset(off).read()) }
                });
            });
        } else if let Some(plan) = &plan {
            blocks.for_each(range, |j, off| {
                let dst_off = (j * inner_n) as isize;
                plan.for_each_run(|oa, ob, n, sa, sb| {
                    // SAFETY: the plan visits the inner block inside `src`'s
                    // layout from `off` and block `j` of the output.
                    unsafe {
                        super::cast::cast_run(
                            dtype,
                            (src_base as *const u8).offset((off + oa) * size as isize),
                            sa,
                            dtype,
                            (out_base as *mut u8).offset((dst_off + ob) * size as isize),
                            sb,
                            n,
                        )
                    }
                });
            });
        }
    };
    let threads = rayon::current_num_threads();
    if out.numel() < PARALLEL_MIN_ELEMENTS || threads < 2 || blocks_n < 2 {
        run(0..blocks_n);
    } else {
        let parts = ranges(blocks_n, threads * 4);
        rayon::scope(|sc| {
            for r in parts {
                let run = &run;
                sc.spawn(move |_| run(r));
            }
        });
    }
    Ok(out)
}

/// Writes the blocks of `dst` in order from the C-contiguous `src` (shape
/// outer × picks × inner, `dst`'s dtype), or, when `src` has one element,
/// fills them with it. The caller checked that `dst` is writable and that
/// `src` does not overlap it.
pub fn scatter(dst: &Tensor, blocks: Blocks<'_>, src: &Tensor) {
    super::host::only("scatter", &[dst, src]);
    let blocks_n = blocks.outer_len() * blocks.picks.len();
    let inner_n = blocks.inner_len();
    let fill = src.numel() == 1;
    assert!(
        src.is_contiguous()
            && src.dtype() == dst.dtype()
            && (fill || src.numel() == blocks_n * inner_n)
    );
    let dtype = dst.dtype();
    let size = dtype.itemsize() as isize;
    let dst_base = dst.data_ptr() as *mut u8;
    let src_base = src.data_ptr();
    let src_stride = isize::from(!fill);
    if inner_n == 1 {
        dispatch_size!(size, T => {
            let (s, d) = (src_base as *const T, dst_base as *mut T);
            blocks.for_each(0..blocks_n, |j, off| {
                // SAFETY: `off` addresses an element of `dst`'s checked
                // layout; `j * src_stride` an element of `src`.
                unsafe { d.offset(off).write(s.offset(j as isize * src_stride).read()) }
            });
        });
        return;
    }
    let inner_src: Vec<isize> = if fill {
        vec![0; blocks.inner_shape.len()]
    } else {
        crate::layout::contiguous_strides(blocks.inner_shape).unwrap_or_default()
    };
    let Some(plan) = Plan2::new(blocks.inner_shape, &inner_src, 0, blocks.inner_strides, 0) else {
        return;
    };
    blocks.for_each(0..blocks_n, |j, off| {
        let src_off = (j * inner_n) as isize * src_stride;
        plan.for_each_run(|oa, ob, n, sa, sb| {
            // SAFETY: the plan visits the inner block of `dst` from `off`
            // and block `j` of `src` (or its one element, stride 0).
            unsafe {
                super::cast::cast_run(
                    dtype,
                    src_base.offset((src_off + oa) * size),
                    sa,
                    dtype,
                    dst_base.offset((off + ob) * size),
                    sb,
                    n,
                )
            }
        });
    });
}

/// A new tensor of `src`'s (broadcast) shape with `out[i] = src[i with
/// its axis coordinate replaced by index[i]]`. `src` is broadcast to the
/// output shape with stride 0 along the axis; `axis_size`/`axis_stride`
/// describe the axis itself; `index` is broadcast to the output shape. An
/// index outside `-axis_size..axis_size` becomes the error `bad(index)`.
pub fn take_along(
    src: &Tensor,
    axis_size: usize,
    axis_stride: isize,
    index: &Tensor,
    bad: impl Fn(i64) -> crate::Error,
) -> crate::Result<Tensor> {
    assert_eq!(src.shape(), index.shape());
    // SAFETY: the walk below writes every element, or the tensor is
    // dropped with the error.
    let out = unsafe { Tensor::uninit(src.shape(), src.dtype())? };
    let Some(walk) = Walk::new(
        out.shape(),
        [out.strides(), index.strides(), src.strides()],
        [
            0,
            index.layout().offset() as isize,
            src.layout().offset() as isize,
        ],
    ) else {
        return Ok(out);
    };
    let (src_base, idx_base, out_base) = (
        src.storage().as_ptr() as usize,
        index.storage().as_ptr() as usize,
        out.data_ptr() as usize,
    );
    let mut result = Ok(());
    dispatch_index!(index.dtype(), I => dispatch_size!(src.itemsize(), T => {
        let (s, x, d) = (src_base as *const T, idx_base as *const I, out_base as *mut T);
        walk.for_each_run(|o, n, st| {
            if result.is_err() {
                return;
            }
            for i in 0..n as isize {
                // SAFETY: the walk visits elements of the three checked
                // layouts; the resolved index stays inside the axis.
                unsafe {
                    let v = x.offset(o[1] + i * st[1]).read().to_i64();
                    match resolve(v, axis_size) {
                        Ok(r) => d.offset(o[0] + i * st[0]).write(s.offset(o[2] + i * st[2] + r * axis_stride).read()),
                        Err(bad) => {
                            result = Err(bad);
                            return;
                        }
                    }
                }
            }
        });
    }));
    result.map_err(bad)?;
    Ok(out)
}
