//! Large host blocks are kept after a free and handed to the next tensor of
//! their size class; zeroed requests never take one; the cache is bounded
//! and can be emptied.
//!
//! One test function: the cache is process-wide, so its steps must not
//! interleave with other tests (each file under `tests/` is its own process).

use tensorbridge::block_cache::size_class;
use tensorbridge::storage::{empty_host_cache, host_cached_bytes, HOST_CACHE_LIMIT_BYTES};
use tensorbridge::{DType, Scalar, Tensor};

const MIB: usize = 1 << 20;

/// A tensor whose memory is never read (only allocated and freed).
fn untouched(numel: usize) -> Tensor {
    // SAFETY: nothing reads the elements; the tensor is only dropped.
    unsafe { Tensor::uninit(&[numel], DType::Float32) }.unwrap()
}

fn filled(bytes: usize, value: f64) -> Tensor {
    Tensor::full(&[bytes / 4], Scalar::Float(value), DType::Float32).unwrap()
}

#[test]
fn freed_large_blocks_are_reused_bounded_and_released() {
    empty_host_cache();
    assert_eq!(host_cached_bytes(), 0);

    // A freed 10 MiB block is kept, and the next same-class request gets it.
    let bytes = 10 * MIB;
    let class = size_class(bytes).unwrap();
    let first = filled(bytes, 1.0);
    let address = first.data_ptr();
    drop(first);
    assert_eq!(host_cached_bytes(), class);
    // A slightly different size in the same class reuses it too.
    let second = filled(bytes - 4096, 2.0);
    assert_eq!(second.data_ptr(), address);
    assert_eq!(host_cached_bytes(), 0);
    assert!(second.to_vec::<f32>().unwrap().iter().all(|&v| v == 2.0));
    drop(second);

    // A zeroed request maps fresh zero pages instead of taking the block.
    let zeros = Tensor::zeros(&[bytes / 4], DType::Float32).unwrap();
    assert_ne!(zeros.data_ptr(), address);
    assert_eq!(host_cached_bytes(), class);
    assert!(zeros.to_vec::<f32>().unwrap().iter().all(|&v| v == 0.0));
    drop(zeros);
    assert_eq!(host_cached_bytes(), 2 * class);

    // Small allocations never enter the cache.
    drop(filled(MIB, 3.0));
    assert_eq!(host_cached_bytes(), 2 * class);

    // A block larger than the limit is unmapped at once (never touched, so
    // the mapping costs no memory).
    let huge = untouched(HOST_CACHE_LIMIT_BYTES / 4 + 1);
    drop(huge);
    assert_eq!(host_cached_bytes(), 2 * class);

    // Passing the limit evicts what was kept before; the newest block stays.
    let big = (HOST_CACHE_LIMIT_BYTES / 2) + MIB;
    let big_class = size_class(big).unwrap();
    assert!(2 * class + big_class <= HOST_CACHE_LIMIT_BYTES);
    drop(untouched(big / 4));
    assert_eq!(host_cached_bytes(), 2 * class + big_class);
    // (A block of another class: one of the same class would take the
    // kept block and give it back.)
    let other = 120 * MIB;
    let other_class = size_class(other).unwrap();
    assert!(
        other_class != big_class && 2 * class + big_class + other_class > HOST_CACHE_LIMIT_BYTES
    );
    drop(untouched(other / 4));
    assert_eq!(host_cached_bytes(), other_class);

    // Emptying hands every kept byte back.
    assert_eq!(empty_host_cache(), other_class);
    assert_eq!(host_cached_bytes(), 0);
}
