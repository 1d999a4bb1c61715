"""Benchmarks for the Python package's targets (issue 6); not run by the tests.

1. `devops_sim.run` against the same run from Rust (the `devops-sim` CLI,
   release build): target ≤ 5 % more wall time.
2. `sweep` of 8 seeds on rayon against the same 8 runs one by one: target
   ≥ 1.8× faster on 2 cores.
3. `Metrics.to_numpy()` / `to_pandas()` of a day of production metrics.

Usage (after `make python-test` has built the extension into .venv, and
`cargo build --release` the CLI):

    .venv/bin/python benches/python/bench_targets.py [--repeats 5] [--cli target/release/devops-sim]

Prints medians and ratios. Timings are wall clock (time.perf_counter), taken
in alternation so that load from elsewhere hits both sides alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

import devops_sim as ds

REPO = Path(__file__).resolve().parents[2]


def timed(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def default_cli() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "devops-sim"


def bench_run(cli: Path, repeats: int, duration: str) -> None:
    sc = ds.Scenario.preset("production").with_overrides(duration=duration)
    rust_cmd = [str(cli), "run", "--seed", "7", "--duration", duration]
    rust, py_quiet, py_bar = [], [], []
    rust_cpu, py_cpu = [], []
    for _ in range(repeats):
        c0 = child_cpu()
        rust.append(timed(lambda: subprocess.run(rust_cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))
        rust_cpu.append(child_cpu() - c0)
        c0 = time.process_time()
        py_quiet.append(timed(lambda: ds.run(sc, seed=7, progress=False)))
        py_cpu.append(time.process_time() - c0)
        py_bar.append(timed(lambda: ds.run(sc, seed=7)))
    r, q, b = (statistics.median(x) for x in (rust, py_quiet, py_bar))
    rc, pc = statistics.median(rust_cpu), statistics.median(py_cpu)
    print(f"run, production {duration} (median of {repeats}):")
    print(f"  rust CLI                      {r:8.3f} s wall  {rc:8.3f} s CPU")
    print(f"  ds.run(progress=False)        {q:8.3f} s wall  {pc:8.3f} s CPU   ratio wall {q / r:.3f}, CPU {pc / rc:.3f}")
    print(f"  ds.run() (tqdm if long)       {b:8.3f} s wall                  ratio wall {b / r:.3f}")


def bench_sweep(repeats: int, duration: str) -> None:
    sc = ds.Scenario.preset("production").with_overrides(duration=duration)
    seeds = range(8)
    one_by_one, rayon = [], []
    for _ in range(repeats):
        one_by_one.append(timed(lambda: [ds.run(sc, seed=s, progress=False) for s in seeds]))
        rayon.append(timed(lambda: ds.sweep(sc, seeds=seeds, progress=False)))
    a, b = statistics.median(one_by_one), statistics.median(rayon)
    print(f"sweep of 8 seeds, production {duration}, {os.cpu_count()} cores (median of {repeats}):")
    print(f"  one by one (ds.run)           {a:8.3f} s")
    print(f"  ds.sweep on rayon             {b:8.3f} s   speed-up {a / b:.2f}×")


def bench_to_numpy(repeats: int) -> None:
    sc = ds.Scenario.preset("production").with_overrides(duration="24h")
    t0 = time.perf_counter()
    res = ds.run(sc, seed=7, progress=False)
    run_s = time.perf_counter() - t0
    m = res.metrics
    np_times = [timed(m.to_numpy) for _ in range(repeats)]
    pd_times = [timed(m.to_pandas) for _ in range(repeats)]
    print(f"metrics of a production day ({len(m.keys)} series, {len(m)} samples; the run took {run_s:.1f} s):")
    print(f"  to_numpy()                    {statistics.median(np_times) * 1e3:8.1f} ms")
    print(f"  to_pandas()                   {statistics.median(pd_times) * 1e3:8.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cli", type=Path, default=default_cli())
    ap.add_argument("--run-duration", default="2h")
    ap.add_argument("--sweep-duration", default="30m")
    args = ap.parse_args()
    if not args.cli.is_file():
        raise SystemExit(f"no CLI at {args.cli}: run `cargo build --release` (or pass --cli)")
    bench_run(args.cli, args.repeats, args.run_duration)
    bench_sweep(args.repeats, args.sweep_duration)
    bench_to_numpy(args.repeats)


if __name__ == "__main__":
    main()
