"""The linear algebra extension (``tb.linalg``, Array API 2024.12) against
NumPy as the oracle: every function of the extension over float32, float64,
complex64 and complex128 (float16/bfloat16 computed in float32, integer and
bool input giving float64), stacks of matrices whose batch dimensions
broadcast, transposed (.mT), negatively strided, Fortran-ordered and gapped
NumPy views, 0x0 matrices and empty stacks, NaN input, the LinAlgError cases
and bad input.

Decompositions are not unique: eigenvectors, singular vectors and the
columns of Q may differ from NumPy's by a sign (a phase, for complex), and a
repeated eigenvalue's vectors by any orthonormal basis of its space. So they
are checked by their defining properties (Q has orthonormal columns and
Q @ R == x; U @ diag(S) @ Vh == x with U and Vh orthonormal; A @ V == V * w;
L @ L^H == x; inv(x) @ x == I; x1 @ solve(x1, x2) == x2), and only what is
unique (determinants, eigenvalues, singular values, norms, pinv, rank, the
Cholesky factor with its positive diagonal) is compared with NumPy's.

Floats are compared within tol = 64 * eps(computation dtype) * scale
relative to the largest magnitude involved, where scale grows with the size
and, where rounding errors are amplified by it, with the condition number;
float16/bfloat16 results add a rounding in their own dtype. Integer results
(cross, outer, trace, matrix_power) must equal NumPy's bit for bit,
wrapping on overflow as NumPy's do. Two oracles are not NumPy's defaults:
pinv is compared with np.linalg.pinv(x, rtol=None), the standard's
max(M, N) * eps (NumPy's own default cutoff is 1e-15), and vector_norm must
neither overflow nor underflow where NumPy's does (float32 [1e30, 1e30]).
"""

import inspect

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import tensorbridge as tb
from conftest import BF16, DTYPES, TB_OF, assert_same_bits, examples, make_values

SETTINGS = settings(max_examples=examples(60), deadline=None)

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
C64, C128, INT64 = np.dtype(np.complex64), np.dtype(np.complex128), np.dtype(np.int64)
FLOATS = [F32, F64, C64, C128]
HALF = (F16, BF16)
EPS = {F16: 2.0**-10, BF16: 2.0**-7, F32: 2.0**-23, F64: 2.0**-52}
LAYOUTS = ("C", "F", "mT", "reversed", "gapped")
layouts = st.sampled_from(LAYOUTS)


# ---------------------------------------------------------------- helpers

def out_dtype(ndt):
    """A decomposition's or norm's result dtype: integer and bool give float64."""
    return ndt if ndt in FLOATS or ndt in HALF else F64


def real_dtype(ndt):
    """The dtype of eigenvalues, singular values and norms for input `ndt`."""
    return {C64: F32, C128: F64}.get(out_dtype(ndt), out_dtype(ndt))


def sum_dtype(ndt):
    """tb.sum's result dtype (and so trace's)."""
    return INT64 if ndt.kind in "bi" else np.dtype(np.uint64) if ndt.kind == "u" else ndt


def tol(ndt, scale=1.0):
    """The relative tolerance for a result computed from `ndt` input."""
    out = real_dtype(ndt)
    if out in HALF:
        return 64 * EPS[F32] * scale + 4 * EPS[out]
    return 64 * EPS[out] * scale


def wide(a):
    """A tensor's or array's values in float64 or complex128 (exact for every dtype)."""
    a = a.numpy() if isinstance(a, tb.Tensor) else np.asarray(a)
    if a.dtype == BF16:
        a = a.astype(np.float32)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def mH(a):
    """The conjugate transpose of each matrix of a stack."""
    return np.conj(np.swapaxes(a, -1, -2))


def eye_like(a, k):
    """A stack of k x k identities with `a`'s batch shape."""
    return np.broadcast_to(np.eye(k), a.shape[:-2] + (k, k))


def assert_close(got, want, ndt, scale=1.0, mag=None):
    """`got` has `want`'s shape, and its values within tol(ndt, scale) relative
    to each value and to `mag` (default: want's largest magnitude)."""
    want = wide(want)
    t = tol(ndt, scale)
    if not np.isfinite(t):
        return  # too ill-conditioned for the values to mean anything
    mag = np.max(np.abs(want), initial=0.0) if mag is None else mag
    got = wide(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=t, atol=t * mag)


def cond(a):
    """The largest 2-norm condition number in a stack (1 if it is empty)."""
    a = wide(a)
    if a.size == 0:
        return 1.0
    s = np.linalg.svd(a, compute_uv=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(s[..., 0] / s[..., -1]))


def sample(shape, ndt, seed, kind="random"):
    """Values of dtype `ndt` of `shape`: 'random' is N(0, 1) (integers in
    [-2, 2] for integer dtypes); 'conditioned' adds 3k to the diagonal of the
    leading k x k block (k = min(M, N)), which keeps condition numbers small;
    'posdef' is G @ G^H + N * I from G in {-1, 0, 1}, Hermitian positive
    definite and exact in every dtype. Bool gives identity matrices."""
    if ndt == np.bool_:
        return np.broadcast_to(np.eye(*shape[-2:], dtype=bool), shape).copy()
    rng = np.random.default_rng(seed)
    top = 1 if kind == "posdef" else 2 if ndt.kind in "iu" else 0
    parts = rng.integers(-top, top + 1, (2,) + shape) if top else rng.standard_normal((2,) + shape)
    a = parts[0] + 1j * parts[1] if ndt.kind == "c" else parts[0]
    if kind == "conditioned":
        k = min(shape[-2:])
        a[..., range(k), range(k)] += 3 * k
    if kind == "posdef":
        a = a @ mH(a) + shape[-1] * np.eye(shape[-1])
    return np.asarray(a).astype(ndt)


def relayout(a, kind):
    """The values of `a` as a NumPy view of another layout, which tb.asarray
    shares: Fortran order, the .mT of a contiguous array, rows in reverse
    (negative strides, x[..., ::-1, :]) or every other element of a larger buffer."""
    if a.ndim == 0:
        return a
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "mT" and a.ndim >= 2:
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if kind == "reversed":
        axis = -2 if a.ndim >= 2 else -1
        return np.flip(np.flip(a, axis).copy(), axis)
    if kind == "gapped":
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        return big[..., ::2]
    return a


def broadcastable(draw, shape, keep=None):
    """A suffix of `shape` (long enough to hold index `keep`) with some sizes,
    other than at `keep`, replaced by 1: a shape that broadcasts to `shape`."""
    ones = [s if i == keep or not draw(st.booleans()) else 1 for i, s in enumerate(shape)]
    return tuple(ones[draw(st.integers(0, len(shape) if keep is None else keep)):])


@st.composite
def stacks(draw, dtypes=FLOATS, square=True, kind="random", min_side=0):
    """A stack (batch..., M, N) of `kind` matrices of a drawn dtype, a NumPy view of any layout."""
    ndt = draw(st.sampled_from(dtypes))
    batch = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    # Sides past 8 reach faer; up to 8, det/inv/solve/cholesky eliminate
    # on the stack.
    m = draw(st.integers(min_side, 11))
    n = m if square else draw(st.integers(min_side, 11))
    return relayout(sample(batch + (m, n), ndt, draw(st.integers(0, 2**16)), kind), draw(layouts))


# One call per function on a square stack x, with NumPy's equivalent: the
# table for result dtypes, empty stacks and NaN input. solve gets (x, x).
SQUARE = {
    "cholesky": np.linalg.cholesky,
    "det": np.linalg.det,
    "eigh": np.linalg.eigh,
    "eigvalsh": np.linalg.eigvalsh,
    "inv": np.linalg.inv,
    "matrix_norm": np.linalg.matrix_norm,
    "matrix_power": lambda x: np.linalg.matrix_power(x, 3),
    "matrix_rank": np.linalg.matrix_rank,
    "pinv": lambda x: np.linalg.pinv(x, rtol=None),  # NumPy's own default is 1e-15
    "qr": np.linalg.qr,
    "slogdet": np.linalg.slogdet,
    "solve": lambda x: np.linalg.solve(x, x),
    "svd": np.linalg.svd,
    "svdvals": np.linalg.svdvals,
    "vector_norm": np.linalg.vector_norm,
}
REAL_OUTPUTS = {("eigh", 0), ("eigvalsh", 0), ("matrix_norm", 0), ("slogdet", 1), ("svd", 1),
                ("svdvals", 0), ("vector_norm", 0)}
NOT_UNIQUE = {("eigh", 1), ("qr", 0), ("qr", 1), ("svd", 0), ("svd", 2)}


def outputs(r):
    """A result as a tuple of arrays or tensors (a namedtuple's fields, or the one result)."""
    return tuple(r) if isinstance(r, tuple) else (r,)


def call(name, t):
    """tb.linalg.<name> on the square stack `t` with SQUARE's arguments, as outputs()."""
    f = getattr(tb.linalg, name)
    return outputs(f(t, 3) if name == "matrix_power" else f(t, t) if name == "solve" else f(t))


# ---------------------------------------------------------------- namespace

LINALG = ["cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul",
          "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr",
          "slogdet", "solve", "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm"]


def test_the_extension_is_in_the_namespace():
    assert hasattr(tb, "linalg") and tb.ones(2).__array_namespace__().linalg is tb.linalg
    for name in ("matmul", "matrix_transpose", "tensordot", "vecdot"):
        assert getattr(tb.linalg, name) is getattr(tb, name)
    assert issubclass(tb.linalg.LinAlgError, ValueError)


@pytest.mark.parametrize("name", LINALG)
def test_signatures_follow_the_standard(name):
    xp = pytest.importorskip("array_api_strict")
    want = inspect.signature(getattr(xp.linalg, name)).parameters.values()
    got = inspect.signature(getattr(tb.linalg, name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in got] == [(p.name, p.kind, p.default) for p in want]


@pytest.mark.parametrize("name, fields", [
    ("eigh", ("eigenvalues", "eigenvectors")), ("qr", ("Q", "R")),
    ("slogdet", ("sign", "logabsdet")), ("svd", ("U", "S", "Vh")),
])
def test_results_are_namedtuples(name, fields):
    r = getattr(tb.linalg, name)(tb.asarray(sample((2, 3, 3), F64, 0, "posdef")))
    assert isinstance(r, tuple) and r._fields == fields and len(r) == len(fields)
    assert all(getattr(r, f) is r[i] for i, f in enumerate(fields))


# ---------------------------------------------------------------- dtypes, empties, NaN

ALL_KINDS = HALF + (F32, F64, C64, C128, INT64, np.dtype(np.int8), np.dtype(bool))


@pytest.mark.parametrize("ndt", ALL_KINDS, ids=str)
@pytest.mark.parametrize("name", sorted(SQUARE))
def test_result_dtypes_and_values(name, ndt):
    x = relayout(sample((2, 3, 3), ndt, 7, "posdef"), "mT")
    exact = name == "matrix_power" and ndt.kind in "biu"  # integer powers wrap
    got, want = call(name, tb.asarray(x)), outputs(SQUARE[name](x if exact else wide(x)))
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if name == "matrix_rank":
            expected = INT64
        elif name == "matrix_power":
            expected = ndt  # integer powers stay integer, half stays half
        else:
            expected = real_dtype(ndt) if (name, i) in REAL_OUTPUTS else out_dtype(ndt)
        assert g.dtype == TB_OF[expected], (name, i, g.dtype)
        assert g.shape == np.shape(w)
        if (name, i) not in NOT_UNIQUE:
            assert_close(g, w, ndt, scale=16)


@pytest.mark.parametrize("shape", [(0, 3, 3), (0, 0), (2, 0, 0)])
@pytest.mark.parametrize("name", sorted(SQUARE))
def test_empty_matrices_and_stacks(name, shape):
    x = np.zeros(shape)
    for g, w in zip(call(name, tb.asarray(x)), outputs(SQUARE[name](x)), strict=True):
        assert_close(g, w, F64)  # det of 0x0 is 1, its slogdet (1, 0), its norms and rank 0


@pytest.mark.parametrize("name", ["det", "slogdet", "inv", "matrix_power", "solve"])
def test_nan_input_returns_without_crashing(name):
    one_nan = np.eye(3)
    one_nan[1, 2] = np.nan
    x = np.stack([one_nan, np.full((3, 3), np.nan), np.eye(3)])
    with np.errstate(all="ignore"):
        want = outputs(SQUARE[name](x))
    for g, w in zip(call(name, tb.asarray(x)), want, strict=True):
        assert g.shape == w.shape  # any values, NaN included
    assert tb.linalg.matrix_power(tb.asarray(x), -1).shape == x.shape  # no LinAlgError either


# ---------------------------------------------------------------- det, slogdet, inv, solve

@SETTINGS
@given(stacks())
def test_det_and_slogdet_match_numpy(a):
    t, scale = tb.asarray(a), (a.shape[-1] + 1) * cond(a)
    want = np.linalg.det(wide(a))
    det = tb.linalg.det(t)
    assert det.dtype == TB_OF[a.dtype]
    assert_close(det, want, a.dtype, scale)
    sign, logabs = tb.linalg.slogdet(t)
    assert sign.dtype == TB_OF[a.dtype] and logabs.dtype == TB_OF[real_dtype(a.dtype)]
    assert_close(np.abs(wide(sign)), np.ones(want.shape), a.dtype)
    assert_close(logabs, np.linalg.slogdet(wide(a)).logabsdet, a.dtype, scale, mag=1.0)
    assert_close(wide(sign) * np.exp(wide(logabs)), want, a.dtype, scale)


@pytest.mark.parametrize("ndt", [F32, F64, C64, C128, INT64], ids=str)
def test_singular_and_indefinite_matrices(ndt):
    for x in (np.zeros((3, 3)), np.array([[1, 2, 3], [1, 2, 3], [4, 5, 7]])):  # zero pivots
        t = tb.asarray(x.astype(ndt))
        for f, args in [(tb.linalg.inv, ()), (tb.linalg.solve, (tb.ones(3),)),
                        (tb.linalg.matrix_power, (-2,))]:
            with pytest.raises(tb.linalg.LinAlgError):
                f(t, *args)
        assert wide(tb.linalg.det(t)) == 0
        sign, logabs = tb.linalg.slogdet(t)
        assert wide(sign) == 0 and wide(logabs) == -np.inf
    for x in ([[1, 2], [2, 1]], -np.eye(2), np.stack([np.eye(2), np.zeros((2, 2))])):
        with pytest.raises(tb.linalg.LinAlgError):
            tb.linalg.cholesky(tb.asarray(np.asarray(x).astype(ndt)))


@pytest.mark.parametrize("n", [9, 12, 20])
def test_equal_rows_make_a_singular_matrix(n):
    # The LU factors the matrix itself, as LAPACK does, so two equal rows
    # usually stay equal through the elimination and meet an exactly zero
    # pivot. Factoring the transpose instead (two equal columns), these
    # matrices round to a tiny pivot and inv returns huge values. Neither
    # LAPACK nor faer promises it: their vector kernels may round the two rows
    # differently, more often the larger the matrix (in 40 random integer
    # matrices of side 20, NumPy raised for 9 and tensorbridge for 17).
    a = np.random.default_rng(n).integers(-3, 4, (n, n)).astype(np.float64)
    a[5] = a[3]
    t = tb.asarray(a)
    with pytest.raises(tb.linalg.LinAlgError):
        tb.linalg.inv(t)
    with pytest.raises(tb.linalg.LinAlgError):
        tb.linalg.solve(t, tb.ones(n))
    assert float(tb.linalg.det(t)) == 0.0
    assert float(tb.linalg.slogdet(t).logabsdet) == -np.inf


@SETTINGS
@given(stacks(kind="conditioned"))
def test_inv_times_x_is_the_identity(a):
    got = tb.linalg.inv(tb.asarray(a))
    assert got.dtype == TB_OF[a.dtype] and got.shape == a.shape
    n = a.shape[-1]
    assert_close(wide(got) @ wide(a), eye_like(a, n), a.dtype, scale=n * cond(a))


@st.composite
def solve_case(draw):
    d1, d2 = draw(st.sampled_from(FLOATS + [INT64])), draw(st.sampled_from(FLOATS + [INT64]))
    n, k = draw(st.integers(0, 11)), draw(st.integers(1, 3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    x1 = sample(broadcastable(draw, batch) + (n, n), d1, draw(st.integers(0, 2**16)), "conditioned")
    x2_shape = (n,) if draw(st.booleans()) else broadcastable(draw, batch) + (n, k)
    x2 = sample(x2_shape, d2, draw(st.integers(0, 2**16)))
    return relayout(x1, draw(layouts)), relayout(x2, draw(layouts))


@SETTINGS
@given(solve_case())
def test_solve_satisfies_the_system(case):
    x1, x2 = case
    res = tb.linalg.solve(tb.asarray(x1), tb.asarray(x2))
    rdt = out_dtype(np.result_type(x1.dtype, x2.dtype))
    assert res.dtype == TB_OF[rdt]
    assert res.shape == np.linalg.solve(wide(x1), wide(x2)).shape
    r = wide(res)
    lhs = (wide(x1) @ r[..., None])[..., 0] if x2.ndim == 1 else wide(x1) @ r
    assert_close(lhs, np.broadcast_to(wide(x2), lhs.shape), rdt, scale=x1.shape[-1] * cond(x1))


def test_large_matrices_through_faer_match_numpy():
    # One matrix at or past each factorization's parallel crossover (ops/factor/calls.rs)
    # runs on faer's threads, and one Cholesky below it on one thread; the
    # results are NumPy's.
    rng = np.random.default_rng(7)
    a = rng.standard_normal((2048, 2048)) + 2048**0.5 * np.eye(2048)
    b = rng.standard_normal((2048, 2))
    t = tb.asarray(a)
    assert_close(tb.linalg.solve(t, tb.asarray(b)), np.linalg.solve(a, b), F64, 2048)
    assert_close(tb.linalg.slogdet(t).logabsdet, np.linalg.slogdet(a).logabsdet, F64, 2048, mag=1.0)
    q, r = tb.linalg.qr(t)
    assert_close(wide(q) @ wide(r), a, F64, 2048)
    h = a[:1024, :1024] @ a[:1024, :1024].T
    assert_close(tb.linalg.cholesky(tb.asarray(h)), np.linalg.cholesky(h), F64, 1024 * cond(h))
    # Past the recurrence's 16 and below faer's parallel crossover: faer on one thread.
    h40 = h[:40, :40]
    assert_close(tb.linalg.cholesky(tb.asarray(h40), upper=True), np.linalg.cholesky(h40).T, F64, 40 * cond(h40))
    assert_close(tb.linalg.eigvalsh(tb.asarray(h)), np.linalg.eigvalsh(h), F64, 1024, mag=np.abs(h).max())
    assert_close(tb.linalg.svdvals(t[:1024, :1100]), np.linalg.svdvals(a[:1024, :1100]), F64, 1024, mag=np.abs(a).max())


def test_solve_takes_only_a_1d_x2_as_a_vector():
    x1 = sample((3, 3, 3), F64, 1, "conditioned")
    for x2 in (np.arange(3.0), np.arange(9.0).reshape(3, 3), np.ones((4, 1, 3, 2))):
        want = np.linalg.solve(x1, x2)  # shapes (3, 3), (3, 3, 3), (4, 3, 3, 2)
        assert_close(tb.linalg.solve(tb.asarray(x1), tb.asarray(x2)), want, F64, scale=3 * cond(x1))


# ---------------------------------------------------------------- cholesky, eigh, qr, svd

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("ndt", FLOATS, ids=str)
def test_cholesky_factor_is_triangular_and_multiplies_back(ndt, upper, layout):
    a = relayout(sample((2, 3, 5, 5), ndt, 3, "posdef"), layout)
    f = tb.linalg.cholesky(tb.asarray(a), upper=upper)
    assert f.dtype == TB_OF[ndt] and f.shape == a.shape
    c = wide(f)
    assert np.array_equal((np.triu if upper else np.tril)(c), c)
    lower = mH(c) if upper else c
    assert_close(lower @ mH(lower), a, ndt, scale=5)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("ndt", FLOATS, ids=str)
def test_eigh_uses_the_lower_triangle(ndt, layout):
    a = sample((3, 5, 5), ndt, 5)
    a[..., range(5), range(5)] = a[..., range(5), range(5)].real
    lower = np.tril(wide(a), -1)
    herm = lower + mH(lower) + wide(a) * np.eye(5)  # what eigh sees: the upper triangle is noise
    t = tb.asarray(relayout(a, layout))
    w, v = tb.linalg.eigh(t)
    assert w.dtype == TB_OF[real_dtype(ndt)] and v.dtype == TB_OF[ndt]
    w, v = wide(w), wide(v)
    assert np.all(np.diff(w, axis=-1) >= 0)
    assert_close(w, np.linalg.eigvalsh(herm), ndt, scale=5)
    assert_close(tb.linalg.eigvalsh(t), w, ndt, scale=5)
    assert_close(herm @ v, v * w[..., None, :], ndt, scale=5)
    assert_close(mH(v) @ v, eye_like(a, 5), ndt, scale=5)


@SETTINGS
@given(stacks(square=False), st.sampled_from(["reduced", "complete"]))
def test_qr_is_orthonormal_times_upper_triangular(a, mode):
    q, r = tb.linalg.qr(tb.asarray(a), mode=mode)
    m, n = a.shape[-2:]
    k = m if mode == "complete" else min(m, n)
    assert q.shape == a.shape[:-2] + (m, k) and r.shape == a.shape[:-2] + (k, n)
    assert q.dtype == r.dtype == TB_OF[a.dtype]
    q, r = wide(q), wide(r)
    assert np.array_equal(np.triu(r), r)
    assert_close(mH(q) @ q, eye_like(a, k), a.dtype, scale=m + n)
    assert_close(q @ r, a, a.dtype, scale=m + n)


@pytest.mark.parametrize("ndt", FLOATS, ids=str)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_small_qr_is_lapacks_with_its_signs(ndt, mode):
    # Up to 8x8, qr is LAPACK's geqrf/orgqr on the stack: NumPy's factors,
    # signs included (R's diagonal negative where the column leads positive).
    for m in range(1, 9):
        for n in range(1, 9):
            a = sample((3, m, n), ndt, 10 * m + n)
            q, r = tb.linalg.qr(tb.asarray(a), mode=mode)
            want_q, want_r = np.linalg.qr(wide(a), mode=mode)
            assert_close(q, want_q, ndt, 4, mag=1.0)
            assert_close(r, want_r, ndt, 4)
            assert not np.any(np.tril(wide(r), -1))


@SETTINGS
@given(stacks(square=False), st.booleans())
def test_svd_reconstructs_with_orthonormal_factors(a, full):
    u, s, vh = tb.linalg.svd(tb.asarray(a), full_matrices=full)
    m, n = a.shape[-2:]
    k = min(m, n)
    assert u.shape == a.shape[:-2] + (m, m if full else k) and s.shape == a.shape[:-2] + (k,)
    assert vh.shape == a.shape[:-2] + (n if full else k, n)
    assert u.dtype == vh.dtype == TB_OF[a.dtype] and s.dtype == TB_OF[real_dtype(a.dtype)]
    u, s, vh = wide(u), wide(s), wide(vh)
    assert np.all(s >= 0) and np.all(np.diff(s, axis=-1) <= 0)
    want = np.linalg.svdvals(wide(a))
    assert_close(s, want, a.dtype, scale=m + n)
    assert_close(tb.linalg.svdvals(tb.asarray(a)), want, a.dtype, scale=m + n)
    assert_close(mH(u) @ u, eye_like(a, u.shape[-1]), a.dtype, scale=m + n)
    assert_close(vh @ mH(vh), eye_like(a, vh.shape[-2]), a.dtype, scale=m + n)
    assert_close((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, a.dtype, scale=m + n)


# ---------------------------------------------------------------- pinv, matrix_rank, matrix_power

@pytest.mark.parametrize("shape", [(2, 5, 3), (3, 4), (4, 4)])
@pytest.mark.parametrize("ndt", FLOATS, ids=str)
def test_pinv_and_rank_of_full_rank_matrices(ndt, shape):
    a = relayout(sample(shape, ndt, 11, "conditioned"), "reversed")
    got = tb.linalg.pinv(tb.asarray(a))
    assert got.dtype == TB_OF[ndt] and got.shape == shape[:-2] + (shape[-1], shape[-2])
    assert_close(got, np.linalg.pinv(wide(a), rtol=None), ndt, scale=sum(shape[-2:]) * cond(a))
    rank = tb.linalg.matrix_rank(tb.asarray(a))
    assert rank.dtype == tb.int64
    np.testing.assert_array_equal(rank.numpy(), np.full(shape[:-2], min(shape[-2:])))


@pytest.mark.parametrize("ndt", FLOATS, ids=str)
def test_default_rtol_is_max_m_n_times_eps(ndt):
    cut = 5 * EPS[real_dtype(ndt)]  # max(M, N) * eps for 5 x 4 matrices
    a = np.zeros((5, 4))
    a[range(4), range(4)] = [1.0, 10 * cut, 0.1 * cut, 0.0]  # kept, zeroed, zero
    t = tb.asarray(a.astype(ndt))
    assert int(tb.linalg.matrix_rank(t).item()) == 2
    want = np.zeros((4, 5))
    want[0, 0], want[1, 1] = 1.0, 1 / (10 * cut)
    assert_close(tb.linalg.pinv(t), want, ndt)


def test_rtol_as_a_float_or_a_tensor_broadcasting_against_the_stack():
    s = np.array([1.0, 1e-2, 1e-4])
    a = np.broadcast_to(np.diag(s), (2, 3, 3, 3))  # a (2, 3) stack, a zero-stride view
    rtol = tb.asarray(np.array([1e-1, 1e-3, 1e-5]))
    for r, ranks in [(rtol, [1, 2, 3]), (1e-3, [2, 2, 2])]:
        got = tb.linalg.matrix_rank(tb.asarray(a), rtol=r)
        np.testing.assert_array_equal(got.numpy(), [ranks] * 2)
    kept = s[None, :] > np.array([1e-1, 1e-3, 1e-5])[:, None]  # per stack entry, per singular value
    want = np.broadcast_to(np.where(kept, 1 / s, 0.0)[..., None] * np.eye(3), a.shape)
    assert_close(tb.linalg.pinv(tb.asarray(a), rtol=rtol), want, F64)


@pytest.mark.parametrize("n", [-4, -3, -1, 0, 1, 2, 5, 6, 8])
@pytest.mark.parametrize("ndt", FLOATS, ids=str)
def test_matrix_power_matches_numpy(ndt, n):
    a = relayout(sample((2, 3, 4, 4), ndt, n + 10, "conditioned"), "mT")
    got = tb.linalg.matrix_power(tb.asarray(a), n)
    assert got.dtype == TB_OF[ndt] and got.shape == a.shape
    assert_close(got, np.linalg.matrix_power(wide(a), n), ndt, scale=4 * (abs(n) + 1) * cond(a))


@pytest.mark.parametrize("ndt", ["int8", "uint8", "int64"])
def test_integer_matrix_power_is_exact_and_wraps(ndt):
    a = make_values(np.dtype(ndt), (3, 3, 3), seed=1)
    for n in (0, 1, 2, 3, 7):
        assert_same_bits(tb.linalg.matrix_power(tb.asarray(a), n), np.linalg.matrix_power(a, n))


# ---------------------------------------------------------------- norms

@SETTINGS
@given(stacks(FLOATS + [INT64], square=False, min_side=1),
       st.sampled_from(["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]), st.booleans())
def test_matrix_norm_matches_numpy_for_every_ord(a, ord, keepdims):
    got = tb.linalg.matrix_norm(tb.asarray(a), ord=ord, keepdims=keepdims)
    assert got.dtype == TB_OF[real_dtype(a.dtype)]
    want = np.linalg.matrix_norm(wide(a), ord=ord, keepdims=keepdims)
    scale = sum(a.shape[-2:]) * (cond(a) if ord == -2 else 1)  # the smallest singular value
    assert_close(got, want, a.dtype, scale)


@st.composite
def vector_norm_case(draw):
    ndt = draw(st.sampled_from(FLOATS + [INT64]))
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=4)))
    seed = draw(st.integers(0, 2**16))
    a = sample(shape, ndt, seed)
    a[np.random.default_rng(seed).random(shape) < 0.2] = 0  # for ord 0 and negative ords
    axis, nd = None, len(shape)
    if nd and draw(st.booleans()):
        axes = draw(st.permutations(range(nd)))[: draw(st.integers(1, nd))]
        axes = tuple(x - nd if draw(st.booleans()) else x for x in axes)
        axis = axes[0] if draw(st.booleans()) else axes
    ord = draw(st.sampled_from([2, 1, 3, 0.5, np.inf, -np.inf, 0, -1, -2.5]))
    reduced = int(np.prod(shape if axis is None else np.take(shape, axis)))
    assume(reduced > 0 or ord >= 0)  # the norm of nothing is defined for ord >= 0 only
    return relayout(a, draw(layouts)), axis, ord, draw(st.booleans()), reduced


@SETTINGS
@given(vector_norm_case())
def test_vector_norm_matches_numpy(case):
    a, axis, ord, keepdims, reduced = case
    got = tb.linalg.vector_norm(tb.asarray(a), axis=axis, keepdims=keepdims, ord=ord)
    assert got.dtype == TB_OF[real_dtype(a.dtype)]
    with np.errstate(divide="ignore"):
        want = np.linalg.vector_norm(wide(a), axis=axis, keepdims=keepdims, ord=ord)
    assert_close(got, want, a.dtype, scale=max(reduced, 1))


@pytest.mark.parametrize("ord", [2, 3])
@pytest.mark.parametrize("values, ndt", [
    ([1e30, 1e30], F32), ([1e200, -1e200], F64), ([1e30 + 1e30j], C64),
    ([1e-30], F32), ([1e-200, 0.0, 1e-200], F64), ([1e-30j], C64),
])
def test_vector_norm_neither_overflows_nor_underflows(values, ndt, ord):
    x = np.array(values, dtype=ndt)
    want = np.sum(np.abs(x.astype(C128) / abs(values[0])) ** ord) ** (1 / ord) * abs(values[0])
    assert_close(tb.linalg.vector_norm(tb.asarray(x), ord=ord), np.asarray(want), ndt)
    assert_close(tb.linalg.vector_norm(tb.asarray(x), ord=np.inf), np.asarray(abs(values[0])), ndt)


# ---------------------------------------------------------------- cross, outer, diagonal, trace

CROSS_DTYPES = [np.dtype(d) for d in ("int8", "uint8", "int32", "int64", "float32", "float64")]


@st.composite
def cross_case(draw):
    d1 = draw(st.sampled_from(CROSS_DTYPES))
    d2 = d1 if draw(st.booleans()) else draw(st.sampled_from(CROSS_DTYPES))
    batch = draw(st.lists(st.integers(1, 3), max_size=3))
    pos = draw(st.integers(0, len(batch)))
    full = batch[:pos] + [3] + batch[pos:]
    a, b = (make_values(d, broadcastable(draw, full, keep=pos), seed=draw(st.integers(0, 2**16)),
                        special=d.kind in "iu") for d in (d1, d2))
    return relayout(a, draw(layouts)), relayout(b, draw(layouts)), pos - len(full)


@SETTINGS
@given(cross_case())
def test_cross_matches_numpy(case):
    a, b, axis = case
    ta, tb_ = tb.asarray(a), tb.asarray(b)
    got = tb.linalg.cross(ta, tb_, axis=axis)
    rt = np.result_type(a.dtype, b.dtype)
    assert got.dtype == tb.result_type(ta, tb_) == TB_OF[rt]
    want = np.linalg.cross(a.astype(rt), b.astype(rt), axis=axis)
    if rt.kind in "iu":
        assert_same_bits(got, want)
    else:
        assert_close(got, want, rt, mag=np.max(np.abs(a), initial=0) * np.max(np.abs(b), initial=0))


def test_cross_errors():
    with pytest.raises(ValueError):
        tb.linalg.cross(tb.ones(4), tb.ones(4))
    with pytest.raises(ValueError):
        tb.linalg.cross(tb.ones(2, 3), tb.ones(2, 2))
    with pytest.raises(ValueError):
        tb.linalg.cross(tb.ones(3, 2), tb.ones(3, 2))  # axis -1 has size 2
    with pytest.raises(ValueError):
        tb.linalg.cross(tb.ones(2, 3), tb.ones(4, 3))  # does not broadcast
    assert tb.linalg.cross(tb.ones(3, 2), tb.ones(3, 2), axis=-2).shape == (3, 2)


@pytest.mark.parametrize("d1, d2", [
    ("int8", "int8"), ("uint8", "int16"), ("int64", "int64"), ("bool", "bool"),
    ("float32", "float64"), ("complex64", "complex64"), ("float16", "float16"),
])
def test_outer_products_are_exact(d1, d2):
    d1, d2 = np.dtype(d1), np.dtype(d2)
    a = relayout(make_values(d1, (5,), seed=1, special=d1.kind in "biu"), "reversed")
    b = relayout(make_values(d2, (4,), seed=2, special=False), "gapped")
    got = tb.linalg.outer(tb.asarray(a), tb.asarray(b))
    # Each product is tensorbridge's own multiply, bit for bit; NumPy's
    # complex64 loop fuses multiply-adds, so complex is compared closely.
    assert_same_bits(got, np.asarray(tb.asarray(a)[:, None] * tb.asarray(b)[None, :]))
    if d1.kind == "c":
        np.testing.assert_allclose(np.asarray(got), np.outer(a, b), rtol=1e-6)
    else:
        assert_same_bits(got, np.outer(a, b))
    assert tb.linalg.outer(tb.ones(0), tb.ones(3)).shape == (0, 3)
    for x1, x2 in [(tb.ones(2, 2), tb.ones(2)), (tb.ones(2), tb.ones(1, 2)),
                   (tb.asarray(np.float64(1)), tb.ones(2))]:
        with pytest.raises(ValueError):
            tb.linalg.outer(x1, x2)


@st.composite
def diagonal_case(draw):
    _, ndt = draw(st.sampled_from(DTYPES))
    batch = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    shape = batch + (draw(st.integers(0, 5)), draw(st.integers(0, 5)))
    a = make_values(ndt, shape, seed=draw(st.integers(0, 2**16)), special=ndt.kind in "biu")
    return relayout(a, draw(layouts)), draw(st.integers(-7, 7))


@SETTINGS
@given(diagonal_case())
def test_diagonal_is_a_view_and_trace_sums_it(case):
    a, offset = case
    t = tb.asarray(a)
    d = tb.linalg.diagonal(t, offset=offset)  # an offset past the matrix gives an empty diagonal
    assert_same_bits(d, np.linalg.diagonal(a, offset=offset))
    assert d.numel() == 0 or np.shares_memory(d.numpy(), a)
    tr, sdt = tb.linalg.trace(t, offset=offset), sum_dtype(a.dtype)
    assert tr.dtype == TB_OF[sdt]
    if a.dtype.kind in "biu":
        assert_same_bits(tr, np.linalg.trace(a, offset=offset, dtype=sdt))
    else:
        mag = np.max(np.linalg.trace(np.abs(wide(a)), offset=offset), initial=0)
        assert_close(tr, np.linalg.trace(wide(a), offset=offset), sdt, mag=mag)


def test_trace_dtype_argument():
    t = tb.asarray(np.full((2, 3, 3), 100, np.int8))
    for dtype, want in [(None, np.int64(300)), (tb.float64, np.float64(300)),
                        (tb.int8, np.int8(44))]:  # 300 wraps to 44
        assert_same_bits(tb.linalg.trace(t, dtype=dtype), np.full(2, want))


# ---------------------------------------------------------------- bad input

NEEDS_SQUARE = ("cholesky", "det", "eigh", "eigvalsh", "inv", "matrix_power", "slogdet", "solve")
NEEDS_MATRIX = NEEDS_SQUARE + ("diagonal", "matrix_norm", "matrix_rank", "pinv", "qr", "svd",
                               "svdvals", "trace")


@pytest.mark.parametrize("name", NEEDS_MATRIX)
def test_vectors_and_non_square_matrices_are_rejected(name):
    cases = [((7,), "7")] + ([((2, 3), "2, 3")] if name in NEEDS_SQUARE else [])
    for shape, text in cases:
        with pytest.raises(ValueError) as e:
            call(name, tb.ones(shape))
        assert name in str(e.value) and text in str(e.value), str(e.value)


def test_bad_arguments():
    x = tb.asarray(np.eye(3))
    for ord in (3, 0, "bad", "inf"):
        with pytest.raises(ValueError):
            tb.linalg.matrix_norm(x, ord=ord)
    with pytest.raises(ValueError):
        tb.linalg.qr(x, mode="bogus")
    for n in (1.0, 1.5, "2", None):
        with pytest.raises(TypeError):
            tb.linalg.matrix_power(x, n)
    with pytest.raises(ValueError):
        tb.linalg.solve(x, tb.ones(4))
    with pytest.raises(ValueError):
        tb.linalg.solve(tb.ones(2, 3, 3), tb.ones(3, 3, 1))  # batch 2 vs 3
