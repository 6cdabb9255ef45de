"""SPEC §1 lifetimes: a tensor keeps the array it shares alive, an array from
`t.numpy()` keeps the tensor's storage alive, and deleting either side in any
order never frees memory the other still uses. Refcounts do not leak."""

import gc
import itertools
import sys
import weakref

import numpy as np
import pytest

import tensorbridge as tb

N = 257  # odd size so the values are recognisable


def _fresh():
    a = np.arange(N, dtype=np.float64) * 3.0
    return a, weakref.ref(a)


def _check_values(obj):
    vals = np.asarray(obj)
    assert vals.shape == (N,)
    assert (vals == np.arange(N) * 3.0).all()


# Every deletion order of {array, tensor, derived numpy array, memoryview}.
NAMES = ("array", "tensor", "derived", "memview")


@pytest.mark.parametrize("order", list(itertools.permutations(NAMES)), ids="-".join)
def test_every_deletion_order_from_numpy(order):
    a, ref = _fresh()
    t = tb.from_numpy(a)
    objs = {"array": a, "tensor": t, "derived": t.numpy(), "memview": memoryview(t)}
    del a, t
    for i, name in enumerate(order):
        obj = objs.pop(name)
        if isinstance(obj, memoryview):
            obj.release()
        del obj
        gc.collect()
        if objs:
            assert ref() is not None, f"array freed after deleting {order[: i + 1]}"
            for name_left in objs:
                _check_values(objs[name_left])
        else:
            assert ref() is None, "array leaked after every user was deleted"


@pytest.mark.parametrize("order", list(itertools.permutations(NAMES[1:])), ids="-".join)
def test_every_deletion_order_owned_tensor(order):
    """A Rust-owned tensor: numpy() and memoryview keep the storage alive."""
    t = tb.tensor(np.arange(N, dtype=np.float64) * 3.0)
    tref = weakref.ref(t)
    objs = {"tensor": t, "derived": t.numpy(), "memview": memoryview(t)}
    del t
    for i, name in enumerate(order):
        obj = objs.pop(name)
        if isinstance(obj, memoryview):
            obj.release()
        del obj
        gc.collect()
        for name_left in objs:
            _check_values(objs[name_left])
        if not objs:
            assert tref() is None, "tensor leaked after every user was deleted"


def test_views_keep_array_alive():
    a, ref = _fresh()
    t = tb.from_numpy(a)
    v = t[::-2].T[None]
    n = v.numpy()
    del a, t
    gc.collect()
    assert ref() is not None
    del v
    gc.collect()
    assert ref() is not None
    assert (n[0] == np.arange(N)[::-2] * 3.0).all()
    del n
    gc.collect()
    assert ref() is None


def test_numpy_base_chain_ends_at_owner():
    a, ref = _fresh()
    t = tb.from_numpy(a)
    n = t[1:].numpy()
    assert isinstance(n.base, tb.Tensor)
    del a, t
    gc.collect()
    assert ref() is not None
    n[0] = -1.0  # memory is still valid and writable
    assert n[0] == -1.0
    del n
    gc.collect()
    assert ref() is None


def test_array_of_array_chain():
    """np.asarray(t) and np.array(t, copy=False) keep the source alive too."""
    a, ref = _fresh()
    t = tb.from_numpy(a)
    x = np.asarray(t)
    y = np.array(t, copy=False)
    del a, t
    gc.collect()
    assert ref() is not None
    _check_values(x)
    del x
    gc.collect()
    assert ref() is not None
    _check_values(y)
    del y
    gc.collect()
    assert ref() is None


def test_asarray_and_as_tensor_keep_alive():
    for make in (tb.asarray, tb.as_tensor, lambda a: tb.asarray(a, copy=False)):
        a, ref = _fresh()
        t = make(a)
        del a
        gc.collect()
        assert ref() is not None
        _check_values(t.numpy())
        del t
        gc.collect()
        assert ref() is None


def test_copies_do_not_keep_array_alive():
    for make in (tb.tensor, lambda a: tb.asarray(a, copy=True), lambda a: tb.from_numpy(a).clone()):
        a, ref = _fresh()
        t = make(a)
        del a
        gc.collect()
        assert ref() is None
        _check_values(t.numpy())


def test_readonly_array_lifetime():
    a, ref = _fresh()
    a.flags.writeable = False
    t = tb.from_numpy(a)
    n = t.numpy()
    del a, t
    gc.collect()
    assert ref() is not None
    _check_values(n)
    del n
    gc.collect()
    assert ref() is None


def test_tensor_survives_array_buffer_owner_deletion():
    """from_numpy of an array over a bytearray keeps the bytearray alive."""
    buf = bytearray(np.arange(N, dtype=np.float64).tobytes())
    a = np.frombuffer(buf, dtype=np.float64)
    t = tb.from_numpy(a)
    del a, buf
    gc.collect()
    assert t.tolist() == list(map(float, range(N)))


# ------------------------------------------------------------------ refcounts

LOOPS = 1000


def test_from_numpy_does_not_leak_references():
    a = np.arange(10.0)
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(LOOPS):
        t = tb.from_numpy(a)
        del t
    gc.collect()
    assert sys.getrefcount(a) == before


def test_from_numpy_numpy_roundtrip_does_not_leak():
    a = np.arange(10.0)
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(LOOPS):
        t = tb.from_numpy(a)
        n = t.numpy()
        m = memoryview(t)
        m.release()
        x = np.asarray(t)
        del t, n, m, x
    gc.collect()
    assert sys.getrefcount(a) == before


def test_numpy_does_not_leak_tensor_references():
    t = tb.tensor([1.0, 2.0, 3.0])
    gc.collect()
    before = sys.getrefcount(t)
    for _ in range(LOOPS):
        n = t.numpy()
        del n
    gc.collect()
    assert sys.getrefcount(t) == before
    for _ in range(LOOPS):
        m = memoryview(t)
        m.release()
        del m
    gc.collect()
    assert sys.getrefcount(t) == before


def test_asarray_as_tensor_do_not_leak():
    a = np.arange(10, dtype=np.int32)
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(LOOPS):
        x = tb.asarray(a)
        y = tb.as_tensor(a)
        z = tb.asarray(a, copy=False)
        w = tb.tensor(a)
        del x, y, z, w
    gc.collect()
    assert sys.getrefcount(a) == before


def test_views_do_not_leak():
    a = np.arange(24.0).reshape(2, 3, 4)
    gc.collect()
    before = sys.getrefcount(a)
    t = tb.from_numpy(a)
    for _ in range(LOOPS):
        v = t[1:, ::-1].T.reshape(-1)
        n = v.numpy()
        del v, n
    del t
    gc.collect()
    assert sys.getrefcount(a) == before


def test_failed_conversions_do_not_leak():
    a = np.arange(10, dtype=">f8")
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(LOOPS):
        with pytest.raises(ValueError):
            tb.from_numpy(a)
    gc.collect()
    assert sys.getrefcount(a) == before
