# tensorbridge: the README's commands.
#   make demo   virtualenv, release build of the extension, the tour
#   make test   the same set-up plus test dependencies, cargo test, pytest
#   make bench  the benchmark table (tensorbridge vs NumPy vs PyTorch)
#   make wheel  an abi3 wheel in dist/
#   make sanitize  Rust tests under AddressSanitizer, Python memory tests under valgrind

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
export CARGO_BUILD_JOBS ?= 2

.PHONY: demo test bench wheel develop clean sanitize

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
	cargo test -p tensorbridge --all-features
	$(PY) -m pytest -q

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
