"""SPEC §3: dtypes, devices, Tensor attributes, methods, protocols, basic
indexing and assignment, and casts between all 15 dtypes (NumPy the oracle)."""

import pickle
import warnings

import numpy as np
import ml_dtypes
import pytest

import tensorbridge as tb
from conftest import (
    BF16,
    DTYPE_IDS,
    DTYPES,
    HAS_CUDA,
    assert_same_bits,
    check_cuda_request,
    make_values,
)

# ------------------------------------------------------------------ dtypes

SIGNED = {"int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
          "complex64", "complex128"}


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_dtype_metadata(tbd, ndt):
    assert tbd.itemsize == ndt.itemsize
    assert tbd.is_floating_point == (ndt.kind == "f" or ndt == BF16)
    assert tbd.is_complex == (ndt.kind == "c")
    assert tbd.is_signed == (tbd.name in SIGNED)
    assert tbd == tbd
    assert hash(tbd) == hash(tb.dtype(tbd.name))
    assert repr(tbd) == f"tensorbridge.{tbd.name}"
    assert getattr(tb, tbd.name) is tbd or getattr(tb, tbd.name) == tbd
    assert pickle.loads(pickle.dumps(tbd)) == tbd


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_dtype_from_numpy_and_strings(tbd, ndt):
    assert tb.dtype(ndt) == tbd
    assert tb.dtype(ndt.type) == tbd
    assert tb.dtype(tbd.name) == tbd
    if ndt != BF16:
        assert tb.dtype(ndt.str) == tbd


def test_dtype_inequality_and_aliases():
    names = [d.name for d, _ in DTYPES]
    assert len(set(names)) == 15
    for i, (a, _) in enumerate(DTYPES):
        for j, (b, _) in enumerate(DTYPES):
            assert (a == b) == (i == j)
            assert (a != b) == (i != j)
    assert tb.float == tb.float32 and tb.double == tb.float64 and tb.half == tb.float16
    assert tb.long == tb.int64 and tb.int == tb.int32 and tb.short == tb.int16
    assert tb.cfloat == tb.complex64 and tb.cdouble == tb.complex128


@pytest.mark.parametrize("bad", ["float128", "foo", np.dtype("U3"), object, np.longdouble])
def test_dtype_rejects_unknown(bad):
    with pytest.raises(TypeError):
        tb.dtype(bad)


# ------------------------------------------------------------------ devices


def test_device_parsing_and_printing():
    cpu = tb.device("cpu")
    assert cpu.type == "cpu" and cpu.index is None
    assert str(cpu) == "cpu" and repr(cpu) == "device(type='cpu')"
    c1 = tb.device("cuda:1")
    assert c1.type == "cuda" and c1.index == 1
    assert str(c1) == "cuda:1" and repr(c1) == "device(type='cuda', index=1)"
    assert tb.device("cuda", 1) == c1
    assert tb.device("cuda:0") != c1
    assert tb.device("cuda").type == "cuda"
    assert tb.device("cpu") == tb.device("cpu")
    assert tb.tensor([1]).device == cpu


@pytest.mark.parametrize("bad", ["tpu", "cuda:x", "cuda:-1", "", "cpu:1:2"])
def test_device_bad_strings(bad):
    with pytest.raises((ValueError, RuntimeError)):
        tb.device(bad)


def test_cuda_requests_give_gpu_tensors_or_say_cuda_is_unavailable():
    assert (tb.cuda.device_count() > 0) == tb.cuda.is_available() == HAS_CUDA
    t = tb.tensor([1.0])
    requests = [
        lambda: t.cuda(),
        lambda: t.to("cuda"),
        lambda: t.to(tb.device("cuda:0")),
        lambda: t.to(device="cuda", dtype=tb.float64),
        lambda: tb.tensor([1.0], device="cuda"),
        lambda: tb.asarray([1.0], device="cuda"),
        lambda: tb.as_tensor(np.zeros(2), device="cuda"),
        lambda: tb.zeros(3, device="cuda"),
    ]
    for req in requests:
        g = check_cuda_request(req)
        assert g is None or str(g.device) == "cuda:0"


# ------------------------------------------------------------------ attributes


def test_attributes_match_numpy():
    a = np.arange(120, dtype=np.int16).reshape(4, 5, 6)[1:, ::-2, ::3]
    t = tb.from_numpy(a)
    assert t.shape == a.shape and isinstance(t.shape, tuple)
    assert t.ndim == a.ndim == t.dim()
    assert t.size == a.size == t.numel()
    assert t.strides == tuple(s // 2 for s in a.strides)
    assert t.strides[1] < 0
    assert t.stride() == t.strides and t.stride(1) == t.strides[1]
    assert t.itemsize == 2 == t.element_size()
    assert t.nbytes == a.nbytes
    assert t.dtype == tb.int16
    assert t.T.shape == a.T.shape and t.T.strides == tuple(s // 2 for s in a.T.strides)
    assert t.mT.shape == (3, 2, 3)
    assert t.mT.tolist() == np.swapaxes(a, -1, -2).tolist()


def test_zero_dim_attributes():
    t = tb.tensor(3.5)
    assert t.shape == () and t.ndim == 0 and t.size == 1 and t.strides == ()
    assert t.T.shape == ()
    with pytest.raises(ValueError):
        t.mT


# ------------------------------------------------------------------ methods


def test_item_and_tolist_match_numpy():
    for tbd, ndt in DTYPES:
        a = make_values(ndt, (2, 3), seed=9, special=False)
        t = tb.from_numpy(a)
        exp = a.astype(np.float32).tolist() if ndt == BF16 else a.tolist()
        assert t.tolist() == exp, tbd
        assert t[1, 2].item() == exp[1][2]
        assert type(t[0, 0].item()) is type(exp[0][0])
    assert tb.tensor(7).tolist() == 7
    with pytest.raises(ValueError, match="one element|index"):
        tb.tensor([1, 2]).item()


def test_clone_contiguous_is_contiguous():
    a = np.arange(12.0).reshape(3, 4)
    t = tb.from_numpy(a)
    assert t.is_contiguous()
    v = t[:, ::2]
    assert not v.is_contiguous()
    c = v.clone()
    assert c.tolist() == a[:, ::2].tolist() and not tb.shares_memory(c, a)
    k = v.contiguous()
    assert k.is_contiguous() and k.tolist() == a[:, ::2].tolist()
    assert t.T.clone().tolist() == a.T.tolist()


def test_reshape_view_flatten_squeeze_unsqueeze_expand():
    a = np.arange(24).reshape(2, 3, 4)
    t = tb.from_numpy(a)
    assert t.reshape(4, -1).tolist() == a.reshape(4, -1).tolist()
    assert t.reshape((6, 4)).shape == (6, 4)
    assert t.view(3, 8).tolist() == a.reshape(3, 8).tolist()
    assert t.flatten().tolist() == a.ravel().tolist()
    assert t.flatten(1).shape == (2, 12)
    assert t.flatten(0, 1).shape == (6, 4)
    assert t[:, :1].squeeze().shape == (2, 4)
    assert t[:, :1].squeeze(1).shape == (2, 4)
    assert t.squeeze(0).shape == (2, 3, 4)
    assert t.unsqueeze(0).shape == (1, 2, 3, 4)
    assert t.unsqueeze(-1).shape == (2, 3, 4, 1)
    e = t[:, :1].expand(2, 5, 4)
    assert e.shape == (2, 5, 4) and e.strides[1] == 0
    assert e.tolist() == np.broadcast_to(a[:, :1], (2, 5, 4)).tolist()
    assert t[:1].expand(3, -1, -1).shape == (3, 3, 4)
    assert t.transpose(0, 2).tolist() == a.transpose(2, 1, 0).tolist()
    assert t.permute(1, 2, 0).tolist() == a.transpose(1, 2, 0).tolist()
    assert t.permute((2, 0, 1)).shape == (4, 2, 3)


def test_view_refuses_incompatible_strides():
    t = tb.tensor(np.arange(12.0).reshape(3, 4)).T
    with pytest.raises((ValueError, RuntimeError)) as info:
        t.view(12)
    assert "reshape" in str(info.value)
    assert t.reshape(12).tolist() == np.arange(12.0).reshape(3, 4).T.ravel().tolist()


def test_shape_errors():
    t = tb.tensor(np.arange(24).reshape(2, 3, 4))
    with pytest.raises(ValueError):
        t.reshape(5)
    with pytest.raises(ValueError):
        t.expand(3, 3, 4)
    with pytest.raises(ValueError):
        t.permute(0, 0, 1)
    with pytest.raises(IndexError):
        t.transpose(0, 5)
    with pytest.raises(IndexError):
        t.unsqueeze(5)


def test_copy_fill_astype():
    t = tb.zeros((2, 3), dtype=tb.float64)
    assert t.fill_(2.5) is t
    assert t.tolist() == [[2.5] * 3] * 2
    src = np.arange(3, dtype=np.int32)
    assert t.copy_(tb.from_numpy(src)) is t
    assert t.tolist() == [[0.0, 1.0, 2.0]] * 2
    t.copy_(np.array([[5.0], [6.0]]))
    assert t.tolist() == [[5.0] * 3, [6.0] * 3]
    with pytest.raises(ValueError):
        t.copy_(tb.zeros(4))
    c = t.astype(tb.int16)
    assert c.dtype == tb.int16 and c.tolist() == [[5] * 3, [6] * 3]
    same = t.astype(tb.float64)
    assert same is not t and not tb.shares_memory(same, t)
    assert t.astype("float64", copy=False) is t


# ------------------------------------------------------------------ protocols


def test_python_protocols():
    t = tb.tensor(np.arange(6).reshape(2, 3))
    assert len(t) == 2
    rows = list(t)
    assert [r.tolist() for r in rows] == [[0, 1, 2], [3, 4, 5]]
    assert all(isinstance(r, tb.Tensor) for r in rows)
    assert tb.shares_memory(rows[1], t)
    assert bool(tb.tensor([3])) is True and bool(tb.tensor(0.0)) is False
    assert int(tb.tensor([2.7])) == 2 and int(tb.tensor(-2.7)) == -2
    assert float(tb.tensor([[3]])) == 3.0
    assert [10, 20, 30][tb.tensor(1)] == 20
    assert range(10)[tb.tensor(np.uint8(4))] == 4
    with pytest.raises(TypeError):
        len(tb.tensor(1.0))
    with pytest.raises(TypeError):
        iter(tb.tensor(1.0))
    with pytest.raises(ValueError):
        bool(tb.tensor([1, 2]))
    with pytest.raises(TypeError):
        [1, 2][tb.tensor(1.0)]
    with pytest.raises((TypeError, ValueError)):
        int(tb.tensor([1, 2]))


# ------------------------------------------------------------------ indexing

INDEXES = [
    0, -1, 1, (1, 2), (0, -1, 3), slice(None), slice(1, None), slice(None, None, -1),
    slice(None, None, 2), slice(-2, None, -2), (slice(None), 1), (Ellipsis, 2), (None,),
    (1, None, slice(None, None, -1)), (slice(1, None), slice(None, None, -1), None, Ellipsis),
    (Ellipsis, None), (slice(5, 1, -1),), (slice(10, 20),), (slice(-100, 100, 3),),
    (None, Ellipsis, None), (0, 0, 0), (slice(0, 0),), (np.int64(1), slice(None, None, -3)),
    (1, Ellipsis, slice(3, 0, -2)), (),
]


@pytest.mark.parametrize("key", INDEXES, ids=repr)
def test_basic_indexing_matches_numpy(key):
    a = np.arange(60, dtype=np.int32).reshape(3, 4, 5)
    t = tb.from_numpy(a)
    got = t[key]
    exp = a[key]
    assert isinstance(got, tb.Tensor)
    assert got.shape == exp.shape
    assert got.tolist() == exp.tolist()
    if exp.size:
        # strides of size-1 dimensions are arbitrary; compare the others
        for n, gs, es in zip(exp.shape, got.strides, exp.strides):
            if n > 1:
                assert gs == es // 4, (got.strides, exp.strides)
        assert np.shares_memory(got.numpy(), a)


@pytest.mark.parametrize(
    "key", [3, -4, (0, 4), (0, 0, 5), (0, 0, 0, 0), (Ellipsis, 0, 0, 0, 0), "a", 1.5, [0, 3]],
    ids=repr,
)
def test_bad_indexes_raise_index_error(key):
    t = tb.tensor(np.arange(60).reshape(3, 4, 5))
    with pytest.raises(IndexError):
        t[key]
    with pytest.raises(IndexError):
        t[key] = 0


def test_double_ellipsis_is_index_error():
    t = tb.tensor(np.arange(6).reshape(2, 3))
    with pytest.raises(IndexError):
        t[..., ...]


def test_zero_step_raises():
    t = tb.tensor([1, 2, 3])
    with pytest.raises(ValueError, match="step"):
        t[::0]


# ------------------------------------------------------------------ assignment

ASSIGN = [
    (0, 5),
    ((1, 2), -1.5),
    (slice(None), 2),
    ((slice(None), 1), np.arange(5.0)),
    ((slice(None), 1), np.arange(3.0)[:, None]),
    ((Ellipsis, slice(None, None, -2)), np.arange(3.0)),
    (slice(1, None), np.arange(20.0).reshape(4, 5)),
    ((slice(None), None), np.ones((1, 4, 5))),
    ((None, 1), np.arange(5.0)),
    (1, np.float32(3.25)),
    (slice(None, None, -1), np.arange(60.0).reshape(3, 4, 5)),
]


@pytest.mark.parametrize("key,value", ASSIGN, ids=repr)
@pytest.mark.parametrize("as_tensor", [False, True])
def test_assignment_matches_numpy(key, value, as_tensor):
    a = np.arange(60.0).reshape(3, 4, 5)
    t = tb.tensor(a)
    v = tb.tensor(value) if as_tensor and isinstance(value, np.ndarray) else value
    a[key] = value
    t[key] = v
    assert_same_bits(t, a)


@pytest.mark.parametrize(
    "dst,src",
    [
        ((slice(1, None),), (slice(None, -1),)),
        ((slice(None, -1),), (slice(1, None),)),
        ((slice(None, None, -1),), (slice(None),)),
        ((slice(2, None),), (slice(None, -2),)),
        ((slice(None, None, 2),), (slice(None, 5),)),
    ],
    ids=["shift-right", "shift-left", "reverse", "shift-2", "stride"],
)
def test_overlapping_self_assignment_matches_numpy(dst, src):
    # the result is as if the source were copied first; NumPy gives that for
    # shifts and reversal (for the 1-d "stride" case NumPy copies forward
    # without a temporary, so the copy-first answer is the oracle)
    a = np.arange(10.0)
    t = tb.tensor(a)
    t[dst] = t[src]
    a[dst] = a[src].copy()
    assert t.tolist() == a.tolist()
    if dst != (slice(None, None, 2),):
        b = np.arange(10.0)
        b[dst] = b[src]
        assert t.tolist() == b.tolist()


def test_overlapping_transpose_assignment():
    a = np.arange(16.0).reshape(4, 4)
    t = tb.tensor(a)
    t[...] = t.T
    a[...] = a.T.copy()
    assert t.tolist() == a.tolist()
    b = np.arange(10.0)
    u = tb.from_numpy(b)
    u.copy_(u.flip(0) if hasattr(u, "flip") else u[::-1])
    assert b.tolist() == list(map(float, range(9, -1, -1)))


SCALARS = {"b": [True, False, 1, 0.0], "i": [5, -3, 2.9, True], "u": [7, 200, 3.5, True],
           "f": [2.5, -1, True, 1e30], "c": [1 + 2j, 3, -0.5, True]}


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_scalar_assignment_fill_full_every_dtype(tbd, ndt):
    kind = "f" if ndt == BF16 else ndt.kind
    for value in SCALARS[kind]:
        a = np.zeros(3, dtype=ndt)
        t = tb.zeros(3, dtype=tbd)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            a[1] = value
            t[1] = value
            assert_same_bits(t, a)
            a[...] = value
        assert_same_bits(t.fill_(value), a)
        assert_same_bits(tb.full((3,), value, dtype=tbd), a)
        t2 = tb.from_numpy(np.zeros(3, dtype=ndt))
        t2[:] = value
        assert_same_bits(t2, a)


@pytest.mark.parametrize("dst_tb,dst_np", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("src_tb,src_np", DTYPES[::3], ids=DTYPE_IDS[::3])
def test_setitem_and_copy_cast_like_numpy(src_tb, src_np, dst_tb, dst_np):
    src = make_values(src_np, (4, 5), seed=14, special=False)
    a = np.zeros((4, 5), dtype=dst_np)
    t = tb.zeros((4, 5), dtype=dst_tb)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        a[::-1, 1:] = src[:, 1:]
        exp_copy = src.astype(dst_np)
    t[::-1, 1:] = tb.from_numpy(src)[:, 1:]
    assert_same_bits(t, a)
    assert_same_bits(tb.zeros((4, 5), dtype=dst_tb).copy_(tb.from_numpy(src)), exp_copy)


def test_assignment_broadcast_errors():
    t = tb.zeros((3, 4))
    with pytest.raises(ValueError):
        t[:] = np.zeros(5)
    with pytest.raises(ValueError):
        t[0] = tb.zeros((2, 4))


def test_assignment_overflow_value():
    t = tb.zeros(3, dtype=tb.uint8)
    with pytest.raises(OverflowError):
        t[0] = 256
    with pytest.raises(OverflowError):
        t.fill_(-1)


def test_writes_to_expanded_refused():
    t = tb.tensor([[1.0], [2.0]]).expand(2, 3)
    for write in (lambda: t.__setitem__(0, 5.0), lambda: t.fill_(0.0),
                  lambda: t.copy_(tb.zeros((2, 3)))):
        with pytest.raises(ValueError, match="clone|contiguous|copy"):
            write()
    assert t.tolist() == [[1.0] * 3, [2.0] * 3]
    ok = t[:, 0]  # no self-overlap: writable
    ok.fill_(4.0)
    assert t.tolist() == [[4.0] * 3] * 2


# ------------------------------------------------------------------ casts


def _cast_source(ndt):
    a = make_values(ndt, (64,), seed=10)
    if ndt.kind in "fc" or ndt == BF16:
        extra = np.array([0.7, -0.7, 127.9, 128.5, -129.0, 255.5, 256.0, 65535.9, 65536.0,
                          -32769.0, 2.0**31, -(2.0**31) - 1, 2.0**32, 2.0**63, 2.0**64, -1.0,
                          3.5, 2.5, -0.0, 1e-40])
        with np.errstate(all="ignore"):
            a[20:20 + len(extra)] = extra.astype(ndt)
    return a


@pytest.mark.parametrize("dst_tb,dst_np", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("src_tb,src_np", DTYPES, ids=DTYPE_IDS)
def test_cast_every_pair_bit_exact(src_tb, src_np, dst_tb, dst_np):
    a = _cast_source(src_np)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        exp = a.astype(dst_np)
    t = tb.from_numpy(a)
    got = t.to(dst_tb)
    assert got.dtype == dst_tb
    if src_tb == dst_tb:
        assert got is t
    assert_same_bits(got, exp)
    assert_same_bits(t.astype(dst_tb), exp)


@pytest.mark.parametrize("dst_tb,dst_np", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("src_tb,src_np", DTYPES, ids=DTYPE_IDS)
def test_cast_strided_equals_contiguous(src_tb, src_np, dst_tb, dst_np):
    # a cast is a pure function of the element: the strided result is the
    # same view of NumPy's contiguous cast (NumPy's own scalar tail differs
    # from its SIMD body for NaN -> uint32, so NumPy on the view is no oracle)
    full = _cast_source(src_np)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        exp = full.astype(dst_np).reshape(8, 8)[::-1, ::3]
    a = full.reshape(8, 8)[::-1, ::3]
    assert_same_bits(tb.from_numpy(a).to(dst_tb), exp)
    assert_same_bits(tb.from_numpy(a).T.to(dst_tb), exp.T)


def test_argument_errors_say_what_was_wrong():
    t = tb.tensor([1.0, 2.0])
    # A list or number has no memory of its own: it shares none.
    assert tb.shares_memory([1.0, 2.0], t) is False
    assert tb.shares_memory(t, 3.0) is False
    # A string that names neither a dtype nor a device is a bad value.
    with pytest.raises(ValueError, match="names neither a dtype .* nor a device"):
        t.to("tpu")
    with pytest.raises(TypeError, match="expects a dtype, a device or a tensor"):
        t.to(object())
    # Item assignment into a read-only tensor names the assignment.
    a = np.arange(3.0)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="^item assignment: the tensor is read-only"):
        tb.from_numpy(a)[0] = 1.0
    with pytest.raises(ValueError, match="^item assignment: the tensor is read-only"):
        tb.from_numpy(a)[tb.tensor([0, 1])] = 1.0
