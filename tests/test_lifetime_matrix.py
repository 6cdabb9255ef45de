"""SPEC §1 lifetimes as a matrix: every producer, through every bridge into a
tensor and every bridge out of it, in every deletion order.

tests/test_lifetimes.py walks all permutations for one NumPy array and one
owned tensor; this module widens the set of producers and consumers and
walks a fixed set of deletion orders for each pair instead.

A chain has four objects, each a view of the one before:

    P  the producer (whole 6x8 float64 block)
    T  a tensor over P's rows 1.., transposed: a view of a view, made on the
       producer's side before and after the bridge in
    C  the consumer of T through an export bridge
    V  a strided view of C, made on the consumer's side

Every object shows base element (2, 0) (``PROBE``). After each deletion the
survivors are checked: one of them writes a fresh value there and all of them
must read it, and each must still hold exactly what NumPy says it should.
Once the last one goes, ``gc.collect()`` runs and the producer's owner must be
gone: a weakref for Python owners, PyTorch's storage weak reference, the file
mapping for mapped files, the memory file for shared memory, and the address
range for tensorbridge-owned memory (64 MB, so the allocator unmaps it; this
check is skipped under valgrind, whose allocator keeps freed blocks, and
whose own leak check covers it).

Deletion orders: the producer first, the consumer first, the consumer before
its view and the view last, and two where a reference cycle holds one side
(the producer, or the consumer) so that only ``gc.collect()`` can free it:
the owner must survive until that collection and die with it.

Matrix size: len(IMPORTS) x len(EXPORTS) x len(ORDERS) = 18 x 9 x 5 = 810
cases (``pytest --collect-only -q tests/test_lifetime_matrix.py``). Cases
that need PyTorch skip without it (and fail under CI=true, see conftest).

A cycle that runs through the owner itself (``owner.attr = tensor``) is not
in the matrix: a tensor does not report the Python owner it keeps to the
cycle collector, so that cycle is never collected. NumPy's views behave the
same (``.base`` is not reported either); a memoryview's cycle is collected.
``test_cycle_through_the_owner_is_not_collected`` pins this down.
"""

from __future__ import annotations

import array
import gc
import pickle
import weakref

import numpy as np
import pytest
import tensorbridge as tb

BASE = np.arange(48, dtype=np.float64).reshape(6, 8) * 3.0 + 1.0
PROBE = (2, 0)
BIG_ELEMS = 8 << 20  # 64 MB of float64: always its own mapping

# What each role shows of the base block, and where PROBE sits in it.
SHOWS = {
    "P": lambda e: e,
    "T": lambda e: e[1:].T,
    "C": lambda e: e[1:].T,
    "V": lambda e: e[1:].T[::2, 1:],
}
PROBE_AT = {"P": PROBE, "T": (0, 1), "C": (0, 1), "V": (0, 0)}


def _under_valgrind() -> bool:
    with open("/proc/self/maps") as f:
        return any("vgpreload" in line for line in f)


UNDER_VALGRIND = _under_valgrind()


# ------------------------------------------------------------------ accessors
# Each object in a chain has a kind that says how to read and write it
# without keeping any reference of our own.


class _Held:
    """A reference cycle holding one object: only the collector frees it."""

    def __init__(self, obj):
        self.obj = obj
        self.me = self


def _unwrap(obj):
    return obj.obj if isinstance(obj, _Held) else obj


def read(kind: str, obj) -> np.ndarray:
    """A copy of what `obj` shows, as the role's 2-d array."""
    obj = _unwrap(obj)
    if kind == "bytes":
        return np.frombuffer(obj, dtype=np.float64).reshape(6, 8).copy()
    if kind == "tb_big":
        return np.array(obj[:48].tolist()).reshape(6, 8)
    if kind in ("tb", "torch", "mv"):
        return np.array(obj.tolist(), dtype=np.float64)
    return np.array(obj, copy=True)


def writable(kind: str, obj) -> bool:
    obj = _unwrap(obj)
    if kind == "np":
        return obj.flags.writeable
    if kind == "mv":
        return not obj.readonly
    if kind in ("tb", "tb_big"):
        return not obj.is_readonly
    return True


def write(kind: str, obj, at: tuple[int, int], value: float) -> None:
    obj = _unwrap(obj)
    if kind == "bytes":
        np.frombuffer(obj, dtype=np.float64)[at[0] * 8 + at[1]] = value
    elif kind == "tb_big":
        obj[at[0] * 8 + at[1]] = value
    else:
        obj[at] = value


# ------------------------------------------------------------------ producers
# Each returns (P, P's kind, probe); probe() says whether the owner of P's
# memory is still alive, or None where it cannot tell.


def _mapped(path: str) -> bool:
    with open("/proc/self/maps") as f:
        return any(path in line for line in f)


def _big_mapping_at(addr: int) -> bool:
    """Whether a mapping of at least BIG_ELEMS float64 holds `addr` (a small
    mapping made later in the freed range does not count)."""
    with open("/proc/self/maps") as f:
        for line in f:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo <= addr < hi and hi - lo >= BIG_ELEMS * 8:
                return True
    return False


def _weak(obj):
    ref = weakref.ref(obj)
    return lambda: ref() is not None


def _torch():
    return pytest.importorskip("torch")


def make_numpy(tmp_path):
    p = BASE.copy()
    assert p.base is None
    return p, "np", _weak(p)


def make_torch(tmp_path):
    torch = _torch()
    from torch.multiprocessing.reductions import StorageWeakRef

    p = torch.tensor(BASE)
    ref = StorageWeakRef(p.untyped_storage())
    return p, "torch", lambda: not ref.expired()


def _npy_file(tmp_path) -> str:
    path = str(tmp_path / "block.npy")
    np.save(path, BASE)
    return path


def make_np_memmap(tmp_path):
    path = _npy_file(tmp_path)
    p = np.load(path, mmap_mode="c")  # private mapping: writes stay here
    return p, "np", lambda: _mapped(path)


def make_tb_mmap(tmp_path):
    path = _npy_file(tmp_path)
    p = tb.load(path, mmap=True, mode="c")
    return p, "tb", lambda: _mapped(path)


def make_tb_owned(tmp_path):
    p = tb.empty(BIG_ELEMS, dtype=tb.float64)
    p[:48] = tb.tensor(BASE.reshape(-1))
    addr = p.data_ptr()
    if UNDER_VALGRIND:
        return p, "tb_big", lambda: None
    assert _big_mapping_at(addr)

    def alive() -> bool:
        # A freed block waits in the host cache for the next tensor of its
        # size; emptied, its mapping goes unless a tensor still uses it.
        tb.empty_host_cache()
        return _big_mapping_at(addr)

    return p, "tb_big", alive


class Bytes(bytearray):
    """A bytearray that takes weak references."""


class Doubles(array.array):
    """An array.array that takes weak references."""


def make_bytearray(tmp_path):
    p = Bytes(BASE.tobytes())
    return p, "bytes", _weak(p)


def make_array(tmp_path):
    p = Doubles("d", BASE.reshape(-1).tolist())
    return p, "bytes", _weak(p)


def _memfd_count() -> int:
    import shm_workers

    return shm_workers.memfd_count()


def make_shared(tmp_path):
    gc.collect()
    baseline = _memfd_count()
    p = tb.tensor(BASE).share_memory_()
    assert p.is_shared() and _memfd_count() > baseline
    return p, "tb", lambda: _memfd_count() > baseline


# -------------------------------------------------------------------- imports
# (producer, bridge into a tensor). Each bridge gets P's rows 1.. (sliced on
# the producer's side where the producer has its own views) and the result
# is transposed on ours.


def _capsule(x, versioned: bool):
    return x.__dlpack__(max_version=(1, 0)) if versioned else x.__dlpack__()


def _rows(p):
    return p[1:]


IMPORTS = {
    "numpy-from_numpy": (make_numpy, lambda p: tb.from_numpy(p[1:])),
    "numpy-asarray": (make_numpy, lambda p: tb.asarray(p[1:], copy=False)),
    "numpy-as_tensor": (make_numpy, lambda p: tb.as_tensor(p[1:])),
    "numpy-from_dlpack": (make_numpy, lambda p: tb.from_dlpack(p[1:])),
    "numpy-capsule_v1": (make_numpy, lambda p: tb.from_dlpack(_capsule(p[1:], True))),
    "numpy-capsule_legacy": (make_numpy, lambda p: tb.from_dlpack(_capsule(p[1:], False))),
    "torch-asarray": (make_torch, lambda p: tb.asarray(p[1:], copy=False)),
    "torch-as_tensor": (make_torch, lambda p: tb.as_tensor(p[1:])),
    "torch-from_dlpack": (make_torch, lambda p: tb.from_dlpack(p[1:])),
    "torch-capsule_v1": (make_torch, lambda p: tb.from_dlpack(_capsule(p[1:], True))),
    "torch-capsule_legacy": (make_torch, lambda p: tb.from_dlpack(_capsule(p[1:], False))),
    "np_memmap-from_numpy": (make_np_memmap, lambda p: tb.from_numpy(p[1:])),
    "np_memmap-asarray": (make_np_memmap, lambda p: tb.asarray(p[1:], copy=False)),
    "tb_mmap-view": (make_tb_mmap, _rows),
    "tb_owned-view": (make_tb_owned, lambda p: p[:48].reshape(6, 8)[1:]),
    "bytearray-asarray": (
        make_bytearray,
        lambda p: tb.asarray(p, copy=False).view(tb.float64).reshape(6, 8)[1:],
    ),
    "array-asarray": (make_array, lambda p: tb.asarray(p, copy=False).reshape(6, 8)[1:]),
    "shared-view": (make_shared, _rows),
}


# -------------------------------------------------------------------- exports
# (consumer of T, its kind, the view of it). Views of a memoryview go through
# NumPy: memoryview itself cannot slice more than one dimension.


def _pickled(t):
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(t, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1, "a dense view pickles as one out-of-band buffer"
    return pickle.loads(data, buffers=buffers)


def _strided(c):
    return c[::2, 1:]


EXPORTS = {
    "numpy": (lambda t: t.numpy(), "np", _strided),
    "np.asarray": (np.asarray, "np", _strided),
    "memoryview": (memoryview, "mv", lambda c: np.asarray(c)[::2, 1:]),
    "np.from_dlpack": (np.from_dlpack, "np", _strided),
    "torch.from_dlpack": (lambda t: _torch().from_dlpack(t), "torch", _strided),
    "pickle5_oob": (_pickled, "tb", _strided),
    "tb_capsule_v1": (lambda t: tb.from_dlpack(_capsule(t, True)), "tb", _strided),
    "tb_capsule_legacy": (lambda t: tb.from_dlpack(_capsule(t, False)), "tb", _strided),
    "tb_view": (lambda t: t[:, :], "tb", _strided),
}
VIEW_KIND = {"mv": "np"}

# name -> (deletion order, the role a reference cycle holds or None)
ORDERS = {
    "producer_first": (("P", "T", "C", "V"), None),
    "consumer_first": (("V", "C", "T", "P"), None),
    "view_last": (("C", "P", "T", "V"), None),
    "cycle_holds_producer": (("T", "C", "V", "P"), "P"),
    "cycle_holds_consumer": (("P", "T", "V", "C"), "C"),
}


def build_chain(tmp_path, imp: str, exp: str):
    """{role: (kind, object)} and the owner probe. Built in a function of
    its own so that no local variable outlives the chain."""
    make, bridge = IMPORTS[imp]
    consume, c_kind, view = EXPORTS[exp]
    p, p_kind, alive = make(tmp_path)
    t = bridge(p).T
    c = consume(t)
    v = view(c)
    chain = {
        "P": (p_kind, p),
        "T": ("tb", t),
        "C": (c_kind, c),
        "V": (VIEW_KIND.get(c_kind, c_kind), v),
    }
    return chain, alive


def check_survivors(chain, expected: np.ndarray, step: int) -> None:
    """One survivor writes a fresh value at PROBE; every survivor reads it
    and still shows exactly what NumPy computes from `expected`."""
    roles = [r for r in chain if writable(*chain[r])]
    if roles:
        writer = roles[step % len(roles)]
        value = -1000.0 - step
        write(*chain[writer], PROBE_AT[writer], value)
        expected[PROBE] = value
    for role, (kind, obj) in chain.items():
        got = read(kind, obj)
        want = SHOWS[role](expected)
        assert got.shape == want.shape, (role, got.shape, want.shape)
        assert np.array_equal(got, want), f"{role} ({kind}) lost its data at step {step}"


@pytest.fixture(scope="module", autouse=True)
def _frozen_heap():
    """Moves every object that exists before the matrix (PyTorch's alone are
    ~200,000) out of the collector's sight, so the five `gc.collect()` calls
    of each case scan only what the case made: 0.2 s instead of 0.8 s each."""
    try:
        import torch  # noqa: F401  (loaded now, so that it is frozen too)
    except ImportError:
        pass
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("exp", list(EXPORTS))
@pytest.mark.parametrize("imp", list(IMPORTS))
def test_lifetime_matrix(tmp_path, imp, exp, order):
    chain, alive = build_chain(tmp_path, imp, exp)
    sequence, cycled = ORDERS[order]
    expected = BASE.copy()
    gc.collect()
    check_survivors(chain, expected, step=0)
    gc.disable()  # a cycle is freed by our gc.collect() alone, never by chance
    try:
        if cycled is not None:
            kind, obj = chain[cycled]
            chain[cycled] = (kind, _Held(obj))
            del obj
        for step, role in enumerate(sequence, start=1):
            del chain[role]
            if not chain:
                break
            if cycled is None:
                gc.collect()
            assert alive() is not False, f"owner freed after deleting {sequence[:step]}"
            check_survivors(chain, expected, step)
        if cycled is not None:
            assert alive() is not False, "owner freed before the cycle holding it was collected"
        gc.collect()
        assert alive() is not True, f"owner of {imp} still alive after every user was deleted"
    finally:
        gc.enable()


def test_matrix_size():
    """The matrix named in the module docstring, so a change to it is seen."""
    assert (len(IMPORTS), len(EXPORTS), len(ORDERS)) == (18, 9, 5)


class _Owner(np.ndarray):
    """An array that can hold attributes, so it can refer to its own consumer."""


@pytest.mark.parametrize(
    "consumer, collected",
    [
        (memoryview, True),
        (lambda a: a[1:], False),  # NumPy: `.base` is not reported to the collector
        (tb.from_numpy, False),  # the same for a tensor's owner
    ],
    ids=["memoryview", "numpy_view", "tensor"],
)
def test_cycle_through_the_owner_is_not_collected(consumer, collected):
    """The known limit: owner -> consumer -> owner. Reporting the owner to the
    collector would make every tensor a tracked object, a cost NumPy also
    declines; a change here must update the module docstring."""
    a = np.arange(4.0).view(_Owner)
    ref = weakref.ref(a)
    a.keep = consumer(a)
    del a
    gc.collect()
    assert (ref() is None) == collected
    if ref() is not None:
        del ref().keep  # break the cycle by hand so nothing leaks past the test
        gc.collect()
        assert ref() is None
