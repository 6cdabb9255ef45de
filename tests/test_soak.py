"""Soak: every conversion into and out of tensorbridge, repeated many times,
must not grow memory (issue 7, "leaks and load"; SPEC §1 lifetimes).

Each conversion runs `TB_SOAK_ITERATIONS` times (default 20,000, short enough
for CI; the full run is 1,000,000) after a warm-up of a fiftieth of that (at
least 1,000), which lets allocator arenas, interned objects and the peers'
caches reach their steady size. Every iteration builds a *fresh* producer (a
new NumPy array, PyTorch tensor or tensorbridge tensor) and drops everything it
made, so a reference leaked on either side keeps a whole producer and its
buffer alive, and the growth shows up. Two measures, both over the measured
iterations only:

- resident memory (RSS, from /proc/self/statm; the peak from `resource`
  elsewhere): catches leaks in Rust, C and Python alike;
- `tracemalloc`'s traced Python allocations: catches leaked Python objects
  to the byte, including ones too small to move RSS by a page.

Both must grow by under 1 MB (`TB_SOAK_MAX_GROWTH_BYTES` changes the bound).
RSS is taken with tracemalloc running, less the growth of tracemalloc's own
bookkeeping (`tracemalloc.get_tracemalloc_memory`). Every result is checked
against NumPy on the first and last iteration and every 1,000th in between.

The measurements run in a fresh interpreter (this module as a script), apart
from the test process, whose other tests and interop peers leave threads and
caches that move RSS on their own.

    TB_SOAK_ITERATIONS=1000000 python -m pytest tests/test_soak.py -q -rP

prints one line per conversion: RSS and tracemalloc growth, time.
`python tests/test_soak.py [NAME ...]` runs the measurement alone (JSON lines).
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pytest
import tensorbridge as tb

torch = pytest.importorskip("torch")

ITERATIONS = int(os.environ.get("TB_SOAK_ITERATIONS", "20000"))
WARMUP = max(1_000, ITERATIONS // 50)
MAX_GROWTH_BYTES = int(os.environ.get("TB_SOAK_MAX_GROWTH_BYTES", str(1 << 20)))
CHECK_EVERY = 1_000

SHAPE = (4, 8)
EXPECTED = np.arange(32, dtype=np.float32).reshape(SHAPE)


def rss_bytes() -> int:
    """The process's resident memory now (its peak where /proc is absent)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


# --- the conversions: each builds a fresh source, converts, returns the result


def _np():
    return np.arange(32, dtype=np.float32).reshape(SHAPE)


def _tb():
    return tb.from_numpy(_np()).clone()


def _torch():
    return torch.arange(32, dtype=torch.float32).reshape(SHAPE)


def _pickle_in_band():
    return pickle.loads(pickle.dumps(_tb(), protocol=5))


def _pickle_out_of_band():
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(_tb(), protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1
    return pickle.loads(data, buffers=buffers)


def _memoryview():
    m = memoryview(_tb())
    values = np.frombuffer(m, dtype=np.float32).reshape(SHAPE).copy()
    m.release()
    return values


def _memoryview_dropped():
    # Released by the garbage collector rather than `release()`.
    return np.asarray(memoryview(_tb())).copy()


CONVERSIONS = {
    "tb.from_numpy": lambda: tb.from_numpy(_np()),
    "Tensor.numpy": lambda: _tb().numpy(),
    "tb.asarray(ndarray)": lambda: tb.asarray(_np()),
    "tb.asarray(list)": lambda: tb.asarray(EXPECTED.tolist()),
    "tb.tensor(ndarray)": lambda: tb.tensor(_np()),
    "np.asarray(Tensor)": lambda: np.asarray(_tb()),
    "tb.from_dlpack(ndarray)": lambda: tb.from_dlpack(_np()),
    "tb.from_dlpack(torch)": lambda: tb.from_dlpack(_torch()),
    "np.from_dlpack(Tensor)": lambda: np.from_dlpack(_tb()),
    "torch.from_dlpack(Tensor)": lambda: torch.from_dlpack(_tb()),
    "pickle protocol 5 in-band": _pickle_in_band,
    "pickle protocol 5 out-of-band": _pickle_out_of_band,
    "memoryview(Tensor).release": _memoryview,
    "memoryview(Tensor) collected": _memoryview_dropped,
}


def check(result) -> None:
    if isinstance(result, torch.Tensor):
        result = result.numpy()
    values = np.asarray(result)
    assert values.dtype == np.float32 and values.shape == SHAPE
    assert np.array_equal(values, EXPECTED)


def soak(convert, iterations: int) -> dict:
    """Runs `convert` `iterations` times after the warm-up; the growth of
    RSS and traced memory over the measured iterations, and the time."""
    for _ in range(WARMUP):
        convert()
    check(convert())
    gc.collect()
    tracemalloc.start()
    try:
        traced_before = tracemalloc.get_traced_memory()[0]
        own_before = tracemalloc.get_tracemalloc_memory()
        rss_before = rss_bytes()
        start = time.perf_counter()
        for i in range(iterations):
            result = convert()
            if i % CHECK_EVERY == 0 or i == iterations - 1:
                check(result)
            del result
        seconds = time.perf_counter() - start
        gc.collect()
        traced_growth = tracemalloc.get_traced_memory()[0] - traced_before
        own_growth = tracemalloc.get_tracemalloc_memory() - own_before
        rss_growth = rss_bytes() - rss_before
    finally:
        tracemalloc.stop()
    return {
        "rss": rss_growth - own_growth,
        "own": own_growth,
        "traced": traced_growth,
        "seconds": seconds,
    }


def _leaky():
    """A conversion that keeps every result alive, as a leaked reference would."""
    _KEPT.append(tb.from_numpy(_np()))
    return _KEPT[-1]


_KEPT: list = []
LEAKY = "leaky (keeps every result)"


def main(names: list[str]) -> None:
    """The soak of each conversion named (all by default), one JSON line each."""
    for name in names or list(CONVERSIONS):
        convert = _leaky if name == LEAKY else CONVERSIONS[name]
        iterations = 20_000 if name == LEAKY else ITERATIONS
        r = soak(convert, iterations)
        _KEPT.clear()
        print(json.dumps({"name": name, "iterations": iterations, **r}), flush=True)


@pytest.fixture(scope="module")
def measured() -> dict[str, dict]:
    """Every conversion's soak, run in a fresh interpreter: the test process
    has imported the interop peers and run other tests, whose background
    threads and caches would move RSS by more than the bound."""
    proc = subprocess.run(
        [sys.executable, __file__, *CONVERSIONS, LEAKY],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {r["name"]: r for r in lines}


@pytest.mark.parametrize("name", list(CONVERSIONS))
def test_conversion_does_not_grow_memory(name, measured):
    r = measured[name]
    print(
        f"soak {name}: {r['iterations']} iterations in {r['seconds']:.1f} s, "
        f"RSS growth {r['rss']} B (measured {r['rss'] + r['own']} B, of which "
        f"{r['own']} B tracemalloc's bookkeeping), tracemalloc growth {r['traced']} B"
    )
    assert r["rss"] < MAX_GROWTH_BYTES, f"{name}: RSS grew by {r['rss']} B"
    assert r["traced"] < MAX_GROWTH_BYTES, f"{name}: traced memory grew by {r['traced']} B"


def test_the_soak_can_see_a_leak(measured):
    """The measurement is sensitive: a conversion that keeps each result
    alive (as a leaked reference would) fails the bound within the CI
    iteration count."""
    r = measured[LEAKY]
    print(
        f"soak {LEAKY}: {r['iterations']} iterations, RSS growth {r['rss']} B, "
        f"tracemalloc growth {r['traced']} B"
    )
    assert r["rss"] > MAX_GROWTH_BYTES and r["traced"] > MAX_GROWTH_BYTES, r


if __name__ == "__main__":
    main(sys.argv[1:])
