//! Assembling a new tensor from pieces copied into it: the one road by which
//! `concat`, `stack` and `roll` fill an output that is never zeroed first.
//!
//! The pieces are checked to tile the output exactly (in bounds, volumes
//! adding up to the element count, no two overlapping) before the memory is
//! allocated, so every element is written by the parallel strided copy
//! ([`super::copy::copy_cast`]) before anyone can read it.

#![allow(unsafe_code)]

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Pieces at or below this count are checked for overlap pair by pair;
/// more must be slabs along one axis (what `concat` produces).
const PAIRWISE_MAX: usize = 1024;

/// One piece of an assembled tensor: `src` is copied (converting its dtype)
/// into the block of the output that starts at index `start` and has
/// `src`'s shape. Into a 1-d output, a source of any shape fills
/// `src.numel()` consecutive elements in its C order.
#[derive(Clone, Debug)]
pub struct Piece<'a> {
    /// Index of the block's first element in the output.
    pub start: Vec<usize>,
    /// The values, any layout and dtype.
    pub src: &'a Tensor,
}

fn bad(reason: &'static str) -> Error {
    Error::InvalidArgument {
        op: "assemble",
        reason,
    }
}

/// The block extent of a piece in an output of `ndim` dimensions.
fn extent(p: &Piece<'_>, ndim: usize) -> Result<Vec<usize>> {
    if p.src.ndim() == ndim {
        Ok(p.src.shape().to_vec())
    } else if ndim == 1 {
        Ok(vec![p.src.numel()])
    } else {
        Err(bad("a piece must have the output's number of dimensions"))
    }
}

fn overlap(a: (&[usize], &[usize]), b: (&[usize], &[usize])) -> bool {
    a.0.iter()
        .zip(a.1)
        .zip(b.0.iter().zip(b.1))
        .all(|((&s0, &e0), (&s1, &e1))| s0 < s1 + e1 && s1 < s0 + e0)
}

/// Checks that the non-empty `blocks` (start, extent) tile `shape` exactly.
fn check_tiling(shape: &[usize], blocks: &[(Vec<usize>, Vec<usize>)]) -> Result<()> {
    let mut volume = 0usize;
    for (start, ext) in blocks {
        if start.len() != shape.len() {
            return Err(bad("a piece's start must index every dimension"));
        }
        for ((&s, &e), &n) in start.iter().zip(ext).zip(shape) {
            if s.checked_add(e).is_none_or(|end| end > n) {
                return Err(bad("a piece reaches outside the output"));
            }
        }
        volume = ext
            .iter()
            .product::<usize>()
            .checked_add(volume)
            .ok_or(Error::Overflow {
                what: "element count",
            })?;
    }
    if volume != shape.iter().product::<usize>() {
        return Err(bad("the pieces must cover the output exactly"));
    }
    if blocks.len() <= PAIRWISE_MAX {
        for (i, a) in blocks.iter().enumerate() {
            if blocks[i + 1..]
                .iter()
                .any(|b| overlap((&a.0, &a.1), (&b.0, &b.1)))
            {
                return Err(bad("two pieces overlap"));
            }
        }
        return Ok(());
    }
    // Many pieces: slabs along one axis, full everywhere else.
    let axis = (0..shape.len())
        .find(|&k| blocks.iter().any(|(_, e)| e[k] != shape[k]))
        .unwrap_or(0);
    let slab = |(s, e): &(Vec<usize>, Vec<usize>)| {
        (0..shape.len()).all(|k| k == axis || (s[k] == 0 && e[k] == shape[k]))
    };
    if !blocks.iter().all(slab) {
        return Err(bad("many pieces must be slabs along one axis"));
    }
    let mut ranges: Vec<(usize, usize)> = blocks.iter().map(|(s, e)| (s[axis], e[axis])).collect();
    ranges.sort_unstable();
    if ranges.windows(2).any(|w| w[0].0 + w[0].1 > w[1].0) {
        return Err(bad("two pieces overlap"));
    }
    Ok(())
}

/// A new tensor of `shape` and `dtype` made of `pieces`, which must tile it
/// exactly. `order` (a permutation, outermost dimension first) gives the
/// memory order of the result; `None` is C order.
pub fn assemble(
    shape: &[usize],
    dtype: DType,
    order: Option<&[usize]>,
    pieces: &[Piece<'_>],
) -> Result<Tensor> {
    let nd = shape.len();
    let mut blocks = Vec::with_capacity(pieces.len());
    let mut used = Vec::with_capacity(pieces.len());
    for p in pieces {
        if !p.src.device().is_cpu() {
            return Err(Error::DeviceUnavailable {
                op: "assemble",
                device: p.src.device(),
            });
        }
        let ext = extent(p, nd)?;
        if ext.iter().product::<usize>() > 0 {
            blocks.push((p.start.clone(), ext));
            used.push(p);
        }
    }
    check_tiling(shape, &blocks)?;
    let inverse = match order {
        None => None,
        Some(perm) => {
            let mut inv = vec![usize::MAX; nd];
            for (k, &p) in perm.iter().enumerate() {
                if p >= nd || inv[p] != usize::MAX {
                    return Err(bad("order must be a permutation of the dimensions"));
                }
                inv[p] = k;
            }
            if perm.len() != nd {
                return Err(bad("order must be a permutation of the dimensions"));
            }
            Some(inv)
        }
    };
    // SAFETY: the pieces were checked above to tile the output exactly, and
    // each is copied into its block below before the tensor is returned (an
    // error on the way drops the tensor unread).
    let out = unsafe {
        match &inverse {
            None => Tensor::uninit(shape, dtype)?,
            Some(inv) => {
                let permuted: Vec<usize> = order.unwrap_or(&[]).iter().map(|&p| shape[p]).collect();
                let inv: Vec<i64> = inv.iter().map(|&k| k as i64).collect();
                Tensor::uninit(&permuted, dtype)?.permute(&inv)?
            }
        }
    };
    for ((start, ext), p) in blocks.iter().zip(used) {
        let mut dst = out.clone();
        for (k, (&s, &e)) in start.iter().zip(ext).enumerate() {
            dst = dst.slice(k as i64, Some(s as i64), Some((s + e) as i64), 1)?;
        }
        if p.src.ndim() != nd {
            let dims: Vec<i64> = p.src.shape().iter().map(|&d| d as i64).collect();
            dst = dst.view(&dims)?;
        }
        super::copy::copy_cast(p.src, &dst);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iota(shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor::from_vec((0..n as i32).collect(), shape).unwrap()
    }

    #[test]
    fn pieces_must_tile_exactly() {
        let a = iota(&[2, 2]);
        let ok = [
            Piece {
                start: vec![0, 0],
                src: &a,
            },
            Piece {
                start: vec![2, 0],
                src: &a,
            },
        ];
        let t = assemble(&[4, 2], DType::Int64, None, &ok).unwrap();
        assert_eq!(t.to_vec::<i64>().unwrap(), vec![0, 1, 2, 3, 0, 1, 2, 3]);
        let f = assemble(&[4, 2], DType::Int32, Some(&[1, 0]), &ok).unwrap();
        assert_eq!(f.strides(), &[1, 4]);
        let gap = [Piece {
            start: vec![0, 0],
            src: &a,
        }];
        assert!(assemble(&[4, 2], DType::Int32, None, &gap).is_err());
        let overlapping = [
            Piece {
                start: vec![0, 0],
                src: &a,
            },
            Piece {
                start: vec![1, 0],
                src: &a,
            },
            Piece {
                start: vec![3, 0],
                src: &iota(&[1, 2]),
            },
        ];
        assert!(assemble(&[4, 2], DType::Int32, None, &overlapping).is_err());
        let outside = [
            Piece {
                start: vec![3, 0],
                src: &a,
            },
            Piece {
                start: vec![0, 0],
                src: &a,
            },
        ];
        assert!(assemble(&[4, 2], DType::Int32, None, &outside).is_err());
        let flat = [
            Piece {
                start: vec![0],
                src: &a,
            },
            Piece {
                start: vec![4],
                src: &a.t(),
            },
        ];
        assert_eq!(
            assemble(&[8], DType::Int32, None, &flat)
                .unwrap()
                .to_vec::<i32>()
                .unwrap(),
            vec![0, 1, 2, 3, 0, 2, 1, 3]
        );
    }

    #[test]
    fn many_slabs() {
        let row = iota(&[1, 3]);
        let pieces: Vec<Piece<'_>> = (0..2000)
            .map(|i| Piece {
                start: vec![i, 0],
                src: &row,
            })
            .collect();
        assert_eq!(
            assemble(&[2000, 3], DType::Int32, None, &pieces)
                .unwrap()
                .shape(),
            &[2000, 3]
        );
        let mut twice = pieces.clone();
        twice[5].start = vec![4, 0];
        assert!(assemble(&[2000, 3], DType::Int32, None, &twice).is_err());
    }
}
