//! Replication statistics from `sim_core::stats`, so Python's confidence
//! intervals are the same Student-t intervals the Rust reports print.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sim_core::stats::Summary;

/// The Student-t confidence interval for the mean of `values` at `level`:
/// `(mean, half_width)`. A `ValueError` says why there is none (fewer than
/// two values, a NaN, a level outside (0, 1)).
#[pyfunction]
pub fn confidence_interval(values: Vec<f64>, level: f64) -> PyResult<(f64, f64)> {
    let summary: Summary = values.into_iter().collect();
    summary
        .confidence_interval(level)
        .map(|ci| (ci.mean, ci.half_width))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}
