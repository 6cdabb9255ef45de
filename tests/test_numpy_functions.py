"""NumPy's function forms and Python's protocols on tensors.

NumPy's reductions (`np.sum`, `np.prod`, `np.max`/`np.amax`, `np.min`,
`np.mean`, `np.var`, `np.std`, `np.any`, `np.all`, `np.argmax`,
`np.argmin`, `np.cumsum`, `np.cumprod`, `np.round`) call a non-ndarray's
method of the same name with `out=None` (and `dtype=`, `ddof=`,
`keepdims=`). On a tensor they must work and return a tensor holding
NumPy's answer for the same array; a given `out` (tensor or ndarray)
receives the result in place, cast as NumPy casts into `out`.

Python's `divmod`, `round` and `in` follow NumPy: `divmod` is `(//, %)`,
`round(t, n)` is `np.round(a, n)` bit for bit, `v in t` is
`(t == v).any()`."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorbridge as tb
from conftest import TB_OF, assert_same_bits, examples, make_values, strided_views

SETTINGS = settings(max_examples=examples(100), deadline=None)

EXACT = ["max", "min", "amax", "amin", "any", "all", "argmax", "argmin"]
SUMMING = ["sum", "prod", "mean", "var", "std"]


def close(got, want, rtol=1e-12):
    """`got` (a tensor) holds NumPy's `want`: same dtype, shape and values
    (float sums within `rtol`, since the order of additions may differ)."""
    assert isinstance(got, tb.Tensor), type(got)
    want = np.asarray(want)
    assert got.dtype == TB_OF[want.dtype], (got.dtype, want.dtype)
    np.testing.assert_allclose(got.numpy(), want, rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", EXACT)
@SETTINGS
@given(pair=strided_views(ndt=np.dtype(np.float64)), data=st.data())
def test_exact_reductions_equal_numpys(name, pair, data):
    _, a = pair
    axis = data.draw(st.sampled_from([None] + list(range(-a.ndim, a.ndim))))
    empty = a.size == 0 if axis is None else a.shape[axis] == 0
    if empty and name not in ("any", "all"):
        with pytest.raises(ValueError):
            getattr(np, name)(a, axis=axis)  # NumPy refuses; so must we
        with pytest.raises(ValueError):
            getattr(np, name)(tb.asarray(a), axis=axis)
        return
    kwargs = {} if name.startswith("arg") and axis is None else {"keepdims": data.draw(st.booleans())}
    want = getattr(np, name)(a, axis=axis, **kwargs)
    got = getattr(np, name)(tb.asarray(a), axis=axis, **kwargs)
    # Exact, but the sign of a zero min/max is unspecified (NumPy's own
    # loops differ by dtype), so -0 and +0 count as equal here.
    close(got, want, rtol=0)


@pytest.mark.parametrize("name", SUMMING)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's, over empty slices
@SETTINGS
@given(pair=strided_views(ndt=np.dtype(np.float64)), data=st.data())
def test_summing_reductions_match_numpys(name, pair, data):
    _, a = pair
    a = np.where(np.isfinite(a), a, 1.5)  # keep the oracle's sums finite
    a = np.clip(a, -1e6, 1e6)
    axis = data.draw(st.sampled_from([None] + list(range(-a.ndim, a.ndim))))
    keepdims = data.draw(st.booleans())
    with np.errstate(all="ignore"):
        want = getattr(np, name)(a, axis=axis, keepdims=keepdims)
    got = getattr(np, name)(tb.asarray(a), axis=axis, keepdims=keepdims)
    close(got, want, rtol=1e-9)


def test_dtype_ddof_and_keepdims_reach_the_methods():
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = tb.asarray(a)
    close(np.sum(t, axis=0, dtype=np.float32), np.sum(a, axis=0, dtype=np.float32))
    close(np.prod(t + 1, dtype=np.int64), np.prod(a + 1, dtype=np.int64))
    close(np.mean(t), np.mean(a))
    close(np.mean(t, axis=1, dtype=np.float32), np.mean(a, axis=1, dtype=np.float32))
    close(np.mean(t, dtype=np.int64), np.mean(a, dtype=np.int64))  # truncates, as NumPy
    close(np.std(t, ddof=1), np.std(a, ddof=1))
    close(np.var(t, axis=0, ddof=2, keepdims=True), np.var(a, axis=0, ddof=2, keepdims=True))
    close(np.var(t, correction=1), np.var(a, correction=1))
    close(t.var(ddof=1), np.var(a, ddof=1))
    close(t.std(dim=1, correction=1, keepdim=True), np.std(a, axis=1, ddof=1, keepdims=True))
    with pytest.raises(ValueError, match="not both"):
        t.std(ddof=1, correction=1)
    close(np.cumsum(t, axis=1), np.cumsum(a, axis=1))
    close(np.cumprod(t[0] + 1), np.cumprod(a[0] + 1))
    close(np.cumsum(t), np.cumsum(a))  # no axis: flattened, as NumPy's
    close(np.cumprod(t.mT + 1, dtype=np.float64), np.cumprod(a.T + 1, dtype=np.float64))
    close(t.cumsum(), a.cumsum())
    close(np.argmax(t, axis=0, keepdims=True), np.argmax(a, axis=0, keepdims=True))


@pytest.mark.parametrize("make_out", [lambda s: np.zeros(s), lambda s: tb.zeros(s, dtype=tb.float64)],
                         ids=["ndarray", "tensor"])
def test_out_receives_the_result_in_place(make_out):
    a = np.arange(6.0).reshape(2, 3) - 2.5
    t = tb.asarray(a)
    for name, kwargs in [("sum", {}), ("max", {}), ("mean", {}), ("std", {"ddof": 1}),
                         ("prod", {}), ("min", {})]:
        out = make_out(3)
        r = getattr(np, name)(t, axis=0, out=out, **kwargs)
        assert r is out
        np.testing.assert_allclose(np.asarray(out), getattr(np, name)(a, axis=0, **kwargs), rtol=1e-15)
    out = make_out((2, 1))
    assert np.any(t > 0, axis=1, keepdims=True, out=out) is out
    assert np.asarray(out).tolist() == np.any(a > 0, axis=1, keepdims=True).tolist() == [[0], [1]]


def test_out_casts_as_numpy_does_and_shares_the_arrays_memory():
    a = np.arange(6.0).reshape(2, 3) + 0.75
    big = np.full(5, -1, dtype=np.int64)
    out = big[1:4]  # a view: the base array must see the write
    r = np.sum(tb.asarray(a), axis=0, out=out)
    assert r is out
    assert big.tolist() == [-1] + np.sum(a, axis=0, out=np.zeros(3, np.int64)).tolist() + [-1]
    strided = np.zeros(6)[::2]
    np.max(tb.asarray(a), axis=0, out=strided)
    assert strided.tolist() == a.max(axis=0).tolist()


def test_clip_through_numpy():
    a = np.linspace(-3, 3, 12).reshape(3, 4)
    t = tb.asarray(a)
    close(np.clip(t, -1, 2), np.clip(a, -1, 2))
    out = np.zeros((3, 4))
    assert np.clip(t, None, 0.5, out=out) is out
    assert out.tolist() == np.clip(a, None, 0.5).tolist()


def test_bad_out_is_refused_with_what_to_do():
    t = tb.ones((2, 3))
    with pytest.raises(ValueError, match=r"out has shape \[2\] but the result has shape \[3\]"):
        np.sum(t, axis=0, out=np.zeros(2))
    with pytest.raises(ValueError, match="out has shape"):
        np.sum(t, axis=0, out=np.zeros((1, 3)))  # no broadcasting into out, as NumPy
    with pytest.raises(TypeError, match="out must be a tensorbridge Tensor or a NumPy array"):
        t.sum(axis=0, out=[0, 0, 0])
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="sum: the tensor is read-only"):
        np.sum(t, axis=0, out=ro)
    assert ro.tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="read-only"):
        t.max(axis=0, out=tb.asarray(ro))  # a read-only tensor over the array


# ---------------------------------------------------------------- round


VALUES = np.array([2.675, 0.285, 1.005, -2.675, 0.5, 1.5, 2.5, -0.5, 1234.5678, 1e-9,
                   6.02e23, np.nan, np.inf, -np.inf, -0.0, 0.0])


@pytest.mark.parametrize("decimals", [-3, -2, -1, 0, 1, 2, 3, 8, 400, -400])
@pytest.mark.parametrize("ndt", ["float16", "float32", "float64", "complex64", "complex128"])
def test_round_decimals_is_numpys_bit_for_bit(ndt, decimals):
    with np.errstate(all="ignore"):  # 6.02e23 is inf in float16
        if ndt.startswith("float"):
            a = VALUES.astype(ndt)
        else:
            a = np.empty(VALUES.shape, ndt)
            a.real, a.imag = VALUES, VALUES[::-1]  # no 1j * inf: that would make NaN
        want = np.round(a, decimals)
    assert_same_bits(tb.asarray(a).round(decimals), want)
    assert_same_bits(round(tb.asarray(a), decimals), want)
    assert_same_bits(np.round(tb.asarray(a), decimals), want)
    assert_same_bits(tb.round(tb.asarray(a), decimals=decimals), want)  # torch.round's keyword


@pytest.mark.parametrize("decimals", [-3, -2, -1, 0, 2])
@pytest.mark.parametrize("ndt", ["int8", "uint8", "int32", "int64", "uint64"])
def test_round_of_integers_is_numpys(ndt, decimals):
    info = np.iinfo(ndt)
    a = np.array([0, 5, 15, 25, 125, 1250, 1350, info.max // 3, info.min // 3, -15, -1250], dtype=np.int64)
    a = a.clip(info.min, info.max).astype(ndt)
    with np.errstate(all="ignore"):
        want = np.round(a, decimals)
    got = tb.asarray(a).round(decimals)
    assert_same_bits(got, want)
    assert not np.shares_memory(got.numpy(), a)  # always a new tensor


@SETTINGS
@given(pair=strided_views(ndt=np.dtype(np.float64)), decimals=st.integers(-5, 5))
def test_round_of_any_layout(pair, decimals):
    _, a = pair
    with np.errstate(all="ignore"):
        assert_same_bits(tb.asarray(a).round(decimals), np.round(a, decimals))


def test_round_protocol_returns_a_tensor():
    t = tb.asarray([2.5, 3.5, -0.5])
    assert isinstance(round(t), tb.Tensor)
    assert round(t).tolist() == [2.0, 4.0, -0.0]
    out = tb.zeros(3)
    assert t.round(out=out) is out and out.tolist() == [2.0, 4.0, -0.0]


# ---------------------------------------------------------------- divmod, in


@pytest.mark.parametrize("ndt", ["int8", "int64", "uint16", "float32", "float64"])
def test_divmod_is_floor_divide_and_remainder(ndt):
    a = make_values(np.dtype(ndt), (4, 5), seed=3, special=False)
    b = make_values(np.dtype(ndt), (5,), seed=4, special=False)
    b = np.where(b == 0, 3, b).astype(ndt)
    with np.errstate(all="ignore"):
        q, r = divmod(a, b)
        q2, r2 = divmod(7, b)
        q3, r3 = divmod(a, 3)
    for (gq, gr), (wq, wr) in [
        (divmod(tb.asarray(a), tb.asarray(b)), (q, r)),
        (divmod(7, tb.asarray(b)), (q2, r2)),
        (divmod(tb.asarray(a), 3), (q3, r3)),
    ]:
        assert_same_bits(gq, wq)
        assert_same_bits(gr, wr)


def test_divmod_of_something_else_is_a_type_error():
    with pytest.raises(TypeError, match="divmod"):
        divmod(tb.ones(3), "x")


def test_in_looks_at_every_element():
    a = np.array([[1, -7], [5, 9]])
    t = tb.asarray(a)
    for v in (1, -7, 9, 9.0, 3, 0, np.int8(5), True):
        assert (v in t) == (v in a), v
    assert (tb.asarray([5, 9]) in t) == (np.array([5, 9]) in a)
    assert 2.0 not in tb.asarray([1.5, np.nan])
    assert 0 not in tb.zeros((0, 3))
    with pytest.raises(TypeError):
        "x" in t
