"""``python -m tensorbridge bench --cuda``: host<->GPU copies against PyTorch.

Each row moves 256 MB of float32 (``--quick``: 16 MB) between the host and
GPU 0, with tensorbridge and PyTorch measured in the same process, one after
the other, on the same data:

- host->device from pageable NumPy memory: ``tb.tensor(a, device="cuda")``
  against ``torch.from_numpy(a).cuda()``. Target: at least 1.5x PyTorch's
  bandwidth.
- device->host into pageable memory: ``g.numpy(force=True)`` against
  ``pt.cpu().numpy()``. Target: at least 1.5x.
- host->device from pinned memory: ``p.cuda(non_blocking=True)`` then a
  synchronize, against the same in PyTorch. Target: at least 0.95x.

Every timed call ends with the device synchronised, so a number is the time
until the data is usable, and each call allocates its result like a user's
call would (both libraries cache device memory, so that is cheap after the
warm-up). Bandwidth is bytes moved one way divided by the time.
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

MB = 2**20
HEADERS = ("copy", "tensorbridge", "PyTorch", "tb vs torch", "target", "calls timed (tb / torch)")


def _gbps(nbytes: int, seconds: float | None) -> str:
    return "—" if seconds is None else f"{nbytes / seconds / 1e9:.1f} GB/s"


def _rows(
    torch: ModuleType | None, nbytes: int
) -> list[tuple[str, Callable[[], Any], Callable[[], Any] | None, float, str]]:
    a = np.random.default_rng(0).random(nbytes // 4, dtype=np.float32)
    g = tb.tensor(a, device="cuda")
    pinned = tb.from_numpy(a).pin_memory()

    def tb_h2d() -> Any:
        out = tb.tensor(a, device="cuda")
        tb.cuda.synchronize()
        return out

    def tb_d2h() -> Any:
        return g.numpy(force=True)

    def tb_pinned() -> Any:
        out = pinned.cuda(non_blocking=True)
        tb.cuda.synchronize()
        return out

    pt_h2d = pt_d2h = pt_pinned = None
    if torch is not None and torch.cuda.is_available():
        pg = torch.from_numpy(a).cuda()
        ppinned = torch.from_numpy(a).pin_memory()

        def pt_h2d() -> Any:
            out = torch.from_numpy(a).cuda()
            torch.cuda.synchronize()
            return out

        def pt_d2h() -> Any:
            return pg.cpu().numpy()

        def pt_pinned() -> Any:
            out = ppinned.cuda(non_blocking=True)
            torch.cuda.synchronize()
            return out

    return [
        ("host->device, pageable", tb_h2d, pt_h2d, 1.5,
         'tb.tensor(a, device="cuda") / torch.from_numpy(a).cuda()'),
        ("device->host, pageable", tb_d2h, pt_d2h, 1.5, "g.numpy(force=True) / pt.cpu().numpy()"),
        ("host->device, pinned", tb_pinned, pt_pinned, 0.95,
         "p.cuda(non_blocking=True) + synchronize, both"),
    ]  # fmt: skip


def table(torch: ModuleType | None, timing: Timing, markdown: bool, quick: bool = False) -> str:
    """The host<->GPU rows, timed now."""
    from ._bench import best_time

    nbytes = (16 if quick else 256) * MB
    rows = []
    for name, tb_call, pt_call, target, calls in _rows(torch, nbytes):
        t_tb = best_time(tb_call, timing)
        t_pt = None if pt_call is None else best_time(pt_call, timing)
        ratio = "—" if t_pt is None else f"{t_pt / t_tb:.2f}×"
        rows.append((f"{name}, {nbytes // MB} MB float32", _gbps(nbytes, t_tb), _gbps(nbytes, t_pt),
                     ratio, f">= {target:.2f}×", calls))  # fmt: skip
    return render_table(HEADERS, rows, markdown)


COMPUTE_HEADERS = ("GPU operation", "tensorbridge", "PyTorch", "tb vs torch", "calls timed")


def _compute_rows(
    torch: ModuleType, n: int, m: int
) -> list[tuple[str, Callable[[], Any], Callable[[], Any], float, str]]:
    """(name, tb call, torch call, work per call, unit): each call ends with
    the device synchronised. Work is bytes read + written, or flops."""
    rng = np.random.default_rng(0)
    a, b = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    side = int(n**0.5)
    sq = rng.random((side, side), dtype=np.float32)
    x, y = rng.random((m, m), dtype=np.float32), rng.random((m, m), dtype=np.float32)
    ga, gb, gsq, gx, gy = (tb.tensor(v, device="cuda") for v in (a, b, sq, x, y))
    pa, pb, psq, px, py = (torch.from_numpy(v).cuda() for v in (a, b, sq, x, y))
    torch.backends.cuda.matmul.allow_tf32 = False  # full float32, as cuBLAS runs ours

    def timed(sync: Callable[[], Any], fn: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            out = fn()
            sync()
            return out

        return call

    tbs, pts = tb.cuda.synchronize, torch.cuda.synchronize
    nbytes = 4 * n
    return [
        (f"a + b, {n // 2**20}M float32", timed(tbs, lambda: ga + gb), timed(pts, lambda: pa + pb),
         3 * nbytes, "GB/s"),
        (f"exp(a), {n // 2**20}M float32", timed(tbs, lambda: tb.exp(ga)),
         timed(pts, lambda: torch.exp(pa)), 2 * nbytes, "GB/s"),
        (f"a.T.contiguous(), {side}x{side} float32", timed(tbs, lambda: gsq.T.contiguous()),
         timed(pts, lambda: psq.T.contiguous()), 2 * 4 * side * side, "GB/s"),
        (f"a @ b, {m}x{m} float32", timed(tbs, lambda: gx @ gy), timed(pts, lambda: px @ py),
         2 * m**3, "TFLOP/s"),
    ]  # fmt: skip


def compute_table(torch: ModuleType | None, timing: Timing, markdown: bool, quick: bool = False) -> str:
    """GPU kernels against PyTorch's, timed now (no targets: for the record)."""
    from ._bench import best_time

    if torch is None or not torch.cuda.is_available():
        return "PyTorch with CUDA is not installed here: no GPU operations to compare."
    n, m = (4 << 20, 1024) if quick else (64 << 20, 4096)
    rows = []
    for name, tb_call, pt_call, work, unit in _compute_rows(torch, n, m):
        t_tb, t_pt = best_time(tb_call, timing), best_time(pt_call, timing)
        scale = 1e9 if unit == "GB/s" else 1e12
        tb_cell, pt_cell = (f"{t * 1e3:.3f} ms ({work / t / scale:.1f} {unit})" for t in (t_tb, t_pt))
        rows.append((name, tb_cell, pt_cell, f"{t_pt / t_tb:.2f}×", "each + synchronize"))
    return render_table(COMPUTE_HEADERS, rows, markdown)


def device_line() -> str:
    """Which GPU the rows ran on, from PyTorch when it sees one."""
    try:
        import torch

        if torch.cuda.is_available():
            p = torch.cuda.get_device_properties(0)
            return f"GPU 0: {p.name}, {p.total_memory / 2**30:.0f} GiB, PyTorch {torch.__version__}"
    except ImportError:
        pass
    return f"GPU 0 (tensorbridge sees {tb.cuda.device_count()} device(s))"
