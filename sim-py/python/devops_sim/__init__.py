"""devops_sim — ask "what happens if…" of a production stack, from Python.

::

    import devops_sim as ds
    sc = ds.Scenario.preset("production").with_overrides(duration="10m")
    res = ds.run(sc, seed=7)
    res.summary()["latency_p99_s"]
    res.metrics.to_pandas()

The simulation itself runs in Rust (``devops_sim._native``); this package
converts its inputs and outputs. Same scenario + seed ⇒ same result, on any
machine, thread count or executor.
"""

from __future__ import annotations

from . import _native
from .actions import Action, Fault
from .durations import format_ns, to_ns
from .errors import RunError, ScenarioError, SimError
from .events import Events
from .metrics import Metrics, SeriesKey
from .result import RunResult, summarize
from .run import run
from .scenario import PRESETS, Scenario
from .simulation import Instance, Simulation
from .sweep import SweepResult, sweep

__version__: str = _native.__version__

__all__ = [
    "Action",
    "Events",
    "Fault",
    "Instance",
    "Metrics",
    "PRESETS",
    "RunError",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SeriesKey",
    "SimError",
    "Simulation",
    "SweepResult",
    "format_ns",
    "run",
    "summarize",
    "sweep",
    "to_ns",
]
