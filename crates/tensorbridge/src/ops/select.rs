//! `where(condition, x1, x2)`: elementwise choice between two tensors.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::promote::promote_types;
use crate::tensor::Tensor;

/// `where(condition, x1, x2)` (a raw identifier: `where` is a Rust
/// keyword): `x1` where `condition` is true, else `x2`. The three
/// broadcast together; the result dtype is the promotion of `x1` and
/// `x2`. A non-bool condition counts non-zero elements as true (NumPy's
/// reading; the standard asks for bool).
pub fn r#where(condition: &Tensor, x1: &Tensor, x2: &Tensor) -> Result<Tensor> {
    for t in [condition, x1, x2] {
        if !t.device().is_cpu() {
            return Err(Error::DeviceUnavailable {
                op: "where",
                device: t.device(),
            });
        }
    }
    let dtype = promote_types(x1.dtype(), x2.dtype());
    let shape = broadcast_shapes(x1.shape(), x2.shape(), "where")?;
    let shape = broadcast_shapes(condition.shape(), &shape, "where")?;
    let cond = condition.to(DType::Bool)?.broadcast_to(&shape)?;
    let a = x1.to(dtype)?.broadcast_to(&shape)?;
    let b = x2.to(dtype)?.broadcast_to(&shape)?;
    crate::cpu::select::select(&cond, &a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_broadcasts_and_promotes() {
        let c = Tensor::from_vec(vec![true, false, true], &[3]).unwrap();
        let a = Tensor::from_vec(vec![1i32, 2], &[2, 1]).unwrap();
        let b = Tensor::from_vec(vec![0.5f32], &[]).unwrap();
        let r = r#where(&c, &a, &b).unwrap();
        assert_eq!(r.dtype(), DType::Float64);
        assert_eq!(r.shape(), &[2, 3]);
        assert_eq!(r.to_vec::<f64>().unwrap(), vec![1., 0.5, 1., 2., 0.5, 2.]);
        let bad = Tensor::zeros(&[3, 3], DType::Bool).unwrap();
        assert!(r#where(&bad, &a, &b).is_err());
    }
}
