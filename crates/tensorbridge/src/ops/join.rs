//! Joining tensors: `concat` along an existing axis and `stack` along a
//! new one.
//!
//! The result dtype is the promotion of every input dtype
//! ([`crate::promote::promote_types`], NumPy's table, applied to the whole
//! sequence as NumPy's `result_type` does). The output is allocated once,
//! without zeroing, and each input is written into its slice of it by
//! [`crate::cpu::assemble`] (the parallel strided copy, which also converts
//! dtypes), so inputs of any layout cost one pass each. Like NumPy, the output takes
//! the dimension order the inputs' strides agree on (joining
//! Fortran-ordered inputs gives a Fortran-ordered result and plain copies),
//! C order where they conflict.

use crate::cpu::assemble::{assemble, Piece};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{normalize_axis, MAX_NDIM};
use crate::promote::promote_types;
use crate::tensor::Tensor;

/// NumPy's legacy type number of a dtype (`NPY_BOOL` = 0 ... `NPY_HALF` =
/// 23); bfloat16, a user dtype in NumPy, ranks above all of them.
fn numpy_type_number(d: DType) -> u32 {
    use DType::*;
    match d {
        Bool => 0,
        Int8 => 1,
        UInt8 => 2,
        Int16 => 3,
        UInt16 => 4,
        Int32 => 5,
        UInt32 => 6,
        Int64 => 7,
        UInt64 => 8,
        Float32 => 11,
        Float64 => 12,
        Complex64 => 14,
        Complex128 => 15,
        Float16 => 23,
        BFloat16 => 256,
    }
}

/// The common dtype of several tensors as NumPy's `result_type` finds it.
///
/// Pairwise promotion is not associative across kinds (int8 with uint8 is
/// int16, which with float16 is float32, yet int8 with float16 is float16),
/// so NumPy does not fold left to right: the dtype with the highest legacy
/// type number leads, and the others are promoted into it one by one.
fn result_dtype(arrays: &[Tensor], op: &'static str) -> Result<DType> {
    let lead = arrays
        .iter()
        .map(|t| t.dtype())
        .max_by_key(|&d| numpy_type_number(d))
        .ok_or(Error::InvalidArgument {
            op,
            reason: "needs at least one tensor",
        })?;
    Ok(arrays
        .iter()
        .fold(lead, |acc, t| promote_types(acc, t.dtype())))
}

/// The tensors joined along `axis` (`concat(arrays, /, *, axis=0)`); with
/// `axis` `None` every tensor is flattened (C order) first.
///
/// All tensors need the same number of dimensions (at least one) and equal
/// sizes except along `axis`.
pub fn concat(arrays: &[Tensor], axis: Option<i64>) -> Result<Tensor> {
    let dtype = result_dtype(arrays, "concat")?;
    let Some(axis) = axis else {
        let total = arrays
            .iter()
            .try_fold(0usize, |acc, t| acc.checked_add(t.numel()))
            .ok_or(Error::Overflow {
                what: "element count",
            })?;
        let mut pieces = Vec::with_capacity(arrays.len());
        let mut start = 0usize;
        for t in arrays {
            pieces.push(Piece {
                start: vec![start],
                src: t,
            });
            start += t.numel();
        }
        return assemble(&[total], dtype, None, &pieces);
    };
    let first = &arrays[0];
    if first.ndim() == 0 {
        return Err(Error::TooFewDims {
            op: "concat",
            ndim: 0,
            min: 1,
        });
    }
    let a = normalize_axis(axis, first.ndim(), "concat")?;
    let mut shape = first.shape().to_vec();
    shape[a] = 0;
    for (index, t) in arrays.iter().enumerate() {
        let fits = t.ndim() == first.ndim()
            && t.shape()
                .iter()
                .zip(first.shape())
                .enumerate()
                .all(|(k, (x, y))| k == a || x == y);
        if !fits {
            return Err(Error::JoinShapeMismatch {
                op: "concat",
                index,
                first: first.shape().to_vec(),
                got: t.shape().to_vec(),
                rule: "tensors must have the same number of dimensions and equal sizes except along the concatenation axis",
            });
        }
        shape[a] = shape[a]
            .checked_add(t.shape()[a])
            .ok_or(Error::Overflow { what: "shape" })?;
    }
    join_along(arrays, a, &shape, dtype)
}

/// The dimension order NumPy gives a joined result
/// (`PyArray_CreateMultiSortedStridePerm`): a stable insertion sort of the
/// axes by decreasing stride magnitude, where an axis moves before another
/// only if every input in which both are longer than 1 says so (conflicts
/// and ties keep C order; axes of size 1 everywhere stay where they are).
fn multi_sorted_stride_perm(arrays: &[Tensor], ndim: usize) -> Vec<usize> {
    let mut perm: Vec<usize> = (0..ndim).collect();
    for i0 in 1..ndim {
        let ax0 = perm[i0];
        let mut ipos = i0;
        for i1 in (0..i0).rev() {
            let ax1 = perm[i1];
            let (mut ambiguous, mut swap) = (true, false);
            for t in arrays {
                if t.shape()[ax0] != 1 && t.shape()[ax1] != 1 {
                    if t.strides()[ax0].unsigned_abs() <= t.strides()[ax1].unsigned_abs() {
                        swap = false;
                    } else if ambiguous {
                        swap = true;
                    }
                    ambiguous = false;
                }
            }
            if !ambiguous {
                if swap {
                    ipos = i1;
                } else {
                    break;
                }
            }
        }
        if ipos != i0 {
            perm.copy_within(ipos..i0, ipos + 1);
            perm[ipos] = ax0;
        }
    }
    perm
}

/// Writes `arrays` (all of `shape` except along `axis`) one after the other
/// along `axis` into a new tensor of `shape` and `dtype`.
fn join_along(arrays: &[Tensor], axis: usize, shape: &[usize], dtype: DType) -> Result<Tensor> {
    let perm = multi_sorted_stride_perm(arrays, shape.len());
    let identity = perm.iter().enumerate().all(|(k, &p)| k == p);
    let mut pieces = Vec::with_capacity(arrays.len());
    let mut start = 0usize;
    for t in arrays {
        let mut at = vec![0; shape.len()];
        at[axis] = start;
        pieces.push(Piece { start: at, src: t });
        start += t.shape()[axis];
    }
    assemble(shape, dtype, (!identity).then_some(&perm[..]), &pieces)
}

/// The tensors, all of one shape, joined along a new axis at position
/// `axis` of the result (`stack(arrays, /, *, axis=0)`; `axis` lies in
/// `-(ndim+1)..=ndim`).
pub fn stack(arrays: &[Tensor], axis: i64) -> Result<Tensor> {
    let dtype = result_dtype(arrays, "stack")?;
    let first = &arrays[0];
    if first.ndim() >= MAX_NDIM {
        return Err(Error::TooManyDims {
            ndim: first.ndim() + 1,
            max: MAX_NDIM,
        });
    }
    let a = normalize_axis(axis, first.ndim() + 1, "stack")?;
    if let Some((index, t)) = arrays
        .iter()
        .enumerate()
        .find(|(_, t)| t.shape() != first.shape())
    {
        return Err(Error::JoinShapeMismatch {
            op: "stack",
            index,
            first: first.shape().to_vec(),
            got: t.shape().to_vec(),
            rule: "all tensors must have the same shape",
        });
    }
    // Stacking is joining the inputs, each with a size-1 axis inserted.
    let expanded = arrays
        .iter()
        .map(|t| t.unsqueeze(a as i64))
        .collect::<Result<Vec<_>>>()?;
    let mut shape = first.shape().to_vec();
    shape.insert(a, arrays.len());
    join_along(&expanded, a, &shape, dtype)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iota(shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        Tensor::from_vec((0..n as i32).collect(), shape).unwrap()
    }

    #[test]
    fn concat_axes_and_promotion() {
        let a = iota(&[2, 2]);
        let b = Tensor::from_vec(vec![9i64, 8], &[2, 1]).unwrap();
        let c = concat(&[a.clone(), b], Some(-1)).unwrap();
        assert_eq!(c.dtype(), DType::Int64);
        assert_eq!(c.to_vec::<i64>().unwrap(), vec![0, 1, 9, 2, 3, 8]);
        let f = concat(&[a.t(), iota(&[3])], None).unwrap();
        assert_eq!(f.to_vec::<i32>().unwrap(), vec![0, 2, 1, 3, 0, 1, 2]);
        assert!(matches!(
            concat(&[a.clone(), iota(&[3, 3])], Some(0)),
            Err(Error::JoinShapeMismatch { index: 1, .. })
        ));
        assert!(concat(&[], Some(0)).is_err());
        assert!(concat(&[iota(&[])], Some(0)).is_err());
        assert_eq!(
            concat(&[iota(&[0, 2]), a], Some(0)).unwrap().shape(),
            &[2, 2]
        );
    }

    #[test]
    fn promotion_follows_numpy_sequence_rule() {
        let z = |d| Tensor::zeros(&[1], d).unwrap();
        let seq = [z(DType::Int8), z(DType::UInt8), z(DType::Float16)];
        assert_eq!(result_dtype(&seq, "concat").unwrap(), DType::Float16);
        let seq = [z(DType::UInt32), z(DType::Int8), z(DType::Float16)];
        assert_eq!(result_dtype(&seq, "concat").unwrap(), DType::Float64);
        let seq = [z(DType::Int8), z(DType::UInt8), z(DType::UInt16)];
        assert_eq!(result_dtype(&seq, "concat").unwrap(), DType::Int32);
    }

    #[test]
    fn joined_layout_follows_the_inputs() {
        let f = iota(&[3, 4]).t();
        assert_eq!(
            concat(&[f.clone(), f.clone()], Some(0)).unwrap().strides(),
            &[1, 8]
        );
        assert_eq!(
            stack(&[f.clone(), f.clone()], 0).unwrap().strides(),
            &[12, 1, 4]
        );
        assert_eq!(
            stack(&[f.clone(), f.clone()], -1).unwrap().strides(),
            &[2, 8, 1]
        );
        // conflicting orders give C order
        let c = iota(&[4, 3]);
        assert_eq!(concat(&[f, c], Some(0)).unwrap().strides(), &[3, 1]);
    }

    #[test]
    fn stack_new_axis() {
        let a = iota(&[2, 3]);
        let s = stack(&[a.clone(), a.clone()], -1).unwrap();
        assert_eq!(s.shape(), &[2, 3, 2]);
        assert_eq!(s.to_vec::<i32>().unwrap()[..4], [0, 0, 1, 1]);
        assert!(stack(&[a.clone(), a.t()], 0).is_err());
        assert!(stack(&[a], 3).is_err());
    }
}
