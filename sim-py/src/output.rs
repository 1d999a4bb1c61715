//! [`Snapshot`]: what a run produced, gathered with the GIL released and
//! handed to Python in bulk.
//!
//! Metrics cross as flat columns — every series' sample times and values
//! concatenated into two `float64` numpy arrays (moved, not copied), plus one
//! entry per *series* for its name, labels, kind and length — so Python
//! builds tidy tables with vectorised numpy (`np.repeat`), never a loop over
//! samples. The report and the event log cross as JSON text, which Python's
//! C parser reads faster than pyo3 could build the same dicts.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use sim_core::record::SeriesKind;
use sim_models::report::RunReport;
use sim_models::world::World;

/// A run's report, metrics and event log, as plain Rust values.
#[derive(Debug, Default)]
pub struct Snapshot {
    report_json: String,
    names: Vec<String>,
    labels: Vec<Vec<(String, String)>>,
    kinds: Vec<&'static str>,
    lengths: Vec<i64>,
    times: Vec<f64>,
    values: Vec<f64>,
    events_json: String,
    events_dropped: u64,
}

impl Snapshot {
    /// Copies what Python needs out of a report and its world.
    pub fn new(report: &RunReport, world: &World) -> Self {
        let recorder = world.recorder();
        let points = recorder.series().map(|s| s.len()).sum();
        let mut out = Snapshot {
            report_json: report.to_json(),
            times: Vec::with_capacity(points),
            values: Vec::with_capacity(points),
            ..Snapshot::default()
        };
        for series in recorder.series() {
            let key = series.key();
            out.names.push(key.name.clone());
            out.labels.push(key.labels.clone());
            out.kinds.push(match series.kind() {
                SeriesKind::Counter => "counter",
                SeriesKind::Gauge => "gauge",
            });
            out.lengths.push(series.len() as i64);
            out.times
                .extend(series.times().iter().map(|t| t.as_secs_f64()));
            out.values.extend_from_slice(series.values());
        }
        let log = world.event_log();
        out.events_json =
            serde_json::to_string(log.records()).expect("log records always serialize to JSON");
        out.events_dropped = log.dropped();
        out
    }

    /// The report's JSON text.
    pub fn report_json(&self) -> &str {
        &self.report_json
    }

    /// A dict with the keys `_native.pyi` documents as `RunData`.
    pub fn into_py(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("report_json", self.report_json)?;
        d.set_item("series_names", self.names)?;
        d.set_item("series_labels", self.labels)?;
        d.set_item("series_kinds", self.kinds)?;
        d.set_item("series_lengths", PyArray1::from_vec(py, self.lengths))?;
        d.set_item("time", PyArray1::from_vec(py, self.times))?;
        d.set_item("value", PyArray1::from_vec(py, self.values))?;
        d.set_item("events_json", self.events_json)?;
        d.set_item("events_dropped", self.events_dropped)?;
        Ok(d)
    }
}
