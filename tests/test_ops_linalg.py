"""Linear algebra against NumPy as the oracle: matmul (and @, @=),
matrix_transpose, tensordot and vecdot, over every numeric dtype, 1-D and
batched operands that broadcast, transposed, negatively strided and
zero-stride layouts, empty dimensions, and bad input.

Integer and bool products must equal NumPy's bit for bit (integers wrap on
overflow in both, and a wrapping sum does not depend on the order of its
terms). Float and complex products may add in another order than NumPy's
BLAS, so they are compared within a bound on the rounding error of a dot
product: |got - want| <= 4 * k * eps * (|x1| @ |x2|), with eps the result
dtype's epsilon (f16/bf16 are computed in f32, then rounded once more).
"""

import inspect

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tensorbridge as tb
from conftest import BF16, TB_OF, make_values, examples

SETTINGS = settings(max_examples=examples(120), deadline=None)

NUMERIC = [np.dtype(d) for d in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                 "uint32", "uint64", "float16", "float32", "float64",
                                 "complex64", "complex128")] + [BF16]


def result_dtype(a, b):
    """NumPy's promotion, with ml_dtypes' rule for bfloat16 pairs."""
    if a.dtype == BF16 or b.dtype == BF16:
        assert a.dtype == b.dtype
        return BF16
    return np.result_type(a.dtype, b.dtype)


def wide(a):
    """`a` in float64/complex128 for float oracles (exact for every float dtype)."""
    if a.dtype.kind == "c":
        return a.astype(np.complex128)
    return a.astype(np.float32).astype(np.float64) if a.dtype == BF16 else a.astype(np.float64)


def check_product(got, a, b, oracle, k):
    """`got` (a tensor) equals oracle(a, b) exactly for integers and bool,
    within the dot-product rounding bound for floats."""
    rt = result_dtype(a, b)
    assert got.dtype == TB_OF[rt], (got.dtype, rt)
    if rt.kind in "biu":
        want = oracle(a.astype(rt), b.astype(rt))
        assert got.shape == want.shape
        np.testing.assert_array_equal(got.numpy(), want)
        return
    want = oracle(wide(a), wide(b))
    bound = oracle(np.abs(wide(a)), np.abs(wide(b)))
    assert got.shape == want.shape
    eps = float(np.finfo(np.float32 if rt == BF16 else rt).eps)
    if rt in (np.float16, BF16):
        eps = float(np.finfo(np.float16).eps) if rt == np.float16 else 2.0 ** -7
    g = wide(got.numpy())
    tol = 4 * max(k, 1) * eps * np.abs(bound) + eps * np.abs(want) + 1e-30
    # Sums near the dtype's largest value may round to inf either way.
    big = float(np.finfo(np.float32 if rt == BF16 else rt).max) * 0.99
    fits = np.abs(bound) < big
    assert np.all((np.abs(g - want) <= tol)[fits]), f"\n{g}\nvs\n{want}"


def relayout(draw, a):
    """The values of `a` in a layout Hypothesis picks: C, Fortran, reversed
    (negative strides), every other element of a larger buffer, or a
    zero-stride broadcast of a single row."""
    kind = draw(st.sampled_from(["C", "F", "reversed", "gapped", "broadcast"]))
    if a.ndim == 0 or a.size == 0:
        return a
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "reversed":
        axes = tuple(i for i in range(a.ndim) if draw(st.booleans()))
        return np.flip(np.flip(a, axes).copy(), axes)
    if kind == "gapped":
        big = np.zeros(tuple(2 * n for n in a.shape), dtype=a.dtype)
        view = big[tuple(slice(None, None, 2) for _ in a.shape)]
        view[...] = a
        return view
    if kind == "broadcast" and a.ndim >= 2:
        return np.broadcast_to(a[..., :1, :], a.shape) if draw(st.booleans()) else np.broadcast_to(a[:1], a.shape)
    return a


@st.composite
def dtype_pair(draw):
    if draw(st.booleans()):
        d = draw(st.sampled_from(NUMERIC))
        return d, d
    others = [d for d in NUMERIC if d != BF16]
    return draw(st.sampled_from(others)), draw(st.sampled_from(others))


@st.composite
def matmul_case(draw):
    d1, d2 = draw(dtype_pair())
    m, k, n = (draw(st.integers(0, 5)) for _ in range(3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    b1 = [1 if draw(st.booleans()) else s for s in batch]
    b2 = [1 if draw(st.booleans()) else s for s in batch]
    b1 = b1[draw(st.integers(0, len(b1))):]
    b2 = b2[draw(st.integers(0, len(b2))):]
    s1 = [k] if draw(st.booleans()) and not b1 else b1 + [m, k]
    s2 = [k] if draw(st.booleans()) and not b2 else b2 + [k, n]
    special = draw(st.booleans())
    a = make_values(d1, tuple(s1), seed=draw(st.integers(0, 2**16)), special=special and d1.kind in "biu")
    b = make_values(d2, tuple(s2), seed=draw(st.integers(0, 2**16)), special=special and d2.kind in "biu")
    return relayout(draw, a), relayout(draw, b), k


@SETTINGS
@given(matmul_case())
def test_matmul_matches_numpy(case):
    a, b, k = case
    ta, tb_ = tb.asarray(a), tb.asarray(b)
    check_product(tb.matmul(ta, tb_), a, b, np.matmul, k)
    check_product(ta @ tb_, a, b, np.matmul, k)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "int32", "int64", "bool"])
def test_large_products_use_the_parallel_paths(dtype):
    rng = np.random.default_rng(1)
    dt = np.dtype(dtype)
    for s1, s2 in [((300, 200), (200, 310)), ((64, 20, 20), (20, 20)), ((1, 700), (700, 600))]:
        a = make_values(dt, s1, seed=int(rng.integers(1 << 16)), special=dt.kind in "biu")
        b = make_values(dt, s2, seed=int(rng.integers(1 << 16)), special=dt.kind in "biu")
        check_product(tb.asarray(a) @ tb.asarray(b.T.copy()).mT, a, b, np.matmul, s1[-1])


def test_matmul_nan_and_inf_propagate():
    a = np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0]], dtype=np.float32)
    b = np.array([[1.0, 0.0], [0.0, -np.inf]], dtype=np.float32)
    got = (tb.asarray(a) @ tb.asarray(b)).numpy()
    with np.errstate(invalid="ignore"):
        want = a @ b
    np.testing.assert_array_equal(got, want)


def test_matmul_integer_overflow_wraps_like_numpy():
    a = np.array([[127, 127], [-128, 1]], dtype=np.int8)
    np.testing.assert_array_equal((tb.asarray(a) @ tb.asarray(a)).numpy(), a @ a)
    u = np.full((3, 3), 2**63 + 5, dtype=np.uint64)
    np.testing.assert_array_equal((tb.asarray(u) @ tb.asarray(u)).numpy(), u @ u)


def test_matmul_shapes_and_empty_dims():
    for s1, s2, want in [((3,), (3,), ()), ((2, 3), (3,), (2,)), ((3,), (3, 4), (4,)),
                         ((5, 1, 2, 3), (4, 3, 2), (5, 4, 2, 2)), ((0, 3), (3, 2), (0, 2)),
                         ((2, 0), (0, 4), (2, 4)), ((0,), (0,), ())]:
        r = tb.matmul(tb.ones(s1), tb.ones(s2))
        assert r.shape == want
        np.testing.assert_array_equal(r.numpy(), np.ones(s1, np.float32) @ np.ones(s2, np.float32))


def test_matmul_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"\[2, 3\].*\[2, 3\]"):
        tb.ones(2, 3) @ tb.ones(2, 3)
    with pytest.raises(ValueError, match="batch"):
        tb.matmul(tb.ones(2, 2, 3), tb.ones(3, 3, 2))
    with pytest.raises(ValueError):
        tb.matmul(tb.ones(3), tb.asarray(np.float32(2.0)))
    with pytest.raises(ValueError):
        tb.ones(2, 2) @ 2


def test_operators_with_numpy_and_lists():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = tb.asarray(a)
    np.testing.assert_array_equal((t @ a.T).numpy(), a @ a.T)
    np.testing.assert_array_equal(t.__rmatmul__([[1.0, 2.0]]).numpy(), np.array([[1.0, 2.0]]) @ a)
    np.testing.assert_array_equal(t.matmul(a.T).numpy(), a @ a.T)
    assert t.__matmul__(object()) is NotImplemented


def test_inplace_matmul_writes_into_the_same_memory():
    a = np.arange(4, dtype=np.float32).reshape(2, 2)
    t = tb.tensor(a)
    ptr = t.data_ptr()
    same = t
    t @= tb.asarray(np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float64))
    assert t is same and t.data_ptr() == ptr and t.dtype == tb.float32
    np.testing.assert_array_equal(t.numpy(), a[:, ::-1])
    i = tb.tensor(np.eye(2, dtype=np.int64))
    with pytest.raises(TypeError):
        i @= tb.ones(2, 2)
    with pytest.raises(ValueError):
        t @= tb.ones(2, 3)
    ro = np.eye(2)
    ro.flags.writeable = False
    r = tb.asarray(ro)
    with pytest.raises(ValueError, match="read-only"):
        r @= tb.asarray(np.eye(2))
    np.testing.assert_array_equal(ro, np.eye(2))


def test_matrix_transpose_is_a_view():
    a = np.arange(24).reshape(2, 3, 4)
    t = tb.asarray(a)
    m = tb.matrix_transpose(t)
    assert m.shape == (2, 4, 3) and tb.shares_memory(m, t)
    np.testing.assert_array_equal(m.numpy(), np.matrix_transpose(a))
    with pytest.raises(ValueError):
        tb.matrix_transpose(tb.ones(3))


@st.composite
def tensordot_case(draw):
    d1, d2 = draw(dtype_pair())
    contracted = draw(st.lists(st.integers(0, 3), max_size=3))
    free1 = draw(st.lists(st.integers(0, 3), max_size=2))
    free2 = draw(st.lists(st.integers(0, 3), max_size=2))
    if draw(st.booleans()):
        s1, s2 = free1 + contracted, contracted + free2
        axes = len(contracted)
        if axes == 2 and draw(st.booleans()):
            axes = None  # the default
    else:
        # scatter the contracted axes over both operands in random orders
        n1, n2 = len(free1) + len(contracted), len(free2) + len(contracted)
        pos1 = draw(st.permutations(range(n1)))[: len(contracted)]
        pos2 = draw(st.permutations(range(n2)))[: len(contracted)]
        s1, s2 = [None] * n1, [None] * n2
        for c, p, q in zip(contracted, pos1, pos2):
            s1[p], s2[q] = c, c
        it1, it2 = iter(free1), iter(free2)
        s1 = [next(it1) if s is None else s for s in s1]
        s2 = [next(it2) if s is None else s for s in s2]
        neg = draw(st.booleans())
        axes = ([p - n1 if neg else p for p in pos1], list(pos2))
    a = make_values(d1, tuple(s1), seed=draw(st.integers(0, 2**16)), special=d1.kind in "biu")
    b = make_values(d2, tuple(s2), seed=draw(st.integers(0, 2**16)), special=d2.kind in "biu")
    k = int(np.prod(contracted)) if contracted else 1
    return relayout(draw, a), relayout(draw, b), axes, k


@SETTINGS
@given(tensordot_case())
def test_tensordot_matches_numpy(case):
    a, b, axes, k = case
    if axes is None:
        got = tb.tensordot(tb.asarray(a), tb.asarray(b))
        axes = 2
    else:
        got = tb.tensordot(tb.asarray(a), tb.asarray(b), axes=axes)
    check_product(got, a, b, lambda x, y: np.tensordot(x, y, axes=axes), k)


def test_tensordot_errors():
    a, b = tb.ones(2, 3), tb.ones(3, 2)
    with pytest.raises(ValueError, match="size"):
        tb.tensordot(a, b, axes=([0], [0]))
    with pytest.raises(ValueError):
        tb.tensordot(a, b, axes=-1)
    with pytest.raises(ValueError):
        tb.tensordot(a, b, axes=3)
    with pytest.raises(ValueError, match="repeated"):
        tb.tensordot(a, tb.ones(3, 3), axes=([1, 1], [0, 1]))
    with pytest.raises(IndexError):
        tb.tensordot(a, b, axes=([5], [0]))
    with pytest.raises(TypeError):
        tb.tensordot(a, b, axes=True)
    with pytest.raises(TypeError):
        tb.tensordot(a, b, 1)  # axes is keyword-only


@st.composite
def vecdot_case(draw):
    d1, d2 = draw(dtype_pair())
    n = draw(st.integers(0, 6))
    batch = draw(st.lists(st.integers(1, 3), max_size=3))
    b1 = [1 if draw(st.booleans()) else s for s in batch][draw(st.integers(0, len(batch))):]
    b2 = [1 if draw(st.booleans()) else s for s in batch][draw(st.integers(0, len(batch))):]
    axis = -draw(st.integers(1, min(len(b1), len(b2)) + 1))
    s1, s2 = b1[:], b2[:]
    s1.insert(len(s1) + axis + 1, n)
    s2.insert(len(s2) + axis + 1, n)
    a = make_values(d1, tuple(s1), seed=draw(st.integers(0, 2**16)), special=d1.kind in "biu")
    b = make_values(d2, tuple(s2), seed=draw(st.integers(0, 2**16)), special=d2.kind in "biu")
    return relayout(draw, a), relayout(draw, b), axis, n


@SETTINGS
@given(vecdot_case())
def test_vecdot_matches_numpy(case):
    a, b, axis, n = case
    got = tb.vecdot(tb.asarray(a), tb.asarray(b), axis=axis)

    def oracle(x, y):
        if x.dtype == np.bool_:
            return np.any(np.logical_and(np.moveaxis(x, axis, -1), np.moveaxis(y, axis, -1)), axis=-1)
        return np.vecdot(x, y, axis=axis)

    check_product(got, a, b, oracle, n)


def test_vecdot_conjugates_and_checks_sizes():
    x = np.array([1 + 2j, 3 - 1j])
    y = np.array([2 - 1j, 1j])
    assert complex(tb.vecdot(tb.asarray(x), tb.asarray(y)).item()) == complex(np.vecdot(x, y))
    with pytest.raises(ValueError, match="contracted"):
        tb.vecdot(tb.ones(2, 3), tb.ones(2, 2))
    with pytest.raises(ValueError, match="broadcast"):
        tb.vecdot(tb.ones(2, 3), tb.ones(4, 3))
    with pytest.raises(IndexError):
        tb.vecdot(tb.ones(3), tb.ones(3), axis=-2)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int32", "bool"])
@pytest.mark.parametrize("n", [63, 64, 1000, 4099])
def test_vecdot_of_long_contiguous_rows_matches_numpy(dtype, n):
    """Contiguous rows take a many-lane loop: every lane, the tail, the
    conjugate of x1 and exact integer and bool sums must survive it."""
    rng = np.random.default_rng(n)
    def draw():
        v = rng.standard_normal((3, n))
        if dtype.startswith("complex"):
            v = v + 1j * rng.standard_normal((3, n))
        if dtype == "int32":
            v = rng.integers(-50, 50, (3, n))
        if dtype == "bool":
            v = rng.random((3, n)) < 0.01
        return v.astype(dtype)
    a, b = draw(), draw()
    got = tb.vecdot(tb.asarray(a), tb.asarray(b)).numpy()
    if dtype == "bool":
        np.testing.assert_array_equal(got, np.any(a & b, axis=-1))
        return
    want = np.vecdot(a.astype(np.complex128 if "complex" in dtype else np.float64), b)
    if dtype == "int32":
        np.testing.assert_array_equal(got, want.astype(np.int32))
        return
    tol = 1e-4 if dtype in ("float32", "complex64") else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.sqrt(n))


def test_half_products_round_from_f32():
    rng = np.random.default_rng(3)
    for dt in (np.float16, BF16):
        a = rng.standard_normal((4, 50)).astype(dt)
        b = rng.standard_normal((50, 3)).astype(dt)
        got = (tb.asarray(a) @ tb.asarray(b)).numpy()
        want = (a.astype(np.float32) @ b.astype(np.float32)).astype(dt)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("name, params", [
    ("matmul", [("x1", "POSITIONAL_ONLY"), ("x2", "POSITIONAL_ONLY")]),
    ("matrix_transpose", [("x", "POSITIONAL_ONLY")]),
    ("tensordot", [("x1", "POSITIONAL_ONLY"), ("x2", "POSITIONAL_ONLY"), ("axes", "KEYWORD_ONLY")]),
    ("vecdot", [("x1", "POSITIONAL_ONLY"), ("x2", "POSITIONAL_ONLY"), ("axis", "KEYWORD_ONLY")]),
])
def test_signatures_follow_the_standard(name, params):
    sig = inspect.signature(getattr(tb, name))
    assert [(p.name, p.kind.name) for p in sig.parameters.values()] == params
    if name == "tensordot":
        assert sig.parameters["axes"].default == 2
    if name == "vecdot":
        assert sig.parameters["axis"].default == -1
