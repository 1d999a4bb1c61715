//! Human durations (`"250ms"`, `"1h30m"`) to and from integer nanoseconds,
//! with the engine's own parser so Python accepts exactly what scenario
//! files accept.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sim_core::SimDuration;

/// Parses a duration such as `"30m"` to nanoseconds; a `ValueError` says why not.
#[pyfunction]
pub fn parse_duration(text: &str) -> PyResult<u64> {
    text.parse::<SimDuration>()
        .map(SimDuration::as_nanos)
        .map_err(|e| PyValueError::new_err(format!("{text:?} is not a duration: {e}")))
}

/// Prints nanoseconds the way reports do (`"1h30m"`).
#[pyfunction]
pub fn format_duration(ns: u64) -> String {
    SimDuration::from_nanos(ns).to_string()
}
