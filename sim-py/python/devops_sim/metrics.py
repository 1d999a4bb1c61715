"""`Metrics`: every scraped series of a run, as tidy columns.

The native side hands over all samples as two flat ``float64`` arrays (times
and values, series after series) plus one entry per series (name, labels,
kind, length). Tidy columns are built from those with ``np.repeat`` — no
Python loop over samples — so a day of metrics converts in milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, NamedTuple, Sequence, Tuple

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["Metrics", "SeriesKey", "SeriesNotFound"]


class SeriesNotFound(KeyError):
    """No series, or more than one, matches a name and labels."""

    def __str__(self) -> str:
        # KeyError would print the message as a quoted repr.
        return str(self.args[0])


class SeriesKey(NamedTuple):
    """One series: metric name, labels and kind (``"counter"`` or ``"gauge"``)."""

    name: str
    labels: Dict[str, str]
    kind: str

    @property
    def labels_text(self) -> str:
        """Labels the Prometheus way, ``region="us-east-1",quantile="0.99"``."""
        return ",".join(f'{k}="{v}"' for k, v in self.labels.items())


class Metrics:
    """Scraped time series of a run (or of a simulation so far).

    - :meth:`to_numpy`: a dict of columns ``time`` (seconds since the start),
      ``series`` (metric name), ``labels`` (Prometheus label text) and
      ``value``; needs numpy only.
    - :meth:`to_pandas`: the same as a DataFrame (``series`` and ``labels``
      categorical); ``expand_labels=True`` adds one column per label.
    - :meth:`get`: one series' times and values, by name and labels.
    """

    __slots__ = ("_keys", "_lengths", "_time", "_value", "_starts")

    def __init__(
        self,
        keys: Sequence[SeriesKey],
        lengths: np.ndarray,
        time: np.ndarray,
        value: np.ndarray,
    ) -> None:
        lengths = np.asarray(lengths, dtype=np.int64)
        if len(keys) != len(lengths) or int(lengths.sum()) != len(time) or len(time) != len(value):
            raise ValueError("Metrics: keys, lengths, time and value do not fit together")
        self._keys = list(keys)
        self._lengths = lengths
        self._time = np.asarray(time, dtype=np.float64)
        self._value = np.asarray(value, dtype=np.float64)
        self._starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64) if len(lengths) else lengths

    @classmethod
    def _from_run_data(cls, data: Mapping[str, Any]) -> "Metrics":
        keys = [
            SeriesKey(name, dict(labels), kind)
            for name, labels, kind in zip(data["series_names"], data["series_labels"], data["series_kinds"])
        ]
        return cls(keys, data["series_lengths"], data["time"], data["value"])

    @property
    def keys(self) -> List[SeriesKey]:
        """Every series, in the order the run registered them."""
        return list(self._keys)

    @property
    def names(self) -> List[str]:
        """The distinct metric names, sorted."""
        return sorted({k.name for k in self._keys})

    def __len__(self) -> int:
        """The number of samples over all series."""
        return len(self._time)

    def to_numpy(self) -> Dict[str, np.ndarray]:
        """Tidy columns as numpy arrays: ``time`` and ``value`` (float64),
        ``series`` and ``labels`` (object arrays that share one string per
        series, so they cost a pointer per sample)."""
        names = np.empty(len(self._keys), dtype=object)
        names[:] = [k.name for k in self._keys]
        labels = np.empty(len(self._keys), dtype=object)
        labels[:] = [k.labels_text for k in self._keys]
        return {
            "time": self._time.copy(),
            "series": np.repeat(names, self._lengths),
            "labels": np.repeat(labels, self._lengths),
            "value": self._value.copy(),
        }

    def to_pandas(self, expand_labels: bool = False) -> "pandas.DataFrame":
        """Tidy DataFrame with columns ``time``, ``series``, ``labels``,
        ``value`` (and with ``expand_labels``, one column per label key, empty
        where a series lacks that label). Needs pandas."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - exercised only without pandas
            raise ImportError("Metrics.to_pandas needs pandas (pip install pandas); to_numpy() does not") from None
        codes = np.repeat(np.arange(len(self._keys), dtype=np.int32), self._lengths)
        columns: Dict[str, Any] = {
            "time": self._time.copy(),
            "series": _categorical(pd, codes, [k.name for k in self._keys]),
            "labels": _categorical(pd, codes, [k.labels_text for k in self._keys]),
            "value": self._value.copy(),
        }
        if expand_labels:
            label_keys = sorted({key for k in self._keys for key in k.labels})
            for key in label_keys:
                if key in columns:
                    raise ValueError(f"expand_labels: the label {key!r} would replace a column")
                columns[key] = _categorical(pd, codes, [k.labels.get(key, "") for k in self._keys])
        return pd.DataFrame(columns)

    def get(self, name: str, **labels: str) -> Tuple[np.ndarray, np.ndarray]:
        """``(time, value)`` of the one series named ``name`` whose labels
        include ``labels``; :class:`SeriesNotFound` (a ``KeyError``) lists the candidates when there is
        none or more than one."""
        found = [i for i, k in enumerate(self._keys) if k.name == name and _has(k.labels, labels)]
        if len(found) != 1:
            candidates = [k.labels_text for k in self._keys if k.name == name]
            if not candidates:
                raise SeriesNotFound(f"no series named {name!r}; names: {', '.join(self.names)}")
            which = "no" if not found else f"{len(found)}"
            raise SeriesNotFound(
                f"{which} series {name!r} with labels {labels!r}; its series have labels: "
                + "; ".join(candidates[:20])
            )
        i = found[0]
        start, n = int(self._starts[i]), int(self._lengths[i])
        return self._time[start : start + n].copy(), self._value[start : start + n].copy()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Metrics):
            return NotImplemented
        return (
            self._keys == other._keys
            and np.array_equal(self._lengths, other._lengths)
            and np.array_equal(self._time, other._time)
            and np.array_equal(self._value, other._value, equal_nan=True)
        )

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> Tuple[Any, ...]:
        return (self._keys, self._lengths, self._time, self._value)

    def __setstate__(self, state: Tuple[Any, ...]) -> None:
        Metrics.__init__(self, *state)

    def __repr__(self) -> str:
        span = f", {self._time.min():g}–{self._time.max():g} s" if len(self._time) else ""
        return f"<Metrics: {len(self._keys)} series, {len(self._time)} samples{span}>"


def _has(labels: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in wanted.items())


def _categorical(pd: Any, codes: np.ndarray, per_series: List[str]) -> Any:
    """A categorical column from per-sample series codes and per-series strings."""
    categories = list(dict.fromkeys(per_series))
    position = {c: i for i, c in enumerate(categories)}
    remap = np.array([position[s] for s in per_series], dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes] if len(codes) else codes, categories=categories)
