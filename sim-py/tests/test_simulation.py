"""Simulation: stepping through time, injecting faults and actions, reading
metrics so far, and refusing bad input."""

from __future__ import annotations

import datetime
import os
import pickle
import signal
import threading

import pytest

import devops_sim as ds


def test_stepping_in_pieces_equals_one_run(small) -> None:
    sim = ds.Simulation(small, seed=9)
    assert sim.now == 0.0
    sim.run_until("45s")
    assert sim.now == 45.0
    sim.run_for(datetime.timedelta(seconds=30))
    assert sim.run_to_end() == 120.0
    whole = ds.run(small, seed=9)
    assert sim.result() == whole
    assert sim.summary() == whole.summary()


def test_step_handles_single_events(small) -> None:
    sim = ds.Simulation(small, seed=1)
    first = sim.step()
    assert first is not None and sim.events_handled == 1
    after = sim.step(100)
    assert after is not None and after >= first and sim.events_handled == 101


def test_metrics_so_far_grow(small) -> None:
    sim = ds.Simulation(small, seed=1)
    sim.run_until("30s")
    early = sim.metrics
    t, _ = early.get("instances_ready", region="us-east-1")
    assert t[-1] <= 30.0
    sim.run_until("90s")
    assert len(sim.metrics) > len(early)
    assert sim.report()["overall"]["requests"] > 0


def test_crash_fails_the_requests_on_the_instance(small) -> None:
    plain = ds.Simulation(small, seed=4)
    hit = ds.Simulation(small, seed=4)
    for sim in (plain, hit):
        sim.run_until("60s")
    victim = next(i for i in hit.instances() if i.lifecycle == "ready")
    hit.inject(ds.Fault.crash(victim.id))
    hit.step()
    assert hit.instances()[victim.id].lifecycle == "crashed"
    plain.run_until("61s")
    hit.run_until("61s")
    assert hit.summary()["failed"] > plain.summary()["failed"]


def test_scale_action_adds_instances(small) -> None:
    sim = ds.Simulation(small.with_overrides({"fleet.autoscaling.enabled": False}), seed=2)
    before = len(sim.instances())
    sim.inject(ds.Action.scale(small.regions[0], before + 5), at="10s")
    sim.run_until("11s")
    assert len(sim.instances()) == before + 5


def test_release_action_ships_a_version(small) -> None:
    d = small.to_dict()
    v1 = d["fleet"]["versions"][0]
    d["fleet"]["versions"].append({**v1, "name": "v2", "error_rate": 0.0})
    sim = ds.Simulation(ds.Scenario.from_dict(d), seed=2)
    sim.inject(ds.Action.release("v2"), at="30s")
    sim.run_until("3m")
    (deployment,) = sim.report()["deployments"]
    assert (deployment["from"], deployment["to"]) == (v1["name"], "v2")
    assert deployment["started"] == "30s"
    assert {i.version for i in sim.instances() if i.lifecycle == "ready"} == {"v2"}


def test_inject_at_a_future_time_waits_for_it(small) -> None:
    sim = ds.Simulation(small, seed=2)
    sim.inject(ds.Fault.crash(0), at="20s")
    sim.run_until("19s")
    assert sim.instances()[0].lifecycle != "crashed"
    sim.run_until("20s")
    assert sim.instances()[0].lifecycle == "crashed"


@pytest.mark.parametrize(
    ("what", "error", "words"),
    [
        (ds.Fault.crash(10_000), ValueError, "instance: no instance 10000"),
        (ds.Action.scale("mars-1", 3), ValueError, "region: no fleet region 'mars-1'"),
        (ds.Action.release("v9"), ValueError, "version: no version 'v9'"),
        ("crash", TypeError, "Fault or an Action"),
    ],
)
def test_bad_injections_are_refused(small, what, error, words) -> None:
    sim = ds.Simulation(small, seed=2)
    with pytest.raises(error, match=words):
        sim.inject(what)


def test_bad_fault_and_action_arguments() -> None:
    with pytest.raises(ValueError, match="instance"):
        ds.Fault.crash(-1)
    with pytest.raises(TypeError, match="instance"):
        ds.Fault.crash("3")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="replicas"):
        ds.Action.scale("us-east-1", -2)
    with pytest.raises(TypeError, match="region"):
        ds.Action.scale(0, 2)  # type: ignore[arg-type]


def test_time_only_moves_forward(small) -> None:
    sim = ds.Simulation(small, seed=2)
    sim.run_until("1m")
    with pytest.raises(ValueError, match="before now"):
        sim.run_until("30s")
    with pytest.raises(ValueError, match="at: 10s is before now"):
        sim.inject(ds.Fault.crash(0), at="10s")
    with pytest.raises(ValueError, match="time"):
        sim.run_until("soon")
    with pytest.raises(ValueError, match="n: must be at least 1"):
        sim.step(0)


def test_ctrl_c_interrupts_and_the_simulation_continues(long) -> None:
    sim = ds.Simulation(long, seed=1)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.run_until("24h")
    finally:
        timer.cancel()
    stopped_at = sim.now
    assert 0.0 < stopped_at < 86_400.0
    assert sim.run_for("1m") == pytest.approx(stopped_at + 60.0)


def test_bad_constructor_arguments(small) -> None:
    with pytest.raises(TypeError, match="Scenario"):
        ds.Simulation({"name": "x"})  # type: ignore[arg-type]
    with pytest.raises(ds.ScenarioError, match="seed"):
        ds.Simulation(small, seed=-3)


def test_is_not_picklable_and_says_why(small) -> None:
    with pytest.raises(TypeError, match="replay"):
        pickle.dumps(ds.Simulation(small, seed=1))


def test_repr(small) -> None:
    sim = ds.Simulation(small, seed=1)
    sim.run_until("5s")
    assert repr(sim).startswith("<Simulation 'production' seed=1 now=5s events=")
