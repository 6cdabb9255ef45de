//! Indexing keys at volume: any key, including integers and slice bounds at
//! the ends of `i64`, zero and extreme steps, repeated ellipses, new axes and
//! index arrays holding positions or masks of any shape, gives `Ok` or a
//! clean `Err` from [`Tensor::index_get`] and [`Tensor::index_set`], never a
//! panic. Basic keys are checked against a brute-force model of Python's
//! rules computed in 128-bit arithmetic (so the model itself cannot
//! overflow); keys with index arrays are checked for consistency (the result
//! has the elements its shape promises, and writing back what was read
//! changes nothing), since the Python tests compare them with NumPy.
//!
//! The number of cases follows `PROPTEST_CASES` (256 by default; `make fuzz`
//! raises it).

use proptest::prelude::*;
use tensorbridge::{DType, IndexItem, Scalar, Tensor, TensorIndex};

/// Integers that reach the edges: small ones near the dimension sizes, and
/// the ends of `i64` where `i + n` or `i * step` would overflow.
fn edge_int() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -7i64..7,
        1 => prop::sample::select(vec![i64::MIN, i64::MIN + 1, i64::MAX, i64::MAX - 1, 1 << 62, -(1 << 62)]),
    ]
}

fn step() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => prop::sample::select(vec![-3i64, -2, -1, 1, 2, 3]),
        1 => Just(0i64),
        1 => prop::sample::select(vec![i64::MIN, i64::MIN + 1, i64::MAX]),
    ]
}

fn basic_item() -> impl Strategy<Value = TensorIndex> {
    prop_oneof![
        3 => edge_int().prop_map(TensorIndex::Int),
        4 => (prop::option::of(edge_int()), prop::option::of(edge_int()), step())
            .prop_map(|(start, stop, step)| TensorIndex::Slice { start, stop, step }),
        1 => Just(TensorIndex::NewAxis),
        1 => Just(TensorIndex::Ellipsis),
    ]
}

/// An index array: integer positions (three integer dtypes, any small shape)
/// or a boolean mask of any small shape, matching the indexed dimensions or
/// not.
fn array_item() -> impl Strategy<Value = IndexItem> {
    let shape = prop::collection::vec(0usize..4, 0..3);
    prop_oneof![
        shape
            .clone()
            .prop_flat_map(|shape| {
                let n: usize = shape.iter().product();
                (Just(shape), prop::collection::vec(edge_int(), n), 0usize..3)
            })
            .prop_map(|(shape, values, d)| {
                let t = Tensor::from_vec(values, &shape).unwrap();
                // Narrower integer dtypes wrap the positions; any value is a
                // valid input (out-of-range positions must be refused).
                let dtype = [DType::Int64, DType::Int32, DType::UInt8][d];
                IndexItem::Array(t.to_dtype(dtype).unwrap())
            }),
        shape
            .prop_flat_map(|shape| {
                let n: usize = shape.iter().product();
                (Just(shape), prop::collection::vec(any::<bool>(), n))
            })
            .prop_map(|(shape, values)| IndexItem::Array(
                Tensor::from_vec(values, &shape).unwrap()
            )),
    ]
}

fn key(with_arrays: bool) -> BoxedStrategy<Vec<IndexItem>> {
    let item = if with_arrays {
        prop_oneof![3 => basic_item().prop_map(IndexItem::Basic), 2 => array_item()].boxed()
    } else {
        basic_item().prop_map(IndexItem::Basic).boxed()
    };
    prop::collection::vec(item, 0..6).boxed()
}

/// A tensor whose element at C-order position `i` holds `i`, so a value says
/// where it came from.
fn numbered(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n as i64).collect(), shape).unwrap()
}

fn values(t: &Tensor) -> Vec<i64> {
    t.to_vec::<i64>().unwrap()
}

/// Python's `slice(start, stop, step).indices(n)`, as the list of positions
/// it selects; `None` for a zero step.
fn slice_positions(
    n: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
) -> Option<Vec<usize>> {
    if step == 0 {
        return None;
    }
    let n = n as i128;
    let step = i128::from(step);
    let clamp = |v: Option<i64>, default: i128| -> i128 {
        let Some(v) = v else { return default };
        let v = i128::from(v);
        let v = if v < 0 { v + n } else { v };
        if step > 0 {
            v.clamp(0, n)
        } else {
            v.clamp(-1, n - 1)
        }
    };
    let (first, end) = if step > 0 {
        (clamp(start, 0), clamp(stop, n))
    } else {
        (clamp(start, n - 1), clamp(stop, -1))
    };
    let mut out = vec![];
    let mut i = first;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i as usize);
        i += step;
    }
    Some(out)
}

/// The model of a basic key: for each output dimension, the input dimension
/// it walks and the positions it takes (`None` for an inserted axis), and
/// the fixed position of each input dimension an integer removed. `None`
/// when Python would raise.
#[allow(clippy::type_complexity)]
fn model(
    shape: &[usize],
    key: &[TensorIndex],
) -> Option<(Vec<(Option<usize>, Vec<usize>)>, Vec<Option<usize>>)> {
    let consumed = key
        .iter()
        .filter(|k| matches!(k, TensorIndex::Int(_) | TensorIndex::Slice { .. }))
        .count();
    let ellipses = key
        .iter()
        .filter(|k| matches!(k, TensorIndex::Ellipsis))
        .count();
    if ellipses > 1 || consumed > shape.len() {
        return None;
    }
    let mut out = vec![];
    let mut fixed = vec![None; shape.len()];
    let mut dim = 0usize;
    for k in key {
        match *k {
            TensorIndex::Int(i) => {
                let n = shape[dim] as i128;
                let j = if i < 0 {
                    i128::from(i) + n
                } else {
                    i128::from(i)
                };
                if !(0..n).contains(&j) {
                    return None;
                }
                fixed[dim] = Some(j as usize);
                dim += 1;
            }
            TensorIndex::Slice { start, stop, step } => {
                out.push((Some(dim), slice_positions(shape[dim], start, stop, step)?));
                dim += 1;
            }
            TensorIndex::NewAxis => out.push((None, vec![0])),
            TensorIndex::Ellipsis => {
                for _ in 0..shape.len() - consumed {
                    out.push((Some(dim), (0..shape[dim]).collect()));
                    dim += 1;
                }
            }
        }
    }
    while dim < shape.len() {
        out.push((Some(dim), (0..shape[dim]).collect()));
        dim += 1;
    }
    Some((out, fixed))
}

/// The C-order positions (in the numbered input) of every output element.
fn model_positions(
    shape: &[usize],
    dims: &[(Option<usize>, Vec<usize>)],
    fixed: &[Option<usize>],
) -> Vec<usize> {
    let out_shape: Vec<usize> = dims.iter().map(|(_, p)| p.len()).collect();
    let total: usize = out_shape.iter().product();
    let mut idx = vec![0usize; dims.len()];
    let mut positions = Vec::with_capacity(total);
    for _ in 0..total {
        let mut at: Vec<usize> = fixed.iter().map(|f| f.unwrap_or(0)).collect();
        for (k, (d, p)) in dims.iter().enumerate() {
            if let Some(d) = d {
                at[*d] = p[idx[k]];
            }
        }
        positions.push(at.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i));
        for k in (0..dims.len()).rev() {
            idx[k] += 1;
            if idx[k] < out_shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    positions
}

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..5, 0..4)
}

proptest! {
    #[test]
    fn basic_keys_select_what_python_selects(shape in shape(), key in key(false)) {
        let t = numbered(&shape);
        let basic: Vec<TensorIndex> = key.iter().map(|k| match k {
            IndexItem::Basic(b) => *b,
            IndexItem::Array(_) => unreachable!(),
        }).collect();
        let got = t.index_get(&key);
        match model(&shape, &basic) {
            None => prop_assert!(got.is_err(), "{:?} on {:?} should be refused", basic, shape),
            Some((dims, fixed)) => {
                let v = got.map_err(|e| TestCaseError::fail(format!("{basic:?} on {shape:?}: {e}")))?;
                let want_shape: Vec<usize> = dims.iter().map(|(_, p)| p.len()).collect();
                prop_assert_eq!(v.shape(), &want_shape[..]);
                let want: Vec<i64> = model_positions(&shape, &dims, &fixed).into_iter().map(|p| p as i64).collect();
                prop_assert_eq!(values(&v), want.clone());
                prop_assert!(v.numel() == 0 || v.same_storage(&t), "a basic key gives a view");
                // Writing through the key reaches exactly the modelled
                // positions (a basic key never repeats an element).
                let target = numbered(&shape);
                let fresh: Vec<i64> = (0..want.len() as i64).map(|i| -1 - i).collect();
                target.index_set(&key, &Tensor::from_vec(fresh.clone(), &want_shape).unwrap()).unwrap();
                let mut expect = values(&numbered(&shape));
                for (p, f) in want.iter().zip(&fresh) {
                    expect[*p as usize] = *f;
                }
                prop_assert_eq!(values(&target), expect);
            }
        }
    }

    #[test]
    fn any_key_is_ok_or_a_clean_error(shape in shape(), key in key(true), dtype in 0usize..3) {
        let dtype = [DType::Int64, DType::Float32, DType::Bool][dtype];
        let t = numbered(&shape).to_dtype(dtype).unwrap();
        if let Ok(v) = t.index_get(&key) {
            prop_assert_eq!(v.numel(), v.shape().iter().product::<usize>());
            prop_assert_eq!(v.dtype(), dtype);
            // Writing back what was read leaves the tensor as it was, even
            // when the key picks an element more than once.
            let before = t.to_bytes().unwrap();
            t.index_set(&key, &v).unwrap();
            prop_assert_eq!(t.to_bytes().unwrap(), before);
            // Any scalar broadcasts to the selection.
            t.index_set(&key, &Tensor::full(&[], Scalar::Int(1), DType::Int64).unwrap()).unwrap();
        } else {
            // Whatever the reason, setting through the same key is refused
            // too, and leaves the tensor untouched.
            let before = t.to_bytes().unwrap();
            let one = Tensor::full(&[], Scalar::Int(1), DType::Int64).unwrap();
            prop_assert!(t.index_set(&key, &one).is_err());
            prop_assert_eq!(t.to_bytes().unwrap(), before);
        }
    }

    #[test]
    fn one_position_array_takes_along_its_axis(
        shape in prop::collection::vec(1usize..5, 1..4),
        positions in prop::collection::vec(-5i64..5, 0..6),
        axis in 0usize..3,
    ) {
        let axis = axis % shape.len();
        let t = numbered(&shape);
        let mut key: Vec<IndexItem> = (0..axis)
            .map(|_| IndexItem::Basic(TensorIndex::Slice { start: None, stop: None, step: 1 }))
            .collect();
        key.push(IndexItem::Array(Tensor::from_vec(positions.clone(), &[positions.len()]).unwrap()));
        let n = shape[axis] as i64;
        let got = t.index_get(&key);
        if positions.iter().any(|&p| p < -n || p >= n) {
            prop_assert!(got.is_err());
            return Ok(());
        }
        let got = got.unwrap();
        let mut want_shape = shape.clone();
        want_shape[axis] = positions.len();
        prop_assert_eq!(got.shape(), &want_shape[..]);
        for (k, &p) in positions.iter().enumerate() {
            let p = if p < 0 { p + n } else { p };
            let a = t.select(axis as i64, p).unwrap();
            let b = got.select(axis as i64, k as i64).unwrap();
            prop_assert_eq!(values(&a), values(&b));
        }
    }
}
