"""Durations: strings through the engine's parser, seconds, timedeltas."""

from __future__ import annotations

import datetime

import pytest

import devops_sim as ds


@pytest.mark.parametrize(
    ("value", "ns"),
    [
        ("1h30m", 5_400 * 10**9),
        ("250ms", 250 * 10**6),
        (1.5, 1_500_000_000),
        (0, 0),
        (datetime.timedelta(minutes=2, microseconds=3), 120 * 10**9 + 3000),
    ],
)
def test_to_ns(value, ns) -> None:
    assert ds.to_ns(value, "x") == ns


@pytest.mark.parametrize("value", ["", "5 minutes", "-1s", -0.5, float("nan"), datetime.timedelta(seconds=-1)])
def test_bad_values_name_the_argument(value) -> None:
    with pytest.raises(ValueError, match="^when: "):
        ds.to_ns(value, "when")


@pytest.mark.parametrize("value", [None, True, [1], b"1s"])
def test_wrong_types(value) -> None:
    with pytest.raises(TypeError, match="^when: "):
        ds.to_ns(value, "when")


def test_format_round_trips() -> None:
    assert ds.format_ns(ds.to_ns("1h30m", "x")) == "1h30m"
