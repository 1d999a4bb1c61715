"""`sweep`: a scenario over a grid of overrides × seeds, in parallel — on
rayon inside this process by default, or on any ``concurrent.futures``
executor (a ``ProcessPoolExecutor``, a Dask ``Client.get_executor()``).

Every run is a pure function of (scenario, seed), and rows come back in job
order (grid point by grid point, seeds in the order given), so the table is
the same whatever runs it and however many workers it has. Each seed is used
for every grid point (common random numbers): differences between points are
not noise from different draws.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import json
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _native
from .progress import ProgressLike, progress_callback
from .result import summarize
from .scenario import Scenario
from .seeds import check_seed

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["sweep", "SweepResult"]


def sweep(
    scenario: Scenario,
    grid: Optional[Mapping[str, Sequence[Any]]] = None,
    seeds: Optional[Iterable[int]] = None,
    *,
    executor: Optional[concurrent.futures.Executor] = None,
    threads: Optional[int] = None,
    progress: ProgressLike = None,
) -> "SweepResult":
    """Runs ``scenario`` for every combination of the ``grid`` overrides
    (dotted paths → lists of values) and every seed in ``seeds`` (default:
    the scenario's seed), and returns one summary row per run.

    ``executor=None`` runs on rayon in this process (``threads`` threads,
    default: one per core) with the GIL released; otherwise each run is
    submitted to ``executor``. Scenarios are checked before anything runs.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"sweep: expected a Scenario, not {type(scenario).__name__}")
    points = _grid_points(scenario, grid or {})
    seed_list = [scenario.seed] if seeds is None else [check_seed(s, f"seeds[{i}]") for i, s in enumerate(seeds)]
    if not seed_list:
        raise ValueError("seeds: give at least one seed")
    jobs = [(params, variant, seed) for params, variant in points for seed in seed_list]
    with progress_callback(progress, f"sweep of {len(jobs)} runs") as callback:
        if executor is None:
            if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
                raise ValueError(f"threads: must be a positive integer (got {threads!r})")
            reports = _native.run_many([(v._native, s) for _, v, s in jobs], threads, callback)
            summaries = [summarize(json.loads(r)) for r in reports]
        else:
            if threads is not None:
                raise ValueError("threads: only for the in-process sweep; size the executor instead")
            summaries = _on_executor(executor, [(v, s) for _, v, s in jobs], callback)
    rows = []
    for (params, _, _), summary in zip(jobs, summaries):
        row = dict(params)
        row.update(summary)
        rows.append(row)
    return SweepResult(rows, list((grid or {}).keys()))


def run_point(scenario: Scenario, seed: int) -> Dict[str, Any]:
    """One sweep job, as an executor's worker runs it: the run's summary row."""
    (report,) = _native.run_many([(scenario._native, seed)], 1, None)
    return summarize(json.loads(report))


def _on_executor(executor: concurrent.futures.Executor, jobs: List[Tuple[Scenario, int]], callback: Any) -> List[Dict[str, Any]]:
    if not hasattr(executor, "submit"):
        raise TypeError(f"executor: expected a concurrent.futures.Executor, not {type(executor).__name__}")
    futures = [executor.submit(run_point, sc, seed) for sc, seed in jobs]
    try:
        done = 0
        for _ in concurrent.futures.as_completed(futures):
            done += 1
            if callback is not None:
                callback(done / len(futures))
        return [f.result() for f in futures]
    except BaseException:
        for f in futures:
            f.cancel()
        raise


def _grid_points(scenario: Scenario, grid: Mapping[str, Sequence[Any]]) -> List[Tuple[Dict[str, Any], Scenario]]:
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid: expected a mapping of dotted paths to lists of values, not {type(grid).__name__}")
    keys = list(grid.keys())
    values = []
    for key in keys:
        options = grid[key]
        if isinstance(options, (str, bytes)) or not isinstance(options, Iterable):
            raise TypeError(f"grid[{key!r}]: expected a list of values, not {type(options).__name__}")
        options = list(options)
        if not options:
            raise ValueError(f"grid[{key!r}]: give at least one value")
        values.append(options)
    points = []
    for combo in itertools.product(*values):
        params = dict(zip(keys, combo))
        points.append((params, scenario.with_overrides(params) if params else scenario))
    return points


class SweepResult:
    """One row per run: the grid parameters (by dotted path), ``seed``, and
    the run's summary (see :func:`devops_sim.result.summarize`)."""

    __slots__ = ("rows", "parameters")

    def __init__(self, rows: List[Dict[str, Any]], parameters: List[str]) -> None:
        #: The rows, in job order.
        self.rows = rows
        #: The grid's dotted paths (the parameter columns).
        self.parameters = parameters

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.rows)

    @property
    def columns(self) -> List[str]:
        """Column names, parameters first."""
        return list(self.rows[0].keys()) if self.rows else list(self.parameters)

    def to_numpy(self) -> Dict[str, np.ndarray]:
        """One numpy array per column."""
        return {c: np.array([r[c] for r in self.rows]) for c in self.columns}

    def to_pandas(self) -> "pandas.DataFrame":
        """The table as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def confidence(self, metric: str, level: float = 0.95) -> List[Dict[str, Any]]:
        """Per grid point: the mean of ``metric`` over the seeds and its
        Student-t confidence interval (``lower``, ``upper``) at ``level``."""
        if self.rows and metric not in self.rows[0]:
            raise KeyError(f"no column {metric!r}; columns: {', '.join(self.columns)}")
        groups: Dict[Tuple[Any, ...], List[float]] = {}
        for r in self.rows:
            groups.setdefault(tuple(r[p] for p in self.parameters), []).append(float(r[metric]))
        out = []
        for key, values in groups.items():
            mean, half = _native.confidence_interval(values, level)
            row = dict(zip(self.parameters, key))
            row.update(metric=metric, mean=mean, lower=mean - half, upper=mean + half, n=len(values), level=level)
            out.append(row)
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SweepResult):
            return NotImplemented
        return self.rows == other.rows and self.parameters == other.parameters

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Any:
        return (self.rows, self.parameters)

    def __setstate__(self, state: Any) -> None:
        self.rows, self.parameters = state

    def __repr__(self) -> str:
        params = ", ".join(self.parameters) or "no parameters"
        return f"<SweepResult: {len(self.rows)} runs over {params}>"
