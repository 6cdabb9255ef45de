//! Nested Python sequences (lists and tuples of numbers, arrays or tensors)
//! copied into a new tensor.
//!
//! Flat lists of Python floats or ints take a fast path that reads the
//! objects directly into the output; everything else goes through a general
//! walk that finds the shape, checks it is not ragged, infers the dtype
//! (PyTorch's defaults for Python scalars, NumPy promotion for arrays) and
//! writes the leaves in C order.

use numpy::PyUntypedArray;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PySequence, PyTuple};
use tensorbridge::promote::promote_types;
use tensorbridge::{DType, DTypeKind, Scalar, Tensor};

use crate::errors::{overflow_error, type_error, value_error, CoreResultExt};
use crate::input::{check_scalar_fits, from_ndarray, scalar_from_py, to_tensor, Copy};
use crate::tensor::PyTensor;

/// One leaf of a nested sequence: a number, or an array/tensor block that
/// fills the innermost dimensions.
enum Item {
    Scalar(Scalar),
    Block(Tensor),
}

/// Copies a nested list/tuple into a new C-contiguous tensor.
pub fn tensor_from_sequence(obj: &Bound<'_, PyAny>, dtype: Option<DType>) -> PyResult<Tensor> {
    if let Ok(list) = obj.cast::<PyList>() {
        if let Some(t) = fast_flat_list(list, dtype)? {
            return Ok(t);
        }
        if let Some(t) = fast_list_of_arrays(list, dtype)? {
            return Ok(t);
        }
    }
    let shape = discover_shape(obj)?;
    let mut items = Vec::new();
    walk(obj, 0, &shape, &mut items)?;
    let dtype = match dtype {
        Some(d) => d,
        None => infer_dtype(&items)?,
    };
    write(&items, &shape, dtype)
}

/// Lists whose items are all exact Python floats, or all exact Python ints
/// that fit in int64: read straight into the output (the common case for
/// `tensor([0.1, 0.2, ...])`). `None` when the list is anything else.
fn fast_flat_list(list: &Bound<'_, PyList>, dtype: Option<DType>) -> PyResult<Option<Tensor>> {
    let n = list.len();
    if n == 0 {
        return Ok(None);
    }
    let ptr = list.as_ptr();
    // SAFETY (for every block below): we hold the GIL and a reference to the
    // list; PyList_GetItem returns a borrowed reference to an item that the
    // list keeps alive, and indices are < the length read under the GIL
    // (nothing here runs Python code that could shrink the list).
    let first = unsafe { ffi::PyList_GetItem(ptr, 0) };
    let float_type = std::ptr::addr_of_mut!(ffi::PyFloat_Type);
    let long_type = std::ptr::addr_of_mut!(ffi::PyLong_Type);
    let first_type = unsafe { ffi::Py_TYPE(first) };
    if first_type == float_type {
        let target = dtype.unwrap_or(DType::Float32);
        if target == DType::Float32 {
            let mut out: Vec<f32> = Vec::with_capacity(n);
            for i in 0..n {
                let item = unsafe { ffi::PyList_GetItem(ptr, i as ffi::Py_ssize_t) };
                if unsafe { ffi::Py_TYPE(item) } != float_type {
                    return Ok(None);
                }
                out.push(unsafe { ffi::PyFloat_AsDouble(item) } as f32);
            }
            return Tensor::from_vec(out, &[n]).py().map(Some);
        }
        let mut out: Vec<f64> = Vec::with_capacity(n);
        for i in 0..n {
            let item = unsafe { ffi::PyList_GetItem(ptr, i as ffi::Py_ssize_t) };
            if unsafe { ffi::Py_TYPE(item) } != float_type {
                return Ok(None);
            }
            out.push(unsafe { ffi::PyFloat_AsDouble(item) });
        }
        if target.is_integer() {
            for &v in &out {
                check_scalar_fits(Scalar::Float(v), target)?;
            }
        }
        let t = Tensor::from_vec(out, &[n]).py()?;
        return t.to(target).py().map(Some);
    }
    if first_type == long_type {
        let target = dtype.unwrap_or(DType::Int64);
        let mut out: Vec<i64> = Vec::with_capacity(n);
        for i in 0..n {
            let item = unsafe { ffi::PyList_GetItem(ptr, i as ffi::Py_ssize_t) };
            if unsafe { ffi::Py_TYPE(item) } != long_type {
                return Ok(None);
            }
            let mut overflow = 0;
            let v = unsafe { ffi::PyLong_AsLongLongAndOverflow(item, &mut overflow) };
            if overflow != 0 {
                return Ok(None);
            }
            out.push(v);
        }
        if target.is_integer() {
            for &v in &out {
                check_scalar_fits(Scalar::Int(v), target)?;
            }
        }
        let t = Tensor::from_vec(out, &[n]).py()?;
        return t.to(target).py().map(Some);
    }
    Ok(None)
}

/// Lists of same-shape, same-dtype, C-contiguous, aligned, native-order
/// ndarrays (a batch of samples): one memcpy (or cast) per array straight
/// into the output, no per-array tensor. `None` when the list is anything
/// else, so the general path decides (and reports errors).
fn fast_list_of_arrays(list: &Bound<'_, PyList>, dtype: Option<DType>) -> PyResult<Option<Tensor>> {
    use numpy::npyffi::flags::{NPY_ARRAY_ALIGNED, NPY_ARRAY_C_CONTIGUOUS};
    use numpy::{PyArrayDescrMethods, PyUntypedArrayMethods};
    if list.is_empty() {
        return Ok(None);
    }
    let first = list.get_item(0)?;
    let Ok(first) = first.cast::<PyUntypedArray>() else {
        return Ok(None);
    };
    let descr = first.dtype();
    if descr.is_native_byteorder() == Some(false) {
        return Ok(None);
    }
    let Ok(from) = crate::numpy::dtype_of_descr(&descr) else {
        return Ok(None);
    };
    let inner: Vec<usize> = first.shape().to_vec();
    let descr_ptr = descr.as_ptr();
    let mut data: Vec<usize> = Vec::with_capacity(list.len());
    for item in list.iter() {
        let Ok(arr) = item.cast::<PyUntypedArray>() else {
            return Ok(None);
        };
        // SAFETY: a live ndarray's struct is read under the GIL.
        let f = unsafe { &(*arr.as_array_ptr()).fields };
        let ok = f.descr as *mut pyo3::ffi::PyObject == descr_ptr
            && f.flags & NPY_ARRAY_C_CONTIGUOUS != 0
            && f.flags & NPY_ARRAY_ALIGNED != 0
            && arr.shape() == inner.as_slice();
        if !ok {
            return Ok(None);
        }
        data.push(f.data as usize);
    }
    let to = dtype.unwrap_or(from);
    let mut shape = vec![list.len()];
    shape.extend_from_slice(&inner);
    if shape.len() > tensorbridge::layout::MAX_NDIM {
        return Ok(None);
    }
    let n: usize = inner.iter().product();
    // SAFETY: the loop below writes all `len * n` elements.
    let out = unsafe { Tensor::uninit(&shape, to) }.py()?;
    let dst = out.data_ptr() as *mut u8;
    for (k, &src) in data.iter().enumerate() {
        // SAFETY: each source is a C-contiguous, aligned ndarray of `n`
        // elements of `from`, kept alive by the list we hold under the GIL
        // (no Python code runs in this loop); the destination rows are
        // disjoint slices of the fresh output.
        unsafe {
            tensorbridge::cpu::cast::cast_run(from, src as *const u8, 1, to, dst.add(k * n * to.itemsize()), 1, n)
        };
    }
    Ok(Some(out))
}

fn is_sequence(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>()
}

/// The shape implied by the first element at every depth.
fn discover_shape(obj: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let mut shape = Vec::new();
    let mut cur = obj.clone();
    loop {
        if is_sequence(&cur) {
            if shape.len() >= tensorbridge::layout::MAX_NDIM {
                return Err(value_error(format!(
                    "nested sequence is deeper than {} levels (a list that contains itself?); tensors have at most {} dimensions",
                    tensorbridge::layout::MAX_NDIM,
                    tensorbridge::layout::MAX_NDIM
                )));
            }
            let seq = cur.cast::<PySequence>()?;
            let n = seq.len()?;
            shape.push(n);
            if n == 0 {
                break;
            }
            cur = seq.get_item(0)?;
        } else {
            if let Ok(t) = cur.cast::<PyTensor>() {
                shape.extend_from_slice(t.get().inner.shape());
            } else if let Ok(a) = cur.cast::<PyUntypedArray>() {
                use numpy::PyUntypedArrayMethods;
                shape.extend_from_slice(a.shape());
            } else if scalar_from_py(&cur)?.is_none() {
                // Other array-likes (torch, JAX, TensorFlow tensors, NumPy
                // scalars) publish their shape; `walk` checks it for real.
                if let Ok(dims) = cur.getattr(pyo3::intern!(cur.py(), "shape")).and_then(|s| s.extract::<Vec<usize>>()) {
                    shape.extend_from_slice(&dims);
                } else if is_array_like(&cur)? {
                    // No published shape (an object with only `__array__`):
                    // convert it to learn one. `walk` converts it again and
                    // reports a producer whose answers differ; an error
                    // here is left for `walk` to raise.
                    if let Ok(t) = to_tensor(&cur, None, Copy::IfNeeded) {
                        shape.extend_from_slice(t.shape());
                    }
                }
            }
            break;
        }
    }
    if shape.len() > tensorbridge::layout::MAX_NDIM {
        return Err(value_error("nested sequence has more than 64 dimensions"));
    }
    Ok(shape)
}

fn walk(obj: &Bound<'_, PyAny>, depth: usize, shape: &[usize], items: &mut Vec<Item>) -> PyResult<()> {
    if depth < shape.len() && is_sequence(obj) {
        let n = if let Ok(list) = obj.cast::<PyList>() { list.len() } else { obj.cast::<PySequence>()?.len()? };
        if n != shape[depth] {
            return Err(ragged(depth, shape[depth], n));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            for item in list.iter() {
                walk(&item, depth + 1, shape, items)?;
            }
        } else {
            for item in obj.try_iter()? {
                walk(&item?, depth + 1, shape, items)?;
            }
        }
        return Ok(());
    }
    if is_sequence(obj) {
        return Err(value_error(format!(
            "ragged nested sequence: found a sequence at depth {depth} where the first elements had numbers; all rows must have the same shape"
        )));
    }
    let t = if let Ok(a) = obj.cast::<PyUntypedArray>() {
        from_ndarray(a, None, Copy::IfNeeded)?
    } else if let Ok(t) = obj.cast::<PyTensor>() {
        t.get().inner.clone()
    } else if let Some(s) = scalar_from_py(obj)? {
        if depth != shape.len() {
            return Err(ragged(depth, shape[depth], 0));
        }
        items.push(Item::Scalar(s));
        return Ok(());
    } else if is_array_like(obj)? {
        to_tensor(obj, None, Copy::IfNeeded)?
    } else {
        return Err(type_error(format!(
            "can't convert an element of type {} in a nested sequence; elements must be numbers, arrays or tensors",
            obj.get_type().name()?
        )));
    };
    if t.shape() != &shape[depth..] {
        return Err(value_error(format!(
            "ragged nested sequence: an element at depth {depth} has shape {:?} but the first one implies {:?}",
            t.shape(),
            &shape[depth..]
        )));
    }
    // A GPU tensor inside a list is read through a host copy, as PyTorch does.
    let t = if t.device().is_cpu() { t } else { t.cpu().py()? };
    items.push(Item::Block(t));
    Ok(())
}

/// Whether `obj` converts through `__array__`, `__array_interface__` or DLPack.
fn is_array_like(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    Ok(obj.hasattr(pyo3::intern!(py, "__array__"))?
        || obj.hasattr(pyo3::intern!(py, "__array_interface__"))?
        || obj.hasattr(pyo3::intern!(py, "__dlpack__"))?)
}

fn ragged(depth: usize, expected: usize, got: usize) -> PyErr {
    value_error(format!(
        "ragged nested sequence: expected a sequence of length {expected} at dimension {depth} (got {got}); all rows must have the same length"
    ))
}

fn kind_rank(k: DTypeKind) -> u8 {
    match k {
        DTypeKind::Bool => 0,
        DTypeKind::Int | DTypeKind::UInt => 1,
        DTypeKind::Float => 2,
        DTypeKind::Complex => 3,
    }
}

/// PyTorch's defaults for Python scalars; arrays and tensors keep their
/// dtype and promote with each other; a Python scalar of a higher kind
/// than the arrays lifts the result to that kind.
fn infer_dtype(items: &[Item]) -> PyResult<DType> {
    let mut scalar_kind: Option<DTypeKind> = None;
    let mut big_uint = false;
    let mut block: Option<DType> = None;
    for it in items {
        match it {
            Item::Scalar(s) => {
                big_uint |= matches!(s, Scalar::UInt(_));
                let k = s.kind();
                let k = if k == DTypeKind::UInt { DTypeKind::Int } else { k };
                if scalar_kind.is_none_or(|c| kind_rank(k) > kind_rank(c)) {
                    scalar_kind = Some(k);
                }
            }
            Item::Block(t) => block = Some(block.map_or(t.dtype(), |b| promote_types(b, t.dtype()))),
        }
    }
    let default_of = |k: DTypeKind| match k {
        DTypeKind::Bool => DType::Bool,
        DTypeKind::Int | DTypeKind::UInt => DType::Int64,
        DTypeKind::Float => DType::Float32,
        DTypeKind::Complex => DType::Complex64,
    };
    let dtype = match (block, scalar_kind) {
        (None, None) => DType::Float32,
        (None, Some(k)) => default_of(k),
        (Some(b), None) => b,
        (Some(b), Some(k)) if kind_rank(k) > kind_rank(b.kind()) => promote_types(b, default_of(k)),
        (Some(b), Some(_)) => b,
    };
    if big_uint && dtype.is_integer() && dtype != DType::UInt64 {
        return Err(overflow_error(
            "a Python integer in the sequence is out of range for int64; pass dtype=tensorbridge.uint64 or use floats",
        ));
    }
    Ok(dtype)
}

fn write(items: &[Item], shape: &[usize], dtype: DType) -> PyResult<Tensor> {
    // SAFETY: the loop below writes every element (scalar runs and blocks
    // tile the flat range exactly, as `walk` checked the shapes); on an
    // error the tensor is dropped unread.
    let out = unsafe { Tensor::uninit(shape, dtype) }.py()?;
    let numel = out.numel();
    let flat = out.view(&[numel as i64]).py()?;
    let mut pos = 0usize;
    let mut run: Vec<Scalar> = Vec::new();
    let flush = |run: &mut Vec<Scalar>, pos: usize| -> PyResult<()> {
        if run.is_empty() {
            return Ok(());
        }
        let start = pos - run.len();
        let dst = flat.slice(0, Some(start as i64), Some(pos as i64), 1).py()?;
        tensorbridge::cpu::fill::write_scalars(&dst, run).py()?;
        run.clear();
        Ok(())
    };
    for it in items {
        match it {
            Item::Scalar(s) => {
                check_scalar_fits(*s, dtype)?;
                run.push(*s);
                pos += 1;
            }
            Item::Block(t) => {
                flush(&mut run, pos)?;
                tensorbridge::cpu::copy::copy_into_flat(t, &out, pos).py()?;
                pos += t.numel();
            }
        }
    }
    flush(&mut run, pos)?;
    if pos != numel {
        // Only possible if the sequence was mutated while being read.
        return Err(value_error("the nested sequence changed size while it was being converted; convert a stable copy"));
    }
    Ok(out)
}
