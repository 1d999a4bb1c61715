"""sweep(): grids × seeds on rayon or on any executor, with equal tables
whatever runs them."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import pickle
import signal
import threading

import numpy as np
import pytest

import devops_sim as ds

GRID = {"workload.regions[0].rps": [300.0, 900.0]}
SEEDS = [0, 1, 2]


@pytest.fixture(scope="module")
def tiny(small) -> ds.Scenario:
    return small.with_overrides(duration="1m")


@pytest.fixture(scope="module")
def on_rayon(tiny) -> ds.SweepResult:
    return ds.sweep(tiny, GRID, seeds=SEEDS)


def test_rows_are_param_major_with_every_seed(on_rayon) -> None:
    assert len(on_rayon) == 6
    assert [(r["workload.regions[0].rps"], r["seed"]) for r in on_rayon] == [
        (rps, seed) for rps in GRID["workload.regions[0].rps"] for seed in SEEDS
    ]
    assert on_rayon.parameters == ["workload.regions[0].rps"]
    assert on_rayon.columns[:2] == ["workload.regions[0].rps", "scenario"]


def test_each_row_is_the_single_run(tiny, on_rayon) -> None:
    row = on_rayon.rows[4]
    alone = ds.run(tiny.with_overrides({"workload.regions[0].rps": 900.0}), seed=1).summary()
    assert {k: v for k, v in row.items() if k in alone} == alone


def test_more_traffic_means_more_requests(on_rayon) -> None:
    by_seed = {}
    for r in on_rayon:
        by_seed.setdefault(r["seed"], {})[r["workload.regions[0].rps"]] = r["requests"]
    assert all(v[900.0] > 2 * v[300.0] for v in by_seed.values())


def test_thread_count_does_not_change_the_table(tiny, on_rayon) -> None:
    assert ds.sweep(tiny, GRID, seeds=SEEDS, threads=1) == on_rayon
    assert ds.sweep(tiny, GRID, seeds=SEEDS, threads=3) == on_rayon


def test_process_pool_gives_the_same_table(tiny, on_rayon) -> None:
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        assert ds.sweep(tiny, GRID, seeds=SEEDS, executor=pool) == on_rayon


def test_thread_pool_gives_the_same_table(tiny, on_rayon) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        assert ds.sweep(tiny, GRID, seeds=SEEDS, executor=pool) == on_rayon


def test_dask_local_cluster_gives_the_same_table(tiny, on_rayon) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        assert ds.sweep(tiny, GRID, seeds=SEEDS, executor=client.get_executor()) == on_rayon


def test_no_grid_runs_the_seeds(tiny) -> None:
    res = ds.sweep(tiny, seeds=range(2))
    assert [r["seed"] for r in res] == [0, 1]
    assert ds.sweep(tiny).rows[0]["seed"] == tiny.seed


def test_tables(on_rayon) -> None:
    df = on_rayon.to_pandas()
    assert len(df) == 6 and list(df.columns) == on_rayon.columns
    cols = on_rayon.to_numpy()
    np.testing.assert_array_equal(cols["requests"], df["requests"].to_numpy())


def test_confidence_bands_cover_their_means(on_rayon) -> None:
    bands = on_rayon.confidence("latency_p99_s")
    assert [b["workload.regions[0].rps"] for b in bands] == [300.0, 900.0]
    for b in bands:
        assert b["n"] == 3 and b["lower"] <= b["mean"] <= b["upper"]
    with pytest.raises(KeyError, match="no column"):
        on_rayon.confidence("nope")


def test_pickles(on_rayon) -> None:
    assert pickle.loads(pickle.dumps(on_rayon)) == on_rayon


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"grid": {"fleet.nope.x": [1]}}, ds.ScenarioError, "fleet.nope"),
        ({"grid": {"fleet.queue_limit": [-1]}}, ds.ScenarioError, "fleet.queue_limit"),
        ({"grid": {"fleet.queue_limit": 5}}, TypeError, "list of values"),
        ({"grid": {"fleet.queue_limit": []}}, ValueError, "at least one value"),
        ({"grid": [("a", 1)]}, TypeError, "mapping"),
        ({"seeds": [1, -1]}, ds.ScenarioError, r"seeds\[1\]"),
        ({"seeds": []}, ValueError, "at least one seed"),
        ({"seeds": ["1"]}, TypeError, r"seeds\[0\]"),
        ({"threads": 0}, ValueError, "threads"),
        ({"executor": object()}, TypeError, "Executor"),
    ],
)
def test_bad_arguments_are_refused_before_anything_runs(tiny, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        ds.sweep(tiny, **kwargs)


def test_ctrl_c_stops_a_sweep(long, tiny) -> None:
    reached: list[float] = []
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            ds.sweep(long, seeds=range(4), progress=reached.append)
    finally:
        timer.cancel()
    assert reached and reached[-1] < 1.0
    assert len(ds.sweep(tiny, seeds=[1])) == 1


def test_repr(on_rayon) -> None:
    assert repr(on_rayon) == "<SweepResult: 6 runs over workload.regions[0].rps>"
