//! `any`, `all` and `count_nonzero` over a whole contiguous tensor.
//!
//! The general reduction engine folds every element and, for a count,
//! widens each byte of a bool mask to an int64 lane. Over the whole of
//! contiguous memory these run as flat scans instead: `any`/`all` look at
//! one block at a time and stop at the first block that decides the answer
//! (as NumPy stops at the first true element), and the count sums blocks
//! in 16-bit lanes before widening.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use super::fold::Nonzero;
use super::parallel::for_each_part;
use crate::Tensor;

/// Elements tested between checks for an answer.
const BLOCK: usize = 4096;
/// Elements counted in 16-bit lanes before they are added up (u16::MAX).
const COUNT_BLOCK: usize = 65_535;
/// Below this many elements one thread scans everything.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 18;

/// `x`'s elements as a slice.
fn elements<T: Nonzero>(x: &Tensor) -> &[T] {
    super::host::only("truth", &[x]);
    assert!(x.is_contiguous() && x.itemsize() == std::mem::size_of::<T>());
    // SAFETY: a contiguous tensor's `numel` elements of `T` start at its
    // data pointer and live as long as `x`.
    unsafe { std::slice::from_raw_parts(x.data_ptr() as *const T, x.numel()) }
}

/// `xs` cut into up to four parts per thread (one part when small).
fn parts<T>(xs: &[T]) -> Vec<&[T]> {
    let threads = rayon::current_num_threads();
    if xs.len() < PARALLEL_MIN_ELEMENTS || threads < 2 {
        return vec![xs];
    }
    xs.chunks(xs.len().div_ceil(threads * 4).max(BLOCK))
        .collect()
}

/// Whether some element of the contiguous `x` is non-zero (`nonzero`) or
/// zero (`!nonzero`): `any(x)` is `contains(x, true)`, `all(x)` is
/// `!contains(x, false)`.
pub fn contains<T: Nonzero>(x: &Tensor, nonzero: bool) -> bool {
    let found = AtomicBool::new(false);
    for_each_part(&parts(elements::<T>(x)), |part| {
        for block in part.chunks(BLOCK) {
            if found.load(Ordering::Relaxed) {
                return;
            }
            // A fold without an early exit, so that it vectorizes.
            if block
                .iter()
                .fold(false, |hit, &v| hit | (v.nonzero() == nonzero))
            {
                found.store(true, Ordering::Relaxed);
                return;
            }
        }
    });
    found.into_inner()
}

/// The number of non-zero elements of the contiguous `x`.
pub fn count_nonzero<T: Nonzero>(x: &Tensor) -> i64 {
    let total = AtomicI64::new(0);
    for_each_part(&parts(elements::<T>(x)), |part| {
        let n: i64 = part
            .chunks(COUNT_BLOCK)
            .map(|block| block.iter().fold(0u16, |n, &v| n + v.nonzero() as u16) as i64)
            .sum();
        total.fetch_add(n, Ordering::Relaxed);
    });
    total.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;

    #[test]
    fn scans_agree_with_a_plain_count_at_every_position() {
        for n in [
            0usize,
            1,
            5,
            BLOCK + 3,
            COUNT_BLOCK + 17,
            PARALLEL_MIN_ELEMENTS + 999,
        ] {
            let mut v = vec![0u8; n];
            for at in [0, n / 2, n.saturating_sub(1)] {
                if n == 0 {
                    break;
                }
                v.iter_mut().for_each(|b| *b = 0);
                v[at] = 7;
                let t = Tensor::from_vec(v.clone(), &[n]).unwrap();
                assert!(contains::<u8>(&t, true));
                assert_eq!(contains::<u8>(&t, false), n > 1);
                assert_eq!(count_nonzero::<u8>(&t), 1);
            }
            let ones = Tensor::from_vec(vec![1.5f32; n], &[n]).unwrap();
            assert_eq!(count_nonzero::<f32>(&ones), n as i64);
            assert!(!contains::<f32>(&ones, false));
            assert_eq!(contains::<f32>(&ones, true), n > 0);
            let nan = Tensor::from_vec(vec![f64::NAN; n], &[n]).unwrap();
            assert_eq!(count_nonzero::<f64>(&nan), n as i64);
            let zeros = Tensor::zeros(&[n], DType::Float32).unwrap();
            assert_eq!(count_nonzero::<f32>(&zeros), 0);
        }
    }
}
