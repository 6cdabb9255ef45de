"""SPEC §5: CUDA tensors, host<->device copies and GPU DLPack exchange.

The first half runs everywhere: without CUDA, every request for a GPU
tensor fails with a RuntimeError that says so, and nothing pretends to work.
The second half needs a GPU (``scripts/gpu_check.sh`` runs it on one) and
skips elsewhere. It follows the seed tutorial's GPU rules: a CUDA tensor is
never a NumPy array without a copy, ``.cpu()`` makes that copy, and the copy
shares nothing with the GPU tensor.
"""

from __future__ import annotations

import gc
import pickle
import weakref
from types import SimpleNamespace

import numpy as np
import pytest
import tensorbridge as tb
from conftest import DTYPE_IDS, DTYPES

HAS_CUDA = tb.cuda.is_available()
needs_cuda = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA device")
without_cuda = pytest.mark.skipif(HAS_CUDA, reason="CUDA is available here")


# ----------------------------------------------------------- without CUDA


@without_cuda
def test_queries_without_cuda():
    assert tb.cuda.is_available() is False
    assert tb.cuda.device_count() == 0
    reason = tb.cuda.unavailable_reason()
    assert isinstance(reason, str) and reason
    assert tb.cuda.memory_allocated() == 0
    assert tb.cuda.memory_reserved() == 0
    assert tb.cuda.max_memory_allocated() == 0
    tb.cuda.empty_cache()  # no-ops, as in PyTorch
    tb.cuda.synchronize()
    with pytest.raises(RuntimeError, match="needs CUDA"):
        tb.cuda.get_device_name()


@without_cuda
@pytest.mark.parametrize(
    "request_",
    [
        lambda t: t.cuda(),
        lambda t: t.cuda(0, non_blocking=True),
        lambda t: t.to("cuda:0"),
        lambda t: t.to_device("cuda"),
        lambda t: t.astype(tb.float64, device="cuda"),
        lambda t: t.pin_memory(),
        lambda t: tb.tensor(t, device="cuda"),
        lambda t: tb.tensor([1.0], pin_memory=True),
        lambda t: tb.empty(3, pin_memory=True),
        lambda t: tb.zeros(3, device="cuda"),
        lambda t: tb.full((2,), 7, device="cuda"),
        lambda t: tb.zeros_like(t, device="cuda"),
        lambda t: tb.arange(3, device="cuda"),
        lambda t: tb.asarray(np.ones(2), device="cuda"),
        lambda t: tb.from_dlpack(np.ones(2), device="cuda"),
    ],
)
def test_every_cuda_request_says_cuda_is_unavailable(request_):
    t = tb.tensor([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match=r"needs CUDA, which is not available here .*is_available\(\) is False"
    ):
        request_(t)


@without_cuda
def test_host_tensors_stay_where_they_are():
    t = tb.tensor([1.0, 2.0])
    assert t.cpu() is t and t.to("cpu") is t and t.to_device("cpu") is t
    assert t.is_pinned() is False and t.is_cuda is False
    a = t.numpy(force=True)
    assert np.shares_memory(a, t.numpy())


def test_cuda_argument_errors():
    t = tb.tensor([1.0])
    with pytest.raises(ValueError, match=r"use \.cpu\(\)"):
        t.cuda("cpu")
    with pytest.raises(ValueError, match="stream=None"):
        t.to_device("cpu", stream=5)
    with pytest.raises(ValueError, match="copy=False cannot be honoured"):
        tb.asarray(np.ones(2), device="cuda", copy=False)
    with pytest.raises(ValueError, match="pin_memory=True is for host tensors"):
        tb.zeros(2, device="cuda", pin_memory=True)


# ------------------------------------------------------------ with a GPU


def _host_array(dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, size=int(np.prod(shape)) * dtype.itemsize, dtype=np.uint8)
    if dtype == np.bool_:
        raw &= 1  # only 0 and 1 are booleans
    return raw.view(dtype).reshape(shape)


@needs_cuda
@pytest.mark.parametrize("np_dtype", [n for _, n in DTYPES], ids=DTYPE_IDS)
def test_round_trip_is_bit_exact_for_every_dtype(np_dtype):
    a = _host_array(np_dtype)
    g = tb.tensor(a, device="cuda")
    assert g.device == tb.device("cuda:0") and g.is_cuda and str(g.device) == "cuda:0"
    back = g.cpu()
    assert back.device == tb.device("cpu")
    assert back.numpy().tobytes() == a.tobytes()
    assert back.numpy().dtype == a.dtype


@needs_cuda
@pytest.mark.parametrize("nbytes", [0, 1, 4096, (8 << 20) - 4, (8 << 20) + 4, (40 << 20) + 12])
def test_transfers_of_every_size_cross_the_staging_chunks(nbytes):
    a = np.random.default_rng(1).integers(0, 256, size=nbytes, dtype=np.uint8)
    g = tb.from_numpy(a).cuda()
    assert g.shape == (nbytes,)
    assert np.array_equal(g.cpu().numpy(), a)
    assert np.array_equal(g.numpy(force=True), a)


@needs_cuda
def test_copies_share_nothing():
    a = np.arange(6.0).reshape(2, 3)
    g = tb.from_numpy(a).cuda()
    a[0, 0] = 100.0  # the source changes after the copy
    h = g.cpu()
    assert h.numpy()[0, 0] == 0.0
    assert not np.shares_memory(h.numpy(), a)
    h2 = g.cpu()
    assert not np.shares_memory(h.numpy(), h2.numpy())  # each .cpu() is a new copy
    assert tb.tensor(g, device="cuda").data_ptr() != g.data_ptr()  # tensor() always copies


@needs_cuda
def test_numpy_needs_an_explicit_copy():
    g = tb.zeros(3, device="cuda")
    with pytest.raises(TypeError, match=r"\.cpu\(\)"):
        g.numpy()
    with pytest.raises((TypeError, BufferError, ValueError)):
        np.asarray(g)
    with pytest.raises((TypeError, BufferError, ValueError)):
        memoryview(g)
    assert np.array_equal(g.numpy(force=True), np.zeros(3, np.float32))


@needs_cuda
def test_printing_and_python_values_copy_to_the_host():
    g = tb.tensor([[1.5, 2.0]], device="cuda")
    assert repr(g).endswith("device='cuda:0')")
    assert g.tolist() == [[1.5, 2.0]]
    assert g[0, 1].item() == 2.0
    assert float(g[0, 0]) == 1.5


@needs_cuda
def test_dense_views_keep_their_strides_and_others_become_contiguous():
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    g = tb.from_numpy(a.T).cuda()
    assert g.shape == (4, 3) and g.stride() == (1, 4)  # transposed, as PyTorch keeps it
    assert np.array_equal(g.cpu().numpy(), a.T)
    for view in (a[:, ::2], a[::-1], np.broadcast_to(a[0], (5, 4))):
        g = tb.from_numpy(view).cuda()
        assert np.array_equal(g.cpu().numpy(), view)
    gv = tb.from_numpy(a).cuda()[:, 1::2]  # a strided view of a GPU tensor
    assert np.array_equal(gv.cpu().numpy(), a[:, 1::2])
    assert gv.cpu().is_contiguous()


@needs_cuda
def test_empty_and_zero_d():
    for a in (np.zeros((0, 3), np.float32), np.array(3.5)):
        g = tb.from_numpy(a).cuda()
        assert g.shape == a.shape
        assert np.array_equal(g.cpu().numpy(), a)


@needs_cuda
def test_creation_on_the_device():
    assert np.array_equal(
        tb.zeros((2, 3), device="cuda").cpu().numpy(), np.zeros((2, 3), np.float32)
    )
    assert np.array_equal(
        tb.ones(5, dtype=tb.int64, device="cuda").cpu().numpy(), np.ones(5, np.int64)
    )
    big = tb.full((1 << 20) + 3, 2.5, dtype=tb.float64, device="cuda")
    assert np.array_equal(big.cpu().numpy(), np.full((1 << 20) + 3, 2.5))
    assert np.array_equal(tb.arange(5, device="cuda").cpu().numpy(), np.arange(5))
    x = tb.tensor([1, 2], device="cuda")
    assert tb.zeros_like(x).device == x.device
    assert tb.full_like(x, 7).cpu().tolist() == [7, 7]


@needs_cuda
def test_to_with_dtype_and_device():
    t = tb.tensor([1, 2, 3])
    g = t.to("cuda", tb.float64)
    assert g.dtype == tb.float64 and g.is_cuda
    h = g.to("cpu", dtype=tb.int32)
    assert h.dtype == tb.int32 and h.tolist() == [1, 2, 3]
    assert g.to("cuda") is g and g.cuda() is g


@needs_cuda
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum", "minimum",
                                  "equal", "not_equal", "less", "less_equal", "greater",
                                  "greater_equal"])  # fmt: skip
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("int32", "int64"), ("float16", "float64"),
                                    ("uint8", "int8"), ("complex64", "float64"), ("bool", "bool")])  # fmt: skip
def test_binary_kernels_match_numpy(name, dtypes):
    rng = np.random.default_rng(3)
    a = (rng.standard_normal((3, 1, 5)) * 20).astype(dtypes[0])
    b = (rng.standard_normal((4, 5)) * 20).astype(dtypes[1])
    if np.dtype(dtypes[0]).kind == "c" and name not in ("add", "subtract", "multiply", "divide",
                                                        "equal", "not_equal"):  # fmt: skip
        return
    if name == "subtract" and dtypes == ("bool", "bool"):
        return
    if name == "divide":
        b = np.where(b == 0, 1, b).astype(b.dtype)
    host = getattr(tb, name)(tb.asarray(a), tb.asarray(b))
    gpu = getattr(tb, name)(tb.asarray(a).cuda(), tb.asarray(b).T.cuda().T)
    assert gpu.is_cuda and gpu.dtype == host.dtype and gpu.shape == host.shape
    np.testing.assert_allclose(
        gpu.cpu().numpy(), host.numpy(), rtol=1e-6 if name == "divide" else 0
    )


@needs_cuda
@pytest.mark.parametrize("signed", [np.int8, np.int64])
@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"])
def test_uint64_compares_exactly_with_signed_integers_on_the_gpu(signed, name):
    # As on the CPU: on uint64 bits with the signed side's sign first, not
    # in float64, which says 2^63 == 2^63 - 1.
    u = np.array([0, 1, 2**53 + 1, 2**63, 2**63 + 1, 2**64 - 1, 127, 128], dtype=np.uint64)
    info = np.iinfo(signed)
    s = np.clip(np.array([0, -1, 2**53, 2**63 - 1, info.min, info.max, 127, -128]), info.min, info.max).astype(signed)
    for x, y in [(u[:, None], s[None, :]), (s[:, None], u[None, :])]:
        got = getattr(tb, name)(tb.asarray(x).cuda(), tb.asarray(y).cuda())
        assert got.is_cuda and got.dtype == tb.bool
        np.testing.assert_array_equal(got.cpu().numpy(), getattr(np, name)(x, y))


@needs_cuda
def test_operators_scalars_and_unary_kernels():
    a = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    g = tb.from_numpy(a).cuda()
    np.testing.assert_array_equal((g * 2 + 1).cpu().numpy(), a * 2 + 1)
    np.testing.assert_array_equal((-g).cpu().numpy(), -a)
    np.testing.assert_array_equal(abs(g).cpu().numpy(), abs(a))
    np.testing.assert_allclose(tb.exp(g).cpu().numpy(), np.exp(a), rtol=1e-6)
    np.testing.assert_allclose(tb.sqrt(abs(g)).cpu().numpy(), np.sqrt(abs(a)), rtol=1e-6)
    assert (g > 0).dtype == tb.bool
    big = tb.tensor([2**31 - 1], dtype=tb.int32, device="cuda")
    assert (big + 1).cpu().tolist() == [-(2**31)]  # wraps, as NumPy does


@needs_cuda
def test_casts_and_contiguous_copies_on_the_gpu():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 11.5
    g = tb.from_numpy(a).cuda()
    for name, np_dtype in DTYPES:
        if np_dtype == np.bool_:
            continue
        host = tb.from_numpy(a).astype(name)
        on_gpu = g.astype(name)
        assert on_gpu.is_cuda
        assert on_gpu.cpu().numpy().tobytes() == host.numpy().tobytes(), name
    t = g.permute_dims((2, 0, 1)) if hasattr(g, "permute_dims") else g.T
    c = t.contiguous()
    assert c.is_cuda and c.is_contiguous()
    np.testing.assert_array_equal(c.cpu().numpy(), t.cpu().numpy())


@needs_cuda
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "float16"])
def test_matmul_through_cublas(dtype):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((2, 5, 7)).astype(dtype)
    b = rng.standard_normal((7, 3)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(a.shape).astype(dtype)
    want = (a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64) @ b).astype(
        dtype
    )
    ga, gb = tb.from_numpy(a).cuda(), tb.from_numpy(b).cuda()
    tol = 1e-2 if dtype == "float16" else 1e-5
    np.testing.assert_allclose((ga @ gb).cpu().numpy(), want, rtol=tol, atol=tol)
    # Transposed operands go to cuBLAS without a copy.
    at = tb.from_numpy(np.ascontiguousarray(np.swapaxes(a, -1, -2))).cuda()
    np.testing.assert_allclose((at.mT @ gb).cpu().numpy(), want, rtol=tol, atol=tol)
    v = tb.from_numpy(b[:, 0]).cuda()
    np.testing.assert_allclose((ga @ v).cpu().numpy(), want[..., 0], rtol=tol, atol=tol)


@needs_cuda
def test_what_has_no_gpu_kernel_says_so_and_never_moves_data():
    g = tb.ones(3, device="cuda")
    for op in (lambda: g.sum(), lambda: tb.sort(g), lambda: tb.cumulative_sum(g),
               lambda: tb.ones((2, 2), dtype=tb.int32, device="cuda") @ tb.ones((2, 2), dtype=tb.int32, device="cuda")):  # fmt: skip
        with pytest.raises(RuntimeError, match="cuda:0"):
            op()
    with pytest.raises(RuntimeError, match="same device"):
        g + tb.ones(3)


@needs_cuda
def test_writes_into_gpu_tensors():
    a = np.arange(12.0).reshape(3, 4)
    g = tb.from_numpy(a).cuda()
    g[0] = 7.0  # fill_ of a view
    g[1:, ::2] = tb.tensor([[1.0, 2.0]])  # copy_ from the host, broadcast
    g += 1  # in place: computed on the GPU, cast back into g
    want = a.copy()
    want[0] = 7.0
    want[1:, ::2] = [[1.0, 2.0]]
    want += 1
    np.testing.assert_array_equal(g.cpu().numpy(), want)
    h = tb.zeros((3, 4), dtype=tb.float64)
    h.copy_(g)  # a GPU tensor into host memory
    np.testing.assert_array_equal(h.numpy(), want)
    g.T.copy_(g.T.contiguous() * 0 + 5)  # strided destination
    assert g.cpu().numpy().tolist() == [[5.0] * 4] * 3


@needs_cuda
def test_cuda_array_interface():
    g = tb.arange(6, dtype=tb.float32, device="cuda").reshape(2, 3)
    cai = g.__cuda_array_interface__
    assert cai["shape"] == (2, 3) and cai["typestr"] == "<f4" and cai["version"] == 3
    assert cai["data"] == (g.data_ptr(), False) and cai["strides"] is None
    assert g.T.__cuda_array_interface__["strides"] == (4, 12)
    assert not hasattr(tb.ones(2), "__cuda_array_interface__")
    torch = pytest.importorskip("torch")
    pt = torch.as_tensor(g, device="cuda")
    assert pt.data_ptr() == g.data_ptr()


@needs_cuda
def test_pinned_memory_and_non_blocking_copies():
    p = tb.empty(1 << 20, pin_memory=True)
    assert p.is_pinned() and not p.is_cuda
    src = tb.arange(1 << 20, dtype=tb.float32).pin_memory()
    assert src.is_pinned() and src.pin_memory() is src
    g = src.cuda(non_blocking=True)
    del src  # the copy in flight keeps its source alive
    gc.collect()
    back = g.to("cpu", non_blocking=True)
    assert back.is_pinned()
    tb.cuda.synchronize()
    assert np.array_equal(back.numpy(), np.arange(1 << 20, dtype=np.float32))
    assert tb.tensor([1.0], pin_memory=True).is_pinned()


@needs_cuda
def test_caching_allocator_counts_and_reuses():
    tb.cuda.synchronize()
    base = tb.cuda.memory_allocated()
    g = tb.empty(1 << 20, device="cuda")  # 4 MiB
    ptr = g.data_ptr()
    assert tb.cuda.memory_allocated() >= base + (4 << 20)
    del g
    gc.collect()
    assert tb.cuda.memory_allocated() == base
    reserved = tb.cuda.memory_reserved()
    assert reserved >= base + (4 << 20)  # kept for reuse
    again = tb.empty(1 << 20, device="cuda")
    assert again.data_ptr() == ptr  # the freed block came back
    del again
    gc.collect()
    tb.cuda.empty_cache()
    assert tb.cuda.memory_reserved() < reserved
    assert tb.cuda.max_memory_allocated() >= base + (4 << 20)


@needs_cuda
def test_out_of_memory_is_a_clear_error():
    with pytest.raises(RuntimeError, match="CUDA out of memory"):
        tb.empty(1 << 50, dtype=tb.uint8, device="cuda")


@needs_cuda
def test_pickle_round_trip_comes_back_on_the_gpu():
    g = tb.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
    for protocol in (2, 5):
        back = pickle.loads(pickle.dumps(g, protocol=protocol))
        assert back.is_cuda and back.tolist() == g.tolist()


@needs_cuda
def test_device_name():
    name = tb.cuda.get_device_name()
    assert isinstance(name, str) and name
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        assert name == torch.cuda.get_device_name(0)


@needs_cuda
def test_missing_ordinal_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not exist"):
        tb.zeros(1, device=f"cuda:{tb.cuda.device_count()}")


class _ArrayLike:
    """What the hand-built DLPack producer reads of an array, over any
    address: a GPU tensor's memory, or memory that is gone."""

    def __init__(self, g, address=None):
        self.shape, self.itemsize = g.shape, g.itemsize
        self.strides = tuple(s * g.itemsize for s in g.stride())
        self.dtype = np.dtype(g.dtype.name)
        self.ctypes = SimpleNamespace(data=g.data_ptr() if address is None else address)


@needs_cuda
def test_a_capsule_on_the_gpu_must_point_at_the_gpus_memory():
    from dlpack_structs import Producer

    g = tb.arange(12, dtype=tb.float32, device="cuda").reshape(3, 4)
    p = Producer(_ArrayLike(g), device=(2, 0))
    t = tb.from_dlpack(p.capsule())  # a well-formed GPU capsule: zero-copy
    assert t.is_cuda and t.data_ptr() == g.data_ptr()
    assert t.cpu().tolist() == g.cpu().tolist()
    # Host memory that says it is on the GPU: refused, the deleter runs once.
    host = np.arange(12, dtype=np.float32)
    p = Producer(host, device=(2, 0))
    with pytest.raises(BufferError, match="does not know its data pointer"):
        tb.from_dlpack(p.capsule())
    assert p.calls == 1
    # Device memory given back to the driver is no longer the GPU's.
    small = tb.empty(4, device="cuda")
    gone = tb.empty(1 << 22, device="cuda")
    address = gone.data_ptr()
    del gone
    gc.collect()
    tb.cuda.empty_cache()
    p = Producer(_ArrayLike(small, address), device=(2, 0))
    with pytest.raises(BufferError, match="does not know its data pointer"):
        tb.from_dlpack(p.capsule())


# ----------------------------------------------- GPU DLPack with PyTorch


def _torch_cuda():
    torch = pytest.importorskip("torch")
    if not (HAS_CUDA and torch.cuda.is_available()):
        pytest.skip("no CUDA device")
    return torch


def test_torch_reads_our_gpu_memory_zero_copy():
    torch = _torch_cuda()
    g = tb.arange(6, dtype=tb.float32, device="cuda")
    pt = torch.from_dlpack(g)
    assert pt.device.type == "cuda" and pt.data_ptr() == g.data_ptr()
    pt.mul_(2)  # PyTorch writes, tensorbridge sees it
    torch.cuda.synchronize()
    assert g.cpu().tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    owner = weakref.ref(g)
    del g
    gc.collect()
    assert pt.cpu().tolist()[1] == 2.0  # the export keeps the memory alive
    del pt
    gc.collect()
    assert owner() is None


def test_we_read_torch_gpu_memory_zero_copy():
    torch = _torch_cuda()
    pt = torch.arange(8, dtype=torch.int64, device="cuda").reshape(2, 4)
    g = tb.from_dlpack(pt)
    assert g.is_cuda and g.data_ptr() == pt.data_ptr() and g.shape == (2, 4)
    pt.add_(1)
    assert g.cpu().tolist() == (torch.arange(8).reshape(2, 4) + 1).tolist()
    t_view = tb.from_dlpack(pt.t())
    assert t_view.stride() == (1, 4)
    del pt
    gc.collect()
    assert g.cpu().tolist()[0] == [1, 2, 3, 4]  # we keep PyTorch's memory alive


def test_torch_on_its_own_stream_sees_our_writes():
    torch = _torch_cuda()
    g = tb.full((1 << 22,), 3.0, device="cuda")
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        pt = torch.from_dlpack(g)  # passes s to __dlpack__, which orders our work first
        total = pt.sum()
    s.synchronize()
    assert total.item() == 3.0 * (1 << 22)
    with pytest.raises(ValueError, match="stream=0"):
        g.__dlpack__(stream=0)


@needs_cuda
def test_dlpack_to_the_host_copies_only_when_allowed():
    g = tb.arange(4.0, dtype=tb.float64, device="cuda")
    assert g.__dlpack_device__() == (2, 0)
    a = np.from_dlpack(g, device="cpu", copy=True)
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(BufferError, match="DLPack device"):
        g.__dlpack__(max_version=(1, 0), dl_device=(1, 0), copy=False)
    with pytest.raises((BufferError, TypeError, RuntimeError)):
        np.from_dlpack(g)  # NumPy holds host memory only


# ------------------------------------------------- GPU DLPack with CuPy and JAX


@needs_cuda
def test_cupy_exchange_is_zero_copy_both_ways():
    cp = pytest.importorskip("cupy")
    g = tb.arange(6, dtype=tb.float32, device="cuda")
    c = cp.from_dlpack(g)
    assert c.data.ptr == g.data_ptr()
    c *= 3  # CuPy writes on its stream; __dlpack__ ordered ours before it
    cp.cuda.runtime.deviceSynchronize()
    assert g.cpu().tolist() == [0.0, 3.0, 6.0, 9.0, 12.0, 15.0]
    c2 = cp.asarray(g)  # through __cuda_array_interface__
    assert c2.data.ptr == g.data_ptr()
    x = cp.arange(10, dtype=cp.int32).reshape(2, 5)[:, ::2]
    t = tb.from_dlpack(x)
    assert t.is_cuda and t.data_ptr() == x.data.ptr and t.stride() == (5, 2)
    assert t.cpu().tolist() == cp.asnumpy(x).tolist()


@needs_cuda
def test_jax_exchange():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    if not any(d.platform == "gpu" for d in jax.devices()):
        pytest.skip("JAX sees no GPU")
    g = tb.arange(8, dtype=tb.float32, device="cuda")
    j = jnp.from_dlpack(g)
    assert np.asarray(j).tolist() == list(range(8))
    x = jnp.arange(5, dtype=jnp.int64) * 2 if jax.config.jax_enable_x64 else jnp.arange(5) * 2
    t = tb.from_dlpack(x)
    assert t.is_cuda and t.cpu().tolist() == [0, 2, 4, 6, 8]
