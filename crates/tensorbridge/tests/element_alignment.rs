//! Foreign memory aligned only as its dtype requires goes through every
//! copy kernel soundly. complex64 is the case that matters: 8 bytes but
//! 4-aligned (two f32, as NumPy's complex64), so kernels that move 8-byte
//! elements must not move them as `u64`. Debug builds check pointer
//! alignment on every read, write and copy and abort on a violation.

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use tensorbridge::ops::{r#where, take};
use tensorbridge::{Complex, DType, Device, IndexItem, Scalar, Tensor, UncheckedParts};

mod common;

/// A 3x4 complex64 tensor at an address that is 4 mod 8, and its values.
fn complex64_at_4_mod_8() -> (Tensor, Vec<Complex<f32>>) {
    let values: Vec<Complex<f32>> = (0..12)
        .map(|i| Complex::new(i as f32, -(i as f32)))
        .collect();
    // One f32 of padding in front; the f32 allocation itself is 4-aligned,
    // so pick whichever of the first two slots is 4 mod 8.
    let mut buf = vec![0f32; 2 * values.len() + 1];
    let skip = usize::from((buf.as_ptr() as usize) % 8 == 0);
    for (i, v) in values.iter().enumerate() {
        buf[skip + 2 * i] = v.re;
        buf[skip + 2 * i + 1] = v.im;
    }
    let data = buf[skip..].as_mut_ptr() as *mut u8;
    assert_eq!(data as usize % 8, 4);
    let parts = UncheckedParts {
        data,
        dtype: DType::Complex64,
        shape: vec![3, 4],
        strides: vec![4, 1],
        readonly: false,
        device: Device::Cpu,
    };
    let drops = Arc::new(AtomicUsize::new(0));
    let owner = common::counted_owner(buf, &drops);
    // SAFETY: the buffer moves into the owner; its heap block does not move
    // and holds the 12 elements the parts describe.
    let t = unsafe { parts.into_tensor(owner) }.unwrap();
    (t, values)
}

fn values_of(t: &Tensor) -> Vec<Complex<f32>> {
    t.to_vec::<Complex<f32>>().unwrap()
}

#[test]
fn contiguous_strided_and_tiled_copies() {
    let (t, v) = complex64_at_4_mod_8();
    assert_eq!(values_of(&t.to_contiguous().unwrap()), v);
    assert_eq!(values_of(&t.to_dtype(DType::Complex64).unwrap()), v);
    let every_other: Vec<_> = v.iter().step_by(2).copied().collect();
    let strided = t.view(&[12]).unwrap().slice(0, None, None, 2).unwrap();
    assert_eq!(values_of(&strided.to_contiguous().unwrap()), every_other);
    // A transpose takes the tiled path.
    let tt = t.t().to_contiguous().unwrap();
    let want: Vec<_> = (0..4)
        .flat_map(|j| (0..3).map(move |i| (i, j)))
        .map(|(i, j)| v[i * 4 + j])
        .collect();
    assert_eq!(values_of(&tt), want);
    // A copy into the misaligned tensor itself.
    t.copy_(&Tensor::zeros(&[3, 4], DType::Complex64).unwrap())
        .unwrap();
    assert!(values_of(&t).iter().all(|z| *z == Complex::new(0.0, 0.0)));
}

#[test]
fn gather_select_and_mask() {
    let (t, v) = complex64_at_4_mod_8();
    let flat = t.view(&[12]).unwrap();
    let idx = Tensor::from_vec(vec![11i64, 0, 5, 5], &[4]).unwrap();
    let want: Vec<_> = [11, 0, 5, 5].iter().map(|&i| v[i]).collect();
    assert_eq!(values_of(&take(&flat, &idx, None).unwrap()), want);
    assert_eq!(
        values_of(&flat.index_get(&[IndexItem::Array(idx.clone())]).unwrap()),
        want
    );
    let cond = Tensor::from_vec((0..12).map(|i| i % 3 == 0).collect::<Vec<bool>>(), &[12]).unwrap();
    let zeros = Tensor::zeros(&[12], DType::Complex64).unwrap();
    let got = values_of(&r#where(&cond, &flat, &zeros).unwrap());
    for (i, z) in got.iter().enumerate() {
        assert_eq!(
            *z,
            if i % 3 == 0 {
                v[i]
            } else {
                Complex::new(0.0, 0.0)
            }
        );
    }
    let masked = flat.index_get(&[IndexItem::Array(cond.clone())]).unwrap();
    assert_eq!(
        values_of(&masked),
        v.iter().step_by(3).copied().collect::<Vec<_>>()
    );
    flat.index_set(
        &[IndexItem::Array(cond)],
        &Tensor::full(&[], Scalar::Complex(1.0, 2.0), DType::Complex64).unwrap(),
    )
    .unwrap();
    assert_eq!(values_of(&flat)[3], Complex::new(1.0, 2.0));
}
