# Quick start:  make run   (set up, then build dist/ from seeds/)
#               make test  (set up, then run the whole test suite)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run test setup setup-test setup-browser bench clean

run: setup
	$(VENV)/bin/timeline build seeds -o dist

test: setup-test setup-browser
	$(PY) -m pytest -q

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test,dask]'
	touch $@

# Debian chromium + poppler for the browser/PDF tests, node packages (ical.js, TimelineJS) for client tests.
setup-browser:
	./scripts/setup-browser.sh

bench: setup
	$(PY) benchmarks/resolve.py $(CORPUS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
