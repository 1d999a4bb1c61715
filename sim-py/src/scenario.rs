//! [`PyScenario`]: a validated `ScenarioConfig` behind a Python handle.
//!
//! Loading, merging onto the profile's defaults and validation are all
//! `sim_models::scenario`'s; this file only moves text and values across.
//! Python edits a scenario as a dict (`to_json` → change → `from_json`), so
//! every edit is validated by the same code that validates files.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sim_models::scenario::{Format, Profile, ScenarioConfig, load_path, load_str};

use crate::errors::scenario_error;

/// A scenario that has been loaded and validated (`devops_sim._native.Scenario`).
#[pyclass(frozen, name = "Scenario", module = "devops_sim._native")]
#[derive(Clone, Debug)]
pub struct PyScenario {
    /// The validated configuration.
    pub config: ScenarioConfig,
}

fn format_named(name: &str) -> PyResult<Format> {
    match name.to_ascii_lowercase().as_str() {
        "yaml" | "yml" => Ok(Format::Yaml),
        "json" => Ok(Format::Json),
        "toml" => Ok(Format::Toml),
        _ => Err(PyValueError::new_err(format!(
            "format: expected \"yaml\", \"json\" or \"toml\", not {name:?}"
        ))),
    }
}

#[pymethods]
impl PyScenario {
    /// Loads a scenario file; the extension picks the format.
    #[staticmethod]
    fn from_path(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let config = py
            .detach(|| load_path(&path))
            .map_err(|e| scenario_error(py, &e))?;
        Ok(PyScenario { config })
    }

    /// Loads a scenario from text in `format` (`"yaml"`, `"json"` or `"toml"`).
    #[staticmethod]
    fn from_text(py: Python<'_>, text: &str, format: &str) -> PyResult<Self> {
        let format = format_named(format)?;
        let config = load_str(text, format).map_err(|e| scenario_error(py, &e))?;
        Ok(PyScenario { config })
    }

    /// A profile's built-in scenario: `"development"`, `"production"` or `"experimental"`.
    #[staticmethod]
    fn preset(name: &str) -> PyResult<Self> {
        let profile = match name {
            "development" => Profile::Development,
            "production" => Profile::Production,
            "experimental" => Profile::Experimental,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "preset: expected \"development\", \"production\" or \"experimental\", not {name:?}"
                )));
            }
        };
        Ok(PyScenario {
            config: ScenarioConfig::preset(profile),
        })
    }

    /// The whole scenario as JSON text, every default filled in.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.config).expect("a scenario always serializes to JSON")
    }

    /// The names of the fleet regions, in the order the world indexes them.
    #[getter]
    fn fleet_regions(&self) -> Vec<String> {
        self.config
            .fleet
            .regions
            .iter()
            .map(|r| r.name.clone())
            .collect()
    }

    /// Settings that must not be promoted to production without hardening.
    fn hardening_violations(&self) -> Vec<String> {
        self.config
            .hardening_violations()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<devops_sim._native.Scenario {:?}, {} s>",
            self.config.name,
            self.config.duration.as_secs_f64()
        )
    }
}
