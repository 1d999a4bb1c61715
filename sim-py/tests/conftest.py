"""Shared fixtures: small scenarios (minutes of simulated time) so the whole
suite runs in seconds of wall time."""

from __future__ import annotations

from pathlib import Path

import pytest

import devops_sim as ds

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (for the shipped scenario files)."""
    return REPO


@pytest.fixture(scope="session")
def small() -> ds.Scenario:
    """The production preset cut to two minutes (~70,000 requests)."""
    return ds.Scenario.preset("production").with_overrides(duration="2m")


@pytest.fixture(scope="session")
def dev() -> ds.Scenario:
    """The development preset cut to two minutes; its event log is on."""
    return ds.Scenario.preset("development").with_overrides(duration="2m")


@pytest.fixture(scope="session")
def long() -> ds.Scenario:
    """A production day: far longer than any test waits for (Ctrl-C tests)."""
    return ds.Scenario.preset("production").with_overrides(duration="24h")
