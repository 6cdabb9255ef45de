"""Sorting and searching against NumPy as the oracle: sort, argsort (module
functions and Tensor methods) and searchsorted, over every dtype, strided,
transposed, negative- and zero-stride layouts, empty and long lanes, NaN
and signed-zero ordering, stability in both directions, and bad input.

The oracles:
- ascending: NumPy's stable sort (`kind="stable"`), which puts NaNs last
  and keeps -0.0 / 0.0 and every other tie in input order;
- descending: what the standard defines and `array_api_strict` computes,
  the reversal of a stable sort of the reversed input (NaNs first, ties in
  input order).
Our sorts are stable, so indices and sorted values must match bit for bit.
"""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorbridge as tb
from conftest import BF16, assert_same_bits, dtype_pairs, make_values, strided_views, examples

SETTINGS = settings(max_examples=examples(150), deadline=None)


def oracle_argsort(a, axis, descending):
    """Stable NumPy argsort; bfloat16 through float32 (an exact widening)."""
    if a.dtype == BF16:
        a = a.astype(np.float32)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    flipped = np.argsort(np.flip(a, axis=axis), axis=axis, kind="stable")
    return a.shape[axis] - 1 - np.flip(flipped, axis=axis)


@SETTINGS
@given(strided_views(), st.data())
def test_sort_and_argsort_match_numpy(case, data):
    _, a = case
    if a.ndim == 0:
        return
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    descending = data.draw(st.booleans())
    stable = data.draw(st.booleans())
    t = tb.asarray(a)
    want_idx = oracle_argsort(a, axis, descending)
    got_idx = tb.argsort(t, axis=axis, descending=descending, stable=stable)
    assert_same_bits(got_idx, want_idx.astype(np.int64))
    got = tb.sort(t, axis=axis, descending=descending, stable=stable)
    assert_same_bits(got, np.take_along_axis(a, want_idx, axis=axis))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int8", "uint16", "uint64",
                                   "bool", "complex64"])
def test_long_lanes_take_the_radix_and_parallel_paths(dtype):
    dt = np.dtype(dtype)
    rng = np.random.default_rng(7)
    n = 200_000
    a = make_values(dt, (n,), seed=1)
    if dt.kind in "fc":
        # many ties, both zeros and NaNs, spread over the array
        a[rng.integers(0, n, 5000)] = 0.0
        a[rng.integers(0, n, 5000)] = -0.0
        a[rng.integers(0, n, 500)] = np.nan
        a[:1000] = a[1000:2000]
    elif dt.kind in "iu":
        a = a % np.array(1000, dtype=dt) if dt.kind == "u" else a
    for descending in (False, True):
        want = oracle_argsort(a, 0, descending)
        assert_same_bits(tb.argsort(tb.asarray(a), descending=descending), want.astype(np.int64))
        assert_same_bits(tb.sort(tb.asarray(a), descending=descending), a[want])


def test_many_lanes_along_either_axis():
    a = make_values(np.dtype(np.float32), (300, 500), seed=2)
    for axis in (0, 1, -1):
        for view in (a, a.T, a[::-1, ::2]):
            want = oracle_argsort(view, axis, False)
            assert_same_bits(tb.argsort(tb.asarray(view), axis=axis), want.astype(np.int64))


def test_nan_and_signed_zero_order():
    a = np.array([1.0, np.nan, -0.0, -np.inf, 0.0, -np.nan, np.inf, -1.0])
    t = tb.asarray(a)
    np.testing.assert_array_equal(tb.argsort(t).numpy(), [3, 7, 2, 4, 0, 6, 1, 5])
    np.testing.assert_array_equal(tb.argsort(t, descending=True).numpy(), [1, 5, 6, 0, 2, 4, 7, 3])
    s = tb.sort(t).numpy()
    assert np.signbit(s[2]) and not np.signbit(s[3])  # -0.0 stays before 0.0
    c = np.array([complex(np.nan, 0), complex(1, np.nan), 2 + 1j, complex(np.nan, np.nan), 1 + 5j])
    np.testing.assert_array_equal(tb.argsort(tb.asarray(c)).numpy(), np.argsort(c, kind="stable"))


def test_stable_descending_keeps_ties_in_input_order():
    a = np.array([2, 1, 2, 3, 1, 2], dtype=np.int16)
    np.testing.assert_array_equal(tb.argsort(tb.asarray(a), descending=True).numpy(), [3, 0, 2, 5, 1, 4])
    np.testing.assert_array_equal(tb.argsort(tb.asarray(a), descending=True, stable=False).numpy(),
                                  [3, 0, 2, 5, 1, 4])


def test_empty_and_errors():
    for shape in [(0,), (3, 0), (0, 4)]:
        for axis in (0, -1):
            assert tb.sort(tb.zeros(*shape), axis=axis).shape == shape
            r = tb.argsort(tb.zeros(*shape), axis=axis)
            assert r.shape == shape and r.dtype == tb.int64
    with pytest.raises(IndexError):
        tb.sort(tb.asarray(np.float32(1.0)))
    with pytest.raises(IndexError):
        tb.argsort(tb.ones(2, 3), axis=2)


def test_tensor_methods_return_values_not_pairs():
    a = np.array([[3, 1, 2], [0, 5, 4]])
    t = tb.asarray(a)
    s = t.sort()
    assert isinstance(s, tb.Tensor)
    np.testing.assert_array_equal(s.numpy(), np.sort(a))
    np.testing.assert_array_equal(t.sort(0).numpy(), np.sort(a, axis=0))
    np.testing.assert_array_equal(t.sort(dim=0, descending=True).numpy(), np.sort(a, axis=0)[::-1])
    np.testing.assert_array_equal(t.argsort(dim=0).numpy(), np.argsort(a, axis=0, kind="stable"))
    np.testing.assert_array_equal(t.argsort(axis=-1, stable=True).numpy(), np.argsort(a, kind="stable"))
    with pytest.raises(TypeError):
        t.sort(axis=0, dim=0)
    with pytest.raises(TypeError):
        t.sort((0, 1))


def test_sort_releases_nothing_shared():
    a = np.array([3.0, 1.0, 2.0])
    t = tb.asarray(a)
    s = tb.sort(t)
    assert not tb.shares_memory(s, t)
    np.testing.assert_array_equal(a, [3.0, 1.0, 2.0])


# ---------------------------------------------------------------- searchsorted


@st.composite
def search_case(draw):
    _, ndt = draw(dtype_pairs)
    n = draw(st.integers(0, 12))
    x1 = make_values(ndt, (n,), seed=draw(st.integers(0, 2**16)), special=draw(st.booleans()))
    if draw(st.booleans()) and n:
        x1 = np.concatenate([x1, x1[: n // 2]])  # ties
    sorter = None
    order = oracle_argsort(x1, 0, False)
    if draw(st.booleans()):
        sorter = order
    else:
        x1 = x1[order]
        if draw(st.booleans()) and x1.size:
            x1 = np.flip(np.flip(x1).copy())  # negative stride
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    x2 = make_values(ndt, shape, seed=draw(st.integers(0, 2**16)), special=draw(st.booleans()))
    if draw(st.booleans()) and x1.size and x2.size:
        x2.flat[0] = x1.flat[0]
    return x1, x2, sorter, draw(st.sampled_from(["left", "right"]))


@SETTINGS
@given(search_case())
def test_searchsorted_matches_numpy(case):
    x1, x2, sorter, side = case
    kwargs = {} if sorter is None else {"sorter": tb.asarray(sorter)}
    got = tb.searchsorted(tb.asarray(x1), tb.asarray(x2), side=side, **kwargs)
    o1, o2 = (x1.astype(np.float32), x2.astype(np.float32)) if x1.dtype == BF16 else (x1, x2)
    want = np.searchsorted(o1, o2, side=side, sorter=sorter)
    assert_same_bits(got, np.asarray(want, dtype=np.int64))


def test_searchsorted_promotes_and_takes_weak_scalars():
    x1 = np.array([1, 2, 3], dtype=np.int8)
    np.testing.assert_array_equal(tb.searchsorted(tb.asarray(x1), tb.asarray(np.array([2.5]))).numpy(),
                                  np.searchsorted(x1, np.array([2.5])))
    f = np.array([0.1, 0.2, 0.3], dtype=np.float32)
    # Python scalars keep their exact value (NumPy 2 does not treat them as
    # weak here): 0.1 is compared as float64, 300 does not overflow int8.
    for side in ("left", "right"):
        assert tb.searchsorted(tb.asarray(f), 0.1, side=side).item() == np.searchsorted(f, 0.1, side=side)
        assert tb.searchsorted(tb.asarray(x1), 300, side=side).item() == 3
        u = np.array([1, 2], dtype=np.uint8)
        assert tb.searchsorted(tb.asarray(u), -1, side=side).item() == 0
    r = tb.searchsorted(tb.asarray(f), tb.asarray(np.float32(0.25)))
    assert r.shape == () and r.dtype == tb.int64 and r.item() == 2


def test_searchsorted_errors():
    x1 = tb.asarray(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="1-D"):
        tb.searchsorted(tb.ones(2, 2), x1)
    with pytest.raises(ValueError, match="side"):
        tb.searchsorted(x1, x1, side="middle")
    with pytest.raises(IndexError):
        tb.searchsorted(x1, x1, sorter=tb.asarray(np.array([0, 1, 3])))
    with pytest.raises(ValueError, match="sorter"):
        tb.searchsorted(x1, x1, sorter=tb.asarray(np.array([0, 1])))
    with pytest.raises(TypeError):
        tb.searchsorted(x1, x1, sorter=tb.asarray(np.array([0.0, 1.0, 2.0])))
    with pytest.raises(TypeError):
        tb.searchsorted(x1, x1, "left")  # side is keyword-only


def test_searchsorted_method_is_numpys():
    a = np.array([1.0, 2.0, 2.0, 5.0])
    t = tb.asarray(a)
    np.testing.assert_array_equal(t.searchsorted([2.0, 6.0], "right").numpy(), a.searchsorted([2.0, 6.0], "right"))
    u = np.array([5.0, 1.0, 2.0])
    s = np.argsort(u)
    assert tb.asarray(u).searchsorted(2.0, sorter=s).item() == u.searchsorted(2.0, sorter=s)


@pytest.mark.parametrize("name, params", [
    ("sort", ["x", "axis", "descending", "stable"]),
    ("argsort", ["x", "axis", "descending", "stable"]),
    ("searchsorted", ["x1", "x2", "side", "sorter"]),
])
def test_signatures_follow_the_standard(name, params):
    sig = inspect.signature(getattr(tb, name))
    assert list(sig.parameters) == params
    kinds = [p.kind.name for p in sig.parameters.values()]
    n_pos = 1 if name != "searchsorted" else 2
    assert kinds == ["POSITIONAL_ONLY"] * n_pos + ["KEYWORD_ONLY"] * (len(params) - n_pos)
    if name != "searchsorted":
        assert (sig.parameters["axis"].default, sig.parameters["descending"].default,
                sig.parameters["stable"].default) == (-1, False, True)
