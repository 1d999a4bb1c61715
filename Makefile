# The project's loop. `make test` is what CI runs (.ci/run) and what the README shows.
CARGO ?= cargo
VENV ?= .venv
PYTHON ?= python3

.PHONY: test python-test run bench bench-peers

## Every check: formatting, lints as errors, all tests, docs without warnings,
## the examples (which assert their results) on small settings, then the
## Python package's tests and the notebooks.
test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps
	$(CARGO) run --quiet --example mmc_queue -- --customers 50000 --replications 12
	$(CARGO) run --quiet --example hold -- --pending 1000 --events 200000
	$(CARGO) run --quiet --example canary_vs_rolling -- --minutes 30
	$(CARGO) run --quiet -- validate scenarios/production.yaml --target production
	$(MAKE) python-test

## The Python package: build the extension once (release) into $(VENV), then
## run its tests (pytest, stubtest, Dask and process pools) and execute the
## notebooks (nbmake) on small settings.
python-test:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r sim-py/requirements-test.txt
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release --manifest-path sim-py/Cargo.toml
	$(VENV)/bin/python -m pytest sim-py/tests --nbmake notebooks

## The main job: the built-in production scenario (an hour of ~1,000 req/s),
## report printed and written to out/.
run:
	$(CARGO) run --release -- run --out out

## Criterion benchmarks: the engine beside its hand-written BinaryHeap twins,
## and an hour of the production scenario.
bench:
	$(CARGO) bench --bench engine
	$(CARGO) bench --bench scenario

## The same models in SimPy and in devops-sim, side by side.
bench-peers:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r benches/peers/requirements.txt
	$(VENV)/bin/python benches/peers/run_peers.py
