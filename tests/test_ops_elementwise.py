"""Elementwise functions and operators (issue: Array API operations),
against NumPy as the oracle: result dtypes by NumPy's promotion rules,
values bit-for-bit where IEEE arithmetic fixes them (and within a stated
tolerance for transcendental functions, whose last bit differs between
libms), broadcasting, strided and negative-stride inputs, weak Python
scalars, in-place operators and errors."""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
import tensorbridge as tb
from conftest import BF16, NP_DTYPES, TB_OF, examples, make_values, strided_views
from hypothesis import given, settings
from hypothesis import strategies as st

FLOATS = [np.dtype(d) for d in ("float16", "float32", "float64")]

# Functions whose results IEEE arithmetic fixes exactly; the rest are
# compared with a tolerance of a few units in the last place.
EXACT_UNARY = {
    "abs",
    "bitwise_invert",
    "ceil",
    "conj",
    "floor",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "logical_not",
    "negative",
    "positive",
    "real",
    "round",
    "sign",
    "signbit",
    "sqrt",
    "square",
    "trunc",
    "reciprocal",
}
UNARY = sorted(
    EXACT_UNARY
    | {
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "cos",
        "cosh",
        "exp",
        "expm1",
        "log",
        "log1p",
        "log2",
        "log10",
        "sin",
        "sinh",
        "tan",
        "tanh",
    }
)
NP_NAME = {
    "acos": "arccos",
    "acosh": "arccosh",
    "asin": "arcsin",
    "asinh": "arcsinh",
    "atan": "arctan",
    "atanh": "arctanh",
    "bitwise_invert": "invert",
    "atan2": "arctan2",
    "pow": "power",
    "bitwise_left_shift": "left_shift",
    "bitwise_right_shift": "right_shift",
}
# Where NumPy's answer for an integer or bool input is not the standard's
# (the standard asks for floats, or keeps bool), we follow the standard.
UNARY_DIVERGES = {
    ("reciprocal", "i"),
    ("reciprocal", "u"),
    ("reciprocal", "b"),
    ("round", "b"),
    ("square", "b"),
    ("conj", "b"),
}

EXACT_BINARY = {
    "add",
    "subtract",
    "multiply",
    "divide",
    "floor_divide",
    "remainder",
    "maximum",
    "minimum",
    "copysign",
    "nextafter",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_left_shift",
    "bitwise_right_shift",
}
BINARY = sorted(EXACT_BINARY | {"atan2", "hypot", "logaddexp", "pow"})


def np_func(name):
    return getattr(np, NP_NAME.get(name, name))


def tolerance(dt: np.dtype) -> float:
    return {"e": 2e-3, "f": 4e-6, "d": 1e-13, "F": 4e-6, "D": 1e-13}.get(dt.char, 0.0)


def assert_matches(got, want: np.ndarray, exact: bool, zero_sign: bool = True) -> None:
    assert isinstance(got, tb.Tensor)
    assert got.dtype == TB_OF[want.dtype], (got.dtype, want.dtype)
    g = got.numpy()
    assert g.shape == want.shape
    if want.dtype.kind in "biu" or want.dtype == BF16 and exact:
        np.testing.assert_array_equal(g, want)
        return
    if exact:
        np.testing.assert_array_equal(g, want)  # NaN equals NaN here
        # and zeros carry the same sign
        if want.dtype.kind == "f" and zero_sign:
            zero = want == 0
            assert (np.signbit(g[zero]) == np.signbit(want[zero])).all()
        return
    w = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
    np.testing.assert_allclose(
        g.astype(w.dtype), w, rtol=tolerance(want.dtype), atol=0, equal_nan=True
    )


def oracle(fn, *arrays):
    """NumPy's answer, or the exception type it raises."""
    with np.errstate(all="ignore"):
        try:
            return fn(*arrays)
        except (TypeError, ValueError) as e:  # UFuncTypeError is a TypeError
            return type(e) if not isinstance(e, TypeError) else TypeError


# ------------------------------------------------------------------ unary


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("ndt", [d for d in NP_DTYPES if d != BF16], ids=str)
def test_unary_matches_numpy(name, ndt):
    if (name, ndt.kind) in UNARY_DIVERGES:
        pytest.skip("the standard's answer differs from NumPy's here (see UNARY_DIVERGES)")
    # Complex abs/sqrt/sign/reciprocal/square go through hypot, division
    # and products whose last bit NumPy's SIMD loops (with FMA) compute
    # differently.
    exact = name in EXACT_UNARY and not (
        ndt.kind == "c" and name in {"abs", "sqrt", "sign", "reciprocal", "square"}
    )
    transcendental_complex = ndt.kind == "c" and not exact
    x = make_values(ndt, (4, 7), seed=3, special=not transcendental_complex)
    want = oracle(np_func(name), x)
    if isinstance(want, type):
        with pytest.raises(want):
            getattr(tb, name)(tb.from_numpy(x))
        return
    assert_matches(getattr(tb, name)(tb.from_numpy(x)), np.asarray(want), exact)


@pytest.mark.parametrize(
    "name", ["sin", "exp", "sqrt", "floor", "abs", "negative", "isnan", "sign"]
)
def test_unary_bfloat16_computes_through_float32(name):
    x = make_values(BF16, (5, 3), seed=1)
    with np.errstate(all="ignore"):
        want = np_func(name)(x.astype(np.float32))
    want = want.astype(BF16) if want.dtype != np.bool_ else want
    got = getattr(tb, name)(tb.from_numpy(x))
    np.testing.assert_array_equal(got.numpy().astype(np.float32), want.astype(np.float32))


@settings(max_examples=examples(60), deadline=None)
@given(strided_views(), st.sampled_from(["negative", "abs", "sqrt", "isnan", "floor", "square"]))
def test_unary_on_any_layout(base_view, name):
    _, view = base_view
    if view.dtype == BF16 or (view.dtype.kind == "b" and name in {"negative", "square"}):
        return
    if view.dtype.kind == "c" and name == "floor":
        return
    want = oracle(np_func(name), view)
    if isinstance(want, type):
        return
    exact = view.dtype.kind != "c" or name not in {"abs", "sqrt", "square"}
    assert_matches(getattr(tb, name)(tb.from_numpy(view)), np.asarray(want), exact=exact)


def test_unary_special_cases_of_the_standard():
    x = tb.tensor([-0.0, 0.0, np.nan, -np.inf, 2.5, -0.5, 0.5, 1.5], dtype=tb.float64)
    assert tb.sign(x).tolist()[:2] == [0.0, 0.0]
    assert not np.signbit(tb.sign(x).numpy()[:2]).any()
    assert np.isnan(tb.sign(x).numpy()[2])
    assert tb.round(x).tolist()[4:] == [2.0, -0.0, 0.0, 2.0]  # ties to even
    assert tb.signbit(x).tolist()[:4] == [True, False, False, True]
    z = tb.tensor([0j, complex(3, 4), complex(np.nan, 1)])
    s = tb.sign(z).numpy()
    assert (
        s[0] == 0 and np.isclose(s[1], 0.6 + 0.8j) and np.isnan(s[2].real) and np.isnan(s[2].imag)
    )


# ------------------------------------------------------------------ binary

BINARY_DTYPES = [d for d in NP_DTYPES if d != BF16]


@settings(max_examples=examples(400), deadline=None)
@given(
    st.sampled_from(BINARY),
    st.sampled_from(BINARY_DTYPES),
    st.sampled_from(BINARY_DTYPES),
    st.sampled_from(
        [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (5,)), ((0, 3), (3,))]
    ),
    st.integers(0, 1000),
)
def test_binary_matches_numpy(name, d1, d2, shapes, seed):
    x1 = make_values(d1, shapes[0], seed=seed)
    x2 = make_values(d2, shapes[1], seed=seed + 1)
    if name in {"pow", "bitwise_left_shift", "bitwise_right_shift"} and d2.kind in "iu":
        x2 = np.abs(x2 % 8).astype(d2)  # negative integer powers are errors in both
    want = oracle(np_func(name), x1, x2)
    t1, t2 = tb.from_numpy(x1), tb.from_numpy(x2)
    if isinstance(want, type):
        with pytest.raises(want):
            getattr(tb, name)(t1, t2)
        return
    want = np.asarray(want)
    got = getattr(tb, name)(t1, t2)
    if name == "floor_divide" and want.dtype.kind == "f":
        # The standard gives floor(x1 / x2) where an operand is infinite;
        # NumPy gives NaN there. Compare the finite cases only.
        b1, b2 = np.broadcast_arrays(x1, x2)
        keep = ~(np.isinf(b1) | np.isinf(b2))
        assert got.dtype == TB_OF[want.dtype]
        np.testing.assert_array_equal(got.numpy()[keep], want[keep])
        return
    if name == "pow" and want.dtype.kind == "c":
        finite = np.isfinite(np.broadcast_arrays(x1, x2)[0]) & np.isfinite(
            np.broadcast_arrays(x1, x2)[1]
        )
        assert got.dtype == TB_OF[want.dtype]
        if want.dtype == np.complex64:
            # NumPy's complex64 power computes in complex64, whose log
            # error exp(y log x) multiplies by |y|; ours is complex128's
            # power rounded once, which is the closer oracle.
            with np.errstate(all="ignore"):
                want = np.power(x1.astype(np.complex128), x2.astype(np.complex128)).astype(np.complex64)
        w, g = want[finite], got.numpy()[finite]
        ok = np.isfinite(w)
        np.testing.assert_allclose(g[ok], w[ok], rtol=1e-5 if want.dtype.char == "F" else 1e-12)
        return
    # Which zero maximum(0.0, -0.0) returns is left open by the standard.
    assert_matches(got, want, name in EXACT_BINARY, zero_sign=name not in {"maximum", "minimum"})


@settings(max_examples=examples(60), deadline=None)
@given(
    strided_views(ndt=np.dtype(np.float64)),
    st.sampled_from(["add", "less", "maximum", "remainder"]),
)
def test_binary_on_any_layout(base_view, name):
    _, view = base_view
    other = make_values(np.dtype(np.float64), view.shape[-1:] if view.ndim else (), seed=9)
    with np.errstate(all="ignore"):
        want = np_func(name)(view, other)
        want_r = np_func(name)(other, view)
    signed = name != "maximum"
    got = getattr(tb, name)(tb.from_numpy(view), tb.from_numpy(other))
    assert_matches(got, want, exact=True, zero_sign=signed)
    got_r = getattr(tb, name)(tb.from_numpy(other), tb.from_numpy(view))
    assert_matches(got_r, want_r, exact=True, zero_sign=signed)


def test_output_keeps_a_transposed_layout_like_numpy():
    a = np.arange(12.0).reshape(3, 4).T
    t = tb.from_numpy(a)
    assert (t + t).stride() == (1, 4)
    assert (t + 1).stride() == (1, 4)


def test_floor_divide_and_remainder_special_cases():
    inf = np.inf
    x1 = tb.tensor([inf, inf, -inf, 1.0, -1.0, 5.0, -7.0, 1.0], dtype=tb.float64)
    x2 = tb.tensor([2.0, -2.0, 2.0, -inf, inf, 0.0, 2.0, 0.1], dtype=tb.float64)
    q = tb.floor_divide(x1, x2).numpy()
    assert q[:3].tolist() == [inf, -inf, -inf]
    assert q[3] == 0 and np.signbit(q[3]) and q[4] == 0 and np.signbit(q[4])
    assert q[5] == inf and q[6] == -4.0 and q[7] == 9.0
    r = tb.remainder(tb.tensor([-1.0, 1.0, -7.0]), tb.tensor([inf, -inf, 2.0])).tolist()
    assert r == [inf, -inf, 1.0]


def _division_operands(dtype, n, seed):
    """Quotients of every size, many next to an integer, with zeros,
    infinities, NaN, subnormals and huge quotients sprinkled in (the vector
    loops check blocks of 512 pairs and take the C library for those)."""
    rng = np.random.default_rng(seed)
    b = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(dtype)
    k = np.trunc(rng.standard_normal(n) * 10.0 ** rng.integers(0, 8, n))
    a = (k * b.astype(np.float64)).astype(dtype)
    a[::3] = np.nextafter(a[::3], np.inf)
    a[1::3] = (rng.standard_normal(n)[1::3] * 1e3).astype(dtype)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e-30, 1e-40], dtype)
    for arr, start in ((a, 5), (b, 1000)):
        idx = rng.integers(start, n, 40)
        arr[idx] = rng.choice(special, 40)
    return a, b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["remainder", "floor_divide"])
def test_float_remainder_and_floor_divide_bit_for_bit_with_numpy(dtype, name):
    a, b = _division_operands(dtype, 200_003, seed=11)
    got = getattr(tb, name)

    def want(x, y):
        if name == "remainder":
            return np.remainder(x, y)
        # The standard's special cases where NumPy differs (see the test
        # above): floor(x / y) for infinite operands and a zero divisor.
        x, y = np.broadcast_arrays(np.asarray(x, dtype), np.asarray(y, dtype))
        special = np.isinf(x) | np.isinf(y) | (y == 0)
        return np.where(special, np.floor(x / y), np.floor_divide(x, y)).astype(dtype)

    ta, tb_ = tb.from_numpy(a), tb.from_numpy(b)
    with np.errstate(all="ignore"):
        cases = [
            (got(ta, tb_), want(a, b)),
            (got(ta, tb.tensor(3.7, dtype=ta.dtype)), want(a, dtype(3.7))),
            (got(tb.tensor(-2.5, dtype=ta.dtype), tb_), want(dtype(-2.5), b)),
            (got(ta[::-3], tb_[1::3]), want(a[::-3], b[1::3])),
        ]
        inplace = tb.tensor(a)
        op = {"remainder": operator.imod, "floor_divide": operator.ifloordiv}[name]
        op(inplace, tb_)
        cases.append((inplace, want(a, b)))
    for got_t, w in cases:
        g = got_t.numpy()
        assert g.dtype == w.dtype
        same = (g.view(np.uint8) == w.view(np.uint8)).reshape(g.shape + (-1,)).all(-1) | (np.isnan(g) & np.isnan(w))
        assert same.all(), (a[~same][:5], b[~same][:5], g[~same][:5], w[~same][:5])


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


@pytest.mark.parametrize("signed", [np.int8, np.int64])
@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"])
def test_uint64_compares_exactly_with_signed_integers(signed, name):
    # Their common dtype is float64, which rounds both above 2^53; NumPy
    # compares them exactly, and so must we (2^63 is not 2^63 - 1).
    u = np.array([0, 1, 2**53 + 1, 2**63, 2**63 + 1, 2**64 - 1, 127, 128], dtype=np.uint64)
    info = np.iinfo(signed)
    s = np.array([0, -1, 2**53, 2**63 - 1, info.min, info.max, 127, -128], dtype=np.int64)
    s = np.clip(s, info.min, info.max).astype(signed)
    for x, y in [(u[:, None], s[None, :]), (s[:, None], u[None, :])]:
        want = getattr(np, name)(x, y)
        got = getattr(tb, name)(tb.asarray(x), tb.asarray(y))
        assert got.dtype == tb.bool
        np.testing.assert_array_equal(got.numpy(), want)


def test_integer_division_by_zero_gives_zero_like_numpy():
    a = tb.tensor([7, -7, 0], dtype=tb.int32)
    z = tb.zeros(3, dtype=tb.int32)
    assert (a // z).tolist() == [0, 0, 0]
    assert (a % z).tolist() == [0, 0, 0]
    m = tb.tensor([-128], dtype=tb.int8)
    assert (m // tb.tensor([-1], dtype=tb.int8)).tolist() == [-128]  # wraps


def test_nextafter_steps_in_the_real_dtype():
    for dt, ndt in [(tb.float16, np.float16), (tb.float32, np.float32), (tb.float64, np.float64)]:
        x = np.array([1.0, 0.0, -0.0, 65504 if ndt == np.float16 else 3.0], dtype=ndt)
        y = np.array([2.0, -1.0, 1.0, np.inf], dtype=ndt)
        got = tb.nextafter(tb.from_numpy(x), tb.from_numpy(y))
        assert got.dtype == dt
        assert got.numpy().tobytes() == np.nextafter(x, y).tobytes()


# ------------------------------------------------------ operators, scalars

OPERATORS = [
    (operator.add, "add"),
    (operator.sub, "subtract"),
    (operator.mul, "multiply"),
    (operator.truediv, "divide"),
    (operator.floordiv, "floor_divide"),
    (operator.mod, "remainder"),
    (operator.pow, "pow"),
    (operator.lt, "less"),
    (operator.le, "less_equal"),
    (operator.gt, "greater"),
    (operator.ge, "greater_equal"),
    (operator.eq, "equal"),
    (operator.ne, "not_equal"),
]


@pytest.mark.parametrize("op,name", OPERATORS, ids=[n for _, n in OPERATORS])
@pytest.mark.parametrize(
    "ndt", ["int8", "uint8", "int64", "float16", "float32", "complex64", "bool"]
)
@pytest.mark.parametrize("scalar", [2, 2.5, True, 1 + 2j])
def test_python_scalars_are_weak_like_numpy(op, name, ndt, scalar):
    x = make_values(np.dtype(ndt), (5,), seed=2, special=False)
    if name == "pow" and ndt == "bool" and scalar is not True:
        pytest.skip("NumPy computes bool ** int in int8; Python ints meeting bools give int64 here")
    if name == "pow" and ndt in ("int8", "uint8", "int64"):
        x = np.abs(x % 5).astype(ndt)
    for args in ((x, scalar), (scalar, x)):
        want = oracle(op, *args)
        targs = [tb.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args]
        if isinstance(want, type):
            with pytest.raises(want):
                op(*targs)
            continue
        want = np.asarray(want)
        got = op(*targs)
        assert got.dtype == TB_OF[want.dtype], (args, got.dtype, want.dtype)
        if name == "pow" and want.dtype == np.complex64:
            # Ours is complex128's power rounded once (see
            # test_complex64_pow_is_computed_in_complex128).
            wide = [a.astype(np.complex128) if isinstance(a, np.ndarray) else a for a in args]
            with np.errstate(all="ignore"):
                want = np.asarray(op(*wide)).astype(np.complex64)
        exact = name not in {"pow"}
        assert_matches(got, want, exact)


def test_python_ints_beyond_64_bits_like_numpy():
    """A Python int that no integer dtype holds is a weak float next to a
    float tensor, compares with integer tensors as NumPy 2's comparisons
    do (above or below every element), and is an OverflowError where it
    would have to be stored in an integer or cannot become a float64."""
    f = np.array([1.0, -3.5], np.float32)
    i8 = np.array([1, -2], np.int8)
    u64 = np.array([0, 2**64 - 1], np.uint64)
    cases = [
        (f, operator.add, 2**64), (f, operator.mul, 10**20), (f, operator.lt, 2**64),
        (i8, operator.eq, 2**64), (i8, operator.ne, 2**64), (i8, operator.lt, 2**64),
        (i8, operator.gt, -(2**70)), (u64, operator.lt, 2**64), (u64, operator.eq, 2**64),
        (u64, operator.ge, -(2**64)), (i8, operator.lt, 10**400), (f.astype(np.complex64), operator.add, 2**65),
    ]
    for x, op, big in cases:
        want = op(x, big)
        for got in (op(tb.asarray(x), big), op(big, tb.asarray(x)) if op in (operator.add, operator.mul) else None):
            if got is None:
                continue
            assert isinstance(got, tb.Tensor), (x.dtype, op, big)
            assert got.dtype == TB_OF[want.dtype], (x.dtype, op, big)
            np.testing.assert_array_equal(got.numpy(), want)
    with pytest.raises(OverflowError, match="out of bounds for int8"):
        tb.asarray(i8) + 2**64
    with pytest.raises(OverflowError, match="too large to convert to a float64"):
        tb.asarray(f) * 10**400


@pytest.mark.parametrize("ndt", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 2.0, 1, 0, -1, 0.5, 0.0, -1.0])
def test_simple_exponents_are_exact_powers(ndt, exponent):
    """x ** 2, 1, 0, -1 and 0.5 run as multiply, copy, fill, divide and
    square root; each must still be the correctly rounded power with the
    standard's special cases, (-0) ** 0.5 == +0 and (-inf) ** 0.5 == +inf
    included, on strided and reversed inputs."""
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 4.0, -4.0, 1e-30, 3e30, -2.5]
    base = np.concatenate([np.array(specials), make_values(np.dtype(ndt), (4000,), seed=3, special=False)])
    x = base.astype(ndt)[::-3]
    got = (tb.from_numpy(x) ** exponent).numpy()
    with np.errstate(all="ignore"):
        want = np.power(x.astype(np.float64), np.float64(exponent)).astype(ndt)
    if exponent == 0.5:  # the standard's table, where NumPy's own fast path takes sqrt
        want[x == -np.inf] = np.inf
        want[(x == 0)] = 0.0
    assert got.dtype == np.dtype(ndt)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    bits = f"u{x.itemsize}"  # signed zeros count
    np.testing.assert_array_equal(got[~nan].view(bits), want[~nan].view(bits))


def test_out_of_range_python_int():
    t = tb.tensor([1, 2], dtype=tb.int8)
    with pytest.raises(OverflowError):
        t + 300
    assert (t < 300).tolist() == [True, True]  # comparisons still answer
    assert (t == 1000).tolist() == [False, False]


def test_in_place_operators_write_shared_memory():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = tb.from_numpy(a)
    before = id(t)
    t += 1
    assert id(t) == before
    np.testing.assert_array_equal(a, np.arange(6).reshape(2, 3) + 1)
    t *= tb.tensor([1.0, 2.0, 3.0])  # broadcast in
    np.testing.assert_array_equal(a[1], (np.arange(3, 6) + 1) * [1, 2, 3])
    t -= 0.5
    t /= 2
    assert a.dtype == np.float32


@settings(max_examples=examples(120), deadline=None)
@given(
    st.integers(1, 300),
    st.integers(0, 3),
    st.integers(0, 3),
    st.sampled_from(["iadd", "imul", "isub", "imax"]),
    st.sampled_from(["float32", "float64", "int32", "uint8"]),
)
def test_in_place_operators_on_overlapping_views_match_numpy(n, d, s, op, dtype):
    """`a[d:d+n] op= a[s:s+n]`: the right-hand side is read as it was
    before the write, as NumPy does, whatever the loop vectorizes."""
    base = (np.arange(n + 3) % 7 + 1).astype(dtype)
    t = tb.asarray(base.copy())
    dst, src = slice(d, d + n), slice(s, s + n)
    if op == "imax":
        np.maximum(base[dst], base[src], out=base[dst])
        t[dst] = tb.maximum(t[dst], t[src])
    else:
        view, tv = base[dst], t[dst]
        getattr(operator, op)(view, base[src])
        getattr(operator, op)(tv, t[src])
    np.testing.assert_array_equal(np.asarray(t), base)


def test_in_place_refusals():
    t = tb.tensor([1, 2, 3])
    with pytest.raises(TypeError):
        t += 1.5  # float64 result cannot be cast back to int64 (same_kind)
    with pytest.raises(ValueError):
        t += tb.ones((2, 3), dtype=tb.int64)  # would change the shape
    ro = np.arange(3.0)
    ro.flags.writeable = False
    r = tb.from_numpy(ro)
    with pytest.raises(ValueError, match="read-only"):
        r += 1
    assert ro.tolist() == [0.0, 1.0, 2.0]
    f = tb.tensor([1.0, 2.0], dtype=tb.float32)
    f += tb.tensor([1.0, 1.0], dtype=tb.float64)  # same kind: allowed
    assert f.dtype == tb.float32 and f.tolist() == [2.0, 3.0]


def test_unary_operators_and_hash():
    t = tb.tensor([1, -2, 3])
    assert (-t).tolist() == [-1, 2, -3]
    assert (+t).tolist() == [1, -2, 3]
    assert abs(t).tolist() == [1, 2, 3]
    assert (~t).tolist() == [-2, 1, -4]
    assert (~tb.tensor([True, False])).tolist() == [False, True]
    assert {t: 1}[t] == 1  # hashable by identity, like PyTorch
    with pytest.raises(TypeError):
        -tb.tensor([True])


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="bitwise_and"):
        tb.bitwise_and(tb.tensor([1.0]), tb.tensor([2.0]))
    # Both integers, but a signed integer and uint64 meet only in float64.
    for op in (tb.bitwise_and, tb.bitwise_xor, tb.bitwise_right_shift):
        with pytest.raises(TypeError, match="of int8 and uint64: they have no common integer dtype"):
            op(tb.tensor([1], dtype=tb.int8), tb.tensor([1], dtype=tb.uint64))
    with pytest.raises(IndexError, match="valid indexes are -3 to 2, inclusive"):
        tb.arange(3)[3]
    with pytest.raises(IndexError, match="valid axes are -2 to 1, inclusive"):
        tb.sum(tb.ones((2, 2)), axis=2)
    with pytest.raises(ValueError, match=r"\[3\]"):
        tb.add(tb.ones(3), tb.ones(4))
    with pytest.raises(TypeError, match="logical_xor"):
        tb.tensor([True]) - tb.tensor([False])
    with pytest.raises(ValueError, match="negative integer powers"):
        tb.tensor([2]) ** tb.tensor([-1])
    with pytest.raises(TypeError):
        tb.add(1, 2)  # at least one tensor
    with pytest.raises(TypeError):
        tb.tensor([1.0]) + "x"


def test_methods_mirror_functions():
    t = tb.tensor([0.5, 1.0])
    np.testing.assert_array_equal(t.exp().numpy(), tb.exp(t).numpy())
    assert t.add(1).tolist() == [1.5, 2.0]
    assert t.mul(2).tolist() == [1.0, 2.0]
    u = tb.tensor([1.0, 2.0])
    assert u.add_(1) is u and u.tolist() == [2.0, 3.0]
    z = tb.tensor([1 + 2j])
    assert z.real.tolist() == [1.0] and z.imag.tolist() == [2.0]


@pytest.mark.parametrize(
    "other", [lambda a: a, lambda a: a.T, lambda a: a[0], lambda a: a[::-1], lambda a: a[:, ::-1]]
)
def test_in_place_with_overlapping_operands_matches_numpy(other):
    base = np.arange(16.0).reshape(4, 4)
    want = base.copy()
    want += other(want)
    got = base.copy()
    t = tb.from_numpy(got)
    t += other(t)
    np.testing.assert_array_equal(got, want)


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
