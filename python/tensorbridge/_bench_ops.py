"""The operations rows of ``python -m tensorbridge bench``: Array API
functions timed beside the same call in NumPy and PyTorch, on the same
inputs, in one process.

Targets (2-core machine): elementwise and reductions at least as fast as
the faster of NumPy and PyTorch; matmul within 1.1× of NumPy's time;
argsort and boolean masking at least NumPy's speed.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

import tensorbridge as tb

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._bench import Case, Sizes

FASTER_OF_BOTH = "tb >= max(NumPy, torch)"


def _tb(name: str) -> Callable[..., Any] | None:
    """A tensorbridge function, or None where this build does not have it."""
    return getattr(tb, name, None)


def _row(
    name: str,
    calls: dict[str, Callable[[], Any] | None],
    labels: dict[str, str],
    target: str,
    bytes_moved: int = 0,
) -> Case:
    from ._bench import Case

    return Case(name, calls, labels, target, bytes_moved)


def _maybe(fn: Callable[..., Any] | None, *args: Any, **kwargs: Any) -> Callable[[], Any] | None:
    return None if fn is None else (lambda: fn(*args, **kwargs))


def build_cases(torch: ModuleType | None, sizes: Sizes) -> list[Case]:
    """Every operations row; inputs are built once, outside the timing."""
    n = sizes.copy_elems  # 16M float32 at full size
    rng = np.random.default_rng(0)
    a = rng.standard_normal(n, dtype=np.float32)
    b = rng.standard_normal(n, dtype=np.float32)
    ta, tb_ = tb.from_numpy(a), tb.from_numpy(b)
    pa = pb = None
    if torch is not None:
        pa, pb = torch.from_numpy(a), torch.from_numpy(b)
    cases = [
        _row(
            f"a + b ({n // 2**20}M float32)",
            {"tensorbridge": lambda: ta + tb_, "NumPy": lambda: a + b,
             "PyTorch": None if pa is None else (lambda: pa + pb)},
            {"tensorbridge": "ta + tb", "NumPy": "a + b", "PyTorch": "pa + pb"},
            FASTER_OF_BOTH,
            3 * a.nbytes,
        ),
        _row(
            f"sum ({n // 2**20}M float32)",
            {"tensorbridge": _maybe(_tb("sum"), ta), "NumPy": lambda: np.sum(a),
             "PyTorch": None if pa is None else (lambda: torch.sum(pa))},
            {"tensorbridge": "tb.sum(ta)", "NumPy": "np.sum(a)", "PyTorch": "torch.sum(pa)"},
            FASTER_OF_BOTH,
            a.nbytes,
        ),
    ]  # fmt: skip
    # Transcendental functions: recorded beside the peers, no target.
    a64 = a.astype(np.float64)
    inputs = {
        "float32": (a, ta, pa),
        "float64": (a64, tb.from_numpy(a64), None if torch is None else torch.from_numpy(a64)),
    }
    for fn, dtype in (("exp", "float32"), ("sin", "float32"), ("tanh", "float32"),
                      ("exp", "float64"), ("sin", "float64")):
        x, tx, px = inputs[dtype]
        pfn = None if torch is None else getattr(torch, fn)
        cases.append(
            _row(
                f"{fn} ({n // 2**20}M {dtype})",
                {"tensorbridge": _maybe(_tb(fn), tx), "NumPy": _maybe(getattr(np, fn), x),
                 "PyTorch": _maybe(pfn, px)},
                {"tensorbridge": f"tb.{fn}(t)", "NumPy": f"np.{fn}(a)", "PyTorch": f"torch.{fn}(p)"},
                "recorded (no target)",
                2 * x.nbytes,
            )
        )  # fmt: skip
    # Everyday calls whose fast paths are easy to lose: a Python-scalar
    # exponent, scalar bounds, a running sum.
    cumsum_torch = None if pa is None else (lambda: torch.cumsum(pa, 0))
    for label, tb_call, np_call, torch_call, code in (
        ("a ** 2", lambda: ta**2, lambda: a**2, None if pa is None else (lambda: pa**2), "a ** 2"),
        ("clip(a, -1, 1)", _maybe(_tb("clip"), ta, -1, 1), lambda: np.clip(a, -1, 1),
         None if pa is None else (lambda: torch.clip(pa, -1, 1)), "clip(a, -1, 1)"),
        ("cumulative_sum", _maybe(_tb("cumulative_sum"), ta), lambda: np.cumsum(a), cumsum_torch,
         "cumsum(a)"),
    ):
        cases.append(
            _row(
                f"{label} ({n // 2**20}M float32)",
                {"tensorbridge": tb_call, "NumPy": np_call, "PyTorch": torch_call},
                {"tensorbridge": code, "NumPy": code, "PyTorch": code},
                FASTER_OF_BOTH,
                2 * a.nbytes,
            )
        )  # fmt: skip
    side = sizes.square
    sq = rng.standard_normal((side, side), dtype=np.float32)
    tsq = tb.from_numpy(sq)
    psq = None if torch is None else torch.from_numpy(sq)
    cases.append(
        _row(
            f"mean(x.T, axis=0) ({side}×{side} float32)",
            {"tensorbridge": _maybe(_tb("mean"), tsq.T, axis=0), "NumPy": lambda: np.mean(sq.T, axis=0),
             "PyTorch": None if psq is None else (lambda: psq.T.mean(dim=0))},
            {"tensorbridge": "tb.mean(t.T, axis=0)", "NumPy": "np.mean(a.T, axis=0)",
             "PyTorch": "p.T.mean(dim=0)"},
            FASTER_OF_BOTH,
            sq.nbytes,
        )
    )  # fmt: skip
    m = 1024 if sizes.square >= 4096 else 128
    x = rng.standard_normal((m, m), dtype=np.float32)
    y = rng.standard_normal((m, m), dtype=np.float32)
    tx, ty = tb.from_numpy(x), tb.from_numpy(y)
    px = py = None
    if torch is not None:
        px, py = torch.from_numpy(x), torch.from_numpy(y)
    cases.append(
        _row(
            f"matmul ({m}×{m} float32)",
            {"tensorbridge": _maybe(_tb("matmul"), tx, ty), "NumPy": lambda: x @ y,
             "PyTorch": None if px is None else (lambda: px @ py)},
            {"tensorbridge": "tb.matmul(tx, ty)", "NumPy": "x @ y", "PyTorch": "px @ py"},
            "tb time <= 1.1 × NumPy's",
        )
    )  # fmt: skip
    k = n // 16  # 1M at full size
    s = rng.standard_normal(k, dtype=np.float32)
    ts = tb.from_numpy(s)
    ps = None if torch is None else torch.from_numpy(s)
    cases.append(
        _row(
            f"argsort ({k // 2**20 or k}{'M' if k >= 2**20 else ''} float32)",
            {"tensorbridge": _maybe(_tb("argsort"), ts), "NumPy": lambda: np.argsort(s),
             "PyTorch": None if ps is None else (lambda: torch.argsort(ps))},
            {"tensorbridge": "tb.argsort(t)", "NumPy": "np.argsort(a)", "PyTorch": "torch.argsort(p)"},
            "tb >= NumPy",
        )
    )  # fmt: skip
    mask = rng.random(n) < 0.5
    tmask = tb.from_numpy(mask)
    pmask = None if torch is None else torch.from_numpy(mask)
    cases.append(
        _row(
            f"x[mask] (50% of {n // 2**20}M float32)",
            {"tensorbridge": lambda: ta[tmask], "NumPy": lambda: a[mask],
             "PyTorch": None if pa is None else (lambda: pa[pmask])},
            {"tensorbridge": "t[tmask]", "NumPy": "a[mask]", "PyTorch": "p[pmask]"},
            "tb >= NumPy",
        )
    )  # fmt: skip
    cases.extend(_extension_cases(torch, sizes, rng))
    return cases


def _extension_cases(torch: ModuleType | None, sizes: Sizes, rng: np.random.Generator) -> list[Case]:
    """The ``linalg`` and ``fft`` extensions beside ``np.linalg``/``np.fft``
    and ``torch.linalg``/``torch.fft``: recorded, no target."""
    full = sizes.square >= 4096
    side, small, stack, points = (512, 256, 10_000, 2**20) if full else (64, 32, 100, 2**12)
    a = rng.standard_normal((side, side))
    b = rng.standard_normal(side)
    s = rng.standard_normal((small, small))
    d = rng.standard_normal((stack, 3, 3))
    v = rng.standard_normal(sizes.copy_elems, dtype=np.float32)
    z = (rng.standard_normal(points) + 1j * rng.standard_normal(points)).astype(np.complex64)
    r = rng.standard_normal(points, dtype=np.float32)
    rows = []
    for label, fn, args, np_fn, torch_fn in (
        (f"linalg.solve ({side}×{side} float64)", "linalg.solve", (a, b), np.linalg.solve, "linalg.solve"),
        (f"linalg.svd ({small}×{small} float64)", "linalg.svd", (s,), np.linalg.svd, "linalg.svd"),
        (f"linalg.det ({stack} × 3×3 float64)", "linalg.det", (d,), np.linalg.det, "linalg.det"),
        (f"linalg.vector_norm ({sizes.copy_elems // 2**20 or sizes.copy_elems}"
         f"{'M' if sizes.copy_elems >= 2**20 else ''} float32)", "linalg.vector_norm", (v,),
         np.linalg.vector_norm, "linalg.vector_norm"),
        (f"fft.fft ({points} complex64)", "fft.fft", (z,), np.fft.fft, "fft.fft"),
        (f"fft.rfft ({points} float32)", "fft.rfft", (r,), np.fft.rfft, "fft.rfft"),
    ):
        module, name = fn.split(".")
        tb_fn = getattr(getattr(tb, module, None), name, None)
        targs = [tb.from_numpy(x) for x in args]
        pargs = None if torch is None else [torch.from_numpy(x) for x in args]
        pfn = None if torch is None else getattr(getattr(torch, module), name)
        rows.append(
            _row(
                label,
                {"tensorbridge": _maybe(tb_fn, *targs), "NumPy": _maybe(np_fn, *args),
                 "PyTorch": None if pfn is None else _maybe(pfn, *pargs)},
                {"tensorbridge": f"tb.{fn}(...)", "NumPy": f"np.{fn}(...)", "PyTorch": f"torch.{fn}(...)"},
                "recorded (no target)",
            )
        )  # fmt: skip
    return rows


def table(torch: ModuleType | None, sizes: Sizes, timing: Any, markdown: bool) -> str:
    """The measured operations table, in the main table's columns."""
    from ._bench import HEADERS, run_case, table_row
    from ._tour import render_table

    rows = []
    for case in build_cases(torch, sizes):
        try:
            times = run_case(case, timing)
        except (TypeError, IndexError, ValueError):  # an operation this build lacks
            times = {"tensorbridge": None, "NumPy": None, "PyTorch": None}
        rows.append(table_row(case, times, torch is None))
    return render_table(HEADERS, rows, markdown)
