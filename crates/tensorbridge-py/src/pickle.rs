//! Pickling: `Tensor.__reduce_ex__` and the function that rebuilds a tensor.
//!
//! A tensor pickles as `_rebuild_tensor(data, dtype, shape, strides,
//! readonly, device, copy)`. `data` holds exactly the elements the view
//! shows: a dense view (C order, or any dense permutation such as `t.T`)
//! ships the block of memory it fills, keeping its strides; any other view
//! is compacted to C order first. With protocol 5, `data` is one
//! `pickle.PickleBuffer` over the tensor's own memory, so `buffer_callback`
//! receives it out of band without a copy (zero-copy through
//! `multiprocessing`, Ray and Dask); older protocols get in-band `bytes`.
//! bfloat16 has no buffer-protocol format, so its bytes travel as uint16.
//!
//! Rebuilding shares whatever buffer pickle hands back (the out-of-band
//! buffers given to `pickle.loads(..., buffers=...)`, or the bytearray of an
//! in-band protocol 5 pickle): the tensor is read-only when the pickle says
//! so or the buffer is. The arguments come from untrusted data, so they go
//! through the core's one checked road, [`UncheckedParts::into_tensor_in`],
//! bounded by the buffer's length; a misaligned buffer, or an in-band
//! `bytes` object for a writeable tensor (`copy=True`), is copied into
//! fresh aligned memory instead of shared.

use std::sync::Arc;

use pyo3::buffer::PyUntypedBuffer;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyMemoryView, PyTuple};
use tensorbridge::{DType, Device, Error, ForeignOwner, Storage, Tensor, UncheckedParts};

use crate::errors::{value_error, CoreResultExt};
use crate::numpy::PyOwner;
use crate::tensor::{wrap, PyTensor};
use crate::tensor_device::onto;

/// What the rebuild function is called in error messages.
const OP: &str = "unpickling a tensor";

/// Keeps a private aligned copy of pickled bytes alive.
struct CopiedBytes(#[allow(dead_code)] Arc<Storage>);

impl ForeignOwner for CopiedBytes {
    /// Nobody else has the copy, so it may move into shared memory.
    fn is_private(&self) -> bool {
        true
    }
}

fn cached<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    cell.get_or_try_init(py, || Ok::<_, PyErr>(py.import(module)?.getattr(name)?.unbind()))
        .map(|f| f.bind(py).clone())
}

/// The C-order (or dense-order) block of `t`'s visible elements as a 1-D
/// tensor, and the strides of `t` relative to that block's start.
fn visible_block(t: &Tensor) -> PyResult<(Tensor, Vec<isize>)> {
    let payload_dtype = if t.dtype() == DType::BFloat16 {
        DType::UInt16
    } else {
        t.dtype()
    };
    let numel = t.numel();
    if numel > 0 && t.dense_order().is_some() {
        if let Some((lo, hi)) = t.layout().span() {
            if hi + 1 - lo == numel && lo == t.layout().offset() {
                let flat = Tensor::from_storage(t.storage().clone(), payload_dtype, &[numel], &[1], lo).py()?;
                return Ok((flat, t.strides().to_vec()));
            }
        }
    }
    let c = t.contiguous().py()?;
    let strides = tensorbridge::layout::contiguous_strides(c.shape()).py()?;
    Ok((
        c.reshape(&[numel as i64]).py()?.view_dtype(payload_dtype).py()?,
        strides,
    ))
}

/// `Tensor.__reduce_ex__(protocol)`.
pub fn reduce_ex<'py>(slf: &Bound<'py, PyTensor>, protocol: i64) -> PyResult<Bound<'py, PyTuple>> {
    static REBUILD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static PICKLE_BUFFER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = slf.py();
    let tensor = &slf.get().inner;
    // A CUDA tensor pickles its bytes from the host and comes back on its device.
    let host = tensor.cpu().py()?;
    let t = &host;
    let (block, strides) = visible_block(t)?;
    let copy = protocol < 5 && !t.is_readonly();
    let data = if protocol >= 5 {
        cached(py, &PICKLE_BUFFER, "pickle", "PickleBuffer")?.call1((wrap(py, block)?,))?
    } else {
        // SAFETY: `block` is a contiguous CPU tensor; its `nbytes` bytes from
        // `data_ptr` lie in its storage, which it keeps alive meanwhile.
        let bytes = unsafe { std::slice::from_raw_parts(block.data_ptr(), block.nbytes()) };
        PyBytes::new(py, bytes).into_any()
    };
    let args = (
        data,
        t.dtype().name(),
        PyTuple::new(py, t.shape())?,
        PyTuple::new(py, strides)?,
        t.is_readonly(),
        tensor.device().to_string(),
        copy,
    );
    PyTuple::new(
        py,
        [
            cached(py, &REBUILD, "tensorbridge._core", "_rebuild_tensor")?,
            args.into_pyobject(py)?.into_any(),
        ],
    )
}

/// `_rebuild_tensor(data, dtype, shape, strides, readonly, device, copy=False)`:
/// what a pickled tensor calls to come back. `data` is any contiguous
/// buffer; it is shared unless `copy` is true or it is misaligned.
#[pyfunction]
#[pyo3(signature = (data, dtype, shape, strides, readonly, device, copy = false))]
#[allow(clippy::too_many_arguments)]
pub fn _rebuild_tensor<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    dtype: &str,
    shape: Vec<i64>,
    strides: Vec<i64>,
    readonly: bool,
    device: &str,
    copy: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    let dtype = DType::ALL
        .into_iter()
        .find(|d| d.name() == dtype)
        .ok_or_else(|| Error::UnknownDType {
            name: dtype.to_string(),
        })
        .py()?;
    let device = device.parse::<Device>().py()?;
    let view = PyMemoryView::from(data)?;
    let (ptr, len_bytes, buffer_readonly) = {
        let raw = PyUntypedBuffer::get(view.as_any())?;
        if !raw.is_c_contiguous() && !raw.is_fortran_contiguous() {
            return Err(value_error(format!(
                "{OP}: the data buffer is not contiguous; pass the buffers pickle produced"
            )));
        }
        (raw.buf_ptr() as *mut u8, raw.len_bytes(), raw.readonly())
    };
    let aligned = (ptr as usize) % tensorbridge::element_align(dtype) == 0;
    let (start, owner, readonly): (*mut u8, Box<dyn ForeignOwner>, bool) = if copy || !aligned {
        let bytes: &[u8] = if len_bytes == 0 {
            &[]
        } else {
            // SAFETY: the memoryview holds the buffer's export: `len_bytes`
            // readable bytes at `ptr` until `view` is dropped, after this copy.
            unsafe { std::slice::from_raw_parts(ptr as *const u8, len_bytes) }
        };
        let storage = Arc::new(Storage::from_bytes(bytes).py()?);
        let start = storage.as_ptr() as *mut u8;
        (start, Box::new(CopiedBytes(storage)), readonly)
    } else {
        (
            ptr,
            Box::new(PyOwner::new(view.into_any().unbind())),
            readonly || buffer_readonly,
        )
    };
    let parts = UncheckedParts {
        data: start,
        dtype,
        shape,
        strides,
        readonly,
        device: Device::Cpu,
    };
    // SAFETY: `len_bytes` bytes from `start` are readable (and writable
    // unless `readonly`: a writable export or our own copy) for as long as
    // `owner` (the memoryview holding the export, or the copy) lives;
    // `into_tensor_in` refuses parts that reach outside them.
    let t = match unsafe { parts.into_tensor_in(start, len_bytes, owner) } {
        // Too short a buffer for the layout says so in bytes; a layout that
        // reaches before the buffer's start keeps the core's message.
        Err(Error::OutOfBounds { lowest, highest, .. }) if lowest >= 0 => {
            let needed = (highest + 1) as u128 * dtype.itemsize() as u128;
            return Err(mismatch(u64::try_from(needed).unwrap_or(u64::MAX), len_bytes));
        }
        r => r.py()?,
    };
    let expected_bytes = if t.numel() == 0 { 0 } else { t.storage().len_bytes() };
    if expected_bytes != len_bytes {
        return Err(mismatch(expected_bytes as u64, len_bytes));
    }
    wrap(py, onto(t, device)?)
}

fn mismatch(expected_bytes: u64, got_bytes: usize) -> PyErr {
    crate::errors::to_py(Error::ByteLengthMismatch {
        op: OP,
        expected_bytes,
        got_bytes: got_bytes as u64,
    })
}
