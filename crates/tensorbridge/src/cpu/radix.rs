//! Stable LSD radix sort on unsigned integer keys, a byte per pass.
//!
//! Sorting kernels turn every real element into an unsigned key whose
//! integer order is NumPy's sort order (see [`super::sort`]), so one radix
//! sort serves every real dtype. A pass scatters the items into 256 buckets
//! by one byte of the key; passes go from the lowest byte to the highest and
//! each keeps the order of the previous one, so the sort is stable and the
//! work is linear in the length. Bytes that are equal in every key (the high
//! bytes of small integers, say) are skipped.
//!
//! Long inputs are split across rayon's threads: each thread counts the
//! bytes of its own contiguous chunk, a prefix sum over (byte, chunk) gives
//! every chunk its own write positions in each bucket, and the chunks then
//! scatter at the same time. Chunks in input order write to increasing
//! positions of each bucket, so the parallel pass is as stable as the
//! sequential one.

use rayon::prelude::*;

/// Items below which a pass stays on the calling thread.
pub const PARALLEL_MIN_ITEMS: usize = 1 << 16;

/// Items below which a comparison sort beats the radix passes.
pub const RADIX_MIN_ITEMS: usize = 256;

type Histogram = [usize; 256];

#[inline(always)]
fn digit(key: u64, byte: usize) -> usize {
    ((key >> (8 * byte)) & 0xFF) as usize
}

/// Sorts `items` stably by `key(item)`, of which only the low `key_bytes`
/// bytes may be non-zero.
pub fn radix_sort<I, K>(items: &mut Vec<I>, key_bytes: usize, key: K)
where
    I: Copy + Send + Sync,
    K: Fn(&I) -> u64 + Sync,
{
    let n = items.len();
    if n < 2 {
        return;
    }
    let threads = rayon::current_num_threads();
    let parallel = n >= PARALLEL_MIN_ITEMS && threads > 1;
    let totals = if parallel {
        items
            .par_chunks(n.div_ceil(threads))
            .map(|c| byte_counts(c, key_bytes, &key))
            .reduce(|| vec![[0; 256]; key_bytes], add_counts)
    } else {
        byte_counts(items, key_bytes, &key)
    };
    let mut scratch: Vec<I> = items.clone();
    let mut in_items = true; // whether the current order is in `items`
    for (byte, total) in totals.iter().enumerate() {
        if total.contains(&n) {
            continue; // every key has the same byte here
        }
        let (src, dst) = if in_items {
            (&items[..], &mut scratch[..])
        } else {
            (&scratch[..], &mut items[..])
        };
        if parallel {
            scatter_parallel(src, dst, byte, total, threads, &key);
        } else {
            scatter(src, dst, byte, total, &key);
        }
        in_items = !in_items;
    }
    if !in_items {
        std::mem::swap(items, &mut scratch);
    }
}

/// Counts every byte value of every key byte.
fn byte_counts<I, K: Fn(&I) -> u64>(items: &[I], key_bytes: usize, key: &K) -> Vec<Histogram> {
    let mut counts = vec![[0usize; 256]; key_bytes];
    for it in items {
        let k = key(it);
        for (b, c) in counts.iter_mut().enumerate() {
            c[digit(k, b)] += 1;
        }
    }
    counts
}

fn add_counts(mut a: Vec<Histogram>, b: Vec<Histogram>) -> Vec<Histogram> {
    for (x, y) in a.iter_mut().zip(&b) {
        for (p, q) in x.iter_mut().zip(y) {
            *p += q;
        }
    }
    a
}

/// Exclusive prefix sums: where each bucket starts.
fn starts(total: &Histogram) -> Histogram {
    let mut out = [0usize; 256];
    let mut sum = 0;
    for (o, &c) in out.iter_mut().zip(total) {
        *o = sum;
        sum += c;
    }
    out
}

/// One sequential pass: `src` scattered into `dst` by key byte `byte`.
fn scatter<I: Copy, K: Fn(&I) -> u64>(
    src: &[I],
    dst: &mut [I],
    byte: usize,
    total: &Histogram,
    key: &K,
) {
    let mut next = starts(total);
    for it in src {
        let d = digit(key(it), byte);
        dst[next[d]] = *it;
        next[d] += 1;
    }
}

/// Destination addresses passed to worker threads.
#[derive(Copy, Clone)]
struct Dest(usize);

/// One parallel pass: each chunk of `src` scatters to positions reserved
/// for it in every bucket.
fn scatter_parallel<I, K>(
    src: &[I],
    dst: &mut [I],
    byte: usize,
    total: &Histogram,
    threads: usize,
    key: &K,
) where
    I: Copy + Send + Sync,
    K: Fn(&I) -> u64 + Sync,
{
    let chunk = src.len().div_ceil(threads);
    let counts: Vec<Histogram> = src
        .par_chunks(chunk)
        .map(|c| {
            let mut h = [0usize; 256];
            for it in c {
                h[digit(key(it), byte)] += 1;
            }
            h
        })
        .collect();
    // Chunk `t` writes bucket `d` from: start of `d` + what chunks before `t` put in `d`.
    let mut next = starts(total);
    let mut offsets = Vec::with_capacity(counts.len());
    for h in &counts {
        offsets.push(next);
        for (o, &c) in next.iter_mut().zip(h) {
            *o += c;
        }
    }
    let len = dst.len();
    let dest = Dest(dst.as_mut_ptr() as usize);
    src.par_chunks(chunk)
        .zip(offsets)
        .for_each(|(c, mut next)| {
            let base = dest.0 as *mut I;
            for it in c {
                let d = digit(key(it), byte);
                debug_assert!(next[d] < len);
                // SAFETY: the offsets partition `0..len` (prefix sums of the
                // same counts), so each position is written by exactly one
                // chunk, once; `dst` is not otherwise touched during the pass.
                unsafe { base.add(next[d]).write(*it) };
                next[d] += 1;
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_stably_like_the_standard_library(
            keys in prop::collection::vec(any::<u16>(), 0..600),
            big in any::<bool>(),
        ) {
            // Repeat to cross the parallel threshold sometimes.
            let reps = if big { PARALLEL_MIN_ITEMS / keys.len().max(1) + 1 } else { 1 };
            let mut items: Vec<(u16, u32)> = keys.iter().cycle().take(keys.len() * reps).enumerate()
                .map(|(i, &k)| (k, i as u32)).collect();
            let mut want = items.clone();
            want.sort_by_key(|x| x.0);
            radix_sort(&mut items, 2, |x| x.0 as u64);
            prop_assert_eq!(items, want);
        }
    }
}
