#!/usr/bin/env python3
"""Run the same models in SimPy and in devops-sim and compare events per second.

Builds the Rust examples once (``cargo build --release --examples`` in the repo
root), then for each case runs ``cargo run --release --quiet --example ... --json``
and the matching SimPy script under this interpreter, R times each, and prints
the median rates and their ratio (devops-sim / simpy), then one JSON line with
every number. Rates are compared, not totals, so the Rust side fires more
events than SimPy to get a measurable run time. Runs are sequential, never
concurrent, so the two engines do not compete for cores.

    python benches/peers/run_peers.py [--quick] [--repeat 3] [--simpy-only] [--seed 42]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REQUIREMENTS = "benches/peers/requirements.txt"


@dataclass(frozen=True)
class Case:
    """One model and size, with the flags each side gets."""

    name: str
    example: str  # Rust example name
    script: str  # SimPy script in this directory
    common: tuple[str, ...]  # flags both sides get (model parameters)
    simpy_size: tuple[str, ...]  # run length for SimPy
    rust_size: tuple[str, ...]  # run length for devops-sim


def cases(quick: bool) -> list[Case]:
    """The three cases; `quick` shrinks them to a smoke test of a few seconds in all."""
    if quick:
        return [
            Case("hold N=100", "hold", "simpy_hold.py", ("--pending", "100"), ("--events", "20000"), ("--events", "200000")),
            Case("hold N=1000", "hold", "simpy_hold.py", ("--pending", "1000"), ("--events", "20000"), ("--events", "200000")),
            Case(
                "mmc c=4 rho=0.9",
                "mmc_queue",
                "simpy_mmc.py",
                ("--servers", "4", "--rho", "0.9"),
                ("--customers", "5000"),
                ("--customers", "50000"),
            ),
        ]
    return [
        Case("hold N=1k", "hold", "simpy_hold.py", ("--pending", "1000"), ("--events", "1000000"), ("--events", "20000000")),
        Case(
            "hold N=100k", "hold", "simpy_hold.py", ("--pending", "100000"), ("--events", "1000000"), ("--events", "20000000")
        ),
        Case(
            "mmc c=4 rho=0.9",
            "mmc_queue",
            "simpy_mmc.py",
            ("--servers", "4", "--rho", "0.9"),
            ("--customers", "500000"),
            ("--customers", "5000000"),
        ),
    ]


class RunError(RuntimeError):
    """A benchmark program failed or printed something other than one JSON line."""


def run_json(cmd: list[str], what: str) -> dict[str, Any]:
    """Run `cmd` in the repo root and parse the last line of its stdout as JSON."""
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RunError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"--- stderr ---\n{proc.stderr.strip()}\n--- stdout ---\n{proc.stdout.strip()}"
        )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        result: dict[str, Any] = json.loads(lines[-1])
        rate = float(result["events_per_sec"])
    except (IndexError, ValueError, KeyError, TypeError) as e:
        raise RunError(
            f"{what} did not print a JSON line with events_per_sec ({e}): {' '.join(cmd)}\n"
            f"--- stdout ---\n{proc.stdout.strip()}\n--- stderr ---\n{proc.stderr.strip()}"
        ) from None
    if not rate > 0:
        raise RunError(f"{what} reported a non-positive rate: {lines[-1]}")
    return result


def median_run(cmd: list[str], what: str, repeat: int) -> dict[str, Any]:
    """Run `cmd` `repeat` times; the run with the median rate (the lower one for even
    `repeat`, so every field comes from one real run), plus every run's rate."""
    runs = [run_json(cmd, what) for _ in range(repeat)]
    rates = [r["events_per_sec"] for r in runs]
    median = statistics.median_low(rates)
    chosen = dict(next(r for r in runs if r["events_per_sec"] == median))
    chosen["all_events_per_sec"] = rates
    return chosen


def build_rust() -> None:
    """`cargo build --release --examples` in the repo root, stopping with its output on failure."""
    if shutil.which("cargo") is None:
        sys.exit("cargo not found on PATH (or pass --simpy-only)")
    print("building the Rust examples (cargo build --release --examples) ...", file=sys.stderr, flush=True)
    proc = subprocess.run(
        ["cargo", "build", "--release", "--examples"], cwd=REPO, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"cargo build --release --examples failed (exit {proc.returncode}):\n{proc.stderr.strip()}")


def fmt_rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate / 1e6:.3f} M/s"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    p.add_argument("--repeat", type=int, default=1, metavar="R", help="runs per side and case; report the median")
    p.add_argument("--seed", type=int, default=42, help="root seed passed to both sides")
    p.add_argument("--simpy-only", action="store_true", help="skip building and running the Rust examples")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")

    if importlib.util.find_spec("simpy") is None:
        sys.exit(f"simpy is not installed for {sys.executable}: pip install -r {REQUIREMENTS}")
    import simpy  # noqa: PLC0415 - imported only to report its version

    sys.path.insert(0, str(HERE))
    from simpy_mmc import erlang_c_wait  # noqa: PLC0415

    if not args.simpy_only:
        build_rust()

    seed = ("--seed", str(args.seed))
    rows: list[dict[str, Any]] = []
    try:
        for case in cases(args.quick):
            print(f"{case.name}: simpy ...", file=sys.stderr, flush=True)
            py_cmd = [sys.executable, str(HERE / case.script), *case.common, *case.simpy_size, *seed, "--json"]
            simpy_result = median_run(py_cmd, f"SimPy {case.script}", args.repeat)
            rust_result: dict[str, Any] | None = None
            if not args.simpy_only:
                print(f"{case.name}: devops-sim ...", file=sys.stderr, flush=True)
                rs_cmd = [
                    "cargo", "run", "--release", "--quiet", "--example", case.example, "--",
                    *case.common, *case.rust_size, *seed, "--json",
                ]  # fmt: skip
                rust_result = median_run(rs_cmd, f"Rust example {case.example}", args.repeat)
            ratio = rust_result["events_per_sec"] / simpy_result["events_per_sec"] if rust_result else None
            rows.append({"case": case.name, "simpy": simpy_result, "devops_sim": rust_result, "ratio": ratio})
    except RunError as e:
        sys.exit(str(e))

    header = f"{'case':<18} {'simpy':>12} {'devops-sim':>12} {'ratio':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        rust_rate = row["devops_sim"]["events_per_sec"] if row["devops_sim"] else None
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.1f}x"
        print(f"{row['case']:<18} {fmt_rate(row['simpy']['events_per_sec']):>12} {fmt_rate(rust_rate):>12} {ratio:>9}")
    for row in rows:
        if "mean_wait_s" in row["simpy"]:
            rust_wait = row["devops_sim"].get("mean_wait_s") if row["devops_sim"] else None
            rust_text = "-" if rust_wait is None else f"{rust_wait:.4f} s"
            theory = erlang_c_wait(int(row["simpy"]["servers"]), float(row["simpy"]["rho"]) * row["simpy"]["servers"], 1.0)
            row["erlang_c_wait_s"] = theory
            print(
                f"{row['case']}: mean wait simpy {row['simpy']['mean_wait_s']:.4f} s, "
                f"devops-sim {rust_text}, Erlang C {theory:.4f} s"
            )
    summary = {
        "bench": "peers",
        "quick": args.quick,
        "repeat": args.repeat,
        "seed": args.seed,
        "python": platform.python_version(),
        "simpy_version": simpy.__version__,
        "cases": rows,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
