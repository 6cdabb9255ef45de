#!/usr/bin/env python
"""Writes crates/tensorbridge/tests/fixtures/format_oracle.txt: PyTorch's repr()
of ~170 tensors, the oracle for tensorbridge::format::format_tensor.

Run with the project's venv (needs torch):

    .venv/bin/python scripts/gen_format_oracle.py

Fixture format, one block per case (all lines ASCII):

    case <n> <name>
    dtype <tensorbridge dtype name>
    shape <d0> <d1> ...            (nothing after "shape" for 0-d)
    device cpu | cuda:<i>
    opts <precision> <threshold> <edgeitems> <linewidth> none|true|false
    values <v> <v> ...             every element, C order
      or
    sparse <flat>:<v> ...          only the printed elements (summarised cases)
    repr <k>
    <k lines of repr(t), "torch." replaced by "tensorbridge.">
    end

Values are exact: ints in decimal, bools 1/0, floats as repr() of the float64
that tensor.tolist() gives (nan, inf, -inf included), complex as re,im.
For summarised tensors only the elements PyTorch prints are written (per
axis: edgeitems first and last when the axis is longer than 2*edgeitems); the
Rust test fails if format_tensor asks for any other element, which also checks
that it reads nothing it does not print.

No CUDA device is needed: the device cases are rendered by PyTorch's own
_tensor_str and _add_suffixes with the device suffix that _str_intern adds for
a non-CPU tensor (first, as "device='cuda:0'"). The same helper without a device
is checked against repr() for every CPU case, so it follows _str_intern.
"""

import itertools
import math
import os
import sys

import torch
from torch._tensor_str import _add_suffixes, _tensor_str

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "tensorbridge", "tests", "fixtures", "format_oracle.txt")

DEFAULTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)

B, I8, I16, I32, I64 = torch.bool, torch.int8, torch.int16, torch.int32, torch.int64
U8, U16, U32, U64 = torch.uint8, torch.uint16, torch.uint32, torch.uint64
F16, BF16, F32, F64 = torch.float16, torch.bfloat16, torch.float32, torch.float64
C64, C128 = torch.complex64, torch.complex128
ALL = [B, I8, I16, I32, I64, U8, U16, U32, U64, F16, BF16, F32, F64, C64, C128]
nan, inf = math.nan, math.inf

cases = []  # (name, tensor, opts, device)


def add(name, t, device=None, **opts):
    cases.append((name, t, {**DEFAULTS, **opts}, device))


def rand(shape, dtype, scale=1.0):
    """Random values typical for the dtype."""
    if dtype == B:
        return torch.rand(shape) > 0.5
    if dtype.is_complex:
        return (torch.randn(shape, dtype=C128) * scale).to(dtype)
    if dtype.is_floating_point:
        return (torch.randn(shape, dtype=F64) * scale).to(dtype)
    info = torch.iinfo(dtype)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    return torch.randint(lo, hi + 1, shape, dtype=I64).to(dtype)


def t(values, dtype=F32):
    return torch.tensor(values, dtype=dtype)


def build():
    torch.manual_seed(1234)

    # Every dtype: 0-d, short 1-d, 2-d, empties.
    for dt in ALL:
        name = str(dt).removeprefix("torch.")
        add(f"{name} 0-d", rand((), dt, 10))
        add(f"{name} 1-d", rand((5,), dt, 10))
        add(f"{name} 2-d", rand((3, 4), dt))
        add(f"{name} empty 1-d", torch.empty((0,), dtype=dt))
        add(f"{name} empty 2-d", torch.empty((2, 0), dtype=dt))

    # Integer mode, zeros, negative zero.
    add("int mode", t([1.0, 2.0, 3.0]))
    add("int mode negative wide", t([1.0, -2.0, 300.0]))
    add("all zero", t([0.0, 0.0]))
    add("zero and negative zero", t([0.0, -0.0]))
    add("negative zero alone", t([-0.0]))
    add("negative zero 0-d", t(-0.0))
    add("negative zero with fraction", t([-0.0, 1.5]))
    add("negative zero with int", t([-0.0, 2.0]))
    add("negative zero with sci", t([-0.0, 1e-5]))
    add("negative zero f64 huge", t([-0.0, -1e10], F64))
    add("rounds to negative zero", t([-1e-6, 1.0]), sci_mode=False)

    # Non-finite values.
    add("nan", t([nan]))
    add("inf", t([inf]))
    add("-inf", t([-inf]))
    add("nan inf -inf", t([nan, inf, -inf]))
    add("nan with fraction", t([nan, 1.5]))
    add("nan with int", t([nan, 2.0]))
    add("inf with tiny", t([inf, 1e-5]))
    add("nan with zero", t([nan, 0.0]))
    add("nan inf mixed f64", t([[nan, -1.25, inf], [3.0, -inf, 0.5]], F64))
    add("nan 0-d", t(nan))
    add("-inf 0-d", t(-inf, F64))
    add("nan inf int mode wide", t([nan, -inf, 12345.0, inf]))

    # Scientific-mode triggers and boundaries.
    add("min below 1e-4", t([1e-5, 1.0]))
    add("max above 1e8", t([1e9]))
    add("max exactly 1e8", t([1e8], F64))
    add("max just above 1e8", t([1e8 + 8], F64))
    add("ratio exactly 1000", t([0.001, 1.0], F64))
    add("ratio above 1000", t([0.001, 1.01], F64))
    add("int ratio above 1000", t([1.0, 1001.0]))
    add("1e-4 float32 is below 1e-4", t([1e-4], F32))
    add("1e-4 float64 is not", t([1e-4], F64))
    add("sci negative mixed", t([-1.5e-7, 2.0, -3e5]))
    add("sci forced on ints", t([1.0, 2.0]), sci_mode=True)
    add("sci forced on zeros", t([0.0, 0.0]), sci_mode=True)
    add("sci forbidden tiny", t([1e-10, 1.0]), sci_mode=False)
    add("sci forbidden huge int", t([1e20, 1.0], F64), sci_mode=False)
    add("sci forbidden huge frac", t([1e15 + 0.5, 0.25], F64), sci_mode=False)

    # Huge and tiny magnitudes.
    add("f64 huge and tiny", t([1e300, 1e-300], F64))
    add("f64 denormal", t([5e-324], F64))
    add("f64 max with one", t([1.7976931348623157e308, 1.0], F64))
    add("f64 max and min overflow ratio", t([1.7976931348623157e308, 5e-324], F64))
    add("f32 extremes", t([3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45]))
    add("f64 1e16 int", t([1e16, 1.0], F64))
    add("f64 123456789 int", t([123456789.0], F64))
    add("f64 1e22 no sci", t([1e22], F64), sci_mode=False)

    # Rounding: ties and carries.
    add("ties to even", t([0.03125, 1.03125, 0.09375, 2.5]))
    add("carries", t([0.99995, 9.99995, 99.99995], F64))
    add("carry 99999.99999", t([99999.99999, 0.5], F64))
    add("half-way precision 0", t([0.5, 1.5, 2.5, 3.25]), precision=0)
    add("sci precision 0", t([1.5e-9, 2.5]), precision=0)
    add("precision 2", rand((6,), F32))
    add("precision 8", rand((6,), F64))
    add("precision 17", t([0.1, 1.0 / 3.0], F64), precision=17)
    add("precision 1 sci", t([123456.0, 0.001]), precision=1)

    # Half types: values are the exact widened float64.
    add("f16 extremes", t([65504.0, -65504.0], F16))
    add("f16 subnormal", t([6e-8, 1.0], F16))
    add("f16 ties", t([1.03125, 0.03125, 2.5], F16))
    add("f16 tenths", t([0.1, 0.2, 0.3], F16))
    add("f16 wrap", rand((50,), F16))
    add("f16 nan inf", t([nan, inf, 1.5, -inf], F16))
    add("bf16 huge", t([1e30, 1.0], BF16))
    add("bf16 tenths", t([0.1, 3.14159], BF16))
    add("bf16 257 rounds to 256", t([257.0, 1.0], BF16))
    add("bf16 2-d", rand((3, 4), BF16, 100))
    add("bf16 0-d", t(0.1, BF16))

    # Integer extremes.
    add("int64 extremes", t([-(2**63), 2**63 - 1, 0], I64))
    add("uint64 max", t([2**64 - 1, 0], U64))
    add("int8 extremes", t([-128, 127, 0], I8))
    add("uint8 extremes", t([0, 255], U8))
    add("int32 min", t([-(2**31), 5], I32))
    add("uint32 max", t([2**32 - 1, 7], U32))
    add("int16 extremes", t([-(2**15), 2**15 - 1], I16))
    add("uint16 max", t([2**16 - 1], U16))
    add("uint64 0-d max", t(2**64 - 1, U64))
    add("int64 0-d negative", t(-42, I64))

    # Bool.
    add("bool true 0-d", t(True, B))
    add("bool false 0-d", t(False, B))
    add("bool only true", t([True], B))
    add("bool only false", t([False, False], B))
    add("bool 3x3", rand((3, 3), B))
    add("bool wrap", rand((60,), B))

    # Complex.
    add("complex 1+2j", t([1 + 2j], C64))
    add("complex 0-d", t(1 + 2j, C64))
    add("complex mixed magnitudes", t([1e-5 + 1j, 1e5 - 2j], C64))
    add("complex negative zero imag", torch.complex(t([1.0]), t([-0.0])))
    add("complex zero", t([0j], C64))
    add("complex nan inf", t([complex(nan, inf), complex(1, nan), complex(-inf, -inf)], C64))
    add("complex int mode", t([1 + 1j, 2 - 3j, -4 + 0j], C64))
    add("complex real int imag frac", t([1 + 0.5j, 2 - 3.25j], C128))
    add("complex sci mixed", t([1e10 + 1j, 0.5 - 1e-6j], C128))
    add("complex128 tiny", t([1e-300 + 1j, 1 - 1e300j], C128))
    add("complex precision 2", rand((4,), C64), precision=2)
    add("complex wrap", rand((25,), C64))
    add("complex 3-d", rand((2, 2, 3), C128))
    add("complex 0-d nan", t(complex(nan, -1.5), C128))
    add("complex 0-d negative imag", t(complex(0.0, -2.0), C64))

    # Rows that wrap and nested dimensions.
    add("wrap randn 100", rand((100,), F32))
    add("wrap arange 100 int mode", torch.arange(100.0))
    add("wrap 3x40", rand((3, 40), F32))
    add("wrap 2x3x30", rand((2, 3, 30), F64))
    add("wrap int64", torch.randint(-10**6, 10**6, (50,)))
    add("3-d", rand((2, 3, 4), F32))
    add("4-d int", rand((2, 2, 2, 3), I32))
    add("5-d", rand((1, 2, 1, 2, 2), F32))
    add("3x1x1", rand((3, 1, 1), F32))
    add("1x1x1x1", rand((1, 1, 1, 1), F32))
    add("3-d bool", rand((2, 2, 2), B))

    # Line width.
    add("linewidth 40", rand((30,), F32), linewidth=40)
    add("linewidth 120", rand((4, 30), F32), linewidth=120)
    add("linewidth 20 3-d", rand((2, 2, 5), F64), linewidth=20)
    add("linewidth 5", rand((4,), F32), linewidth=5)
    add("linewidth 5 f64 suffix", rand((3,), F64), linewidth=5)

    # Summarisation.
    add("summ 2000", rand((2000,), F32))
    add("summ 50x100 int mode", torch.arange(5000.0).reshape(50, 100))
    add("summ 10x10x20", rand((10, 10, 20), F32))
    add("summ int 100x100", torch.arange(10000).reshape(100, 100))
    add("summ bool 40x40", rand((40, 40), B))
    add("summ complex 30x40", rand((30, 40), C128))
    add("summ 4-d", rand((5, 5, 5, 20), F32))
    add("summ 1001", rand((1001,), F32))
    add("summ 3x1000", rand((3, 1000), F16))
    add("summ 1x2000", rand((1, 2000), F32))
    add("summ 7x200", rand((7, 200), BF16))
    add("summ nothing hidden 2^10", rand((2,) * 10, I8))
    add("summ axis of exactly 2*edgeitems rows", rand((6, 200), F32))
    add("summ axis of exactly 2*edgeitems cols", rand((200, 6), I16))
    add("summ axis of 2*edgeitems+1", rand((7, 7, 7, 3), U8))
    x = torch.ones(2000)
    x[1000] = 1e-10
    x[1001] = nan
    add("summ hidden values ignored", x)
    add("summ 1e9 elements expanded", torch.arange(100000.0).expand(10000, 100000))
    add("summ uint64 large", torch.arange(10000).to(U64) * 1000003)
    add("threshold 5 edgeitems 2", torch.arange(10), threshold=5, edgeitems=2)
    add("threshold 5 edgeitems 2 2-d", torch.arange(30.0).reshape(5, 6), threshold=5, edgeitems=2)
    add("edgeitems 0 summarised 1-d", rand((2000,), F32), edgeitems=0)
    add("edgeitems 0 summarised 2-d", rand((50, 50), F64), edgeitems=0)
    add("edgeitems 0 not summarised", rand((2, 3), F32), edgeitems=0)
    add("edgeitems 0 0-d", t(1.5), edgeitems=0)
    add("edgeitems 1", rand((30, 40), F32), edgeitems=1)
    add("edgeitems 10", rand((30, 40), F32), edgeitems=10)
    add("threshold 0 0-d", t(2.5, F64), threshold=0)
    add("threshold 0 1-d", torch.arange(8), threshold=0)

    # Empties.
    add("empty 3x0", torch.empty((3, 0)))
    add("empty 2x0x4 int64", torch.empty((2, 0, 4), dtype=I64))
    add("empty 0x0 bool", torch.empty((0, 0), dtype=B))
    add("empty complex64", torch.empty((0,), dtype=C64))
    add("empty edgeitems 0", torch.empty((0, 2)), edgeitems=0)

    # Suffixes moving to a new line: last line lengths around linewidth.
    for n in range(7, 14):
        add(f"suffix wrap f64 1-d n={n}", torch.full((n,), -1.5, dtype=F64))
    for n in range(9, 13):
        add(f"suffix wrap int8 2-d n={n}", torch.full((2, n), -100, dtype=I8))
    add("suffix wrap linewidth 30", torch.arange(4.0, dtype=F64), linewidth=30)

    # Devices (rendered by torch's helpers; see the module docstring).
    add("cuda f32", rand((3,), F32), device="cuda:0")
    add("cuda f64 two suffixes", torch.full((9,), -1.5, dtype=F64), device="cuda:0")
    add("cuda:1 int32", rand((2, 3), I32), device="cuda:1")
    add("cuda empty int64 three suffixes", torch.empty((0, 3), dtype=I64), device="cuda:0")
    add("cuda edgeitems 0", rand((2, 2), F32), device="cuda:0", edgeitems=0)
    add("cuda 0-d bool", t(True, B), device="cuda:0")
    add("cuda summarised", rand((40, 40), F16), device="cuda:0")


def render(x, device):
    """_str_intern's output for a plain strided tensor, with `device` as its
    device suffix (None: a CPU tensor)."""
    opts = torch._tensor_str.PRINT_OPTS
    suffixes = [f"device='{device}'"] if device else []
    if x.numel() == 0:
        if x.dim() != 1:
            suffixes.append("size=" + str(tuple(x.shape)))
        if x.dtype != torch.get_default_dtype():
            suffixes.append("dtype=" + str(x.dtype))
        body = "[]"
    else:
        if not opts.edgeitems:
            suffixes.append("size=" + str(tuple(x.shape)))
        if x.dtype not in (torch.float32, torch.complex64, torch.int64, torch.bool):
            suffixes.append("dtype=" + str(x.dtype))
        body = _tensor_str(x, len("tensor("))
    return _add_suffixes("tensor(" + body, suffixes, len("tensor("), False)


def value_str(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, complex):
        return repr(v.real) + "," + repr(v.imag)
    return repr(float(v))


def shown(n, summarize, edge):
    if summarize and n > 2 * edge:
        return list(range(edge)) + list(range(n - edge, n))
    return list(range(n))


def values_line(x, opts):
    summarize = x.numel() > opts["threshold"]
    if not summarize or x.dim() == 0:
        flat = x.reshape(-1).tolist()
        return "values" + "".join(" " + value_str(v) for v in flat)
    if opts["edgeitems"] == 0:
        return "sparse"
    axes = [shown(n, True, opts["edgeitems"]) for n in x.shape]
    strides = [math.prod(x.shape[d + 1 :]) for d in range(x.dim())]
    parts = []
    for idx in itertools.product(*axes):
        flat = sum(i * s for i, s in zip(idx, strides))
        parts.append(f"{flat}:{value_str(x[idx].item())}")
    return "sparse " + " ".join(parts)


def main():
    build()
    out = ["# Generated by scripts/gen_format_oracle.py from torch " + torch.__version__ + "; do not edit."]
    for n, (name, x, opts, device) in enumerate(cases):
        with torch._tensor_str.printoptions(**opts):
            text = render(x, device)
            if device is None and text != repr(x):
                sys.exit(f"case {n} {name}: render() differs from repr():\n{text}\n{repr(x)}")
        text = text.replace("torch.", "tensorbridge.")
        sci = {None: "none", True: "true", False: "false"}[opts["sci_mode"]]
        lines = text.split("\n")
        out += [
            f"case {n} {name}",
            "dtype " + str(x.dtype).removeprefix("torch."),
            "shape" + "".join(f" {d}" for d in x.shape),
            "device " + (device or "cpu"),
            f"opts {opts['precision']} {opts['threshold']} {opts['edgeitems']} {opts['linewidth']} {sci}",
            values_line(x, opts),
            f"repr {len(lines)}",
            *lines,
            "end",
        ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{len(cases)} cases -> {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
