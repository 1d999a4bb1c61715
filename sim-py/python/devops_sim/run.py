"""`run`: one scenario, one seed, to the end — in native code, with the GIL
released, Ctrl-C honoured and an optional progress bar."""

from __future__ import annotations

from typing import Optional

from . import _native
from .durations import DurationLike, format_ns, to_ns
from .progress import ProgressLike, progress_callback
from .result import RunResult
from .scenario import Scenario
from .seeds import check_seed

__all__ = ["run"]


def run(
    scenario: Scenario,
    seed: Optional[int] = None,
    *,
    duration: Optional[DurationLike] = None,
    progress: ProgressLike = None,
) -> RunResult:
    """Runs ``scenario`` for its duration (or ``duration``) with root seed
    ``seed`` (default: the scenario's) and returns the :class:`RunResult`.

    The same scenario and seed always give the same result. Ctrl-C stops the
    run within milliseconds with ``KeyboardInterrupt``; see
    :mod:`devops_sim.progress` for ``progress``.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"run: expected a Scenario, not {type(scenario).__name__}")
    seed = scenario.seed if seed is None else check_seed(seed)
    if duration is not None:
        ns = to_ns(duration, "duration")
        scenario = scenario.with_overrides(duration=format_ns(ns))
    with progress_callback(progress, f"{scenario.name} seed {seed}") as callback:
        data = _native.run(scenario._native, seed, callback)
    return RunResult._from_run_data(scenario, seed, data)
