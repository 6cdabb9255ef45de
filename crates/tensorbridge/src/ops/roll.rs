//! `roll`: elements shifted cyclically along axes.
//!
//! The result is a new tensor, C-contiguous for a flat roll and in the
//! input's dimension order otherwise (NumPy's `empty_like`). Along each
//! rolled axis the input splits into two blocks that swap places, so a roll
//! over `k` axes is `2^k` block copies from views of the input into the
//! output (NumPy does the same with slices), done by
//! [`crate::cpu::assemble`].

use crate::cpu::assemble::{assemble, Piece};
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::tensor::Tensor;

/// How one rolled axis splits: two blocks, each `(src_start, dst_start,
/// len)` along `axis`.
struct Split {
    axis: usize,
    blocks: [(i64, i64, i64); 2],
}

/// `x` with elements shifted by `shifts[i]` along `axes[i]` (positive
/// shifts move towards higher indexes; elements leaving one end come back
/// at the other) (`roll(x, /, shift, *, axis=None)`).
///
/// `shifts` and `axes` pair up; either may have length one and is then used
/// for every entry of the other. Shifts on a repeated axis add up. With
/// `axes` `None`, the tensor is rolled as if flattened (C order) and
/// reshaped back.
pub fn roll(x: &Tensor, shifts: &[i64], axes: Option<&[i64]>) -> Result<Tensor> {
    let Some(axes) = axes else {
        let flat = x.reshape(&[-1])?;
        let total = shifts.iter().fold(0i64, |acc, &s| acc.wrapping_add(s));
        let dims: Vec<i64> = x.shape().iter().map(|&d| d as i64).collect();
        return roll(&flat, &[total], Some(&[0]))?.view(&dims);
    };
    let pairs = match (shifts.len(), axes.len()) {
        (a, b) if a == b => shifts
            .iter()
            .copied()
            .zip(axes.iter().copied())
            .collect::<Vec<_>>(),
        (1, _) => axes.iter().map(|&ax| (shifts[0], ax)).collect(),
        (_, 1) => shifts.iter().map(|&s| (s, axes[0])).collect(),
        _ => {
            return Err(Error::InvalidArgument {
                op: "roll",
                reason: "shift and axis must have the same length, or one of them a single value",
            })
        }
    };
    let mut shift_of = vec![0i128; x.ndim()];
    for (s, ax) in pairs {
        let a = normalize_axis(ax, x.ndim(), "roll")?;
        shift_of[a] += i128::from(s);
    }
    let mut splits: Vec<Split> = Vec::new();
    for (a, &s) in shift_of.iter().enumerate() {
        let n = x.shape()[a] as i128;
        let s = if n == 0 { 0 } else { s.rem_euclid(n) as i64 };
        if s != 0 {
            let n = n as i64;
            splits.push(Split {
                axis: a,
                blocks: [(0, s, n - s), (n - s, 0, s)],
            });
        }
    }
    if splits.len() > MAX_AXES_AT_ONCE {
        // 2^k blocks would be too many: roll the first axes, then the rest.
        let (now, later) = splits.split_at(MAX_AXES_AT_ONCE);
        let first = roll_blocks(x, now)?;
        return roll_blocks(&first, later);
    }
    roll_blocks(x, &splits)
}

/// Axes rolled in one pass (`2^k` blocks).
const MAX_AXES_AT_ONCE: usize = 8;

/// One copy of `x` with the blocks of every split swapped; the result keeps
/// `x`'s dimension order when `x` is dense (NumPy's `empty_like`).
fn roll_blocks(x: &Tensor, splits: &[Split]) -> Result<Tensor> {
    let order = x
        .dense_order()
        .filter(|o| o.iter().enumerate().any(|(k, &p)| k != p));
    let mut sources = Vec::with_capacity(1 << splits.len());
    for combo in 0..(1usize << splits.len()) {
        let mut src = x.clone();
        let mut start = vec![0usize; x.ndim()];
        for (bit, split) in splits.iter().enumerate() {
            let (from, to, len) = split.blocks[(combo >> bit) & 1];
            src = src.slice(split.axis as i64, Some(from), Some(from + len), 1)?;
            start[split.axis] = to as usize;
        }
        sources.push((start, src));
    }
    let pieces: Vec<Piece<'_>> = sources
        .iter()
        .map(|(start, src)| Piece {
            start: start.clone(),
            src,
        })
        .collect();
    assemble(x.shape(), x.dtype(), order.as_deref(), &pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::ops::test_views::{indexes, iota, strided, view_strategy};

    #[test]
    fn roll_like_numpy() {
        let x = iota(&[2, 3]);
        assert_eq!(
            roll(&x, &[1], None).unwrap().to_vec::<i32>().unwrap(),
            vec![5, 0, 1, 2, 3, 4]
        );
        assert_eq!(
            roll(&x, &[1, 1], Some(&[1, 1]))
                .unwrap()
                .to_vec::<i32>()
                .unwrap(),
            vec![1, 2, 0, 4, 5, 3]
        );
        assert_eq!(
            roll(&x, &[-1], Some(&[0, 1]))
                .unwrap()
                .to_vec::<i32>()
                .unwrap(),
            vec![4, 5, 3, 1, 2, 0]
        );
        assert_eq!(
            roll(&x.t(), &[7], Some(&[0]))
                .unwrap()
                .to_vec::<i32>()
                .unwrap(),
            vec![2, 5, 0, 3, 1, 4]
        );
        assert!(roll(&x, &[1, 2, 3], Some(&[0, 1])).is_err());
        assert!(roll(&x, &[1], Some(&[2])).is_err());
        let z = Tensor::zeros(&[], crate::DType::Int8).unwrap();
        assert_eq!(roll(&z, &[3], None).unwrap().shape(), &[] as &[usize]);
    }

    proptest! {
        #[test]
        fn roll_matches_index_arithmetic((shape, perm, flips) in view_strategy(), shifts in proptest::collection::vec(-9i64..9, 1..4), pick in any::<u64>()) {
            let x = strided(&shape, &perm, &flips);
            let nd = x.ndim();
            prop_assume!(nd > 0);
            let axes: Vec<i64> = (0..shifts.len()).map(|i| ((pick >> (4 * i)) % nd as u64) as i64 - nd as i64).collect();
            let out = roll(&x, &shifts, Some(&axes)).unwrap();
            let mut total = vec![0i64; nd];
            for (s, a) in shifts.iter().zip(&axes) {
                total[(a + nd as i64) as usize] += s;
            }
            for idx in indexes(x.shape()) {
                let src: Vec<usize> = idx.iter().enumerate().map(|(k, &i)| {
                    let n = x.shape()[k] as i64;
                    (i as i64 - total[k]).rem_euclid(n) as usize
                }).collect();
                prop_assert_eq!(out.get(&idx), x.get(&src));
            }
        }
    }
}
