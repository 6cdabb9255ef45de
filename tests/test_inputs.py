"""SPEC §2: every kind of input, what the sharing paths (`from_numpy`,
`asarray(copy=False)`) and the copying paths (`tensor`, `asarray`,
`as_tensor`) give for it."""

import numpy as np
import ml_dtypes
import pytest

import tensorbridge as tb
from conftest import BF16, DTYPES, DTYPE_IDS, assert_same_bits, make_values, misaligned

as_strided = np.lib.stride_tricks.as_strided

SHARE = {
    "from_numpy": tb.from_numpy,
    "asarray_false": lambda a: tb.asarray(a, copy=False),
}
COPY = {
    "tensor": tb.tensor,
    "asarray_true": lambda a: tb.asarray(a, copy=True),
}
ALL = {**SHARE, **COPY, "asarray": tb.asarray, "as_tensor": tb.as_tensor}


def layouts():
    base = np.arange(60, dtype=np.int32).reshape(3, 4, 5)
    one = np.arange(7, dtype=np.float64)
    return {
        "C": base,
        "F": np.asfortranarray(base),
        "sliced": base[1:, ::2, 1:4],
        "negative": base[::-1, :, ::-2],
        "transposed": base.transpose(2, 0, 1),
        "zero-stride": as_strided(one, shape=(4, 7), strides=(0, 8)),
        "all-zero": as_strided(one, shape=(3, 2), strides=(0, 0)),
        "overlapping": as_strided(one, shape=(4, 4), strides=(8, 8)),
        "broadcast_to": np.broadcast_to(one, (2, 7)),
    }


@pytest.mark.parametrize("layout", list(layouts()))
@pytest.mark.parametrize("how", list(SHARE))
def test_sharing_paths_share_any_strides(layout, how):
    a = layouts()[layout]
    t = SHARE[how](a)
    assert t.shape == a.shape
    assert t.strides == tuple(s // a.itemsize for s in a.strides)
    assert t.data_ptr() == a.ctypes.data
    assert np.shares_memory(t.numpy(), a)
    assert_same_bits(t, a)
    assert t.is_readonly == (not a.flags.writeable)


@pytest.mark.parametrize("layout", list(layouts()))
@pytest.mark.parametrize("how", list(COPY))
def test_copy_paths_copy_any_strides(layout, how):
    a = layouts()[layout]
    t = COPY[how](a)
    assert not np.shares_memory(t.numpy(), a)
    assert not t.is_readonly
    assert_same_bits(t, a)


def test_zero_stride_tensor_is_readonly_or_refuses_overlapping_writes():
    one = np.arange(3.0)
    a = as_strided(one, shape=(2, 3), strides=(0, 8), writeable=False)
    t = tb.from_numpy(a)
    assert t.is_readonly
    with pytest.raises(ValueError):
        t[0, 0] = 1.0


# ------------------------------------------------------------------ non-writeable


@pytest.mark.parametrize("how", list(SHARE) + ["asarray", "as_tensor"])
def test_nonwriteable_shares_readonly(how):
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    t = ALL[how](a)
    assert np.shares_memory(t.numpy(), a)
    assert t.is_readonly


@pytest.mark.parametrize(
    "write",
    [
        lambda t: t.__setitem__((0, 0), 1.0),
        lambda t: t.__setitem__(slice(None), tb.tensor([1.0, 2.0, 3.0], dtype=tb.float64)),
        lambda t: t.fill_(0.0),
        lambda t: t.copy_(tb.zeros((2, 3), dtype=tb.float64)),
        lambda t: t[1].fill_(2.0),
        lambda t: t.T.__setitem__(0, 3.0),
    ],
    ids=["setitem", "setitem-tensor", "fill_", "copy_", "view-fill_", "T-setitem"],
)
def test_writes_to_readonly_raise_with_fix(write):
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    t = tb.from_numpy(a)
    with pytest.raises(ValueError) as info:
        write(t)
    msg = str(info.value).lower()
    assert "read-only" in msg or "readonly" in msg or "writeable" in msg
    assert "clone" in msg or "copy" in msg
    assert (a == np.arange(6.0).reshape(2, 3)).all()


@pytest.mark.parametrize("how", list(COPY))
def test_nonwriteable_copies_writeable(how):
    a = np.arange(4.0)
    a.flags.writeable = False
    t = COPY[how](a)
    assert not t.is_readonly
    t[0] = 9.0
    assert a[0] == 0.0


def test_bytes_backed_array_is_readonly():
    a = np.frombuffer(b"\x01\x02\x03\x04", dtype=np.uint8)
    t = tb.from_numpy(a)
    assert t.is_readonly
    assert t.tolist() == [1, 2, 3, 4]


# ------------------------------------------------------------------ byte order


@pytest.mark.parametrize("ndt", ["i2", "u4", "i8", "f2", "f4", "f8", "c8", "c16"])
def test_byteswapped_refused_by_sharing_paths(ndt):
    a = make_values(np.dtype(ndt), (5,), seed=5).astype(np.dtype(ndt).newbyteorder(">"))
    for how in SHARE.values():
        with pytest.raises(ValueError) as info:
            how(a)
        msg = str(info.value)
        assert "byte order" in msg or "byteorder" in msg or "endian" in msg
        assert "tensor(" in msg or "astype" in msg or "copy" in msg


@pytest.mark.parametrize("ndt", ["i2", "u4", "i8", "f2", "f4", "f8", "c8", "c16"])
@pytest.mark.parametrize("how", ["tensor", "asarray_true", "asarray", "as_tensor"])
def test_byteswapped_copied_to_native(ndt, how):
    native = make_values(np.dtype(ndt), (2, 5), seed=6)
    a = native.astype(native.dtype.newbyteorder(">"))[:, ::-2]
    t = ALL[how](a)
    assert t.dtype.name == native.dtype.name
    assert_same_bits(t, native[:, ::-2])
    assert t.numpy().dtype.isnative


# ------------------------------------------------------------------ alignment


@pytest.mark.parametrize("ndt", ["i2", "i4", "u8", "f4", "f8", "c8", "c16"])
def test_misaligned_refused_by_sharing_paths(ndt):
    a = misaligned(np.dtype(ndt))
    for how in SHARE.values():
        with pytest.raises(ValueError, match="align"):
            how(a)


@pytest.mark.parametrize("ndt", ["i2", "i4", "u8", "f4", "f8", "c8", "c16"])
@pytest.mark.parametrize("how", ["tensor", "asarray_true", "asarray", "as_tensor"])
def test_misaligned_copied(ndt, how):
    a = misaligned(np.dtype(ndt))
    t = ALL[how](a)
    assert not np.shares_memory(t.numpy(), a)
    assert_same_bits(t, a.copy())


def test_complex64_aligned_only_to_4_bytes_through_every_copy_kernel():
    """complex64 is 8 bytes but 4-aligned, for NumPy and for us: such an
    array is shared, and the kernels that move 8-byte elements (copies,
    tiled transposes, gathers, where, masks) must not assume 8-byte
    alignment. A debug build aborts on the misaligned access that did."""
    raw = np.zeros(128, dtype=np.uint8)
    start = (-raw.ctypes.data) % 16 + 4
    a = raw[start : start + 96].view(np.complex64).reshape(3, 4)
    a[...] = np.arange(12).reshape(3, 4) * (1 - 2j)
    assert a.flags.aligned and a.ctypes.data % 8 == 4
    t = tb.from_numpy(a)
    assert np.shares_memory(t.numpy(), a)
    assert_same_bits(tb.tensor(a), a.copy())
    assert_same_bits(t.T.contiguous(), a.T.copy())
    assert_same_bits(t[:, [3, 0, 0]], a[:, [3, 0, 0]])
    assert_same_bits(t[t.real > 5], a[a.real > 5])
    assert_same_bits(tb.where(t.real > 5, t, 0), np.where(a.real > 5, a, 0).astype(np.complex64))
    t[t.real > 5] = 1 + 1j
    a2 = np.arange(12).reshape(3, 4) * (1 - 2j)
    a2[a2.real > 5] = 1 + 1j
    assert_same_bits(t, a2.astype(np.complex64))


def test_misaligned_strided_view_refused():
    buf = np.zeros(65, dtype=np.uint8)
    a = buf[1:].view(np.int64)[::2]
    if a.flags.aligned:  # the buffer happened to land misaligned by one
        a = buf[:-1].view(np.int64)[::2]
    assert not a.flags.aligned
    with pytest.raises(ValueError):
        tb.from_numpy(a)


# ------------------------------------------------------------------ 0-d, empty, scalars


@pytest.mark.parametrize("how", list(ALL))
def test_zero_dim_arrays(how):
    a = np.array(2.5)
    t = ALL[how](a)
    assert t.shape == ()
    assert t.ndim == 0
    assert t.size == 1
    assert t.item() == 2.5
    assert t.dtype == tb.float64
    assert np.shares_memory(t.numpy(), a) == (how not in COPY)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4, 2), (2, 0, 0)])
@pytest.mark.parametrize("how", list(ALL))
def test_size_zero_arrays(shape, how):
    a = np.zeros(shape, dtype=np.int16)
    t = ALL[how](a)
    assert t.shape == shape
    assert t.size == 0
    assert t.dtype == tb.int16
    assert t.numpy().shape == shape
    assert t.tolist() == a.tolist()


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("how", ["tensor", "asarray", "as_tensor", "from_numpy"])
def test_numpy_scalars(tbd, ndt, how):
    s = make_values(ndt, (3,), seed=7, special=False)[2]
    assert isinstance(s, np.generic)
    t = ALL[how](s)
    assert t.shape == ()
    assert t.dtype == tbd
    assert_same_bits(t, np.array(s))


# ------------------------------------------------------------------ dtypes


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("how", list(ALL))
def test_every_supported_dtype(tbd, ndt, how):
    a = make_values(ndt, (3, 4), seed=8)[:, ::-1]
    t = ALL[how](a)
    assert t.dtype == tbd
    assert t.itemsize == ndt.itemsize
    assert_same_bits(t, a)
    assert t.numpy().dtype == ndt


def test_bfloat16_shares_both_ways():
    a = np.array([1.5, -2.0, np.inf, 3.140625], dtype=ml_dtypes.bfloat16)
    t = tb.from_numpy(a)
    assert t.dtype == tb.bfloat16
    assert t.itemsize == 2
    n = t.numpy()
    assert n.dtype == BF16
    assert np.shares_memory(n, a)
    assert n.base is t
    t[0] = 0.5
    assert a[0] == 0.5
    n[1] = 4.0
    assert t[1].item() == 4.0
    back = tb.tensor(a)
    assert back.dtype == tb.bfloat16
    assert not np.shares_memory(back.numpy(), a)
    assert np.asarray(t).dtype == BF16
    assert np.shares_memory(np.asarray(t), a)


def test_bfloat16_tensor_to_numpy_from_owned():
    t = tb.tensor([1.0, 2.5], dtype=tb.bfloat16)
    n = t.numpy()
    assert n.dtype == BF16
    assert n.tolist() == [1.0, 2.5]


UNSUPPORTED = {
    "object": np.array([1, "a"], dtype=object),
    "str": np.array(["ab", "c"]),
    "bytes": np.array([b"ab"]),
    "datetime": np.array(["2024-01-01"], dtype="datetime64[D]"),
    "timedelta": np.array([1], dtype="timedelta64[s]"),
    "structured": np.zeros(2, dtype=[("a", "i4"), ("b", "f4")]),
    "longdouble": np.zeros(2, dtype=np.longdouble),
    "void": np.zeros(2, dtype="V8"),
}
UNSUPPORTED_NAME = {
    "object": "object",
    "str": "U",
    "bytes": "S",
    "datetime": "datetime64",
    "timedelta": "timedelta64",
    "structured": "'a'",
    "longdouble": str(np.dtype(np.longdouble)),
    "void": "V",
}


@pytest.mark.parametrize("kind", list(UNSUPPORTED))
@pytest.mark.parametrize("how", list(ALL))
def test_unsupported_dtypes_raise_type_error_naming_dtype(kind, how):
    a = UNSUPPORTED[kind]
    with pytest.raises(TypeError) as info:
        ALL[how](a)
    assert UNSUPPORTED_NAME[kind] in str(info.value)


# ------------------------------------------------------------------ Python sequences


def test_nested_lists():
    data = [[1, 2, 3], [4, 5, 6]]
    t = tb.tensor(data)
    assert t.shape == (2, 3)
    assert t.dtype == tb.int64
    assert t.tolist() == data
    assert tb.tensor(((1.5,), (2.5,))).tolist() == [[1.5], [2.5]]


@pytest.mark.parametrize(
    "data",
    [[[1, 2], [3]], [[1, 2], 3], [1, [2, 3]], [[[1], [2]], [[3]]], [[1, 2], [3, [4]]]],
    ids=str,
)
def test_ragged_raises_value_error(data):
    with pytest.raises(ValueError, match="ragged|shape|length"):
        tb.tensor(data)


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**64, 10**30])
def test_ints_beyond_int64_overflow(value):
    with pytest.raises(OverflowError):
        tb.tensor([1, value])
    with pytest.raises(OverflowError):
        tb.tensor([[value]])


@pytest.mark.parametrize("value", [2**63, 2**64 - 1])
def test_python_int_scalar_beyond_int64_same_as_list(value):
    # SPEC §2: Python ints infer int64; out of range gives OverflowError,
    # whether the int is alone or in a list.
    with pytest.raises(OverflowError):
        tb.tensor(value)


def test_out_of_range_for_requested_dtype():
    with pytest.raises(OverflowError):
        tb.tensor([256], dtype=tb.uint8)
    with pytest.raises(OverflowError):
        tb.tensor([-1], dtype=tb.uint32)
    assert tb.tensor([2**64 - 1], dtype=tb.uint64).tolist() == [2**64 - 1]
    assert tb.tensor([-(2**63)]).tolist() == [-(2**63)]


def _write_paths(value, dtype):
    """Every way a Python number is written into a tensor of `dtype`."""
    def setitem():
        t = tb.zeros(3, dtype=dtype)
        t[1] = value
        return t

    return {
        "tensor": lambda: tb.tensor([value], dtype=dtype),
        "nested": lambda: tb.tensor([[0, value]], dtype=dtype),
        "asarray": lambda: tb.asarray(value, dtype=dtype),
        "full": lambda: tb.full((2,), value, dtype=dtype),
        "full_like": lambda: tb.full_like(tb.zeros(2, dtype=dtype), value),
        "fill_": lambda: tb.zeros(2, dtype=dtype).fill_(value),
        "setitem": setitem,
    }


@pytest.mark.parametrize(
    "value,dtype,error",
    [
        (300.0, tb.uint8, OverflowError),
        (-1.25, tb.uint8, OverflowError),
        (1e6, tb.int8, OverflowError),
        (2.0**63, tb.int64, OverflowError),
        (2.0**64, tb.uint64, OverflowError),
        (float("nan"), tb.int32, ValueError),
        (float("-inf"), tb.int64, OverflowError),
        (1 + 2j, tb.float64, TypeError),
        (2 + 0j, tb.float32, TypeError),
        (1j, tb.int8, TypeError),
    ],
    ids=str,
)
def test_numbers_that_a_dtype_cannot_hold_are_refused_not_wrapped(value, dtype, error):
    # A cast would wrap 300.0 to 44 in uint8 or drop an imaginary part;
    # NumPy 2 and PyTorch both refuse these writes, and so does every
    # path that writes a Python number into a tensor here.
    for write in _write_paths(value, dtype).values():
        with pytest.raises(error, match="out of bounds|no NaN|no infinity|complex value"):
            write()


@pytest.mark.parametrize(
    "value,dtype,want",
    [(2.7, tb.int8, 2), (-0.5, tb.uint8, 0), (255.9, tb.uint8, 255), (-(2.0**63), tb.int64, -(2**63)),
     (2.0**64 - 2048, tb.uint64, 2**64 - 2048), (1.5, tb.bool, True)],
    ids=str,
)  # fmt: skip
def test_numbers_within_the_range_truncate_like_numpy(value, dtype, want):
    for name, write in _write_paths(value, dtype).items():
        t = write()
        assert t.dtype == dtype, name
        written = t.reshape(-1).tolist()[1 if name == "setitem" else -1]
        assert written == want and type(written) is type(want), (name, written)


@pytest.mark.parametrize(
    "data,dtype",
    [
        (True, tb.bool),
        ([True, False], tb.bool),
        (3, tb.int64),
        ([1, 2], tb.int64),
        (1.5, tb.float32),
        ([1, 2.5], tb.float32),
        ([True, 2], tb.int64),
        (1j, tb.complex64),
        ([1, 2j], tb.complex64),
        ([[1.0], [2]], tb.float32),
    ],
    ids=str,
)
def test_default_dtypes(data, dtype):
    t = tb.tensor(data)
    assert t.dtype == dtype
    expected = np.array(data, dtype=np_of(dtype))
    assert_same_bits(t, expected)


def np_of(d):
    return {"bool": np.bool_, "int64": np.int64, "float32": np.float32, "complex64": np.complex64}[
        d.name
    ]


@pytest.mark.parametrize("how", list(ALL))
def test_float64_arrays_stay_float64(how):
    a = np.array([0.1, 1e300, -2.5])
    t = ALL[how](a)
    assert t.dtype == tb.float64
    assert t.tolist() == a.tolist()
    assert t.numpy().dtype == np.float64


def test_list_with_dtype():
    t = tb.tensor([1, 2, 3], dtype=tb.float64)
    assert t.dtype == tb.float64
    assert t.tolist() == [1.0, 2.0, 3.0]
    t = tb.tensor([0.5, 1.5], dtype=tb.int32)
    assert t.tolist() == [0, 1]
    t = tb.tensor([1, 0, 2], dtype=tb.bool)
    assert t.tolist() == [True, False, True]


def test_list_of_tensors_and_arrays():
    t = tb.tensor([tb.tensor([1, 2]), tb.tensor([3, 4])])
    assert t.shape == (2, 2)
    assert t.tolist() == [[1, 2], [3, 4]]
    t = tb.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert t.shape == (2, 2)


@pytest.mark.parametrize("bad", ["abc", [None], [1, "a"], {1: 2}, object()], ids=repr)
def test_non_numeric_inputs_type_error(bad):
    with pytest.raises(TypeError):
        tb.tensor(bad)


def test_from_numpy_rejects_non_arrays():
    for bad in ([1, 2], 3, tb.tensor([1])):
        with pytest.raises(TypeError, match="ndarray|tensor\\(|asarray"):
            tb.from_numpy(bad)
