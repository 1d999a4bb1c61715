"""Scenario: loading, presets, dicts, overrides by dotted path, bad input,
pickling and repr."""

from __future__ import annotations

import datetime
import pickle

import numpy as np
import pytest

import devops_sim as ds


def test_presets_differ_by_profile() -> None:
    dev, prod = ds.Scenario.preset("development"), ds.Scenario.preset("production")
    assert dev.profile == "development" and prod.profile == "production"
    assert dev != prod
    assert ds.Scenario.preset("experimental").profile == "experimental"
    assert prod.regions == [r["name"] for r in prod.to_dict()["fleet"]["regions"]]


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(ValueError, match="production"):
        ds.Scenario.preset("staging")
    with pytest.raises(TypeError):
        ds.Scenario.preset(3)  # type: ignore[arg-type]


def test_from_yaml_loads_the_shipped_production_file(repo) -> None:
    sc = ds.Scenario.from_yaml(repo / "scenarios" / "production.yaml")
    assert sc.profile == "production"
    assert sc == ds.Scenario.from_file(str(repo / "scenarios" / "production.yaml"))


def test_from_yaml_refuses_other_extensions_and_missing_files(repo, tmp_path) -> None:
    with pytest.raises(ds.ScenarioError, match="from_text"):
        ds.Scenario.from_yaml(repo / "README.md")
    with pytest.raises(ds.ScenarioError, match="cannot read"):
        ds.Scenario.from_yaml(tmp_path / "missing.yaml")


def test_to_dict_round_trips() -> None:
    sc = ds.Scenario.preset("production")
    again = ds.Scenario.from_dict(sc.to_dict())
    assert again == sc
    assert again.to_json() == sc.to_json()


def test_from_dict_merges_onto_the_profile() -> None:
    sc = ds.Scenario.from_dict({"profile": "development", "name": "mine", "duration": datetime.timedelta(minutes=3)})
    assert sc.name == "mine"
    assert sc.duration == 180.0
    assert sc.to_dict()["fleet"] == ds.Scenario.preset("development").to_dict()["fleet"]


def test_from_text_in_every_format() -> None:
    y = ds.Scenario.from_text("name: y\nduration: 5m\n")
    j = ds.Scenario.from_text('{"name": "y", "duration": "5m"}', "json")
    t = ds.Scenario.from_text('name = "y"\nduration = "5m"\n', "toml")
    assert y == j == t
    with pytest.raises(ValueError, match="format"):
        ds.Scenario.from_text("name: y", "ini")


def test_syntax_errors_are_scenario_errors() -> None:
    with pytest.raises(ds.ScenarioError, match="invalid YAML"):
        ds.Scenario.from_text("name: [unclosed\n")


def test_overrides_by_dotted_path_and_index() -> None:
    base = ds.Scenario.preset("production")
    sc = base.with_overrides({"fleet.regions[0].instances": 3}, duration="90s", **{"workload.regions.0.rps": 250.0})
    d = sc.to_dict()
    assert d["fleet"]["regions"][0]["instances"] == 3
    assert d["workload"]["regions"][0]["rps"] == 250.0
    assert sc.duration == 90.0
    assert base.duration != 90.0, "overrides return a copy"


def test_numpy_values_are_accepted() -> None:
    sc = ds.Scenario.preset("production").with_overrides({"fleet.queue_limit": np.int64(7), "workload.regions[0].rps": np.float32(12.5)})
    assert sc.to_dict()["fleet"]["queue_limit"] == 7
    assert sc.to_dict()["workload"]["regions"][0]["rps"] == 12.5


@pytest.mark.parametrize(
    ("overrides", "path", "words"),
    [
        ({"fleet.no_such_field": 1}, "fleet", "unknown field"),
        ({"fleet.nosection.x": 1}, "fleet.nosection", "no such section"),
        ({"fleet.regions[5].instances": 1}, "fleet.regions[5]", "no item 5"),
        ({"fleet.queue_limit": "many"}, "fleet.queue_limit", "invalid type"),
        ({"duration": "5 minutes"}, "duration", ""),
        ({"workload.regions[0].rps": -5}, "workload.regions[0].rps", ""),
        ({"workload.regions[0].rps": float("nan")}, "workload.regions[0].rps", "finite"),
        ({"fleet..x": 1}, "fleet..x", "not a field path"),
        ({"name": object()}, "name", "cannot hold"),
    ],
)
def test_bad_overrides_name_the_field(overrides, path, words) -> None:
    with pytest.raises(ds.ScenarioError) as info:
        ds.Scenario.preset("production").with_overrides(overrides)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, ds.SimError)
    assert path in str(err)
    assert any(p.startswith(path) for p in err.paths), err.problems
    assert words in str(err)


def test_validation_reports_every_problem() -> None:
    with pytest.raises(ds.ScenarioError) as info:
        ds.Scenario.from_dict({"workload": {"regions": [{"name": "a", "rps": -1}, {"name": "b", "rps": -2}]}})
    assert {"workload.regions[0].rps", "workload.regions[1].rps"} <= set(info.value.paths)


def test_wrong_types_for_whole_arguments() -> None:
    with pytest.raises(TypeError, match="mapping"):
        ds.Scenario.from_dict([("name", "x")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ds.Scenario.from_text(b"name: x")  # type: ignore[arg-type]
    with pytest.raises(ds.ScenarioError, match="field names must be strings"):
        ds.Scenario.from_dict({"fleet": {1: 2}})
    with pytest.raises(TypeError, match="preset"):
        ds.Scenario("production")  # type: ignore[arg-type]


def test_pickles_and_compares_equal() -> None:
    sc = ds.Scenario.preset("development").with_overrides(duration="7m")
    back = pickle.loads(pickle.dumps(sc))
    assert back == sc and hash(back) == hash(sc)


def test_repr_is_readable() -> None:
    text = repr(ds.Scenario.preset("production").with_overrides(duration="10m"))
    assert text.startswith("Scenario(name='production'")
    assert "duration='10m'" in text


def test_hardening_violations_flag_development_settings() -> None:
    assert ds.Scenario.preset("production").hardening_violations() == []
    assert any("verbose" in v for v in ds.Scenario.preset("development").hardening_violations())
