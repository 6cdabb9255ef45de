"""Concurrency stress: eight threads converting, viewing, assigning, running
kernels that release the GIL, and releasing each other's exports, for
`TB_STRESS_SECONDS` (default 5, for CI; the full run is 60), with every
result compared to a value NumPy computed before the threads started
(issue 7, "leaks and load"). This is its own module, apart from the soak:
the soak asks whether one thread's repeated conversions leak, this asks
whether concurrent ones stay correct.

What the threads share, and how:

- `X`, one read-only float64 tensor of 2**20 small integers, read by every
  thread: elementwise arithmetic, `sum`, `sort`, boolean masks and views run
  on it. Large elementwise work, reductions, sorts and products release the
  GIL, so these really run in parallel with each other and with the writes.
  The values are small integers, so every float result is exact whatever
  the order of summation, and "equal to NumPy" means bit for bit.
- `BOARD`, one writable (8, 2**16) tensor: thread `i` writes only row `i`
  (in-place `+=`/`*=`/`-=`, `__setitem__` with scalars, arrays and strided
  slices, `copy_`, `fill_`), then reads its row back through tensorbridge,
  `numpy()` and DLPack, while the other seven write theirs. A write that
  strayed outside its row, or a kernel that read a row half-written, shows
  up as a wrong value in some thread's check.
- A hand-off queue per thread: each thread exports fresh tensors (a raw
  DLPack capsule, `np.from_dlpack`, `torch.from_dlpack`, `numpy()`, a
  memoryview) and drops its own references, so the next thread's checks and
  deletions are the last use and the release runs on a thread other than
  the one that exported.

A thread that raises records the error and keeps going; the test fails on
any error. A deadlock fails too: threads are joined with a timeout, and
`faulthandler.dump_traceback_later` dumps every thread's stack and exits if
the process hangs anyway.

    TB_STRESS_SECONDS=60 python -m pytest tests/test_threads.py -q -rP

prints the operations done, by kind, and the errors found
(`TB_STRESS_THREADS` changes the number of threads, 8 by default).
"""

from __future__ import annotations

import collections
import faulthandler
import os
import pickle
import queue
import threading
import time
import traceback

import numpy as np
import pytest
import tensorbridge as tb

torch = pytest.importorskip("torch")

SECONDS = float(os.environ.get("TB_STRESS_SECONDS", "5"))
THREADS = int(os.environ.get("TB_STRESS_THREADS", "8"))
N = 1 << 20  # elements of the shared input: large enough to release the GIL
ROW = 1 << 16  # elements per thread's row of the board (also above it)
MATRIX = 192
# A thread that has not finished this long after the deadline is stuck.
JOIN_GRACE_SECONDS = 120.0


class Shared:
    """The inputs every thread reads and the NumPy values it must get."""

    def __init__(self) -> None:
        rng = np.random.default_rng(7)
        x = rng.integers(-50, 50, N).astype(np.float64)
        x.flags.writeable = False
        self.x_np = x
        self.X = tb.from_numpy(x)
        a = rng.integers(0, 10, (MATRIX, MATRIX)).astype(np.float64)
        self.A = tb.tensor(a)
        self.expect = {
            "elementwise": x * 2.0 + x,
            "sum": float(x.sum()),
            "max": float(x.max()),
            "matmul": a @ a,
            "sort": np.sort(x),
            "mask": x[x > 10],
            "view": x.reshape(1024, 1024).T[3:900:7, ::-5],
            "strided": x[::3],
        }
        self.board = tb.zeros((THREADS, ROW), dtype=tb.float64)
        self.handoff = [queue.SimpleQueue() for _ in range(THREADS)]


def equal(got, want) -> None:
    got = got.numpy() if isinstance(got, (tb.Tensor, torch.Tensor)) else np.asarray(got)
    assert got.shape == want.shape and np.array_equal(got, want), "wrong value"


# --- work on the shared read-only input: kernels and views


def op_elementwise(s: Shared, tid: int, it: int) -> None:
    equal(s.X * 2.0 + s.X, s.expect["elementwise"])


def op_reduce(s: Shared, tid: int, it: int) -> None:
    assert float(tb.sum(s.X)) == s.expect["sum"]
    assert float(tb.max(s.X)) == s.expect["max"]


def op_matmul(s: Shared, tid: int, it: int) -> None:
    equal(tb.matmul(s.A, s.A), s.expect["matmul"])


def op_sort(s: Shared, tid: int, it: int) -> None:
    equal(tb.sort(s.X), s.expect["sort"])


def op_mask(s: Shared, tid: int, it: int) -> None:
    equal(s.X[s.X > 10], s.expect["mask"])


def op_views(s: Shared, tid: int, it: int) -> None:
    v = s.X.reshape(1024, 1024).T[3:900:7, ::-5]
    equal(v, s.expect["view"])
    assert tb.shares_memory(v, s.X)
    n = s.X[::3].numpy()
    assert np.shares_memory(n, s.x_np)
    equal(n, s.expect["strided"])


# --- conversions of fresh objects, each checked


def op_convert(s: Shared, tid: int, it: int) -> None:
    a = np.arange(1000, dtype=np.int32) * (tid + 1)
    t = tb.from_numpy(a)
    assert tb.shares_memory(t, a)
    equal(t.numpy(), a)
    equal(np.asarray(t), a)
    equal(tb.tensor(a), a)
    equal(tb.asarray(a.tolist()), a.astype(np.int64))
    equal(tb.from_dlpack(a), a)
    equal(tb.from_dlpack(torch.from_numpy(a)), a)
    equal(np.from_dlpack(t), a)
    equal(torch.from_dlpack(t), a)
    equal(pickle.loads(pickle.dumps(t, protocol=5)), a)
    buffers: list = []
    data = pickle.dumps(t, protocol=5, buffer_callback=buffers.append)
    equal(pickle.loads(data, buffers=buffers), a)
    with memoryview(t) as m:
        equal(np.frombuffer(m, dtype=np.int32), a)


# --- the thread's own row of the shared board


class Row:
    """One thread's view of its row and the value every element must hold."""

    def __init__(self, s: Shared, tid: int) -> None:
        self.s, self.tid, self.value = s, tid, 0.0
        self.view = s.board[tid]

    def check(self) -> None:
        v = self.value
        assert float(tb.min(self.view)) == v and float(tb.max(self.view)) == v, "row changed"
        n = self.s.board.numpy()[self.tid]
        assert n.min() == v and n.max() == v, "row changed (numpy view)"
        d = np.from_dlpack(self.s.board[self.tid])
        assert d[0] == v and d[-1] == v, "row changed (DLPack view)"


def op_write_row(s: Shared, tid: int, it: int, row: Row) -> None:
    board, view = s.board, row.view
    step = it % 7
    if step == 0:
        view += 1.0
        row.value += 1.0
    elif step == 1:
        view *= 2.0
        row.value *= 2.0
    elif step == 2:
        board[tid] = float(tid)
        row.value = float(tid)
    elif step == 3:
        view.copy_(np.full(ROW, row.value + 3.0))
        row.value += 3.0
    elif step == 4:
        # Two strided halves, written separately: odd then even elements.
        board[tid, 1::2] = row.value - 1.0
        board[tid, ::2] = np.full(ROW // 2, row.value - 1.0)
        row.value -= 1.0
    elif step == 5:
        view -= tb.full((ROW,), 2.0, dtype=tb.float64)
        row.value -= 2.0
    else:
        view.fill_(float(it % 1000))
        row.value = float(it % 1000)
    if abs(row.value) > 1e9:
        view.fill_(0.0)
        row.value = 0.0
    row.check()


# --- exports released on another thread


def op_handoff(s: Shared, tid: int, it: int) -> None:
    values = np.arange(4096, dtype=np.float32) + tid
    t = tb.tensor(values)
    kind = it % 5
    if kind == 0:
        export = t.__dlpack__()
    elif kind == 1:
        export = np.from_dlpack(t)
    elif kind == 2:
        export = torch.from_dlpack(t)
    elif kind == 3:
        export = t.numpy()
    else:
        export = memoryview(t)
    del t  # the export is now the storage's only user
    s.handoff[(tid + 1) % THREADS].put((kind, export, values))


def drain(s: Shared, tid: int) -> int:
    """Checks and drops what the previous thread handed over."""
    done = 0
    while True:
        try:
            kind, export, values = s.handoff[tid].get_nowait()
        except queue.Empty:
            return done
        if kind == 0:
            # A raw capsule: consumed here every other time, otherwise
            # dropped unconsumed (its deleter runs on this thread).
            if done % 2 == 0:
                equal(tb.from_dlpack(export), values)
        elif kind == 4:
            equal(np.frombuffer(export, dtype=np.float32), values)
            export.release()
        else:
            equal(export, values)
        del export
        done += 1


OPS = [
    op_elementwise,
    op_reduce,
    op_matmul,
    op_sort,
    op_mask,
    op_views,
    op_convert,
    op_handoff,
    op_write_row,
]


def worker(s: Shared, tid: int, deadline: float, counts: collections.Counter, errors: list) -> None:
    row = Row(s, tid)
    it = 0
    while time.monotonic() < deadline:
        op = OPS[(it + tid) % len(OPS)]
        try:
            if op is op_write_row:
                op(s, tid, it, row)
            else:
                op(s, tid, it)
            counts[op.__name__] += 1
            counts["handoff released"] += drain(s, tid)
        except Exception:  # noqa: BLE001 - recorded, and the test fails on it
            errors.append(f"thread {tid}, {op.__name__}, iteration {it}:\n{traceback.format_exc()}")
            row.view.fill_(0.0)
            row.value = 0.0
        it += 1


def test_threads_convert_view_assign_and_release_concurrently():
    s = Shared()
    # One counter per thread (a shared Counter's `+=` is not atomic).
    per_thread = [collections.Counter() for _ in range(THREADS)]
    errors: list[str] = []
    faulthandler.dump_traceback_later(SECONDS + JOIN_GRACE_SECONDS + 60, exit=True)
    try:
        start = time.monotonic()
        deadline = start + SECONDS
        threads = [
            threading.Thread(
                target=worker, args=(s, tid, deadline, per_thread[tid], errors), daemon=True
            )
            for tid in range(THREADS)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=max(0.0, deadline + JOIN_GRACE_SECONDS - time.monotonic()))
        elapsed = time.monotonic() - start
        stuck = [th.name for th in threads if th.is_alive()]
    finally:
        faulthandler.cancel_dump_traceback_later()
    counts = sum(per_thread, collections.Counter())
    for tid in range(THREADS):
        counts["handoff released"] += drain(s, tid)
    total = sum(v for k, v in counts.items() if k != "handoff released")
    print(
        f"stress: {THREADS} threads, {elapsed:.1f} s, {total} operations, "
        f"{len(errors)} errors; by kind: {dict(sorted(counts.items()))}"
    )
    assert not stuck, f"threads still running {JOIN_GRACE_SECONDS} s after the deadline: {stuck}"
    assert not errors, f"{len(errors)} errors; the first:\n{errors[0]}"
    # Every kind of work ran, on every thread's schedule.
    assert all(counts[op.__name__] > 0 for op in OPS), counts
    # What was handed over was all checked and released.
    assert counts["handoff released"] == counts["op_handoff"]
    # Rows are still each thread's own: nothing wrote across rows.
    board = s.board.numpy()
    for tid in range(THREADS):
        assert board[tid].min() == board[tid].max()
