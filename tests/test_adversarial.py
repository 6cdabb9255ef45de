"""The adversarial input catalogue: malformed and hostile inputs to every road
into tensorbridge. Each case gets a clear exception of SPEC §3's type with a
message fragment asserted, or a defined result asserted against NumPy; none
crashes, hangs or leaks.

Categories (the parametrize ids make each case countable with
``pytest --collect-only -q tests/test_adversarial.py``):

1. ``__array_interface__`` dicts: unknown, object and byte-swapped
   typestrs, a null data pointer with elements, strides whose extent
   overflows ``isize``, negative dimensions, more than 64 dimensions, shape
   and strides of different lengths, missing keys, wrong versions, ``descr``
   lists, ``mask`` and ``offset`` keys, and the read-only flag (a tensor of a
   read-only interface is read-only: writes are refused).
2. The buffer protocol: strided, Fortran, negative-stride, 0-length and 0-d
   memoryviews, suboffsets (PIL-style), unknown and non-native formats,
   released views, huge shapes over real memory via ctypes.
3. DLPack producers whose ``__dlpack__`` raises or returns ``None``, an
   int, a non-capsule or a capsule of a wrong name, whose
   ``__dlpack_device__`` returns garbage; capsules consumed twice or renamed
   (hand-built malformed structs are in ``test_dlpack_malformed.py``).
4. Indexing keys: integers beyond int64 and beyond the dimension, huge and
   ``-2**63`` slice steps, masks of the wrong shape, ragged nested lists,
   float tensors, too many indices, two ellipses, too many ``None``s.
5. ``.npy`` headers for ``tb.load`` and ``tb.load(mmap=True)``: wrong magic,
   versions, header lengths that lie, ``fortran_order`` garbage, negative and
   overflowing shapes, unknown/object/structured descrs, short data (more
   in ``test_npy.py``).
6. Self-overlapping writable views: ``expand``, ``as_strided`` with zero
   strides and with windows folding onto each other.
7. Huge ``expand``s (2**62 elements): the view is fine, every road that
   would materialize it raises a clear error.
8. Objects that change while being converted: lists whose ``__len__`` lies
   or mutates, ``__array__`` returning another shape each call or a
   non-array, ``__index__``/``__float__`` that raise.
9. Nesting past the recursion limit, and self-containing lists.
10. Python ints beyond int64/uint64, NaN and infinities to integer dtypes.
11. Leaks: a subset of failing cases run ``TB_ADVERSARIAL_LEAK_ITERS``
    times each (default 2000): ``tracemalloc`` growth, resident memory
    growth and the input's reference count must stay flat.

What cannot be checked: a pointer that lies inside the address space
(``__array_interface__`` data, ``ctypes.from_address``) is trusted as NumPy
trusts it; only null pointers, overflowing extents, misalignment and
strides that are not whole elements are refused.
"""

from __future__ import annotations

import ctypes
import gc
import io
import os
import pickle
import struct
import sys
import tracemalloc

import numpy as np
import pytest
import tensorbridge as tb
from dlpack_structs import Producer, _capi, _CapsuleHolder, capsule_name

LEAK_ITERS = int(os.environ.get("TB_ADVERSARIAL_LEAK_ITERS", "2000"))


def raises(exc, fragment):
    """The expected outcome "raises `exc` with `fragment` in the message"."""
    return ("raises", exc, fragment)


def check(expect, fn):
    """Runs `fn` and checks it against `expect` (a `raises(...)` triple, or
    a callable that asserts on the result)."""
    if isinstance(expect, tuple) and expect[0] == "raises":
        _, exc, fragment = expect
        with pytest.raises(exc) as info:
            fn()
        assert fragment in str(info.value), f"{fragment!r} not in {info.value!s}"
        return info.value
    return expect(fn())


# ------------------------------------------------ 1. __array_interface__


class Interface:
    """An object that only exports `__array_interface__`."""

    def __init__(self, d, keep=None):
        self.__array_interface__ = d
        self._keep = keep


_AI_BUF = np.arange(12, dtype=np.float32)


def _ai(**kw):
    d = {"shape": (12,), "typestr": "<f4", "data": (_AI_BUF.ctypes.data, False), "version": 3}
    for k, v in kw.items():
        if v is KeyError:
            d.pop(k)
        else:
            d[k] = v
    return Interface(d, keep=_AI_BUF)


def _same_as_numpy(obj, readonly=False):
    def ok(t):
        expected = np.asarray(obj)
        assert t.shape == expected.shape
        np.testing.assert_array_equal(t.numpy(), expected)
        assert t.is_readonly == readonly

    return ok


ARRAY_INTERFACE = {
    "typestr-unknown": (_ai(typestr="<q9"), raises(TypeError, "not understood")),
    "typestr-garbage": (_ai(typestr="zzz"), raises(TypeError, "not understood")),
    "typestr-object": (_ai(typestr="|O8"), raises(TypeError, "unsupported dtype object")),
    "typestr-datetime": (_ai(typestr="<M8[s]"), raises(TypeError, "datetime64")),
    "typestr-not-str": (_ai(typestr=42), raises(TypeError, "")),
    "null-data-with-elements": (_ai(data=(0, False)), raises(ValueError, "data is NULL")),
    "data-not-a-tuple": (_ai(data="abc"), raises(TypeError, "bytes-like")),
    "data-bare-int": (_ai(data=_AI_BUF.ctypes.data), raises(TypeError, "bytes-like")),
    "strides-extent-overflows": (
        _ai(shape=(3,), strides=(2**62,)),
        raises(ValueError, "byte extent (its shape and strides) overflows"),
    ),
    "strides-extent-overflows-2d": (
        _ai(shape=(2, 2), strides=(2**62, 2**62)),
        raises(ValueError, "overflows the address space"),
    ),
    "strides-extent-below-zero": (
        _ai(shape=(3,), strides=(-(2**62),)),
        raises(ValueError, "overflows the address space"),
    ),
    "swapped-strides-overflow": (
        _ai(typestr=">f4", shape=(3,), strides=(2**62,)),
        raises(ValueError, "overflows the address space"),
    ),
    "misaligned-strides-overflow": (
        _ai(shape=(3,), strides=(2**62 + 1,)),
        raises(ValueError, "overflows the address space"),
    ),
    "shape-past-address-space": (_ai(shape=(2**62,)), raises(ValueError, "too big")),
    "negative-dimension": (_ai(shape=(-1,)), raises(ValueError, "negative dimensions")),
    "ndim-65": (_ai(shape=(1,) * 65), raises(ValueError, "number of dimensions must be within")),
    "shape-strides-lengths-differ": (
        _ai(shape=(3, 4), strides=(4,)),
        raises(ValueError, "mismatch in length of strides and shape"),
    ),
    "missing-shape": (_ai(shape=KeyError), raises(ValueError, "Missing __array_interface__ shape")),
    "missing-typestr": (
        _ai(typestr=KeyError),
        raises(ValueError, "Missing __array_interface__ typestr"),
    ),
    "missing-data": (_ai(data=KeyError), raises(ValueError, "cannot coerce scalar")),
    # Defined results: what NumPy reads from the dict, copied or shared.
    "null-data-empty": (_ai(data=(0, False), shape=(0,)), _same_as_numpy),
    "byte-swapped-typestr": (_ai(typestr=">f4"), _same_as_numpy),
    "version-2": (_ai(version=2), _same_as_numpy),
    "version-99": (_ai(version=99), _same_as_numpy),
    "descr-list": (_ai(descr=[("", "<f4")]), _same_as_numpy),
    "mask-ignored-as-numpy": (_ai(mask=np.ones(12, bool)), _same_as_numpy),
    "offset-ignored-for-pointers": (_ai(offset=4), _same_as_numpy),
}


@pytest.mark.parametrize("how", ["asarray", "as_tensor", "tensor"])
@pytest.mark.parametrize("case", list(ARRAY_INTERFACE), ids=list(ARRAY_INTERFACE))
def test_array_interface_dicts(case, how):
    obj, expect = ARRAY_INTERFACE[case]
    if callable(expect):
        expect = expect(obj)
    check(expect, lambda: getattr(tb, how)(obj))
    with pytest.raises(TypeError, match="from_numpy expects a numpy.ndarray"):
        tb.from_numpy(obj)


def test_array_interface_offset_into_a_buffer_is_honoured():
    raw = np.arange(6, dtype=np.float64)
    obj = Interface({"shape": (4,), "typestr": "<f8", "data": raw, "offset": 16, "version": 3})
    np.testing.assert_array_equal(tb.asarray(obj).numpy(), np.asarray(obj))
    assert tb.asarray(obj).numpy()[0] == 2.0


@pytest.mark.parametrize("how", ["asarray", "as_tensor", "asarray-copy-false"])
def test_array_interface_read_only_flag_is_kept(how):
    buf = np.arange(4.0)
    obj = Interface(
        {"shape": (4,), "typestr": "<f8", "data": (buf.ctypes.data, True), "version": 3}, keep=buf
    )
    t = tb.asarray(obj, copy=False) if how == "asarray-copy-false" else getattr(tb, how)(obj)
    assert t.is_readonly and t.data_ptr() == buf.ctypes.data
    with pytest.raises(ValueError, match="read-only"):
        t.fill_(1.0)
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        t += 1
    assert not t.numpy().flags.writeable
    assert memoryview(t).readonly
    with pytest.raises(TypeError, match="not writable"):
        ctypes.c_char.from_buffer(t)  # a writable buffer request
    assert buf.tolist() == [0.0, 1.0, 2.0, 3.0]
    # A copy is writeable and leaves the memory alone.
    c = tb.tensor(obj)
    assert not c.is_readonly
    c.fill_(9.0)
    assert buf.tolist() == [0.0, 1.0, 2.0, 3.0]


# ----------------------------------------------------- 2. buffer protocol


def _huge_ctypes_view(n):
    """A ctypes array type of `n` bytes laid over a small real buffer: its
    shape is huge, only its first bytes are real and may be read."""
    real = (ctypes.c_uint8 * 16)(*range(16))
    big = (ctypes.c_uint8 * n).from_address(ctypes.addressof(real))
    big._keep = real
    return big, real


def _released_memoryview():
    m = memoryview(b"ab")
    m.release()
    return m


BUFFERS = {
    "strided": (
        lambda: memoryview(np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2]),
        lambda t: t.tolist() == [[0, 2], [4, 6], [8, 10]],
    ),
    "negative-strides": (
        lambda: memoryview(np.arange(4)[::-1]),
        lambda t: t.tolist() == [3, 2, 1, 0],
    ),
    "fortran": (
        lambda: memoryview(np.asfortranarray(np.arange(6.0).reshape(2, 3))),
        lambda t: t.strides == (1, 2) and t.tolist() == [[0, 1, 2], [3, 4, 5]],
    ),
    "zero-length": (lambda: memoryview(b""), lambda t: t.shape == (0,) and t.dtype == tb.uint8),
    "zero-length-2d": (lambda: memoryview(np.zeros((0, 3))), lambda t: t.shape == (0, 3)),
    "zero-d": (lambda: memoryview(np.array(3.5)), lambda t: t.shape == () and t.item() == 3.5),
    "cast-shape": (
        lambda: memoryview(bytearray(24)).cast("B", (2, 3, 4)),
        lambda t: t.shape == (2, 3, 4),
    ),
    "format-n": (lambda: memoryview(bytearray(16)).cast("n"), lambda t: t.dtype == tb.int64),
    "format-bool": (
        lambda: memoryview(np.array([True, False])),
        lambda t: t.tolist() == [True, False],
    ),
    "non-native-format-copies": (
        lambda: memoryview(np.array([1, 256], dtype=">i4")),
        lambda t: t.tolist() == [1, 256] and t.dtype == tb.int32,
    ),
    "read-only-bytes": (lambda: memoryview(b"abcd"), lambda t: t.tolist() == [97, 98, 99, 100]),
    "pickle-buffer": (
        lambda: pickle.PickleBuffer(b"abcd"),
        lambda t: t.tolist() == [97, 98, 99, 100],
    ),
    "ctypes-array": (
        lambda: (ctypes.c_double * 3)(1, 2, 3),
        lambda t: t.tolist() == [1.0, 2.0, 3.0],
    ),
    "format-unknown-void": (
        lambda: memoryview(np.zeros(2, dtype="V3")),
        raises(TypeError, "unsupported dtype"),
    ),
    "format-struct": (
        lambda: memoryview(np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])),
        raises(TypeError, "unsupported dtype"),
    ),
    "format-char": (
        lambda: memoryview(bytearray(3)).cast("c"),
        raises(TypeError, "unsupported dtype |S1"),
    ),
    "format-pointer": (
        lambda: memoryview(bytearray(16)).cast("P"),
        raises(ValueError, "not a valid PEP 3118"),
    ),
    "ctypes-pointer": (
        lambda: ctypes.pointer(ctypes.c_int(3)),
        raises(ValueError, "not a valid PEP 3118"),
    ),
    "released": (
        lambda: _released_memoryview(),
        raises(ValueError, "released memoryview"),
    ),
}


@pytest.mark.parametrize("how", ["asarray", "as_tensor", "tensor"])
@pytest.mark.parametrize("case", list(BUFFERS), ids=list(BUFFERS))
def test_buffer_protocol_exporters(case, how):
    make, expect = BUFFERS[case]
    obj = make()
    if callable(expect):
        t = getattr(tb, how)(obj)
        assert expect(t), t
        if how == "tensor" and t.size:
            assert not t.is_readonly
        elif case == "read-only-bytes":
            assert t.is_readonly  # shared read-only memory stays read-only
    else:
        check(expect, lambda: getattr(tb, how)(obj))


def test_buffer_with_suboffsets_is_refused():
    testbuffer = pytest.importorskip("_testbuffer")
    x = testbuffer.ndarray(list(range(12)), shape=[3, 4], format="i", flags=testbuffer.ND_PIL)
    assert memoryview(x).suboffsets
    for how in ("asarray", "as_tensor", "tensor"):
        with pytest.raises(BufferError, match="suboffsets"):
            getattr(tb, how)(x)


def test_buffer_exporter_with_writable_zero_strides_refuses_writes():
    testbuffer = pytest.importorskip("_testbuffer")
    x = testbuffer.ndarray([7, 8], shape=[4], strides=[0], format="q", flags=testbuffer.ND_WRITABLE)
    assert not memoryview(x).readonly and memoryview(x).strides == (0,)
    t = tb.asarray(x)
    assert t.tolist() == [7, 7, 7, 7] and t.strides == (0,)
    with pytest.raises(ValueError, match="one memory location"):
        t.fill_(1)
    assert t.tolist() == [7, 7, 7, 7]


def test_huge_ctypes_shape_over_real_memory_shares_without_reading():
    big, real = _huge_ctypes_view(2**62)
    t = tb.asarray(big)
    assert t.shape == (2**62,) and t.dtype == tb.uint8
    assert t.data_ptr() == ctypes.addressof(real)
    assert t[3].item() == 3  # the real bytes read fine
    with pytest.raises(ValueError, match="out of memory"):
        t.clone()
    with pytest.raises(ValueError, match="out of memory"):
        tb.tensor(big)  # 4 EiB cannot be allocated


def test_resizing_a_shared_bytearray_is_refused():
    ba = bytearray(b"\x01\x02\x03\x04")
    t = tb.asarray(ba)
    with pytest.raises(BufferError, match="re-sized"):
        ba.extend(b"x" * 1000)
    assert t.tolist() == [1, 2, 3, 4]


# --------------------------------------------------------- 3. DLPack


_DL_SRC = np.arange(6.0)


class Producer2:
    """A DLPack producer whose two methods return whatever it is told."""

    def __init__(self, dlpack=None, device=(1, 0)):
        self.dlpack, self.device = dlpack, device

    def __dlpack__(self, **kwargs):
        if isinstance(self.dlpack, BaseException):
            # A fresh exception each time: re-raising one instance would
            # chain every traceback (and the frames holding `self`) onto it.
            raise type(self.dlpack)(*self.dlpack.args)
        return self.dlpack(kwargs) if callable(self.dlpack) else self.dlpack

    def __dlpack_device__(self):
        if isinstance(self.device, BaseException):
            raise type(self.device)(*self.device.args)
        return self.device


def _good(kwargs):
    return _DL_SRC.__dlpack__(**kwargs)


def _named_capsule(name):
    return _capi.PyCapsule_New(ctypes.addressof(ctypes.c_int(0)), name, None)


def _values_are_source(t):
    assert t.tolist() == _DL_SRC.tolist()


DLPACK_PRODUCERS = {
    "dlpack-raises": (Producer2(RuntimeError("boom")), raises(RuntimeError, "boom")),
    "dlpack-raises-buffer-error": (Producer2(BufferError("no")), raises(BufferError, "no")),
    "dlpack-returns-none": (Producer2(None), raises(TypeError, "got NoneType")),
    "dlpack-returns-int": (Producer2(3), raises(TypeError, "got int")),
    "dlpack-returns-str": (Producer2("capsule"), raises(TypeError, "got str")),
    "dlpack-returns-array": (Producer2(_DL_SRC), raises(TypeError, "got ndarray")),
    "dlpack-wrong-capsule-name": (
        Producer2(lambda kw: _named_capsule(b"dltensor_wrong")),
        raises(TypeError, "is not a DLPack capsule"),
    ),
    "dlpack-nameless-capsule": (
        Producer2(lambda kw: _named_capsule(None)),
        raises(TypeError, "nameless capsule"),
    ),
    "dlpack-used-capsule": (
        Producer2(lambda kw: _named_capsule(b"used_dltensor")),
        raises(ValueError, "already consumed"),
    ),
    # Where CUDA is available the producer is asked, with a stream, and
    # NumPy's refusal of the stream (ValueError from NumPy 2.5) comes back.
    "device-cuda": (
        Producer2(_good, (2, 0)),
        raises((RuntimeError, ValueError), "stream")
        if tb.cuda.is_available()
        else raises(BufferError, "DLPack device (type 2, id 0)"),
    ),
    "device-negative-type": (Producer2(_good, (-1, 0)), raises(BufferError, "type -1")),
    # A device answer that is not a pair of ints says nothing: the capsule's
    # own (validated) device decides, as for producers without the method.
    "device-three-tuple": (Producer2(_good, (1, 0, 0)), _values_are_source),
    "device-strings": (Producer2(_good, ("cpu", "0")), _values_are_source),
    "device-negative-id": (Producer2(_good, (1, -5)), _values_are_source),
    "device-raises": (Producer2(_good, ValueError("dev")), _values_are_source),
    "device-none": (Producer2(_good, None), _values_are_source),
    "device-huge-type": (Producer2(_good, (2**40, 0)), _values_are_source),
}


@pytest.mark.parametrize("how", ["from_dlpack", "asarray", "as_tensor", "tensor"])
@pytest.mark.parametrize("case", list(DLPACK_PRODUCERS), ids=list(DLPACK_PRODUCERS))
def test_hostile_dlpack_producers(case, how):
    producer, expect = DLPACK_PRODUCERS[case]
    check(expect, lambda: getattr(tb, how)(producer))


@pytest.mark.parametrize("how", ["from_dlpack", "asarray", "as_tensor", "tensor"])
def test_capsule_consumed_twice(how):
    p = Producer(np.arange(3.0))
    c = p.capsule()
    t = tb.from_dlpack(c)
    assert capsule_name(c) == "used_dltensor_versioned"
    with pytest.raises(ValueError, match="already consumed"):
        getattr(tb, how)(_CapsuleHolder(c))
    with pytest.raises(ValueError, match="already consumed"):
        tb.from_dlpack(c)
    del t
    gc.collect()
    assert p.calls == 1


@pytest.mark.parametrize(
    "name, error, fragment",
    [
        (b"used_dltensor_versioned", ValueError, "already consumed"),
        (b"used_dltensor", ValueError, "already consumed"),
        (b"DLTENSOR_VERSIONED", TypeError, "is not a DLPack capsule"),
        (b"dltensor_versioned\x00x", None, None),  # C sees the name up to NUL
    ],
    ids=["renamed-used-versioned", "renamed-used-legacy", "renamed-case", "renamed-nul"],
)
def test_renamed_capsules(name, error, fragment):
    p = Producer(np.arange(3.0))
    c = p.capsule(name)
    if error is None:
        assert tb.from_dlpack(c).tolist() == [0.0, 1.0, 2.0]
        return
    with pytest.raises(error, match=fragment):
        tb.from_dlpack(c)
    assert p.calls == 0, "a capsule tensorbridge did not take is not deleted by it"


def test_tensorbridge_capsule_consumed_by_numpy_then_tensorbridge():
    c = tb.arange(3.0).__dlpack__(max_version=(1, 0))
    assert np.from_dlpack(_CapsuleHolder(c)).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="already consumed"):
        tb.from_dlpack(c)


# ----------------------------------------------------- 4. indexing keys

_A = np.arange(12).reshape(3, 4)

INDEX_KEYS = {
    "int-2**63": (2**63, raises(IndexError, "out of bounds for axis 0 with size 3")),
    "int--2**63-1": (-(2**63) - 1, raises(IndexError, "out of bounds for axis 0 with size 3")),
    "int-2**100": (2**100, raises(IndexError, "out of bounds")),
    "int-beyond-dim": (3, raises(IndexError, "index 3 is out of bounds for axis 0 with size 3")),
    "int-below-dim": (-4, raises(IndexError, "index -4 is out of bounds")),
    "second-axis-2**64": ((0, 2**64), raises(IndexError, "axis 1 with size 4")),
    "np-int64-huge": (np.int64(2**62), raises(IndexError, "out of bounds")),
    "np-uint64-max": (np.uint64(2**64 - 1), raises(IndexError, "out of bounds")),
    "list-int-2**63": ([2**63], raises(IndexError, "out of range for int64")),
    "array-beyond-dim": (np.array([0, 3]), raises(IndexError, "out of bounds")),
    "mask-too-long": (np.ones(5, bool), raises(IndexError, "boolean index did not match")),
    "mask-2d-wrong": (np.ones((4, 4), bool), raises(IndexError, "boolean index did not match")),
    "ragged-list": ([[0, 1], [2]], raises(IndexError, "ragged nested sequence")),
    "nested-list-of-floats": ([[0.5]], raises(IndexError, "valid indices")),
    "float-tensor": (tb.tensor([0.0, 1.0]), raises(IndexError, "integer (or boolean) type")),
    "float-array": (np.array([1.0]), raises(IndexError, "integer (or boolean) type")),
    "float-scalar": (1.5, raises(IndexError, "valid indices")),
    "string": ("a", raises(IndexError, "valid indices")),
    "dict": ({0: 1}, raises(IndexError, "valid indices")),
    "too-many-ints": ((0, 0, 0), raises(IndexError, "too many indices")),
    "too-many-arrays": (([0], [0], [0]), raises(IndexError, "too many indices")),
    "two-ellipses": ((Ellipsis, Ellipsis), raises(IndexError, "single ellipsis")),
    "too-many-none": (
        (None,) * 70,
        raises(ValueError, "72 dimensions is more than the maximum of 64"),
    ),
    "zero-step": (slice(None, None, 0), raises(ValueError, "slice step cannot be zero")),
    "slice-bound-object": (slice("a", None), raises(TypeError, "slice indices must be integers")),
}


@pytest.mark.parametrize("op", ["get", "set"])
@pytest.mark.parametrize("case", list(INDEX_KEYS), ids=list(INDEX_KEYS))
def test_hostile_index_keys(case, op):
    key, expect = INDEX_KEYS[case]
    t = tb.tensor(_A)

    def run():
        if op == "get":
            return t[key]
        t[key] = 1

    check(expect, run)
    assert t.tolist() == _A.tolist(), "a refused assignment must not write"


@pytest.mark.parametrize(
    "key",
    [
        slice(None, None, 2**100),
        slice(None, None, -(2**100)),
        slice(None, None, -(2**63)),
        slice(None, None, 2**63),
        slice(None, None, 2**62),
        slice(-(2**100), 2**100, -1),
        slice(2**100, -(2**100), -(2**63)),
        (slice(None), slice(None, None, -(2**64))),
    ],
    ids=[
        "step-2**100",
        "step--2**100",
        "step--2**63",
        "step-2**63",
        "step-2**62",
        "bounds-2**100",
        "reverse-bounds-step--2**63",
        "axis1-step--2**64",
    ],
)
def test_huge_slice_steps_match_python(key):
    # Directed test: steps of -2**63 and below used to overflow `-step`.
    t = tb.tensor(_A)
    assert t[key].tolist() == _A[key].tolist()
    t[key] = -1
    a = _A.copy()
    a[key] = -1
    assert t.tolist() == a.tolist()


# --------------------------------------------------------- 5. .npy headers


def _npy(a, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


def _header(text, major=1, hlen=None):
    body = text.encode("latin1")
    fixed = 10 if major == 1 else 12
    total = -(-(fixed + len(body) + 1) // 64) * 64
    body += b" " * (total - fixed - len(body) - 1) + b"\n"
    n = len(body) if hlen is None else hlen
    size = struct.pack("<H", n) if major == 1 else struct.pack("<I", n)
    return b"\x93NUMPY" + bytes([major, 0]) + size + body


_GOOD = _npy(np.arange(12, dtype=np.float32).reshape(3, 4))
_F4 = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }"

NPY = {
    "wrong-magic": (b"\x93numpy" + _GOOD[6:], raises(ValueError, "magic string")),
    "magic-only": (b"\x93NUMPY", raises(ValueError, "ends inside the header")),
    "version-4": (b"\x93NUMPY\x04\x00" + _GOOD[8:], raises(ValueError, "version 4.0")),
    "version-3-with-v1-length-field": (
        b"\x93NUMPY\x03\x00" + _GOOD[8:],
        raises(ValueError, "the .npy header is"),
    ),
    "header-length-past-file": (
        _GOOD[:8] + struct.pack("<H", 60000) + _GOOD[10:],
        raises(ValueError, "header is 60000 bytes"),
    ),
    "header-length-cuts-dict": (
        _GOOD[:8] + struct.pack("<H", 20) + _GOOD[10:],
        raises(ValueError, "unterminated string"),
    ),
    "header-length-zero": (
        _GOOD[:8] + struct.pack("<H", 0) + _GOOD[10:],
        raises(ValueError, "ends where a value was expected"),
    ),
    "fortran-order-int": (
        _header("{'descr': '<f4', 'fortran_order': 2, 'shape': (3,), }") + bytes(12),
        raises(ValueError, "'fortran_order' must be True or False"),
    ),
    "fortran-order-none": (
        _header("{'descr': '<f4', 'fortran_order': None, 'shape': (3,), }") + bytes(12),
        raises(ValueError, "'fortran_order' must be True or False"),
    ),
    "shape-negative": (
        _header(_F4 % "(-1, 3)") + bytes(12),
        raises(ValueError, "negative dimension -1"),
    ),
    "shape-product-overflows": (
        _header(_F4 % "(4294967296, 4294967296)"),
        raises(ValueError, "element count overflows"),
    ),
    "shape-bytes-overflow": (
        _header(_F4 % "(9223372036854775807,)"),
        raises(ValueError, "data size overflows"),
    ),
    "shape-2**64": (
        _header(_F4 % "(18446744073709551616,)"),
        raises(ValueError, "shape overflows"),
    ),
    "shape-zero-times-huge": (
        _header(_F4 % "(0, 9223372036854775807, 9223372036854775807)"),
        raises(ValueError, "overflows the address space"),
    ),
    "shape-65-dims": (
        _header(_F4 % ("(" + "1," * 65 + ")")) + bytes(4),
        raises(ValueError, "65 dimensions"),
    ),
    "shape-list": (_header(_F4 % "[3]") + bytes(12), raises(ValueError, "'shape' must be a tuple")),
    "shape-bool": (
        _header(_F4 % "(True,)") + bytes(12),
        raises(ValueError, "'shape' must be a tuple"),
    ),
    "descr-unknown": (
        _header("{'descr': '<x4', 'fortran_order': False, 'shape': (3,), }") + bytes(12),
        raises(TypeError, "unsupported dtype unknown"),
    ),
    "descr-empty": (
        _header("{'descr': '', 'fortran_order': False, 'shape': (3,), }") + bytes(12),
        raises(TypeError, "unsupported dtype unknown"),
    ),
    "descr-object": (
        _header("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }") + bytes(24),
        raises(TypeError, "unsupported dtype object"),
    ),
    "descr-structured": (
        _header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }") + bytes(12),
        raises(TypeError, "structured dtype"),
    ),
    "descr-subarray": (
        _header("{'descr': ('<f4', (2,)), 'fortran_order': False, 'shape': (3,), }") + bytes(24),
        raises(ValueError, "'descr' must be a dtype string"),
    ),
    "duplicate-key": (
        _header("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"),
        raises(ValueError, "a key appears twice"),
    ),
    "extra-key": (
        _header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}") + bytes(12),
        raises(ValueError, "keys must be exactly"),
    ),
    "nul-in-header": (
        _header("{'descr': '<f4',\0 'fortran_order': False, 'shape': (3,), }") + bytes(12),
        raises(ValueError, "unexpected character"),
    ),
    "nesting-1000-deep": (
        _header(
            "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(" * 1000 + ")" * 1000 + "}"
        ),
        raises(ValueError, "nests too deeply"),
    ),
    "data-shorter-than-header-says": (_GOOD[:-5], raises(ValueError, "truncated")),
}


def _loads_as_numpy(content, mmap, tmp_path):
    p = tmp_path / "ok.npy"
    p.write_bytes(content)
    expected = np.load(p)
    t = tb.load(p, mmap=mmap)
    assert t.shape == expected.shape
    np.testing.assert_array_equal(t.numpy(), expected)


NPY_DEFINED = {
    "version-3": _npy(np.arange(3.0), version=(3, 0)),
    "extra-data-after-elements": _GOOD + bytes(100),
    "descr-without-byte-order": _header("{'descr': 'f4', 'fortran_order': False, 'shape': (3,), }")
    + np.arange(3, dtype="<f4").tobytes(),
    "one-byte-big-endian": _header("{'descr': '>u1', 'fortran_order': False, 'shape': (3,), }")
    + b"\x01\x02\x03",
}


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
@pytest.mark.parametrize("case", list(NPY), ids=list(NPY))
def test_hostile_npy_files(tmp_path, case, mmap):
    content, expect = NPY[case]
    p = tmp_path / "bad.npy"
    p.write_bytes(content)
    check(expect, lambda: tb.load(p, mmap=mmap))


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
@pytest.mark.parametrize("case", list(NPY_DEFINED), ids=list(NPY_DEFINED))
def test_odd_npy_files_load_as_numpy_does(tmp_path, case, mmap):
    _loads_as_numpy(NPY_DEFINED[case], mmap, tmp_path)


def test_header_length_lie_that_leaves_a_dict_reads_what_numpy_reads(tmp_path):
    # One byte short: the dict still parses, the data starts inside the padding.
    content = _GOOD[:8] + struct.pack("<H", struct.unpack("<H", _GOOD[8:10])[0] - 1) + _GOOD[10:]
    _loads_as_numpy(content, False, tmp_path)
    p = tmp_path / "odd.npy"
    p.write_bytes(content)
    with pytest.raises(ValueError, match="not a multiple of the 4-byte alignment"):
        tb.load(p, mmap=True)


# ------------------------------------------- 6. self-overlapping views


def _folded():
    """`as_strided` windows that share elements: rows (a0, a1), (a1, a2), (a2, a3)."""
    base = np.arange(4.0)
    return base, np.lib.stride_tricks.as_strided(base, shape=(3, 2), strides=(8, 8))


def _zero_stride():
    base = np.arange(4.0)
    return base, np.lib.stride_tricks.as_strided(base, shape=(4,), strides=(0,))


def _expanded():
    t = tb.zeros(1)
    return t, t.expand(4)


OVERLAP_WRITES = {
    "fill_": lambda t: t.fill_(1.0),
    "iadd": lambda t: t.__iadd__(1.0),
    "copy_": lambda t: t.copy_(tb.ones(t.shape)),
    "setitem-slice": lambda t: t.__setitem__(slice(None), 2.0),
    "setitem-mask": lambda t: t.__setitem__(tb.ones(t.shape, dtype=tb.bool), 2.0),
}
OVERLAPPING = {
    "as-strided-folded": _folded,
    "as-strided-zero-stride": _zero_stride,
    "expand": _expanded,
}


@pytest.mark.parametrize("write", list(OVERLAP_WRITES), ids=list(OVERLAP_WRITES))
@pytest.mark.parametrize("case", list(OVERLAPPING), ids=list(OVERLAPPING))
def test_writes_to_self_overlapping_views_are_refused(case, write):
    base, view = OVERLAPPING[case]()
    t = view if isinstance(view, tb.Tensor) else tb.from_numpy(view)
    before = np.array(base.numpy() if isinstance(base, tb.Tensor) else base)
    with pytest.raises(ValueError, match="one memory location"):
        OVERLAP_WRITES[write](t)
    after = base.numpy() if isinstance(base, tb.Tensor) else base
    np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize("case", list(OVERLAPPING), ids=list(OVERLAPPING))
def test_self_overlapping_views_export_read_only_and_copy_writeable(case):
    _, view = OVERLAPPING[case]()
    t = view if isinstance(view, tb.Tensor) else tb.from_numpy(view)
    assert not t.numpy().flags.writeable
    assert not np.asarray(t).flags.writeable
    assert memoryview(t).readonly
    assert memoryview(t).readonly
    with pytest.raises(TypeError, match="not writable"):
        ctypes.c_char.from_buffer(t)  # a writable buffer request
    c = t.clone()
    c.fill_(5.0)
    assert c.tolist() == np.full(t.shape, 5.0).tolist()
    # One element is one location: writing it is defined.
    t[(0,) * t.ndim] = 7.0
    assert t.numpy().flat[0] == 7.0


def test_folded_view_single_element_write_shows_in_both_windows():
    base, view = _folded()
    t = tb.from_numpy(view)
    t[0, 1] = 9.0  # a1
    assert t[1, 0].item() == 9.0 and base[1] == 9.0


def test_touching_windows_stay_writeable():
    base = np.arange(6.0)
    view = np.lib.stride_tricks.as_strided(base, shape=(3, 2), strides=(16, 8))
    t = tb.from_numpy(view)
    t += 1
    assert base.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert t.numpy().flags.writeable


# ----------------------------------------------------- 7. huge expands

HUGE = 2**62


def _huge():
    return tb.zeros(1).expand(HUGE)


EXPAND_MATERIALIZE = {
    "clone": (lambda e: e.clone(), raises(ValueError, "byte size overflows")),
    "contiguous": (lambda e: e.contiguous(), raises(ValueError, "byte size overflows")),
    "add": (lambda e: e + 1, raises(ValueError, "byte size overflows")),
    "eq": (lambda e: e == 0, raises(ValueError, "out of memory")),
    "astype": (lambda e: e.astype(tb.float64), raises(ValueError, "overflows")),
    "tolist": (lambda e: e.tolist(), raises(ValueError, "tolist: out of memory")),
    "numpy": (lambda e: e.numpy(), raises(ValueError, "too big")),
    "np.asarray": (lambda e: np.asarray(e), raises(ValueError, "too big")),
    "np.from_dlpack": (lambda e: np.from_dlpack(e), raises(ValueError, "too big")),
    "memoryview": (lambda e: memoryview(e), raises(BufferError, "more bytes than a buffer")),
    "bytes": (lambda e: bytes(e), raises(BufferError, "more bytes than a buffer")),
    "pickle": (lambda e: pickle.dumps(e, protocol=5), raises(ValueError, "byte size overflows")),
    "tensor": (lambda e: tb.tensor(e), raises(ValueError, "byte size overflows")),
    "sort": (lambda e: tb.sort(e), raises(ValueError, "byte size overflows")),
    "unique_values": (
        lambda e: tb.unique_values(e),
        raises(ValueError, "unique_values: out of memory"),
    ),
    "unique_all": (lambda e: tb.unique_all(e), raises(ValueError, "unique_all: out of memory")),
    "nonzero": (lambda e: tb.nonzero(e), raises(ValueError, "out of memory")),
    "mask": (lambda e: e[e == 0], raises(ValueError, "out of memory")),
    "cumulative_sum": (lambda e: tb.cumulative_sum(e), raises(ValueError, "byte size overflows")),
    "item": (lambda e: e.item(), raises(ValueError, "only a tensor with one element")),
    "bool": (lambda e: bool(e), raises(ValueError, "ambiguous")),
    "fill_": (lambda e: e.fill_(1), raises(ValueError, "one memory location")),
    "expand-more": (
        lambda e: e.unsqueeze(0).expand(4, HUGE),
        raises(ValueError, "element count overflows"),
    ),
}


@pytest.mark.parametrize("case", list(EXPAND_MATERIALIZE), ids=list(EXPAND_MATERIALIZE))
def test_huge_expand_materializing_raises(case):
    fn, expect = EXPAND_MATERIALIZE[case]
    check(expect, lambda: fn(_huge()))


def test_huge_expand_views_are_fine(tmp_path):
    e = _huge()
    assert e.shape == (HUGE,) and e.strides == (0,) and e.size == HUGE
    assert e.nbytes == HUGE * 4  # exact, past the address space, as NumPy's size * itemsize
    assert tb.zeros(1, dtype=tb.uint8).expand(HUGE).nbytes == HUGE
    assert e[HUGE - 1].item() == 0.0 and e[:: 2**61].shape == (2,)
    assert e.view(2, -1).shape == (2, HUGE // 2)
    assert repr(e) == "tensor([0., 0., 0.,  ..., 0., 0., 0.])"
    assert e.__array_interface__["shape"] == (HUGE,)
    assert tb.from_dlpack(e).shape == (HUGE,)
    with pytest.raises(ValueError, match="byte size overflows"):
        tb.save(tmp_path / "huge.npy", e)


def test_mid_size_expand_unique_refuses_instead_of_aborting():
    # 2**45 float32 elements: 128 TiB of scratch per grouping vector, past
    # x86-64's user address space, so no machine's allocator grants it
    # whatever its memory or overcommit policy (2**34, 64 GiB, was granted
    # lazily on a 128 GiB machine and the process was killed filling it).
    # The infallible allocation used to abort the process.
    e = tb.zeros(1).expand(2**45)
    with pytest.raises(ValueError, match="out of memory"):
        tb.unique_counts(e)
    small = tb.unique_counts(tb.zeros(1).expand(1000))
    assert small.counts.tolist() == [1000]


# -------------------------------- 8. objects that change while converted


class GrowingLen(list):
    def __len__(self):
        self.append(1.0)
        return list.__len__(self)


class ClearingGetitem(list):
    def __getitem__(self, i):
        self.clear()
        return 1


class LyingLen(list):
    def __len__(self):
        return 100


class NegativeLen(list):
    def __len__(self):
        return -1  # noqa: PLE0303 - the lie under test


class ShiftingArray:
    """`__array__` gives a longer array on every call."""

    def __init__(self):
        self.calls = 0

    def __array__(self, dtype=None, copy=None):
        self.calls += 1
        return np.zeros(self.calls)


class StableArray:
    """An array-like with only `__array__` (no `.shape`)."""

    def __array__(self, dtype=None, copy=None):
        return np.arange(2.0)


class NotAnArray:
    def __array__(self, dtype=None, copy=None):
        return [1, 2]


class ArrayRaises:
    def __array__(self, dtype=None, copy=None):
        raise KeyError("nope")


class IndexRaises:
    def __index__(self):
        raise ZeroDivisionError("index")


class FloatRaises:
    def __float__(self):
        raise ZeroDivisionError("float")


class IntSubclassRaising(int):
    def __index__(self):
        raise ZeroDivisionError("x")

    def __int__(self):
        raise ZeroDivisionError("x")


class FloatSubclassRaising(float):
    def __float__(self):
        raise ZeroDivisionError("x")


def _outer_cleared_by_element():
    outer = []

    class Clearing:
        def __array__(self, dtype=None, copy=None):
            outer.clear()
            return np.zeros(2)

    outer[:] = [Clearing(), np.zeros(2), np.zeros(2)]
    return outer


def _outer_grown_by_element():
    outer = []

    class Growing:
        def __array__(self, dtype=None, copy=None):
            outer.extend([np.zeros(2)] * 5)
            return np.zeros(2)

    outer[:] = [Growing(), np.zeros(2)]
    return outer


MUTATING = {
    # The list's own storage is read, not its overridden methods: NumPy's way.
    "len-appends": (lambda: GrowingLen([1.0, 2.0, 3.0]), lambda t: t.tolist() == [1.0, 2.0, 3.0]),
    "len-lies-flat": (lambda: LyingLen([1.0, 2.0]), lambda t: t.tolist() == [1.0, 2.0]),
    # Nested lists are read through the sequence protocol: the clearing
    # `__getitem__` runs once, and the emptied list no longer fits its shape.
    "getitem-clears": (
        lambda: ClearingGetitem([[1], [2], [3]]),
        raises(ValueError, "expected a sequence of length 3 at dimension 0 (got 0)"),
    ),
    "len-lies-nested": (
        lambda: [LyingLen([1.0, 2.0]), LyingLen([1.0, 2.0])],
        raises(ValueError, "ragged nested sequence: expected a sequence of length 100"),
    ),
    "len-negative": (
        lambda: [NegativeLen([1.0]), NegativeLen([2.0])],
        raises(ValueError, "__len__() should return >= 0"),
    ),
    "array-shifts-nested": (
        lambda: [ShiftingArray(), ShiftingArray()],
        raises(ValueError, "ragged nested sequence"),
    ),
    "array-shifts-between-calls": (
        lambda: [ShiftingArray()],
        raises(ValueError, "has shape [2] but the first one implies [1]"),
    ),
    "array-only-no-shape": (
        lambda: [StableArray(), StableArray()],
        lambda t: t.tolist() == [[0.0, 1.0], [0.0, 1.0]],
    ),
    "array-not-an-array": (
        lambda: NotAnArray(),
        raises(ValueError, "__array__ method not producing an array"),
    ),
    "array-raises": (lambda: ArrayRaises(), raises(KeyError, "nope")),
    "array-raises-nested": (lambda: [ArrayRaises()], raises(KeyError, "nope")),
    "element-clears-outer": (
        _outer_cleared_by_element,
        raises(ValueError, "expected a sequence of length 3"),
    ),
    "element-grows-outer": (
        _outer_grown_by_element,
        raises(ValueError, "expected a sequence of length 2"),
    ),
    "index-raises-element": (
        lambda: [IndexRaises()],
        raises(TypeError, "can't convert an element of type IndexRaises"),
    ),
    "float-raises-element": (
        lambda: [FloatRaises()],
        raises(TypeError, "can't convert an element of type FloatRaises"),
    ),
    "float-raises-scalar": (
        lambda: FloatRaises(),
        raises(TypeError, "can't make a tensor from FloatRaises"),
    ),
    # int and float subclasses are read by value, their hooks never run.
    "int-subclass-hooks-raise": (lambda: [IntSubclassRaising(3)], lambda t: t.tolist() == [3]),
    "float-subclass-hook-raises": (
        lambda: [FloatSubclassRaising(3.5), 1.0],
        lambda t: t.tolist() == [3.5, 1.0],
    ),
}


@pytest.mark.parametrize("how", ["tensor", "asarray", "as_tensor"])
@pytest.mark.parametrize("case", list(MUTATING), ids=list(MUTATING))
def test_objects_that_change_while_converted(case, how):
    make, expect = MUTATING[case]
    obj = make()
    if callable(expect):
        assert expect(getattr(tb, how)(obj))
    else:
        check(expect, lambda: getattr(tb, how)(obj))


def test_index_raising_in_key_propagates():
    t = tb.arange(5)
    with pytest.raises(ZeroDivisionError, match="index"):
        t[IndexRaises()]
    with pytest.raises(TypeError, match="slice indices must be integers"):
        t[IndexRaises() : 2]


# ------------------------------------------------ 9. recursion and cycles


def _deep(depth):
    x = [1.0]
    for _ in range(depth):
        x = [x]
    return x


def _self_containing():
    x = []
    x.append(x)
    return x


def _self_after_number():
    x = [1, 2]
    x.append(x)
    return x


def _self_nested():
    x = [[1, 2]]
    x[0].append(x)
    return x


def _tuple_cycle_through_list():
    inner = []
    t = (inner,)
    inner.append(t)
    return t


RECURSION = {
    "recursion-limit-plus-100": (
        lambda: _deep(sys.getrecursionlimit() + 100),
        raises(ValueError, "deeper than 64 levels"),
    ),
    "depth-65": (lambda: _deep(65), raises(ValueError, "deeper than 64 levels")),
    "self-containing": (_self_containing, raises(ValueError, "a list that contains itself?")),
    "self-after-numbers": (_self_after_number, raises(ValueError, "ragged nested sequence")),
    "self-nested": (_self_nested, raises(ValueError, "ragged nested sequence")),
    "tuple-list-cycle": (_tuple_cycle_through_list, raises(ValueError, "deeper than 64 levels")),
}


@pytest.mark.parametrize("how", ["tensor", "asarray", "as_tensor"])
@pytest.mark.parametrize("case", list(RECURSION), ids=list(RECURSION))
def test_deep_and_cyclic_nesting(case, how):
    make, expect = RECURSION[case]
    check(expect, lambda: getattr(tb, how)(make()))


def test_depth_64_still_works():
    assert tb.tensor(_deep(63)).ndim == 64


# ------------------------------------------- 10. ints and NaN to int


SCALARS = {
    "int-2**64": (
        lambda: tb.tensor([2**64]),
        raises(OverflowError, "out of range for every tensorbridge integer dtype"),
    ),
    "int-2**64-scalar": (lambda: tb.tensor(2**64), raises(OverflowError, "(int64 and uint64)")),
    "int--2**63-1": (lambda: tb.tensor([-(2**63) - 1]), raises(OverflowError, "out of range")),
    "int-2**63-default": (
        lambda: tb.tensor(2**63),
        raises(OverflowError, "pass dtype=tensorbridge.uint64"),
    ),
    "int-2**63-in-list": (
        lambda: tb.tensor([1, 2**63]),
        raises(OverflowError, "out of range for int64"),
    ),
    "int-2**63-nested": (
        lambda: tb.tensor([[1], [2**63]]),
        raises(OverflowError, "out of range for int64"),
    ),
    "int-2**70-nested": (
        lambda: tb.tensor([[1], [2**70]]),
        raises(OverflowError, "out of range for every"),
    ),
    "int--1-to-uint64": (
        lambda: tb.tensor([-1], dtype=tb.uint64),
        raises(OverflowError, "out of bounds for uint64"),
    ),
    "int-300-to-uint8": (
        lambda: tb.tensor([300], dtype=tb.uint8),
        raises(OverflowError, "out of bounds for uint8"),
    ),
    "int-2**64-1-to-uint64": (
        lambda: tb.tensor([2**64 - 1], dtype=tb.uint64),
        lambda t: t.tolist() == [2**64 - 1],
    ),
    "setitem-2**64": (
        lambda: tb.zeros(2, dtype=tb.int64).__setitem__(0, 2**64),
        raises(OverflowError, "out of range"),
    ),
    "setitem-256-uint8": (
        lambda: tb.zeros(2, dtype=tb.uint8).__setitem__(0, 256),
        raises(OverflowError, "out of bounds for uint8"),
    ),
}


@pytest.mark.parametrize("case", list(SCALARS), ids=list(SCALARS))
def test_python_ints_out_of_range(case):
    fn, expect = SCALARS[case]
    if callable(expect):
        assert expect(fn())
    else:
        check(expect, fn)


_SPECIAL = [float("nan"), float("inf"), float("-inf"), 1e30, -1e30, -0.0, 2.9]


@pytest.mark.parametrize(
    "dtype, ndt",
    [
        (tb.int8, "i1"),
        (tb.int32, "i4"),
        (tb.int64, "i8"),
        (tb.uint8, "u1"),
        (tb.uint64, "u8"),
        (tb.bool, "?"),
    ],
    ids=["int8", "int32", "int64", "uint8", "uint64", "bool"],
)
@pytest.mark.parametrize("road", ["tensor-list", "tensor-scalar", "astype", "setitem"])
def test_nan_and_infinity_to_integer_dtypes_match_numpy(dtype, ndt, road):
    # A tensor's cast (astype) gives NumPy's casts on this platform (see the
    # core's cpu/cast.rs). A Python number written into an integer dtype is
    # refused where the dtype cannot hold it, as NumPy 2 and PyTorch refuse
    # it: NaN with ValueError, infinities and out-of-range values with
    # OverflowError; in range it truncates.
    with np.errstate(invalid="ignore", over="ignore"):
        expected = np.array(_SPECIAL, dtype=np.float64).astype(ndt).tolist()
    if road != "astype" and ndt != "?":
        for v in _SPECIAL:
            error = ValueError if v != v else OverflowError
            write = {
                "tensor-list": lambda: tb.tensor([v], dtype=dtype),
                "tensor-scalar": lambda: tb.tensor(v, dtype=dtype),
                "setitem": lambda: tb.zeros(1, dtype=dtype).__setitem__(0, v),
            }[road]
            if abs(v) > 1e3 or v != v:
                with pytest.raises(error, match="no NaN|no infinity|out of bounds"):
                    write()
            else:
                assert tb.tensor([v], dtype=dtype).tolist() == np.array([v]).astype(ndt).tolist()
        return
    if road == "tensor-list":
        got = tb.tensor(_SPECIAL, dtype=dtype).tolist()
    elif road == "tensor-scalar":
        got = [tb.tensor(v, dtype=dtype).item() for v in _SPECIAL]
    elif road == "astype":
        got = tb.tensor(_SPECIAL, dtype=tb.float64).astype(dtype).tolist()
    else:
        t = tb.zeros(len(_SPECIAL), dtype=dtype)
        for i, v in enumerate(_SPECIAL):
            t[i] = v
        got = t.tolist()
    assert got == expected


# ------------------------------------------------------------ 11. leaks


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _leak_cases():
    """(id, input object, the failing call): a representative subset."""
    big, _ = _huge_ctypes_view(2**62)
    cases = [
        ("ai-strides-overflow", ARRAY_INTERFACE["strides-extent-overflows"][0], tb.asarray),
        ("ai-unknown-typestr", ARRAY_INTERFACE["typestr-unknown"][0], tb.tensor),
        ("ai-null-data", ARRAY_INTERFACE["null-data-with-elements"][0], tb.as_tensor),
        ("dlpack-raises", DLPACK_PRODUCERS["dlpack-raises"][0], tb.from_dlpack),
        ("dlpack-returns-int", DLPACK_PRODUCERS["dlpack-returns-int"][0], tb.from_dlpack),
        ("dlpack-wrong-capsule", DLPACK_PRODUCERS["dlpack-wrong-capsule-name"][0], tb.asarray),
        ("dlpack-cuda-device", DLPACK_PRODUCERS["device-cuda"][0], tb.from_dlpack),
        ("buffer-void-format", memoryview(np.zeros(2, dtype="V3")), tb.asarray),
        ("ragged-list", [[1, 2], [3]], tb.tensor),
        ("self-containing-list", _self_containing(), tb.tensor),
        ("deep-list", _deep(200), tb.tensor),
        ("int-2**64-list", [1, 2**64], tb.tensor),
        ("array-shifts", [ShiftingArray()], tb.tensor),
        ("array-raises", [ArrayRaises()], tb.tensor),
        (
            "readonly-write",
            tb.from_numpy(np.frombuffer(b"\0" * 16, dtype=np.float64)),
            lambda t: t.fill_(1.0),
        ),
        ("huge-expand-clone", _huge(), lambda e: e.clone()),
        ("huge-expand-tolist", _huge(), lambda e: e.tolist()),
        ("huge-expand-unique", _huge(), tb.unique_values),
        ("huge-expand-memoryview", _huge(), memoryview),
        ("folded-view-iadd", tb.from_numpy(_folded()[1]), lambda t: t.__iadd__(1)),
        ("index-2**100", tb.arange(3), lambda t: t[2**100]),
        ("index-float-tensor", tb.arange(3), lambda t: t[tb.tensor([0.5])]),
        ("index-step--2**63", tb.arange(3), lambda t: t[:: -(2**63)]),
        ("from-numpy-non-array", [1, 2], tb.from_numpy),
        ("huge-ctypes-clone", tb.asarray(big), lambda t: t.clone()),
    ]
    return cases


_LEAK_CASES = _leak_cases()


@pytest.mark.parametrize("case", range(len(_LEAK_CASES)), ids=[c[0] for c in _LEAK_CASES])
def test_failing_inputs_do_not_leak(case):
    name, obj, call = _LEAK_CASES[case]

    def once():
        # Every case fails (or, for the slice step, succeeds) the same way
        # each time; the loop measures what the failure leaves behind.
        try:
            call(obj)
        except Exception:  # noqa: BLE001, S110
            pass

    for _ in range(50):  # warm caches (interned strings, type caches)
        once()
    gc.collect()
    refs_before = sys.getrefcount(obj)
    rss_before = _rss_bytes()
    tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    for _ in range(LEAK_ITERS):
        once()
    gc.collect()
    traced_growth = tracemalloc.get_traced_memory()[0] - traced_before
    tracemalloc.stop()
    rss_growth = _rss_bytes() - rss_before
    refs_after = sys.getrefcount(obj)
    print(
        f"LEAK {name}: iters={LEAK_ITERS} refs {refs_before}->{refs_after} traced_growth={traced_growth}B rss_growth={rss_growth}B"
    )
    assert refs_after == refs_before, (
        f"{name}: the input gained {refs_after - refs_before} references"
    )
    assert traced_growth < 32 * 1024, f"{name}: tracemalloc grew {traced_growth} bytes"
    # Rust-side allocations are invisible to tracemalloc: resident memory
    # must not grow by more than noise (the allocator keeps freed pages).
    assert rss_growth < 4 * 1024 * 1024, f"{name}: resident memory grew {rss_growth} bytes"
