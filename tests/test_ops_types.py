"""The Array API's data type functions, constants, namespace inspection,
and the small utilities built on elementwise functions (`clip`, `diff`),
against NumPy as the oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
import tensorbridge as tb
from conftest import BF16, NP_DTYPES, TB_OF, examples, make_values
from hypothesis import given, settings
from hypothesis import strategies as st


def test_constants_and_version():
    assert tb.e == math.e and tb.pi == math.pi
    assert tb.inf == math.inf and math.isnan(tb.nan)
    assert tb.newaxis is None
    assert tb.__array_api_version__ == "2024.12"
    assert tb.ones(2).__array_namespace__() is tb


@pytest.mark.parametrize("version", ["2021.12", "2022.12", "2023.12", "2024.12"])
def test_array_namespace_accepts_released_versions(version):
    assert tb.ones(2).__array_namespace__(api_version=version) is tb


@pytest.mark.parametrize("version", ["2025.12", "1999.01", "latest", ""])
def test_array_namespace_refuses_unknown_versions(version):
    # The standard: an invalid or unimplemented api_version raises; NumPy
    # raises ValueError for the same inputs.
    with pytest.raises(ValueError):
        np.ones(2).__array_namespace__(api_version=version)
    with pytest.raises(ValueError, match="not supported"):
        tb.ones(2).__array_namespace__(api_version=version)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "complex64", "complex128"])
def test_finfo_matches_numpy(name):
    info = tb.finfo(getattr(tb, name))
    want = np.finfo(np.dtype(name))
    assert (info.bits, info.eps, info.max, info.min, info.smallest_normal) == (
        want.bits,
        float(want.eps),
        float(want.max),
        float(want.min),
        float(want.smallest_normal),
    )
    assert info.dtype == TB_OF[np.dtype(want.dtype)]
    assert all(type(v) is float for v in (info.eps, info.max, info.min, info.smallest_normal))


def test_finfo_bfloat16_and_errors():
    assert tb.finfo(tb.bfloat16).eps == 2.0**-7
    assert tb.finfo(tb.ones(1)).dtype == tb.float32
    with pytest.raises(TypeError, match="iinfo"):
        tb.finfo(tb.int32)
    with pytest.raises(TypeError, match="finfo"):
        tb.iinfo(tb.float32)


@pytest.mark.parametrize(
    "name", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
)
def test_iinfo_matches_numpy(name):
    info = tb.iinfo(getattr(tb, name))
    want = np.iinfo(np.dtype(name))
    assert (info.bits, info.min, info.max) == (want.bits, want.min, want.max)
    assert info.dtype == getattr(tb, name)


@pytest.mark.parametrize("a", NP_DTYPES, ids=str)
@pytest.mark.parametrize("b", [d for d in NP_DTYPES if d != BF16], ids=str)
def test_result_type_and_can_cast_follow_numpy(a, b):
    if a == BF16:
        return
    ta, tb_ = TB_OF[a], TB_OF[b]
    assert tb.result_type(ta, tb_) == TB_OF[np.result_type(a, b)]
    assert tb.can_cast(ta, tb_) == np.can_cast(a, b)
    assert tb.result_type(tb.ones(1, dtype=ta), tb_) == TB_OF[np.result_type(a, b)]


def test_result_type_with_python_scalars_is_weak():
    assert tb.result_type(tb.int8, 1) == tb.int8
    assert tb.result_type(tb.float32, 1.5) == tb.float32
    assert tb.result_type(tb.float32, 1j) == tb.complex64
    assert tb.result_type(tb.bool, 1) == tb.int64
    with pytest.raises(TypeError):
        tb.result_type(1, 2.0)


def test_isdtype_kinds():
    assert tb.isdtype(tb.int8, "signed integer") and not tb.isdtype(tb.uint8, "signed integer")
    assert tb.isdtype(tb.uint64, "integral") and tb.isdtype(tb.bool, "bool")
    assert tb.isdtype(tb.float16, "real floating") and tb.isdtype(tb.bfloat16, "real floating")
    assert tb.isdtype(tb.complex64, ("bool", "complex floating"))
    assert tb.isdtype(tb.float64, tb.float64) and not tb.isdtype(tb.float64, "integral")
    assert not tb.isdtype(tb.bool, "numeric")
    with pytest.raises(ValueError):
        tb.isdtype(tb.int8, "integer")


def test_namespace_info():
    info = tb.__array_namespace_info__()
    assert info.capabilities()["boolean indexing"] is True
    assert info.default_device() == tb.device("cpu")
    assert info.default_dtypes()["integral"] == tb.int64
    assert info.default_dtypes()["real floating"] == tb.ones(1).dtype
    assert set(info.dtypes(kind="unsigned integer")) == {"uint8", "uint16", "uint32", "uint64"}
    assert "bfloat16" not in info.dtypes() and len(info.dtypes()) == 13
    assert list(info.dtypes(kind=tb.int8)) == ["int8"]


def test_astype_function():
    t = tb.tensor([1.5, -2.5])
    assert tb.astype(t, tb.int32).tolist() == [1, -2]
    assert tb.astype(t, tb.float32, copy=False) is t
    assert not tb.shares_memory(tb.astype(t, tb.float32), t)


@settings(max_examples=examples(100), deadline=None)
@given(st.sampled_from(["int8", "uint8", "int64", "float32", "float64"]), st.integers(0, 100))
def test_clip_matches_numpy(ndt, seed):
    x = make_values(np.dtype(ndt), (4, 5), seed=seed, special=ndt.startswith("float"))
    lo = make_values(np.dtype(ndt), (5,), seed=seed + 1, special=False)
    hi = make_values(np.dtype(ndt), (4, 1), seed=seed + 2, special=False)
    got = tb.clip(tb.from_numpy(x), tb.from_numpy(lo), tb.from_numpy(hi))
    with np.errstate(all="ignore"):
        want = np.minimum(np.maximum(x, lo), hi)
    assert got.dtype == TB_OF[want.dtype]
    np.testing.assert_array_equal(got.numpy(), want)


@settings(max_examples=examples(100), deadline=None)
@given(
    st.sampled_from(["int8", "uint16", "int32", "int64", "uint64", "float32", "float64", "float16"]),
    st.sampled_from(["both", "min", "max", "inverted", "nan"]),
    st.sampled_from([(1, 1), (-1, 1), (2, -1)]),
    st.integers(0, 100),
)
def test_clip_scalar_bounds_match_numpy(ndt, bounds, steps, seed):
    """Scalar bounds take a one-pass loop; it must agree with NumPy's
    maximum-then-minimum on strided, reversed and special values, and keep
    the input's dtype."""
    dt = np.dtype(ndt)
    base = make_values(dt, (9, 6000), seed=seed, special=dt.kind == "f")
    x = base[:: steps[0], :: steps[1]]
    lo, hi = (2, 100) if dt.kind != "f" else (-0.5, 0.75)
    lo_hi = {
        "both": (lo, hi),
        "min": (lo, None),
        "max": (None, hi),
        "inverted": (hi, lo),
        "nan": (math.nan, hi) if dt.kind == "f" else (lo, hi),
    }[bounds]
    got = tb.clip(tb.from_numpy(x), *lo_hi)
    want = x
    with np.errstate(all="ignore"):
        if lo_hi[0] is not None:
            want = np.maximum(want, np.array(lo_hi[0], dtype=dt))
        if lo_hi[1] is not None:
            want = np.minimum(want, np.array(lo_hi[1], dtype=dt))
    assert got.dtype == TB_OF[dt]
    np.testing.assert_array_equal(got.numpy(), want)
    assert not tb.shares_memory(got, tb.from_numpy(x))


def test_clip_scalars_and_nan():
    t = tb.tensor([1.0, 5.0, np.nan, 10.0])
    assert tb.clip(t, 2, 6).tolist()[:2] == [2.0, 5.0]
    assert math.isnan(tb.clip(t, 2, 6).tolist()[2])
    assert tb.clip(t, max=3).tolist()[3] == 3.0
    assert all(math.isnan(v) for v in tb.clip(t, min=math.nan).tolist())
    i = tb.tensor([1, 200], dtype=tb.uint8)
    assert tb.clip(i, 5, 100).dtype == tb.uint8
    assert t.clamp(0, 1).tolist()[0] == 1.0
    c = tb.clip(t)
    assert not tb.shares_memory(c, t)


@pytest.mark.parametrize("ndt", ["int8", "uint8", "int64", "uint64"])
def test_clip_python_int_bounds_beyond_the_dtype_like_numpy(ndt):
    # A bound beyond the range on the side where it clips nothing is no
    # bound (NumPy 2 takes it so); on the other side it is OverflowError.
    x = np.array([0, 1, 100], ndt)
    info = np.iinfo(ndt)
    below, above = int(info.min) - 300, int(info.max) + 300
    for lo, hi in [(None, above), (below, None), (below, above), (below, 50), (2**70 * -1, 2**70)]:
        want = np.clip(x, lo, hi)
        got = tb.clip(tb.asarray(x), lo, hi)
        assert got.dtype == TB_OF[want.dtype]
        np.testing.assert_array_equal(got.numpy(), want)
    for lo, hi in [(above, None), (None, below)]:
        with pytest.raises(OverflowError):
            np.clip(x, lo, hi)
        with pytest.raises(OverflowError, match="out of bounds"):
            tb.clip(tb.asarray(x), lo, hi)


@settings(max_examples=examples(100), deadline=None)
@given(
    st.sampled_from(["bool", "int16", "uint8", "float32", "complex64"]),
    st.lists(st.integers(0, 4), min_size=1, max_size=3),
    st.integers(0, 3),
    st.data(),
)
def test_diff_matches_numpy(ndt, shape, n, data):
    x = make_values(np.dtype(ndt), tuple(shape), seed=len(shape), special=False)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    kwargs = {}
    if data.draw(st.booleans()):
        pshape = list(shape)
        pshape[axis] = data.draw(st.integers(0, 2))
        kwargs["prepend"] = make_values(np.dtype(ndt), tuple(pshape), seed=7, special=False)
    want = np.diff(x, n=n, axis=axis, **kwargs)
    got = tb.diff(
        tb.from_numpy(x), n=n, axis=axis, **{k: tb.from_numpy(v) for k, v in kwargs.items()}
    )
    assert got.dtype == TB_OF[want.dtype]
    np.testing.assert_array_equal(got.numpy(), want)


def test_diff_errors():
    with pytest.raises(ValueError):
        tb.diff(tb.tensor(1.0))
    with pytest.raises(IndexError):
        tb.diff(tb.ones(3), axis=1)
    with pytest.raises(ValueError, match="diff"):
        tb.diff(tb.ones((2, 3)), axis=1, prepend=tb.ones((3, 1)))
