"""Events: the world's event log as records and as a DataFrame."""

from __future__ import annotations

import pickle

import devops_sim as ds


def test_development_logs_events_in_time_order(dev) -> None:
    events = ds.run(dev, seed=3).events
    assert len(events) > 0
    times = [e["time"] for e in events]
    assert times == sorted(times)
    assert all(0.0 <= t <= 120.0 for t in times)
    assert sum(events.kinds().values()) == len(events)


def test_to_pandas_has_one_row_per_record(dev) -> None:
    events = ds.run(dev, seed=3).events
    df = events.to_pandas()
    assert len(df) == len(events)
    assert {"time", "kind"} <= set(df.columns)


def test_production_keeps_no_log_and_still_gives_a_frame(small) -> None:
    events = ds.run(small, seed=3).events
    assert len(events) == 0
    assert list(events.to_pandas().columns) == ["time", "kind"]


def test_pickles(dev) -> None:
    events = ds.run(dev, seed=3).events
    assert pickle.loads(pickle.dumps(events)) == events
    assert repr(events).startswith(f"<Events: {len(events)} records")
