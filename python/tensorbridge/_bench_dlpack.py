"""The DLPack rows of ``python -m tensorbridge bench``.

Each tensorbridge direction (NumPy → tb, PyTorch → tb, tb → NumPy, tb →
PyTorch) is timed beside NumPy↔PyTorch's own DLPack exchange in both
directions, in the same process on the same 2×2 float32 inputs, so the
per-call overhead is what is measured. The target: every tensorbridge
direction no slower than the fastest peer-to-peer exchange of the run.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

import tensorbridge as tb

from ._tour import render_table

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bench import Timing

HEADERS = ("DLPack exchange", "call", "time", "fastest peer exchange / this")


def exchanges(torch: ModuleType | None) -> list[tuple[str, str, Callable[[], Any], bool]]:
    """(direction, call, function, is_peer_to_peer) for every exchange measured."""
    a = np.ones((2, 2), dtype=np.float32)
    t = tb.from_numpy(a)
    rows: list[tuple[str, str, Callable[[], Any], bool]] = [
        ("NumPy → tensorbridge", "tb.from_dlpack(a)", lambda: tb.from_dlpack(a), False),
        ("tensorbridge → NumPy", "np.from_dlpack(t)", lambda: np.from_dlpack(t), False),
    ]
    if torch is not None:
        pt = torch.ones((2, 2), dtype=torch.float32)
        rows += [
            ("PyTorch → tensorbridge", "tb.from_dlpack(pt)", lambda: tb.from_dlpack(pt), False),
            ("tensorbridge → PyTorch", "torch.from_dlpack(t)", lambda: torch.from_dlpack(t), False),
            ("NumPy → PyTorch (peers)", "torch.from_dlpack(a)", lambda: torch.from_dlpack(a), True),
            ("PyTorch → NumPy (peers)", "np.from_dlpack(pt)", lambda: np.from_dlpack(pt), True),
        ]
    return rows


def table(torch: ModuleType | None, timing: Timing, markdown: bool) -> str:
    """The measured DLPack table, with each row's speed against the fastest peer exchange."""
    from ._bench import best_time, format_seconds

    measured = [(name, call, best_time(fn, timing), peer) for name, call, fn, peer in exchanges(torch)]
    peer_times = [s for _, _, s, peer in measured if peer]
    fastest = min(peer_times) if peer_times else None
    rows = []
    for name, call, seconds, peer in measured:
        ratio = "—" if fastest is None or peer else f"{fastest / seconds:.2f}×"
        rows.append([name, call, format_seconds(seconds), ratio])
    return render_table(HEADERS, rows, markdown)
