"""The namespace against the Array API standard (2024.12): every function
exists, with the standard's parameter names and kinds (positional-only,
keyword-only), checked against array-api-strict, the reference
implementation the standard's authors maintain."""

from __future__ import annotations

import inspect

import pytest
import tensorbridge as tb

xp = pytest.importorskip("array_api_strict")
xp.set_array_api_strict_flags(api_version="2024.12")

_NOT_FUNCTIONS = {
    "set_array_api_strict_flags",
    "get_array_api_strict_flags",
    "reset_array_api_strict_flags",
    "ArrayAPIStrictFlags",
    "Device",
}
FUNCTIONS = sorted(
    n
    for n in dir(xp)
    if not n.startswith("_")
    and n not in _NOT_FUNCTIONS
    and callable(getattr(xp, n))
    and not isinstance(getattr(xp, n), type)
)


def test_the_reference_lists_the_whole_standard():
    assert len(FUNCTIONS) >= 130


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_exists_with_the_standard_signature(name):
    assert hasattr(tb, name), f"tensorbridge.{name} is missing"
    want = inspect.signature(getattr(xp, name))
    got = inspect.signature(getattr(tb, name))
    want_params = [(p.name, p.kind) for p in want.parameters.values()]
    got_params = [(p.name, p.kind) for p in got.parameters.values()]
    assert got_params[: len(want_params)] == want_params, f"{name}{got} != {name}{want}"
    # The standard (2024.12, gh-870) lets implementations add arguments; ours
    # (PyTorch's `pin_memory=`) come after the standard's, keyword-only, with
    # defaults, so every call the standard allows still works.
    for extra in list(got.parameters.values())[len(want_params) :]:
        assert extra.kind is inspect.Parameter.KEYWORD_ONLY, (name, extra)
        assert extra.default is not inspect.Parameter.empty, (name, extra)
    for p in want.parameters.values():
        plain = p.default is None or isinstance(p.default, (bool, int, float, str))
        if p.default is not inspect.Parameter.empty and plain:
            q = got.parameters[p.name]
            assert q.default == p.default or (q.default is None and p.default is None), (
                name,
                p.name,
            )


@pytest.mark.parametrize(
    "name",
    [
        "e",
        "pi",
        "inf",
        "nan",
        "newaxis",
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ],
)
def test_constants_and_dtypes_exist(name):
    assert hasattr(tb, name)
