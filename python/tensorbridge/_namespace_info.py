"""``__array_namespace_info__()``: what this library supports, in the shape
the Array API standard's inspection API asks for."""

from __future__ import annotations

from typing import Any

from . import _core

_ALL = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
_KIND_NAMES = {
    "bool": ("bool",),
    "signed integer": ("int8", "int16", "int32", "int64"),
    "unsigned integer": ("uint8", "uint16", "uint32", "uint64"),
    "integral": ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"),
    "real floating": ("float32", "float64"),
    "complex floating": ("complex64", "complex128"),
}
_KIND_NAMES["numeric"] = (
    _KIND_NAMES["integral"] + _KIND_NAMES["real floating"] + _KIND_NAMES["complex floating"]
)


class Info:
    """The namespace's capabilities, devices and dtypes."""

    __module__ = "tensorbridge"

    def capabilities(self) -> dict[str, Any]:
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> _core.device:
        return _core.device("cpu")

    def devices(self) -> list[_core.device]:
        return [_core.device("cpu")]

    def default_dtypes(self, *, device: Any = None) -> dict[str, _core.dtype]:
        _check_device(device)
        return {
            "real floating": _core.float32,
            "complex floating": _core.complex64,
            "integral": _core.int64,
            "indexing": _core.int64,
        }

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, _core.dtype]:
        """The dtypes of ``kind`` (a kind name, a dtype or a tuple of
        them); every standard dtype when ``kind`` is None. bfloat16 is
        supported everywhere but is not a standard dtype, so it is listed
        only when asked for by dtype."""
        _check_device(device)
        names: tuple[str, ...]
        if kind is None:
            names = ("bool",) + _KIND_NAMES["numeric"]
        else:
            names = tuple(n for n in _ALL if _matches(n, kind))
        return {n: getattr(_core, n) for n in names}


def _matches(name: str, kind: Any) -> bool:
    if isinstance(kind, tuple):
        return any(_matches(name, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KIND_NAMES:
            raise ValueError(f"unknown dtype kind {kind!r}; use one of {sorted(_KIND_NAMES)}")
        return name in _KIND_NAMES[kind]
    return name == _core.dtype(kind).name


def _check_device(device: Any) -> None:
    if device is not None and str(device) != "cpu":
        raise ValueError(f"unsupported device {device!r}: tensorbridge computes on the CPU")


def __array_namespace_info__() -> Info:
    """The Array API inspection object of ``tensorbridge``."""
    return Info()
