# The project's loop. `make test` is what CI runs (.ci/run) and what the README shows.
CARGO ?= cargo
VENV ?= .venv
PYTHON ?= python3

.PHONY: test run bench bench-peers

## Every check: formatting, lints as errors, all tests, docs without warnings,
## and the examples (which assert their results) on small settings.
test:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps
	$(CARGO) run --quiet --example mmc_queue -- --customers 50000 --replications 12
	$(CARGO) run --quiet --example hold -- --pending 1000 --events 200000

## The main job: an M/M/4 queue at 90 % load against Erlang C.
run:
	$(CARGO) run --release --example mmc_queue

## Criterion benchmarks, each beside its hand-written BinaryHeap twin.
bench:
	$(CARGO) bench --bench engine

## The same models in SimPy and in devops-sim, side by side.
bench-peers:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r benches/peers/requirements.txt
	$(VENV)/bin/python benches/peers/run_peers.py
