"""SPEC §6: ``share_memory_()``, ``is_shared()``, and shared tensors through
``multiprocessing`` as handles (queues, pools, process arguments; ``spawn``
and ``fork``), with writes seen both ways and memory freed when the last
process lets go, even one that crashed.

Spawned interpreters cost about a second each, so the pools are made once
per module, with one worker each so that what a worker keeps between calls
(``shm_workers.KEPT``) stays in one process.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
import os
import pickle
import subprocess
import sys
import time
from multiprocessing.reduction import ForkingPickler

import numpy as np
import pytest
import shm_workers as w
import tensorbridge as tb

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="shared memory is Linux-only (memfd)"
)

METHODS = ("spawn", "fork")
FOREIGN = "share a copy instead: tb.tensor(x).share_memory_()"
EXPORTED = "share a copy: t.clone().share_memory_()"

VALUES = {
    tb.bool: True,
    tb.int8: -3,
    tb.uint8: 200,
    tb.int16: -300,
    tb.uint16: 60000,
    tb.int32: -70000,
    tb.uint32: 4_000_000_000,
    tb.int64: -(2**40),
    tb.uint64: 2**63,
    tb.float16: 1.5,
    tb.bfloat16: 2.5,
    tb.float32: 0.25,
    tb.float64: 1e100,
    tb.complex64: 1 + 2j,
    tb.complex128: 3 - 4j,
}


@pytest.fixture(scope="module")
def pools():
    # The fork pool first, while this process has no extra threads.
    made = {m: mp.get_context(m).Pool(1) for m in ("fork", "spawn")}
    yield made
    for p in made.values():
        p.terminate()
        p.join()


def settled_memfd_count(expected: int) -> int:
    """``memfd_count()``, given a moment to come down to ``expected``:
    multiprocessing's resource sharer closes the duplicate descriptor it sent
    on its own thread, just after the receiver has it."""
    deadline = time.monotonic() + 5
    while (n := w.memfd_count()) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return n


def through_pickler(t):
    """What a queue does to ``t``: ForkingPickler out and back in this process."""
    return ForkingPickler.loads(ForkingPickler.dumps(t))


# ------------------------------------------------------------- in one process


def test_share_memory_moves_in_place_and_views_follow():
    t = tb.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v = t.T[1:]
    before = t.data_ptr()
    assert not t.is_shared() and not v.is_shared()
    assert t.share_memory_() is t
    assert t.is_shared() and v.is_shared()
    assert t.data_ptr() != before and tb.shares_memory(t, v)
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert v.tolist() == [[2.0, 5.0], [3.0, 6.0]]
    v[0, 1] = 50.0
    assert t[1, 1].item() == 50.0
    after = t.data_ptr()
    t.share_memory_()  # already shared: nothing moves
    assert t.data_ptr() == after


def test_copies_are_not_shared():
    t = tb.zeros(3).share_memory_()
    assert not t.clone().is_shared()
    assert not tb.tensor(t).is_shared()
    assert not (t + 1).is_shared()


@pytest.mark.parametrize(
    "make", [lambda: tb.zeros(()), lambda: tb.zeros((0, 4)), lambda: tb.zeros((3, 0))]
)
def test_zero_d_and_empty(make):
    t = make()
    t.share_memory_()
    assert t.is_shared()
    r = through_pickler(t)
    assert r.is_shared() and r.shape == t.shape and r.tolist() == t.tolist()


def test_refused_for_foreign_memory(tmp_path):
    a = np.arange(4.0)
    with pytest.raises(ValueError, match="owned by someone else") as e:
        tb.from_numpy(a).share_memory_()
    assert FOREIGN in str(e.value)
    tb.save(tmp_path / "x.npy", tb.tensor(a))
    with pytest.raises(ValueError, match="owned by someone else"):
        tb.load(tmp_path / "x.npy", mmap=True, mode="r+").share_memory_()
    with pytest.raises(ValueError, match="owned by someone else"):
        tb.from_dlpack(np.arange(3)).share_memory_()
    bufs: list[pickle.PickleBuffer] = []
    data = pickle.dumps(tb.tensor(a), protocol=5, buffer_callback=bufs.append)
    with pytest.raises(ValueError, match="owned by someone else"):
        pickle.loads(data, buffers=bufs).share_memory_()
    # The way out the message gives works.
    c = tb.tensor(a).share_memory_()
    assert c.is_shared() and c.tolist() == a.tolist()


def test_refused_after_pinning_exports():
    t = tb.tensor([1.0, 2.0])
    t.numpy()
    with pytest.raises(ValueError, match="has been handed out") as e:
        t.share_memory_()
    assert EXPORTED in str(e.value)
    assert not t.is_shared()
    u = tb.tensor([1.0, 2.0])
    _ = u.__array_interface__
    with pytest.raises(ValueError, match="has been handed out"):
        u.share_memory_()
    view = tb.tensor([1.0, 2.0, 3.0])
    view[1:].numpy()  # a view's export pins the whole storage
    with pytest.raises(ValueError, match="has been handed out"):
        view.share_memory_()
    assert t.clone().share_memory_().is_shared()


def test_leased_exports_block_only_while_they_live():
    t = tb.tensor([1.0, 2.0, 3.0])
    m = memoryview(t)
    a = np.asarray(t)  # through the buffer protocol
    cap = t.__dlpack__()
    bufs: list[pickle.PickleBuffer] = []
    pickle.dumps(t[1:], protocol=5, buffer_callback=bufs.append)
    for holder in ("m", "a", "cap", "bufs"):
        with pytest.raises(ValueError, match="has been handed out"):
            t.share_memory_()
        if holder == "m":
            m.release()
        elif holder == "a":
            del a
        elif holder == "cap":
            del cap
        else:
            bufs.clear()
        gc.collect()
    t.share_memory_()
    assert t.is_shared() and t.tolist() == [1.0, 2.0, 3.0]
    # Exports after sharing are fine and keep using the shared memory.
    assert np.shares_memory(t.numpy(), np.asarray(memoryview(t)))


def test_in_band_pickle_and_shares_memory_leave_no_trace():
    t = tb.tensor([1.0, 2.0])
    assert pickle.loads(pickle.dumps(t, protocol=5)).tolist() == [1.0, 2.0]
    assert pickle.loads(pickle.dumps(t, protocol=2)).tolist() == [1.0, 2.0]
    assert tb.shares_memory(t, t[1:])
    t.share_memory_()


def test_torch_dlpack_consumer_leases():
    torch = pytest.importorskip("torch")
    t = tb.tensor([1.0, 2.0])
    pt = torch.from_dlpack(t)
    with pytest.raises(ValueError, match="has been handed out"):
        t.share_memory_()
    del pt
    gc.collect()
    t.share_memory_()
    assert t.is_shared()


def test_forking_pickler_sends_a_handle_not_bytes():
    t = tb.zeros(1 << 20, dtype=tb.float64)
    plain = ForkingPickler.dumps(t)
    assert len(plain) > t.nbytes  # not shared: the bytes travel
    r = through_pickler(t)
    assert not r.is_shared() and not tb.shares_memory(r, t)
    t.share_memory_()
    handle = ForkingPickler.dumps(t[10:20])
    assert len(handle) < 1000
    r = ForkingPickler.loads(handle)
    # The same process already maps this file: it gets the same storage.
    assert r.is_shared() and tb.shares_memory(r, t) and r.data_ptr() == t[10:].data_ptr()
    # Ordinary pickling of a shared tensor still carries its bytes.
    assert len(pickle.dumps(t, protocol=4)) > t.nbytes


def test_the_reducer_is_registered_by_the_first_share():
    code = (
        "import sys, tensorbridge as tb\n"
        "assert 'tensorbridge._multiprocessing' not in sys.modules\n"
        "tb.zeros(2).share_memory_()\n"
        "from multiprocessing.reduction import ForkingPickler\n"
        "assert tb.Tensor in ForkingPickler._extra_reducers\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_lifetimes_in_every_deletion_order():
    gc.collect()  # earlier tests' tensors caught in reference cycles
    baseline = w.memfd_count()
    for order in itertools.permutations(range(4)):
        t = tb.tensor([[0.0, 1.0], [2.0, 3.0]]).share_memory_()
        objs = {0: t, 1: t.T, 2: through_pickler(t[1]), 3: t.numpy()}
        expected = {
            0: [[0.0, 1.0], [2.0, 3.0]],
            1: [[0.0, 2.0], [1.0, 3.0]],
            2: [2.0, 3.0],
            3: [[0.0, 1.0], [2.0, 3.0]],
        }
        del t
        for k in order:
            del objs[k]  # no cycles: reference counting frees at once
            assert {j: o.tolist() for j, o in objs.items()} == {j: expected[j] for j in objs}
        assert settled_memfd_count(baseline) == baseline, (
            "the file and its mapping go with the last user"
        )


# ----------------------------------------------------------- across processes


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", list(VALUES), ids=str)
def test_dtypes_through_a_pool_both_ways(pools, method, dtype):
    pool = pools[method]
    t = tb.zeros((2, 3), dtype=dtype).share_memory_()
    t[0, 1] = VALUES[dtype]
    key = f"dtype-{method}-{dtype}"
    shared, name, shape, values = pool.apply(w.keep, (key, t))
    assert (shared, name, shape, values) == (True, str(dtype), (2, 3), t.tolist())
    pool.apply(w.write, (key, (1, 2), VALUES[dtype]))
    assert t[1, 2].item() == t[0, 1].item()
    t[0, 0] = VALUES[dtype]
    assert pool.apply(w.read, (key,)) == t.tolist()
    pool.apply(w.forget, (key,))


@pytest.mark.parametrize("method", METHODS)
def test_pool_map_over_views(pools, method):
    t = tb.tensor([[float(i)] * 4 for i in range(6)]).share_memory_()
    rows = [t[i] for i in range(6)]
    sums = pools[method].map(w.fill_row, rows)
    assert sums == [4.0 * (i + 1) for i in range(6)]
    assert t.tolist() == [[float(i + 1)] * 4 for i in range(6)]
    # A strided, negative-stride view travels as its own layout.
    shared, shape, strides, values = pools[method].apply(w.describe, (t[::-2, 1:3],))
    assert (shared, shape, strides) == (True, (3, 2), (-8, 1))
    assert values == t[::-2, 1:3].tolist()


@pytest.mark.parametrize("method", METHODS)
def test_a_tensor_coming_back_is_the_same_storage(pools, method):
    t = tb.tensor([float(i) for i in range(10)]).share_memory_()
    back = pools[method].apply(w.echo, (t[2:5],))
    assert back.is_shared() and back.tolist() == [2.0, 3.0, 4.0]
    assert back.data_ptr() == t[2:].data_ptr() and tb.shares_memory(back, t)


@pytest.mark.parametrize("method", METHODS)
def test_non_shared_tensors_travel_as_bytes(pools, method):
    t = tb.tensor([1.0, 2.0, 3.0])
    key = f"bytes-{method}"
    shared, _, _, values = pools[method].apply(w.keep, (key, t))
    assert not shared and values == [1.0, 2.0, 3.0]
    pools[method].apply(w.write, (key, 0, 50.0))
    assert t.tolist() == [1.0, 2.0, 3.0]
    pools[method].apply(w.forget, (key,))


@pytest.mark.parametrize("method", METHODS)
def test_memory_outlives_the_sender_and_goes_with_the_last_holder(pools, method):
    pool = pools[method]
    gc.collect()
    baseline = w.memfd_count()
    t = tb.tensor([5.0, 6.0]).share_memory_()
    key = f"outlive-{method}"
    worker_baseline = pool.apply(w.memfd_count)
    pool.apply(w.keep, (key, t))
    del t
    assert settled_memfd_count(baseline) == baseline
    assert pool.apply(w.read, (key,)) == [5.0, 6.0]
    assert pool.apply(w.forget, (key,)) == worker_baseline


@pytest.mark.parametrize("method", METHODS)
def test_process_args_and_queues_both_ways(method):
    ctx = mp.get_context(method)
    t = tb.tensor([1.0, 2.0, 3.0]).share_memory_()
    results, parent_wrote, parent_done = ctx.Queue(), ctx.Event(), ctx.Event()
    p = ctx.Process(target=w.both_ways, args=(t, results, parent_wrote, parent_done))
    p.start()
    try:
        assert results.get(timeout=60) == (True, [1.0, 2.0, 3.0])
        assert results.get(timeout=30) == "written"
        assert t.tolist() == [11.0, 2.0, 3.0]
        t[2] = 33.0
        parent_wrote.set()
        assert results.get(timeout=30) == [11.0, 2.0, 33.0]
        view = results.get(timeout=30)
        assert view.tolist() == [2.0, 33.0] and view.data_ptr() == t[1:].data_ptr()
    finally:
        parent_done.set()
        p.join(30)
    assert p.exitcode == 0


@pytest.mark.parametrize("method", METHODS)
def test_a_worker_crash_leaves_the_tensor_working(pools, method):
    ctx = mp.get_context(method)
    t = tb.zeros(4).share_memory_()
    inbox, done = ctx.Queue(), ctx.Event()
    p = ctx.Process(target=w.write_then_crash, args=(inbox, done))
    p.start()
    inbox.put(t[1:])
    assert done.wait(60)
    p.join(30)
    assert p.exitcode == 1
    assert t.tolist() == [0.0, 99.0, 0.0, 0.0]
    t[3] = 4.0
    assert t.tolist() == [0.0, 99.0, 0.0, 4.0]
    # Still sendable to a live worker.
    assert pools[method].apply(w.describe, (t,))[3] == [0.0, 99.0, 0.0, 4.0]
