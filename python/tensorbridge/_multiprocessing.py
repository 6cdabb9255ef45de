"""Shared tensors through ``multiprocessing`` as handles, not bytes.

Importing this module registers a reducer for
``tensorbridge.Tensor`` with ``multiprocessing.reduction.ForkingPickler``, the
pickler behind ``multiprocessing`` queues, pipes, pools and the arguments of
``spawn``/``forkserver`` processes. For a tensor whose memory is shared
(``t.share_memory_()``) it sends the memory file's descriptor, wrapped in
``reduction.DupFd`` (a duplicate passed to the child at start-up, or over a
Unix socket by ``multiprocessing``'s resource sharer), plus the view's dtype,
shape, strides, offset and read-only flag: the receiver maps the same memory,
so writes show on both sides, and the pages are freed when the last process
lets go, even one that crashed. A view sends only its own layout over the
same memory file, and a process that receives a file it already maps (another
view, or a tensor coming back from a worker) reuses its storage.

Other tensors pickle as they do everywhere else (their bytes travel).

``Tensor.share_memory_()`` imports this module the first time it runs, and a
receiving process imports it to rebuild the tensor: only shared tensors need
the reducer, and importing ``multiprocessing`` would add milliseconds to every
``import tensorbridge``.
"""

from __future__ import annotations

import pickle
from multiprocessing import reduction
from typing import Any

from ._core import Tensor, _rebuild_shared


def rebuild_shared_tensor(
    dup_fd: Any,
    nbytes: int,
    dtype: str,
    shape: tuple[int, ...],
    strides: tuple[int, ...],
    offset: int,
    readonly: bool,
) -> Tensor:
    """The receiving half: takes this process's descriptor and maps it."""
    return _rebuild_shared(dup_fd.detach(), nbytes, dtype, shape, strides, offset, readonly)


def reduce_tensor(t: Tensor) -> tuple[Any, tuple[Any, ...]]:
    """The sending half: a handle for a shared tensor, the usual pickle otherwise."""
    handle = t._shared_handle()
    if handle is None:
        # What ForkingPickler would have done without this reducer (it
        # pickles with the default protocol).
        return t.__reduce_ex__(pickle.DEFAULT_PROTOCOL)
    fd, *layout = handle
    return (rebuild_shared_tensor, (reduction.DupFd(fd), *layout))


reduction.ForkingPickler.register(Tensor, reduce_tensor)
