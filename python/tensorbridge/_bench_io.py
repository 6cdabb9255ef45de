"""The I/O rows of ``python -m tensorbridge bench``: pickling, handing tensors to
worker processes, and mapped ``.npy`` files.

- Pickle: a full round trip, ``pickle.dumps(x, protocol=5, buffer_callback=...)``
  then ``pickle.loads(data, buffers=...)``, of a 256 MB float32 tensorbridge
  tensor, NumPy array and PyTorch tensor. tensorbridge and NumPy hand their
  memory out of band and take it back without a copy; PyTorch has no
  out-of-band path (its bytes go into the stream), so its time includes two
  copies. Target: tensorbridge at least as fast as NumPy.
- Worker hand-off: a 256 MB float32 tensor put on a ``multiprocessing`` queue
  to a worker process (started once, with ``spawn``, outside the timing), until
  the worker has received it and replied with its last element. With
  ``share_memory_()`` only a handle travels (a duplicated memory-file
  descriptor); PyTorch's ``share_memory_()`` through ``torch.multiprocessing``
  does the same. Without it the bytes are pickled and sent (tensorbridge and a
  NumPy array). Targets: at least 20× faster than sending the bytes, and at
  least PyTorch's speed.
- mmap: ``tb.load(path, mmap=True)`` against ``np.load(path, mmap_mode="r")``
  on a 1 GB ``.npy`` file, made sparse in a temporary directory, so neither
  reads data: what is timed is opening, parsing the header and mapping.
  Target: at least NumPy's speed.

``--quick`` uses 4 MB and 16 MB instead.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing as mp
import os
import pickle
import tempfile
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

import tensorbridge as tb

from ._tour import render_table

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ._bench import Timing

MB = 2**20
HEADERS = (
    "I/O case",
    "tensorbridge",
    "NumPy",
    "PyTorch",
    "tb speed ratio",
    "calls timed (tb / NumPy / torch)",
)


@dataclass(frozen=True)
class IOSizes:
    """Bytes pickled and bytes in the mapped file."""

    pickle_bytes: int
    npy_bytes: int


FULL_IO = IOSizes(pickle_bytes=256 * MB, npy_bytes=1024 * MB)
QUICK_IO = IOSizes(pickle_bytes=4 * MB, npy_bytes=16 * MB)


def pickle_round_trip(obj: Any) -> Any:
    """dumps with protocol 5 and out-of-band buffers, then loads with them."""
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    return pickle.loads(data, buffers=buffers)


def sparse_npy(directory: str, nbytes: int) -> str:
    """A float32 .npy file of ``nbytes`` data bytes whose data blocks are never written."""
    path = os.path.join(directory, "bench.npy")
    with open(path, "wb") as f:
        header = {"descr": "<f4", "fortran_order": False, "shape": (nbytes // 4,)}
        np.lib.format.write_array_header_1_0(f, header)
        f.truncate(f.tell() + nbytes)
    return path


def reply_with_last(inbox: Any, outbox: Any) -> None:
    """A worker's loop: take an array or tensor, reply with its last element; None stops."""
    while (x := inbox.get()) is not None:
        outbox.put(float(x[-1]))
        del x


@dataclass(frozen=True)
class Worker:
    """A worker process running :func:`reply_with_last` and its two queues."""

    inbox: Any
    outbox: Any

    def hand(self, x: Any) -> float:
        """Sends ``x`` and waits for the reply: one timed hand-off."""
        self.inbox.put(x)
        return self.outbox.get()


@contextlib.contextmanager
def worker(context: Any) -> Iterator[Worker]:
    """A started worker from a multiprocessing ``context``, stopped on exit."""
    inbox, outbox = context.Queue(), context.Queue()
    process = context.Process(target=reply_with_last, args=(inbox, outbox), daemon=True)
    process.start()
    try:
        yield Worker(inbox, outbox)
    finally:
        inbox.put(None)
        process.join(30)
        if process.is_alive():
            process.kill()


@dataclass(frozen=True)
class IORow:
    """One row: the calls timed per library, their wording, and how to time them."""

    name: str
    calls: dict[str, Callable[[], Any] | None]
    label: str
    slow: frozenset[str] = frozenset()  # libraries whose calls take a second or more
    against_bytes: bool = False  # the ratio is against the bytes row (and PyTorch), not NumPy


ALL = frozenset({"tensorbridge", "NumPy", "PyTorch"})


def _handoff_rows(
    torch: ModuleType | None, nbytes: int, ours: Worker, theirs: Worker | None
) -> list[IORow]:
    """The two hand-off rows: a shared handle, and the bytes."""
    a = np.random.default_rng(6).random(nbytes // 4, dtype=np.float32)
    shared, plain = tb.tensor(a), tb.tensor(a)
    pt = None if torch is None or theirs is None else torch.from_numpy(a.copy())

    def hand_shared() -> float:
        return ours.hand(shared.share_memory_())

    def hand_torch() -> float:
        assert theirs is not None and pt is not None
        return theirs.hand(pt.share_memory_())

    mb = nbytes // MB
    return [
        IORow(
            f"hand {mb} MB float32 to a worker, share_memory_() (a handle travels)",
            {"tensorbridge": hand_shared, "NumPy": None, "PyTorch": None if pt is None else hand_torch},
            "q.put(t.share_memory_()); worker replies float(t[-1]) / — / "
            "the same through torch.multiprocessing",
            against_bytes=True,
        ),
        IORow(
            f"hand {mb} MB float32 to a worker, bytes (no share_memory_)",
            {"tensorbridge": lambda: ours.hand(plain), "NumPy": lambda: ours.hand(a), "PyTorch": None},
            "q.put(t); worker replies float(t[-1]) / the same with a NumPy array / —",
            slow=ALL,
        ),
    ]  # fmt: skip


def _cases(torch: ModuleType | None, sizes: IOSizes, directory: str) -> list[IORow]:
    """The pickle and mmap rows."""
    a = np.random.default_rng(5).random(sizes.pickle_bytes // 4, dtype=np.float32)
    t = tb.from_numpy(a.copy())
    pt = None if torch is None else torch.from_numpy(a.copy())
    path = sparse_npy(directory, sizes.npy_bytes)
    return [
        IORow(
            f"pickle round trip {sizes.pickle_bytes // MB} MB float32 (protocol 5, out of band)",
            {
                "tensorbridge": lambda: pickle_round_trip(t),
                "NumPy": lambda: pickle_round_trip(a),
                "PyTorch": None if pt is None else lambda: pickle_round_trip(pt),
            },
            "loads(dumps(x, protocol=5, buffer_callback=bufs.append), buffers=bufs)",
            slow=frozenset({"PyTorch"}),
        ),
        IORow(
            f"mmap a {sizes.npy_bytes // MB} MB .npy (sparse file)",
            {
                "tensorbridge": lambda: tb.load(path, mmap=True),
                "NumPy": lambda: np.load(path, mmap_mode="r"),
                "PyTorch": None,
            },
            'tb.load(p, mmap=True) / np.load(p, mmap_mode="r") / —',
        ),
    ]


def _ratio(row: IORow, times: dict[str, float | None], bytes_time: float | None) -> str:
    """tensorbridge's speed against the row's reference(s): their time / ours."""
    ours = times["tensorbridge"]
    assert ours is not None
    if row.against_bytes:
        references = (("sending bytes", bytes_time), ("PyTorch", times["PyTorch"]))
    else:
        references = (("NumPy", times["NumPy"]),)
    ratios = [f"{theirs / ours:.2f}× {what}" for what, theirs in references if theirs is not None]
    return ", ".join(ratios) or "—"


def table(torch: ModuleType | None, timing: Timing, markdown: bool, quick: bool = False) -> str:
    """The measured I/O table; ratios are the reference's time / tensorbridge's (>1: faster)."""
    from ._bench import _slow, best_time, format_seconds

    sizes = QUICK_IO if quick else FULL_IO
    torch_mp = None if torch is None else importlib.import_module("torch.multiprocessing")
    with contextlib.ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="tensorbridge-bench-"))
        # Workers start once, outside the timing; PyTorch's through its own module.
        ours = stack.enter_context(worker(mp.get_context("spawn")))
        theirs = (
            None if torch_mp is None else stack.enter_context(worker(torch_mp.get_context("spawn")))
        )
        pickle_row, mmap_row = _cases(torch, sizes, directory)
        shared_row, bytes_row = _handoff_rows(torch, sizes.pickle_bytes, ours, theirs)
        timed = [
            (row, {
                library: None if fn is None else best_time(fn, _slow(timing) if library in row.slow else timing)
                for library, fn in row.calls.items()
            })
            for row in (pickle_row, shared_row, bytes_row, mmap_row)
        ]  # fmt: skip
    bytes_time = timed[2][1]["tensorbridge"]
    rows = []
    for row, times in timed:
        cells = [
            "not installed" if lib == "PyTorch" and torch is None else
            ("—" if s is None else format_seconds(s))
            for lib, s in times.items()
        ]  # fmt: skip
        rows.append([row.name, *cells, _ratio(row, times, bytes_time), row.label])
    return render_table(HEADERS, rows, markdown)
