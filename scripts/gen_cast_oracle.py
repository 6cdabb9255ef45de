#!/usr/bin/env python3
"""Generate the NumPy cast oracle for tensorbridge's cast kernel.

Run with the project's virtual environment (numpy 2.x, ml_dtypes)::

    .venv/bin/python scripts/gen_cast_oracle.py [OUTPUT [RANDOM]]

OUTPUT defaults to crates/tensorbridge/tests/fixtures/cast_oracle.bin; the test
crates/tensorbridge/tests/cast_oracle.rs embeds it with include_bytes!.
RANDOM (default 24) is how many seeded random values of each kind every float
source gets; a large RANDOM makes a bigger fixture for local soak testing.

For each of the 15 source dtypes the script builds an array of interesting
values (zeros of both signs, halves, integer limits and their neighbours,
powers of two around every integer width, float16/bfloat16 rounding ties,
overflow values, infinities, NaNs with payloads, subnormals, complex values
with non-zero imaginary parts, plus a few seeded random values), casts it to
every one of the 15 destinations with NumPy (``ml_dtypes.bfloat16`` for
bfloat16) and records source and result bytes.

File format (all integers little-endian, element bytes native = little-endian)::

    magic   8 bytes  b"TBCAST1\\0"
    nsrc    u32      number of source records (15)
    then nsrc records:
      src     u8     source dtype code
      n       u32    number of elements
      data    n * itemsize(src) bytes: the source array
      ndst    u8     number of destination blocks (15)
      then ndst blocks:
        dst   u8     destination dtype code
        data  n * itemsize(dst) bytes: NumPy's result of src_array.astype(dst)

Each record holds the source bytes once for its 15 destinations, so the "pairs"
(src, dst, n, src bytes, dst bytes) share their source bytes; this keeps the
fixture small.

Dtype codes are tensorbridge's DType discriminants, in table order:
    0 bool, 1 int8, 2 int16, 3 int32, 4 int64, 5 uint8, 6 uint16, 7 uint32,
    8 uint64, 9 float16, 10 bfloat16, 11 float32, 12 float64, 13 complex64,
    14 complex128.

Which NumPy result is recorded: NumPy's contiguous cast loops are compiled
with SIMD, and for a few undefined-in-C conversions (NaN / out-of-range
float -> uint32) the SIMD body and the scalar tail (the last few elements, or
strided arrays) give different bits. The oracle records the SIMD-body result:
the array is followed by padding so no recorded element is in a loop tail, and
the script checks that a second placement (shifted by 7 elements) gives the
same bytes. Elements whose single-element (scalar-path) cast differs are
listed on stdout, for documentation only.
"""

import struct
import sys
import warnings
from pathlib import Path

import ml_dtypes
import numpy as np

BF16 = np.dtype(ml_dtypes.bfloat16)
DTYPES = [
    np.dtype(np.bool_), np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32),
    np.dtype(np.int64), np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.uint32),
    np.dtype(np.uint64), np.dtype(np.float16), BF16, np.dtype(np.float32),
    np.dtype(np.float64), np.dtype(np.complex64), np.dtype(np.complex128),
]
NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
         "float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
INT_TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
PAD = 64  # elements of padding after the data: keeps data out of SIMD loop tails
N_RANDOM = int(sys.argv[2]) if len(sys.argv) > 2 else 24

RNG = np.random.default_rng(20240611)


def interesting_ints():
    vals = {0, 1, 2, 3, 5, 7, 100, 1000, 2049, 2051, 4097, 65504, 65519, 65520, 65521,
            2**24 + 1, 2**24 + 3, 2**24 + 2**16 + 1, 2**25 + 2**17 + 1, 2**53 + 1,
            2**60 + 2**36 + 1, 2**62 + 2**38 + 2**9 + 1, 2**31 + 2**7 + 1}
    for t in INT_TYPES:
        info = np.iinfo(t)
        for edge in (int(info.min), int(info.max)):
            vals.update({edge - 1, edge, edge + 1})
    for k in (7, 8, 15, 16, 31, 32, 53, 63, 64):
        vals.update({2**k - 1, 2**k, 2**k + 1})
    vals |= {-v for v in vals}
    return sorted(vals)


def interesting_floats():
    v = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, 0.99999994,
         -0.99999994, 100.7, -100.7, 127.5, 128.0, -128.0, -128.5, -129.0, 255.0, 255.9,
         256.0, -1.0e-3, 32767.0, 32768.0, -32768.0, -32769.0, 65535.0, 65536.0,
         65504.0, 65519.0, 65520.0, -65520.0, 70000.0, -70000.0, 2049.0, 2051.0,
         1 + 2**-11, 1 + 3 * 2**-11, 1 + 2**-11 + 2**-30, 1 + 2**-8, 1 + 3 * 2**-8,
         1 + 2**-8 + 2**-20, 1 + 2**-8 + 2**-30, -(1 + 2**-8 + 2**-30),
         2.0**31 - 1, 2.0**31 - 0.5, 2.0**31, 2.0**31 + 256, -2.0**31, -2.0**31 - 0.5,
         -2.0**31 - 1, -2.0**31 - 256, 2.0**32 - 1, 2.0**32, 2.0**32 + 512, 3.0e9, -3.0e9,
         -(2.0**32), -(2.0**32) - 512, 1.0e10, -1.0e10, 2.0**53 + 2, 2.0**63, -(2.0**63),
         2.0**63 + 2.0**11, 1.5 * 2.0**63, 2.0**64 - 2.0**11, 2.0**64, -(2.0**64), 1.0e19,
         -1.0e19, 1.0e20, 1.0e38, 3.4e38, 3.4028234663852886e38, 3.4028235677973366e38,
         3.3961775292304e38, -3.4e38, 1.0e39, 1.0e300, -1.0e300, np.finfo(np.float64).max,
         np.inf, -np.inf, np.nan, -np.nan, 6.1035156e-05, 6.0975552e-05, 5.9604645e-08,
         2.9802322e-08, 2.98023224e-08 * 1.0000001, -5.9604645e-08, 1.0e-8, 1.17549435e-38,
         1.0e-40, -1.0e-40, 1.4e-45, 7.0e-46, 1.0e-300, 5e-324, -5e-324, 1.0 / 3, -2.0 / 3,
         np.pi, 1.0e5 / 3]
    return v


def nan_bits(dtype):
    """Raw NaN patterns (quiet, signalling, payloads, negative) of a float dtype."""
    if dtype == np.float16 or dtype == BF16:
        bits = [0x7E00, 0xFE00, 0x7C01, 0x7D23, 0xFDFF, 0x7FFF] if dtype == np.float16 else \
               [0x7FC0, 0xFFC0, 0x7F81, 0x7FA3, 0xFFFF, 0x7FC1]
        return np.array(bits, np.uint16).view(dtype)
    if dtype == np.float32:
        return np.array([0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FC12345, 0xFFA00001,
                         0x7FBFFFFF, 0x7F802000, 0x7FFFE000], np.uint32).view(dtype)
    return np.array([0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001,
                     0x7FF8123456789ABC, 0x7FF4000000000000, 0xFFF7FFFFFFFFFFFF,
                     0x7FF0040000000000], np.uint64).view(dtype)


def random_floats(dtype, k):
    """Seeded values: random bit patterns and random magnitudes over a wide range."""
    ubits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dtype.itemsize]
    raw = RNG.integers(0, np.iinfo(ubits).max, k, dtype=ubits, endpoint=True).view(dtype)
    mags = RNG.standard_normal(k) * 10.0 ** RNG.integers(-8, 21, k)
    return np.concatenate([raw, mags.astype(dtype)])


def source_array(dtype):
    if dtype == np.bool_:
        return np.array([False, True, True, False, True, False, False, True])
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        ints = [i for i in interesting_ints() if info.min <= i <= info.max]
        rand = RNG.integers(info.min, info.max, max(N_RANDOM * 2 // 3, 1), dtype=dtype, endpoint=True)
        return np.concatenate([np.array(ints, dtype=dtype), rand])
    if dtype.kind == "c":
        part = np.float32 if dtype == np.complex64 else np.float64
        re = np.concatenate([np.array(interesting_floats()).astype(part), nan_bits(np.dtype(part))])
        ims = np.array([0.0, -0.0, 1.0, np.nan, -2.5, np.inf, 1e-40, 3.0e9]).astype(part)
        im = np.resize(ims, re.size)
        extra = np.array([0j, complex(0.0, 1.0), complex(0.0, np.nan), complex(-0.0, -0.0),
                          complex(0.0, -1e-300)], dtype=dtype)
        out = np.empty(re.size, dtype)
        out.real, out.imag = re, im
        k = max(N_RANDOM // 3, 1)
        rand = random_floats(np.dtype(part), k) + 1j * random_floats(np.dtype(part), k)
        return np.concatenate([out, extra, rand.astype(dtype)])
    vals = np.array(interesting_floats()).astype(dtype)
    ints = np.array([i for i in interesting_ints() if abs(i) < 2**66], dtype=np.float64)
    return np.concatenate([vals, nan_bits(dtype), ints[::3].astype(dtype), random_floats(dtype, N_RANDOM)])


def cast_bulk(src, dst, lead):
    """src.astype(dst) with `lead` padding elements before and PAD after."""
    padded = np.concatenate([np.zeros(lead, src.dtype), src, np.zeros(PAD, src.dtype)])
    return padded.astype(dst)[lead:lead + src.size]


def main():
    out_path = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parent.parent / "crates/tensorbridge/tests/fixtures/cast_oracle.bin"
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
    blob = bytearray(b"TBCAST1\0")
    blob += struct.pack("<I", len(DTYPES))
    pairs = values = 0
    for si, sdt in enumerate(DTYPES):
        src = np.ascontiguousarray(source_array(sdt))
        assert src.dtype == sdt
        blob += struct.pack("<BI", si, src.size) + src.tobytes()
        blob += struct.pack("<B", len(DTYPES))
        for di, ddt in enumerate(DTYPES):
            res = cast_bulk(src, ddt, 0)
            again = cast_bulk(src, ddt, 7)
            if res.tobytes() != again.tobytes():
                raise SystemExit(f"{NAMES[si]}->{NAMES[di]}: result depends on position")
            scalar = np.concatenate([src[i:i + 1].astype(ddt) for i in range(src.size)]) \
                if N_RANDOM <= 100 else res
            if scalar.tobytes() != res.tobytes():
                w = ddt.itemsize
                diff = [i for i in range(src.size)
                        if scalar.tobytes()[i * w:(i + 1) * w] != res.tobytes()[i * w:(i + 1) * w]]
                print(f"note: {NAMES[si]}->{NAMES[di]}: scalar path differs from SIMD body at "
                      f"{len(diff)} of {src.size} values, e.g. {src[diff[0]]!r}: "
                      f"body {res[diff[0]:diff[0] + 1].tobytes().hex()} "
                      f"scalar {scalar[diff[0]:diff[0] + 1].tobytes().hex()}")
            blob += struct.pack("<B", di) + res.tobytes()
            pairs += 1
            values += src.size
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(bytes(blob))
    print(f"wrote {out_path}: {len(blob)} bytes, {pairs} pairs, {values} values "
          f"(numpy {np.__version__}, ml_dtypes {ml_dtypes.__version__})")


if __name__ == "__main__":
    main()
