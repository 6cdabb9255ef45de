"""The Python Array API standard's linear algebra extension.

``tensorbridge.linalg`` holds the extension's 23 functions: the four the
main namespace shares (``matmul``, ``matrix_transpose``, ``tensordot``,
``vecdot``, the very same objects) and the factorizations, norms and
matrix functions computed in the Rust core (faer for the factorizations).
Every function works on stacks of matrices ``(..., M, N)``; results are new
tensors except ``diagonal``, a view that shares the input's memory.

Dtypes: float32, float64, complex64 and complex128 compute in themselves,
float16 and bfloat16 in float32 (results rounded back), integers and bool
in float64 (as NumPy's ``linalg``). Eigenvalues, singular values and norms
of complex input are real. A matrix a factorization cannot take raises
``LinAlgError``, a ``ValueError`` as NumPy's is.
"""

from collections import namedtuple

from . import _core
from ._core import (
    LinAlgError,
    cholesky,
    cross,
    det,
    diagonal,
    eigvalsh,
    inv,
    matmul,
    matrix_norm,
    matrix_power,
    matrix_rank,
    matrix_transpose,
    outer,
    pinv,
    solve,
    svdvals,
    tensordot,
    trace,
    vecdot,
    vector_norm,
)

LinAlgError.__module__ = __name__

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
EighResult.__module__ = __name__
QRResult = namedtuple("QRResult", ["Q", "R"])
QRResult.__module__ = __name__
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
SlogdetResult.__module__ = __name__
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])
SVDResult.__module__ = __name__


def eigh(x, /):
    """The eigenvalues (ascending, real) and eigenvectors (as columns) of
    each Hermitian matrix, read from its lower triangle."""
    return EighResult(*_core.eigh(x))


def qr(x, /, *, mode="reduced"):
    """``(Q, R)`` with ``x = Q @ R`` for each matrix: ``mode='reduced'``
    gives ``(..., M, K)`` and ``(..., K, N)``, ``'complete'`` ``(..., M, M)``
    and ``(..., M, N)``, ``K = min(M, N)``."""
    return QRResult(*_core.qr(x, mode=mode))


def slogdet(x, /):
    """``(sign, logabsdet)`` of each determinant; ``(0, -inf)`` for a
    singular matrix."""
    return SlogdetResult(*_core.slogdet(x))


def svd(x, /, *, full_matrices=True):
    """``(U, S, Vh)`` with ``x = U @ diag(S) @ Vh`` for each matrix, ``S``
    descending."""
    return SVDResult(*_core.svd(x, full_matrices=full_matrices))


__all__ = [
    "EighResult",
    "LinAlgError",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "matrix_transpose",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "trace",
    "vecdot",
    "vector_norm",
]
