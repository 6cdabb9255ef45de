//! Cumulative reductions: `cumulative_sum` and `cumulative_prod`.
//!
//! Result dtypes are those of `sum`/`prod` (int64 for signed integers and
//! bool, uint64 for unsigned, floats and complex keep theirs; `dtype=`
//! casts the input first). `axis` may be omitted only for tensors of at
//! most one dimension; `include_initial` prepends the identity (0 or 1),
//! making the axis one longer. A 0-d input is treated as one element, like
//! NumPy.

use super::reduce::{single_axis, sum_input, sum_output};
use crate::cpu::cumulative::cumulative_new;
use crate::cpu::fold::{Prod, Sum};
use crate::dtype::DType;
use crate::error::Result;
use crate::tensor::Tensor;

#[derive(Copy, Clone)]
enum Kind {
    Sum,
    Prod,
}

fn running(
    x: &Tensor,
    axis: Option<i64>,
    dtype: Option<DType>,
    include_initial: bool,
    kind: Kind,
    op: &'static str,
) -> Result<Tensor> {
    let (x, k) = single_axis(x, axis, false, op)?;
    let x = sum_input(&x, dtype)?;
    let mut shape = x.shape().to_vec();
    shape[k] += include_initial as usize;
    let out = crate::dispatch_dtype!(x.dtype(), T => match kind {
        Kind::Sum => cumulative_new(&Sum::<T>::default(), &x, k, include_initial),
        Kind::Prod => cumulative_new(&Prod::<T>::default(), &x, k, include_initial),
    })?;
    sum_output(out, dtype)
}

/// `cumulative_sum(x, axis, dtype, include_initial)`: running sums along
/// `axis`.
pub fn cumulative_sum(
    x: &Tensor,
    axis: Option<i64>,
    dtype: Option<DType>,
    include_initial: bool,
) -> Result<Tensor> {
    running(x, axis, dtype, include_initial, Kind::Sum, "cumulative_sum")
}

/// `cumulative_prod(x, axis, dtype, include_initial)`: running products
/// along `axis`.
pub fn cumulative_prod(
    x: &Tensor,
    axis: Option<i64>,
    dtype: Option<DType>,
    include_initial: bool,
) -> Result<Tensor> {
    running(
        x,
        axis,
        dtype,
        include_initial,
        Kind::Prod,
        "cumulative_prod",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn running_sums_along_each_axis() {
        let x = Tensor::from_vec((1..=6).collect::<Vec<i32>>(), &[2, 3]).unwrap();
        let s = cumulative_sum(&x, Some(1), None, false).unwrap();
        assert_eq!(
            (s.dtype(), s.to_vec::<i64>().unwrap()),
            (DType::Int64, vec![1, 3, 6, 4, 9, 15])
        );
        let s = cumulative_sum(&x, Some(0), None, true).unwrap();
        assert_eq!(s.shape(), &[3, 3]);
        assert_eq!(s.to_vec::<i64>().unwrap(), vec![0, 0, 0, 1, 2, 3, 5, 7, 9]);
        let p = cumulative_prod(&x.t(), Some(-1), Some(DType::Float64), false).unwrap();
        assert_eq!(
            p.to_vec::<f64>().unwrap(),
            vec![1.0, 4.0, 2.0, 10.0, 3.0, 18.0]
        );
        let r = x.slice(1, None, None, -1).unwrap();
        let s = cumulative_sum(&r, Some(1), None, false).unwrap();
        assert_eq!(s.to_vec::<i64>().unwrap(), vec![3, 5, 6, 6, 11, 15]);
        assert!(matches!(
            cumulative_sum(&x, None, None, false),
            Err(Error::InvalidArgument { .. })
        ));
    }

    #[test]
    fn row_by_row_shape_matches_lines() {
        let n = 64 * 9;
        let x = Tensor::from_vec((0..n as i64).collect(), &[9, 64]).unwrap();
        let s = cumulative_sum(&x, Some(0), None, false)
            .unwrap()
            .to_vec::<i64>()
            .unwrap();
        for j in 0..64 {
            let mut acc = 0;
            for i in 0..9 {
                acc += (i * 64 + j) as i64;
                assert_eq!(s[i * 64 + j], acc);
            }
        }
    }
}
