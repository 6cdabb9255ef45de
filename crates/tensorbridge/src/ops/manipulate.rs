//! Manipulation functions of the Array API standard that rearrange a
//! tensor's layout without moving data: `broadcast_arrays`,
//! `broadcast_to`, `expand_dims`, `flip`, `moveaxis`, `permute_dims`,
//! `reshape`, `squeeze` and `unstack`.
//!
//! Every result here is a view sharing the input's storage, except
//! `reshape` when the strides cannot express the new shape (it copies, or
//! refuses with `copy=Some(false)`) or when a copy is asked for. Joining
//! (`concat`, `stack`) lives in [`super::join`], repetition (`repeat`,
//! `tile`) in [`super::replicate`] and `roll` in [`super::roll`].

use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, normalize_axes, normalize_axis, MAX_NDIM};
use crate::tensor::Tensor;

/// Views of every input broadcast to their common shape
/// (`broadcast_arrays(*arrays)`), by NumPy's rules.
pub fn broadcast_arrays(arrays: &[Tensor]) -> Result<Vec<Tensor>> {
    let mut shape: Vec<usize> = Vec::new();
    for a in arrays {
        shape = broadcast_shapes(&shape, a.shape(), "broadcast_arrays")?;
    }
    arrays.iter().map(|a| a.broadcast_to(&shape)).collect()
}

/// A view of `x` broadcast to `shape` (`broadcast_to(x, /, shape)`).
pub fn broadcast_to(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    x.broadcast_to(shape)
}

/// A view with a size-1 dimension inserted at each of `axes`
/// (`expand_dims(x, /, *, axis=0)`; several axes as NumPy takes them).
///
/// The axes are positions in the result, so each lies in `-M..M` with
/// `M = ndim + axes.len()`; repeated positions are an error.
pub fn expand_dims(x: &Tensor, axes: &[i64]) -> Result<Tensor> {
    let out_ndim = x.ndim() + axes.len();
    if out_ndim > MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: out_ndim,
            max: MAX_NDIM,
        });
    }
    let positions = normalize_axes(Some(axes), out_ndim, "expand_dims")?;
    let mut out = x.clone();
    for &p in &positions {
        out = out.unsqueeze(p as i64)?;
    }
    Ok(out)
}

/// A view with the order of elements reversed along `axes`, or along every
/// axis when `None` (`flip(x, /, *, axis=None)`). The view has negative
/// strides; no data moves.
pub fn flip(x: &Tensor, axes: Option<&[i64]>) -> Result<Tensor> {
    let axes = normalize_axes(axes, x.ndim(), "flip")?;
    let mut out = x.clone();
    for a in axes {
        out = out.slice(a as i64, None, None, -1)?;
    }
    Ok(out)
}

/// A view with the axes `source` moved to the positions `destination`, the
/// other axes keeping their order (`moveaxis(x, source, destination, /)`).
pub fn moveaxis(x: &Tensor, source: &[i64], destination: &[i64]) -> Result<Tensor> {
    if source.len() != destination.len() {
        return Err(Error::InvalidArgument {
            op: "moveaxis",
            reason: "source and destination must name the same number of axes",
        });
    }
    let nd = x.ndim();
    let norm = |axes: &[i64]| -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(axes.len());
        for &a in axes {
            let a = normalize_axis(a, nd, "moveaxis")?;
            if out.contains(&a) {
                return Err(Error::DuplicateAxis {
                    op: "moveaxis",
                    axis: a,
                });
            }
            out.push(a);
        }
        Ok(out)
    };
    let (src, dst) = (norm(source)?, norm(destination)?);
    let mut order: Vec<usize> = (0..nd).filter(|a| !src.contains(a)).collect();
    let mut moves: Vec<(usize, usize)> = dst.into_iter().zip(src).collect();
    moves.sort_unstable();
    for (d, s) in moves {
        order.insert(d, s);
    }
    let perm: Vec<i64> = order.iter().map(|&a| a as i64).collect();
    x.permute(&perm)
}

/// A view with the axes reordered: result axis `k` is input axis `axes[k]`
/// (`permute_dims(x, /, axes)`).
pub fn permute_dims(x: &Tensor, axes: &[i64]) -> Result<Tensor> {
    x.permute(axes)
}

/// `x` under a new shape (one entry may be -1)
/// (`reshape(x, /, shape, *, copy=None)`).
///
/// `copy=None` gives a view when the strides allow it and a C-contiguous
/// copy otherwise; `Some(true)` always copies; `Some(false)` never copies
/// and fails with [`Error::ViewNotPossible`] when a view cannot be made.
pub fn reshape(x: &Tensor, shape: &[i64], copy: Option<bool>) -> Result<Tensor> {
    match copy {
        None => x.reshape(shape),
        Some(false) => x.view(shape),
        Some(true) => x.to_contiguous()?.view(shape),
    }
}

/// A view without the listed axes, each of which must have size 1
/// (`squeeze(x, /, axis)`).
pub fn squeeze(x: &Tensor, axes: &[i64]) -> Result<Tensor> {
    let axes = normalize_axes(Some(axes), x.ndim(), "squeeze")?;
    if let Some(&a) = axes.iter().find(|&&a| x.shape()[a] != 1) {
        return Err(Error::SqueezeNotSizeOne {
            axis: a,
            size: x.shape()[a],
        });
    }
    let dims: Vec<i64> = axes.iter().map(|&a| a as i64).collect();
    x.squeeze(Some(&dims))
}

/// The slices of `x` along `axis`, each a view without that axis
/// (`unstack(x, /, *, axis=0)`).
pub fn unstack(x: &Tensor, axis: i64) -> Result<Vec<Tensor>> {
    let a = normalize_axis(axis, x.ndim(), "unstack")?;
    (0..x.shape()[a])
        .map(|i| x.select(a as i64, i as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;

    fn iota(shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor::from_vec((0..n as i32).collect(), shape).unwrap()
    }

    #[test]
    fn views_share_storage() {
        let x = iota(&[2, 3, 4]);
        for v in [
            flip(&x, None).unwrap(),
            flip(&x, Some(&[-1])).unwrap(),
            moveaxis(&x, &[0], &[-1]).unwrap(),
            permute_dims(&x, &[2, 0, 1]).unwrap(),
            expand_dims(&x, &[0, -1]).unwrap(),
            reshape(&x, &[6, -1], Some(false)).unwrap(),
            broadcast_to(&x, &[5, 2, 3, 4]).unwrap(),
        ] {
            assert!(v.same_storage(&x));
        }
        assert_eq!(moveaxis(&x, &[0], &[-1]).unwrap().shape(), &[3, 4, 2]);
        assert_eq!(moveaxis(&x, &[0, 1], &[-1, 0]).unwrap().shape(), &[3, 4, 2]);
        assert_eq!(expand_dims(&x, &[0, -1]).unwrap().shape(), &[1, 2, 3, 4, 1]);
        assert_eq!(
            flip(&iota(&[3]), None).unwrap().to_vec::<i32>().unwrap(),
            vec![2, 1, 0]
        );
    }

    #[test]
    fn reshape_copy_modes() {
        let t = iota(&[2, 3]).t();
        assert!(matches!(
            reshape(&t, &[6], Some(false)),
            Err(Error::ViewNotPossible { .. })
        ));
        assert!(!reshape(&t, &[6], None).unwrap().same_storage(&t));
        let x = iota(&[2, 3]);
        assert!(!reshape(&x, &[6], Some(true)).unwrap().same_storage(&x));
    }

    #[test]
    fn squeeze_and_unstack() {
        let x = Tensor::zeros(&[1, 3, 1], DType::Int8).unwrap();
        assert_eq!(squeeze(&x, &[0, -1]).unwrap().shape(), &[3]);
        assert!(matches!(
            squeeze(&x, &[1]),
            Err(Error::SqueezeNotSizeOne { axis: 1, size: 3 })
        ));
        assert!(squeeze(&x, &[0, 0]).is_err());
        let parts = unstack(&iota(&[2, 3]), -1).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].to_vec::<i32>().unwrap(), vec![1, 4]);
        assert!(unstack(&Tensor::zeros(&[], DType::Int8).unwrap(), 0).is_err());
    }

    #[test]
    fn broadcast_arrays_shapes() {
        let a = iota(&[3, 1]);
        let b = iota(&[4]);
        let out = broadcast_arrays(&[a, b]).unwrap();
        assert_eq!(out[0].shape(), &[3, 4]);
        assert_eq!(out[1].strides(), &[0, 1]);
        assert!(broadcast_arrays(&[iota(&[2]), iota(&[3])]).is_err());
        assert!(broadcast_arrays(&[]).unwrap().is_empty());
    }
}
