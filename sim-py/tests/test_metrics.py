"""Metrics: tidy numpy and pandas columns, single series, pickling."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import devops_sim as ds


@pytest.fixture(scope="module")
def metrics(small) -> ds.Metrics:
    return ds.run(small, seed=5).metrics


def test_to_numpy_has_the_tidy_columns(metrics) -> None:
    cols = metrics.to_numpy()
    assert list(cols) == ["time", "series", "labels", "value"]
    n = len(metrics)
    assert n > 0 and all(len(c) == n for c in cols.values())
    assert cols["time"].dtype == np.float64 and cols["value"].dtype == np.float64
    assert set(cols["series"]) == set(metrics.names)
    assert "requests_total" in metrics.names


def test_rows_follow_their_series(metrics) -> None:
    cols = metrics.to_numpy()
    t, v = metrics.get("instances_ready", region="us-east-1")
    mask = (cols["series"] == "instances_ready") & (cols["labels"] == 'region="us-east-1"')
    np.testing.assert_array_equal(cols["time"][mask], t)
    np.testing.assert_array_equal(cols["value"][mask], v)
    assert np.all(np.diff(t) > 0), "times increase within a series"
    assert t[-1] == 120.0


def test_counters_never_decrease(metrics) -> None:
    for key in metrics.keys:
        if key.kind == "counter":
            _, v = metrics.get(key.name, **key.labels)
            assert np.all(np.diff(v) >= 0), key


def test_pandas_matches_numpy(metrics) -> None:
    df = metrics.to_pandas()
    cols = metrics.to_numpy()
    assert list(df.columns) == ["time", "series", "labels", "value"]
    assert str(df["series"].dtype) == "category"
    np.testing.assert_array_equal(df["value"].to_numpy(), cols["value"])
    assert list(df["series"].astype(str)) == list(cols["series"])
    assert list(df["labels"].astype(str)) == list(cols["labels"])


def test_expand_labels_adds_a_column_per_label(metrics) -> None:
    df = metrics.to_pandas(expand_labels=True)
    assert {"region", "quantile", "version", "outcome"} <= set(df.columns)
    p99 = df[(df["series"] == "request_duration_window_seconds") & (df["quantile"] == "0.99")]
    _, v = metrics.get("request_duration_window_seconds", quantile="0.99")
    np.testing.assert_array_equal(p99["value"].to_numpy(), v)


def test_get_explains_what_is_missing_or_ambiguous(metrics) -> None:
    with pytest.raises(KeyError, match="no series named 'nope'"):
        metrics.get("nope")
    with pytest.raises(KeyError, match="3 series 'request_duration_window_seconds' with labels"):
        metrics.get("request_duration_window_seconds")  # three quantiles match


def test_pickles(metrics) -> None:
    back = pickle.loads(pickle.dumps(metrics))
    assert back == metrics
    assert back.to_pandas().equals(metrics.to_pandas())


def test_repr(metrics) -> None:
    assert repr(metrics).startswith(f"<Metrics: {len(metrics.keys)} series, {len(metrics)} samples")


def test_inconsistent_columns_are_refused() -> None:
    key = ds.SeriesKey("x", {}, "gauge")
    with pytest.raises(ValueError, match="do not fit"):
        ds.Metrics([key], np.array([2]), np.zeros(3), np.zeros(3))
