#!/usr/bin/env bash
# The GPU check: run on a machine with an NVIDIA GPU, from the repository's
# root, with the wheel `make wheel` built elsewhere (the GPU machine needs no
# Rust toolchain and no network; its Python must have numpy, pytest,
# hypothesis and, for the DLPack and benchmark rows, torch).
#
#   scripts/gpu_check.sh [--all] [path/to/tensorbridge-*.whl]
#
# Installs the wheel into a temporary directory (nothing system-wide), runs
# the CUDA tests and the DLPack peer tests, then the CUDA benchmark, and
# prints a short summary table last. With --all it also runs the rest of the
# test suite, whose expectations about devices change where a GPU is present
# (the files spread over parallel pytest processes; pytest-xdist cannot be
# used, as some parametrizations are drawn per process).
set -uo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
ALL=0
if [[ "${1:-}" == "--all" ]]; then
    ALL=1
    shift
fi
WHEEL=${1:-$(ls -t dist/tensorbridge-*.whl 2>/dev/null | head -n 1)}
if [[ -z "${WHEEL}" || ! -f "${WHEEL}" ]]; then
    echo "no wheel: build one with 'make wheel' and pass its path" >&2
    exit 2
fi
SITE=$(mktemp -d)
trap 'rm -rf "${SITE}"' EXIT
"${PY}" -m pip install -q --no-index --no-deps --no-compile --target "${SITE}" "${WHEEL}" || exit 2
# The installed package, not the sources in python/, is what gets imported.
export PYTHONPATH="${SITE}"
export PYTHONUNBUFFERED=1
# JAX takes 75% of the GPU's memory at its first use unless told otherwise;
# PyTorch, CuPy and tensorbridge share the card with it in the tests.
export XLA_PYTHON_CLIENT_PREALLOCATE=false

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi not found"
"${PY}" - <<'PY'
import tensorbridge as tb
print("tensorbridge", tb.__version__, "from", tb.__file__)
print("cuda available:", tb.cuda.is_available(), "| devices:", tb.cuda.device_count(),
      "| reason:", tb.cuda.unavailable_reason())
PY

echo "== tests"
# GPU_CHECK_PYTEST_ARGS adds options, e.g. "-n 4 --timeout=90" where
# pytest-xdist and pytest-timeout are installed (a crashed worker then fails
# one test instead of ending the run).
# shellcheck disable=SC2086
"${PY}" -m pytest -q -p no:cacheprovider -o addopts=-ra ${GPU_CHECK_PYTEST_ARGS:-} tests/test_cuda.py tests/test_dlpack_peers.py
tests_rc=$?

echo "== benchmark"
bench=$("${PY}" -m tensorbridge bench --cuda --markdown)
bench_rc=$?
echo "${bench}"

suite_rc=0
if [[ ${ALL} -eq 1 ]]; then
    echo "== the rest of the test suite"
    LOGS=$(mktemp -d)
    files=$(ls tests/test_*.py | grep -v -e 'tests/test_cuda.py' -e 'tests/test_dlpack_peers.py')
    jobs=$(( $(nproc) < 12 ? $(nproc) : 12 ))
    for i in $(seq 0 $((jobs - 1))); do
        group=$(echo "${files}" | awk -v i="${i}" -v n="${jobs}" 'NR % n == i')
        # shellcheck disable=SC2086
        "${PY}" -m pytest -q -p no:cacheprovider -p no:xdist -o addopts=-ra ${group} > "${LOGS}/${i}.log" 2>&1 &
    done
    for pid in $(jobs -p); do
        wait "${pid}" || suite_rc=1
    done
    cat "${LOGS}"/*.log | grep -E '^(FAILED|ERROR)|passed|failed|no tests ran'
    rm -rf "${LOGS}"
fi

echo "== summary"
echo "| check | result |"
echo "| --- | --- |"
echo "| CUDA and DLPack tests | $([[ ${tests_rc} -eq 0 ]] && echo passed || echo "FAILED (exit ${tests_rc})") |"
[[ ${ALL} -eq 1 ]] && echo "| the rest of the test suite | $([[ ${suite_rc} -eq 0 ]] && echo passed || echo FAILED) |"
echo "${bench}" | grep -E '^\| (host|device)' | awk -F'|' '{printf "| %s | tb %s, torch %s, %s (target %s) |\n", $2, $3, $4, $5, $6}' | sed 's/  */ /g'
[[ ${tests_rc} -eq 0 && ${bench_rc} -eq 0 && ${suite_rc} -eq 0 ]]
