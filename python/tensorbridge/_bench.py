"""``python -m tensorbridge bench``: tensorbridge, NumPy and PyTorch timed side by side.

The performance targets are stated as ratios (zero-copy calls against PyTorch,
copies against NumPy's and PyTorch's throughput, list conversion against NumPy),
so all three libraries are measured in one process, on the same inputs, one after
another: numbers from different runs or machines would not be comparable.

Timing follows ``timeit``: one warm-up call (first-touch page faults, lazy
initialisation), a loop count grown until one repeat lasts long enough to dwarf
the clock's resolution, then the best of several repeats, since noise only ever
adds time. Ratios are "tensorbridge's speed relative to X" (X's time divided by
tensorbridge's), so above 1.00× tensorbridge is faster.
"""

from __future__ import annotations

import os
import platform
import timeit
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

import tensorbridge as tb

from ._bench_cuda import device_line as cuda_device_line
from ._bench_cuda import compute_table as cuda_compute_table
from ._bench_cuda import table as cuda_table
from ._bench_dlpack import table as dlpack_table
from ._bench_io import table as io_table
from ._bench_ops import table as ops_table
from ._tour import render_table

if TYPE_CHECKING:
    from collections.abc import Callable

LIBRARIES = ("tensorbridge", "NumPy", "PyTorch")
HEADERS = ("case", *LIBRARIES, "tb vs NumPy", "tb vs torch", "target stated as")
MB = 2**20


@dataclass(frozen=True)
class Sizes:
    """Problem sizes; the full set matches the targets, the quick set is a smoke run."""

    copy_elems: int  # float32 elements copied by tensor(a)
    cast_elems: int  # float64 elements converted to float32
    square: int  # side of the transposed float32 square
    list_len: int  # Python floats in the list
    arrays: int  # NumPy arrays in the list of arrays
    array_len: int = 512  # float32 elements in each of those arrays


@dataclass(frozen=True)
class Timing:
    """How hard to time: best of ``repeat`` repeats, each looping at least ``min_seconds``."""

    repeat: int
    min_seconds: float


FULL_SIZES = Sizes(copy_elems=64 * MB // 4, cast_elems=128 * MB // 8, square=4096,
                   list_len=1_000_000, arrays=1000)  # fmt: skip
QUICK_SIZES = Sizes(copy_elems=MB // 4, cast_elems=MB // 4, square=256, list_len=10_000, arrays=50)
FULL_TIMING = Timing(repeat=5, min_seconds=0.2)
QUICK_TIMING = Timing(repeat=1, min_seconds=0.002)
SLOW_TIMING = Timing(repeat=3, min_seconds=0.0)  # torch.tensor(list of arrays): seconds a call


@dataclass(frozen=True)
class Case:
    """One benchmark row: a callable per library (None: no equivalent there)."""

    name: str
    calls: dict[str, Callable[[], Any] | None]
    labels: dict[str, str]  # library -> the call as written, for the legend
    target: str  # which ratio the target is stated in
    bytes_moved: int = 0  # read + written per call; 0 for zero-copy calls
    slow: frozenset[str] = field(default_factory=frozenset)  # libraries timed with SLOW_TIMING


# ---------------------------------------------------------------- machine and timing


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo, else whatever platform knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def core_count() -> int:
    """Cores this process may run on (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_average() -> str:
    """The 1-minute load average: other busy processes skew every number, so say so."""
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return f"{os.getloadavg()[0]:.2f}"


def _loops(fn: Callable[[], Any], min_seconds: float) -> int:
    """Like timeit's autorange: the smallest 1-2-5 loop count lasting ``min_seconds``."""
    number = 1
    while True:
        for step in (1, 2, 5):
            if timeit.timeit(fn, number=number * step) >= min_seconds:
                return number * step
        number *= 10


def best_time(fn: Callable[[], Any], timing: Timing) -> float:
    """Seconds per call: warm up once, then the best of ``timing.repeat`` repeats."""
    fn()
    number = _loops(fn, timing.min_seconds) if timing.min_seconds > 0 else 1
    return min(timeit.repeat(fn, number=number, repeat=timing.repeat)) / number


# ---------------------------------------------------------------- cases


def _zero_copy_cases(torch: ModuleType | None) -> list[Case]:
    """from_numpy and Tensor.numpy() on a 2×2 array: pure per-call overhead."""
    a = np.ones((2, 2), dtype=np.float32)
    t = tb.from_numpy(a)
    pt = None if torch is None else torch.from_numpy(a)
    return [
        Case("from_numpy 2×2 float32",
             {"tensorbridge": lambda: tb.from_numpy(a), "NumPy": lambda: np.asarray(a),
              "PyTorch": None if torch is None else lambda: torch.from_numpy(a)},
             {"tensorbridge": "tb.from_numpy(a)", "NumPy": "np.asarray(a)",
              "PyTorch": "torch.from_numpy(a)"},
             target="time vs torch"),
        Case("Tensor.numpy() 2×2 float32",
             {"tensorbridge": t.numpy, "NumPy": None,
              "PyTorch": None if pt is None else pt.numpy},
             {"tensorbridge": "t.numpy()", "PyTorch": "t.numpy()"},
             target="time vs torch"),
    ]  # fmt: skip


def _copy_case(torch: ModuleType | None, sizes: Sizes) -> Case:
    """tensor(a): a plain 64 MB float32 copy, the memcpy-bound case."""
    a = np.random.default_rng(0).random(sizes.copy_elems, dtype=np.float32)
    return Case(
        f"tensor(a) copy {a.nbytes / MB:g} MB float32",
        {"tensorbridge": lambda: tb.tensor(a), "NumPy": a.copy,
         "PyTorch": None if torch is None else lambda: torch.tensor(a)},
        {"tensorbridge": "tb.tensor(a)", "NumPy": "a.copy()", "PyTorch": "torch.tensor(a)"},
        target="GB/s vs NumPy and torch",
        bytes_moved=2 * a.nbytes,
    )  # fmt: skip


def _cast_case(torch: ModuleType | None, sizes: Sizes) -> Case:
    """tensor(a, dtype=float32) from float64: a copy that converts on the way."""
    a = np.random.default_rng(1).random(sizes.cast_elems)
    return Case(
        f"float64→float32 copy {a.nbytes / MB:g} MB → {a.nbytes / 2 / MB:g} MB",
        {"tensorbridge": lambda: tb.tensor(a, dtype=tb.float32),
         "NumPy": lambda: a.astype(np.float32),
         "PyTorch": None if torch is None else lambda: torch.tensor(a, dtype=torch.float32)},
        {"tensorbridge": "tb.tensor(a, dtype=tb.float32)", "NumPy": "a.astype(np.float32)",
         "PyTorch": "torch.tensor(a, dtype=torch.float32)"},
        target="GB/s vs NumPy and torch",
        bytes_moved=a.nbytes + a.nbytes // 2,
    )  # fmt: skip


def _transpose_case(torch: ModuleType | None, sizes: Sizes) -> Case:
    """contiguous() of a transposed square: a strided gather, cache-unfriendly by design."""
    n = sizes.square
    a = np.random.default_rng(2).random((n, n), dtype=np.float32)
    t_view, a_view = tb.from_numpy(a).T, a.T
    pt_view = None if torch is None else torch.from_numpy(a).t()
    return Case(
        f"contiguous() of transposed {n}×{n} float32",
        {"tensorbridge": t_view.contiguous, "NumPy": lambda: np.ascontiguousarray(a_view),
         "PyTorch": None if pt_view is None else pt_view.contiguous},
        {"tensorbridge": "t.T.contiguous()", "NumPy": "np.ascontiguousarray(a.T)",
         "PyTorch": "t.t().contiguous()"},
        target="GB/s vs torch",
        bytes_moved=2 * a.nbytes,
    )  # fmt: skip


def _float_list_case(torch: ModuleType | None, sizes: Sizes) -> Case:
    """tensor(list of Python floats): per-element unboxing dominates."""
    values = np.random.default_rng(3).random(sizes.list_len).tolist()
    return Case(
        f"tensor(list of {sizes.list_len:,} floats)",
        {"tensorbridge": lambda: tb.tensor(values),
         "NumPy": lambda: np.array(values, dtype=np.float32),
         "PyTorch": None if torch is None else lambda: torch.tensor(values)},
        {"tensorbridge": "tb.tensor(l)", "NumPy": "np.array(l, dtype=np.float32)",
         "PyTorch": "torch.tensor(l)"},
        target="speed vs NumPy",
    )  # fmt: skip


def _array_list_case(torch: ModuleType | None, sizes: Sizes) -> Case:
    """tensor(list of NumPy arrays): the data-loader pattern PyTorch warns is slow."""
    rng = np.random.default_rng(4)
    arrays = [rng.random(sizes.array_len, dtype=np.float32) for _ in range(sizes.arrays)]
    return Case(
        f"tensor(list of {sizes.arrays:,} float32[{sizes.array_len}] arrays)",
        {"tensorbridge": lambda: tb.tensor(arrays), "NumPy": lambda: np.array(arrays),
         "PyTorch": None if torch is None else lambda: torch.tensor(arrays)},
        {"tensorbridge": "tb.tensor(l)", "NumPy": "np.array(l)", "PyTorch": "torch.tensor(l)"},
        target="speed vs NumPy and torch",
        slow=frozenset({"PyTorch"}),
    )  # fmt: skip


CASE_BUILDERS = (_copy_case, _cast_case, _transpose_case, _float_list_case, _array_list_case)


def build_cases(torch: ModuleType | None, sizes: Sizes) -> list[Case]:
    """Every case, zero-copy first; big inputs are built here, once, outside the timing."""
    return [*_zero_copy_cases(torch), *(build(torch, sizes) for build in CASE_BUILDERS)]


# ---------------------------------------------------------------- running and printing


def _slow(timing: Timing) -> Timing:
    """Timing for calls that take seconds: a few single-call repeats, never more than asked."""
    return Timing(repeat=min(timing.repeat, SLOW_TIMING.repeat), min_seconds=0.0)


def run_case(case: Case, timing: Timing) -> dict[str, float | None]:
    """Seconds per call for each library (None where it has no equivalent)."""
    results: dict[str, float | None] = {}
    for library in LIBRARIES:
        fn = case.calls.get(library)
        chosen = _slow(timing) if library in case.slow else timing
        results[library] = None if fn is None else best_time(fn, chosen)
    return results


def format_seconds(seconds: float) -> str:
    """A duration with three significant digits in the unit that suits it."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _cell(case: Case, seconds: float | None, missing: str) -> str:
    """Time per call, plus throughput for copies."""
    if seconds is None:
        return missing
    if case.bytes_moved:
        return f"{format_seconds(seconds)} ({case.bytes_moved / seconds / 1e9:.2f} GB/s)"
    return format_seconds(seconds)


def _ratio(theirs: float | None, ours: float | None) -> str:
    """tensorbridge's speed relative to another library (their time / ours)."""
    if theirs is None or ours is None:
        return "—"
    return f"{theirs / ours:.2f}×"


def table_row(case: Case, times: dict[str, float | None], torch_missing: bool) -> list[str]:
    """One printed row: the three timings, the two ratios and the target's wording."""
    missing = {"PyTorch": "not installed" if torch_missing else "—"}
    cells = [_cell(case, times[lib], missing.get(lib, "—")) for lib in LIBRARIES]
    ours = times["tensorbridge"]
    ratios = [_ratio(times["NumPy"], ours), _ratio(times["PyTorch"], ours)]
    return [case.name, *cells, *ratios, case.target]


def _header(torch: ModuleType | None, quick: bool, timing: Timing) -> list[str]:
    """The machine and library versions, so a pasted table says where it came from."""
    threads = "—" if torch is None else str(torch.get_num_threads())
    machine = (
        f"machine: {cpu_model()}, {core_count()} cores ({platform.machine()}, "
        f"{platform.system()}), Python {platform.python_version()}, "
        f"load average before the run {load_average()}"
    )
    versions = (
        f"tensorbridge {tb.__version__}, NumPy {np.__version__}, "
        f"PyTorch {'not installed' if torch is None else torch.__version__} "
        f"(torch.get_num_threads() = {threads})"
    )
    method = (
        f"{'quick smoke run, small sizes' if quick else 'full sizes'}: best of {timing.repeat} "
        f"repeat(s) after a warm-up, each looping >= {timing.min_seconds:g} s; "
        "GB/s counts bytes read + written; ratios = other's time / tensorbridge's "
        "(>1 = tensorbridge faster)"
    )
    return [machine, versions, method]


def _legend(cases: list[Case]) -> list[str]:
    """The exact call timed in each column, so every number can be reproduced."""
    lines = []
    for case in cases:
        calls = " | ".join(case.labels.get(lib, "—") for lib in LIBRARIES)
        lines.append(f"{case.name}: {calls}")
    return lines


def _import_torch(threads: int | None) -> ModuleType | None:
    """PyTorch if installed, with its intra-op threads set to the machine's cores."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads or core_count())
    return torch


def _cuda_main(threads: int | None, quick: bool, markdown: bool) -> int:
    """``bench --cuda``: the host<->GPU rows, or why there are none here."""
    if not tb.cuda.is_available():
        print(
            "CUDA is not available here (tb.cuda.is_available() is False: "
            f"{tb.cuda.unavailable_reason()}); nothing to benchmark."
        )
        return 0
    torch = _import_torch(threads)
    timing = QUICK_TIMING if quick else FULL_TIMING
    bullet = "- " if markdown else ""
    header = [*_header(torch, quick, timing), cuda_device_line()]
    print("\n".join(bullet + line for line in header), end="\n\n")
    print("Host<->GPU copies (targets in the target column):")
    print(cuda_table(torch, timing, markdown, quick))
    print("\nGPU operations, for the record (no targets):")
    print(cuda_compute_table(torch, timing, markdown, quick))
    return 0


def main(
    quick: bool = False, markdown: bool = False, cuda: bool = False, threads: int | None = None
) -> int:
    """Build the cases, time them all in this process, print header, table and legend."""
    if cuda:
        return _cuda_main(threads, quick, markdown)
    torch = _import_torch(threads)
    sizes, timing = (QUICK_SIZES, QUICK_TIMING) if quick else (FULL_SIZES, FULL_TIMING)
    header = _header(torch, quick, timing)  # before the run: the load average is about others
    cases = build_cases(torch, sizes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.tensor(list of arrays) warns on every call
        rows = [table_row(case, run_case(case, timing), torch is None) for case in cases]
    bullet = "- " if markdown else ""
    print("\n".join(bullet + line for line in header), end="\n\n")
    print(render_table(HEADERS, rows, markdown), end="\n\n")
    print("Operations (targets in the last column):")
    print(ops_table(torch, sizes, timing, markdown), end="\n\n")
    print("DLPack (target: every tensorbridge direction >= 1.00× of the fastest peer exchange):")
    print(dlpack_table(torch, timing, markdown), end="\n\n")
    print(
        "I/O (targets: pickle and mmap >= 1.00× NumPy's speed; hand-off with share_memory_() "
        ">= 20× sending bytes and >= 1.00× PyTorch's share_memory_()):"
    )
    print(io_table(torch, timing, markdown, quick), end="\n\n")
    print("calls timed (tensorbridge | NumPy | PyTorch):")
    print("\n".join(bullet + line for line in _legend(cases)))
    return 0
