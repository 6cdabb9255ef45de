"""Property tests (Hypothesis): for arrays of every dtype, shape, layout, byte
order, alignment and writeability, every conversion gives NumPy's values bit
for bit, shares exactly where SPEC §1 says, and raises exactly where SPEC §2
says."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorbridge as tb
from conftest import (
    BF16,
    TB_OF,
    assert_same_bits,
    bytes_of,
    dtype_pairs,
    examples,
    make_values,
    shapes,
)

SETTINGS = settings(max_examples=examples(200), deadline=None)


@st.composite
def arrays(draw):
    """An ndarray plus the facts SPEC §2 keys on."""
    tbd, ndt = draw(dtype_pairs)
    shape = draw(shapes)
    values = make_values(ndt, shape, seed=draw(st.integers(0, 2**16)), special=draw(st.booleans()))
    swapped = ndt.itemsize > 1 and ndt != BF16 and draw(st.booleans())
    if swapped:
        values = values.astype(ndt.newbyteorder("S"))
    offset = draw(st.sampled_from([0, 0, 0, 1, ndt.itemsize // 2]))
    fortran = draw(st.booleans())
    # place the values at `offset` bytes past an aligned address
    nbytes = values.nbytes
    raw = np.zeros(nbytes + 64, dtype=np.uint8)
    start = (-raw.ctypes.data) % 32 + offset
    order = "F" if fortran else "C"
    base = raw[start:start + nbytes].view(values.dtype).reshape(values.shape, order=order)
    base[...] = values
    view = base
    kind = draw(st.sampled_from(["plain", "slice", "transpose", "zero-stride"]))
    if kind == "slice" and view.ndim:
        key = tuple(
            slice(draw(st.integers(0, max(n - 1, 0))) if n and draw(st.booleans()) else None, None,
                  draw(st.sampled_from([1, 2, 3, -1, -2])))
            for n in view.shape
        )
        view = view[key]
    elif kind == "transpose" and view.ndim:
        view = view.transpose(draw(st.permutations(range(view.ndim))))
    elif kind == "zero-stride":
        extra = draw(st.integers(1, 3))
        pos = draw(st.integers(0, view.ndim))
        shape2 = view.shape[:pos] + (extra,) + view.shape[pos:]
        strides2 = view.strides[:pos] + (0,) + view.strides[pos:]
        view = np.lib.stride_tricks.as_strided(
            view, shape=shape2, strides=strides2, writeable=False
        )
    if draw(st.booleans()):
        view = view.view()
        view.flags.writeable = False
    return tbd, view, swapped


def native_copy(a):
    """NumPy's oracle values: a native-order contiguous copy."""
    return np.ascontiguousarray(a.astype(a.dtype.newbyteorder("="))).reshape(a.shape)


def check_shares(t, a):
    assert t.shape == a.shape
    assert t.dtype == TB_OF[a.dtype]
    assert t.is_readonly == (not a.flags.writeable)
    for n, ts, as_ in zip(a.shape, t.strides, a.strides):
        if n > 1 and a.size:
            assert ts * a.itemsize == as_
    if a.size:
        assert t.data_ptr() == a.ctypes.data
        assert tb.shares_memory(t, a)
        n = t.numpy()
        assert np.shares_memory(n, a)
        assert n.flags.writeable == a.flags.writeable
        assert np.shares_memory(np.asarray(t), a)
        if a.dtype != BF16:
            assert np.shares_memory(np.asarray(memoryview(t)), a)
    assert_same_bits(t, a)


def check_copies(t, a):
    assert t.shape == a.shape
    assert t.dtype.name == a.dtype.newbyteorder("=").name
    assert not t.is_readonly
    if a.size:
        assert not np.shares_memory(t.numpy(), a)
    assert_same_bits(t, native_copy(a))


@SETTINGS
@given(arrays())
def test_sharing_paths(case):
    tbd, a, swapped = case
    shareable = not swapped and a.flags.aligned
    for share in (tb.from_numpy, lambda x: tb.asarray(x, copy=False)):
        if not shareable:
            with pytest.raises(ValueError) as info:
                share(a)
            msg = str(info.value)
            assert ("byte order" in msg) if swapped else ("align" in msg)
        else:
            t = share(a)
            assert t.dtype == tbd
            check_shares(t, a)


@SETTINGS
@given(arrays())
def test_copy_paths(case):
    tbd, a, swapped = case
    for copy in (tb.tensor, lambda x: tb.asarray(x, copy=True)):
        t = copy(a)
        assert t.dtype == tbd
        check_copies(t, a)
        t2 = copy(a)
        assert not tb.shares_memory(t, t2)


@SETTINGS
@given(arrays())
def test_maybe_share_paths(case):
    tbd, a, swapped = case
    shareable = not swapped and a.flags.aligned
    for conv in (tb.asarray, tb.as_tensor, lambda x: tb.as_tensor(x, dtype=tbd),
                 lambda x: tb.asarray(x, dtype=tbd, copy=None)):
        t = conv(a)
        assert t.dtype == tbd
        if shareable:
            check_shares(t, a)
        else:
            check_copies(t, a)


@SETTINGS
@given(arrays(), st.data())
def test_dtype_request_copies_iff_different(case, data):
    tbd, a, swapped = case
    other = data.draw(dtype_pairs)[0]
    if other == tbd:
        return
    t = tb.asarray(a, dtype=other)
    assert t.dtype == other
    if a.size:
        assert not np.shares_memory(t.numpy(), a)
    with pytest.raises(ValueError):
        tb.asarray(a, dtype=other, copy=False)


@SETTINGS
@given(arrays())
def test_numpy_roundtrip(case):
    tbd, a, swapped = case
    t = tb.tensor(a)
    n = t.numpy()
    assert n.base is t
    assert n.dtype == a.dtype.newbyteorder("=")
    assert bytes_of(n) == bytes_of(native_copy(a))
    back = tb.from_numpy(n)
    assert back.dtype == tbd
    if a.size:
        assert back.data_ptr() == t.data_ptr()
    assert tb.shares_memory(back, t) == (a.size > 0)
    if a.dtype != BF16:
        m = memoryview(t)
        assert m.shape == a.shape
        assert bytes_of(np.asarray(m)) == bytes_of(native_copy(a))


SLICE = st.one_of(
    st.integers(-6, 6),
    st.builds(slice, st.none() | st.integers(-7, 7), st.none() | st.integers(-7, 7),
              st.none() | st.sampled_from([1, 2, 3, -1, -2, -3])),
    st.just(None),
    st.just(Ellipsis),
)


@SETTINGS
@given(st.data())
def test_tensor_views_match_numpy_views(data):
    tbd, ndt = data.draw(dtype_pairs)
    shape = data.draw(shapes)
    a = make_values(ndt, shape, seed=data.draw(st.integers(0, 999)))
    t = tb.from_numpy(a)
    key = tuple(data.draw(st.lists(SLICE, max_size=5)))
    if sum(k is Ellipsis for k in key) > 1:
        return
    try:
        exp = a[key]
    except IndexError:
        with pytest.raises(IndexError):
            t[key]
        return
    got = t[key]
    if isinstance(exp, np.generic):
        exp = a[key + (Ellipsis,)]  # the 0-d view, not NumPy's scalar
    assert got.shape == exp.shape
    assert_same_bits(got, exp)
    if exp.size:
        assert np.shares_memory(got.numpy(), a)
        assert got.data_ptr() == exp.ctypes.data
    if got.ndim >= 2:
        perm = data.draw(st.permutations(range(got.ndim)))
        assert_same_bits(got.permute(*perm), exp.transpose(perm))
        assert_same_bits(got.T, exp.T)
        assert_same_bits(got.mT, np.swapaxes(exp, -1, -2))
    flat = got.reshape(-1)
    assert_same_bits(flat, exp.reshape(-1))
    assert tb.shares_memory(flat, a) == np.shares_memory(exp.reshape(-1), a)


@SETTINGS
@given(arrays(), st.data())
def test_shares_memory_matches_numpy(case, data):
    tbd, a, swapped = case
    if swapped or not a.flags.aligned or a.ndim == 0:
        return
    t = tb.from_numpy(a)
    k1 = tuple(data.draw(st.builds(slice, st.none() | st.integers(0, 5), st.none(),
                                   st.sampled_from([1, 2, 3, -1, -2]))) for _ in range(a.ndim))
    k2 = tuple(data.draw(st.builds(slice, st.none() | st.integers(0, 5), st.none(),
                                   st.sampled_from([1, 2, 3, -1, -2]))) for _ in range(a.ndim))
    exp = np.shares_memory(a[k1], a[k2], max_work=None)
    assert tb.shares_memory(t[k1], t[k2]) == exp
    assert tb.shares_memory(t[k1], a[k2]) == exp


def _nested(shape, leaves):
    if not shape:
        return leaves.pop()
    return [_nested(shape[1:], leaves) for _ in range(shape[0])]


LEAVES = {
    "bool": (st.booleans(), np.bool_),
    "int": (st.integers(-(2**63), 2**63 - 1), np.int64),
    "float": (st.floats(allow_nan=True, allow_infinity=True), np.float32),
    "complex": (st.complex_numbers(allow_nan=True, allow_infinity=True), np.complex64),
}


@SETTINGS
@given(st.sampled_from(list(LEAVES)), shapes, st.data())
def test_nested_sequences_match_numpy(kind, shape, data):
    elems, default = LEAVES[kind]
    n = int(np.prod(shape, dtype=np.int64))
    leaves = data.draw(st.lists(elems, min_size=n, max_size=n))
    if not shape:
        leaves = leaves or [data.draw(elems)]
    nested = _nested(shape, list(leaves))
    if n == 0 and shape:
        default = np.float32  # no elements: PyTorch's default float dtype
    with np.errstate(all="ignore"):
        exp = np.array(nested, dtype=default)
    t = tb.tensor(nested)
    assert t.dtype == TB_OF[np.dtype(default)]
    assert_same_bits(t, exp)
    target = data.draw(dtype_pairs)
    if (kind in ("bool", "int") or target[0].is_complex
            or (kind == "float" and target[0].is_floating_point)):
        with np.errstate(all="ignore"):
            try:
                exp2 = np.array(nested, dtype=target[1])
            except OverflowError:
                with pytest.raises(OverflowError):
                    tb.tensor(nested, dtype=target[0])
                return
        assert_same_bits(tb.tensor(nested, dtype=target[0]), exp2)
