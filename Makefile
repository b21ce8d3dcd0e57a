# Two commands do all setup on a fresh machine:
#   make demo   -> virtualenv + packages, then `crossclaim scan` on the bundled example corpus
#   make test   -> the same setup + Debian's chromium for the browser tests, then `ruff check` and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
# The CPU build of torch goes in first: a bare `torch` requirement resolved by pip pulls a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0

.PHONY: setup demo lint test test-quick chromium calibrate bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

demo: setup
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/crossclaim scan examples/drone-reports --db demo.db --top 5

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: setup
	$(BIN)/ruff check .

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra

test-quick: setup
	$(BIN)/python -m pytest -ra -m 'not slow'

calibrate: setup
	$(BIN)/crossclaim calibrate --recipe shipped

bench: setup
	$(BIN)/crossclaim bench --out docs/BENCHMARKS.md

clean:
	rm -rf $(VENV) build *.egg-info demo.db demo.db-wal demo.db-shm
