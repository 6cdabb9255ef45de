"""SPEC §1, row by row: who shares, who copies, who returns `t` itself."""

import numpy as np
import pytest

import tensorbridge as tb
from conftest import BUFFER_DTYPES, DTYPES, DTYPE_IDS, make_values


def shares(x, y):
    return np.shares_memory(np.asarray(x), np.asarray(y))


# ------------------------------------------------------------------ from_numpy


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_from_numpy_shares_every_dtype(tbd, ndt):
    a = make_values(ndt, (3, 4), seed=1)
    t = tb.from_numpy(a)
    assert t.dtype == tbd
    assert t.data_ptr() == a.ctypes.data
    assert np.shares_memory(t.numpy(), a)
    assert tb.shares_memory(t, a)


def test_from_numpy_writes_visible_both_ways():
    a = np.zeros((2, 3), dtype=np.float32)
    t = tb.from_numpy(a)
    a[1, 2] = 7.5
    assert t[1, 2].item() == 7.5
    t[0, 1] = -3.0
    assert a[0, 1] == -3.0
    t.fill_(2.0)
    assert (a == 2.0).all()
    a[...] = 4.0
    assert t.tolist() == [[4.0] * 3] * 2


def test_from_numpy_view_keeps_offset_and_strides():
    base = np.arange(24, dtype=np.int32).reshape(4, 6)
    a = base[1:, ::-2]
    t = tb.from_numpy(a)
    assert t.data_ptr() == a.ctypes.data
    assert t.strides == tuple(s // 4 for s in a.strides)
    t[0, 0] = -1
    assert base[1, 5] == -1


# ------------------------------------------------------------------ tensor


@pytest.mark.parametrize("src", ["array", "readonly", "list", "tensor"])
def test_tensor_always_copies(src):
    a = np.arange(6, dtype=np.float64)
    if src == "readonly":
        a.flags.writeable = False
    x = {"array": a, "readonly": a, "list": a.tolist(), "tensor": tb.from_numpy(a)}[src]
    t = tb.tensor(x)
    assert not t.is_readonly
    if src != "list":
        assert not shares(t, a)
        assert not tb.shares_memory(t, a)
    t[0] = 100.0
    assert a[0] == 0.0
    assert t.dtype == tb.float64 if src != "list" else tb.float32


# ------------------------------------------------------------------ as_tensor


def test_as_tensor_shares_same_dtype_array():
    a = np.arange(5, dtype=np.int16)
    t = tb.as_tensor(a)
    assert shares(t, a)
    t2 = tb.as_tensor(a, dtype=tb.int16)
    assert shares(t2, a)
    t2[0] = 9
    assert a[0] == 9


def test_as_tensor_shares_tensor_of_same_dtype():
    t = tb.tensor([1.0, 2.0])
    assert tb.shares_memory(tb.as_tensor(t), t)
    assert tb.shares_memory(tb.as_tensor(t, device="cpu"), t)


def test_as_tensor_copies_other_dtype():
    a = np.arange(5, dtype=np.int16)
    t = tb.as_tensor(a, dtype=tb.float32)
    assert t.dtype == tb.float32
    assert not shares(t, a)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_as_tensor_copies_lists():
    data = [1, 2, 3]
    t = tb.as_tensor(data)
    assert t.dtype == tb.int64
    assert t.tolist() == data


# ------------------------------------------------------------------ asarray


def test_asarray_copy_none_shares_when_possible():
    a = np.arange(6.0).reshape(2, 3)[:, ::-1]
    t = tb.asarray(a)
    assert shares(t, a)
    t2 = tb.asarray(a, dtype=tb.float64)
    assert shares(t2, a)


def test_asarray_copy_none_copies_when_needed():
    a = np.arange(6.0)
    t = tb.asarray(a, dtype=tb.float32)
    assert not shares(t, a)
    assert t.tolist() == a.tolist()
    b = np.arange(4, dtype=">i4")
    assert tb.asarray(b).tolist() == [0, 1, 2, 3]


def test_asarray_copy_true_copies():
    a = np.arange(6.0)
    t = tb.asarray(a, copy=True)
    assert not shares(t, a)
    t[0] = 5.0
    assert a[0] == 0.0
    src = tb.tensor([1, 2])
    assert not tb.shares_memory(tb.asarray(src, copy=True), src)


def test_asarray_copy_false_shares():
    a = np.arange(6.0)
    t = tb.asarray(a, copy=False)
    assert shares(t, a)
    src = tb.tensor([1, 2])
    assert tb.shares_memory(tb.asarray(src, copy=False), src)


@pytest.mark.parametrize(
    "make",
    [
        lambda: (np.arange(4.0), {"dtype": tb.float32}),
        lambda: (np.arange(4, dtype=">i4"), {}),
        lambda: ([1, 2, 3], {}),
        lambda: (tb.tensor([1, 2]), {"dtype": tb.int32}),
    ],
    ids=["dtype-change", "byteswapped", "list", "tensor-dtype-change"],
)
def test_asarray_copy_false_raises_when_copy_needed(make):
    x, kw = make()
    with pytest.raises(ValueError, match="cop"):
        tb.asarray(x, copy=False, **kw)


# ------------------------------------------------------------------ numpy()


@pytest.mark.parametrize("ndt", BUFFER_DTYPES + [DTYPES[10][1]], ids=str)
def test_numpy_shares_and_base_is_tensor(ndt):
    t = tb.tensor(make_values(ndt, (2, 3), seed=2))
    n = t.numpy()
    assert n.base is t
    assert n.dtype == ndt
    assert n.ctypes.data == t.data_ptr()
    assert n.flags.writeable
    n2 = t.numpy()
    assert np.shares_memory(n, n2)


def test_numpy_writes_visible_both_ways():
    t = tb.zeros(4)
    n = t.numpy()
    n[2] = 3.0
    assert t[2].item() == 3.0
    t[1] = 8.0
    assert n[1] == 8.0


def test_numpy_of_view_has_matching_strides():
    t = tb.tensor(np.arange(24, dtype=np.int64).reshape(2, 3, 4))
    v = t[:, ::-1, 1::2].transpose(0, 2)
    n = v.numpy()
    ref = np.arange(24).reshape(2, 3, 4)[:, ::-1, 1::2].transpose(2, 1, 0)
    assert n.shape == ref.shape
    assert n.strides == ref.strides
    assert (n == ref).all()
    assert np.shares_memory(n, t.numpy())


def test_readonly_tensor_gives_nonwriteable_array():
    a = np.arange(3.0)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    assert t.is_readonly
    n = t.numpy()
    assert not n.flags.writeable
    assert np.shares_memory(n, a)
    with pytest.raises(ValueError):
        n[0] = 1.0
    assert not np.asarray(t).flags.writeable
    assert memoryview(t).readonly


def test_readonly_propagates_to_views():
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    for v in (t[0], t.T, t.reshape(6), t[None], t.transpose(0, 1), t.unsqueeze(0)):
        assert v.is_readonly
        assert not v.numpy().flags.writeable


def test_is_readonly_false_for_writeable():
    assert not tb.from_numpy(np.zeros(2)).is_readonly
    assert not tb.tensor([1]).is_readonly
    assert not tb.zeros(3).is_readonly


# ------------------------------------------------------------------ NumPy protocols


@pytest.mark.parametrize("ndt", BUFFER_DTYPES, ids=str)
def test_numpy_protocols_share(ndt):
    a = make_values(ndt, (3, 2), seed=3)
    t = tb.from_numpy(a)
    assert np.shares_memory(np.asarray(t), a)
    assert np.shares_memory(np.array(t, copy=False), a)
    m = memoryview(t)
    assert np.shares_memory(np.asarray(m), a)
    assert m.shape == a.shape
    assert m.strides == a.strides
    assert np.asarray(m).dtype == ndt
    assert m.itemsize == ndt.itemsize
    assert m.readonly == (not a.flags.writeable)


def test_np_array_default_copies():
    a = np.arange(3.0)
    t = tb.from_numpy(a)
    assert not np.shares_memory(np.array(t), a)
    assert (np.array(t) == a).all()


def test_np_array_copy_false_with_dtype_change_raises():
    t = tb.tensor([1.0, 2.0], dtype=tb.float64)
    with pytest.raises(ValueError):
        np.array(t, dtype=np.float32, copy=False)


def test_memoryview_strided_view_shares():
    a = np.arange(20, dtype=np.int32).reshape(4, 5)
    t = tb.from_numpy(a)[::-1, 1::2]
    m = memoryview(t)
    ref = a[::-1, 1::2]
    assert m.strides == ref.strides
    assert (np.asarray(m) == ref).all()
    assert np.shares_memory(np.asarray(m), a)


def test_memoryview_writes_visible():
    t = tb.zeros(3, dtype=tb.int32)
    m = memoryview(t)
    m[1] = 42
    assert t.tolist() == [0, 42, 0]


# ------------------------------------------------------------------ returns t itself


def test_identity_returns():
    t = tb.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert t.cpu() is t
    assert t.to(tb.float32) is t
    assert t.to("cpu") is t
    assert t.to(tb.device("cpu")) is t
    assert t.to(dtype=tb.float32, device="cpu") is t
    assert t.to(t) is t
    assert t.contiguous() is t
    assert t.astype(tb.float32, copy=False) is t


def test_to_copy_true_copies():
    t = tb.tensor([1.0, 2.0])
    c = t.to(tb.float32, copy=True)
    assert c is not t
    assert not tb.shares_memory(c, t)


def test_contiguous_of_noncontiguous_copies():
    t = tb.tensor(np.arange(6.0).reshape(2, 3))
    v = t.T
    c = v.contiguous()
    assert c is not v
    assert c.is_contiguous()
    assert not tb.shares_memory(c, t)
    assert c.tolist() == v.tolist()


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_to_other_dtype_and_clone_copy(tbd, ndt):
    a = make_values(ndt, (4,), seed=4, special=False)
    t = tb.from_numpy(a)
    other = tb.float64 if tbd != tb.float64 else tb.int32
    c = t.to(other)
    assert c.dtype == other
    assert not tb.shares_memory(c, t)
    k = t.clone()
    assert k.dtype == tbd
    assert not tb.shares_memory(k, t)
    assert not np.shares_memory(k.numpy(), a)
    assert k.numpy().tobytes() == a.tobytes()


def test_clone_of_readonly_is_writeable():
    a = np.arange(3.0)
    a.flags.writeable = False
    k = tb.from_numpy(a).clone()
    assert not k.is_readonly
    k[0] = 1.0
    assert a[0] == 0.0


# ------------------------------------------------------------------ views


def test_views_share():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = tb.from_numpy(a)
    views = {
        "index": t[1:, ::-1, None, ...],
        "int": t[0],
        "ellipsis": t[..., 1],
        "reshape": t.reshape(6, 4),
        "reshape-1": t.reshape(-1),
        "transpose": t.transpose(0, 2),
        "permute": t.permute(2, 0, 1),
        "T": t.T,
        "mT": t.mT,
        "view": t.view(4, 6),
        "flatten": t.flatten(),
        "unsqueeze": t.unsqueeze(1),
        "squeeze": t[:1].squeeze(0),
        "expand": t[:, :1].expand(2, 5, 4),
    }
    for name, v in views.items():
        assert tb.shares_memory(v, a), name
        assert np.shares_memory(v.numpy(), a), name


def test_view_writes_reach_base():
    a = np.zeros((3, 4))
    t = tb.from_numpy(a)
    t.T[1, 2] = 5.0
    assert a[2, 1] == 5.0
    t[1:, ::-1][0, 0] = 6.0
    assert a[1, 3] == 6.0
    t.reshape(12)[11] = 7.0
    assert a[2, 3] == 7.0


def test_reshape_copies_when_strides_forbid():
    a = np.arange(12.0).reshape(3, 4)
    t = tb.from_numpy(a).T
    r = t.reshape(12)
    assert r.tolist() == a.T.reshape(12).tolist()
    assert not tb.shares_memory(r, a)


# ------------------------------------------------------------------ shares_memory


def test_shares_memory_exact():
    t = tb.from_numpy(np.arange(10))
    assert not tb.shares_memory(t[::2], t[1::2])
    assert tb.shares_memory(t[::2], t[2::4])
    assert not tb.shares_memory(t[:5], t[5:])
    assert tb.shares_memory(t[:6], t[5:])
    assert tb.shares_memory(t, t)
    assert not tb.shares_memory(t, tb.tensor([1]))


def test_shares_memory_mixed_tensor_and_array():
    a = np.arange(12, dtype=np.uint8).reshape(3, 4)
    t = tb.from_numpy(a)
    assert tb.shares_memory(a, t)
    assert tb.shares_memory(t[1], a[1:2, 3])
    assert not tb.shares_memory(t[0], a[1])
    assert not tb.shares_memory(t[:, ::2], a[:, 1::2])
    assert tb.shares_memory(a, a[1])
    assert not tb.shares_memory(a, np.arange(3))


def test_shares_memory_partial_byte_overlap():
    # an int32 view and a uint8 view of the same buffer overlap at one byte
    buf = np.zeros(16, dtype=np.uint8)
    i32 = buf[:8].view(np.int32)
    assert tb.shares_memory(tb.from_numpy(i32), tb.from_numpy(buf[7:8]))
    assert not tb.shares_memory(tb.from_numpy(i32), tb.from_numpy(buf[8:]))


def test_shares_memory_empty_is_false():
    a = np.arange(10.0)
    assert not tb.shares_memory(tb.from_numpy(a[3:3]), a)


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(8, dtype=">i4"),
        lambda: __import__("conftest").misaligned(np.dtype("f8")),
    ],
    ids=["byteswapped", "misaligned"],
)
def test_shares_memory_answers_for_unshareable_arrays(make):
    # SPEC §1: shares_memory answers whether two arrays overlap; byte order and
    # alignment do not change the answer (NumPy is the oracle).
    a = make()
    assert tb.shares_memory(a, a) is True
    assert tb.shares_memory(a[::2], a[1::2]) is False
    assert tb.shares_memory(a, np.zeros(3)) is False
    assert tb.shares_memory(tb.tensor(a), a) is False


# ------------------------------------------------------------------ more producers/consumers


class _Iface:
    """A bare object exposing only another object's __array_interface__."""

    def __init__(self, src):
        self.__array_interface__ = src.__array_interface__
        self.src = src


def test_array_interface_describes_strided_views():
    a = np.arange(24.0).reshape(4, 6)
    t = tb.from_numpy(a)[::-1, 1::2]
    out = np.asarray(_Iface(t))
    ref = a[::-1, 1::2]
    assert out.strides == ref.strides
    assert (out == ref).all()
    assert np.shares_memory(out, a)
    ro = np.arange(3.0)
    ro.flags.writeable = False
    assert tb.from_numpy(ro).__array_interface__["data"][1] is True


def test_np_array_copy_true_copies():
    a = np.arange(4.0)
    t = tb.from_numpy(a)
    for c in (np.array(t, copy=True), t.__array__(copy=True), np.array(t, dtype=np.float64)):
        assert not np.shares_memory(c, a)
        assert (c == a).all()
    same = t.__array__(np.float64, copy=False)
    assert np.shares_memory(same, a)


def test_asarray_buffer_protocol_shares():
    a = np.arange(6.0)[::-2]
    t = tb.asarray(memoryview(a), copy=False)
    assert t.strides == (-2,)
    assert t.tolist() == [5.0, 3.0, 1.0]
    assert tb.shares_memory(t, a)
    ba = bytearray(b"abcd")
    tb.asarray(ba)[0] = 65
    assert ba == bytearray(b"Abcd")
    assert tb.asarray(b"abcd").is_readonly
    c = tb.asarray(bytearray(b"xy"), copy=True)
    assert not c.is_readonly and c.tolist() == [120, 121]


def test_asarray_of_tensor():
    t = tb.tensor([1.0, 2.0, 3.0])[::-1]
    assert tb.asarray(t) is t or tb.shares_memory(tb.asarray(t), t)
    s = tb.asarray(t, copy=False)
    assert tb.shares_memory(s, t) and s.tolist() == [3.0, 2.0, 1.0]
    c = tb.asarray(t, copy=True)
    assert not tb.shares_memory(c, t) and c.tolist() == [3.0, 2.0, 1.0]


def test_to_other_dtype_of_readonly_is_writeable():
    a = np.arange(3, dtype=np.int32)
    a.flags.writeable = False
    c = tb.from_numpy(a).to(tb.float64)
    assert not c.is_readonly
    c[0] = 5.0
    assert a[0] == 0


def test_host_cache_keeps_large_freed_blocks_until_emptied():
    """A freed tensor of 4 MB or more keeps its pages for the next tensor
    of its size; `empty_host_cache()` hands them back to the system."""
    tb.empty_host_cache()
    assert tb.host_memory_cached() == 0
    size = 8 << 20
    a = tb.ones(size, dtype=tb.uint8)
    t = a + a
    del t
    cached = tb.host_memory_cached()
    assert size <= cached <= 256 << 20
    u = a + a  # an uninitialized result of the same size takes the block
    assert tb.host_memory_cached() == 0
    assert int(u[-1]) == 2
    z = tb.zeros(size, dtype=tb.uint8)  # zeroed requests never reuse
    assert int(tb.count_nonzero(z)) == 0
    del u, z, a
    assert tb.empty_host_cache() >= size
    assert tb.host_memory_cached() == 0
