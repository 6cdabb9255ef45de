"""ctypes mirrors of the DLPack C structs and a hand-built DLPack producer,
shared by the DLPack test files."""

from __future__ import annotations

import ctypes
import weakref

import numpy as np
import tensorbridge as tb
from conftest import BF16, DTYPES

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
    """The struct inside an unconsumed versioned capsule (not consumed).

    The struct is a view of the capsule's memory, which the capsule's
    destructor frees, so the view keeps the capsule alive: callers may pass a
    temporary (``read_versioned(t.__dlpack__(...)).flags``). Fields read from
    it (``m.dl_tensor``) keep the view, and so the capsule, alive in turn."""
    assert capsule_name(c) == "dltensor_versioned"
    ptr = _capi.PyCapsule_GetPointer(c, b"dltensor_versioned")
    m = DLManagedTensorVersioned.from_address(ptr)
    m._capsule = c
    return m


def read_legacy(c) -> DLManagedTensor:
    """As `read_versioned`, for a legacy capsule."""
    assert capsule_name(c) == "dltensor"
    m = DLManagedTensor.from_address(_capi.PyCapsule_GetPointer(c, b"dltensor"))
    m._capsule = c
    return m


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
    vals = np.asarray(obj.numpy(force=True) if isinstance(obj, tb.Tensor) else obj)
    assert vals.shape == (n,)
    assert (vals == np.arange(n) * 3).all()


class _CapsuleHolder:
    """An object whose `__dlpack__` hands out one prepared capsule."""

    def __init__(self, capsule, device=(1, 0)):
        self.capsule, self.device = capsule, device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device
