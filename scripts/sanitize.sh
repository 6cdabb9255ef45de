#!/usr/bin/env bash
# The memory-safety runs behind `make sanitize`.
#
#   asan      the core crate's Rust tests under AddressSanitizer, with
#             LeakSanitizer at exit (needs the nightly toolchain:
#             `rustup toolchain install nightly`; skipped, and said so, without it)
#   valgrind  the Python tests of tensorbridge's own unsafe code (memory
#             semantics, lifetimes, DLPack incl. malformed capsules, inputs,
#             pickle, .npy, shared memory, indexing, strided views) under
#             valgrind memcheck, on the debug (unoptimised) extension
#
# Usage: scripts/sanitize.sh [asan] [valgrind]      (both when none is named)
#
# Environment:
#   PY               Python with the test dependencies (default: .venv/bin/python)
#   SANITIZE_JOBS    cargo build jobs (default: $CARGO_BUILD_JOBS, else 2)
#   VALGRIND_TESTS   pytest arguments for the memcheck run (default: the files below)
#
# Each run builds into its own target directory (target/asan, target/valgrind),
# so the regular build is left alone. Logs: target/asan/asan.log;
# target/valgrind/memcheck.xml, sorted in target/valgrind/triage.txt. Exit status: 0 when every run
# that ran is clean, 1 when a run found errors or failed, 2 for a bad argument.
#
# Why the valgrind run looks as it does:
# - PYTHONMALLOC=malloc sends every Python allocation through malloc, so
#   memcheck sees each object (pymalloc's arenas would hide them).
# - Only errors in tensorbridge count: scripts/valgrind-python.supp silences
#   known false positives of CPython, glibc, NumPy and PyTorch, each
#   commented, and scripts/valgrind_triage.py counts the errors any of whose
#   stacks (access, allocation, free) passes through the _core library; the
#   rest are listed as third-party. Leaks count only when "definitely lost"
#   (CPython keeps many objects "possibly lost" until exit).
# - The run fails when a test fails or an error passes through _core.
# - TensorFlow, JAX, Ray and Dask take minutes to load under valgrind and run
#   no tensorbridge code of their own, so their tests are skipped
#   (TENSORBRIDGE_TEST_BLOCK_PEERS, see tests/conftest.py); PyTorch stays in,
#   as its DLPack deleters call back into tensorbridge.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PY=${PY:-.venv/bin/python}
JOBS=${SANITIZE_JOBS:-${CARGO_BUILD_JOBS:-2}}
# Torch-heavy files last: once PyTorch is loaded every gc.collect() scans its
# objects too, which valgrind makes slow. test_dlpack_peers.py is left out:
# its PyTorch chains are in test_lifetime_matrix.py, and the rest is
# TensorFlow and JAX.
DEFAULT_TESTS=(
    tests/test_memory_semantics.py
    tests/test_lifetimes.py
    tests/test_dlpack.py
    tests/test_dlpack_malformed.py
    tests/test_inputs.py
    tests/test_pickle.py
    tests/test_npy.py
    tests/test_shared_memory.py
    tests/test_ops_index.py
    tests/test_ops_elementwise.py
    tests/test_ops_manipulate.py
    tests/test_ops_reduce.py
    tests/test_properties.py
    tests/test_dlpack_exchange.py
    tests/test_lifetime_matrix.py
)
RUNS=("$@")
[ ${#RUNS[@]} -eq 0 ] && RUNS=(asan valgrind)
STATUS=0

say() { printf '\n== sanitize: %s\n' "$*"; }

run_asan() {
    if ! cargo +nightly --version >/dev/null 2>&1; then
        say "asan SKIPPED: no nightly toolchain (rustup toolchain install nightly)"
        return 0
    fi
    local dir=$ROOT/target/asan log=$ROOT/target/asan/asan.log
    mkdir -p "$dir"
    say "asan: cargo +nightly test -p tensorbridge --all-features (log: target/asan/asan.log)"
    local start=$SECONDS
    # The explicit --target keeps build scripts and proc macros uninstrumented.
    RUSTFLAGS="-Zsanitizer=address" RUSTDOCFLAGS="-Zsanitizer=address" \
        ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1" \
        CARGO_TARGET_DIR=$dir \
        cargo +nightly test -j"$JOBS" -p tensorbridge --all-features --no-fail-fast \
        --target x86_64-unknown-linux-gnu 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local reports passed
    reports=$(grep -c 'ERROR: \(Address\|Leak\)Sanitizer' "$log")
    passed=$(grep -o '[0-9]* passed' "$log" | awk '{s += $1} END {print s + 0}')
    say "asan: $passed tests passed, $reports sanitizer reports, exit $rc, $((SECONDS - start)) s"
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
        STATUS=1
    fi
}

run_valgrind() {
    if ! command -v valgrind >/dev/null; then
        say "valgrind SKIPPED: valgrind is not installed (apt-get install valgrind)"
        return 0
    fi
    local dir=$ROOT/target/valgrind xml=$ROOT/target/valgrind/memcheck.xml
    say "valgrind: building the debug extension into target/valgrind"
    CARGO_TARGET_DIR=$dir cargo build -j"$JOBS" -p tensorbridge-py --features extension-module \
        || { STATUS=1; return; }
    # A private copy of the package with the debug extension, so the
    # developer's own build in python/tensorbridge stays as it is.
    rm -rf "$dir/python"
    mkdir -p "$dir/python"
    cp -r python/tensorbridge "$dir/python/"
    rm -f "$dir"/python/tensorbridge/*.so
    cp "$dir/debug/lib_core.so" "$dir/python/tensorbridge/_core.abi3.so"

    local tests
    if [ -n "${VALGRIND_TESTS:-}" ]; then
        read -r -a tests <<<"$VALGRIND_TESTS"
    else
        tests=("${DEFAULT_TESTS[@]}")
    fi
    say "valgrind: memcheck over ${tests[*]} (report: target/valgrind/memcheck.xml)"
    rm -f "$xml" "$dir/triage.txt" "$dir/pytest.xml"
    local start=$SECONDS
    # A forked child runs the leak check again when it exits, over the heap
    # it inherited: its output is meaningless, so it is silenced, and the two
    # tests that assert a forked child's exit status are left out here.
    PYTHONPATH=$dir/python PYTHONMALLOC=malloc PYTHONDONTWRITEBYTECODE=1 \
        TENSORBRIDGE_TEST_BLOCK_PEERS=tensorflow,jax,jaxlib,ray,distributed,dask \
        valgrind --tool=memcheck --error-exitcode=99 --errors-for-leak-kinds=definite \
        --leak-check=full --show-leak-kinds=definite --num-callers=40 \
        --child-silent-after-fork=yes \
        --suppressions="$ROOT/scripts/valgrind-python.supp" --xml=yes --xml-file="$xml" \
        "$PY" -m pytest -q -p no:cacheprovider --junitxml="$dir/pytest.xml" \
        --deselect "tests/test_shared_memory.py::test_process_args_and_queues_both_ways[fork]" \
        --deselect "tests/test_shared_memory.py::test_a_worker_crash_leaves_the_tensor_working[fork]" \
        "${tests[@]}"
    local rc=$?
    # The verdict: pytest's own result (valgrind replaces the exit status
    # with 99 when it saw any error) and the errors that pass through _core.
    local failed
    failed=$("$PY" -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot(); s = r if r.tag == "testsuite" else r[0]
print(int(s.get("failures")) + int(s.get("errors")))' "$dir/pytest.xml" 2>/dev/null || echo "?")
    "$PY" scripts/valgrind_triage.py "$xml" | tee "$dir/triage.txt"
    local core_rc=${PIPESTATUS[0]}
    say "valgrind: exit $rc, pytest failures $failed, $((SECONDS - start)) s"
    if [ "$failed" != 0 ] || [ "$core_rc" -ne 0 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 99 ]; }; then
        STATUS=1
    fi
}

for run in "${RUNS[@]}"; do
    case $run in
        asan) run_asan ;;
        valgrind) run_valgrind ;;
        *) echo "usage: $0 [asan] [valgrind]" >&2; exit 2 ;;
    esac
done
exit $STATUS
