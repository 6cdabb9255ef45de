"""`python -m tensorbridge tour` and `bench` run end to end, exit 0 and print their key rows.

They run in a subprocess, as a user runs them, so argument parsing, lazy imports of
the optional peers and TensorFlow's silenced logging are all exercised too.
"""

import importlib.util
import subprocess
import sys

import pytest
import tensorbridge as tb
from tensorbridge import _bench, _tour

TIMEOUT_S = 300  # TensorFlow's import alone takes seconds on a loaded 2-core machine


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tensorbridge ARGS`` and insist that it succeeded."""
    proc = subprocess.run(
        [sys.executable, "-m", "tensorbridge", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def _table(stdout: str, width: int) -> list[list[str]]:
    """The plain table's rows (header and rule excluded), split into ``width`` cells."""
    rows = [[c.strip() for c in line.split(" | ")] for line in stdout.splitlines()]
    return [r for r in rows if len(r) == width and not r[0].startswith("-")][1:]


def _installed(name: str) -> bool:
    """Whether a peer library is importable here, as the tour decides it."""
    return importlib.util.find_spec(name) is not None


@pytest.fixture(scope="module")
def tour() -> subprocess.CompletedProcess[str]:
    """One tour run shared by the tests below: it imports TensorFlow, which is slow."""
    return _run("tour")


@pytest.fixture(scope="module")
def tour_rows(tour: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    """The tour's table as dicts keyed by its column headers."""
    keys = ("scenario", "library", "call", "shares", "dtype", "note")
    return [dict(zip(keys, row, strict=True)) for row in _table(tour.stdout, len(_tour.HEADERS))]


def _find(rows: list[dict[str, str]], library: str, call: str) -> list[dict[str, str]]:
    """The rows a library printed for one call, across scenarios."""
    return [r for r in rows if r["library"] == library and r["call"] == call]


def _one(rows: list[dict[str, str]], scenario: str, library: str, call: str) -> dict[str, str]:
    """The single row a library printed for one call in one scenario."""
    (row,) = [r for r in _find(rows, library, call) if r["scenario"] == scenario]
    return row


def test_tour_replays_every_scenario(tour_rows: list[dict[str, str]]) -> None:
    assert {r["scenario"] for r in tour_rows} == {title for title, _ in _tour.SCENARIOS}


def test_tour_from_numpy_shares(tour_rows: list[dict[str, str]]) -> None:
    row = _one(tour_rows, "NumPy → tensor, shared (from_numpy)", "tensorbridge", "tb.from_numpy(a)")
    assert row["shares"] == "yes (both ways)"
    assert "tb.shares_memory=True" in row["note"]
    assert row["dtype"] == "tb.float32"


def test_tour_tensor_copies_and_numpy_shares(tour_rows: list[dict[str, str]]) -> None:
    (copied,) = _find(tour_rows, "tensorbridge", "tb.tensor(a64)")
    assert copied["shares"] == "no (copy)"
    assert copied["dtype"] == "tb.float64"  # the seed's pitfall: NumPy's float64 is kept
    (shared,) = _find(tour_rows, "tensorbridge", "t.numpy()")
    assert shared["shares"].startswith("yes")


def test_tour_awkward_arrays(tour_rows: list[dict[str, str]]) -> None:
    by_scenario = {r["scenario"]: r for r in _find(tour_rows, "tensorbridge", "tb.from_numpy(a)")}
    assert by_scenario["negative strides"]["shares"] == "yes (both ways)"
    assert by_scenario["read-only array"]["shares"] == "yes (output read-only)"
    assert by_scenario["byte-swapped array"]["shares"] == "refused"
    assert by_scenario["byte-swapped array"]["note"].startswith("ValueError")


def test_tour_measurements_agree(tour_rows: list[dict[str, str]]) -> None:
    assert not [r for r in tour_rows if "MISMATCH" in r["note"]]


def test_tour_gpu_rows_say_no_gpu(tour_rows: list[dict[str, str]]) -> None:
    if tb.cuda.is_available():
        pytest.skip("this machine has a GPU")
    gpu = [r for r in tour_rows if r["scenario"] == "GPU tensor → NumPy"]
    assert any(r["library"] == "tensorbridge" and r["shares"] == "no GPU" for r in gpu)


@pytest.mark.parametrize(
    ("library", "module"), [("TensorFlow", "tensorflow"), ("PyTorch", "torch")]
)
def test_tour_peer_rows_follow_installation(
    tour_rows: list[dict[str, str]], library: str, module: str
) -> None:
    rows = [r for r in tour_rows if r["library"] == library]
    measured = [r for r in rows if r["note"] != "not installed" and r["shares"] != "no GPU"]
    if _installed(module):
        assert measured, f"{library} is installed but no row measured it"
    else:
        assert rows
        assert not measured


def test_tour_silences_tensorflow(tour: subprocess.CompletedProcess[str]) -> None:
    assert "oneDNN" not in tour.stderr


def test_bench_quick() -> None:
    proc = _run("bench", "--quick")
    rows = [r for r in _table(proc.stdout, len(_bench.HEADERS)) if r[0] != "case"]
    names = [r[0] for r in rows]
    assert any(n.startswith("from_numpy") for n in names)
    assert any(n.startswith("tensor(list of") and "arrays" in n for n in names)
    assert len(rows) == 7 + 14 + 6  # conversions, operations, linalg and fft
    for op in ("a + b", "sum", "exp", "sin", "tanh", "mean", "matmul", "argsort", "x[mask]",
               "linalg.solve", "linalg.svd", "linalg.det", "linalg.vector_norm", "fft.fft", "fft.rfft"):
        matching = [r for r in rows if r[0].startswith(op)]
        assert matching, f"no row for {op}"
        for row in matching:
            assert row[1] != "—", f"tensorbridge has no timing for {op}"
    assert sum(r[0].startswith(("exp", "sin")) and "float64" in r[0] for r in rows) == 2
    torch_cells = [r[_bench.HEADERS.index("PyTorch")] for r in rows]
    if _installed("torch"):
        assert all(cell != "not installed" for cell in torch_cells)
    else:
        assert all(cell == "not installed" for cell in torch_cells)
    assert "cores" in proc.stdout


def test_bench_markdown_and_cuda() -> None:
    markdown = _run("bench", "--quick", "--markdown").stdout
    assert "| case | tensorbridge | NumPy | PyTorch |" in markdown
    assert "| --- |" in markdown
    if tb.cuda.is_available():
        cuda = _run("bench", "--cuda", "--quick", "--markdown").stdout
        assert "| host->device, pageable" in cuda and "| host->device, pinned" in cuda
        if _installed("torch"):
            assert "| a + b, 4M float32" in cuda and "| a @ b, 1024x1024 float32" in cuda
    else:
        assert "CUDA is not available here" in _run("bench", "--cuda").stdout
