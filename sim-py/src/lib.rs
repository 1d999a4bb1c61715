//! # sim-py
//!
//! The native half of the Python package `devops_sim`: a pyo3 extension
//! (abi3) imported as `devops_sim._native`. It holds no simulation logic,
//! only conversion between Python and the Rust crates:
//!
//! - [`scenario`]: a validated `ScenarioConfig` behind a Python handle;
//! - [`run`]: one run, and many runs in parallel on rayon, with the GIL
//!   released and Ctrl-C honoured;
//! - [`simulation`]: an interactive simulation stepped from Python;
//! - [`output`]: a run's report, metrics (numpy columns) and event log;
//! - [`watch`]: the progress hook that checks for Ctrl-C and reports progress;
//! - [`errors`]: Rust errors and panics as the package's Python exceptions;
//! - [`duration`]: human durations (`"30m"`) to and from nanoseconds;
//! - [`stats`]: confidence intervals for replications, from `sim_core::stats`.
//!
//! The pure-Python package in `sim-py/python/devops_sim` wraps these into the
//! documented API (DESIGN.md §5); `_native.pyi` describes this module.
#![warn(missing_docs)]

use pyo3::prelude::*;

pub mod duration;
pub mod errors;
pub mod output;
pub mod run;
pub mod scenario;
pub mod simulation;
pub mod stats;
pub mod watch;

/// The `devops_sim._native` module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<scenario::PyScenario>()?;
    m.add_class::<simulation::PySimulation>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::run_many, m)?)?;
    m.add_function(wrap_pyfunction!(duration::parse_duration, m)?)?;
    m.add_function(wrap_pyfunction!(duration::format_duration, m)?)?;
    m.add_function(wrap_pyfunction!(stats::confidence_interval, m)?)?;
    m.add_function(wrap_pyfunction!(errors::panic_for_tests, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
