//! The factorizations' defining identities on random stacks, strided views
//! and every compute type, plus the singular, indefinite and empty cases.

use num_complex::Complex;
use proptest::prelude::*;

use crate::ops::{self, QrMode};
use crate::{DType, Tensor};

/// A deterministic pseudo-random `(batch, n, n)` float64 stack.
fn random(seed: u64, shape: &[usize]) -> Tensor {
    let count: usize = shape.iter().product();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let data = (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect();
    Tensor::from_vec(data, shape).unwrap()
}

fn values(t: &Tensor) -> Vec<f64> {
    t.to_dtype(DType::Float64).unwrap().to_vec::<f64>().unwrap()
}

fn assert_close(a: &Tensor, b: &Tensor, tol: f64) {
    assert_eq!(a.shape(), b.shape());
    for (x, y) in values(a).into_iter().zip(values(b)) {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{x} vs {y}");
    }
}

fn eye_like(n: usize, batch: &[usize]) -> Tensor {
    let mut shape = batch.to_vec();
    shape.extend([n, n]);
    ops::create::eye(n as i64, None, 0, Some(DType::Float64))
        .unwrap()
        .broadcast_to(&shape)
        .unwrap()
}

/// `a + n·I`: well conditioned.
fn shifted(a: &Tensor, n: usize) -> Tensor {
    let batch = &a.shape()[..a.ndim() - 2];
    let shift = ops::multiply(
        &eye_like(n, batch),
        &Tensor::full(&[], crate::Scalar::Float(n as f64), DType::Float64).unwrap(),
    )
    .unwrap();
    ops::add(a, &shift).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn lu_functions_agree(seed in any::<u64>(), n in 1usize..12, batch in 0usize..3, flip in any::<bool>()) {
        let mut a = shifted(&random(seed, &[batch, n, n]), n);
        if flip {
            // Reversed rows read in place: the determinant changes sign with
            // the permutation, the identities below do not.
            a = a.slice(-2, None, None, -1).unwrap();
        }
        let inv = ops::inv(&a).unwrap();
        assert_close(&ops::matmul(&a, &inv).unwrap(), &eye_like(n, &[batch]).to_contiguous().unwrap(), 1e-12);
        let b = random(seed ^ 1, &[batch, n, 2]);
        let x = ops::solve(&a, &b).unwrap();
        assert_close(&ops::matmul(&a, &x).unwrap(), &b, 1e-12);
        let (sign, log) = ops::slogdet(&a).unwrap();
        let det = ops::det(&a).unwrap();
        let recomposed = ops::multiply(&sign, &ops::exp(&log).unwrap()).unwrap();
        assert_close(&recomposed, &det, 1e-12);
        // det(A⁻¹) = 1 / det(A).
        assert_close(&ops::multiply(&det, &ops::det(&inv).unwrap()).unwrap(), &Tensor::full(&[batch], crate::Scalar::Float(1.0), DType::Float64).unwrap(), 1e-10);
    }

    #[test]
    fn qr_and_svd_multiply_back(seed in any::<u64>(), m in 1usize..7, n in 1usize..7, complete in any::<bool>()) {
        let a = random(seed, &[2, m, n]);
        let (q, r) = ops::qr(&a, if complete { QrMode::Complete } else { QrMode::Reduced }).unwrap();
        assert_close(&ops::matmul(&q, &r).unwrap(), &a, 1e-12);
        let qtq = ops::matmul(&ops::matrix_transpose(&q).unwrap(), &q).unwrap();
        assert_close(&qtq, &eye_like(q.shape()[2], &[2]).to_contiguous().unwrap(), 1e-12);
        for (i, v) in values(&r).into_iter().enumerate() {
            let (row, col) = ((i / n) % r.shape()[1], i % n);
            prop_assert!(col >= row || v == 0.0);
        }
        let (u, s, vh) = ops::svd(&a, false).unwrap();
        let us = ops::multiply(&u, &s.unsqueeze(-2).unwrap()).unwrap();
        assert_close(&ops::matmul(&us, &vh).unwrap(), &a, 1e-12);
        let sv = values(&s);
        prop_assert!(sv.chunks(m.min(n)).all(|c| c.windows(2).all(|w| w[0] >= w[1])));
        assert_close(&ops::svdvals(&a).unwrap(), &s, 1e-12);
    }

    #[test]
    fn symmetric_factorizations_multiply_back(seed in any::<u64>(), n in 1usize..12) {
        let g = random(seed, &[n, n]);
        let spd = shifted(&ops::matmul(&g, &g.t()).unwrap(), n);
        let l = ops::cholesky(&spd, false).unwrap();
        assert_close(&ops::matmul(&l, &l.t()).unwrap(), &spd, 1e-12);
        let u = ops::cholesky(&spd, true).unwrap();
        assert_close(&u, &l.t(), 0.0);
        let (w, v) = ops::eigh(&spd).unwrap();
        let av = ops::matmul(&spd, &v).unwrap();
        assert_close(&av, &ops::multiply(&v, &w.unsqueeze(0).unwrap()).unwrap(), 1e-11);
        let wv = values(&w);
        prop_assert!(wv.windows(2).all(|p| p[0] <= p[1]));
        assert_close(&ops::eigvalsh(&spd).unwrap(), &w, 1e-12);
    }
}

#[test]
fn every_compute_type_gives_its_dtype() {
    let a = Tensor::from_vec(vec![4.0f64, 1.0, 1.0, 3.0], &[2, 2]).unwrap();
    for (dtype, real) in [
        (DType::Float16, DType::Float16),
        (DType::Float32, DType::Float32),
        (DType::Complex64, DType::Float32),
        (DType::Complex128, DType::Float64),
        (DType::Int32, DType::Float64),
    ] {
        let x = a.to_dtype(dtype).unwrap();
        let out = if dtype.is_complex() || dtype.kind() == crate::DTypeKind::Float {
            dtype
        } else {
            DType::Float64
        };
        assert_eq!(ops::det(&x).unwrap().dtype(), out);
        assert_eq!(ops::inv(&x).unwrap().dtype(), out);
        assert_eq!(ops::svdvals(&x).unwrap().dtype(), real);
        assert_eq!(ops::eigh(&x).unwrap().0.dtype(), real);
        assert!((values(&ops::real(&ops::det(&x).unwrap()).unwrap())[0] - 11.0).abs() < 1e-2);
    }
}

#[test]
fn complex_hermitian_eigenvalues_are_real() {
    // [[2, -i], [i, 2]] has eigenvalues 1 and 3.
    let h = Tensor::from_vec(
        vec![
            Complex::new(2.0, 0.0),
            Complex::new(0.0, -1.0),
            Complex::new(0.0, 1.0),
            Complex::new(2.0, 0.0),
        ],
        &[2, 2],
    )
    .unwrap();
    let w = ops::eigvalsh(&h).unwrap();
    assert_eq!(w.dtype(), DType::Float64);
    let w = values(&w);
    assert!((w[0] - 1.0).abs() < 1e-14 && (w[1] - 3.0).abs() < 1e-14);
}

#[test]
fn singular_and_indefinite_matrices() {
    let singular = Tensor::from_vec(vec![1.0f64, 2.0, 2.0, 4.0], &[2, 2]).unwrap();
    let zero = Tensor::zeros(&[3, 3], DType::Float64).unwrap();
    for x in [&singular, &zero] {
        assert_eq!(values(&ops::det(x).unwrap()), vec![0.0]);
        let (sign, log) = ops::slogdet(x).unwrap();
        assert_eq!(
            (values(&sign)[0], values(&log)[0]),
            (0.0, f64::NEG_INFINITY)
        );
        assert!(matches!(
            ops::inv(x),
            Err(crate::Error::LinAlg { op: "inv", .. })
        ));
        assert!(matches!(
            ops::solve(x, &Tensor::zeros(&[x.shape()[0]], DType::Float64).unwrap()),
            Err(crate::Error::LinAlg { .. })
        ));
        assert!(matches!(
            ops::cholesky(x, false),
            Err(crate::Error::LinAlg { op: "cholesky", .. })
        ));
    }
    assert_eq!(
        values(&ops::matrix_rank(&singular, None).unwrap()),
        vec![1.0]
    );
    assert!(matches!(
        ops::det(&Tensor::zeros(&[2, 3], DType::Float64).unwrap()),
        Err(crate::Error::NotSquare { .. })
    ));
    assert!(matches!(
        ops::det(&Tensor::zeros(&[3], DType::Float64).unwrap()),
        Err(crate::Error::NotAMatrix { .. })
    ));
}

#[test]
fn extreme_magnitudes_are_balanced_before_the_svd() {
    let big = Tensor::from_vec(vec![1e308f64, -1e307, 5e307, 3.0], &[2, 2]).unwrap();
    let s = values(&ops::svdvals(&big).unwrap());
    assert!(s.iter().all(|v| v.is_finite()) && s[0] > 1e308 && s[1] > 1e306);
    let tiny = Tensor::from_vec(vec![1e-310f64, 2e-310, 3e-310, 0.0], &[2, 2]).unwrap();
    assert!(values(&ops::svdvals(&tiny).unwrap())[0] > 3e-310);
}

#[test]
fn diagonal_is_a_view_and_trace_sums_it() {
    let a = Tensor::from_vec((0..24i64).collect(), &[2, 3, 4]).unwrap();
    for (offset, want) in [
        (0, vec![0, 5, 10, 12, 17, 22]),
        (1, vec![1, 6, 11, 13, 18, 23]),
        (-1, vec![4, 9, 16, 21]),
        (4, vec![]),
        (-3, vec![]),
    ] {
        let d = ops::diagonal(&a, offset).unwrap();
        assert!(d.same_storage(&a));
        assert_eq!(d.to_vec::<i64>().unwrap(), want);
    }
    assert_eq!(
        ops::trace(&a, 0, None).unwrap().to_vec::<i64>().unwrap(),
        vec![15, 51]
    );
}
