"""SPEC §1 DLPack, the C exchange API (DLPack 1.3): `tb.Tensor` publishes
`__dlpack_c_exchange_api__` (a "dlpack_exchange_api" capsule over a static
table whose functions round-trip tensors, share memory and call each
deleter once), and `tb.from_dlpack` uses a producer's table (PyTorch's) when
its type has one, falling back to `__dlpack__` when the table is absent,
malformed or cannot, and raising real errors; never crashing.

The table is called here through ctypes: PYFUNCTYPE for the functions the
header calls with the GIL held (a failure then raises the Python exception
the function set), CFUNCTYPE (GIL released) for the allocator and the
stream query, which need no Python."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
import tensorbridge as tb
from conftest import BF16, DTYPE_IDS, DTYPES, assert_same_bits, make_values
from dlpack_structs import (
    DELETER,
    READ_ONLY,
    DLDataType,
    DLDevice,
    DLManagedTensorVersioned,
    DLPackVersion,
    DLTensor,
    Producer,
    _alive_array,
    _values_ok,
)

# ---------------------------------------------------------------- the ABI


class DLPackExchangeAPI(ctypes.Structure):
    """`DLPackExchangeAPI`, its header flattened (same layout)."""

    _fields_ = [
        ("version", DLPackVersion),
        ("prev_api", ctypes.c_void_p),
        ("managed_tensor_allocator", ctypes.c_void_p),
        ("managed_tensor_from_py_object_no_sync", ctypes.c_void_p),
        ("managed_tensor_to_py_object_no_sync", ctypes.c_void_p),
        ("dltensor_from_py_object_no_sync", ctypes.c_void_p),
        ("current_work_stream", ctypes.c_void_p),
    ]


VOIDPP = ctypes.POINTER(ctypes.c_void_p)
FROM_PY = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, VOIDPP)
TO_PY = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, VOIDPP)
DLTENSOR_FROM_PY = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, ctypes.POINTER(DLTensor))
STREAM = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int32, ctypes.c_int32, VOIDPP)
SET_ERROR = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)
ALLOCATOR = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(DLTensor), VOIDPP, ctypes.c_void_p, SET_ERROR
)
# A producer's export function written in Python, for fake producers.
FROM_PY_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, VOIDPP)

# Own function objects, so the argtypes other test files set on
# ctypes.pythonapi's shared ones do not matter.
_api = ctypes.pythonapi
_get_name = ctypes.PYFUNCTYPE(ctypes.c_char_p, ctypes.py_object)(("PyCapsule_GetName", _api))
_get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _api)
)
_new_capsule = ctypes.PYFUNCTYPE(
    ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p
)(("PyCapsule_New", _api))
_decref = ctypes.PYFUNCTYPE(None, ctypes.py_object)(("Py_DecRef", _api))

NAME = b"dlpack_exchange_api"
# Tables, names and callbacks handed to C must live for the process, as the
# spec requires of real tables (and the consumer caches them per type).
_FOREVER: list = []


def table_of(cls) -> DLPackExchangeAPI:
    cap = cls.__dlpack_c_exchange_api__
    assert _get_name(cap) == NAME
    return DLPackExchangeAPI.from_address(_get_pointer(cap, NAME))


TB = table_of(tb.Tensor)
tb_from_py = FROM_PY(TB.managed_tensor_from_py_object_no_sync)
tb_to_py_raw = TO_PY(TB.managed_tensor_to_py_object_no_sync)
tb_dltensor = DLTENSOR_FROM_PY(TB.dltensor_from_py_object_no_sync)
tb_stream = STREAM(TB.current_work_stream)
tb_alloc = ALLOCATOR(TB.managed_tensor_allocator)


def export(from_py, obj) -> int:
    out = ctypes.c_void_p(0xBAD)
    assert from_py(obj, ctypes.byref(out)) == 0
    assert out.value
    return out.value


def to_py(to_py_raw, ptr):
    """Calls a `managed_tensor_to_py_object_no_sync`, taking over the new reference."""
    out = ctypes.c_void_p(0xBAD)
    assert to_py_raw(ptr, ctypes.byref(out)) == 0
    obj = ctypes.cast(out.value, ctypes.py_object).value
    _decref(obj)  # the reference the function returned is now `obj`'s
    return obj


def struct_at(ptr) -> DLManagedTensorVersioned:
    return DLManagedTensorVersioned.from_address(ptr)


class CountingDeleter:
    """Replaces a struct's deleter by one that counts, then calls the original."""

    def __init__(self, ptr):
        m = struct_at(ptr)
        self.calls = 0
        self._original = ctypes.cast(m.deleter, ctypes.c_void_p).value
        self._callback = DELETER(self._delete)
        m.deleter = self._callback
        _FOREVER.append(self)

    def _delete(self, ptr):
        self.calls += 1
        DELETER(self._original)(ptr)


def fake_capsule(version=(1, 3), prev_api=None, from_py=None, name=NAME):
    """A capsule over a hand-made table (other functions null)."""
    table = DLPackExchangeAPI(DLPackVersion(*version), prev_api)
    if from_py is not None:
        callback = FROM_PY_CALLBACK(from_py)
        table.managed_tensor_from_py_object_no_sync = ctypes.cast(callback, ctypes.c_void_p).value
        _FOREVER.append(callback)
    name_buf = ctypes.create_string_buffer(name)
    _FOREVER.extend([table, name_buf])
    return _new_capsule(ctypes.addressof(table), name_buf, None), table


# ------------------------------------------------- tensorbridge publishes


def test_capsule_is_published_on_the_type():
    t = tb.tensor([1.0])
    cap = tb.Tensor.__dlpack_c_exchange_api__
    assert type(cap).__name__ == "PyCapsule" and _get_name(cap) == NAME
    assert type(t).__dlpack_c_exchange_api__ is cap  # looked up on the type
    assert (TB.version.major, TB.version.minor) == (1, 3)
    assert TB.prev_api is None
    for field in (
        "managed_tensor_allocator",
        "managed_tensor_from_py_object_no_sync",
        "managed_tensor_to_py_object_no_sync",
        "dltensor_from_py_object_no_sync",
        "current_work_stream",
    ):
        assert getattr(TB, field), field
    # One static table for the process.
    assert _get_pointer(tb.Tensor.__dlpack_c_exchange_api__, NAME) == ctypes.addressof(TB)


def test_round_trip_shares_memory_and_deletes_once():
    a, ref = _alive_array()
    t = tb.from_numpy(a)
    refs = sys.getrefcount(t)
    ptr = export(tb_from_py, t)
    m = struct_at(ptr)
    assert (m.version.major, m.version.minor) == (1, 3) and m.flags == 0
    dl = m.dl_tensor
    assert dl.data == t.data_ptr() and dl.byte_offset == 0
    assert (dl.device.device_type, dl.device.device_id) == (1, 0)
    assert (dl.dtype.code, dl.dtype.bits, dl.dtype.lanes) == (2, 64, 1)
    assert dl.ndim == 1 and dl.shape[0] == 257 and dl.strides[0] == 1
    counter = CountingDeleter(ptr)
    u = to_py(tb_to_py_raw, ptr)
    assert type(u) is tb.Tensor and sys.getrefcount(u) == 2  # no leaked reference
    assert sys.getrefcount(t) == refs
    assert u.data_ptr() == t.data_ptr() and tb.shares_memory(u, t)
    u[0] = -1.0
    assert t[0].item() == -1.0
    u[0] = 0.0
    del a, t
    gc.collect()
    assert ref() is not None and counter.calls == 0
    _values_ok(u)
    del u
    gc.collect()
    assert counter.calls == 1 and ref() is None


@pytest.mark.parametrize("first", ["tensor", "round-trip"])
def test_round_trip_lifetimes_in_both_orders(first):
    a, ref = _alive_array()
    objs = {"tensor": tb.from_numpy(a)}
    objs["round-trip"] = to_py(tb_to_py_raw, export(tb_from_py, objs["tensor"]))
    del a
    second = "tensor" if first == "round-trip" else "round-trip"
    del objs[first]
    gc.collect()
    assert ref() is not None
    _values_ok(objs[second])
    del objs[second]
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize(("tdt", "ndt"), DTYPES, ids=DTYPE_IDS)
def test_round_trip_every_dtype_and_view(tdt, ndt):
    ref = make_values(ndt, (4, 5), seed=3)
    base = tb.tensor(ref)
    for view, want in [
        (base, ref),
        (base.T, ref.T),
        (base[1:, ::2], ref[1:, ::2]),
        (base[2, 3], ref[2, 3]),
    ]:
        u = to_py(tb_to_py_raw, export(tb_from_py, view))
        assert u.dtype == tdt and u.shape == view.shape and u.strides == view.strides
        assert u.data_ptr() == view.data_ptr()
        assert_same_bits(u, np.asarray(want))


def test_read_only_stays_read_only():
    a = np.arange(6.0)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    ptr = export(tb_from_py, t)
    assert struct_at(ptr).flags == READ_ONLY
    u = to_py(tb_to_py_raw, ptr)
    assert u.is_readonly
    with pytest.raises(ValueError, match="read-only"):
        u[0] = 1.0
    # A read-only struct from elsewhere stays read-only too.
    p = Producer(np.arange(3.0), flags=READ_ONLY)
    assert to_py(tb_to_py_raw, ctypes.addressof(p.struct)).is_readonly


def test_export_refuses_other_objects_and_nulls_out():
    for obj in [np.arange(3.0), [1, 2], None]:
        out = ctypes.c_void_p(0xBAD)
        with pytest.raises(TypeError, match="tensorbridge.Tensor"):
            tb_from_py(obj, ctypes.byref(out))
        assert out.value is None


def test_import_of_a_refused_struct_deletes_it_once():
    p = Producer(np.arange(4, dtype=np.float32), dtype=(2, 32, 2))  # two lanes
    out = ctypes.c_void_p(0xBAD)
    with pytest.raises(TypeError, match="lanes 2"):
        tb_to_py_raw(ctypes.addressof(p.struct), ctypes.byref(out))
    assert out.value is None and p.calls == 1
    q = Producer(np.arange(4.0), version=(2, 0))
    with pytest.raises(BufferError, match="version 2.0"):
        tb_to_py_raw(ctypes.addressof(q.struct), ctypes.byref(out))
    assert q.calls == 1
    with pytest.raises(ValueError, match="null"):
        tb_to_py_raw(None, ctypes.byref(out))


def test_dltensor_view_points_into_the_tensor():
    base = tb.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4))
    for t in [base, base.T, base[::2, 1:], base[1, 2], base[:, :1].expand(3, 5)]:
        dl = DLTensor()
        assert tb_dltensor(t, ctypes.byref(dl)) == 0
        assert dl.data == t.data_ptr() and dl.byte_offset == 0
        assert (dl.device.device_type, dl.device.device_id) == (1, 0)
        assert (dl.dtype.code, dl.dtype.bits, dl.dtype.lanes) == (2, 32, 1)
        assert dl.ndim == t.ndim
        assert [dl.shape[i] for i in range(t.ndim)] == list(t.shape)
        assert [dl.strides[i] for i in range(t.ndim)] == list(t.strides)


def test_dltensor_view_refusals():
    a = np.arange(3.0)
    a.flags.writeable = False
    dl = DLTensor()
    with pytest.raises(BufferError, match="read-only"):
        tb_dltensor(tb.from_numpy(a), ctypes.byref(dl))
    with pytest.raises(TypeError, match="tensorbridge.Tensor"):
        tb_dltensor(a, ctypes.byref(dl))


def test_current_work_stream_is_null():
    for device in [(1, 0), (2, 0), (2, 3)]:
        out = ctypes.c_void_p(0xBAD)
        assert tb_stream(*device, ctypes.byref(out)) == 0
        assert out.value is None


class ErrorSink:
    def __init__(self):
        self.errors = []
        self.callback = SET_ERROR(
            lambda ctx, kind, msg: self.errors.append((ctx, kind.decode(), msg.decode()))
        )


def prototype(shape, code=2, bits=32, device=(1, 0)):
    shape_buf = (ctypes.c_int64 * max(len(shape), 1))(*shape)
    dl = DLTensor(
        data=None,
        device=DLDevice(*device),
        ndim=len(shape),
        dtype=DLDataType(code, bits, 1),
        shape=ctypes.cast(shape_buf, ctypes.POINTER(ctypes.c_int64)),
    )
    return dl, shape_buf


def test_allocator_makes_a_zeroed_tensor_without_the_gil():
    dl, _keep = prototype([2, 3], code=5, bits=128)  # complex128
    sink = ErrorSink()
    out = ctypes.c_void_p(0xBAD)
    assert tb_alloc(ctypes.byref(dl), ctypes.byref(out), 7, sink.callback) == 0
    assert sink.errors == []
    m = struct_at(out.value)
    assert (m.version.major, m.version.minor) == (1, 3) and m.flags == 0
    assert [m.dl_tensor.strides[i] for i in range(2)] == [3, 1]
    counter = CountingDeleter(out.value)
    u = to_py(tb_to_py_raw, out.value)
    assert u.dtype == tb.complex128 and u.shape == (2, 3) and not u.numpy().any()
    u[1, 2] = 5j
    del u
    gc.collect()
    assert counter.calls == 1


@pytest.mark.parametrize(
    ("proto", "kind", "words"),
    [
        ({"shape": [2], "device": (2, 0)}, "BufferError", "device"),
        ({"shape": [2], "bits": 8}, "TypeError", "data type"),
        ({"shape": [2, -1]}, "ValueError", "negative"),
    ],
    ids=["cuda", "float8", "negative"],
)
def test_allocator_reports_through_set_error(proto, kind, words):
    dl, _keep = prototype(**proto)
    sink = ErrorSink()
    out = ctypes.c_void_p(0xBAD)
    assert tb_alloc(ctypes.byref(dl), ctypes.byref(out), 42, sink.callback) == -1
    assert out.value is None
    assert len(sink.errors) == 1  # exactly once
    ctx, got_kind, msg = sink.errors[0]
    assert ctx == 42 and got_kind == kind and words in msg
    # No SetError given: still -1, no crash.
    assert tb_alloc(ctypes.byref(dl), ctypes.byref(out), None, SET_ERROR()) == -1


_NO_GIL_DELETER = """
import ctypes, threading, numpy as np, tensorbridge as tb
VOIDPP = ctypes.POINTER(ctypes.c_void_p)
cap = tb.Tensor.__dlpack_c_exchange_api__
get = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(("PyCapsule_GetPointer", ctypes.pythonapi))
table = (ctypes.c_void_p * 7).from_address(get(cap, b"dlpack_exchange_api"))
from_py = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.py_object, VOIDPP)(table[3])
for _ in range(20):
    a = np.arange(257.0)
    out = ctypes.c_void_p()
    assert from_py(tb.from_numpy(a), ctypes.byref(out)) == 0
    del a  # the struct holds the last reference to the array
    deleter = ctypes.CFUNCTYPE(None, ctypes.c_void_p)((ctypes.c_void_p * 3).from_address(out.value)[2])
    t = threading.Thread(target=deleter, args=(out.value,))  # CFUNCTYPE: no GIL
    t.start(); t.join()
print("ok")
"""


def test_deleter_frees_python_owners_under_the_gil_from_any_thread():
    """A consumer may call the deleter of our exported struct on another
    thread without the GIL: it must take the GIL before releasing the NumPy
    array. Python's debug allocator aborts on any free without it."""
    env = dict(os.environ, PYTHONMALLOC="debug")
    r = subprocess.run(
        [sys.executable, "-c", _NO_GIL_DELETER],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


# ------------------------------------------------------- PyTorch, both ways


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def no_dunder_dlpack(torch, monkeypatch):
    """Makes torch's `__dlpack__`/`__dlpack_device__` fail: whatever still
    imports went through torch's C exchange table."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("__dlpack__ was called: the exchange table was not used")

    monkeypatch.setattr(torch.Tensor, "__dlpack__", refuse)
    monkeypatch.setattr(torch.Tensor, "__dlpack_device__", refuse)


def torch_table(torch):
    return table_of(torch.Tensor)


def test_torch_publishes_a_table_we_can_read(torch):
    t = torch_table(torch)
    assert t.version.major == 1 and t.managed_tensor_from_py_object_no_sync


@pytest.mark.parametrize(("tdt", "ndt"), DTYPES, ids=DTYPE_IDS)
def test_import_goes_through_torch_table_every_dtype(torch, no_dunder_dlpack, tdt, ndt):
    if ndt == BF16:
        src = torch.linspace(-3, 3, 12, dtype=torch.bfloat16).reshape(3, 4)
        ref = src.float().numpy().astype(BF16)
    else:
        ref = make_values(ndt, (3, 4), seed=11)
        src = torch.from_numpy(ref.copy())
    t = tb.from_dlpack(src)
    assert t.dtype == tdt and t.data_ptr() == src.data_ptr()
    assert_same_bits(t, ref)
    # asarray shares the same road.
    assert tb.asarray(src).data_ptr() == src.data_ptr()


def test_import_views_and_mutations_through_torch_table(torch, no_dunder_dlpack):
    src = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    for v in [src.T, src[:, ::2], src[1:, 2:], src[2], src[1, 1], src[:0], src[:, :1].expand(4, 3)]:
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


def test_read_only_torch_export_stays_read_only(torch, monkeypatch):
    wrapper = pytest.importorskip("torch.utils.dlpack").__dict__.get("ReadOnlyTensorWrapper")
    if wrapper is None:
        pytest.skip("this torch has no ReadOnlyTensorWrapper")
    monkeypatch.setattr(wrapper, "__dlpack__", lambda self, **kw: pytest.fail("__dlpack__ used"))
    src = torch.arange(4.0)
    t = tb.from_dlpack(wrapper(src))  # through the wrapper's const table
    assert t.is_readonly and t.data_ptr() == src.data_ptr()
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 1.0


@pytest.mark.parametrize("first", ["torch", "tensorbridge"])
def test_torch_import_lifetimes_in_both_orders(torch, no_dunder_dlpack, first):
    a, ref = _alive_array()
    objs = {"torch": torch.from_numpy(a)}
    objs["tensorbridge"] = tb.from_dlpack(objs["torch"])
    del a
    second = "tensorbridge" if first == "torch" else "torch"
    del objs[first]
    gc.collect()
    assert ref() is not None
    _values_ok(objs[second].numpy())
    del objs[second]
    gc.collect()
    assert ref() is None, "the torch struct's deleter was not called"


def test_torch_consumes_ours_sharing_memory(torch):
    """torch.from_dlpack uses `__dlpack__` (PyTorch 2.15 does not consume
    tables); torch's own `managed_tensor_to_py_object_no_sync` takes our
    table's struct. Both share memory."""
    t = tb.tensor(np.arange(6.0).reshape(2, 3)).T
    tt = torch.from_dlpack(t)
    assert tt.data_ptr() == t.data_ptr() and tuple(tt.stride()) == t.strides
    a, ref = _alive_array()
    src = tb.from_numpy(a)
    via_table = to_py(
        TO_PY(torch_table(torch).managed_tensor_to_py_object_no_sync), export(tb_from_py, src)
    )
    assert isinstance(via_table, torch.Tensor) and via_table.data_ptr() == src.data_ptr()
    via_table[0] = -3.0
    assert src[0].item() == -3.0
    via_table[0] = 0.0
    del a, src
    gc.collect()
    assert ref() is not None
    _values_ok(via_table.numpy())
    del via_table
    gc.collect()
    assert ref() is None


def test_torch_table_struct_into_ours(torch):
    src = torch.arange(10, dtype=torch.int16)
    ptr = export(FROM_PY(torch_table(torch).managed_tensor_from_py_object_no_sync), src)
    counter = CountingDeleter(ptr)
    t = to_py(tb_to_py_raw, ptr)
    assert t.dtype == tb.int16 and t.data_ptr() == src.data_ptr()
    del src
    gc.collect()
    assert counter.calls == 0 and t.numpy().tolist() == list(range(10))
    del t
    gc.collect()
    assert counter.calls == 1


def test_what_torch_dunder_dlpack_refuses_is_still_refused(torch):
    """PyTorch's table exports tensors its `__dlpack__` refuses; from_dlpack
    gives the same answer either way (see the note in dlpack_exchange.rs)."""
    with pytest.raises(BufferError, match="gradient"):
        tb.from_dlpack(torch.ones(3, requires_grad=True))
    with pytest.raises(BufferError, match="gradient"):
        tb.from_dlpack(torch.nn.Parameter(torch.ones(3)))
    # Lazily conjugated: the memory holds 1+2j; the value is 1-2j.
    with pytest.raises(BufferError, match="conjugate"):
        tb.from_dlpack(torch.tensor([1 + 2j]).conj())
    with pytest.raises(BufferError, match="layout"):
        tb.from_dlpack(torch.eye(2).to_sparse())  # the table fails; __dlpack__ explains


def test_resolved_complex_goes_through_the_table(torch, no_dunder_dlpack):
    t = tb.from_dlpack(torch.tensor([1 + 2j]).conj().resolve_conj())
    assert t.numpy().tolist() == [1 - 2j]
    assert tb.from_dlpack(torch.ones(3, requires_grad=True).detach()).numpy().tolist() == [1, 1, 1]


def test_torch_subclass_uses_the_inherited_table(torch, no_dunder_dlpack):
    class Sub(torch.Tensor):
        pass

    src = torch.arange(4.0).as_subclass(Sub)
    assert tb.from_dlpack(src).data_ptr() == src.data_ptr()


# ------------------------------------------- other producers, bad tables


class FakeProducer:
    """A NumPy-backed DLPack producer counting its `__dlpack__` calls;
    subclasses set `__dlpack_c_exchange_api__`."""

    def __init__(self, n=5):
        self.array = np.arange(float(n))
        self.dunder_calls = 0

    def __dlpack__(self, **kwargs):
        self.dunder_calls += 1
        return self.array.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return (1, 0)


def imports_via_dunder(cls):
    x = cls()
    t = tb.from_dlpack(x)
    assert (t.numpy() == x.array).all() and t.data_ptr() == x.array.ctypes.data
    return x.dunder_calls == 1


def test_bad_tables_fall_back_to_dunder_dlpack(torch):
    cases = {
        "wrong name": fake_capsule(name=b"not_the_exchange_api")[0],
        "version 2.0": fake_capsule(version=(2, 0))[0],
        "version 0.9": fake_capsule(version=(0, 9))[0],
        "null export": fake_capsule(version=(1, 3))[0],
        "not a capsule": 12345,
        "None": None,
        "torch's table on a non-torch object": torch.Tensor.__dlpack_c_exchange_api__,
        "export fails without an exception": fake_capsule(from_py=lambda obj, out: -1)[0],
        "export succeeds without a struct": fake_capsule(from_py=lambda obj, out: 0)[0],
    }
    for why, capsule in cases.items():
        cls = type(f"Producer_{why}", (FakeProducer,), {"__dlpack_c_exchange_api__": capsule})
        assert imports_via_dunder(cls), why


def test_bad_table_without_dunder_dlpack_raises_clearly():
    cls = type("NoDunder", (), {"__dlpack_c_exchange_api__": fake_capsule(version=(2, 0))[0]})
    with pytest.raises(TypeError, match="__dlpack__"):
        tb.from_dlpack(cls())


def test_chain_walk_reaches_an_older_major_one_table(torch, no_dunder_dlpack):
    capsule, _ = fake_capsule(version=(2, 0), prev_api=ctypes.addressof(torch_table(torch)))
    sub = type("FutureTorch", (torch.Tensor,), {"__dlpack_c_exchange_api__": capsule})
    src = torch.arange(3.0).as_subclass(sub)
    assert tb.from_dlpack(src).data_ptr() == src.data_ptr()


def test_fake_table_struct_is_validated_and_deleted_once():
    good = Producer(np.arange(5.0))
    bad = Producer(np.arange(5, dtype=np.float32), dtype=(2, 8, 1))  # float8: unsupported
    cuda = Producer(np.arange(5.0), device=(2, 0))

    def handing_out(p):
        def from_py(obj, out):
            out[0] = ctypes.addressof(p.struct)
            return 0

        return type(
            "Table",
            (FakeProducer,),
            {"__dlpack_c_exchange_api__": fake_capsule(from_py=from_py)[0]},
        )

    x = handing_out(good)()
    t = tb.from_dlpack(x)
    assert x.dunder_calls == 0 and t.data_ptr() == good.array.ctypes.data
    del t
    gc.collect()
    assert good.calls == 1
    # A struct the import refuses is a real error, not a fallback.
    x = handing_out(bad)()
    with pytest.raises(TypeError, match="data type"):
        tb.from_dlpack(x)
    assert x.dunder_calls == 0 and bad.calls == 1
    # Another device: released, then `__dlpack__` negotiates.
    assert imports_via_dunder(handing_out(cuda))
    assert cuda.calls == 1


def test_numpy_and_capsules_are_unaffected():
    a = np.arange(4.0)
    assert tb.from_dlpack(a).data_ptr() == a.ctypes.data
    assert tb.from_dlpack(a.__dlpack__()).data_ptr() == a.ctypes.data
    t = tb.tensor([1.0, 2.0])
    assert tb.from_dlpack(t).data_ptr() == t.data_ptr()


def test_many_types_do_not_confuse_the_cache(torch):
    classes = [type(f"P{i}", (FakeProducer,), {}) for i in range(20)]
    for _ in range(2):
        for cls in classes:
            assert imports_via_dunder(cls)
    src = torch.arange(3.0)
    assert tb.from_dlpack(src).data_ptr() == src.data_ptr()


def test_concurrent_imports(torch):
    src = torch.arange(100.0)
    seen = []

    def work():
        seen.extend(tb.from_dlpack(src).data_ptr() for _ in range(200))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert seen == [src.data_ptr()] * 800
