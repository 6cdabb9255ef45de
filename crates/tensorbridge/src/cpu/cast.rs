//! Element-wise dtype conversion: the one kernel every `astype`/`to(dtype)`,
//! copy between dtypes and scalar fill goes through.
//!
//! This module owns the *values* a cast produces. The oracle is NumPy 2.x on
//! x86-64 (ml_dtypes for bfloat16), bit for bit, including NaN payloads,
//! infinities, negative zero and the out-of-range float -> integer results
//! that C leaves undefined and x86 defines. `tests/cast_oracle.rs` checks
//! every one of the 225 dtype pairs against bytes NumPy wrote
//! (`scripts/gen_cast_oracle.py`). The rules, measured with NumPy 2.4:
//!
//! * **bool** storage is read as a byte, any non-zero byte is `true`; bool is
//!   written as exactly 0 or 1 (bool -> bool too). Anything -> bool is `!= 0`
//!   (NaN is true; a complex value is true when either part is non-zero).
//! * **int -> int** wraps (two's complement truncation / sign extension).
//! * **int -> float** rounds to nearest even. int -> float16/bfloat16 goes
//!   through float32 (for float16 this equals one rounding; for bfloat16 it is
//!   ml_dtypes' double rounding).
//! * **float -> int** truncates toward zero; NaN, infinities and out-of-range
//!   values give what x86's `cvtt*` instructions give in NumPy's compiled loops:
//!   int32 and int64 get `MIN`; int8/16 and uint8/16 convert to int32 first and
//!   keep the low bits; uint64 uses the compiler's "subtract 2^63 when
//!   `x >= 2^63`" sequence (NaN -> 2^63, +inf -> 0); uint32 uses the SIMD
//!   body's 32-bit version of that sequence (NaN -> 2^31), except from float16,
//!   whose loop is scalar: int64 conversion, low 32 bits (NaN -> 0).
//!   float16 and bfloat16 sources convert exactly to float32 first.
//! * **float -> float** rounds to nearest even. float64 -> float16 rounds once
//!   (NumPy), float64 -> bfloat16 rounds twice, via float32 (ml_dtypes).
//!   NaN payloads: float16 <-> float32/float64 keep the payload bits without
//!   quieting (NumPy's software conversion); float32 <-> float64 quiet
//!   signalling NaNs (the hardware); bfloat16 -> float32 is exact and
//!   bfloat16 -> float64 goes through it;
//!   anything -> bfloat16 and bfloat16 -> float16 give the canonical quiet NaN
//!   with the sign kept (ml_dtypes).
//! * **complex -> real** takes the real part; **real -> complex** sets the
//!   imaginary part to +0.
//!
//! Where NumPy itself is not consistent (float32/float64/bfloat16/complex ->
//! uint32 for NaN or out-of-range values: its SIMD body and its scalar tail or
//! strided loop disagree), the SIMD-body result is used for every element, so a
//! cast is a pure function of the element, whatever the layout.

use std::ptr;
use std::slice;

use half::{bf16, f16};
use num_complex::Complex;

use crate::dtype::DType;

type C32 = Complex<f32>;
type C64 = Complex<f64>;

/// Converts one value of element type `Self` to element type `D` with
/// NumPy's casting rules (see the module docs). Implemented for every pair of
/// the fifteen element types (`bool`, `i8`..`u64`, `f16`, `bf16`, `f32`,
/// `f64`, `Complex<f32>`, `Complex<f64>`).
pub trait CastTo<D>: Copy {
    /// The converted value.
    fn cast_to(self) -> D;
}

/// Converts one value with the same rules as [`cast_run`]:
/// `cast_value::<f32, u8>(300.0) == 44`.
#[inline]
pub fn cast_value<S: CastTo<D>, D>(s: S) -> D {
    s.cast_to()
}

// ---------------------------------------------------------------------------
// Per-element rules.
// ---------------------------------------------------------------------------

/// float32 -> float16 bits as NumPy's `npy_floatbits_to_halfbits`: round to
/// nearest even; a NaN keeps its sign and top 10 payload bits (no quieting),
/// and a payload that would vanish becomes 1. Written as selects between
/// candidates so that contiguous loops vectorise.
#[inline(always)]
fn f32_to_f16_bits(x: f32) -> u16 {
    let b = x.to_bits();
    let a = b & 0x7fff_ffff;
    // Normal half: rebias the exponent, round on bit 13 (may carry to inf).
    let r = a.wrapping_sub(0x3800_0000);
    let normal = r.wrapping_add(0xfff + ((r >> 13) & 1)) >> 13;
    // Below 2^-14: adding 0.5 (ulp 2^-24) rounds to the half subnormal grid.
    let subnormal = (f32::from_bits(a) + 0.5).to_bits().wrapping_sub(0x3f00_0000);
    let nan = 0x7c00 | ((a >> 13) & 0x3ff);
    let nan = nan + u32::from(nan == 0x7c00);
    let h = if a < 0x3880_0000 {
        subnormal
    } else if a < 0x4780_0000 {
        normal
    } else if a > 0x7f80_0000 {
        nan
    } else {
        0x7c00
    };
    ((b >> 16) & 0x8000) as u16 | h as u16
}

/// float64 -> float16 bits as NumPy's `npy_doublebits_to_halfbits` (one
/// rounding; NaN payload's top 10 bits kept as in [`f32_to_f16_bits`]).
#[inline(always)]
fn f64_to_f16_bits(x: f64) -> u16 {
    let b = x.to_bits();
    let a = b & 0x7fff_ffff_ffff_ffff;
    let r = a.wrapping_sub(0x3f00_0000_0000_0000);
    let normal = r.wrapping_add((1 << 41) - 1 + ((r >> 42) & 1)) >> 42;
    // Below 2^-14: adding 2^28 (ulp 2^-24) rounds to the half subnormal grid.
    let subnormal = (f64::from_bits(a) + 268_435_456.0).to_bits().wrapping_sub(0x41b0_0000_0000_0000);
    let nan = 0x7c00 | ((a >> 42) & 0x3ff);
    let nan = nan + u64::from(nan == 0x7c00);
    let h = if a < 0x3f10_0000_0000_0000 {
        subnormal
    } else if a < 0x40f0_0000_0000_0000 {
        normal
    } else if a > 0x7ff0_0000_0000_0000 {
        nan
    } else {
        0x7c00
    };
    ((b >> 48) & 0x8000) as u16 | h as u16
}

/// float16 -> float32, exact; NaN payload shifted up unchanged (NumPy).
#[inline(always)]
fn f16_to_f32(h: f16) -> f32 {
    let h = u32::from(h.to_bits());
    let a = h & 0x7fff;
    let inf_nan = 0x7f80_0000 | ((a & 0x3ff) << 13);
    let normal = (a + 0x1_c000) << 13;
    let subnormal = (a as f32 * (1.0 / 16_777_216.0)).to_bits();
    let r = if a >= 0x7c00 {
        inf_nan
    } else if a >= 0x400 {
        normal
    } else {
        subnormal
    };
    f32::from_bits(((h & 0x8000) << 16) | r)
}

/// float16 -> float64, exact; NaN payload shifted up unchanged (NumPy).
#[inline(always)]
fn f16_to_f64(h: f16) -> f64 {
    let h = u64::from(h.to_bits());
    let a = h & 0x7fff;
    let inf_nan = 0x7ff0_0000_0000_0000 | ((a & 0x3ff) << 42);
    let normal = (a + 0xf_c000) << 42;
    let subnormal = (a as f64 * (1.0 / 16_777_216.0)).to_bits();
    let r = if a >= 0x7c00 {
        inf_nan
    } else if a >= 0x400 {
        normal
    } else {
        subnormal
    };
    f64::from_bits(((h & 0x8000) << 48) | r)
}

/// float32 -> bfloat16 bits as ml_dtypes: round to nearest even, NaN becomes
/// the quiet NaN `0x7fc0` with the sign kept.
#[inline(always)]
fn f32_to_bf16_bits(x: f32) -> u16 {
    let b = x.to_bits();
    if x.is_nan() {
        ((b >> 16) as u16 & 0x8000) | 0x7fc0
    } else {
        ((b + 0x7fff + ((b >> 16) & 1)) >> 16) as u16
    }
}

/// bfloat16 -> float32, exact (payload included).
#[inline(always)]
fn bf16_to_f32(x: bf16) -> f32 {
    f32::from_bits(u32::from(x.to_bits()) << 16)
}

/// x86 truncating conversions as NumPy's compiled loops perform them, for
/// float32 and float64 ("work" floats: float16/bfloat16 widen to float32).
trait X86Convert: Copy {
    /// `x != 0` (NaN is non-zero).
    fn nonzero(self) -> bool;
    /// `cvttss2si`/`cvttsd2si` to 32 bits: NaN and out-of-range give `i32::MIN`.
    fn cvt_i32(self) -> i32;
    /// The 64-bit form: NaN and out-of-range give `i64::MIN`.
    fn cvt_i64(self) -> i64;
    /// GCC's vectorised float -> uint32: `x >= 2^31` converts `x - 2^31` and
    /// flips the top bit, anything else (NaN too) converts directly.
    fn cvt_u32(self) -> u32;
    /// GCC's float -> uint64 sequence, the 64-bit form of `cvt_u32`.
    fn cvt_u64(self) -> u64;
}

macro_rules! x86_convert {
    ($($f:ty),*) => {$(
        impl X86Convert for $f {
            #[inline(always)]
            fn nonzero(self) -> bool {
                self != 0.0
            }
            #[inline(always)]
            fn cvt_i32(self) -> i32 {
                if self > -2_147_483_649.0 && self < 2_147_483_648.0 {
                    // SAFETY: truncating a value in (-2^31 - 1, 2^31) gives
                    // an i32. (Unlike saturating `as`, this vectorises.)
                    unsafe { self.to_int_unchecked() }
                } else {
                    i32::MIN
                }
            }
            #[inline(always)]
            fn cvt_i64(self) -> i64 {
                if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&self) {
                    // SAFETY: truncating a value in [-2^63, 2^63) gives an i64.
                    unsafe { self.to_int_unchecked() }
                } else {
                    i64::MIN
                }
            }
            #[inline(always)]
            fn cvt_u32(self) -> u32 {
                // One conversion and two selects, so that it vectorises.
                let big = self >= 2_147_483_648.0;
                let r = (if big { self - 2_147_483_648.0 } else { self }).cvt_i32() as u32;
                r ^ (u32::from(big) << 31)
            }
            #[inline(always)]
            fn cvt_u64(self) -> u64 {
                let big = self >= 9_223_372_036_854_775_808.0;
                let r = (if big { self - 9_223_372_036_854_775_808.0 } else { self }).cvt_i64() as u64;
                r ^ (u64::from(big) << 63)
            }
        }
    )*};
}
x86_convert!(f32, f64);

/// Conversion from a work float (`f32` or `f64`) to a destination type.
trait FromWork<W>: Sized {
    fn from_work(w: W) -> Self;
}

macro_rules! from_work_int {
    ($($d:ty => |$x:ident| $e:expr),* $(,)?) => {$(
        impl<W: X86Convert> FromWork<W> for $d {
            #[inline(always)]
            fn from_work($x: W) -> $d {
                $e
            }
        }
    )*};
}
from_work_int! {
    bool => |x| x.nonzero(),
    i8 => |x| x.cvt_i32() as i8,
    i16 => |x| x.cvt_i32() as i16,
    i32 => |x| x.cvt_i32(),
    i64 => |x| x.cvt_i64(),
    u8 => |x| x.cvt_i32() as u8,
    u16 => |x| x.cvt_i32() as u16,
    u32 => |x| x.cvt_u32(),
    u64 => |x| x.cvt_u64(),
}

macro_rules! from_work_float {
    ($w:ty: $($d:ty => |$x:ident| $e:expr),* $(,)?) => {$(
        impl FromWork<$w> for $d {
            #[inline(always)]
            fn from_work($x: $w) -> $d {
                $e
            }
        }
    )*};
}
from_work_float! { f32:
    f16 => |x| f16::from_bits(f32_to_f16_bits(x)),
    bf16 => |x| bf16::from_bits(f32_to_bf16_bits(x)),
    f32 => |x| x,
    f64 => |x| x as f64,
    C32 => |x| C32::new(x, 0.0),
    C64 => |x| C64::new(x as f64, 0.0),
}
from_work_float! { f64:
    f16 => |x| f16::from_bits(f64_to_f16_bits(x)),
    bf16 => |x| bf16::from_bits(f32_to_bf16_bits(x as f32)),
    f32 => |x| x as f32,
    f64 => |x| x,
    C32 => |x| C32::new(x as f32, 0.0),
    C64 => |x| C64::new(x, 0.0),
}

/// `impl CastTo<D> for S` by an expression of `self`.
macro_rules! casts {
    ($s:ty: $($d:ty => |$x:ident| $e:expr),* $(,)?) => {$(
        impl CastTo<$d> for $s {
            #[inline(always)]
            fn cast_to(self) -> $d {
                let $x = self;
                $e
            }
        }
    )*};
}

/// `impl CastTo<D> for S` through the work-float value `$w` of the source.
macro_rules! via_work {
    ($s:ty, |$x:ident| $w:expr => $($d:ty),* $(,)?) => {$(
        casts!($s: $d => |$x| <$d as FromWork<_>>::from_work($w));
    )*};
}

/// Integer sources: Rust's `as` is C's conversion for every integer and
/// float32/float64 destination.
macro_rules! int_source {
    ($($s:ty),*) => {$(
        casts! { $s:
            bool => |x| x != 0,
            i8 => |x| x as i8, i16 => |x| x as i16, i32 => |x| x as i32, i64 => |x| x as i64,
            u8 => |x| x as u8, u16 => |x| x as u16, u32 => |x| x as u32, u64 => |x| x as u64,
            f16 => |x| f16::from_bits(f32_to_f16_bits(x as f32)),
            bf16 => |x| bf16::from_bits(f32_to_bf16_bits(x as f32)),
            f32 => |x| x as f32, f64 => |x| x as f64,
            C32 => |x| C32::new(x as f32, 0.0), C64 => |x| C64::new(x as f64, 0.0),
        }
    )*};
}
int_source!(i8, i16, i32, i64, u8, u16, u32, u64);

impl<D> CastTo<D> for bool
where
    u8: CastTo<D>,
{
    #[inline(always)]
    fn cast_to(self) -> D {
        u8::from(self).cast_to()
    }
}

via_work!(f32, |x| x => bool, i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64, C32, C64);
via_work!(f64, |x| x => bool, i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64, C32, C64);
via_work!(bf16, |x| bf16_to_f32(x) => bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, C32, C64);
casts! { bf16:
    bf16 => |x| x,
    // ml_dtypes: the canonical quiet NaN, not NumPy's payload-keeping rule.
    f16 => |x| f16::from_bits(if x.is_nan() {
        (x.to_bits() & 0x8000) | 0x7e00
    } else {
        f32_to_f16_bits(bf16_to_f32(x))
    }),
}
via_work!(f16, |x| f16_to_f32(x) => bool, i8, i16, i32, i64, u8, u16, u64, bf16, f32, C32);
casts! { f16:
    f16 => |x| x,
    // NumPy's float16 loops are scalar: int64 conversion, low 32 bits.
    u32 => |x| f16_to_f32(x).cvt_i64() as u32,
    f64 => |x| f16_to_f64(x),
    C64 => |x| C64::new(f16_to_f64(x), 0.0),
}
via_work!(C32, |x| x.re => i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64);
casts! { C32:
    bool => |x| x.re != 0.0 || x.im != 0.0,
    C32 => |x| x,
    C64 => |x| C64::new(x.re as f64, x.im as f64),
}
via_work!(C64, |x| x.re => i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64);
casts! { C64:
    bool => |x| x.re != 0.0 || x.im != 0.0,
    C32 => |x| C32::new(x.re as f32, x.im as f32),
    C64 => |x| x,
}

// ---------------------------------------------------------------------------
// Strided runs.
// ---------------------------------------------------------------------------

/// How an element type sits in memory: `bool` as a raw byte (any pattern may
/// be there), everything else as itself.
trait Slot: Copy {
    type Raw: Copy;
    fn load(raw: Self::Raw) -> Self;
    fn store(self) -> Self::Raw;
}

impl Slot for bool {
    type Raw = u8;
    #[inline(always)]
    fn load(raw: u8) -> bool {
        raw != 0
    }
    #[inline(always)]
    fn store(self) -> u8 {
        u8::from(self)
    }
}

macro_rules! plain_slot {
    ($($t:ty),*) => {$(
        impl Slot for $t {
            type Raw = $t;
            #[inline(always)]
            fn load(raw: $t) -> $t {
                raw
            }
            #[inline(always)]
            fn store(self) -> $t {
                self
            }
        }
    )*};
}
plain_slot!(i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64, C32, C64);

/// Runs `$body` with `$t` bound to the value type of `$dtype` (`bool` for
/// Bool: storage goes through [`Slot`]).
macro_rules! with_value_type {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            DType::Bool => { type $t = bool; $body }
            DType::Int8 => { type $t = i8; $body }
            DType::Int16 => { type $t = i16; $body }
            DType::Int32 => { type $t = i32; $body }
            DType::Int64 => { type $t = i64; $body }
            DType::UInt8 => { type $t = u8; $body }
            DType::UInt16 => { type $t = u16; $body }
            DType::UInt32 => { type $t = u32; $body }
            DType::UInt64 => { type $t = u64; $body }
            DType::Float16 => { type $t = f16; $body }
            DType::BFloat16 => { type $t = bf16; $body }
            DType::Float32 => { type $t = f32; $body }
            DType::Float64 => { type $t = f64; $body }
            DType::Complex64 => { type $t = C32; $body }
            DType::Complex128 => { type $t = C64; $body }
        }
    };
}

/// Converts `n` elements. `src` points at the first source element of dtype `from`,
/// `dst` at the first destination element of dtype `to`; strides are in ELEMENTS of
/// their own dtype and may be negative or zero (zero only for src).
///
/// Same-dtype casts are plain copies (bool -> bool normalises bytes to 0/1);
/// contiguous runs of different dtypes are a slice loop the compiler
/// vectorises; a zero source stride converts once and fills.
///
/// # Safety
/// every element src + i*src_stride (i < n) must be readable and aligned for `from`,
/// every dst + i*dst_stride writable and aligned for `to`, and the ranges must not overlap
/// unless from == to and src == dst with equal strides.
pub unsafe fn cast_run(
    from: DType,
    src: *const u8,
    src_stride: isize,
    to: DType,
    dst: *mut u8,
    dst_stride: isize,
    n: usize,
) {
    if n == 0 {
        return;
    }
    if from == to && from != DType::Bool {
        // SAFETY: the caller's contract, for a stand-in element type of
        // `from`'s size and no stricter alignment (see `dispatch_size!`).
        super::gather::dispatch_size!(from.itemsize(), T => unsafe {
            copy_run::<T>(src, src_stride, dst, dst_stride, n)
        });
        return;
    }
    if from == to && ptr::eq(src, dst) && src_stride == dst_stride {
        // Bool in place: normalise each byte; reads and writes alias.
        for i in 0..n as isize {
            // SAFETY: element i is readable and writable (caller contract);
            // raw pointer accesses may alias.
            unsafe {
                let p = dst.offset(i * dst_stride);
                p.write(u8::from(p.read() != 0));
            }
        }
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if from == DType::Float32 && to == DType::Float16 && src_stride == 1 && dst_stride == 1 && has_f16c() {
        // SAFETY: n contiguous float32 at src and n writable float16 slots
        // at dst, disjoint (caller contract); the CPU has F16C and AVX.
        unsafe {
            let (s, d) = (slice::from_raw_parts(src.cast::<f32>(), n), slice::from_raw_parts_mut(dst.cast::<u16>(), n));
            return f32_to_f16_f16c(s, d);
        }
    }
    with_value_type!(from, S => with_value_type!(to, D => {
        // SAFETY: `S` and `D` are the element types of `from` and `to`, and
        // the caller's contract is `run`'s.
        unsafe { run::<S, D>(src, src_stride, dst, dst_stride, n) }
    }))
}

/// Same-dtype copy of `n` elements of `T`.
///
/// # Safety
/// As [`cast_run`] with `T` of the dtype's size and alignment.
#[inline]
unsafe fn copy_run<T: Copy>(src: *const u8, ss: isize, dst: *mut u8, ds: isize, n: usize) {
    let (src, dst) = (src.cast::<T>(), dst.cast::<T>());
    if ptr::eq(src, dst) && ss == ds {
        return; // in place: nothing changes
    }
    if ss == 1 && ds == 1 {
        // SAFETY: n contiguous elements readable at src and writable at dst,
        // not overlapping (caller contract; the in-place case returned above).
        unsafe { ptr::copy_nonoverlapping(src, dst, n) };
    } else if ss == -1 && ds == 1 {
        // A reversed run (`flip`, `x[::-1]`): a slice read backwards, which
        // vectorizes as loads and lane reversals.
        // SAFETY: elements src - (n - 1) ..= src are readable and n
        // elements at dst writable, not overlapping (caller contract).
        let (s, d) = unsafe { (slice::from_raw_parts(src.sub(n - 1), n), slice::from_raw_parts_mut(dst, n)) };
        for (o, &x) in d.iter_mut().zip(s.iter().rev()) {
            *o = x;
        }
    } else {
        for i in 0..n as isize {
            // SAFETY: element i of each run is in bounds and aligned (caller
            // contract), so the offsets stay inside the caller's memory.
            unsafe { dst.offset(i * ds).write(src.offset(i * ss).read()) };
        }
    }
}

/// Converts `n` elements from `S` storage to `D` storage.
///
/// # Safety
/// As [`cast_run`], with `S` and `D` the value types of its dtypes and the
/// runs not overlapping.
#[inline]
unsafe fn run<S, D>(src: *const u8, ss: isize, dst: *mut u8, ds: isize, n: usize)
where
    S: Slot + CastTo<D>,
    D: Slot,
{
    let (src, dst) = (src.cast::<S::Raw>(), dst.cast::<D::Raw>());
    let convert = |raw: S::Raw| -> D::Raw { S::load(raw).cast_to().store() };
    if ss == 1 && ds == 1 {
        // SAFETY: n contiguous, aligned, initialised elements at src, n
        // writable ones at dst, disjoint (caller contract; n > 0 so neither
        // pointer is null).
        let (s, d) = unsafe { (slice::from_raw_parts(src, n), slice::from_raw_parts_mut(dst, n)) };
        #[cfg(target_arch = "x86_64")]
        if super::map::wide_vectors() {
            // SAFETY: the CPU has AVX2 (checked just above).
            return unsafe { convert_avx2::<S, D>(s, d) };
        }
        convert_slice::<S, D>(s, d);
    } else if ss == 0 {
        // SAFETY: element 0 is readable (caller contract, n > 0).
        let v = convert(unsafe { src.read() });
        if ds == 1 {
            // SAFETY: n contiguous writable elements at dst.
            unsafe { slice::from_raw_parts_mut(dst, n) }.fill(v);
        } else {
            for i in 0..n as isize {
                // SAFETY: element i of the destination run is writable.
                unsafe { dst.offset(i * ds).write(v) };
            }
        }
    } else {
        for i in 0..n as isize {
            // SAFETY: element i of each run is in bounds and aligned (caller
            // contract), so the offsets stay inside the caller's memory.
            unsafe { dst.offset(i * ds).write(convert(src.offset(i * ss).read())) };
        }
    }
}

/// Whether the CPU converts float32 to float16 in hardware (F16C, with the
/// AVX registers it works on).
#[cfg(target_arch = "x86_64")]
fn has_f16c() -> bool {
    std::arch::is_x86_feature_detected!("f16c") && std::arch::is_x86_feature_detected!("avx")
}

/// float32 -> float16 bits, eight at a time with `vcvtps2ph` (round to
/// nearest even, as [`f32_to_f16_bits`]). The instruction quiets a
/// signalling NaN and may drop its payload where NumPy keeps the payload's
/// top bits, so a block holding a NaN is converted again by the scalar
/// rule.
///
/// # Safety
///
/// The CPU supports F16C and AVX; `s` and `d` have the same length.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,f16c")]
unsafe fn f32_to_f16_f16c(s: &[f32], d: &mut [u16]) {
    use std::arch::x86_64::*;
    assert_eq!(s.len(), d.len());
    let mut blocks = d.chunks_exact_mut(8).zip(s.chunks_exact(8));
    for (out, x) in &mut blocks {
        // SAFETY: `x` holds 8 float32 and `out` 8 u16 slots (unaligned
        // loads and stores).
        unsafe {
            let v = _mm256_loadu_ps(x.as_ptr());
            _mm_storeu_si128(out.as_mut_ptr().cast(), _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v));
            if _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_UNORD_Q>(v, v)) != 0 {
                for (o, &x) in out.iter_mut().zip(x) {
                    *o = f32_to_f16_bits(x);
                }
            }
        }
    }
    let tail = s.len() / 8 * 8;
    for (o, &x) in d[tail..].iter_mut().zip(&s[tail..]) {
        *o = f32_to_f16_bits(x);
    }
}

/// `d[i] = s[i]` converted, for equal-length slices.
#[inline(always)]
fn convert_slice<S: Slot + CastTo<D>, D: Slot>(s: &[S::Raw], d: &mut [D::Raw]) {
    for (out, &x) in d.iter_mut().zip(s) {
        *out = S::load(x).cast_to().store();
    }
}

/// [`convert_slice`] compiled for AVX2: the float16 and integer
/// conversions, written as selects, then run eight lanes at a time.
///
/// # Safety
///
/// The CPU supports AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn convert_avx2<S: Slot + CastTo<D>, D: Slot>(s: &[S::Raw], d: &mut [D::Raw]) {
    convert_slice::<S, D>(s, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn hardware_float16_conversion_matches_the_scalar_rule() {
        if !has_f16c() {
            return;
        }
        // Every 61st bit pattern (all exponents, both signs, NaN payloads),
        // plus the rounding boundaries around 65504 and the subnormals.
        let mut xs: Vec<f32> = (0..=u32::MAX / 61).map(|i| f32::from_bits(i.wrapping_mul(61))).collect();
        xs.extend([65504.0, 65519.99, 65520.0, 5.96e-8, 2.98e-8, 2.99e-8, -0.0, f32::INFINITY]);
        xs.extend([f32::from_bits(0x7f80_0001), f32::from_bits(0xff80_2000), f32::from_bits(0x7fc0_0000)]);
        let mut got = vec![0u16; xs.len()];
        // SAFETY: F16C checked above; equal lengths.
        unsafe { f32_to_f16_f16c(&xs, &mut got) };
        for (x, g) in xs.iter().zip(&got) {
            assert_eq!(*g, f32_to_f16_bits(*x), "{:#010x}", x.to_bits());
        }
    }

    fn run_vec<S: Copy, D: Copy + Default>(from: DType, src: &[S], to: DType) -> Vec<D> {
        let mut out = vec![D::default(); src.len()];
        // SAFETY: both buffers hold src.len() elements of the named dtypes.
        unsafe { cast_run(from, src.as_ptr().cast(), 1, to, out.as_mut_ptr().cast(), 1, src.len()) };
        out
    }

    #[test]
    fn float_to_int_out_of_range_follows_x86() {
        let v = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e10, -1e10, 300.0, -1.5];
        assert_eq!(run_vec::<f64, i32>(DType::Float64, &v, DType::Int32),
                   [i32::MIN, i32::MIN, i32::MIN, i32::MIN, i32::MIN, 300, -1]);
        assert_eq!(run_vec::<f64, u8>(DType::Float64, &v, DType::UInt8), [0, 0, 0, 0, 0, 44, 255]);
        assert_eq!(run_vec::<f64, u64>(DType::Float64, &v, DType::UInt64),
                   [1 << 63, 0, 1 << 63, 10_000_000_000, 0u64.wrapping_sub(10_000_000_000), 300, u64::MAX]);
        assert_eq!(run_vec::<f64, u32>(DType::Float64, &v, DType::UInt32),
                   [1 << 31, 0, 1 << 31, 0, 1 << 31, 300, u32::MAX]);
        assert_eq!(cast_value::<f32, u32>(3.0e9), 3_000_000_000);
        assert_eq!(cast_value::<f64, u64>(1.5 * 9_223_372_036_854_775_808.0), 0xc000_0000_0000_0000);
        // float16 loops are scalar in NumPy: NaN -> uint32 is 0 there.
        assert_eq!(cast_value::<f16, u32>(f16::NAN), 0);
        assert_eq!(cast_value::<f16, u32>(f16::from_f32(-1.0)), u32::MAX);
    }

    #[test]
    fn float16_rounding_and_nan_payloads() {
        // float64 -> float16 rounds once (1 + 2^-11 + 2^-30 is above the tie).
        assert_eq!(cast_value::<f64, f16>(1.0 + 2f64.powi(-11) + 2f64.powi(-30)).to_bits(), 0x3c01);
        assert_eq!(cast_value::<f32, f16>(1.0 + 2f32.powi(-11)).to_bits(), 0x3c00);
        assert_eq!(cast_value::<f32, f16>(65520.0).to_bits(), 0x7c00);
        assert_eq!(cast_value::<f32, f16>(65519.0).to_bits(), 0x7bff);
        assert_eq!(cast_value::<f32, f16>(-2.9802322e-8).to_bits(), 0x8000);
        assert_eq!(cast_value::<f32, f16>(2.9802326e-8).to_bits(), 0x0001);
        // Payloads are kept, not quieted; a payload that would vanish becomes 1.
        assert_eq!(cast_value::<f32, f16>(f32::from_bits(0x7f80_0001)).to_bits(), 0x7c01);
        assert_eq!(cast_value::<f32, f16>(f32::from_bits(0xffa0_0001)).to_bits(), 0xfd00);
        assert_eq!(cast_value::<f16, f32>(f16::from_bits(0x7c01)).to_bits(), 0x7f80_2000);
        assert_eq!(cast_value::<f16, f64>(f16::from_bits(0xfdff)).to_bits(), 0xfff7_fc00_0000_0000);
        for bits in 0..=u16::MAX {
            let h = f16::from_bits(bits);
            if !h.is_nan() {
                assert_eq!(cast_value::<f16, f32>(h), h.to_f32());
                assert_eq!(cast_value::<f32, f16>(h.to_f32()).to_bits(), bits);
                assert_eq!(cast_value::<f64, f16>(h.to_f64()).to_bits(), bits);
            }
        }
    }

    #[test]
    fn bfloat16_rounds_twice_and_canonicalises_nan() {
        // float64 -> bfloat16 goes through float32 (ml_dtypes).
        assert_eq!(cast_value::<f64, bf16>(1.0 + 2f64.powi(-8) + 2f64.powi(-30)).to_bits(), 0x3f80);
        assert_eq!(cast_value::<f32, bf16>(1.0 + 2f32.powi(-8) + 2f32.powi(-20)).to_bits(), 0x3f81);
        assert_eq!(cast_value::<i64, bf16>((1 << 24) + (1 << 16) + 1).to_bits(), 0x4b80);
        assert_eq!(cast_value::<f32, bf16>(f32::from_bits(0xff80_0001)).to_bits(), 0xffc0);
        assert_eq!(cast_value::<bf16, f16>(bf16::from_bits(0x7f81)).to_bits(), 0x7e00);
        assert_eq!(cast_value::<bf16, f32>(bf16::from_bits(0x7f81)).to_bits(), 0x7f81_0000);
    }

    #[test]
    fn bool_and_complex_rules() {
        let raw: [u8; 4] = [0, 1, 2, 255];
        assert_eq!(run_vec::<u8, i8>(DType::Bool, &raw, DType::Int8), [0, 1, 1, 1]);
        assert_eq!(run_vec::<u8, u8>(DType::Bool, &raw, DType::Bool), [0, 1, 1, 1]);
        let mut in_place = raw;
        // SAFETY: same dtype, same pointer, equal strides; 4 bytes.
        unsafe { cast_run(DType::Bool, in_place.as_ptr(), 1, DType::Bool, in_place.as_mut_ptr(), 1, 4) };
        assert_eq!(in_place, [0, 1, 1, 1]);
        let f = [0.0f32, -0.0, f32::NAN, 0.5];
        assert_eq!(run_vec::<f32, u8>(DType::Float32, &f, DType::Bool), [0, 0, 1, 1]);
        let c = [C64::new(0.0, 1.0), C64::new(-0.0, 0.0), C64::new(2.5, f64::NAN)];
        assert_eq!(run_vec::<C64, u8>(DType::Complex128, &c, DType::Bool), [1, 0, 1]);
        assert_eq!(run_vec::<C64, f32>(DType::Complex128, &c, DType::Float32), [0.0, -0.0, 2.5]);
        assert_eq!(cast_value::<i16, C32>(-3), C32::new(-3.0, 0.0));
        assert!(cast_value::<f32, C64>(-0.0).im.is_sign_positive());
    }

    #[test]
    fn strides_and_broadcast() {
        let src = [1.5f64, -2.5, 3.5, 300.0];
        let mut dst = [0i16; 8];
        // SAFETY: reads src[3], src[2], src[1], src[0]; writes dst[0], dst[2], dst[4], dst[6].
        unsafe {
            cast_run(DType::Float64, src.as_ptr().add(3).cast(), -1, DType::Int16,
                     dst.as_mut_ptr().cast(), 2, 4)
        };
        assert_eq!(dst, [300, 0, 3, 0, -2, 0, 1, 0]);
        let mut fill = [0u8; 5];
        // SAFETY: one readable source element, five writable bytes.
        unsafe { cast_run(DType::Float64, src.as_ptr().cast(), 0, DType::UInt8, fill.as_mut_ptr(), 1, 5) };
        assert_eq!(fill, [1; 5]);
        let mut same = [0f64; 2];
        // SAFETY: two readable and two writable f64 with stride 2 / 1.
        unsafe { cast_run(DType::Float64, src.as_ptr().cast(), 2, DType::Float64, same.as_mut_ptr().cast(), 1, 2) };
        assert_eq!(same, [1.5, 3.5]);
    }
}
