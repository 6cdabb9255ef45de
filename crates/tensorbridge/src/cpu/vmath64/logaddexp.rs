//! logaddexp of float64 (see the module docs).

use super::{exp, log1p, MulAdd};

/// ln(e^a + e^b) as NumPy forms it: the larger plus ln(1 + e^-|a - b|)
/// (both vectorized here); a + ln 2 where a == b (two infinities of one
/// sign included), NaN where either is.
#[inline(always)]
pub fn logaddexp<M: MulAdd>(a: f64, b: f64) -> f64 {
    let larger = if a > b { a } else { b };
    let d = -(a - b).abs();
    let v = larger + log1p::<M>(exp::<M>(d));
    let v = if d.is_nan() { d } else { v };
    if a == b {
        a + std::f64::consts::LN_2
    } else {
        v
    }
}
