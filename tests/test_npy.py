"""SPEC §6 `.npy` files: `tb.save` writes what `np.load` reads (byte for
byte what `np.save` writes), `tb.load` reads what `np.save` writes, by
reading (`mmap=False`) or by mapping lazily (`mmap=True`, modes r/r+/c), and
every malformed, hostile or unsupported file is refused with a clear error.
NumPy is the oracle."""

from __future__ import annotations

import os
import pathlib
import resource
import time

import ml_dtypes
import numpy as np
import pytest
import tensorbridge as tb
from conftest import BF16, DTYPE_IDS, DTYPES, assert_same_bits, examples, make_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SHAPES = [(), (0,), (7,), (3, 4), (2, 0, 3), (2, 3, 4)]
MMAP = [False, True]


def np_load(path, ndt):
    """np.load, viewing bfloat16 files (2-byte void to NumPy) as ml_dtypes.bfloat16."""
    a = np.load(path)
    return a.view(ml_dtypes.bfloat16) if ndt == BF16 else a


# ------------------------------------------------------------------ tb.save -> np.load


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_save_writes_what_np_save_writes(tmp_path, tbd, ndt, shape):
    a = make_values(ndt, shape)
    tb.save(tmp_path / "tb.npy", tb.tensor(a))
    np.save(tmp_path / "np.npy", a)
    assert (tmp_path / "tb.npy").read_bytes() == (tmp_path / "np.npy").read_bytes()
    assert_same_bits(np_load(tmp_path / "tb.npy", ndt), a)


def test_bfloat16_is_written_as_ml_dtypes_does(tmp_path):
    """np.save of an ml_dtypes.bfloat16 array writes descr '<V2'; so do we.
    NumPy itself loads that as 2-byte void; .view(ml_dtypes.bfloat16) restores
    it, and tb.load reads V2 as bfloat16."""
    a = np.array([1.5, -2.0, np.inf], dtype=ml_dtypes.bfloat16)
    p = tmp_path / "bf.npy"
    tb.save(p, tb.tensor(a))
    assert b"'descr': '<V2'" in p.read_bytes()[:128]
    assert np.load(p).dtype == np.dtype("V2")
    for mmap in MMAP:
        t = tb.load(p, mmap=mmap)
        assert t.dtype == tb.bfloat16
        assert_same_bits(t, a)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.T,
        lambda a: a[::-1, ::2],
        lambda a: a[:, 1:3],
        lambda a: np.broadcast_to(a[:1], (5, 6)),
        lambda a: a.transpose(1, 0)[::-2],
    ],
    ids=["T", "negative-step", "columns", "expanded", "mixed"],
)
def test_views_are_saved_in_c_order(tmp_path, make):
    a = make_values(np.dtype(np.complex64), (4, 6))
    v = make(a)
    tb.save(tmp_path / "v.npy", tb.from_numpy(v))
    got = np.load(tmp_path / "v.npy")
    assert got.flags.c_contiguous
    assert_same_bits(got, v)


def test_large_strided_tensor_is_saved_in_chunks(tmp_path):
    a = np.arange(6_000_000, dtype=np.float64).reshape(3000, 2000)
    tb.save(tmp_path / "t.npy", tb.from_numpy(a).T)  # 48 MB, written 16 MB at a time
    assert_same_bits(np.load(tmp_path / "t.npy"), a.T)


class FsPath:
    """A minimal os.PathLike that is not a pathlib.Path."""

    def __init__(self, p):
        self.p = str(p)

    def __fspath__(self):
        return self.p


@pytest.mark.parametrize("kind", [str, pathlib.Path, FsPath])
def test_paths_can_be_str_or_pathlike(tmp_path, kind):
    p = kind(tmp_path / "p.npy")
    tb.save(p, np.arange(3, dtype=np.int16))  # array-likes are accepted too
    assert tb.load(p).tolist() == [0, 1, 2]
    assert tb.load(p, mmap=True).tolist() == [0, 1, 2]
    assert not os.path.exists(str(p) + ".npy")  # no suffix is added


# ------------------------------------------------------------------ np.save -> tb.load


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("mmap", MMAP)
def test_load_reads_what_np_save_writes(tmp_path, tbd, ndt, mmap):
    for i, shape in enumerate(SHAPES):
        a = make_values(ndt, shape, seed=i)
        p = tmp_path / f"{i}.npy"
        np.save(p, a)
        t = tb.load(p, mmap=mmap)
        assert_same_bits(t, a)
        assert t.shape == shape and t.is_readonly == mmap
        assert t.is_contiguous()


@pytest.mark.parametrize("mmap", MMAP)
def test_fortran_order_loads_as_a_transposed_view(tmp_path, mmap):
    a = np.asfortranarray(make_values(np.dtype(np.int32), (3, 4, 5)))
    np.save(tmp_path / "f.npy", a)
    assert b"'fortran_order': True" in (tmp_path / "f.npy").read_bytes()[:128]
    t = tb.load(tmp_path / "f.npy", mmap=mmap)
    assert t.strides == (1, 3, 12)  # F-contiguous, no copy
    assert t.numpy().flags.f_contiguous
    assert_same_bits(t, a)


SWAPPABLE = [(d, n) for d, n in DTYPES if n.itemsize > 1 and n != BF16]  # NumPy has no '>' bfloat16


@pytest.mark.parametrize("tbd,ndt", SWAPPABLE, ids=[d.name for d, _ in SWAPPABLE])
def test_big_endian_is_swapped_on_read_and_refused_for_mmap(tmp_path, tbd, ndt):
    a = make_values(ndt, (3, 5))
    np.save(tmp_path / "be.npy", a.astype(ndt.newbyteorder(">")))
    assert_same_bits(tb.load(tmp_path / "be.npy"), a)
    with pytest.raises(ValueError, match=r"byte order.*mmap=False"):
        tb.load(tmp_path / "be.npy", mmap=True)


# ------------------------------------------------------------------ mapping


def test_mmap_read_only_mode_is_the_default(tmp_path):
    np.save(tmp_path / "r.npy", np.arange(4.0))
    t = tb.load(tmp_path / "r.npy", mmap=True)
    assert t.is_readonly and not t.numpy().flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 5.0
    assert tb.load(tmp_path / "r.npy", mmap=True, mode="r").is_readonly


def test_mmap_r_plus_writes_reach_the_file(tmp_path):
    p = tmp_path / "rw.npy"
    np.save(p, np.zeros(1000, np.int32))
    t = tb.load(p, mmap=True, mode="r+")
    assert not t.is_readonly
    t[10] = 7
    t[990:] = 3
    del t
    got = np.load(p)
    assert got[10] == 7 and (got[990:] == 3).all() and got.sum() == 37


def test_mmap_copy_on_write_leaves_the_file_alone(tmp_path):
    p = tmp_path / "c.npy"
    np.save(p, np.zeros(8, np.uint8))
    t = tb.load(p, mmap=True, mode="c")
    t.fill_(9)
    assert t.tolist() == [9] * 8
    assert (np.load(p) == 0).all()


def test_mmap_shares_with_numpy_and_outlives_the_path(tmp_path):
    p = tmp_path / "s.npy"
    np.save(p, np.arange(10, dtype=np.float32))
    t = tb.load(p, mmap=True)
    a = np.asarray(t)
    assert np.shares_memory(a, t.numpy())
    os.unlink(p)  # the mapping keeps the data
    del t
    assert a.tolist() == list(range(10))


def test_mode_is_checked(tmp_path):
    np.save(tmp_path / "m.npy", np.arange(3))
    with pytest.raises(ValueError, match="'r'.*'r\\+'.*'c'"):
        tb.load(tmp_path / "m.npy", mmap=True, mode="w+")
    with pytest.raises(ValueError, match="mmap=True"):
        tb.load(tmp_path / "m.npy", mode="r+")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_mapping_a_1gb_file_is_lazy(tmp_path):
    p = tmp_path / "big.npy"
    n = 2**28  # float32: 1 GiB
    with open(p, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f4", "fortran_order": False, "shape": (n,)}
        )
        f.truncate(f.tell() + 4 * n)  # sparse: no data blocks are written
    rss = _rss_bytes()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        t = tb.load(p, mmap=True)
        best = min(best, time.perf_counter() - start)
        assert t.shape == (n,)
    assert best < 0.010, f"mapping took {best * 1e3:.2f} ms"
    assert _rss_bytes() - rss < 64 * 2**20  # nothing was read in
    assert t[n - 1].item() == 0.0 and t[n // 2].item() == 0.0  # pages come in on use
    assert _rss_bytes() - rss < 64 * 2**20


# ------------------------------------------------------------------ refusals


def _wrap_header(text: str) -> bytes:
    """A version 1.0 frame around header text, padded like NumPy's."""
    body = text.encode("latin1")
    pad = 64 - (10 + len(body) + 1) % 64
    return (
        b"\x93NUMPY\x01\x00"
        + (len(body) + pad + 1).to_bytes(2, "little")
        + body
        + b" " * pad
        + b"\n"
    )


def _npy_bytes(a) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


@pytest.mark.parametrize("mmap", MMAP)
@pytest.mark.parametrize(
    "a, name",
    [
        (np.array([object(), 1], dtype=object), "object"),
        (np.array(["ab", "c"]), "str"),
        (np.array([b"ab"]), "bytes"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
        (np.array([1], dtype="timedelta64[s]"), "timedelta64"),
        (np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), "structured"),
        (np.zeros(2, dtype="V8"), "void"),
        (np.zeros(2, dtype=np.longdouble), "longdouble"),
    ],
    ids=["object", "str", "bytes", "datetime", "timedelta", "structured", "void", "longdouble"],
)
def test_unsupported_dtypes_raise_type_error_naming_them(tmp_path, a, name, mmap):
    p = tmp_path / "u.npy"
    if a.dtype == object:
        np.save(p, a, allow_pickle=True)
    else:
        np.save(p, a)
    with pytest.raises(TypeError, match=name):
        tb.load(p, mmap=mmap)


@pytest.mark.parametrize("mmap", MMAP)
def test_truncated_data_is_refused(tmp_path, mmap):
    p = tmp_path / "t.npy"
    p.write_bytes(_npy_bytes(np.arange(100, dtype=np.float64))[:-1])
    with pytest.raises(ValueError, match="truncated.*800 bytes.*799"):
        tb.load(p, mmap=mmap)


@pytest.mark.parametrize("mmap", MMAP)
@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "ends inside the header"),
        (b"\x93NUMPY\x01", "ends inside the header"),
        (b"\x93NUMPY\x01\x00\x40\x00{'descr': '<f4'", "ends inside the header"),
        (b"GIF89a" + b"\0" * 200, "magic"),
        (b"PK\x03\x04" + b"\0" * 200, "npz"),
        (b"\x93NUMPY\x09\x00" + b"\0" * 200, "version 9.0"),
        (b"\x93NUMPY\x02\x00\xff\xff\xff\x7f" + b" " * 200, "header is 2147483647 bytes"),
        (b"\x93NUMPY\x01\x00\x60\xea" + b" " * 60000, "header is 60000 bytes"),
    ],
    ids=["empty", "short", "cut-header", "magic", "npz", "version", "huge-v2", "huge-v1"],
)
def test_malformed_files_are_refused(tmp_path, content, match, mmap):
    p = tmp_path / "bad.npy"
    p.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        tb.load(p, mmap=mmap)


@pytest.mark.parametrize(
    "header, error, match",
    [
        ("{'descr': '<f4', 'fortran_order': False}", ValueError, "keys"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", ValueError, "negative"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3.0,)}", ValueError, "integers"),
        ("{'descr': '<f4', 'fortran_order': 'no', 'shape': (3,)}", ValueError, "True or False"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2**40,)}", ValueError, "malformed"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1 << 62, 1 << 62)}", ValueError, ""),
        (
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1152921504606846976,)}",
            ValueError,
            "truncated",
        ),
        ("{'descr': 42, 'fortran_order': False, 'shape': ()}", ValueError, "descr"),
        ("__import__('os')", ValueError, "malformed"),
    ],
)
def test_hostile_headers_are_refused(tmp_path, header, error, match):
    p = tmp_path / "h.npy"
    p.write_bytes(_wrap_header(header) + b"\0" * 64)
    for mmap in MMAP:
        with pytest.raises(error, match=match or None):
            tb.load(p, mmap=mmap)


def test_headers_numpy_accepts_are_accepted(tmp_path):
    data = np.arange(6, dtype="<i2").tobytes()
    for header in [
        '{"shape": (2, 3), "fortran_order": False, "descr": "<i2"}',
        "{'descr':'<i2','fortran_order':False,'shape':(2L,3L)}",
        "  {'descr': '<i2', 'fortran_order': False, 'shape': (2, 3,),}  ",
    ]:
        p = tmp_path / "ok.npy"
        p.write_bytes(_wrap_header(header) + data)
        for mmap in MMAP:
            assert tb.load(p, mmap=mmap).tolist() == [[0, 1, 2], [3, 4, 5]]


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.tuples(st.integers(0, 127), st.integers(0, 255)), min_size=1, max_size=4),
    st.booleans(),
)
def test_mutated_headers_never_crash(tmp_path, edits, mmap):
    good = bytearray(_npy_bytes(np.arange(12, dtype=np.float32).reshape(3, 4)))
    for at, byte in edits:
        good[at] = byte
    p = tmp_path / "fuzz.npy"
    p.write_bytes(bytes(good))
    try:
        t = tb.load(p, mmap=mmap)
    except (ValueError, TypeError):
        return
    t.numpy().tobytes()  # whatever loaded is readable


def test_os_errors_are_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        tb.load(tmp_path / "missing.npy")
    with pytest.raises(FileNotFoundError):
        tb.load(tmp_path / "missing.npy", mmap=True)
    with pytest.raises(FileNotFoundError):
        tb.save(tmp_path / "no" / "dir.npy", tb.zeros(2))
    with pytest.raises(IsADirectoryError):
        tb.load(tmp_path)
