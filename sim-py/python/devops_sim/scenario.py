"""`Scenario`: a validated scenario, loaded from a file, text, a dict or a
built-in preset, and edited by dotted path.

Everything about a scenario's meaning — profile defaults, merging, unknown
fields, validation with field paths — is the Rust loader's; this class only
moves values to it and back. A ``Scenario`` is immutable: edits return a new
one, validated again.
"""

from __future__ import annotations

import datetime
import json
import math
import numbers
import os
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import _native
from .durations import format_ns, to_ns
from .errors import ScenarioError
from .overrides import set_path

__all__ = ["Scenario", "PRESETS"]

#: The built-in scenarios, one per profile.
PRESETS: Tuple[str, ...] = ("development", "production", "experimental")

_FORMATS = ("yaml", "json", "toml")


class Scenario:
    """A scenario that has been loaded and validated.

    Build one with :meth:`preset`, :meth:`from_yaml`, :meth:`from_file`,
    :meth:`from_text` or :meth:`from_dict`; change it with
    :meth:`with_overrides`. Scenarios compare equal when every field is equal,
    and pickle (as their JSON text), so executors can ship them to workers.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _native.Scenario) -> None:
        if not isinstance(native, _native.Scenario):
            raise TypeError(
                "Scenario() wraps a loaded scenario; use Scenario.preset(...), "
                "Scenario.from_yaml(...) or Scenario.from_dict(...)"
            )
        self._native = native

    # -- constructors -------------------------------------------------------

    @classmethod
    def preset(cls, name: str = "production") -> "Scenario":
        """The built-in scenario of a profile: ``"development"``,
        ``"production"`` (diurnal traffic around 1,000 req/s, auto-scaled) or
        ``"experimental"``."""
        if not isinstance(name, str):
            raise TypeError(f"preset: expected a name such as 'production', not {type(name).__name__}")
        return cls(_native.Scenario.preset(name))

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Loads a scenario file; its extension (.yaml/.yml, .json, .toml)
        picks the format. A relative trace file is found next to it."""
        return cls(_native.Scenario.from_path(os.fspath(path)))

    @classmethod
    def from_yaml(cls, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Loads a YAML scenario file (for YAML *text*, use :meth:`from_text`)."""
        p = os.fspath(path)
        if not isinstance(p, str) or not p.lower().endswith((".yaml", ".yml")):
            raise ScenarioError(
                f"from_yaml: {p!r} is not a .yaml/.yml file; use Scenario.from_file for other "
                "formats or Scenario.from_text(text) for YAML text",
                [(".", "not a YAML file name")],
            )
        return cls(_native.Scenario.from_path(p))

    @classmethod
    def from_text(cls, text: str, format: str = "yaml") -> "Scenario":
        """Loads a scenario from text in ``format`` (``"yaml"``, ``"json"`` or ``"toml"``)."""
        if not isinstance(text, str):
            raise TypeError(f"from_text: expected the scenario as a str, not {type(text).__name__}")
        if format not in _FORMATS:
            raise ValueError(f"format: expected one of {', '.join(_FORMATS)}, not {format!r}")
        return cls(_native.Scenario.from_text(text, format))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scenario":
        """A scenario from a dict shaped like a scenario file: it gives only
        what differs from its profile (``profile`` defaults to production).
        Durations may be strings (``"5m"``) or ``timedelta``; numpy scalars
        and paths are accepted too."""
        if not isinstance(data, Mapping):
            raise TypeError(f"from_dict: expected a mapping of fields, not {type(data).__name__}")
        text = json.dumps(_plain(data, ""), allow_nan=False)
        return cls(_native.Scenario.from_text(text, "json"))

    # -- reading ------------------------------------------------------------

    def to_dict(self) -> Dict[str, Any]:
        """Every field, defaults filled in; ``from_dict`` of it gives this scenario back."""
        result: Dict[str, Any] = json.loads(self._native.to_json())
        return result

    def to_json(self) -> str:
        """Every field as JSON text."""
        return self._native.to_json()

    @property
    def name(self) -> str:
        """The scenario's name, as reports print it."""
        return str(self.to_dict()["name"])

    @property
    def profile(self) -> str:
        """``"development"``, ``"production"`` or ``"experimental"``."""
        return str(self.to_dict()["profile"])

    @property
    def seed(self) -> int:
        """The scenario's own root seed (``run`` uses it when given none)."""
        return int(self.to_dict()["seed"])

    @property
    def duration(self) -> float:
        """Simulated time a run covers, in seconds."""
        return to_ns(self.to_dict()["duration"], "duration") / 1e9

    @property
    def regions(self) -> List[str]:
        """The fleet regions, in the order ``Action.scale`` and reports use."""
        return list(self._native.fleet_regions)

    def hardening_violations(self) -> List[str]:
        """Settings that must not be promoted to production without hardening
        (what ``devops-sim validate --target production`` lists)."""
        return list(self._native.hardening_violations())

    # -- editing ------------------------------------------------------------

    def with_overrides(self, overrides: Optional[Mapping[str, Any]] = None, /, **more: Any) -> "Scenario":
        """A copy with fields replaced by dotted path, validated again::

            sc.with_overrides({"fleet.regions[0].instances": 4}, duration="5m")

        Keyword names may contain dots via ``**{"a.b": 1}``.
        """
        changes: Dict[str, Any] = dict(overrides or {})
        changes.update(more)
        tree = self.to_dict()
        for path, value in changes.items():
            set_path(tree, path, _plain(value, path))
        return Scenario.from_dict(tree)

    # -- protocol -----------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __reduce__(self) -> Tuple[Any, Tuple[str]]:
        return (_from_json, (self.to_json(),))

    def __repr__(self) -> str:
        d = self.to_dict()
        return (
            f"Scenario(name={d['name']!r}, profile={d['profile']!r}, duration={d['duration']!r}, "
            f"seed={d['seed']}, regions={self.regions!r})"
        )


def _from_json(text: str) -> Scenario:
    """Unpickles a scenario from its JSON text."""
    return Scenario(_native.Scenario.from_text(text, "json"))


def _plain(value: Any, path: str) -> Any:
    """``value`` as plain JSON data, naming the path of anything that cannot be."""
    where = path or "."
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime.timedelta):
        return format_ns(to_ns(value, where))
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            raise ScenarioError(f"{where}: must be a finite number (got {value!r})", [(where, "not finite")])
        return f
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ScenarioError(
                    f"{where}: field names must be strings (got {key!r})", [(where, "non-string key")]
                )
            out[key] = _plain(item, f"{path}.{key}" if path else key)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if hasattr(value, "tolist"):  # numpy arrays
        return _plain(value.tolist(), path)
    raise ScenarioError(
        f"{where}: a scenario cannot hold a {type(value).__name__} ({value!r})",
        [(where, f"unsupported type {type(value).__name__}")],
    )
