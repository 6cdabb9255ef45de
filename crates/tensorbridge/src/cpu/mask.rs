//! Boolean-mask loops: counting, compaction (`x[mask]`), masked writes
//! (`x[mask] = v`) and the positions of true elements (`nonzero`).
//!
//! Masks are contiguous bytes; any non-zero byte is true (foreign bool
//! memory may hold other bytes than 0 and 1). Large masks are cut into
//! chunks that run in parallel in two passes: count the true elements of
//! every chunk, then each chunk writes from its prefix-sum offset, so the
//! output is in order without locks. Compaction is branchless (write every
//! element, advance the cursor by the mask bit), which does not stall on a
//! random mask; near a chunk's end, where a blind write could land in the
//! next chunk's output, it switches to a branching loop.

use std::ops::Range;

use super::gather::dispatch_size;
use crate::tensor::Tensor;

/// Mask elements below which work stays on the calling thread.
const PARALLEL_MIN: usize = 1 << 16;

/// Mask positions per branchless block (see the module docs).
const BLOCK: usize = 256;

/// The chunks `0..n` is cut into: one below [`PARALLEL_MIN`] elements of
/// work (`weight` elements per mask position), else a few per thread.
pub fn chunks(n: usize, weight: usize) -> Vec<Range<usize>> {
    let threads = rayon::current_num_threads();
    let parts = if n.saturating_mul(weight.max(1)) < PARALLEL_MIN || threads < 2 {
        1
    } else {
        (threads * 4).min(n.div_ceil(PARALLEL_MIN / 4)).max(1)
    };
    let chunk = n.div_ceil(parts).max(1);
    (0..n)
        .step_by(chunk)
        .map(|s| s..(s + chunk).min(n))
        .collect()
}

/// Runs `f(i, &chunks[i])` for every chunk, in parallel when there are several.
fn for_chunks(chunks: &[Range<usize>], f: impl Fn(usize, &Range<usize>) + Sync) {
    if chunks.len() <= 1 {
        if let Some(c) = chunks.first() {
            f(0, c);
        }
        return;
    }
    rayon::scope(|s| {
        for (i, c) in chunks.iter().enumerate() {
            let f = &f;
            s.spawn(move |_| f(i, c));
        }
    });
}

/// True elements of `mask`, eight bytes at a time: each non-zero byte of a
/// word becomes 0x01, and one multiply sums the word's bytes.
pub fn count(mask: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let words = mask.chunks_exact(8);
    let tail = words.remainder();
    let mut n: u64 = 0;
    for w in words {
        let x = u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let nz = ((((x & LOW7) + LOW7) | x) >> 7) & ONES;
        n += nz.wrapping_mul(ONES) >> 56;
    }
    n as usize + tail.iter().filter(|&&b| b != 0).count()
}

/// The bytes of a contiguous CPU tensor of one-byte elements (a mask).
pub fn bytes_of(m: &Tensor) -> &[u8] {
    super::host::only("bytes_of", &[m]);
    assert!(m.is_contiguous() && m.itemsize() == 1 && m.device().is_cpu());
    if m.numel() == 0 {
        return &[];
    }
    // SAFETY: the tensor is contiguous with `numel` one-byte elements from
    // `data_ptr`, inside its storage, which `m` keeps alive for the
    // returned borrow; masks are only read by the operations here.
    unsafe { std::slice::from_raw_parts(m.data_ptr(), m.numel()) }
}

/// `x[mask]` for a contiguous CPU `x` whose leading dimensions `mask`
/// (contiguous bool) covers: a new tensor of shape
/// `(count,) + x.shape[mask.ndim:]`.
pub fn select(x: &Tensor, mask: &Tensor) -> crate::Result<Tensor> {
    super::host::only("select", &[x, mask]);
    assert!(x.is_contiguous() && mask.shape() == &x.shape()[..mask.ndim()]);
    let bytes = bytes_of(mask);
    let rest = &x.shape()[mask.ndim()..];
    let inner: usize = rest.iter().product();
    let chunks = chunks(bytes.len(), inner);
    let starts = chunk_starts(bytes, &chunks);
    let mut shape = vec![starts.last().copied().unwrap_or(0)];
    shape.extend_from_slice(rest);
    // SAFETY: `compact` writes every element (the count is exact).
    let out = unsafe { Tensor::uninit(&shape, x.dtype())? };
    if out.numel() > 0 {
        // SAFETY: `x` is contiguous with `bytes.len() * inner` elements;
        // `out` is fresh with `count * inner`.
        unsafe {
            compact(
                x.data_ptr(),
                x.itemsize(),
                inner,
                bytes,
                &chunks,
                &starts,
                out.data_ptr() as *mut u8,
            )
        };
    }
    Ok(out)
}

/// `x[mask] = value` for a contiguous writable CPU `x` whose leading
/// dimensions `mask` covers; `value` is contiguous, of `x`'s dtype, shares
/// no memory with `x` or `mask`, and holds one element or one block per
/// selected position.
pub fn assign(x: &Tensor, mask: &Tensor, value: &Tensor) {
    super::host::only("assign", &[x, mask, value]);
    assert!(x.is_contiguous() && mask.shape() == &x.shape()[..mask.ndim()]);
    assert!(value.is_contiguous() && value.dtype() == x.dtype() && !x.is_readonly());
    let bytes = bytes_of(mask);
    let inner: usize = x.shape()[mask.ndim()..].iter().product();
    let chunks = chunks(bytes.len(), inner);
    let starts = chunk_starts(bytes, &chunks);
    let total = starts.last().copied().unwrap_or(0) * inner;
    let fill = value.numel() == 1;
    assert!(fill || value.numel() == total);
    if total == 0 {
        return;
    }
    // SAFETY: checked above: `x` writable with `bytes.len() * inner`
    // elements, `value` with `total` (or one when filling), no overlap.
    unsafe {
        expand(
            x.data_ptr() as *mut u8,
            x.itemsize(),
            inner,
            bytes,
            &chunks,
            &starts,
            value.data_ptr(),
            fill,
        )
    };
}

/// Unravels C-order flat positions into one new 1-d int64 tensor of
/// coordinates per dimension of `shape`.
pub fn unravel(flat: &[i64], shape: &[usize]) -> crate::Result<Vec<Tensor>> {
    let n = flat.len();
    let coords = (0..shape.len())
        // SAFETY: every element of every tensor is written below.
        .map(|_| unsafe { Tensor::uninit(&[n], crate::DType::Int64) })
        .collect::<crate::Result<Vec<Tensor>>>()?;
    let ptrs: Vec<usize> = coords.iter().map(|c| c.data_ptr() as usize).collect();
    let parts = chunks(n, shape.len());
    let ptrs = &ptrs;
    for_chunks(&parts, |_, r| {
        for i in r.clone() {
            let mut rem = flat[i];
            for (d, &size) in shape.iter().enumerate().rev() {
                let size = size as i64;
                // SAFETY: `ptrs[d]` is the data of fresh coordinate tensor
                // d, of n elements; the chunks split 0..n without overlap.
                unsafe { (ptrs[d] as *mut i64).add(i).write(rem % size) };
                rem /= size;
            }
        }
    });
    Ok(coords)
}

/// The number of true elements in each chunk, and their exclusive prefix
/// sums followed by the total.
pub fn chunk_starts(mask: &[u8], chunks: &[Range<usize>]) -> Vec<usize> {
    let counts: Vec<std::sync::atomic::AtomicUsize> = (0..chunks.len())
        .map(|_| std::sync::atomic::AtomicUsize::new(0))
        .collect();
    for_chunks(chunks, |i, c| {
        counts[i].store(
            count(&mask[c.clone()]),
            std::sync::atomic::Ordering::Relaxed,
        );
    });
    let mut starts = Vec::with_capacity(chunks.len() + 1);
    let mut acc = 0usize;
    starts.push(0);
    for c in counts {
        acc += c.into_inner();
        starts.push(acc);
    }
    starts
}

/// Copies the elements of `src` whose mask byte is set to `dst` in order.
/// `dst` must have room for exactly `capacity` elements, and `src` must
/// hold exactly `capacity` selected ones.
///
/// # Safety
/// `src` holds `mask.len()` readable elements, `dst` `capacity` writable
/// ones, not overlapping `src`.
unsafe fn compact_run<T: Copy>(src: *const T, mask: &[u8], dst: *mut T, capacity: usize) {
    let mut w = 0usize;
    for (b, block) in mask.chunks(BLOCK).enumerate() {
        let s = src.wrapping_add(b * BLOCK);
        if w + block.len() <= capacity {
            for (i, &m) in block.iter().enumerate() {
                // SAFETY: w < w_start + block.len() <= capacity, and i is
                // inside this block of `src`.
                unsafe { dst.add(w).write(s.add(i).read()) };
                w += usize::from(m != 0);
            }
        } else {
            for (i, &m) in block.iter().enumerate() {
                if m != 0 {
                    // SAFETY: only selected elements are written, and there
                    // are `capacity` of them in all.
                    unsafe { dst.add(w).write(s.add(i).read()) };
                    w += 1;
                }
            }
        }
    }
}

/// `dst = src[mask]` over C-contiguous memory: `src` holds `mask.len()`
/// blocks of `inner` elements of `itemsize` bytes; the selected blocks go
/// to `dst` in order. `starts` comes from [`chunk_starts`] on `chunks`.
///
/// # Safety
/// `src` is readable for `mask.len() * inner` elements, `dst` writable for
/// `starts.last() * inner` elements, and they do not overlap.
unsafe fn compact(
    src: *const u8,
    itemsize: usize,
    inner: usize,
    mask: &[u8],
    chunks: &[Range<usize>],
    starts: &[usize],
    dst: *mut u8,
) {
    let (src, dst) = (src as usize, dst as usize);
    for_chunks(chunks, |i, c| {
        let m = &mask[c.clone()];
        let capacity = starts[i + 1] - starts[i];
        if inner == 1 {
            dispatch_size!(itemsize, T => {
                // SAFETY: chunk `i` reads `src[c]` and writes its
                // `capacity` selected elements from `starts[i]`, inside
                // the caller's ranges; chunks write disjoint ranges.
                unsafe {
                    compact_run::<T>((src as *const T).add(c.start), m, (dst as *mut T).add(starts[i]), capacity)
                }
            });
        } else {
            let block_bytes = inner * itemsize;
            let mut w = starts[i];
            for (j, &b) in m.iter().enumerate() {
                if b != 0 {
                    // SAFETY: block c.start + j of `src` and block w of
                    // `dst` are inside the caller's ranges.
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            (src as *const u8).add((c.start + j) * block_bytes),
                            (dst as *mut u8).add(w * block_bytes),
                            block_bytes,
                        )
                    };
                    w += 1;
                }
            }
        }
    });
}

/// `dst[mask] = src` over C-contiguous memory, the inverse of [`compact`]:
/// the selected blocks of `dst` receive the blocks of `src` in order, or
/// all the same element when `fill` (then `src` is one element).
///
/// # Safety
/// `dst` is writable for `mask.len() * inner` elements; `src` readable for
/// `starts.last() * inner` elements (one when `fill`); no overlap.
#[allow(clippy::too_many_arguments)]
unsafe fn expand(
    dst: *mut u8,
    itemsize: usize,
    inner: usize,
    mask: &[u8],
    chunks: &[Range<usize>],
    starts: &[usize],
    src: *const u8,
    fill: bool,
) {
    let (src, dst) = (src as usize, dst as usize);
    dispatch_size!(itemsize, T => {
        for_chunks(chunks, |i, c| {
            let (s, d) = (src as *const T, dst as *mut T);
            let m = &mask[c.clone()];
            if fill && inner == 1 {
                // SAFETY: `src` is one readable element; `dst[c]` belongs to
                // this chunk alone. A select over the whole run vectorizes.
                let (v, run) = unsafe { (s.read(), std::slice::from_raw_parts_mut(d.add(c.start), m.len())) };
                for (x, &b) in run.iter_mut().zip(m) {
                    *x = if b != 0 { v } else { *x };
                }
                return;
            }
            if fill {
                // SAFETY: `src` is one readable element.
                let v = unsafe { s.read() };
                for (j, &b) in m.iter().enumerate() {
                    if b != 0 {
                        let at = (c.start + j) * inner;
                        for k in 0..inner {
                            // SAFETY: block c.start + j of `dst` is in range,
                            // and only this chunk writes it.
                            unsafe { d.add(at + k).write(v) };
                        }
                    }
                }
                return;
            }
            let mut r = starts[i] * inner;
            for (j, &b) in m.iter().enumerate() {
                if b != 0 {
                    // SAFETY: block c.start + j of `dst` and the block at
                    // `r` of `src` are in the caller's ranges; chunks write
                    // disjoint blocks.
                    unsafe { std::ptr::copy_nonoverlapping(s.add(r), d.add((c.start + j) * inner), inner) };
                    r += inner;
                }
            }
        });
    });
}

/// Flat positions of the true elements of `mask`, in order, written to
/// `dst` (which holds exactly `starts.last()` elements).
pub fn positions(mask: &[u8], chunks: &[Range<usize>], starts: &[usize], dst: &mut [i64]) {
    assert_eq!(dst.len(), starts.last().copied().unwrap_or(0));
    let base = dst.as_mut_ptr() as usize;
    for_chunks(chunks, |i, c| {
        let capacity = starts[i + 1] - starts[i];
        let out = (base as *mut i64).wrapping_add(starts[i]);
        let mut w = 0usize;
        for (b, block) in mask[c.clone()].chunks(BLOCK).enumerate() {
            let first = (c.start + b * BLOCK) as i64;
            if w + block.len() <= capacity {
                for (j, &m) in block.iter().enumerate() {
                    // SAFETY: as in `compact_run`: w stays below `capacity`,
                    // and chunk i owns dst[starts[i]..starts[i + 1]].
                    unsafe { out.add(w).write(first + j as i64) };
                    w += usize::from(m != 0);
                }
            } else {
                for (j, &m) in block.iter().enumerate() {
                    if m != 0 {
                        // SAFETY: only true positions are written, `capacity`
                        // of them in this chunk.
                        unsafe { out.add(w).write(first + j as i64) };
                        w += 1;
                    }
                }
            }
        }
    });
}

/// The flat positions of the true elements of `mask`, in order, as a new
/// 1-d int64 tensor.
pub fn true_positions(mask: &[u8]) -> crate::Result<Tensor> {
    let chunks = chunks(mask.len(), 1);
    let starts = chunk_starts(mask, &chunks);
    let n = starts.last().copied().unwrap_or(0);
    // SAFETY: `positions` writes all `n` elements (one per true byte, and
    // `starts` counted them).
    let out = unsafe { Tensor::uninit(&[n], crate::DType::Int64)? };
    if n > 0 {
        // SAFETY: the fresh tensor holds `n` contiguous int64 elements that
        // nothing else references yet.
        let dst = unsafe { std::slice::from_raw_parts_mut(out.data_ptr() as *mut i64, n) };
        positions(mask, &chunks, &starts, dst);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_matches_bytes() {
        let mask: Vec<u8> = (0..1000u32)
            .map(|i| [0u8, 1, 0, 255, 128, 0, 7][(i * 31 % 7) as usize])
            .collect();
        for len in [0usize, 1, 7, 8, 9, 63, 1000] {
            assert_eq!(
                count(&mask[..len]),
                mask[..len].iter().filter(|&&b| b != 0).count()
            );
        }
    }

    #[test]
    fn compact_matches_filter_for_every_chunking() {
        let n = 3000usize;
        let mask: Vec<u8> = (0..n)
            .map(|i| u8::from((i * 7919) % 13 < 6) * (1 + (i % 3) as u8))
            .collect();
        let src: Vec<u32> = (0..n as u32).collect();
        let want: Vec<u32> = src
            .iter()
            .zip(&mask)
            .filter(|(_, &m)| m != 0)
            .map(|(&v, _)| v)
            .collect();
        for parts in [1usize, 2, 7] {
            let chunk = n.div_ceil(parts);
            let chunks: Vec<Range<usize>> = (0..n)
                .step_by(chunk)
                .map(|s| s..(s + chunk).min(n))
                .collect();
            let starts = chunk_starts(&mask, &chunks);
            assert_eq!(*starts.last().unwrap(), want.len());
            let mut got = vec![0u32; want.len()];
            // SAFETY: sizes as computed above.
            unsafe {
                compact(
                    src.as_ptr().cast(),
                    4,
                    1,
                    &mask,
                    &chunks,
                    &starts,
                    got.as_mut_ptr().cast(),
                )
            };
            assert_eq!(got, want);
            let mut pos = vec![0i64; want.len()];
            positions(&mask, &chunks, &starts, &mut pos);
            assert!(pos.iter().zip(&want).all(|(&p, &v)| p as u32 == v));
        }
    }
}
