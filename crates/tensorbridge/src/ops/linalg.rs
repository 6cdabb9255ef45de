//! Linear algebra of the Array API standard: `matmul`, `matrix_transpose`,
//! `tensordot` and `vecdot`, plus the in-place product behind `@=`.
//!
//! Every product goes through one path: promote the operands to a common
//! dtype (NumPy's table), compute f16/bf16 in f32 (NumPy accumulates half
//! products in float too) and every other dtype in itself, broadcast the
//! batch dimensions as stride-0 views (never copies), and hand the strided
//! views to [`crate::cpu::matmul`], which writes a fresh contiguous result.
//! Transposed and negatively strided operands are read in place by the
//! kernels; only `tensordot` may copy, when merging its permuted axes into
//! one needs it.

use crate::cpu;
use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, normalize_axis};
use crate::promote::promote_types;
use crate::ops::require_cpu;
use crate::tensor::Tensor;

/// Which axes `tensordot` contracts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TensordotAxes {
    /// The last `N` axes of `x1` with the first `N` axes of `x2`, in order.
    Count(usize),
    /// `x1_axes[i]` of `x1` with `x2_axes[i]` of `x2` (negative axes count
    /// from the end).
    Pairs(Vec<i64>, Vec<i64>),
}

/// The dtype a product of `dtype` values is computed in.
fn compute_dtype(dtype: DType) -> DType {
    match dtype {
        DType::Float16 | DType::BFloat16 => DType::Float32,
        d => d,
    }
}

fn incompatible(op: &'static str, x1: &Tensor, x2: &Tensor, reason: &'static str) -> Error {
    Error::IncompatibleShapes {
        op,
        x1_shape: x1.shape().to_vec(),
        x2_shape: x2.shape().to_vec(),
        reason,
    }
}

/// `a · b` for `a` of shape `(.., m, k)` and `b` of `(.., k, n)` whose batch
/// dimensions broadcast to `batch`, in `dtype` (conjugating `a` if asked).
fn batched_product(
    a: &Tensor,
    b: &Tensor,
    batch: &[usize],
    dtype: DType,
    conj_a: bool,
) -> Result<Tensor> {
    let compute = compute_dtype(dtype);
    let (na, nb) = (a.ndim(), b.ndim());
    let (m, k, n) = (a.shape()[na - 2], a.shape()[na - 1], b.shape()[nb - 1]);
    let with = |rows: usize, cols: usize| {
        let mut s = batch.to_vec();
        s.extend([rows, cols]);
        s
    };
    let a = a.to(compute)?.broadcast_to(&with(m, k))?;
    let b = b.to(compute)?.broadcast_to(&with(k, n))?;
    let out = Tensor::zeros(&with(m, n), compute)?;
    cpu::matmul::matmul_into(&a, &b, &out, conj_a);
    out.to(dtype)
}

/// The matrix product of the Array API standard (`x1 @ x2`).
///
/// 1-D operands are promoted to matrices (a row for `x1`, a column for
/// `x2`) and the added dimension is removed from the result; the batch
/// dimensions (all but the last two) broadcast. The result dtype is NumPy's
/// promotion of the two; integers wrap on overflow and bool products are
/// logical (or of and), as in NumPy.
pub fn matmul(x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    const OP: &str = "matmul";
    if x1.device() != x2.device() {
        return Err(Error::DeviceMismatch {
            op: OP,
            a: x1.device(),
            b: x2.device(),
        });
    }
    if x1.ndim() == 0 || x2.ndim() == 0 {
        return Err(incompatible(
            OP,
            x1,
            x2,
            "both operands need at least one dimension; multiply by a 0-d tensor with * instead",
        ));
    }
    let dtype = promote_types(x1.dtype(), x2.dtype());
    let a = if x1.ndim() == 1 {
        x1.unsqueeze(0)?
    } else {
        x1.clone()
    };
    let b = if x2.ndim() == 1 {
        x2.unsqueeze(-1)?
    } else {
        x2.clone()
    };
    let (na, nb) = (a.ndim(), b.ndim());
    if a.shape()[na - 1] != b.shape()[nb - 2] {
        return Err(incompatible(
            OP,
            x1,
            x2,
            "the last dimension of x1 must equal the second-to-last dimension of x2 (the only one of a 1-D x2); transpose or reshape one operand",
        ));
    }
    let batch = broadcast_shapes(&a.shape()[..na - 2], &b.shape()[..nb - 2], OP).map_err(|_| {
        incompatible(
            OP,
            x1,
            x2,
            "the batch dimensions (all but the last two) must broadcast together",
        )
    })?;
    let out = if a.device().is_cpu() {
        batched_product(&a, &b, &batch, dtype, false)?
    } else {
        crate::tensor::matmul_on_device(&a, &b, &batch, dtype)?
    };
    let mut shape = out.shape().to_vec();
    let last = shape.len() - 1;
    match (x1.ndim() == 1, x2.ndim() == 1) {
        (true, true) => shape.truncate(last - 1),
        (true, false) => {
            shape.remove(last - 1);
        }
        (false, true) => {
            shape.remove(last);
        }
        (false, false) => return Ok(out),
    }
    out.view(&shape.iter().map(|&d| d as i64).collect::<Vec<_>>())
}

/// `matrix_power(x, n)`: each square matrix of `x` raised to the integer
/// power `n` by repeated squaring: the identity for `n = 0`, the inverse's
/// power for `n < 0` (so integer matrices give float64 there, as NumPy's
/// do, and a singular matrix is [`Error::LinAlg`]). Integer matrices with
/// `n >= 0` stay integer and wrap as `matmul` does. Always a new tensor.
pub fn matrix_power(x: &Tensor, n: i64) -> Result<Tensor> {
    let size = crate::ops::factor::square_dim("matrix_power", x)?;
    if n == 0 {
        let eye = crate::ops::create::eye(size as i64, None, 0, Some(x.dtype()))?;
        return eye.broadcast_to(x.shape())?.to_contiguous();
    }
    if n == 1 {
        return x.clone_data();
    }
    let mut square = if n < 0 {
        crate::ops::factor::inv(x)?
    } else {
        x.clone()
    };
    let mut e = n.unsigned_abs();
    // Square up to the lowest set bit of `|n|` (there is one: `n != 0`);
    // that power starts the product, and each higher set bit multiplies in.
    while e & 1 == 0 {
        square = matmul(&square, &square)?;
        e >>= 1;
    }
    let mut result = square.clone();
    e >>= 1;
    while e != 0 {
        square = matmul(&square, &square)?;
        if e & 1 == 1 {
            result = matmul(&result, &square)?;
        }
        e >>= 1;
    }
    // `n = 1` returned above, so `result` is new: a product, or for
    // `n = -1` the fresh inverse.
    Ok(result)
}

/// `x1 @= x2`: the product written back into `x1`, which must be writeable,
/// keep its shape (so `x2` is square, or broadcasts without growing `x1`)
/// and hold the product's dtype under NumPy's `same_kind` casting.
pub fn matmul_(x1: &Tensor, x2: &Tensor) -> Result<()> {
    const OP: &str = "@=";
    x1.check_writable(OP)?;
    let product = matmul(x1, x2)?;
    if product.shape() != x1.shape() {
        return Err(incompatible(
            OP,
            x1,
            x2,
            "an in-place product must keep x1's shape (x2 square, k by k); use x1 @ x2 for a new tensor",
        ));
    }
    if kind_rank(product.dtype()) > kind_rank(x1.dtype()) {
        return Err(Error::DTypeMismatch {
            op: OP,
            expected: x1.dtype(),
            got: product.dtype(),
        });
    }
    x1.copy_(&product)
}

/// NumPy's order of dtype kinds for `same_kind` casting: a cast to an
/// earlier kind is refused.
fn kind_rank(dtype: DType) -> u8 {
    match dtype.kind() {
        DTypeKind::Bool => 0,
        DTypeKind::UInt => 1,
        DTypeKind::Int => 2,
        DTypeKind::Float => 3,
        DTypeKind::Complex => 4,
    }
}

/// The last two dimensions swapped (a view), for a stack of matrices.
pub fn matrix_transpose(x: &Tensor) -> Result<Tensor> {
    if x.ndim() < 2 {
        return Err(Error::InvalidArgument {
            op: "matrix_transpose",
            reason:
                "needs a tensor with at least 2 dimensions; use permute_dims or reshape for vectors",
        });
    }
    x.transpose(-2, -1)
}

/// The tensor contraction of `x1` and `x2` over the axes in `axes`.
///
/// The result's dimensions are `x1`'s free (uncontracted) dimensions
/// followed by `x2`'s, its dtype NumPy's promotion of the two. Contracted
/// axes must have equal sizes: they do not broadcast (as in NumPy).
pub fn tensordot(x1: &Tensor, x2: &Tensor, axes: &TensordotAxes) -> Result<Tensor> {
    const OP: &str = "tensordot";
    require_cpu(OP, &[x1, x2])?;
    let (n1, n2) = (x1.ndim(), x2.ndim());
    let (axes1, axes2): (Vec<usize>, Vec<usize>) = match axes {
        TensordotAxes::Count(count) => {
            if *count > n1 || *count > n2 {
                return Err(incompatible(
                    OP,
                    x1,
                    x2,
                    "axes=N contracts the last N axes of x1 with the first N of x2, so N must not exceed either rank",
                ));
            }
            ((n1 - count..n1).collect(), (0..*count).collect())
        }
        TensordotAxes::Pairs(a1, a2) => {
            if a1.len() != a2.len() {
                return Err(Error::InvalidArgument {
                    op: OP,
                    reason: "axes=(x1_axes, x2_axes) needs two sequences of the same length",
                });
            }
            (distinct_axes(a1, n1)?, distinct_axes(a2, n2)?)
        }
    };
    if axes1
        .iter()
        .zip(&axes2)
        .any(|(&p, &q)| x1.shape()[p] != x2.shape()[q])
    {
        return Err(incompatible(
            OP,
            x1,
            x2,
            "each contracted axis of x1 must have the size of its paired axis of x2 (contracted axes do not broadcast)",
        ));
    }
    let free1: Vec<usize> = (0..n1).filter(|a| !axes1.contains(a)).collect();
    let free2: Vec<usize> = (0..n2).filter(|a| !axes2.contains(a)).collect();
    let size = |t: &Tensor, dims: &[usize]| dims.iter().map(|&d| t.shape()[d]).product::<usize>();
    let (rows, depth, cols) = (size(x1, &free1), size(x1, &axes1), size(x2, &free2));
    let as_i64 = |v: Vec<usize>| v.into_iter().map(|d| d as i64).collect::<Vec<_>>();
    let a = x1
        .permute(&as_i64([free1.clone(), axes1].concat()))?
        .reshape(&[rows as i64, depth as i64])?;
    let b = x2
        .permute(&as_i64([axes2, free2.clone()].concat()))?
        .reshape(&[depth as i64, cols as i64])?;
    let dtype = promote_types(x1.dtype(), x2.dtype());
    let out = batched_product(&a, &b, &[], dtype, false)?;
    let shape: Vec<i64> = free1
        .iter()
        .map(|&d| x1.shape()[d] as i64)
        .chain(free2.iter().map(|&d| x2.shape()[d] as i64))
        .collect();
    out.view(&shape)
}

/// Normalised axes of one `tensordot` operand, each given once.
fn distinct_axes(axes: &[i64], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(a, ndim, "tensordot")?;
        if out.contains(&a) {
            return Err(Error::DuplicateAxis {
                op: "tensordot",
                axis: a,
            });
        }
        out.push(a);
    }
    Ok(out)
}

/// The dot product of vectors along `axis` of `x1` and `x2`, conjugating
/// `x1` when complex: `sum(conj(x1) * x2, axis)`.
///
/// `axis` is taken in each operand's own dimensions (the standard asks for
/// a negative axis, where this is the same as counting in the broadcast
/// shape; NumPy reads a non-negative axis per operand, and so do we). The
/// other dimensions broadcast; the contracted one must have equal sizes.
pub fn vecdot(x1: &Tensor, x2: &Tensor, axis: i64) -> Result<Tensor> {
    const OP: &str = "vecdot";
    require_cpu(OP, &[x1, x2])?;
    let a1 = normalize_axis(axis, x1.ndim(), OP)?;
    let a2 = normalize_axis(axis, x2.ndim(), OP)?;
    let a = move_to_end(x1, a1)?;
    let b = move_to_end(x2, a2)?;
    let n = x1.shape()[a1];
    if x2.shape()[a2] != n {
        return Err(incompatible(
            OP,
            x1,
            x2,
            "the contracted axis must have the same size in x1 and x2 (it does not broadcast)",
        ));
    }
    let batch = broadcast_shapes(&a.shape()[..a.ndim() - 1], &b.shape()[..b.ndim() - 1], OP)
        .map_err(|_| {
            incompatible(
                OP,
                x1,
                x2,
                "the dimensions other than the contracted axis must broadcast together",
            )
        })?;
    let dtype = promote_types(x1.dtype(), x2.dtype());
    let compute = compute_dtype(dtype);
    let mut full = batch.clone();
    full.push(n);
    let a = a.to(compute)?.broadcast_to(&full)?;
    let b = b.to(compute)?.broadcast_to(&full)?;
    let out = Tensor::zeros(&batch, compute)?;
    cpu::matmul::dot_into(&a, &b, &out, true);
    out.to(dtype)
}

/// A view with dimension `axis` moved to the end.
fn move_to_end(x: &Tensor, axis: usize) -> Result<Tensor> {
    let perm: Vec<i64> = (0..x.ndim())
        .filter(|&d| d != axis)
        .chain([axis])
        .map(|d| d as i64)
        .collect();
    x.permute(&perm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arange(n: usize, shape: &[usize]) -> Tensor {
        Tensor::from_vec((0..n as i64).collect(), shape).unwrap()
    }

    /// The product by its definition, on C-order data of 2-D operands.
    fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        (0..m * n)
            .map(|ij| (0..k).map(|p| a[ij / n * k + p] * b[p * n + ij % n]).sum())
            .collect()
    }

    #[test]
    fn vector_operands_lose_their_added_dimension() {
        let v = arange(3, &[3]);
        let m = arange(6, &[3, 2]);
        assert_eq!(matmul(&v, &v).unwrap().shape(), &[] as &[usize]);
        assert_eq!(matmul(&v, &v).unwrap().to_vec::<i64>().unwrap(), vec![5]);
        assert_eq!(
            matmul(&v, &m).unwrap().to_vec::<i64>().unwrap(),
            vec![10, 13]
        );
        assert_eq!(
            matmul(&m.t(), &v).unwrap().to_vec::<i64>().unwrap(),
            vec![10, 13]
        );
        let e = matmul(&m, &m).unwrap_err();
        assert!(matches!(e, Error::IncompatibleShapes { .. }), "{e}");
        assert!(e.to_string().contains("[3, 2]"));
    }

    #[test]
    fn batches_broadcast_and_dtypes_promote() {
        let a = arange(12, &[2, 1, 2, 3]).to(DType::Int8).unwrap();
        let b = Tensor::from_vec(vec![1f32, 0., 0., 1., 1., 1.], &[3, 2]).unwrap();
        let p = matmul(&a, &b).unwrap();
        assert_eq!(p.dtype(), DType::Float32);
        assert_eq!(p.shape(), &[2, 1, 2, 2]);
        assert_eq!(p.to_vec::<f32>().unwrap()[..4], [2., 3., 8., 9.]);
    }

    #[test]
    fn half_products_go_through_f32() {
        let a = Tensor::from_vec(vec![0.5f32; 6], &[2, 3])
            .unwrap()
            .to(DType::BFloat16)
            .unwrap();
        let p = matmul(&a, &a.t()).unwrap();
        assert_eq!(p.dtype(), DType::BFloat16);
        assert_eq!(
            p.to(DType::Float32).unwrap().to_vec::<f32>().unwrap(),
            vec![0.75; 4]
        );
    }

    #[test]
    fn in_place_product_keeps_shape_and_dtype() {
        let a = arange(4, &[2, 2]);
        matmul_(&a, &arange(4, &[2, 2])).unwrap();
        assert_eq!(a.to_vec::<i64>().unwrap(), vec![2, 3, 6, 11]);
        assert!(matmul_(&a, &arange(6, &[2, 3])).is_err());
        let f = Tensor::zeros(&[2, 2], DType::Float64).unwrap();
        assert!(matches!(matmul_(&a, &f), Err(Error::DTypeMismatch { .. })));
        assert!(matmul_(&f, &a).is_ok());
    }

    #[test]
    fn tensordot_matches_its_definition() {
        let a = arange(24, &[2, 3, 4]);
        let b = arange(12, &[4, 3]);
        let r = tensordot(&a, &b, &TensordotAxes::Pairs(vec![1, 2], vec![1, 0])).unwrap();
        assert_eq!(r.shape(), &[2]);
        let want: Vec<i64> = (0..2)
            .map(|i| {
                (0..3)
                    .flat_map(|j| (0..4).map(move |k| (i * 12 + j * 4 + k) * (k * 3 + j)))
                    .sum()
            })
            .collect();
        assert_eq!(r.to_vec::<i64>().unwrap(), want);
        let outer =
            tensordot(&arange(2, &[2]), &arange(3, &[3]), &TensordotAxes::Count(0)).unwrap();
        assert_eq!(outer.shape(), &[2, 3]);
        assert!(tensordot(&a, &b, &TensordotAxes::Count(3)).is_err());
        assert!(tensordot(&a, &b, &TensordotAxes::Pairs(vec![0, 0], vec![0, 1])).is_err());
    }

    #[test]
    fn vecdot_broadcasts_other_axes() {
        let a = arange(6, &[2, 3]);
        let b = arange(3, &[3]);
        assert_eq!(
            vecdot(&a, &b, -1).unwrap().to_vec::<i64>().unwrap(),
            vec![5, 14]
        );
        assert_eq!(vecdot(&a, &arange(2, &[2, 1]), 0).unwrap().shape(), &[3]);
        assert!(vecdot(&a, &arange(2, &[2]), -1).is_err());
    }

    #[test]
    fn matrix_transpose_is_a_view() {
        let a = arange(6, &[1, 2, 3]);
        let t = matrix_transpose(&a).unwrap();
        assert!(t.same_storage(&a));
        assert_eq!(t.shape(), &[1, 3, 2]);
        assert!(matrix_transpose(&arange(3, &[3])).is_err());
    }

    proptest! {
        #[test]
        fn strided_float_products_match_the_naive_product(
            m in 0usize..9, k in 0usize..9, n in 0usize..9,
            ta in any::<bool>(), fa in any::<bool>(), fb in any::<bool>(),
        ) {
            let av: Vec<f64> = (0..m * k).map(|x| (x % 7) as f64 - 3.0).collect();
            let bv: Vec<f64> = (0..k * n).map(|x| (x % 5) as f64 - 2.0).collect();
            // Lay `a` out transposed or with reversed rows, `b` with reversed
            // columns, and read them back through views with the same values.
            let mut a = if ta {
                let at: Vec<f64> = (0..k * m).map(|x| av[(x % m.max(1)) * k + x / m.max(1)]).collect();
                Tensor::from_vec(at, &[k, m]).unwrap().t()
            } else {
                Tensor::from_vec(av.clone(), &[m, k]).unwrap()
            };
            if fa {
                a = a.slice(0, None, None, -1).unwrap().to_contiguous().unwrap().slice(0, None, None, -1).unwrap();
            }
            let mut b = Tensor::from_vec(bv.clone(), &[k, n]).unwrap();
            if fb {
                b = b.slice(1, None, None, -1).unwrap().to_contiguous().unwrap().slice(1, None, None, -1).unwrap();
            }
            let p = matmul(&a, &b).unwrap();
            prop_assert_eq!(p.shape(), &[m, n]);
            prop_assert_eq!(p.to_vec::<f64>().unwrap(), naive(&av, &bv, m, k, n));
        }
    }
}
