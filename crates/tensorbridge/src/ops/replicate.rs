//! Repetition: `repeat` (each element several times along one axis,
//! NumPy's `repeat`, PyTorch's `repeat_interleave`) and `tile` (the whole
//! tensor several times along each axis, NumPy's `tile`, PyTorch's
//! `Tensor.repeat`).
//!
//! Both return new C-contiguous tensors, allocated without zeroing and
//! written completely. A tile is one broadcast copy: the input is viewed
//! with a stride-0 axis beside each repeated one and copied in C order
//! ([`Tensor::to_contiguous`]), which is the output's memory order.
//! `repeat` copies blocks of a contiguous source
//! ([`crate::cpu::repeat::repeat_blocks`]), which beats a broadcast copy
//! whose inner runs would be only `repeats` elements long.

use crate::cpu::repeat::{repeat_new, with_i64_slice, Counts};
use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::{normalize_axis, MAX_NDIM};
use crate::tensor::Tensor;

fn counts(values: &[i64], op: &'static str, what: &'static str) -> Result<Vec<usize>> {
    values
        .iter()
        .map(|&v| usize::try_from(v).map_err(|_| Error::NegativeCount { op, what, value: v }))
        .collect()
}

fn as_dims(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&d| d as i64).collect()
}

/// Each element of `x` repeated along `axis` (`repeat(x, repeats, /, *,
/// axis=None)`); with `axis` `None`, `x` is flattened (C order) first.
///
/// `repeats` holds one count for every element along the axis, or a single
/// count for all of them; counts must be non-negative.
pub fn repeat(x: &Tensor, repeats: &[i64], axis: Option<i64>) -> Result<Tensor> {
    x.require_cpu("repeat")?;
    let (x, a) = match axis {
        None => (x.reshape(&[-1])?, 0),
        Some(axis) => (x.clone(), normalize_axis(axis, x.ndim(), "repeat")?),
    };
    let n = x.shape()[a];
    let negative = |v: i64| Error::NegativeCount {
        op: "repeat",
        what: "repeats",
        value: v,
    };
    let (counts, total) = match repeats[..] {
        [r] => {
            let r = usize::try_from(r).map_err(|_| negative(r))?;
            let total = n.checked_mul(r).ok_or(Error::Overflow { what: "shape" })?;
            (Counts::Uniform(r), total)
        }
        _ if repeats.len() != n => {
            return Err(Error::LengthMismatch {
                op: "repeat",
                expected: n,
                got: repeats.len(),
            })
        }
        _ => {
            // One pass over possibly millions of counts: errors are built
            // only when one occurs.
            let mut total = 0usize;
            for &r in repeats {
                let Some(t) = usize::try_from(r).ok().and_then(|r| total.checked_add(r)) else {
                    return Err(if r < 0 {
                        negative(r)
                    } else {
                        Error::Overflow { what: "shape" }
                    });
                };
                total = t;
            }
            (Counts::PerBlock(repeats), total)
        }
    };
    let mut shape = x.shape().to_vec();
    shape[a] = total;
    if shape.contains(&0) {
        return Tensor::zeros(&shape, x.dtype());
    }
    // Bool bytes are normalised to 0/1 by a real copy; other dtypes are
    // copied as raw blocks.
    let src = if x.dtype() == DType::Bool {
        x.to_contiguous()?
    } else {
        x.contiguous()?
    };
    let outer: usize = x.shape()[..a].iter().product();
    let inner: usize = x.shape()[a + 1..].iter().product();
    repeat_new(&src, &shape, outer, n, inner, counts)
}

/// [`repeat`] with the counts in a tensor: 0-d (one count for all) or 1-d,
/// of a dtype that converts to int64 without loss (bool, signed integers,
/// uint8..uint32), as NumPy's `same_kind`-safe cast of `repeats` requires.
pub fn repeat_by(x: &Tensor, repeats: &Tensor, axis: Option<i64>) -> Result<Tensor> {
    x.require_cpu("repeat")?;
    repeats.require_cpu("repeat")?;
    let d = repeats.dtype();
    let safe = matches!(d.kind(), DTypeKind::Bool | DTypeKind::Int)
        || matches!(d, DType::UInt8 | DType::UInt16 | DType::UInt32);
    if !safe {
        return Err(Error::DTypeNotSupported {
            op: "repeat",
            dtype: d,
            expected: "integer counts convertible to int64 (bool, int8..int64, uint8..uint32)",
        });
    }
    if repeats.ndim() > 1 {
        return Err(Error::InvalidArgument {
            op: "repeat",
            reason: "repeats must be an int or a 0-d or 1-d tensor",
        });
    }
    let counts = repeats.to(DType::Int64)?.contiguous()?;
    with_i64_slice(&counts, |c| repeat(x, c, axis))
}

/// `x` repeated `repetitions[k]` times along each axis
/// (`tile(x, repetitions, /)`). When the lengths differ, the shorter of
/// `x.shape` and `repetitions` is padded with leading ones, as NumPy does.
pub fn tile(x: &Tensor, repetitions: &[i64]) -> Result<Tensor> {
    x.require_cpu("tile")?;
    let reps = counts(repetitions, "tile", "repetitions")?;
    let d = reps.len().max(x.ndim());
    let reps: Vec<usize> = std::iter::repeat_n(1, d - reps.len()).chain(reps).collect();
    let shape: Vec<usize> = std::iter::repeat_n(1, d - x.ndim())
        .chain(x.shape().iter().copied())
        .collect();
    let interleaved_ndim = d + reps.iter().filter(|&&r| r != 1).count();
    if interleaved_ndim > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: interleaved_ndim,
            max: MAX_NDIM,
        });
    }
    let mut out_shape = Vec::with_capacity(d);
    for (&s, &r) in shape.iter().zip(&reps) {
        out_shape.push(s.checked_mul(r).ok_or(Error::Overflow { what: "shape" })?);
    }
    if out_shape.contains(&0) {
        return Tensor::zeros(&out_shape, x.dtype());
    }
    // x seen as (.., 1, s_k, ..) with a size-1 axis before each repeated
    // axis, broadcast to (.., r_k, s_k, ..), copied in C order: the output's
    // memory order.
    let mut src = x.reshape(&as_dims(&shape))?;
    let mut split = Vec::with_capacity(interleaved_ndim);
    for k in (0..d).rev() {
        split.push(shape[k]);
        if reps[k] != 1 {
            src = src.unsqueeze(k as i64)?;
            split.push(reps[k]);
        }
    }
    split.reverse();
    src.expand(&as_dims(&split))?
        .to_contiguous()?
        .view(&as_dims(&out_shape))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::ops::test_views::{indexes, iota, strided, view_strategy};

    #[test]
    fn repeat_uniform_and_varying() {
        let x = iota(&[2, 2]);
        assert_eq!(
            repeat(&x, &[2], None).unwrap().to_vec::<i32>().unwrap(),
            vec![0, 0, 1, 1, 2, 2, 3, 3]
        );
        let r = repeat(&x, &[2], Some(0)).unwrap();
        assert_eq!(r.shape(), &[4, 2]);
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![0, 1, 0, 1, 2, 3, 2, 3]);
        let r = repeat(&x.t(), &[0, 3], Some(1)).unwrap();
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![2, 2, 2, 3, 3, 3]);
        assert!(repeat(&x, &[1, 2, 3], Some(0)).is_err());
        assert!(repeat(&x, &[-1], Some(0)).is_err());
        assert!(repeat(&x, &[1], Some(2)).is_err());
    }

    #[test]
    fn tile_pads_like_numpy() {
        let x = iota(&[2]);
        let t = tile(&x, &[2, 3]).unwrap();
        assert_eq!(t.shape(), &[2, 6]);
        assert_eq!(
            t.to_vec::<i32>().unwrap(),
            vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
        );
        let y = iota(&[2, 2]);
        let t = tile(&y.t(), &[2]).unwrap();
        assert_eq!(t.to_vec::<i32>().unwrap(), vec![0, 2, 0, 2, 1, 3, 1, 3]);
        assert!(!tile(&y, &[1]).unwrap().same_storage(&y));
        assert!(tile(&y, &[-1]).is_err());
    }

    proptest! {
        #[test]
        fn tile_matches_index_arithmetic((shape, perm, flips) in view_strategy(), reps in proptest::collection::vec(0i64..3, 0..4)) {
            let x = strided(&shape, &perm, &flips);
            let out = tile(&x, &reps).unwrap();
            let d = out.ndim();
            let lead = d - x.ndim();
            for idx in indexes(out.shape()) {
                let src: Vec<usize> = (lead..d).map(|k| idx[k] % x.shape()[k - lead]).collect();
                prop_assert_eq!(out.get(&idx), x.get(&src));
            }
        }

        #[test]
        fn repeat_matches_index_arithmetic((shape, perm, flips) in view_strategy(), counts in proptest::collection::vec(0i64..3, 4), uniform in any::<bool>(), axis in 0usize..4) {
            let x = strided(&shape, &perm, &flips);
            prop_assume!(axis < x.ndim());
            let n = x.shape()[axis];
            let reps: Vec<i64> = if uniform { counts[..1].to_vec() } else { counts[..n.min(4)].to_vec() };
            prop_assume!(uniform || reps.len() == n);
            let out = repeat(&x, &reps, Some(axis as i64)).unwrap();
            // output position along the axis -> source position
            let mut source = Vec::new();
            for i in 0..n {
                let r = if uniform { reps[0] } else { reps[i] };
                source.extend(std::iter::repeat_n(i, r as usize));
            }
            prop_assert_eq!(out.shape()[axis], source.len());
            for idx in indexes(out.shape()) {
                let mut src = idx.clone();
                src[axis] = source[idx[axis]];
                prop_assert_eq!(out.get(&idx), x.get(&src));
            }
        }
    }
}
