"""Durations: what users write (``"30m"``, seconds, a ``timedelta``) to the
engine's integer nanoseconds, and back to the engine's human form.

Strings go through the engine's own parser, so Python accepts exactly what a
scenario file accepts.
"""

from __future__ import annotations

import datetime
import math
import numbers
from typing import Union

from . import _native

__all__ = ["DurationLike", "to_ns", "format_ns", "seconds"]

#: A duration: ``"1h30m"``, a number of seconds, or a ``datetime.timedelta``.
DurationLike = Union[str, int, float, datetime.timedelta]

_MAX_NS = 2**64 - 1


def to_ns(value: DurationLike, what: str) -> int:
    """Nanoseconds for ``value``; ``what`` names the argument in errors."""
    if isinstance(value, str):
        try:
            return _native.parse_duration(value)
        except ValueError as e:
            raise ValueError(f"{what}: {e}") from None
    if isinstance(value, datetime.timedelta):
        ns = ((value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds) * 1_000
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        s = float(value)
        if not math.isfinite(s):
            raise ValueError(f"{what}: must be a finite number of seconds (got {value!r})")
        ns = round(s * 1e9)
    else:
        raise TypeError(
            f"{what}: expected a duration such as '30m', a number of seconds or a "
            f"datetime.timedelta, not {type(value).__name__}"
        )
    if ns < 0:
        raise ValueError(f"{what}: must not be negative (got {value!r})")
    if ns > _MAX_NS:
        raise ValueError(f"{what}: too long (got {value!r})")
    return int(ns)


def format_ns(ns: int) -> str:
    """The engine's human form of ``ns`` nanoseconds, e.g. ``"1h30m"``."""
    return _native.format_duration(ns)


def seconds(text: str) -> float:
    """Seconds in a duration string from a report (``"44ms62us"`` → 0.04406)."""
    return _native.parse_duration(text) / 1e9
