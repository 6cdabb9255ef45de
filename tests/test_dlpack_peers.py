"""DLPack exchange with PyTorch, JAX and TensorFlow, both ways: sharing,
dtypes, views and lifetimes. Missing peers skip locally and fail under CI
(tests/conftest.py)."""

from __future__ import annotations

import gc
import itertools
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorbridge as tb
from conftest import BF16, DTYPE_IDS, DTYPES, assert_same_bits, make_values
from dlpack_structs import _alive_array, _values_ok

# ------------------------------------------------------------------ torch


@pytest.mark.parametrize(("tdt", "ndt"), DTYPES, ids=DTYPE_IDS)
def test_torch_both_ways_every_dtype(tdt, ndt):
    torch = pytest.importorskip("torch")
    tt_dtype = getattr(torch, tdt.name)
    if ndt == BF16:
        src = torch.linspace(-3, 3, 12, dtype=torch.bfloat16).reshape(3, 4)
        ref = src.float().numpy().astype(BF16)
    else:
        ref = make_values(ndt, (3, 4), seed=5)
        src = torch.from_numpy(ref.copy())
    t = tb.from_dlpack(src)
    assert t.dtype == tdt
    assert t.data_ptr() == src.data_ptr()
    assert_same_bits(t, ref)
    back = torch.from_dlpack(t)
    assert back.dtype == tt_dtype
    assert back.data_ptr() == src.data_ptr()
    out = tb.tensor(ref)
    tt = torch.from_dlpack(out)
    assert tt.dtype == tt_dtype and tt.data_ptr() == out.data_ptr()


def test_torch_views_and_mutations():
    torch = pytest.importorskip("torch")
    src = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    for v in [src.T, src[:, ::2], src[1:, 2:], src[2], src[1, 1], src[:0]]:
        t = tb.from_dlpack(v)
        assert t.shape == tuple(v.shape)
        assert (t.numpy() == v.numpy()).all()
        if v.numel():
            assert t.strides == tuple(v.stride()) and t.data_ptr() == v.data_ptr()
    t = tb.from_dlpack(src)
    t[0, 0] = -1.0
    assert src[0, 0].item() == -1.0
    src[3, 4] = 42.0
    assert t[3, 4].item() == 42.0
    base = tb.tensor(np.arange(20.0).reshape(4, 5))
    views = [base.T, base[:, ::2], base[1:, 2:], base[2], base[1, 1], base[:0]]
    for v in views + [base[:, :1].expand(3, 4, 1)]:
        tt = torch.from_dlpack(v)
        assert tuple(tt.shape) == v.shape and (tt.numpy() == v.numpy()).all()
        if v.size:
            assert tt.data_ptr() == v.data_ptr() and tuple(tt.stride()) == v.strides
    tt = torch.from_dlpack(base)
    tt[0, 1] = 7.0
    assert base[0, 1].item() == 7.0


def _torch_aborts_on_negative_strides() -> bool:
    """Whether this PyTorch kills the process when a DLPack tensor has a
    negative stride, NumPy's arrays included (pytorch/pytorch#188023, seen
    up to 2.12; 2.15 raises RuntimeError). Asked in a subprocess."""
    probe = "import numpy as np, torch\ntry:\n    torch.from_dlpack(np.arange(6.0)[::-1])\nexcept Exception:\n    pass\n"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode < 0


def test_torch_negative_strides_refused_or_correct():
    """PyTorch has no negative strides: it may refuse, but never misread."""
    torch = pytest.importorskip("torch")
    major_minor = tuple(int(p) for p in torch.__version__.split(".")[:2])
    if major_minor < (2, 15) and _torch_aborts_on_negative_strides():
        pytest.skip(f"PyTorch {torch.__version__} aborts on negative DLPack strides, NumPy's too")
    v = tb.tensor(np.arange(6.0))[::-1]
    try:
        tt = torch.from_dlpack(v)
    except (RuntimeError, BufferError, ValueError):
        return
    assert (tt.numpy() == v.numpy()).all()


def test_torch_read_only_and_copy():
    torch = pytest.importorskip("torch")
    a = np.arange(4.0)
    a.flags.writeable = False
    ro = tb.from_numpy(a)
    tt = torch.from_dlpack(ro)  # torch asks for max_version >= (1, 0)
    assert (tt.numpy() == a).all()
    t = tb.tensor(np.arange(4.0))
    assert torch.from_dlpack(t, copy=True).data_ptr() != t.data_ptr()
    assert torch.from_dlpack(t).data_ptr() == t.data_ptr()
    s = torch.arange(3.0)
    c = tb.from_dlpack(s, copy=True)
    assert c.data_ptr() != s.data_ptr()


TORCH_NAMES = ("array", "tensor", "torch", "back")


@pytest.mark.parametrize("order", list(itertools.permutations(TORCH_NAMES)), ids="-".join)
def test_every_deletion_order_torch(order):
    torch = pytest.importorskip("torch")
    a, ref = _alive_array()
    t = tb.from_numpy(a)
    tt = torch.from_dlpack(t)
    objs = {"array": a, "tensor": t, "torch": tt, "back": tb.from_dlpack(tt)}
    del a, t, tt
    for i, name in enumerate(order):
        del objs[name]
        gc.collect()
        if objs:
            assert ref() is not None, f"array freed after deleting {order[: i + 1]}"
            for name_left in objs:
                _values_ok(objs[name_left])
        else:
            assert ref() is None, "array leaked after every user was deleted"


_GIL_CHECK = """
import gc, itertools, numpy as np, tensorbridge as tb, torch
for order in itertools.permutations(("array", "tensor", "torch", "back")):
    a = np.arange(257.0)
    t = tb.from_numpy(a)
    tt = torch.from_dlpack(t)
    objs = {"array": a, "tensor": t, "torch": tt, "back": tb.from_dlpack(tt)}
    del a, t, tt
    for name in order:
        del objs[name]
        gc.collect()
print("ok")
"""


def test_torch_chain_releases_numpy_under_the_gil():
    """tb -> torch -> tb: PyTorch calls our deleter with the GIL released
    inside a call PyO3 counts as attached; the deleter must take the GIL
    itself. Python's debug allocator aborts on any free without it."""
    pytest.importorskip("torch")
    env = dict(os.environ, PYTHONMALLOC="debug")
    r = subprocess.run([sys.executable, "-c", _GIL_CHECK], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_torch_tensor_outlives_its_python_object():
    torch = pytest.importorskip("torch")
    src = torch.arange(257, dtype=torch.float64) * 3
    t = tb.from_dlpack(src)
    del src
    gc.collect()
    junk = [torch.ones(257, dtype=torch.float64) for _ in range(50)]
    _values_ok(t)
    del junk


# -------------------------------------------------------------------- JAX


# The dtypes JAX has without jax_enable_x64.
JAX_DTYPES = [
    "bool", "int8", "int16", "int32", "uint8", "uint16", "uint32",
    "float16", "bfloat16", "float32", "complex64",
]  # fmt: skip


@pytest.mark.parametrize("name", JAX_DTYPES)
def test_jax_both_ways(name):
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    tdt = getattr(tb, name)
    ndt = dict((d.name, n) for d, n in DTYPES)[name]
    ref = make_values(ndt, (3, 4), seed=9, special=False)
    t = tb.tensor(ref)
    for consume in (jnp.from_dlpack, jax.dlpack.from_dlpack):
        j = consume(t)
        assert np.asarray(j).dtype == ndt
        assert_same_bits(np.asarray(j), ref)
        assert j.unsafe_buffer_pointer() == t.data_ptr(), "JAX copied an aligned contiguous tensor"
    src = jnp.asarray(ref)
    u = tb.from_dlpack(src)
    assert u.dtype == tdt
    assert u.data_ptr() == src.unsafe_buffer_pointer()
    assert_same_bits(u, ref)


def test_jax_views_and_lifetimes():
    jnp = pytest.importorskip("jax.numpy")
    t = tb.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    for v in [t.T, t[1:], t[1, 1], t[:0]]:
        assert (np.asarray(jnp.from_dlpack(v)) == v.numpy()).all()
    # JAX takes only compact (possibly transposed) strides: it may refuse a
    # stepped view, but never misread it.
    v = t[:, ::2]
    try:
        assert (np.asarray(jnp.from_dlpack(v)) == v.numpy()).all()
    except Exception as e:  # jax.errors.JaxRuntimeError: UNIMPLEMENTED
        assert "strid" in str(e)
    a, ref = _alive_array(dtype=np.float32)
    j = jnp.from_dlpack(tb.from_numpy(a))
    shared = j.unsafe_buffer_pointer() == a.ctypes.data
    del a
    gc.collect()
    assert (ref() is not None) == shared
    assert (np.asarray(j) == np.arange(257) * 3).all()
    del j
    gc.collect()
    assert ref() is None
    src = jnp.arange(257, dtype=jnp.float32) * 3
    u = tb.from_dlpack(src)
    del src
    gc.collect()
    _values_ok(u)


# ------------------------------------------------------------- TensorFlow


TF_DTYPES = [n for n in DTYPE_IDS if n != "bfloat16"]


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("name", TF_DTYPES)
def test_tensorflow_both_ways(tf, name):
    tdt = getattr(tb, name)
    ndt = dict((d.name, n) for d, n in DTYPES)[name]
    ref = make_values(ndt, (3, 4), seed=11)
    t = tb.tensor(ref)
    x = tf.experimental.dlpack.from_dlpack(t.__dlpack__())
    assert_same_bits(x.numpy(), ref)
    # Back through TF's own capsule: the same memory proves TF shared it.
    back = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(x))
    assert back.dtype == tdt
    assert_same_bits(back, ref)
    assert back.data_ptr() == t.data_ptr()
    u = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(tf.constant(ref)))
    assert u.dtype == tdt
    assert_same_bits(u, ref)


def test_tensorflow_lifetimes(tf):
    a, ref = _alive_array()
    x = tf.experimental.dlpack.from_dlpack(tb.from_numpy(a).__dlpack__())
    del a
    gc.collect()
    assert ref() is not None
    _values_ok(x.numpy())
    del x
    gc.collect()
    assert ref() is None
    src = tf.constant(np.arange(257, dtype=np.float64) * 3)
    u = tb.from_dlpack(tf.experimental.dlpack.to_dlpack(src))
    del src
    gc.collect()
    _values_ok(u)
    if hasattr(tf.Tensor, "__dlpack__"):
        v = tb.from_dlpack(tf.constant(np.arange(257, dtype=np.float64) * 3))
        _values_ok(v)
