//! The integer arithmetic elementwise kernels share: one trait over the
//! eight integer types, with NumPy's wrapping semantics and its answers for
//! division by zero (0) and out-of-range shifts (0, or -1 for negative
//! values shifted right).

/// `i8..i64` and `u8..u64`.
pub trait Int: Copy + Send + Sync + PartialOrd + Eq + std::fmt::Debug + 'static {
    /// Bits in the type.
    const BITS: u32;
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// Wrapping `a + b`.
    fn add(self, b: Self) -> Self;
    /// Wrapping `a - b`.
    fn sub(self, b: Self) -> Self;
    /// Wrapping `a * b`.
    fn mul(self, b: Self) -> Self;
    /// Wrapping `-a`.
    fn neg(self) -> Self;
    /// Wrapping `|a|`.
    fn abs(self) -> Self;
    /// -1, 0 or 1.
    fn signum(self) -> Self;
    /// Floor division (Python's `//`); 0 for a zero divisor, wrapping for MIN // -1.
    fn floor_div(self, b: Self) -> Self;
    /// Python's `%` (the divisor's sign); 0 for a zero divisor.
    fn floor_rem(self, b: Self) -> Self;
    /// `a ** b` by squaring, wrapping; negative exponents are checked by the caller.
    fn pow(self, b: Self) -> Self;
    /// Bitwise and, or, xor, not.
    fn and(self, b: Self) -> Self;
    /// Bitwise or.
    fn or(self, b: Self) -> Self;
    /// Bitwise xor.
    fn xor(self, b: Self) -> Self;
    /// Bitwise not.
    fn not(self) -> Self;
    /// `a << b`, 0 when `b` is negative or at least the bit width.
    fn shl(self, b: Self) -> Self;
    /// `a >> b` (arithmetic for signed), saturating to 0 or -1 when `b` is
    /// negative or at least the bit width.
    fn shr(self, b: Self) -> Self;
    /// Whether the value is below zero.
    fn is_negative(self) -> bool;
}

macro_rules! int_impl {
    ($($t:ty),*) => {$(
        impl Int for $t {
            const BITS: u32 = <$t>::BITS;
            const ZERO: $t = 0;
            const ONE: $t = 1;
            #[inline(always)]
            fn add(self, b: $t) -> $t { self.wrapping_add(b) }
            #[inline(always)]
            fn sub(self, b: $t) -> $t { self.wrapping_sub(b) }
            #[inline(always)]
            fn mul(self, b: $t) -> $t { self.wrapping_mul(b) }
            #[inline(always)]
            fn neg(self) -> $t { self.wrapping_neg() }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn abs(self) -> $t { if self < 0 { self.wrapping_neg() } else { self } }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn signum(self) -> $t { if self > 0 { 1 } else if self < 0 { (0 as $t).wrapping_sub(1) } else { 0 } }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn floor_div(self, b: $t) -> $t {
                if b == 0 { return 0; }
                let q = self.wrapping_div(b);
                if (self.wrapping_rem(b) != 0) && ((self < 0) != (b < 0)) { q.wrapping_sub(1) } else { q }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn floor_rem(self, b: $t) -> $t {
                if b == 0 { return 0; }
                let r = self.wrapping_rem(b);
                if r != 0 && ((r < 0) != (b < 0)) { r.wrapping_add(b) } else { r }
            }
            #[inline(always)]
            fn pow(self, b: $t) -> $t {
                let (mut base, mut e, mut acc) = (self, b as u64, 1 as $t);
                while e > 0 {
                    if e & 1 == 1 { acc = acc.wrapping_mul(base); }
                    base = base.wrapping_mul(base);
                    e >>= 1;
                }
                acc
            }
            #[inline(always)]
            fn and(self, b: $t) -> $t { self & b }
            #[inline(always)]
            fn or(self, b: $t) -> $t { self | b }
            #[inline(always)]
            fn xor(self, b: $t) -> $t { self ^ b }
            #[inline(always)]
            fn not(self) -> $t { !self }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn shl(self, b: $t) -> $t {
                if b < 0 || (b as u64) >= <$t>::BITS as u64 { 0 } else { self << (b as u32) }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn shr(self, b: $t) -> $t {
                if b < 0 || (b as u64) >= <$t>::BITS as u64 {
                    if self < 0 { (0 as $t).wrapping_sub(1) } else { 0 }
                } else {
                    self >> (b as u32)
                }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn is_negative(self) -> bool { self < 0 }
        }
    )*};
}

int_impl!(i8, i16, i32, i64, u8, u16, u32, u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_follows_python() {
        assert_eq!(Int::floor_div(-7i32, 2), -4);
        assert_eq!(Int::floor_rem(-7i32, 2), 1);
        assert_eq!(Int::floor_rem(7i32, -2), -1);
        assert_eq!(Int::floor_div(7i32, 0), 0);
        assert_eq!(Int::floor_div(i8::MIN, -1), i8::MIN);
        assert_eq!(Int::floor_div(7u8, 2), 3);
    }

    #[test]
    fn shifts_saturate_like_numpy() {
        assert_eq!(Int::shl(1i8, 9), 0);
        assert_eq!(Int::shr(-8i8, 9), -1);
        assert_eq!(Int::shr(8u8, 3), 1);
        assert_eq!(Int::pow(3i64, 4), 81);
        assert_eq!(Int::pow(2u8, 9), 0);
    }
}
