# The two commands of the README:
#   make demo   set up .venv if needed, then run the main job on the embedded default data
#   make test   set up .venv if needed, then run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test
demo: $(STAMP)
	$(BIN)/jokkgeo report --out build/report --overwrite

test: $(STAMP)
	$(BIN)/python -m pytest -q

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)
