//! What a reduction computes, element by element: the [`Fold`] trait and
//! the folds of the Array API reductions (sum, prod, max/min, all/any,
//! count_nonzero, mean and the second pass of var/std).
//!
//! A fold is pure arithmetic; *where* the elements come from is the
//! business of the engine in [`super::reduce`]. Keeping the two apart lets
//! one engine, with its fast paths for contiguous and outer reductions,
//! serve every reduction and every dtype.
//!
//! # Accumulator types (why results are accurate)
//!
//! Each element type names the accumulator its sums and means use
//! ([`Arith`]): integers and bool sum in 64 bits with wrapping (NumPy's
//! result for the default integer), float16 and bfloat16 in float32 (one
//! rounding at the end instead of one per addition), float32/float64 and
//! complex in their own precision. The engine sums pairwise, so the error
//! grows with the logarithm of the length, as in NumPy.

use half::{bf16, f16};
use num_complex::Complex;

use super::cast::cast_value;
use crate::element::Element;

type C32 = Complex<f32>;
type C64 = Complex<f64>;

/// One reduction: an accumulator that starts at [`Fold::identity`], takes
/// elements with [`Fold::step`], combines partial results with
/// [`Fold::merge`] and becomes an output element with [`Fold::finish`].
///
/// `out` is the flat index of the output element being computed, for folds
/// whose step depends on it (the deviation from each output's mean in
/// var/std); the others ignore it.
pub trait Fold: Sync {
    /// The element type read.
    type In: Element;
    /// The running value.
    type Acc: Copy + Send + Sync;
    /// The element type written.
    type Out: Element;
    /// The accumulator of an empty reduction.
    fn identity(&self) -> Self::Acc;
    /// Takes one element.
    fn step(&self, acc: Self::Acc, x: Self::In, out: usize) -> Self::Acc;
    /// Combines two partial results (the left one covers earlier elements).
    fn merge(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc;
    /// The output element for a finished accumulator.
    fn finish(&self, acc: Self::Acc, out: usize) -> Self::Out;
}

/// Arithmetic of accumulators: wrapping for integers, IEEE for floats.
pub trait Acc: Copy + Send + Sync + 'static {
    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;
    /// `self + o` (wrapping for integers).
    fn add(self, o: Self) -> Self;
    /// `self * o` (wrapping for integers).
    fn mul(self, o: Self) -> Self;
}

macro_rules! int_acc {
    ($($t:ty),*) => {$(
        impl Acc for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self.wrapping_add(o) }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self.wrapping_mul(o) }
        }
    )*};
}
int_acc!(i64, u64);

macro_rules! float_acc {
    ($($t:ty => $zero:expr, $one:expr);*) => {$(
        impl Acc for $t {
            const ZERO: Self = $zero;
            const ONE: Self = $one;
            #[inline(always)]
            fn add(self, o: Self) -> Self { self + o }
            #[inline(always)]
            fn mul(self, o: Self) -> Self { self * o }
        }
    )*};
}
float_acc!(f32 => 0.0, 1.0; f64 => 0.0, 1.0;
    C32 => Complex::new(0.0, 0.0), Complex::new(1.0, 0.0);
    C64 => Complex::new(0.0, 0.0), Complex::new(1.0, 0.0));

/// Accumulators of means and variances: floats and complex numbers, with
/// their real counterpart.
///
/// Divisions by the element count happen in float64 and are rounded once to
/// the accumulator's precision: NumPy divides the float32 sum by an integer
/// count, which promotes to float64, so the mean of three equal float32
/// values is that value again (a float32 division by 3 could be one ulp off,
/// and the variance of constant data would then not be 0).
pub trait Moment: Acc {
    /// The real type of magnitudes (`f32` for `Complex<f32>`).
    type Real: Acc + Real;
    /// `self / d`, computed in float64 and rounded once.
    fn div_count(self, d: f64) -> Self;
    /// `|self - m|^2`.
    fn dev_sq(self, m: Self) -> Self::Real;
}

/// Real accumulators: division by a count, square root.
pub trait Real: Acc {
    /// `self / d`, computed in float64 and rounded once.
    fn div_count(self, d: f64) -> Self;
    /// The square root.
    fn sqrt(self) -> Self;
}

macro_rules! real_moment {
    ($($t:ty),*) => {$(
        impl Real for $t {
            #[inline(always)]
            fn div_count(self, d: f64) -> Self { (self as f64 / d) as $t }
            #[inline(always)]
            fn sqrt(self) -> Self { <$t>::sqrt(self) }
        }
        impl Moment for $t {
            type Real = $t;
            #[inline(always)]
            fn div_count(self, d: f64) -> Self { (self as f64 / d) as $t }
            #[inline(always)]
            fn dev_sq(self, m: Self) -> $t { let d = self - m; d * d }
        }
        impl Moment for Complex<$t> {
            type Real = $t;
            /// NumPy's complex division by `d + 0j` (Smith's algorithm with
            /// a zero ratio, in complex128), so infinities give the same NaN
            /// parts (`(0+inf j) / 1` is `nan+inf j`).
            #[inline(always)]
            fn div_count(self, d: f64) -> Self {
                let (re, im) = (self.re as f64, self.im as f64);
                if d == 0.0 {
                    return Complex::new((re / d) as $t, (im / d) as $t);
                }
                let scale = 1.0 / d;
                Complex::new(((re + im * 0.0) * scale) as $t, ((im - re * 0.0) * scale) as $t)
            }
            #[inline(always)]
            fn dev_sq(self, m: Self) -> $t {
                let (re, im) = (self.re - m.re, self.im - m.im);
                re * re + im * im
            }
        }
    )*};
}
real_moment!(f32, f64);

/// The accumulators and result types an element type reduces with (see the
/// module docs): sums and products, means, variances.
pub trait Arith: Element {
    /// Accumulator of sums and products.
    type SumAcc: Acc;
    /// Element type of sums and products (the standard's result dtype).
    type SumOut: Element;
    /// Accumulator of means and variances.
    type MeanAcc: Moment;
    /// Element type of means.
    type MeanOut: Element;
    /// Element type of variances and standard deviations (real).
    type VarOut: Element;
    /// The element as a sum accumulator.
    fn sum_lift(self) -> Self::SumAcc;
    /// A finished sum as the result element.
    fn sum_out(a: Self::SumAcc) -> Self::SumOut;
    /// The element as a mean accumulator.
    fn mean_lift(self) -> Self::MeanAcc;
    /// A finished mean as the result element.
    fn mean_out(a: Self::MeanAcc) -> Self::MeanOut;
    /// A finished variance as the result element.
    fn var_out(a: <Self::MeanAcc as Moment>::Real) -> Self::VarOut;
}

macro_rules! arith {
    ($($t:ty => $sa:ty, $so:ty, $ma:ty, $mo:ty, $vo:ty);* $(;)?) => {$(
        impl Arith for $t {
            type SumAcc = $sa;
            type SumOut = $so;
            type MeanAcc = $ma;
            type MeanOut = $mo;
            type VarOut = $vo;
            #[inline(always)]
            fn sum_lift(self) -> $sa { cast_value(self) }
            #[inline(always)]
            fn sum_out(a: $sa) -> $so { cast_value(a) }
            #[inline(always)]
            fn mean_lift(self) -> $ma { cast_value(self) }
            #[inline(always)]
            fn mean_out(a: $ma) -> $mo { cast_value(a) }
            #[inline(always)]
            fn var_out(a: <$ma as Moment>::Real) -> $vo { cast_value(a) }
        }
    )*};
}
// Bool inputs are converted to int8 before they reach a fold (bool storage
// is read as `u8`, which here means the unsigned integer).
arith! {
    i8 => i64, i64, f64, f64, f64;
    i16 => i64, i64, f64, f64, f64;
    i32 => i64, i64, f64, f64, f64;
    i64 => i64, i64, f64, f64, f64;
    u8 => u64, u64, f64, f64, f64;
    u16 => u64, u64, f64, f64, f64;
    u32 => u64, u64, f64, f64, f64;
    u64 => u64, u64, f64, f64, f64;
    f16 => f32, f16, f32, f16, f16;
    bf16 => f32, bf16, f32, bf16, bf16;
    f32 => f32, f32, f32, f32, f32;
    f64 => f64, f64, f64, f64, f64;
    C32 => C32, C32, C32, C32, f32;
    C64 => C64, C64, C64, C64, f64;
}

/// Total order with NaN for max/min/argmax/argmin: NumPy's rules. A NaN
/// beats every number (so it propagates and the first NaN is the argmax);
/// complex numbers compare lexicographically (real part first) and are NaN
/// when either part is.
pub trait Ordered: Element {
    /// The value no element is below (the identity of max).
    const LOWEST: Self;
    /// The value no element is above (the identity of min).
    const HIGHEST: Self;
    /// Whether the value is NaN (never for integers).
    fn is_nan(self) -> bool;
    /// `self > o` for numbers.
    fn gt(self, o: Self) -> bool;
    /// `self < o` for numbers.
    fn lt(self, o: Self) -> bool;
    /// Whether `x` replaces `best` as the maximum: larger, or the first NaN;
    /// nothing replaces a NaN (a complex NaN may still compare by its real
    /// part, so the check is explicit). (Non-short-circuit operators keep the select branch-free, so
    /// contiguous loops vectorize.)
    #[inline(always)]
    fn beats_max(x: Self, best: Self) -> bool {
        !best.is_nan() & (x.gt(best) | x.is_nan())
    }
    /// Whether `x` replaces `best` as the minimum: smaller, or the first NaN.
    #[inline(always)]
    fn beats_min(x: Self, best: Self) -> bool {
        !best.is_nan() & (x.lt(best) | x.is_nan())
    }
}

macro_rules! ordered_int {
    ($($t:ty),*) => {$(
        impl Ordered for $t {
            const LOWEST: Self = <$t>::MIN;
            const HIGHEST: Self = <$t>::MAX;
            #[inline(always)]
            fn is_nan(self) -> bool { false }
            #[inline(always)]
            fn gt(self, o: Self) -> bool { self > o }
            #[inline(always)]
            fn lt(self, o: Self) -> bool { self < o }
        }
    )*};
}
ordered_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! ordered_float {
    ($($t:ty),*) => {$(
        impl Ordered for $t {
            const LOWEST: Self = <$t>::NEG_INFINITY;
            const HIGHEST: Self = <$t>::INFINITY;
            #[inline(always)]
            #[allow(clippy::eq_op)]
            fn is_nan(self) -> bool { self != self }
            #[inline(always)]
            fn gt(self, o: Self) -> bool { self > o }
            #[inline(always)]
            fn lt(self, o: Self) -> bool { self < o }
        }
    )*};
}
ordered_float!(f16, bf16, f32, f64);

macro_rules! ordered_complex {
    ($($r:ty),*) => {$(
        impl Ordered for Complex<$r> {
            const LOWEST: Self = Complex::new(<$r>::NEG_INFINITY, <$r>::NEG_INFINITY);
            const HIGHEST: Self = Complex::new(<$r>::INFINITY, <$r>::INFINITY);
            #[inline(always)]
            fn is_nan(self) -> bool { self.re.is_nan() || self.im.is_nan() }
            #[inline(always)]
            fn gt(self, o: Self) -> bool { self.re > o.re || (self.re == o.re && self.im > o.im) }
            #[inline(always)]
            fn lt(self, o: Self) -> bool { self.re < o.re || (self.re == o.re && self.im < o.im) }
        }
    )*};
}
ordered_complex!(f32, f64);

/// Truth of an element: non-zero (NaN is true; a complex number is true
/// when either part is; any non-zero bool byte is true).
pub trait Nonzero: Element {
    /// Whether the element is non-zero.
    fn nonzero(self) -> bool;
}

macro_rules! nonzero {
    ($($t:ty => $zero:expr),*) => {$(
        impl Nonzero for $t {
            #[inline(always)]
            fn nonzero(self) -> bool { self != $zero }
        }
    )*};
}
nonzero!(i8 => 0, i16 => 0, i32 => 0, i64 => 0, u8 => 0, u16 => 0, u32 => 0, u64 => 0,
    f16 => f16::ZERO, bf16 => bf16::ZERO, f32 => 0.0, f64 => 0.0,
    C32 => Complex::new(0.0, 0.0), C64 => Complex::new(0.0, 0.0));

/// `sum`: the sum in [`Arith::SumAcc`].
pub struct Sum<T>(std::marker::PhantomData<fn(T)>);

/// `prod`: the product in [`Arith::SumAcc`].
pub struct Prod<T>(std::marker::PhantomData<fn(T)>);

impl<T> Default for Sum<T> {
    fn default() -> Self {
        Sum(std::marker::PhantomData)
    }
}

impl<T> Default for Prod<T> {
    fn default() -> Self {
        Prod(std::marker::PhantomData)
    }
}

impl<T: Arith> Fold for Sum<T> {
    type In = T;
    type Acc = T::SumAcc;
    type Out = T::SumOut;
    #[inline(always)]
    fn identity(&self) -> Self::Acc {
        Acc::ZERO
    }
    #[inline(always)]
    fn step(&self, acc: Self::Acc, x: T, _: usize) -> Self::Acc {
        acc.add(x.sum_lift())
    }
    #[inline(always)]
    fn merge(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc {
        a.add(b)
    }
    #[inline(always)]
    fn finish(&self, acc: Self::Acc, _: usize) -> Self::Out {
        T::sum_out(acc)
    }
}

impl<T: Arith> Fold for Prod<T> {
    type In = T;
    type Acc = T::SumAcc;
    type Out = T::SumOut;
    #[inline(always)]
    fn identity(&self) -> Self::Acc {
        Acc::ONE
    }
    #[inline(always)]
    fn step(&self, acc: Self::Acc, x: T, _: usize) -> Self::Acc {
        acc.mul(x.sum_lift())
    }
    #[inline(always)]
    fn merge(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc {
        a.mul(b)
    }
    #[inline(always)]
    fn finish(&self, acc: Self::Acc, _: usize) -> Self::Out {
        T::sum_out(acc)
    }
}

/// `max` (`MAX = true`) or `min`: NaN propagates (see [`Ordered`]).
pub struct Extreme<T, const MAX: bool>(std::marker::PhantomData<fn(T)>);

impl<T, const MAX: bool> Default for Extreme<T, MAX> {
    fn default() -> Self {
        Extreme(std::marker::PhantomData)
    }
}

impl<T: Ordered, const MAX: bool> Fold for Extreme<T, MAX> {
    type In = T;
    type Acc = T;
    type Out = T;
    #[inline(always)]
    fn identity(&self) -> T {
        if MAX {
            T::LOWEST
        } else {
            T::HIGHEST
        }
    }
    #[inline(always)]
    fn step(&self, acc: T, x: T, _: usize) -> T {
        let take = if MAX {
            T::beats_max(x, acc)
        } else {
            T::beats_min(x, acc)
        };
        if take {
            x
        } else {
            acc
        }
    }
    #[inline(always)]
    fn merge(&self, a: T, b: T) -> T {
        self.step(a, b, 0)
    }
    #[inline(always)]
    fn finish(&self, acc: T, _: usize) -> T {
        acc
    }
}

/// What a truth reduction computes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Truth {
    /// Every element is non-zero (`all`, `min` of bool).
    All,
    /// Some element is non-zero (`any`, `max` of bool).
    Any,
}

/// `all` / `any`, written as bool bytes (0 or 1).
pub struct Logical<T> {
    /// Which of the two.
    pub kind: Truth,
    _t: std::marker::PhantomData<fn(T)>,
}

impl<T> Logical<T> {
    /// The fold for `kind`.
    pub fn new(kind: Truth) -> Self {
        Logical {
            kind,
            _t: std::marker::PhantomData,
        }
    }
}

impl<T: Nonzero> Fold for Logical<T> {
    type In = T;
    type Acc = bool;
    type Out = u8;
    #[inline(always)]
    fn identity(&self) -> bool {
        self.kind == Truth::All
    }
    #[inline(always)]
    fn step(&self, acc: bool, x: T, _: usize) -> bool {
        match self.kind {
            Truth::All => acc & x.nonzero(),
            Truth::Any => acc | x.nonzero(),
        }
    }
    #[inline(always)]
    fn merge(&self, a: bool, b: bool) -> bool {
        match self.kind {
            Truth::All => a & b,
            Truth::Any => a | b,
        }
    }
    #[inline(always)]
    fn finish(&self, acc: bool, _: usize) -> u8 {
        acc as u8
    }
}

/// `count_nonzero`, as int64.
pub struct CountNonzero<T>(std::marker::PhantomData<fn(T)>);

impl<T> Default for CountNonzero<T> {
    fn default() -> Self {
        CountNonzero(std::marker::PhantomData)
    }
}

impl<T: Nonzero> Fold for CountNonzero<T> {
    type In = T;
    type Acc = i64;
    type Out = i64;
    #[inline(always)]
    fn identity(&self) -> i64 {
        0
    }
    #[inline(always)]
    fn step(&self, acc: i64, x: T, _: usize) -> i64 {
        acc + x.nonzero() as i64
    }
    #[inline(always)]
    fn merge(&self, a: i64, b: i64) -> i64 {
        a + b
    }
    #[inline(always)]
    fn finish(&self, acc: i64, _: usize) -> i64 {
        acc
    }
}

/// The sum in [`Arith::MeanAcc`] divided by the count: `mean`, and the
/// first pass of `var`/`std` (which keeps the accumulator as the output).
pub struct Mean<T: Arith> {
    /// Elements per output.
    pub count: f64,
    _t: std::marker::PhantomData<fn(T)>,
}

impl<T: Arith> Mean<T> {
    /// The mean of `count` elements per output.
    pub fn new(count: usize) -> Self {
        Mean {
            count: count as f64,
            _t: std::marker::PhantomData,
        }
    }
}

impl<T: Arith> Fold for Mean<T> {
    type In = T;
    type Acc = T::MeanAcc;
    type Out = T::MeanOut;
    #[inline(always)]
    fn identity(&self) -> T::MeanAcc {
        Acc::ZERO
    }
    #[inline(always)]
    fn step(&self, acc: T::MeanAcc, x: T, _: usize) -> T::MeanAcc {
        acc.add(x.mean_lift())
    }
    #[inline(always)]
    fn merge(&self, a: T::MeanAcc, b: T::MeanAcc) -> T::MeanAcc {
        a.add(b)
    }
    #[inline(always)]
    fn finish(&self, acc: T::MeanAcc, _: usize) -> T::MeanOut {
        T::mean_out(acc.div_count(self.count))
    }
}

/// The second pass of `var`/`std`: the sum of squared deviations from each
/// output's mean (`means[out]`, from the first pass), divided by
/// `max(count - correction, 0)` (NumPy: 0/0 is NaN, x/0 is infinity), with
/// the square root taken for `std`.
pub struct SquaredDeviation<'a, T: Arith> {
    /// Each output's mean, by flat output index.
    pub means: &'a [T::MeanAcc],
    /// `max(count - correction, 0)`.
    pub divisor: f64,
    /// Whether to take the square root (`std`).
    pub sqrt: bool,
}

impl<T: Arith> Fold for SquaredDeviation<'_, T> {
    type In = T;
    type Acc = <T::MeanAcc as Moment>::Real;
    type Out = T::VarOut;
    #[inline(always)]
    fn identity(&self) -> Self::Acc {
        Acc::ZERO
    }
    #[inline(always)]
    fn step(&self, acc: Self::Acc, x: T, out: usize) -> Self::Acc {
        let m = self.means.get(out).copied().unwrap_or(Acc::ZERO);
        acc.add(x.mean_lift().dev_sq(m))
    }
    #[inline(always)]
    fn merge(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc {
        a.add(b)
    }
    #[inline(always)]
    fn finish(&self, acc: Self::Acc, _: usize) -> T::VarOut {
        let v = acc.div_count(self.divisor);
        T::var_out(if self.sqrt { v.sqrt() } else { v })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_beats_numbers_and_first_nan_stays() {
        let m = Extreme::<f32, true>::default();
        let acc = [1.0, f32::NAN, 5.0]
            .iter()
            .fold(m.identity(), |a, &x| m.step(a, x, 0));
        assert!(acc.is_nan());
        assert!(f32::beats_max(f32::NAN, 3.0));
        assert!(!f32::beats_max(f32::NAN, f32::NAN));
        assert!(C32::beats_max(
            Complex::new(1.0, 2.0),
            Complex::new(1.0, 1.0)
        ));
    }

    #[test]
    fn integer_sums_wrap() {
        let s = Sum::<i8>::default();
        let acc = [i8::MAX, 1]
            .iter()
            .fold(s.identity(), |a, &x| s.step(a, x, 0));
        assert_eq!(s.finish(acc, 0), 128i64);
        let p = Prod::<u8>::default();
        assert_eq!(
            p.finish(p.step(p.step(p.identity(), 255, 0), 255, 0), 0),
            65025u64
        );
    }

    #[test]
    fn nonzero_rules() {
        assert!(f32::NAN.nonzero());
        assert!(!(-0.0f32).nonzero());
        assert!(Complex::new(0.0f64, 1.0).nonzero());
        assert!(2u8.nonzero());
    }
}
