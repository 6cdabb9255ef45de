"""Creation functions of the Array API standard (arange, linspace, eye, tril,
triu, meshgrid, zeros/ones/empty/full and their _likes) against NumPy as the
oracle: values bit for bit, result dtypes, shapes, layouts, fresh memory,
signatures and errors.

Defaults differ from NumPy in one documented way: the default floating dtype
is float32 (complex64 for complex), as for ``tb.zeros`` and ``tb.tensor(1.5)``;
so a float ``arange`` or ``linspace`` is compared with NumPy's result for
``dtype=np.float32``."""

import inspect

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import tensorbridge as tb
from conftest import (
    BF16,
    DTYPES,
    NP_DTYPES,
    TB_OF,
    assert_same_bits,
    check_cuda_request,
    dtype_pairs,
    examples,
    strided_views,
)

SETTINGS = settings(max_examples=examples(150), deadline=None)
NUMERIC = [(t, n) for t, n in DTYPES if t != tb.bool]
NOT_BF16 = [(t, n) for t, n in DTYPES if n != BF16]

small_ints = st.integers(-50, 50)
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


# ------------------------------------------------------------------ arange


@SETTINGS
@given(start=small_ints, stop=st.none() | small_ints, step=small_ints.filter(bool))
def test_arange_ints_like_numpy(start, stop, step):
    got = tb.arange(start, stop, step)
    want = np.arange(start, stop, step) if stop is not None else np.arange(0, start, step)
    assert_same_bits(got, want.astype(np.int64))


@SETTINGS
@given(start=finite, stop=finite, step=st.floats(0.01, 100) | st.floats(-100, -0.01))
def test_arange_floats_default_float32(start, stop, step):
    assume(abs((stop - start) / step) < 5000)
    got = tb.arange(start, stop, step)
    assert got.dtype == tb.float32
    assert_same_bits(got, np.arange(start, stop, step, dtype=np.float32))


@SETTINGS
@given(
    pair=st.sampled_from([(t, n) for t, n in NUMERIC if n != BF16]),
    start=st.integers(0, 20) | st.floats(0, 20),
    count=st.integers(0, 40),
    step=st.integers(1, 3) | st.floats(0.25, 3),
)
def test_arange_every_dtype_like_numpy(pair, start, count, step):
    tbd, ndt = pair
    stop = start + count * step
    want = np.arange(start, stop, step, dtype=ndt)
    assume(ndt.kind not in "iu" or (want.size == 0 or np.iinfo(ndt).max >= stop))
    assert_same_bits(tb.arange(start, stop, step, dtype=tbd), want)


def test_arange_lengths_and_special_cases():
    assert tb.arange(10).shape == (10,)
    assert tb.arange(5, 1).shape == (0,)
    assert tb.arange(0, 1, 0.1).shape == (10,)
    assert tb.arange(1, 2, 0.1).shape == np.arange(1, 2, 0.1).shape
    assert tb.arange(-3.5).shape == (0,)
    assert tb.arange(2**40, 2**40 + 3).tolist() == [2**40, 2**40 + 1, 2**40 + 2]
    assert tb.arange(np.int64(3)).tolist() == [0, 1, 2]
    assert tb.arange(0, 2, dtype=tb.bool).tolist() == [False, True]
    assert tb.arange(0, 10, 4, dtype=tb.int8).dtype == tb.int8
    # the int8 values wrap like NumPy's fill loop
    assert_same_bits(tb.arange(0, 500, 100, dtype=tb.int8), np.array([0, 100, -56, 44, -112], np.int8))


def test_arange_errors():
    with pytest.raises(ZeroDivisionError):
        tb.arange(0, 10, 0)
    with pytest.raises(ValueError):
        tb.arange(0, float("nan"))
    with pytest.raises(ValueError):
        tb.arange(0, float("inf"))
    with pytest.raises(TypeError):
        tb.arange(0, 5, dtype=tb.bool)
    with pytest.raises(TypeError):
        tb.arange(1j)
    with pytest.raises(TypeError):
        tb.arange("3")
    g = check_cuda_request(lambda: tb.arange(3, device="cuda"))
    assert g is None or g.cpu().tolist() == [0, 1, 2]


# ---------------------------------------------------------------- linspace


@SETTINGS
@given(
    start=finite | small_ints,
    stop=finite | small_ints,
    num=st.integers(0, 300),
    endpoint=st.booleans(),
    pair=st.sampled_from([(tb.float32, np.float32), (tb.float64, np.float64), (tb.float16, np.float16),
                          (tb.int32, np.int32), (tb.complex128, np.complex128)]),
)
def test_linspace_like_numpy(start, stop, num, endpoint, pair):
    tbd, ndt = pair
    if np.dtype(ndt).kind == "i":
        assume(abs(start) < 2**30 and abs(stop) < 2**30)
    with np.errstate(all="ignore"):
        want = np.linspace(start, stop, num, endpoint=endpoint, dtype=ndt)
    assert_same_bits(tb.linspace(start, stop, num, endpoint=endpoint, dtype=tbd), want)


@SETTINGS
@given(start=finite, stop=finite, num=st.integers(0, 50), endpoint=st.booleans())
def test_linspace_default_dtype_float32(start, stop, num, endpoint):
    got = tb.linspace(start, stop, num, endpoint=endpoint)
    assert got.dtype == tb.float32
    assert_same_bits(got, np.linspace(start, stop, num, endpoint=endpoint, dtype=np.float32))
    if endpoint and num > 1:
        assert got[-1].item() == np.float32(stop)
    if num > 0:
        assert got[0].item() == np.float32(start)


def test_linspace_complex_and_edges():
    got = tb.linspace(1 + 2j, 3 - 1j, 5)
    assert got.dtype == tb.complex64
    np.testing.assert_allclose(got.numpy(), np.linspace(1 + 2j, 3 - 1j, 5), rtol=1e-6)
    assert tb.linspace(0, 1, 0).shape == (0,)
    assert tb.linspace(2, 5, 1).tolist() == [2.0]
    assert tb.linspace(2, 5, 1, endpoint=False).tolist() == [2.0]
    # a step that underflows to zero still spreads the samples (NumPy's path)
    tiny = 5e-324
    assert_same_bits(tb.linspace(0, tiny, 4, dtype=tb.float64), np.linspace(0, tiny, 4))
    with pytest.raises(ValueError):
        tb.linspace(0, 1, -1)
    with pytest.raises(TypeError):
        tb.linspace(0, 1, 2.5)


# --------------------------------------------------------------------- eye


@SETTINGS
@given(n=st.integers(0, 8), m=st.none() | st.integers(0, 8), k=st.integers(-10, 10), pair=dtype_pairs)
def test_eye_like_numpy(n, m, k, pair):
    tbd, ndt = pair
    assert_same_bits(tb.eye(n, m, k=k, dtype=tbd), np.eye(n, m, k=k, dtype=ndt))


def test_eye_defaults_and_errors():
    e = tb.eye(3)
    assert e.dtype == tb.float32 and e.is_contiguous()
    with pytest.raises(ValueError):
        tb.eye(-1)
    with pytest.raises(ValueError):
        tb.eye(2, -3)


# -------------------------------------------------------------- tril/triu


@st.composite
def matrices(draw):
    tbd, ndt = draw(dtype_pairs)
    base, view = draw(strided_views(ndt))
    assume(view.ndim >= 2)
    return view


@SETTINGS
@given(view=matrices(), k=st.integers(-6, 6))
def test_tril_triu_like_numpy(view, k):
    t = tb.from_numpy(view)
    for ours, theirs, method in [(tb.tril, np.tril, "tril"), (tb.triu, np.triu, "triu")]:
        want = theirs(view, k=k)
        got = ours(t, k=k)
        assert_same_bits(got, want)
        assert got.is_contiguous() and not got.is_readonly
        if view.size:
            assert not tb.shares_memory(got, t)
        assert_same_bits(getattr(t, method)(k), want)
        assert_same_bits(getattr(t, method)(diagonal=k), want)


@pytest.mark.parametrize("k", [2**63, 2**63 - 1, -(2**63), -(2**70), 2**100])
def test_diagonal_offsets_beyond_int64_saturate(k):
    # The standard bounds no diagonal offset; NumPy's eye accepts any int.
    np.testing.assert_array_equal(tb.eye(3, 4, k=k).numpy(), np.eye(3, 4, k=k, dtype=np.float32))
    x = np.arange(12.0).reshape(3, 4)
    keep_all, keep_none = (x, np.zeros_like(x)) if k > 0 else (np.zeros_like(x), x)
    np.testing.assert_array_equal(tb.tril(tb.tensor(x), k=k).numpy(), keep_all)
    np.testing.assert_array_equal(tb.triu(tb.tensor(x), k=k).numpy(), keep_none)
    np.testing.assert_array_equal(tb.tensor(x).tril(k).numpy(), keep_all)
    with pytest.raises(TypeError):
        tb.eye(3, k=float(k))


def test_tril_needs_two_dims():
    with pytest.raises(ValueError):
        tb.tril(tb.arange(3))
    with pytest.raises(ValueError):
        tb.triu(tb.tensor(1.0))


# ---------------------------------------------------------------- meshgrid


@SETTINGS
@given(
    lens=st.lists(st.integers(0, 4), min_size=0, max_size=4),
    indexing=st.sampled_from(["xy", "ij"]),
    pair=dtype_pairs,
)
def test_meshgrid_like_numpy(lens, indexing, pair):
    tbd, ndt = pair
    arrays = [np.arange(n).astype(ndt) for n in lens]
    got = tb.meshgrid(*[tb.from_numpy(a) for a in arrays], indexing=indexing)
    want = np.meshgrid(*arrays, indexing=indexing)
    assert isinstance(got, list) and len(got) == len(want)
    for g, w, a in zip(got, want, arrays):
        assert_same_bits(g, w)
        assert not g.is_readonly
        if a.size and g.numel():
            assert not tb.shares_memory(g, a)


def test_meshgrid_mixed_dtypes_and_errors():
    g = tb.meshgrid(tb.arange(3, dtype=tb.int8), tb.arange(2, dtype=tb.float64))
    assert [x.dtype for x in g] == [tb.int8, tb.float64]
    assert g[0].shape == (2, 3)
    with pytest.raises(ValueError):
        tb.meshgrid(tb.arange(3), indexing="ji")


# ----------------------------------------------------- zeros/ones/empty/full


def test_standard_shape_argument():
    for f in (tb.zeros, tb.ones, tb.empty):
        assert f((2, 3)).shape == (2, 3)
        assert f(2, 3).shape == (2, 3)
        assert f(shape=(2, 3)).shape == (2, 3)
        assert f(4).shape == (4,)
        assert f(()).shape == ()
        assert f([0, 2], dtype=tb.int8).dtype == tb.int8
        assert f(2).dtype == tb.float32
        with pytest.raises(ValueError):
            f((-1,))
    assert tb.ones(2, dtype=tb.complex64).tolist() == [1 + 0j, 1 + 0j]
    assert tb.full((2,), 1.5).dtype == tb.float32
    assert tb.full((2,), True).dtype == tb.bool
    assert tb.full((2,), 3).dtype == tb.int64


@st.composite
def like_inputs(draw):
    tbd, ndt = draw(dtype_pairs)
    base, view = draw(strided_views(ndt))
    return view


@SETTINGS
@given(view=like_inputs(), pair=st.none() | dtype_pairs)
def test_like_functions_like_numpy(view, pair):
    t = tb.from_numpy(view)
    tbd, ndt = pair if pair is not None else (None, view.dtype)
    cases = [
        (tb.zeros_like(t, dtype=tbd), np.zeros_like(view, dtype=ndt)),
        (tb.ones_like(t, dtype=tbd), np.ones_like(view, dtype=ndt)),
        (tb.empty_like(t, dtype=tbd), np.zeros_like(view, dtype=ndt)),
        (tb.full_like(t, 1, dtype=tbd), np.full_like(view, 1, dtype=ndt)),
    ]
    for got, want in cases:
        assert_same_bits(got, want)
        assert not got.is_readonly
        if view.size:
            assert not tb.shares_memory(got, t)
            if view.ndim and all(s > 0 for s in view.strides) and (view.flags.c_contiguous or view.flags.f_contiguous):
                # order='K': a dense input's dimension order is kept
                for n, s, w in zip(got.shape, got.strides, want.strides):
                    assert n <= 1 or s * got.itemsize == w


@pytest.mark.parametrize("pair", DTYPES, ids=[t.name for t, _ in DTYPES])
@pytest.mark.parametrize("value", [True, 0, 7, -3, 2.75, -0.0, float("nan"), float("inf"), 1 + 2j])
def test_full_like_values_convert_like_numpy(pair, value):
    tbd, ndt = pair
    x = np.zeros((2, 3), ndt)
    if isinstance(value, int) and not isinstance(value, bool) and ndt.kind in "iu":
        info = np.iinfo(ndt)
        if not info.min <= value <= info.max:
            return
    if isinstance(value, float) and not np.isfinite(value) and ndt.kind in "iu":
        return  # undefined in C; NumPy's scalar and array casts disagree here
    if isinstance(value, complex) and ndt.kind != "c":
        return  # NumPy warns and drops the imaginary part; not part of the contract
    with np.errstate(all="ignore"):
        want = np.full_like(x, value)
    assert_same_bits(tb.full_like(tb.from_numpy(x), value), want)


@pytest.mark.parametrize("value", [np.float64(1.5), np.float32(1.5), np.int8(3), np.uint64(2**64 - 1), np.bool_(True)])
def test_full_takes_numpy_scalars_with_their_dtype(value):
    # numpy.full keeps a NumPy scalar's dtype; a Python number takes its
    # kind's default dtype (float32 for floats, PyTorch's).
    got = tb.full((2, 3), value)
    want = np.full((2, 3), value)
    assert got.dtype == TB_OF[want.dtype]
    np.testing.assert_array_equal(got.numpy(), want)
    assert tb.full((2,), tb.asarray(np.float64(2.0))).dtype == tb.float64
    with pytest.raises(TypeError, match="one number as fill_value, got an array of shape"):
        tb.full((2,), [1, 2])
    with pytest.raises(TypeError, match="needs a number as fill_value"):
        tb.full((2,), "a")


def test_full_like_overflow_and_errors():
    x = tb.zeros(3, dtype=tb.int8)
    with pytest.raises(OverflowError):
        tb.full_like(x, 300)
    assert tb.full_like(x, 2.7).tolist() == [2, 2, 2]
    assert tb.full_like(x, np.float64(1.5), dtype=tb.float16).dtype == tb.float16
    with pytest.raises(TypeError):
        tb.full_like(x, "1")
    g = check_cuda_request(lambda: tb.zeros_like(x, device="cuda"))
    assert g is None or (g.dtype == tb.int8 and g.cpu().tolist() == [0, 0, 0])


# -------------------------------------------------------------- signatures

P, K, PK, VAR = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.KEYWORD_ONLY,
                 inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)

SIGNATURES = {
    "arange": [("start", P), ("stop", P), ("step", P), ("dtype", K), ("device", K)],
    "linspace": [("start", P), ("stop", P), ("num", PK), ("dtype", K), ("device", K), ("endpoint", K)],
    "eye": [("n_rows", P), ("n_cols", P), ("k", K), ("dtype", K), ("device", K)],
    "tril": [("x", P), ("k", K)],
    "triu": [("x", P), ("k", K)],
    "meshgrid": [("arrays", VAR), ("indexing", K)],
    "zeros": [("shape", PK), ("dtype", K), ("device", K)],
    "ones": [("shape", PK), ("dtype", K), ("device", K)],
    "empty": [("shape", PK), ("dtype", K), ("device", K)],
    "full": [("shape", PK), ("fill_value", PK), ("dtype", K), ("device", K)],
    "zeros_like": [("x", P), ("dtype", K), ("device", K)],
    "ones_like": [("x", P), ("dtype", K), ("device", K)],
    "empty_like": [("x", P), ("dtype", K), ("device", K)],
    "full_like": [("x", P), ("fill_value", PK), ("dtype", K), ("device", K)],
    "asarray": [("obj", P), ("dtype", K), ("device", K), ("copy", K)],
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signatures_follow_the_standard(name):
    params = inspect.signature(getattr(tb, name)).parameters
    for pname, kind in SIGNATURES[name]:
        if kind == P:
            # positional-only in the standard: any name, positional use must work
            continue
        assert pname in params, (name, pname)
        assert params[pname].kind == kind, (name, pname, params[pname].kind)
