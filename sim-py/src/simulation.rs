//! [`PySimulation`]: a world built from a scenario, stepped from Python.
//!
//! Every verb is the engine's: `step`, `run_until`, and faults or actions
//! scheduled as the world's own events (`FleetEvent::Crash`,
//! `FleetEvent::ScaleTo`, `DeployEvent::Release`). This file checks indices before they reach the
//! world — a bad index from Python must be an exception, not a panic — and
//! converts results. A panic inside the engine leaves the world in an
//! unknown state, so the simulation refuses further calls after one.

use std::sync::Mutex;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use sim_core::{Progress, SimTime, Simulation, StopReason};
use sim_models::report::RunReport;
use sim_models::run::build_world;
use sim_models::scenario::ScenarioConfig;
use sim_models::world::{DeployEvent, Event, FleetEvent, World};

use crate::errors::{build_error, guard, run_error};
use crate::output::Snapshot;
use crate::scenario::PyScenario;
use crate::watch::Watch;

/// One row of `instances()`: `(index, region, version, lifecycle, routable)`.
type InstanceRow = (usize, String, String, String, bool);

/// Events between two checks for Ctrl-C (and progress) while running.
const CHECK_EVERY: u64 = 1 << 16;

/// An interactive simulation (`devops_sim._native.Simulation`).
#[pyclass(frozen, name = "Simulation", module = "devops_sim._native")]
pub struct PySimulation {
    config: ScenarioConfig,
    seed: u64,
    state: Mutex<State>,
}

struct State {
    sim: Simulation<World>,
    /// Why the simulation can no longer be used, after an internal failure.
    broken: Option<String>,
}

impl PySimulation {
    /// Locks the state for one call; a call from a second Python thread while
    /// a run holds the lock is refused rather than left to wait for it.
    fn with_state<T>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut State) -> PyResult<T>,
    ) -> PyResult<T> {
        let mut state = self.state.try_lock().map_err(|_| {
            PyRuntimeError::new_err("the simulation is busy with a call from another thread")
        })?;
        if let Some(why) = &state.broken {
            return Err(run_error(
                py,
                format!("the simulation cannot continue: {why}"),
            ));
        }
        f(&mut state)
    }

    fn schedule(&self, py: Python<'_>, at_ns: Option<u64>, event: Event) -> PyResult<()> {
        self.with_state(py, |st| {
            let at = at_ns.map_or(st.sim.now(), SimTime::from_nanos);
            st.sim
                .schedule_at(at, event)
                .map(drop)
                .map_err(|e| PyValueError::new_err(format!("at: {e}")))
        })
    }
}

#[pymethods]
impl PySimulation {
    /// Builds the world `scenario` describes, seeded with `seed`.
    #[new]
    fn new(py: Python<'_>, scenario: &Bound<'_, PyScenario>, seed: u64) -> PyResult<Self> {
        let config = scenario.get().config.clone();
        let built = py.detach(|| {
            guard(|| build_world(&config, seed).map(|world| Simulation::new(world, seed)))
        });
        let sim = match built {
            Err(panic) => return Err(run_error(py, panic)),
            Ok(Err(e)) => return Err(build_error(py, &e)),
            Ok(Ok(sim)) => sim,
        };
        Ok(PySimulation {
            config,
            seed,
            state: Mutex::new(State { sim, broken: None }),
        })
    }

    /// The root seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.seed
    }

    /// The simulated clock, in nanoseconds since the start.
    #[getter]
    fn now_ns(&self, py: Python<'_>) -> PyResult<u64> {
        self.with_state(py, |st| Ok(st.sim.now().as_nanos()))
    }

    /// Events handled so far.
    #[getter]
    fn events_handled(&self, py: Python<'_>) -> PyResult<u64> {
        self.with_state(py, |st| Ok(st.sim.events_handled()))
    }

    /// Handles up to `n` events; returns the clock afterwards (ns), or `None`
    /// if no event was pending.
    fn step(&self, py: Python<'_>, n: u64) -> PyResult<Option<u64>> {
        self.with_state(py, |st| {
            let sim = &mut st.sim;
            let outcome = py.detach(|| {
                guard(|| {
                    let mut last = None;
                    for i in 0..n {
                        if i > 0
                            && i % CHECK_EVERY == 0
                            && Python::attach(|py| py.check_signals()).is_err()
                        {
                            break;
                        }
                        match sim.step() {
                            Some(t) => last = Some(t.as_nanos()),
                            None => break,
                        }
                    }
                    last
                })
            });
            py.check_signals()?;
            outcome.map_err(|panic| {
                st.broken = Some(panic.clone());
                run_error(py, panic)
            })
        })
    }

    /// Runs every event due up to `until_ns`; returns why it stopped
    /// (`"horizon"`, `"exhausted"` or `"stopped"`). Ctrl-C or an exception
    /// from `progress(fraction)` stops it early (the simulation stays usable
    /// at the time reached) and is raised.
    #[pyo3(signature = (until_ns, progress=None))]
    fn run_until(
        &self,
        py: Python<'_>,
        until_ns: u64,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<&'static str> {
        self.with_state(py, |st| {
            let watch = Watch::new(progress);
            let hook = watch.clone();
            let start = st.sim.now().as_nanos();
            let span = until_ns.saturating_sub(start).max(1) as f64;
            st.sim.set_progress_hook(CHECK_EVERY, move |p: &Progress| {
                hook.check((p.now.as_nanos() - start) as f64 / span)
            });
            let sim = &mut st.sim;
            let outcome = py.detach(|| guard(|| sim.run_until(SimTime::from_nanos(until_ns))));
            st.sim.clear_progress_hook();
            if let Some(err) = watch.take_error() {
                return Err(err);
            }
            match outcome {
                Err(panic) => {
                    st.broken = Some(panic.clone());
                    Err(run_error(py, panic))
                }
                Ok(summary) => Ok(match summary.reason {
                    StopReason::Horizon => "horizon",
                    StopReason::Exhausted => "exhausted",
                    StopReason::Stopped => "stopped",
                    StopReason::Interrupted => "interrupted",
                }),
            }
        })
    }

    /// Schedules a crash of instance `instance` at `at_ns` (default: now).
    #[pyo3(signature = (instance, at_ns=None))]
    fn crash(&self, py: Python<'_>, instance: u32, at_ns: Option<u64>) -> PyResult<()> {
        let count = self.with_state(py, |st| Ok(st.sim.model().instance_count()))?;
        if instance as usize >= count {
            return Err(PyValueError::new_err(format!(
                "instance: no instance {instance}; the world has {count} so far (indices 0..{count})"
            )));
        }
        self.schedule(py, at_ns, FleetEvent::Crash { instance }.into())
    }

    /// Schedules setting fleet region `region` (an index into the
    /// scenario's `fleet.regions`) to `replicas` at `at_ns` (default: now).
    #[pyo3(signature = (region, replicas, at_ns=None))]
    fn scale_to(
        &self,
        py: Python<'_>,
        region: usize,
        replicas: u32,
        at_ns: Option<u64>,
    ) -> PyResult<()> {
        let regions = self.config.fleet.regions.len();
        let region = u16::try_from(region)
            .ok()
            .filter(|&r| usize::from(r) < regions)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "region: no fleet region {region}; the scenario has {regions}"
                ))
            })?;
        self.schedule(py, at_ns, FleetEvent::ScaleTo { region, replicas }.into())
    }

    /// Schedules shipping version `version` (an index into the scenario's
    /// `fleet.versions`) at `at_ns` (default: now).
    #[pyo3(signature = (version, at_ns=None))]
    fn release(&self, py: Python<'_>, version: usize, at_ns: Option<u64>) -> PyResult<()> {
        let versions = self.config.fleet.versions.len();
        let version = u16::try_from(version)
            .ok()
            .filter(|&v| usize::from(v) < versions)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "version: no version {version}; the scenario has {versions}"
                ))
            })?;
        self.schedule(py, at_ns, DeployEvent::Release { version }.into())
    }

    /// Every instance created so far: `(index, region, version, lifecycle, routable)`.
    fn instances(&self, py: Python<'_>) -> PyResult<Vec<InstanceRow>> {
        let fleet = &self.config.fleet;
        let regions: Vec<String> = fleet.regions.iter().map(|r| r.name.clone()).collect();
        let versions: Vec<String> = fleet.versions.iter().map(|v| v.name.clone()).collect();
        self.with_state(py, |st| {
            let world = st.sim.model();
            Ok((0..world.instance_count())
                .map(|i| {
                    let inst = world.instance(i);
                    let name = |names: &[String], k: usize| {
                        names.get(k).cloned().unwrap_or_else(|| k.to_string())
                    };
                    (
                        i,
                        name(&regions, inst.region),
                        name(&versions, inst.version),
                        format!("{:?}", inst.lifecycle).to_lowercase(),
                        inst.routable,
                    )
                })
                .collect())
        })
    }

    /// The report, metrics and event log so far, as `RunData`.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let snapshot = self.with_state(py, |st| {
            // `&mut`: the world is `Send` but not `Sync`.
            let sim = &mut st.sim;
            let (config, seed) = (&self.config, self.seed);
            py.detach(move || {
                guard(|| {
                    let report =
                        RunReport::new(config, seed, sim.model(), sim.now(), sim.events_handled());
                    Snapshot::new(&report, sim.model())
                })
            })
            .map_err(|panic| run_error(py, panic))
        })?;
        snapshot.into_py(py)
    }

    fn __repr__(&self) -> String {
        match self.state.try_lock() {
            Ok(st) => format!(
                "<devops_sim._native.Simulation now={} events={}>",
                st.sim.now(),
                st.sim.events_handled()
            ),
            Err(_) => "<devops_sim._native.Simulation (running)>".to_owned(),
        }
    }
}
