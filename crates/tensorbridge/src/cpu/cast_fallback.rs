//! Temporary: same-dtype copies and a slow generic cast via Scalar.
use crate::dtype::DType;
use crate::scalar::Scalar;

/// Converts `n` elements (see the real kernel's contract).
///
/// # Safety
/// Pointers valid for `n` strided elements.
pub unsafe fn cast_run(from: DType, src: *const u8, src_stride: isize, to: DType, dst: *mut u8, dst_stride: isize, n: usize) {
    let (fs, ts) = (from.itemsize() as isize, to.itemsize() as isize);
    for i in 0..n as isize {
        // SAFETY: caller contract.
        unsafe {
            let s = std::slice::from_raw_parts(src.offset(i * src_stride * fs), fs as usize);
            let v = Scalar::from_ne_bytes(from, s);
            let out: Vec<u8> = match (v, to) {
                _ if from == to => s.to_vec(),
                (Scalar::Float(f), DType::Float32) => (f as f32).to_ne_bytes().to_vec(),
                (Scalar::Int(x), DType::Float64) => (x as f64).to_ne_bytes().to_vec(),
                (Scalar::Int(x), DType::Int32) => (x as i32).to_ne_bytes().to_vec(),
                (Scalar::Int(x), DType::UInt8) => (x as u8).to_ne_bytes().to_vec(),
                (Scalar::Int(x), DType::Int64) => x.to_ne_bytes().to_vec(),
                (Scalar::Float(x), DType::Float64) => x.to_ne_bytes().to_vec(),
                (Scalar::Complex(a, b), DType::Complex64) => [(a as f32).to_ne_bytes(), (b as f32).to_ne_bytes()].concat(),
                _ => vec![0; ts as usize],
            };
            std::ptr::copy_nonoverlapping(out.as_ptr(), dst.offset(i * dst_stride * ts), ts as usize);
        }
    }
}
