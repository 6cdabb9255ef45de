//! Sorting and searching of the Array API standard: `sort`, `argsort` and
//! `searchsorted`.
//!
//! The order is NumPy's: NaNs last in an ascending sort, complex numbers
//! lexicographic by (real, imaginary) with NaNs last in NumPy's classes
//! (the standard only asks for real dtypes; NumPy's order is the natural
//! extension). A descending sort is, as the standard defines it, the
//! ascending order reversed for unequal elements, with equal elements kept
//! in input order: NaNs come first, and `descending=True` gives what
//! `array_api_strict` and `numpy.array_api` give (the reversal of a stable
//! sort of the reversed input).
//!
//! Every sort here is stable, whatever `stable=` says: `stable=False`
//! allows any order of ties, and the stable one is as fast (the kernels
//! radix-sort integer keys, [`crate::cpu::sort`]).

use crate::cpu;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::promote::promote_types;
use crate::ops::require_cpu;
use crate::tensor::Tensor;

/// `x` sorted along `axis` (a new C-contiguous tensor of `x`'s dtype).
/// `stable` is accepted for the standard's signature; the sort is always
/// stable.
pub fn sort(x: &Tensor, axis: i64, descending: bool, stable: bool) -> Result<Tensor> {
    let _ = stable;
    require_cpu("sort", &[x])?;
    let axis = normalize_axis(axis, x.ndim(), "sort")?;
    cpu::sort::sorted(x, axis, descending)
}

/// The int64 indices that sort `x` along `axis`: `take_along_axis(x,
/// argsort(x))` is `sort(x)`. Equal elements keep their input order (in
/// both directions), whatever `stable` says.
pub fn argsort(x: &Tensor, axis: i64, descending: bool, stable: bool) -> Result<Tensor> {
    let _ = stable;
    require_cpu("argsort", &[x])?;
    let axis = normalize_axis(axis, x.ndim(), "argsort")?;
    cpu::sort::argsorted(x, axis, descending)
}

/// Which end of a run of equal elements `searchsorted` reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// The first index `i` with `x1[i] >= v` (before equal elements).
    Left,
    /// The first index `i` with `x1[i] > v` (after equal elements).
    Right,
}

/// For each element `v` of `x2`, the index at which inserting `v` into the
/// sorted 1-D `x1` keeps it sorted (int64, `x2`'s shape).
///
/// `x1` must be sorted ascending in NumPy's order (NaNs last), or be put in
/// that order by `sorter` (indices such as `argsort(x1)` returns). Both
/// operands are compared in their promoted dtype, as in NumPy.
pub fn searchsorted(
    x1: &Tensor,
    x2: &Tensor,
    side: Side,
    sorter: Option<&Tensor>,
) -> Result<Tensor> {
    const OP: &str = "searchsorted";
    require_cpu(OP, &[x1, x2])?;
    if x1.ndim() != 1 {
        return Err(Error::InvalidArgument {
            op: OP,
            reason: "x1 must be a 1-D sorted tensor; search each row separately or flatten it",
        });
    }
    let n = x1.shape()[0];
    let order = match sorter {
        None => None,
        Some(s) => Some(sorter_indices(s, n)?),
    };
    let dtype = promote_types(x1.dtype(), x2.dtype());
    let (a, v) = (x1.to(dtype)?, x2.to(dtype)?);
    cpu::sort::searchsorted(&a, order.as_deref(), &v, side == Side::Right)
}

/// `sorter`'s indices, checked: a 1-D integer tensor of `n` indices in `0..n`.
fn sorter_indices(sorter: &Tensor, n: usize) -> Result<Vec<usize>> {
    const OP: &str = "searchsorted";
    if !sorter.dtype().is_integer() {
        return Err(Error::DTypeNotSupported {
            op: "searchsorted(sorter=...)",
            dtype: sorter.dtype(),
            expected: "integer indices",
        });
    }
    if sorter.ndim() != 1 || sorter.shape()[0] != n {
        return Err(Error::IncompatibleShapes {
            op: OP,
            x1_shape: vec![n],
            x2_shape: sorter.shape().to_vec(),
            reason: "sorter must be 1-D with one index per element of x1",
        });
    }
    sorter
        .to(DType::Int64)?
        .to_vec::<i64>()?
        .into_iter()
        .map(|i| {
            usize::try_from(i)
                .ok()
                .filter(|&u| u < n)
                .ok_or(Error::IndexOutOfRange {
                    axis: 0,
                    index: i,
                    size: n,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_and_argsort_agree() {
        let x = Tensor::from_vec(vec![2.0f64, f64::NAN, -1.0, 2.0, 0.5, -0.0], &[2, 3]).unwrap();
        let s = sort(&x, -1, false, true).unwrap();
        assert_eq!(
            format!("{:?}", s.to_vec::<f64>().unwrap()),
            "[-1.0, 2.0, NaN, -0.0, 0.5, 2.0]"
        );
        let i = argsort(&x, 0, true, true).unwrap();
        assert_eq!(i.to_vec::<i64>().unwrap(), vec![0, 0, 1, 1, 1, 0]);
        assert!(sort(&Tensor::zeros(&[], DType::Int8).unwrap(), -1, false, true).is_err());
        assert_eq!(
            argsort(
                &Tensor::zeros(&[0, 3], DType::Int8).unwrap(),
                0,
                false,
                true
            )
            .unwrap()
            .shape(),
            &[0, 3]
        );
    }

    #[test]
    fn searchsorted_promotes_and_checks_sorter() {
        let x1 = Tensor::from_vec(vec![1i8, 2, 3], &[3]).unwrap();
        let x2 = Tensor::from_vec(vec![2.5f64, 2.0], &[1, 2]).unwrap();
        let r = searchsorted(&x1, &x2, Side::Left, None).unwrap();
        assert_eq!(
            (r.shape(), r.to_vec::<i64>().unwrap()),
            (&[1usize, 2][..], vec![2, 1])
        );
        let r = searchsorted(&x1, &x2, Side::Right, None).unwrap();
        assert_eq!(r.to_vec::<i64>().unwrap(), vec![2, 2]);
        let bad = Tensor::from_vec(vec![0i64, 1, 3], &[3]).unwrap();
        assert!(matches!(
            searchsorted(&x1, &x2, Side::Left, Some(&bad)),
            Err(Error::IndexOutOfRange { .. })
        ));
        assert!(searchsorted(&x2, &x1, Side::Left, None).is_err());
    }
}
