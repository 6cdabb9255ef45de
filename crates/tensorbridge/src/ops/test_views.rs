//! Strided test inputs shared by the property tests of the operations:
//! arbitrary permuted and flipped views of `0..n`, and a brute-force walk
//! over every multi-index.

use proptest::prelude::*;

use crate::tensor::Tensor;

/// A view of `0..n` (as i32) of `shape`, permuted by `perm` and flipped
/// on the axes in `flips`: an arbitrary strided, negative-stride input.
pub(crate) fn strided(shape: &[usize], perm: &[usize], flips: &[bool]) -> Tensor {
    let n: usize = shape.iter().product();
    let base = Tensor::from_vec((0..n as i32).collect(), shape).unwrap();
    let perm: Vec<i64> = perm.iter().map(|&p| p as i64).collect();
    let mut v = base.permute(&perm).unwrap();
    for (k, &f) in flips.iter().enumerate() {
        if f {
            v = v.slice(k as i64, None, None, -1).unwrap();
        }
    }
    v
}

/// Every multi-index of `shape` in C order.
pub(crate) fn indexes(shape: &[usize]) -> Vec<Vec<usize>> {
    let n: usize = shape.iter().product();
    let mut idx = vec![0usize; shape.len()];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(idx.clone());
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

pub(crate) fn view_strategy() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Vec<bool>)> {
    proptest::collection::vec(0usize..4, 0..4).prop_flat_map(|shape| {
        let nd = shape.len();
        (
            Just(shape),
            Just((0..nd).collect::<Vec<_>>()).prop_shuffle(),
            proptest::collection::vec(any::<bool>(), nd),
        )
    })
}

pub(crate) fn iota(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n as i32).collect(), shape).unwrap()
}
