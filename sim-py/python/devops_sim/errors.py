"""The exceptions devops_sim raises.

Every error is a :class:`SimError`, so one ``except`` catches them all; each is
also the built-in exception a Python user would expect (``ValueError`` for bad
input, ``RuntimeError`` for a run that went wrong). The native extension raises
these same classes.
"""

from __future__ import annotations

from typing import Iterable, List, Tuple

__all__ = ["SimError", "ScenarioError", "RunError"]


class SimError(Exception):
    """Base of every error devops_sim raises on purpose."""


class ScenarioError(SimError, ValueError):
    """A scenario (or a value given for one) is wrong.

    The message names each bad field by its path, e.g.
    ``workload.regions[0].rps: must be ≥ 0 (got -5)``; :attr:`problems` lists
    them as ``(path, message)`` pairs.
    """

    problems: List[Tuple[str, str]]

    def __init__(self, message: str, problems: Iterable[Tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.problems = [(str(path), str(why)) for path, why in problems]

    @property
    def paths(self) -> List[str]:
        """The paths of the bad fields, in the order reported."""
        return [path for path, _ in self.problems]

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keep the problems when an executor sends the error between processes.
        return (type(self), (str(self), self.problems))


class RunError(SimError, RuntimeError):
    """A run failed while under way (an internal failure of the simulator)."""
