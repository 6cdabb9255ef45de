//! hypot of float64 (see the module docs).

use super::MulAdd;

/// 2^500, 2^-500 and the scales that bring |x| and |y| near 1.
const BIG: f64 = f64::from_bits(0x5f30_0000_0000_0000);
const SMALL: f64 = f64::from_bits(0x20b0_0000_0000_0000);
const TWO_600: f64 = f64::from_bits(0x6570_0000_0000_0000);
const TWO_M600: f64 = f64::from_bits(0x1a70_0000_0000_0000);

/// sqrt(x^2 + y^2) without overflow or underflow in between: both scaled
/// by a power of two (exact) when the larger is beyond 2^±500, then
/// Borges' corrected form (2019): h = sqrt(a^2 + b^2) by a fused
/// multiply-add, and h's error from the exact residual a^2 + b^2 - h^2
/// (the fused multiply-adds give each square's rounding error), removed
/// by one Newton step. The separate build (no FMA, no exact residual)
/// keeps the plain square root. An infinity wins over NaN, as the
/// standard says.
#[inline(always)]
pub fn hypot<M: MulAdd>(x: f64, y: f64) -> f64 {
    let (ax, ay) = (x.abs(), y.abs());
    let (a, b) = if ax < ay { (ay, ax) } else { (ax, ay) };
    let (scale, unscale) = if a > BIG {
        (TWO_M600, TWO_600)
    } else if a < SMALL {
        (TWO_600, TWO_M600)
    } else {
        (1.0, 1.0)
    };
    let (a, b) = (a * scale, b * scale);
    let h = M::mul_add(a, a, b * b).sqrt();
    let (h2, a2) = (h * h, a * a);
    let residual = M::mul_add(-b, b, h2 - a2) + M::mul_add(h, h, -h2) - M::mul_add(a, a, -a2);
    let corrected = h - residual / (h + h);
    let h = if M::FUSED && a != 0.0 { corrected } else { h };
    let v = h * unscale;
    if ax == f64::INFINITY || ay == f64::INFINITY {
        f64::INFINITY
    } else {
        v
    }
}
