"""Manipulation functions of the Array API standard (broadcast_arrays,
broadcast_to, concat, expand_dims, flip, moveaxis, permute_dims, repeat,
reshape, roll, squeeze, stack, tile, unstack) against NumPy as the oracle:
values bit for bit, dtypes, shapes, which results are views (sharing
memory, asserted with tb.shares_memory) and which are copies, strided and
negative-stride inputs, empty and 0-d tensors, negative axes and errors.
The PyTorch-style Tensor methods are checked against PyTorch's meaning."""

import inspect

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import tensorbridge as tb
from conftest import (
    BF16,
    DTYPES,
    assert_same_bits,
    dtype_pairs,
    examples,
    make_values,
    strided_views,
)

SETTINGS = settings(max_examples=examples(150), deadline=None)


@st.composite
def tensors(draw, min_ndim=0):
    """(view, tensor): a NumPy view of any layout and a tensor sharing it."""
    _, ndt = draw(dtype_pairs)
    _, view = draw(strided_views(ndt))
    assume(view.ndim >= min_ndim)
    return view, tb.from_numpy(view)


def check_view(got, t):
    """`got` is a view of `t` (shares memory whenever there are elements)."""
    assert got.numel() == 0 or tb.shares_memory(got, t)


def check_copy(got, t, contiguous=True):
    """`got` is fresh, writeable memory (C-contiguous unless the operation
    keeps its inputs' dimension order, like NumPy)."""
    assert not got.is_readonly
    assert got.is_contiguous() or not contiguous
    assert got.numel() == 0 or t.numel() == 0 or not tb.shares_memory(got, t)


def check_same_layout(got, want):
    """`got` has NumPy's strides wherever they matter (dimensions longer than 1)."""
    if want.size == 0:
        return
    for n, s, w in zip(got.shape, got.strides, want.strides):
        assert n <= 1 or s * got.itemsize == w, (got.strides, want.strides)


axis_of = lambda ndim: st.integers(-ndim, ndim - 1)  # noqa: E731


# ------------------------------------------------------------- broadcasting


@SETTINGS
@given(data=st.data())
def test_broadcast_to_and_arrays(data):
    view, t = data.draw(tensors())
    extra = data.draw(st.lists(st.integers(0, 3), max_size=2))
    target = tuple(extra) + tuple(
        data.draw(st.sampled_from([n, 3])) if n == 1 else n for n in view.shape
    )
    got = tb.broadcast_to(t, target)
    assert_same_bits(got, np.broadcast_to(view, target))
    check_view(got, t)
    other = np.zeros(target[len(extra):] if view.ndim else (), np.int8)
    outs = tb.broadcast_arrays(t, tb.from_numpy(other))
    want = np.broadcast_arrays(view, other)
    assert isinstance(outs, list)
    for o, w in zip(outs, want):
        assert_same_bits(o, w)
    check_view(outs[0], t)


def test_broadcast_errors():
    with pytest.raises(ValueError):
        tb.broadcast_to(tb.arange(3), (2, 2))
    with pytest.raises(ValueError):
        tb.broadcast_arrays(tb.arange(3), tb.arange(2))
    assert tb.broadcast_arrays() == []
    assert tb.arange(3).broadcast_to(2, 3).shape == (2, 3)


# ----------------------------------------------------------- concat, stack


@st.composite
def joinable(draw, same_shape):
    """Up to four NumPy arrays of mixed dtypes and layouts that concat (or
    stack) along `axis`."""
    ndim = draw(st.integers(0 if same_shape else 1, 3))
    shape = draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim))
    axis = draw(st.integers(-ndim - int(same_shape), ndim - 1 + int(same_shape))) if ndim or same_shape else 0
    count = draw(st.integers(1, 4))
    # bfloat16 promotes by ml_dtypes' rules in NumPy; keep it to same-dtype joins
    pairs = draw(st.lists(dtype_pairs, min_size=count, max_size=count))
    if any(n == BF16 for _, n in pairs):
        pairs = [pairs[0]] * count
    arrays = []
    for tbd, ndt in pairs:
        s = list(shape)
        if not same_shape:
            s[axis] = draw(st.integers(0, 3))
        a = make_values(ndt, tuple(s), seed=draw(st.integers(0, 999)))
        if draw(st.booleans()) and a.ndim:
            a = np.flip(a, axis=draw(st.integers(0, a.ndim - 1)))
        if draw(st.booleans()) and a.ndim > 1:
            a = np.asfortranarray(a)
        arrays.append(a)
    return arrays, axis


@SETTINGS
@given(case=joinable(same_shape=False))
def test_concat_like_numpy(case):
    arrays, axis = case
    ts = [tb.from_numpy(a) for a in arrays]
    with np.errstate(all="ignore"):
        want = np.concatenate(arrays, axis=axis)
    got = tb.concat(ts, axis=axis)
    assert_same_bits(got, want)
    for t in ts:
        check_copy(got, t, contiguous=False)
    if all(a.size for a in arrays):
        check_same_layout(got, want)
    assert_same_bits(tb.concat(tuple(ts), axis=None), np.concatenate([a.ravel() for a in arrays]).astype(want.dtype))


@SETTINGS
@given(case=joinable(same_shape=True))
def test_stack_like_numpy(case):
    arrays, axis = case
    ts = [tb.from_numpy(a) for a in arrays]
    with np.errstate(all="ignore"):
        want = np.stack(arrays, axis=axis)
    got = tb.stack(ts, axis=axis)
    assert_same_bits(got, want)
    for t in ts:
        check_copy(got, t, contiguous=False)
    if all(a.size for a in arrays):
        check_same_layout(got, want)


def test_join_errors():
    a, b = tb.zeros((2, 3)), tb.zeros((3, 3))
    assert tb.concat([a, b]).shape == (5, 3)
    with pytest.raises(ValueError):
        tb.concat([a, b], axis=1)
    with pytest.raises(ValueError):
        tb.concat([a, tb.zeros(3)])
    with pytest.raises(ValueError):
        tb.concat([tb.tensor(1.0), tb.tensor(2.0)])
    with pytest.raises(ValueError):
        tb.concat([])
    with pytest.raises(IndexError):
        tb.concat([a, a], axis=2)
    with pytest.raises(ValueError):
        tb.stack([a, b])
    with pytest.raises(IndexError):
        tb.stack([a, a], axis=3)
    with pytest.raises(TypeError):
        tb.concat(a)
    assert tb.stack([tb.tensor(1), tb.tensor(2.5)]).dtype == tb.float64  # int64 with float32
    assert tb.concat([tb.zeros(2, dtype=tb.int8), tb.zeros(2, dtype=tb.uint8)]).dtype == tb.int16


# ------------------------------------------------------------------ views


@SETTINGS
@given(data=st.data())
def test_expand_dims_like_numpy(data):
    view, t = data.draw(tensors())
    axis = data.draw(st.integers(-view.ndim - 1, view.ndim))
    got = tb.expand_dims(t, axis=axis)
    assert_same_bits(got, np.expand_dims(view, axis))
    assert_same_bits(tb.expand_dims(t, axis), np.expand_dims(view, axis))
    check_view(got, t)
    axes = data.draw(st.lists(st.integers(-view.ndim - 2, view.ndim + 1), min_size=1, max_size=2, unique=True))
    try:
        want = np.expand_dims(view, tuple(axes))
    except (ValueError, IndexError):
        with pytest.raises((ValueError, IndexError)):
            tb.expand_dims(t, axis=tuple(axes))
    else:
        assert_same_bits(tb.expand_dims(t, axis=tuple(axes)), want)


@SETTINGS
@given(data=st.data())
def test_flip_like_numpy(data):
    view, t = data.draw(tensors())
    axis = data.draw(st.none() | axis_of(view.ndim) if view.ndim else st.none())
    got = tb.flip(t, axis=axis)
    assert_same_bits(got, np.flip(view, axis=axis))
    check_view(got, t)
    if view.ndim:
        axes = tuple(data.draw(st.lists(st.integers(0, view.ndim - 1), unique=True)))
        assert_same_bits(tb.flip(t, axis=axes), np.flip(view, axis=axes))
        assert_same_bits(t.flip(axes), np.flip(view, axis=axes))
        assert_same_bits(t.flip(*axes), np.flip(view, axis=axes))
        assert_same_bits(t.flip(dims=axes), np.flip(view, axis=axes))


@SETTINGS
@given(data=st.data())
def test_moveaxis_permute_dims_like_numpy(data):
    view, t = data.draw(tensors(min_ndim=1))
    n = view.ndim
    k = data.draw(st.integers(1, n))
    src = data.draw(st.lists(axis_of(n), min_size=k, max_size=k, unique_by=lambda a: a % n))
    dst = data.draw(st.lists(axis_of(n), min_size=k, max_size=k, unique_by=lambda a: a % n))
    want = np.moveaxis(view, src, dst)
    for got in (tb.moveaxis(t, tuple(src), tuple(dst)), t.moveaxis(src, dst), t.movedim(tuple(src), tuple(dst))):
        assert_same_bits(got, want)
        check_view(got, t)
    assert_same_bits(tb.moveaxis(t, src[0], dst[0]), np.moveaxis(view, src[0], dst[0]))
    perm = data.draw(st.permutations(range(n)))
    got = tb.permute_dims(t, tuple(perm))
    assert_same_bits(got, np.transpose(view, perm))
    check_view(got, t)


@SETTINGS
@given(data=st.data())
def test_squeeze_like_numpy(data):
    _, ndt = data.draw(dtype_pairs)
    shape = data.draw(st.lists(st.sampled_from([1, 1, 2, 0]), min_size=1, max_size=4))
    a = make_values(ndt, tuple(shape))
    t = tb.from_numpy(a)
    ones = [i for i, n in enumerate(shape) if n == 1]
    assume(ones)
    axes = data.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
    axes = [ax - len(shape) if data.draw(st.booleans()) else ax for ax in axes]
    got = tb.squeeze(t, axis=tuple(axes))
    assert_same_bits(got, np.squeeze(a, axis=tuple(axes)))
    check_view(got, t)
    assert_same_bits(tb.squeeze(t, axes[0]), np.squeeze(a, axis=axes[0]))


def test_squeeze_errors():
    t = tb.zeros((1, 3))
    with pytest.raises(ValueError):
        tb.squeeze(t, 1)
    with pytest.raises(ValueError):
        tb.squeeze(t, (0, 0))
    with pytest.raises(IndexError):
        tb.squeeze(t, 2)
    with pytest.raises(TypeError):
        tb.squeeze(t)
    assert tb.squeeze(t, axis=()).shape == (1, 3)


@SETTINGS
@given(data=st.data())
def test_unstack_like_numpy(data):
    view, t = data.draw(tensors(min_ndim=1))
    axis = data.draw(axis_of(view.ndim))
    got = tb.unstack(t, axis=axis)
    want = np.unstack(view, axis=axis)
    assert isinstance(got, tuple) and len(got) == len(want)
    for g, w in zip(got, want):
        assert_same_bits(g, w)
        check_view(g, t)
    assert len(t.unbind(axis)) == len(want)


def test_unstack_errors():
    with pytest.raises(IndexError):
        tb.unstack(tb.tensor(1.0))
    with pytest.raises(IndexError):
        tb.unstack(tb.zeros((2, 3)), axis=2)


# ---------------------------------------------------------------- reshape


@SETTINGS
@given(data=st.data())
def test_reshape_views_and_copies_like_numpy(data):
    view, t = data.draw(tensors())
    n = view.size
    divisors = [d for d in range(1, n + 1) if n % d == 0] or [0]
    d = data.draw(st.sampled_from(divisors))
    shape = (d, -1) if n else (0, data.draw(st.integers(1, 3)))
    want = np.reshape(view, shape)
    got = tb.reshape(t, shape)
    assert_same_bits(got, want)
    if n == 0:
        pass  # nothing to share; either answer is right
    elif np.shares_memory(want, view):
        check_view(got, t)
        assert_same_bits(tb.reshape(t, shape, copy=False), want)
    else:
        check_copy(got, t)
        with pytest.raises(ValueError):
            np.reshape(view, shape, copy=False)
        with pytest.raises(ValueError):
            tb.reshape(t, shape, copy=False)
    forced = tb.reshape(t, shape, copy=True)
    assert_same_bits(forced, want)
    check_copy(forced, t)


def test_reshape_errors():
    t = tb.arange(6)
    assert tb.reshape(t, (2, 3)).shape == (2, 3)
    assert tb.reshape(t, [3, -1]).shape == (3, 2)
    assert tb.reshape(tb.tensor(5), ()).shape == ()
    with pytest.raises(ValueError):
        tb.reshape(t, (4, -1))
    with pytest.raises(ValueError):
        tb.reshape(t, (-1, -1))


# ------------------------------------------------------ repeat, tile, roll


@SETTINGS
@given(data=st.data())
def test_repeat_like_numpy(data):
    view, t = data.draw(tensors())
    axis = data.draw(st.none() | axis_of(view.ndim) if view.ndim else st.none())
    n = view.size if axis is None else view.shape[axis]
    if data.draw(st.booleans()):
        reps = data.draw(st.integers(0, 3))
        got = tb.repeat(t, reps, axis=axis)
    else:
        reps = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), np.int64)
        rtype = data.draw(st.sampled_from([np.int64, np.int32, np.uint8]))
        got = tb.repeat(t, tb.from_numpy(reps.astype(rtype)), axis=axis)
    want = np.repeat(view, reps, axis=axis)
    assert_same_bits(got, want)
    check_copy(got, t)
    if axis is not None:
        assert_same_bits(t.repeat_interleave(reps if isinstance(reps, int) else tb.from_numpy(reps), dim=axis), want)


def test_repeat_errors():
    t = tb.arange(3)
    with pytest.raises(ValueError):
        tb.repeat(t, tb.tensor([1, 2]))
    with pytest.raises(ValueError):
        tb.repeat(t, -1)
    with pytest.raises(ValueError):
        tb.repeat(t, tb.tensor([1, -1, 1]))
    with pytest.raises(TypeError):
        tb.repeat(t, tb.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError):
        tb.repeat(t, tb.tensor([1, 2, 3], dtype=tb.uint64))
    with pytest.raises(IndexError):
        tb.repeat(t, 2, axis=1)
    assert tb.repeat(t, tb.tensor([True, False, True])).tolist() == [0, 2]
    assert tb.repeat(tb.tensor(7), 3).tolist() == [7, 7, 7]


@SETTINGS
@given(data=st.data())
def test_tile_like_numpy(data):
    view, t = data.draw(tensors())
    reps = tuple(data.draw(st.lists(st.integers(0, 3), max_size=4)))
    got = tb.tile(t, reps)
    assert_same_bits(got, np.tile(view, reps))
    check_copy(got, t)
    if len(reps) >= view.ndim:
        assert_same_bits(t.repeat(*reps) if reps else t.repeat(()), np.tile(view, reps))
        assert_same_bits(t.tile(reps), np.tile(view, reps))


def test_tile_and_torch_repeat():
    torch = pytest.importorskip("torch")
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    t, tt = tb.from_numpy(x), torch.from_numpy(x)
    np.testing.assert_array_equal(t.repeat(2, 1, 2).numpy(), tt.repeat(2, 1, 2).numpy())
    np.testing.assert_array_equal(t.tile((2,)).numpy(), tt.tile((2,)).numpy())
    np.testing.assert_array_equal(t.repeat_interleave(2).numpy(), tt.repeat_interleave(2).numpy())
    np.testing.assert_array_equal(
        t.repeat_interleave(tb.tensor([1, 2]), dim=0).numpy(),
        tt.repeat_interleave(torch.tensor([1, 2]), dim=0).numpy(),
    )
    np.testing.assert_array_equal(t.roll(1).numpy(), tt.roll(1).numpy())
    np.testing.assert_array_equal(t.roll((1, -1), (0, 1)).numpy(), tt.roll((1, -1), (0, 1)).numpy())
    np.testing.assert_array_equal(t.flip(0, 1).numpy(), tt.flip(0, 1).numpy())
    np.testing.assert_array_equal(t.tril(-1).numpy(), tt.tril(-1).numpy())
    np.testing.assert_array_equal(t.movedim(0, 1).numpy(), tt.movedim(0, 1).numpy())
    with pytest.raises(ValueError):
        t.repeat(2)
    with pytest.raises(ValueError):
        tb.tile(t, (-1,))


@SETTINGS
@given(data=st.data())
def test_roll_like_numpy(data):
    view, t = data.draw(tensors())
    if view.ndim and data.draw(st.booleans()):
        k = data.draw(st.integers(1, 3))
        axis = tuple(data.draw(st.lists(axis_of(view.ndim), min_size=k, max_size=k)))
        shift = tuple(data.draw(st.lists(st.integers(-7, 7), min_size=k, max_size=k)))
        if data.draw(st.booleans()):
            shift = shift[0]
    else:
        axis = None
        shift = data.draw(st.integers(-7, 7))
    got = tb.roll(t, shift, axis=axis)
    want = np.roll(view, shift, axis=axis)
    assert_same_bits(got, want)
    check_copy(got, t, contiguous=axis is None)
    if view.flags.c_contiguous or view.flags.f_contiguous:
        check_same_layout(got, want)


def test_roll_errors():
    t = tb.zeros((2, 3))
    with pytest.raises(ValueError):
        tb.roll(t, (1, 2, 3), axis=(0, 1))
    with pytest.raises(IndexError):
        tb.roll(t, 1, axis=2)


# -------------------------------------------------------------- signatures

P, K, PK, VAR = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.KEYWORD_ONLY,
                 inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)

SIGNATURES = {
    "broadcast_arrays": [("arrays", VAR)],
    "broadcast_to": [("x", P), ("shape", PK)],
    "concat": [("arrays", P), ("axis", K)],
    "expand_dims": [("x", P), ("axis", PK)],
    "flip": [("x", P), ("axis", K)],
    "moveaxis": [("x", P), ("source", P), ("destination", P)],
    "permute_dims": [("x", P), ("axes", PK)],
    "repeat": [("x", P), ("repeats", P), ("axis", K)],
    "reshape": [("x", P), ("shape", PK), ("copy", K)],
    "roll": [("x", P), ("shift", PK), ("axis", K)],
    "squeeze": [("x", P), ("axis", PK)],
    "stack": [("arrays", P), ("axis", K)],
    "tile": [("x", P), ("repetitions", P)],
    "unstack": [("x", P), ("axis", K)],
}


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signatures_follow_the_standard(name):
    params = list(inspect.signature(getattr(tb, name)).parameters.values())
    spec = SIGNATURES[name]
    assert len(params) == len(spec), (name, params)
    for p, (pname, kind) in zip(params, spec):
        assert p.kind == kind, (name, p)
        if kind != P:
            assert p.name == pname, (name, p)


@pytest.mark.parametrize("pair", DTYPES, ids=[t.name for t, _ in DTYPES])
def test_every_dtype_through_each_copy_path(pair):
    tbd, ndt = pair
    a = make_values(ndt, (3, 4), seed=1)[:, ::-1]
    t = tb.from_numpy(a)
    assert_same_bits(tb.concat([t, t], axis=1), np.concatenate([a, a], axis=1))
    assert_same_bits(tb.stack([t, t]), np.stack([a, a]))
    assert_same_bits(tb.repeat(t, tb.tensor([1, 0, 2]), axis=0), np.repeat(a, [1, 0, 2], axis=0))
    assert_same_bits(tb.repeat(t, 2, axis=1), np.repeat(a, 2, axis=1))
    assert_same_bits(tb.tile(t, (2, 1, 2)), np.tile(a, (2, 1, 2)))
    assert_same_bits(tb.roll(t, (1, 2), axis=(0, 1)), np.roll(a, (1, 2), axis=(0, 1)))
