//! Rust errors and panics as the package's Python exceptions.
//!
//! The exception classes live in Python (`devops_sim.errors`), because
//! `ScenarioError` must be both a `SimError` and a `ValueError`, which a
//! single-base `create_exception!` cannot express. A panic never crosses into
//! Python as pyo3's `PanicException` (a `BaseException` that `except
//! Exception` would miss): [`guard`] turns it into a `RunError`.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::call::PyCallArgs;
use pyo3::prelude::*;
use sim_models::run::BuildError;
use sim_models::scenario::ScenarioError;

/// An instance of `devops_sim.errors.<class>` built from `args`, as a `PyErr`.
fn raise<'py>(py: Python<'py>, class: &str, args: impl PyCallArgs<'py>) -> PyErr {
    let made = py
        .import("devops_sim.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

/// `ScenarioError(message, problems)`, where each problem is `(path, message)`.
pub fn scenario_error(py: Python<'_>, err: &ScenarioError) -> PyErr {
    let problems: Vec<(String, String)> = err
        .problems()
        .iter()
        .map(|p| (p.path.clone(), p.message.clone()))
        .collect();
    raise(py, "ScenarioError", (err.to_string(), problems))
}

/// A scenario that loaded but cannot be built is still the scenario's fault.
pub fn build_error(py: Python<'_>, err: &BuildError) -> PyErr {
    match err {
        BuildError::Scenario(e) => scenario_error(py, e),
        BuildError::Invalid { path, reason } => raise(
            py,
            "ScenarioError",
            (err.to_string(), vec![(path.clone(), reason.clone())]),
        ),
        other => raise(
            py,
            "ScenarioError",
            (other.to_string(), Vec::<(String, String)>::new()),
        ),
    }
}

/// `RunError(message)`: something went wrong while a run was under way.
pub fn run_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "RunError", (message.into(),))
}

/// What a panic said, for the exception's message.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Runs `f`, turning a panic into `Err` with its message, so no panic
/// unwinds into Python. Call it inside `Python::detach` around engine work.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        format!(
            "the simulator failed internally (a bug; please report it with the scenario and seed): {}",
            panic_message(payload.as_ref())
        )
    })
}

/// Panics inside [`guard`] with `message`, so the tests can check that a
/// panic reaches Python as a `RunError` and leaves the interpreter usable.
#[pyfunction]
pub fn panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    py.detach(|| guard::<()>(|| panic!("{message}")))
        .map_err(|m| run_error(py, m))
}
