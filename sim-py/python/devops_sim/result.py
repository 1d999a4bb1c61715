"""`RunResult`: what a run produced — the full report, a flat summary,
metrics and events — as plain Python data that pickles."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping

from .durations import seconds
from .events import Events
from .metrics import Metrics
from .scenario import Scenario

__all__ = ["RunResult", "summarize"]

_LATENCY = ("mean", "p50", "p95", "p99", "max")
_OUTCOMES = ("requests", "succeeded", "failed", "timed_out", "rejected")


def summarize(report: Mapping[str, Any]) -> Dict[str, Any]:
    """The headline numbers of a report as one flat dict of scalars (one
    row of a sweep table): counts, availability, latency quantiles in
    seconds, throughput, scaling and the conservation check."""
    overall = report["overall"]
    row: Dict[str, Any] = {
        "scenario": report["scenario"],
        "profile": report["profile"],
        "seed": report["seed"],
        "simulated_s": seconds(report["simulated"]),
        "events": report["events"],
    }
    for key in _OUTCOMES:
        row[key] = overall[key]
    row["availability"] = overall["availability"]
    row["error_rate"] = overall["error_rate"]
    for q in _LATENCY:
        row[f"latency_{q}_s"] = seconds(overall["latency"][q])
    row["throughput_rps"] = report["throughput_rps"]
    row["scaling_actions"] = len(report.get("scaling", []))
    replicas = report.get("replicas")
    if replicas:
        row["replicas_peak"] = sum(r["peak"] for r in replicas)
        row["replicas_mean"] = sum(r["mean"] for r in replicas)
    row["conservation_holds"] = report["conservation"]["holds"]
    return row


class RunResult:
    """A finished run (or a simulation's state so far).

    ``report`` is the full run report (the dict form of ``report.json``);
    :meth:`summary` its headline numbers; ``metrics`` and ``events`` the
    recorded series and event log.
    """

    __slots__ = ("scenario", "seed", "report", "metrics", "events")

    def __init__(self, scenario: Scenario, seed: int, report: Dict[str, Any], metrics: Metrics, events: Events) -> None:
        self.scenario = scenario
        self.seed = seed
        self.report = report
        self.metrics = metrics
        self.events = events

    @classmethod
    def _from_run_data(cls, scenario: Scenario, seed: int, data: Mapping[str, Any]) -> "RunResult":
        return cls(
            scenario,
            seed,
            json.loads(data["report_json"]),
            Metrics._from_run_data(data),
            Events._from_run_data(data),
        )

    def summary(self) -> Dict[str, Any]:
        """The headline numbers as a flat dict (see :func:`summarize`)."""
        return summarize(self.report)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunResult):
            return NotImplemented
        return (
            self.scenario == other.scenario
            and self.seed == other.seed
            and self.report == other.report
            and self.metrics == other.metrics
            and self.events == other.events
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Any:
        return (self.scenario, self.seed, self.report, self.metrics, self.events)

    def __setstate__(self, state: Any) -> None:
        self.scenario, self.seed, self.report, self.metrics, self.events = state

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"<RunResult {s['scenario']!r} seed={s['seed']}: {self.report['simulated']} simulated, "
            f"{s['requests']} requests, availability {s['availability']:.4%}, "
            f"p99 {s['latency_p99_s'] * 1e3:.1f} ms>"
        )
