"""The Python Array API standard's fft extension.

``tensorbridge.fft`` holds the extension's 14 functions, computed in the
Rust core with rustfft: complex transforms (``fft``, ``ifft``, ``fftn``,
``ifftn``), real ones (``rfft``, ``irfft``, ``rfftn``, ``irfftn``),
Hermitian ones (``hfft``, ``ihfft``), the sample frequencies (``fftfreq``,
``rfftfreq``) and the shifts (``fftshift``, ``ifftshift``). Transforms take
any layout and return new tensors; ``n`` truncates or zero-pads, ``norm``
is ``'backward'``, ``'ortho'`` or ``'forward'``.

Dtypes follow NumPy's ``fft``: complex64 and float32 (float16 and bfloat16
too, in float32) transform in single precision, everything else in double;
``irfft``/``hfft`` give the real dtype of that precision. ``fftfreq`` and
``rfftfreq`` default to the default real floating dtype, float32.
"""

from ._core import (
    fft,
    fftfreq,
    fftn,
    fftshift,
    hfft,
    ifft,
    ifftn,
    ifftshift,
    ihfft,
    irfft,
    irfftn,
    rfft,
    rfftfreq,
    rfftn,
)

__all__ = [
    "fft",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfftn",
    "rfft",
    "rfftfreq",
    "rfftn",
]
