"""`Simulation`: step a scenario's world through time from Python, inject
faults and actions, and read metrics so far.

Time arguments are durations since the start of the run (``"30m"``, seconds,
or a ``timedelta``); the clock only moves forward.
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional

from . import _native
from .actions import Action, Fault, Injectable
from .durations import DurationLike, format_ns, to_ns
from .events import Events
from .metrics import Metrics
from .progress import ProgressLike, progress_callback
from .result import RunResult
from .scenario import Scenario
from .seeds import check_seed

__all__ = ["Simulation", "Instance"]


class Instance(NamedTuple):
    """One app instance: its id (the index ``Fault.crash`` takes), where it
    runs, which release, where it is in its life, and whether it gets traffic."""

    id: int
    region: str
    version: str
    lifecycle: str
    routable: bool


class Simulation:
    """An interactive run of ``scenario`` with root seed ``seed``.

    ::

        sim = Simulation(Scenario.preset("production"), seed=7)
        sim.run_until("10m")
        sim.inject(Action.scale("us-east-1", 20))
        sim.run_until("20m")
        sim.metrics.to_pandas()

    Running in steps gives exactly the result of one run to the same time.
    """

    def __init__(self, scenario: Scenario, seed: Optional[int] = None) -> None:
        if not isinstance(scenario, Scenario):
            raise TypeError(f"Simulation: expected a Scenario, not {type(scenario).__name__}")
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else check_seed(seed)
        self._native = _native.Simulation(scenario._native, self.seed)

    # -- the clock ----------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return self._native.now_ns / 1e9

    @property
    def events_handled(self) -> int:
        """Engine events handled so far."""
        return self._native.events_handled

    def step(self, n: int = 1) -> Optional[float]:
        """Handles the next ``n`` events; returns the clock afterwards
        (seconds), or ``None`` if no event was pending."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n: expected an integer, not {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n: must be at least 1 (got {n})")
        t = self._native.step(n)
        return None if t is None else t / 1e9

    def run_until(self, time: DurationLike, *, progress: ProgressLike = False) -> float:
        """Handles every event up to ``time`` (since the start) and sets the
        clock there; returns the clock (seconds). Ctrl-C stops it early with
        ``KeyboardInterrupt``, leaving the simulation usable where it got to."""
        return self._run_until_ns(to_ns(time, "time"), progress)

    def _run_until_ns(self, until: int, progress: ProgressLike) -> float:
        now = self._native.now_ns
        if until < now:
            raise ValueError(f"time: {format_ns(until)} is before now ({format_ns(now)}); time only moves forward")
        with progress_callback(progress, f"until {format_ns(until)}") as callback:
            self._native.run_until(until, callback)
        return self.now

    def run_for(self, duration: DurationLike, *, progress: ProgressLike = False) -> float:
        """Runs for ``duration`` of simulated time from now."""
        return self._run_until_ns(self._native.now_ns + to_ns(duration, "duration"), progress)

    def run_to_end(self, *, progress: ProgressLike = None) -> float:
        """Runs to the scenario's duration."""
        return self.run_until(self.scenario.duration, progress=progress)

    # -- acting on the world -------------------------------------------------

    def inject(self, what: Injectable, at: Optional[DurationLike] = None) -> None:
        """Schedules a :class:`Fault` or :class:`Action` now, or at ``at``
        (since the start, not before now)."""
        at_ns = None if at is None else to_ns(at, "at")
        if at_ns is not None and at_ns < self._native.now_ns:
            raise ValueError(f"at: {format_ns(at_ns)} is before now ({format_ns(self._native.now_ns)})")
        if isinstance(what, Fault) and what.kind == "crash":
            self._native.crash(what.instance, at_ns)
        elif isinstance(what, Action) and what.kind == "scale":
            regions = self.scenario.regions
            if what.region not in regions:
                raise ValueError(f"region: no fleet region {what.region!r}; the scenario has {', '.join(regions)}")
            self._native.scale_to(regions.index(what.region), what.replicas, at_ns)
        elif isinstance(what, Action) and what.kind == "release":
            versions = [v["name"] for v in self.scenario.to_dict()["fleet"]["versions"]]
            if what.version not in versions:
                raise ValueError(f"version: no version {what.version!r}; fleet.versions has {', '.join(versions)}")
            self._native.release(versions.index(what.version), at_ns)
        else:
            raise TypeError(f"inject: expected a Fault or an Action, not {what!r}")

    def instances(self) -> List[Instance]:
        """Every instance created so far, by id."""
        return [Instance(*row) for row in self._native.instances()]

    # -- reading ------------------------------------------------------------

    def result(self) -> RunResult:
        """Report, metrics and events so far, as a :class:`RunResult`."""
        return RunResult._from_run_data(self.scenario, self.seed, self._native.snapshot())

    @property
    def metrics(self) -> Metrics:
        """Series scraped so far."""
        return Metrics._from_run_data(self._native.snapshot())

    @property
    def events(self) -> Events:
        """The event log so far."""
        return Events._from_run_data(self._native.snapshot())

    def report(self) -> Dict[str, Any]:
        """The run report so far."""
        return self.result().report

    def summary(self) -> Dict[str, Any]:
        """The report's headline numbers so far."""
        return self.result().summary()

    def __reduce__(self) -> Any:
        raise TypeError(
            "a Simulation cannot be pickled (it is a live world); pickle its scenario and seed, "
            "and replay the same steps to get the same state"
        )

    def __repr__(self) -> str:
        return (
            f"<Simulation {self.scenario.name!r} seed={self.seed} now={format_ns(self._native.now_ns)} "
            f"events={self.events_handled}>"
        )
