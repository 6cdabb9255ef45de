"""Indexing and selection against NumPy: advanced indexing (integer arrays,
boolean masks, mixed with basic components) for get and set, `take`,
`take_along_axis`, `where` and `nonzero`. Values are compared bit for bit;
every advanced selection is a copy; bad keys raise NumPy's exception types."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorbridge as tb
from conftest import (
    BF16,
    DTYPE_IDS,
    DTYPES,
    TB_OF,
    assert_same_bits,
    dtype_pairs,
    examples,
    make_values,
    strided_views,
)

SETTINGS = settings(max_examples=examples(150), deadline=None)
KEY_SETTINGS = settings(max_examples=examples(400), deadline=None)


def np_key(key):
    """The key with tensors replaced by their NumPy arrays (NumPy's oracle key)."""
    if isinstance(key, tuple):
        return tuple(np_key(k) for k in key)
    if isinstance(key, tb.Tensor):
        return key.numpy()
    return key


def as_form(arr: np.ndarray, form: str):
    """An index array as a NumPy array, a (nested) list or a tensor."""
    if form == "list":
        return arr.tolist()
    if form == "tensor":
        return tb.tensor(arr)
    return arr


@st.composite
def keys(draw, shape):
    """A key for `shape`: ints, slices, None, one ellipsis, and either integer
    index arrays of broadcastable shapes or one boolean mask (maybe over
    several dimensions), or a 0-d bool; in any order NumPy accepts."""
    ndim = len(shape)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    mode = draw(st.sampled_from(["ints", "ints", "mask", "scalar-bool"]))
    index_shape = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    form = draw(st.sampled_from(["array", "list", "tensor"]))
    key: list = []
    d = 0
    ellipsis = False
    arrays = 0
    mask_done = False
    while True:
        choices = ["none", "stop"]
        if not ellipsis:
            choices.append("ellipsis")
        if d < ndim:
            choices += ["int", "slice", "array", "array"]
            if mode == "mask" and not mask_done:
                choices += ["mask", "mask"]
        if mode == "scalar-bool":
            choices.append("bool0")
        kind = draw(st.sampled_from(choices))
        if kind == "stop" or len(key) > 6:
            if arrays or mask_done or any(isinstance(k, (bool, np.bool_)) for k in key) or d >= ndim:
                break
            kind = {"mask": "mask", "ints": "array", "scalar-bool": "bool0"}[mode]
            if kind == "mask" and mask_done:
                kind = "array"
        n = shape[d] if d < ndim else 0
        if kind == "none":
            key.append(None)
        elif kind == "ellipsis":
            key.append(Ellipsis)
            ellipsis = True
            # the ellipsis takes some of the remaining dimensions
            d = ndim - draw(st.integers(0, ndim - d)) if ndim > d else d
        elif kind == "int":
            if n == 0:
                key.append(slice(None))
            else:
                key.append(draw(st.integers(-n, n - 1)))
            d += 1
        elif kind == "slice":
            step = draw(st.sampled_from([1, 2, -1, -3]))
            start = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
            key.append(slice(start, None, step))
            d += 1
        elif kind == "array" and mode == "ints":
            # a shape broadcastable to index_shape
            sub = index_shape[draw(st.integers(0, len(index_shape))):]
            sub = tuple(1 if draw(st.booleans()) and s else s for s in sub)
            size = int(np.prod(sub))
            vals = rng.integers(-n, n, size) if n else np.zeros(size, np.int64)
            dt = draw(st.sampled_from([np.int64, np.int32, np.int8, np.uint8])) if form != "list" else np.int64
            if np.dtype(dt).kind == "u":
                vals = np.abs(vals) % max(n, 1)
            elif np.dtype(dt) == np.int8:
                vals = np.clip(vals, -128, 127)
            key.append(as_form(vals.reshape(sub).astype(dt), form))
            arrays += 1
            d += 1
        elif kind == "array":
            # outside "ints" mode, only scalar ints (0-d arrays) join a mask
            key.append(as_form(np.array(draw(st.integers(-n, n - 1)) if n else 0), "array"))
            d += 1
        elif kind == "mask":
            k = draw(st.integers(1, min(2, ndim - d)))
            m = rng.random(shape[d : d + k]) < draw(st.sampled_from([0.0, 0.5, 1.0]))
            key.append(as_form(m, form))
            mask_done = True
            d += k
        elif kind == "bool0":
            key.append(draw(st.sampled_from([True, False, np.True_, np.False_])))
    return tuple(key)


def is_advanced(key) -> bool:
    """Whether NumPy selects a copy: an index array, a list or a bool (0-d
    integer arrays count as integers)."""
    for k in key:
        if isinstance(k, (bool, np.bool_, list)):
            return True
        if isinstance(k, (np.ndarray, tb.Tensor)) and (k.ndim or k.dtype in (np.bool_, tb.bool)):
            return True
    return False


def outcome(f):
    try:
        return f(), None
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return None, type(e)


@st.composite
def get_cases(draw):
    _, view = draw(strided_views())
    key = draw(keys(view.shape))
    return view, key


@KEY_SETTINGS
@given(get_cases())
def test_getitem_matches_numpy(case):
    a, key = case
    t = tb.from_numpy(a)
    exp, exp_err = outcome(lambda: a[np_key(key)])
    got, got_err = outcome(lambda: t[key])
    if exp_err is not None:
        # NumPy's IndexError for bad keys; ValueError where it says so
        assert got_err is exp_err, (key, exp_err, got_err)
        return
    assert got_err is None, (key, got_err)
    assert_same_bits(got, np.asarray(exp))
    if is_advanced(key) and got.size:
        assert not tb.shares_memory(got, t), key


@st.composite
def set_cases(draw):
    tbd, ndt = draw(dtype_pairs)
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=1, max_size=3)))
    base = make_values(ndt, shape, seed=draw(st.integers(0, 2**16)))
    key = draw(keys(shape))
    value_kind = draw(st.sampled_from(["scalar", "full", "broadcast"]))
    return base, key, value_kind


@KEY_SETTINGS
@given(set_cases())
def test_setitem_matches_numpy(case):
    base, key, value_kind = case
    a = base.copy()
    sel, err = outcome(lambda: a[np_key(key)])
    if err is not None:
        t = tb.tensor(base)
        with pytest.raises(err):
            t[key] = 0
        return
    # Values derived from the selection, so that an element picked twice
    # receives the same value whichever write comes last.
    if value_kind == "scalar":
        value = base.dtype.type(1) if base.dtype != BF16 else 1.0
        value = {"b": True, "i": 3, "u": 7, "f": 2.5, "c": 1.5 - 2j, "V": 2.5}[base.dtype.kind]
    else:
        value = np.asarray(sel).copy()
        if value.dtype.kind == "b":
            value = ~value
        elif value.size:
            with np.errstate(all="ignore"):
                value = (value // 2 if value.dtype.kind in "iu" else value * 2).astype(base.dtype)
        if value_kind == "broadcast" and value.ndim and value.shape[0] == 1:
            value = value[0]
    t = tb.tensor(base)
    a[np_key(key)] = value
    t[key] = tb.tensor(value) if isinstance(value, np.ndarray) else value
    assert_same_bits(t, a)


# ---------------------------------------------------------------- fixed cases

A = np.arange(60, dtype=np.int32).reshape(3, 4, 5)

MIXED = [
    ([0, 2],),
    ([[0, 2], [1, 1]],),
    ([0, 1], [1, 2]),
    (slice(None), [0, -1], [1, 2]),
    (0, slice(None), [0, 1]),  # int and array separated by a slice: index dims first
    ([0, 1], slice(None), 0),
    (slice(None), [0, 1], Ellipsis, [0, 1]),  # an ellipsis separates them too
    ([0, 1], Ellipsis, [0, 1]),
    (None, [1, 2]),
    ([1, 2], None),
    (slice(None), None, [0]),
    (Ellipsis, [1]),
    (True,),
    (False,),
    ([0, 1], True),
    (slice(None), True, [0, 1]),
    (Ellipsis, True),
    ([],),
    ([[]],),
    (np.array([], dtype=np.int64), 0),
    (A[:, 0, 0] > 10, slice(None, None, -1), 2),
    (A % 3 == 0,),
    (A[:, :, 0] % 2 == 0,),
    (A[:, :, 0] % 2 == 0, Ellipsis),
    (slice(None), A[0] % 2 == 0),
    (0, A[0, :, 0] > 5),
    (A[:, 0, 0] < 100, [1, 2, 3]),
    (np.array(2), [0, 1]),
    (np.uint8(1), np.array([3], dtype=np.uint64)),
    (slice(1, None), [-1, -2], slice(None, None, -2)),
]


@pytest.mark.parametrize("key", MIXED, ids=repr)
def test_mixed_keys_match_numpy(key):
    t = tb.tensor(A)
    exp = A[key]
    for k in (key, tuple(tb.tensor(x) if isinstance(x, np.ndarray) and x.ndim else x for x in key)):
        got = t[k]
        assert_same_bits(got, exp)
        assert not tb.shares_memory(got, t)


@pytest.mark.parametrize(
    "key",
    [
        slice(None, None, -(2**63)),
        slice(None, None, -(10**30)),
        slice(None, None, 2**63 - 1),
        slice(10**30, -(10**30), -(2**63)),
        (slice(None, None, -(2**63)), slice(-(2**63), None, 2**63 - 1)),
    ],
    ids=repr,
)
def test_extreme_slice_steps_match_numpy(key):
    # A step of -2**63 (or one past int64, saturated to it) once overflowed
    # when negated to count the elements.
    t = tb.tensor(A)
    got = t[key]
    assert_same_bits(got, A[key])
    assert tb.shares_memory(got, t)


def test_zero_d_tensors():
    a = np.array(7.5)
    t = tb.tensor(a)
    for key in [True, False, (None, True), (True, None), (Ellipsis, False), (True, True)]:
        assert_same_bits(t[key], a[key])
    with pytest.raises(IndexError):
        t[[0]]
    u = tb.tensor(a)
    u[True] = 2.0
    assert u.item() == 2.0
    u[False] = 5.0
    assert u.item() == 2.0


@pytest.mark.parametrize(
    "key",
    [
        [0, 3],
        [-4],
        (slice(None), [4]),
        (0, 0, [5]),
        (5, [0]),
        ([0], slice(None), np.array([-6])),
    ],
    ids=repr,
)
def test_out_of_bounds_is_index_error_naming_index_axis_size(key):
    t = tb.tensor(A)
    with pytest.raises(IndexError) as exc:
        A[key]
    np_msg = str(exc.value)
    with pytest.raises(IndexError) as got:
        t[key]
    assert np_msg.split(";")[0] in str(got.value)
    with pytest.raises(IndexError):
        t[key] = 0


@pytest.mark.parametrize(
    "key",
    [
        np.array([True, False]),
        (slice(None), np.ones(5, bool)),
        np.ones((3, 5), bool),
        (0, np.ones((4, 4), bool)),
    ],
    ids=["short", "long-axis1", "2d-wrong", "after-int"],
)
def test_mask_shape_mismatch_is_index_error(key):
    t = tb.tensor(A)
    with pytest.raises(IndexError):
        A[key]
    with pytest.raises(IndexError, match="boolean index did not match"):
        t[key]
    with pytest.raises(IndexError, match="boolean index did not match"):
        t[key] = 1


@pytest.mark.parametrize(
    "mask_shape",
    [(3, 0), (0, 4), (0, 0), (0,), (3, 4, 0), (0, 4, 5)],
    ids=repr,
)
def test_mask_dimension_of_zero_selects_nothing(mask_shape):
    # The standard: each mask dimension equals the indexed one "or is 0".
    t = tb.tensor(A)
    mask = np.zeros(mask_shape, bool)
    want = A[mask]
    got = t[mask]
    assert got.shape == want.shape
    assert tb.tensor(mask).shape == mask_shape
    assert t[tb.tensor(mask)].shape == want.shape
    t[mask] = 7
    np.testing.assert_array_equal(t.numpy(), A)


@pytest.mark.parametrize(
    "key",
    [np.array([1.0]), [1.5], [0, 1.0], tb.tensor([1.0, 0.0]), (0, np.array([0.0])), np.array([], dtype=np.float64),
     ["a"], "a", 1.5],
    ids=repr,
)
def test_float_and_other_index_arrays_are_index_errors(key):
    t = tb.tensor(A)
    with pytest.raises(IndexError):
        A[np_key(key)]
    with pytest.raises(IndexError):
        t[key]
    with pytest.raises(IndexError):
        t[key] = 0


def test_index_arrays_that_do_not_broadcast():
    t = tb.tensor(A)
    with pytest.raises(IndexError, match="shape mismatch"):
        t[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="shape mismatch"):
        t[A[:, 0, 0] >= 0, [0, 1]]


def test_value_shape_mismatch_is_value_error():
    t = tb.tensor(A)
    a = A.copy()
    with pytest.raises(ValueError):
        a[[0, 1]] = np.ones(3)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        t[[0, 1]] = np.ones(3)
    with pytest.raises(ValueError):
        t[A > 10] = np.ones(2)


def test_setitem_refuses_read_only():
    a = A.copy()
    a.flags.writeable = False
    t = tb.from_numpy(a)
    for key in ([0], A > 3, (slice(None), [1])):
        with pytest.raises(ValueError, match="read-only"):
            t[key] = 0
    assert (a == A).all()


def test_setitem_weak_scalars_and_overflow():
    t = tb.tensor(np.arange(5))
    a = np.arange(5)
    t[[1, 3]] = 7.9
    a[[1, 3]] = 7.9
    assert t.tolist() == a.tolist()
    u = tb.zeros(3, dtype=tb.uint8)
    for bad in (-1, 300):
        with pytest.raises(OverflowError):
            u[[1]] = bad
        with pytest.raises(OverflowError):
            u[np.array([True, False, True])] = bad
    f = tb.zeros(4, dtype=tb.float32)
    f[[0, 2]] = 1e300
    assert f.tolist()[0] == float("inf")


def test_setitem_duplicates_last_wins_and_overlapping_source():
    a = np.arange(6.0)
    t = tb.tensor(a)
    t[[0, 0, 1]] = tb.tensor([1.0, 2.0, 3.0])
    a[[0, 0, 1]] = [1.0, 2.0, 3.0]
    assert t.tolist() == a.tolist()
    # the value is a view of the tensor being written: copied first
    t[[0, 1, 2]] = t[1:4]
    a[[0, 1, 2]] = a[1:4]
    assert t.tolist() == a.tolist()
    v = np.array([1, 0, 2])
    w = tb.tensor(v)
    w[w] = tb.tensor([5, 6, 7])  # the index is the tensor being written
    v[v.copy()] = [5, 6, 7]
    assert w.tolist() == v.tolist()
    b = np.array([True, False, True, True])
    u = tb.tensor(b)
    u[u] = False
    b[b.copy()] = False
    assert u.tolist() == b.tolist()


def test_setitem_leading_size_one_value_dims():
    a = np.zeros((3, 4))
    t = tb.tensor(a)
    a[[0, 2]] = np.arange(8.0).reshape(1, 2, 4)
    t[[0, 2]] = np.arange(8.0).reshape(1, 2, 4)
    assert_same_bits(t, a)


def test_setitem_through_strided_views():
    base = np.arange(40.0).reshape(5, 8)
    t = tb.tensor(base)
    v = t[::-2, 1::3]
    a = base.copy()
    w = a[::-2, 1::3]
    v[[0, 2], [1, 0]] = -1.0
    w[[0, 2], [1, 0]] = -1.0
    v[w > 30] = 99.0
    w[w > 30] = 99.0
    assert_same_bits(t, a)


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_large_mask_every_dtype(tbd, ndt):
    # large enough for the parallel chunks, with every chunk boundary case
    n = 300_001
    rng = np.random.default_rng(1)
    a = make_values(ndt, (n,), seed=3)
    m = rng.random(n) < 0.5
    t = tb.tensor(a)
    assert_same_bits(t[m], a[m])
    assert_same_bits(t[tb.tensor(m)], a[m])
    a2 = a.reshape(-1, 1)[:300_000].reshape(1000, 300)
    m2 = rng.random(1000) < 0.3
    assert_same_bits(tb.tensor(a2)[m2], a2[m2])
    u = tb.tensor(a)
    vals = a[m][::-1].copy()
    u[m] = vals
    b = a.copy()
    b[m] = vals
    assert_same_bits(u, b)
    u[~m] = a[0]
    b[~m] = a[0]
    assert_same_bits(u, b)


def test_mask_all_false_and_all_true():
    a = np.arange(12.0).reshape(3, 4)
    t = tb.tensor(a)
    for m in (np.zeros((3, 4), bool), np.ones((3, 4), bool), np.zeros(3, bool)):
        assert_same_bits(t[m], a[m])


# ---------------------------------------------------------------- take

@st.composite
def take_cases(draw):
    _, view = draw(strided_views())
    if view.ndim == 0:
        view = view.reshape(1)
    axis = draw(st.integers(-view.ndim, view.ndim - 1))
    n = view.shape[axis]
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    size = draw(st.integers(0, 6))
    idx = rng.integers(-n, n, size) if n else np.zeros(0, np.int64)
    dt = draw(st.sampled_from([np.int64, np.int32, np.int16]))
    return view, idx.astype(dt), axis


@SETTINGS
@given(take_cases())
def test_take_matches_numpy(case):
    a, idx, axis = case
    exp = np.take(a, idx, axis=axis)
    got = tb.take(tb.from_numpy(a), tb.tensor(idx), axis=axis)
    assert_same_bits(got, exp)
    if a.ndim == 1:
        assert_same_bits(tb.take(tb.from_numpy(a), idx), np.take(a, idx))


def test_take_errors():
    t = tb.tensor(A)
    with pytest.raises(IndexError, match="index 7 is out of bounds for axis 1 with size 4"):
        tb.take(t, [7], axis=1)
    with pytest.raises(IndexError, match="index -5"):
        tb.take(t, tb.tensor([-5]), axis=-2)
    with pytest.raises(ValueError, match="axis"):
        tb.take(t, [0])
    with pytest.raises(IndexError):
        tb.take(t, [0], axis=3)
    with pytest.raises(TypeError):
        tb.take(t, tb.tensor([0.0]), axis=0)
    # positional-only and keyword-only parameters as the standard writes them
    with pytest.raises(TypeError):
        tb.take(t, [0], 0)
    with pytest.raises(TypeError):
        tb.take(x=t, indices=[0], axis=0)


# ---------------------------------------------------------------- take_along_axis

@st.composite
def take_along_cases(draw):
    _, view = draw(strided_views(allow_zero_strides=True))
    if view.ndim == 0:
        view = view.reshape(1)
    axis = draw(st.integers(-view.ndim, view.ndim - 1))
    ax = axis % view.ndim
    n = view.shape[ax]
    ishape = [s if not draw(st.booleans()) else 1 for s in view.shape]
    ishape[ax] = draw(st.integers(0, 4)) if n else 0
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    idx = rng.integers(-n, n, ishape) if n else np.zeros(ishape, np.int64)
    return view, idx, axis


@SETTINGS
@given(take_along_cases())
def test_take_along_axis_matches_numpy(case):
    a, idx, axis = case
    exp = np.take_along_axis(a, idx, axis=axis)
    got = tb.take_along_axis(tb.from_numpy(a), tb.tensor(idx), axis=axis)
    assert_same_bits(got, exp)


def test_take_along_axis_default_axis_and_errors():
    a = np.array([[3, 1, 2], [9, 7, 8]])
    t = tb.tensor(a)
    idx = np.argsort(a, axis=-1)
    assert_same_bits(tb.take_along_axis(t, tb.tensor(idx)), np.take_along_axis(a, idx, axis=-1))
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        tb.take_along_axis(t, tb.tensor([[3]]), axis=1)
    with pytest.raises(ValueError):
        tb.take_along_axis(t, tb.tensor([0]), axis=1)
    with pytest.raises(ValueError):
        tb.take_along_axis(t, tb.tensor(np.zeros((3, 1), np.int64)), axis=1)
    with pytest.raises(IndexError):
        tb.take_along_axis(t, tb.tensor([[0]]), axis=2)


# ---------------------------------------------------------------- where

@st.composite
def where_cases(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))

    def sub():
        s = shape[draw(st.integers(0, len(shape))):]
        return tuple(1 if draw(st.booleans()) else d for d in s)

    (t1, n1), (t2, n2) = draw(dtype_pairs), draw(dtype_pairs)
    seed = draw(st.integers(0, 2**16))
    cond = np.random.default_rng(seed).random(sub()) < 0.5
    x1 = make_values(n1, sub(), seed=seed + 1)
    x2 = make_values(n2, sub(), seed=seed + 2)
    if draw(st.booleans()) and x1.ndim:
        x1 = x1[..., ::-1]
    if draw(st.booleans()) and x2.ndim > 1:
        x2 = np.ascontiguousarray(x2.swapaxes(0, -1)).swapaxes(0, -1)  # same shape, transposed layout
    return cond, x1, x2


@SETTINGS
@given(where_cases())
def test_where_matches_numpy(case):
    cond, x1, x2 = case
    if BF16 in (x1.dtype, x2.dtype) and x1.dtype != x2.dtype:
        # ml_dtypes' bfloat16 promotion differs from the standard table
        return
    exp = np.where(cond, x1, x2)
    got = tb.where(tb.tensor(cond), tb.from_numpy(x1), tb.from_numpy(x2))
    assert_same_bits(got, exp)


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_where_weak_python_scalars(tbd, ndt):
    x = make_values(ndt, (6,), seed=5)
    c = np.array([True, False, True, False, False, True])
    t = tb.tensor(x)
    scalar = {"b": True, "i": 3, "u": 3, "f": 1.5, "c": 2 + 1j}["f" if ndt == BF16 else ndt.kind]
    got = tb.where(tb.tensor(c), t, scalar)
    assert got.dtype == tbd
    got2 = tb.where(c, scalar, t)
    assert got2.dtype == tbd
    if ndt != BF16:
        assert_same_bits(got, np.where(c, x, scalar))
        assert_same_bits(got2, np.where(c, scalar, x))
    # an int scalar next to a float tensor keeps the float dtype; a float next to ints widens
    i = tb.tensor(np.arange(3, dtype=np.int16))
    assert tb.where(tb.tensor([True, False, True]), i, 2.5).dtype == tb.float64
    assert tb.where(tb.tensor([True, False, True]), i, 2).dtype == tb.int16


def test_where_large_and_errors():
    rng = np.random.default_rng(0)
    n = 1 << 20
    c = rng.random(n) < 0.5
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal((4, n // 4)).astype(np.float32).T.copy().T.reshape(-1)
    assert_same_bits(tb.where(tb.tensor(c), tb.tensor(a), tb.tensor(b)), np.where(c, a, b))
    assert_same_bits(tb.where(tb.tensor(c), tb.tensor(a), np.float32(0)), np.where(c, a, np.float32(0)))
    with pytest.raises(ValueError):
        tb.where(tb.tensor([True, False]), tb.tensor([1, 2, 3]), 0)
    with pytest.raises(TypeError):
        tb.where(condition=tb.tensor([True]), x1=1, x2=2)
    # non-bool conditions count non-zero as true, as NumPy does
    assert tb.where(tb.tensor([0.0, np.nan, -0.0]), 1, 0).tolist() == np.where([0.0, np.nan, -0.0], 1, 0).tolist()


# ---------------------------------------------------------------- nonzero

@SETTINGS
@given(strided_views())
def test_nonzero_matches_numpy(case):
    _, a = case
    if a.ndim == 0:
        with pytest.raises(ValueError):
            tb.nonzero(tb.from_numpy(a))
        return
    exp = np.nonzero(a)
    got = tb.nonzero(tb.from_numpy(a))
    assert isinstance(got, tuple) and len(got) == len(exp)
    for g, e in zip(got, exp):
        assert_same_bits(g, e.astype(np.int64))


def test_nonzero_large_and_special_values():
    rng = np.random.default_rng(2)
    m = rng.random((700, 900)) < 0.3
    got = tb.nonzero(tb.tensor(m))
    for g, e in zip(got, np.nonzero(m)):
        assert_same_bits(g, e.astype(np.int64))
    f = np.array([0.0, -0.0, np.nan, np.inf, 1e-45, 0.0], dtype=np.float32)
    assert_same_bits(tb.nonzero(tb.tensor(f))[0], np.nonzero(f)[0].astype(np.int64))
    c = np.array([0j, 1j, -0.0 + 0j, 1 + 0j])
    assert_same_bits(tb.nonzero(tb.tensor(c))[0], np.nonzero(c)[0].astype(np.int64))
    with pytest.raises(ValueError, match="0-d"):
        tb.nonzero(tb.tensor(3))


def test_functions_are_exported():
    for name in ("take", "take_along_axis", "where", "nonzero"):
        assert name in tb.__all__ and callable(getattr(tb, name))
