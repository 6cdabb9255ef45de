//! Strided copies (plain runs, buffered tiles and SSE tiles) agree with an
//! element-by-element reference for any permutation and flip of a layout.

use proptest::prelude::*;
use tensorbridge::{DType, Scalar, Tensor};

fn reference(t: &Tensor) -> Vec<Scalar> {
    let n = t.numel();
    let mut idx = vec![0usize; t.ndim()];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(t.get(&idx));
        for k in (0..t.ndim()).rev() {
            idx[k] += 1;
            if idx[k] < t.shape()[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

fn flat(t: &Tensor) -> Vec<Scalar> {
    let c = t.to_contiguous().unwrap();
    let f = c.view(&[c.numel() as i64]).unwrap();
    (0..f.numel()).map(|i| f.get(&[i])).collect()
}

fn views() -> impl Strategy<Value = (Vec<usize>, Vec<i64>, Vec<bool>, usize)> {
    prop::collection::vec(1usize..70, 1..4).prop_flat_map(|shape| {
        let n = shape.len();
        (
            Just(shape),
            Just((0..n as i64).collect::<Vec<_>>()).prop_shuffle(),
            prop::collection::vec(any::<bool>(), n),
            0usize..4,
        )
    })
}

proptest! {
    // A quarter of PROPTEST_CASES (64 by default): each case copies up to
    // 70**3 elements twice.
    #![proptest_config(ProptestConfig::with_cases(ProptestConfig::default().cases / 4))]
    #[test]
    fn transposed_copies_match_reference((shape, perm, flips, d) in views()) {
        let dtype = [DType::Float32, DType::Int8, DType::Float64, DType::Complex128][d];
        let n: usize = shape.iter().product();
        let base = Tensor::from_vec((0..n as i64).collect(), &shape).unwrap().to_dtype(dtype).unwrap();
        let mut v = base.permute(&perm).unwrap();
        for (k, &f) in flips.iter().enumerate() {
            if f {
                v = v.slice(k as i64, None, None, -1).unwrap();
            }
        }
        prop_assert_eq!(flat(&v), reference(&v));
    }
}

/// Transposing copies large enough to be split into many parts, with sides
/// that are not whole tiles, under several pool sizes (the split depends on
/// the thread count): every element lands where the view says, with and
/// without a cast on the way.
#[test]
fn split_transposed_copies_match_the_view() {
    let cases = [
        (517, 1031, DType::Float32, DType::Float32),
        (1031, 517, DType::Float64, DType::Float64),
        (700, 900, DType::Int8, DType::Int8),
        (613, 577, DType::Float32, DType::Float64),
        (577, 613, DType::Int8, DType::Int16),
    ];
    for threads in [2, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for (rows, cols, from, to) in cases {
            let n = rows * cols;
            let base = Tensor::from_vec((0..n as i64).collect(), &[rows, cols])
                .unwrap()
                .to_dtype(from)
                .unwrap();
            let view = base.transpose(0, 1).unwrap();
            let out = Tensor::zeros(&[cols, rows], to).unwrap();
            pool.install(|| out.copy_(&view)).unwrap();
            for i in 0..cols {
                for j in 0..rows {
                    assert_eq!(
                        out.get(&[i, j]),
                        view.get(&[i, j]),
                        "{threads} threads, {from:?}->{to:?} at {i},{j}"
                    );
                }
            }
        }
    }
}
