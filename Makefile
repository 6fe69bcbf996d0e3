# The two commands of the README are `make repro` and `make test`; both set up the environment first.
VENV := .venv
BIN := $(abspath $(VENV)/bin)
export PATH := $(BIN):$(PATH)

.PHONY: setup constraints repro serve test lint format bench bench-index clean

setup:
	@bash scripts/setup_env.sh

## Re-pin constraints.txt to what .venv holds now (after upgrading a package on purpose).
constraints: setup
	python scripts/pin_constraints.py

## Set up, then regenerate every result and the book (dvc repro: pipeline stages + book build).
repro: setup
	slr-params params.yaml > /dev/null
	dvc repro
	@echo "book: book/_build/html/index.html"

## Serve the built book on http://localhost:8000 (the search box cannot load from file://).
serve:
	@test -f book/_build/html/index.html || { echo "no built book: run make repro first" >&2; exit 1; }
	python3 -m http.server --directory book/_build/html --bind 127.0.0.1 8000

## Set up, then lint and run the whole test suite (unit, notebooks, pipeline, browser), one
## worker per core (at most 4), each test file on one worker.
test: setup
	@bash scripts/ensure_chromium.sh
	ruff check .
	ruff format --check .
	python -m pytest -n auto --maxprocesses 4 --dist loadfile

lint: setup
	ruff check .
	ruff format --check .

format: setup
	ruff check --fix .
	ruff format .

## Time the README commands, a no-op repro, and the corpus generation per profile.
bench: setup
	bash scripts/benchmark_foundation.sh
	python scripts/benchmark_corpus.py
	python scripts/benchmark_retrieval.py
	python scripts/benchmark_dense.py
	python scripts/benchmark_spotting.py
	python scripts/benchmark_seds.py
	python scripts/benchmark_parallel_seeds.py
	python scripts/benchmark_search_page.py

## Searching a million videos (about half an hour on 2 cores): book/scale/ and book/scale.md.
bench-index: setup
	python scripts/benchmark_index.py

clean:
	rm -rf book/_build book/chapters/*.ipynb book/claims.md logs data/corpora data/features data/spotalign
