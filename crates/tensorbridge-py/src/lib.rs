//! `tensorbridge._core`: the Python extension over the tensorbridge core.
//!
//! Each file owns one boundary: `dtype`/`device` objects, the `tensor`
//! class, `numpy` sharing both ways, the `buffer` protocol, `indexing`
//! keys, `input` classification of Python objects, nested `sequence`s,
//! module `functions`, and `errors` (the one error-to-exception map).
//! The Array API operations are one file per family (`elementwise`,
//! `operators`, `tensor_math`, `type_functions`, `reduce`, `linalg`,
//! `sort`, `set`, `selection`, `creation`, `manipulation`), each adding
//! its module functions and its own `#[pymethods]` block to the tensor;
//! `operand` turns Python arguments (weak scalars, `axis=`/`dim=`) into
//! core operands. `shared_memory` moves storage into memory other
//! processes map. `interop` is the public Rust API for other extension modules: tensors
//! in and out of their `#[pyfunction]`s through DLPack.

mod buffer;
mod creation;
mod cuda;
mod device;
mod dlpack;
mod dlpack_exchange;
mod dlpack_method;
mod dtype;
mod elementwise;
mod errors;
mod fft;
mod functions;
mod host_memory;
mod indexing;
mod input;
mod linalg;
mod linalg_extension;
pub mod interop;
mod manipulation;
mod npy;
mod numpy;
mod operand;
mod operators;
mod out_arg;
mod pickle;
mod selection;
mod reduce;
mod reduce_methods;
mod sequence;
mod set;
mod sort;
mod shared_memory;
mod tensor;
mod tensor_device;
mod tensor_math;
mod type_functions;

use pyo3::prelude::*;

pub use interop::SharedTensor;

/// The compiled core of the `tensorbridge` package.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tensor::PyTensor>()?;
    dlpack_method::install(&m.py().get_type::<tensor::PyTensor>())?;
    m.add_class::<device::PyDevice>()?;
    dtype::register(m)?;
    m.add_function(wrap_pyfunction!(functions::tensor, m)?)?;
    m.add_function(wrap_pyfunction!(functions::from_numpy, m)?)?;
    m.add_function(wrap_pyfunction!(functions::as_tensor, m)?)?;
    m.add_function(wrap_pyfunction!(functions::asarray, m)?)?;
    m.add_function(wrap_pyfunction!(functions::shares_memory, m)?)?;
    m.add_function(wrap_pyfunction!(dlpack::from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(functions::zeros, m)?)?;
    m.add_function(wrap_pyfunction!(functions::ones, m)?)?;
    m.add_function(wrap_pyfunction!(functions::empty, m)?)?;
    m.add_function(wrap_pyfunction!(functions::full, m)?)?;
    m.add_function(wrap_pyfunction!(npy::save, m)?)?;
    m.add_function(wrap_pyfunction!(npy::load, m)?)?;
    m.add_function(wrap_pyfunction!(pickle::_rebuild_tensor, m)?)?;
    elementwise::register(m)?;
    type_functions::register(m)?;
    selection::register(m)?;
    creation::register(m)?;
    manipulation::register(m)?;
    reduce::register(m)?;
    linalg::register(m)?;
    linalg_extension::register(m)?;
    fft::register(m)?;
    sort::register(m)?;
    set::register(m)?;
    shared_memory::register(m)?;
    host_memory::register(m)?;
    cuda::register(m)?;
    Ok(())
}
