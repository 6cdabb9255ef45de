//! Set functions of the Array API standard: `unique_all`,
//! `unique_counts`, `unique_inverse` and `unique_values`.
//!
//! All four sort the flattened input stably ([`crate::cpu::sort`]) and
//! group equal neighbours, so the unique values come out sorted in NumPy's
//! order (NaNs last; the standard leaves the order open, and NumPy 2's
//! hashing `unique_values` may leave integers unsorted). `-0.0` and `0.0`
//! are one value, reported as whichever occurs first. NaN is never equal to
//! anything, so, as the standard says, every NaN is a unique value of its
//! own (NumPy's `unique_*` functions agree; `np.unique` merges NaNs).

use crate::cpu;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// Everything `unique_all` reports; the standard's field names.
#[derive(Clone, Debug)]
pub struct UniqueAll {
    /// The unique values, sorted (1-D).
    pub values: Tensor,
    /// For each unique value, the flat index of its first occurrence (int64).
    pub indices: Tensor,
    /// For each element of the input, the index of its value in `values`
    /// (int64, the input's shape).
    pub inverse_indices: Tensor,
    /// How often each unique value occurs (int64).
    pub counts: Tensor,
}

/// The unique values of `x` with first indices, inverse indices and counts.
pub fn unique_all(x: &Tensor) -> Result<UniqueAll> {
    unique(x, "unique_all")
}

/// The unique values of `x` and how often each occurs: `(values, counts)`.
pub fn unique_counts(x: &Tensor) -> Result<(Tensor, Tensor)> {
    let u = unique(x, "unique_counts")?;
    Ok((u.values, u.counts))
}

/// The unique values of `x` and, for each element of `x`, the index of its
/// value among them: `(values, inverse_indices)`.
pub fn unique_inverse(x: &Tensor) -> Result<(Tensor, Tensor)> {
    let u = unique(x, "unique_inverse")?;
    Ok((u.values, u.inverse_indices))
}

/// `isin(x1, x2, invert=invert)`: for each element of `x1`, whether it
/// equals some element of `x2` (NaN equals nothing), or the opposite with
/// `invert`. Sorts `x2` once and binary-searches it, in the promoted dtype.
pub fn isin(x1: &Tensor, x2: &Tensor, invert: bool) -> Result<Tensor> {
    use crate::ops::binary::{binary, BinaryOp};
    use crate::{DType, Scalar};
    let dtype = crate::promote::promote_types(x1.dtype(), x2.dtype());
    let (a, b) = (x1.to(dtype)?, x2.to(dtype)?);
    let n = b.numel();
    if n == 0 {
        return Tensor::full(a.shape(), Scalar::Bool(invert), DType::Bool);
    }
    let sorted = crate::ops::sort::sort(&b.reshape(&[-1])?, -1, false, true)?;
    let at = crate::ops::sort::searchsorted(&sorted, &a, crate::ops::sort::Side::Left, None)?;
    let last = Tensor::full(&[], Scalar::Int(n as i64 - 1), DType::Int64)?;
    let at = binary(BinaryOp::Minimum, &at, &last)?;
    let flat = crate::ops::gather::take(&sorted, &at.reshape(&[-1])?, Some(0))?;
    let shape: Vec<i64> = a.shape().iter().map(|&d| d as i64).collect();
    let found = flat.reshape(&shape)?;
    let op = if invert { BinaryOp::NotEqual } else { BinaryOp::Equal };
    binary(op, &found, &a)
}

/// The unique values of `x`, sorted.
pub fn unique_values(x: &Tensor) -> Result<Tensor> {
    cpu::sort::unique_sorted_values(&flat_for_grouping(x, "unique_values")?)
}

/// Most bytes of scratch per element that grouping takes at once: the
/// values (up to 16), the `(key, index)` pairs (up to 32), the order and
/// the inverse indices (8 each).
const SCRATCH_BYTES_PER_ELEMENT: usize = 64;

/// Refuses, with the allocator's clear error, an input whose grouping
/// scratch cannot be allocated. Grouping works in `Vec`s, whose failed
/// allocation aborts the process; an `expand`ed view can show far more
/// elements than memory holds (`zeros(1).expand(2**34)` is 64 GiB of
/// float32), so the space is asked for once, fallibly, before any of them.
fn reserve_scratch(numel: usize, op: &'static str) -> Result<()> {
    let too_big = Error::InvalidArgument {
        op,
        reason: "out of memory: sorting and grouping this many elements needs more scratch memory than can be allocated; unique a smaller part (an expanded view holds one value per broadcast run)",
    };
    let bytes = numel.checked_mul(SCRATCH_BYTES_PER_ELEMENT).ok_or(too_big.clone())?;
    let mut probe: Vec<u8> = Vec::new();
    // Reserved, never touched, then freed: untouched pages cost nothing.
    probe.try_reserve_exact(bytes).map_err(|_| too_big)?;
    Ok(())
}

/// `x` flattened for sorting and grouping: on the CPU, with the scratch
/// memory that takes known to be available.
fn flat_for_grouping(x: &Tensor, op: &'static str) -> Result<Tensor> {
    if !x.device().is_cpu() {
        return Err(Error::DeviceUnavailable {
            op,
            device: x.device(),
        });
    }
    let flat = x.reshape(&[-1])?;
    reserve_scratch(flat.numel(), op)?;
    Ok(flat)
}

fn unique(x: &Tensor, op: &'static str) -> Result<UniqueAll> {
    let flat = flat_for_grouping(x, op)?;
    let groups = cpu::sort::unique_groups(&flat);
    let count = groups.starts.len() - 1;
    let firsts: Vec<usize> = groups.starts[..count]
        .iter()
        .map(|&s| groups.order[s])
        .collect();
    let values = cpu::sort::take(&flat, &firsts)?;
    let mut inverse = vec![0i64; flat.numel()];
    let mut counts = Vec::with_capacity(count);
    for (g, w) in groups.starts.windows(2).enumerate() {
        counts.push((w[1] - w[0]) as i64);
        for &i in &groups.order[w[0]..w[1]] {
            inverse[i] = g as i64;
        }
    }
    Ok(UniqueAll {
        values,
        indices: Tensor::from_vec(
            firsts.into_iter().map(|i| i as i64).collect::<Vec<_>>(),
            &[count],
        )?,
        inverse_indices: Tensor::from_vec(inverse, x.shape())?,
        counts: Tensor::from_vec(counts, &[count])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtype::DType;

    #[test]
    fn nans_stay_distinct_and_zeros_merge() {
        let x =
            Tensor::from_vec(vec![3.0f64, f64::NAN, 1.0, -0.0, 0.0, f64::NAN, 1.0], &[7]).unwrap();
        let u = unique_all(&x).unwrap();
        assert_eq!(
            format!("{:?}", u.values.to_vec::<f64>().unwrap()),
            "[-0.0, 1.0, 3.0, NaN, NaN]"
        );
        assert_eq!(u.indices.to_vec::<i64>().unwrap(), vec![3, 2, 0, 1, 5]);
        assert_eq!(
            u.inverse_indices.to_vec::<i64>().unwrap(),
            vec![2, 3, 1, 0, 0, 4, 1]
        );
        assert_eq!(u.counts.to_vec::<i64>().unwrap(), vec![2, 2, 1, 1, 1]);
    }

    #[test]
    fn inverse_keeps_the_input_shape() {
        let x = Tensor::from_vec(vec![5i32], &[]).unwrap();
        let (v, inv) = unique_inverse(&x).unwrap();
        assert_eq!((v.shape(), inv.shape()), (&[1usize][..], &[][..]));
        let e = Tensor::zeros(&[2, 0], DType::UInt8).unwrap();
        let (v, inv) = unique_inverse(&e).unwrap();
        assert_eq!((v.shape(), inv.shape()), (&[0usize][..], &[2usize, 0][..]));
        assert_eq!(unique_counts(&e.t()).unwrap().1.dtype(), DType::Int64);
    }
}
