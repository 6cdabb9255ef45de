"""The I/O rows of ``python -m tensorbridge bench``: pickling and mapped ``.npy`` files.

- Pickle: a full round trip, ``pickle.dumps(x, protocol=5, buffer_callback=...)``
  then ``pickle.loads(data, buffers=...)``, of a 256 MB float32 tensorbridge
  tensor, NumPy array and PyTorch tensor. tensorbridge and NumPy hand their
  memory out of band and take it back without a copy; PyTorch has no
  out-of-band path (its bytes go into the stream), so its time includes two
  copies. Target: tensorbridge at least as fast as NumPy.
- mmap: ``tb.load(path, mmap=True)`` against ``np.load(path, mmap_mode="r")``
  on a 1 GB ``.npy`` file, made sparse in a temporary directory, so neither
  reads data: what is timed is opening, parsing the header and mapping.
  Target: at least NumPy's speed.

``--quick`` uses 4 MB and 16 MB instead.
"""

from __future__ import annotations

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
    from collections.abc import Callable

    from ._bench import Timing

MB = 2**20
HEADERS = (
    "I/O case",
    "tensorbridge",
    "NumPy",
    "PyTorch",
    "tb vs NumPy",
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


def _cases(torch: ModuleType | None, sizes: IOSizes, directory: str):
    """(name, {library: function or None}, labels) for each row."""
    a = np.random.default_rng(5).random(sizes.pickle_bytes // 4, dtype=np.float32)
    t = tb.from_numpy(a.copy())
    pt = None if torch is None else torch.from_numpy(a.copy())
    path = sparse_npy(directory, sizes.npy_bytes)
    rows: list[tuple[str, dict[str, Callable[[], Any] | None], str]] = [
        (
            f"pickle round trip {sizes.pickle_bytes // MB} MB float32 (protocol 5, out of band)",
            {
                "tensorbridge": lambda: pickle_round_trip(t),
                "NumPy": lambda: pickle_round_trip(a),
                "PyTorch": None if pt is None else lambda: pickle_round_trip(pt),
            },
            "loads(dumps(x, protocol=5, buffer_callback=bufs.append), buffers=bufs)",
        ),
        (
            f"mmap a {sizes.npy_bytes // MB} MB .npy (sparse file)",
            {
                "tensorbridge": lambda: tb.load(path, mmap=True),
                "NumPy": lambda: np.load(path, mmap_mode="r"),
                "PyTorch": None,
            },
            'tb.load(p, mmap=True) / np.load(p, mmap_mode="r") / —',
        ),
    ]
    return rows


def table(torch: ModuleType | None, timing: Timing, markdown: bool, quick: bool = False) -> str:
    """The measured I/O table; ratios are NumPy's time / tensorbridge's (>1: faster)."""
    from ._bench import _slow, best_time, format_seconds

    sizes = QUICK_IO if quick else FULL_IO
    with tempfile.TemporaryDirectory(prefix="tensorbridge-bench-") as directory:
        rows = []
        for name, calls, label in _cases(torch, sizes, directory):
            times = {}
            for library, fn in calls.items():
                chosen = _slow(timing) if library == "PyTorch" else timing
                times[library] = None if fn is None else best_time(fn, chosen)
            cells = [
                "not installed" if lib == "PyTorch" and torch is None else
                ("—" if s is None else format_seconds(s))
                for lib, s in times.items()
            ]  # fmt: skip
            ratio = f"{times['NumPy'] / times['tensorbridge']:.2f}×"
            rows.append([name, *cells, ratio, label])
    return render_table(HEADERS, rows, markdown)
