//! Whole runs: one scenario and seed ([`run`]), or many in parallel on rayon
//! ([`run_many`]), always with the GIL released.
//!
//! Determinism: a run is a pure function of (scenario, seed), and
//! [`run_many`] returns results in job order, so what Python gets does not
//! depend on the thread count or on which thread ran which job.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;
use sim_models::run::{BuildError, run_scenario};
use sim_models::scenario::ScenarioConfig;

use crate::errors::{build_error, guard, run_error};
use crate::output::Snapshot;
use crate::scenario::PyScenario;
use crate::watch::Watch;

/// How often the thread that owns a sweep looks for Ctrl-C and reports progress.
const POLL: Duration = Duration::from_millis(20);

/// Runs `scenario` with `seed` for its duration and returns its `RunData`.
/// `progress(fraction)` is called every few milliseconds; an exception it
/// raises, or Ctrl-C, stops the run and is raised here.
#[pyfunction]
#[pyo3(signature = (scenario, seed, progress=None))]
pub fn run<'py>(
    py: Python<'py>,
    scenario: &Bound<'py, PyScenario>,
    seed: u64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let config = &scenario.get().config;
    let watch = Watch::new(progress);
    let hook = watch.clone();
    let outcome = py.detach(|| {
        guard(|| {
            run_scenario(config, seed, move |fraction| hook.check(fraction))
                .map(|(report, world)| Snapshot::new(&report, &world))
        })
    });
    if let Some(err) = watch.take_error() {
        return Err(err);
    }
    match outcome {
        Err(panic) => Err(run_error(py, panic)),
        Ok(Err(build)) => Err(build_error(py, &build)),
        Ok(Ok(snapshot)) => snapshot.into_py(py),
    }
}

/// What one job of [`run_many`] came to: a report's JSON, a scenario that
/// cannot be built, or a panic's message.
type JobOutcome = Result<Result<String, BuildError>, String>;

/// Runs every `(scenario, seed)` job in parallel on rayon (`threads`
/// threads, default: the global pool) and returns each run's report as JSON
/// text, in job order. `progress(fraction_of_jobs_done)` is called from this
/// thread; Ctrl-C stops every job.
#[pyfunction]
#[pyo3(signature = (jobs, threads=None, progress=None))]
pub fn run_many(
    py: Python<'_>,
    jobs: Vec<(Bound<'_, PyScenario>, u64)>,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Vec<String>> {
    let jobs: Vec<(ScenarioConfig, u64)> = jobs
        .iter()
        .map(|(sc, seed)| (sc.get().config.clone(), *seed))
        .collect();
    let pool = match threads {
        None => None,
        Some(0) => return Err(PyValueError::new_err("threads: must be at least 1")),
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| run_error(py, format!("cannot start {n} threads: {e}")))?,
        ),
    };
    let watch = Watch::new(None);
    let done = AtomicUsize::new(0);
    let total = jobs.len().max(1) as f64;
    let outcomes: Vec<JobOutcome> = py.detach(|| {
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let work = || {
                    jobs.par_iter()
                        .map(|(config, seed)| {
                            let w = watch.clone();
                            let stop = move |_: f64| {
                                if w.cancelled() {
                                    ControlFlow::Break(())
                                } else {
                                    ControlFlow::Continue(())
                                }
                            };
                            let outcome = guard(|| {
                                run_scenario(config, *seed, stop)
                                    .map(|(report, _)| report.to_json())
                            });
                            if !watch.cancelled() {
                                done.fetch_add(1, Ordering::Relaxed);
                            }
                            outcome
                        })
                        .collect::<Vec<JobOutcome>>()
                };
                match &pool {
                    Some(pool) => pool.install(work),
                    None => work(),
                }
            });
            loop {
                let finished = worker.is_finished();
                // Once stopping, there is nothing more to report: only wait for the workers.
                if !watch.cancelled() {
                    Python::attach(|py| {
                        let checked = py.check_signals().and_then(|()| match &progress {
                            Some(callback) => callback
                                .call1(py, (done.load(Ordering::Relaxed) as f64 / total,))
                                .map(drop),
                            None => Ok(()),
                        });
                        if let Err(e) = checked {
                            watch.fail(e);
                        }
                    });
                }
                if finished {
                    break;
                }
                std::thread::sleep(POLL);
            }
            worker
                .join()
                .unwrap_or_else(|_| vec![Err("a sweep worker thread panicked".to_owned())])
        })
    });
    if let Some(err) = watch.take_error() {
        return Err(err);
    }
    outcomes
        .into_iter()
        .zip(&jobs)
        .enumerate()
        .map(|(i, (outcome, (_, seed)))| match outcome {
            Ok(Ok(json)) => Ok(json),
            Ok(Err(build)) => Err(build_error(py, &build)),
            Err(panic) => Err(run_error(py, format!("job {i} (seed {seed}): {panic}"))),
        })
        .collect()
}
