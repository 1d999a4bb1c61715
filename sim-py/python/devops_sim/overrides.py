"""Dotted paths into a scenario dict: ``fleet.regions[0].instances``.

Used by :meth:`Scenario.with_overrides` and by sweep grids. A path must lead
through existing sections (so a typo in the middle is caught here, naming the
path); the last field is left for the scenario loader to judge, which refuses
unknown fields with the list of known ones.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Union

from .errors import ScenarioError

__all__ = ["parse_path", "set_path"]

_WHOLE = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[\d+\])*\Z")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> List[Union[str, int]]:
    """``"a.b[0].c"`` (or ``"a.b.0.c"``) → ``["a", "b", 0, "c"]``."""
    if not isinstance(path, str):
        raise TypeError(f"a scenario path must be a string like 'fleet.queue_limit', not {path!r}")
    if not _WHOLE.match(path):
        raise ScenarioError(
            f"{path}: not a field path (write e.g. 'fleet.regions[0].instances')",
            [(path, "not a field path")],
        )
    return [m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PART.finditer(path)]


def _fail(path: str, why: str) -> ScenarioError:
    return ScenarioError(f"{path}: {why}", [(path, why)])


def set_path(tree: Dict[str, Any], path: str, value: Any) -> None:
    """Sets ``tree[path] = value`` in place, creating nothing along the way."""
    parts = parse_path(path)
    node: Any = tree
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        here = path if last else _prefix(parts[: depth + 1])
        if isinstance(node, list):
            index = part if isinstance(part, int) else int(part) if part.isdigit() else None
            if index is None:
                raise _fail(here, f"is a list; use an index such as [0] (it has {len(node)} items)")
            if not 0 <= index < len(node):
                raise _fail(here, f"no item {index}; the list has {len(node)}")
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict):
            key = str(part)
            if last:
                node[key] = value
                return
            if key not in node:
                known = ", ".join(sorted(node)) or "nothing"
                raise _fail(here, f"no such section (known here: {known})")
            node = node[key]
        else:
            raise _fail(_prefix(parts[:depth]), f"is a value ({node!r}), not a section")


def _prefix(parts: List[Union[str, int]]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out
