"""Reductions and statistics against NumPy (Hypothesis): sum, prod, max, min,
mean, var, std, all, any, count_nonzero, argmax, argmin, cumulative_sum,
cumulative_prod, over every dtype, axis form (None, int, negative, tuple),
keepdims, strided/transposed/negative-stride/broadcast views, empty and 0-d
tensors, NaN and infinities.

Integer and bool results must equal NumPy's exactly (including wrapping on
overflow); max/min/argmax/argmin/all/any/count_nonzero are exact for every
dtype. Float sums may differ from NumPy's in the order of additions, so they
are compared within ``2*eps(result)*|want| + 1024*eps(accumulator)*sum|x|``,
where float16/bfloat16 accumulate in float32 (their oracle is NumPy in
float32, rounded once, which is the documented behaviour)."""

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import tensorbridge as tb
from conftest import BF16, DTYPES, TB_OF, make_values, strided_views, examples

SETTINGS = settings(max_examples=examples(150), deadline=None)

NUMERIC = [(d, n) for d, n in DTYPES]
LOW = (np.dtype(np.float16), BF16)
EPS = {
    np.dtype(np.float16): 2.0**-10,
    BF16: 2.0**-7,
    np.dtype(np.float32): 2.0**-23,
    np.dtype(np.float64): 2.0**-52,
    np.dtype(np.complex64): 2.0**-23,
    np.dtype(np.complex128): 2.0**-52,
}


def acc_eps(ndt):
    return 2.0**-52 if ndt in (np.dtype(np.float64), np.dtype(np.complex128)) else 2.0**-23


def oracle_input(v):
    """float16/bfloat16 data as float32 (the documented accumulator)."""
    return v.astype(np.float32) if v.dtype in LOW else v


def absval(x):
    """|x| in float64 (the modulus for complex numbers)."""
    return np.abs(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64))


def parts(a):
    """Real view of a float or complex array: (..., 2) for complex."""
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return np.stack([a.real, a.imag], -1).astype(np.float64)
    return a.astype(np.float64)


def assert_close(got, want, mag, ndt_out, ndt_acc):
    """`got` (a tensor) matches `want` within the module's float bound."""
    g = got.numpy()
    assert g.shape == np.shape(want), (g.shape, np.shape(want))
    gp, wp = parts(g), parts(want)
    if np.asarray(want).dtype.kind == "c":
        gn = np.isnan(gp).any(-1)
        wn = np.isnan(wp).any(-1)
        assert np.array_equal(gn, wn), (g, want)
        gp, wp = gp[~gn], wp[~wn]
        mag = np.broadcast_to(np.asarray(mag, dtype=np.float64), np.shape(want))[~wn][..., None]
    else:
        assert np.array_equal(np.isnan(gp), np.isnan(wp)), (g, want)
        keep = ~np.isnan(wp)
        gp, wp = gp[keep], wp[keep]
        mag = np.broadcast_to(np.asarray(mag, dtype=np.float64), np.shape(want))[keep]
    inf = np.isinf(wp)
    assert np.array_equal(gp[inf], wp[inf]), (g, want)
    with np.errstate(invalid="ignore", over="ignore"):
        bound = 2 * EPS[ndt_out] * np.abs(wp) + 1024 * acc_eps(ndt_acc) * mag + 1e-300
        err = np.abs(gp - wp)
    fin = ~inf & np.isfinite(mag)
    assert np.all(err[fin] <= bound[fin]), (g, want, err[fin].max())


def assert_exact(got, want):
    """Same dtype, shape and values (NaN where NumPy has NaN)."""
    want = np.asarray(want)
    g = got.numpy()
    assert got.dtype == TB_OF[want.dtype], (got.dtype, want.dtype)
    assert g.shape == want.shape, (g.shape, want.shape)
    if want.dtype.kind in "fc" or want.dtype == BF16:
        gp, wp = parts(g), parts(want)
        if want.dtype.kind == "c":
            gn, wn = np.isnan(gp).any(-1), np.isnan(wp).any(-1)
            assert np.array_equal(gn, wn)
            assert np.array_equal(gp[~gn], wp[~wn])
        else:
            assert np.array_equal(gp, wp, equal_nan=True), (g, want)
    else:
        assert np.array_equal(g, want), (g, want)


@st.composite
def case(draw, dtypes=NUMERIC):
    """(tensorbridge dtype, view, axis, keepdims) with a valid axis form."""
    tbd, ndt = draw(st.sampled_from(dtypes))
    _, view = draw(strided_views(ndt))
    nd = view.ndim
    forms = [None]
    if nd:
        forms.append(draw(st.integers(-nd, nd - 1)))
        forms.append(tuple(draw(st.permutations(range(nd)))[: draw(st.integers(0, nd))]))
        forms.append(tuple(a - nd if draw(st.booleans()) else a for a in range(nd) if draw(st.booleans())))
    axis = draw(st.sampled_from(forms))
    return tbd, view, axis, draw(st.booleans())


def sum_dtype(ndt):
    if ndt.kind in "bi":
        return np.dtype(np.int64)
    if ndt.kind == "u":
        return np.dtype(np.uint64)
    return ndt


# ---------------------------------------------------------------- sum, prod


@SETTINGS
@given(case())
def test_sum_matches_numpy(c):
    tbd, v, axis, keepdims = c
    got = tb.sum(tb.asarray(v), axis=axis, keepdims=keepdims)
    assert got.dtype == TB_OF[sum_dtype(v.dtype)]
    if v.dtype.kind in "biu":
        assert_exact(got, np.sum(v, axis=axis, keepdims=keepdims))
        return
    x = oracle_input(v)
    with np.errstate(all="ignore"):
        want = np.sum(x, axis=axis, keepdims=keepdims).astype(v.dtype)
        mag = np.sum(absval(x), axis=axis, keepdims=keepdims)
    assert_close(got, want, mag, v.dtype, v.dtype)


@SETTINGS
@given(case(), st.data())
def test_prod_matches_numpy(c, data):
    tbd, v, axis, keepdims = c
    if v.dtype.kind in "fc" or v.dtype == BF16:
        # Values near 1 keep products finite whatever the order.
        rng = np.random.default_rng(data.draw(st.integers(0, 99)))
        vals = rng.uniform(0.8, 1.25, v.shape)
        if v.dtype.kind == "c":
            vals = vals * np.exp(1j * rng.uniform(-0.3, 0.3, v.shape))
        v = vals.astype(v.dtype)
    got = tb.prod(tb.asarray(v), axis=axis, keepdims=keepdims)
    assert got.dtype == TB_OF[sum_dtype(v.dtype)]
    if v.dtype.kind in "biu":
        assert_exact(got, np.prod(v, axis=axis, keepdims=keepdims))
        return
    x = oracle_input(v)
    want = np.prod(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64), axis=axis, keepdims=keepdims)
    n = max(1, v.size // max(1, np.asarray(want).size))
    got_wide = got.numpy().astype(want.dtype)
    err = np.abs(got_wide - want)
    assert got.numpy().shape == want.shape
    # Products beyond the dtype's range are infinite in it: compare the rest.
    top = 60000.0 if v.dtype == np.float16 else 1e37
    ok = np.abs(want) < top
    assert np.all((err <= (4 * n + 4) * EPS[v.dtype] * np.abs(want) + 1e-300)[ok])


@pytest.mark.parametrize(
    "target", [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64, np.float32, np.float64, np.complex128]
)
@given(c=case(dtypes=[(d, n) for d, n in DTYPES if n not in LOW]))
@settings(max_examples=examples(25), deadline=None)
def test_sum_and_prod_dtype_argument(target, c):
    tbd, v, axis, keepdims = c
    target = np.dtype(target)
    if target.kind in "biu" and v.dtype.kind in "fc":
        assume(np.all(np.isfinite(v)))
        v = np.clip(v.real if v.dtype.kind == "c" else v, -100, 100)
    with np.errstate(all="ignore"):
        for tbf, npf in ((tb.sum, np.sum), (tb.prod, np.prod)):
            if npf is np.prod and target.kind in "fc":
                continue
            if target.kind == "b" and v.dtype.kind == "c":
                continue
            got = tbf(tb.asarray(v), axis=axis, dtype=TB_OF[target], keepdims=keepdims)
            want = npf(v, axis=axis, dtype=target, keepdims=keepdims)
            if target.kind in "biu":
                assert_exact(got, want)
            else:
                mag = np.sum(np.abs(v.astype(target)), axis=axis, keepdims=keepdims)
                assert_close(got, want, mag, target, target)


def test_integer_sums_and_products_wrap_like_numpy():
    x = np.array([127, 1, 100], dtype=np.int8)
    assert_exact(tb.sum(tb.asarray(x), dtype=tb.int8), np.sum(x, dtype=np.int8))
    big = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    assert_exact(tb.sum(tb.asarray(big)), np.sum(big))
    u = np.array([2**63, 2**63, 5], dtype=np.uint64)
    assert_exact(tb.sum(tb.asarray(u)), np.sum(u))
    p = np.arange(1, 40, dtype=np.int64)
    assert_exact(tb.prod(tb.asarray(p)), np.prod(p))


# ---------------------------------------------------------------- max, min


@SETTINGS
@given(case())
def test_max_min_match_numpy(c):
    tbd, v, axis, keepdims = c
    x = oracle_input(v)
    for tbf, npf in ((tb.max, np.max), (tb.min, np.min)):
        t = tb.asarray(v)
        try:
            want = npf(x, axis=axis, keepdims=keepdims)
        except ValueError:
            with pytest.raises(ValueError):
                tbf(t, axis=axis, keepdims=keepdims)
            continue
        assert_exact(tbf(t, axis=axis, keepdims=keepdims), np.asarray(want).astype(v.dtype))


def test_max_of_empty_selection_raises_like_numpy():
    t = tb.zeros((0, 3))
    with pytest.raises(ValueError, match="empty"):
        tb.max(t, axis=0)
    assert tb.max(t, axis=1).shape == (0,)
    with pytest.raises(ValueError):
        tb.min(tb.zeros((0, 0)), axis=0)


def test_nan_propagates_in_max_min_sum_mean():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    t = tb.asarray(x)
    for f in (tb.max, tb.min, tb.sum, tb.mean):
        r = f(t, axis=1).numpy()
        assert np.isnan(r[0]) and not np.isnan(r[1])


# ---------------------------------------------------------------- mean, var, std


@SETTINGS
@given(case())
def test_mean_matches_numpy(c):
    tbd, v, axis, keepdims = c
    got = tb.mean(tb.asarray(v), axis=axis, keepdims=keepdims)
    out = np.dtype(np.float64) if v.dtype.kind in "biu" else v.dtype
    assert got.dtype == TB_OF[out]
    x = oracle_input(v)
    with np.errstate(all="ignore"):
        want = np.mean(x, axis=axis, keepdims=keepdims).astype(out)
        mag = np.mean(absval(x), axis=axis, keepdims=keepdims)
    assert_close(got, want, mag, out, out)


@SETTINGS
@given(case(), st.sampled_from([0.0, 1.0, 0.5, 3.0]))
def test_var_std_match_numpy(c, correction):
    tbd, v, axis, keepdims = c
    x = oracle_input(v)
    if v.dtype.kind in "biu":
        out = np.dtype(np.float64)
    elif v.dtype.kind == "c":
        out = np.dtype(np.float32) if v.dtype == np.complex64 else np.dtype(np.float64)
    else:
        out = v.dtype
    with np.errstate(all="ignore"):
        wide = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
        overflow = False
        if out.itemsize == 2:  # float16/bfloat16 accumulate in float32 (squares may overflow)
            wide = wide.astype(np.float32).astype(np.float64)
            # A reduction whose float32 squared deviation from its own mean
            # overflows gives inf (a NaN elsewhere in the array, or a finite
            # float64 square, says nothing about it).
            dev = wide - np.mean(wide, axis=axis, keepdims=True)
            square32 = dev.astype(np.float32) ** 2
            overflow = np.any(np.isinf(square32) & np.isfinite(dev), axis=axis, keepdims=keepdims)
        want_var = np.var(wide, axis=axis, ddof=correction, keepdims=keepdims)
        want_var = np.where(overflow, np.inf, want_var)
        n = max(1, v.size // max(1, want_var.size))
        mag = np.mean(np.abs(wide) ** 2, axis=axis, keepdims=keepdims) * n / max(n - correction, 1e-300)
        if wide.size == 0:
            mag = np.zeros_like(want_var)
    got = tb.var(tb.asarray(v), axis=axis, correction=correction, keepdims=keepdims)
    assert got.dtype == TB_OF[out]
    with np.errstate(all="ignore"):
        assert_close(got, want_var.astype(out), mag, out, out if out in (np.float64,) else np.float32)
        s = tb.std(tb.asarray(v), axis=axis, correction=correction, keepdims=keepdims)
        assert s.dtype == TB_OF[out]
    # std: sqrt(var + e) - sqrt(var) <= sqrt(e), plus the rounding of std itself.
    ae = 1024 * acc_eps(out if out == np.float64 else np.dtype(np.float32))
    # std is the root of the variance in the output dtype (as in NumPy): a
    # variance past the dtype's range gives inf even when its root would fit.
    with np.errstate(over="ignore"):
        want_std = np.sqrt(want_var.astype(out).astype(np.float64))
    g = s.numpy().astype(np.float64)
    assert g.shape == want_std.shape
    assert np.array_equal(np.isnan(g), np.isnan(want_std))
    ok = np.isfinite(want_std) & np.isfinite(mag)
    bound = 2 * EPS[out] * want_std + np.sqrt(ae * mag)
    assert np.all(np.abs(g - want_std)[ok] <= bound[ok]), (g, want_std)


def test_var_two_pass_is_stable():
    x = np.array([1e8 + 1, 1e8 - 1] * 500, dtype=np.float64)
    assert tb.var(tb.asarray(x)).item() == pytest.approx(1.0, rel=1e-12)
    assert tb.std(tb.asarray(x), correction=1).item() == pytest.approx(np.std(x, ddof=1), rel=1e-12)


# ---------------------------------------------------------------- all, any, count_nonzero


@SETTINGS
@given(case())
def test_truth_reductions_match_numpy(c):
    tbd, v, axis, keepdims = c
    t = tb.asarray(v)
    x = oracle_input(v)
    assert_exact(tb.all(t, axis=axis, keepdims=keepdims), np.all(x, axis=axis, keepdims=keepdims))
    assert_exact(tb.any(t, axis=axis, keepdims=keepdims), np.any(x, axis=axis, keepdims=keepdims))
    want = np.asarray(np.count_nonzero(x, axis=axis, keepdims=keepdims), dtype=np.int64)
    assert_exact(tb.count_nonzero(t, axis=axis, keepdims=keepdims), want)


@pytest.mark.parametrize(
    "ndt,zero,lone",
    [
        ("bool", False, True),
        ("uint8", 0, 200),
        ("int64", 0, -1),
        ("float32", -0.0, np.nan),
        ("float64", -0.0, 5e-324),
        ("float16", -0.0, np.inf),
        ("complex64", complex(-0.0, -0.0), complex(0.0, 1.0)),
    ],
)
@pytest.mark.parametrize("n", [1, 4097, 300_001])
def test_whole_tensor_truth_scans_find_one_element_anywhere(ndt, zero, lone, n):
    """Whole contiguous tensors take block scans that stop early and count
    in narrow lanes: a single non-zero element (NaN, a subnormal, an
    imaginary part) or a single zero must be found wherever it sits;
    negative zeros are zeros."""
    for at in sorted({0, n // 2, n - 1}):
        x = np.full(n, zero, dtype=ndt)
        x[at] = lone
        t = tb.from_numpy(x)
        assert tb.any(t).item() is True and tb.all(t).item() == (n == 1)
        assert tb.count_nonzero(t).item() == 1
        y = np.full(n, lone, dtype=ndt)
        y[at] = zero
        u = tb.from_numpy(y)
        assert tb.all(u).item() is False and tb.any(u).item() == (n > 1)
        assert tb.count_nonzero(u).item() == n - 1
        assert tb.any(u, keepdims=True).shape == (1,)
    empty = tb.from_numpy(np.zeros(0, dtype=ndt))
    assert tb.any(empty).item() is False and tb.all(empty).item() is True
    assert tb.count_nonzero(empty).item() == 0


# ---------------------------------------------------------------- argmax, argmin


@SETTINGS
@given(case())
def test_argmax_argmin_match_numpy(c):
    tbd, v, axis, keepdims = c
    if isinstance(axis, tuple):
        axis = axis[0] if len(axis) == 1 else None
    x = oracle_input(v)
    t = tb.asarray(v)
    for tbf, npf in ((tb.argmax, np.argmax), (tb.argmin, np.argmin)):
        try:
            want = npf(x, axis=axis, keepdims=keepdims)
        except ValueError:
            with pytest.raises(ValueError):
                tbf(t, axis=axis, keepdims=keepdims)
            continue
        assert_exact(tbf(t, axis=axis, keepdims=keepdims), np.asarray(want, dtype=np.int64))


def test_argmax_first_nan_and_first_occurrence():
    x = np.array([1.0, 7.0, np.nan, 7.0, np.nan], dtype=np.float32)
    assert tb.argmax(tb.asarray(x)).item() == 2
    assert tb.argmin(tb.asarray(x)).item() == 2
    y = np.array([3, 1, 3, 1], dtype=np.int16)
    assert tb.argmax(tb.asarray(y[::-1])).item() == np.argmax(y[::-1])
    assert tb.argmin(tb.asarray(y[::-1])).item() == np.argmin(y[::-1])


# ---------------------------------------------------------------- cumulative


@SETTINGS
@given(case(), st.booleans(), st.data())
def test_cumulative_sum_prod_match_numpy(c, include_initial, data):
    tbd, v, axis, keepdims = c
    if v.ndim == 0:
        axis = None
    elif v.ndim > 1 or axis is not None:
        axis = data.draw(st.integers(-v.ndim, v.ndim - 1))
    t = tb.asarray(v)
    x = oracle_input(v)
    for tbf, npf in ((tb.cumulative_sum, np.cumulative_sum), (tb.cumulative_prod, np.cumulative_prod)):
        got = tbf(t, axis=axis, include_initial=include_initial)
        assert got.dtype == TB_OF[sum_dtype(v.dtype)]
        with np.errstate(all="ignore"):
            want = npf(x, axis=axis, include_initial=include_initial)
        if v.dtype.kind in "biu":
            assert_exact(got, want)
        elif npf is np.cumulative_sum:
            with np.errstate(all="ignore"):
                xa = absval(x)
                mag = np.cumulative_sum(xa, axis=axis, include_initial=include_initial)
            assert_close(got, want.astype(v.dtype), mag, v.dtype, v.dtype)
        else:
            g = got.numpy()
            assert g.shape == want.shape


def test_cumulative_errors_and_methods():
    t = tb.asarray(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="axis"):
        tb.cumulative_sum(t)
    assert np.array_equal(t.cumsum(1).numpy(), np.cumsum(np.arange(6.0).reshape(2, 3), axis=1))
    assert np.array_equal(t.cumprod(dim=0).numpy(), np.cumprod(np.arange(6.0).reshape(2, 3), axis=0))
    assert tb.cumulative_sum(tb.asarray(np.array([1, 2], np.int8)), include_initial=True).tolist() == [0, 1, 3]


# ---------------------------------------------------------------- errors, methods, big inputs


@pytest.mark.parametrize("f", [tb.sum, tb.prod, tb.max, tb.min, tb.mean, tb.var, tb.std, tb.all, tb.any, tb.count_nonzero])
def test_bad_and_duplicate_axes(f):
    t = tb.ones((2, 3))
    with pytest.raises(IndexError, match="axis 2"):
        f(t, axis=2)
    with pytest.raises(IndexError):
        f(t, axis=(-3,))
    with pytest.raises(ValueError, match="repeated"):
        f(t, axis=(1, -1))
    with pytest.raises(TypeError):
        f(t, axis=1.5)


def test_argmax_takes_one_axis():
    t = tb.ones((2, 3))
    with pytest.raises(TypeError):
        tb.argmax(t, axis=(0, 1))
    with pytest.raises(IndexError):
        tb.argmin(t, axis=-3)
    with pytest.raises(ValueError):
        tb.argmax(tb.zeros((3, 0)), axis=1)


def test_methods_accept_pytorch_spellings():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    t = tb.asarray(x)
    assert t.sum(dim=1, keepdim=True).shape == (2, 1, 4)
    assert t.sum(axis=(0, 2)).tolist() == np.sum(x, axis=(0, 2)).tolist()
    assert t.max(dim=2).tolist() == x.max(axis=2).tolist()  # values only
    assert t.argmax(dim=2, keepdim=True).shape == (2, 3, 1)
    assert t.mean(dim=-1).tolist() == x.mean(axis=-1).tolist()
    assert t.prod(dim=0, dtype=tb.float64).dtype == tb.float64
    assert t.var(dim=1, correction=1).numpy() == pytest.approx(x.var(axis=1, ddof=1))
    assert t.std().item() == pytest.approx(x.std())
    assert t.all().item() is False and t.any().item() is True
    assert t.count_nonzero(dim=0).tolist() == np.count_nonzero(x, axis=0).tolist()
    with pytest.raises(TypeError):
        t.sum(axis=0, dim=0)


def test_signatures_are_keyword_only():
    t = tb.ones(3)
    with pytest.raises(TypeError):
        tb.sum(t, 0)
    with pytest.raises(TypeError):
        tb.sum(x=t)
    assert tb.sum(t, axis=0, dtype=None, keepdims=False).item() == 3.0


@pytest.mark.parametrize("shape,axis", [((1 << 20,), None), ((600, 700), 0), ((700, 600), 1), ((300, 40, 50), (0, 2))])
def test_large_parallel_reductions(shape, axis):
    rng = np.random.default_rng(5)
    x = rng.standard_normal(shape).astype(np.float32)
    for v in (x, x.T, x[::-1]):
        ax = axis
        t = tb.asarray(v)
        got = tb.sum(t, axis=ax).numpy().astype(np.float64)
        want = np.sum(v.astype(np.float64), axis=ax)
        mag = np.sum(np.abs(v.astype(np.float64)), axis=ax)
        assert np.all(np.abs(got - want) <= 1e-6 * mag + 1e-6)
        assert np.array_equal(tb.max(t, axis=ax).numpy(), np.max(v, axis=ax))
        assert np.array_equal(tb.argmax(t, axis=ax if isinstance(ax, int) else None).numpy(),
                              np.argmax(v, axis=ax if isinstance(ax, int) else None))
        m = tb.mean(t, axis=ax).numpy().astype(np.float64)
        assert np.allclose(m, np.mean(v.astype(np.float64), axis=ax), rtol=1e-5, atol=1e-6)
        cs_axis = 0 if v.ndim >= 1 else None
        cs = tb.cumulative_sum(t, axis=cs_axis).numpy()
        assert np.allclose(cs, np.cumulative_sum(v, axis=cs_axis), rtol=1e-4, atol=1e-3)


def test_pairwise_sum_accuracy_float32():
    x = np.full(1 << 22, 0.1, dtype=np.float32)
    exact = float(np.float32(0.1)) * x.size
    got = tb.sum(tb.asarray(x)).item()
    assert abs(got - exact) <= abs(float(np.sum(x)) - exact) + 1e-3 * exact * 1e-3


def test_float16_sums_accumulate_in_float32():
    x = np.full(4096, 1.0, dtype=np.float16)
    # float16 running sums stop at 2048; a float32 accumulator does not.
    assert tb.sum(tb.asarray(x)).item() == 4096.0
    assert tb.cumulative_sum(tb.asarray(x)).numpy()[-1] == 4096.0
    assert tb.mean(tb.asarray(x)).dtype == tb.float16


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int8", "uint16", "int64", "complex64"])
@pytest.mark.parametrize("n", [1, 17, 2047, 2049, 5000, 70_000, 200_000])
def test_argmax_argmin_of_long_axes_match_numpy(dtype, n):
    """The blocked (and, for long axes, parallel) scan of a contiguous
    axis: first occurrence on ties, across block and part boundaries, the
    first NaN, signed zeros, reversed views."""
    rng = np.random.default_rng(n)
    if "int" in dtype:
        base = rng.integers(0, 20, n).astype(dtype)
    else:
        base = (rng.standard_normal(n) * 3).astype(dtype)
    cases = [base, np.full(n, base[0]), np.where(rng.random(n) < 0.5, 0.0, -0.0).astype(dtype)]
    if "float" in dtype or "complex" in dtype:
        nan = base.copy()
        nan[rng.integers(0, n, 2)] = np.nan
        cases.append(nan)
    for a in cases:
        for view in (a, a[::-1]):
            t = tb.asarray(view)
            assert int(tb.argmax(t)) == np.argmax(view)
            assert int(tb.argmin(t)) == np.argmin(view)
