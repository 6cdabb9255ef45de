"""Functions the worker processes of test_shared_memory.py run.

They live in their own small module so that a spawned worker imports only
this and tensorbridge, not pytest and the test module. Tensors a test wants a
worker to keep between calls go in ``KEPT`` under a key the test picks.
"""

from __future__ import annotations

import os
from typing import Any

import tensorbridge as tb

KEPT: dict[str, Any] = {}


def memfd_count() -> int:
    """Descriptors and mappings of tensorbridge memory files this process holds."""
    fds = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            fds += os.readlink(f"/proc/self/fd/{name}").startswith("/memfd:tensorbridge")
        except OSError:
            pass  # the descriptor listdir itself used
    with open("/proc/self/maps") as f:
        maps = sum("memfd:tensorbridge" in line for line in f)
    return fds + maps


def keep(key: str, t: tb.Tensor) -> tuple[bool, str, tuple[int, ...], list[Any]]:
    """Keeps ``t`` and describes what arrived."""
    KEPT[key] = t
    return t.is_shared(), str(t.dtype), t.shape, t.tolist()


def read(key: str) -> list[Any]:
    """The values of a kept tensor now."""
    return KEPT[key].tolist()


def write(key: str, index: Any, value: Any) -> None:
    """``KEPT[key][index] = value``."""
    KEPT[key][index] = value


def forget(key: str) -> int:
    """Drops a kept tensor; the memory files this process still holds."""
    del KEPT[key]
    return memfd_count()


def echo(t: tb.Tensor) -> tb.Tensor:
    """Sends the tensor back."""
    return t


def fill_row(t: tb.Tensor) -> float:
    """Writes ``t[0] + 1`` into every element of a row view; returns the sum read."""
    t.fill_(float(t[0]) + 1)
    return float(sum(t.tolist()))


def describe(t: tb.Tensor) -> tuple[bool, tuple[int, ...], tuple[int, ...], list[Any]]:
    """What arrived: shared?, shape, strides, values."""
    return t.is_shared(), t.shape, t.strides, t.tolist()


def both_ways(t: tb.Tensor, results: Any, parent_wrote: Any, parent_done: Any) -> None:
    """A process target: writes into ``t``, waits for the parent to write,
    reports what it reads, and sends a view of ``t`` back (staying alive
    until the parent has it: the receiver fetches the descriptor from the
    sender)."""
    results.put((t.is_shared(), t.tolist()))
    t[0] = 11.0
    results.put("written")
    parent_wrote.wait(30)
    results.put(t.tolist())
    results.put(t[1:])
    parent_done.wait(30)


def write_then_crash(inbox: Any, done: Any) -> None:
    """A process target: receives a tensor, writes to it, and dies without cleaning up."""
    t = inbox.get()
    t[0] = 99.0
    done.set()
    os._exit(1)
