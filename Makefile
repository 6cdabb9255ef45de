# tensorbridge: the README's commands.
#   make demo   virtualenv, release build of the extension, the tour
#   make test   the same set-up plus test dependencies, cargo test, pytest
#   make bench  the benchmark table (tensorbridge vs NumPy vs PyTorch)
#   make wheel  an abi3 wheel in dist/
#   make fuzz   the property tests at volume (not part of `make test`)
#   make sanitize  Rust tests under AddressSanitizer, Python memory tests under valgrind

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
export CARGO_BUILD_JOBS ?= 2
# NVRTC from PyTorch's pip dependencies (it runs without a GPU): the core's
# tests compile every CUDA kernel with it when it is there.
NVRTC_DIR = $$(dirname "$$(realpath $(VENV)/lib/python*/site-packages/nvidia/*/lib/libnvrtc.so* 2>/dev/null | head -n 1)")

.PHONY: demo test bench wheel develop clean fuzz sanitize

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.demo-deps: requirements/demo.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements/demo.txt
	touch $@

$(VENV)/.test-deps: requirements/test.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements/test.txt
	touch $@

develop: | $(VENV)/bin/python
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release --quiet

demo: $(VENV)/.demo-deps
	$(MAKE) develop
	$(PY) -m tensorbridge tour

test: $(VENV)/.test-deps
	$(MAKE) develop
	TENSORBRIDGE_TEST_NVRTC_DIR="$(NVRTC_DIR)" cargo test -p tensorbridge --all-features
	$(PY) -m pytest -q

# The property tests at volume. Hypothesis: every property test (pytest's
# `hypothesis` marker) under the "fuzz" profile of tests/conftest.py, which
# multiplies each test's budget by twenty and prints the examples it ran.
# Rust: the proptest targets over layouts, strided walks, indexing keys and
# .npy headers and files, at FUZZ_PROPTEST_CASES cases each, in the test
# profile so that an integer overflow panics instead of wrapping silently.
# Rejections (`prop_assume!`) grow with the cases (one layout test rejects
# three draws in four); the default cap of 1024 would abort a long run.
FUZZ_PROPTEST_CASES ?= 20000
FUZZ_PROPTEST := PROPTEST_CASES=$(FUZZ_PROPTEST_CASES) PROPTEST_MAX_GLOBAL_REJECTS=$$(($(FUZZ_PROPTEST_CASES) * 10))

fuzz: $(VENV)/.test-deps
	$(MAKE) develop
	$(FUZZ_PROPTEST) cargo test -p tensorbridge --all-features --lib -- layout:: strided:: npy:: tensor::index ops::index_key
	$(FUZZ_PROPTEST) cargo test -p tensorbridge --all-features --test index_fuzz --test npy_fuzz --test strided_copy
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -m hypothesis

bench: $(VENV)/.test-deps
	$(MAKE) develop
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m tensorbridge bench

# Builds into target/asan and target/valgrind, leaving the regular build
# alone; see scripts/sanitize.sh.
sanitize: $(VENV)/.test-deps
	PY=$(PY) scripts/sanitize.sh

wheel: $(VENV)/.test-deps
	$(VENV)/bin/maturin build --release --out dist

clean:
	rm -rf target dist $(VENV)
