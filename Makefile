# The project's habits. `make help` lists them.
PY := .venv/bin/python
YEAR ?= 2017
DATA ?= data/soissons

.PHONY: help install report check test lint strip bench

help:
	@echo "make install   create .venv and install the tool with its test and dev tools"
	@echo "make report    build the report of DATA=$(DATA) for YEAR=$(YEAR), both editions"
	@echo "make check     check DATA=$(DATA) and list errors and warnings"
	@echo "make test      run the test suite"
	@echo "make lint      ruff on the package, tests and benchmarks"
	@echo "make strip     remove outputs from the notebooks before committing"
	@echo "make bench     time the build against plain papermill + nbconvert"

install:
	python3 -m venv .venv && .venv/bin/pip install -e ".[test,dev]"

report:
	.venv/bin/labels-report build --data $(DATA) --year $(YEAR) --edition all

check:
	.venv/bin/labels-report check --data $(DATA)

test:
	$(PY) -m pytest

lint:
	.venv/bin/ruff check src tests benchmarks

strip:
	.venv/bin/nbstripout --keep-id notebooks/*.ipynb

bench:
	$(PY) benchmarks/bench_build.py --repeat 3
