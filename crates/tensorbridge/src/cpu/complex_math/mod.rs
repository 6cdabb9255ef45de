//! Complex elementary functions with the special values of C99 Annex G,
//! which the Array API standard's special-case tables restate: signed
//! zeros, infinities and NaNs come out as the tables say, not as a textbook
//! formula evaluated in IEEE arithmetic would leave them (`inf - inf`,
//! `0 * inf`).
//!
//! The algorithms follow the ones NumPy uses (FreeBSD msun's `catrig.c` for
//! the inverse functions, after Hull, Fairgrieve and Tang; `s_csqrt.c`,
//! `s_ccosh.c`, `s_csinh.c`, `s_ctanh.c`, `s_cexp.c`), so finite inputs are
//! as accurate as NumPy's and large or tiny ones neither overflow nor
//! underflow on the way. The standard defines `asin`, `atan`, `sin`, `cos`
//! and `tan` through `asinh`, `atanh`, `sinh`, `cosh` and `tanh` (e.g.
//! `asin(z) = -i asinh(iz)`), and so does this file, which keeps their
//! special cases consistent by construction.
//!
//! Where the standard's table and C99 disagree, see [`csqrt`] and
//! [`cexpm1`]; [`cacosh`] gives the standard's (and C11's) `NaN ± π/2 i`
//! for `acosh(±0 + NaN i)`, where FreeBSD gives `NaN + NaN i`.

mod elementary;
mod inverse;
#[cfg(test)]
mod tables;

pub use elementary::{
    ccos, ccosh, cexp, cexpm1, clog, clog1p, csin, csinh, csqrt, ctan, ctanh, narrow, widen,
};
pub use inverse::{cacos, cacosh, casin, casinh, catan, catanh};
