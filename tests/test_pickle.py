"""SPEC §6 pickling: `Tensor.__reduce_ex__` with protocol 5 out-of-band
buffers (one PickleBuffer over the tensor's own memory, shared again on
load), in-band fallbacks for older protocols, views that pickle only what
they show, the read-only flag, and a rebuild function that treats its
arguments as untrusted. NumPy is the oracle for values."""

from __future__ import annotations

import copy
import gc
import pickle

import numpy as np
import pytest
import tensorbridge as tb
from conftest import DTYPE_IDS, DTYPES, assert_same_bits, examples, make_values, strided_views
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorbridge._core import _rebuild_tensor

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


def dumps_oob(t, protocol=5):
    """(pickle bytes, out-of-band buffers) of `t`."""
    bufs: list[pickle.PickleBuffer] = []
    callback = bufs.append if protocol >= 5 else None
    data = pickle.dumps(t, protocol=protocol, buffer_callback=callback)
    return data, bufs


def round_trip_oob(t):
    data, bufs = dumps_oob(t)
    return pickle.loads(data, buffers=bufs), bufs


# ------------------------------------------------------------------ every dtype


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_in_band_round_trip_every_dtype(tbd, ndt, protocol):
    a = make_values(ndt, (3, 4), seed=protocol)
    t = tb.tensor(a)
    r = pickle.loads(pickle.dumps(t, protocol=protocol))
    assert_same_bits(r, a)
    assert (r.shape, r.strides, r.dtype, r.device) == (
        t.shape,
        t.strides,
        t.dtype,
        tb.device("cpu"),
    )
    assert not r.is_readonly
    assert not tb.shares_memory(r, t)


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_out_of_band_is_one_buffer_over_the_tensor_memory(tbd, ndt):
    a = make_values(ndt, (5, 3))
    t = tb.tensor(a)
    data, bufs = dumps_oob(t)
    assert len(bufs) == 1 and isinstance(bufs[0], pickle.PickleBuffer)
    raw = bufs[0].raw()
    assert raw.nbytes == a.nbytes
    assert len(data) < 300  # the elements are not in the stream
    assert np.shares_memory(np.frombuffer(raw, np.uint8), t.numpy())  # no copy
    r = pickle.loads(data, buffers=bufs)
    assert_same_bits(r, a)
    assert np.shares_memory(r.numpy(), t.numpy())  # shared again on load
    assert r.strides == t.strides and not r.is_readonly


def test_bfloat16_travels_as_uint16():
    t = tb.tensor([1.5, -2.0, 3.0], dtype=tb.bfloat16)
    _, bufs = dumps_oob(t)
    assert memoryview(bufs[0]).format == "H"
    r, _ = round_trip_oob(t)
    assert r.dtype == tb.bfloat16 and r.tolist() == [1.5, -2.0, 3.0]


@pytest.mark.parametrize("protocol", [2, 4, 5])
@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (0, 2, 1)])
def test_zero_d_and_empty(shape, protocol):
    a = make_values(np.dtype(np.float64), shape)
    t = tb.tensor(a)
    data, bufs = dumps_oob(t, protocol)
    r = pickle.loads(data, buffers=bufs)
    assert_same_bits(r, a)
    assert r.shape == shape
    assert len(bufs) == (1 if protocol >= 5 else 0)


# ------------------------------------------------------------------ views


def test_a_slice_pickles_only_the_slice():
    big = tb.tensor(np.arange(1_000_000, dtype=np.float32))
    part = big[1000:1010]
    data, bufs = dumps_oob(part)
    assert bufs[0].raw().nbytes == 40
    r = pickle.loads(data, buffers=bufs)
    assert r.tolist() == list(range(1000, 1010))
    assert np.shares_memory(r.numpy(), big.numpy())
    assert len(pickle.dumps(part, protocol=4)) < 200  # in band: 40 bytes of data too


@pytest.mark.parametrize(
    "make",
    [lambda t: t.T, lambda t: t.permute(2, 0, 1), lambda t: t.transpose(0, 1), lambda t: t[1:2]],
    ids=["T", "permute", "transpose", "slice"],
)
def test_dense_views_keep_their_strides_and_share(make):
    base = tb.tensor(np.arange(24, dtype=np.int32).reshape(2, 3, 4))
    v = make(base)
    r, bufs = round_trip_oob(v)
    assert (r.shape, r.strides) == (v.shape, v.strides)
    assert_same_bits(r, v.numpy())
    assert np.shares_memory(r.numpy(), base.numpy())
    assert bufs[0].raw().nbytes == v.nbytes
    r4 = pickle.loads(pickle.dumps(v, protocol=4))
    assert (r4.shape, r4.strides) == (v.shape, v.strides)
    assert_same_bits(r4, v.numpy())


@pytest.mark.parametrize(
    "make",
    [lambda t: t[:, ::2], lambda t: t[::-1], lambda t: t[:, 1:3], lambda t: t[:1].expand(5, 6)],
    ids=["step", "negative", "columns", "expand"],
)
@pytest.mark.parametrize("protocol", [2, 5])
def test_other_views_are_compacted(make, protocol):
    base = tb.tensor(np.arange(24, dtype=np.float64).reshape(4, 6))
    v = make(base)
    data, bufs = dumps_oob(v, protocol)
    r = pickle.loads(data, buffers=bufs)
    assert_same_bits(r, v.numpy())
    assert r.is_contiguous()
    assert not tb.shares_memory(r, base)
    if bufs:
        assert bufs[0].raw().nbytes == v.nbytes


@settings(max_examples=examples(60), deadline=None)
@given(strided_views(), st.sampled_from([2, 5]))
def test_any_layout_round_trips(base_view, protocol):
    _, view = base_view
    t = tb.from_numpy(view)
    data, bufs = dumps_oob(t, protocol)
    r = pickle.loads(data, buffers=bufs)
    assert_same_bits(r, view)
    assert r.is_readonly == t.is_readonly


# ------------------------------------------------------------------ read-only and sharing


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_read_only_flag_survives(protocol):
    a = np.arange(6.0)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    data, bufs = dumps_oob(t, protocol)
    r = pickle.loads(data, buffers=bufs)
    assert r.is_readonly
    with pytest.raises(ValueError, match="read-only"):
        r[0] = 1.0


def test_in_band_protocol_5_gives_a_writeable_tensor():
    t = tb.tensor(np.arange(4, dtype=np.int16))
    r = pickle.loads(pickle.dumps(t, protocol=5))
    assert not r.is_readonly
    r[0] = 9
    assert t[0].item() == 0 and r[0].item() == 9


def test_read_only_out_of_band_buffers_give_read_only_tensors():
    t = tb.tensor(np.arange(8, dtype=np.float32))
    data, bufs = dumps_oob(t)
    received = [bytes(b.raw()) for b in bufs]  # what a socket would deliver
    r = pickle.loads(data, buffers=received)
    assert r.is_readonly
    assert np.shares_memory(np.frombuffer(received[0], np.uint8), r.numpy())
    assert r.tolist() == t.tolist()


def test_writeable_out_of_band_buffers_are_shared_and_writeable():
    t = tb.tensor(np.arange(8, dtype=np.float32))
    data, bufs = dumps_oob(t)
    received = [bytearray(b.raw()) for b in bufs]
    r = pickle.loads(data, buffers=received)
    assert not r.is_readonly
    r[3] = -1.0
    assert np.frombuffer(received[0], np.float32)[3] == -1.0
    with pytest.raises(BufferError):
        received[0].extend(b"x")  # the tensor holds the buffer's export


def test_loaded_tensor_keeps_its_buffer_alive():
    t = tb.tensor(np.arange(1000, dtype=np.int64))
    data, bufs = dumps_oob(t)
    del t
    gc.collect()  # the PickleBuffer keeps the original memory alive
    r = pickle.loads(data, buffers=bufs)
    del bufs
    gc.collect()
    assert r.tolist() == list(range(1000))


def test_misaligned_buffers_are_copied():
    t = tb.tensor(np.arange(4, dtype=np.float64))
    data, bufs = dumps_oob(t)
    raw = bytearray(b"\0" + bytes(bufs[0].raw()))
    odd = memoryview(raw)[1:]
    r = pickle.loads(data, buffers=[odd])
    assert r.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert not np.shares_memory(np.frombuffer(odd, np.uint8), r.numpy())


def test_deepcopy_and_copy_still_copy():
    t = tb.tensor(np.arange(6.0).reshape(2, 3)).T
    for c in (copy.deepcopy(t), copy.copy(t), copy.deepcopy([t, t])[0]):
        assert not tb.shares_memory(c, t)
        assert_same_bits(c, t.numpy())


def test_pickles_nested_in_containers():
    t = tb.tensor(np.arange(3, dtype=np.uint8))
    data, bufs = dumps_oob({"x": t, "y": [t[1:], 2]})
    obj = pickle.loads(data, buffers=bufs)
    assert len(bufs) == 2
    assert obj["x"].tolist() == [0, 1, 2] and obj["y"][0].tolist() == [1, 2]


# ------------------------------------------------------------------ untrusted rebuild arguments


GOOD = (b"\0" * 16, "float32", (2, 2), (2, 1), False, "cpu")


def rebuild(**changes):
    names = ["data", "dtype", "shape", "strides", "readonly", "device"]
    args = dict(zip(names, GOOD))
    args.update(changes)
    return _rebuild_tensor(*[args[n] for n in names])


def test_rebuild_with_good_arguments():
    t = rebuild()
    assert t.shape == (2, 2) and t.is_readonly  # bytes are immutable


@pytest.mark.parametrize(
    "changes, error, match",
    [
        ({"data": b"\0" * 15}, ValueError, "15 bytes .* need 16"),
        ({"data": b"\0" * 17}, ValueError, "17 bytes .* need 16"),
        ({"data": b""}, ValueError, "0 bytes"),
        ({"dtype": "float99"}, TypeError, "unknown dtype"),
        ({"dtype": "<f4"}, TypeError, "unknown dtype"),
        ({"shape": (-2, -2)}, ValueError, "negative dimension"),
        ({"shape": (2,)}, ValueError, "different lengths"),
        ({"strides": (3, 1)}, ValueError, "16 bytes .* need 20"),
        ({"strides": (-2, 1)}, ValueError, "reaches elements -2"),
        ({"shape": (2**62, 2**62)}, ValueError, "overflows"),
        ({"shape": (1,) * 65, "strides": (1,) * 65}, ValueError, "maximum of 64"),
        ({"shape": "22"}, TypeError, None),
        ({"strides": (2.0, 1.0)}, TypeError, None),
        ({"data": 12345}, TypeError, None),
        ({"data": np.zeros(8, np.float32)[::2]}, (ValueError, BufferError), None),
        ({"device": "cuda:99"}, RuntimeError, "needs CUDA|does not exist"),
        ({"device": "tpu"}, ValueError, "unknown device"),
        ({"readonly": "yes"}, TypeError, None),
    ],
)
def test_rebuild_refuses_hostile_arguments(changes, error, match):
    with pytest.raises(error, match=match):
        rebuild(**changes)


def test_hostile_pickle_stream_is_refused():
    good = pickle.dumps(tb.tensor(np.arange(4, dtype=np.int32)), protocol=2)
    assert b"int32" in good
    evil = good.replace(b"int32", b"int64")  # same bytes, twice the itemsize
    with pytest.raises(ValueError, match="16 bytes but its dtype, shape and strides need 32"):
        pickle.loads(evil)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.binary(max_size=64),
    st.sampled_from([d.name for d, _ in DTYPES] + ["x"]),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4),
    st.booleans(),
)
def test_rebuild_never_crashes(data, dtype, shape, strides, readonly):
    try:
        t = _rebuild_tensor(data, dtype, tuple(shape), tuple(strides), readonly, "cpu")
    except (TypeError, ValueError, OverflowError):
        return
    # The elements lie in the buffer (zero strides may show one many times).
    assert t.size == 0 or len(data) > 0
    t.numpy().tobytes()  # every element is readable


def test_rebuild_with_extents_beyond_128_bits_never_panics():
    # An empty dimension next to two of 2**63 - 1 elements with 2**63 - 1
    # strides: their reach overflows even 128-bit arithmetic. The checked
    # constructor must answer (an empty tensor or an error), not panic.
    big = 2**63 - 1
    for strides in ((big,) * 3, (-(2**63),) * 3):
        try:
            t = _rebuild_tensor(b"x" * 16, "complex128", (0, big, big), strides, False, "cpu")
        except (ValueError, OverflowError):
            continue
        assert t.size == 0
