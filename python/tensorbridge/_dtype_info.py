"""The Array API's dtype metadata functions: ``finfo``, ``iinfo``,
``isdtype`` and ``astype``. The numbers come from NumPy (and ml_dtypes for
bfloat16), so they are the same IEEE facts everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core

_SIGNED = ("int8", "int16", "int32", "int64")
_UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
_REAL = ("float16", "bfloat16", "float32", "float64")
_COMPLEX = ("complex64", "complex128")
_KINDS = {
    "bool": ("bool",),
    "signed integer": _SIGNED,
    "unsigned integer": _UNSIGNED,
    "integral": _SIGNED + _UNSIGNED,
    "real floating": _REAL,
    "complex floating": _COMPLEX,
    "numeric": _SIGNED + _UNSIGNED + _REAL + _COMPLEX,
}


def _dtype(x: Any) -> _core.dtype:
    return x.dtype if isinstance(x, _core.Tensor) else _core.dtype(x)


@dataclass(frozen=True)
class finfo_object:
    """Machine limits of a floating-point dtype (``finfo``)."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: _core.dtype


@dataclass(frozen=True)
class iinfo_object:
    """Machine limits of an integer dtype (``iinfo``)."""

    bits: int
    max: int
    min: int
    dtype: _core.dtype


def finfo(type: Any, /) -> finfo_object:
    """Limits of a real or complex floating-point dtype (or a tensor's dtype);
    for complex dtypes, those of their real and imaginary parts."""
    d = _dtype(type)
    name = {"complex64": "float32", "complex128": "float64"}.get(d.name, d.name)
    if name not in _REAL:
        raise TypeError(f"finfo takes a floating-point dtype, got {d}; use iinfo for integers")
    if name == "bfloat16":
        import ml_dtypes

        info = ml_dtypes.finfo(ml_dtypes.bfloat16)
    else:
        info = np.finfo(np.dtype(name))
    return finfo_object(
        bits=int(info.bits),
        eps=float(info.eps),
        max=float(info.max),
        min=float(info.min),
        smallest_normal=float(info.smallest_normal),
        dtype=_core.dtype(name),
    )


def iinfo(type: Any, /) -> iinfo_object:
    """Limits of an integer dtype (or a tensor's dtype)."""
    d = _dtype(type)
    if d.name not in _SIGNED + _UNSIGNED:
        raise TypeError(f"iinfo takes an integer dtype, got {d}; use finfo for floats")
    info = np.iinfo(np.dtype(d.name))
    return iinfo_object(bits=int(info.bits), max=int(info.max), min=int(info.min), dtype=d)


def isdtype(dtype: Any, kind: Any) -> bool:
    """Whether ``dtype`` is of ``kind``: a dtype, one of the standard's kind
    names (``"bool"``, ``"signed integer"``, ``"unsigned integer"``,
    ``"integral"``, ``"real floating"``, ``"complex floating"``,
    ``"numeric"``), or a tuple of those."""
    if not isinstance(dtype, _core.dtype):
        raise TypeError(f"isdtype takes a tensorbridge dtype, got {type(dtype).__name__}")
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"unknown dtype kind {kind!r}; use one of {sorted(_KINDS)}")
        return dtype.name in _KINDS[kind]
    if isinstance(kind, _core.dtype):
        return dtype == kind
    raise TypeError(
        f"isdtype: kind must be a dtype, a kind name or a tuple, got {type(kind).__name__}"
    )


def astype(
    x: _core.Tensor, dtype: Any, /, *, copy: bool = True, device: Any = None
) -> _core.Tensor:
    """``x`` converted to ``dtype``; with ``copy=False`` the same tensor when
    nothing changes."""
    return x.astype(dtype, copy=copy, device=device)
