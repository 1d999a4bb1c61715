"""Errors: the class hierarchy, panics as RunError, pickling of errors."""

from __future__ import annotations

import pickle

import pytest

import devops_sim as ds
from devops_sim import _native


def test_hierarchy() -> None:
    assert issubclass(ds.ScenarioError, ds.SimError) and issubclass(ds.ScenarioError, ValueError)
    assert issubclass(ds.RunError, ds.SimError) and issubclass(ds.RunError, RuntimeError)


def test_a_rust_panic_becomes_a_run_error_and_the_interpreter_lives_on(small) -> None:
    with pytest.raises(ds.RunError, match="failed internally.*kaboom"):
        _native.panic_for_tests("kaboom")
    # Nothing was left locked or half-done: the next run works.
    assert ds.run(small, seed=1).summary()["conservation_holds"]


def test_scenario_errors_pickle_with_their_problems() -> None:
    with pytest.raises(ds.ScenarioError) as info:
        ds.Scenario.preset("production").with_overrides({"workload.regions[0].rps": -1})
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is ds.ScenarioError
    assert back.problems == info.value.problems and back.problems
    assert str(back) == str(info.value)
