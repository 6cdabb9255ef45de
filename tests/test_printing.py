"""SPEC §3 printing: repr(t) is PyTorch's repr of the same data with "torch."
replaced by "tensorbridge." (torch is the oracle here)."""

import numpy as np
import pytest
import torch

import tensorbridge as tb
from conftest import BF16, DTYPES, DTYPE_IDS, make_values


def torch_of(a: np.ndarray) -> torch.Tensor:
    if a.dtype == BF16:
        return torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
    return torch.from_numpy(np.array(a, order="C", copy=True))


def check(a: np.ndarray, t=None):
    expected = repr(torch_of(a)).replace("torch.", "tensorbridge.")
    if t is None:
        t = tb.tensor(a)
    assert repr(t) == expected
    assert str(t) == str(torch_of(a)).replace("torch.", "tensorbridge.")


rng = np.random.default_rng(1234)

FLOAT_CASES = {
    "small-2d": np.arange(6.0, dtype=np.float32).reshape(2, 3),
    "int-mode": np.array([1.0, -2.0, 300.0], dtype=np.float32),
    "int-mode-large": np.array([1.0, 1e8, 2.0], dtype=np.float32),
    "int-mode-huge": np.array([1.0, 1e9], dtype=np.float32),
    "fraction": np.array([0.5, 1.25, -3.125], dtype=np.float32),
    "precision": np.array([1.0 / 3, 2.0 / 3, 12345.678], dtype=np.float32),
    "sci-small": np.array([1e-8, 1.0, 1e8], dtype=np.float32),
    "sci-tiny": np.array([1e-5, 2e-5], dtype=np.float32),
    "sci-ratio": np.array([0.001, 1000.5], dtype=np.float32),
    "no-sci": np.array([0.01, 99.5], dtype=np.float32),
    "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.5], dtype=np.float32),
    "only-nan": np.array([np.nan, np.nan], dtype=np.float32),
    "only-inf": np.array([np.inf, -np.inf], dtype=np.float32),
    "neg-zero": np.array([-0.0, 0.0, 1.0], dtype=np.float32),
    "zeros": np.zeros((2, 2), dtype=np.float32),
    "random-normal": rng.standard_normal((4, 5)).astype(np.float32),
    "random-large": (rng.standard_normal((3, 3)) * 1e6).astype(np.float32),
    "random-small": (rng.standard_normal((3, 3)) * 1e-6).astype(np.float32),
    "3d": rng.standard_normal((2, 3, 4)).astype(np.float32),
    "4d": np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4),
    "float64": np.array([0.1, 0.2, 1e10]),
    "float64-int": np.array([1.0, 2.0]),
    "float16": np.array([0.5, 1.5, 65504.0], dtype=np.float16),
    "float16-sci": np.array([6e-5, 100.0], dtype=np.float16),
    "bfloat16": np.array([1.5, -2.25, 3e5], dtype=BF16),
    "wide-row": rng.standard_normal((2, 30)).astype(np.float32),
}


@pytest.mark.parametrize("name", list(FLOAT_CASES))
def test_float_repr(name):
    check(FLOAT_CASES[name])


SUMMARY_CASES = {
    "1d-1001": np.arange(1001, dtype=np.float32),
    "1d-1000": np.arange(1000, dtype=np.float32),
    "1d-int": np.arange(5000, dtype=np.int64),
    "2d": np.arange(2000, dtype=np.float32).reshape(40, 50),
    "2d-tall": np.arange(3000, dtype=np.int32).reshape(1000, 3),
    "3d": rng.standard_normal((10, 11, 12)).astype(np.float32),
    "sci": (rng.standard_normal(2000) * 1e9).astype(np.float32),
    "bool": rng.integers(0, 2, 1500).astype(bool),
    "complex": (rng.standard_normal(1200) + 1j).astype(np.complex64),
    "edge-values-hidden": np.concatenate([np.ones(600), [1e-9], np.ones(600)]).astype(np.float32),
}


@pytest.mark.parametrize("name", list(SUMMARY_CASES))
def test_summarised_repr(name):
    check(SUMMARY_CASES[name])


INT_CASES = {
    "int64": np.array([1, -2, 300]),
    "int64-extremes": np.array([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max]),
    "int32": np.array([[1, 2], [3, 40000]], dtype=np.int32),
    "int16": np.array([-5, 5], dtype=np.int16),
    "int8": np.array([-128, 127], dtype=np.int8),
    "uint8": np.array([0, 255], dtype=np.uint8),
    "uint16": np.array([0, 65535], dtype=np.uint16),
    "uint32": np.array([0, 2**32 - 1], dtype=np.uint32),
    "uint64": np.array([0, 2**63 - 1], dtype=np.uint64),
}


@pytest.mark.parametrize("name", list(INT_CASES))
def test_int_repr(name):
    check(INT_CASES[name])


BOOL_COMPLEX_CASES = {
    "bool": np.array([True, False, True]),
    "bool-2d": np.array([[True], [False]]),
    "complex64": np.array([1 + 2j, 3 - 1j], dtype=np.complex64),
    "complex64-frac": np.array([0.5 + 0.25j, -1.125 - 3j], dtype=np.complex64),
    "complex64-sci": np.array([1e-8 + 1j, 1e8 - 1j], dtype=np.complex64),
    "complex-nan": np.array([complex(np.nan, 1), complex(1, np.inf)], dtype=np.complex64),
    "complex128": np.array([1 + 1j, 2.5 - 0.5j]),
    "complex-2d": (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(
        np.complex64
    ),
}


@pytest.mark.parametrize("name", list(BOOL_COMPLEX_CASES))
def test_bool_complex_repr(name):
    check(BOOL_COMPLEX_CASES[name])


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_zero_dim_repr_every_dtype(tbd, ndt):
    a = make_values(ndt, (4,), seed=11, special=False)[3:4].reshape(())
    check(a)


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3, 1)], ids=str)
def test_empty_repr_every_dtype(tbd, ndt, shape):
    check(np.zeros(shape, dtype=ndt))


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_small_repr_every_dtype(tbd, ndt):
    check(make_values(ndt, (2, 3), seed=12, special=False))


@pytest.mark.parametrize("tbd,ndt", DTYPES, ids=DTYPE_IDS)
def test_special_values_repr_every_dtype(tbd, ndt):
    check(make_values(ndt, (12,), seed=13, special=True))


def test_views_print_their_values():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    t = tb.from_numpy(a)
    check(a[:, ::-1, 1::2], t[:, ::-1, 1::2])
    check(a.transpose(2, 0, 1), t.permute(2, 0, 1))
    check(np.broadcast_to(a[:1], (3, 3, 4)), t[:1].expand(3, 3, 4))


def test_readonly_and_shared_print_like_owned():
    a = np.array([1.5, 2.5])
    a.flags.writeable = False
    check(a, tb.from_numpy(a))
