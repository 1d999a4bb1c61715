#!/usr/bin/env python3
"""An M/M/c queue in idiomatic SimPy, for comparison with `cargo run --example mmc_queue`.

c servers (``simpy.Resource(env, capacity=c)``, FIFO), Poisson arrivals at
λ = ρ·c·μ with μ = 1 per second, Exp(mean 1/μ) service. One source process
spawns K customer processes; each customer does
``with res.request() as req: yield req; yield env.timeout(service)``.

As on the Rust side: the first K/10 customers are a warm-up (served, not
measured); the mean wait in queue is over the rest; the run ends when the last
customer leaves; events are counted as 2 per customer (arrival + departure),
although SimPy processes more of its own events (process start, request grant,
resource release, process end) for each customer.

Timing covers ``env.run()`` only (environment, resource and source process are
built before the clock starts).

    python benches/peers/simpy_mmc.py --servers 4 --rho 0.9 --customers 2000000 --check
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Generator
from typing import Any

try:
    import simpy
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("simpy is not installed: pip install -r benches/peers/requirements.txt")

MU = 1.0
CHECK_TOLERANCE = 0.10


def erlang_c_wait(servers: int, lam: float, mu: float) -> float:
    """Mean wait in queue Wq = C(c, a) / (c·μ − λ) of an M/M/c queue, a = λ/μ (textbook Erlang C)."""
    a = lam / mu
    rho = a / servers
    if not 0.0 < rho < 1.0:
        raise ValueError(f"unstable or empty queue: rho = {rho}")
    top = a**servers / math.factorial(servers) / (1.0 - rho)
    below = sum(a**k / math.factorial(k) for k in range(servers))
    c = top / (below + top)
    return c / (servers * mu - lam)


def run_mmc(servers: int, rho: float, customers: int, seed: int) -> tuple[float, float, int]:
    """Serve `customers` customers; returns (wall seconds, mean wait in queue, customers measured)."""
    if servers < 1 or customers < 1 or not 0.0 < rho < 1.0:
        raise ValueError("need --servers >= 1, --customers >= 1 and 0 < --rho < 1")
    lam = rho * servers * MU
    warmup = customers // 10
    env = simpy.Environment()
    res = simpy.Resource(env, capacity=servers)
    # Two streams, named like the Rust side's; the generators differ, so the
    # draws do too, but each run is reproducible.
    arrivals = random.Random(f"{seed}/arrivals")
    service = random.Random(f"{seed}/service")
    total_wait = 0.0
    measured = 0

    def customer(index: int) -> Generator[simpy.Event, Any, None]:
        nonlocal total_wait, measured
        arrived = env.now
        with res.request() as req:
            yield req
            if index >= warmup:
                total_wait += env.now - arrived
                measured += 1
            yield env.timeout(service.expovariate(MU))

    def source() -> Generator[simpy.Event, Any, None]:
        for index in range(customers):
            yield env.timeout(arrivals.expovariate(lam))
            env.process(customer(index))

    env.process(source())
    start = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - start
    assert measured == customers - warmup and res.count == 0
    return seconds, (total_wait / measured if measured else 0.0), measured


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--servers", type=int, default=4, help="servers (c)")
    p.add_argument("--rho", type=float, default=0.9, help="utilisation ρ = λ / (c μ), μ = 1 per second")
    p.add_argument("--customers", type=int, default=200_000, help="customers (K); events = 2K")
    p.add_argument("--seed", type=int, default=42, help="root seed")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 if the mean wait is more than {CHECK_TOLERANCE * 100:.0f}%% off Erlang C "
        "(use a large K: at c = 4, ρ = 0.9 the estimate's spread across seeds is about "
        "7%% at 200k customers and 2.5%% at 2M, so check with --customers 2000000)",
    )
    args = p.parse_args(argv)

    theory = erlang_c_wait(args.servers, args.rho * args.servers * MU, MU)
    seconds, wait, _ = run_mmc(args.servers, args.rho, args.customers, args.seed)
    events = 2 * args.customers
    rate = events / seconds
    if args.json:
        print(
            json.dumps(
                {
                    "engine": "simpy",
                    "model": "mmc",
                    "servers": args.servers,
                    "rho": args.rho,
                    "customers": args.customers,
                    "events": events,
                    "seconds": seconds,
                    "events_per_sec": rate,
                    "mean_wait_s": wait,
                }
            )
        )
    else:
        print(
            f"simpy M/M/{args.servers} rho={args.rho}: {args.customers} customers, {events} events "
            f"in {seconds:.3f} s = {rate / 1e6:.3f} M events/s; Wq = {wait:.4f} s (Erlang C {theory:.4f} s)"
        )
    if args.check:
        error = abs(wait / theory - 1.0)
        if error > CHECK_TOLERANCE:
            print(
                f"check FAILED: Wq = {wait:.4f} s vs Erlang C {theory:.4f} s ({error:.1%} off)",
                file=sys.stderr,
            )
            return 1
        print(f"check ok: Wq = {wait:.4f} s vs Erlang C {theory:.4f} s ({error:.1%} off)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
