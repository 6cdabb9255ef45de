"""A separate Rust extension (examples/extension, module `tb_example`) takes
arrays and tensors as `tensorbridge_py::SharedTensor` arguments and returns
`tensorbridge.Tensor`s: zero-copy both ways through DLPack, with dtype,
strides, the read-only flag and lifetimes intact.

The module builds its wheel once (maturin, release, CARGO_BUILD_JOBS=2) and
installs it into the running environment."""

from __future__ import annotations

import gc
import importlib
import os
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest
import tensorbridge as tb
from conftest import DTYPE_IDS, DTYPES, assert_same_bits, make_values

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "examples" / "extension" / "Cargo.toml"


def _maturin() -> str:
    local = Path(sys.executable).with_name("maturin")
    found = str(local) if local.exists() else shutil.which("maturin")
    if found is None or shutil.which("cargo") is None:
        pytest.skip("building the example extension needs maturin and cargo")
    return found


@pytest.fixture(scope="module")
def ex(tmp_path_factory):
    """The example module, built once per test session and installed into a
    temporary directory (never into the environment running the tests)."""
    out = tmp_path_factory.mktemp("tb_example_wheel")
    env = dict(os.environ, CARGO_BUILD_JOBS="2")
    cmd = [
        _maturin(),
        "build",
        "--release",
        "-m",
        str(MANIFEST),
        "-o",
        str(out),
        "-i",
        sys.executable,
    ]
    build = subprocess.run(
        cmd, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert build.returncode == 0, f"maturin build failed:\n{build.stdout}\n{build.stderr}"
    (wheel,) = out.glob("tensorbridge_example-*.whl")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(out / "site"),
            str(wheel),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, f"pip install failed:\n{install.stdout}\n{install.stderr}"
    sys.path.insert(0, str(out / "site"))
    importlib.invalidate_caches()
    sys.modules.pop("tb_example", None)
    try:
        yield importlib.import_module("tb_example")
    finally:
        sys.path.remove(str(out / "site"))


# ------------------------------------------------------------------ zero-copy in


def test_numpy_in_is_zero_copy(ex):
    a = np.arange(12.0).reshape(3, 4)
    assert ex.data_ptr(a) == a.ctypes.data
    assert ex.sum(a) == a.sum()
    a[1, 2] = 100.0  # a mutation after the call is seen by the next one
    assert ex.sum(a) == a.sum()


def test_tensorbridge_in_is_zero_copy(ex):
    t = tb.tensor([[1.0, 2.0], [3.0, 4.0]])
    n = t.numpy()
    assert ex.data_ptr(t) == n.ctypes.data
    n[0, 0] = 10.0
    assert ex.sum(t) == 19.0


def test_torch_in_is_zero_copy(ex):
    torch = pytest.importorskip("torch")
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    assert ex.data_ptr(x) == x.data_ptr()
    assert ex.data_ptr(x.t()) == x.data_ptr()
    assert ex.sum(x.t()) == 15.0
    x.add_(1)
    assert ex.sum(x) == 21.0
    out = ex.transpose(x)
    assert isinstance(out, tb.Tensor) and out.dtype == tb.float32
    np.testing.assert_array_equal(out.numpy(), x.numpy().T)
    out[0, 1] = -1.0  # writes through the returned view reach the torch tensor
    assert x[1, 0].item() == -1.0


def test_jax_in_is_zero_copy(ex):
    jnp = pytest.importorskip("jax.numpy")
    j = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)
    assert ex.data_ptr(j) == j.unsafe_buffer_pointer()
    assert ex.sum(j) == 15.0
    np.testing.assert_array_equal(ex.transpose(j).numpy(), np.asarray(j).T)


# ------------------------------------------------------------------ strides


@pytest.mark.parametrize(
    "view",
    [
        lambda a: a.T,
        lambda a: a[::2, ::-1],
        lambda a: a[:, 1::3],
        lambda a: a[::-1, ::-2].T,
        lambda a: np.broadcast_to(a[0], (5, a.shape[1])),
    ],
    ids=["T", "step-reverse", "columns", "negative-T", "broadcast"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.int64, np.uint8])
def test_strided_inputs(ex, view, dtype):
    base = np.arange(48).reshape(6, 8).astype(dtype)
    v = view(base)
    assert ex.sum(v) == pytest.approx(float(v.sum(dtype=np.float64)))
    if v.size:
        assert ex.data_ptr(v) == v.ctypes.data
    out = ex.transpose(v)
    np.testing.assert_array_equal(out.numpy(), v.T)
    assert out.strides == tuple(s // v.itemsize for s in v.T.strides)


# ------------------------------------------------------------------ results


@pytest.mark.parametrize("pair", DTYPES, ids=DTYPE_IDS)
def test_round_trip_keeps_dtype_and_shares(ex, pair):
    tdt, ndt = pair
    a = make_values(ndt, (2, 3))
    t = tb.from_numpy(a)
    out = ex.transpose(t)
    assert isinstance(out, tb.Tensor)
    assert out.dtype == tdt
    assert out.shape == (3, 2)
    assert tb.shares_memory(out, t)
    assert_same_bits(out, a.T)


def test_scale_returns_a_new_tensorbridge_tensor(ex):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)[:, ::-1]
    out = ex.scale(a, 2.5)
    assert isinstance(out, tb.Tensor)
    assert out.dtype == tb.float32 and out.shape == (2, 3)
    np.testing.assert_array_equal(out.numpy(), a * np.float32(2.5))
    assert not tb.shares_memory(out, tb.from_numpy(a))
    assert not out.is_readonly
    ints = ex.scale(np.array([1, 2, 3], dtype=np.int16), 0.5)
    assert ints.dtype == tb.float64
    np.testing.assert_array_equal(ints.numpy(), [0.5, 1.0, 1.5])


def test_returned_view_shares_with_numpy_input(ex):
    a = np.arange(6.0).reshape(2, 3)
    out = ex.transpose(a)
    assert np.shares_memory(np.from_dlpack(out), a)
    out[2, 1] = 42.0
    assert a[1, 2] == 42.0


def test_read_only_stays_read_only(ex):
    a = np.arange(6.0).reshape(2, 3)
    a.flags.writeable = False
    out = ex.transpose(a)
    assert out.is_readonly
    assert not np.from_dlpack(out).flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        out[0, 0] = 1.0
    # a read-only tensorbridge tensor too, and twice through the extension
    again = ex.transpose(ex.transpose(tb.from_numpy(a)))
    assert again.is_readonly
    assert not ex.scale(a, 1.0).is_readonly  # new memory is writeable


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "bad", [[1.0, 2.0], "abc", 3.0, None, {"a": 1}], ids=["list", "str", "float", "None", "dict"]
)
def test_bad_input_is_a_type_error(ex, bad):
    with pytest.raises(TypeError, match="supports DLPack.*numpy.asarray") as info:
        ex.sum(bad)
    assert type(bad).__name__ in str(info.value)
    assert any("'x'" in note for note in getattr(info.value, "__notes__", []))


def test_refused_export_is_a_buffer_error(ex):
    swapped = np.arange(4.0).astype(">f8")
    with pytest.raises(BufferError):
        ex.sum(swapped)


# ------------------------------------------------------------------ lifetimes


def test_output_outlives_numpy_input(ex):
    a = np.arange(6.0).reshape(2, 3)
    alive = weakref.ref(a)
    out = ex.transpose(a)
    del a
    gc.collect()
    assert alive() is not None  # the view keeps the array alive
    np.testing.assert_array_equal(out.numpy(), np.arange(6.0).reshape(2, 3).T)
    del out
    gc.collect()
    assert alive() is None  # and lets it go: every deleter ran once


def test_output_outlives_torch_input(ex):
    torch = pytest.importorskip("torch")
    x = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    alive = weakref.ref(x)
    out = ex.transpose(x)
    del x
    gc.collect()
    assert out.numpy().sum() == 15.0
    del out
    gc.collect()
    assert alive() is None


def test_views_of_output_outlive_it(ex):
    a = np.arange(6.0)
    scaled = ex.scale(a, 3.0)
    arr = scaled.numpy()
    back = ex.transpose(scaled)  # Rust-owned memory, out and in again
    del scaled, a
    gc.collect()
    np.testing.assert_array_equal(arr, np.arange(6.0) * 3)
    np.testing.assert_array_equal(back.numpy(), np.arange(6.0) * 3)
    assert ex.data_ptr(back) == arr.ctypes.data
