//! Sorting kernels: sort and argsort along an axis, binary search in a
//! sorted vector, and the sorted groups that `unique_*` reports.
//!
//! # NumPy's order as integer keys
//!
//! Every element maps to a key whose plain integer order is NumPy's sort
//! order ([`Ordered`]): integers flip their sign bit; floats flip all bits
//! when negative and the sign bit otherwise, with `-0.0` keyed like `0.0`
//! (they compare equal, so a stable sort keeps them in input order) and
//! every NaN keyed after `+inf` (NumPy sorts NaNs last). Complex numbers sort
//! lexicographically by (real, imaginary) like NumPy, with NaNs last in
//! NumPy's four classes: `R + Rj`, `R + nanj`, `nan + Rj`, `nan + nanj`.
//!
//! A descending sort is an ascending sort of the reversed key (`!key`),
//! which reverses the order of unequal elements and keeps equal ones in
//! input order: NaNs come first, and ties stay stable, as the Array API
//! standard asks.
//!
//! Real keys are sorted by [`super::radix`] (linear, stable, parallel for
//! long lanes); complex keys by the standard library's stable sort.

use num_complex::Complex;
use rayon::prelude::*;

use super::radix::{radix_sort, RADIX_MIN_ITEMS};
use crate::dtype::DType;
use crate::strided::Walk;
use crate::error::Result;
use crate::tensor::Tensor;

/// Elements below which a kernel stays on the calling thread.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 15;

/// An element type with NumPy's sort order.
pub trait Ordered: Copy + Send + Sync + 'static {
    /// An integer-ordered stand-in: `a` sorts before `b` in NumPy exactly
    /// when `a.key() < b.key()`, and they are tied when the keys are equal.
    type Key: Copy + Ord + Send + Sync;
    /// The key of this element.
    fn key(self) -> Self::Key;
    /// The key of the reversed order (for descending sorts).
    fn reversed(key: Self::Key) -> Self::Key;
    /// Whether this element is NaN (for complex: either part is).
    fn is_nan(self) -> bool;
    /// Sorts `items` stably by `key(item)`.
    fn sort_items<I: Copy + Send + Sync>(items: &mut Vec<I>, key: impl Fn(&I) -> Self::Key + Sync);
}

/// Bool elements as stored (bytes; any non-zero byte is true).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub struct BoolByte(pub u8);

/// The key of a float given by its bits: `BITS` wide, `inf` the bits of
/// `+inf`. Written without branches on the data (selects only): the sign
/// of random data is unpredictable, and radix passes recompute keys.
#[inline(always)]
fn float_key<const BITS: u32>(bits: u64, inf: u64) -> u64 {
    let sign = 1u64 << (BITS - 1);
    let mask = u64::MAX >> (64 - BITS);
    let magnitude = bits & (sign - 1);
    // Negative numbers flip every bit, the others only the sign bit.
    let flip = (((bits >> (BITS - 1)) & 1).wrapping_neg() & mask) | sign;
    let key = bits ^ flip;
    let key = if magnitude == 0 { sign } else { key }; // -0.0 ties with 0.0
    if magnitude > inf {
        mask // NaN: after every number
    } else {
        key
    }
}

/// Stable sort of items by integer keys of `$k`'s width: radix for long inputs.
macro_rules! radix_items {
    ($k:ty) => {
        fn sort_items<I: Copy + Send + Sync>(items: &mut Vec<I>, key: impl Fn(&I) -> $k + Sync) {
            if items.len() < RADIX_MIN_ITEMS {
                items.sort_by_key(|i| key(i));
            } else {
                radix_sort(items, std::mem::size_of::<$k>(), |i| key(i) as u64);
            }
        }
    };
}

macro_rules! ordered_unsigned {
    ($($t:ty),*) => {$(
        impl Ordered for $t {
            type Key = $t;
            #[inline(always)]
            fn key(self) -> $t { self }
            #[inline(always)]
            fn reversed(key: $t) -> $t { !key }
            #[inline(always)]
            fn is_nan(self) -> bool { false }
            radix_items!($t);
        }
    )*};
}
ordered_unsigned!(u8, u16, u32, u64);

macro_rules! ordered_signed {
    ($($t:ty => $u:ty),*) => {$(
        impl Ordered for $t {
            type Key = $u;
            #[inline(always)]
            fn key(self) -> $u { (self as $u) ^ (1 << (<$u>::BITS - 1)) }
            #[inline(always)]
            fn reversed(key: $u) -> $u { !key }
            #[inline(always)]
            fn is_nan(self) -> bool { false }
            radix_items!($u);
        }
    )*};
}
ordered_signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64);

macro_rules! ordered_float {
    ($($t:ty => $u:ty, $bits:expr, $inf:expr);*) => {$(
        impl Ordered for $t {
            type Key = $u;
            #[inline(always)]
            fn key(self) -> $u { float_key::<$bits>(self.to_bits() as u64, $inf) as $u }
            #[inline(always)]
            fn reversed(key: $u) -> $u { !key }
            #[inline(always)]
            fn is_nan(self) -> bool { (self.to_bits() as u64) & ((1u64 << ($bits - 1)) - 1) > $inf }
            radix_items!($u);
        }
    )*};
}
ordered_float! {
    half::f16 => u16, 16, 0x7C00;
    half::bf16 => u16, 16, 0x7F80;
    f32 => u32, 32, 0x7F80_0000;
    f64 => u64, 64, 0x7FF0_0000_0000_0000
}

impl Ordered for BoolByte {
    type Key = u8;
    #[inline(always)]
    fn key(self) -> u8 {
        (self.0 != 0) as u8
    }
    #[inline(always)]
    fn reversed(key: u8) -> u8 {
        !key
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        false
    }
    radix_items!(u8);
}

/// The key of a complex number from its parts' float keys and NaN flags:
/// (NaN class, first key, second key).
#[inline(always)]
fn complex_key(re: u64, im: u64, re_nan: bool, im_nan: bool) -> (u8, u64, u64) {
    match (re_nan, im_nan) {
        (false, false) => (0, re, im),
        (false, true) => (1, re, 0),
        (true, false) => (2, im, 0),
        (true, true) => (3, 0, 0),
    }
}

macro_rules! ordered_complex {
    ($($t:ty),*) => {$(
        impl Ordered for Complex<$t> {
            type Key = (u8, u64, u64);
            #[inline(always)]
            fn key(self) -> (u8, u64, u64) {
                complex_key(self.re.key() as u64, self.im.key() as u64, self.re.is_nan(), self.im.is_nan())
            }
            #[inline(always)]
            fn reversed(key: (u8, u64, u64)) -> (u8, u64, u64) { (3 - key.0, !key.1, !key.2) }
            #[inline(always)]
            fn is_nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
            fn sort_items<I: Copy + Send + Sync>(items: &mut Vec<I>, key: impl Fn(&I) -> (u8, u64, u64) + Sync) {
                if items.len() >= PARALLEL_MIN_ELEMENTS {
                    items.par_sort_by_key(|i| key(i));
                } else {
                    items.sort_by_key(|i| key(i));
                }
            }
        }
    )*};
}
ordered_complex!(f32, f64);

/// Runs `$body` with `$t` bound to the [`Ordered`] type of `$dtype` (bool
/// as [`BoolByte`]).
macro_rules! dispatch_ordered {
    ($dtype:expr, $t:ident => $body:expr) => {{
        match $dtype {
            DType::Bool => {
                type $t = BoolByte;
                $body
            }
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
            DType::UInt8 => {
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
            DType::Float16 => {
                type $t = half::f16;
                $body
            }
            DType::BFloat16 => {
                type $t = half::bf16;
                $body
            }
            DType::Float32 => {
                type $t = f32;
                $body
            }
            DType::Float64 => {
                type $t = f64;
                $body
            }
            DType::Complex64 => {
                type $t = Complex<f32>;
                $body
            }
            DType::Complex128 => {
                type $t = Complex<f64>;
                $body
            }
        }
    }};
}

/// Where the lanes of one operand pair start, and how they step.
struct Lanes {
    /// Visits the start of every lane: operand 0 the output, 1 the input.
    walk: Option<Walk<2>>,
    /// Elements in a lane.
    len: usize,
    /// Lane strides of output and input, in elements.
    out_stride: isize,
    in_stride: isize,
    /// Storage addresses of output and input.
    bases: [usize; 2],
}

impl Lanes {
    fn new(x: &Tensor, axis: usize, out: &Tensor) -> Lanes {
        assert_eq!(x.shape(), out.shape(), "sort kernels need equal shapes");
        let drop_axis = |v: &[isize]| -> Vec<isize> {
            v.iter()
                .enumerate()
                .filter(|&(d, _)| d != axis)
                .map(|(_, &s)| s)
                .collect()
        };
        let shape: Vec<usize> = x
            .shape()
            .iter()
            .enumerate()
            .filter(|&(d, _)| d != axis)
            .map(|(_, &s)| s)
            .collect();
        let walk = if x.shape()[axis] == 0 {
            None
        } else {
            Walk::new(
                &shape,
                [&drop_axis(out.strides()), &drop_axis(x.strides())],
                [out.layout().offset() as isize, x.layout().offset() as isize],
            )
        };
        Lanes {
            walk,
            len: x.shape()[axis],
            out_stride: out.strides()[axis],
            in_stride: x.strides()[axis],
            bases: [
                out.storage().as_ptr() as usize,
                x.storage().as_ptr() as usize,
            ],
        }
    }

    /// Calls `f(out_offset, in_offset)` for every lane, splitting the lanes
    /// across threads when there is enough work.
    fn for_each(&self, f: impl Fn(isize, isize) + Sync + Send) {
        let Some(walk) = &self.walk else { return };
        let run = |w: &Walk<2>| {
            w.for_each_run(|o, n, s| {
                for i in 0..n as isize {
                    f(o[0] + i * s[0], o[1] + i * s[1]);
                }
            })
        };
        let lanes = walk.numel();
        if lanes > 1
            && lanes * self.len >= PARALLEL_MIN_ELEMENTS
            && rayon::current_num_threads() > 1
        {
            walk.split(rayon::current_num_threads() * 4)
                .par_iter()
                .for_each(run);
        } else {
            run(walk);
        }
    }

    /// Reads the lane that starts at input element `at`.
    ///
    /// # Safety
    ///
    /// `at` is the input offset of a lane given by [`Lanes::for_each`] and
    /// `T` is the input's element type.
    unsafe fn read<T: Copy>(&self, at: isize, into: &mut Vec<T>) {
        into.clear();
        let base = self.bases[1] as *const T;
        // SAFETY: the lane's `len` elements `in_stride` apart lie inside the
        // input's checked layout (caller contract).
        into.extend(
            (0..self.len as isize).map(|j| unsafe { *base.offset(at + j * self.in_stride) }),
        );
    }

    /// Writes `values` along the output lane that starts at element `at`.
    ///
    /// # Safety
    ///
    /// `at` is the output offset of a lane given by [`Lanes::for_each`], `U`
    /// is the output's element type, and no one else writes this lane.
    unsafe fn write<U: Copy>(&self, at: isize, values: impl Iterator<Item = U>) {
        let base = self.bases[0] as *mut U;
        for (j, v) in values.take(self.len).enumerate() {
            // SAFETY: inside the output's layout, written by this lane only
            // (caller contract).
            unsafe { *base.offset(at + j as isize * self.out_stride) = v };
        }
    }
}

/// A new tensor of `x` sorted along `axis` (see [`sort_into`]).
pub fn sorted(x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
    // SAFETY: `sort_into` writes every lane in full.
    let out = unsafe { Tensor::uninit(x.shape(), x.dtype())? };
    sort_into(x, axis, descending, &out);
    Ok(out)
}

/// A new int64 tensor of the indices that sort `x` along `axis` (see
/// [`argsort_into`]).
pub fn argsorted(x: &Tensor, axis: usize, descending: bool) -> Result<Tensor> {
    // SAFETY: `argsort_into` writes every lane in full.
    let out = unsafe { Tensor::uninit(x.shape(), DType::Int64)? };
    argsort_into(x, axis, descending, &out);
    Ok(out)
}

/// Writes `x` sorted along `axis` into `out` (same shape and dtype).
///
/// The caller guarantees that `out` is fresh (writable, no internal
/// overlap, disjoint from `x`).
pub fn sort_into(x: &Tensor, axis: usize, descending: bool, out: &Tensor) {
    super::host::only("sort_into", &[x, out]);
    assert_eq!(x.dtype(), out.dtype(), "sort_into needs equal dtypes");
    let lanes = Lanes::new(x, axis, out);
    dispatch_ordered!(x.dtype(), T => sort_lanes::<T>(&lanes, descending))
}

fn sort_lanes<T: Ordered>(lanes: &Lanes, descending: bool) {
    lanes.for_each(|o, i| {
        let mut values: Vec<T> = Vec::with_capacity(lanes.len);
        // SAFETY: `i` and `o` are lane offsets from `for_each`; `T` is the
        // dtype of both tensors; each lane is written by one call only.
        unsafe {
            lanes.read(i, &mut values);
            if descending {
                T::sort_items(&mut values, |v| T::reversed(v.key()));
            } else {
                T::sort_items(&mut values, |v| v.key());
            }
            lanes.write(o, values.into_iter());
        }
    });
}

/// Writes the indices that sort `x` along `axis` into the int64 tensor
/// `out` (same shape). Ties keep their input order (a stable sort).
///
/// The caller guarantees that `out` is fresh (writable, no internal
/// overlap, disjoint from `x`).
pub fn argsort_into(x: &Tensor, axis: usize, descending: bool, out: &Tensor) {
    super::host::only("argsort_into", &[x, out]);
    assert_eq!(out.dtype(), DType::Int64, "argsort_into writes int64");
    let lanes = Lanes::new(x, axis, out);
    if lanes.len <= u32::MAX as usize {
        dispatch_ordered!(x.dtype(), T => argsort_lanes::<T, u32>(&lanes, descending))
    } else {
        dispatch_ordered!(x.dtype(), T => argsort_lanes::<T, u64>(&lanes, descending))
    }
}

fn argsort_lanes<T: Ordered, Ix: LaneIndex>(lanes: &Lanes, descending: bool) {
    lanes.for_each(|o, i| {
        let mut values: Vec<T> = Vec::with_capacity(lanes.len);
        // SAFETY: as in `sort_lanes`; the output dtype is int64.
        unsafe {
            lanes.read(i, &mut values);
            let mut items: Vec<(T::Key, Ix)> = keyed(&values, descending);
            drop(values);
            T::sort_items(&mut items, |it| it.0);
            lanes.write(o, items.into_iter().map(|it| it.1.to_i64()));
        }
    });
}

/// `(key, index)` pairs of `values`, reversed keys when `descending`.
fn keyed<T: Ordered, Ix: LaneIndex>(values: &[T], descending: bool) -> Vec<(T::Key, Ix)> {
    let pair = |(j, v): (usize, &T)| {
        let k = v.key();
        (
            if descending { T::reversed(k) } else { k },
            Ix::from_usize(j),
        )
    };
    if values.len() >= PARALLEL_MIN_ELEMENTS * 4 && rayon::current_num_threads() > 1 {
        values.par_iter().enumerate().map(pair).collect()
    } else {
        values.iter().enumerate().map(pair).collect()
    }
}

/// The index carried through an argsort: `u32` keeps items small (and the
/// sort fast) for lanes up to 4G elements.
trait LaneIndex: Copy + Send + Sync + 'static {
    fn from_usize(i: usize) -> Self;
    fn to_i64(self) -> i64;
}

impl LaneIndex for u32 {
    #[inline(always)]
    fn from_usize(i: usize) -> u32 {
        i as u32
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
}

impl LaneIndex for u64 {
    #[inline(always)]
    fn from_usize(i: usize) -> u64 {
        i as u64
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
}

/// A new int64 tensor, `values`' shape, of insertion points into `sorted`
/// (see [`searchsorted_into`]).
pub fn searchsorted(sorted: &Tensor, sorter: Option<&[usize]>, values: &Tensor, right: bool) -> Result<Tensor> {
    // SAFETY: `searchsorted_into` writes one index per element of `values`.
    let out = unsafe { Tensor::uninit(values.shape(), DType::Int64)? };
    searchsorted_into(sorted, sorter, values, right, &out);
    Ok(out)
}

/// For every element of `values`, writes into the int64 tensor `out` (same
/// shape) the index where it would be inserted into the 1-D `sorted` to
/// keep it sorted: before equal elements (`right == false`, NumPy's
/// `side='left'`) or after them. `sorter`, when given, lists the indices of
/// `sorted` in sorted order (each in bounds: the caller checks).
///
/// The caller guarantees that `sorted` and `values` have one dtype and that
/// `out` is fresh.
pub fn searchsorted_into(
    sorted: &Tensor,
    sorter: Option<&[usize]>,
    values: &Tensor,
    right: bool,
    out: &Tensor,
) {
    assert!(sorted.ndim() == 1 && sorted.dtype() == values.dtype() && out.dtype() == DType::Int64);
    assert_eq!(
        values.shape(),
        out.shape(),
        "searchsorted_into needs equal shapes"
    );
    dispatch_ordered!(sorted.dtype(), T => search::<T>(sorted, sorter, values, right, out))
}

fn search<T: Ordered>(
    sorted: &Tensor,
    sorter: Option<&[usize]>,
    values: &Tensor,
    right: bool,
    out: &Tensor,
) {
    let n = sorted.shape()[0];
    let (base, stride) = (sorted.storage().as_ptr() as *const T, sorted.strides()[0]);
    let offset = sorted.layout().offset() as isize;
    let at = |j: usize| -> T::Key {
        // SAFETY: `j < n` indexes the 1-D `sorted` through its checked layout.
        unsafe { (*base.offset(offset + j as isize * stride)).key() }
    };
    let keys: Vec<T::Key> = match sorter {
        Some(order) => order.iter().map(|&j| at(j)).collect(),
        None => (0..n).map(at).collect(),
    };
    let Some(walk) = Walk::new(
        values.shape(),
        [out.strides(), values.strides()],
        [
            out.layout().offset() as isize,
            values.layout().offset() as isize,
        ],
    ) else {
        return;
    };
    let bases = [
        out.storage().as_ptr() as usize,
        values.storage().as_ptr() as usize,
    ];
    let run = |w: &Walk<2>| {
        w.for_each_run(|o, len, s| {
            for i in 0..len as isize {
                // SAFETY: the walk yields offsets inside both checked
                // layouts; each output element is written once, by this run.
                unsafe {
                    let k = (*(bases[1] as *const T).offset(o[1] + i * s[1])).key();
                    let pos = if right {
                        keys.partition_point(|&x| x <= k)
                    } else {
                        keys.partition_point(|&x| x < k)
                    };
                    *(bases[0] as *mut i64).offset(o[0] + i * s[0]) = pos as i64;
                }
            }
        })
    };
    if walk.numel() >= PARALLEL_MIN_ELEMENTS && rayon::current_num_threads() > 1 {
        walk.split(rayon::current_num_threads() * 4)
            .par_iter()
            .for_each(run);
    } else {
        run(&walk);
    }
}

/// The elements of a 1-D tensor grouped by equality, in sorted order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Groups {
    /// The stable sorting permutation: `order[r]` is the index of the
    /// element of rank `r` (equal elements by increasing index).
    pub order: Vec<usize>,
    /// Where each group starts in `order`, then `order.len()`: group `g`
    /// is `order[starts[g]..starts[g + 1]]`. NaNs are never equal to
    /// anything, so each one is a group of its own.
    pub starts: Vec<usize>,
}

/// The distinct values of the 1-D `x` in ascending order, as
/// [`unique_groups`] finds them (equal keys group, every NaN stands alone,
/// each group keeps its first occurrence's bits), without the grouping's
/// index bookkeeping: a sort of the values, then one pass keeping each
/// element whose key differs from its predecessor's.
pub fn unique_sorted_values(x: &Tensor) -> Result<Tensor> {
    super::host::only("unique_sorted_values", &[x]);
    assert_eq!(x.ndim(), 1, "unique_sorted_values takes a 1-D tensor");
    let s = sorted(x, 0, false)?;
    let keep: Vec<usize> = dispatch_ordered!(s.dtype(), T => {
        // SAFETY: `s` is a fresh contiguous tensor of `T`.
        let v = unsafe { std::slice::from_raw_parts(s.data_ptr() as *const T, s.numel()) };
        (0..v.len())
            .filter(|&i| i == 0 || v[i - 1].key() != v[i].key() || v[i].is_nan())
            .collect()
    });
    take(&s, &keep)
}

/// Sorts the 1-D tensor `x` stably and groups equal elements (`-0.0`
/// equals `0.0`; every NaN is distinct, as the Array API standard says).
pub fn unique_groups(x: &Tensor) -> Groups {
    super::host::only("unique_groups", &[x]);
    assert_eq!(x.ndim(), 1, "unique_groups takes a 1-D tensor");
    dispatch_ordered!(x.dtype(), T => groups::<T>(x))
}

fn groups<T: Ordered>(x: &Tensor) -> Groups {
    let n = x.shape()[0];
    let (base, stride, offset) = (
        x.storage().as_ptr() as *const T,
        x.strides()[0],
        x.layout().offset() as isize,
    );
    // SAFETY: `j < n` indexes the 1-D `x` through its checked layout.
    let values: Vec<T> = (0..n)
        .map(|j| unsafe { *base.offset(offset + j as isize * stride) })
        .collect();
    let mut items: Vec<(T::Key, usize)> = keyed::<T, u64>(&values, false)
        .into_iter()
        .map(|(k, j)| (k, j as usize))
        .collect();
    T::sort_items(&mut items, |it| it.0);
    let mut starts = Vec::new();
    for (r, it) in items.iter().enumerate() {
        let new_group = r == 0 || items[r - 1].0 != it.0 || values[it.1].is_nan();
        if new_group {
            starts.push(r);
        }
    }
    starts.push(n);
    Groups {
        order: items.into_iter().map(|it| it.1).collect(),
        starts,
    }
}

/// A new contiguous 1-D tensor of the elements of the 1-D `x` at
/// `indices` (see [`take_into`]).
pub fn take(x: &Tensor, indices: &[usize]) -> Result<Tensor> {
    // SAFETY: `take_into` writes one element per index.
    let out = unsafe { Tensor::uninit(&[indices.len()], x.dtype())? };
    take_into(x, indices, &out);
    Ok(out)
}

/// Writes `x[indices[i]]` into element `i` of the contiguous 1-D `out`
/// (same dtype as the 1-D `x`); the caller checks every index is in bounds
/// and that `out` is fresh.
pub fn take_into(x: &Tensor, indices: &[usize], out: &Tensor) {
    super::host::only("take_into", &[x, out]);
    assert!(x.ndim() == 1 && out.ndim() == 1 && out.is_contiguous() && x.dtype() == out.dtype());
    assert_eq!(
        out.shape()[0],
        indices.len(),
        "take_into needs one index per output element"
    );
    let n = x.shape()[0];
    assert!(
        indices.iter().all(|&i| i < n),
        "take_into: index out of bounds"
    );
    crate::dispatch_dtype!(x.dtype(), T => {
        let (base, stride, offset) = (x.storage().as_ptr() as *const T, x.strides()[0], x.layout().offset() as isize);
        let dst = out.data_ptr() as *mut T;
        for (k, &i) in indices.iter().enumerate() {
            // SAFETY: `i < n` indexes `x` through its checked layout; `out`
            // is contiguous with `indices.len()` writable elements.
            unsafe { *dst.add(k) = *base.offset(offset + i as isize * stride) };
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(v: &[f32]) -> Tensor {
        Tensor::from_vec(v.to_vec(), &[v.len()]).unwrap()
    }

    #[test]
    fn float_keys_follow_numpy_order() {
        let order = [
            f32::NEG_INFINITY,
            -1e30,
            -1.0,
            -1e-45,
            0.0,
            1e-45,
            1.0,
            f32::INFINITY,
            f32::NAN,
        ];
        for w in order.windows(2) {
            assert!(w[0].key() < w[1].key(), "{} < {}", w[0], w[1]);
        }
        assert_eq!((-0.0f32).key(), 0.0f32.key());
        assert_eq!((-f32::NAN).key(), f32::NAN.key());
        assert!(half::f16::NEG_INFINITY.key() < half::f16::from_f32(-0.5).key());
        assert!(half::bf16::INFINITY.key() < half::bf16::NAN.key());
        assert!(i8::MIN.key() < (-1i8).key() && (-1i8).key() < 0i8.key());
    }

    #[test]
    fn complex_keys_put_nans_in_numpys_classes() {
        let nan = f64::NAN;
        let order = [
            Complex::new(1.0, 5.0),
            Complex::new(2.0, -1.0),
            Complex::new(0.0, nan),
            Complex::new(nan, -3.0),
            Complex::new(nan, nan),
        ];
        for w in order.windows(2) {
            assert!(w[0].key() < w[1].key(), "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn argsort_is_stable_both_ways() {
        let x = f32s(&[1.0, f32::NAN, -0.0, 1.0, 0.0, f32::NAN, -2.0]);
        let out = Tensor::zeros(&[7], DType::Int64).unwrap();
        argsort_into(&x, 0, false, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![6, 2, 4, 0, 3, 1, 5]);
        argsort_into(&x, 0, true, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![1, 5, 0, 3, 2, 4, 6]);
    }

    #[test]
    fn sort_along_a_strided_axis() {
        let x = Tensor::from_vec(vec![3i64, 0, 1, 5, 2, 4], &[3, 2]).unwrap();
        let out = Tensor::zeros(&[3, 2], DType::Int64).unwrap();
        sort_into(&x, 0, false, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![1, 0, 2, 4, 3, 5]);
        sort_into(&x.slice(0, None, None, -1).unwrap(), 1, true, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![4, 2, 5, 1, 3, 0]);
    }

    #[test]
    fn long_lanes_take_the_radix_path() {
        let n = 5000usize;
        let v: Vec<i32> = (0..n).map(|i| ((i * 7919) % 1000) as i32 - 500).collect();
        let x = Tensor::from_vec(v.clone(), &[n]).unwrap();
        let out = Tensor::zeros(&[n], DType::Int64).unwrap();
        argsort_into(&x, 0, false, &out);
        let mut want: Vec<usize> = (0..n).collect();
        want.sort_by_key(|&i| v[i]);
        assert_eq!(
            out.to_vec::<i64>().unwrap(),
            want.iter().map(|&i| i as i64).collect::<Vec<_>>()
        );
    }

    #[test]
    fn search_sides_and_sorter() {
        let sorted = f32s(&[1.0, 2.0, 2.0, f32::NAN]);
        let values = f32s(&[2.0, 0.0, f32::NAN, 9.0]);
        let out = Tensor::zeros(&[4], DType::Int64).unwrap();
        searchsorted_into(&sorted, None, &values, false, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![1, 0, 3, 3]);
        searchsorted_into(&sorted, None, &values, true, &out);
        assert_eq!(out.to_vec::<i64>().unwrap(), vec![3, 0, 4, 3]);
        let unsorted = f32s(&[2.0, 1.0]);
        searchsorted_into(
            &unsorted,
            Some(&[1, 0]),
            &f32s(&[1.5]),
            false,
            &out.slice(0, None, Some(1), 1).unwrap(),
        );
        assert_eq!(out.to_vec::<i64>().unwrap()[0], 1);
    }

    #[test]
    fn groups_keep_nans_apart_and_zeros_together() {
        let g = unique_groups(&f32s(&[f32::NAN, 0.0, 1.0, -0.0, f32::NAN]));
        assert_eq!(g.order, vec![1, 3, 2, 0, 4]);
        assert_eq!(g.starts, vec![0, 2, 3, 4, 5]);
    }
}
