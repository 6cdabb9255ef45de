"""Shared helpers for the tensorbridge Python tests: the dtype table, value
generators with awkward values, a bit-exact comparison, and Hypothesis
strategies for arrays with arbitrary layouts. NumPy is the oracle."""

from __future__ import annotations

import os
import re

import ml_dtypes
import numpy as np
import pytest
import tensorbridge as tb
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

BF16 = np.dtype(ml_dtypes.bfloat16)

HAS_CUDA = tb.cuda.is_available()


def check_cuda_request(request):
    """Runs a call that asks for a GPU tensor. Where CUDA is available it must
    give one; elsewhere it must raise the RuntimeError saying CUDA is not
    available here. Returns the tensor, or None."""
    if not HAS_CUDA:
        with pytest.raises(RuntimeError, match="needs CUDA, which is not available here"):
            request()
        return None
    out = request()
    assert out.is_cuda, out.device
    return out

# (tensorbridge dtype, NumPy dtype) for all 15 supported dtypes (SPEC §3).
DTYPES = [
    (tb.bool, np.dtype(np.bool_)),
    (tb.int8, np.dtype(np.int8)),
    (tb.int16, np.dtype(np.int16)),
    (tb.int32, np.dtype(np.int32)),
    (tb.int64, np.dtype(np.int64)),
    (tb.uint8, np.dtype(np.uint8)),
    (tb.uint16, np.dtype(np.uint16)),
    (tb.uint32, np.dtype(np.uint32)),
    (tb.uint64, np.dtype(np.uint64)),
    (tb.float16, np.dtype(np.float16)),
    (tb.bfloat16, BF16),
    (tb.float32, np.dtype(np.float32)),
    (tb.float64, np.dtype(np.float64)),
    (tb.complex64, np.dtype(np.complex64)),
    (tb.complex128, np.dtype(np.complex128)),
]
TB_DTYPES = [d for d, _ in DTYPES]
NP_DTYPES = [n for _, n in DTYPES]
NP_OF = {d.name: n for d, n in DTYPES}
TB_OF = {n: d for d, n in DTYPES}
DTYPE_IDS = [d.name for d in TB_DTYPES]

# Types with a buffer-protocol format (bfloat16 has none: SPEC §3 allows a
# BufferError for it).
BUFFER_DTYPES = [n for n in NP_DTYPES if n != BF16]


def np_dtype(d):
    """The NumPy dtype matching a tensorbridge dtype."""
    return NP_OF[d.name]


def special_values(ndt: np.dtype) -> list:
    """Edge values of a dtype (extremes, NaN, infinities, signed zero)."""
    if ndt == np.bool_:
        return [False, True]
    if ndt.kind in "iu":
        info = np.iinfo(ndt)
        return [info.min, info.max, 0, 1, info.max // 2 + 1]
    floats = [0.0, -0.0, 1.5, -2.5, np.nan, np.inf, -np.inf, 1e30, -7e4, 70000.0, 3e-8, 1e300]
    if ndt.kind == "c":
        return [complex(x, y) for x, y in zip(floats, reversed(floats))]
    return floats


def make_values(ndt: np.dtype, shape, seed: int = 0, special: bool = True) -> np.ndarray:
    """A C-contiguous array of `ndt` holding random plus edge values."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape, dtype=np.int64))
    if ndt == np.bool_:
        flat = rng.integers(0, 2, size).astype(bool)
    elif ndt.kind in "iu":
        info = np.iinfo(ndt)
        flat = rng.integers(info.min, info.max, size, dtype=ndt, endpoint=True)
    elif ndt.kind == "c":
        flat = (rng.standard_normal(size) * 100 + 1j * rng.standard_normal(size)).astype(ndt)
    else:
        flat = (rng.standard_normal(size) * 100).astype(ndt)
    if special and size:
        sp = special_values(ndt)[:size]
        with np.errstate(all="ignore"):
            if ndt.kind in "iub":
                flat[: len(sp)] = np.array(sp, dtype=ndt)
            else:
                flat[: len(sp)] = np.array(sp).astype(ndt)
    return flat.reshape(shape)


def bytes_of(a: np.ndarray) -> bytes:
    """The element bytes of `a` in C order, layout-independent."""
    return np.ascontiguousarray(a).tobytes()


def assert_same_bits(got, expected: np.ndarray) -> None:
    """`got` (array or tensor) has the dtype, shape and exact bytes of `expected`."""
    if isinstance(got, tb.Tensor):
        want = TB_OF[np.dtype(expected.dtype).newbyteorder("=")]
        assert got.dtype == want, (got.dtype, expected.dtype)
        got = got.numpy(force=True)  # a GPU tensor is compared through a host copy
    got = np.asarray(got)
    exp = expected
    if exp.dtype.byteorder not in "=|" and not exp.dtype.isnative:
        exp = exp.astype(exp.dtype.newbyteorder("="))
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    assert got.shape == exp.shape, (got.shape, exp.shape)
    assert bytes_of(got) == bytes_of(exp), f"values differ:\n{got!r}\nvs\n{exp!r}"


def misaligned(ndt: np.dtype, n: int = 6) -> np.ndarray:
    """A 1-d array of `ndt` whose data address is not a multiple of its alignment."""
    buf = bytearray(n * ndt.itemsize + 16)
    base = np.frombuffer(buf, dtype=np.uint8)
    off = (-base.ctypes.data) % 16 + 1
    a = np.frombuffer(buf, dtype=ndt, count=n, offset=off)
    assert not a.flags.aligned
    a[...] = np.arange(n).astype(ndt)
    return a


@pytest.fixture(params=DTYPES, ids=DTYPE_IDS)
def dtype_pair(request):
    return request.param


# ---------------------------------------------------------------- Hypothesis
#
# Settings profiles, picked by the HYPOTHESIS_PROFILE environment variable:
#
# - Hypothesis's own: "default" locally, and "ci" (derandomized, no database)
#   when it detects a CI machine. Each property test runs the examples its
#   module asks for, sized so that `make test` stays short.
# - "fuzz" (`make fuzz`): every budget is multiplied by FUZZ_SCALE, so the
#   Hypothesis suites together run well over 100,000 examples, with fresh
#   random choices on every run.
#
# A module states its budget as `examples(n)`, its count at the default scale;
# the loaded profile's max_examples (Hypothesis's default is 100) sets the
# scale, so a budget written once serves both runs.

FUZZ_SCALE = 20
settings.register_profile(
    "fuzz",
    max_examples=100 * FUZZ_SCALE,
    deadline=None,
    derandomize=False,
    print_blob=True,
    # At volume a slow example or a strategy that filters much is expected,
    # not a sign of a broken strategy (the short run still checks that).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
if "HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


def examples(ci_count: int) -> int:
    """A property test's example budget: `ci_count` under Hypothesis's default
    and CI profiles (max_examples 100), scaled in proportion under others."""
    return max(1, ci_count * settings().max_examples // 100)


dtype_pairs = st.sampled_from(DTYPES)
shapes = st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)


@st.composite
def strided_views(draw, ndt=None, allow_zero_strides=True):
    """(base, view): a contiguous base array and a view of it with arbitrary
    steps (incl. negative), a transpose, or a zero-stride broadcast."""
    if ndt is None:
        ndt = draw(dtype_pairs)[1]
    shape = draw(shapes)
    seed = draw(st.integers(0, 2**16))
    base = make_values(ndt, shape, seed=seed, special=draw(st.booleans()))
    if draw(st.booleans()) and base.ndim:
        base = np.asfortranarray(base)
    view = base
    kind = draw(st.sampled_from(["slice", "transpose", "broadcast", "plain"]))
    if kind == "slice" and view.ndim:
        idx = []
        for n in view.shape:
            step = draw(st.sampled_from([1, 2, 3, -1, -2]))
            start = draw(st.integers(0, max(n - 1, 0))) if n and draw(st.booleans()) else None
            idx.append(slice(start, None, step))
        view = view[tuple(idx)]
    elif kind == "transpose" and view.ndim:
        perm = draw(st.permutations(range(view.ndim)))
        view = view.transpose(perm)
    elif kind == "broadcast" and allow_zero_strides:
        extra = draw(st.integers(1, 3))
        new_shape = (extra,) + view.shape
        view = np.lib.stride_tricks.as_strided(
            view, shape=new_shape, strides=(0,) + view.strides, writeable=False
        )
    return base, view


# --- Interop peers must really run in CI -----------------------------------
# `make test` installs NumPy, PyTorch, TensorFlow, JAX, ml_dtypes, Ray and
# Dask's distributed. Locally a
# missing peer skips its tests; under CI (CI=true) such a skip is a failure,
# so an install step that silently broke cannot turn the interop suite green.

PEERS = ("numpy", "ml_dtypes", "torch", "tensorflow", "jax", "ray", "distributed")

# TENSORBRIDGE_TEST_BLOCK_PEERS="tensorflow,jax" makes those peers
# unimportable in this run, so their tests skip; scripts/sanitize.sh uses it
# to keep interpreters that take minutes to load under valgrind out of the
# memcheck run. A peer blocked on purpose is not a broken install, so its
# skips stay skips under CI=true.
BLOCKED_PEERS = frozenset(
    p for p in os.environ.get("TENSORBRIDGE_TEST_BLOCK_PEERS", "").split(",") if p
)


class _BlockPeers:
    """A meta path finder that refuses to import the blocked peers."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED_PEERS:
            raise ModuleNotFoundError(f"{name} blocked by TENSORBRIDGE_TEST_BLOCK_PEERS", name=name)


if BLOCKED_PEERS:
    import sys

    sys.meta_path.insert(0, _BlockPeers)


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (_ci() and report.skipped):
        return
    reason = str(report.longrepr)
    missing = [p for p in PEERS if p not in BLOCKED_PEERS and f"'{p}'" in reason]
    if "could not import" in reason and missing:
        report.outcome = "failed"
        report.longrepr = f"interop peer missing under CI (make test installs it): {reason}"


# --- How many examples Hypothesis really ran ---------------------------------
# A budget is an upper bound: Hypothesis stops early when a strategy's space is
# exhausted, and the fuzz run's claim is about examples executed. Hypothesis's
# pytest plugin attaches each test's statistics to its report; the summary
# below adds up the test cases of every phase (explicit, reuse, generate,
# shrink) so `make fuzz` prints the total it ran.

_CASES = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid test cases")


def pytest_terminal_summary(terminalreporter):
    passing = failing = invalid = tests = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            stats = getattr(report, "__dict__", {}).get("_hypothesis_stats")
            if not stats:
                continue
            tests += 1
            for p, f, i in _CASES.findall(stats):
                passing, failing, invalid = passing + int(p), failing + int(f), invalid + int(i)
    if tests:
        profile = os.environ.get("HYPOTHESIS_PROFILE", "default")
        terminalreporter.write_line(
            f"Hypothesis ({profile} profile): {passing} passing examples, {failing} failing, "
            f"{invalid} invalid, in {tests} property tests"
        )
