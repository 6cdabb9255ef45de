"""Set functions against NumPy as the oracle: unique_all, unique_counts,
unique_inverse and unique_values over every dtype and layout, 0-d and
empty inputs, NaNs (each one distinct, as the standard says) and signed
zeros (one value, reported as its first occurrence).

The oracle is `np.unique(..., equal_nan=False)` with every return_* flag:
it sorts, keeps NaNs apart and, with return_index, reports first
occurrences. Our values come out in the same sorted order (NumPy 2's own
`unique_values` may leave integers unsorted; the standard leaves the order
open).
"""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings

import tensorbridge as tb
from conftest import BF16, assert_same_bits, strided_views, examples

SETTINGS = settings(max_examples=examples(150), deadline=None)


def oracle(a):
    flat = a.reshape(-1)
    if a.dtype == BF16:
        flat = flat.astype(np.float32)
    values, index, inverse, counts = np.unique(
        flat, return_index=True, return_inverse=True, return_counts=True, equal_nan=False
    )
    values = a.reshape(-1)[index] if a.size else a.reshape(-1)
    return values, index.astype(np.int64), inverse.reshape(a.shape).astype(np.int64), counts.astype(np.int64)


@SETTINGS
@given(strided_views())
def test_unique_functions_match_numpy(case):
    _, a = case
    values, index, inverse, counts = oracle(a)
    t = tb.asarray(a)
    r = tb.unique_all(t)
    assert isinstance(r, tb.UniqueAllResult) and r._fields == ("values", "indices", "inverse_indices", "counts")
    assert_same_bits(r.values, values)
    assert_same_bits(r.indices, index)
    assert_same_bits(r.inverse_indices, inverse)
    assert_same_bits(r.counts, counts)
    c = tb.unique_counts(t)
    assert c._fields == ("values", "counts")
    assert_same_bits(c.values, values)
    assert_same_bits(c.counts, counts)
    i = tb.unique_inverse(t)
    assert i._fields == ("values", "inverse_indices")
    assert_same_bits(i.values, values)
    assert_same_bits(i.inverse_indices, inverse)
    assert_same_bits(tb.unique_values(t), values)


def test_nans_are_distinct_and_zeros_merge():
    a = np.array([3.0, np.nan, 1.0, -0.0, 0.0, np.nan, 1.0])
    r = tb.unique_all(tb.asarray(a))
    np.testing.assert_array_equal(r.values.numpy(), [-0.0, 1.0, 3.0, np.nan, np.nan])
    assert np.signbit(r.values.numpy()[0])
    np.testing.assert_array_equal(r.indices.numpy(), [3, 2, 0, 1, 5])
    np.testing.assert_array_equal(r.counts.numpy(), [2, 2, 1, 1, 1])
    ref = np.unique_all(a)
    np.testing.assert_array_equal(r.inverse_indices.numpy(), ref.inverse_indices)
    c = np.array([1 + 1j, complex(np.nan, 0), complex(0, np.nan), 1 + 1j])
    np.testing.assert_array_equal(tb.unique_counts(tb.asarray(c)).counts.numpy(), np.unique_counts(c).counts)


def test_zero_d_and_empty_inputs():
    r = tb.unique_inverse(tb.asarray(np.float64(5.0)))
    assert r.values.shape == (1,) and r.inverse_indices.shape == ()
    e = tb.unique_all(tb.zeros(2, 0))
    assert e.values.shape == (0,) and e.inverse_indices.shape == (2, 0)
    assert e.indices.dtype == tb.int64 and e.counts.dtype == tb.int64


def test_large_input_with_many_duplicates():
    rng = np.random.default_rng(5)
    a = rng.integers(-500, 500, size=(400, 300)).astype(np.int32)
    r = tb.unique_all(tb.asarray(a.T))
    values, index, inverse, counts = oracle(a.T)
    assert_same_bits(r.values, values)
    assert_same_bits(r.indices, index)
    assert_same_bits(r.inverse_indices, inverse)
    assert_same_bits(r.counts, counts)


@pytest.mark.parametrize("name", ["unique_all", "unique_counts", "unique_inverse", "unique_values"])
def test_signatures_are_positional_only(name):
    params = list(inspect.signature(getattr(tb, name)).parameters.values())
    assert [(p.name, p.kind.name) for p in params] == [("x", "POSITIONAL_ONLY")]


def test_isin_matches_numpy():
    rng = np.random.default_rng(5)
    for dtype in (np.int8, np.int64, np.float32, np.float64):
        x1 = rng.integers(-5, 5, (4, 6)).astype(dtype)
        x2 = rng.integers(-3, 3, 7).astype(dtype)
        if dtype in (np.float32, np.float64):
            x1[0, 0] = x2[0] = np.nan  # NaN is in nothing
        for invert in (False, True):
            got = tb.isin(tb.from_numpy(x1), tb.from_numpy(x2), invert=invert)
            assert got.dtype == tb.bool
            np.testing.assert_array_equal(got.numpy(), np.isin(x1, x2, invert=invert))
    assert tb.isin(tb.tensor([1, 2]), tb.tensor([], dtype=tb.int64)).tolist() == [False, False]
    assert tb.isin(tb.tensor([1, 2]), 2).tolist() == [False, True]


def test_broadcast_shapes():
    assert tb.broadcast_shapes((2, 1), (3,), ()) == (2, 3)
    assert tb.broadcast_shapes() == ()
    with pytest.raises(ValueError):
        tb.broadcast_shapes((2,), (3,))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8", "int64", "bool", "float16"])
@pytest.mark.parametrize("n", [1, 1000, 300_000])
def test_unique_values_agrees_with_unique_all(dtype, n):
    """unique_values sorts and keeps each new key without the grouping's
    bookkeeping: it must give unique_all's values bit for bit (signed zeros
    keep the first occurrence's sign, every NaN stays), on views too."""
    rng = np.random.default_rng(n)
    if dtype == "bool":
        x = rng.random(n) < 0.5
    elif dtype.startswith("float"):
        x = rng.integers(-20, 20, n).astype(dtype)
        x[rng.integers(0, n, max(n // 50, 1))] = -0.0
        x[rng.integers(0, n, max(n // 100, 1))] = np.nan
    else:
        x = rng.integers(0, 200, n).astype(dtype)
    for view in (x, x[::-2]):
        t = tb.asarray(view)
        got = tb.unique_values(t).numpy()
        want = tb.unique_all(t).values.numpy()
        assert got.dtype == want.dtype
        assert got.tobytes() == want.tobytes()
        finite = view[~np.isnan(view)] if dtype.startswith("float") else view
        assert len(got) == len(set(finite.tolist())) + (len(view) - len(finite))
