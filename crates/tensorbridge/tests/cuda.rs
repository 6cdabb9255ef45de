//! The CUDA entry points of the core: what they do without a GPU (clear
//! errors, never a panic) and, where a GPU is present, round trips and
//! kernels against the CPU.

#![cfg(feature = "cuda")]

use tensorbridge::ops::binary::{binary, BinaryOp};
use tensorbridge::ops::linalg::matmul;
use tensorbridge::{cuda, DType, Device, Error, Scalar, Tensor};

const GPU: Device = Device::Cuda(0);

#[test]
fn without_a_gpu_every_request_is_a_clear_error() {
    if cuda::is_available() {
        return;
    }
    assert_eq!(cuda::device_count(), 0);
    let reason = cuda::unavailable_reason().expect("a reason");
    assert!(!reason.is_empty());
    let t = Tensor::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    let unavailable = |r: Result<Tensor, Error>| match r {
        Err(Error::CudaUnavailable { reason: why, .. }) => assert_eq!(why, reason),
        other => panic!("expected CudaUnavailable, got {:?}", other.map(|t| t.shape().to_vec())),
    };
    unavailable(t.to_device(GPU));
    unavailable(t.to_device_with(Device::Cuda(3), true));
    unavailable(t.pin_memory());
    unavailable(Tensor::zeros_on(&[3], DType::Float32, GPU));
    unavailable(Tensor::full_on(&[3], Scalar::Float(1.0), DType::Int8, GPU));
    unavailable(Tensor::empty_on(&[3], DType::Float32, Device::Cpu, true));
    assert!(!t.is_pinned());
    assert!(cuda::memory_allocated(GPU).is_err());
    assert!(cuda::synchronize(None).is_ok()); // nothing to wait for
    assert!(cuda::empty_cache().is_ok());
}

#[test]
fn host_tensors_stay_put() {
    let t = Tensor::from_vec(vec![1i64, 2, 3], &[3]).unwrap();
    let same = t.to_device(Device::Cpu).unwrap();
    assert!(same.same_storage(&t));
    assert!(t.cpu().unwrap().same_storage(&t));
    let z = Tensor::zeros_on(&[2], DType::Int32, Device::Cpu).unwrap();
    assert_eq!(z.to_vec::<i32>().unwrap(), vec![0, 0]);
}

#[test]
fn on_a_gpu_round_trips_and_kernels_match_the_cpu() {
    if !cuda::is_available() {
        return;
    }
    let host = Tensor::from_vec((0..24).map(|i| i as f32 - 7.5).collect(), &[4, 6]).unwrap();
    let g = host.to_device(GPU).unwrap();
    assert_eq!(g.device(), GPU);
    assert_eq!(g.cpu().unwrap().to_vec::<f32>().unwrap(), host.to_vec::<f32>().unwrap());
    let t = g.t().to_device(Device::Cpu).unwrap().to_contiguous().unwrap();
    assert_eq!(t.to_vec::<f32>().unwrap(), host.t().to_contiguous().unwrap().to_vec::<f32>().unwrap());
    let two = Tensor::from_vec(vec![2.0f32], &[]).unwrap();
    let want = binary(BinaryOp::Multiply, &host, &two).unwrap();
    let got = binary(BinaryOp::Multiply, &g, &two).unwrap();
    assert_eq!(got.device(), GPU);
    assert_eq!(got.cpu().unwrap().to_vec::<f32>().unwrap(), want.to_vec::<f32>().unwrap());
    let cast = g.to_dtype(DType::UInt8).unwrap().cpu().unwrap();
    assert_eq!(cast.to_bytes().unwrap(), host.to_dtype(DType::UInt8).unwrap().to_bytes().unwrap());
    let p = matmul(&g, &g.t()).unwrap().cpu().unwrap();
    let q = matmul(&host, &host.t()).unwrap();
    for (a, b) in p.to_vec::<f32>().unwrap().iter().zip(q.to_vec::<f32>().unwrap()) {
        assert!((a - b).abs() <= 1e-3 * b.abs().max(1.0), "{a} vs {b}");
    }
    let before = cuda::memory_allocated(GPU).unwrap();
    drop((g, got, p));
    assert!(cuda::memory_allocated(GPU).unwrap() < before);
}
