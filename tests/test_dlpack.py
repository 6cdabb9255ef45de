"""SPEC §1 DLPack rows with NumPy: `Tensor.__dlpack__`/`__dlpack_device__`
and `tb.from_dlpack` share memory per the DLPack Python spec; lifetimes hold in
every deletion order; read-only memory stays read-only."""

from __future__ import annotations

import gc
import itertools
import threading

import numpy as np
import pytest
import tensorbridge as tb
from conftest import DTYPE_IDS, DTYPES, HAS_CUDA, assert_same_bits, check_cuda_request, make_values
from dlpack_structs import (
    IS_COPIED,
    NO_BF16,
    NO_BF16_IDS,
    READ_ONLY,
    _alive_array,
    _CapsuleHolder,
    _values_ok,
    capsule_name,
    read_legacy,
    read_versioned,
)

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
        with pytest.raises((RuntimeError, ValueError)):  # ValueError from NumPy 2.5
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


def test_export_signature_and_keyword_matching():
    """`__dlpack__` is the standard's keyword-only signature, whatever
    spelling of the keyword names the caller builds (interned or not)."""
    import inspect

    t = tb.tensor(np.arange(4.0))
    sig = inspect.signature(tb.Tensor.__dlpack__)
    assert str(sig) == "(self, /, *, stream=None, max_version=None, dl_device=None, copy=None)"
    # Keyword names built at run time are not interned: matched by value.
    name = "".join(["max_", "version"])
    assert capsule_name(t.__dlpack__(**{name: (1, 0)})) == "dltensor_versioned"
    assert capsule_name(t.__dlpack__(**{"".join(["co", "py"]): True})) == "dltensor"
    with pytest.raises(TypeError, match="unexpected keyword argument 'maxversion'"):
        t.__dlpack__(maxversion=(1, 0))
    with pytest.raises(TypeError, match="positional"):
        t.__dlpack__(None, max_version=(1, 0))
    with pytest.raises(TypeError, match="copy must be None, True or False"):
        t.__dlpack__(copy=1)
    with pytest.raises(TypeError):
        tb.Tensor.__dlpack__(np.arange(4.0))  # the descriptor checks self's type
    # Odd but valid max_version values are read like NumPy reads them.
    assert capsule_name(t.__dlpack__(max_version=(True, 5))) == "dltensor_versioned"
    assert capsule_name(t.__dlpack__(max_version=(-1, 0))) == "dltensor"


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
    g = check_cuda_request(lambda: tb.from_dlpack(a, device="cuda"))
    assert g is None or g.cpu().tolist() == a.tolist()
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


# Devices tensorbridge cannot hold: OpenCL, Metal, ROCm, a GPU ordinal no
# machine has, and CUDA itself where it is unavailable.
FOREIGN_DEVICES = [(4, 0), (8, 0), (10, 0), (2, 99)] + ([] if HAS_CUDA else [(2, 0)])


@pytest.mark.parametrize("device", FOREIGN_DEVICES, ids=str)
def test_from_dlpack_foreign_device_producer_raises_buffer_error(device):
    class Foreign:
        def __dlpack__(self, **kwargs):
            raise AssertionError("must not be asked for data")

        def __dlpack_device__(self):
            return device

    with pytest.raises(BufferError, match=rf"DLPack device \(type {device[0]}, id {device[1]}\)"):
        tb.from_dlpack(Foreign())


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
