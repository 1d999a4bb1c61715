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
	$(CARGO) run --quiet -- validate scenarios/production.yaml --target production

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
