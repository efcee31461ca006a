# Two commands for a fresh machine (see README.md):
#   make week   - create the environment and run the weekly prep on the bundled sample data
#   make test   - install the full test stack (CPU torch, Chromium, corpora) and run every test
#
# Everything installs into .venv; system packages (Chromium, Korean fonts) come from Debian.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# torch's CPU build: a plain `torch` requirement would pull a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0

.PHONY: week test setup setup-test data lint bench clean-venv

# The bundled sample team lives in July 2025; its weekly prep runs as of that date.
# A real team runs `tracker week` (or `make week SAMPLE_TODAY=`) to use today's date.
SAMPLE_TODAY ?= 2025-07-07

week: $(VENV)/.tracker-installed
	TRACKER_TODAY=$(SAMPLE_TODAY) $(BIN)/tracker week

test: setup-test
	$(BIN)/python -m pytest

setup: $(VENV)/.tracker-installed

$(VENV)/.tracker-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "$(TORCH_SPEC)"
	$(PIP) install -q -e ".[repro,dev]"
	touch $(VENV)/.tracker-installed $@

setup-test: $(VENV)/.test-installed
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		echo "installing Debian chromium and fonts-noto-cjk for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	$(BIN)/tracker data fetch --all

data: $(VENV)/.test-installed
	$(BIN)/tracker data fetch --all

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup-test
	for script in benchmarks/bench_*.py benchmarks/*_vs_*.py; do $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)
