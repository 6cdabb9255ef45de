"""The FFT extension (``tb.fft``, Array API 2024.12) against NumPy's
``np.fft`` as the oracle: the 14 functions and their signatures, result
dtypes for every kind of input, values for prime, odd, even and power-of-two
lengths under each norm, ``n`` trimming or zero-padding along any axis,
``s``/``axes`` for the n-dimensional transforms, round trips, NumPy views of
every layout (transposed, Fortran-ordered, negatively strided, gapped,
zero-stride) in stacks, empty batches, the shifts bit for bit, the sample
frequencies, and bad arguments.

Dtypes follow NumPy: float32 and complex64 compute in single precision,
float16 and bfloat16 in float32 (complex64 results), integers and bool in
double (complex128). Real input to fft/ifft/fftn/ifftn is accepted; rfft,
rfftn and ihfft reject complex input (TypeError). The complex-to-real
transforms (irfft, irfftn, hfft) give the real dtype of their precision,
and half input stays half, as NumPy's float16 does. fftfreq and rfftfreq
default to the namespace's default real floating dtype (float32 here), as
the standard says, not to NumPy's float64. The rule: where the standard
specifies, the standard; where it is silent, NumPy.

The oracle runs in double on the input's exact values, so every result is
compared within tol = 64 * eps(computation precision) * log2(size) of the
result's largest magnitude (FFT rounding errors grow with log2 of the
length), plus a rounding for half results. Complex-to-real input need not be
Hermitian: the imaginary parts NumPy ignores (DC, Nyquist) are ignored.
The standard requires ``axes`` with ``s``; ``s`` alone is tested only where
it names every axis, which NumPy's deprecated rule (the last len(s) axes)
and "all axes" agree on. For irfftn, ``s[-1] == -1`` is the standard's
2 * (m - 1) output points, where NumPy 2.4 gives m.
"""

import inspect
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import tensorbridge as tb
from conftest import BF16, DTYPES, TB_OF, assert_same_bits, examples, make_values

SETTINGS = settings(max_examples=examples(60), deadline=None)

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
C64, C128 = np.dtype(np.complex64), np.dtype(np.complex128)
I8, U8, I64, BOOL = (np.dtype(d) for d in ("int8", "uint8", "int64", "bool"))
HALF = (F16, BF16)
SINGLE = HALF + (F32, C64)  # computed in single precision
EPS = {F16: 2.0**-10, BF16: 2.0**-7, F32: 2.0**-23, F64: 2.0**-52}
NORMS = ("backward", "ortho", "forward")
LENGTHS = (1, 2, 3, 5, 7, 8, 12, 16, 17, 30, 64, 97, 100, 128, 1000)
LAYOUTS = ("C", "F", "T", "reversed", "gapped", "broadcast")
# fftfreq's and rfftfreq's default dtype: the standard's "default real floating dtype"
FREQ_DTYPE = tb.__array_namespace_info__().default_dtypes()["real floating"]

# Each transform's kind: c2c takes any input and gives complex, r2c takes
# real input and gives complex, c2r gives real.
KIND = {"fft": "c2c", "ifft": "c2c", "fftn": "c2c", "ifftn": "c2c", "rfft": "r2c",
        "rfftn": "r2c", "ihfft": "r2c", "irfft": "c2r", "irfftn": "c2r", "hfft": "c2r"}
ONE_D = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")
N_D = ("fftn", "ifftn", "rfftn", "irfftn")
INVERSE = {"fft": "ifft", "fftn": "ifftn", "rfft": "irfft", "rfftn": "irfftn", "ihfft": "hfft"}
FFT = sorted(KIND) + ["fftfreq", "rfftfreq", "fftshift", "ifftshift"]


# ---------------------------------------------------------------- helpers

def result_dtype(name, ndt):
    """tb.fft.<name>'s result dtype for input dtype `ndt`."""
    single = ndt in SINGLE
    if KIND[name] != "c2r":
        return C64 if single else C128
    return ndt if ndt in HALF else F32 if single else F64


def input_dtypes(name, double_only=False):
    """The dtypes a transform's value tests feed it: real for r2c, complex otherwise."""
    dts = (F32, F64) if KIND[name] == "r2c" else (C64, C128)
    return dts[1:] if double_only else dts


def wide(a):
    """A tensor's or array's values in float64 or complex128 (exact for every dtype)."""
    a = a.numpy() if isinstance(a, tb.Tensor) else np.asarray(a)
    if a.dtype == BF16:
        a = a.astype(np.float32)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def relayout(a, kind):
    """The values of `a` as a NumPy view of another layout, which tb.asarray
    shares: Fortran order, the last two axes of a contiguous array swapped
    ("T"), negative strides on every axis, every other element of a larger
    buffer, or ("broadcast") a's first entry repeated along axis 0 by a zero
    stride (other values, the same shape)."""
    if a.ndim == 0 or kind == "C":
        return a
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "T":
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2) if a.ndim > 1 else a
    if kind == "reversed":
        return np.flip(np.flip(a).copy())
    if kind == "gapped":
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        return big[..., ::2]
    assert kind == "broadcast"
    return np.broadcast_to(a[:1], a.shape) if a.ndim > 1 else a


def sample(shape, ndt, seed=0, layout="C"):
    """Random values of dtype `ndt` (conftest's, no special values) as a `layout` view."""
    return relayout(make_values(ndt, shape, seed=seed, special=False), layout)


def assert_close(got, want, out_dtype):
    """Tensor `got` has dtype `out_dtype`, `want`'s shape, and values within
    tol of `want`'s (a double-precision oracle) relative to its largest magnitude."""
    assert got.dtype == TB_OF[out_dtype], (got.dtype, out_dtype)
    g, w = wide(got), np.asarray(want)
    assert g.shape == w.shape, (g.shape, w.shape)
    tol = 64 * EPS[F32 if out_dtype in SINGLE else F64] * max(1.0, math.log2(max(w.size, 1)))
    if out_dtype in HALF:
        tol += 4 * EPS[out_dtype]
    err, mag = np.max(np.abs(g - w), initial=0.0), np.max(np.abs(w), initial=0.0)
    assert err <= tol * mag, f"error {err:.3g} > {tol:.3g} * {mag:.3g}"


def fresh(f, x, **kw):
    """f(tb.asarray(x), **kw) on a NumPy array that tb.asarray shares: the
    call leaves x's values alone and its result shares no memory with x."""
    before = x.copy()
    got = f(tb.asarray(x), **kw)
    assert_same_bits(x, before)
    assert not np.may_share_memory(got.numpy(), x)
    return got


def check(name, x, **kw):
    """tb.fft.<name>(x, **kw) equals NumPy's in double, in value, shape and
    dtype, and is a fresh tensor (see fresh). Returns the result."""
    got = fresh(getattr(tb.fft, name), x, **kw)
    np_kw = dict(kw)
    if kw.get("s") is not None and kw.get("axes") is None:
        np_kw["axes"] = tuple(range(-len(kw["s"]), 0))  # NumPy's deprecated rule, minus the warning
    assert_close(got, getattr(np.fft, name)(wide(x), **np_kw), result_dtype(name, x.dtype))
    return got


# ---------------------------------------------------------------- namespace and dtypes

def test_the_extension_is_in_the_namespace():
    import tensorbridge.fft

    assert tb.ones(2).__array_namespace__().fft is tb.fft is tensorbridge.fft
    assert all(callable(getattr(tb.fft, name)) for name in FFT)


@pytest.mark.parametrize("name", FFT)
def test_signatures_follow_the_standard(name):
    xp = pytest.importorskip("array_api_strict")
    want = inspect.signature(getattr(xp.fft, name)).parameters.values()
    got = inspect.signature(getattr(tb.fft, name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in got] == [(p.name, p.kind, p.default) for p in want]


@pytest.mark.parametrize("ndt", HALF + (F32, F64, C64, C128, I8, U8, I64, BOOL), ids=str)
@pytest.mark.parametrize("name", sorted(KIND))
def test_result_dtypes_and_values(name, ndt):
    x = sample((2, 6), ndt, seed=3, layout="T")
    if KIND[name] == "r2c" and ndt.kind == "c":
        with pytest.raises(TypeError):
            getattr(tb.fft, name)(tb.asarray(x))
    else:
        check(name, x)


# ---------------------------------------------------------------- values

@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("name", ONE_D)
def test_every_length_and_norm_matches_numpy(name, n):
    c2r = KIND[name] == "c2r"  # n output points from n // 2 + 1 input points
    for ndt in input_dtypes(name):
        x = sample((2, n // 2 + 1 if c2r else n), ndt, seed=n)
        for norm in NORMS:
            check(name, x, norm=norm, **({"n": n} if c2r else {}))


@pytest.mark.parametrize("shape", [(5, 7, 8), (1, 97), (17, 12), (3, 1, 30)], ids=str)
@pytest.mark.parametrize("name", N_D)
def test_n_dimensional_lengths_and_norms_match_numpy(name, shape):
    for ndt in input_dtypes(name):
        for norm in NORMS:
            check(name, sample(shape, ndt, seed=len(shape)), norm=norm)


@pytest.mark.parametrize("n", [1, 4, 9, 10, 13, 25])
@pytest.mark.parametrize("name", ONE_D)
def test_n_trims_or_zero_pads_along_any_axis(name, n):
    x = sample((10, 3, 9), *input_dtypes(name, double_only=True), seed=n)
    for axis in (0, 1, -1, -3):
        check(name, x, n=n, axis=axis)


@pytest.mark.parametrize("name", ["irfft", "hfft", "irfftn"])
def test_complex_to_real_default_length_is_2_m_minus_1(name):
    for m in (2, 5, 6):
        assert check(name, sample((3, m), C128, seed=m)).shape == (3, 2 * (m - 1))


ND_CASES = [  # (s, axes) on a (4, 5, 6) input
    (None, None), (None, (0,)), (None, (-1, 0)), (None, (2, 0, 1)), ((3, 8), (0, 2)),
    ((-1, 4), (1, 2)), ((7, -1, 2), (0, 1, 2)), ((9,), (-2,)), ((2, 7, 3), None),
]


@pytest.mark.parametrize("s, axes", ND_CASES, ids=str)
@pytest.mark.parametrize("name", N_D)
def test_s_and_axes(name, s, axes):
    """axes default to all; s trims or pads, -1 keeps the input's length; the
    last of axes is the halved one for rfftn and irfftn."""
    for ndt in input_dtypes(name):
        for norm in NORMS:
            check(name, sample((4, 5, 6), ndt, seed=1), s=s, axes=axes, norm=norm)


def test_irfftn_s_of_minus_1_on_the_last_axis_is_the_default_length():
    x = sample((4, 5, 6), C128, seed=4)
    got = fresh(tb.fft.irfftn, x, s=(-1, -1), axes=(0, 2))  # NumPy 2.4 would give 6, not 10
    assert_close(got, np.fft.irfftn(x, s=(4, 10), axes=(0, 2)), F64)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("forward", sorted(INVERSE))
def test_round_trips(forward, norm):
    f, inv = getattr(tb.fft, forward), getattr(tb.fft, INVERSE[forward])
    for ndt in input_dtypes(forward):
        for shape in [(17,), (3, 12), (2, 5, 7)]:
            x = sample(shape, ndt, seed=len(shape))
            axes = tuple(range(len(shape)))
            size = {"s": shape, "axes": axes} if forward in N_D else {"n": shape[-1]}
            assert_close(inv(f(tb.asarray(x), norm=norm), norm=norm, **size), wide(x), ndt)


# ---------------------------------------------------------------- layouts and empties

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(KIND))
def test_layouts_and_stacks(name, layout):
    x = sample((3, 4, 9), input_dtypes(name)[0], seed=2, layout=layout)
    assert np.shares_memory(tb.asarray(x).numpy(), x)  # the transform sees the view itself
    for kw in ({"axes": (0, 2)}, {"axes": (1,)}) if name in N_D else ({}, {"axis": 1}):
        check(name, x, **kw)


@pytest.mark.parametrize("name", sorted(KIND))
def test_empty_batches(name):
    x = sample((0, 6), input_dtypes(name)[0])
    assert check(name, x, **({"axes": (1,)} if name in N_D else {})).shape[0] == 0


# ---------------------------------------------------------------- shifts and frequencies

@pytest.mark.parametrize("axes", [None, 0, -1, (0, 2), (2, 0), (-1, 1, 0)], ids=str)
@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("ndt", [n for _, n in DTYPES], ids=str)
def test_shifts_are_numpy_bit_for_bit(ndt, name, axes):
    x = relayout(make_values(ndt, (3, 4, 5), seed=1), "reversed")  # odd and even lengths
    got = fresh(getattr(tb.fft, name), x, axes=axes)
    assert_same_bits(got, getattr(np.fft, name)(x, axes=axes))


@pytest.mark.parametrize("d", [1.0, 0.1, 2.5, 1 / 3, 1e-3])
@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
def test_sample_frequencies_match_numpy(name, d):
    f = getattr(tb.fft, name)
    for n in range(1, 21):
        want = getattr(np.fft, name)(n, d)
        results = [(FREQ_DTYPE, f(n) if d == 1.0 else f(n, d=d))]  # d defaults to 1.0
        results += [(dt, f(n, d=d, dtype=dt, device=tb.device("cpu")))
                    for dt in (tb.float32, tb.float64)]
        for dtype, got in results:
            assert got.dtype == dtype and got.shape == want.shape
            rtol = 1e-15 if dtype == tb.float64 else 4 * EPS[F32]  # about an ulp
            np.testing.assert_allclose(got.numpy(), want, rtol=rtol, atol=0)


# ---------------------------------------------------------------- bad arguments

AXIS_ERRORS = (IndexError, ValueError)  # NumPy raises IndexError


@pytest.mark.parametrize("name", sorted(KIND))
def test_bad_arguments(name):
    f, ndt = getattr(tb.fft, name), input_dtypes(name)[1]
    x = tb.asarray(sample((3, 4), ndt))
    for norm in ("bad", "Ortho", ""):
        with pytest.raises(ValueError):
            f(x, norm=norm)
    with pytest.raises(ValueError):
        f(tb.asarray(sample((3, 0), ndt)))  # nothing to transform
    if name in N_D:
        for s, axes in [((4,), (0, 1)), ((0, 4), (0, 1)), ((3, -2), (0, 1))]:
            with pytest.raises(ValueError):
                f(x, s=s, axes=axes)
        for axes in [(2,), (0, -3)]:
            with pytest.raises(AXIS_ERRORS):
                f(x, axes=axes)
    else:
        for n in (0, -1):
            with pytest.raises(ValueError):
                f(x, n=n)
        for axis in (2, -3):
            with pytest.raises(AXIS_ERRORS):
                f(x, axis=axis)
    if KIND[name] == "c2r":
        with pytest.raises(ValueError):
            f(tb.asarray(sample((3, 1), ndt)))  # a default output length of 0


@pytest.mark.parametrize("name", sorted(set(KIND) - set(N_D)))
def test_zero_dimensional_input_is_refused(name):
    with pytest.raises(ValueError, match="at least 1 dimension"):
        getattr(tb.fft, name)(tb.asarray(1.0))


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_shift_axes_out_of_range(name):
    for axes in (2, -3, (0, 2)):
        with pytest.raises(AXIS_ERRORS):
            getattr(tb.fft, name)(tb.ones((3, 4)), axes=axes)


# ---------------------------------------------------------------- properties

DRAWN = {"c2c": (F32, F64, C64, C128, F16, I64), "r2c": (F32, F64, F16, I64)}
DRAWN["c2r"] = DRAWN["c2c"]


@st.composite
def transform_cases(draw, names):
    """(name, x, kwargs): a drawn transform of a drawn view with drawn arguments."""
    name = draw(st.sampled_from(names))
    c2r = KIND[name] == "c2r"
    shape = tuple(draw(st.lists(st.integers(1, 7), min_size=1, max_size=3)))
    x = sample(shape, draw(st.sampled_from(DRAWN[KIND[name]])), draw(st.integers(0, 2**16)),
               draw(st.sampled_from(LAYOUTS)))
    kw, nd = {"norm": draw(st.sampled_from(NORMS))}, len(shape)
    if name in ONE_D:
        kw["axis"] = draw(st.integers(-nd, nd - 1))
        kw["n"] = draw(st.none() | st.integers(1, 12))
        assume(kw["n"] or not c2r or shape[kw["axis"]] > 1)
        return name, x, kw
    if draw(st.booleans()):
        axes = draw(st.permutations(range(nd)))[: draw(st.integers(1, nd))]
        kw["axes"] = tuple(a - nd if draw(st.booleans()) else a for a in axes)
        if draw(st.booleans()):
            s = [draw(st.sampled_from([-1, 1, 2, 3, 5, 8])) for _ in axes]
            last = 4 if c2r and s[-1] == -1 else s[-1]  # NumPy's -1 there is not the standard's
            kw["s"] = tuple(s[:-1] + [last])
    last = shape[kw.get("axes", [-1])[-1]]
    assume("s" in kw or not c2r or last > 1)
    return name, x, kw


@SETTINGS
@given(transform_cases(ONE_D))
def test_1d_transforms_match_numpy(case):
    name, x, kw = case
    check(name, x, **kw)


@SETTINGS
@given(transform_cases(N_D))
def test_n_dimensional_transforms_match_numpy(case):
    name, x, kw = case
    check(name, x, **kw)
