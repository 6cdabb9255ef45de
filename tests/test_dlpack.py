"""SPEC §1 DLPack rows: `Tensor.__dlpack__`/`__dlpack_device__` and
`tb.from_dlpack` share memory with NumPy, PyTorch, JAX and TensorFlow per the
DLPack Python spec; lifetimes hold in every deletion order; read-only memory
stays read-only; malformed capsules raise, never crash.

Peers that are not importable are skipped (pytest.importorskip)."""

from __future__ import annotations

import ctypes
import gc
import itertools
import os
import subprocess
import sys
import threading
import weakref

import numpy as np
import pytest

import tensorbridge as tb
from conftest import BF16, DTYPE_IDS, DTYPES, assert_same_bits, make_values

NO_BF16 = [(d, n) for d, n in DTYPES if n != BF16]
NO_BF16_IDS = [d.name for d, _ in NO_BF16]

# --------------------------------------------------------------- C structs


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
I64P = ctypes.POINTER(ctypes.c_int64)


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [
        ("version", DLPackVersion),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", DELETER),
        ("flags", ctypes.c_uint64),
        ("dl_tensor", DLTensor),
    ]


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER)]


READ_ONLY, IS_COPIED = 1, 2

_capi = ctypes.pythonapi
_capi.PyCapsule_New.restype = ctypes.py_object
_capi.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_capi.PyCapsule_GetName.restype = ctypes.c_char_p
_capi.PyCapsule_GetName.argtypes = [ctypes.py_object]
_capi.PyCapsule_GetPointer.restype = ctypes.c_void_p
_capi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def capsule_name(c) -> str:
    return _capi.PyCapsule_GetName(c).decode()


def read_versioned(c) -> DLManagedTensorVersioned:
    """The struct inside an unconsumed versioned capsule (not consumed)."""
    assert capsule_name(c) == "dltensor_versioned"
    ptr = _capi.PyCapsule_GetPointer(c, b"dltensor_versioned")
    return DLManagedTensorVersioned.from_address(ptr)


def read_legacy(c) -> DLManagedTensor:
    assert capsule_name(c) == "dltensor"
    return DLManagedTensor.from_address(_capi.PyCapsule_GetPointer(c, b"dltensor"))


# Producers whose deleter has not run: a real producer keeps its struct
# alive until then, however its Python objects fare.
_LIVE_PRODUCERS: set = set()


class Producer:
    """A hand-built DLPack producer over a NumPy array: it keeps the struct,
    the shape/stride arrays and the memory alive until its deleter runs, and
    counts deleter calls. Keyword arguments make it malformed on purpose."""

    def __init__(
        self,
        array,
        *,
        versioned=True,
        ndim=None,
        shape=None,
        strides="auto",
        dtype=None,
        device=(1, 0),
        null_data=False,
        null_shape=False,
        byte_offset=0,
        flags=0,
        version=(1, 1),
    ):
        self.array = array
        self.calls = 0
        shape = list(array.shape) if shape is None else list(shape)
        if strides == "auto":
            strides = [s // array.itemsize for s in array.strides]
        self._shape = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        self._strides = None
        if strides is not None:
            self._strides = (ctypes.c_int64 * max(len(strides), 1))(*strides)
        kind = {"b": 6, "i": 0, "u": 1, "f": 2, "c": 5}[array.dtype.kind]
        code, bits, lanes = dtype or (kind, array.itemsize * 8, 1)
        dl = DLTensor(
            data=None if null_data else array.ctypes.data,
            device=DLDevice(*device),
            ndim=len(shape) if ndim is None else ndim,
            dtype=DLDataType(code, bits, lanes),
            shape=None if null_shape else ctypes.cast(self._shape, I64P),
            strides=None if strides is None else ctypes.cast(self._strides, I64P),
            byte_offset=byte_offset,
        )
        self._deleter = DELETER(self._delete)
        _LIVE_PRODUCERS.add(self)
        if versioned:
            version = DLPackVersion(*version)
            self.struct = DLManagedTensorVersioned(version, None, self._deleter, flags, dl)
            self.name = b"dltensor_versioned"
        else:
            self.struct = DLManagedTensor(dl, None, self._deleter)
            self.name = b"dltensor"

    def _delete(self, ptr):
        assert ptr == ctypes.addressof(self.struct)
        self.calls += 1
        self.array = None  # the memory may go now
        _LIVE_PRODUCERS.discard(self)

    def capsule(self, name=None):
        self.name = name or self.name
        return _capi.PyCapsule_New(ctypes.addressof(self.struct), self.name, None)


def _alive_array(n=257, dtype=np.float64):
    a = np.arange(n, dtype=dtype) * 3
    return a, weakref.ref(a)


def _values_ok(obj, n=257):
    vals = np.asarray(obj.numpy() if isinstance(obj, tb.Tensor) else obj)
    assert vals.shape == (n,)
    assert (vals == np.arange(n) * 3).all()


# ------------------------------------------------------------------ export


def test_dlpack_device_is_cpu():
    assert tb.zeros(3).__dlpack_device__() == (1, 0)


@pytest.mark.parametrize(
    "max_version, name",
    [
        (None, "dltensor"),
        ((0, 8), "dltensor"),
        ((1, 0), "dltensor_versioned"),
        ((1, 3), "dltensor_versioned"),
        ((2, 0), "dltensor_versioned"),
    ],
)
def test_capsule_kind_follows_max_version(max_version, name):
    t = tb.tensor(np.arange(6.0))
    c = t.__dlpack__(max_version=max_version)
    assert capsule_name(c) == name
    if name == "dltensor_versioned":
        m = read_versioned(c)
        assert m.version.major == 1
        if max_version == (1, 0):
            assert m.version.minor == 0


@pytest.mark.parametrize("versioned", [True, False])
def test_exported_fields(versioned):
    t = tb.tensor(np.arange(24, dtype=np.int16).reshape(2, 3, 4)).permute(2, 0, 1)[1:, :, ::2]
    c = t.__dlpack__(max_version=(1, 0) if versioned else None)
    m = read_versioned(c) if versioned else read_legacy(c)
    dl = m.dl_tensor
    if versioned:
        assert m.flags == 0
    assert dl.data == t.data_ptr() and dl.byte_offset == 0
    assert (dl.device.device_type, dl.device.device_id) == (1, 0)
    assert (dl.dtype.code, dl.dtype.bits, dl.dtype.lanes) == (0, 16, 1)
    assert dl.ndim == 3
    assert [dl.shape[i] for i in range(3)] == list(t.shape)
    assert bool(dl.strides), "strides are always filled (DLPack 1.2)"
    assert [dl.strides[i] for i in range(3)] == list(t.strides)


@pytest.mark.parametrize(("tdt", "ndt"), DTYPES, ids=DTYPE_IDS)
def test_exported_dtype_codes(tdt, ndt):
    m = read_versioned(tb.zeros(2, dtype=tdt).__dlpack__(max_version=(1, 0)))
    code = {"b": 6, "i": 0, "u": 1, "f": 2, "c": 5, "V": 4}[ndt.kind]
    assert (m.dl_tensor.dtype.code, m.dl_tensor.dtype.bits) == (code, ndt.itemsize * 8)


def test_export_arguments_follow_numpy():
    t = tb.tensor(np.arange(4.0))
    a = np.arange(4.0)
    for kwargs in [dict(stream=1), dict(stream=-1)]:
        with pytest.raises(RuntimeError):
            a.__dlpack__(**kwargs)
        with pytest.raises(RuntimeError, match="stream"):
            t.__dlpack__(**kwargs)
    for dev in [(2, 0), (1, 1)]:
        with pytest.raises(BufferError):
            a.__dlpack__(dl_device=dev)
        with pytest.raises(BufferError, match="device"):
            t.__dlpack__(dl_device=dev)
    assert capsule_name(t.__dlpack__(dl_device=(1, 0), stream=None)) == "dltensor"
    for bad in [dict(dl_device="cpu"), dict(dl_device=(1,)), dict(max_version=1)]:
        with pytest.raises(TypeError):
            a.__dlpack__(**bad)
        with pytest.raises(TypeError):
            t.__dlpack__(**bad)
    with pytest.raises(TypeError):
        t.__dlpack__(max_version=(1,))
    with pytest.raises(TypeError):
        t.__dlpack__(None)  # keyword-only, as in NumPy


def test_read_only_export():
    a = np.arange(5.0)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    with pytest.raises(BufferError, match="read-only"):
        t.__dlpack__()
    assert read_versioned(t.__dlpack__(max_version=(1, 0))).flags == READ_ONLY
    n = np.from_dlpack(t)
    assert not n.flags.writeable
    assert np.shares_memory(n, a)
    # A copy is writeable: even a legacy consumer may have it.
    c = t.__dlpack__(copy=True)
    assert capsule_name(c) == "dltensor"
    assert read_versioned(t.__dlpack__(max_version=(1, 0), copy=True)).flags == IS_COPIED


def test_copy_argument():
    t = tb.tensor(np.arange(6.0).reshape(2, 3)).T
    shared = read_versioned(t.__dlpack__(max_version=(1, 0), copy=False))
    assert shared.dl_tensor.data == t.data_ptr() and shared.flags == 0
    copied = read_versioned(t.__dlpack__(max_version=(1, 0), copy=True))
    assert copied.dl_tensor.data != t.data_ptr() and copied.flags == IS_COPIED
    assert not np.shares_memory(np.from_dlpack(t, copy=True), t.numpy())
    assert np.shares_memory(np.from_dlpack(t, copy=False), t.numpy())
    assert (np.from_dlpack(t, copy=True) == t.numpy()).all()


def test_unconsumed_capsule_keeps_memory_until_it_dies():
    a, ref = _alive_array()
    t = tb.from_numpy(a)
    caps = [t.__dlpack__(), t.__dlpack__(max_version=(1, 0))]
    del a, t
    gc.collect()
    assert ref() is not None
    caps.pop()
    gc.collect()
    assert ref() is not None
    caps.pop()
    gc.collect()
    assert ref() is None, "the capsule destructor did not call the deleter"


def test_consumed_capsule_destructor_leaves_the_struct_to_the_consumer():
    a, ref = _alive_array()
    c = tb.from_numpy(a).__dlpack__(max_version=(1, 0))
    n = np.from_dlpack(_CapsuleHolder(c))
    assert capsule_name(c) == "used_dltensor_versioned"
    del a, c
    gc.collect()
    assert ref() is not None
    _values_ok(n)
    del n
    gc.collect()
    assert ref() is None


class _CapsuleHolder:
    """An object whose `__dlpack__` hands out one prepared capsule."""

    def __init__(self, capsule, device=(1, 0)):
        self.capsule, self.device = capsule, device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


# -------------------------------------------------------- NumPy as consumer


@pytest.mark.parametrize(("tdt", "ndt"), NO_BF16, ids=NO_BF16_IDS)
def test_numpy_from_dlpack_shares_every_dtype(tdt, ndt):
    ref = make_values(ndt, (3, 4))
    t = tb.tensor(ref)
    n = np.from_dlpack(t)
    assert n.dtype == ndt
    assert_same_bits(n, ref)
    assert np.shares_memory(n, t.numpy())


def test_numpy_refuses_bfloat16_cleanly():
    with pytest.raises((BufferError, RuntimeError, TypeError)):
        np.from_dlpack(tb.zeros(3, dtype=tb.bfloat16))


@pytest.mark.parametrize(
    "view",
    [
        lambda t: t.T,
        lambda t: t[1:, ::2],
        lambda t: t[::-1, 1:],
        lambda t: t[:, ::-3],
        lambda t: t[None, :, 2],
        lambda t: t[1],
        lambda t: t[1, 2],
        lambda t: t[2:, :],
        lambda t: t[:, :1].expand(4, 3),
    ],
    ids=["T", "step", "neg-rows", "neg-step", "newaxis", "row", "0-d", "empty", "expand"],
)
def test_numpy_from_dlpack_views(view):
    base = tb.tensor(np.arange(12.0).reshape(4, 3))
    v = view(base)
    n = np.from_dlpack(v)
    want = v.numpy()
    assert n.shape == want.shape and n.strides == want.strides
    assert (n == want).all()
    if n.size:
        assert np.shares_memory(n, base.numpy())


def test_mutations_visible_both_ways_numpy():
    t = tb.zeros(3, 4, dtype=tb.int32)
    n = np.from_dlpack(t.T)
    n[1, 2] = 7
    assert t[2, 1].item() == 7
    t[0, 3] = 9
    assert n[3, 0] == 9
    a = np.zeros((2, 5), dtype=np.float32)
    u = tb.from_dlpack(a[:, ::2])
    u[1, 1] = 4.5
    assert a[1, 2] == 4.5
    a[0, 4] = -1
    assert u[0, 2].item() == -1


# -------------------------------------------------------- NumPy as producer


@pytest.mark.parametrize(("tdt", "ndt"), NO_BF16, ids=NO_BF16_IDS)
def test_from_dlpack_numpy_every_dtype(tdt, ndt):
    a = make_values(ndt, (2, 5), seed=3)
    t = tb.from_dlpack(a)
    assert t.dtype == tdt
    assert_same_bits(t, a)
    assert t.data_ptr() == a.ctypes.data
    assert tb.shares_memory(t, a)


@pytest.mark.parametrize(
    "view",
    [
        lambda a: a.T,
        lambda a: a[::2, ::-1],
        lambda a: a[1:, 1::3],
        lambda a: a[:, 0],
        lambda a: a[1, 1, ...],
        lambda a: a[:0],
    ],
    ids=["T", "neg", "step", "column", "0-d", "empty"],
)
def test_from_dlpack_numpy_views(view):
    a = np.arange(42, dtype=np.int64).reshape(6, 7)
    v = view(a)
    t = tb.from_dlpack(v)
    assert t.shape == v.shape
    assert (t.numpy() == v).all()
    if v.size:
        assert t.data_ptr() == v.ctypes.data
        assert t.strides == tuple(s // 8 for s in v.strides)
    assert tb.shares_memory(t, a) == bool(v.size)


def test_from_dlpack_read_only_numpy():
    a = np.arange(6.0)
    a.flags.writeable = False
    t = tb.from_dlpack(a)
    assert t.is_readonly
    assert np.shares_memory(t.numpy(), a)
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 1.0
    assert not t.numpy().flags.writeable
    w = tb.from_dlpack(a, copy=True)
    assert not w.is_readonly and not tb.shares_memory(w, a)
    w[0] = 5.0
    assert a[0] == 0.0


def test_from_dlpack_copy_and_device_arguments():
    a = np.arange(4.0)
    assert tb.shares_memory(tb.from_dlpack(a, copy=False), a)
    assert tb.shares_memory(tb.from_dlpack(a, copy=None, device="cpu"), a)
    c = tb.from_dlpack(a, copy=True)
    assert not tb.shares_memory(c, a) and (c.numpy() == a).all()
    with pytest.raises(RuntimeError):
        tb.from_dlpack(a, device="cuda")
    with pytest.raises(TypeError):
        tb.from_dlpack([1, 2, 3])
    with pytest.raises(TypeError):
        tb.from_dlpack(a, None)  # device is keyword-only


def test_from_dlpack_legacy_producer_falls_back():
    """A producer whose `__dlpack__` takes no arguments gets asked again."""

    class Legacy:
        def __init__(self, a):
            self.a = a
            self.calls = []

        def __dlpack__(self, stream=None):
            self.calls.append(stream)
            return self.a.__dlpack__()

        def __dlpack_device__(self):
            return (1, 0)

    a = np.arange(3.0)
    p = Legacy(a)
    t = tb.from_dlpack(p)
    assert p.calls == [None] and t.data_ptr() == a.ctypes.data


def test_from_dlpack_non_cpu_producer_raises_buffer_error():
    class Gpu:
        def __dlpack__(self, **kwargs):
            raise AssertionError("must not be asked for data")

        def __dlpack_device__(self):
            return (2, 0)

    with pytest.raises(BufferError, match="device"):
        tb.from_dlpack(Gpu())


def test_tensorbridge_round_trip_shares():
    t = tb.tensor(np.arange(12.0).reshape(3, 4))
    for src in [t, t.T, t.__dlpack__(), t.__dlpack__(max_version=(1, 0))]:
        assert tb.shares_memory(tb.from_dlpack(src), t)
    u = tb.from_dlpack(t[::-1])
    u[0, 0] = 100.0
    assert t[2, 0].item() == 100.0


# ----------------------------------------------------------- lifetimes


NP_NAMES = ("array", "tensor", "view", "back")


@pytest.mark.parametrize("order", list(itertools.permutations(NP_NAMES)), ids="-".join)
def test_every_deletion_order_numpy(order):
    """array -> tb.from_dlpack -> view -> np.from_dlpack, deleted in any order."""
    a, ref = _alive_array()
    t = tb.from_dlpack(a)
    objs = {"array": a, "tensor": t, "view": t[::-1][::-1], "back": np.from_dlpack(t)}
    del a, t
    for i, name in enumerate(order):
        del objs[name]
        gc.collect()
        if objs:
            assert ref() is not None, f"array freed after deleting {order[: i + 1]}"
            for name_left in objs:
                _values_ok(objs[name_left])
        else:
            assert ref() is None, "array leaked after every user was deleted"


def test_deleter_runs_on_another_thread():
    a, ref = _alive_array()
    box = {"t": tb.from_dlpack(a), "n": np.from_dlpack(tb.from_numpy(a))}
    del a
    threads = [threading.Thread(target=box.pop, args=(k,)) for k in list(box)]
    for th in threads:
        th.start()
        th.join()
    gc.collect()
    assert ref() is None


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


# ------------------------------------------------------------------ torch


@pytest.mark.parametrize(("tdt", "ndt"), DTYPES, ids=DTYPE_IDS)
def test_torch_both_ways_every_dtype(tdt, ndt):
    torch = pytest.importorskip("torch")
    tt_dtype = getattr(torch, tdt.name)
    if ndt == BF16:
        src = torch.linspace(-3, 3, 12, dtype=torch.bfloat16).reshape(3, 4)
        ref = src.float().numpy().astype(BF16)
    else:
        ref = make_values(ndt, (3, 4), seed=5)
        src = torch.from_numpy(ref.copy())
    t = tb.from_dlpack(src)
    assert t.dtype == tdt
    assert t.data_ptr() == src.data_ptr()
    assert_same_bits(t, ref)
    back = torch.from_dlpack(t)
    assert back.dtype == tt_dtype
    assert back.data_ptr() == src.data_ptr()
    out = tb.tensor(ref)
    tt = torch.from_dlpack(out)
    assert tt.dtype == tt_dtype and tt.data_ptr() == out.data_ptr()


def test_torch_views_and_mutations():
    torch = pytest.importorskip("torch")
    src = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    for v in [src.T, src[:, ::2], src[1:, 2:], src[2], src[1, 1], src[:0]]:
        t = tb.from_dlpack(v)
        assert t.shape == tuple(v.shape)
        assert (t.numpy() == v.numpy()).all()
        if v.numel():
            assert t.strides == tuple(v.stride()) and t.data_ptr() == v.data_ptr()
    t = tb.from_dlpack(src)
    t[0, 0] = -1.0
    assert src[0, 0].item() == -1.0
    src[3, 4] = 42.0
    assert t[3, 4].item() == 42.0
    base = tb.tensor(np.arange(20.0).reshape(4, 5))
    views = [base.T, base[:, ::2], base[1:, 2:], base[2], base[1, 1], base[:0]]
    for v in views + [base[:, :1].expand(3, 4, 1)]:
        tt = torch.from_dlpack(v)
        assert tuple(tt.shape) == v.shape and (tt.numpy() == v.numpy()).all()
        if v.size:
            assert tt.data_ptr() == v.data_ptr() and tuple(tt.stride()) == v.strides
    tt = torch.from_dlpack(base)
    tt[0, 1] = 7.0
    assert base[0, 1].item() == 7.0


def test_torch_negative_strides_refused_or_correct():
    """PyTorch has no negative strides: it may refuse, but never misread."""
    torch = pytest.importorskip("torch")
    v = tb.tensor(np.arange(6.0))[::-1]
    try:
        tt = torch.from_dlpack(v)
    except (RuntimeError, BufferError, ValueError):
        return
    assert (tt.numpy() == v.numpy()).all()


def test_torch_read_only_and_copy():
    torch = pytest.importorskip("torch")
    a = np.arange(4.0)
    a.flags.writeable = False
    ro = tb.from_numpy(a)
    tt = torch.from_dlpack(ro)  # torch asks for max_version >= (1, 0)
    assert (tt.numpy() == a).all()
    t = tb.tensor(np.arange(4.0))
    assert torch.from_dlpack(t, copy=True).data_ptr() != t.data_ptr()
    assert torch.from_dlpack(t).data_ptr() == t.data_ptr()
    s = torch.arange(3.0)
    c = tb.from_dlpack(s, copy=True)
    assert c.data_ptr() != s.data_ptr()


TORCH_NAMES = ("array", "tensor", "torch", "back")


@pytest.mark.parametrize("order", list(itertools.permutations(TORCH_NAMES)), ids="-".join)
def test_every_deletion_order_torch(order):
    torch = pytest.importorskip("torch")
    a, ref = _alive_array()
    t = tb.from_numpy(a)
    tt = torch.from_dlpack(t)
    objs = {"array": a, "tensor": t, "torch": tt, "back": tb.from_dlpack(tt)}
    del a, t, tt
    for i, name in enumerate(order):
        del objs[name]
        gc.collect()
        if objs:
            assert ref() is not None, f"array freed after deleting {order[: i + 1]}"
            for name_left in objs:
                _values_ok(objs[name_left])
        else:
            assert ref() is None, "array leaked after every user was deleted"


_GIL_CHECK = """
import gc, itertools, numpy as np, tensorbridge as tb, torch
for order in itertools.permutations(("array", "tensor", "torch", "back")):
    a = np.arange(257.0)
    t = tb.from_numpy(a)
    tt = torch.from_dlpack(t)
    objs = {"array": a, "tensor": t, "torch": tt, "back": tb.from_dlpack(tt)}
    del a, t, tt
    for name in order:
        del objs[name]
        gc.collect()
print("ok")
"""


def test_torch_chain_releases_numpy_under_the_gil():
    """tb -> torch -> tb: PyTorch calls our deleter with the GIL released
    inside a call PyO3 counts as attached; the deleter must take the GIL
    itself. Python's debug allocator aborts on any free without it."""
    pytest.importorskip("torch")
    env = dict(os.environ, PYTHONMALLOC="debug")
    r = subprocess.run([sys.executable, "-c", _GIL_CHECK], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_torch_tensor_outlives_its_python_object():
    torch = pytest.importorskip("torch")
    src = torch.arange(257, dtype=torch.float64) * 3
    t = tb.from_dlpack(src)
    del src
    gc.collect()
    junk = [torch.ones(257, dtype=torch.float64) for _ in range(50)]
    _values_ok(t)
    del junk


def test_torch_cuda_tensor_is_refused():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    g = torch.arange(4.0, device="cuda")
    with pytest.raises(BufferError, match="device"):
        tb.from_dlpack(g)
    with pytest.raises(BufferError, match="device"):
        tb.from_dlpack(g.__dlpack__())  # validated from the struct too


# -------------------------------------------------------------------- JAX


# The dtypes JAX has without jax_enable_x64.
JAX_DTYPES = [
    "bool", "int8", "int16", "int32", "uint8", "uint16", "uint32",
    "float16", "bfloat16", "float32", "complex64",
]  # fmt: skip


@pytest.mark.parametrize("name", JAX_DTYPES)
def test_jax_both_ways(name):
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    tdt = getattr(tb, name)
    ndt = dict((d.name, n) for d, n in DTYPES)[name]
    ref = make_values(ndt, (3, 4), seed=9, special=False)
    t = tb.tensor(ref)
    for consume in (jnp.from_dlpack, jax.dlpack.from_dlpack):
        j = consume(t)
        assert np.asarray(j).dtype == ndt
        assert_same_bits(np.asarray(j), ref)
        assert j.unsafe_buffer_pointer() == t.data_ptr(), "JAX copied an aligned contiguous tensor"
    src = jnp.asarray(ref)
    u = tb.from_dlpack(src)
    assert u.dtype == tdt
    assert u.data_ptr() == src.unsafe_buffer_pointer()
    assert_same_bits(u, ref)


def test_jax_views_and_lifetimes():
    jnp = pytest.importorskip("jax.numpy")
    t = tb.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    for v in [t.T, t[1:], t[1, 1], t[:0]]:
        assert (np.asarray(jnp.from_dlpack(v)) == v.numpy()).all()
    # JAX takes only compact (possibly transposed) strides: it may refuse a
    # stepped view, but never misread it.
    v = t[:, ::2]
    try:
        assert (np.asarray(jnp.from_dlpack(v)) == v.numpy()).all()
    except Exception as e:  # jax.errors.JaxRuntimeError: UNIMPLEMENTED
        assert "strid" in str(e)
    a, ref = _alive_array(dtype=np.float32)
    j = jnp.from_dlpack(tb.from_numpy(a))
    shared = j.unsafe_buffer_pointer() == a.ctypes.data
    del a
    gc.collect()
    assert (ref() is not None) == shared
    assert (np.asarray(j) == np.arange(257) * 3).all()
    del j
    gc.collect()
    assert ref() is None
    src = jnp.arange(257, dtype=jnp.float32) * 3
    u = tb.from_dlpack(src)
    del src
    gc.collect()
    _values_ok(u)


# ------------------------------------------------------------- TensorFlow


TF_DTYPES = [n for n in DTYPE_IDS if n != "bfloat16"]


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("name", TF_DTYPES)
def test_tensorflow_both_ways(tf, name):
    tdt = getattr(tb, name)
    ndt = dict((d.name, n) for d, n in DTYPES)[name]
    ref = make_values(ndt, (3, 4), seed=11)
    t = tb.tensor(ref)
    x = tf.experimental.dlpack.from_dlpack(t.__dlpack__())
    assert_same_bits(x.numpy(), ref)
    # Back through TF's own capsule: the same memory proves TF shared it.
    back = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(x))
    assert back.dtype == tdt
    assert_same_bits(back, ref)
    assert back.data_ptr() == t.data_ptr()
    u = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(tf.constant(ref)))
    assert u.dtype == tdt
    assert_same_bits(u, ref)


def test_tensorflow_lifetimes(tf):
    a, ref = _alive_array()
    x = tf.experimental.dlpack.from_dlpack(tb.from_numpy(a).__dlpack__())
    del a
    gc.collect()
    assert ref() is not None
    _values_ok(x.numpy())
    del x
    gc.collect()
    assert ref() is None
    src = tf.constant(np.arange(257, dtype=np.float64) * 3)
    u = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(src))
    del src
    gc.collect()
    _values_ok(u)
    if hasattr(tf.Tensor, "__dlpack__"):
        v = tb.from_dlpack(tf.constant(np.arange(257, dtype=np.float64) * 3))
        _values_ok(v)
