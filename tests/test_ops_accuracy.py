"""Accuracy of the elementwise functions whose last bits are not fixed by
IEEE arithmetic (issue: Array API operations): the vector float32 and
float64 functions and powers against a reference that is correctly
rounded or nearly so (mpmath, the C library's float64 functions and
`pow`), the special-case tables the standard gives, and complex
logarithms and powers where NumPy's own are inaccurate."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorbridge as tb


def test_float32_pow_within_one_unit_of_the_rounded_power():
    """Float32 `**` is computed in float64 (a vector loop): within one unit
    of float64's power rounded to float32, the same specials as NumPy's
    `powf` (zeros, infinities, NaN, negative bases), exact powers exact."""
    rng = np.random.default_rng(5)
    n = 100_003
    x = (rng.random(n) * 10.0 ** rng.integers(-6, 7, n)).astype(np.float32)
    x[::4] *= -1
    y = (rng.standard_normal(n) * 6).astype(np.float32)
    y[::3] = np.round(y[::3])  # integers: negative bases keep a sign
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0], np.float32)
    x[rng.integers(0, n, 300)] = rng.choice(special, 300)
    y[rng.integers(0, n, 300)] = rng.choice(special, 300)
    with np.errstate(all="ignore"):
        for got, xx, yy in [
            (tb.from_numpy(x) ** tb.from_numpy(y), x, y),
            (tb.from_numpy(x) ** 2.5, x, np.float32(2.5)),
            (2.0 ** tb.from_numpy(y), np.float32(2.0), y),
        ]:
            g = got.numpy()
            assert g.dtype == np.float32
            want = np.power(np.float64(xx), np.float64(yy)).astype(np.float32)
            numpy_own = np.power(xx, yy)
            assert (np.isnan(g) == np.isnan(numpy_own)).all()
            fin = ~np.isnan(g)
            assert (np.signbit(g[fin]) == np.signbit(want[fin])).all()
            ulps = np.abs(g[fin].view(np.int32).astype(np.int64) - want[fin].view(np.int32))
            assert ulps.max() <= 1, (ulps.argmax(), ulps.max())
    assert (tb.tensor([3.0, -2.0, 10.0]) ** tb.tensor([2.0, 3.0, -2.0])).tolist() == [9.0, -8.0, float(np.float32(0.01))]


def _c_pow(x, y):
    """The C library's `pow` (correctly rounded in glibc) element by
    element, with its special cases; NumPy's own loop may be SVML's."""
    def one(a, b):
        # Python raises where C returns an infinity (overflow, or a zero
        # base with a negative exponent) or NaN; an odd integer exponent
        # keeps the base's sign.
        odd = math.isfinite(b) and b == math.floor(b) and b % 2 == 1
        try:
            return math.pow(a, b)
        except (OverflowError, ValueError):
            if a < 0 and a != -math.inf and math.isfinite(b) and b != math.floor(b):
                return math.nan
            return math.copysign(math.inf, a) if odd else math.inf
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    return np.array([one(float(a), float(b)) for a, b in zip(x.ravel(), y.ravel())]).reshape(x.shape)


def test_float64_pow_within_one_unit_of_the_c_library():
    """Float64 `**` is a vector loop (fdlibm's algorithm): within one unit
    of the correctly rounded power, the C library's specials (zeros,
    infinities, NaN, subnormal bases, huge exponents, negative bases)
    exactly, in every layout; integer powers of integers exact."""
    rng = np.random.default_rng(11)
    n = 20_011
    x = rng.random(n) * 10.0 ** rng.integers(-300, 300, n)
    x[::5] *= -1
    y = rng.standard_normal(n) * 30
    y[::3] = np.round(y[::3])
    y[1::7] = (rng.random(len(y[1::7])) * 2000 - 1000) / np.log2(np.abs(x[1::7]))
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 5e-324, 3e9, -3e9])
    x[rng.integers(0, n, 200)] = rng.choice(special, 200)
    y[rng.integers(0, n, 200)] = rng.choice(special, 200)
    xs, ys = x[: n - 11].reshape(100, 200), y[: n - 11].reshape(100, 200)
    with np.errstate(all="ignore"):
        for got, xx, yy in [
            (tb.from_numpy(x) ** tb.from_numpy(y), x, y),
            (tb.from_numpy(xs).T ** tb.from_numpy(ys[::-1]).T, xs.T, ys[::-1].T),
            (tb.from_numpy(xs) ** tb.from_numpy(ys[0]), xs, ys[0]),
            (tb.from_numpy(x) ** 2.75, x, np.float64(2.75)),
            (1.0001 ** tb.from_numpy(y), np.float64(1.0001), y),
        ]:
            g = got.numpy()
            assert g.dtype == np.float64
            want = _c_pow(xx, yy)
            assert (np.isnan(g) == np.isnan(want)).all()
            fin = ~np.isnan(g)
            g, want = g[fin], want[fin]
            assert (np.signbit(g) == np.signbit(want)).all()
            exact = (want == 0) | np.isinf(want)
            assert (g[exact] == want[exact]).all()
            ulps = np.abs(g.view(np.int64) - want.view(np.int64))
            assert ulps.max() <= 1, (ulps.argmax(), ulps.max())
    b = np.arange(2, 30, dtype=np.float64)[:, None]
    e = np.arange(0, 16, dtype=np.float64)[None, :]
    got = (tb.from_numpy(-b) ** tb.from_numpy(e)).numpy()
    want = (-b.astype(object)) ** e.astype(int)
    ok = np.abs(want.astype(float)) < 2.0**53
    assert (got[ok] == want[ok].astype(float)).all()


@pytest.mark.parametrize("name", ["atan2", "hypot", "logaddexp"])
def test_float32_binary_functions_within_one_ulp_and_on_the_standard_table(name):
    """atan2, hypot and logaddexp of float32 against float64's rounded, on every
    pairing of signed zeros, infinities, NaN and ordinary values, plus
    random pairs across the whole range."""
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1e-45, -3e38, 2.5], np.float32)
    y, x = (a.ravel() for a in np.meshgrid(specials, specials))
    rng = np.random.default_rng(11)
    y = np.concatenate([y, (rng.standard_normal(100_000) * 10.0 ** rng.integers(-30, 30, 100_000)).astype(np.float32)])
    x = np.concatenate([x, (rng.standard_normal(100_000) * 10.0 ** rng.integers(-30, 30, 100_000)).astype(np.float32)])
    with np.errstate(over="ignore"):
        want = getattr(np, name)(y.astype(np.float64), x.astype(np.float64)).astype(np.float32)
    got = getattr(tb, name)(tb.asarray(y), tb.asarray(x)).numpy()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_array_max_ulp(got[ok], want[ok], maxulp=1)
    zeros = want == 0
    np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]))


@pytest.mark.parametrize("name", ["logaddexp", "atan2", "hypot"])
def test_float64_binary_functions_on_every_special_pairing_and_near_numpy(name):
    """The vector float64 logaddexp (the larger plus log1p(exp(-|a - b|)),
    NumPy's formula), atan2 and hypot on every pairing of signed zeros,
    infinities, NaN and ordinary values, and on random pairs, against
    NumPy's loops: within two units for logaddexp (both sum rounded
    terms), one for atan2 and hypot (NumPy's are the C library's), zeros'
    signs equal."""
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 5e-324, -1e308, 1e308, 700.0])
    a, b = (v.ravel() for v in np.meshgrid(specials, specials))
    rng = np.random.default_rng(5)
    spread = [rng.standard_normal(5000) * 10.0 ** rng.integers(-320, 300, 5000) for _ in range(2)]
    a = np.concatenate([a, rng.uniform(-50, 50, 100_000), rng.standard_normal(1000) * 1e300, spread[0]])
    b = np.concatenate([b, rng.uniform(-50, 50, 100_000), rng.standard_normal(1000) * 1e300, spread[1]])
    want = getattr(np, name)(a, b)
    got = getattr(tb, name)(tb.asarray(a), tb.asarray(b)).numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_array_max_ulp(got[ok], want[ok], maxulp=2 if name == "logaddexp" else 1)
    zeros = want == 0
    np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]))


@pytest.mark.parametrize(
    "name",
    ["exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "tanh", "sinh", "cosh"]
    + ["atan", "asin", "acos", "asinh", "acosh", "atanh"],
)
def test_float32_functions_within_one_ulp_of_float64_rounded(name):
    """Every float32 function against NumPy's float64 result rounded to
    float32, over magnitudes from subnormal to huge, in a tensor long
    enough for parallel parts and blocks (sin and cos take a cheap path on
    blocks without huge arguments: some blocks here have one, some none)."""
    rng = np.random.default_rng(7)
    n = 300_000
    with np.errstate(over="ignore"):  # some draws overflow to infinity
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-40, 39, n)).astype(np.float32)
    x[: n // 2] = rng.uniform(-30, 30, n // 2).astype(np.float32)  # the common range
    if name == "acosh":
        x[: n // 2] = rng.uniform(0.999, 30, n // 2).astype(np.float32)
        x[[30, 40]] = [1.0, np.nextafter(np.float32(1), 2)]
    if name in ("asin", "acos", "atanh"):
        x[: n // 2] = rng.uniform(-1.001, 1.001, n // 2).astype(np.float32)
        x[[30, 40, 50, 60]] = [1.0, -1.0, np.nextafter(np.float32(1), 0), np.float32(1e-30)]
    x[[10, 20_000, 70_000]] = [np.inf, np.nan, -np.inf]
    x[5] = -0.0
    for view in (x, x[::-3]):
        with np.errstate(all="ignore"):
            want = getattr(np, name)(view.astype(np.float64)).astype(np.float32)
        got = np.asarray(getattr(tb, name)(tb.asarray(view)))
        assert got.dtype == np.float32
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        finite = np.isfinite(want) & ~np.isnan(got)
        np.testing.assert_array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
        np.testing.assert_array_max_ulp(got[finite], want[finite], maxulp=1)
        zeros = want == 0
        np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]))


@pytest.mark.parametrize(
    "name",
    ["exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh"]
    + ["atan", "asin", "acos", "asinh", "acosh", "atanh"],
)
def test_float64_functions_within_one_ulp_of_the_true_value(name):
    """The vectorized float64 functions against mpmath's value at 80 bits
    rounded to float64, on a tensor long enough for parallel parts and
    blocks (sin, cos and tan take the vector path on blocks whose arguments are
    all below 2^20 and the C library on the others: both kinds here),
    checked at sampled positions plus every special value."""
    mpmath = pytest.importorskip("mpmath")
    rng = np.random.default_rng(17)
    n = 200_000
    x = rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300, n)
    x[: n // 2] = rng.uniform(-40, 40, n // 2)  # the common range
    x[n // 4 : n // 4 + 5000] = 1 + rng.uniform(-1e-3, 1e-3, 5000) * 10.0 ** rng.integers(-12, 0, 5000)
    x[n // 2 : n // 2 + 5000] = np.arange(1, 5001) * np.pi / 2  # reductions that cancel
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.0**-1022, 1.0, 709.7, -745.0]
    x[: len(specials)] = specials
    if name.startswith("log"):
        x[len(specials) :] = np.abs(x[len(specials) :])
    if name == "log1p":
        x[len(specials) : n // 8] = rng.uniform(-1, 1, n // 8 - len(specials))
        x[20:23] = [-1.0, -1.5, -np.nextafter(1.0, 0)]
    if name in ("tanh", "sinh", "cosh", "expm1", "atan"):  # around their switches between forms
        x[n // 4 : n // 4 + 5000] = rng.uniform(-3, 3, 5000)
    if name in ("asinh", "atanh"):
        x[n // 4 : n // 4 + 5000] = rng.uniform(-3, 3, 5000)
    if name == "acosh":
        x[len(specials) :] = np.abs(x[len(specials) :]) + 1.0
        x[20:23] = [1.0, 2.0, 0.5]
    if name in ("asin", "acos", "atanh"):  # mostly their domain, with the ends
        x[len(specials) : n // 2] = rng.uniform(-1, 1, n // 2 - len(specials))
        x[20:24] = [-1.0, np.nextafter(-1.0, 0), np.nextafter(1.0, 0), 1.0000000000000002]
    mpf = {"exp": mpmath.exp, "log": mpmath.ln, "log2": lambda v: mpmath.log(v, 2),
           "log10": mpmath.log10, "sin": mpmath.sin, "cos": mpmath.cos, "log1p": mpmath.log1p,
           "tanh": mpmath.tanh, "expm1": mpmath.expm1, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
           "tan": mpmath.tan, "atan": mpmath.atan, "asin": mpmath.asin, "acos": mpmath.acos, "asinh": mpmath.asinh,
           "acosh": mpmath.acosh, "atanh": mpmath.atanh}[name]
    picks = np.concatenate([np.arange(len(specials)), rng.integers(0, n, 4000),
                            n // 4 + np.arange(0, 5000, 10), n // 2 + np.arange(0, 5000, 10)])
    for view, at in ((x, picks), (x[::-1], n - 1 - picks)):
        got = np.asarray(getattr(tb, name)(tb.asarray(view)))
        assert got.dtype == np.float64
        with mpmath.workprec(80):
            for i, v in zip(picks, x[picks]):
                lowest = -1.0 if name == "log1p" else 0.0
                outside = ((name.startswith("log") and v <= lowest) or (name in ("asin", "acos", "atanh") and abs(v) > 1)
                           or (name == "acosh" and v < 1))
                if np.isnan(v) or outside or (name in ("sin", "cos", "tan") and np.isinf(v)):
                    want = {True: -np.inf}.get(name.startswith("log") and v == lowest, np.nan)
                elif np.isinf(v):
                    want = {"exp": np.inf if v > 0 else 0.0, "tanh": np.sign(v), "expm1": np.inf if v > 0 else -1.0,
                            "sinh": v, "atan": np.copysign(np.pi / 2, v), "asinh": v}.get(name, np.inf)
                elif name == "atanh" and abs(v) == 1:
                    want = np.copysign(np.inf, v)
                elif name in ("sin", "tan", "log1p", "tanh", "expm1", "sinh", "atan", "asin", "asinh", "atanh") and v == 0:
                    want = v  # keeps the zero's sign, which mpmath drops
                else:
                    want = float(mpf(mpmath.mpf(float(v))))
                g = got[i] if view is x else got[n - 1 - i]
                if np.isnan(want):
                    assert np.isnan(g), (name, v, g)
                elif want == 0 or np.isinf(want):
                    assert g == want and np.signbit(g) == np.signbit(want), (name, v, g, want)
                else:
                    np.testing.assert_array_max_ulp(np.float64(g), np.float64(want), maxulp=1)


def _component_ulps(got, want, real_dtype):
    """Each component's distance from `want` (complex128) in units of the
    last place of `real_dtype` at that component's true value."""
    def one(g, w):
        spacing = np.spacing(np.abs(w).astype(real_dtype)).astype(np.float64)
        return np.abs(g.astype(np.float64) - w) / spacing
    return np.maximum(one(got.real, want.real), one(got.imag, want.imag))


@pytest.mark.parametrize("cdt", [np.complex64, np.complex128])
def test_complex_logarithms_near_the_unit_circle(cdt):
    """log|z| near |z| = 1 is log1p of x² + y² - 1, which cancels to
    nothing when formed directly: both parts within a few units of mpmath's
    value (NumPy's complex64 `log1p` is 10^8 units off at such points)."""
    mpmath = pytest.importorskip("mpmath")
    real = np.float32 if cdt == np.complex64 else np.float64
    rng = np.random.default_rng(23)
    n = 400
    r = 1 + rng.standard_normal(n) * 10.0 ** rng.integers(-15, -1, n)
    z = (r * np.exp(2j * np.pi * rng.random(n))).astype(cdt)
    z[:4] = np.array([0.6 + 0.8000000001j, 1 + 1e-7j, -0.6 - 0.8j, 1j], cdt)
    refs = {"log": mpmath.log, "log2": lambda v: mpmath.log(v) / mpmath.log(2),
            "log10": lambda v: mpmath.log(v) / mpmath.log(10), "log1p": mpmath.log1p}
    for name, ref in refs.items():
        arg = (z - 1).astype(cdt) if name == "log1p" else z
        got = getattr(tb, name)(tb.asarray(arg)).numpy()
        assert got.dtype == cdt
        with mpmath.workprec(120):
            want = np.array([complex(ref(mpmath.mpc(complex(v)))) for v in arg])
        worst = _component_ulps(got, want, real).max()
        assert worst <= (1 if name in ("log", "log1p") else 3), (name, worst)


def test_complex64_pow_is_computed_in_complex128():
    """exp(y log x) multiplies log x's error by |y|: complex64 powers are
    computed in complex128 and rounded once, close to the true power
    (NumPy's own complex64 power is some 18 units off here)."""
    mpmath = pytest.importorskip("mpmath")
    rng = np.random.default_rng(29)
    n = 300
    x = ((1 + rng.standard_normal(n) * 1e-3) * np.exp(2j * np.pi * rng.random(n))).astype(np.complex64)
    y = (rng.standard_normal(n) * 3 + 1j * rng.standard_normal(n)).astype(np.complex64)
    got = (tb.asarray(x) ** tb.asarray(y)).numpy()
    assert got.dtype == np.complex64
    with mpmath.workprec(120):
        want = np.array([complex(mpmath.power(mpmath.mpc(complex(a)), mpmath.mpc(complex(b)))) for a, b in zip(x, y)])
    rel = np.abs(got - want) / np.abs(want)
    assert rel.max() <= np.finfo(np.float32).eps, rel.max()
