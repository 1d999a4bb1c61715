"""What a user (or a chaos experiment) can do to a running simulation:
faults and operator actions, passed to :meth:`Simulation.inject`.

These are the verbs the world supports today — crash an instance, scale a
region to N replicas, ship a release. Each is a plain, picklable value; the simulation turns
it into the world's own event.
"""

from __future__ import annotations

import dataclasses
from typing import Union

__all__ = ["Fault", "Action", "Injectable"]


@dataclasses.dataclass(frozen=True)
class Fault:
    """A fault to inject. Build with the static constructors."""

    kind: str
    instance: int

    @staticmethod
    def crash(instance: int) -> "Fault":
        """Instance ``instance`` (an index from :meth:`Simulation.instances`)
        crashes: what it holds fails, and it restarts after a back-off."""
        if isinstance(instance, bool) or not isinstance(instance, int):
            raise TypeError(f"instance: expected an integer index, not {type(instance).__name__}")
        if instance < 0:
            raise ValueError(f"instance: must be ≥ 0 (got {instance})")
        return Fault("crash", instance)


@dataclasses.dataclass(frozen=True)
class Action:
    """An operator's action. Build with the static constructors."""

    kind: str
    region: str = ""
    replicas: int = 0
    version: str = ""

    @staticmethod
    def scale(region: str, replicas: int) -> "Action":
        """Set fleet region ``region``'s desired replicas to ``replicas``
        (new instances wait for node capacity and cold start)."""
        if not isinstance(region, str):
            raise TypeError(f"region: expected a region name, not {type(region).__name__}")
        if isinstance(replicas, bool) or not isinstance(replicas, int):
            raise TypeError(f"replicas: expected an integer, not {type(replicas).__name__}")
        if not 0 <= replicas < 2**32:
            raise ValueError(f"replicas: must be between 0 and 2**32 - 1 (got {replicas})")
        return Action("scale", region, replicas)

    @staticmethod
    def release(version: str) -> "Action":
        """Ship ``version`` (one of the scenario's ``fleet.versions``) to every
        region with the scenario's ``deployment.strategy`` (rolling, canary or
        recreate); it appears in the report's ``deployments``."""
        if not isinstance(version, str):
            raise TypeError(f"version: expected a version name, not {type(version).__name__}")
        return Action("release", version=version)


#: Anything :meth:`Simulation.inject` accepts.
Injectable = Union[Fault, Action]
