"""Creation and manipulation functions: tensorbridge vs NumPy vs PyTorch, in
one process, best of several runs (milliseconds).

    python benches/creation_manipulation.py
"""

from __future__ import annotations

import time

import numpy as np

import tensorbridge as tb

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def best_ms(fn, repeat: int = 15) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main() -> None:
    n = 4096
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    b = a.copy()
    ta, tbb = tb.from_numpy(a), tb.from_numpy(b)
    at = a.T
    tat = tb.from_numpy(at)
    v = np.random.default_rng(1).standard_normal(1 << 22).astype(np.float32)
    tv = tb.from_numpy(v)
    reps = np.random.default_rng(2).integers(0, 3, v.size)
    treps = tb.from_numpy(reps)
    rows = {
        "arange(16M) int64": (lambda: tb.arange(1 << 24), lambda: np.arange(1 << 24),
                              lambda: torch.arange(1 << 24)),
        "arange(0, 1, 2^-24) float32": (lambda: tb.arange(0, 1, 2.0**-24),
                                        lambda: np.arange(0, 1, 2.0**-24, dtype=np.float32),
                                        lambda: torch.arange(0, 1, 2.0**-24)),
        "linspace(0, 1, 16M) float32": (lambda: tb.linspace(0, 1, 1 << 24),
                                        lambda: np.linspace(0, 1, 1 << 24, dtype=np.float32),
                                        lambda: torch.linspace(0, 1, 1 << 24)),
        "eye(4096)": (lambda: tb.eye(n), lambda: np.eye(n, dtype=np.float32), lambda: torch.eye(n)),
        "tril(4096x4096)": (lambda: tb.tril(ta), lambda: np.tril(a), lambda: torch.tril(torch_a)),
        "concat 2x(4096x4096) axis=0": (lambda: tb.concat([ta, tbb]), lambda: np.concatenate([a, b]),
                                         lambda: torch.cat([torch_a, torch_b])),
        "concat 2x(4096x4096) axis=1": (lambda: tb.concat([ta, tbb], axis=1),
                                         lambda: np.concatenate([a, b], axis=1),
                                         lambda: torch.cat([torch_a, torch_b], dim=1)),
        "stack 2x(4096x4096) axis=-1": (lambda: tb.stack([ta, tbb], axis=-1),
                                         lambda: np.stack([a, b], axis=-1),
                                         lambda: torch.stack([torch_a, torch_b], dim=-1)),
        "concat of transposed view": (lambda: tb.concat([tat, tat]), lambda: np.concatenate([at, at]),
                                      lambda: torch.cat([torch_at, torch_at])),
        "roll(4096x4096, (1,1))": (lambda: tb.roll(ta, (1, 1), axis=(0, 1)),
                                   lambda: np.roll(a, (1, 1), axis=(0, 1)),
                                   lambda: torch.roll(torch_a, (1, 1), (0, 1))),
        "tile(4M, 4)": (lambda: tb.tile(tv, (4,)), lambda: np.tile(v, 4), lambda: torch_v.tile((4,))),
        "repeat(4M, 2)": (lambda: tb.repeat(tv, 2), lambda: np.repeat(v, 2),
                          lambda: torch_v.repeat_interleave(2)),
        "repeat(4M, counts 0..2)": (lambda: tb.repeat(tv, treps), lambda: np.repeat(v, reps),
                                    lambda: torch_v.repeat_interleave(torch_reps)),
        "reshape(transposed, copy)": (lambda: tb.reshape(tat, (-1,)), lambda: np.reshape(at, (-1,)),
                                      lambda: torch_at.reshape(-1)),
        "flip (view)": (lambda: tb.flip(ta), lambda: np.flip(a), lambda: torch_a.flip((0, 1))),
    }
    if torch is not None:
        torch_a, torch_b = torch.from_numpy(a), torch.from_numpy(b)
        torch_at, torch_v = torch_a.T, torch.from_numpy(v)
        torch_reps = torch.from_numpy(reps)
    print(f"{'operation':32} {'tensorbridge':>13} {'NumPy':>9} {'PyTorch':>9}   (ms, best of 15)")
    for name, (ours, np_fn, torch_fn) in rows.items():
        t_ours, t_np = best_ms(ours), best_ms(np_fn)
        t_torch = best_ms(torch_fn) if torch is not None else float("nan")
        print(f"{name:32} {t_ours:13.2f} {t_np:9.2f} {t_torch:9.2f}")


if __name__ == "__main__":
    main()
