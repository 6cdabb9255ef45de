"""CUDA devices: queries, synchronisation and the caching allocator.

The driver is loaded when first needed, so tensorbridge imports and works on
machines without CUDA: there ``is_available()`` is ``False``,
``unavailable_reason()`` says why, and every request for a CUDA tensor
raises ``RuntimeError``. Device memory comes from a caching allocator: a
freed tensor's block is kept for reuse instead of going back to the driver,
``memory_allocated()`` counts the bytes live tensors hold,
``memory_reserved()`` those taken from the driver, and ``empty_cache()``
hands the unused ones back.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from . import _core


def _register_pip_cuda_libraries() -> None:
    """Tells the core where pip's CUDA wheels keep NVRTC and cuBLAS.

    PyTorch's CUDA builds depend on ``nvidia-*`` wheels whose libraries sit in
    ``site-packages/nvidia/*/lib``, off the dynamic loader's path. Nothing is
    loaded here: the core opens a library from these folders only when a
    kernel or matrix product first needs it and the loader cannot find it.
    """
    try:
        spec = importlib.util.find_spec("nvidia")
    except (ImportError, ValueError):
        return
    if spec is None or not spec.submodule_search_locations:
        return
    dirs = [
        str(lib) for root in spec.submodule_search_locations for lib in Path(root).glob("*/lib")
    ]
    if dirs:
        _core._cuda_add_search_dirs(sorted(dirs))


_register_pip_cuda_libraries()


def is_available() -> bool:
    """Whether tensorbridge can use a CUDA GPU here."""
    return _core._cuda_is_available()


def device_count() -> int:
    """Number of CUDA GPUs tensorbridge can use (0 without CUDA)."""
    return _core._cuda_device_count()


def unavailable_reason() -> str | None:
    """Why CUDA cannot be used here, or ``None`` when it can."""
    return _core._cuda_unavailable_reason()


def current_device() -> int:
    """The device ``t.cuda()`` and ``device="cuda"`` mean: always 0."""
    return 0


def get_device_name(device: Any = None) -> str:
    """The name of ``device``'s GPU (device 0 by default); RuntimeError without CUDA."""
    return _core._cuda_get_device_name(device)


def synchronize(device: Any = None) -> None:
    """Waits until the queued work of ``device`` (every device by default) is done."""
    if is_available():
        _core._cuda_synchronize(device)


def _memory_stats(device: Any) -> tuple[int, int, int]:
    """(allocated, reserved, peak allocated) bytes of ``device``; zeros without CUDA."""
    return _core._cuda_memory_stats(device) if is_available() else (0, 0, 0)


def memory_allocated(device: Any = None) -> int:
    """Bytes of ``device``'s memory held by live tensors (0 without CUDA)."""
    return _memory_stats(device)[0]


def memory_reserved(device: Any = None) -> int:
    """Bytes of ``device``'s memory taken from the driver: live plus cached."""
    return _memory_stats(device)[1]


def max_memory_allocated(device: Any = None) -> int:
    """The most bytes live tensors have held on ``device`` at once."""
    return _memory_stats(device)[2]


def empty_cache() -> None:
    """Hands cached, unused device memory back to the driver (no-op without CUDA)."""
    if is_available():
        _core._cuda_empty_cache()


__all__ = [
    "current_device",
    "device_count",
    "empty_cache",
    "get_device_name",
    "is_available",
    "max_memory_allocated",
    "memory_allocated",
    "memory_reserved",
    "synchronize",
    "unavailable_reason",
]
