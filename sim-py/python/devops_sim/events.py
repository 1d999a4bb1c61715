"""`Events`: a run's structured event log (instance ready or stopped, HPA
decisions, …), as records with ``time`` (seconds), ``kind`` and fields.

The log is the world's own (``monitoring.verbose`` turns it on: the
development profile does, production does not); the native side sends it as
JSON text, parsed here in one call.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["Events"]


class Events:
    """The event log: a sequence of dict records in time order."""

    __slots__ = ("_records", "dropped")

    def __init__(self, records: List[Dict[str, Any]], dropped: int = 0) -> None:
        self._records = records
        #: Records not kept because the log was full.
        self.dropped = dropped

    @classmethod
    def _from_run_data(cls, data: Mapping[str, Any]) -> "Events":
        records = json.loads(data["events_json"])
        for r in records:
            r["time"] = r.pop("time_ns") / 1e9
        return cls(records, int(data["events_dropped"]))

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self._records)

    def __getitem__(self, i: int) -> Dict[str, Any]:
        return self._records[i]

    def kinds(self) -> Dict[str, int]:
        """How many records of each kind."""
        counts: Dict[str, int] = {}
        for r in self._records:
            counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        return counts

    def to_list(self) -> List[Dict[str, Any]]:
        """The records as a list of dicts (copies)."""
        return [dict(r) for r in self._records]

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per record: ``time`` (seconds), ``kind``, then every field."""
        import pandas as pd

        frame = pd.DataFrame(self._records)
        if frame.empty:
            frame = pd.DataFrame({"time": pd.Series(dtype="float64"), "kind": pd.Series(dtype="object")})
        return frame

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Events):
            return NotImplemented
        return self._records == other._records and self.dropped == other.dropped

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Any:
        return (self._records, self.dropped)

    def __setstate__(self, state: Any) -> None:
        self._records, self.dropped = state

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(self.kinds().items()))
        return f"<Events: {len(self)} records{' (' + kinds + ')' if kinds else ''}>"
