"""Malformed DLPack capsules, built by hand with ctypes, raise clear errors and
release the producer's struct exactly once; none crashes."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import tensorbridge as tb
from dlpack_structs import READ_ONLY, Producer, _CapsuleHolder, capsule_name

# ------------------------------------------------------ malformed capsules


def test_valid_hand_built_capsule_and_deleter_once():
    p = Producer(np.arange(12, dtype=np.float32).reshape(3, 4))
    t = tb.from_dlpack(p.capsule())
    assert t.data_ptr() == p.array.ctypes.data
    assert (t.numpy() == np.arange(12).reshape(3, 4)).all()
    v = t.T
    del t
    gc.collect()
    assert p.calls == 0
    _ = v.numpy().sum()
    del v, _
    gc.collect()
    assert p.calls == 1


def test_hand_built_capsule_variants():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    # NULL strides: compact row-major.
    t = tb.from_dlpack(Producer(a, strides=None).capsule())
    assert t.strides == (4, 1) and (t.numpy() == a).all()
    # byte_offset and explicit strides.
    p = Producer(a, shape=[2, 3], strides=[1, 4], byte_offset=8)
    assert (tb.from_dlpack(p.capsule()).numpy() == [[2, 6, 10], [3, 7, 11]]).all()
    # read-only flag.
    r = tb.from_dlpack(Producer(a, flags=READ_ONLY).capsule())
    assert r.is_readonly
    with pytest.raises(ValueError):
        r.fill_(0)
    # the legacy struct.
    q = Producer(a, versioned=False)
    t = tb.from_dlpack(q.capsule())
    assert not t.is_readonly and t.data_ptr() == a.ctypes.data
    del t
    gc.collect()
    assert q.calls == 1
    # a newer 1.x minor version, 0-d and empty tensors with null data.
    assert tb.from_dlpack(Producer(a, version=(1, 9)).capsule()).shape == (3, 4)
    assert tb.from_dlpack(Producer(np.array(2.5)).capsule()).item() == 2.5
    e = tb.from_dlpack(Producer(np.zeros((0, 3)), null_data=True).capsule())
    assert e.shape == (0, 3)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(null_data=True), ValueError),
        (dict(ndim=-1), ValueError),
        (dict(ndim=1000), ValueError),
        (dict(null_shape=True), ValueError),
        (dict(dtype=(2, 32, 2)), TypeError),
        (dict(dtype=(7, 8, 1)), TypeError),
        (dict(dtype=(99, 32, 1)), TypeError),
        (dict(dtype=(2, 24, 1)), TypeError),
        (dict(device=(2, 0)), BufferError),
        (dict(version=(2, 0)), BufferError),
        (dict(version=(0, 8)), BufferError),
        (dict(shape=[-2, 4]), ValueError),
        (dict(shape=[2**62, 4]), ValueError),
        (dict(strides=[2**61, 1]), ValueError),
        (dict(byte_offset=1), ValueError),
        (dict(byte_offset=2**64 - 1), ValueError),
    ],
    ids=[
        "null-data",
        "negative-ndim",
        "ndim-1000",
        "null-shape",
        "lanes-2",
        "fp8-code",
        "unknown-code",
        "odd-bits",
        "cuda",
        "major-2",
        "major-0",
        "negative-dim",
        "overflowing-shape",
        "overflowing-strides",
        "misaligned",
        "offset-wraps",
    ],
)
@pytest.mark.parametrize("versioned", [True, False], ids=["versioned", "legacy"])
def test_malformed_capsules_raise_and_release(kwargs, error, versioned):
    if "version" in kwargs and not versioned:
        pytest.skip("legacy structs have no version")
    p = Producer(np.arange(12, dtype=np.float32).reshape(3, 4), versioned=versioned, **kwargs)
    c = p.capsule()
    with pytest.raises(error):
        tb.from_dlpack(c)
    assert p.calls == 1, "the deleter must run exactly once"
    assert capsule_name(c).startswith("used_")
    with pytest.raises(ValueError, match="consumed"):
        tb.from_dlpack(c)
    del c
    gc.collect()
    assert p.calls == 1


def test_wrong_capsules():
    p = Producer(np.arange(3.0))
    c = p.capsule(b"not_dlpack")
    with pytest.raises(TypeError, match="not a DLPack capsule"):
        tb.from_dlpack(c)
    assert capsule_name(c) == "not_dlpack" and p.calls == 0
    good = Producer(np.arange(3.0))
    c = good.capsule()
    t = tb.from_dlpack(c)
    with pytest.raises(ValueError, match="consumed"):
        tb.from_dlpack(c)
    with pytest.raises(ValueError, match="consumed"):
        tb.from_dlpack(_CapsuleHolder(c))
    with pytest.raises(TypeError):
        tb.from_dlpack(_CapsuleHolder(42))
    assert good.calls == 0
    del t
    gc.collect()
    assert good.calls == 1
    # A capsule our own export made, consumed by NumPy, cannot be used again.
    c = tb.zeros(2).__dlpack__()
    np.from_dlpack(_CapsuleHolder(c))
    with pytest.raises(ValueError, match="consumed"):
        tb.from_dlpack(c)
