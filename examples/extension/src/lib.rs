//! `tb_example`: a separate PyO3 extension module that takes NumPy arrays,
//! PyTorch tensors, JAX arrays and `tensorbridge.Tensor`s as core
//! [`Tensor`]s without copying, and returns `tensorbridge.Tensor`s.
//!
//! Every argument typed [`SharedTensor`] arrives through DLPack (see the
//! note in `tensorbridge_py::interop` on why), and every `SharedTensor`
//! returned becomes a genuine `tensorbridge.Tensor` of the installed package.

use pyo3::prelude::*;
use tbpy::interop::CoreResultExt;
use tbpy::SharedTensor;
use tensorbridge::{DType, Element, Tensor};

/// `x * k` as a new tensor: float inputs keep their dtype, others become
/// float64. Computed through the core: a float64 copy in C order, a new
/// buffer, and a cast back.
#[pyfunction]
fn scale(x: SharedTensor, k: f64) -> PyResult<SharedTensor> {
    let values: Vec<f64> = x.to_dtype(DType::Float64).py()?.to_vec().py()?;
    let scaled = values.into_iter().map(|v| v * k).collect();
    let out = Tensor::from_vec::<f64>(scaled, x.shape()).py()?;
    let dtype = match x.dtype() {
        d @ (DType::Float16 | DType::BFloat16 | DType::Float32) => d,
        _ => DType::Float64,
    };
    Ok(SharedTensor(out.to(dtype).py()?))
}

/// The sum of all elements, read in place through a strided `ndarray` view
/// (any strides, negative and zero included) for float64, float32 and
/// int32; other dtypes are summed from a float64 copy.
#[pyfunction]
fn sum(x: SharedTensor) -> PyResult<f64> {
    match x.dtype() {
        DType::Float64 => view_sum::<f64>(&x),
        DType::Float32 => view_sum::<f32>(&x),
        DType::Int32 => view_sum::<i32>(&x),
        _ => view_sum::<f64>(&x.to_dtype(DType::Float64).py()?),
    }
}

/// Sums a tensor of element type `T` without copying it.
fn view_sum<T: Element + Copy + Into<f64>>(t: &Tensor) -> PyResult<f64> {
    Ok(t.as_array_view::<T>().py()?.iter().map(|&v| v.into()).sum())
}

/// The address of the first element: equal to the producer's own pointer
/// (`ndarray.ctypes.data`, `torch.Tensor.data_ptr()`), since nothing is copied.
#[pyfunction]
fn data_ptr(x: SharedTensor) -> usize {
    x.data_ptr() as usize
}

/// All dimensions reversed: a view, returned as a `tensorbridge.Tensor`
/// that shares the input's memory (and its read-only flag).
#[pyfunction]
fn transpose(x: SharedTensor) -> SharedTensor {
    SharedTensor(x.t())
}

/// The example module.
#[pymodule]
fn tb_example(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scale, m)?)?;
    m.add_function(wrap_pyfunction!(sum, m)?)?;
    m.add_function(wrap_pyfunction!(data_ptr, m)?)?;
    m.add_function(wrap_pyfunction!(transpose, m)?)?;
    Ok(())
}
