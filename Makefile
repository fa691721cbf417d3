# The project's habits. `make help` lists them.
PY := .venv/bin/python
# Quarto installed in the project by `make quarto` is on the PATH of every habit.
export PATH := $(if $(wildcard .quarto/bin/quarto),$(CURDIR)/.quarto/bin:)$(PATH)
YEAR ?= 2017
DATA ?= data/soissons

.PHONY: help install quarto report check test test-fast lint strip bench lock screenshots

help:
	@echo "make install    create .venv and install the tool with its test and dev tools (versions of constraints.txt)"
	@echo "make quarto     install Quarto 1.9 into .quarto/ from the kit in ../shared/quarto (for the Quarto engine)"
	@echo "make report     build the report of DATA=$(DATA) for YEAR=$(YEAR), both editions"
	@echo "make check      check DATA=$(DATA) and list errors and warnings"
	@echo "make test-fast  the inner loop: every test that builds no whole report and opens no browser (< 1 min)"
	@echo "make test       the whole test suite, as CI runs it"
	@echo "make lint       ruff on the package, tests and benchmarks"
	@echo "make strip      remove outputs from the notebooks before committing"
	@echo "make bench      time the build against plain papermill + nbconvert, a town of 20 000 actions, a network of 100 towns"
	@echo "make lock       pin every dependency again into constraints.txt (from a fresh environment)"
	@echo "make screenshots  the README's pictures of the staff's page, taken in headless Chromium"

install:
	python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e ".[test,dev]"

quarto:
	../shared/quarto/install.sh .quarto

report:
	.venv/bin/labels-report build --data $(DATA) --year $(YEAR) --edition all

check:
	.venv/bin/labels-report check --data $(DATA)

test:
	$(PY) -m pytest

test-fast:
	$(PY) -m pytest -m "not slow and not browser" -q

lint:
	.venv/bin/ruff check src tests benchmarks

strip:
	.venv/bin/nbstripout --keep-id notebooks/*.ipynb

bench:
	$(PY) benchmarks/bench_build.py --repeat 5
	$(PY) benchmarks/bench_scale.py
	$(PY) benchmarks/bench_network.py

lock:
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install -q -e ".[test,dev,bench]"
	(echo "# Every dependency, pinned: what CI installs (pip install -c constraints.txt ...)."; \
	 echo "# Written by 'make lock' with $$(.lock-venv/bin/python --version); edit pyproject.toml, then run it again."; \
	 .lock-venv/bin/pip freeze --exclude-editable | grep -v '^labels-report') > constraints.txt
	rm -rf .lock-venv

screenshots:
	LABELS_REPORT_SCREENSHOTS=docs $(PY) -m pytest tests/test_serve_browser.py -q
