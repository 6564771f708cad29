# The two commands of the README:
#   make demo       set up .venv if needed, then run the main job on the embedded default data
#   make test       set up .venv if needed, then `make check` and the whole test suite
# More:
#   make check      ruff (style, complexity, argument count) and mypy on the package
#   make test-fast  the suite without the slow and browser tests (a minute or two)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS := test,dask,pbf,build

.PHONY: demo test test-fast check
demo: $(STAMP)
	$(BIN)/jokkgeo report --out build/report --overwrite

check: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

test: check
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)
