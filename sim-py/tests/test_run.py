"""run(): results, determinism, seeds, progress, Ctrl-C and the GIL."""

from __future__ import annotations

import os
import pickle
import signal
import threading

import numpy as np
import pytest

import devops_sim as ds


def test_summary_and_report_agree(small) -> None:
    res = ds.run(small, seed=7)
    s = res.summary()
    overall = res.report["overall"]
    assert s["requests"] == overall["requests"] > 10_000
    assert s["seed"] == 7 and res.seed == 7
    assert s["simulated_s"] == 120.0
    assert s["conservation_holds"] is True
    assert 0.0 < s["latency_p50_s"] <= s["latency_p99_s"] <= s["latency_max_s"]
    assert s["succeeded"] + s["failed"] + s["timed_out"] + s["rejected"] == s["requests"]


def test_same_seed_gives_identical_results(small) -> None:
    a, b = ds.run(small, seed=11), ds.run(small, seed=11)
    assert a == b
    pa, pb = a.metrics.to_pandas(), b.metrics.to_pandas()
    assert pa.equals(pb)


def test_different_seeds_give_different_traffic(small) -> None:
    assert ds.run(small, seed=1).report["overall"]["requests"] != ds.run(small, seed=2).report["overall"]["requests"]


def test_seed_defaults_to_the_scenario_seed(small) -> None:
    assert ds.run(small).seed == small.seed
    assert ds.run(small) == ds.run(small, seed=small.seed)


def test_duration_argument_overrides_the_scenario(small) -> None:
    res = ds.run(small, seed=3, duration=30)
    assert res.summary()["simulated_s"] == 30.0
    assert res.scenario.duration == 30.0


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_out_of_range_seeds_are_refused(small, seed) -> None:
    with pytest.raises(ds.ScenarioError, match="seed"):
        ds.run(small, seed=seed)


@pytest.mark.parametrize("seed", ["7", 7.0, True, None.__class__])
def test_non_integer_seeds_are_type_errors(small, seed) -> None:
    with pytest.raises(TypeError, match="seed"):
        ds.run(small, seed=seed)


@pytest.mark.parametrize("duration", ["7 parsecs", -1, float("inf"), [1]])
def test_bad_durations_are_refused(small, duration) -> None:
    with pytest.raises((ValueError, TypeError), match="duration"):
        ds.run(small, seed=1, duration=duration)


def test_run_needs_a_scenario() -> None:
    with pytest.raises(TypeError, match="Scenario"):
        ds.run("production")  # type: ignore[arg-type]


def test_numpy_seed_is_accepted(small) -> None:
    assert ds.run(small, seed=np.uint64(5)) == ds.run(small, seed=5)


def test_progress_callback_sees_the_run_advance(small) -> None:
    seen: list[float] = []
    ds.run(small.with_overrides(duration="10m"), seed=1, progress=seen.append)
    assert len(seen) >= 2
    assert seen == sorted(seen)
    assert 0.0 <= seen[0] and seen[-1] <= 1.0


def test_an_exception_in_the_callback_stops_the_run(small) -> None:
    calls = []

    def boom(fraction: float) -> None:
        calls.append(fraction)
        raise ZeroDivisionError("stop here")

    with pytest.raises(ZeroDivisionError, match="stop here"):
        ds.run(small.with_overrides(duration="10m"), seed=1, progress=boom)
    assert len(calls) == 1


def test_bad_progress_argument(small) -> None:
    with pytest.raises(TypeError, match="progress"):
        ds.run(small, seed=1, progress="yes")  # type: ignore[arg-type]


def _interrupt_soon(delay: float = 0.3) -> threading.Timer:
    timer = threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_run_and_leaves_the_interpreter_usable(long, small) -> None:
    reached: list[float] = []
    timer = _interrupt_soon()
    try:
        with pytest.raises(KeyboardInterrupt):
            ds.run(long, seed=1, progress=reached.append)
    finally:
        timer.cancel()
    # The run stopped part-way (a day takes far longer than the timer), not at the end.
    assert reached and reached[-1] < 0.5
    assert ds.run(small, seed=1).summary()["conservation_holds"]


def test_runs_release_the_gil(small) -> None:
    # Thread B runs a long scenario with no Python callback at all; thread A
    # starts once B is about to enter native code and notes, from its own
    # progress callback, whether B is still running. A can execute Python
    # while B simulates only if B's run released the GIL; a run holding it
    # would keep A blocked until B had finished.
    b_running = threading.Event()
    b_started = threading.Event()
    a_saw_b_running: list[bool] = []

    def b() -> None:
        b_running.set()
        b_started.set()
        try:
            ds.run(small.with_overrides(duration="3h"), seed=1, progress=False)
        finally:
            b_running.clear()

    def a() -> None:
        b_started.wait()
        ds.run(small.with_overrides(duration="5m"), seed=1, progress=lambda f: a_saw_b_running.append(b_running.is_set()))

    threads = [threading.Thread(target=b), threading.Thread(target=a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert a_saw_b_running and any(a_saw_b_running)


def test_result_pickles(small) -> None:
    res = ds.run(small, seed=2)
    back = pickle.loads(pickle.dumps(res))
    assert back == res
    assert back.summary() == res.summary()


def test_result_repr_is_readable(small) -> None:
    text = repr(ds.run(small, seed=2))
    assert text.startswith("<RunResult 'production' seed=2: 2m simulated")
    assert "availability" in text and "p99" in text
