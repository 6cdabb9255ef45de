"""``python -m tensorbridge tour``: the seed tutorial's NumPy-bridge scenarios, measured live.

The tutorial tensorbridge grew from states who shares memory with whom in PyTorch
and TensorFlow. Documents drift and libraries change, so every row here is a
measurement taken now: each call runs on a fresh input, then a sentinel is written
into one side and read back from the other (the mutation test), and
``np.shares_memory`` / ``tb.shares_memory`` is asked where both sides live in host
memory. Nothing in the table is typed in by hand except the call being made.

PyTorch, TensorFlow and ml_dtypes are imported lazily and may be absent: their
rows then say "not installed" rather than the tour failing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import time
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

import tensorbridge as tb

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

HEADERS = ("scenario", "library", "call", "shares memory?", "dtype out", "note")
SOURCE_SENTINEL = 111.0  # written into the input; the seed's own value
OUTPUT_SENTINEL = 444.0  # written into the output; exact in bfloat16 too
NOTE_LIMIT = 72  # keeps exception messages to one readable line


@dataclass(frozen=True)
class Row:
    """One measured line of the table."""

    scenario: str
    library: str
    call: str
    shares: str
    dtype: str
    note: str


@dataclass(frozen=True)
class Case:
    """One call to measure: how to build a fresh input and what to do with it.

    ``skip`` is ``(shares label, note)`` when the case cannot run here (library not
    installed, no GPU), so the table still shows the row instead of hiding it.
    ``writer`` gives the handle to write the input through when the input itself
    refuses writes (a read-only view of a writeable base).
    """

    library: str
    call: str
    source: Callable[[], Any]
    convert: Callable[[Any], Any]
    skip: tuple[str, str] | None = None
    writer: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Peers:
    """The optional libraries the tour compares against; ``None`` when absent."""

    torch: ModuleType | None
    tf: ModuleType | None
    ml_dtypes: ModuleType | None


# ---------------------------------------------------------------- optional imports


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send fd 2 to /dev/null: TensorFlow's C++ logs bypass TF_CPP_MIN_LOG_LEVEL at load."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _optional(name: str) -> ModuleType | None:
    """Import ``name`` if it is installed, so a missing peer costs a row, not the tour."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _import_tensorflow() -> ModuleType | None:
    """Import TensorFlow silenced; its first op loads oneDNN and logs again, so run one."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_stderr():
        tf = _optional("tensorflow")
        if tf is not None:
            tf.constant(0.0).numpy()
    return tf


def import_peers() -> Peers:
    """Import every optional peer once, up front, so the measured part runs import-free."""
    return Peers(
        torch=_optional("torch"), tf=_import_tensorflow(), ml_dtypes=_optional("ml_dtypes")
    )


def _version(module: ModuleType | None) -> str:
    """A module's version, or "not installed" when it is absent."""
    return "not installed" if module is None else getattr(module, "__version__", "?")


# ---------------------------------------------------------------- measuring one call


def _index(x: Any) -> Any:
    """The first element's index, for arrays, tensors of every library and lists alike."""
    shape = getattr(x, "shape", None)
    return 0 if shape is None else (0,) * len(shape)


def _read(x: Any) -> float:
    """The first element as a Python float, read through the object's own indexing."""
    return float(x[_index(x)])


def _write(x: Any, value: float) -> str | None:
    """Write ``value`` into the first element; the exception type name if refused."""
    try:
        x[_index(x)] = value
    except Exception as exc:  # noqa: BLE001 -- each library refuses its own way; all are findings
        return type(exc).__name__
    return None


def _probe(target: Any, other: Any, value: float, side: str, notes: list[str]) -> bool | None:
    """Write into ``target`` and report whether ``other`` sees it (None: write refused)."""
    refused = _write(target, value)
    if refused is not None:
        notes.append(f"writing the {side} raises {refused}")
        return None
    return _read(other) == value


def _verdict(forward: bool | None, backward: bool | None) -> str:
    """Summarise both mutation directions as the table's "shares memory?" cell."""
    if forward and backward:
        return "yes (both ways)"
    if forward and backward is None:
        return "yes (output read-only)"
    if forward:
        return "yes (input→output only)"
    if backward:
        return "yes (output→input only)"
    return "no (copy)"


def _host_array(x: Any) -> np.ndarray | None:
    """A NumPy view known to alias ``x``'s host memory, or None when there is none."""
    if isinstance(x, np.ndarray):
        return x
    if type(x).__module__ == "torch" and getattr(x.device, "type", "") == "cpu":
        try:
            return x.numpy()
        except (TypeError, RuntimeError):  # bfloat16 and other dtypes NumPy lacks
            return None
    return None


def _overlap(src: Any, out: Any) -> tuple[str, bool] | None:
    """Ask the overlap oracle that applies: tb.shares_memory for tensorbridge, else NumPy's."""
    if isinstance(src, tb.Tensor) or isinstance(out, tb.Tensor):
        if all(isinstance(x, tb.Tensor | np.ndarray) for x in (src, out)):
            with contextlib.suppress(TypeError, ValueError, RuntimeError):
                return "tb.shares_memory", bool(tb.shares_memory(src, out))
        return None
    views = _host_array(src), _host_array(out)
    if views[0] is None or views[1] is None:
        return None
    return "np.shares_memory", bool(np.shares_memory(*views))


def _overlap_notes(src: Any, out: Any, verdict: str) -> list[str]:
    """Report the overlap check, and flag it loudly when it disagrees with the mutation."""
    found = _overlap(src, out)
    if found is None:
        return []
    oracle, overlaps = found
    if overlaps != verdict.startswith("yes"):
        return [f"MISMATCH: {oracle}={overlaps}"]
    return [f"{oracle}={overlaps}"]


def _flag_notes(src: Any, out: Any, backward: bool | None) -> list[str]:
    """Facts worth a word: identity, read-only outputs, writes through read-only inputs."""
    notes = []
    if out is src:
        notes.append("returns the input itself")
    if getattr(out, "is_readonly", False) is True:
        notes.append("tensor is read-only")
    if isinstance(out, np.ndarray) and not out.flags.writeable:
        notes.append("array is non-writeable")
    if backward and isinstance(src, np.ndarray) and not src.flags.writeable:
        notes.append("wrote into a read-only array")
    return notes


def _short(text: str) -> str:
    """First line of ``text``, cut to NOTE_LIMIT characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= NOTE_LIMIT else line[: NOTE_LIMIT - 1] + "…"


def _describe(exc: BaseException) -> str:
    """An exception as a note: its type, which is the finding, then its message."""
    return _short(f"{type(exc).__name__}: {exc}")


def _dtype_name(x: Any) -> str:
    """The output's dtype spelled the way its own library spells it."""
    if isinstance(x, np.ndarray):
        return f"np.{x.dtype.name}"
    text = str(getattr(x, "dtype", "—"))
    if text.startswith("tensorbridge."):
        return "tb." + text.removeprefix("tensorbridge.")
    if type(x).__module__.startswith("tensorflow"):
        return f"tf.{x.dtype.name}"
    return text


def _call(convert: Callable[[Any], Any], src: Any) -> tuple[Any, list[str], BaseException | None]:
    """Run the call under test, keeping its warnings (PyTorch warns where others raise)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = convert(src)
        except Exception as exc:  # noqa: BLE001 -- a refusal is the measurement, not a failure
            return None, [], exc
    return out, [_short(f"{w.category.__name__}: {w.message}") for w in caught], None


def measure(scenario: str, case: Case) -> Row:
    """Run one case on a fresh input and turn what happened into a table row."""
    if case.skip is not None:
        return Row(scenario, case.library, case.call, case.skip[0], "—", case.skip[1])
    src = case.source()
    out, warned, error = _call(case.convert, src)
    if error is not None:
        return Row(scenario, case.library, case.call, "refused", "—", _describe(error))
    notes: list[str] = []
    writer = src if case.writer is None else case.writer(src)
    forward = _probe(writer, out, SOURCE_SENTINEL, "input", notes)
    backward = _probe(out, src, OUTPUT_SENTINEL, "output", notes)
    verdict = _verdict(forward, backward)
    notes = [*_overlap_notes(src, out, verdict), *_flag_notes(src, out, backward), *warned, *notes]
    return Row(scenario, case.library, case.call, verdict, _dtype_name(out), "; ".join(notes))


# ---------------------------------------------------------------- inputs


def _seed_array() -> np.ndarray:
    """The seed's ``numpy_array_source``: a float32 2×2 array."""
    return np.array([[10.0, 20.0], [30.0, 40.0]], dtype=np.float32)


def _seed_float64() -> np.ndarray:
    """The seed's dtype pitfall: NumPy's default float is float64."""
    return np.array([1.0, 2.0, 3.0])


def _seed_float32() -> np.ndarray:
    """The seed's best practice: an explicitly float32 array."""
    return np.array([1.0, 2.0, 3.0], dtype=np.float32)


def _negative_strides() -> np.ndarray:
    """A reversed view: the stride PyTorch refuses."""
    return np.arange(1.0, 5.0, dtype=np.float32)[::-1]


def _read_only() -> np.ndarray:
    """A non-writeable view of a writeable base, so the test can still write via ``.base``."""
    view = np.arange(1.0, 5.0, dtype=np.float32).view()
    view.flags.writeable = False
    return view


def _byte_swapped() -> np.ndarray:
    """Big-endian float32 on a little-endian machine (or the reverse on a big-endian one)."""
    return np.arange(1.0, 5.0, dtype=np.dtype(np.float32).newbyteorder("S"))


TB_ROWS = [[1.0, 2.0], [3.0, 4.0]]  # the seed's tf.constant / torch.tensor values
GPU_ROWS = [[5.0, 6.0], [7.0, 8.0]]  # the seed's GPU tensor values


def _missing(module: ModuleType | None) -> tuple[str, str] | None:
    """The skip marker for a peer that is not installed."""
    return ("—", "not installed") if module is None else None


def _skipped(library: str, call: str, label: str, note: str) -> Case:
    """A row that cannot run here (no GPU, no library); its input and call are never used."""
    return Case(library, call, _seed_array, np.asarray, skip=(label, note))


# ---------------------------------------------------------------- scenarios (seed order)


def _tf_to_numpy(p: Peers) -> list[Case]:
    """Seed §1: ``tf.Tensor.numpy()`` on CPU, then a write to the array."""
    tf = p.tf
    return [
        Case("TensorFlow", "tf.constant(...).numpy()",
             lambda: tf.constant(TB_ROWS, dtype=tf.float32), lambda t: t.numpy(),
             skip=_missing(tf)),
        Case("tensorbridge", "t.numpy()",
             lambda: tb.tensor(TB_ROWS, dtype=tb.float32), lambda t: t.numpy()),
    ]  # fmt: skip


def _tf_gpu_cases(tf: ModuleType | None) -> list[Case]:
    """TensorFlow's GPU → NumPy row, or why it cannot run here."""
    call = "GPU tensor .numpy()"
    if tf is None:
        return [_skipped("TensorFlow", call, "—", "not installed")]
    if not tf.config.list_physical_devices("GPU"):
        return [
            _skipped("TensorFlow", call, "no GPU", "tf.config.list_physical_devices('GPU') = []")
        ]

    def on_gpu() -> Any:
        with tf.device("/GPU:0"):
            return tf.constant(GPU_ROWS)

    return [Case("TensorFlow", call, on_gpu, lambda t: t.numpy())]


def _tb_gpu_cases() -> list[Case]:
    """tensorbridge's GPU → NumPy rows; without a GPU, what ``t.cuda()`` does instead."""
    if not tb.cuda.is_available():
        return [
            _skipped("tensorbridge", "t.cuda().cpu().numpy()", "no GPU",
                     "tb.cuda.is_available() is False"),
            Case("tensorbridge", "t.cuda() without a GPU",
                 lambda: tb.tensor(GPU_ROWS), lambda t: t.cuda()),
        ]  # fmt: skip

    def on_gpu() -> Any:
        return tb.tensor(GPU_ROWS, device="cuda")

    return [
        Case("tensorbridge", "t.cuda().cpu().numpy()", on_gpu, lambda t: t.cpu().numpy()),
        Case("tensorbridge", "t.numpy(force=True)", on_gpu, lambda t: t.numpy(force=True)),
        Case("tensorbridge", "t.numpy() on CUDA", on_gpu, lambda t: t.numpy()),
    ]


def _gpu_to_numpy(p: Peers) -> list[Case]:
    """Seed §1, second half: a GPU tensor's ``.numpy()`` must copy to host."""
    return [*_tf_gpu_cases(p.tf), *_tb_gpu_cases()]


def _numpy_to_tf(p: Peers) -> list[Case]:
    """Seed §2: ``tf.convert_to_tensor`` copies; tensorbridge's converters share when they can."""
    tf = p.tf
    return [
        Case("TensorFlow", "tf.convert_to_tensor(a)", _seed_array,
             lambda a: tf.convert_to_tensor(a), skip=_missing(tf)),
        Case("tensorbridge", "tb.as_tensor(a)", _seed_array, tb.as_tensor),
        Case("tensorbridge", "tb.asarray(a)", _seed_array, tb.asarray),
    ]  # fmt: skip


def _torch_to_numpy(p: Peers) -> list[Case]:
    """Seed §3: ``torch.Tensor.numpy()`` shares on CPU."""
    torch = p.torch
    return [
        Case("PyTorch", "t.numpy()", lambda: torch.tensor(TB_ROWS, dtype=torch.float32),
             lambda t: t.numpy(), skip=_missing(torch)),
        Case("tensorbridge", "np.asarray(t)",
             lambda: tb.tensor(TB_ROWS, dtype=tb.float32), np.asarray),
    ]  # fmt: skip


def _torch_gpu_cases(torch: ModuleType | None) -> list[Case]:
    """PyTorch's GPU tensor ``.cpu().numpy()`` row, or why it cannot run here."""
    call = "t.cuda().cpu().numpy()"
    if torch is None:
        return [_skipped("PyTorch", call, "—", "not installed")]
    if not torch.cuda.is_available():
        return [_skipped("PyTorch", call, "no GPU", "torch.cuda.is_available() is False")]
    return [Case("PyTorch", call, lambda: torch.tensor(GPU_ROWS, device="cuda"),
                 lambda t: t.cpu().numpy())]  # fmt: skip


def _torch_gpu(p: Peers) -> list[Case]:
    """Seed §3, second half: ``.cpu()`` copies off the GPU; on the CPU it is the identity."""
    return [
        *_torch_gpu_cases(p.torch),
        Case("tensorbridge", "t.cpu() on CPU", lambda: tb.tensor(TB_ROWS), lambda t: t.cpu()),
    ]


def _from_numpy(p: Peers) -> list[Case]:
    """Seed §4: ``torch.from_numpy`` shares both ways."""
    torch = p.torch
    return [
        Case("PyTorch", "torch.from_numpy(a)", _seed_array,
             lambda a: torch.from_numpy(a), skip=_missing(torch)),
        Case("tensorbridge", "tb.from_numpy(a)", _seed_array, tb.from_numpy),
        Case("tensorbridge", "tb.asarray(a, copy=False)", _seed_array,
             lambda a: tb.asarray(a, copy=False)),
    ]  # fmt: skip


def _tensor_copies(p: Peers) -> list[Case]:
    """Seed §4, second half: ``torch.tensor`` always copies."""
    torch = p.torch
    return [
        Case("PyTorch", "torch.tensor(a)", _seed_array, lambda a: torch.tensor(a),
             skip=_missing(torch)),
        Case("tensorbridge", "tb.tensor(a)", _seed_array, tb.tensor),
    ]  # fmt: skip


def _float64_stays(p: Peers) -> list[Case]:
    """Seed §5: NumPy's float64 default survives every conversion unless asked otherwise."""
    torch, tf = p.torch, p.tf
    return [
        Case("NumPy", "np.array([1.0, 2.0, 3.0])", lambda: [1.0, 2.0, 3.0], np.array),
        Case("PyTorch", "torch.from_numpy(a64)", _seed_float64,
             lambda a: torch.from_numpy(a), skip=_missing(torch)),
        Case("TensorFlow", "tf.convert_to_tensor(a64)", _seed_float64,
             lambda a: tf.convert_to_tensor(a), skip=_missing(tf)),
        Case("tensorbridge", "tb.from_numpy(a64)", _seed_float64, tb.from_numpy),
        Case("tensorbridge", "tb.tensor(a64)", _seed_float64, tb.tensor),
        Case("tensorbridge", "tb.tensor([1.0, 2.0, 3.0])", lambda: [1.0, 2.0, 3.0], tb.tensor),
    ]  # fmt: skip


def _explicit_float32(p: Peers) -> list[Case]:
    """Seed §5, best practice: ask for float32, by array dtype or by argument."""
    torch, tf = p.torch, p.tf
    return [
        Case("PyTorch", "torch.from_numpy(a32)", _seed_float32,
             lambda a: torch.from_numpy(a), skip=_missing(torch)),
        Case("PyTorch", "torch.tensor(a64, dtype=torch.float32)", _seed_float64,
             lambda a: torch.tensor(a, dtype=torch.float32), skip=_missing(torch)),
        Case("TensorFlow", "tf.convert_to_tensor(a64, dtype=tf.float32)", _seed_float64,
             lambda a: tf.convert_to_tensor(a, dtype=tf.float32), skip=_missing(tf)),
        Case("tensorbridge", "tb.from_numpy(a32)", _seed_float32, tb.from_numpy),
        Case("tensorbridge", "tb.tensor(a64, dtype=tb.float32)", _seed_float64,
             lambda a: tb.tensor(a, dtype=tb.float32)),
        Case("tensorbridge", "tb.as_tensor(a64, dtype=tb.float32)", _seed_float64,
             lambda a: tb.as_tensor(a, dtype=tb.float32)),
        Case("tensorbridge", "tb.asarray(a64, dtype=tb.float32, copy=False)", _seed_float64,
             lambda a: tb.asarray(a, dtype=tb.float32, copy=False)),
    ]  # fmt: skip


def _bfloat16(p: Peers) -> list[Case]:
    """Beyond the seed: bfloat16 arrays (ml_dtypes), which PyTorch cannot take from NumPy."""
    if p.ml_dtypes is None:
        call = "tb.from_numpy(a_bf16).numpy()"
        return [_skipped("tensorbridge", call, "—", "ml_dtypes not installed")]
    torch, tf = p.torch, p.tf

    def source() -> np.ndarray:
        return np.array([1.5, 2.0, 3.0], dtype=p.ml_dtypes.bfloat16)

    return [
        Case("PyTorch", "torch.from_numpy(a_bf16)", source,
             lambda a: torch.from_numpy(a), skip=_missing(torch)),
        Case("TensorFlow", "tf.convert_to_tensor(a_bf16)", source,
             lambda a: tf.convert_to_tensor(a), skip=_missing(tf)),
        Case("tensorbridge", "tb.from_numpy(a_bf16).numpy()", source,
             lambda a: tb.from_numpy(a).numpy()),
    ]  # fmt: skip


def _refused_by_torch(source: Callable[[], np.ndarray], p: Peers, **extra: Any) -> list[Case]:
    """PyTorch, TensorFlow and tensorbridge on one awkward array: who shares, who refuses."""
    torch, tf = p.torch, p.tf
    return [
        Case("PyTorch", "torch.from_numpy(a)", source,
             lambda a: torch.from_numpy(a), skip=_missing(torch), **extra),
        Case("TensorFlow", "tf.convert_to_tensor(a)", source,
             lambda a: tf.convert_to_tensor(a), skip=_missing(tf), **extra),
        Case("tensorbridge", "tb.from_numpy(a)", source, tb.from_numpy, **extra),
    ]  # fmt: skip


def _negative_stride_cases(p: Peers) -> list[Case]:
    """Beyond the seed: a reversed view, which PyTorch refuses and tensorbridge shares."""
    return _refused_by_torch(_negative_strides, p)


def _read_only_cases(p: Peers) -> list[Case]:
    """Beyond the seed: a non-writeable array; the test writes through its writeable base."""
    return _refused_by_torch(_read_only, p, writer=lambda a: a.base)


def _byte_swapped_cases(p: Peers) -> list[Case]:
    """Beyond the seed: non-native byte order; sharing is refused, copying fixes the order."""
    torch = p.torch
    return [
        *_refused_by_torch(_byte_swapped, p),
        Case("PyTorch", "torch.tensor(a)", _byte_swapped, lambda a: torch.tensor(a),
             skip=_missing(torch)),
        Case("tensorbridge", "tb.tensor(a)", _byte_swapped, tb.tensor),
    ]  # fmt: skip


SCENARIOS: Sequence[tuple[str, Callable[[Peers], list[Case]]]] = (
    ("CPU tensor → NumPy (TF .numpy())", _tf_to_numpy),
    ("GPU tensor → NumPy", _gpu_to_numpy),
    ("NumPy → tensor (tf.convert_to_tensor)", _numpy_to_tf),
    ("CPU tensor → NumPy (torch .numpy())", _torch_to_numpy),
    ("GPU tensor .cpu().numpy()", _torch_gpu),
    ("NumPy → tensor, shared (from_numpy)", _from_numpy),
    ("NumPy → tensor, copied (tensor())", _tensor_copies),
    ("dtype: float64 stays float64", _float64_stays),
    ("dtype: explicit float32", _explicit_float32),
    ("bfloat16 round trip", _bfloat16),
    ("negative strides", _negative_stride_cases),
    ("read-only array", _read_only_cases),
    ("byte-swapped array", _byte_swapped_cases),
)


# ---------------------------------------------------------------- output


def _cell(text: str) -> str:
    """One table cell; pipes are escaped so both table forms stay parseable."""
    return text.replace("|", "\\|")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> str:
    """A plain (aligned, " | "-separated) or Markdown table; the bench uses it too."""
    cells = [[_cell(str(c)) for c in row] for row in [headers, *rows]]
    if markdown:
        lines = ["| " + " | ".join(row) + " |" for row in cells]
        lines.insert(1, "|" + "|".join(" --- " for _ in headers) + "|")
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def collect(peers: Peers) -> list[Row]:
    """Measure every scenario's cases, in the seed's order."""
    return [measure(title, case) for title, build in SCENARIOS for case in build(peers)]


def main(markdown: bool = False) -> int:
    """Import the peers, measure every row, print the versions and the table."""
    peers = import_peers()
    started = time.perf_counter()
    rows = collect(peers)
    elapsed = time.perf_counter() - started
    print("tensorbridge tour: the seed tutorial's NumPy-bridge scenarios, measured live")
    print(
        f"tensorbridge {tb.__version__}, NumPy {np.__version__}, "
        f"PyTorch {_version(peers.torch)}, TensorFlow {_version(peers.tf)}, "
        f"ml_dtypes {_version(peers.ml_dtypes)}"
    )
    print(
        f"input written = {SOURCE_SENTINEL:g}, output written = {OUTPUT_SENTINEL:g}; "
        "'shares memory?' is what the other side saw\n"
    )
    print(render_table(HEADERS, [list(vars(r).values()) for r in rows], markdown))
    print(f"\nmeasured {len(rows)} rows in {elapsed:.2f} s")
    return 0
