//! Selection by boolean masks: `nonzero`, and the fast paths of `x[mask]`
//! and `x[mask] = value` for a mask over the leading dimensions of a
//! contiguous tensor (the common case; every other mask goes through
//! [`super::index_key`], which turns it into positions with `nonzero`).

use crate::cpu::mask as kernel;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::{IndexItem, Tensor, TensorIndex};

/// `x` as C-contiguous bool bytes (true where `x` is non-zero; NaN is
/// non-zero), shared when it already is.
fn truth_bytes(x: &Tensor) -> Result<Tensor> {
    if x.dtype() == DType::Bool && x.is_contiguous() {
        return Ok(x.clone());
    }
    crate::cpu::gather::contiguous_as(x, DType::Bool)
}

/// `nonzero(x)`: the indices of the non-zero elements of `x`, one int64
/// tensor per dimension, in C order. 0-d tensors are refused (as the
/// standard and NumPy 2 do).
pub fn nonzero(x: &Tensor) -> Result<Vec<Tensor>> {
    if !x.device().is_cpu() {
        return Err(Error::DeviceUnavailable {
            op: "nonzero",
            device: x.device(),
        });
    }
    if x.ndim() == 0 {
        return Err(Error::InvalidArgument {
            op: "nonzero",
            reason: "nonzero is not defined for 0-d tensors; reshape to 1-d first (x.reshape(1))",
        });
    }
    let m = truth_bytes(x)?;
    let flat = kernel::true_positions(kernel::bytes_of(&m))?;
    if x.ndim() == 1 {
        return Ok(vec![flat]);
    }
    kernel::unravel(crate::cpu::gather::as_i64_slice(&flat), x.shape())
}

/// The mask of `x[mask]` / `x[mask, ...]` when the fast paths apply: a
/// bool mask of at least one dimension matching the leading dimensions of
/// a contiguous CPU tensor.
pub(crate) fn leading_mask(x: &Tensor, key: &[IndexItem]) -> Option<Tensor> {
    let m = match key {
        [IndexItem::Array(m)] | [IndexItem::Array(m), IndexItem::Basic(TensorIndex::Ellipsis)] => m,
        _ => return None,
    };
    let fits = m.dtype() == DType::Bool
        && m.ndim() >= 1
        && m.ndim() <= x.ndim()
        && m.shape() == &x.shape()[..m.ndim()]
        && x.is_contiguous()
        && m.device().is_cpu();
    if !fits {
        return None;
    }
    m.contiguous().ok()
}

/// `x[mask]` for a mask over `x`'s leading dimensions (see
/// [`leading_mask`]): shape `(count,) + x.shape[mask.ndim:]`.
pub(crate) fn select_leading(x: &Tensor, mask: &Tensor) -> Result<Tensor> {
    kernel::select(x, mask)
}

/// `x[mask] = value` for a mask over `x`'s leading dimensions (the caller
/// checked that `x` is writable).
pub(crate) fn assign_leading(x: &Tensor, mask: &Tensor, value: &Tensor) -> Result<()> {
    // A mask read while `x` is written must not be `x` itself (`x[x] = 0`).
    let mask = &if mask.may_share_memory(x) {
        mask.to_contiguous()?
    } else {
        mask.clone()
    };
    let count = kernel::count(kernel::bytes_of(mask));
    let mut shape = vec![count];
    shape.extend_from_slice(&x.shape()[mask.ndim()..]);
    let value = super::gather::prepare_value(x, value, &shape, "index assignment")?;
    kernel::assign(x, mask, &value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonzero_in_c_order() {
        let x = Tensor::from_vec(vec![0.0f32, 1.0, f32::NAN, 0.0, -0.0, 2.0], &[2, 3]).unwrap();
        let nz = nonzero(&x).unwrap();
        assert_eq!(nz[0].to_vec::<i64>().unwrap(), vec![0, 0, 1]);
        assert_eq!(nz[1].to_vec::<i64>().unwrap(), vec![1, 2, 2]);
        let t = x.t();
        let nz = nonzero(&t).unwrap();
        assert_eq!(nz[0].to_vec::<i64>().unwrap(), vec![1, 2, 2]);
        assert!(nonzero(&Tensor::zeros(&[], DType::Bool).unwrap()).is_err());
    }

    #[test]
    fn leading_mask_select_and_assign() {
        let x = Tensor::from_vec((0..6i32).collect(), &[3, 2]).unwrap();
        let m = Tensor::from_vec(vec![true, false, true], &[3]).unwrap();
        let key = [IndexItem::Array(m.clone())];
        let r = x.index_get(&key).unwrap();
        assert_eq!(r.shape(), &[2, 2]);
        assert_eq!(r.to_vec::<i32>().unwrap(), vec![0, 1, 4, 5]);
        x.index_set(&key, &Tensor::from_vec(vec![9i64, 8], &[2]).unwrap())
            .unwrap();
        assert_eq!(x.to_vec::<i32>().unwrap(), vec![9, 8, 2, 3, 9, 8]);
        x.index_set(&key, &Tensor::from_vec(vec![1.5f64], &[]).unwrap())
            .unwrap();
        assert_eq!(x.to_vec::<i32>().unwrap(), vec![1, 1, 2, 3, 1, 1]);
    }
}
