//! Every row of the standard's special-case tables, for f32 and f64,
//! checked bit by bit (the sign of a zero or infinity counts unless the
//! standard leaves it open), together with the row for `conj(z)`, which
//! the tables imply by `f(conj(z)) = conj(f(z))`.

use super::elementary::*;
use super::inverse::*;
use crate::cpu::float::Real;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// An input column of a table row.
#[derive(Clone, Copy, Debug)]
enum In {
    /// Exactly this value.
    V(f64),
    /// `+0` or `-0`.
    Zeros,
    /// A finite number.
    Fin,
    /// A nonzero finite number.
    NzFin,
    /// A positive finite number.
    Pos,
    /// A nonzero number (infinities included).
    Nz,
    /// Any value, NaN included.
    Any,
}
use In::*;

fn values(s: In) -> Vec<f64> {
    match s {
        V(v) => vec![v],
        Zeros => vec![0.0, -0.0],
        Fin => vec![0.0, -0.0, 0.5, -0.5, 2.0, -2.0, 1e30, -1e30],
        NzFin => vec![0.5, -0.5, 2.0, -2.0, 1e30, -1e30],
        Pos => vec![0.5, 2.0, 1e30],
        Nz => vec![0.5, -0.5, 2.0, -3.0, INF, -INF],
        Any => vec![0.0, -0.0, 0.5, -2.0, INF, -INF, NAN],
    }
}

/// An expected part of a result; `b` is the input's imaginary part.
#[derive(Clone, Copy, Debug)]
enum P {
    /// Exactly this value, sign included (π fractions within 2 ulp).
    Is(f64),
    /// NaN (of either sign).
    Nan,
    /// This magnitude, sign unspecified.
    AnySign(f64),
    /// `inf * cos(b)` and `inf * sin(b)`: the parts of `inf * cis(b)`.
    InfCos,
    InfSin,
    /// The parts of `+0 * cis(b)`.
    ZeroCos,
    ZeroSin,
}
use P::*;

fn conj(p: P) -> P {
    match p {
        Is(v) => Is(-v),
        other => other,
    }
}

fn part_ok<T: Real>(got: T, want: P, b: T) -> bool {
    let exact = |w: T| {
        if w.is_nan() {
            return got.is_nan();
        }
        let near = got == w || (got - w).abs() <= T::epsilon() * k(2.0) * w.abs();
        near && got.is_sign_negative() == w.is_sign_negative()
    };
    match want {
        Is(w) => exact(k(w)),
        Nan => got.is_nan(),
        AnySign(w) => {
            !got.is_nan() && (got.abs() == k(w) || (got.abs() - k(w)).abs() <= T::epsilon() * k(w))
        }
        InfCos => exact(T::infinity() * b.cos()),
        InfSin => exact(T::infinity() * b.sin()),
        ZeroCos => exact(T::zero() * b.cos()),
        ZeroSin => exact(T::zero() * b.sin()),
    }
}

type Row = (In, In, P, P);

fn check_table<T: Real>(name: &str, f: fn(C<T>) -> C<T>, rows: &[Row]) {
    for &(ra, rb, pr, pi) in rows {
        for a in values(ra) {
            for b in values(rb) {
                for (bb, (er, ei)) in [(b, (pr, pi)), (-b, (pr, conj(pi)))] {
                    let z = C::new(k::<T>(a), k::<T>(bb));
                    let w = f(z);
                    assert!(
                        part_ok(w.re, er, z.im) && part_ok(w.im, ei, z.im),
                        "{name}({a:?} + {bb:?}j) = {:?} + {:?}j, want {er:?} + {ei:?}j ({})",
                        w.re,
                        w.im,
                        std::any::type_name::<T>()
                    );
                }
            }
        }
    }
}

fn both(name: &str, f32f: fn(C<f32>) -> C<f32>, f64f: fn(C<f64>) -> C<f64>, rows: &[Row]) {
    check_table(name, f32f, rows);
    check_table(name, f64f, rows);
}

macro_rules! table {
    ($f:ident, $rows:expr) => {
        both(stringify!($f), $f::<f32>, $f::<f64>, $rows)
    };
}

#[test]
fn complex_acos_table() {
    table!(
        cacos,
        &[
            (Zeros, V(0.0), Is(FRAC_PI_2), Is(-0.0)),
            (Zeros, V(NAN), Is(FRAC_PI_2), Nan),
            (Fin, V(INF), Is(FRAC_PI_2), Is(-INF)),
            (NzFin, V(NAN), Nan, Nan),
            (V(-INF), Pos, Is(PI), Is(-INF)),
            (V(INF), Pos, Is(0.0), Is(-INF)),
            (V(-INF), V(INF), Is(3.0 * FRAC_PI_4), Is(-INF)),
            (V(INF), V(INF), Is(FRAC_PI_4), Is(-INF)),
            (V(INF), V(NAN), Nan, AnySign(INF)),
            (V(-INF), V(NAN), Nan, AnySign(INF)),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(INF), Nan, Is(-INF)),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_acosh_table() {
    table!(
        cacosh,
        &[
            (Zeros, V(0.0), Is(0.0), Is(FRAC_PI_2)),
            (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
            (NzFin, V(NAN), Nan, Nan),
            (V(0.0), V(NAN), Nan, AnySign(FRAC_PI_2)),
            (V(-INF), Pos, Is(INF), Is(PI)),
            (V(INF), Pos, Is(INF), Is(0.0)),
            (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
            (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
            (V(INF), V(NAN), Is(INF), Nan),
            (V(-INF), V(NAN), Is(INF), Nan),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(INF), Is(INF), Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_asinh_table() {
    table!(
        casinh,
        &[
            (V(0.0), V(0.0), Is(0.0), Is(0.0)),
            (Pos, V(INF), Is(INF), Is(FRAC_PI_2)),
            (Fin, V(NAN), Nan, Nan),
            (V(INF), Pos, Is(INF), Is(0.0)),
            (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
            (V(NAN), V(0.0), Nan, Is(0.0)),
            (V(NAN), NzFin, Nan, Nan),
            (V(NAN), V(INF), AnySign(INF), Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_atanh_table() {
    table!(
        catanh,
        &[
            (V(0.0), V(0.0), Is(0.0), Is(0.0)),
            (V(0.0), V(NAN), Is(0.0), Nan),
            (V(1.0), V(0.0), Is(INF), Is(0.0)),
            (Pos, V(INF), Is(0.0), Is(FRAC_PI_2)),
            (NzFin, V(NAN), Nan, Nan),
            (V(INF), Pos, Is(0.0), Is(FRAC_PI_2)),
            (V(INF), V(INF), Is(0.0), Is(FRAC_PI_2)),
            (V(INF), V(NAN), Is(0.0), Nan),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(INF), AnySign(0.0), Is(FRAC_PI_2)),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_cosh_table() {
    table!(
        ccosh,
        &[
            (V(0.0), V(0.0), Is(1.0), Is(0.0)),
            (V(0.0), V(INF), Nan, AnySign(0.0)),
            (V(0.0), V(NAN), Nan, AnySign(0.0)),
            (NzFin, V(INF), Nan, Nan),
            (NzFin, V(NAN), Nan, Nan),
            (V(INF), V(0.0), Is(INF), Is(0.0)),
            (V(INF), NzFin, InfCos, InfSin),
            (V(INF), V(INF), AnySign(INF), Nan),
            (V(INF), V(NAN), Is(INF), Nan),
            (V(NAN), Zeros, Nan, AnySign(0.0)),
            (V(NAN), NzFin, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_sinh_table() {
    table!(
        csinh,
        &[
            (V(0.0), V(0.0), Is(0.0), Is(0.0)),
            (V(0.0), V(INF), AnySign(0.0), Nan),
            (V(0.0), V(NAN), AnySign(0.0), Nan),
            (Pos, V(INF), Nan, Nan),
            (Pos, V(NAN), Nan, Nan),
            (V(INF), V(0.0), Is(INF), Is(0.0)),
            (V(INF), Pos, InfCos, InfSin),
            (V(INF), V(INF), AnySign(INF), Nan),
            (V(INF), V(NAN), AnySign(INF), Nan),
            (V(NAN), V(0.0), Nan, Is(0.0)),
            (V(NAN), NzFin, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_tanh_table() {
    table!(
        ctanh,
        &[
            (V(0.0), V(0.0), Is(0.0), Is(0.0)),
            (NzFin, V(INF), Nan, Nan),
            (V(0.0), V(INF), Is(0.0), Nan),
            (NzFin, V(NAN), Nan, Nan),
            (V(1e4), V(NAN), Nan, Nan),
            (V(0.0), V(NAN), Is(0.0), Nan),
            (V(INF), Pos, Is(1.0), Is(0.0)),
            (V(INF), V(INF), Is(1.0), AnySign(0.0)),
            (V(INF), V(NAN), Is(1.0), AnySign(0.0)),
            (V(NAN), V(0.0), Nan, Is(0.0)),
            (V(NAN), Nz, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_exp_table() {
    table!(
        cexp,
        &[
            (Zeros, V(0.0), Is(1.0), Is(0.0)),
            (Fin, V(INF), Nan, Nan),
            (Fin, V(NAN), Nan, Nan),
            (V(INF), V(0.0), Is(INF), Is(0.0)),
            (V(-INF), Fin, ZeroCos, ZeroSin),
            (V(INF), NzFin, InfCos, InfSin),
            (V(-INF), V(INF), AnySign(0.0), AnySign(0.0)),
            (V(INF), V(INF), AnySign(INF), Nan),
            (V(-INF), V(NAN), AnySign(0.0), AnySign(0.0)),
            (V(INF), V(NAN), AnySign(INF), Nan),
            (V(NAN), V(0.0), Nan, Is(0.0)),
            (V(NAN), Nz, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_expm1_table() {
    table!(
        cexpm1,
        &[
            (Zeros, V(0.0), Is(0.0), Is(0.0)),
            (Fin, V(INF), Nan, Nan),
            (Fin, V(NAN), Nan, Nan),
            (V(INF), V(0.0), Is(INF), Is(0.0)),
            (V(-INF), Fin, Is(-1.0), ZeroSin),
            (V(INF), NzFin, InfCos, InfSin),
            (V(-INF), V(INF), Is(-1.0), AnySign(0.0)),
            (V(INF), V(INF), AnySign(INF), Nan),
            (V(-INF), V(NAN), Is(-1.0), AnySign(0.0)),
            (V(INF), V(NAN), AnySign(INF), Nan),
            (V(NAN), V(0.0), Nan, Is(0.0)),
            (V(NAN), Nz, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_log_table() {
    table!(
        clog,
        &[
            (V(-0.0), V(0.0), Is(-INF), Is(PI)),
            (V(0.0), V(0.0), Is(-INF), Is(0.0)),
            (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
            (Fin, V(NAN), Nan, Nan),
            (V(-INF), Pos, Is(INF), Is(PI)),
            (V(INF), Pos, Is(INF), Is(0.0)),
            (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
            (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
            (V(INF), V(NAN), Is(INF), Nan),
            (V(-INF), V(NAN), Is(INF), Nan),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(INF), Is(INF), Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_log1p_table() {
    table!(
        clog1p,
        &[
            (V(-1.0), V(0.0), Is(-INF), Is(0.0)),
            (Fin, V(INF), Is(INF), Is(FRAC_PI_2)),
            (Fin, V(NAN), Nan, Nan),
            (V(-INF), Pos, Is(INF), Is(PI)),
            (V(INF), Pos, Is(INF), Is(0.0)),
            (V(-INF), V(INF), Is(INF), Is(3.0 * FRAC_PI_4)),
            (V(INF), V(INF), Is(INF), Is(FRAC_PI_4)),
            (V(INF), V(NAN), Is(INF), Nan),
            (V(-INF), V(NAN), Is(INF), Nan),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(INF), Is(INF), Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

#[test]
fn complex_sqrt_table() {
    table!(
        csqrt,
        &[
            (Zeros, V(0.0), Is(0.0), Is(0.0)),
            (Any, V(INF), Is(INF), Is(INF)),
            (Fin, V(NAN), Nan, Nan),
            // C99; the standard's text has NaN + NaN j (in a line
            // missing its verb) and +0 + inf j for the next two rows.
            (V(-INF), Pos, Is(0.0), Is(INF)),
            (V(INF), Pos, Is(INF), Is(0.0)),
            (V(-INF), V(NAN), Nan, AnySign(INF)),
            (V(INF), V(NAN), Is(INF), Nan),
            (V(NAN), Fin, Nan, Nan),
            (V(NAN), V(NAN), Nan, Nan),
        ]
    );
}

/// The functions the standard defines through another one inherit its
/// table: `asin(z) = -i asinh(iz)` and so on.
#[test]
fn derived_functions_follow_their_definitions() {
    let samples = [0.0, -0.0, 0.5, -2.0, 1e30, INF, -INF, NAN];
    let same = |a: C<f64>, b: C<f64>| {
        let part = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits();
        part(a.re, b.re) && part(a.im, b.im)
    };
    for &a in &samples {
        for &b in &samples {
            let z = C::new(a, b);
            let iz = C::new(-b, a);
            let neg_i = |w: C<f64>| C::new(w.im, -w.re);
            assert!(same(casin(z), neg_i(casinh(iz))), "asin({z})");
            assert!(same(catan(z), neg_i(catanh(iz))), "atan({z})");
            assert!(same(csin(z), neg_i(csinh(iz))), "sin({z})");
            assert!(same(ccos(z), ccosh(iz)), "cos({z})");
            assert!(same(ctan(z), neg_i(ctanh(iz))), "tan({z})");
        }
    }
    // A few values: asin(0) = 0, atan(i) = +inf i, cos(i inf) = inf.
    let w = casin(C::new(0.0f64, 0.0));
    assert!(w.re == 0.0 && w.im == 0.0 && !w.re.is_sign_negative());
    let w = catan(C::new(0.0, 1.0));
    assert!(w.re == 0.0 && w.im == INF);
    let w = ccos(C::new(0.0, INF));
    assert!(w.re == INF && w.im.abs() == 0.0);
}

/// Ordinary finite inputs against values from an arbitrary-precision
/// reference (mpmath, 50 digits), to a few ulp.
#[test]
fn finite_values_are_accurate() {
    type Case = (&'static str, fn(C<f64>) -> C<f64>, (f64, f64), (f64, f64));
    let cases: &[Case] = &[
        (
            "acos",
            cacos,
            (0.5, 0.5),
            (1.1185178796437059, -0.5306375309525179),
        ),
        (
            "acosh",
            cacosh,
            (0.5, 0.5),
            (0.5306375309525179, 1.1185178796437059),
        ),
        (
            "asinh",
            casinh,
            (0.5, 0.5),
            (0.5306375309525179, 0.4522784471511907),
        ),
        (
            "atanh",
            catanh,
            (0.5, 0.5),
            (0.40235947810852507, 0.5535743588970452),
        ),
        (
            "cosh",
            ccosh,
            (0.5, 0.5),
            (0.9895848833999199, 0.24982639750046154),
        ),
        (
            "sinh",
            csinh,
            (0.5, 0.5),
            (0.4573041531842492, 0.5406126857131534),
        ),
        (
            "tanh",
            ctanh,
            (0.5, 0.5),
            (0.5640831412674985, 0.40389645531602575),
        ),
        (
            "exp",
            cexp,
            (0.5, 0.5),
            (1.4468890365841691, 0.7904390832136149),
        ),
        (
            "expm1",
            cexpm1,
            (1e-10, 1e-10),
            (1e-10, 1.0000000001000001e-10),
        ),
        ("log", clog, (0.5, 0.5), (-0.34657359027997264, FRAC_PI_4)),
        ("log1p", clog1p, (1e-10, 1e-10), (1e-10, 9.999999999e-11)),
        (
            "sqrt",
            csqrt,
            (0.5, 0.5),
            (0.7768869870150187, 0.3217971264527913),
        ),
    ];
    for &(name, f, (a, b), (wr, wi)) in cases {
        let w = f(C::new(a, b));
        let ulps = |g: f64, e: f64| (g - e).abs() / (e.abs() * f64::EPSILON);
        assert!(
            ulps(w.re, wr) <= 4.0 && ulps(w.im, wi) <= 4.0,
            "{name}({a} + {b}j) = {w}, want {wr} + {wi}j"
        );
    }
}

#[test]
fn large_and_tiny_inputs_neither_overflow_nor_underflow() {
    // sqrt of a huge and of a subnormal number.
    let w = csqrt(C::new(f64::MAX, f64::MAX));
    assert!(w.re.is_finite() && (w.re / 1.4730945569055652e154 - 1.0).abs() < 1e-15);
    let w = csqrt(C::new(4.0 * f64::from_bits(1), 0.0));
    assert_eq!(w.re, 2.0 * f64::from_bits(1).sqrt());
    // cosh just past exp's overflow threshold stays finite.
    let w = ccosh(C::new(710.0f64, 1.5));
    assert!(w.re.is_finite() && w.im.is_finite());
    // The inverse functions of huge arguments.
    let w = cacos(C::new(1e300f64, 1e300));
    assert!(w.re.is_finite() && w.im.is_finite());
    let w = catanh(C::new(1e300, 1e-300));
    assert!(w.re > 0.0 && w.re < 1e-299 && w.im == FRAC_PI_2);
}
