"""The native half of devops_sim (Rust, pyo3, abi3): conversion only.

Use the pure-Python API in :mod:`devops_sim`; this module is its engine room.
Times are integer nanoseconds; scenarios cross as JSON text; metrics as numpy
columns. Every call that runs the simulator releases the GIL, honours Ctrl-C
and turns an internal panic into :class:`devops_sim.errors.RunError`.
"""

from typing import Callable, List, Optional, Sequence, Tuple, TypedDict, final

import numpy as np
import numpy.typing as npt

__version__: str
__all__ = [
    "Scenario",
    "Simulation",
    "__version__",
    "confidence_interval",
    "format_duration",
    "panic_for_tests",
    "parse_duration",
    "run",
    "run_many",
]

class RunData(TypedDict):
    """What a run (or a simulation so far) produced, in bulk."""

    report_json: str
    series_names: List[str]
    series_labels: List[List[Tuple[str, str]]]
    series_kinds: List[str]
    series_lengths: npt.NDArray[np.int64]
    time: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]
    events_json: str
    events_dropped: int

@final
class Scenario:
    """A scenario that has been loaded and validated by the Rust loader."""

    @staticmethod
    def from_path(path: str) -> Scenario:
        """Loads a scenario file; its extension picks the format.

        Raises ScenarioError naming the file and every bad field."""
    @staticmethod
    def from_text(text: str, format: str) -> Scenario:
        """Loads a scenario from text in ``format``: ``"yaml"``, ``"json"`` or ``"toml"``."""
    @staticmethod
    def preset(name: str) -> Scenario:
        """A profile's built-in scenario: ``"development"``, ``"production"`` or ``"experimental"``."""
    def to_json(self) -> str:
        """Every field as JSON text, defaults filled in."""
    @property
    def fleet_regions(self) -> List[str]:
        """The fleet regions, in the order the world indexes them."""
    def hardening_violations(self) -> List[str]:
        """Settings that must not be promoted to production without hardening."""

@final
class Simulation:
    """A world built from a scenario, stepped from Python."""

    def __new__(cls, scenario: Scenario, seed: int) -> Simulation:
        """Builds the world; ScenarioError if the scenario cannot be built."""
    @property
    def seed(self) -> int:
        """The root seed."""
    @property
    def now_ns(self) -> int:
        """The simulated clock, in nanoseconds since the start."""
    @property
    def events_handled(self) -> int:
        """Engine events handled so far."""
    def step(self, n: int) -> Optional[int]:
        """Handles up to ``n`` events; the clock afterwards (ns), or None if none was pending."""
    def run_until(self, until_ns: int, progress: Optional[Callable[[float], object]] = None) -> str:
        """Runs every event due up to ``until_ns``; returns ``"horizon"``,
        ``"exhausted"`` or ``"stopped"``. Ctrl-C or an exception from
        ``progress`` stops it early and is raised."""
    def crash(self, instance: int, at_ns: Optional[int] = None) -> None:
        """Schedules a crash of instance ``instance`` (ValueError if there is no such instance)."""
    def release(self, version: int, at_ns: Optional[int] = None) -> None:
        """Schedules shipping version ``version`` (an index into ``fleet.versions``)."""
    def scale_to(self, region: int, replicas: int, at_ns: Optional[int] = None) -> None:
        """Schedules setting fleet region number ``region`` to ``replicas`` replicas."""
    def instances(self) -> List[Tuple[int, str, str, str, bool]]:
        """Every instance so far: ``(index, region, version, lifecycle, routable)``."""
    def snapshot(self) -> RunData:
        """The report, metrics and event log so far."""

def run(scenario: Scenario, seed: int, progress: Optional[Callable[[float], object]] = None) -> RunData:
    """Runs ``scenario`` for its duration with ``seed``, GIL released.

    ``progress(fraction)`` is called every few milliseconds; Ctrl-C or an
    exception from it stops the run and is raised."""

def run_many(
    jobs: Sequence[Tuple[Scenario, int]],
    threads: Optional[int] = None,
    progress: Optional[Callable[[float], object]] = None,
) -> List[str]:
    """Runs every ``(scenario, seed)`` job in parallel on rayon and returns
    each report's JSON text, in job order (independent of ``threads``)."""

def parse_duration(text: str) -> int:
    """``"30m"`` → nanoseconds; ValueError says why a text is not a duration."""

def format_duration(ns: int) -> str:
    """Nanoseconds → the engine's human form (``"1h30m"``)."""

def confidence_interval(values: Sequence[float], level: float) -> Tuple[float, float]:
    """``(mean, half_width)`` of the Student-t interval for the mean of ``values``."""

def panic_for_tests(message: str) -> None:
    """Panics inside the native panic guard; raises RunError. For tests only."""
