"""Seeds: the root of every random stream of a run, an integer in [0, 2**64)."""

from __future__ import annotations

import numbers
from typing import Any

from .errors import ScenarioError

__all__ = ["check_seed"]

_LIMIT = 2**64


def check_seed(seed: Any, what: str = "seed") -> int:
    """``seed`` as an int, or a clear error: ``TypeError`` for a non-integer,
    ``ScenarioError`` (a ``ValueError``) for one out of range."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{what}: expected an integer, not {type(seed).__name__} ({seed!r})")
    value = int(seed)
    if not 0 <= value < _LIMIT:
        raise ScenarioError(
            f"{what}: must be between 0 and 2**64 - 1 (got {value})",
            [(what, "out of range")],
        )
    return value
