"""CUDA device queries.

This build has no CUDA backend yet: ``is_available()`` is ``False`` and
every request for a CUDA tensor raises ``RuntimeError`` instead of silently
moving data.
"""


def is_available() -> bool:
    """Whether tensorbridge can use a CUDA GPU here."""
    return False


def device_count() -> int:
    """Number of CUDA GPUs tensorbridge can use."""
    return 0
