#!/usr/bin/env python3
"""The hold model in SimPy, for comparison with `cargo run --example hold`.

N processes each loop ``yield env.timeout(Exp(mean 1 s))``, so N timeouts are
always pending; every fired timeout is one event (one pop of the earliest
pending event and one push at now + Exp(1 s)), exactly as on the Rust side.

Counting: each process increments a shared counter when its timeout fires and,
on the E-th, succeeds a stop event that ``env.run(until=stop)`` waits for, then
returns (so the counter never passes E). That costs one increment and one
comparison per event, and no extra SimPy event per fired timeout.

Timing covers the E events only: building the environment, starting the N
processes and drawing their first delays (the Rust model's ``init``) happen
before the clock starts.

    python benches/peers/simpy_hold.py --pending 1000 --events 1000000 --json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Generator
from typing import Any

try:
    import simpy
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("simpy is not installed: pip install -r benches/peers/requirements.txt")


def run_hold(pending: int, events: int, seed: int) -> tuple[float, float]:
    """Fire `events` events with `pending` held; returns (wall seconds, simulated seconds)."""
    if pending < 1 or events < 1:
        raise ValueError("--pending and --events must be at least 1")
    env = simpy.Environment()
    # Streams named like the Rust side's (`SimRng::stream(seed, "hold")`); the
    # generators differ, so the draws do too, but each run is reproducible.
    rng = random.Random(f"{seed}/hold")
    expovariate = rng.expovariate
    timeout = env.timeout
    stop = env.event()
    fired = 0

    def holder() -> Generator[simpy.Event, Any, None]:
        nonlocal fired
        yield timeout(expovariate(1.0))
        while True:
            fired += 1
            if fired >= events:
                stop.succeed()
                return
            yield timeout(expovariate(1.0))

    for _ in range(pending):
        env.process(holder())
    # Each process starts through one urgent Initialize event at t = 0; step
    # through them so every process has drawn and scheduled its first delay
    # (in process order) before timing starts. No timeout fires here.
    for _ in range(pending):
        env.step()
    assert fired == 0 and len(env._queue) == pending  # noqa: SLF001 - sanity check

    start = time.perf_counter()
    env.run(until=stop)
    seconds = time.perf_counter() - start
    assert fired == events
    return seconds, float(env.now)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pending", type=int, default=100_000, help="events kept pending (N)")
    p.add_argument("--events", type=int, default=1_000_000, help="events to fire (E)")
    p.add_argument("--seed", type=int, default=42, help="root seed")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    args = p.parse_args(argv)

    seconds, simulated = run_hold(args.pending, args.events, args.seed)
    rate = args.events / seconds
    if args.json:
        print(
            json.dumps(
                {
                    "engine": "simpy",
                    "model": "hold",
                    "pending": args.pending,
                    "events": args.events,
                    "seconds": seconds,
                    "events_per_sec": rate,
                }
            )
        )
    else:
        print(
            f"simpy hold N={args.pending}: {args.events} events in {seconds:.3f} s = "
            f"{rate / 1e6:.3f} M events/s; simulated {simulated:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
